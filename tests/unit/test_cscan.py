"""Shenhe's own automaton finds exactly what ahocorasick_rs finds, and the screener's verdicts
do not change when it does the scanning."""

from __future__ import annotations

import array
import random
from concurrent.futures import ThreadPoolExecutor

import ahocorasick_rs
import pytest
from benchmarks_support import SHARED_DATA, load
from hypothesis import given, settings
from hypothesis import strategies as st

import shenhe.text.matcher as matcher_module
from shenhe import Lexicon, Screener

_cscan = matcher_module._cscan
pytestmark = pytest.mark.skipif(_cscan is None, reason="the C scan was not built here")

# Few characters, so that patterns nest, overlap and repeat: ASCII, CJK, astral letters and
# emoji (four bytes in UTF-8, one code point here), and U+0000 as the batch separator.
ALPHABET = "ab1 中文贷款𝐟😀\x00"
patterns = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=5), max_size=12)
texts = st.text(alphabet=ALPHABET, max_size=60)

Triple = tuple[int, int, int]


def reference(words: list[str], text: str) -> list[Triple]:
    found = ahocorasick_rs.AhoCorasick(words).find_matches_as_indexes(text, overlapping=True)
    return [(pattern, start, end) for pattern, start, end in found]


def triples(buffer: bytes) -> list[Triple]:
    numbers = array.array("i", buffer)
    return [(numbers[i], numbers[i + 1], numbers[i + 2]) for i in range(0, len(numbers), 3)]


def in_documented_order(found: list[Triple], words: list[str]) -> bool:
    """By start, then shortest first, then by pattern index."""
    keys = [(start, end, pattern) for pattern, start, end in found]
    return keys == sorted(keys) and all(end - start == len(words[p]) for p, start, end in found)


@given(patterns, texts)
@settings(max_examples=500, deadline=None)
def test_find_gives_every_overlapping_match_ahocorasick_rs_gives(
    words: list[str], text: str
) -> None:
    expected = reference(words, text) if words else []
    found = _cscan.Automaton(words).find(text)
    assert sorted(found) == sorted(expected)
    assert in_documented_order(found, words)


@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=4), min_size=1), texts)
@settings(max_examples=200, deadline=None)
def test_scan_is_find_as_int32_triples(words: list[str], text: str) -> None:
    automaton = _cscan.Automaton(words)
    assert triples(automaton.scan(text)) == automaton.find(text)


@given(st.lists(st.sampled_from(["a", "aa", "贷", "贷款", "😀"]), min_size=1, max_size=6))
@settings(max_examples=50, deadline=None)
def test_duplicate_patterns_are_each_reported_like_ahocorasick_rs(words: list[str]) -> None:
    text = "aaa贷款贷贷款😀😀"
    assert sorted(_cscan.Automaton(words).find(text)) == sorted(reference(words, text))


@pytest.mark.parametrize(
    ("words", "text"),
    [
        (["a", "aa", "aaa"], "aaaa"),  # repeated characters, every nested pattern
        (["贷款", "小额贷款", "额贷", "款"], "小额贷款贷款"),  # prefixes, suffixes, inner
        (["ab", "b", "bab"], "babab"),  # matches inside and across each other
        (["𝐟𝐮", "😀"], "x𝐟𝐮😀𝐟"),  # astral code points: offsets in code points
        (["1:1", "A货"], "原单1:1复刻A货"),
        (["a" * 70 + "b", "aaa", "aab"], "a" * 300 + "b"),  # long walks that mostly fail
        (["贷款", "贷款利息", "款"], "贷款利贷款利息"),  # a walk past a pair that fails at three
    ],
)
def test_known_overlaps(words: list[str], text: str) -> None:
    assert sorted(_cscan.Automaton(words).find(text)) == sorted(reference(words, text))


def test_a_long_text_scans_the_same_with_the_gil_released() -> None:
    rng = random.Random(0)
    words = ["".join(rng.choices("贷款ab中😀", k=rng.randint(1, 4))) for _ in range(200)]
    words = list(dict.fromkeys(words))
    text = "".join(rng.choices("贷款ab中😀 ", k=50_000))
    automaton = _cscan.Automaton(words)
    assert triples(automaton.scan(text)) == automaton.find(text)
    assert sorted(automaton.find(text)) == sorted(reference(words, text))


def test_threads_share_one_automaton() -> None:
    rng = random.Random(1)
    words = list(dict.fromkeys("".join(rng.choices("贷款ab中", k=3)) for _ in range(100)))
    texts = ["".join(rng.choices("贷款ab中 ", k=20_000)) for _ in range(4)]
    automaton = _cscan.Automaton(words)
    alone = [automaton.scan(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(automaton.scan, texts * 3))
    assert together == alone * 3


def test_no_patterns_find_nothing() -> None:
    automaton = _cscan.Automaton([])
    assert len(automaton) == 0
    assert automaton.find("贷款 anything") == []
    assert automaton.scan("贷款") == b""


def test_an_empty_pattern_is_refused_with_its_index() -> None:
    with pytest.raises(ValueError, match=r"pattern #1 is empty"):
        _cscan.Automaton(["贷款", ""])


@pytest.mark.parametrize("bad", [["贷款", 3], "贷款", 5, [b"ab"]])
def test_patterns_that_are_not_strings_are_refused(bad: object) -> None:
    with pytest.raises(TypeError, match="str"):
        _cscan.Automaton(bad)


def test_a_text_that_is_not_a_string_is_refused() -> None:
    automaton = _cscan.Automaton(["ab"])
    for method in (automaton.find, automaton.scan):
        with pytest.raises(TypeError, match="text must be a str"):
            method(b"ab")


def test_the_automaton_is_immutable() -> None:
    automaton = _cscan.Automaton(["ab"])
    with pytest.raises(AttributeError):
        automaton.nbytes = 0
    with pytest.raises((AttributeError, TypeError)):
        automaton.extra = 1


def sample_texts() -> list[str]:
    """Real chat lines and SMS from the shared data, and disguised texts."""
    lines = load("corpus").read_texts(("game_chat_ads/train.tsv", "sms_spam_classes/dev.tsv"))
    rng = random.Random(3)
    return [
        *rng.sample(lines, 1500),
        "我们提供代*款服务，加薇信:abc12345",
        "快快速速借借款 dai款 <b>貸</b>款 无抵押 𝐟𝐮𝐜𝐤",
    ]


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data is not beside the project")
@pytest.mark.parametrize("lexicon", ["default", "65k"])
def test_verdicts_with_the_c_scan_equal_those_with_ahocorasick_rs(
    lexicon: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build() -> Screener:
        if lexicon == "default":
            return Screener.default()
        path = SHARED_DATA / "lexicons" / "houbb_dict_v20240407.txt"
        return Screener(Lexicon.load(path, category="custom"))

    texts = sample_texts()
    with_c = build()
    assert with_c._engine.matcher._scanners is not None  # the C scan is the one in use
    monkeypatch.setattr(matcher_module, "_cscan", None)
    reference_screener = build()
    verdicts = with_c.screen_batch(texts)
    assert verdicts == reference_screener.screen_batch(texts)
    assert sum(len(verdict.hits) for verdict in verdicts) > 100
