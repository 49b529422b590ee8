"""A network's analytics export (CSV) uploaded by comms where no API gives the figures of employees' posts.

`import_analytics` reads the whole file first (encoding, delimiter, header, every row) and stores nothing
unless all of it is valid; then, in one transaction, it records each row matching a share of that network
with `record_engagement`, so an export older than the figures kept changes nothing. The file's SHA-256 makes
a second upload of the same bytes a refusal that changes nothing.

Accepted columns (any case, accents, spaces or underscores) are in `COLUMNS`: the names of X's "Tweet
activity" and newer post exports, Meta Business Suite's post export and LinkedIn's post analytics, in English
and Spanish. A row names its post by an id column or a link column (read with `parse_published_url`).
Counts are whole numbers; "1,234", "1.234", "1 234" (groups of three) and "1234.0" are read as 1234, so "1.000"
is a thousand, never one.

The AnalyticsImport returned also carries, unsaved, `rows_unmatched` (rows whose post no share published) and
`unmatched_lines` (the first 50 of their line numbers). ImportRejected's `errors` are (line or None, message).
"""

import codecs
import csv
import hashlib
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from advocacy.models import Share
from advocacy.networks import Network
from advocacy.published import parse_published_url

from .engagement import Figures, record_engagement
from .models import AnalyticsImport, EngagementSnapshot

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_ERRORS = 100  # listed; more are summed up in one last message
MAX_UNMATCHED_LISTED = 50
MAX_SMALL_COUNT = 2_147_483_647  # reactions, comments, reshares: PositiveIntegerField
MAX_BIG_COUNT = 9_223_372_036_854_775_807  # impressions: PositiveBigIntegerField

# Accepted headers per network and field, the preferred first (the first is the one named in messages).
# X's newer exports have a "Shares" column that counts shares by DM or link, not reposts: never read as such.
_ID_NAMES = ("Post ID", "ID", "ID de la publicación", "Identificador de la publicación", "ID de publicación",
             "Id. de publicación", "ID del post")
_URL_NAMES = ("Post link", "Post URL", "Permalink", "Link", "URL", "Enlace permanente", "Enlace de la publicación",
              "URL de la publicación", "Enlace del post", "Enlace")
_REACTION_NAMES = ("Reactions", "Reacciones", "Likes", "Me gusta")
_COMMENT_NAMES = ("Comments", "Comentarios")
COLUMNS = {
    Network.X: {
        "post_id": ("Tweet id", "Post id", "ID del Tweet", "ID del post", "ID de la publicación", "ID"),
        "url": ("Tweet permalink", "Post Link", "Post URL", "Enlace permanente del Tweet", "Enlace del Tweet",
                "Enlace del post", "Enlace permanente", "Permalink", "Link", "URL"),
        "impressions": ("Impressions", "Impresiones"),
        "reactions": ("Likes", "Me gusta"),
        "comments": ("Replies", "Respuestas", "Comments", "Comentarios"),
        "reshares": ("Retweets", "Reposts", "Retuits"),
        "quotes": ("Quotes", "Quote Tweets", "Quote posts", "Citas", "Tweets citados", "Posts citados"),
    },
    Network.LINKEDIN: {
        "post_id": ("Post URN", "URN", *_ID_NAMES),
        "url": ("Post URL", "Post link", "Update link", "Enlace de la actualización", "URL de la actualización",
                *_URL_NAMES),
        "impressions": ("Impressions", "Impresiones"),
        "reactions": (*_REACTION_NAMES, "Recomendaciones"),
        "comments": _COMMENT_NAMES,
        "reshares": ("Reposts", "Shares", "Reshares", "Veces compartido", "Compartidos", "Veces compartida",
                     "Republicaciones"),
    },
    Network.FACEBOOK: {
        "post_id": _ID_NAMES,
        "url": _URL_NAMES,
        # Impressions where the export has them, else its reach (people rather than views).
        "impressions": ("Impressions", "Impresiones", "Reach", "Alcance"),
        "reactions": _REACTION_NAMES,
        "comments": _COMMENT_NAMES,
        "reshares": ("Shares", "Veces compartido", "Compartidos", "Veces que se compartió", "Veces compartida",
                     "Reshares"),
    },
}
REQUIRED_FIELDS = ("reactions", "comments", "reshares")

