"""The parsers of contact detection in C (`shenhe.text._ccontact`), where it was built.

`find_batch` hands a batch folded by `contact_fold.fold_joined` to the C parsers, which find
what `contacts._hits` finds in each text: the ids after cues and the bare phone numbers. A
text that might hold an address (e-mail, URL: a dot before a top-level domain of
`contact_patterns.TLDS`, or before any name where an "@" stands) comes back as None for the
Python path to read. `numerals_to_digits` does the numeral step of `contact_fold` in C.

The C code spells out the patterns of `contact_patterns`; the character sets it needs come
from there too, laid out here as one uint32 of class bits per BMP code point.
"""

from __future__ import annotations

import array
import hashlib
import re
import string
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from shenhe.text import contact_patterns as p

try:
    from shenhe.text import _ccontact  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - exercised where no C compiler was available
    _ccontact = None

# The class bits of `scan_table`, in the order `_ccontact.c` numbers them.
_BITS = (
    "space", "gap", "wei", "xin", "v_after", "plus", "plus_wei", "v_x", "wei_alone", "kou",
    "kou_alone", "digit_sep", "cue", "unit", "cued_unit", "unit_before", "numeral", "counted",
    "measure",
)  # fmt: skip
_DIGIT_SHIFT = 24  # bits 24 to 27: the digit a numeral stands for

# The patterns and numbers `_ccontact.c` spells out, as they were when it was written. Should
# one change, the C parsers stand aside (the Python path is always right) and a test fails
# until the C code and `SPELLED` are brought up to date together.
SPELLED = "1904077f"


def spelled() -> str:
    """A fingerprint of what `_ccontact.c` spells out from `contact_patterns`."""
    patterns = (
        p.WECHAT, p.QQ, p.TELEGRAM, p.PHONE_RUN, p.NUMERAL_RUN, p.MOBILE, p.LANDLINE,
        p.UNIT_AFTER, p.CUED_UNIT_AFTER, p.DIGIT_SEP, p.DOT, p.DOMAIN, p.EMAIL, p.SCHEME_URL,
    )  # fmt: skip
    numbers = (p.MIN_QQ, p.MAX_QQ, p.MIN_WECHAT_NUMBER, p.MIN_NUMERAL_RUN)
    text = "\n".join([pattern.pattern for pattern in patterns] + [repr(numbers)])
    return hashlib.sha256(text.encode()).hexdigest()[:8]


@lru_cache(maxsize=1)
def _as_written() -> bool:
    return spelled() == SPELLED


@lru_cache(maxsize=1)
def scan_table() -> bytes:
    """For every BMP code point, the bits of the character sets of `_BITS` that hold it."""
    bmp = "".join(map(chr, range(0x10000)))
    sets: dict[str, frozenset[str]] = {
        "space": frozenset(re.findall(r"\s", bmp)),
        "gap": frozenset(re.findall(p.GAP_CHAR, bmp)),
        "wei": frozenset(p.WEI),
        "xin": frozenset(p.XIN),
        "v_after": frozenset(p.V_AFTER + "❤"),
        "plus": frozenset(p.PLUS),
        "plus_wei": frozenset(p.PLUS_WEI),
        "v_x": frozenset(p.V_X),
        "wei_alone": frozenset(p.WEI_ALONE),
        "kou": frozenset(p.KOU),
        "kou_alone": frozenset(p.KOU_ALONE),
        "digit_sep": p.DIGIT_SEP_CHARS,
        "cue": p.CUE_FIRST,
        "unit": frozenset(p.UNITS),
        "cued_unit": frozenset(p.CUED_UNITS),
        "unit_before": p.UNIT_BEFORE,
        "numeral": frozenset(p.NUMERALS),
        "counted": frozenset(c for c in p.NUMERALS if c.isalnum()),  # as _numerals_to_digits
        "measure": p.MEASURE_AFTER,
    }
    assert tuple(sets) == _BITS, "the C parsers number the sets in this order"
    assert all(char.isalnum() for char in string.digits), "digits count toward a run"
    assert not any(char.isalnum() for char in p.DIGIT_SEP_CHARS), "separators do not count"
    assert p.DISGUISED_TLDS <= p.TLDS, "the C address test looks for names of TLDS only"
    table = array.array("I", bytes(0x40000))
    for bit, name in enumerate(_BITS):
        for char in sets[name]:
            table[ord(char)] |= 1 << bit
    for numeral, digit in p.NUMERALS.items():
        table[ord(numeral)] |= int(digit) << _DIGIT_SHIFT
    assert table[0] == 0, "U+0000 joins the texts of a batch and must be in no set"
    return table.tobytes()


def numerals_to_digits(joined: str) -> str | None:
    """`joined` with the numerals of its digit runs as digits, as `contact_fold` turns them
    with `contact_patterns.NUMERAL_RUN`; None without the extension."""
    if _ccontact is None or not _as_written():
        return None
    digits: str = _ccontact.numerals_to_digits(joined, scan_table())
    return digits


def find_batch(
    texts: list[str],
    numbers: list[int],
    folded: tuple[str, list[int], Sequence[int]],
    contact_type: type,
) -> tuple[dict[int, Any], list[int]] | None:
    """By `numbers[k]`, the contacts (as `contact_type`) of each `texts[k]` that holds one,
    with None for those left to Python, whose k the list names; None without the extension.

    `folded` is `contact_fold.fold_joined(texts)`.
    """
    if _ccontact is None or not _as_written():
        return None
    joined, starts, origins = folded
    if not isinstance(origins, memoryview):
        origins = array.array("i", origins)
    found: tuple[dict[int, Any], list[int]] = _ccontact.find_batch(
        texts, numbers, joined, starts, origins, scan_table(), p.TLDS, contact_type
    )
    return found
