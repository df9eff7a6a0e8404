"""Disguises evaders use, applied to real texts to see how screening holds up under them.

Each disguise is a function ``(text, rng) -> text``. Randomness comes only from the
``random.Random`` passed in, so a run is reproducible from its seed (`disguise_all` seeds one
generator per disguise and data set from a string, which Python hashes deterministically).

    traditional  OpenCC s2t: 贷款 → 貸款
    fullwidth    ASCII → full width: qq12345 → ｑｑ１２３４５, space → U+3000
    noise        a symbol, space or zero-width character in gaps next to non-ASCII characters,
                 at rate 0.35; digit runs spaced out or grouped 3-4-4 (138-0013-8000) with
                 the separators people write in numbers; runs of letters left whole
    homophone    each hanzi, at rate 0.3, → another common hanzi with the same toneless
                 pinyin (贷 → 代, 微 → 薇); candidates are the 3,755 level-1 GB2312 hanzi
    digits       each run of ASCII digits → one style: circled ①, full width ０, dingbat ❶,
                 Chinese 一二三 or financial 壹贰叁
    mixed        traditional, homophone and noise at lower rates, then (each for half the
                 texts) digits and fullwidth

Nothing here imports Shenhe: the disguises know nothing of how the screener folds.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

Disguise = Callable[[str, random.Random], str]

NOISE = (" ", " ", "*", "-", "·", "/", "|", "~", "_", ".", "♥", "★", "、", "\u200b", "\u3000")
"""Separators put between characters; the space is listed twice to make it the likeliest."""
DIGIT_NOISE = (" ", "-", ".")
"""Separators put inside a run of digits, as people space out phone numbers."""

_CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
_DINGBAT = "⓿❶❷❸❹❺❻❼❽❾"
_FULLWIDTH = "０１２３４５６７８９"
_CHINESE = "〇一二三四五六七八九"
_FINANCIAL = "零壹贰叁肆伍陆柒捌玖"
DIGIT_STYLES: tuple[str, ...] = (_CIRCLED, _DINGBAT, _FULLWIDTH, _CHINESE, _FINANCIAL)


def traditional(text: str, rng: random.Random) -> str:
    """Simplified → traditional Chinese (OpenCC ``s2t``); deterministic, `rng` unused."""
    return _s2t()(text)


def fullwidth(text: str, rng: random.Random) -> str:
    """Printable ASCII → its full-width form; `rng` unused."""
    return text.translate(_FULLWIDTH_TABLE)


def noise(text: str, rng: random.Random, rate: float = 0.35) -> str:
    """Separators between characters, as evaders break up keywords and space out numbers.

    Each gap next to a non-ASCII character (贷★款, 加 微 信, 微信：abc) gets a separator with
    probability `rate`. Runs of ASCII letters are left whole: an id broken by symbols could not
    be typed back by the reader it is meant for. Each run of digits is left as it is, spaced
    out digit by digit, or grouped 3-4-4 like a phone number, one choice per run, with one
    separator of `DIGIT_NOISE`.
    """
    out: list[str] = []
    run_style, run_sep, run_position = "", "", 0
    for i, char in enumerate(text):
        out.append(char)
        following = text[i + 1] if i + 1 < len(text) else ""
        if char.isdigit() and char.isascii():
            if i == 0 or not (text[i - 1].isdigit() and text[i - 1].isascii()):
                run_style = rng.choice(("plain", "plain", "spaced", "grouped"))
                run_sep, run_position = rng.choice(DIGIT_NOISE), 0
            run_position += 1
        if not following or char.isspace() or following.isspace():
            continue
        if _ascii_alnum(char) and _ascii_alnum(following):
            if char.isdigit() and following.isdigit() and _breaks(run_style, run_position):
                out.append(run_sep)
            continue
        if rng.random() < rate:
            out.append(rng.choice(NOISE))
    return "".join(out)


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _breaks(style: str, position: int) -> bool:
    """Whether a digit run written in `style` has a separator after its `position`-th digit."""
    return style == "spaced" or (style == "grouped" and position in (3, 7))


def homophone(text: str, rng: random.Random, rate: float = 0.3) -> str:
    """Each hanzi, with probability `rate`, → a different common hanzi read the same way."""
    table = _homophones()
    out: list[str] = []
    for char in text:
        others = table.get(char)
        if others and rng.random() < rate:
            out.append(rng.choice(others))
        else:
            out.append(char)
    return "".join(out)


def digits(text: str, rng: random.Random) -> str:
    """Each number written in one randomly chosen other style.

    A number is a run of ASCII digits, spaced or grouped ones included (138-0013-8000 keeps
    one style across its separators, as a person writing it would).
    """
    out: list[str] = []
    style: str | None = None
    for i, char in enumerate(text):
        if "0" <= char <= "9":
            if style is None:
                style = rng.choice(DIGIT_STYLES)
            out.append(style[ord(char) - 48])
            continue
        out.append(char)
        inside = char in DIGIT_NOISE and i + 1 < len(text) and "0" <= text[i + 1] <= "9"
        if not inside:
            style = None
    return "".join(out)


def mixed(text: str, rng: random.Random) -> str:
    """Several disguises stacked, as a determined evader writes: each one a little.

    Traditional characters, then homophones, then separators, and only then full-width
    forms and digit styles, so that separators fall where `noise` puts them.
    """
    text = traditional(text, rng)
    text = homophone(text, rng, rate=0.2)
    text = noise(text, rng, rate=0.2)
    if rng.random() < 0.5:
        text = digits(text, rng)
    if rng.random() < 0.5:
        text = fullwidth(text, rng)
    return text


DISGUISES: dict[str, Disguise] = {
    "traditional": traditional,
    "fullwidth": fullwidth,
    "noise": noise,
    "homophone": homophone,
    "digits": digits,
    "mixed": mixed,
}


def disguise_all(texts: Iterable[str], name: str, seed: str = "shenhe") -> list[str]:
    """`texts` under the disguise `name`, from a generator seeded by (seed, name)."""
    function = DISGUISES[name]
    rng = random.Random(f"{seed}:{name}")
    return [function(text, rng) for text in texts]


def homophones_of(char: str) -> Sequence[str]:
    """The common hanzi that `homophone` may write for `char` (empty when there are none)."""
    return _homophones().get(char, ())


_FULLWIDTH_TABLE = {cp: cp + 0xFEE0 for cp in range(0x21, 0x7F)} | {0x20: 0x3000}


@lru_cache(maxsize=1)
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert  # type: ignore[no-any-return]


def _common_hanzi() -> list[str]:
    """The level-1 GB2312 hanzi (rows 16–55): the 3,755 characters in everyday use."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


@lru_cache(maxsize=1)
def _homophones() -> dict[str, tuple[str, ...]]:
    """Each common hanzi → the other common hanzi with its toneless pinyin, in code order."""
    from pypinyin import Style, pinyin

    by_sound: dict[str, list[str]] = {}
    sound_of: dict[str, str] = {}
    for char in _common_hanzi():
        sound = pinyin(char, style=Style.NORMAL, heteronym=False)[0][0]
        if sound.isascii() and sound.isalpha():
            by_sound.setdefault(sound, []).append(char)
            sound_of[char] = sound
    table: dict[str, tuple[str, ...]] = {}
    for char, sound in sound_of.items():
        others = tuple(sorted(c for c in by_sound[sound] if c != char))
        if others:
            table[char] = others
    return table
