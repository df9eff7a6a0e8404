"""Search tokens: folded, jieba words plus n-grams, and every query token in a matching document."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe.text import tokens
from shenhe.text.fold import Folder
from shenhe.text.numerals import NUMERALS
from shenhe.text.tokens import query_tokens, search_tokens

FOLDER = Folder()
TOKEN = re.compile(r"[^\s\"'`]+")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("极速贷款", ["极速", "贷款", "速贷", "极", "速", "贷", "款"]),
        ("Louis Vuitton官方", ["louis", "vuitton", "官方", "官", "方"]),
        ("ＮＩＫＥ Air", ["nike", "air"]),
        ("貸款APP", ["贷款", "贷", "款", "app"]),
        ("<b>微</b>信", ["微信", "微", "信"]),
        ("", []),
        ("！？…", []),
    ],
)
def test_search_tokens(text: str, expected: list[str]) -> None:
    assert search_tokens(text) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("极速贷款", ["极速", "速贷", "贷款"]),
        ("贷", ["贷"]),
        ("微信 支付", ["微信", "支付"]),  # a space separates terms: no 信支
        ("微信，支付", ["微信", "支付"]),
        ("ＬＶ 包", ["lv", "包"]),
        ("京东方", ["京东", "东方"]),  # no jieba word: 京东方 is not one inside 北京东方红
        ("  ", []),
    ],
)
def test_query_tokens(query: str, expected: list[str]) -> None:
    assert query_tokens(query) == expected


def test_disguised_text_gives_the_tokens_of_the_plain_text() -> None:
    assert search_tokens("極 速 貸 款") == search_tokens("极速贷款")
    assert set(query_tokens("极速贷款")) <= set(search_tokens("【極速·貸款】当天到账"))


def test_a_query_finds_text_that_jieba_cuts_otherwise() -> None:
    document = search_tokens("北京东方红")
    assert "京东方" not in document  # jieba reads 北京 / 东方红
    assert set(query_tokens("京东方")) <= set(document)


# Characters whose folding does not depend on their neighbours: no Chinese numerals (folded
# to digits inside digit runs) and no <, > or & (HTML tags and entities).
_HANZI = "极速贷款借钱到账额度微信支付宝京东方北红當天貸網頁們门户手机"
_PLAIN = st.sampled_from(
    list(_HANZI) + list("abcXYZ019ＡＢｃ１éß") + list(" ，。！？·-_/\u200b😀\u3000")
) | st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF).filter(lambda c: c not in NUMERALS)
TEXTS = st.text(_PLAIN, max_size=30)


@settings(max_examples=300, deadline=None)
@given(before=TEXTS, query=TEXTS, after=TEXTS)
def test_a_document_holding_the_query_has_every_query_token(
    before: str, query: str, after: str
) -> None:
    document = f"{before} {query} {after}"
    assert set(query_tokens(query)) <= set(search_tokens(document))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_tokens_are_folded_clean_and_deterministic(text: str) -> None:
    found = search_tokens(text)
    assert found == search_tokens(text)
    assert len(found) == len(set(found))
    for token in found + query_tokens(text):
        assert TOKEN.fullmatch(token), token
        assert token == token.lower()
        assert FOLDER.fold(token) == token  # folding is idempotent: tokens are folded


def test_jieba_is_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    tokens._segmenter.cache_clear()
    assert search_tokens("中华人民共和国微信支付") != []
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_importing_the_module_does_no_work() -> None:
    code = (
        "import sys, shenhe.text.tokens as t; "
        "print('jieba' in sys.modules, t._folder.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert (result.stdout.strip(), result.stderr) == ("False 0", "")
