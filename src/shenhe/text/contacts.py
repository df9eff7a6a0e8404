"""Contact details that lead users off the platform: phones, WeChat, QQ, URLs, e-mail, Telegram.

`find_contacts` folds the text one character at a time (`charmap`, punctuation kept) while
remembering where each folded character came from, turns the Chinese numerals of digit runs
into digits, runs the patterns of `contact_patterns` over the result and maps every match
back, so that a contact's `text` is always ``input[start:end]``: disguises are seen
through (``薇信:ａｂｃ１２３４５``, ``壹叁捌…``, ``www点xx点com``) and the span still shows
what was written.

Numbers need a reason to count: a cue before them (微信, QQ, 企鹅 …), or the shape of a
mainland mobile number or of a landline with its area code, standing alone.

Most texts hold no contact, and are told quickly: `MAYBE_CONTACT` and `may_hold_contact` turn
most of them away before the fold, and after it each family of patterns runs only where its
gate in `contact_patterns` matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shenhe.text import contact_patterns as p
from shenhe.text.contact_fold import (
    JoinedFold,
    fold,
    fold_joined,
    fold_many,
    gate_many,
    may_hold_contact,
    text_fold,
)
from shenhe.text.contact_numbers import Hit, bare_numbers, cued_number
from shenhe.text.contact_scan import find_batch, scan_table


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
    if not _may_hold(text):
        return []
    return _find(text, *fold(text))


def find_contacts_many(texts: Sequence[str], numbers: Iterable[int]) -> dict[int, list[Contact]]:
    """`find_contacts` of the texts at `numbers`, by number, for those that hold a contact.

    The cheap tests run over all of them in one call (`gate_many`), the texts that pass are
    folded in one call of the folding kernel, and the C parsers (`contact_scan`) read them
    where they were built, leaving the few that might hold an address to `_find`.
    """
    candidates = list(numbers)
    flags = gate_many([texts[number] for number in candidates])
    passed = [number for number, flag in zip(candidates, flags, strict=True) if flag]
    if not passed:
        return {}
    passed_texts = [texts[number] for number in passed]
    folded = fold_joined(passed_texts)
    from_c = find_batch(passed_texts, passed, folded, Contact)
    if from_c is None:
        return _find_many(passed_texts, passed, folded)
    found, pending = from_c
    for k in pending:
        contacts = _find(passed_texts[k], *text_fold(passed_texts[k], folded, k))
        if contacts:
            found[passed[k]] = contacts
        else:
            found.pop(passed[k], None)  # a number given twice comes twice
    return found


def _find_many(
    texts: list[str], numbers: list[int], folded: JoinedFold
) -> dict[int, list[Contact]]:
    """`_find` of each text of a batch `fold_joined` folded, by number, for those with one."""
    found: dict[int, list[Contact]] = {}
    for k, (number, text) in enumerate(zip(numbers, texts, strict=True)):
        contacts = _find(text, *text_fold(text, folded, k))
        if contacts:
            found[number] = contacts
    return found


def _may_hold(text: str) -> bool:
    """False for most texts that hold no contact: the cheap tests on the raw text.

    The finer test goes first: it turns away more of the texts the screener's hints let
    through, and `MAYBE_CONTACT` almost none of those.
    """
    return bool(text) and may_hold_contact(text) and p.MAYBE_CONTACT.search(text) is not None


def prepare() -> None:
    """Build the tables `find_contacts` needs now (about half a second), not on its first call."""
    may_hold_contact("微信")
    fold("微信")
    fold_many(["微信"])
    gate_many(["微信"])
    scan_table()


def _find(text: str, folded: str, origin: list[int] | None) -> list[Contact]:
    """The contacts of `text`, given its `fold`: the folded text and its map back."""
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
    """Every find of every pattern, in the order that settles ties: cued ids, then addresses.

    Each family runs only where its gate matches; `bare_numbers` looks for a long run first.
    """
    hits: list[Hit] = []
    _cued(s, hits)
    maybe_domain = p.MAYBE_DOMAIN.search(s) is not None
    if maybe_domain and ("@" in s or "at" in s):  # an e-mail needs "@", " at " or "(at)"
        _emails(s, hits)
    if "/" in s:
        _scheme_urls(s, hits)
    if maybe_domain:
        _domains(s, hits)
    bare_numbers(s, hits)
    return hits


# Cued ids ------------------------------------------------------------------------------


def _cued(s: str, hits: list[Hit]) -> None:
    """The finds of the WeChat, QQ and Telegram patterns, as each one's finditer would match."""
    resume: dict[str, int] = {}  # by kind: where its finditer would search on
    for m in p.CUED.finditer(s):
        kind = m.lastgroup  # the kind's group closes after the groups inside it
        assert kind is not None
        if m.start() >= resume.get(kind, 0):
            end = resume[kind] = m.end(kind)
            hit = _PARSE[kind](s, m, end)
            if hit is not None:
                hits.append(hit)


# Each parses a match of its pattern that starts at m.start() and ends at `end`.


def _wechat(s: str, m: re.Match[str], end: int) -> Hit | None:
    if m.group("wechat_id") is not None:
        return m.start(), end, "wechat", m.group("wechat_id")
    found = cued_number(s, m.start("wechat_num"), m.end("wechat_num"), p.MIN_WECHAT_NUMBER)
    return None if found is None else (m.start(), found[0], "wechat", found[1])


def _qq(s: str, m: re.Match[str], end: int) -> Hit | None:
    found = cued_number(s, m.start("qq_num"), m.end("qq_num"), p.MIN_QQ)
    return None if found is None else (m.start(), found[0], "qq", found[1])


def _telegram(s: str, m: re.Match[str], end: int) -> Hit | None:
    return m.start(), end, "telegram", "@" + m.group("telegram_id")


# By the group of `contact_patterns.CUED` that matched: the parse of its match.
_PARSE: dict[str, Callable[[str, re.Match[str], int], Hit | None]] = {
    "wechat": _wechat,
    "qq": _qq,
    "telegram": _telegram,
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
