"""Filters, sorting and facet counts, all in the one scored pass over a query's matches.

Per searcher (a searcher lives until the index changes) three tables map a
document number to its language, its source and its date key (from the
sortable ``date_key`` column); the collector reads them for every match, so
filtering by date, source and language, sorting by date and counting every
facet cost a few list look-ups per document, not another search.

**A facet's counts ignore that facet's own filter** and obey the others
(what Elasticsearch calls a post filter, Meilisearch and Datasette do too):
while one source is selected the source facet still shows every source's
count for the same query, dates and language; the year facet shows every
year while a date range is selected; the language counts ignore the
language filter, as ``langs`` always has.  So each count is the total the
search would have with that one value selected instead.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from heapq import heappush, heapreplace

from whoosh import query as Q
from whoosh.collectors import TopCollector

from kavosh.index.dates import bound_key, single_year
from kavosh.index.errors import QueryError
from kavosh.index.sources import MAX_SOURCE_CHARS, source_key

from .list_scoring import CollectsChunks, keep_best, keep_best_scored
from .choices import SORTS  # noqa: F401  (the engine imports it from here)
from .matching import LANGUAGES, Deadline, DeadlineChecks, language_table

TOP_SOURCES = 20
_NO_DATE_NEWEST = -1  # sorts after every dated document, newest first ...
_NO_DATE_OLDEST = -(10**15)  # ... and oldest first (priorities are -key there)


class Tables:
    """docnum → language, source and date of one searcher, built once and kept on it."""

    def __init__(self, searcher):
        count = searcher.doc_count_all()
        self.languages = language_table(searcher)
        self.dates = array("Q", bytes(8 * count))
        if "date_key" in searcher.schema and count:
            column = searcher.reader().column_reader("date_key")
            for docnum in range(count):
                self.dates[docnum] = column[docnum] or 0
        # Source code → name; 0: no source.  Names that differ only in case or ``www.``
        # (source_key) are one source, shown by its most common spelling, so a facet's
        # count is what filtering by that name finds.
        self.names: list[str | None] = [None]
        self.sources = array("H", bytes(2 * count))
        codes: dict[str, int] = {}
        spellings: dict[int, tuple[int, str]] = {}
        for btext in searcher.reader().lexicon("source"):
            name = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            code = codes.get(source_key(name))
            if code is None:
                if len(self.names) == 65535:
                    break  # more sources than a facet can show; the rest count as "no source"
                code = codes[source_key(name)] = len(self.names)
                self.names.append(name)
            docs = 0
            for docnum in searcher.docs_for_query(Q.Term("source", name)):
                self.sources[docnum] = code
                docs += 1
            if docs > spellings.get(code, (0, ""))[0]:
                spellings[code] = (docs, name)
                self.names[code] = name
        # Each document's (language, source, month) as one combination code: a search
        # counts one number per matching document, and the facets are summed from the few
        # hundred combinations at the end.  Month: year × 12 + month − 1; 0 = no date.
        self.combos = array("I", bytes(4 * count))
        self.combo_parts: list[tuple[int, int, int]] = []
        known: dict[tuple[int, int, int], int] = {}
        for docnum in range(count):
            key = self.dates[docnum]
            month = key // 10**10 * 12 + key // 10**8 % 100 - 1 if key else 0
            parts = (self.languages[docnum], self.sources[docnum], month)
            code = known.get(parts)
            if code is None:
                code = known[parts] = len(self.combo_parts)
                self.combo_parts.append(parts)
            self.combos[docnum] = code

    def source_codes(self, names) -> set[int]:
        """The codes of the sources ``names`` name (compared by source_key)."""
        wanted = {source_key(name) for name in names}
        return {code for code, name in enumerate(self.names) if name and source_key(name) in wanted}


def tables(searcher) -> Tables:
    found = getattr(searcher, "_kavosh_tables", None)
    if found is None:
        found = searcher._kavosh_tables = Tables(searcher)
    return found


MAX_SOURCES = 50  # sources one search may ask for


@dataclass(frozen=True)
class Filters:
    """What a search keeps: a language, sources (by name), and date keys from/through."""

    lang: str | None = None
    sources: tuple[str, ...] = ()
    since: int = 0  # date keys (index/dates.py); 0 = open
    until: int = 0

    @property
    def dated(self) -> bool:
        return bool(self.since or self.until)


class Bounds:
    """A search's filters read against one searcher's tables: the one place that says
    what a document must be to pass them (the search's and the export's collectors
    both ask here).

    ``only``: the language's number (None: any); ``codes``: the sources' codes
    (None: any); ``low``..``high``: the date keys kept, where a date filter
    leaves out every undated document (its key is 0).
    """

    def __init__(self, table: Tables, filters: Filters):
        self.table = table
        self.only = None if filters.lang is None else LANGUAGES.index(filters.lang)
        self.codes = table.source_codes(filters.sources) if filters.sources else None
        self.dated = filters.dated
        self.low = filters.since or 1  # with a date bound, a document without a date fails it
        self.high = filters.until or 2**64 - 1

    def language_passes(self, lang: int) -> bool:
        return self.only is None or lang == self.only

    def source_passes(self, source: int) -> bool:
        return self.codes is None or source in self.codes

    def date_passes(self, key: int) -> bool:
        return not self.dated or self.low <= key <= self.high

    def passing_combinations(self) -> bytearray | None:
        """Per (language, source, month) combination of the table: does it pass the
        language and source filters?  None when there is neither filter."""
        if self.only is None and self.codes is None:
            return None
        return bytearray(self.language_passes(lang) and self.source_passes(source)
                         for lang, source, _month in self.table.combo_parts)

    def keeps(self, docnum: int) -> bool:
        """Whether document ``docnum`` passes every filter."""
        table = self.table
        return (self.language_passes(table.languages[docnum])
                and self.source_passes(table.sources[docnum])
                and self.date_passes(table.dates[docnum]))


def request_filters(lang, since, until, sources) -> Filters:
    """The filters of a request, or a QueryError saying which date is wrong and what is accepted."""
    keys = []
    for name, value, end in (("since", since, False), ("until", until, True)):
        if value is None or (isinstance(value, str) and not value.strip()):
            keys.append(0)
            continue
        try:
            keys.append(bound_key(value.strip() if isinstance(value, str) else value, end=end))
        except ValueError as exc:
            raise QueryError(f"{name}: {exc}") from None
    if keys[0] and keys[1] and keys[0] > keys[1]:
        raise QueryError(f"since ({since}) is after until ({until}): swap them")
    if isinstance(sources, str):
        sources = (sources,)
    names = tuple(dict.fromkeys(" ".join(str(s).split())[:MAX_SOURCE_CHARS] for s in sources
                                if str(s).strip()))
    if len(names) > MAX_SOURCES:
        raise QueryError(f"at most {MAX_SOURCES} sources at once, not {len(names)}")
    return Filters(lang=lang, sources=names, since=keys[0], until=keys[1])


def result_day(key: int) -> str | None:
    """A date key as the ISO day (or moment) it stands for, for the result's echo of its filters."""
    if not key:
        return None
    text = f"{key:014d}"
    day = f"{text[:4]}-{text[4:6]}-{text[6:8]}"
    return day if text[8:] in ("000000", "235959") else f"{day}T{text[8:10]}:{text[10:12]}:{text[12:]}"


