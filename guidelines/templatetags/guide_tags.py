from django import template

from guidelines.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render Markdown written by HR or comms, sanitised."""
    return render_markdown(text)
