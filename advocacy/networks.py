"""The social networks we share to, and how each one's share window is opened.

Sharing uses each network's public share intent (no API key needed): a URL that opens the network's
composer with the text and the link filled in. Text is percent-encoded with `urlencode`, so accents,
emoji, `&`, `#` and line breaks arrive as typed.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import regex
from django.db import models
from django.utils.translation import gettext_lazy as _


class Network(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    BLUESKY = "bluesky", "Bluesky"
    INSTAGRAM = "instagram", "Instagram"
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class ShareTarget:
    network: str
    icon: str  # a Bootstrap Icons name
    # Networks whose intent only takes a link: the text is for the employee to paste.
    takes_text: bool = True
    # Shown as a labelled button; the others as icon buttons (with an accessible name) beside them.
    primary: bool = False


# The share buttons shown on each post, in this order. "Other" is the copy-link button (Slack, Teams,
# anything else) and the phone's own share sheet (Web Share API); it has no intent URL.
SHARE_TARGETS = [
    ShareTarget(Network.LINKEDIN, "linkedin", primary=True),
    ShareTarget(Network.X, "twitter-x", primary=True),
    ShareTarget(Network.FACEBOOK, "facebook", takes_text=False, primary=True),
    ShareTarget(Network.WHATSAPP, "whatsapp"),
    ShareTarget(Network.TELEGRAM, "telegram"),
    ShareTarget(Network.BLUESKY, "bluesky"),
    ShareTarget(Network.EMAIL, "envelope"),
]
SHAREABLE_NETWORKS = [target.network for target in SHARE_TARGETS] + [Network.OTHER]
# Networks where a published post has a public URL the employee can paste back ("I posted it").
PUBLISHED_URL_NETWORKS = [Network.LINKEDIN, Network.X, Network.FACEBOOK]


# --- Length rules -----------------------------------------------------------------------------

@dataclass(frozen=True)
class LengthRule:
    limit: int
    unit: str  # "weighted" (X's counting), "graphemes" or "characters"


# Each network's documented limit for a post's text, link included. Email and "other" have none.
LENGTH_RULES = {
    Network.X: LengthRule(280, "weighted"),
    Network.BLUESKY: LengthRule(300, "graphemes"),
    Network.LINKEDIN: LengthRule(3000, "characters"),
    Network.FACEBOOK: LengthRule(63206, "characters"),
    Network.INSTAGRAM: LengthRule(2200, "characters"),
    Network.TELEGRAM: LengthRule(4096, "characters"),
    Network.WHATSAPP: LengthRule(65536, "characters"),
}
# X counts every link as 23 characters, whatever its length (t.co wrapping).
X_URL_LENGTH = 23
# twitter-text v3: code points in these ranges weigh 1, every other one 2; an emoji sequence weighs 2.
_X_LIGHT_RANGES = [(0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)]
_URL_RE = re.compile(r"https?://[^\s]+", re.IGNORECASE)
_EMOJI_RE = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")


def _x_weight(cluster):
    if _EMOJI_RE.search(cluster):
        return 2
    return sum(1 if any(low <= ord(char) <= high for low, high in _X_LIGHT_RANGES) else 2 for char in cluster)


def x_weighted_length(text):
    """The length X counts for a post: links as 23, CJK and emoji as 2, the rest as 1 (twitter-text v3)."""
    text = unicodedata.normalize("NFC", text)
    length = 0
    position = 0
    for match in _URL_RE.finditer(text):
        length += sum(_x_weight(cluster) for cluster in regex.findall(r"\X", text[position:match.start()]))
        length += X_URL_LENGTH
        position = match.end()
    return length + sum(_x_weight(cluster) for cluster in regex.findall(r"\X", text[position:]))


def composed_text(network, text, link):
    """The text as the network's composer receives it: X and Telegram take the link apart, others inline."""
    text = (text or "").strip()
    if network in (Network.X, Network.TELEGRAM):
        return f"{text} {link}".strip()
    return _joined(text, link)


def text_length(network, text, link):
    """(length, limit) of `text` with `link` as `network` counts them; limit is None where there is none."""
    rule = LENGTH_RULES.get(network)
    full = composed_text(network, text, link)
    if rule is None:
        return len(full), None
    if rule.unit == "weighted":
        return x_weighted_length(full), rule.limit
    if rule.unit == "graphemes":
        return len(regex.findall(r"\X", full)), rule.limit
    return len(full), rule.limit


def _joined(text, link):
    text = (text or "").strip()
    return f"{text}\n\n{link}" if text else link


def share_intent_url(network, text, link, subject=""):
    """The URL that opens `network`'s composer with `text` and `link` filled in."""
    if network == Network.LINKEDIN:
        return "https://www.linkedin.com/feed/?" + urlencode(
            {"shareActive": "true", "text": _joined(text, link)}, quote_via=quote
        )
    if network == Network.X:
        return "https://x.com/intent/tweet?" + urlencode({"text": text or "", "url": link}, quote_via=quote)
    if network == Network.FACEBOOK:
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": link}, quote_via=quote)
    if network == Network.WHATSAPP:
        return "https://wa.me/?" + urlencode({"text": _joined(text, link)}, quote_via=quote)
    if network == Network.TELEGRAM:
        return "https://t.me/share/url?" + urlencode({"url": link, "text": text or ""}, quote_via=quote)
    if network == Network.BLUESKY:
        return "https://bsky.app/intent/compose?" + urlencode({"text": _joined(text, link)}, quote_via=quote)
    if network == Network.EMAIL:
        return "mailto:?" + urlencode({"subject": subject, "body": _joined(text, link)}, quote_via=quote)
    if network == Network.OTHER:
        return None  # copied, or handed to the phone's share sheet, by the page itself
    raise ValueError(f"No share intent for network {network!r}")
