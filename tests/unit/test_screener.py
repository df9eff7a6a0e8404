"""The screener: verdicts, surfaces, validation and atomic lexicon swaps."""

from __future__ import annotations

import json
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe import InputError, Lexicon, Policy, Screener, Term, TextTooLongError, Verdict

TERMS = [
    Term("贷款", "loan", 2, phonetic=True, initials=True),
    Term("现金贷", "loan", 3),
    Term("分期", "loan", 1),
    Term("口交", "porn", 3),
    Term("地铁口交易", "allow"),
    Term("带宽", "allow"),
    Term("ass", "abuse", 2),
]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(Lexicon.from_terms(TERMS), Policy.default())


def test_the_verdict_has_the_documented_json_form(screener: Screener) -> None:
    verdict = screener.screen("我们提供代*款服务，加薇信:abc12345", surface="post")
    data = json.loads(json.dumps(verdict.to_dict(), ensure_ascii=False))
    assert set(data) == {"suggestion", "labels", "hits", "contacts"}
    assert data["hits"] == [
        {"term": "贷款", "category": "loan", "text": "代*款", "start": 4, "end": 7,
         "variant": "homophone"}
    ]  # fmt: skip
    assert data["contacts"][0]["kind"] == "wechat"
    assert data["contacts"][0]["value"] == "abc12345"
    assert {label["category"] for label in data["labels"]} == {"loan", "diversion"}
    assert Verdict.from_dict(data) == verdict


def test_a_severe_term_blocks_a_post(screener: Screener) -> None:
    verdict = screener.screen("现金贷秒到", surface="post")
    assert verdict.suggestion == "block"
    label = verdict.label("loan")
    assert label is not None and label.severity == 3 and label.score >= 0.9


def test_clean_text_passes_with_nothing_to_show(screener: Screener) -> None:
    verdict = screener.screen("今天天气不错，我们去公园散步吧", surface="post")
    assert verdict == Verdict("pass")


@pytest.mark.parametrize("text", ["这条线路带宽很大", "我们在地铁口交易吧", "the assassin"])
def test_allowlisted_words_and_whole_words_are_no_hits(screener: Screener, text: str) -> None:
    assert screener.screen(text).hits == ()


def test_search_is_stricter_than_posts(screener: Screener) -> None:
    assert screener.screen("分期", surface="search").suggestion == "block"
    assert screener.screen("这款手机支持分期付款", surface="post").suggestion == "pass"


def test_an_unknown_surface_is_refused_with_the_known_ones(screener: Screener) -> None:
    with pytest.raises(InputError, match="nickname"):
        screener.screen("x", surface="billboard")


def test_a_text_over_the_limit_is_refused_clearly() -> None:
    screener = Screener(Lexicon.from_terms(TERMS), max_length=10)
    with pytest.raises(TextTooLongError, match="limit is 10"):
        screener.screen_batch(["short", "x" * 11])


def test_a_batch_must_be_a_list_of_strings(screener: Screener) -> None:
    with pytest.raises(InputError):
        screener.screen_batch("one string")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="#1"):
        screener.screen_batch(["ok", 3])  # type: ignore[list-item]


def test_batch_and_single_screening_agree(screener: Screener) -> None:
    texts = ["现金贷", "", "带宽", "代款 dk", "口 交", "加微信abc12345"]
    assert screener.screen_batch(texts) == [screener.screen(t) for t in texts]


@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_screens_and_every_span_is_in_it(text: str) -> None:
    verdict = SCREENER.screen(text)
    assert verdict.suggestion in ("pass", "review", "block")
    for item in (*verdict.hits, *verdict.contacts):
        assert text[item.start : item.end] == item.text
        assert 0 <= item.start < item.end <= len(text)


SCREENER = Screener(Lexicon.from_terms(TERMS), Policy.default())