def date_priority(key: int, sort: str) -> int:
    """Higher first: a date key's rank when sorting newest or oldest first, undated last
    (the search's collector and the export sort by the same rule)."""
    if sort == "newest":
        return key or _NO_DATE_NEWEST
    return -key if key else _NO_DATE_OLDEST


class FacetedTop(CollectsChunks, DeadlineChecks, TopCollector):
    """The top ``limit`` hits that pass the filters, by relevance or date, and every facet's counts."""

    def __init__(self, limit: int, table: Tables, filters: Filters, deadline: Deadline,
                 sort: str = "relevance"):
        super().__init__(limit=limit, usequality=False, replace=0)
        self.table, self.filters, self.deadline, self.sort = table, filters, deadline, sort
        self.bounds = bounds = Bounds(table, filters)
        self.combos, self.dates = table.combos, table.dates
        self.dated = bounds.dated
        # Matches per combination inside and outside the date filter.
        self.inside = [0] * len(table.combo_parts)
        self.outside = [0] * len(table.combo_parts) if self.dated else None
        # Per combination: does it pass the language and source filters?  None: no such filter.
        self.passing = bounds.passing_combinations()
        self.matched = 0
        self.dated_items: list[tuple] = []  # heap of (priority, score, -docnum) when sorting by date

    def collect(self, sub_docnum):
        self.tick()
        docnum = self.offset + sub_docnum
        combo = self.combos[docnum]
        if not self.bounds.date_passes(self.dates[docnum]):
            self.outside[combo] += 1
            return 0
        self.inside[combo] += 1
        if self.passing is not None and not self.passing[combo]:
            return 0
        self.matched += 1
        if self.sort == "relevance":
            return super().collect(sub_docnum)
        item = (date_priority(self.dates[docnum], self.sort), self.matcher.score(), -docnum)
        if len(self.dated_items) < self.limit:
            heappush(self.dated_items, item)
        elif item > self.dated_items[0]:
            heapreplace(self.dated_items, item)
        return 0

    def collect_chunk(self, ids, scores):
        """``collect`` for a chunk of matches at once (search/list_scoring.py)."""
        offset, combos, inside, dates = self.offset, self.combos, self.inside, self.dates
        if self.dated:
            # The date bound inlined (Bounds.date_passes): this loop runs per match.
            low, high, outside, within = self.bounds.low, self.bounds.high, self.outside, []
            for docnum in ids:
                if low <= dates[offset + docnum] <= high:
                    within.append(docnum)
                else:
                    outside[combos[offset + docnum]] += 1
            ids = within
        passing, kept = self.passing, []
        for docnum in ids:
            combo = combos[offset + docnum]
            inside[combo] += 1
            if passing is None or passing[combo]:
                kept.append(docnum)
        self.matched += len(kept)
        if self.sort == "relevance":
            self.total += len(kept)
            keep_best_scored(self.items, self.limit, kept, scores, offset)
        else:
            sort = self.sort
            keep_best(self.dated_items, self.limit,
                      ((date_priority(dates[offset + d], sort), scores[d], -(offset + d)) for d in kept))

    def results(self):
        if self.sort == "relevance":
            return super().results()
        ordered = sorted(self.dated_items, reverse=True)
        return self._results([(score, -negated) for _priority, score, negated in ordered])

    def facets(self) -> dict:
        """{"lang", "source" (top 20 [name, n]), "year", and "month" when one year is selected}.

        Each facet sums the combinations that pass the *other* filters.
        """
        per_language = [0] * len(LANGUAGES)
        per_source = [0] * len(self.table.names)
        per_month: dict[int, int] = {}
        outside = self.outside or [0] * len(self.inside)
        for combo, parts in enumerate(self.table.combo_parts):
            inside, out = self.inside[combo], outside[combo]
            if not (inside or out):
                continue
            lang, source, month = parts
            lang_ok, source_ok = self.bounds.language_passes(lang), self.bounds.source_passes(source)
            if source_ok:
                per_language[lang] += inside
            if lang_ok:
                per_source[source] += inside
            if lang_ok and source_ok and month:
                per_month[month] = per_month.get(month, 0) + inside + out
        names = self.table.names
        sources = sorted(((names[code], n) for code, n in enumerate(per_source) if code and n),
                         key=lambda item: (-item[1], item[0]))[:TOP_SOURCES]
        years: dict[str, int] = {}
        months: dict[str, int] = {}
        year = single_year(self.filters.since, self.filters.until)
        for month, n in sorted(per_month.items()):
            y, m = divmod(month, 12)
            years[str(y)] = years.get(str(y), 0) + n
            if y == year:
                months[f"{y:04d}-{m + 1:02d}"] = n
        result = {"lang": {LANGUAGES[i]: n for i, n in sorted(enumerate(per_language),
                                                              key=lambda kv: LANGUAGES[kv[0]]) if n},
                  "source": [[name, n] for name, n in sources], "year": years}
        if year is not None:
            result["month"] = months
        return result
