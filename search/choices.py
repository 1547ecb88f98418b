"""What a search can be asked for, listed once: the engine checks against these lists,
the CLI offers them as its options' choices and the web page as its links.

No imports, so the command line can name them before it loads an index.
"""

# A document's language, as `lang` stores it and --lang / ?lang= filter by.
LANGUAGES = ("fa", "ar", "mixed", "other")
# Result orders: by score, or by date with undated documents last.
SORTS = ("relevance", "newest", "oldest")
DEFAULT_SORT = "relevance"
