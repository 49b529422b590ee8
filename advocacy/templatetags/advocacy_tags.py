from urllib.parse import urlsplit

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html

register = template.Library()


@register.filter
def text_for(post, network):
    return post.text_for(network)


@register.filter
def domain(url):
    return (urlsplit(url).hostname or "").removeprefix("www.")


@register.simple_tag
def shared_on(post, network):
    """Has the current employee already shared `post` on `network`? (uses the feed's prefetch)"""
    return any(share.network == network for share in getattr(post, "my_shares", []))


@register.simple_tag
def stat_card(label, value, icon):
    return format_html(
        '<div class="col"><div class="card h-100 border-0 shadow-sm stat-card"><div class="card-body py-2">'
        '<div class="small text-body-secondary"><i class="bi bi-{} me-1" aria-hidden="true"></i>{}</div>'
        '<div class="fs-4 fw-semibold">{}</div></div></div></div>',
        icon, label, intcomma(value),
    )


@register.filter
def rendition_label(kind):
    """What a rendition of a post image is for, e.g. "LinkedIn 1200×627"."""
    from content_library.images import RENDITION_SIZES

    return next((size.label for size in RENDITION_SIZES if size.kind == kind), kind)


@register.filter
def network_icon(network):
    """The Bootstrap Icons name of a network's share button."""
    from advocacy.networks import SHARE_TARGETS

    return next((target.icon for target in SHARE_TARGETS if target.network == network), "link-45deg")
