"""Per-character folding tables: how each code point is disguised and what it stands for.

A table maps a code point to the string it folds to (usually one character, sometimes none
or several). Tables are built once per set of options and are pure data, so a whole text is
folded with one `str.translate` call. What each step does:

- ``width``: NFKC, so full-width, circled, parenthesised, superscript, subscript and
  mathematical forms (𝐟𝐮𝐜𝐤, ①, ⓥ, ¹) become their plain letters and digits.
- ``case``: lower case.
- ``traditional``: traditional → simplified Chinese, character by character (OpenCC ``t2s``).
- ``digits``: any character with a Unicode digit value (❶, ➊, ٣) → the ASCII digit.
- ``letters``: Latin letters with diacritics → the base letter, and Cyrillic/Greek letters
  that look like Latin ones (а, е, о, р, с, х, ν, ο, ρ …) → the Latin letter.
- ``noise``: spaces, punctuation, symbols, emoji, zero-width and other format characters,
  combining marks and private-use characters fold to nothing.

Every folded character is a fixed point of its table, so folding is idempotent.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

# Code point ranges worth a table entry; anything else folds to itself.
_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0xFFFF),  # lone surrogates included: they always fold to nothing
    (0x10000, 0x1FFFF),  # math alphanumerics, enclosed alphanumerics, emoji, symbols
    (0x2F800, 0x2FA1F),  # CJK compatibility ideographs supplement
    (0xE0000, 0xE01EF),  # tag characters and variation selectors supplement
)

_NOISE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn", "Cs", "Mn", "Me", "Mc"})
_NOISE_PREFIXES = ("P", "S")

# Letters from other scripts that readers take for Latin ones.
LOOKALIKES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "к": "k", "м": "m",
    "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x",
    "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ь": "b",
    "ы": "bi", "г": "r", "д": "a", "л": "n", "ц": "u", "ш": "w", "щ": "w",
    # Greek
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "ζ": "z", "η": "n", "ι": "i",
    "κ": "k", "μ": "u", "ν": "v", "ο": "o", "π": "n", "ρ": "p", "σ": "o", "ς": "c",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    # Latin letters that are not plain ASCII and have no decomposition
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ɡ": "g", "ɑ": "a",
    "ɩ": "i", "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h",
    "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p",
    "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CharOptions:
    """Which per-character folds apply. Each can be switched off."""

    width: bool = True
    case: bool = True
    traditional: bool = True
    digits: bool = True
    letters: bool = True
    noise: bool = True


def code_points() -> Iterator[int]:
    for low, high in _RANGES:
        yield from range(low, high + 1)


def is_noise(char: str) -> bool:
    """True for characters that carry no lexical content: space, punctuation, symbol, mark."""
    category = unicodedata.category(char)
    return category in _NOISE_CATEGORIES or category.startswith(_NOISE_PREFIXES)


def is_cjk(char: str) -> bool:
    cp = ord(char)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


@lru_cache(maxsize=1)
def traditional_to_simplified() -> dict[str, str]:
    """OpenCC ``t2s`` applied to each CJK character alone; only one-to-one changes kept."""
    import opencc  # imported here: building the converter is not free

    chars = [chr(cp) for cp in range(0x3400, 0xA000)]
    chars += [chr(cp) for cp in range(0xF900, 0xFB00)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps line structure
        raise RuntimeError("OpenCC changed the number of lines while converting characters")
    return {
        src: dst for src, dst in zip(chars, converted, strict=True) if len(dst) == 1 and dst != src
    }


def _strip_diacritics(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if base.isascii() and base.isalpha() else char


def _fold_one(char: str, options: CharOptions, t2s: dict[str, str]) -> str:
    """Fold a single character through every enabled step (one pass)."""
    out = unicodedata.normalize("NFKC", char) if options.width else char
    if options.case:
        out = out.lower()
    pieces = []
    for c in out:
        if options.traditional:
            c = t2s.get(c, c)
        if options.digits and not c.isascii():
            digit = unicodedata.digit(c, None)
            if digit is not None:
                c = str(digit)
        if options.letters and not c.isascii():
            c = LOOKALIKES.get(c) or _strip_diacritics(c)
            if options.case:
                c = c.lower()
        if options.noise and len(c) == 1 and is_noise(c):
            c = ""
        pieces.append(c)
    return "".join(pieces)


def _fold_fixed(char: str, options: CharOptions, t2s: dict[str, str]) -> str:
    """Fold until nothing changes, so that every output character is a fixed point."""
    if 0xD800 <= ord(char) <= 0xDFFF:
        return ""  # a lone surrogate is no character at all; nothing downstream can take it
    out = _fold_one(char, options, t2s)
    for _ in range(4):
        again = "".join(_fold_one(c, options, t2s) for c in out)
        if again == out:
            return out
        out = again
    return out  # pragma: no cover - no known character needs more than two passes


@lru_cache(maxsize=8)
def char_table(options: CharOptions = CharOptions()) -> dict[int, str]:
    """The translate table for `options`: code point → folded string, for changed ones only."""
    t2s = traditional_to_simplified() if options.traditional else {}
    table: dict[int, str] = {}
    for cp in code_points():
        char = chr(cp)
        if cp < 0x80 and not (options.noise or options.case):
            continue
        folded = _fold_fixed(char, options, t2s)
        if folded != char:
            table[cp] = folded
    return table
