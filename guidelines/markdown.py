"""Markdown for the usage guide and the training capsules: rendered, then sanitised (no HTML or script
written into the text ever reaches a page), and compared block by block between guide versions."""

import difflib
import re
from dataclasses import dataclass

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text):
    """Markdown → HTML that is safe to show: only formatting tags, links to http(s) and mailto only."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def blocks(text):
    """The text's paragraphs, lists and headings: Markdown blocks separated by blank lines."""
    return [block.strip() for block in re.split(r"\n\s*\n", (text or "").strip()) if block.strip()]


@dataclass
class Block:
    html: str
    changed: bool = False


def compare(previous_text, current_text):
    """The current text's blocks, those new or changed since `previous_text` marked, and the removed ones."""
    old, new = blocks(previous_text), blocks(current_text)
    changed, removed = set(), []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            changed.update(range(j1, j2))
        if tag in ("replace", "delete"):
            removed.extend(render_markdown(block) for block in old[i1:i2])
    return [Block(render_markdown(block), index in changed) for index, block in enumerate(new)], removed
