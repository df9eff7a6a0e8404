"""Multi-pattern matching over folded text, with offsets back into the original.

Patterns live in up to four multi-pattern scanners, one per *stream*: the folded text as it
is, its homophone-class form, and each of those with repeated characters collapsed. A batch
of texts is folded, joined and scanned once per stream; only texts with a candidate match pay
for offset maps and verification (whole words, variants).

The scanners are Shenhe's own (`shenhe.text._cscan`, in C, over code points: a trie walked
from sieved starts; its scan hands the matches over as one int32 buffer) when it and the C
verifier were built, else ``ahocorasick_rs`` automata. The pure-Python path always scans
with ``ahocorasick_rs``, built on first use where the matcher holds `_cscan` scanners, so it
stays an independent reference.

Verification runs in the C extension `shenhe.text._cverify` when it was built: one call per
batch maps every candidate to its text, checks whole words, tells the variant and maps the
span back to the original. `_verify` below is the pure-Python path; the two agree exactly.
"""

from __future__ import annotations

import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import ahocorasick_rs

from shenhe.text import phonetic
from shenhe.text.fold import FoldedBatch, Folder, collapse_repeats
from shenhe.text.kernel import collapse_runs

try:
    from shenhe.text import _cverify  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - exercised where no C compiler was available
    _cverify = None
try:
    from shenhe.text import _cscan  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - exercised where no C compiler was available
    _cscan = None

_SEP = "\x00"
Stream = tuple[bool, bool]
"""(homophone classes, repeats collapsed)."""
PLAIN: Stream = (False, False)
VARIANTS = ("exact", "folded", "repeat", "homophone", "pinyin", "initials")
"""Every variant a match can have, from the plainest to the most disguised."""
_KINDS = ("text", "pinyin", "initials")
_WHOLE_WORD = 4
_SOURCE_IS_FOLDED = 8  # the term is written as it folds: the C verifier need not read it
CompactMatch = tuple[int, int, int, str]
"""A `Match` as a plain tuple: (start, end, key, variant)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A thing to find: `key` is the caller's id for it (a term's index)."""

    key: int
    text: str
    phonetic: bool = False
    initials: bool = False
    repeat: bool = False
    whole_word: bool = False


class Match(NamedTuple):
    """An entry found in a text, at original offsets [start, end), and how it was disguised."""

    start: int
    end: int
    key: int
    variant: str


@dataclass(frozen=True, slots=True)
class _Payload:
    key: int
    kind: str  # "text", "pinyin" or "initials"
    whole_word: bool
    folded: str  # the entry's folded text, to tell exact from homophone
    source: str  # the entry's text as written


class _Tables(NamedTuple):
    """A stream's payloads in flat arrays (cheap for the garbage collector to hold, and what
    the C verifier reads). Pattern i owns payloads [first, last), its record in `patterns`
    being (first, last, the first payload's key, its flags): one read serves the usual
    pattern of a single payload."""

    patterns: array.array[int]  # 4 int32 a pattern
    keys: array.array[int]
    flags: bytes  # a kind's index in _KINDS, plus _WHOLE_WORD and _SOURCE_IS_FOLDED
    folded: list[str]
    source: list[str]

    @classmethod
    def build(cls, payload_lists: list[list[_Payload]]) -> _Tables:
        patterns = array.array("i")
        keys = array.array("i")
        flags = bytearray()
        folded: list[str] = []
        source: list[str] = []
        for payloads in payload_lists:
            first = len(keys)
            for payload in payloads:
                keys.append(payload.key)
                flags.append(
                    _KINDS.index(payload.kind)
                    | (_WHOLE_WORD if payload.whole_word else 0)
                    | (_SOURCE_IS_FOLDED if payload.source == payload.folded else 0)
                )
                folded.append(payload.folded)
                source.append(payload.source)
            patterns.extend((first, len(keys), keys[first], flags[first]))
        return cls(patterns, keys, bytes(flags), folded, source)

    def payloads(self, pattern: int) -> list[_Payload]:
        """The payloads of `pattern`, as the Python path reads them."""
        first, last = self.patterns[4 * pattern], self.patterns[4 * pattern + 1]
        return [
            _Payload(
                self.keys[i],
                _KINDS[self.flags[i] & 3],
                bool(self.flags[i] & _WHOLE_WORD),
                self.folded[i],
                self.source[i],
            )
            for i in range(first, last)
        ]


