"""Homophones: hanzi that share a toneless pinyin syllable fold to one class character.

贷, 代, 带, 袋 and 戴 all read ``dai``, so they fold to the same class character and 代款
matches 贷款. Text characters take their most common reading; a term is encoded under every
reading of its characters (capped), so 银行 is found both as it is written and as 银航.
Also the Latin spellings of a term: ``daikuan`` and, where a lexicon asks, initials ``dk``.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from shenhe.text.charmap import is_cjk
from shenhe.text.kernel import same_length_table, translate_same_length

_CLASS_BASE = 0xE000  # private use area: folding deletes private-use input, so no clashes
MIN_PINYIN_LETTERS = 4


@lru_cache(maxsize=1)
def _syllable_tables() -> tuple[dict[int, str], dict[str, str], dict[int, str]]:
    """(code point → class character, syllable → class character, code point → syllable)."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    classes: dict[str, str] = {}
    table: dict[int, str] = {}
    syllables: dict[int, str] = {}
    for cp, readings in pinyin_dict.items():
        syllable = to_normal(readings.split(",")[0])
        if not syllable.isascii() or not syllable.isalpha():
            continue
        if syllable not in classes:
            classes[syllable] = chr(_CLASS_BASE + len(classes))
        table[cp] = classes[syllable]
        syllables[cp] = syllable
    return table, classes, syllables


def class_table() -> dict[int, str]:
    """The translate table: hanzi → the class character of its most common reading."""
    return _syllable_tables()[0]


@lru_cache(maxsize=1)
def _flat_class_table() -> bytes:
    return same_length_table(tuple(class_table().items()))


def to_classes(folded: str) -> str:
    """A folded text with every hanzi replaced by its class character (same length)."""
    return translate_same_length(folded, class_table(), _flat_class_table())


def _contextual(folded: str) -> tuple[str, ...]:
    """Per-character readings as pypinyin reads the whole term (银行 → yin, hang)."""
    from pypinyin import lazy_pinyin

    out: list[str] = []
    for is_han, run in itertools.groupby(folded, key=is_cjk):
        chunk = "".join(run)
        if not is_han:
            out.extend(chunk)
            continue
        syllables = lazy_pinyin(chunk)
        out.extend(syllables if len(syllables) == len(chunk) else chunk)
    return tuple(out)


def _default(folded: str) -> tuple[str, ...]:
    """Per-character readings as each character alone is read (the text side's reading)."""
    syllables = _syllable_tables()[2]
    return tuple(syllables.get(ord(c), c) for c in folded)


def _combinations(folded: str) -> list[tuple[str, ...]]:
    combos = [_default(folded)]
    contextual = _contextual(folded)
    if contextual != combos[0]:
        combos.append(contextual)
    return combos


def class_encodings(folded: str) -> list[str]:
    """Every class-character spelling of a folded term, the one its own hanzi give first."""
    classes = _syllable_tables()[1]
    encodings = [to_classes(folded)]
    for combo in _combinations(folded)[1:]:
        encoded = "".join(classes.get(part, part) if part.isascii() else part for part in combo)
        if encoded not in encodings:
            encodings.append(encoded)
    return encodings


def latin_spellings(folded: str) -> list[str]:
    """The term spelt in toneless pinyin (``daikuan``), for terms of two or more hanzi."""
    if sum(1 for c in folded if is_cjk(c)) < 2:
        return []
    spellings: list[str] = []
    for combo in _combinations(folded):
        spelt = "".join(combo)
        if spelt.isascii() and len(spelt) >= MIN_PINYIN_LETTERS and spelt not in spellings:
            spellings.append(spelt)
    return spellings


MAX_MIXED_HANZI = 4
MIN_MIXED_SYLLABLE = 2


def mixed_spellings(folded: str) -> list[str]:
    """Half hanzi, half pinyin (``dai款``, ``贷kuan``) in the class stream's alphabet.

    For terms of two to four hanzi: every spelling where some, not all, of the hanzi are
    written as their pinyin; the hanzi that stay are class characters, so 代kuan matches too.
    """
    if not 2 <= len(folded) <= MAX_MIXED_HANZI or not all(is_cjk(c) for c in folded):
        return []
    classes = to_classes(folded)
    out: list[str] = []
    for combo in _combinations(folded):
        for mask in range(1, 2 ** len(folded) - 1):
            parts = [combo[i] if mask >> i & 1 else classes[i] for i in range(len(folded))]
            if any(
                mask >> i & 1 and len(combo[i]) < MIN_MIXED_SYLLABLE for i in range(len(folded))
            ):
                continue
            spelt = "".join(parts)
            if spelt not in out:
                out.append(spelt)
    return out


def initials(folded: str) -> list[str]:
    """The pinyin initials of a term (贷款 → ``dk``), for terms of two or more hanzi."""
    if len(folded) < 2 or not all(is_cjk(c) for c in folded):
        return []
    first = "".join(part[0] for part in _contextual(folded) if part.isascii())
    return [first] if len(first) == len(folded) else []
