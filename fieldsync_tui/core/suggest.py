"""Near-name suggestions for unmatched rows (DESIGN §5, §7): built once per load, no API calls.

Names are compared as *keys*: the normalised name with punctuation and symbols dropped,
split into words. Candidates come from three cheap lookups —

* the word-sorted key and every key one edit away from it (insert, delete, replace,
  transpose), so dropped punctuation, word order and a one-letter typo are found directly;
* each query word and its one-edit variants in a word → names index (shared words);

— and the best few dozen are scored by edit-distance similarity of the keys (word order
ignored in one of the two comparisons) and by word overlap. Scores run from 0 to 1.
"""

from __future__ import annotations

import heapq
import math
import operator
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import accumulate, repeat
from typing import Generic, TypeVar

from fieldsync_tui.core.bindex import BIndex, Named
from fieldsync_tui.core.model import BRecord
from fieldsync_tui.core.normalize import id_key, normalise_many, normalise_name

_SPACES = re.compile(r" {2,}")
_SAMPLE = 5000  # names sampled for the edit alphabet
_ALPHABET_SIZE = 40
_RESCORE = 40  # candidates scored exactly per query
_COMMON = 20_000  # a word in more names than this is skipped if the query has rarer ones
_MAX_SCAN = 50_000  # a word in more names than this is never scanned (slow, and no signal)
_TYPO_WEIGHT = 0.6  # a word one edit away counts this much of an exact word


def is_dropped(ch: str) -> bool:
    """Punctuation, symbols and control/format characters do not count in a name key."""
    return not ch.isspace() and unicodedata.category(ch)[0] in "PSC"


def name_words(norm_name: str) -> tuple[str, ...]:
    """The words of a normalised name with punctuation and symbols dropped."""
    return tuple("".join(ch for ch in norm_name if not is_dropped(ch)).split())


def _name_keys(norms: list[str]) -> list[str]:
    """``" ".join(name_words(n))`` for every name, computed on one joined string."""
    if not norms:
        return []
    joined = "\n".join(norms)  # normalised names hold no newline
    for ch in filter(is_dropped, set(joined)):
        joined = joined.replace(ch, "")
    if "  " in joined or " \n" in joined or "\n " in joined or joined[:1] == " ":
        joined = _SPACES.sub(" ", joined).replace(" \n", "\n").replace("\n ", "\n")
    return joined.strip(" ").split("\n")


R = TypeVar("R", bound=Named)