class Matcher:
    """Compiled scanners for a set of entries. Immutable and safe to share between threads."""

    def __init__(self, entries: Sequence[Entry], folder: Folder | None = None) -> None:
        self.folder = folder or Folder()
        self.skipped: list[Entry] = []
        patterns: dict[Stream, dict[str, list[_Payload]]] = defaultdict(dict)
        folded_texts = self.folder.fold_batch([entry.text for entry in entries]).texts()
        for entry, folded in zip(entries, folded_texts, strict=True):
            if not folded:
                self.skipped.append(entry)
                continue
            for stream, pattern, payload in self._patterns(entry, folded):
                patterns[stream].setdefault(pattern, []).append(payload)
        self._streams: list[Stream] = []
        self._words: list[list[str]] = []
        self._tables: list[_Tables] = []
        for stream, table in sorted(patterns.items()):
            words = list(table)
            self._streams.append(stream)
            self._words.append(words)
            self._tables.append(_Tables.build([table[w] for w in words]))
        # The C scanners where the C scan and verifier are both built; ahocorasick_rs else.
        self._scanners: list[Any] | None = None
        self._automata: list[ahocorasick_rs.AhoCorasick] | None = None
        if _cscan is not None and _cverify is not None:
            self._scanners = [_cscan.Automaton(words) for words in self._words]
        else:
            self._automata = self._reference_automata()

    def _reference_automata(self) -> list[ahocorasick_rs.AhoCorasick]:
        """The ahocorasick_rs automata, built on first use when the C ones serve the scans
        (building twice in a race is harmless: both are the same)."""
        if self._automata is None:
            self._automata = [ahocorasick_rs.AhoCorasick(words) for words in self._words]
        return self._automata

    def _patterns(self, entry: Entry, folded: str) -> list[tuple[Stream, str, _Payload]]:
        options = self.folder.options
        sounds = entry.phonetic and options.homophones
        repeats = entry.repeat and options.repeats
        text_payload = _Payload(entry.key, "text", entry.whole_word, folded, entry.text)
        encodings = phonetic.class_encodings(folded) if sounds else [folded]
        out: list[tuple[Stream, str, _Payload]] = []
        for encoded in encodings:
            collapsed = collapse_repeats(encoded) if repeats else encoded
            if repeats and len(collapsed) >= 2:
                out.append(((sounds, True), collapsed, text_payload))
            else:
                out.append(((sounds, False), encoded, text_payload))
        if sounds:
            pinyin = _Payload(entry.key, "pinyin", True, folded, entry.text)
            for spelt in phonetic.latin_spellings(folded):
                out.append((PLAIN, spelt, pinyin))
            mixed = _Payload(entry.key, "pinyin", False, folded, entry.text)
            for spelt in phonetic.mixed_spellings(folded):
                out.append(((True, False), spelt, mixed))
        if sounds and entry.initials:
            for letters in phonetic.initials(folded):
                payload = _Payload(entry.key, "initials", True, folded, entry.text)
                out.append((PLAIN, letters, payload))
        return out

    def find(self, text: str) -> list[Match]:
        return self.find_batch([text])[0]

    def find_batch(self, texts: Sequence[str]) -> list[list[Match]]:
        """The matches in each text, in the order of `texts`."""
        return self.find_folded(texts, self.folder.fold_batch(texts))

    def find_folded(self, texts: Sequence[str], batch: FoldedBatch) -> list[list[Match]]:
        """As `find_batch`, for texts already folded by `self.folder`."""
        results: list[list[Match]] = [[] for _ in texts]
        for number, matches in self.find_compact(texts, batch).items():
            results[number] = [Match(*match) for match in matches]
        return results

    def find_compact(
        self, texts: Sequence[str], batch: FoldedBatch
    ) -> dict[int, list[CompactMatch]]:
        """The texts with a match, by number, and their matches as `find_folded` sorts them,
        as plain tuples."""
        if _cverify is None:
            return self._find_python(texts, batch)
        return compact_of(self.find_rows(texts, batch))

    def find_rows(self, texts: Sequence[str], batch: FoldedBatch) -> bytes:
        """The matches of `find_compact` as native int32 rows (text number, start, end, key,
        variant's index in VARIANTS), texts in order: the screener's fast path, which makes
        no Python object per match."""
        if _cverify is None:
            return rows_of(self._find_python(texts, batch))
        texts = texts if isinstance(texts, list) else list(texts)
        rows, handed_back = _cverify.verify_rows(*self._verify_args(texts, batch))
        if not handed_back:
            return bytes(rows)
        found = compact_of(rows)
        found.update(self._verify_handed_back(texts, batch, handed_back))
        return rows_of(found)

    def _verify_args(self, texts: list[str], batch: FoldedBatch) -> tuple[object, ...]:
        """Scan every stream of `batch` and return the arguments of `_cverify.verify_rows`."""
        scans: list[tuple[object, ...]] = []
        classes: str | None = None
        for index, (stream, tables) in enumerate(zip(self._streams, self._tables, strict=True)):
            sounds, repeats = stream
            joined = batch.joined
            if sounds:
                classes = classes if classes is not None else phonetic.to_classes(joined)
                joined = classes
            origins: object = None
            if repeats:
                joined, origins = collapse_runs(joined)
                origins = _int32(origins)
            found: object
            if self._scanners is not None:
                found = self._scanners[index].scan(joined)  # int32 triples, no tuples
            else:
                automaton = self._reference_automata()[index]
                found = automaton.find_matches_as_indexes(joined, overlapping=True)
            scans.append((found, origins, stream == PLAIN, *tables))
        deferred = bytearray(len(batch))
        for number in batch.mapped():
            deferred[number] = 1
        return (batch.joined, batch.starts, _int32(batch.origins), texts, bytes(deferred), scans)

    def _verify_handed_back(
        self, texts: Sequence[str], batch: FoldedBatch, handed_back: list[tuple[int, ...]]
    ) -> dict[int, list[CompactMatch]]:
        """The Python path for the texts the C verifier handed back (HTML tag maps)."""
        results: dict[int, list[CompactMatch]] = {}
        pending: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
        for number, index, pattern, start, end in handed_back:
            pending[number].append((index, pattern, start, end))
        for number, found_in_text in pending.items():
            matches = self._verify(texts[number], batch, number, found_in_text)
            if matches:
                results[number] = list(matches)
        return results

    def _find_python(
        self, texts: Sequence[str], batch: FoldedBatch
    ) -> dict[int, list[CompactMatch]]:
        pending: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
        classes: str | None = None
        automata = self._reference_automata()
        for index, (stream, automaton) in enumerate(zip(self._streams, automata, strict=True)):
            sounds, repeats = stream
            joined = batch.joined
            if sounds:
                classes = classes if classes is not None else phonetic.to_classes(joined)
                joined = classes
            if repeats:
                found = _scan_collapsed(automaton, joined, batch.starts)
            else:
                found = _scan(automaton, joined, batch.starts)
            for number, start, end, pattern in found:
                pending[number].append((index, pattern, start, end))
        results: dict[int, list[CompactMatch]] = {}
        for number in sorted(pending):
            matches = self._verify(texts[number], batch, number, pending[number])
            if matches:
                results[number] = list(matches)
        return results

    def _verify(
        self,
        original: str,
        batch: FoldedBatch,
        number: int,
        found: list[tuple[int, int, int, int]],
    ) -> list[Match]:
        """Matches at original offsets, from candidates at offsets into the plain fold."""
        plain = batch.text(number)
        span = batch.span
        streams = self._streams
        tables = self._tables
        best: dict[tuple[int, int, int], str] = {}
        for index, pattern, start, end in found:
            stream = streams[index]
            src_start, src_end = span(number, start, end)
            for payload in tables[index].payloads(pattern):
                if payload.whole_word and not _whole_word(batch, number, plain, start, end):
                    continue
                if payload.kind != "text":
                    variant = payload.kind
                elif stream == PLAIN:  # the pattern is the term's own fold
                    variant = "exact" if original[src_start:src_end] == payload.source else "folded"
                else:
                    variant = _variant(payload, plain[start:end], original[src_start:src_end])
                key = (src_start, src_end, payload.key)
                seen = best.get(key)
                if seen is None or _RANK[variant] < _RANK[seen]:
                    best[key] = variant
        if len(best) == 1:
            ((span_key, variant),) = best.items()
            return [Match(*span_key, variant)]
        return sorted(Match(*span_key, variant) for span_key, variant in best.items())


