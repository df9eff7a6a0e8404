"""Verdicts assembled in C equal the pure-Python ones, for any lexicon, texts and surface."""

from __future__ import annotations

import array

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shenhe.screening.assembly as assembly
from shenhe import Lexicon, Screener
from shenhe.policy.surfaces import SURFACES
from shenhe.screening.lexicon import ALLOW, Term

# Few characters, so that terms overlap, nest and repeat within one text.
ALPHABET = "贷代款借钱银行小额快速ab1 *"
CATEGORIES = ["loan", "gambling", "fraud", "custom", "diversion", ALLOW]

terms = st.builds(
    Term,
    text=st.text(alphabet=ALPHABET, min_size=1, max_size=4).filter(str.strip),
    category=st.sampled_from(CATEGORIES),
    severity=st.integers(1, 3),
    phonetic=st.booleans(),
    repeat=st.booleans(),
)
texts = st.lists(
    st.one_of(
        st.text(alphabet=ALPHABET, max_size=12),
        st.sampled_from(
            [
                "加微信 abc12345 小额贷款",
                "QQ 12345678 借钱，QQ 12345678",
                "<b>贷</b>款",
                "加V：bank8888 或 13800138000",
            ]
        ),
    ),
    max_size=8,
)

needs_c = pytest.mark.skipif(assembly._cscore is None, reason="_cscore was not built here")


@needs_c
@given(st.lists(terms, min_size=1, max_size=10), texts, st.sampled_from(SURFACES))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_c_and_python_assembly_agree(
    lexicon_terms: list[Term], batch: list[str], surface: str
) -> None:
    screener = Screener(Lexicon.from_terms(lexicon_terms))
    with_c = screener.screen_batch(batch, surface)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assembly, "_cscore", None)
        assert screener.screen_batch(batch, surface) == with_c


@needs_c
def test_c_assembly_nests_and_combines_like_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    lexicon = Lexicon.from_terms(
        [
            Term("小额贷款", "loan", 2),
            Term("贷款", "loan", 3),
            Term("借钱", "loan", 1),
            Term("快速", "fraud", 2),
        ]
    )
    screener = Screener(lexicon)
    text = "快速小额贷款，借钱借钱"
    verdict = screener.screen(text)
    monkeypatch.setattr(assembly, "_cscore", None)
    assert screener.screen(text) == verdict
    assert [hit.term for hit in verdict.hits] == ["快速", "小额贷款", "贷款", "借钱", "借钱"]
    assert [label.category for label in verdict.labels] == ["loan", "fraud"]
    loan = verdict.label("loan")
    assert loan is not None and loan.severity == 2  # the nested 贷款 adds nothing


@needs_c
@pytest.mark.parametrize("surface", ["post", "app_description"])
def test_a_contact_beside_a_diversion_hit_scores_as_in_python(
    surface: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lexicon = Lexicon.from_terms(
        [Term("贷款", "loan", 2), Term("红包", "fraud", 1), Term("加微信", "diversion", 2)]
    )
    screener = Screener(lexicon)
    texts = ["加微信abc12345 领红包", "贷款请加QQ 12345678", "加微信 加微信"]
    with_c = screener.screen_batch(texts, surface)
    monkeypatch.setattr(assembly, "_cscore", None)
    assert screener.screen_batch(texts, surface) == with_c
    assert [label.category for label in with_c[0].labels].count("diversion") == 1


@needs_c
def test_c_assembly_refuses_rows_that_do_not_fit_the_batch() -> None:
    screener = Screener(Lexicon.from_terms([Term("贷款", "loan", 2)]))
    tables = screener._engine.tables
    texts = ["贷款", "你好"]
    matcher = screener._engine.matcher
    good = matcher.find_rows(texts, matcher.folder.fold_batch(texts))
    verdicts = assembly.assemble(tables, "post", texts, good, {})
    assert [bool(v.hits) for v in verdicts] == [True, False]
    outside = array.array("i", [1, 0, 9, 0, 0]).tobytes()  # ends past its text
    unordered = array.array("i", [1, 0, 2, 0, 0, 0, 0, 2, 0, 0]).tobytes()
    beyond = array.array("i", [5, 0, 2, 0, 0]).tobytes()  # names no text of the batch
    for rows in (outside, unordered, beyond):
        with pytest.raises(ValueError):
            assembly.assemble(tables, "post", texts, rows, {})


@needs_c
def test_a_text_with_many_contacts_scores_as_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    screener = Screener(Lexicon.from_terms([Term("加微信", "diversion", 2)]))
    many = "，".join(f"QQ {10000000 + 7919 * i}" for i in range(40))
    texts = [many, "加微信 " + many]
    with_c = screener.screen_batch(texts)
    monkeypatch.setattr(assembly, "_cscore", None)
    assert screener.screen_batch(texts) == with_c
    assert len(with_c[0].contacts) == 40


@needs_c
def test_a_diversion_term_that_reads_like_a_contact_key_scores_as_in_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # score_labels keys each contact "kind:value" beside the diversion terms' texts
    lexicon = Lexicon.from_terms(
        [Term("qq:12345678", "diversion", 1), Term("加微信", "diversion", 3)]
    )
    screener = Screener(lexicon)
    texts = ["qq:12345678 加微信", "加微信 QQ 12345678"]
    with_c = screener.screen_batch(texts, "nickname")
    monkeypatch.setattr(assembly, "_cscore", None)
    assert screener.screen_batch(texts, "nickname") == with_c


@needs_c
def test_an_allow_listed_term_of_any_severity_is_assembled_as_in_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lexicon = Lexicon.from_terms(
        [Term("贷款", "loan", 3), Term("助学贷款", ALLOW, 10**12), Term("借钱", "loan", 1)]
    )
    screener = Screener(lexicon)
    texts = ["申请助学贷款", "借钱借钱，贷款", "贷款" * 40]
    with_c = screener.screen_batch(texts)
    monkeypatch.setattr(assembly, "_cscore", None)
    assert screener.screen_batch(texts) == with_c
    assert with_c[0].suggestion == "pass"
    assert [hit.text for hit in with_c[2].hits] == ["贷款"] * 40
