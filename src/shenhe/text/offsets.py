"""Offset maps: from a position in a folded string back to the original text.

Folding deletes characters (noise, HTML tags, repeats) and sometimes expands one into several
(``½`` → ``1⁄2``). An `OffsetMap` records only those edits, so texts with few of them map
cheaply; `span` turns a folded range into the original range that produced it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

Edit = tuple[int, int, int]
"""(position in the source, source length, output length), for every edit that is not 1 → 1."""


class OffsetMap:
    """Maps folded positions to source positions. Built from the edits, in source order."""

    __slots__ = ("_fixed", "_folded", "_source", "_width")

    def __init__(self, edits: Iterable[Edit] = ()) -> None:
        folded = [0]
        source = [0]
        fixed = [False]
        width = [0]
        shift = 0  # folded position minus source position, before the next edit
        for pos, src_len, out_len in edits:
            at = pos + shift
            if out_len:
                # Every output character of a replaced span maps back to the whole span.
                folded.append(at)
                source.append(pos)
                fixed.append(True)
                width.append(src_len)
            folded.append(at + out_len)
            source.append(pos + src_len)
            fixed.append(False)
            width.append(0)
            shift += out_len - src_len
        self._folded = folded
        self._source = source
        self._fixed = fixed
        self._width = width

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The source range that produced folded range [start, end) (end > start)."""
        i = bisect_right(self._folded, start) - 1
        if self._fixed[i]:
            src_start = self._source[i]
        else:
            src_start = self._source[i] + start - self._folded[i]
        last = end - 1
        j = bisect_right(self._folded, last) - 1
        if self._fixed[j]:
            src_end = self._source[j] + self._width[j]
        else:
            src_end = self._source[j] + last - self._folded[j] + 1
        return src_start, src_end
