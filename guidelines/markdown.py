"""Markdown for the usage guide and the training capsules: rendered, then sanitised (no HTML or script
written into the text ever reaches a page), and compared block by block between guide versions."""

import difflib
from dataclasses import dataclass
from html.parser import HTMLParser

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


_VOID_TAGS = {"br", "hr", "img", "wbr", "input", "col", "area", "base", "embed", "link", "meta", "source", "track"}


class _TopLevelSplitter(HTMLParser):
    """Cuts rendered HTML into its top-level elements (paragraphs, headings, whole lists, tables…)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=False)
        self.html = html
        self.line_starts = [0]
        for line in html.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.depth = 0
        self.start = None
        self.spans = []

    def _offset(self):
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _close(self, end):
        self.spans.append((self.start, end))
        self.start = None

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.start = self._offset()
        if tag in _VOID_TAGS:
            if self.depth == 0:
                self._close(self._offset() + len(self.get_starttag_text()))
        else:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.start = self._offset()
            self._close(self.start + len(self.get_starttag_text()))

    def handle_endtag(self, tag):
        if tag in _VOID_TAGS or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.html.index(">", self._offset()) + 1
            self._close(end)

    def split(self):
        """Every top-level element, and any bare text between them (what the sanitiser left of a removed
        tag), in order: nothing of the text is left out."""
        self.feed(self.html)
        self.close()
        pieces, position = [], 0
        for start, end in self.spans:
            if self.html[position:start].strip():
                pieces.append(self.html[position:start].strip())
            pieces.append(self.html[start:end])
            position = end
        if self.html[position:].strip():
            pieces.append(self.html[position:].strip())
        return pieces


def blocks(text):
    """The text rendered whole (so numbered lists and reference links work), cut into top-level blocks."""
    return _TopLevelSplitter(str(render_markdown(text))).split()


@dataclass
class Block:
    html: str
    changed: bool = False


def compare(previous_text, current_text):
    """The current text's blocks, those new or changed since `previous_text` marked, and the removed ones.
    With no previous text (nothing to compare with), the blocks alone, none marked."""
    new = blocks(current_text)
    if previous_text is None:
        return [Block(mark_safe(block)) for block in new], []  # noqa: S308 - sanitised blocks
    old = blocks(previous_text)
    changed, removed = set(), []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            changed.update(range(j1, j2))
        if tag in ("replace", "delete"):
            removed.extend(mark_safe(block) for block in old[i1:i2])  # noqa: S308 - sanitised blocks
    return [Block(mark_safe(block), index in changed) for index, block in enumerate(new)], removed  # noqa: S308