class NameSuggester(Generic[R]):
    """Near names among records (B records, folders…). ``suggest`` never calls an API.

    Built with C-level string operations only (one regex pass over all names joined, one
    dict, one word count), so 200,000 names index in a fraction of a second. Entry ``i``
    is one distinct normalised name; its key ``compact[i]`` (words without punctuation) sits
    in one text as ``" key \n"`` lines, where ``str.find(" word ")`` finds whole words.
    """

    def __init__(self, norms: list[str], records: list[R]) -> None:
        """Entry ``i`` is ``records[i]`` with normalised name ``norms[i]`` (not empty)."""
        self._norms = norms
        self._records = records
        keys = _name_keys(norms)  # most keys equal their name: keep one string, not two
        self._compact: list[str] = [n if n == k else k for n, k in zip(norms, keys, strict=True)]
        del keys
        self._by_compact: dict[str, int] = dict(zip(self._compact, range(len(norms)), strict=True))
        self._text = " " + " \n ".join(self._compact) + " "
        line_lengths = map(operator.add, map(len, self._compact), repeat(3))
        self._starts: array[int] = array("q", accumulate(line_lengths, initial=0))
        self._word_counts: Counter[str] = Counter(self._text.split())
        self._alphabet = _alphabet(self._compact[:_SAMPLE])

    @classmethod
    def build(cls, b_records: Iterable[R]) -> NameSuggester[R]:
        records = list(b_records)
        norms = normalise_many([r.name for r in records])
        if all(norms):
            return cls(norms, records)
        kept = [(n, r) for n, r in zip(norms, records, strict=True) if n]
        return cls([n for n, _ in kept], [r for _, r in kept])

    @classmethod
    def from_index(cls, index: BIndex) -> NameSuggester[BRecord]:
        """Same as ``build`` over the index's records, reusing its normalised names."""
        pairs = [(norm, r) for norm, recs in index.names().items() for r in recs]
        return NameSuggester([n for n, _ in pairs], [r for _, r in pairs])

    def __len__(self) -> int:
        """Number of records with a name."""
        return len(self._records)

    def suggest(
        self, name: str, limit: int = 5, *, min_score: float = 0.34
    ) -> list[tuple[R, float]]:
        """Up to ``limit`` records whose names are near ``name``, best first.

        Records sharing one normalised name share a score; ties go by name, then id.
        ``min_score`` (0–1) drops weak suggestions.
        """
        words = name_words(normalise_name(name))
        if not words or limit < 1:
            return []
        query = _Query(words)
        scored = [(self._score(query, idx), idx) for idx in self._candidates(query)]
        scored = [(s, idx) for s, idx in scored if s >= min_score]
        scored.sort(key=lambda p: (-p[0], self._norms[p[1]], id_key(self._records[p[1]].id)))
        return [(self._records[idx], round(score, 4)) for score, idx in scored[:limit]]

    def _candidates(self, q: _Query) -> list[int]:
        direct = {
            self._by_compact[key]
            for key in _with_edits(q.compact, self._alphabet)
            if key and key in self._by_compact
        }
        hits = self._word_hits(q)
        for idx in direct:
            hits.pop(idx, None)
        target = len(q.compact)
        best = heapq.nlargest(
            max(_RESCORE - len(direct), 10),
            hits.items(),
            key=lambda p: (p[1], -abs(len(self._compact[p[0]]) - target)),
        )
        return [*direct, *(idx for idx, _ in best)]

    def _word_hits(self, q: _Query) -> dict[int, float]:
        """Entry → summed weight of the query words (or one-edit variants) it contains."""
        total = max(len(self._norms), 1)
        matches = [m for word in q.words for m in self._word_matches(word)]
        rare = [m for m in matches if self._word_counts[m[0]] <= _COMMON]
        usable = rare or [m for m in matches if self._word_counts[m[0]] <= _MAX_SCAN]
        hits: dict[int, float] = {}
        for word, weight in usable:
            weight *= math.log(1 + total / self._word_counts[word])
            for idx in self._entries_with(word):
                hits[idx] = hits.get(idx, 0.0) + weight
        return hits

    def _word_matches(self, word: str) -> Iterator[tuple[str, float]]:
        if word in self._word_counts:
            yield word, 1.0
        seen = {word}
        for variant in _edits(word, self._alphabet):
            if variant not in seen and variant in self._word_counts:
                seen.add(variant)
                yield variant, _TYPO_WEIGHT

    def _entries_with(self, word: str) -> Iterator[int]:
        needle = f" {word} "
        starts, find = self._starts, self._text.find
        last = -1
        pos = find(needle)
        while pos >= 0:
            idx = bisect_right(starts, pos) - 1
            if idx != last:  # a word twice in one name counts once
                yield idx
                last = idx
            pos = find(needle, pos + 1)

    def _score(self, q: _Query, idx: int) -> float:
        other = _Query(tuple(self._compact[idx].split()))
        if not other.words:
            return 0.0
        overlap = len(q.word_set & other.word_set) / len(q.word_set | other.word_set)
        return max(
            similarity(q.compact, other.compact),
            similarity(q.sorted_key, other.sorted_key),
            0.9 * overlap,
        )


class _Query:
    __slots__ = ("compact", "sorted_key", "word_set", "words")

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = tuple(dict.fromkeys(words))
        self.word_set = frozenset(words)
        self.compact = " ".join(words)
        self.sorted_key = " ".join(sorted(words))


def _alphabet(keys: list[str]) -> str:
    counts = Counter("".join(keys))
    return "".join(ch for ch, _ in counts.most_common(_ALPHABET_SIZE))


def _with_edits(text: str, alphabet: str) -> Iterator[str]:
    yield text
    yield from _edits(text, alphabet)


def _edits(text: str, alphabet: str) -> Iterator[str]:
    """Every string one insert, delete, replace or adjacent transpose away from ``text``
    (inserted and replacing characters come from ``alphabet`` plus ``text``'s own)."""
    chars = "".join(dict.fromkeys(alphabet + text + " "))
    for i in range(len(text) + 1):
        head, tail = text[:i], text[i:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
            for ch in chars:
                if ch != tail[0]:
                    yield head + ch + tail[1:]
        for ch in chars:
            yield head + ch + tail


def similarity(a: str, b: str) -> float:
    """1 − Levenshtein distance / length of the longer string (1.0 = equal)."""
    if a == b:
        return 1.0
    longest = max(len(a), len(b))
    return 1.0 - levenshtein(a, b) / longest


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
