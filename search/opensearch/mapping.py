"""The OpenSearch index: its settings, its fields, and Kavosh's term streams.

**Why term streams, not generated analyzers.**  The old export rebuilt Kavosh's
chain out of OpenSearch factories plus ~120,000 generated ``stemmer_override``
rules (4.6 MB in the cluster state), frozen at export: any word the rules had
not seen analysed differently (80.7% term parity on unseen vocabulary).  Here
Kavosh analyses every document itself, with the very chain the whoosh index
uses, and sends the result: a field's text is its terms joined by spaces, one
token per position.  OpenSearch only has to take them apart again, with
stock components and no rules, so the two backends cannot drift:

* ``whitespace`` tokenizer: one token per position (Kavosh's terms never hold
  a space, ``SAME_POSITION`` or ``GAP``: a term starts with a word character and
  runs on through word characters, marks and joiners; a variant term adds ``|``);
* ``stop`` filter removing ``GAP``, the placeholder of each position a stop
  word left empty: Lucene's stop filter keeps the position increment, so a
  phrase with a stop word in it meets exactly the positions whoosh holds;
* ``pattern_capture`` splitting ``a¦b``, the several terms Kavosh puts at ONE
  position (a word's stems in a mixed text, a ZWNJ compound's parts, a hamza
  seat), into tokens that share that position (``preserve_original: false``).

Measured with bench/opensearch_terms.py: term for term identical to the whoosh
index (positions included) on the seeds and an archive sample.
"""

from __future__ import annotations

from functools import lru_cache

from kavosh.index.analysis import ANALYZER_VERSION, DocumentText
from kavosh.index.ranking import BM25_B, BM25_K1
from kavosh.index.schema import SCHEMA_VERSION, TITLE_BOOST

GAP = "\u2205"  # ∅: no word starts with it (index/analysis.py TOKEN_PATTERN), so no term is it
SAME_POSITION = "\u00a6"  # ¦: variant terms hold "|" (index/variants.py); no term holds this
ANALYZER = "kavosh_terms"
SIMILARITY = "kavosh_bm25f"  # whoosh's BM25F, scripted (``similarity()``)
# The analysed fields (whoosh's names, so a compiled query's field names carry over)
# and the stored texts they are made from.
POSITIONAL_FIELDS = ("title", "body", "title_exact", "body_exact")
STREAM_FIELDS = POSITIONAL_FIELDS + ("variant",)
TEXT = "text"  # _source: {"text": {"title": …, "body": …}} the raw texts, for snippets and documents
# whoosh's title boost multiplies a title term's frequency (index/term_counts.py: weight =
# freq × field_boost) and not the field's length.  Lucene has no index-time boost; a query
# boost multiplies the whole saturated score instead (a title match weighed ~45% more than
# in whoosh).  So each title term is sent TITLE_REPEAT times at its position: its frequency
# doubles, and with ``discount_overlaps: false`` so does every title's length, which
# leaves BM25's length/average-length ratio as whoosh has it.
TITLE_REPEAT = int(TITLE_BOOST)
assert TITLE_REPEAT == TITLE_BOOST, "the title boost must be a whole number of repeats"
# Bump with any change below an existing index cannot serve (a new index is built beside it).
# 3: the scripted similarity (whoosh's BM25F idf) instead of Lucene's BM25.
MAPPING_VERSION = 3


def fingerprint() -> str:
    """What names and checks an OpenSearch index: the analysis chain's fingerprint
    (index/fingerprint.py) and this mapping's version (a change of either builds a new index)."""
    from kavosh.index.fingerprint import analysis_fingerprint

    return f"{analysis_fingerprint()}m{MAPPING_VERSION}"


def serves(recorded: str | None) -> bool:
    """Can this code search and update an index recorded with ``fingerprint()`` ``recorded``:
    this mapping's version, and terms this chain makes (``SAME_TERMS_AS`` included)."""
    from kavosh.index.fingerprint import analysis_fingerprint, same_terms

    analysis, _m, version = (recorded or "").rpartition("m")
    return version == str(MAPPING_VERSION) and same_terms(analysis, analysis_fingerprint())


