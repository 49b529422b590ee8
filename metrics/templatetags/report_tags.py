from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def kpi_plain(value, kind=False):
    """A figure as people read it: a rate as a percentage, money with two decimals and the currency, a count
    with thousands separators; a figure that cannot be computed (no program cost for the ROI) as a dash."""
    if value is None:
        return "—"
    if kind == "money":
        return f"{number_format(value, decimal_pos=2, force_grouping=True)} {settings.REPORT_CURRENCY}"
    if kind:
        return f"{number_format(value * 100, decimal_pos=1)} %"
    return intcomma(value)


def figure_kind(figure):
    return "money" if getattr(figure, "is_money", False) else figure.is_rate


@register.simple_tag
def kpi_value(figure):
    return kpi_plain(figure.value, figure_kind(figure))


@register.simple_tag
def kpi_previous(figure):
    return kpi_plain(figure.previous, figure_kind(figure))


@register.simple_tag
def kpi_change(figure):
    """The change against the previous period: points for rates, a percentage for counts."""
    if figure.change is None:
        return ""
    if figure.change == 0:
        return format_html('<span class="text-body-secondary">{}</span>', _("no change"))
    arrow, tone, direction = (("▲", "text-success", _("up")) if figure.change > 0
                              else ("▼", "text-danger", _("down")))
    if figure.is_rate:
        text = f"{number_format(figure.change * 100, decimal_pos=1, force_grouping=False)} pp"
    elif figure.change_percent is not None:
        text = f"{number_format(figure.change_percent, decimal_pos=0)} %"
    elif getattr(figure, "is_money", False):
        text = kpi_plain(figure.change, "money")
    else:
        text = intcomma(figure.change)
    return format_html('<span class="{}"><span aria-hidden="true">{}</span><span class="visually-hidden">{}</span> {}'
                       '</span>', tone, arrow, direction, text.lstrip("-"))


@register.filter
def money(value):
    return kpi_plain(value, "money")


@register.filter
def percent(value):
    return kpi_plain(value, True)


@register.filter
def network_label(value):
    from advocacy.networks import Network

    return dict(Network.choices).get(value, value)