_RANK = {variant: rank for rank, variant in enumerate(VARIANTS)}
ROW = 5
"""int32 values per row of `find_rows`: (text number, start, end, key, variant rank)."""


def rows_of(found: dict[int, list[CompactMatch]]) -> bytes:
    """`find_compact`'s matches as `find_rows` gives them."""
    rows = array.array("i")
    for number in sorted(found):
        for start, end, key, variant in found[number]:
            rows.extend((number, start, end, key, _RANK[variant]))
    return rows.tobytes()


def compact_of(rows: bytes) -> dict[int, list[CompactMatch]]:
    """`find_rows`' matches as `find_compact` gives them."""
    found: dict[int, list[CompactMatch]] = {}
    values = array.array("i", rows)
    for at in range(0, len(values), ROW):
        number, start, end, key, rank = values[at : at + ROW]
        found.setdefault(number, []).append((start, end, key, VARIANTS[rank]))
    return found


def _int32(origins: Sequence[int]) -> Sequence[int]:
    """Origins as a buffer of int32, as the C verifier reads them."""
    if isinstance(origins, memoryview):
        return origins
    return array.array("i", origins)


def _scan(
    automaton: ahocorasick_rs.AhoCorasick, joined: str, starts: list[int]
) -> list[tuple[int, int, int, int]]:
    """(text number, start, end, pattern) for every match in a joined batch, in one pass."""
    out = []
    for pattern, start, end in automaton.find_matches_as_indexes(joined, overlapping=True):
        number = bisect_right(starts, start) - 1
        offset = starts[number]
        out.append((number, start - offset, end - offset, pattern))
    return out


