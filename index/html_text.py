"""The visible text of an HTML page, its title, and what its metadata says (page_meta)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .page_meta import PageMeta


_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")


class VisibleText(HTMLParser):
    """Visible text of an HTML page, with line breaks at block elements.

    The head ends at ``</head>`` or, as browsers do, at the first tag that
    belongs in a body (``</head>`` is optional); only a ``<title>`` there is
    the page title, not an SVG's or one in the body.

    What a browser does not show is not indexed: scripts, styles, <svg>,
    <template> (never rendered) and <noscript> (rendered only with scripts off:
    "enable JavaScript", tracking pixels).  Nor is what follows an unclosed
    ``<script>``, ``<style>`` or ``<!--``, which a browser hides to the end of
    the page; ``unclosed`` says so, with how many words it hid, for the run's
    warnings (Python's parser indexed an unclosed comment's text, markup and all).
    """

    HIDDEN = {"script", "style", "noscript", "template", "svg"}
    HEAD_ONLY = {"head", "html", "title", "meta", "link", "base", "style", "script",
                 "noscript", "template"}
    BLOCK = {
        "p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section",
        "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "hr", "main", "aside", "nav", "figure", "figcaption",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.in_head = False
        self.in_body = False
        self.title_parts: list[str] | None = None
        self.title = ""
        self.heading = ""
        self.heading_parts: list[str] | None = None
        self.meta = PageMeta()
        self.unclosed: list[str] = []  # "an unclosed <script> hides 120 words"
        self._raw_parts: list[str] = []  # the current <script>/<style>'s text

    def handle_starttag(self, tag, attrs):
        self.meta.tag(tag, attrs)
        if tag in self.CDATA_CONTENT_ELEMENTS:
            self._raw_parts = []
        if tag == "head" and not self.in_body:
            self.in_head = True
        elif tag not in self.HEAD_ONLY:
            self.in_head, self.in_body = False, True
        if tag == "title":
            if not (self.hidden or self.in_body or self.title):
                self.title_parts = []
        elif tag in self.HIDDEN:
            self.hidden += 1
        elif tag in ("h1", "h2") and not self.heading:
            self.heading_parts = []
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "script":
            self.meta.script_end()
        if tag == "head":
            self.in_head = False
        if tag == "title" and self.title_parts is not None:
            self.title = " ".join("".join(self.title_parts).split())
            self.title_parts = None
        elif tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("h1", "h2") and self.heading_parts is not None:
            self.heading = " ".join("".join(self.heading_parts).split())
            self.heading_parts = None
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.cdata_elem:
            self._raw_parts.append(data)
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if self.hidden or self.in_head:
            self.meta.script_data(data)
            return
        if self.heading_parts is not None:
            self.heading_parts.append(data)
        self.parts.append(data)

    def close(self):
        rest = self.rawdata
        if self.cdata_elem:
            self._hidden(f"<{self.cdata_elem}>", "".join(self._raw_parts) + rest)
        elif rest.startswith("<!--"):
            self._hidden("<!--", rest[4:])
            self.rawdata = ""  # not handed over as text at the end
        super().close()

    def _hidden(self, opener: str, text: str) -> None:
        words = len(_WORD.findall(_TAG.sub(" ", text)))
        if words:
            self.unclosed.append(f"an unclosed {opener} hides the {words} words after it")

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)
