"""The benchmark's disguises (benchmarks/disguise.py): reproducible, and only ever disguising.

The quality benchmark's disguised figures are only as good as these transforms: each must
keep the text readable as the same message (same sounds, same digits, same characters once
the separators are taken out) and give the same output for the same seed.
"""

from __future__ import annotations

import random
import unicodedata

import pytest
from benchmarks_support import load
from hypothesis import given
from hypothesis import strategies as st
from pypinyin import Style, pinyin

disguise = load("disguise")

TEXTS = st.text(
    alphabet=st.sampled_from(list("贷款无抵押加微信私聊高仿包abcxyzQV0123456789 ，。!-")),
    max_size=40,
)


@pytest.mark.parametrize("name", list(disguise.DISGUISES))
def test_the_same_seed_gives_the_same_disguise(name: str) -> None:
    texts = ["无抵押贷款，加微信abc12345", "电话13800138000，详情私聊"] * 20
    first = disguise.disguise_all(texts, name, seed="s")
    assert first == disguise.disguise_all(texts, name, seed="s")
    if name not in ("traditional", "fullwidth"):
        assert first != disguise.disguise_all(texts, name, seed="other")


def test_traditional_writes_traditional_characters() -> None:
    assert disguise.traditional("无抵押贷款", random.Random(0)) == "無抵押貸款"


def test_fullwidth_widens_ascii_only() -> None:
    assert disguise.fullwidth("qq 12345，好", random.Random(0)) == "ｑｑ\u3000１２３４５，好"


@given(TEXTS, st.integers(0, 2**16))
def test_noise_only_adds_separators(text: str, seed: int) -> None:
    noisy = disguise.noise(text, random.Random(seed))
    inserted = set(disguise.NOISE) | set(disguise.DIGIT_NOISE)
    assert _remove_one_by_one(noisy, text, inserted)


@given(st.text(alphabet=st.sampled_from(list("abcxyzQV0123456789")), max_size=30), st.integers())
def test_noise_breaks_ids_only_between_digits(text: str, seed: int) -> None:
    """Letters of an id stay together; only digit runs are spaced out or grouped."""
    noisy = disguise.noise(text, random.Random(seed))
    for i, char in enumerate(noisy):
        if char not in text:
            assert char in disguise.DIGIT_NOISE
            assert noisy[i - 1].isdigit() and noisy[i + 1].isdigit()


@given(TEXTS, st.integers(0, 2**16))
def test_homophones_sound_the_same(text: str, seed: int) -> None:
    changed = disguise.homophone(text, random.Random(seed), rate=0.8)
    assert len(changed) == len(text)
    for before, after in zip(text, changed, strict=True):
        assert _sound(before) == _sound(after)


def test_homophones_are_common_characters() -> None:
    others = disguise.homophones_of("贷")
    assert "代" in others and "带" in others and "贷" not in others
    assert all(len(c.encode("gb2312")) == 2 for c in others)


@given(st.text(alphabet=st.sampled_from(list("0123456789 -.x加")), max_size=30), st.integers())
def test_digits_keep_their_values(text: str, seed: int) -> None:
    written = disguise.digits(text, random.Random(seed))
    assert len(written) == len(text)
    for before, after in zip(text, written, strict=True):
        if before.isdigit():
            assert _digit_value(after) == int(before)
        else:
            assert after == before


def test_a_spaced_number_keeps_one_style() -> None:
    written = disguise.digits("138-0013-8000", random.Random(1))
    styles = {next(s for s in disguise.DIGIT_STYLES if c in s) for c in written if c != "-"}
    assert len(styles) == 1


def _remove_one_by_one(noisy: str, original: str, inserted: set[str]) -> bool:
    """Whether deleting some separators from `noisy` gives back `original` (greedy match)."""
    i = 0
    for char in noisy:
        if i < len(original) and char == original[i]:
            i += 1
        elif char not in inserted:
            return False
    return i == len(original)


def _sound(char: str) -> str:
    return pinyin(char, style=Style.NORMAL)[0][0]


def _digit_value(char: str) -> int:
    chinese = "〇一二三四五六七八九"
    financial = "零壹贰叁肆伍陆柒捌玖"
    if char in chinese:
        return chinese.index(char)
    if char in financial:
        return financial.index(char)
    return unicodedata.digit(char)
