"""End to end in a real browser: an employee shares a post on LinkedIn and a reader clicks the tracked link.

Runs Debian's chromium (never a browser downloaded by Playwright) against pytest-django's live server. The network
is closed: LinkedIn and the post's site are answered by the test itself, anything else is aborted.

Playwright never passes a redirect's next hop through `route` (it continues it on its own), so the
302 from a tracked link to the post's site would go to the network. Chromium's host resolver
therefore maps the two outside hosts to a tiny local HTTPS stub and every other name to "not found".
"""

import datetime
import http.server
import re
import ssl
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from advocacy.models import Click, Share
from tests import factories
from tests.conftest import CHROMIUM

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STUB_PAGE = "<!doctype html><html><head><title>stub</title></head><body><p>Stub page</p></body></html>"
STUBBED_HOST = re.compile(r"(^|\.)(linkedin\.com|example\.com)$")
STUBBED_HOSTS = ["www.linkedin.com", "www.example.com"]
TIMEOUT_MS = 10_000


@contextmanager
def https_stub(tmp_path, hosts):
    """A local HTTPS server answering STUB_PAGE for `hosts` (self-signed); yields its port and the URLs it got."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test stub")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host) for host in hosts]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "stub-cert.pem", tmp_path / "stub-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))
    requested = []

    class Stub(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(f"https://{self.headers['Host']}{self.path}")
            body = STUB_PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # e.g. a speculative connection closed before its TLS handshake

    server = Server(("127.0.0.1", 0), Stub)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    # The handshake happens in each request's thread, so a connection the browser drops cannot stop the server.
    server.socket = tls.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port, requested
    finally:
        server.shutdown()
        server.server_close()


def log_in(page, live_server, employee):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(employee.email)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")


def test_employee_shares_a_post_and_the_tracked_link_counts_a_click(
    live_server, transactional_db, needs_chromium, settings, monkeypatch, tmp_path
):
    # Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise refuse.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Tracked links are built from SITE_URL: point it at the live server.
    settings.SITE_URL = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    employee = factories.AdvocateFactory(email="ana.browser@example.com")
    post = factories.PostFactory(
        title="Our new plant opens in Valencia", url="https://www.example.com/news/story?lang=es"
    )

    from playwright.sync_api import expect, sync_playwright

    stubbed, aborted = [], []

    def closed_network(route):
        url = route.request.url
        if url.startswith(live_server.url):
            route.continue_()
        elif STUBBED_HOST.search(urlsplit(url).hostname or ""):
            stubbed.append(url)
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=STUB_PAGE)
        else:
            aborted.append(url)
            route.abort()

    with https_stub(tmp_path, STUBBED_HOSTS) as (stub_port, stub_requested), sync_playwright() as p:
        resolver_rules = ", ".join(
            [f"MAP {host} 127.0.0.1:{stub_port}" for host in STUBBED_HOSTS] + ["MAP * ~NOTFOUND", "EXCLUDE localhost"]
        )
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, f"--host-resolver-rules={resolver_rules}"]
        )
        try:
            # A person's browser: the default "HeadlessChrome" agent is (rightly) counted as a bot.
            user_agent = (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{browser.version} Safari/537.36"
            )
            context = browser.new_context(
                viewport={"width": 1366, "height": 900}, user_agent=user_agent, ignore_https_errors=True
            )
            context.set_default_timeout(TIMEOUT_MS)
            context.route("**/*", closed_network)
            page = context.new_page()

            log_in(page, live_server, employee)

            # The post is on the dashboard.
            card = page.get_by_role("article", name=post.title)
            expect(card).to_be_visible()
            expect(card.get_by_role("heading", name=post.title)).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "dashboard-laptop.png"), full_page=True)

            # Share on LinkedIn: the form opens LinkedIn's composer in a new tab.
            with context.expect_page() as popup_info:
                card.get_by_role("button", name="Share on LinkedIn").click()
            popup = popup_info.value
            popup.wait_for_url(re.compile(r"^https://www\.linkedin\.com/feed/"))
            intent = urlsplit(popup.url)
            assert (intent.scheme, intent.netloc, intent.path) == ("https", "www.linkedin.com", "/feed/")
            params = parse_qs(intent.query)
            assert params["shareActive"] == ["true"]
            text = params["text"][0]
            assert "Proud of this story" in text
            found = re.search(re.escape(live_server.url) + r"/s/([A-Za-z0-9]+)", text)
            assert found, f"no tracked link in the LinkedIn text: {text!r}"
            tracked_url = found.group(0)
            assert tracked_url in text
            popup.close()

            # A reader opens the tracked link and lands on the post's page with our UTM parameters.
            reader = context.new_page()
            reader.goto(tracked_url)
            reader.wait_for_url(re.compile(r"^https://www\.example\.com/news/story"))
            landed = urlsplit(reader.url)
            assert (landed.netloc, landed.path) == ("www.example.com", "/news/story")
            assert parse_qs(landed.query) == {
                "lang": ["es"],
                "utm_source": ["linkedin"],
                "utm_medium": ["employee_advocacy"],
                "utm_campaign": ["library"],
                "utm_content": [str(post.pk)],
            }
            expect(reader.locator("body")).to_contain_text("Stub page")
            reader.close()

            # On a phone the share button is visible and big enough to tap.
            page.set_viewport_size({"width": 360, "height": 740})
            page.goto(f"{live_server.url}/")
            phone_button = page.get_by_role("article", name=post.title).get_by_role("button", name="Share on LinkedIn")
            phone_button.scroll_into_view_if_needed()
            expect(phone_button).to_be_visible()
            box = phone_button.bounding_box()
            assert box is not None and box["height"] >= 44, f"share button too small to tap: {box}"
            page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)

            context.close()
        finally:
            browser.close()

    # Nothing left the machine: LinkedIn and the post's site were answered by the stubs.
    requested = stubbed + stub_requested
    assert any(url.startswith("https://www.linkedin.com/feed/?shareActive=true") for url in requested), requested
    assert any(url.startswith("https://www.example.com/news/story?lang=es&utm_") for url in requested), requested
    assert not aborted, f"unexpected outside requests: {aborted}"

    share = Share.objects.get(employee=employee, post=post, network="linkedin")
    assert share.text == "Proud of this story"
    click = Click.objects.get()
    assert click.link.code == found.group(1)
    assert click.is_bot is False
    assert click.is_unique is True


def test_on_a_phone_an_employee_edits_within_the_guide_copies_the_link_and_uses_the_share_sheet(
    live_server, transactional_db, needs_chromium, settings, monkeypatch, tmp_path
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    from guidelines.services import sign_guide

    employee = factories.AdvocateFactory(email="leo.phone@example.com")
    guide = factories.GuideVersionFactory(confidential_terms="Proyecto Halcón", disclosure_hashtag="EmpleadoAcme")
    sign_guide(employee, guide, "Leo Phone")
    post = factories.PostFactory(title="Hackathon week", url="https://www.example.com/hackathon")

    from playwright.sync_api import expect, sync_playwright

    hosts = ["x.com", "www.example.com"]
    with https_stub(tmp_path, hosts) as (stub_port, stub_requested), sync_playwright() as p:
        rules = ", ".join([f"MAP {host} 127.0.0.1:{stub_port}" for host in hosts] + ["MAP * ~NOTFOUND",
                                                                                        "EXCLUDE localhost"])
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=[*CHROMIUM_ARGS, f"--host-resolver-rules={rules}"])
        try:
            context = browser.new_context(
                viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, ignore_https_errors=True,
                user_agent=("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                            f"Chrome/{browser.version} Mobile Safari/537.36"),
            )
            context.set_default_timeout(TIMEOUT_MS)
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
            # Desktop Linux Chromium has no OS share sheet: stand one in that records what it was handed.
            context.add_init_script(
                "navigator.share = (data) => { window.sharedWith = data; return Promise.resolve(); };"
            )
            page = context.new_page()
            log_in(page, live_server, employee)
            card = page.get_by_role("article", name=post.title)

            # Edit before sharing, on X: the guide's check answers as the employee types.
            card.get_by_role("link", name="Edit before sharing").click()
            page.get_by_role("link", name="X", exact=True).click()
            text = page.get_by_label("Your text for X")
            text.fill("Mirad lo que hicimos en el Proyecto Halcón 🚀 & más")
            findings = page.locator("#compose-findings")
            expect(findings).to_contain_text("“Proyecto Halcón” is confidential: remove it before sharing.")
            expect(findings).to_contain_text("Add #EmpleadoAcme so readers know you work here.")
            share_button = page.get_by_role("button", name="Share on X")
            expect(share_button).to_be_disabled()
            page.screenshot(path=str(ARTIFACTS / "compose-phone.png"), full_page=True)

            text.fill("Mirad lo que hicimos en la semana del hackathon 🚀 & más #EmpleadoAcme")
            expect(page.locator("#compose-ok")).to_be_visible()
            expect(share_button).to_be_enabled()
            assert share_button.bounding_box()["height"] >= 44
            with context.expect_page() as popup_info:
                share_button.click()
            popup = popup_info.value
            popup.wait_for_url(re.compile(r"^https://x\.com/intent/tweet"))
            intent = parse_qs(urlsplit(popup.url).query)
            assert intent["text"] == ["Mirad lo que hicimos en la semana del hackathon 🚀 & más #EmpleadoAcme"]
            assert intent["url"][0].startswith(f"{live_server.url}/s/")
            popup.close()

            # Copy link (for Slack, Teams…): text and tracked link on the clipboard, a toast says so.
            page.goto(f"{live_server.url}/")
            card = page.get_by_role("article", name=post.title)
            card.get_by_role("button", name="Copy the text and link (Slack, Teams…)").click()
            expect(page.locator("#share-toast")).to_contain_text("Text and link copied.")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert re.search(re.escape(live_server.url) + r"/s/[A-Za-z0-9]{10}$", copied), copied

            # The phone's share sheet is offered where the browser has one.
            sheet = card.get_by_role("button", name="Share with another app on this device")
            expect(sheet).to_be_visible()
            sheet.click()
            # A function, not a bare expression: Playwright evals those, and the Content-Security-Policy forbids eval.
            page.wait_for_function("() => window.sharedWith !== undefined")
            handed = page.evaluate("window.sharedWith")
            assert handed["title"] == post.title and handed["url"] == copied.split()[-1]
            page.screenshot(path=str(ARTIFACTS / "dashboard-phone-copied.png"), full_page=True)
            context.close()
        finally:
            browser.close()

    shares = dict(Share.objects.filter(employee=employee).values_list("network", "text"))
    assert shares == {"x": "Mirad lo que hicimos en la semana del hackathon 🚀 & más #EmpleadoAcme",
                      "other": "Proud of this story"}
    assert not any("Halc" in url for url in stub_requested)


def test_comms_create_a_reviewer_approves_and_only_the_targeted_team_sees_it(
    live_server, transactional_db, roles_from_migrations, needs_chromium, settings, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    sales, tech = factories.TeamFactory(name="Sales"), factories.TeamFactory(name="Tech")
    spain = factories.TeamFactory(name="Sales Spain", parent=sales)
    comms = factories.UserFactory(email="comms.browser@example.com", roles=["comms"])
    reviewer = factories.UserFactory(email="reviewer.browser@example.com", roles=["reviewer"])
    seller = factories.AdvocateFactory(email="seller@example.com", team=spain)
    engineer = factories.AdvocateFactory(email="engineer@example.com", team=tech)

    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            def session(user, width=1366):
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.set_default_timeout(TIMEOUT_MS)
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                    live_server.url) else route.abort())
                page = context.new_page()
                page.goto(f"{live_server.url}/accounts/login/")
                page.locator("input[name=login]").fill(user.email)
                page.locator("input[name=password]").fill(factories.PASSWORD)
                page.locator("form button[type=submit]").first.click()
                page.wait_for_load_state()
                return context, page

            # Comms write the post for the sales team and send it to review.
            context, page = session(comms)
            page.goto(f"{live_server.url}/admin/content_library/post/add/")
            page.fill("#id_title", "Sales kick-off in Madrid")
            page.fill("#id_url", "https://www.example.com/kickoff")
            page.select_option("#id_language", "en")
            page.select_option("#id_target_teams_from", label="Sales")
            page.click("#id_target_teams_add")
            page.fill("#id_variants-0-text", "Our sales kick-off starts today!")
            page.select_option("#id_variants-0-network", "linkedin")
            page.click("input[name=_save]")
            expect(page.locator(".messagelist")).to_contain_text("Sales kick-off in Madrid")
            page.locator("tr", has_text="Sales kick-off in Madrid").locator("input.action-select").check()
            page.select_option("select[name=action]", "submit_for_review")
            page.click("button[name=index]")
            expect(page.locator(".messagelist")).to_contain_text("sent to review")
            context.close()

            # The reviewer approves it with a comment.
            context, page = session(reviewer)
            page.goto(f"{live_server.url}/admin/content_library/post/")
            page.locator("tr", has_text="Sales kick-off in Madrid").locator("th a").click()
            page.click("text=Review: approve or reject")
            page.check("input[value=approved]")
            page.fill("textarea[name=comment]", "Fine to go.")
            page.screenshot(path=str(ARTIFACTS / "admin-review.png"), full_page=True)
            page.click("input[type=submit]")
            expect(page.locator(".messagelist")).to_contain_text("Your decision is recorded.")
            context.close()

            # Someone in a sub-team of Sales sees it; someone in Tech does not.
            context, page = session(seller, width=360)
            expect(page.get_by_role("article", name="Sales kick-off in Madrid")).to_be_visible()
            context.close()
            context, page = session(engineer, width=360)
            expect(page.get_by_role("heading", name="Ready to share")).to_be_visible()
            expect(page.get_by_role("article", name="Sales kick-off in Madrid")).to_have_count(0)
            context.close()
        finally:
            browser.close()

    from content_library.models import Post

    post = Post.objects.get(title="Sales kick-off in Madrid")
    assert post.status == "approved" and list(post.target_teams.all()) == [sales]
    assert post.transitions.last().comment == "Fine to go."


def test_a_manager_reads_the_month_on_a_phone_with_its_charts_and_saves_it_as_pdf(
    live_server, transactional_db, roles_from_migrations, needs_chromium, settings, monkeypatch
):
    from django.utils import timezone

    from advocacy.services import share_post
    from metrics.selectors import Month
    from metrics.services import fill_daily_stats

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    team = factories.TeamFactory(name="Sales")
    manager = factories.UserFactory(email="manager.browser@example.com", roles=["manager"])
    team.managers.add(manager)
    for n in range(3):
        share_post(factories.AdvocateFactory(team=team), factories.PostFactory(title=f"Story {n}"), "linkedin")
    fill_daily_stats()
    month = Month.containing(timezone.localdate())

    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 360, "height": 740})
            context.set_default_timeout(TIMEOUT_MS)
            outside = []
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                live_server.url) else (outside.append(route.request.url), route.abort()))
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            log_in(page, live_server, manager)

            page.goto(f"{live_server.url}/reports/{month}/")
            expect(page.locator("[data-kpi=shares] .kpi-value")).to_have_text("3")
            # Chart.js is served by the app itself and draws both charts.
            page.wait_for_function("() => window.Chart && Chart.getChart('chart-daily') && "
                                   "Chart.getChart('chart-networks')")
            assert page.evaluate("Chart.getChart('chart-daily').data.datasets[0].data.reduce((a, b) => a + b)") == 3
            assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
            page.screenshot(path=str(ARTIFACTS / "report-phone.png"), full_page=True)

            page.goto(f"{live_server.url}/reports/{month}/?format=print")
            page.wait_for_function("() => window.Chart && Chart.getChart('chart-daily')")
            pdf = page.pdf(format="A4")
            assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
            assert not errors and not outside, (errors, outside)
        finally:
            browser.close()
