"""Folding for contact detection, and a test of the raw text that spares most texts the fold.

`fold` maps a text through the charmap table with punctuation kept and turns the Chinese
numerals of digit runs into digits; where a character folds to several, it also tells, for
each folded character, the index of the one it came from. `may_hold_contact` tests the raw
text with the gates of `contact_patterns` lifted through the same table: a text it rejects
folds to one that no gate matches, and so holds no contact.
"""

from __future__ import annotations

import array
import re
import string
from collections.abc import Callable, Sequence
from functools import lru_cache

from shenhe.text import contact_patterns as p
from shenhe.text.charmap import CharOptions, char_table
from shenhe.text.contact_scan import numerals_to_digits
from shenhe.text.kernel import KEEP, MAX_CP, MULTI, Kernel, contact_gate


@lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """The charmap fold without noise removal; a character never folds to nothing here."""
    return {cp: out for cp, out in char_table(CharOptions(noise=False)).items() if out}


@lru_cache(maxsize=1)
def _bmp_table() -> list[str | int]:
    """`fold_table` as a list over the BMP, a character that does not fold standing for
    itself (about 2 MB).

    `str.translate` reads it much faster than the dict, where most characters are missing and
    each missing one costs a KeyError raised and caught.
    """
    table: list[str | int] = list(range(0x10000))
    for cp, out in fold_table().items():
        if cp < 0x10000:
            table[cp] = out
    return table


_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def fold(text: str) -> tuple[str, list[int] | None]:
    """Folded text with numerals as digits, and for each folded index its source index.

    The map is None when folding kept every character one for one (the usual case).
    """
    table = fold_table()
    folded = text.translate(_bmp_table() if not _BEYOND_BMP.search(text) else table)
    origin: list[int] | None = None
    if len(folded) != len(text):
        origin = []
        for i, char in enumerate(text):
            origin.extend([i] * len(table.get(ord(char), char)))
    if p.ANY_NUMERAL.search(folded):
        folded = p.NUMERAL_RUN.sub(_numerals_to_digits, folded)
    return folded, origin


JoinedFold = tuple[str, list[int], Sequence[int]]
"""What `fold_joined` gives: the joined folds, where each text starts, and the origins."""


def fold_many(texts: Sequence[str]) -> list[tuple[str, list[int] | None]]:
    """`fold` of every text, folded in one call of the folding kernel."""
    if not texts:
        return []
    folded = fold_joined(texts)
    return [text_fold(text, folded, k) for k, text in enumerate(texts)]


def fold_joined(texts: Sequence[str]) -> JoinedFold:
    """The texts folded as `fold` folds each, joined by U+0000: the joined string, where each
    text starts in it, and for each of its characters the index it came from in its text.

    U+0000 is neither a digit, a numeral nor a separator, so no digit run holds or crosses
    it, and turning numerals into digits once over the joined string changes each text as
    `fold` does.
    """
    joined, starts, origins, _ = _kernel().fold_batch(list(texts))
    if p.ANY_NUMERAL.search(joined):
        in_c = numerals_to_digits(joined)  # the same, in C where it was built
        joined = in_c if in_c is not None else p.NUMERAL_RUN.sub(_numerals_to_digits, joined)
    return joined, starts, origins


def text_fold(text: str, folded: JoinedFold, k: int) -> tuple[str, list[int] | None]:
    """`fold(text)` cut out of `folded`, where `text` is the k-th text folded."""
    joined, starts, origins = folded
    start = starts[k]
    end = starts[k + 1] - 1 if k + 1 < len(starts) else len(joined)
    return joined[start:end], None if end - start == len(text) else list(origins[start:end])


@lru_cache(maxsize=1)
def _kernel() -> Kernel:
    """`fold_table` laid out for the folding kernel (`shenhe.text.kernel`)."""
    table = fold_table()
    flat = array.array("I", [KEEP]) * MAX_CP
    multi: dict[int, str] = {}
    for cp, out in table.items():
        flat[cp] = ord(out) if len(out) == 1 else MULTI
        if len(out) > 1:
            multi[cp] = out
    return Kernel(table, flat.tobytes(), multi, numerals=False)


_NUMERAL_TABLE = str.maketrans(p.NUMERALS)
_NUMERAL_CHARS = "".join(p.NUMERALS)


def _numerals_to_digits(match: re.Match[str]) -> str:
    """A run such as ``壹叁捌 零零壹叁`` as digits, if it holds five or more of them."""
    run, s, end = match.group(), match.string, match.end()
    keep = len(run)
    if end < len(s) and s[end] in p.MEASURE_AFTER:
        keep = len(run.rstrip(_NUMERAL_CHARS))  # 2680一周: the 一 counts the week
    digits = sum(map(str.isalnum, run[:keep]))  # of a run's characters, all but separators
    if digits < p.MIN_NUMERAL_RUN:
        return run
    return run[:keep].translate(_NUMERAL_TABLE) + run[keep:]


def may_hold_contact(text: str) -> bool:
    """False when `text` folds to one that no gate of `contact_patterns` matches."""
    return _raw_gate().search(text) is not None


