"""Phone numbers and the ids written after a cue, read from the digit runs of folded text.

A digit run is a chain of digits with at most three separators between two of them
(``138-0013-8000``, ``1 3 8 …``, ``(010)1234``), cut into groups at its separators. A phone
number is made of whole groups; so is the id after a cue (``qq:499-333-794``).
"""

from __future__ import annotations

import re

from shenhe.text import contact_patterns as p

# A found contact in folded coordinates: (start, end, kind, value).
Hit = tuple[int, int, str, str]


def bare_numbers(s: str, hits: list[Hit]) -> None:
    """Mobile and landline numbers with no cue: whole digit groups of a run, nothing more."""
    run = p.PHONE_RUN.search(s)  # a run long enough, or nearly (PHONE_RUN)
    while run is not None:
        if run.end() - run.start() >= 11:
            _phones_in(s, _groups(s, run.start(), run.end()), hits)
        run = p.PHONE_RUN.search(s, run.end())


def _phones_in(s: str, groups: list[tuple[int, int]], hits: list[Hit]) -> None:
    """The phone numbers made of whole groups of one run, from left to right."""
    i = 0
    while i < len(groups):
        # Phones start 1 (mobile), 0 (landline, 0086) or 8 (86).
        found = _phone_from(s, groups, i, bare=True) if s[groups[i][0]] in "018" else None
        if found is None:
            i += 1
            continue
        j, kind, value = found
        start, end = groups[i][0], groups[j][1]
        if not _is_amount(s, start, end):
            hits.append((start, end, kind, value))
        i = j + 1


def cued_number(s: str, start: int, end: int, min_len: int) -> tuple[int, str] | None:
    """The id number at the head of the digit run after a cue, as (end, digits), if any.

    A phone number made of the run's first groups, or else the most groups that make at most
    eleven digits, at least `min_len`, no leading zero, and no unit after them: in
    ``群272100827-20r`` the ``20`` is twenty yuan, so the number ends before it.
    """
    groups = _groups(s, start, end)
    if end - start >= 11:  # else too few digits for a phone number
        found = _phone_from(s, groups, 0)
        if found is not None:
            j, _, value = found
            return groups[j][1], value
    if len(groups) == 1:  # the usual run, with no separator
        number = s[start:end]
        if min_len <= len(number) <= p.MAX_QQ and number[0] != "0":
            return None if _is_amount(s, start, end, p.CUED_UNIT_AFTER) else (end, number)
        return None
    heads: list[tuple[int, str]] = []
    digits = ""
    for g_start, g_end in groups:
        digits += s[g_start:g_end]
        if len(digits) > p.MAX_QQ:
            break
        heads.append((g_end, digits))
    for g_end, number in reversed(heads):
        if len(number) < min_len or number.startswith("0"):
            return None
        if not _is_amount(s, start, g_end, p.CUED_UNIT_AFTER):
            return g_end, number
    return None


def _groups(s: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the digit groups in s[start:end], a run such as ``138-0013-8000``."""
    if s[start:end].isdigit():  # no separator: one group, as most runs are
        return [(start, end)]
    spans = []
    pos = start
    for sep in p.DIGIT_SEP.finditer(s, start, end):
        spans.append((pos, sep.start()))
        pos = sep.end()
    spans.append((pos, end))
    return spans


def _phone(digits: str) -> tuple[str, str] | None:
    """(kind, value) for a mobile number, past any country code, or a landline."""
    mobile = p.MOBILE.fullmatch(digits)
    if mobile is not None:
        return "phone", mobile.group(1)
    if p.LANDLINE.fullmatch(digits):
        return "landline", digits
    return None


def _is_amount(s: str, start: int, end: int, units: re.Pattern[str] = p.UNIT_AFTER) -> bool:
    """True when the number is written as an amount, a date or an ordinal (10000元, 第3期)."""
    return bool(units.match(s, end)) or (start > 0 and s[start - 1] in p.UNIT_BEFORE)


def _phone_from(
    s: str, groups: list[tuple[int, int]], i: int, *, bare: bool = False
) -> tuple[int, str, str] | None:
    """The longest phone number made of groups i..j, as (j, kind, value).

    A `bare` number (no cue) must look written as one: its groups all single digits
    (``1 3 8 …``) or none of them (``138-0013-8000``), and a landline not glued to a word.
    """
    best = None
    digits = ""
    singles = False
    for j in range(i, len(groups)):
        width = groups[j][1] - groups[j][0]
        if bare and j > i and (width == 1) != singles:
            break
        singles = width == 1
        digits += s[groups[j][0] : groups[j][1]]
        if len(digits) < 11:
            continue
        if len(digits) > 13:
            break
        phone = _phone(digits)
        if phone is not None:
            best = (j, *phone)
    if best is not None and bare and best[1] == "landline":
        start, end = groups[i][0], groups[best[0]][1]
        if _glued(s, start, end):
            return None
    return best


def _glued(s: str, start: int, end: int) -> bool:
    """True when a letter touches s[start:end] (``sim0956…``, ``…0956abc``)."""
    return (start > 0 and s[start - 1].isascii() and s[start - 1].isalpha()) or (
        end < len(s) and s[end].isascii() and s[end].isalpha()
    )
