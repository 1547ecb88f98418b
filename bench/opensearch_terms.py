"""Term parity: what OpenSearch indexed for each document, position by position, against
what Kavosh's own chain produces for the same text (the whoosh index's terms).

    .venv/bin/python bench/opensearch_terms.py URL [--alias kavosh] [--docs 500]

Reads the documents' stored texts back from OpenSearch, has ``_termvectors`` analyse the
field texts the indexer sends with the index's own mapping (terms and positions), and compares them with
``mapping.positions`` of the index's own chains.  Prints the share of identical
(field, document) streams and the first differences.
"""

from __future__ import annotations

import argparse

from kavosh.index.analysis import DocumentText
from kavosh.opensearch import mapping
from kavosh.opensearch.connection import connect


def opensearch_positions(client, index: str, field: str, encoded: str) -> list[tuple[int, list[str]]]:
    """The terms and positions OpenSearch's mapping makes of the field text the indexer sent
    (an artificial document: the streams are not kept in ``_source``)."""
    tv = client.termvectors(index=index, body={"doc": {field: encoded}, "fields": [field],
                                               "positions": True, "offsets": False,
                                               "term_statistics": False, "field_statistics": False})
    at: dict[int, set[str]] = {}
    for term, info in tv.get("term_vectors", {}).get(field, {}).get("terms", {}).items():
        for token in info.get("tokens", []):
            at.setdefault(token["position"], set()).add(term)
    return sorted((pos, sorted(terms)) for pos, terms in at.items())


def kavosh_positions(field: str, title: str, body: str, lang: str):
    chains = mapping.analyzers()
    text = {"title": DocumentText(title, lang), "body": DocumentText(body, lang),
            "title_exact": title, "body_exact": body, "variant": title + "\n" + body}[field]
    stream = mapping.positions(chains[field], text)
    if field == "variant":  # no positions there: compare the terms
        return sorted({t for _p, ts in stream for t in ts})
    return [(pos, sorted(terms)) for pos, terms in stream]


def whoosh_positions(searcher, doc_id: str, field: str, terms) -> list[tuple[int, list[str]]]:
    """The positions the whoosh index holds for ``terms`` in document ``doc_id``'s ``field``."""
    docnum = searcher.document_number(id=doc_id)
    reader = searcher.reader()
    at: dict[int, set[str]] = {}
    for term in terms:
        if (field, term) not in reader:
            continue
        m = reader.postings(field, term)
        m.skip_to(docnum)
        if m.is_active() and m.id() == docnum:
            positions = m.value_as("positions") if field != "variant" else [0]
            for pos in positions:
                at.setdefault(pos, set()).add(term)
    return sorted((pos, sorted(ts)) for pos, ts in at.items())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--alias", default="kavosh")
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--whoosh", help="a whoosh index of the same files: compare with its postings too")
    args = ap.parse_args()
    searcher = None
    if args.whoosh:
        from kavosh.engine import open_index

        searcher = open_index(args.whoosh).searcher()
    client = connect(args.url)
    hits = client.search(index=args.alias, body={"size": args.docs, "query": {"match_all": {}},
                                                 "_source": [mapping.TEXT, "lang"]})["hits"]["hits"]
    same = total = 0
    shown = 0
    for hit in hits:
        texts, lang = hit["_source"][mapping.TEXT], hit["_source"]["lang"]
        for field in mapping.STREAM_FIELDS:
            ours = kavosh_positions(field, texts["title"], texts["body"], lang)
            encoded = mapping.document_streams(texts["title"], texts["body"], lang)[field]
            theirs = opensearch_positions(client, hit["_index"], field, encoded)
            if field == "variant":
                theirs = sorted({t for _p, ts in theirs for t in ts})
            if searcher is not None:  # the whoosh index's own postings of these terms
                held = whoosh_positions(searcher, hit["_id"], field,
                                        {t for entry in ours for t in (entry[1] if isinstance(entry, tuple) else [entry])})
                mine = ours if field != "variant" else [(0, ours)] if ours else []
                if held != mine:
                    theirs = ("whoosh differs", held[:3])
            total += 1
            if ours == theirs:
                same += 1
            elif shown < 5:
                shown += 1
                diff = [(a, b) for a, b in zip(ours, theirs) if a != b][:3]
                print(f"differs: {hit['_id']} {field}: {diff or (len(ours), len(theirs))}")
    print(f"{same}/{total} (document, field) streams identical ({100 * same / max(total, 1):.2f}%) "
          f"over {len(hits)} documents")


if __name__ == "__main__":
    main()
