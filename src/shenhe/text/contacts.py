"""Contact details that lead users off the platform: phones, WeChat, QQ, URLs, e-mail, Telegram.

`find_contacts` folds the text one character at a time (`charmap`, punctuation kept) while
remembering where each folded character came from, turns the Chinese numerals of digit runs
into digits, runs the patterns of `contact_patterns` over the result and maps every match
back, so that a contact's `text` is always ``input[start:end]``: disguises are seen
through (``薇信:ａｂｃ１２３４５``, ``壹叁捌…``, ``www点xx点com``) and the span still shows
what was written.

Numbers need a reason to count: a cue before them (微信, QQ, 企鹅 …), or the shape of a
mainland mobile number or of a landline with its area code, standing alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shenhe.text import contact_patterns as p
from shenhe.text.charmap import CharOptions, char_table


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact found in a text. `value` is normalised; `text[start:end]` is what was written."""

    kind: str
    value: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


# A found contact in folded coordinates: (start, end, kind, value).
_Hit = tuple[int, int, str, str]


def find_contacts(text: str) -> list[Contact]:
    """Every contact in `text`, sorted by start; overlapping finds keep the earliest, longest."""
    if not text or not p.MAYBE_CONTACT.search(text):
        return []
    return _find(text)


def _find(text: str) -> list[Contact]:
    folded, origin = _fold(text)
    hits = sorted(_hits(folded), key=lambda h: (h[0], h[0] - h[1]))
    contacts: list[Contact] = []
    last_end = 0
    for start, end, kind, value in hits:
        if start < last_end:
            continue
        last_end = end
        src_start, src_end = (origin[start], origin[end - 1] + 1) if origin else (start, end)
        contacts.append(Contact(kind, value, text[src_start:src_end], src_start, src_end))
    return contacts


def _hits(s: str) -> Iterator[_Hit]:
    yield from _wechat(s)
    yield from _qq(s)
    yield from _telegram(s)
    yield from _emails(s)
    yield from _urls(s)
    yield from _bare_numbers(s)


# Folding -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """The charmap fold without noise removal; a character never folds to nothing here."""
    return {cp: out for cp, out in char_table(CharOptions(noise=False)).items() if out}


def _fold(text: str) -> tuple[str, list[int] | None]:
    """Folded text with numerals as digits, and for each folded index its source index.

    The map is None when folding kept every character one for one (the usual case).
    """
    table = _table()
    folded = text.translate(table)
    origin: list[int] | None = None
    if len(folded) != len(text):
        origin = []
        for i, char in enumerate(text):
            origin.extend([i] * len(table.get(ord(char), char)))
    if p.ANY_NUMERAL.search(folded):
        folded = p.NUMERAL_RUN.sub(_numerals_to_digits, folded)
    return folded, origin


_NUMERAL_TABLE = str.maketrans(p.NUMERALS)
_NUMERAL_CHARS = "".join(p.NUMERALS)


def _numerals_to_digits(match: re.Match[str]) -> str:
    """A run such as ``壹叁捌 零零壹叁`` as digits, if it holds five or more of them."""
    run = match.group()
    keep = len(run)
    if match.end() < len(match.string) and match.string[match.end()] in p.MEASURE_AFTER:
        keep = len(run.rstrip(_NUMERAL_CHARS))  # 2680一周: the 一 counts the week
    digits = sum(c.isdigit() or c in p.NUMERALS for c in run[:keep])
    if digits < p.MIN_NUMERAL_RUN:
        return run
    return run[:keep].translate(_NUMERAL_TABLE) + run[keep:]


# Numbers -------------------------------------------------------------------------------


