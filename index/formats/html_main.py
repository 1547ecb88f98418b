"""An HTML page's main text: the article without menus, tickers, related links and footers.

A news page's visible text is about 43% site furniture (bench/bench_html_main.py
on 120 pages around real articles: menu, "breaking news" ticker, "most read" and
"related" titles of other articles, share buttons, comment form, footer).
Indexed, a word of the site's menu finds every page of the site, and the titles
of other articles make each page a hit for them.  trafilatura (Apache-2.0)
finds the article: precision 0.57 -> 0.93 at recall 1.00 on that set, menu
words on 17% of the pages instead of all (the table layout's footer cell),
where jusText lost 10% of the articles' words and all of the section pages, and
readability-lxml kept the menu on 62% of the pages.

trafilatura drops every character that is not "printable", and U+200C (ZWNJ,
the Persian half-space) is one: «جست‌وجو» came out «جستوجو».  ZWNJ and ZWJ are
put in its hands as characters it keeps, and put back after.
"""

from __future__ import annotations

import logging
import re

# The main text counts when one of its lines is a sentence (this many words or
# more).  trafilatura returns a small page whole, so what comes back without a
# sentence is a list it kept for want of prose: a page of links, a data table,
# or a site's menu while the page's only text (a notice in a footer <div>) was
# dropped.  Then the whole visible text is indexed: a fallback loses no word.
SENTENCE_WORDS = 8
# A table cell with this many links, half of its text theirs, is a menu or a list of other articles.
LINK_CELL_LINKS = 3

_WORD = re.compile(r"\w+")
# The joiners as characters, numeric references and entities (&zwnj; is the usual spelling in Persian CMSes).
_JOINERS = {"\u200c": re.compile(r"\u200c|&zwnj;|&#0*8204;|&#x0*200c;", re.I),
            "\u200d": re.compile(r"\u200d|&zwj;|&#0*8205;|&#x0*200d;", re.I)}
# Printable letters no Persian or Arabic page has (Lisu, Vai, Bamum): stand-ins for the joiners.
_STAND_INS = "\ua4d0\ua4d1\ua4d2\ua500\ua501\ua502\ua6a0\ua6a1\ua6a2"

# trafilatura drops every <figure> with its <figcaption>, and a photo's caption names who is in
# it: as a <div> with a <p>, a caption is the article's text; a caption that is a link
# (a "related" card) is dropped as links are.
_FIGURE = re.compile(r"<(/?)(figcaption|figure)\b", re.I)

# trafilatura drops bylines (class/id "author", "byline") to put them in its metadata, or
# leaves them out of the block it takes for the article; readers search for a journalist's
# name, so a byline missing from the main text is put at its head.
_CREDIT = re.compile(r"author|byline", re.I)
_CREDIT_ATTRIBUTES = ("class", "id", "itemprop", "rel")
CREDIT_MAX_WORDS = 20  # longer, it is an author's box with a biography, not a byline
MAX_CREDITS = 3
# A comment's author, a columnist in the sidebar or in a "related" list is not this article's.
_ELSEWHERE = re.compile(r"comment|sidebar|related|most|popular|widget", re.I)
_ELSEWHERE_TAGS = {"aside", "nav", "footer", "form"}

# Not rendered (<template>) or only with scripts off (<noscript>): the visible text skips them too.
_NEVER_SHOWN = ["//template", "//noscript"]

logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it warns of every short page


def _open_figure(match: re.Match) -> str:
    return f"<{match[1]}{'p' if match[2].lower() == 'figcaption' else 'div'}"


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _protect(html: str) -> tuple[str, dict[str, str]]:
    """The page with its joiners replaced by stand-ins the page does not contain."""
    free = (c for c in _STAND_INS if c not in html)
    back = {}
    for joiner, pattern in _JOINERS.items():
        if not pattern.search(html):
            continue
        stand_in = next(free, None)
        if stand_in is None:  # a page with all of them: its joiners are lost, its text is not
            break
        html = pattern.sub(stand_in, html)
        back[stand_in] = joiner
    return html, back


def _prepared(html: str):
    """(the page's tree without table cells of links, or the page as it was; its bylines)."""
    if "<td" not in html and "<TD" not in html and not _CREDIT.search(html):
        return html, []
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.LxmlError):  # trafilatura has its own ways with such a page
        return html, []
    credits = _bylines(tree)
    return (tree if _drop_link_cells(tree) else html), credits


def _drop_link_cells(tree) -> bool:
    """Table cells that are mostly links, dropped.

    A table-layout site keeps its menu and "most read" list in cells of the
    table that holds the article, and trafilatura keeps that table whole: on the
    bench's table pages a menu word stayed on every page.  A cell of 3 links or
    more whose text is at least half link text is navigation; without those
    cells precision there went 0.80 -> 0.86 and menu leaks 100% -> 50%.
    """
    pruned = False
    for cell in list(tree.iter("td", "th")):
        links = cell.findall(".//a")
        if len(links) < LINK_CELL_LINKS:
            continue
        total = len(cell.text_content().strip())
        linked = sum(len(a.text_content().strip()) for a in links)
        if total and linked * 2 >= total:
            cell.drop_tree()
            pruned = True
    return pruned


def _bylines(tree) -> list[str]:
    """The text of short elements named author/byline, outside comments and side boxes."""
    found: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body", "head", "meta", "link"):
            continue
        if not any(_CREDIT.search(element.get(name) or "") for name in _CREDIT_ATTRIBUTES):
            continue
        text = " ".join(element.text_content().split())
        if not text or word_count(text) > CREDIT_MAX_WORDS or any(text in seen for seen in found):
            continue
        around = [element, *element.iterancestors()]
        if any(e.tag in _ELSEWHERE_TAGS or _ELSEWHERE.search(f"{e.get('class', '')} {e.get('id', '')}")
               for e in around):
            continue
        found.append(text)
        if len(found) == MAX_CREDITS:
            break
    return found


def main_text(html: str) -> str:
    """trafilatura's main text of the page, joiners kept; "" when it found none."""
    import trafilatura

    protected, back = _protect(_FIGURE.sub(_open_figure, html))
    try:
        page, credits = _prepared(protected)
        text = trafilatura.extract(page, include_comments=False, include_tables=True,
                                   prune_xpath=_NEVER_SHOWN) or ""
    except (ValueError, TypeError, RecursionError):  # a page lxml cannot take: the visible text stands
        return ""
    missing = [credit for credit in credits if credit not in text]
    if text and missing:
        text = "\n".join(missing + [text])
    for stand_in, joiner in back.items():
        text = text.replace(stand_in, joiner)
    return text


def has_sentence(text: str) -> bool:
    return any(word_count(line) >= SENTENCE_WORDS for line in text.split("\n"))


def choose_body(html: str, visible: str) -> tuple[str, bool]:
    """The text to index and whether it is the main text (False: the visible text, as a fallback)."""
    text = main_text(html) if visible else ""
    if not has_sentence(text) and word_count(visible) > word_count(text):
        return visible, False
    return text, True