def test_replacing_the_lexicon_is_atomic_under_threads() -> None:
    first = Lexicon.from_terms([Term("甲乙", "custom", 3)])
    second = Lexicon.from_terms([Term("丙丁", "custom", 3)])
    screener = Screener(first)
    seen: set[tuple[str, ...]] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def screen_forever() -> None:
        try:
            while not stop.is_set():
                for verdict in screener.screen_batch(["甲乙丙丁"] * 20):
                    seen.add(tuple(hit.term for hit in verdict.hits))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=screen_forever) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(20):
        screener.replace_lexicon(second)
        screener.replace_lexicon(first)
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors
    assert seen <= {("甲乙",), ("丙丁",)}


def test_replacing_the_policy_changes_suggestions_not_hits() -> None:
    screener = Screener(Lexicon.from_terms(TERMS))
    before = screener.screen("分期", surface="post")
    strict = Policy.default().from_yaml(
        "version: strict\nseverity_weights: {1: 1.0, 2: 1.0, 3: 1.0}\n"
        "variant_factors: {exact: 1.0}\ndefaults: {review: 0.1, block: 0.2, contact_weight: 1}\n"
    )
    screener.replace_policy(strict)
    after = screener.screen("分期", surface="post")
    assert (before.suggestion, after.suggestion) == ("pass", "block")
    assert before.hits == after.hits
    assert screener.policy.version == "strict"


def test_large_batches_are_screened_in_chunks_with_the_same_result(
    screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shenhe.screening.screener as module

    texts = ["现金贷", "你好", "代款", "口交"] * 5
    whole = screener.screen_batch(texts)
    monkeypatch.setattr(module, "CHUNK_TEXTS", 3)
    monkeypatch.setattr(module, "CHUNK_CHARS", 7)
    assert screener.screen_batch(texts) == whole


def test_lone_surrogates_are_skipped_like_noise(screener: Screener) -> None:
    text = "现\ud800金\udfff贷"
    verdict = screener.screen(text)
    assert [hit.text for hit in verdict.hits] == [text]


def test_a_single_text_over_the_limit_is_not_given_a_batch_index() -> None:
    screener = Screener(Lexicon.from_terms(TERMS), max_length=3)
    with pytest.raises(TextTooLongError) as raised:
        screener.screen("x" * 4)
    assert raised.value.index is None
    assert str(raised.value).startswith("text has 4 characters")


def test_a_term_inside_a_longer_term_of_its_category_adds_no_evidence() -> None:
    lexicon = Lexicon.from_terms([Term("小额贷款", "loan", 2), Term("贷款", "loan", 2)])
    verdict = Screener(lexicon).screen("小额贷款")
    assert [hit.term for hit in verdict.hits] == ["小额贷款", "贷款"]
    label = verdict.label("loan")
    assert label is not None and label.score == 0.75


def test_without_the_c_kernel_verdicts_are_the_same(
    screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shenhe.text.kernel as kernel

    texts = ["我们提供代*款服务，加薇信:abc12345", "快快速速借借款", "貸 款", "dai款", "你好"]
    with_c = screener.screen_batch(texts)
    monkeypatch.setattr(kernel, "_cfold", None)
    assert screener.screen_batch(texts) == with_c


def test_without_any_c_extension_verdicts_are_the_same(
    screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shenhe.screening.assembly as assembly
    import shenhe.text.contact_scan as contact_scan
    import shenhe.text.kernel as kernel
    import shenhe.text.matcher as matcher

    texts = [
        "我们提供代*款服务，加薇信:abc12345",
        "快快速速借借款",
        "貸 款 <b>无抵押</b>贷款",
        "dai款，小额贷款当天放款",
        "你好",
        "",
    ]
    with_c = screener.screen_batch(texts)
    for module, name in (
        (kernel, "_cfold"),
        (matcher, "_cverify"),
        (matcher, "_cscan"),
        (contact_scan, "_ccontact"),
        (assembly, "_cscore"),
    ):
        monkeypatch.setattr(module, name, None)
    assert screener.screen_batch(texts) == with_c
    built_without = Screener(screener.lexicon, screener.policy)  # ahocorasick_rs automata
    assert built_without.screen_batch(texts) == with_c
    assert [verdict.to_dict() for verdict in screener.screen_batch(texts)] == [
        verdict.to_dict() for verdict in with_c
    ]