_LINKEDIN_URN = re.compile(r"urn:li:(activity|share|ugcpost):([0-9]{6,25})", re.IGNORECASE)
_URN_TYPES = {"activity": "activity", "share": "share", "ugcpost": "ugcPost"}
_X_ID = re.compile(r"[0-9]{1,25}")
_FACEBOOK_ID = re.compile(r"(?:[0-9]{1,25}_)?(?:[0-9]{5,25}|pfbid[0-9A-Za-z]{10,80})")
_ROUNDED_ID = re.compile(r"[0-9][0-9.,]*[eE]\+?[0-9]+")  # a spreadsheet turned the id into 1.79E+18

_BLANKS = {"", "-", "--", "–", "—", "n/a"}
_DIGITS = re.compile(r"[0-9]+")
# Thousands in groups of three, one separator throughout: 1,234 / 1.234 / 1 234 (also no-break spaces) / 1'234.
_GROUPED = re.compile(r"[0-9]{1,3}(?P<sep>[,.' \u00a0\u202f\u2009])[0-9]{3}(?:(?P=sep)[0-9]{3})*")
# A whole number some exports write with a decimal part of zeros: 1234.0, 1.234,00.
_ZERO_DECIMALS = re.compile(r"(?P<whole>.+?)(?P<point>[.,])0{1,2}")
_FRACTION = re.compile(r"[0-9][0-9,.' \u00a0\u202f\u2009]*[.,][0-9]+")
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip) and the old .xls


class ImportRejected(Exception):
    """The file cannot be imported; `errors` is a list of (line number or None, translated message)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(message for _line, message in self.errors))


class _BadCount(Exception):
    pass


@dataclass(frozen=True)
class _Row:
    line: int
    post_id: str
    figures: Figures


def import_analytics(network, file, *, as_of, uploaded_by):
    """Record `file`'s figures as of `as_of` for `network`'s matching shares: the saved AnalyticsImport (with unsaved
    `rows_unmatched` and `unmatched_lines`, the first 50), or ImportRejected, storing nothing."""
    if network not in COLUMNS:
        raise ImportRejected([(None, _("Analytics exports can only be imported for LinkedIn, X and Facebook."))])
    if timezone.is_naive(as_of):
        as_of = timezone.make_aware(as_of)
    if as_of > timezone.now():
        raise ImportRejected([(None, _("The figures cannot be from the future."))])
    data = _read(file)
    sha256 = hashlib.sha256(data).hexdigest()
    _refuse_if_imported(network, sha256)
    rows, rows_read = _parse(network, _decode(data))
    matched, unmatched_lines = _match(network, rows)

    with transaction.atomic():
        try:
            with transaction.atomic():
                record = AnalyticsImport.objects.create(
                    network=network, file_name=_file_name(file), sha256=sha256, uploaded_by=uploaded_by,
                )
        except IntegrityError:  # the same file, imported meanwhile by someone else
            _refuse_if_imported(network, sha256)
            raise
        changed = 0
        for row, share in matched:
            snapshot = record_engagement(share, row.figures, EngagementSnapshot.Source.IMPORT, fetched_at=as_of,
                                         analytics_import=record)
            changed += snapshot is not None
        record.rows_read, record.rows_matched, record.snapshots_created = rows_read, len(matched), changed
        record.save(update_fields=["rows_read", "rows_matched", "snapshots_created"])
    record.rows_unmatched = len(unmatched_lines)
    record.unmatched_lines = unmatched_lines[:MAX_UNMATCHED_LISTED]
    return record


def _file_name(file):
    return os.path.basename(getattr(file, "name", "") or "")[:255] or "export.csv"


def _read(file):
    """The file's bytes, refusing it past MAX_BYTES without reading all of it."""
    if getattr(file, "size", None) is not None and file.size > MAX_BYTES:
        raise _too_large()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large()
    if not data.strip():
        raise ImportRejected([(None, _("The file is empty."))])
    return data


