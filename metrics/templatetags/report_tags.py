from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def kpi_plain(value, is_rate=False):
    if is_rate:
        return f"{number_format(value * 100, decimal_pos=1)} %"
    return intcomma(value)


@register.simple_tag
def kpi_value(value, is_rate=False):
    return kpi_plain(value, is_rate)


@register.simple_tag
def kpi_change(figure):
    """The change against the previous period: points for rates, a percentage for counts."""
    if figure.change == 0:
        return format_html('<span class="text-body-secondary">{}</span>', _("no change"))
    arrow, tone = ("▲", "text-success") if figure.change > 0 else ("▼", "text-danger")
    if figure.is_rate:
        text = f"{number_format(figure.change * 100, decimal_pos=1, force_grouping=False)} pp"
    elif figure.change_percent is not None:
        text = f"{number_format(figure.change_percent, decimal_pos=0)} %"
    else:
        text = intcomma(figure.change)
    return format_html('<span class="{}">{} {}</span>', tone, arrow, text.lstrip("-"))
