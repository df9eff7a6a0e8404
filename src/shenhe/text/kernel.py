"""The folding kernel: applies a character table to a batch of texts, keeping origins.

The tables come from `shenhe.text.charmap` and `shenhe.text.numerals`; this module lays them
out as flat arrays and runs them through the C extension `shenhe.text._cfold` when it was
built, or through `_fold_batch_python`, which does the same thing more slowly.
"""

from __future__ import annotations

import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from shenhe.text.charmap import CharOptions, char_table
from shenhe.text.numerals import MIN_PURE_RUN, MIN_RUN, NUMERALS, fold_numerals

try:
    from shenhe.text import _cfold  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - exercised where no C compiler was available
    _cfold = None

MAX_CP = 0x110000
KEEP, DROP, MULTI = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
SEPARATOR = "\x00"
HAS_C_KERNEL = _cfold is not None


@dataclass(frozen=True, slots=True)
class Kernel:
    """One character table in the kernel's layouts."""

    table: dict[int, str]
    flat: bytes  # uint32 per code point: KEEP, DROP, MULTI or the folded code point
    multi: dict[int, str]
    numerals: bool

    def fold_batch(self, texts: list[str]) -> tuple[str, list[int], Sequence[int]]:
        """(joined folded texts, each text's start in it, origin index of every character)."""
        if _cfold is not None:
            digits = _digit_table() if self.numerals else b""
            min_run = MIN_RUN if self.numerals else 0
            joined, starts, origins = _cfold.fold_batch(
                texts, self.flat, self.multi, digits, min_run, MIN_PURE_RUN
            )
            return joined, starts, memoryview(origins).cast("i")
        return _fold_batch_python(texts, self.table, self.numerals)


@lru_cache(maxsize=8)
def kernel(options: CharOptions, numerals: bool) -> Kernel:
    table = char_table(options)
    flat = array.array("I", [KEEP]) * MAX_CP
    multi: dict[int, str] = {}
    for cp, out in table.items():
        if not out:
            flat[cp] = DROP
        elif len(out) == 1:
            flat[cp] = ord(out)
        else:
            flat[cp] = MULTI
            multi[cp] = out
    return Kernel(table, flat.tobytes(), multi, numerals)


@lru_cache(maxsize=4)
def same_length_table(mapping: tuple[tuple[int, str], ...]) -> bytes:
    flat = array.array("I", [KEEP]) * MAX_CP
    for cp, out in mapping:
        flat[cp] = ord(out)
    return flat.tobytes()


def translate_same_length(text: str, table: dict[int, str], flat: bytes | None) -> str:
    """`text.translate(table)` for a table that maps characters one to one."""
    if _cfold is not None and flat is not None:
        result: str = _cfold.translate_same_length(text, flat)
        return result
    return text.translate(table)


def collapse_runs(text: str) -> tuple[str, Sequence[int]]:
    """Runs of one character (U+0000 excepted) collapsed, and where each output run started."""
    if _cfold is not None:
        collapsed, origins = _cfold.collapse_runs(text)
        return collapsed, memoryview(origins).cast("i")
    return _collapse_runs_python(text)


def _collapse_runs_python(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    starts: list[int] = []
    previous = ""
    for index, char in enumerate(text):
        if index and char == previous and char != SEPARATOR:
            continue
        out.append(char)
        starts.append(index)
        previous = char
    return "".join(out), starts


@lru_cache(maxsize=1)
def _digit_table() -> bytes:
    digits = bytearray(0x10000)
    for numeral, digit in NUMERALS.items():
        digits[ord(numeral)] = int(digit) + 1
    return bytes(digits)


def _fold_batch_python(
    texts: list[str], table: dict[int, str], numerals: bool
) -> tuple[str, list[int], list[int]]:
    pieces: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    position = 0
    for number, text in enumerate(texts):
        if number:
            pieces.append(SEPARATOR)
            origins.append(-1)
            position += 1
        starts.append(position)
        folded: list[str] = []
        for index, char in enumerate(text):
            out = table.get(ord(char), char)
            folded.append(out)
            origins.extend([index] * len(out))
        piece = "".join(folded)
        if numerals:
            piece = fold_numerals(piece)
        pieces.append(piece)
        position += len(piece)
    return "".join(pieces), starts, origins
