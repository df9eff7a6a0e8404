"""Chinese numerals written inside digit runs: 壹叁捌零零壹叁捌零零零 → 13800138000.

Numerals such as 一 are everyday words, so they become digits only inside a digit run: a
run that mixes them with ASCII digits (``1三8``) or that is long enough to be a number someone
is spelling out (five or more numerals in a row, as in phone and QQ numbers). Each numeral
becomes one digit, so offsets do not move.
"""

from __future__ import annotations

import re

NUMERALS: dict[str, str] = {
    "〇": "0", "零": "0",
    "一": "1", "壹": "1", "幺": "1",
    "二": "2", "贰": "2", "两": "2",
    "三": "3", "叁": "3",
    "四": "4", "肆": "4",
    "五": "5", "伍": "5",
    "六": "6", "陆": "6",
    "七": "7", "柒": "7",
    "八": "8", "捌": "8",
    "九": "9", "玖": "9",
}  # fmt: skip
"""Numeral → digit; 幺 is the spoken 1 of phone numbers."""

_TABLE = str.maketrans(NUMERALS)
MIN_RUN = 3
_RUN = re.compile(f"[0-9{''.join(NUMERALS)}]{{{MIN_RUN},}}")
MIN_PURE_RUN = 5


def _convert(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) >= MIN_PURE_RUN or any(c.isascii() for c in run):
        return run.translate(_TABLE)
    return run


def fold_numerals(text: str) -> str:
    """`text` with the numerals of every digit run replaced by ASCII digits (same length)."""
    return _RUN.sub(_convert, text)
