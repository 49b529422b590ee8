/* Small behaviours every page may use, kept out of the templates so the Content-Security-Policy can forbid
   inline script: each one hangs off a data- attribute, and each control still works without this file. */
(function () {
  "use strict";

  // <select data-submit-on-change>: choosing an option sends its form (the language picker).
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // <form data-confirm="Question?">: ask before sending (redeeming points).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
