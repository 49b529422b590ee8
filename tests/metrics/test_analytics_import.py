"""Comms uploads a network's analytics export: checked row by row, errors with their lines, idempotent."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from advocacy.models import User
from advocacy.services import record_published_url, share_post
from metrics.engagement import Figures, record_engagement
from metrics.forms import AnalyticsImportForm
from metrics.imports import MAX_BYTES, MAX_ROWS, ImportRejected, import_analytics
from metrics.models import AnalyticsImport, EngagementSnapshot, ShareEngagement
from tests import factories

pytestmark = pytest.mark.django_db

X_ID = "1790000000000000001"
X_URL = f"https://x.com/ana/status/{X_ID}"
LINKEDIN_URN = "urn:li:activity:7123456789012345678"
LINKEDIN_URL = f"https://www.linkedin.com/feed/update/{LINKEDIN_URN}/"
FACEBOOK_URL = "https://www.facebook.com/permalink.php?story_fbid=123456789012&id=100000000000001"
TWEET_ACTIVITY = '"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements","engagement rate",' \
                 '"retweets","replies","likes","user profile clicks"'


def upload(text, name="export.csv", encoding="utf-8"):
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return SimpleUploadedFile(name, data, content_type="text/csv")


def run(network, text, *, as_of=None, by=None, **kwargs):
    return import_analytics(network, upload(text, **kwargs), as_of=as_of or timezone.now(), uploaded_by=by)


def rejected(network, text, **kwargs):
    with pytest.raises(ImportRejected) as error:
        run(network, text, **kwargs)
    return error.value.errors


def published_share(network, url):
    """A share whose employee pasted back the URL of the post they published."""
    employee = factories.AdvocateFactory()
    share = share_post(employee, factories.PostFactory(), network).share
    return record_published_url(employee, share.pk, url)


def figures(share):
    return Figures.of(ShareEngagement.objects.get(share=share))


def nothing_stored():
    return not AnalyticsImport.objects.exists() and not EngagementSnapshot.objects.exists()


@pytest.fixture
def x_share(db):
    return published_share("x", X_URL)


# --- What gets recorded ---------------------------------------------------------------------------------------

def test_an_x_tweet_activity_export_records_the_figures_of_the_matching_share(x_share):
    as_of = timezone.now() - timedelta(hours=2)
    uploader = factories.UserFactory(roles=["comms"])
    record = run("x", "\r\n".join([
        TWEET_ACTIVITY,
        f'"{X_ID}","{X_URL}","Proud of this story,\nwith a line break","2026-11-20 09:00 +0000","1,234","40",'
        '"0.032","5","3","21","2"',
    ]), as_of=as_of, by=uploader)
    assert figures(x_share) == Figures(impressions=1234, reactions=21, comments=3, reshares=5)
    snapshot = EngagementSnapshot.objects.get()
    assert (snapshot.share, snapshot.source, snapshot.analytics_import, snapshot.fetched_at) == (
        x_share, EngagementSnapshot.Source.IMPORT, record, as_of)
    assert ShareEngagement.objects.get(share=x_share).measured_at == as_of
    record.refresh_from_db()
    assert (record.network, record.file_name, record.uploaded_by) == ("x", "export.csv", uploader)
    assert (record.rows_read, record.rows_matched, record.snapshots_created) == (1, 1, 1)
    assert len(record.sha256) == 64


def test_a_newer_x_export_adds_quotes_to_reposts_and_does_not_read_shares_as_reposts(x_share):
    run("x", "\n".join([
        "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,"
        "Reposts,Quotes",
        f"{X_ID},Wed Nov 20 2026,Hello,{X_URL},987,30,50,4,11,0,6,7,2",
    ]))
    assert figures(x_share) == Figures(impressions=987, reactions=30, comments=6, reshares=9)


def test_a_linkedin_export_names_its_posts_by_url(db):
    share = published_share("linkedin", LINKEDIN_URL)
    record = run("linkedin", "\n".join([
        "Post URL,Post publish date,Impressions,Reactions,Comments,Reposts",
        f"https://www.linkedin.com/feed/update/{LINKEDIN_URN}?utm_source=share,11/20/2026,2500,44,7,3",
    ]))
    assert figures(share) == Figures(2500, 44, 7, 3)
    assert record.rows_matched == 1


def test_a_facebook_export_in_spanish_with_semicolons_and_dots_for_thousands(db):
    share = published_share("facebook", FACEBOOK_URL)
    run("facebook", "\n".join([
        "Identificador de la publicación;Enlace permanente;Descripción;Impresiones;Alcance;Reacciones;Comentarios;"
        "Veces que se compartió",
        "100000000000001_123456789012;https://www.facebook.com/100000000000001/posts/123456789012;"
        "Hola, equipo;12.345;9.000;1.002;4;0",
    ]))
    assert figures(share) == Figures(impressions=12345, reactions=1002, comments=4, reshares=0)


def test_the_delimiter_is_the_one_that_finds_the_columns(db):
    share = published_share("facebook", FACEBOOK_URL)
    run("facebook", "Post ID;Reactions, comments and shares;Reactions;Comments;Shares\n"
                    "100000000000001_123456789012;9;6;2;1\n")
    assert figures(share) == Figures(None, 6, 2, 1)


def test_facebook_reach_stands_in_for_impressions_and_the_story_id_alone_matches(db):
    share = published_share("facebook", FACEBOOK_URL)  # kept as "100000000000001_123456789012"
    run("facebook", "Post ID,Reach,Reactions,Comments,Shares\n123456789012,800,10,2,1\n")
    assert figures(share) == Figures(800, 10, 2, 1)


def test_without_an_impressions_column_the_known_impressions_are_kept(x_share):
    record_engagement(x_share, Figures(500, 1, 0, 0), EngagementSnapshot.Source.API,
                      fetched_at=timezone.now() - timedelta(days=1))
    run("x", f"Tweet id,likes,replies,retweets\n{X_ID},9,1,1\n")
    assert figures(x_share) == Figures(500, 9, 1, 1)


def test_an_empty_impressions_cell_is_unknown_not_zero(x_share):
    run("x", f"Tweet id,impressions,likes,replies,retweets\n{X_ID},,9,1,1\n")
    assert figures(x_share).impressions is None


@pytest.mark.parametrize("written, value", [
    ("1234", 1234), ('"1,234"', 1234), ("1.234", 1234), ('"1 234"', 1234), ("1\u00a0234", 1234),
    ('"12,345,678"', 12345678), ("1234.0", 1234), ('"1.234,00"', 1234), ('"1,234.00"', 1234), ("0", 0),
])
def test_counts_may_group_thousands_or_carry_zero_decimals(x_share, written, value):
    run("x", f"Tweet id,impressions,likes,replies,retweets\n{X_ID},{written},0,0,0\n")
    assert figures(x_share).impressions == value


def test_an_export_older_than_the_figures_kept_changes_nothing(x_share):
    record_engagement(x_share, Figures(900, 50, 5, 5), EngagementSnapshot.Source.API, fetched_at=timezone.now())
    record = run("x", f"Tweet id,impressions,likes,replies,retweets\n{X_ID},100,1,0,0\n",
                 as_of=timezone.now() - timedelta(days=3))
    assert figures(x_share) == Figures(900, 50, 5, 5)
    assert (record.rows_matched, record.snapshots_created) == (1, 0)


# --- Idempotence ----------------------------------------------------------------------------------------------

def test_re_importing_the_same_file_is_refused_and_changes_nothing(x_share):
    text = f"Tweet id,impressions,likes,replies,retweets\n{X_ID},100,10,1,1\n"
    run("x", text, by=factories.UserFactory(first_name="Marta", last_name="Gil"))
    snapshots, points = EngagementSnapshot.objects.count(), x_share.employee.points_entries.count()
    errors = rejected("x", text)
    assert len(errors) == 1 and errors[0][0] is None
    assert "already imported for X on " in errors[0][1] and "by Marta Gil; nothing was changed." in errors[0][1]
    assert AnalyticsImport.objects.count() == 1
    assert EngagementSnapshot.objects.count() == snapshots
    assert x_share.employee.points_entries.count() == points


def test_the_same_file_uploaded_meanwhile_by_someone_else_is_refused(x_share, monkeypatch):
    from metrics import imports

    text = f"Tweet id,likes,replies,retweets\n{X_ID},7,1,1\n"
    match = imports._match

    def upload_meanwhile(network, rows):
        AnalyticsImport.objects.create(network=network, file_name="same.csv", sha256=hashlib.sha256(
            text.encode()).hexdigest(), uploaded_by=factories.UserFactory(first_name="Luis", last_name="Sanz"))
        return match(network, rows)

    monkeypatch.setattr(imports, "_match", upload_meanwhile)
    errors = rejected("x", text)
    assert "by Luis Sanz; nothing was changed." in errors[0][1]
    assert AnalyticsImport.objects.get().file_name == "same.csv"
    assert not EngagementSnapshot.objects.exists()


def test_the_same_file_may_be_imported_for_another_network(x_share):
    text = f"Post id,Impressions,Likes,Comments,Reposts,Shares\n{X_ID},100,10,1,1,1\n"
    assert run("x", text).rows_matched == 1
    assert run("facebook", text).rows_unmatched == 1


def test_a_different_file_with_the_same_figures_makes_no_snapshot(x_share):
    run("x", f"Tweet id,impressions,likes,replies,retweets\n{X_ID},100,10,1,1\n")
    record = run("x", f"Tweet id;impressions;likes;replies;retweets\r\n{X_ID};100;10;1;1\r\n")
    assert (record.rows_matched, record.snapshots_created) == (1, 0)
    assert EngagementSnapshot.objects.count() == 1
    assert AnalyticsImport.objects.count() == 2


# --- Errors, with their lines, and nothing stored ----------------------------------------------------------------

def test_a_bad_number_on_line_4_is_reported_on_line_4_and_nothing_is_stored(x_share):
    published_share("x", "https://x.com/luis/status/1790000000000000002")
    errors = rejected("x", "\n".join([
        "Tweet id,impressions,likes,replies,retweets",
        f"{X_ID},100,10,1,1",
        "1790000000000000002,200,20,2,2",
        "1790000000000000003,300,many,3,3",
    ]))
    assert errors == [(4, "“likes” is “many”, which is not a number.")]
    assert nothing_stored()
    assert not ShareEngagement.objects.filter(measured_at__isnull=False).exists()


@pytest.mark.parametrize("likes, message", [
    ("-3", "“Likes” is “-3”: a count cannot be negative."),
    ("2.5", "“Likes” is “2.5”: a count must be a whole number."),
    ('"2,5"', "“Likes” is “2,5”: a count must be a whole number."),
    ("1e3", "“Likes” is “1e3”, which is not a number."),
    ("12%", "“Likes” is “12%”, which is not a number."),
    ("99999999999", "“Likes” is “99999999999”, which is too large."),
    ("", "“Likes” is empty."),
])
def test_each_bad_count_says_what_is_wrong(x_share, likes, message):
    errors = rejected("x", f"Post id,Impressions,Likes,Replies,Reposts\n\n{X_ID},1,{likes},0,0\n")
    assert errors == [(3, message)]  # the blank line 2 is skipped, not renumbered


def test_every_bad_line_is_listed_with_the_line_where_its_record_starts(x_share):
    errors = rejected("x", "\n".join([
        "Tweet id,Tweet text,impressions,likes,replies,retweets",
        '1790000000000000005,"two\nlines",-1,0,0,0',
        "not-an-id,text,1,1,1,1",
        ",no id nor link,1,1,1,1",
    ]))
    assert errors == [
        (2, "“impressions” is “-1”: a count cannot be negative."),
        (4, "“not-an-id” is not a X post id."),
        (5, "This line has no post id and no link."),
    ]


def test_a_line_with_more_values_than_the_header_is_refused(x_share):
    errors = rejected("x", f"Tweet id,impressions,likes,replies,retweets\n{X_ID},1,234,5,0,0\n{X_ID[:-1]}2,1,2,3,4,,\n")
    assert errors == [(2, "This line has 6 values where the header has 5 columns. Are there commas inside numbers "
                          "or texts without quotes?")]


def test_a_bad_link_gives_the_reason_of_parse_published_url(db):
    errors = rejected("linkedin", "Post URL,Impressions,Reactions,Comments,Reposts\n"
                                  "https://lnkd.in/abc,1,1,1,1\n")
    assert errors[0][0] == 2 and "not a LinkedIn link" in errors[0][1]


def test_an_id_rounded_by_a_spreadsheet_is_explained(db):
    errors = rejected("x", "Tweet id,likes,replies,retweets\n1.79E+18,1,1,1\n")
    assert errors == [(2, "The post id “1.79E+18” was rounded by a spreadsheet; use the file as exported, "
                          "or a link column.")]


def test_a_missing_column_is_one_error_naming_it_on_line_1(db):
    errors = rejected("x", f"Tweet id,impressions,likes,retweets\n{X_ID},1,1,1\n")
    assert len(errors) == 1
    line, message = errors[0]
    assert line == 1 and message.startswith("The column “Replies” is missing (also accepted: “Respuestas”")


def test_a_header_naming_no_post_says_so(db):
    errors = rejected("facebook", "Impressions,Reactions,Comments,Shares\n1,1,1,1\n")
    assert errors[0][0] == 1 and errors[0][1].startswith("No column names the post: add “Post ID” or “Post link”")


def test_duplicate_rows_of_one_post_name_both_lines(x_share):
    errors = rejected("x", "\n".join([
        "Tweet id,Tweet permalink,likes,replies,retweets",
        f"{X_ID},,1,1,1",
        "1790000000000000009,,1,1,1",
        f",{X_URL}?s=20,2,2,2",
    ]))
    assert errors == [(4, "The same post as line 2.")]
    assert nothing_stored()


def test_two_spellings_of_one_facebook_post_are_duplicates(db):
    published_share("facebook", FACEBOOK_URL)
    errors = rejected("facebook", "Post ID,Reactions,Comments,Shares\n"
                                  "100000000000001_123456789012,1,1,1\n123456789012,1,1,1\n")
    assert errors == [(3, "The same post as line 2.")]


def test_a_flood_of_errors_is_cut_short(x_share):
    lines = ["Tweet id,likes,replies,retweets", *(f"{n},x,0,0" for n in range(1, 151))]
    errors = rejected("x", "\n".join(lines))
    assert len(errors) == 101 and errors[-1] == (None, "… and 50 more errors.")


# --- Files that are not what they should be ---------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b",,,\n,,,\n"])
def test_an_empty_file_is_refused(db, content):
    assert rejected("x", content) == [(None, "The file is empty.")]


def test_a_header_without_rows_is_refused(db):
    assert rejected("x", "\n\nTweet id,likes,replies,retweets\n\n") == [(3, "The file has a header but no rows.")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_a_bom_are_read(x_share, encoding):
    text = f"Tweet id\tTweet text\timpressions\tlikes\treplies\tretweets\n{X_ID}\tÉxito 🎉\t1.500\t15\t1\t2\n"
    run("x", text, encoding=encoding)
    assert figures(x_share) == Figures(1500, 15, 1, 2)


def test_windows_1252_is_the_fallback_when_utf8_fails(db):
    share = published_share("facebook", FACEBOOK_URL)
    text = "Enlace permanente;Descripción;Reacciones;Comentarios;Veces que se compartió\n" \
           f"{FACEBOOK_URL};Campaña año nuevo €;3;2;1\n"
    run("facebook", text, encoding="cp1252")
    assert figures(share) == Figures(None, 3, 2, 1)


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 8,
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x01\x02",
])
def test_a_binary_file_is_refused_with_a_clear_message(db, content):
    errors = rejected("x", content, name="export.csv")
    assert errors == [(None, "This does not look like a CSV file: it contains binary data. Export the analytics as "
                             "CSV and upload that file.")]


def test_a_workbook_is_refused_with_what_to_do(db):
    errors = rejected("linkedin", b"PK\x03\x04\x14\x00\x06\x00" + bytes(100), name="export.xlsx")
    assert "save it as CSV" in errors[0][1]


def test_a_file_over_5_mb_is_refused(db):
    big = b"Tweet id,likes,replies,retweets\n" + b"1,1,1,1\n" * (MAX_BYTES // 8)
    assert rejected("x", big) == [(None, "The file is larger than 5 MB. Export fewer posts at a time.")]


def test_more_than_50000_rows_are_refused(db):
    rows = "".join(f"{n},1,1,1\n" for n in range(1, MAX_ROWS + 2))
    errors = rejected("x", "Tweet id,likes,replies,retweets\n" + rows)
    assert errors == [(None, "The file has more than 50,000 rows. Export fewer posts at a time.")]


# --- Unmatched rows --------------------------------------------------------------------------------------------

def test_rows_matching_no_share_are_counted_and_their_lines_listed(x_share):
    published_share("linkedin", LINKEDIN_URL)  # another network: not a match for X's ids
    rows = [f"{X_ID},10,1,1", "", *(f"18000000000000{n:05d},1,1,1" for n in range(60))]
    record = run("x", "\n".join(["Tweet id,likes,replies,retweets", *rows]))
    assert (record.rows_read, record.rows_matched, record.rows_unmatched) == (61, 1, 60)
    assert record.unmatched_lines == list(range(4, 54))
    record.refresh_from_db()
    assert record.rows_read == 61


# --- The admin ---------------------------------------------------------------------------------------------------

def with_permissions(user, *dotted_names):
    """The role's permissions come from a migration; grant what it lacks so far."""
    for dotted in dotted_names:
        if not user.has_perm(dotted):
            app_label, codename = dotted.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def comms(client):
    user = with_permissions(factories.UserFactory(roles=["comms"]),
                            "metrics.add_analyticsimport", "metrics.view_analyticsimport")
    client.force_login(user)
    return user