def _groups(s: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the digit groups in s[start:end], a run such as ``138-0013-8000``."""
    spans = []
    pos = start
    for sep in p.DIGIT_SEP.finditer(s, start, end):
        spans.append((pos, sep.start()))
        pos = sep.end()
    spans.append((pos, end))
    return spans


def _phone_kind(digits: str) -> str | None:
    if p.MOBILE.fullmatch(digits):
        return "phone"
    if p.LANDLINE.fullmatch(digits):
        return "landline"
    return None


def _strip_country_code(digits: str) -> str:
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and p.MOBILE.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :]
    return digits


def _is_amount(s: str, start: int, end: int, units: re.Pattern[str] = p.UNIT_AFTER) -> bool:
    """True when the number is written as an amount, a date or an ordinal (10000元, 第3期)."""
    return bool(units.match(s, end)) or (start > 0 and s[start - 1] in p.UNIT_BEFORE)


def _bare_numbers(s: str) -> Iterator[_Hit]:
    """Mobile and landline numbers with no cue: whole digit groups of a run, nothing more."""
    for run in p.DIGIT_RUN.finditer(s):
        if run.end() - run.start() < 11:
            continue
        groups = _groups(s, run.start(), run.end())
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
                yield start, end, kind, value
            i = j + 1


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
        value = _strip_country_code(digits)
        kind = _phone_kind(value)
        if kind is not None:
            best = (j, kind, value)
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


def _cued_number(s: str, start: int, end: int, min_len: int) -> tuple[int, str] | None:
    """The id number at the head of the digit run after a cue, as (end, digits), if any.

    A phone number made of the run's first groups, or else the most groups that make at most
    eleven digits, at least `min_len`, no leading zero, and no unit after them: in
    ``群272100827-20r`` the ``20`` is twenty yuan, so the number ends before it.
    """
    groups = _groups(s, start, end)
    found = _phone_from(s, groups, 0)
    if found is not None:
        j, _, value = found
        return groups[j][1], value
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


def _wechat(s: str) -> Iterator[_Hit]:
    for m in p.WECHAT.finditer(s):
        if m.group("id") is not None:
            yield m.start(), m.end(), "wechat", m.group("id")
            continue
        found = _cued_number(s, m.start("num"), m.end("num"), p.MIN_WECHAT_NUMBER)
        if found is not None:
            yield m.start(), found[0], "wechat", found[1]


def _qq(s: str) -> Iterator[_Hit]:
    for m in p.QQ.finditer(s):
        found = _cued_number(s, m.start("num"), m.end("num"), p.MIN_QQ)
        if found is not None:
            yield m.start(), found[0], "qq", found[1]


def _telegram(s: str) -> Iterator[_Hit]:
    for m in p.TELEGRAM.finditer(s):
        yield m.start(), m.end(), "telegram", "@" + m.group("id")


# Addresses -----------------------------------------------------------------------------


def _domain(
    s: str, start: int, end: int, *, strict: bool = False, any_tld: bool = False
) -> tuple[int, str] | None:
    """The longest domain at the head of s[start:end], as (end, name), if its TLD is known.

    A disguised dot (点, 。, spaces, "dot") or `strict` asks more: a TLD from the short list
    and, unless the name starts with www, a second-level name of two or more characters,
    not all digits (so ``8点vip`` is a time). `any_tld` takes any TLD when no dot is
    disguised (e-mail).
    """
    labels: list[tuple[int, int]] = []
    disguised = strict
    pos = start
    for dot in p.DOT.finditer(s, start, end):
        labels.append((pos, dot.start()))
        disguised = disguised or dot.group() != p.PLAIN_DOT
        pos = dot.end()
    labels.append((pos, end))
    names = [s[a:b] for a, b in labels]
    tlds = p.DISGUISED_TLDS if disguised else p.TLDS
    while len(names) >= 2 and names[-1] not in tlds and (disguised or not any_tld):
        names.pop()
        labels.pop()
    if len(names) < 2:
        return None
    if disguised and names[0] != "www":
        second = names[-2]
        if len(second) < 2 or second.isdigit():
            return None
    return labels[-1][1], ".".join(names)


def _path(s: str, start: int, end: int) -> str:
    return s[start:end].rstrip(p.TRAILING_PUNCT)


def _url_hit(start: int, host: str, path: str, end: int) -> _Hit:
    path = path.rstrip("/")
    if host in p.TELEGRAM_HOSTS and path:
        return start, end, "telegram", "t.me" + path
    return start, end, "url", host + path


def _urls(s: str) -> Iterator[_Hit]:
    for m in p.SCHEME_URL.finditer(s):
        host = m.group("host").rstrip(p.TRAILING_PUNCT)
        if not host:
            continue
        path = _path(s, m.start("path"), m.end("path")) if len(host) == len(m["host"]) else ""
        end = m.start("host") + len(host) + len(path)
        yield _url_hit(m.start(), host, path, end)
    for m in p.DOMAIN.finditer(s):
        found = _domain(s, m.start("host"), m.end("host"))
        if found is None:
            continue
        host_end, host = found
        path = ""
        if host_end == m.end("host"):
            path = _path(s, m.start("path"), m.end("path"))
        yield _url_hit(m.start(), host, path, host_end + len(path))


def _emails(s: str) -> Iterator[_Hit]:
    for m in p.EMAIL.finditer(s):
        plain = m.group("at").strip() == "@"
        found = _domain(s, m.start("host"), m.end("host"), strict=not plain, any_tld=plain)
        if found is None:
            continue
        host_end, host = found
        yield m.start(), host_end, "email", f"{m.group('local')}@{host}"
