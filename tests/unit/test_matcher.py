"""The matcher finds disguised terms and reports where they were written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe.text.matcher import Entry, Matcher

ENTRIES = [
    Entry(0, "贷款", phonetic=True, initials=True),
    Entry(1, "ass", whole_word=True),
    Entry(2, "带宽"),
    Entry(3, "快速借款", phonetic=True, repeat=True),
    Entry(4, "A货"),
    Entry(5, "fuck", whole_word=True),
    Entry(6, "银行", phonetic=True),
    Entry(7, "现金贷"),
    Entry(8, "89", whole_word=True),
]
MATCHER = Matcher(ENTRIES)


def found(text: str) -> list[tuple[int, str, str]]:
    return [(m.key, text[m.start : m.end], m.variant) for m in MATCHER.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("贷款", [(0, "贷款", "exact")]),
        ("貸款", [(0, "貸款", "folded")]),
        ("代款", [(0, "代款", "homophone")]),
        ("带款", [(0, "带款", "homophone")]),
        ("袋款", [(0, "袋款", "homophone")]),
        ("戴款", [(0, "戴款", "homophone")]),
        ("提供代*款服务", [(0, "代*款", "homophone")]),
        ("daikuan", [(0, "daikuan", "pinyin")]),
        ("dai kuan", [(0, "dai kuan", "pinyin")]),
        ("DAI-KUAN", [(0, "DAI-KUAN", "pinyin")]),
        ("dk", [(0, "dk", "initials")]),
        ("dai款", [(0, "dai款", "pinyin")]),  # half pinyin, half hanzi
        ("代kuan", [(0, "代kuan", "pinyin")]),
        ("快快速速借借款", [(3, "快快速速借借款", "repeat")]),
        ("A货", [(4, "A货", "exact")]),
        ("ａ货", [(4, "ａ货", "folded")]),
        ("𝐟𝐮𝐜𝐤", [(5, "𝐟𝐮𝐜𝐤", "folded")]),
        ("f u c k you", [(5, "f u c k", "folded")]),
        ("银航", [(6, "银航", "homophone")]),  # 银行 read yin hang in context
        ("现 金 贷", [(7, "现 金 贷", "folded")]),
        ("fuck123", [(5, "fuck", "exact")]),  # a letter term ends where the digits start
        ("生于89年", [(8, "89", "exact")]),
    ],
)
def test_disguised_terms_are_found_where_they_were_written(
    text: str, expected: list[tuple[int, str, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text", ["assassin", "class", "passport", "dkny", "daikuanxyz", "1989年", "890元"]
)
def test_ascii_terms_match_whole_words_only(text: str) -> None:
    assert found(text) == []


def test_a_term_without_the_repeat_flag_does_not_match_repeated() -> None:
    assert found("现现金贷") == [(7, "现金贷", "exact")]
    assert found("现金金贷") == []


def test_a_term_without_the_phonetic_flag_does_not_match_homophones() -> None:
    assert found("现今贷") == []


def test_batches_keep_texts_apart() -> None:
    results = MATCHER.find_batch(["贷", "款", "贷款"])
    assert [len(r) for r in results] == [0, 0, 1]


@given(st.text())
@settings(max_examples=300)
def test_every_match_lies_inside_the_text(text: str) -> None:
    for match in MATCHER.find(text):
        assert 0 <= match.start < match.end <= len(text)


def test_terms_that_fold_to_nothing_are_reported_not_matched() -> None:
    matcher = Matcher([Entry(0, "***"), Entry(1, "贷款")])
    assert [e.text for e in matcher.skipped] == ["***"]
    assert len(matcher.find("***贷款")) == 1
