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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shenhe.text import contact_patterns as p
from shenhe.text.charmap import CharOptions, char_table
from shenhe.text.contact_numbers import Hit, bare_numbers, cued_number


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


def find_contacts(text: str) -> list[Contact]:
    """Every contact in `text`, sorted by start; overlapping finds keep the earliest, longest."""
    if not text or not p.MAYBE_CONTACT.search(text):
        return []
    return _find(text)


def _find(text: str) -> list[Contact]:
    folded, origin = _fold(text)
    hits = _hits(folded)
    if not hits:
        return []
    if len(hits) > 1:
        hits.sort(key=lambda h: (h[0], h[0] - h[1]))  # stable: ties keep the order found
    contacts: list[Contact] = []
    last_end = 0
    for start, end, kind, value in hits:
        if start < last_end:
            continue
        last_end = end
        src_start, src_end = (origin[start], origin[end - 1] + 1) if origin else (start, end)
        contacts.append(Contact(kind, value, text[src_start:src_end], src_start, src_end))
    return contacts


def _hits(s: str) -> list[Hit]:
    """Every find of every pattern, each pattern's in order; cheap tests skip the hopeless."""
    hits: list[Hit] = []
    maybe_id = p.MAYBE_ID.search(s) is not None
    if maybe_id:
        _cued(s, hits)
    maybe_domain = p.MAYBE_DOMAIN.search(s) is not None
    if maybe_domain and ("@" in s or "at" in s):  # an e-mail needs "@", " at " or "(at)"
        _emails(s, hits)
    if "/" in s:
        _scheme_urls(s, hits)
    if maybe_domain:
        _domains(s, hits)
    if maybe_id:
        bare_numbers(s, hits)
    return hits


# Folding -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _table() -> dict[int, str | int]:
    """The charmap fold without noise removal; a character never folds to nothing here.

    CJK ideographs that fold to themselves are mapped to themselves too: `str.translate`
    leaves a character the table lacks as it is, but only after a failed lookup that costs
    several times a found one, and most of the text is made of them.
    """
    table: dict[int, str | int] = {
        cp: out for cp, out in char_table(CharOptions(noise=False)).items() if out
    }
    for cp in range(0x4E00, 0xA000):
        table.setdefault(cp, cp)
    return table


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
            out = table.get(ord(char), char)
            origin.extend([i] * (1 if isinstance(out, int) else len(out)))
    if p.ANY_NUMERAL.search(folded):
        folded = p.NUMERAL_RUN.sub(_numerals_to_digits, folded)
    return folded, origin


_NUMERAL_TABLE = str.maketrans(p.NUMERALS)
_NUMERAL_CHARS = "".join(p.NUMERALS)


def _numerals_to_digits(match: re.Match[str]) -> str:
    """A run such as ``壹叁捌 零零壹叁`` as digits, if it holds five or more of them."""
    run, s, end = match.group(), match.string, match.end()
    keep = len(run)
    if end < len(s) and s[end] in p.MEASURE_AFTER:
        keep = len(run.rstrip(_NUMERAL_CHARS))  # 2680一周: the 一 counts the week
    digits = sum(map(str.isalnum, run[:keep]))  # in a run, digits and numerals alone are
    if digits < p.MIN_NUMERAL_RUN:
        return run
    return run[:keep].translate(_NUMERAL_TABLE) + run[keep:]


# Cued ids ------------------------------------------------------------------------------


def _cued(s: str, hits: list[Hit]) -> None:
    """The finds of the WeChat, QQ and Telegram patterns, each pattern's after the one before.

    Each pattern is tried only where one of its first characters stands, and like finditer,
    past the end of its last match: the same matches as its finditer, for less.
    """
    found: list[list[Hit]] = [[] for _ in _CUED]
    resume = [0] * len(_CUED)
    for cue in p.CUE_START.finditer(s):
        pos = cue.start()
        for k in _CUED_AT[cue.group()]:
            if pos < resume[k]:
                continue
            pattern, parse = _CUED[k]
            m = pattern.match(s, pos)
            if m is not None:
                resume[k] = m.end()
                hit = parse(s, m)
                if hit is not None:
                    found[k].append(hit)
    for kind_hits in found:
        hits.extend(kind_hits)


def _wechat(s: str, m: re.Match[str]) -> Hit | None:
    if m.group("id") is not None:
        return m.start(), m.end(), "wechat", m.group("id")
    found = cued_number(s, m.start("num"), m.end("num"), p.MIN_WECHAT_NUMBER)
    return None if found is None else (m.start(), found[0], "wechat", found[1])


def _qq(s: str, m: re.Match[str]) -> Hit | None:
    found = cued_number(s, m.start("num"), m.end("num"), p.MIN_QQ)
    return None if found is None else (m.start(), found[0], "qq", found[1])


def _telegram(s: str, m: re.Match[str]) -> Hit | None:
    return m.start(), m.end(), "telegram", "@" + m.group("id")


_CUED: tuple[tuple[re.Pattern[str], Callable[[str, re.Match[str]], Hit | None]], ...] = (
    (p.WECHAT, _wechat),
    (p.QQ, _qq),
    (p.TELEGRAM, _telegram),
)
# For each first character of a cued pattern, the indices in _CUED of the patterns it starts.
_CUED_AT: dict[str, tuple[int, ...]] = {
    char: tuple(
        k for k, first in enumerate((p.WECHAT_FIRST, p.QQ_FIRST, p.TELEGRAM_FIRST)) if char in first
    )
    for char in p.WECHAT_FIRST | p.QQ_FIRST | p.TELEGRAM_FIRST
}


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


def _url_hit(start: int, host: str, path: str, end: int) -> Hit:
    path = path.rstrip("/")
    if host in p.TELEGRAM_HOSTS and path:
        return start, end, "telegram", "t.me" + path
    return start, end, "url", host + path


def _scheme_urls(s: str, hits: list[Hit]) -> None:
    for m in p.SCHEME_URL.finditer(s):
        host = m.group("host").rstrip(p.TRAILING_PUNCT)
        if not host:
            continue
        path = _path(s, m.start("path"), m.end("path")) if len(host) == len(m["host"]) else ""
        end = m.start("host") + len(host) + len(path)
        hits.append(_url_hit(m.start(), host, path, end))


def _domains(s: str, hits: list[Hit]) -> None:
    for m in p.DOMAIN.finditer(s):
        found = _domain(s, m.start("host"), m.end("host"))
        if found is None:
            continue
        host_end, host = found
        path = ""
        if host_end == m.end("host"):
            path = _path(s, m.start("path"), m.end("path"))
        hits.append(_url_hit(m.start(), host, path, host_end + len(path)))


def _emails(s: str, hits: list[Hit]) -> None:
    for m in p.EMAIL.finditer(s):
        plain = m.group("at").strip() == "@"
        found = _domain(s, m.start("host"), m.end("host"), strict=not plain, any_tld=plain)
        if found is None:
            continue
        host_end, host = found
        hits.append((m.start(), host_end, "email", f"{m.group('local')}@{host}"))
