"""The C verifier and the pure-Python one give the same matches for any texts and terms."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shenhe.text.matcher as matcher_module
from shenhe.text.matcher import Entry, Match, Matcher

# Few characters, so that random terms and texts meet often: homophones (贷代带), traditional
# forms (貸), repeats, letters and digits for whole words, noise, full width, HTML.
ALPHABET = "贷代带貸款欵借钱银行航dkaibs0189ＡＢ１ 　*.-\u200b"
PIECES = ["<b>", "</b>", "&nbsp;", "&amp;", "daikuan", "dai kuan", "dk", "½", "ﬀ", "ass"]

term_texts = st.text(alphabet=ALPHABET, min_size=1, max_size=4)
entries = st.lists(
    st.tuples(term_texts, st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    min_size=1,
    max_size=12,
)
texts = st.lists(
    st.lists(st.one_of(st.text(alphabet=ALPHABET, max_size=6), st.sampled_from(PIECES))).map(
        "".join
    ),
    max_size=6,
)


def build(specs: list[tuple[str, bool, bool, bool, bool]]) -> Matcher:
    return Matcher(
        [
            Entry(key, text, phonetic=sounds, initials=initials, repeat=repeat, whole_word=whole)
            for key, (text, sounds, initials, repeat, whole) in enumerate(specs)
        ]
    )


needs_c = pytest.mark.skipif(
    matcher_module._cverify is None, reason="the C verifier was not built here"
)


@needs_c
@given(entries, texts)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_c_and_python_verification_agree(
    specs: list[tuple[str, bool, bool, bool, bool]], batch_texts: list[str]
) -> None:
    matcher = build(specs)
    batch = matcher.folder.fold_batch(batch_texts)
    assert matcher.find_compact(batch_texts, batch) == matcher._find_python(batch_texts, batch)


@needs_c
@given(entries, texts)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_compact_matches_lie_inside_their_texts(
    specs: list[tuple[str, bool, bool, bool, bool]], batch_texts: list[str]
) -> None:
    matcher = build(specs)
    found = matcher.find_compact(batch_texts, matcher.folder.fold_batch(batch_texts))
    for number, matches in found.items():
        assert matches == sorted(matches)
        for start, end, key, variant in matches:
            assert 0 <= start < end <= len(batch_texts[number])
            assert 0 <= key < len(specs)
            assert variant in matcher_module.VARIANTS


@needs_c
@given(entries, texts)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_rows_hold_the_same_matches_as_tuples(
    specs: list[tuple[str, bool, bool, bool, bool]], batch_texts: list[str]
) -> None:
    matcher = build(specs)
    batch = matcher.folder.fold_batch(batch_texts)
    rows = matcher.find_rows(batch_texts, batch)
    expected = matcher._find_python(batch_texts, batch)
    assert matcher_module.compact_of(rows) == expected
    assert matcher_module.rows_of(expected) == rows


@needs_c
def test_without_the_c_verifier_matches_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    matcher = Matcher(
        [Entry(0, "贷款", phonetic=True, initials=True), Entry(1, "ab", whole_word=True)]
    )
    texts = ["代*款 daikuan dk", "<b>貸</b>款", "xab ab", "", "贷贷款款"]
    with_c = matcher.find_batch(texts)
    rows_with_c = matcher.find_rows(texts, matcher.folder.fold_batch(texts))
    monkeypatch.setattr(matcher_module, "_cverify", None)
    without = matcher.find_batch(texts)
    assert matcher.find_rows(texts, matcher.folder.fold_batch(texts)) == rows_with_c
    assert without == with_c
    assert all(isinstance(match, Match) for matches in without for match in matches)
    assert [m.variant for m in with_c[0]] == ["homophone", "pinyin", "initials"]
