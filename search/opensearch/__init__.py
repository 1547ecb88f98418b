"""Kavosh on an OpenSearch cluster: the same documents, queries and answers as the
embedded whoosh index, served by OpenSearch nodes.

* ``mapping``: the index's settings and fields, and how Kavosh's own analysed
  term streams travel to OpenSearch (stock components only, no rules);
* ``indexer``: ``index_paths``/``remove_paths`` into a versioned index behind an alias;
* ``vocabulary``: the side index of terms and document counts (prefixes, other
  spellings, completions, did-you-mean without a local whoosh index);
* ``dsl``: Kavosh's compiled query as the Query DSL;
* ``engine``: ``OpenSearchEngine``, the same public API as ``kavosh.engine.Engine``.
"""

from .errors import AliasMissing, NodeUnreachable, OpenSearchError, WrongAnalysis

__all__ = ["AliasMissing", "NodeUnreachable", "OpenSearchError", "WrongAnalysis"]