@lru_cache(maxsize=1)
def analyzers() -> dict:
    """The whoosh index's own chains, by field (``build_schema``: one place decides them)."""
    from kavosh.index.schema import build_schema

    schema = build_schema()
    return {name: schema[name].analyzer for name in STREAM_FIELDS}


def positions(analyzer, text) -> list[tuple[int, list[str]]]:
    """(position, terms) of ``text`` as the whoosh index holds them, in order.

    Through the analyzer's word cache when it has one (index/term_counts.py: what the
    whoosh writer itself uses, and a third of the token path's time)."""
    from kavosh.index.term_counts import _fast_path, _word_terms

    if _fast_path(analyzer, text, {"mode": "index"}):
        words, terms = _word_terms(analyzer, text)
        return [(pos, list(dict.fromkeys(terms[word]))) for pos, word in enumerate(words) if terms[word]]
    at: dict[int, list[str]] = {}
    for t in analyzer(text, positions=True, mode="index"):
        terms = at.setdefault(t.pos, [])
        if t.text not in terms:
            terms.append(t.text)
    return sorted(at.items())


def encode(stream: list[tuple[int, list[str]]], repeat: int = 1) -> str:
    """The field text that OpenSearch's ``kavosh_terms`` analyzer turns back into ``stream``;
    each term ``repeat`` times at its position (see ``TITLE_REPEAT``)."""
    out: list[str] = []
    last = -1
    for pos, terms in stream:
        out.extend([GAP] * (pos - last - 1))
        out.append(SAME_POSITION.join(terms * repeat))
        last = pos
    return " ".join(out)


def document_streams(title: str, body: str, lang: str) -> dict[str, str]:
    """Every analysed field of one document, encoded: what the indexer sends beside its texts."""
    chains = analyzers()
    return {
        "title": encode(positions(chains["title"], DocumentText(title, lang)), TITLE_REPEAT),
        "body": encode(positions(chains["body"], DocumentText(body, lang))),
        "title_exact": encode(positions(chains["title_exact"], title), TITLE_REPEAT),
        "body_exact": encode(positions(chains["body_exact"], body)),
        # Positions mean nothing in the variant field (whoosh: phrase=False).
        "variant": encode(positions(chains["variant"], title + "\n" + body)),
    }


def field_terms(streams: dict[str, str]) -> dict[str, set[str]]:
    """The distinct terms of each encoded field (what the vocabulary index counts)."""
    out = {}
    for name, text in streams.items():
        terms = set()
        for token in text.split(" "):
            if token and token != GAP:
                terms.update(token.split(SAME_POSITION))
        out[name] = terms
    return out


def similarity() -> dict:
    """whoosh's ``BM25F`` as a ``scripted`` similarity (Painless, a module every
    OpenSearch ships), so a term scores as in the whoosh index.

    Lucene's BM25 differs in its idf, ``log(1 + (N - df + 0.5) / (df + 0.5))``
    against whoosh's ``log(N / (df + 1)) + 1`` (``WeightingModel.idf``): whoosh
    weighs a common word far more against a rare one, and with several words
    the order changed (top-10 overlap 0.887 on 6,000 articles with Lucene's BM25).
    The rest is whoosh's ``bm25()``: ``idf × tf(K1 + 1) / (tf + K1(1 - B + B·dl/avgdl))``.
    whoosh's N is every document of the index and its average length divides by
    it too; Painless sees only the documents that have the field
    (``field.docCount``), the same number except for a document without a title
    or a body.  Document lengths are Lucene's norms (one byte, as whoosh's are).
    The constants are written into the scripts (a similarity script takes no params).
    """
    weight = ("double n = field.docCount; "
              "return query.boost * (Math.log(n / (term.docFreq + 1.0)) + 1.0);")
    score = (f"double avgdl = field.sumTotalTermFreq / (double) field.docCount; "
             f"double norm = {BM25_K1!r} * ((1.0 - {BM25_B!r}) + {BM25_B!r} * doc.length / avgdl); "
             f"return weight * doc.freq * ({BM25_K1!r} + 1.0) / (doc.freq + norm);")
    # discount_overlaps false: several terms at one position (a word's stems, a
    # compound's parts) all count in a field's length, as whoosh counts them.
    return {"type": "scripted", "discount_overlaps": False,
            "weight_script": {"source": weight}, "script": {"source": score}}