def _scan_collapsed(
    automaton: ahocorasick_rs.AhoCorasick, joined: str, starts: list[int]
) -> list[tuple[int, int, int, int]]:
    """As `_scan`, over `joined` with repeats collapsed; offsets are into the uncollapsed text."""
    collapsed, origins = collapse_runs(joined)
    size = len(origins)
    out = []
    for pattern, start, end in automaton.find_matches_as_indexes(collapsed, overlapping=True):
        plain_start = origins[start]
        plain_end = origins[end] if end < size else len(joined)
        number = bisect_right(starts, plain_start) - 1
        offset = starts[number]
        out.append((number, plain_start - offset, plain_end - offset, pattern))
    return out


def _same_kind(a: str, b: str) -> bool:
    """Both ASCII letters, or both ASCII digits: characters that run on into one word."""
    if not (a.isascii() and b.isascii()):
        return False
    return (a.isalpha() and b.isalpha()) or (a.isdigit() and b.isdigit())


def _whole_word(batch: FoldedBatch, number: int, plain: str, start: int, end: int) -> bool:
    """The match does not run on into a longer word: no letter next to its first or last
    letter, no digit next to its first or last digit (noise between counts as a gap)."""
    before = start > 0 and _same_kind(plain[start - 1], plain[start])
    if before and batch.touching(number, start):
        return False
    after = end < len(plain) and _same_kind(plain[end - 1], plain[end])
    return not (after and batch.touching(number, end))


def _variant(payload: _Payload, plain_span: str, original_span: str) -> str:
    if payload.kind != "text":
        return payload.kind
    if plain_span == payload.folded:
        return "exact" if original_span == payload.source else "folded"
    if collapse_repeats(plain_span) == collapse_repeats(payload.folded):
        return "repeat"
    return "homophone"
