"""The social networks we share to, and how each one's share window is opened.

Sharing uses each network's public share intent (no API key needed): a URL that opens the network's
composer with the text and the link filled in. Text is percent-encoded with `urlencode`, so accents,
emoji, `&`, `#` and line breaks arrive as typed.
"""

from dataclasses import dataclass
from urllib.parse import urlencode, quote

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


# The share buttons shown on each post, in this order.
SHARE_TARGETS = [
    ShareTarget(Network.LINKEDIN, "linkedin"),
    ShareTarget(Network.X, "twitter-x"),
    ShareTarget(Network.FACEBOOK, "facebook", takes_text=False),
    ShareTarget(Network.WHATSAPP, "whatsapp"),
    ShareTarget(Network.EMAIL, "envelope"),
]
SHAREABLE_NETWORKS = [target.network for target in SHARE_TARGETS]


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
    raise ValueError(f"No share intent for network {network!r}")
