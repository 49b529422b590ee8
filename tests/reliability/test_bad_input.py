"""Bad input: every form, upload, query string and address of the app fed empty, huge, malformed, wrong-type,
script-bearing and Unicode-tricky values. The answer is always a clear refusal (a form error, a message, a 400 or a
404), never a 500, and a refused submission writes nothing; what is accepted (a script in a free text is a text like
any other) is stored as sent and shown escaped. Property-based tests (hypothesis) cover the share-text check and the
URL parsing: the published-post URL, the destination URL normalisation and the tracked link's UTM parameters.
"""

import csv
import io
import json
import string
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from advocacy.networks import PUBLISHED_URL_NETWORKS, SHAREABLE_NETWORKS, Network
from advocacy.published import MAX_URL_LENGTH, NETWORK_DOMAINS, parse_published_url
from advocacy.services import destination_with_utm
from content_library.models import Post, normalise_url
from guidelines.models import GuideVersion
from guidelines.rules import check_share_text
from tests import factories
from tests.reliability.test_csp import inline_code
from tests.reliability.world import clients, signed_in_sessions, world  # noqa: F401 (fixtures)

# Reproducible in CI (the same examples every run, nothing read from or written to a local example database),
# and quick: a few hundred examples each, generous deadline for a shared machine.
PROPERTIES = hypothesis_settings(max_examples=300, deadline=timedelta(seconds=2), derandomize=True, database=None,
                                 suppress_health_check=[HealthCheck.too_slow])
# Any character at all, lone surrogates included (what a buggy client or a raw service call could hand over).
ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=400)
LINK = "https://advocacy.example.com/s/abcdefghij"


# --- the share-text check ------------------------------------------------------------------------------------

