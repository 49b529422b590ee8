"""The Content-Security-Policy in a real browser (Debian's chromium): the dashboard, the composer's live check, the
report's charts and the admin's change form and lists work, and the browser reports no violation of the policy.

Kept apart from test_csp.py, whose company is built once per module inside a transaction: this test needs its
data committed for the live server.
"""

import pytest

from tests import factories
from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Each document records the violations the browser reports, from before any of the page's own script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ${event.sample}`);
});
"""


@pytest.mark.browser
def test_the_pages_work_in_a_browser_with_no_policy_violation(
    live_server, transactional_db, roles_from_migrations, needs_chromium, settings, monkeypatch
):
    from django.utils import timezone

    from advocacy.services import share_post
    from guidelines.services import sign_guide
    from metrics.selectors import Month
    from metrics.services import fill_daily_stats

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url
    # Comms, who are employees too: the dashboard and the composer, the report and the admin, in one person.
    person = factories.AdvocateFactory(email="carla.comms@example.com", roles=["comms"])
    guide = factories.GuideVersionFactory(confidential_terms="Proyecto Halcón")
    sign_guide(person, guide, "Carla Comms")
    post = factories.PostFactory(title="Our new plant", allow_edit=True)
    share_post(person, post, "linkedin")
    fill_daily_stats()
    month = Month.containing(timezone.localdate())

    from playwright.sync_api import expect, sync_playwright

    violations, outside = [], []

    def collect(page):
        violations.extend(f"{page.url}: {found}" for found in page.evaluate("window.__cspViolations || []"))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.set_default_timeout(10_000)
            context.add_init_script(RECORD_VIOLATIONS)
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                live_server.url) else (outside.append(route.request.url), route.abort()))
            page = context.new_page()
            page.on("console", lambda message: violations.append(f"console: {message.text}") if (
                message.type == "error" and "Content Security Policy" in message.text) else None)
            page.goto(f"{live_server.url}/accounts/login/")
            page.locator("input[name=login]").fill(person.email)
            page.locator("input[name=password]").fill(factories.PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(f"{live_server.url}/")

            # The policy is enforced and the recorder hears it: an injected inline script is blocked and reported.
            page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                          " document.body.append(s); }")
            page.wait_for_function("() => window.__cspViolations.length === 1")
            assert page.evaluate("window.ran") is None
            assert page.evaluate("window.__cspViolations[0]").startswith("script-src-elem blocked inline")
            page.evaluate("() => { window.__cspViolations = []; }")
            assert any("inline script" in found for found in violations)  # the console says so too
            violations.clear()

            # The dashboard: Bootstrap's JavaScript runs (the account menu opens).
            expect(page.get_by_role("article", name=post.title)).to_be_visible()
            page.get_by_role("button", name=person.display_name).click()
            expect(page.get_by_role("link", name="My profile")).to_be_visible()
            collect(page)

            # The composer: the live check answers as the text is typed.
            page.goto(f"{live_server.url}/posts/{post.pk}/compose/linkedin/")
            page.get_by_label("Your text for LinkedIn").fill("Visit the Proyecto Halcón plant")
            expect(page.locator("#compose-findings")).to_contain_text("“Proyecto Halcón” is confidential")
            expect(page.get_by_role("button", name="Share on LinkedIn")).to_be_disabled()
            collect(page)

            # The report: Chart.js draws both charts.
            page.goto(f"{live_server.url}/reports/{month}/")
            page.wait_for_function("() => window.Chart && Chart.getChart('chart-daily') && "
                                   "Chart.getChart('chart-networks')")
            assert page.evaluate("Chart.getChart('chart-daily').data.datasets[0].data.reduce((a, b) => a + b)") == 1
            collect(page)

            # The admin: the post's change form, with its JavaScript widgets (the teams picker is built by script).
            page.goto(f"{live_server.url}/admin/content_library/post/{post.pk}/change/")
            expect(page.locator("#id_title")).to_have_value(post.title)
            expect(page.locator("#id_target_teams_from")).to_be_attached()
            expect(page.locator("#id_variants-0-text")).to_have_value("Proud of this story")
            collect(page)
            # A read-only list (no actions), where Django itself would add an inline style.
            page.goto(f"{live_server.url}/admin/advocacy/share/")
            expect(page.locator("#result_list")).to_contain_text(post.title)
            collect(page)

            # The language picker sends its form when a language is chosen (static/js/app.js).
            page.goto(f"{live_server.url}/")
            with page.expect_navigation():
                page.select_option("#language-picker", "es")
            expect(page.locator("html")).to_have_attribute("lang", "es")
            collect(page)
            context.close()
        finally:
            browser.close()

    assert not violations, violations
    assert not outside, outside