def settings(*, shards: int = 1, replicas: int = 0) -> dict:
    """Index settings: one primary shard until size says otherwise; refresh is off while
    the first bulk load runs (the indexer turns it back on)."""
    return {
        "index": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "refresh_interval": "-1",
            "max_result_window": 10_500,
            "similarity": {SIMILARITY: similarity()},
            "analysis": {
                "tokenizer": {ANALYZER: {"type": "whitespace", "max_token_length": 65536}},
                "filter": {
                    "kavosh_gap": {"type": "stop", "stopwords": [GAP], "ignore_case": False},
                    "kavosh_same_position": {"type": "pattern_capture", "preserve_original": False,
                                             "patterns": [rf"([^{SAME_POSITION}]+)"]},
                },
                "analyzer": {ANALYZER: {"type": "custom", "tokenizer": ANALYZER,
                                        "filter": ["kavosh_gap", "kavosh_same_position"]}},
            },
        }
    }


def mappings(fingerprint: str) -> dict:
    """The fields, mirroring index/schema.py; the analysed streams stay out of ``_source``."""
    stream = {"type": "text", "analyzer": ANALYZER, "similarity": SIMILARITY}
    keyword = {"type": "keyword"}
    unindexed = {"type": "keyword", "index": False, "doc_values": False}
    return {
        "dynamic": "strict",
        "_meta": {"kavosh": {"index_fingerprint": fingerprint,
                             "analysis_fingerprint": fingerprint.rsplit("m", 1)[0],
                             "analyzer_version": ANALYZER_VERSION, "schema_version": SCHEMA_VERSION,
                             "mapping_version": MAPPING_VERSION, "title_boost": TITLE_BOOST,
                             "roots": []}},
        "_source": {"excludes": list(STREAM_FIELDS)},
        "properties": {
            **{name: dict(stream) for name in POSITIONAL_FIELDS},
            "variant": dict(stream, index_options="freqs"),
            TEXT: {"type": "object", "enabled": False},
            "key": keyword, "id": keyword, "root": keyword, "source_file": keyword,
            "path": unindexed, "url": unindexed, "near_dup": unindexed,
            "lang": keyword,
            "source": keyword,
            "source_key": keyword,  # index/sources.py source_key: what a source filter compares
            "date": {"type": "date", "format": "strict_date_optional_time||epoch_millis",
                     "ignore_malformed": True},
            "date_origin": keyword,
            "date_key": {"type": "long"},  # index/dates.py: what filters and sorts compare, as in whoosh
            "month": {"type": "integer"},  # year × 12 + month − 1 (search/facets.py), 0: undated
            "near_dup_bands": keyword,  # index/near_dup.py band_keys
            "size": {"type": "long"},
            "mtime": {"type": "double"},
            "sha1": keyword,
        },
    }


def vocabulary_mappings(fingerprint: str) -> dict:
    """The side index of terms (search/opensearch/vocabulary.py): per field and first
    letters, the sorted terms with their document counts, as unindexed text."""
    return {
        "dynamic": "strict",
        "_meta": {"kavosh": {"index_fingerprint": fingerprint}},
        "properties": {"field": {"type": "keyword"}, "bucket": {"type": "keyword"},
                       "terms": {"type": "text", "index": False}},
    }


def vocabulary_settings(*, shards: int = 1, replicas: int = 0) -> dict:
    return {"index": {"number_of_shards": shards, "number_of_replicas": replicas,
                      "refresh_interval": "-1", "max_result_window": 10_500}}
