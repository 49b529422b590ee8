"""The share-text check: what the current usage guide says about a text an employee is about to share.

Each finding either blocks the share (forbidden or confidential terms, a network the guide does not
allow, a text longer than the network takes) or warns (no disclosure hashtag, too many hashtags). The
same function answers the live check in the composer and guards `share_post`, so the two never disagree.
"""

import re
import unicodedata
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from advocacy.networks import Network, text_length

HASHTAG_IN_TEXT_RE = re.compile(r"(?<![\w&])#(\w+)")


@dataclass(frozen=True)
class Finding:
    rule: str  # forbidden_term, confidential_term, network, length, disclosure, hashtags
    blocking: bool
    message: str

    def as_dict(self):
        return asdict(self)


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


def _folded(text):
    """Lower case without accents, so 'Confidencial' matches 'confidencial' and 'CONFIDENCIÁL'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _found_terms(text, terms):
    folded = _folded(text)
    found = []
    for term in terms:
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in _folded(term).split()) + r"(?!\w)"
        if re.search(pattern, folded):
            found.append(term)
    return found


def hashtags_in(text):
    return HASHTAG_IN_TEXT_RE.findall(text or "")


def check_share_text(text, network, link, version):
    """Check `text` (to be shared on `network` with `link`) against `version` of the guide (may be None)."""
    text = text or ""
    length, limit = text_length(network, text, link)
    findings = []
    if limit is not None and length > limit:
        findings.append(Finding("length", True, _(
            "Too long for %(network)s: %(length)s of %(limit)s characters, the link included."
        ) % {"network": Network(network).label, "length": length, "limit": limit}))
    if version is None:
        return TextCheck(length, limit, findings)

    allowed = version.allowed_network_list
    if allowed and network not in allowed:
        findings.append(Finding("network", True, _("The usage guide does not allow sharing on %(network)s.")
                                % {"network": Network(network).label}))
    for term in _found_terms(text, version.forbidden_term_list):
        findings.append(Finding("forbidden_term", True, _("“%(term)s” is not allowed by the usage guide.")
                                % {"term": term}))
    for term in _found_terms(text, version.confidential_term_list):
        findings.append(Finding("confidential_term", True, _(
            "“%(term)s” is confidential: remove it before sharing."
        ) % {"term": term}))
    tags = hashtags_in(text)
    if version.disclosure_hashtag and version.disclosure_hashtag.casefold() not in {t.casefold() for t in tags}:
        findings.append(Finding("disclosure", False, _(
            "Add #%(tag)s so readers know you work here."
        ) % {"tag": version.disclosure_hashtag}))
    if version.max_hashtags is not None and len(tags) > version.max_hashtags:
        findings.append(Finding("hashtags", False, _(
            "%(count)s hashtags: the usage guide recommends at most %(max)s."
        ) % {"count": len(tags), "max": version.max_hashtags}))
    return TextCheck(length, limit, findings)
