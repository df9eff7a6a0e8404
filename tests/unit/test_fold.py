"""Folding: disguises fold to the plain form, folding is idempotent, and offsets lead back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe.text.charmap import CharOptions
from shenhe.text.fold import Folder, FoldOptions, collapse_repeats
from shenhe.text.kernel import (
    HAS_C_KERNEL,
    _collapse_runs_python,
    _fold_batch_python,
    collapse_runs,
    kernel,
)

FOLDER = Folder()

# Texts an evader would write, and what they must fold to.
DISGUISES = [
    ("貸款", "贷款"),  # traditional → simplified
    ("ＶＸ：ａｂｃ１２３", "vxabc123"),  # full width, punctuation dropped
    ("𝐟𝐮𝐜𝐤", "fuck"),  # mathematical bold, outside the BMP
    ("𝐕𝐱", "vx"),
    ("ⓥⓧ", "vx"),  # circled letters
    ("①②③", "123"),  # circled digits
    ("⑴⑵", "12"),  # parenthesised digits
    ("❶❷", "12"),  # dingbat digits
    ("¹²₃", "123"),  # superscripts and subscripts
    ("рорn", "popn"),  # Cyrillic look-alikes
    ("Céline", "celine"),  # diacritics
    ("贷 款", "贷款"),  # spaces
    ("贷*款", "贷款"),  # symbols
    ("贷😀款", "贷款"),  # emoji
    ("贷\u200b款", "贷款"),  # zero-width space
    ("贷<b>款</b>", "贷款"),  # HTML tags
    ("贷&nbsp;款", "贷款"),  # HTML entities
    ("壹叁捌 零零壹叁 捌零零零", "13800138000"),  # numerals in a digit run
    ("1三8", "138"),  # numerals mixed with digits
    ("一个人", "一个人"),  # numerals outside a digit run stay words
    ("十一月", "十一月"),
]


@pytest.mark.parametrize(("text", "folded"), DISGUISES)
def test_disguises_fold_to_the_plain_form(text: str, folded: str) -> None:
    assert FOLDER.fold(text) == folded


@pytest.mark.parametrize(
    ("option", "text", "kept"),
    [
        ("traditional", "貸款", "貸款"),
        ("width", "ＶＸ", "ｖｘ"),  # still lower-cased, but not narrowed
        ("case", "VX", "VX"),
        ("noise", "贷 款", "贷 款"),
        ("html", "贷<b>款", "贷b款"),
        ("numerals", "壹叁捌零零壹叁捌零零零", "壹叁捌零零壹叁捌零零零"),
    ],
)
def test_each_fold_can_be_switched_off(option: str, text: str, kept: str) -> None:
    folder = Folder(FoldOptions(**{option: False}))
    assert folder.fold(text) == kept


@given(st.text())
@settings(max_examples=400)
def test_folding_is_idempotent(text: str) -> None:
    once = FOLDER.fold(text)
    assert FOLDER.fold(once) == once


@given(st.lists(st.text(), max_size=5))
@settings(max_examples=300)
def test_every_folded_character_maps_back_into_its_text(texts: list[str]) -> None:
    batch = FOLDER.fold_batch(texts)
    assert len(batch) == len(texts)
    for number, text in enumerate(texts):
        folded = batch.text(number)
        assert folded == FOLDER.fold(text)
        for i in range(len(folded)):
            start, end = batch.span(number, i, i + 1)
            assert 0 <= start < end <= len(text)


@given(st.lists(st.text(), max_size=5))
@settings(max_examples=300)
def test_c_kernel_and_python_kernel_agree(texts: list[str]) -> None:
    if not HAS_C_KERNEL:
        pytest.skip("the C kernel was not built here")
    fast = kernel(CharOptions(), True)
    joined, starts, origins, runs = fast.fold_batch(texts)
    slow = _fold_batch_python(texts, fast.table, True)
    assert (joined, starts, list(origins), runs) == slow


def test_the_kernel_measures_digit_and_word_runs() -> None:
    batch = FOLDER.fold_batch(["订单 1234 5", "加 v x 1 2", "你好"])
    assert [batch.longest_digit_run(i) for i in range(3)] == [5, 2, 0]
    assert [batch.longest_word(i) for i in range(3)] == [0, 4, 0]
    assert batch.run_lengths() == (bytes([5, 2, 0]), bytes([0, 4, 0]))


def test_spans_cover_the_noise_between_characters() -> None:
    text = "我们提供代*款服务"
    batch = FOLDER.fold_batch([text])
    folded = batch.text(0)
    start = folded.index("代款")
    assert batch.span(0, start, start + 2) == (4, 7)
    assert text[4:7] == "代*款"


def test_an_expanded_character_maps_back_whole() -> None:
    batch = FOLDER.fold_batch(["ﬀx"])
    assert batch.text(0) == "ffx"
    assert batch.span(0, 0, 1) == (0, 1)
    assert batch.span(0, 1, 3) == (0, 2)


def test_collapsing_repeats_keeps_where_each_run_started() -> None:
    text = "贷贷贷款款\x00\x00款"
    collapsed, origins = collapse_runs(text)
    assert collapsed == "贷款\x00\x00款"  # the batch separator is never collapsed
    assert list(origins) == [0, 3, 5, 6, 7]
    assert collapse_repeats("贷贷贷款款") == "贷款"


@given(st.text())
@settings(max_examples=300)
def test_c_and_python_collapse_agree(text: str) -> None:
    collapsed, origins = collapse_runs(text)
    assert (collapsed, list(origins)) == _collapse_runs_python(text)
