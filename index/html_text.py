"""The visible text of an HTML page, its title, and what its metadata says (page_meta)."""

from __future__ import annotations

from html.parser import HTMLParser

from .page_meta import PageMeta


class VisibleText(HTMLParser):
    """Visible text of an HTML page, with line breaks at block elements.

    The head ends at ``</head>`` or, as browsers do, at the first tag that
    belongs in a body (``</head>`` is optional); only a ``<title>`` there is
    the page title, not an SVG's or one in the body.
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

    def handle_starttag(self, tag, attrs):
        self.meta.tag(tag, attrs)
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
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if self.hidden or self.in_head:
            self.meta.script_data(data)
            return
        if self.heading_parts is not None:
            self.heading_parts.append(data)
        self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)
