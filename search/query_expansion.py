"""What else a typed word matches besides its own stems: the compile's expansions.

The other script's spellings of a word (index/variants.py), a Latin name's
Persian and Arabic spellings (search/latin_names.py), in any-word mode its
vowel-blind loose key, two adjacent words written joined, and a ZWNJ
compound's parts written apart.  Each counts for less than the word itself,
so a document with the word as typed ranks first.
"""

from __future__ import annotations

from whoosh import query as Q

from kavosh.dismax import BestOf
from kavosh.index.normalize import normalize_token
from kavosh.index.variants import LOOSE_TAG, OTHER_SCRIPT, SCRIPT_TAGS, TAG_CHARS, loose_key, query_variants, with_hamza
from kavosh.latin_names import latin_spellings
from kavosh.query_language import query_script
from kavosh.query_nodes import VariantMatch
from kavosh.query_words import ZWNJ, field_weight

VARIANT_FIELD = "variant"
# Cross-script variants count for less than the word itself: a document with
# the exact spelling ranks above one that only has the other script's.
VARIANT_BOOST = 0.3
# Ranked (any-word) mode only: the word's vowel-blind loose key (index/variants.py,
# ``loose_key``) at these weights, and one edit from it for long words.  Not a
# spelling variant, never shown as one, never used in all-words mode.
LOOSE_BOOST = 0.3
LOOSE_FUZZY_BOOST = 0.15
MIN_LOOSE_FUZZY = 5
# Two adjacent query words also search their joined form (آتش سوزی → آتشسوزی,
# the compound written without its ZWNJ), at this weight: below the words
# themselves, so documents with both words rank first.
JOINED_WEIGHT = 0.5
MIN_JOINED_CHARS = 5


class Expansions:
    """The expansion half of one compile (search/query.py's ``_Compile``); it
    builds on the word level (search/query_words.py ``WordQueries``) and reads
    the same state."""

    def _or_parts(self, q, text, fields, highlight):
        """A compound typed with ZWNJ (آسمان‌خراش) also matches its parts as a phrase
        (آسمان خراش written with a space)."""
        spaced = text.replace(ZWNJ, " ")
        dropped = len(self._parsed.dropped)
        parts = self._analyse(spaced)
        stopped = self._parsed.dropped[dropped:]
        del self._parsed.dropped[dropped:]  # a compound's part is not a word the query ignored
        subs = list(q.subqueries) if isinstance(q, Q.Or) else [q]
        if len(parts) >= 2:
            subs.append(self._sequence(parts, fields, highlight))
        if stopped and self.exact is not None:
            # به‌عنوان, به‌دلیل: a part is a common word, which the stems leave out;
            # the exact fields keep it, so the parts as written meet "به عنوان" too.
            subs.append(self._verbatim(spaced, fields, highlight))
        return subs[0] if len(subs) == 1 else Q.Or(subs)

    def _with_variants(self, q, word, surface, highlight):
        """``q`` OR the other script's spellings of the word (index/variants.py).

        The word's script comes from its own Persian-only letters (never from
        the keyboard's yeh, kaf or teh marbuta, nor from the query's other
        words: adding a word never changes another's spellings).  A word
        without them (مسکو, ترامب) is taken as
        written in the script whose documents write it more, decided where the
        index is at hand (``VariantMatch.evidence``); written by neither, or as
        much by both, it meets only spellings that differ by letters, not vowels.
        An excluded word (not ``highlight``) matches the same spellings,
        unlisted for the highlighter.
        """
        latin = latin_spellings(word)
        if latin is not None:  # a Latin name: its Persian and Arabic spellings (search/latin_names.py)
            if highlight:
                self._parsed.fuzzy.append(latin)
            return Q.Or((list(q.subqueries) if isinstance(q, Q.Or) else [q]) + [latin])
        script = query_script(surface)
        typed = with_hamza(word, surface)
        assumed = (script,) if script else tuple(SCRIPT_TAGS)
        lookups = [(own, lookup) for own in assumed for lookup in query_variants(typed, own)]
        if not lookups and (self.mode != "any" or loose_key(word) is None):
            return q
        subs = list(q.subqueries) if isinstance(q, Q.Or) else [q]
        others = []
        # the word's own term in each script, by form: what says which script writes it
        own_terms = {(own, written): SCRIPT_TAGS[own] + prefix[TAG_CHARS:] + written
                     for own, (prefix, _folded, written) in lookups}
        for own, (prefix, folded, written) in lookups:
            evidence = rival = None
            if not script:
                evidence = own_terms[(own, written)]
                rival = own_terms.get((OTHER_SCRIPT[own], written))
            match = VariantMatch(VARIANT_FIELD, prefix, folded, own, boost=VARIANT_BOOST,
                                 written=written, word=typed, evidence=evidence, rival=rival)
            if highlight:
                self._parsed.fuzzy.append(match)
            others.append(match)
        loose = loose_key(word) if self.mode == "any" else None
        if loose is not None:
            others.append(Q.Term(VARIANT_FIELD, LOOSE_TAG + loose, boost=LOOSE_BOOST))
            if len(loose) >= MIN_LOOSE_FUZZY:
                others.append(Q.FuzzyTerm(VARIANT_FIELD, LOOSE_TAG + loose, boost=LOOSE_FUZZY_BOOST,
                                          maxdist=1, prefixlength=len(LOOSE_TAG) + 2))
        # A document another spelling matches counts once, by its best match:
        # a spelling variant that is also the loose key is not two matches.
        subs.append(others[0] if len(others) == 1 else BestOf(others))
        return Q.Or(subs)

    def _joined(self, first: str, second: str, highlight: bool):
        """The joined form of two adjacent typed words, as a low-weight query (or None)."""
        a, b = normalize_token(first), normalize_token(second)
        if (len(a) < 2 or len(b) < 2 or len(a) + len(b) < MIN_JOINED_CHARS
                or (a + b).isascii() or not (a + b).isalpha()):
            return None
        positions = self._analyse(first + second)
        if len(positions) != 1:
            return None
        _pos, alts = positions[0]
        if highlight:
            self._parsed.terms.update(alts)
        subs = [Q.Term(f, alt, boost=JOINED_WEIGHT * field_weight(f))
                for f in self.fields for alt in alts]
        return subs[0] if len(subs) == 1 else Q.Or(subs)
