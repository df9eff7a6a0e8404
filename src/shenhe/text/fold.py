"""Folding: the canonical form of a text in which disguised terms look like themselves.

`Folder.fold` is the fast path (a few C-level passes); `Folder.fold_mapped` returns the same
string with a way back to the original offsets. The steps, each switchable in `FoldOptions`:

1. ``html``: HTML tags and entities are deleted (``贷<b>款``, ``贷&nbsp;款``).
2. per character (see `shenhe.text.charmap`): ``width`` (NFKC), ``case``, ``traditional``
   (OpenCC t2s), ``digits``, ``letters`` (diacritics and Cyrillic/Greek look-alikes) and
   ``noise`` (spaces, punctuation, symbols, emoji, zero-width characters are deleted).
3. ``numerals``: Chinese numerals inside digit runs become digits (`shenhe.text.numerals`).

Two further folds make the matcher's other streams and are applied by it, not here:
``homophones`` (`shenhe.text.phonetic`) and ``repeats`` (`collapse_repeats`).
Folding is idempotent: ``fold(fold(t)) == fold(t)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from shenhe.text.charmap import CharOptions, char_table
from shenhe.text.numerals import fold_numerals
from shenhe.text.offsets import IDENTITY, OffsetMap

_TAG = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});"
)
_REPEAT = re.compile(r"(.)\1+", re.DOTALL)


@dataclass(frozen=True, slots=True)
class FoldOptions:
    """Which folds apply. All are on by default; switch one off to match more literally."""

    width: bool = True
    case: bool = True
    traditional: bool = True
    digits: bool = True
    letters: bool = True
    noise: bool = True
    html: bool = True
    numerals: bool = True
    homophones: bool = True
    repeats: bool = True

    @property
    def chars(self) -> CharOptions:
        return CharOptions(
            width=self.width,
            case=self.case,
            traditional=self.traditional,
            digits=self.digits,
            letters=self.letters,
            noise=self.noise,
        )


class Folded:
    """A folded string and the way back to the text it came from."""

    __slots__ = ("_maps", "text")

    def __init__(self, text: str, maps: tuple[OffsetMap, ...]) -> None:
        self.text = text
        self._maps = maps

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original range behind folded range [start, end)."""
        for offset_map in reversed(self._maps):
            start, end = offset_map.span(start, end)
        return start, end

    def then(self, text: str, offset_map: OffsetMap) -> Folded:
        """A further fold of this one."""
        if offset_map.is_identity:
            return Folded(text, self._maps)
        return Folded(text, (*self._maps, offset_map))


class Folder:
    """Folds texts under one set of options. Build once and share: it holds only tables."""

    def __init__(self, options: FoldOptions | None = None) -> None:
        self.options = options or FoldOptions()
        self._table = char_table(self.options.chars)
        self._edits = _edit_pattern(self.options.chars)

    def fold(self, text: str) -> str:
        """The folded form of `text`."""
        if self.options.html and ("<" in text or "&" in text):
            text = _TAG.sub("", text)
        out = text.translate(self._table)
        if self.options.numerals:
            out = fold_numerals(out)
        return out

    def fold_mapped(self, text: str) -> Folded:
        """The folded form of `text` with its offset maps (the slow path, for texts with hits)."""
        maps: list[OffsetMap] = []
        if self.options.html and ("<" in text or "&" in text):
            edits = [(m.start(), m.end() - m.start(), 0) for m in _TAG.finditer(text)]
            if edits:
                text = _TAG.sub("", text)
                maps.append(OffsetMap(edits))
        table = self._table
        char_edits = [
            (m.start(), 1, len(table[ord(m.group())])) for m in self._edits.finditer(text)
        ]
        if char_edits:
            maps.append(OffsetMap(char_edits))
        out = text.translate(table)
        if self.options.numerals:
            out = fold_numerals(out)
        return Folded(out, tuple(maps))


def collapse_repeats(text: str) -> str:
    """Runs of one character collapsed to one: 贷贷贷款款 → 贷款."""
    return _REPEAT.sub(r"\1", text)


def collapse_map(text: str) -> OffsetMap:
    """The offset map of `collapse_repeats(text)`."""
    edits = [(m.start() + 1, m.end() - m.start() - 1, 0) for m in _REPEAT.finditer(text)]
    return OffsetMap(edits) if edits else IDENTITY


@lru_cache(maxsize=8)
def _edit_pattern(options: CharOptions) -> re.Pattern[str]:
    """A character class of every code point that does not fold to exactly one character."""
    points = sorted(cp for cp, out in char_table(options).items() if len(out) != 1)
    ranges: list[tuple[int, int]] = []
    for cp in points:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    parts = []
    for low, high in ranges:
        parts.append(_escape(low) if low == high else f"{_escape(low)}-{_escape(high)}")
    return re.compile(f"[{''.join(parts)}]" if parts else r"[^\s\S]")


def _escape(cp: int) -> str:
    return f"\\U{cp:08x}"