def gate_many(texts: list[str]) -> bytes:
    """For each text, 1 where it is non-empty and passes both `MAYBE_CONTACT` and
    `may_hold_contact`, else 0: the same tests, run in C over the whole list when the
    extension was built (a property test holds the two to each other)."""
    flags = contact_gate(texts, gate_table())
    if flags is None:
        return bytes(
            bool(text) and may_hold_contact(text) and p.MAYBE_CONTACT.search(text) is not None
            for text in texts
        )
    return flags


# The class bits of `gate_table`, as `_cfold.c` names them.
_GATE_BITS = (
    "cue", "id0", "id1", "phone0", "phone1", "dot", "space", "letter", "slash", "alone",
    "hopeless", "numeral", "sep",
)  # fmt: skip


@lru_cache(maxsize=1)
def gate_table() -> bytes:
    """A uint16 of class bits for every BMP code point: the character sets of `_raw_gate` and
    of `MAYBE_CONTACT`, which the C gate tests in their fixed order (characters beyond the
    BMP count as "alone" there). Fails at once if a shape changes the order it assumes."""
    lift, wild = _lifting()
    (id0, once), (id1, four) = p.ID_SHAPE
    (phone0, once_p), (phone1, ten) = p.PHONE_SHAPE
    (dot, once_d), (spaces, many), (letters, once_l) = p.DOMAIN_SHAPE
    ((slash, once_s),) = p.SCHEME_SHAPE
    assert (once, four, once_p, ten, once_d, many, once_l, once_s) == (
        "", "{4}", "", "{10}", "", "*", "", ""
    ), "the C contact gate spells these shapes out"
    assert p.MIN_NUMERAL_RUN == 5 and p.MAX_RAW_SEPS == 3, "the C contact gate spells these out"
    sets = {
        "cue": lift(p.CUE_FIRST), "id0": lift(id0), "id1": lift(id1),
        "phone0": lift(phone0), "phone1": lift(phone1), "dot": lift(dot),
        "space": lift(spaces), "letter": lift(letters), "slash": lift(slash), "alone": wild,
    }  # fmt: skip
    assert not sets["space"] & sets["letter"], "the C gate skips spaces greedily"
    bmp = "".join(map(chr, range(0x10000)))
    for name, pattern in (
        ("hopeless", p.HOPELESS_CHAR),
        ("numeral", p.RAW_NUMERAL_CHAR),
        ("sep", p.RAW_SEP_CHAR),
    ):
        sets[name] = frozenset(pattern.findall(bmp))
    assert not sets["numeral"] & sets["sep"], "the C gate skips separators greedily"
    table = array.array("H", bytes(0x20000))
    for bit, name in enumerate(_GATE_BITS):
        for char in sets[name]:
            table[ord(char)] |= 1 << bit
    return table.tobytes()


def _lifting() -> tuple[Callable[[frozenset[str]], frozenset[str]], frozenset[str]]:
    """How a set of folded characters lifts to raw text through `fold_table`, and the raw
    characters (in the BMP) that fold to several and so could stand for anything."""
    table = fold_table()
    stands_for: dict[str, set[str]] = {}
    wild: set[str] = set()
    for cp, out in table.items():
        if len(out) == 1:
            stands_for.setdefault(out, set()).add(chr(cp))
        elif cp <= 0xFFFF:
            wild.add(chr(cp))

    def lift(chars: frozenset[str]) -> frozenset[str]:
        if chars & frozenset(string.digits):
            chars |= frozenset(p.NUMERALS)
        raw = {c for c in chars if ord(c) not in table}
        for c in chars:
            raw |= stands_for.get(c, set())
        return frozenset(c for c in raw if ord(c) <= 0xFFFF)

    return lift, frozenset(wild)


@lru_cache(maxsize=1)
def _raw_gate() -> re.Pattern[str]:
    """The gates of `contact_patterns` lifted to raw text through `fold_table`, all in one.

    A raw character stands for what it folds to: it joins a character set when it folds to one
    character of the set, or to a numeral where the set holds digits. A character that folds
    to several could stand for any of them and matches alone; so does any character beyond
    the BMP, which keeps the sets quick to test. The shapes are tried at once: a class of all
    their first characters finds where, and a look-behind which shape to go on with.
    """
    lift, wild = _lifting()

    def rest(shape: p.Shape) -> str:
        return p.shape_pattern(tuple((lift(chars), quantifier) for chars, quantifier in shape))

    # (first characters, what must follow them): an id anywhere after a cue, or a shape.
    branches = [(lift(p.CUE_FIRST), rf"[\s\S]*?{rest(p.ID_SHAPE)}")]
    for (first, once), *after in (p.PHONE_SHAPE, p.DOMAIN_SHAPE, p.SCHEME_SHAPE):
        assert once == "", "a shape starts with one character"
        branches.append((lift(first), rest(tuple(after))))
    alone = rf"{p.char_class(frozenset(wild))}\U00010000-\U0010ffff"
    firsts = p.char_class(frozenset[str]().union(*(first for first, _ in branches)))
    tried = "|".join(f"(?<=[{p.char_class(first)}]){then}" for first, then in branches)
    return re.compile(f"[{firsts}{alone}](?:{tried}|(?<=[{alone}]))")
