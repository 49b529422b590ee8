"""The Content-Security-Policy: set on every page, strict (no inline script or style, no eval, nothing may frame the
app), and the pages really work under it: no template or rendered page carries inline script or style (and in a
real browser, test_csp_browser.py, the pages run with no violation)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories
from tests.reliability.site_urls import PATTERNS, url_of
from tests.reliability.world import ROLES, clients, signed_in_sessions, world  # noqa: F401 (fixtures)

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy_of(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_the_policy_allows_only_the_app_itself(client, employee):
    client.force_login(employee)
    directives = policy_of(client.get(reverse("dashboard")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in str(directives) and "'unsafe-eval'" not in str(directives)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/no-such-page/", "/admin/login/",
                                  "/campaigns/raffles/method.md"])
def test_every_kind_of_answer_carries_the_policy(client, path):
    assert policy_of(client.get(path))["script-src"] == ["'self'"]


def test_the_admin_runs_under_the_same_policy(client, db):
    admin = factories.UserFactory(roles=["admin"], is_superuser=True)
    client.force_login(admin)
    assert policy_of(client.get("/admin/content_library/post/add/")) == policy_of(client.get("/"))


def test_forms_may_go_only_to_the_app_and_the_networks_it_redirects_them_to():
    """The share buttons and "connect your account" POST to the app, which redirects to the network: browsers
    check form-action on that redirect, so each host a share intent or a sign-in goes to must be allowed, and no
    other."""
    from allauth.socialaccount.providers.twitter_oauth2.views import TwitterOAuth2Adapter

    from advocacy.networks import SHAREABLE_NETWORKS, share_intent_url

    allowed = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]
    needed = {"'self'", "https://www.linkedin.com", "https://www.facebook.com"}  # LinkedIn's, Facebook's sign-in
    needed.add(re.match(r"https://[^/]+", TwitterOAuth2Adapter.authorize_url).group(0))
    for network in SHAREABLE_NETWORKS:
        intent = share_intent_url(network, "text", "https://advocacy.example.com/s/abcdefghij", subject="s")
        if intent:
            needed.add("mailto:" if intent.startswith("mailto:") else re.match(r"https://[^/]+", intent).group(0))
    assert set(allowed) == needed


# --- no inline script or style, in the templates and in what the pages render -----------------------------------

class InlineFinder(HTMLParser):
    """Collects what a strict policy blocks: inline <script> and <style>, style="", on*="" and javascript: URLs."""

    DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.found = []
        self._script_without_src = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script" and "src" not in attributes and attributes.get("type") not in self.DATA_SCRIPT_TYPES:
            self._script_without_src = True
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}">')
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f'<{tag} {name}="{value}">')

    def handle_data(self, data):
        if self._script_without_src and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_without_src = False


def inline_code(html):
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def served_templates():
    """The templates that reach a browser: all of templates/ but the e-mails (mail clients need inline style)."""
    return [path for path in TEMPLATES.rglob("*.html") if "email" not in path.relative_to(TEMPLATES).parts]


def test_the_inline_finder_finds_what_the_policy_blocks():
    html = ('<p style="color:red" onclick="go()">x</p><script>alert(1)</script><style>p{}</style>'
            '<a href="javascript:alert(1)">y</a><script type="application/json">{"ok": 1}</script>'
            '<script src="/static/js/app.js"></script>')
    assert len(inline_code(html)) == 5


@pytest.mark.parametrize("template", served_templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_carries_inline_script_or_style(template):
    source = re.sub(r"{%.*?%}|{{.*?}}", "", template.read_text(encoding="utf-8"), flags=re.S)
    assert not inline_code(source), f"{template.relative_to(TEMPLATES)}: move these to static/js or static/css"


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_no_rendered_page_carries_inline_script_or_style(key, world, clients, db):
    """Every page of the app, as the first role that may open it sees it (the admin's pages included)."""
    url = url_of(key, world)
    for role in ROLES:
        response = clients[role].get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            found = inline_code(response.content.decode())
            assert not found, f"{url} as {role}: {found}"
            return