UPLOAD = "admin:metrics_analyticsimport_upload"
CHANGELIST = "admin:metrics_analyticsimport_changelist"


def post_upload(client, text, network="x", as_of=None):
    return client.post(reverse(UPLOAD), {
        "network": network, "as_of": (as_of or timezone.localdate()).isoformat(), "file": upload(text),
    })


def test_comms_sees_the_upload_button_and_the_form(client, comms):
    assert reverse(UPLOAD) in client.get(reverse(CHANGELIST)).content.decode()
    response = client.get(reverse(UPLOAD))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html
    assert response.context["form"]["as_of"].value() == timezone.localdate()
    assert "Veces que se compartió" in html  # the accepted columns are listed


def test_without_the_permission_the_upload_page_is_forbidden(client):
    reviewer = factories.UserFactory(roles=["reviewer"])
    client.force_login(reviewer)
    assert client.get(reverse(UPLOAD)).status_code == 403
    assert client.post(reverse(UPLOAD), {"network": "x"}).status_code == 403


def test_the_normal_add_and_change_views_are_closed(client, comms, x_share):
    record = run("x", f"Tweet id,likes,replies,retweets\n{X_ID},1,1,1\n")
    assert client.get(reverse("admin:metrics_analyticsimport_add")).status_code == 403
    assert client.post(reverse("admin:metrics_analyticsimport_change", args=[record.pk]),
                       {"file_name": "renamed.csv"}).status_code == 403
    assert client.post(reverse("admin:metrics_analyticsimport_delete", args=[record.pk]),
                       {"post": "yes"}).status_code == 403
    assert AnalyticsImport.objects.get().file_name == "export.csv"