def _too_large():
    return ImportRejected([(None, _("The file is larger than %(megabytes)d MB. Export fewer posts at a time.")
                           % {"megabytes": MAX_BYTES // (1024 * 1024)})])


def _refuse_if_imported(network, sha256):
    earlier = AnalyticsImport.objects.filter(network=network, sha256=sha256).select_related("uploaded_by").first()
    if earlier is None:
        return
    who = earlier.uploaded_by
    raise ImportRejected([(None, _(
        "This file was already imported for %(network)s on %(date)s by %(who)s; nothing was changed."
    ) % {
        "network": Network(network).label,
        "date": formats.date_format(timezone.localtime(earlier.uploaded_at), "SHORT_DATETIME_FORMAT"),
        "who": (who.get_full_name() or who.email) if who else _("a person no longer registered"),
    })])


def _decode(data):
    """Text of an export in UTF-8 (with or without BOM), UTF-16, or else Windows-1252; binary files refused."""
    if data.startswith(_WORKBOOK_MAGIC):
        raise ImportRejected([(None, _(
            "This is a spreadsheet workbook, not a CSV file. Open it, save it as CSV and upload that file."))])
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif data.startswith(codecs.BOM_UTF8):
            text = data.decode("utf-8-sig")
        elif b"\x00" in data[:4096]:
            text = data.decode(_utf16_without_bom(data[:4096]))
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
    except (UnicodeDecodeError, LookupError):
        raise _binary() from None
    if _BINARY.search(text):
        raise _binary()
    return text.lstrip("\ufeff")


def _utf16_without_bom(sample):
    """UTF-16 text of mostly ASCII has a NUL in every other byte; anything else with NULs is binary."""
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    raise _binary()


def _binary():
    return ImportRejected([(None, _(
        "This does not look like a CSV file: it contains binary data. Export the analytics as CSV and upload "
        "that file."))])


def _normalise(header):
    """'  Veces que se compartió ' and 'veces_que_se_compartio' both give 'veces que se compartio'."""
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", "").strip().strip('"'))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(text.replace("_", " ").split())


def _delimiter(network, header_line):
    """The header's delimiter among comma, semicolon and tab: the one that finds the most known columns (a header
    like `Post ID;Reactions, comments and shares` fools csv.Sniffer), csv.Sniffer's guess on a tie."""
    counts = {candidate: header_line.count(candidate) for candidate in ",;\t"}
    try:
        sniffed = csv.Sniffer().sniff(header_line, delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = max(counts, key=counts.get)
    known = {_normalise(name) for names in COLUMNS[network].values() for name in names}

    def known_columns(delimiter):
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        return len(known.intersection(_normalise(cell) for cell in cells))

    return max([sniffed, *(candidate for candidate in counts if candidate != sniffed)], key=known_columns)


def _records(text, delimiter):
    """(line where the record starts, cells) of each non-blank record; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportRejected([(previous_end + 1, _("This line cannot be read as CSV (%(reason)s).")
                                   % {"reason": error})]) from None
        start, previous_end = previous_end + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def _columns(network, header, line):
    """{field: column index} for the header, or ImportRejected naming each missing column."""
    found = {}
    normalised = [_normalise(cell) for cell in header]
    for field, names in COLUMNS[network].items():
        for name in names:
            if _normalise(name) in normalised:
                found[field] = normalised.index(_normalise(name))
                break
    errors = []
    if "post_id" not in found and "url" not in found:
        names = COLUMNS[network]
        errors.append((line, _("No column names the post: add “%(id)s” or “%(url)s” (also accepted: %(others)s).")
                       % {"id": names["post_id"][0], "url": names["url"][0],
                          "others": ", ".join(f"“{name}”" for name in (*names["post_id"][1:], *names["url"][1:]))}))
    for field in REQUIRED_FIELDS:
        if field not in found:
            names = COLUMNS[network][field]
            errors.append((line, _("The column “%(column)s” is missing (also accepted: %(others)s).")
                           % {"column": names[0], "others": ", ".join(f"“{name}”" for name in names[1:])}))
    if errors:
        raise ImportRejected(errors)
    return found


def _parse(network, text):
    """The valid rows of the export and how many rows it has, or ImportRejected with every error found."""
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise ImportRejected([(None, _("The file is empty."))])
    records = _records(text, _delimiter(network, header_line))
    header_at, header = next(records, (None, None))
    if header is None:  # only delimiters and spaces
        raise ImportRejected([(None, _("The file is empty."))])
    columns = _columns(network, header, header_at)
    names = {field: header[index].strip() for field, index in columns.items()}
    rows, errors, seen, rows_read = [], [], {}, 0
    for line, cells in records:
        rows_read += 1
        if rows_read > MAX_ROWS:
            raise ImportRejected([(None, _("The file has more than %(rows)s rows. Export fewer posts at a time.")
                                   % {"rows": formats.number_format(MAX_ROWS, force_grouping=True)})])
        try:
            row = _row(network, line, cells, len(header), columns, names)
        except ImportRejected as rejected:
            errors.extend(rejected.errors)
            continue
        if row.post_id in seen:
            errors.append((line, _("The same post as line %(line)d.") % {"line": seen[row.post_id]}))
            continue
        seen[row.post_id] = line
        rows.append(row)
    if rows_read == 0:
        raise ImportRejected([(header_at, _("The file has a header but no rows."))])
    if errors:
        raise ImportRejected(_capped(errors))
    return rows, rows_read


def _capped(errors):
    if len(errors) <= MAX_ERRORS:
        return errors
    more = len(errors) - MAX_ERRORS
    return [*errors[:MAX_ERRORS], (None, _("… and %(count)d more errors.") % {"count": more})]


def _row(network, line, cells, width, columns, names):
    """One data row: its post and figures, or ImportRejected with each of its errors."""
    def cell(field):
        index = columns.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    extra = cells[width:]
    if any(value.strip() for value in extra):
        raise ImportRejected([(line, _(
            "This line has %(values)d values where the header has %(columns)d columns. Are there commas inside "
            "numbers or texts without quotes?") % {"values": width + len(extra), "columns": width})])
    errors, counts = [], {}
    try:
        post_id = _post_id(network, cell("post_id"), cell("url"))
    except ValidationError as error:
        errors.append((line, error.messages[0]))
    for field in ("impressions", *REQUIRED_FIELDS, "quotes"):
        if field not in columns:
            continue
        try:
            counts[field] = _count(cell(field), MAX_BIG_COUNT if field == "impressions" else MAX_SMALL_COUNT)
        except _BadCount as bad:
            errors.append((line, bad.args[0] % {"column": names[field], "value": cell(field)[:40]}))
            continue
        if counts[field] is None and field in REQUIRED_FIELDS:
            errors.append((line, _("“%(column)s” is empty.") % {"column": names[field]}))
    if errors:
        raise ImportRejected(errors)
    reshares = counts["reshares"] + (counts.get("quotes") or 0)  # X: quotes are reshares too
    if reshares > MAX_SMALL_COUNT:
        raise ImportRejected([(line, _("“%(column)s” is too large.") % {"column": names["reshares"]})])
    return _Row(line, post_id, Figures(counts.get("impressions"), counts["reactions"], counts["comments"], reshares))


def _post_id(network, raw_id, url):
    """The network's id of the row's post, from its id column or else its link; ValidationError otherwise."""
    if raw_id:
        post_id = _normal_post_id(network, raw_id)
        if post_id:
            return post_id
        if not url:
            if _ROUNDED_ID.fullmatch(raw_id):
                raise ValidationError(_("The post id “%(id)s” was rounded by a spreadsheet; use the file as "
                                        "exported, or a link column.") % {"id": raw_id[:40]})
            raise ValidationError(_("“%(id)s” is not a %(network)s post id.")
                                  % {"id": raw_id[:40], "network": Network(network).label})
    if url:
        return parse_published_url(network, url)[1]
    raise ValidationError(_("This line has no post id and no link."))


def _normal_post_id(network, raw_id):
    """The id as `parse_published_url` gives it, or None when `raw_id` is not one of `network`'s post ids."""
    if network == Network.LINKEDIN:
        match = _LINKEDIN_URN.fullmatch(raw_id)
        return f"urn:li:{_URN_TYPES[match.group(1).lower()]}:{match.group(2)}" if match else None
    pattern = _X_ID if network == Network.X else _FACEBOOK_ID
    return raw_id if pattern.fullmatch(raw_id) else None


def _count(raw, maximum):
    """A whole, non-negative count, or None when the cell is blank; _BadCount carries the message template."""
    text = raw.strip()
    if text.casefold() in _BLANKS:
        return None
    if text[0] in "-\u2212(" and any(char.isdigit() for char in text):
        raise _BadCount(_("“%(column)s” is “%(value)s”: a count cannot be negative."))
    whole, point = text, None
    zero_decimals = _ZERO_DECIMALS.fullmatch(text)
    if zero_decimals:
        whole, point = zero_decimals.group("whole"), zero_decimals.group("point")
    grouped = _GROUPED.fullmatch(whole)
    if _DIGITS.fullmatch(whole):
        value = int(whole)
    elif grouped and grouped.group("sep") != point:
        value = int(whole.replace(grouped.group("sep"), ""))
    elif _FRACTION.fullmatch(text):
        raise _BadCount(_("“%(column)s” is “%(value)s”: a count must be a whole number."))
    else:
        raise _BadCount(_("“%(column)s” is “%(value)s”, which is not a number."))
    if value > maximum:
        raise _BadCount(_("“%(column)s” is “%(value)s”, which is too large."))
    return value


def _match(network, rows):
    """[(row, share)] for the rows whose post a share of `network` published, and the other rows' lines. Facebook's
    "<owner>_<story>" on one side matches the bare story id on the other."""
    by_id, by_story = {}, {}
    published = Share.objects.filter(network=network).exclude(published_post_id="")
    for pk, post_id in published.values_list("pk", "published_post_id").iterator(chunk_size=2000):
        by_id[post_id] = pk
        if network == Network.FACEBOOK:
            story = post_id.rsplit("_", 1)[-1]
            by_story[story] = None if story in by_story else pk  # None: two owners, too ambiguous
    pairs, unmatched_lines = [], []
    for row in rows:
        pk = by_id.get(row.post_id)
        if pk is None and network == Network.FACEBOOK:
            story = row.post_id.rsplit("_", 1)[-1]
            pk = by_id.get(story) or by_story.get(story)
        if pk is None:
            unmatched_lines.append(row.line)
        else:
            pairs.append((row, pk))
    duplicates = _same_share_twice(pairs)
    if duplicates:
        raise ImportRejected(_capped(duplicates))
    shares = {}
    pks = [pk for _row, pk in pairs]
    for start in range(0, len(pks), 500):
        shares.update(Share.objects.select_related("employee").in_bulk(pks[start:start + 500]))
    return [(row, shares[pk]) for row, pk in pairs], unmatched_lines


def _same_share_twice(pairs):
    """Errors for rows naming one share's post in two spellings (Facebook's with and without the owner)."""
    first_line, errors = {}, []
    for row, pk in pairs:
        if pk in first_line:
            errors.append((row.line, _("The same post as line %(line)d.") % {"line": first_line[pk]}))
        else:
            first_line[pk] = row.line
    return errors


def as_of_moment(day):
    """When figures "as of `day`" were taken: now for today, else the end of that day in the company's zone."""
    today = timezone.localdate()
    if day >= today:
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, datetime.max.time()))
