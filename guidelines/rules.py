"""The share-text check: what the current usage guide says about a text an employee is about to share.

`check_share_text(text, network, link, version)` is the one function the composer, its live-check endpoint
and `share_post` call: text and network in, a list of findings out (rule, severity, message, and where in
the text for the terms). Terms match case- and accent-insensitively, as whole words. Each finding either
blocks the share (forbidden or confidential terms, a network the guide does not
allow, a text longer than the network takes, control characters) or warns (no disclosure hashtag, too many hashtags). The
same function answers the live check in the composer and guards `share_post`, so the two never disagree.
"""

import re
import unicodedata
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advocacy.networks import Network, text_length

HASHTAG_IN_TEXT_RE = re.compile(r"(?<![\w&])#(\w+)")


BLOCK, WARN = "block", "warn"


@dataclass(frozen=True)
class Finding:
    rule: str  # forbidden_term, confidential_term, network, length, characters, disclosure, hashtags
    severity: str  # BLOCK: the share is refused; WARN: the employee is told, the share goes on
    message: str
    # Where in the text (character offsets, end excluded), for findings about a part of it.
    start: int | None = None
    end: int | None = None

    @property
    def blocking(self):
        return self.severity == BLOCK

    def as_dict(self):
        return {**asdict(self), "blocking": self.blocking}


@dataclass(frozen=True)
class TextCheck:
    length: int
    limit: int | None
    findings: list

    @property
    def blocking(self):
        return any(finding.blocking for finding in self.findings)

    def as_dict(self):
        return {
            "length": self.length, "limit": self.limit, "blocking": self.blocking,
            "findings": [finding.as_dict() for finding in self.findings],
        }


def _fold_char(char):
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded(text):
    """Lower case without accents, so 'Confidencial' matches 'confidencial' and 'CONFIDENCIÁL', with the
    offset in `text` of every folded character (folding may lengthen a character: 'ß' → 'ss')."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


def _found_terms(text, terms):
    """(term, start, end) of the first whole-word occurrence of each term in `text`."""
    folded, origin = _folded(text)
    found = []
    for term in terms:
        words = _folded(term)[0].split()
        if not words:
            continue
        match = re.search(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)", folded)
        if match:
            found.append((term, origin[match.start()], origin[match.end() - 1] + 1))
    return found


def hashtags_in(text):
    return HASHTAG_IN_TEXT_RE.findall(text or "")


def _is_unshareable(char):
    """Control characters other than line breaks and tabs (NUL among them, which no database keeps), and halves of
    UTF-16 surrogate pairs: no network shows them, and they are never typed."""
    category = unicodedata.category(char)
    return (category == "Cc" and char not in "\n\t") or category == "Cs"


def normalise_newlines(text):
    """Browsers post a textarea's line breaks as CRLF; the texts we store and count use LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def check_share_text(text, network, link, version):
    """Check `text` (to be shared on `network` with `link`) against `version` of the guide (may be None)."""
    text = normalise_newlines(text)
    length, limit = text_length(network, text, link)
    findings = []
    if any(_is_unshareable(char) for char in text):
        findings.append(Finding("characters", BLOCK, _(
            "Your text contains invisible control characters: type or paste it again without them."
        )))
    if limit is not None and length > limit:
        findings.append(Finding("length", BLOCK, _(
            "Too long for %(network)s: %(length)s of %(limit)s characters, the link included."
        ) % {"network": Network(network).label, "length": length, "limit": limit}))
    if version is None:
        return TextCheck(length, limit, findings)

    allowed = version.allowed_network_list
    if allowed and network not in allowed:
        findings.append(Finding("network", BLOCK, _("The usage guide does not allow sharing on %(network)s.")
                                % {"network": Network(network).label}))
    for term, start, end in _found_terms(text, version.forbidden_term_list):
        findings.append(Finding("forbidden_term", BLOCK, _("“%(term)s” is not allowed by the usage guide.")
                                % {"term": text[start:end]}, start, end))
    for term, start, end in _found_terms(text, version.confidential_term_list):
        findings.append(Finding("confidential_term", BLOCK, _(
            "“%(term)s” is confidential: remove it before sharing."
        ) % {"term": text[start:end]}, start, end))
    tags = hashtags_in(text)
    if version.disclosure_hashtag and version.disclosure_hashtag.casefold() not in {t.casefold() for t in tags}:
        findings.append(Finding("disclosure", WARN, _(
            "Add #%(tag)s so readers know you work here."
        ) % {"tag": version.disclosure_hashtag}))
    if version.max_hashtags is not None and len(tags) > version.max_hashtags:
        findings.append(Finding("hashtags", WARN, ngettext(
            "%(count)s hashtags: the usage guide recommends at most %(max)s.",
            "%(count)s hashtags: the usage guide recommends at most %(max)s.", len(tags),
        ) % {"count": len(tags), "max": version.max_hashtags}))
    return TextCheck(length, limit, findings)
