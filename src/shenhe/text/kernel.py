"""The folding kernel: applies a character table to a batch of texts, keeping origins.

The tables come from `shenhe.text.charmap` and `shenhe.text.numerals`; this module lays them
out as flat arrays and runs them through the C extension `shenhe.text._cfold` when it was
built, or through `_fold_batch_python`, which does the same thing more slowly.
"""

from __future__ import annotations

import array
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

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


class KernelOutput(NamedTuple):
    """A folded batch as the kernel returns it."""

    joined: str
    """The folded texts, joined by U+0000."""
    starts: list[int]
    """Where each text starts in `joined`."""
    origins: Sequence[int]
    """For every character of `joined`, its index in its original text (-1: a separator)."""
    runs: bytes
    """Two bytes a text: the length of its longest run of ASCII digits, and of its longest run
    of ASCII letters and digits that holds a letter (both capped at 255)."""


@dataclass(frozen=True, slots=True)
class Kernel:
    """One character table in the kernel's layouts."""

    table: dict[int, str]
    flat: bytes  # uint32 per code point: KEEP, DROP, MULTI or the folded code point
    multi: dict[int, str]
    numerals: bool

    def fold_batch(self, texts: list[str]) -> KernelOutput:
        """The texts folded and joined; see `KernelOutput`."""
        if _cfold is not None:
            digits = _digit_table() if self.numerals else b""
            min_run = MIN_RUN if self.numerals else 0
            joined, starts, origins, runs = _cfold.fold_batch(
                texts, self.flat, self.multi, digits, min_run, MIN_PURE_RUN
            )
            return KernelOutput(joined, starts, memoryview(origins).cast("i"), runs)
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


def contact_gate(texts: list[str], table: bytes) -> bytes | None:
    """The C contact gate's flag for each text (see `shenhe.text.contact_fold.gate_many`),
    or None where the C extension was not built."""
    if _cfold is None:
        return None
    flags: bytes = _cfold.contact_gate(texts, table)
    return flags


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


def _fold_batch_python(texts: list[str], table: dict[int, str], numerals: bool) -> KernelOutput:
    pieces: list[str] = []
    runs = bytearray()
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
        runs += _measure_runs(piece)
        pieces.append(piece)
        position += len(piece)
    return KernelOutput("".join(pieces), starts, origins, bytes(runs))


_DIGIT_RUN = re.compile(r"[0-9]+")
_WORD_RUN = re.compile(r"[0-9A-Za-z]+")


def _measure_runs(text: str) -> bytes:
    digits = max((len(m) for m in _DIGIT_RUN.findall(text)), default=0)
    word = max((len(w) for w in _WORD_RUN.findall(text) if not w.isdigit()), default=0)
    return bytes([min(digits, 255), min(word, 255)])
