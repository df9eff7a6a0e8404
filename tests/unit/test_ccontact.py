"""The C parsers of contact detection find exactly what the pure-Python path finds."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from benchmarks_support import SHARED_DATA, load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shenhe import Screener
from shenhe.text import contact_fold, contact_patterns, contact_scan, kernel
from shenhe.text.contacts import Contact, find_contacts, find_contacts_many

needs_c = pytest.mark.skipif(
    contact_scan._ccontact is None, reason="the C contact parsers were not built here"
)

# Every cue, gap word, unit and address mark the patterns spell, with digits, ids and noise
# around them, so that random joins meet every branch the C code spells out.
_CUES = [
    "微信", "薇 信", "威信", "胃新", "weixin", "wechat", "wei xin", "v信", "w 心", "vx", "wx",
    "v❤", "加v", "+ vx", "加v 信", "加 v", "十威", "加微", "➕薇", "v:", "v 1", "微", "薇", "q",
    "q q", "qq群", "qq号", "q群", "扣扣", "扣 抠", "叩蔻", "企鹅", "企鹅号", "企鹅群", "加扣",
    "+ 抠群", "扣群", "群", "群聊", "裙", "telegram", "tele", "tg", "电报", "纸飞机", "飞机号",
    "飞机群", "飞机",
]  # fmt: skip
_GAPS = [
    " ", ":", "：", "号", "号码", "是", "为", "id", "账号", "搜", "搜索", "加", "联系", "聊", "-",
    "(", "【", "》", "\ufe0f", "\u3000", "\t", "、", "*", "=", ">",
]  # fmt: skip
_NUMBERS = [
    "1", "3", "8", "0", "00", "13", "138", "0013", "8000", "5", "9", "86", "0086", "010", "021",
    "0755", "12345678", "2322612680", "13800138000", "8613800138000", "+86 138 0013 8000",
    "六", "两", "一三八", "壹", "①", "¹", "·", "—", "‐", "/", "..", "   ",
]  # fmt: skip
_UNITS = [
    "元", "块", "万", "w", "r", "rmb", "ra", "个", "人", "年", "%", "第", "¥", "$", "￥", "一周",
    " 元", " w", " r", " rmb", " 年", "12345678 元", "138 0013 8000 w",
]  # fmt: skip
_WORDS = ["abc", "a1b2c3", "x", "_", "-", "abcdefghij1234567890", "Ａ", "k", "d", "s", "i"]
_ADDRESSES = [
    ".", "。", "点", "dot", " dot ", "(.)", "[dot]", "(点)", "com", "cn", "www", "t.me/",
    "http://", "hxxps://", "/", "at", "@", "(at)", ")", "]", "x dot com", "abc (dot) cn",
    "bb9.app", "xx点com", "a.b@example.com", "a at b。cn", "www.abc.cn/x", "t.me/abcde",
    "a@b.qwe",
]  # fmt: skip
_NOISE = ["é", "𝐚", "ⓥ", "Ⓠ", "ｑ", "½", "的", "我", "\x00", "\n"]
_PIECES = st.sampled_from(_CUES + _GAPS + _NUMBERS + _UNITS + _WORDS + _ADDRESSES + _NOISE)
_CONTACT_LIKE = st.lists(_PIECES, max_size=24).map("".join)
_BATCH = st.lists(st.one_of(_CONTACT_LIKE, st.text(max_size=40)), max_size=8)


def _python(texts: list[str], numbers: Sequence[int]) -> dict[int, list[Contact]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(contact_scan, "_ccontact", None)
        return find_contacts_many(texts, numbers)


@needs_c
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BATCH)
def test_c_and_python_parsers_agree(texts: list[str]) -> None:
    numbers = range(len(texts))
    found = find_contacts_many(texts, numbers)
    assert found == _python(texts, numbers)
    assert list(found) == sorted(found)


@needs_c
@settings(max_examples=300, deadline=None)
@given(_BATCH)
def test_c_parsers_find_what_find_contacts_finds(texts: list[str]) -> None:
    expected = {n: found for n, text in enumerate(texts) if (found := find_contacts(text))}
    assert find_contacts_many(texts, range(len(texts))) == expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("加我薇信:abc12345 或 qq:499-333-794", ["wechat", "qq"]),
        ("电报 @shenhe_bot 或 138 0013 8000", ["telegram", "phone"]),
        ("微信 www点xx点com 13800138000", ["url", "phone"]),  # an address: the Python path
        ("座机0755-8888 8888，邮箱 a.b@example.com", ["landline", "email"]),
        ("群164-083-379六百万一人", ["qq"]),
        ("没有联系方式", []),
    ],
)
def test_with_and_without_the_c_parsers(text: str, kinds: list[str]) -> None:
    texts = ["", text, "你好"]
    found = find_contacts_many(texts, range(3))
    assert [c.kind for c in found.get(1, [])] == kinds
    assert found == _python(texts, range(3))


@needs_c
@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data is not beside the project")
def test_c_and_python_parsers_agree_on_every_row_of_the_corpus() -> None:
    texts = load("corpus").read_texts()  # the speed benchmark's texts
    for begin in range(0, len(texts), 1000):
        chunk = texts[begin : begin + 1000]
        numbers = range(len(chunk))
        found = find_contacts_many(chunk, numbers)
        assert found == _python(chunk, numbers), f"rows {begin} to {begin + len(chunk)}"


_NUMERAL_CHARS = "0123456789一二三四五六七八九〇零壹两幺○◯" + " -.·/()_元周号点十x"
_NUMERAL_TEXT = st.text(alphabet=_NUMERAL_CHARS, max_size=40)


@needs_c
@settings(max_examples=1500, deadline=None)
@given(st.lists(_NUMERAL_TEXT, max_size=6).map("\x00".join))
def test_numerals_become_digits_in_c_as_in_python(joined: str) -> None:
    expected = contact_patterns.NUMERAL_RUN.sub(contact_fold._numerals_to_digits, joined)
    assert contact_scan.numerals_to_digits(joined) == expected


@needs_c
def test_without_the_c_parsers_verdicts_are_the_same(default_screener: Screener) -> None:
    texts = [
        "加我薇信:abc12345，小额贷款当天放款",
        "qq:499-333-794先给 电话 138 0013 8000",
        "打开 xx点com 领取，或发邮件到 a.b@example.com",
        "扣扣:二二四一六八二二六六",
        "你好",
        "",
    ]
    with_c = default_screener.screen_batch(texts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(contact_scan, "_ccontact", None)
        without = default_screener.screen_batch(texts)
    assert [verdict.to_dict() for verdict in without] == [verdict.to_dict() for verdict in with_c]
    assert [len(verdict.contacts) for verdict in with_c] == [1, 2, 2, 1, 0, 0]


def test_the_c_parsers_spell_the_patterns_as_they_are() -> None:
    assert contact_scan.spelled() == contact_scan.SPELLED, (
        "contact_patterns changed: bring src/shenhe/text/_ccontact.c up to date with it, then "
        "set contact_scan.SPELLED to contact_scan.spelled()"
    )


@needs_c
@settings(max_examples=200, deadline=None)
@given(_BATCH)
def test_c_parsers_read_the_python_kernels_fold_alike(texts: list[str]) -> None:
    numbers = range(len(texts))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kernel, "_cfold", None)  # origins come as a list, not C's buffer
        found = find_contacts_many(texts, numbers)
    assert found == find_contacts_many(texts, numbers)


def test_a_number_given_twice() -> None:
    texts = ["加微信 www点xx点com", "qq:12345678", "没有", "a.b点com"]  # 0 and 3: by Python
    found = find_contacts_many(texts, [0, 0, 1, 1, 2, 3, 3])
    assert found == _python(texts, [0, 0, 1, 1, 2, 3, 3]) == find_contacts_many(texts, [0, 1])
    assert list(found) == [0, 1]