@st.composite
def guide_versions(draw):
    lines = st.lists(ANY_TEXT.filter(lambda term: "\n" not in term), max_size=4).map("\n".join)
    return GuideVersion(
        version=1, title="Guide", body="", forbidden_terms=draw(lines), confidential_terms=draw(lines),
        disclosure_hashtag=draw(st.one_of(st.just(""), st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,20}", fullmatch=True))),
        max_hashtags=draw(st.one_of(st.none(), st.integers(0, 10))),
        allowed_networks=",".join(draw(st.lists(st.sampled_from(SHAREABLE_NETWORKS), unique=True, max_size=3))),
    )


@PROPERTIES
@given(text=ANY_TEXT, network=st.sampled_from(SHAREABLE_NETWORKS), version=st.one_of(st.none(), guide_versions()))
def test_the_share_text_check_answers_any_text_without_failing(text, network, version):
    check = check_share_text(text, network, LINK, version)
    assert check.length >= 0
    json.dumps(check.as_dict())  # what the live check sends back is always JSON
    for finding in check.findings:
        assert finding.severity in ("block", "warn") and finding.message
        if finding.start is not None:
            assert 0 <= finding.start < finding.end <= len(text.replace("\r\n", "\n").replace("\r", "\n"))
    assert check.blocking == any(finding.blocking for finding in check.findings)


@PROPERTIES
@given(before=ANY_TEXT, after=ANY_TEXT, term=st.from_regex(r"[A-Za-zÁÉÍÓÚáéíóúÑñ]{3,12}( [A-Za-zñ]{3,8})?",
                                                            fullmatch=True))
@example(before="", after="", term="Proyecto Halcón")
def test_a_confidential_term_is_always_found_and_blocks(before, after, term):
    version = GuideVersion(version=1, title="Guide", body="", confidential_terms=term)
    text = f"{before} {term.upper()} {after}"
    check = check_share_text(text, Network.LINKEDIN, LINK, version)
    found = [finding for finding in check.findings if finding.rule == "confidential_term"]
    assert found and found[0].blocking


@PROPERTIES
@given(before=ANY_TEXT, after=ANY_TEXT, control=st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\ud800"]))
def test_a_text_with_control_characters_is_never_shared(before, after, control):
    check = check_share_text(before + control + after, Network.X, LINK, None)
    assert any(finding.rule == "characters" and finding.blocking for finding in check.findings)


# --- "I posted it": the URL of the published post ---------------------------------------------------------------

URL_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@st.composite
def urlish(draw):
    """Strings shaped like URLs, mostly on the networks' hosts, with anything in the parts."""
    scheme = draw(st.sampled_from(["https", "http", "HTTPS", "ftp", "javascript", ""]))
    host = draw(st.one_of(st.sampled_from(["www.linkedin.com", "x.com", "twitter.com", "mobile.twitter.com",
                                           "www.facebook.com", "m.facebook.com", "evil.com", "x.com.evil.com",
                                           "[::1", "", "user@x.com"]), URL_TEXT))
    path = draw(st.one_of(URL_TEXT, st.sampled_from(["/a/status/123456", "/feed/update/urn:li:activity:123456789/",
                                                     "/permalink.php", "/page/posts/12345"])))
    query = draw(st.one_of(st.just(""), URL_TEXT, st.just("story_fbid=123456&id=42")))
    return f"{scheme}://{host}{path}" + (f"?{query}" if query else "")


@PROPERTIES
@given(network=st.sampled_from([*PUBLISHED_URL_NETWORKS, Network.EMAIL, "no-such-network"]),
       url=st.one_of(ANY_TEXT, urlish()))
def test_a_published_url_is_parsed_or_refused_with_a_reason_never_an_error(network, url):
    try:
        published, post_id = parse_published_url(network, url)
    except ValidationError as refusal:
        assert refusal.messages and all(refusal.messages)
        return
    parts = urlsplit(published)
    assert parts.scheme == "https"
    assert any(parts.hostname == domain or parts.hostname.endswith("." + domain)
               for domain in NETWORK_DOMAINS[network])
    assert published.isprintable() and len(published) <= MAX_URL_LENGTH and post_id.isprintable()
    # What was kept parses again to itself: the stored URL is a fixed point.
    assert parse_published_url(network, published) == (published, post_id)


@PROPERTIES
@given(user=st.from_regex(r"[A-Za-z0-9_]{1,15}", fullmatch=True), status=st.integers(1, 10**19),
       host=st.sampled_from(["x.com", "twitter.com", "mobile.twitter.com", "www.x.com"]),
       tail=st.sampled_from(["", "/", "/photo/1", "?s=20&t=abc", "#reply"]))
def test_an_x_post_id_round_trips(user, status, host, tail):
    published, post_id = parse_published_url(Network.X, f"https://{host}/{user}/status/{status}{tail}")
    assert post_id == str(status)
    assert parse_published_url(Network.X, published)[1] == post_id


@PROPERTIES
@given(kind=st.sampled_from(["activity", "share", "ugcPost"]), number=st.integers(10**6, 10**20),
       form=st.sampled_from(["feed", "slug"]))
def test_a_linkedin_post_urn_round_trips(kind, number, form):
    url = (f"https://www.linkedin.com/feed/update/urn:li:{kind}:{number}/" if form == "feed"
           else f"https://www.linkedin.com/posts/ana-perez_plant-{kind}-{number}-AbCd")
    published, post_id = parse_published_url(Network.LINKEDIN, url)
    assert post_id == f"urn:li:{kind}:{number}"
    assert parse_published_url(Network.LINKEDIN, published)[1] == post_id


@PROPERTIES
@given(page=st.from_regex(r"[A-Za-z0-9.]{1,30}", fullmatch=True), number=st.integers(10**5, 10**20))
def test_a_facebook_post_id_round_trips(page, number):
    assume(page not in ("groups", "reel", "photo", "permalink.php", "story.php"))
    published, post_id = parse_published_url(Network.FACEBOOK, f"https://www.facebook.com/{page}/posts/{number}")
    assert post_id == str(number)
    assert parse_published_url(Network.FACEBOOK, published)[1] == post_id


def test_a_control_character_inside_a_good_post_url_is_refused():
    """Found by this suite: the URN matched, and the NUL after it went to the database (a 500)."""
    with pytest.raises(ValidationError):
        parse_published_url(Network.LINKEDIN, "https://www.linkedin.com/feed/update/urn:li:activity:1234567890/\x00")


# --- the destination URL of a post, and the tracked link's UTM parameters ---------------------------------------

HOST_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
QUERY_PART = st.text(alphabet=string.ascii_letters + string.digits + "-._~%+=&é ", max_size=12)


@st.composite
def valid_urls(draw):
    """URLs the Post form accepts (http/https, a domain with a TLD), with their own query and fragment."""
    host = ".".join(draw(st.lists(HOST_LABEL, min_size=1, max_size=3))) + "." + draw(st.sampled_from(
        ["com", "es", "org", "co.uk"]))
    host = draw(st.sampled_from([host, host.upper()]))
    port = draw(st.sampled_from(["", ":443", ":8080"]))
    path = "/" + "/".join(draw(st.lists(st.text(alphabet=string.ascii_letters + string.digits + "-_.~%é",
                                                 max_size=8), max_size=3)))
    pairs = draw(st.lists(st.tuples(QUERY_PART.filter(bool), QUERY_PART), max_size=4))
    own = [*pairs, *draw(st.lists(st.tuples(st.sampled_from(["utm_source", "utm_campaign"]), QUERY_PART),
                                  max_size=2))]
    query = urlencode(own)
    fragment = draw(st.sampled_from(["", "#top", "#sección"]))
    url = f"{draw(st.sampled_from(['http', 'https', 'HTTPS']))}://{host}{port}{path}" + (f"?{query}" if query else "")
    url += fragment
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        assume(False)
    return url


@PROPERTIES
@given(url=st.one_of(ANY_TEXT, valid_urls(), urlish()))
def test_normalising_a_destination_never_fails_and_is_stable(url):
    once = normalise_url(url)
    assert normalise_url(once) == once


@PROPERTIES
@given(url=valid_urls())
def test_normalising_keeps_the_address_and_its_query(url):
    before, after = urlsplit(url), urlsplit(normalise_url(url))
    assert after.scheme == before.scheme.lower() and after.hostname == before.hostname.lower()
    assert after.query == before.query and after.fragment == before.fragment


OURS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")


@PROPERTIES
@given(url=valid_urls(), network=st.sampled_from(SHAREABLE_NETWORKS), post_id=st.integers(1, 10**12))
def test_utm_building_keeps_the_urls_own_query_and_never_changes_where_it_goes(url, network, post_id):
    post = Post(url=normalise_url(url), pk=post_id)
    built = destination_with_utm(post, network)
    before, after = urlsplit(post.url), urlsplit(built)
    assert (after.scheme, after.netloc, after.path, after.fragment) == (
        before.scheme, before.netloc, before.path, before.fragment)
    query = parse_qsl(after.query, keep_blank_values=True)
    assert [pair for pair in query if pair[0] not in OURS] == [
        pair for pair in parse_qsl(before.query, keep_blank_values=True) if pair[0] not in OURS]
    ours = [pair for pair in query if pair[0] in OURS]
    assert ours == [("utm_source", network), ("utm_medium", "employee_advocacy"), ("utm_campaign", "library"),
                    ("utm_content", str(post_id))]


# --- every form of the app, fed bad values ------------------------------------------------------------------------


class Raw(bytes):
    """A value sent percent-encoded as is, e.g. a lone UTF-16 surrogate in UTF-8 (%ED%A0%80)."""


VALUES = {
    "empty": "", "blank": "   ", "huge": "x" * 1_000_000, "nul": "a\x00b", "control": "a\x07b",
    "script": "<script>alert(1)</script>", "javascript_url": "javascript:alert(1)",
    "attribute_break": '"><img src=x onerror=alert(1)>', "rtl_override": "\u202etxt.exe",
    "zero_width_joiners": "a\u200db\u200dc", "combining_marks": "e" + "\u0301" * 500, "emoji": "👍🏽👨‍👩‍👧 ok",
    "negative": "-1", "long_number": "9" * 5000, "exponent": "1e309", "nan": "NaN", "sql": "' OR 1=1 --",
    "path_traversal": "../../etc/passwd", "byte_order_mark": "\ufeff", "lone_surrogate": Raw(b"%ED%A0%80"),
    "overlong_utf8": Raw(b"%C0%AF"),
}
ALL = set(VALUES)
@dataclass
class Form:
    """One field of one form: `post` with a valid `baseline`, the field replaced by each bad value."""

    name: str
    role: str
    url: callable  # (world, context) -> URL
    baseline: callable  # (world, context) -> valid data
    field: str
    state: callable  # (world, context) -> what a submission would change
    refused: set  # values that must change nothing
    setup: callable = None  # (world) -> context
    success: int = 302  # the status of an accepted submission; any other status must have changed nothing
    twins: tuple = ()  # fields sent the same value (password2 with password1)


def fresh_post(world):
    return {"post": factories.PostFactory(title="Fresh", allow_edit=True)}


def fresh_share(world):
    from advocacy.services import share_post

    return {"share": share_post(world.employee, factories.PostFactory(title="Shared"), "linkedin").share}


def new_guide(world):
    return {"guide": factories.GuideVersionFactory(version=2, published_at=timezone.now() - timedelta(minutes=1))}


def post_in_review(world):
    return {"post": factories.PostFactory(title="To review", status=Post.Status.IN_REVIEW)}


def model(label):
    from django.apps import apps

    return apps.get_model(label)


def published_state(world, context):
    context["share"].refresh_from_db()
    return context["share"].published_url, context["share"].published_post_id


def audience_state(world, context):
    audiences = model("advocacy.NetworkAudience").objects.filter(employee=world.employee)
    return tuple(audiences.values_list("network", "followers"))


def alias_state(world, context):
    aliases = model("rewards.LeaderboardAlias").objects.filter(employee=world.employee)
    return tuple(aliases.values_list("pseudonym", flat=True))


def signed_in_state(world, context):
    return context["client"].session.get("_auth_user_id")


def review_state(world, context):
    context["post"].refresh_from_db()
    return context["post"].status, model("content_library.PostTransition").objects.count()


SIGNUP = {"password1": "a-Long-new-passw0rd", "password2": "a-Long-new-passw0rd"}
POST_ADD = {
    "title": "Our plant", "summary": "", "url": "https://www.example.com/plant", "language": "en", "hashtags": "",
    "campaign": "", "allow_edit": "on", "content_type": "company_news", "category": "", "tags": "",
    "target_locations": "", "publish_at_0": "2026-01-01", "publish_at_1": "09:00:00", "expires_at_0": "",
    "expires_at_1": "", "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "0", "variants-MIN_NUM_FORMS": "0",
    "variants-MAX_NUM_FORMS": "1000", "variants-0-network": "linkedin", "variants-0-text": "Proud of our plant",
    "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0", "transitions-MIN_NUM_FORMS": "0",
    "transitions-MAX_NUM_FORMS": "0",
}

FORMS = [
    Form("suggestion link", "employee", lambda w, c: reverse("suggest"),
         lambda w, c: {"url": "https://www.example.com/video", "note": "Our video"}, "url",
         None, ALL - {"empty", "blank"}),
    Form("suggestion idea", "employee", lambda w, c: reverse("suggest"),
         lambda w, c: {"url": "", "note": "Our video"}, "note", None, {"empty", "blank", "huge", "nul"}),
    Form("follower count", "employee", lambda w, c: reverse("profile"), lambda w, c: {"linkedin": "1200"},
         "linkedin", audience_state, ALL - {"empty", "blank"}),
    Form("leaderboard pseudonym", "employee", lambda w, c: reverse("leaderboard_name"),
         lambda w, c: {"pseudonym": "Lince Iberico"}, "pseudonym", alias_state,
         ALL - {"empty", "blank", "nan", "exponent"}),
    Form("I posted it", "employee", lambda w, c: reverse("record_published", args=[c["share"].pk]),
         lambda w, c: {"url": "https://www.linkedin.com/feed/update/urn:li:activity:7123456789012345678/"}, "url",
         published_state, ALL, setup=fresh_share, success=None),
    Form("share text", "employee", lambda w, c: reverse("share", args=[c["post"].pk, "linkedin"]),
         lambda w, c: {"text": "In my own words"}, "text", None, {"huge", "nul", "control", "long_number"},
         setup=fresh_post, success=None),
    Form("guide signature", "employee", lambda w, c: reverse("guide"),
         lambda w, c: {"accept": "on", "typed_name": "Ana Pérez"}, "typed_name", None,
         {"empty", "blank", "huge", "nul", "control", "rtl_override", "negative", "byte_order_mark"}, setup=new_guide),
    Form("guide acceptance", "employee", lambda w, c: reverse("guide"),
         lambda w, c: {"accept": "on", "typed_name": "Ana Pérez"}, "accept", None, {"empty"}, setup=new_guide),
    Form("quiz answer", "employee", lambda w, c: reverse("capsule", args=[w.capsule.pk]),
         lambda w, c: {f"q{w.capsule.questions.get().pk}": "1"}, "answer", None, ALL),
    Form("sign-up address", "anonymous", lambda w, c: reverse("account_signup"),
         lambda w, c: {"email": "nuevo@example.com", **SIGNUP}, "email", None, ALL),
    Form("sign-up password", "anonymous", lambda w, c: reverse("account_signup"),
         lambda w, c: {"email": "nuevo@example.com", **SIGNUP}, "password1", None,
         {"empty", "blank", "nul", "negative", "long_number", "nan", "exponent", "byte_order_mark", "control",
          "lone_surrogate", "overlong_utf8"}, twins=("password2",)),
    Form("sign-in address", "anonymous", lambda w, c: reverse("account_login"),
         lambda w, c: {"login": w.employee.email, "password": factories.PASSWORD}, "login", signed_in_state, ALL,
         success=None),
    Form("sign-in password", "anonymous", lambda w, c: reverse("account_login"),
         lambda w, c: {"login": w.employee.email, "password": factories.PASSWORD}, "password", signed_in_state, ALL,
         success=None),
    Form("password reset address", "anonymous", lambda w, c: reverse("account_reset_password"),
         lambda w, c: {"email": w.employee.email}, "email", lambda w, c: len(mail.outbox), ALL, success=None),
    Form("points by hand", "comms", lambda w, c: reverse("admin:rewards_pointsentry_adjust"),
         lambda w, c: {"employee": w.employee.pk, "points": "5", "note": "Well done"}, "points", None,
         ALL - {"negative"}),
    Form("points note", "comms", lambda w, c: reverse("admin:rewards_pointsentry_adjust"),
         lambda w, c: {"employee": w.employee.pk, "points": "5", "note": "Well done"}, "note", None,
         {"empty", "blank", "huge", "nul", "long_number", "combining_marks"}),
    Form("review decision", "reviewer", lambda w, c: reverse("admin:content_library_post_review", args=[c["post"].pk]),
         lambda w, c: {"decision": "rejected", "comment": "Say it differently"}, "decision", review_state, ALL,
         setup=post_in_review),
    Form("review comment", "reviewer", lambda w, c: reverse("admin:content_library_post_review", args=[c["post"].pk]),
         lambda w, c: {"decision": "rejected", "comment": "Say it differently"}, "comment", review_state,
         {"empty", "blank", "huge", "nul", "long_number"}, setup=post_in_review),
    Form("invitation address", "hr", lambda w, c: reverse("admin:advocacy_invitation_add"),
         lambda w, c: {"email": "partner@agency.test", "team": ""}, "email", None, ALL),
    Form("post title", "comms", lambda w, c: reverse("admin:content_library_post_add"), lambda w, c: POST_ADD,
         "title", None, {"empty", "blank", "huge", "nul", "long_number", "combining_marks"}),
    Form("post destination", "comms", lambda w, c: reverse("admin:content_library_post_add"), lambda w, c: POST_ADD,
         "url", None, ALL),
    Form("post hashtags", "comms", lambda w, c: reverse("admin:content_library_post_add"), lambda w, c: POST_ADD,
         "hashtags", None, ALL - {"empty", "blank", "nan", "exponent", "zero_width_joiners", "combining_marks",
                                  "negative"}),
    Form("post text for a network", "comms", lambda w, c: reverse("admin:content_library_post_add"),
         lambda w, c: POST_ADD, "variants-0-text", None, {"huge", "nul", "long_number"}),
]
# Which models each form writes to (the state compared when no other is given).
WRITES = {
    "suggestion link": ("content_library.Suggestion",), "suggestion idea": ("content_library.Suggestion",),
    "share text": ("advocacy.Share",), "guide signature": ("guidelines.Acknowledgement",),
    "guide acceptance": ("guidelines.Acknowledgement",), "quiz answer": ("guidelines.CapsuleAttempt",),
    "sign-up address": ("advocacy.User",), "sign-up password": ("advocacy.User",),
    "points by hand": ("rewards.PointsEntry",), "points note": ("rewards.PointsEntry",),
    "invitation address": ("advocacy.Invitation",),
    **{name: ("content_library.Post", "content_library.PostVariant") for name in (
        "post title", "post destination", "post hashtags", "post text for a network")},
}


def submit(form, world, clients, value=None):
    """Post the form's baseline with its field set to `value` (the baseline as is when None): (answer, state
    before, state after)."""
    context = form.setup(world) if form.setup else {}
    client = context["client"] = clients[form.role]
    data = dict(form.baseline(world, context))
    # The quiz's one field is named after its question.
    form_field = next(iter(data)) if form.field == "answer" else form.field
    state = form.state or (lambda w, c: tuple(model(label).objects.count() for label in WRITES[form.name]))
    before = state(world, context)
    if value is None:
        body = urlencode(data).encode()
    else:
        fields = [form_field, *form.twins]
        body = urlencode([(key, item) for key, item in data.items() if key not in fields]).encode()
        for name in fields:
            body += b"&" + name.encode() + b"=" + (bytes(value) if isinstance(value, Raw)
                                                   else urlencode({"": value}).encode()[1:])
    response = client.post(form.url(world, context), data=body, content_type="application/x-www-form-urlencoded")
    return response, before, state(world, context)


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_each_form_accepts_its_valid_baseline(form, world, clients, db):
    """The control: with good values the submission goes through, so "nothing changed" below means refused."""
    response, before, after = submit(form, world, clients)
    assert after != before, f"{form.name}: the valid submission changed nothing ({response.status_code})"


@pytest.mark.parametrize("value_name", sorted(VALUES))
@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_each_form_refuses_bad_values_clearly_and_writes_nothing(form, value_name, world, clients, db):
    response, before, after = submit(form, world, clients, VALUES[value_name])
    assert response.status_code < 500
    assert response.status_code in (200, 302, 400, 403, 404, 429), response.status_code
    if value_name in form.refused:
        assert after == before, f"{form.name} took {value_name!r}: {before} -> {after}"
    if form.success is not None and response.status_code != form.success:
        assert after == before, f"{form.name} answered {response.status_code} yet changed {before} -> {after}"
    if response.status_code == 200 and after == before and "html" in response.get("Content-Type", ""):
        page = response.content.decode()
        said = ("invalid-feedback", "errorlist", "errornote", "alert-danger", "text-danger")
        assert any(mark in page for mark in said), f"{form.name}: refused {value_name!r} without saying why"


def test_a_nul_in_a_shared_text_is_refused_by_the_check_not_the_database(world, clients, db):
    """Found by this suite: the NUL reached PostgreSQL, which refuses it in text (a 500)."""
    from advocacy.models import Share

    post = factories.PostFactory(title="Fresh", allow_edit=True)
    response = clients["employee"].post(reverse("share", args=[post.pk, "linkedin"]), {"text": "a\x00b"},
                                        HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["check"]["findings"][0]["rule"] == "characters"
    assert not Share.objects.filter(post=post).exists()


@pytest.mark.parametrize("value_name", sorted(set(VALUES) - {"huge"}))
def test_the_live_check_answers_every_text_with_json(value_name, world, clients, db):
    value = VALUES[value_name]
    url = reverse("check_text", args=[world.post.pk, "linkedin"])
    if isinstance(value, Raw):
        response = clients["employee"].post(url, data=b"text=" + bytes(value),
                                            content_type="application/x-www-form-urlencoded")
    else:
        response = clients["employee"].post(url, {"text": value})
    assert response.status_code == 200
    answer = response.json()
    assert answer["blocking"] == (value_name in {"nul", "control"} or any(f["blocking"] for f in answer["findings"]))


def test_the_live_check_refuses_a_text_longer_than_any_network_takes(world, clients, db):
    response = clients["employee"].post(reverse("check_text", args=[world.post.pk, "linkedin"]),
                                        {"text": VALUES["huge"]})
    assert response.status_code == 400 and response.json()["error"]


# --- query strings and addresses ----------------------------------------------------------------------------------

QUERY_VALUES = {name: value for name, value in VALUES.items() if not isinstance(value, Raw) and name != "huge"}
QUERY_VALUES |= {"huge": "x" * 20_000, "encoded_nul": "%00", "lone_surrogate": "%ED%A0%80", "bad_utf8": "%FF%FE",
                 "huge_id": "9" * 30, "zero": "0"}


def get(client, url, name, value):
    if value.startswith("%"):  # already percent-encoded
        return client.get(f"{url}?{name}={value}")
    return client.get(url, {name: value})


QUERIES = [
    # (who, where, parameter, what a bad value gets)
    ("employee", lambda w: reverse("dashboard"), "q", "200"),
    ("employee", lambda w: reverse("dashboard"), "campaign", "200"),
    ("employee", lambda w: reverse("dashboard"), "category", "200"),
    ("employee", lambda w: reverse("dashboard"), "type", "200"),
    ("employee", lambda w: reverse("dashboard"), "network", "200"),
    ("employee", lambda w: reverse("dashboard"), "page", "200"),
    ("employee", lambda w: reverse("my_shares"), "page", "200"),
    ("comms", lambda w: reverse("monthly_report", args=[timezone.localdate().strftime("%Y-%m")]), "team", "404"),
    ("comms", lambda w: reverse("monthly_report", args=[timezone.localdate().strftime("%Y-%m")]), "campaign", "404"),
    ("comms", lambda w: reverse("monthly_report", args=[timezone.localdate().strftime("%Y-%m")]), "network", "404"),
    ("comms", lambda w: reverse("monthly_report", args=[timezone.localdate().strftime("%Y-%m")]), "format", "404"),
    ("employee", lambda w: reverse("monthly_report", args=[timezone.localdate().strftime("%Y-%m")]), "format", "404"),
    ("comms", lambda w: reverse("reach_calculator"), "adoption", "200"),
    ("hr", lambda w: reverse("hr_acknowledgements"), "team", "404"),
    ("hr", lambda w: reverse("hr_acknowledgements"), "status", "404"),
    ("hr", lambda w: reverse("hr_acknowledgements"), "format", "404"),
    ("hr", lambda w: reverse("hr_acknowledgements"), "page", "200"),
    ("employee", lambda w: reverse("leaderboard"), "period", "404"),
    ("comms", lambda w: reverse("admin:content_library_post_changelist"), "q", "200"),
    ("comms", lambda w: reverse("admin:content_library_post_changelist"), "status__exact", "admin"),
    ("comms", lambda w: reverse("admin:content_library_post_changelist"), "o", "admin"),
    ("comms", lambda w: reverse("admin:content_library_post_changelist"), "publish_at__year", "admin"),
    ("admin", lambda w: reverse("admin:advocacy_click_changelist"), "day__gte", "admin"),
    ("admin", lambda w: reverse("admin:advocacy_auditentry_changelist"), "action__exact", "admin"),
]
# Parameters whose empty value is no value either (the leaderboard has no nameless period: tests/rewards).
NOT_EMPTY = {"period"}
# Values a parameter rightly takes (an empty filter is no filter; "0" is a page number like any).
FINE = {"q": {"empty", "blank", "script", "javascript_url", "attribute_break", "sql", "path_traversal", "negative",
              "nan", "exponent", "emoji", "rtl_override", "zero_width_joiners", "combining_marks", "byte_order_mark",
              "control", "zero", "huge_id", "lone_surrogate", "bad_utf8", "long_number"}}


@pytest.mark.parametrize("value_name", sorted(QUERY_VALUES))
@pytest.mark.parametrize(("role", "url", "name", "answer"), QUERIES, ids=[f"{q[2]}@{i}" for i, q in enumerate(QUERIES)])
def test_query_strings_with_bad_values_are_ignored_reported_or_a_404(role, url, name, answer, value_name, world,
                                                                      clients, db):
    value = QUERY_VALUES[value_name]
    response = get(clients[role], url(world), name, value)
    status = response.status_code
    if value_name in ("nul", "encoded_nul"):
        assert status == 400  # refused before anything looks at it (advocacy.middleware)
    elif answer == "admin":
        # The admin ignores or flags a bad filter: the list, or its "?e=1" redirect naming the error.
        assert status == 200 or (status == 302 and "e=1" in response["Location"]), status
    elif (value_name == "empty" and name not in NOT_EMPTY) or value_name in FINE.get(name, ()):
        assert status == 200, status
    else:
        assert status == int(answer) or (answer == "404" and status == 200 and value_name == "blank"), status


def test_the_dashboard_reports_a_bad_filter_and_still_shows_the_feed(world, clients, db):
    response = clients["employee"].get(reverse("dashboard"), {"campaign": "<script>", "q": "x" * 200})
    assert response.status_code == 200
    page = response.content.decode()
    assert world.post.title in page and "<script>" not in page.split("<main", 1)[1].split("</main>")[0]


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "0000-01", "1999-12", "2026-1", "26-11", "2026-11-01",
                                   "abcd-ef", "9999-12", "-2026-11", "２０２６-１１", "2026_11", "x" * 5000])
def test_a_month_that_is_not_one_is_a_404(month, world, clients, db):
    assert clients["comms"].get(f"/reports/{month}/").status_code == 404


@pytest.mark.parametrize("path", [
    "/s/" + "x" * 5000, "/s/%00", "/s/%ED%A0%80", "/s/..%2F..%2Fetc", "/s/<script>", "/s/abc%20def",
    "/accounts/invitation/" + "x" * 5000 + "/", "/accounts/invitation/%00/", "/accounts/invitation/%FF/",
    "/digest/unsubscribe/" + "x" * 5000 + "/", "/digest/unsubscribe/eyJ1IjoxfQ:bad:sig/",
    "/guide/versions/99999999999999999999/", "/guide/capsules/99999999999999999999/",
    "/campaigns/%3Cscript%3E/", "/campaigns/no-such/raffles/1/entrants.json",
    "/admin/content_library/post/%00/change/",
])
def test_addresses_that_name_nothing_are_a_400_or_a_404(path, world, clients, db):
    assert clients["admin"].get(path).status_code in (400, 404)


@pytest.mark.parametrize("path", ["/admin/content_library/post/abc/change/", "/admin/content_library/post/-1/change/",
                                  "/admin/content_library/post/99999999999999999999/change/"])
def test_the_admin_sends_an_address_naming_no_object_back_to_its_index(path, world, clients, db):
    answer = clients["admin"].get(path, follow=True)
    assert answer.status_code == 200 and "doesn’t exist" in answer.content.decode()


@pytest.mark.parametrize(("path", "says"), [
    ("/accounts/confirm-email/" + "x" * 2000 + "/", "expired or is invalid"),
    ("/accounts/password/reset/key/1-" + "x" * 2000 + "/", "Bad Token"),
])
def test_a_bad_confirmation_or_reset_link_says_so(path, says, db, client):
    answer = client.get(path, follow=True)
    assert answer.status_code == 200 and says in answer.content.decode()


@pytest.mark.parametrize("next_url", ["ok", "-1", "//evil.example/", "https://evil.example/", "javascript:alert(1)",
                                      "/\r\nSet-Cookie: x=1", "/\x00", "\\\\evil.example", "/%0d%0aX: y"])
def test_the_language_switch_only_goes_back_to_a_page_of_the_site(next_url, world, clients, db):
    """Found by this suite: a `next` without a slash was taken for a view name (a 500)."""
    response = clients["employee"].post(reverse("switch_language"), {"language": "es", "next": next_url})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "\n" not in location and "\r" not in location and "\x00" not in location


def test_redeeming_what_does_not_exist_or_cannot_be_afforded_is_refused(world, clients, db):
    from rewards.models import Redemption, RewardItem

    before = Redemption.objects.count()
    assert clients["employee"].post(reverse("redeem", args=[999_999_999])).status_code == 404
    assert clients["employee"].post("/rewards/99999999999999999999/redeem/").status_code == 404
    dear = RewardItem.objects.create(name="A trip", points_price=10**9)
    answer = clients["employee"].post(reverse("redeem", args=[dear.pk]), follow=True)
    assert answer.status_code == 200 and "alert-danger" in answer.content.decode()
    assert Redemption.objects.count() == before


# --- uploads ------------------------------------------------------------------------------------------------------

def png_bytes(width=8, height=8):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


BAD_IMAGES = {
    "empty": ("plant.png", b""),
    "not_an_image": ("plant.png", b"hello, I am text"),
    "html_in_disguise": ("plant.png", b"<html><script>alert(1)</script></html>"),
    "svg_with_script": ("plant.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "truncated_png": ("plant.png", png_bytes()[:40]),
    "png_named_jpg": ("plant.jpg", png_bytes()),
    "executable": ("plant.exe", b"MZ\x90\x00"),
    "no_extension": ("plant", png_bytes()),
    "polyglot_php": ("plant.php.png", b"<?php system($_GET['c']); ?>"),
}


@pytest.mark.parametrize("case", sorted(BAD_IMAGES))
def test_a_bad_post_image_is_refused_and_no_post_is_saved(case, world, clients, db):
    name, content = BAD_IMAGES[case]
    before = Post.objects.count()
    response = clients["comms"].post(reverse("admin:content_library_post_add"),
                                     {**POST_ADD, "image": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Post.objects.count() == before


@pytest.mark.parametrize("case", sorted(BAD_IMAGES))
def test_a_bad_reward_image_is_refused_and_no_reward_is_saved(case, world, clients, db):
    from rewards.models import RewardItem

    name, content = BAD_IMAGES[case]
    before = RewardItem.objects.count()
    response = clients["comms"].post(reverse("admin:rewards_rewarditem_add"), {
        "name": "Mug", "description": "", "kind": "swag", "points_price": "10", "stock": "", "is_active": "on",
        "image": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert RewardItem.objects.count() == before


def test_an_image_named_to_climb_out_of_the_media_folder_stays_in_it(world, clients, db, settings):
    response = clients["comms"].post(reverse("admin:content_library_post_add"), {
        **POST_ADD, "image": SimpleUploadedFile("../../../etc/evil.png", png_bytes())})
    assert response.status_code == 302
    stored = Post.objects.get(title=POST_ADD["title"]).image
    assert ".." not in stored.name and stored.path.startswith(str(settings.MEDIA_ROOT))


BAD_EXPORTS = {
    "empty": b"",
    "header_only": b"Tweet id,Tweet permalink,Impressions,Likes,Replies,Retweets\n",
    "binary": bytes(range(256)) * 20,
    "nul_bytes": b"Tweet id,Likes\n1\x00,2\n",
    "huge_line": b"Tweet id,Likes\n" + b"1" * 1_000_000 + b",2\n",
    "formula": b"Tweet id,Likes,Replies,Retweets\n=HYPERLINK(\"http://evil\"),1,1,1\n",
    "negative_counts": b"Tweet id,Likes,Replies,Retweets\n1234567890123,-5,1,1\n",
    "wrong_network_file": (b"Post URL,Reactions,Comments,Reposts\n"
                           b"https://www.linkedin.com/feed/update/urn:li:activity:1/,1,1,1\n"),
    "utf16_garbage": "Tweet id,Likes\n\ud83d".encode("utf-16", "surrogatepass"),
    "zip_workbook": b"PK\x03\x04" + b"\x00" * 100,
}


@pytest.mark.parametrize("case", sorted(BAD_EXPORTS))
def test_a_bad_analytics_export_is_refused_with_its_errors_and_stores_nothing(case, world, clients, db):
    from metrics.models import AnalyticsImport, EngagementSnapshot

    before = (AnalyticsImport.objects.count(), EngagementSnapshot.objects.count())
    response = clients["comms"].post(reverse("admin:metrics_analyticsimport_upload"), {
        "network": "x", "as_of": timezone.localdate().isoformat(),
        "file": SimpleUploadedFile("export.csv", BAD_EXPORTS[case], content_type="text/csv")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "errorlist" in page or "errornote" in page or "error" in page
    assert (AnalyticsImport.objects.count(), EngagementSnapshot.objects.count()) == before


@pytest.mark.parametrize("as_of", ["", "tomorrow", "2026-02-30", "99999-01-01", "<script>", "\x00"])
def test_a_bad_figures_date_is_refused(as_of, world, clients, db):
    from metrics.models import AnalyticsImport

    before = AnalyticsImport.objects.count()
    if as_of == "tomorrow":
        as_of = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = clients["comms"].post(reverse("admin:metrics_analyticsimport_upload"), {
        "network": "x", "as_of": as_of, "file": SimpleUploadedFile("export.csv", b"Tweet id,Likes\n1,2\n")})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert AnalyticsImport.objects.count() == before


# --- what users write cannot inject HTML or script ----------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))", "![x](javascript:alert(1))", '<iframe src="https://evil.example"></iframe>',
    '<p style="position:fixed;top:0">over</p>', "<svg onload=alert(1)>", '<a href="data:text/html,<script>">d</a>',
    "[x](JaVaScRiPt:alert(1))", "<<script>script>alert(1)<</script>/script>", '<div onmouseover="alert(1)">x</div>',
]


def no_markup_from(attack, html):
    """None of the attack's markup is live in `html`: no script, handler, style, frame or javascript: URL."""
    found = inline_code(html)
    assert not found, (attack, found)
    lowered = html.lower()
    for live in ("<script", "<iframe", "<svg", "javascript:", "data:text/html", "onerror=", "onload=",
                 "onmouseover="):
        assert live not in lowered, (attack, live)


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_guides_markdown_cannot_carry_html_or_script(attack):
    from guidelines.markdown import render_markdown

    no_markup_from(attack, str(render_markdown(f"# Rules\n\n{attack}\n\nBe kind.")))


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_guide_page_and_a_capsule_lesson_show_written_markup_as_harmless(attack, world, clients, db):
    from guidelines.models import Capsule

    factories.GuideVersionFactory(version=3, body=f"Be kind.\n\n{attack}", published_at=timezone.now())
    capsule = Capsule.objects.create(title="Lesson", body=f"Read this.\n\n{attack}", is_published=True)
    for url in (reverse("guide"), reverse("capsule", args=[capsule.pk])):
        page = clients["employee"].get(url).content.decode()
        main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
        no_markup_from(attack, main)


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_user_texts_are_shown_escaped_wherever_they_appear(world, clients, db):
    """A post's title and text, a suggestion, a share's text, a person's name: each shown as text on every page
    that shows it (the employee's pages, HR's and the admin), never as markup."""
    from advocacy.models import User
    from advocacy.services import share_post
    from content_library.models import PostVariant
    from content_library.services import suggest

    post = factories.PostFactory(title=SCRIPT, allow_edit=True, texts={"linkedin": SCRIPT})
    share_post(world.employee, post, "linkedin", text=f"Mine: {SCRIPT}")
    suggestion = suggest(world.employee, SCRIPT, "")
    User.objects.filter(pk=world.employee.pk).update(first_name=SCRIPT)
    pages = {
        "dashboard": ("employee", reverse("dashboard")), "my shares": ("employee", reverse("my_shares")),
        "composer": ("employee", reverse("compose", args=[post.pk, "linkedin"])),
        "suggestions": ("employee", reverse("suggest")), "leaderboard": ("employee", reverse("leaderboard")),
        "signatures": ("hr", reverse("hr_acknowledgements")),
        "report": ("comms", reverse("monthly_report", args=[timezone.localdate().strftime("%Y-%m")])),
        "admin post": ("comms", reverse("admin:content_library_post_change", args=[post.pk])),
        "admin review": ("reviewer", reverse("admin:content_library_post_review", args=[post.pk])),
        "admin suggestion": ("comms", reverse("admin:content_library_suggestion_change", args=[suggestion.pk])),
        "admin suggestions": ("comms", reverse("admin:content_library_suggestion_changelist")),
        "admin shares": ("comms", reverse("admin:advocacy_share_changelist")),
    }
    for name, (role, url) in pages.items():
        page = clients[role].get(url).content.decode()
        assert '<script>alert("x")' not in page and "<img src=x onerror" not in page, name
        assert "&lt;script&gt;" in page, f"{name} does not show the text at all"
    assert PostVariant.objects.get(post=post).text == SCRIPT  # stored as written


def test_a_pseudonym_cannot_carry_markup(world, clients, db):
    from rewards.models import LeaderboardAlias

    response = clients["employee"].post(reverse("leaderboard_name"), {"pseudonym": "<b>Boss</b>"})
    assert response.status_code == 400
    assert LeaderboardAlias.objects.get(employee=world.employee).pseudonym == "Halcon Peregrino"


def test_csv_exports_never_run_a_formula(world, clients, db):
    """Names and teams starting with = + - @ (a spreadsheet formula) are written as text."""
    from advocacy.models import Team, User

    formula = '=HYPERLINK("http://evil.example","click")'
    User.objects.filter(pk=world.employee.pk).update(first_name=formula, last_name="")
    Team.objects.filter(pk=world.employee.profile.team_id).update(name="@SUM(A1)")
    exported = clients["hr"].get(reverse("hr_acknowledgements"), {"format": "csv"}).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert "'" + formula in cells and "'@SUM(A1)" in cells
    assert not any(cell.startswith(("=", "@", "+")) for cell in cells)
    report = clients["comms"].get(reverse("monthly_report", args=[timezone.localdate().strftime("%Y-%m")]),
                                  {"format": "csv"}).content.decode()
    assert not any(cell.startswith(("=", "@", "+")) for row in csv.reader(io.StringIO(report)) for cell in row)


def test_the_weekly_digest_email_shows_a_title_as_text(world, db):
    from content_library.digest import send_digests

    factories.PostFactory(title=SCRIPT, publish_at=timezone.now() - timedelta(hours=1))
    mail.outbox.clear()
    send_digests()
    sent = [message for message in mail.outbox if message.to == [world.employee.email]]
    assert sent
    html = sent[0].alternatives[0][0]
    assert ESCAPED.split("&lt;img")[0] in html and "<script" not in html and "<img src=x onerror" not in html


def test_a_reminder_email_is_plain_text_that_cannot_carry_markup(world, db, django_capture_on_commit_callbacks):
    from guidelines.services import request_reminders

    mail.outbox.clear()
    version = factories.GuideVersionFactory(version=4, title=SCRIPT, published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        request_reminders([world.people["reviewer"].pk], version, world.people["hr"])
    assert mail.outbox and not mail.outbox[0].alternatives  # text only: nothing for a mail client to render


@pytest.mark.parametrize("value", ["NaN", "Infinity", "[1e999]", "9" * 5000, "{not json", ""])
def test_the_connected_account_admin_refuses_json_the_database_cannot_keep(value, world, clients, db):
    """Found by this suite: Django's JSON form field let NaN, Infinity and 5,000-digit numbers through to
    PostgreSQL, and an empty field became NULL (a 500 each). An empty field now means {}."""
    from allauth.socialaccount.models import SocialApp

    app = SocialApp.objects.get(provider="twitter_oauth2")
    response = clients["admin"].post(reverse("admin:socialaccount_socialapp_change", args=[app.pk]), {
        "provider": "twitter_oauth2", "name": "X", "client_id": "id", "secret": "secret", "key": "",
        "settings": value})
    app.refresh_from_db()
    if value == "":
        assert response.status_code == 302 and app.settings == {}
    else:
        assert response.status_code == 200 and "Enter valid JSON" in response.content.decode()
        assert app.settings == {}


def test_a_request_body_over_the_limit_is_a_400_and_writes_nothing(world, clients, db):
    """Django reads at most 2.5 MB of form data (DATA_UPLOAD_MAX_MEMORY_SIZE) before refusing the request."""
    from content_library.models import Suggestion

    before = Suggestion.objects.count()
    response = clients["employee"].post(reverse("suggest"), {"note": "x" * 3_000_000})
    assert response.status_code == 400
    assert Suggestion.objects.count() == before


def test_a_form_with_thousands_of_fields_is_a_400(world, clients, db):
    response = clients["employee"].post(reverse("profile"), {f"field{number}": "1" for number in range(1500)})
    assert response.status_code == 400
