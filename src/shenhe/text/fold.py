"""Folding: the canonical form of a text in which disguised terms look like themselves.

`Folder.fold_batch` folds many texts at once and keeps, for every folded character, where it
came from; `Folder.fold` folds one text. The steps, each switchable in `FoldOptions`:

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
from collections.abc import Sequence
from dataclasses import dataclass

from shenhe.text.charmap import CharOptions
from shenhe.text.kernel import Kernel, KernelOutput, kernel
from shenhe.text.offsets import OffsetMap

_TAG = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});"
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


class FoldedBatch:
    """Folded texts joined into one string, with the way back to each original text."""

    __slots__ = ("_ends", "_origins", "_runs", "_tag_maps", "joined", "starts")

    def __init__(self, output: KernelOutput, tag_maps: dict[int, OffsetMap]) -> None:
        self.joined = output.joined
        self.starts = output.starts
        self._origins = output.origins
        self._runs = output.runs
        self._tag_maps = tag_maps
        self._ends = [start - 1 for start in self.starts[1:]] + [len(self.joined)]

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def origins(self) -> Sequence[int]:
        """For every character of `joined`, its index in its text once HTML tags are gone."""
        return self._origins

    def mapped(self) -> list[int]:
        """The numbers of the texts whose offsets also pass through an HTML tag map."""
        return list(self._tag_maps)

    def text(self, number: int) -> str:
        """The folded form of text `number`."""
        return self.joined[self.starts[number] : self._ends[number]]

    def texts(self) -> list[str]:
        return [self.joined[a:b] for a, b in zip(self.starts, self._ends, strict=True)]

    def longest_digit_run(self, number: int) -> int:
        """The longest run of ASCII digits in folded text `number` (at most 255)."""
        return self._runs[2 * number]

    def run_lengths(self) -> tuple[bytes, bytes]:
        """`longest_digit_run` and `longest_word` of every text, one byte a text."""
        return self._runs[0::2], self._runs[1::2]

    def longest_word(self, number: int) -> int:
        """The longest run of ASCII letters and digits holding a letter (at most 255)."""
        return self._runs[2 * number + 1]

    def span(self, number: int, start: int, end: int) -> tuple[int, int]:
        """The range of original text `number` behind its folded range [start, end)."""
        base = self.starts[number]
        src_start = self._origins[base + start]
        src_end = self._origins[base + end - 1] + 1
        tag_map = self._tag_maps.get(number)
        if tag_map is not None:
            return tag_map.span(src_start, src_end)
        return src_start, src_end

    def touching(self, number: int, position: int) -> bool:
        """True when folded characters position-1 and position were adjacent in the original."""
        _, before_end = self.span(number, position - 1, position)
        after_start, _ = self.span(number, position, position + 1)
        return after_start <= before_end


class Folder:
    """Folds texts under one set of options. Build once and share: it holds only tables."""

    def __init__(self, options: FoldOptions | None = None) -> None:
        self.options = options or FoldOptions()
        self._kernel: Kernel = kernel(self.options.chars, self.options.numerals)

    def fold(self, text: str) -> str:
        """The folded form of `text`."""
        return self.fold_batch([text]).joined

    def fold_batch(self, texts: Sequence[str]) -> FoldedBatch:
        """Fold `texts` in one pass; see `FoldedBatch`."""
        tag_maps: dict[int, OffsetMap] = {}
        plain = list(texts)
        if self.options.html and _may_hold_markup(plain):
            for number, text in enumerate(plain):
                if "<" in text or "&" in text:
                    edits = [(m.start(), m.end() - m.start(), 0) for m in _TAG.finditer(text)]
                    if edits:
                        tag_maps[number] = OffsetMap(edits)
                        plain[number] = _TAG.sub("", text)
        return FoldedBatch(self._kernel.fold_batch(plain), tag_maps)


def _may_hold_markup(texts: list[str]) -> bool:
    """False when no text holds "<" or "&", so none holds a tag or an entity."""
    joined = "".join(texts)
    return "<" in joined or "&" in joined


def collapse_repeats(text: str) -> str:
    """Runs of one character collapsed to one: 贷贷贷款款 → 贷款."""
    return _REPEAT.sub(r"\1", text)
