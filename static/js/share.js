/* Sharing without leaving the page: copy link, the phone's share sheet, and the composer's live check.
   Every control is a plain form that works without this script; the script only makes it smoother. */
(function () {
  "use strict";

  const toastEl = document.getElementById("share-toast");

  function notify(message, kind) {
    if (!toastEl || !window.bootstrap) { window.alert(message); return; }
    toastEl.classList.remove("text-bg-success", "text-bg-danger");
    toastEl.classList.add(kind === "error" ? "text-bg-danger" : "text-bg-success");
    toastEl.querySelector(".toast-body").textContent = message;
    window.bootstrap.Toast.getOrCreateInstance(toastEl).show();
  }

  async function recordShare(form) {
    const response = await fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.error || (toastEl && toastEl.dataset.failed) || "Error");
      error.refused = true;
      error.actionUrl = data.action_url;
      throw error;
    }
    return data;
  }

  function fullText(data) {
    return data.text ? data.text + "\n\n" + data.link : data.link;
  }

  function refused(error, form) {
    if (error.refused) {
      notify(error.message, "error");
    } else {
      form.submit();  // no network or no clipboard: the plain form still works
    }
  }

  document.querySelectorAll("[data-select-on-focus]").forEach((field) => {
    field.addEventListener("focus", () => field.select());
  });

  // Networks whose share window takes only the link (Facebook): the text goes to the clipboard as the
  // window opens, so the employee can paste it. The form still submits as usual.
  document.querySelectorAll("form[data-copy-text], form[data-copy-text-from]").forEach((form) => {
    form.addEventListener("submit", () => {
      const source = form.dataset.copyTextFrom && document.getElementById(form.dataset.copyTextFrom);
      const text = source ? source.value : form.dataset.copyText;
      if (text && navigator.clipboard) {
        navigator.clipboard.writeText(text).then(
          () => notify(toastEl ? toastEl.dataset.textCopied : "Copied"), () => {});
      }
    });
  });

  // "Copy link": record the share, put text + tracked link on the clipboard.
  document.querySelectorAll("form[data-share-copy]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const data = await recordShare(form);
        await navigator.clipboard.writeText(fullText(data));
        notify(toastEl ? toastEl.dataset.copied : "Copied");
      } catch (error) {
        refused(error, form);
      }
    });
  });

  // The phone's own share sheet (Web Share API), offered only where the browser has it.
  if (navigator.share) {
    document.querySelectorAll("form[data-web-share]").forEach((form) => {
      form.hidden = false;
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        let data;
        try {
          data = await recordShare(form);
        } catch (error) {
          refused(error, form);
          return;
        }
        try {
          await navigator.share({ title: data.title, text: data.text, url: data.link });
        } catch (error) {
          if (error.name === "AbortError") return;  // the employee closed the sheet
          try {
            await navigator.clipboard.writeText(fullText(data));
            notify(toastEl ? toastEl.dataset.copied : "Copied");
          } catch (_) {
            form.submit();
          }
        }
      });
    });
  }

  // The composer: check the text against the usage guide as it is typed.
  const composer = document.getElementById("composer");
  if (composer) {
    const textarea = composer.querySelector("textarea[name=text]");
    const counter = document.getElementById("compose-counter");
    const findingsList = document.getElementById("compose-findings");
    const submit = composer.querySelector("[type=submit]");
    const csrf = composer.querySelector("[name=csrfmiddlewaretoken]").value;
    let timer = null;
    let sequence = 0;

    function render(result) {
      counter.textContent = result.limit ? result.length + " / " + result.limit : String(result.length);
      counter.classList.toggle("text-danger", Boolean(result.limit && result.length > result.limit));
      findingsList.replaceChildren(...result.findings.map((finding) => {
        const item = document.createElement("li");
        item.className = "list-group-item d-flex gap-2 " +
          (finding.blocking ? "list-group-item-danger" : "list-group-item-warning");
        item.dataset.rule = finding.rule;
        const icon = document.createElement("i");
        icon.className = "bi " + (finding.blocking ? "bi-x-octagon" : "bi-exclamation-triangle");
        icon.setAttribute("aria-hidden", "true");
        const text = document.createElement("span");
        text.textContent = finding.message;
        item.append(icon, text);
        return item;
      }));
      findingsList.hidden = result.findings.length === 0;
      document.getElementById("compose-ok").hidden = result.findings.length !== 0;
      submit.disabled = result.blocking;
    }

    async function check() {
      const mine = ++sequence;
      const body = new URLSearchParams({ text: textarea.value });
      try {
        const response = await fetch(composer.dataset.checkUrl, {
          method: "POST", body, credentials: "same-origin",
          headers: { "Accept": "application/json", "X-CSRFToken": csrf },
        });
        const result = await response.json();
        if (mine === sequence && response.ok) render(result);
      } catch (_) { /* offline: the server checks again when the form is sent */ }
    }

    textarea.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 250);
    });
  }
})();
