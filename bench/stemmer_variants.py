"""Stemmers that experiments pass to ``kavosh_analyzer(stemmers=…)``.

An index's chain is pickled into its schema, so a stemmer given as an option
must pickle: these are small classes in an importable module, not lambdas,
and they keep their Snowball object and cache out of the pickle.
"""

from __future__ import annotations

from kavosh.index.normalize import normalize_token

_TO_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
MISSING = "the Snowball experiments need PyStemmer: .venv/bin/pip install PyStemmer"


class Snowball:
    """Snowball's stemmer for ``language`` ('persian' or 'arabic') on a normalized word.

    The chain hands a stemmer the normalized word (Persian ی ک, ة already
    ه); for Arabic the yeh and kaf are written back in Arabic letters first,
    so Snowball's rules see the letters they expect (ة stays ه: its rules for
    the feminine ending do not fire).  ``strip_waw``: a long word starting
    with وال/فال loses the conjunction first (Snowball keeps it).
    """

    def __init__(self, language: str, strip_waw: bool = False):
        self.language = language
        self.strip_waw = strip_waw

    def __getstate__(self):
        return {"language": self.language, "strip_waw": self.strip_waw}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def _stemmer(self):
        stemmer = self.__dict__.get("_snowball")
        if stemmer is None:
            try:
                import Stemmer
            except ImportError:
                raise SystemExit(MISSING) from None
            stemmer = self.__dict__["_snowball"] = Stemmer.Stemmer(self.language)
            self.__dict__["_memo"] = {}
        return stemmer

    def __call__(self, word: str) -> str:
        stemmer = self._stemmer()
        memo = self.__dict__["_memo"]
        stem = memo.get(word)
        if stem is None:
            text = word.translate(_TO_ARABIC) if self.language == "arabic" else word
            if self.strip_waw and len(text) >= 6 and text[:3] in ("وال", "فال"):
                text = text[1:]
            stem = memo[word] = normalize_token(stemmer.stemWord(text)) or word
        return stem

    def __eq__(self, other):
        return isinstance(other, Snowball) and self.__getstate__() == other.__getstate__()
