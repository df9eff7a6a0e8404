"""Multi-pattern matching over folded text, with offsets back into the original.

Patterns live in up to four Aho-Corasick automata (``ahocorasick_rs``), one per *stream*:
the folded text as it is, its homophone-class form, and each of those with repeated
characters collapsed. A batch of texts is folded, joined and scanned once per stream; only
texts with a candidate match pay for offset maps and verification (whole words, variants).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs

from shenhe.text import phonetic
from shenhe.text.fold import Folded, Folder, collapse_map, collapse_repeats

_SEP = "\x00"
Stream = tuple[bool, bool]
"""(homophone classes, repeats collapsed)."""
PLAIN: Stream = (False, False)


@dataclass(frozen=True, slots=True)
class Entry:
    """A thing to find: `key` is the caller's id for it (a term's index)."""

    key: int
    text: str
    phonetic: bool = False
    initials: bool = False
    repeat: bool = False
    whole_word: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """An entry found in a text, at original offsets [start, end), and how it was disguised."""

    key: int
    start: int
    end: int
    variant: str


@dataclass(frozen=True, slots=True)
class _Payload:
    key: int
    kind: str  # "text", "pinyin" or "initials"
    whole_word: bool
    folded: str  # the entry's folded text, to tell exact from homophone
    source: str  # the entry's text as written


class Matcher:
    """Compiled automata for a set of entries. Immutable and safe to share between threads."""

    def __init__(self, entries: Sequence[Entry], folder: Folder | None = None) -> None:
        self.folder = folder or Folder()
        self.skipped: list[Entry] = []
        patterns: dict[Stream, dict[str, list[_Payload]]] = defaultdict(dict)
        for entry in entries:
            folded = self.folder.fold(entry.text)
            if not folded:
                self.skipped.append(entry)
                continue
            for stream, pattern, payload in self._patterns(entry, folded):
                patterns[stream].setdefault(pattern, []).append(payload)
        self._streams: list[tuple[Stream, ahocorasick_rs.AhoCorasick, list[list[_Payload]]]] = []
        for stream, table in sorted(patterns.items()):
            words = list(table)
            automaton = ahocorasick_rs.AhoCorasick(words)
            self._streams.append((stream, automaton, [table[w] for w in words]))

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
            for spelt in phonetic.latin_spellings(folded):
                out.append((PLAIN, spelt, _Payload(entry.key, "pinyin", True, folded, entry.text)))
        if sounds and entry.initials:
            for letters in phonetic.initials(folded):
                payload = _Payload(entry.key, "initials", True, folded, entry.text)
                out.append((PLAIN, letters, payload))
        return out

    @property
    def pattern_count(self) -> int:
        return sum(len(payloads) for _, _, payloads in self._streams)

    def find(self, text: str) -> list[Match]:
        return self.find_batch([text])[0]

    def find_batch(self, texts: Sequence[str]) -> list[list[Match]]:
        """The matches in each text, in the order of `texts`."""
        folded = [self.folder.fold(t) for t in texts]
        pending: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
        for index, (stream, automaton, _) in enumerate(self._streams):
            for number, start, end, pattern in _scan(automaton, _stream_texts(folded, stream)):
                pending[number].append((index, pattern, start, end))
        results: list[list[Match]] = [[] for _ in texts]
        for number, found in pending.items():
            results[number] = self._verify(texts[number], folded[number], found)
        return results

    def _verify(
        self, original: str, plain: str, found: list[tuple[int, int, int, int]]
    ) -> list[Match]:
        mapped = self.folder.fold_mapped(original)
        views: dict[Stream, Folded] = {}
        best: dict[tuple[int, int, int], Match] = {}
        for index, pattern, start, end in found:
            stream, _, payloads = self._streams[index]
            view = views.get(stream)
            if view is None:
                view = views[stream] = _stream_view(mapped, stream)
            plain_start, plain_end = view.span(start, end) if stream[1] else (start, end)
            src_start, src_end = mapped.span(plain_start, plain_end)
            for payload in payloads[pattern]:
                if payload.whole_word and not _whole_word(mapped, plain, plain_start, plain_end):
                    continue
                written = original[src_start:src_end]
                variant = _variant(payload, plain[plain_start:plain_end], written)
                match = Match(payload.key, src_start, src_end, variant)
                key = (payload.key, src_start, src_end)
                if key not in best or _RANK[variant] < _RANK[best[key].variant]:
                    best[key] = match
        return sorted(best.values(), key=lambda m: (m.start, m.end, m.key))


_RANK = {"exact": 0, "folded": 1, "repeat": 2, "homophone": 3, "pinyin": 4, "initials": 5}


def _stream_texts(folded: list[str], stream: Stream) -> list[str]:
    sounds, repeats = stream
    texts = folded
    if sounds:
        texts = [phonetic.to_classes(t) for t in texts]
    if repeats:
        texts = [collapse_repeats(t) for t in texts]
    return texts


def _stream_view(mapped: Folded, stream: Stream) -> Folded:
    """The stream's form of an already folded text; its spans lead back to the plain fold."""
    sounds, repeats = stream
    text = phonetic.to_classes(mapped.text) if sounds else mapped.text
    if repeats:
        return Folded(collapse_repeats(text), (collapse_map(text),))
    return Folded(text, ())


def _scan(
    automaton: ahocorasick_rs.AhoCorasick, texts: list[str]
) -> list[tuple[int, int, int, int]]:
    """(text number, start, end, pattern) for every match, scanning the batch in one pass."""
    starts = []
    position = 0
    for text in texts:
        starts.append(position)
        position += len(text) + 1
    joined = _SEP.join(texts)
    out = []
    for pattern, start, end in automaton.find_matches_as_indexes(joined, overlapping=True):
        number = bisect_right(starts, start) - 1
        offset = starts[number]
        out.append((number, start - offset, end - offset, pattern))
    return out


def _is_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _whole_word(mapped: Folded, plain: str, start: int, end: int) -> bool:
    """No ASCII letter touches the match on either side (noise between counts as a gap)."""
    if start > 0 and _is_letter(plain[start - 1]) and _is_letter(plain[start]):
        _, before_end = mapped.span(start - 1, start)
        if before_end == mapped.span(start, start + 1)[0]:
            return False
    if end < len(plain) and _is_letter(plain[end]) and _is_letter(plain[end - 1]):
        after_start, _ = mapped.span(end, end + 1)
        if mapped.span(end - 1, end)[1] == after_start:
            return False
    return True


def _variant(payload: _Payload, plain_span: str, original_span: str) -> str:
    if payload.kind != "text":
        return payload.kind
    if plain_span == payload.folded:
        return "exact" if original_span == payload.source else "folded"
    if collapse_repeats(plain_span) == collapse_repeats(payload.folded):
        return "repeat"
    return "homophone"