def test_a_bad_file_shows_its_errors_on_the_page(client, comms, x_share):
    response = post_upload(client, "\n".join([
        "Tweet id,likes,replies,retweets", f"{X_ID},1,1,1", "1790000000000000002,1,1,1", "1790000000000000003,-1,1,1",
    ]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Line 4: “likes” is “-1”: a count cannot be negative." in html
    assert response.context["form"].is_bound
    assert nothing_stored()


def test_a_good_file_redirects_to_the_list_with_the_summary(client, comms, x_share):
    with_unmatched = f"Tweet id,likes,replies,retweets\n{X_ID},7,1,1\n1790000000000000002,1,1,1\n"
    response = post_upload(client, with_unmatched)
    assert response.status_code == 302 and response.url == reverse(CHANGELIST)
    page = client.get(response.url).content.decode()
    assert "Imported “export.csv” (X): 2 rows read, 1 matched, 1 changed, 1 unmatched (lines 3)." in page
    assert figures(x_share).reactions == 7
    assert AnalyticsImport.objects.get().uploaded_by == comms


def test_the_same_file_twice_says_when_and_by_whom(client, comms, x_share):
    text = f"Tweet id,likes,replies,retweets\n{X_ID},7,1,1\n"
    post_upload(client, text)
    html = post_upload(client, text).content.decode()
    assert f"by {comms.get_full_name()}; nothing was changed." in html
    assert AnalyticsImport.objects.count() == 1


def test_figures_cannot_be_from_the_future(client, comms):
    response = post_upload(client, "Tweet id,likes,replies,retweets\n", as_of=timezone.localdate() + timedelta(1))
    assert response.status_code == 200
    assert response.context["form"].errors["as_of"] == ["The figures cannot be from the future."]


def test_the_form_offers_only_networks_with_published_links():
    assert [value for value, _label in AnalyticsImportForm().fields["network"].choices] == ["linkedin", "x", "facebook"]
