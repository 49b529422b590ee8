"""'I posted it': the URL of the post an employee published, checked and turned into the network's post id.

The engagement puller needs the network's own id of the published post:
- LinkedIn: the URN of the activity, share or UGC post (`urn:li:activity:7123…`), from
  `/feed/update/urn:li:…/` or from the `…-activity-7123…-xxxx` slug of `/posts/` links.
- X: the numeric status id, from `x.com/<user>/status/<id>` (also twitter.com, mobile and `/i/web/`).
- Facebook: `<owner id>_<story id>` from `permalink.php` / `story.php`, else the post id of
  `/<page>/posts/<id>`, `/groups/<g>/posts/<id>`, `/photo?fbid=`, videos and reels (numeric or `pfbid…`).
Short links (lnkd.in, t.co, fb.me, facebook.com/share/…) are refused: they hide the post until followed.
"""

import re
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .networks import Network

NETWORK_DOMAINS = {
    Network.LINKEDIN: ["linkedin.com"],
    Network.X: ["x.com", "twitter.com"],
    Network.FACEBOOK: ["facebook.com"],
}

_LINKEDIN_URN = re.compile(r"urn:li:(activity|share|ugcPost):(\d{6,25})", re.IGNORECASE)
_LINKEDIN_SLUG = re.compile(r"-(activity|share|ugcPost)-(\d{6,25})(?:-|$)", re.IGNORECASE)
_X_STATUS = re.compile(r"^/(?:[A-Za-z0-9_]{1,15}|i/web|i)/status(?:es)?/(\d{1,25})(?:/|$)")
_FB_PATHS = [
    re.compile(r"^/[^/]+/posts/([0-9]{5,25}|pfbid[0-9A-Za-z]{10,80})(?:/|$)"),
    re.compile(r"^/groups/[^/]+/(?:posts|permalink)/([0-9]{5,25}|pfbid[0-9A-Za-z]{10,80})(?:/|$)"),
    re.compile(r"^/[^/]+/videos/(?:[^/]+/)?([0-9]{5,25})(?:/|$)"),
    re.compile(r"^/reel/([0-9]{5,25})(?:/|$)"),
]
_FB_ID = re.compile(r"^(?:[0-9]{5,25}|pfbid[0-9A-Za-z]{10,80})$")
_FB_OWNER = re.compile(r"^[0-9]{1,25}$")
# What the share keeps (see Share.published_url and Share.published_post_id).
MAX_URL_LENGTH, MAX_POST_ID_LENGTH = 500, 120
_URN_TYPES = {"activity": "activity", "share": "share", "ugcpost": "ugcPost"}


def _host_matches(host, domains):
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _linkedin_id(parts):
    path = unquote(parts.path)
    match = _LINKEDIN_URN.search(path) or _LINKEDIN_SLUG.search(path.rstrip("/"))
    if match:
        return f"urn:li:{_URN_TYPES[match.group(1).lower()]}:{match.group(2)}"
    return None


def _x_id(parts):
    match = _X_STATUS.match(parts.path)
    return match.group(1) if match else None


def _facebook_id(parts):
    query = parse_qs(parts.query)
    story, owner = query.get("story_fbid", [""])[0], query.get("id", [""])[0]
    if parts.path.rstrip("/") in ("/permalink.php", "/story.php") and _FB_ID.match(story):
        return f"{owner}_{story}" if _FB_OWNER.match(owner) else story
    fbid = query.get("fbid", [""])[0]
    if parts.path.rstrip("/") in ("/photo", "/photo.php") and _FB_ID.match(fbid):
        return fbid
    for pattern in _FB_PATHS:
        match = pattern.match(parts.path)
        if match:
            return match.group(1)
    return None


_EXTRACTORS = {Network.LINKEDIN: _linkedin_id, Network.X: _x_id, Network.FACEBOOK: _facebook_id}


def parse_published_url(network, url):
    """(normalised URL, post id) of the post published on `network`, or ValidationError saying what is wrong."""
    if network not in _EXTRACTORS:
        raise ValidationError(_("Links to published posts are not kept for this network."))
    url = (url or "").strip()
    if not url.isprintable():  # a line break, a tab or a NUL inside: no address has one
        raise ValidationError(_("Paste the full address of your post, starting with https://."))
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise ValidationError(_("Paste the full address of your post, starting with https://."))
    if not _host_matches(host, NETWORK_DOMAINS[network]):
        raise ValidationError(
            _("This is not a %(network)s link. Paste the address of the post you published on %(network)s.")
            % {"network": Network(network).label}
        )
    post_id = _EXTRACTORS[network](parts)
    if not post_id:
        raise ValidationError(
            _("We could not find a post in this link. Open your post on %(network)s and copy its address.")
            % {"network": Network(network).label}
        )
    # Facebook's permalink.php and story.php carry the post in the query; elsewhere the query is tracking noise.
    query = f"?{parts.query}" if network == Network.FACEBOOK and parts.query else ""
    published_url = f"https://{host}{parts.path}{query}"
    if len(published_url) > MAX_URL_LENGTH or len(post_id) > MAX_POST_ID_LENGTH:
        raise ValidationError(_("This address is too long."))
    return published_url, post_id
