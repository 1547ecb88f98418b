"""What the web load benchmark asks: the kinds of request, their proportions, their paths.

Three kinds, as the search page's users cause them:

* ``page``: GET /?q=… (the HTML results page: the search, its facets and filter
  links, and "did you mean" when nothing matched);
* ``api``: GET /api/search?q=… (scripts and tools; the page's JSON link);
* ``suggest``: GET /api/suggest?q=… (the page's search-as-you-type list).

The default mix, page 3 : api 2 : suggest 5, is a guess about people, written
down so it can be argued with.  web/static/suggest.js asks for completions
120 ms after the last key, from the second letter on: typing a two-word query
(~10 letters at 200–300 ms a key, faster in bursts that the delay swallows)
makes about five suggest calls, then one page.  Only about one page in three
comes from typing a new query: the others are the next page, a language,
year or source filter, a sort, a "did you mean" link, which make none.  So
five suggest calls per three pages.  The API is a smaller share than the
pages (two to three): it is there for scripts, not for the people the page is
made for.  Pass --mix to weigh them otherwise (``--mix api=1`` is the old
API-only benchmark).
"""

from __future__ import annotations

from urllib.parse import urlencode

KINDS = ("page", "api", "suggest")
DEFAULT_MIX = "page=3,api=2,suggest=5"

# The fixed query mix: (q, extra parameters).  Persian and Arabic, the query
# language's main forms, and the page's own paging and language filter.
QUERY_MIX = [
    ("پهپاد کیف", {}),
    ("الطائرات المسيرة", {}),
    ("كييف", {}),
    ("روسیه اوکراین", {}),
    ("موسكو", {"lang": "ar"}),
    ('"حمله پهپادی"', {}),
    ("وزير الخارجية", {}),
    ("پهپاد*", {}),
    ("كوريا الشمالية", {"limit": 5}),
    ("روسیه -اوکراین", {}),
    ("الكرملين OR کرملین", {}),
    ("كييف", {"limit": 2, "offset": 2}),
    ("بوتين", {}),
    ("title:موسكو", {}),
    ("زلنسکی", {"mode": "any"}),
    ("کیف مسکو", {"mode": "any"}),
]
# Misspellings that match nothing on the news archive, so their page also
# finds and counts a correction ("did you mean"), as a real zero-hit page does.
TYPO_QUERIES = ["اوکراینن", "الكرملبن", "الريلض", "تحریمحای", "الانتخابت"]
# What people type before they search: the suggest calls are prefixes of these.
TYPED_QUERIES = ["پهپاد کیف", "الطائرات المسيرة", "روسیه اوکراین", "وزير الخارجية",
                 "كوريا الشمالية", "زلنسکی", "مذاکرات هسته‌ای", "الكرملين"]


def parse_mix(text: str) -> dict[str, int]:
    """``page=3,api=2,suggest=5`` -> {kind: weight}; a kind left out weighs 0.

    Raises ValueError with one line saying what is wrong."""
    weights = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kind, sep, value = part.partition("=")
        kind = kind.strip()
        if kind not in KINDS:
            raise ValueError(f"--mix: unknown kind {kind!r} (kinds: {', '.join(KINDS)}), e.g. {DEFAULT_MIX}")
        if kind in weights:
            raise ValueError(f"--mix: {kind} is given twice")
        try:
            weight = int(value) if sep else -1
        except ValueError:
            weight = -1
        if weight < 0:
            raise ValueError(f"--mix: {part!r} needs a whole number of at least 0, like {kind}=3")
        weights[kind] = weight
    if not any(weights.values()):
        raise ValueError(f"--mix: give at least one kind a weight above 0, e.g. {DEFAULT_MIX}")
    return {k: weights[k] for k in KINDS if weights.get(k)}


def kind_sequence(weights: dict[str, int]) -> list[str]:
    """One cycle of kinds in the exact proportions, spread out (smooth weighted round-robin):
    {page: 3, suggest: 5} gives 8 kinds with no run of pages longer than the weights need."""
    total = sum(weights.values())
    current = dict.fromkeys(weights, 0)
    out = []
    for _ in range(total):
        for kind, weight in weights.items():
            current[kind] += weight
        chosen = max(current, key=lambda k: (current[k], weights[k]))
        current[chosen] -= total
        out.append(chosen)
    return out


def typed_prefixes(query: str) -> list[str]:
    """What suggest.js asks while ``query`` is typed: every prefix from the second letter,
    except those ending in a space (the endpoint completes a word, not a gap)."""
    return [query[:n] for n in range(2, len(query) + 1) if not query[n - 1].isspace()]


def request_paths() -> dict[str, list[str]]:
    """The paths each kind cycles through."""
    return {
        "page": ["/?" + urlencode({"q": q, **extra}) for q, extra in QUERY_MIX]
                + ["/?" + urlencode({"q": q}) for q in TYPO_QUERIES],
        "api": ["/api/search?" + urlencode({"q": q, **extra}) for q, extra in QUERY_MIX],
        "suggest": ["/api/suggest?" + urlencode({"q": p}) for q in TYPED_QUERIES for p in typed_prefixes(q)],
    }


ACCEPT = {"page": "text/html", "api": "application/json", "suggest": "application/json"}
