"""Contact detection: what counts as a way off the platform, and where it was written."""

from __future__ import annotations

import re
import re._constants as re_constants
import re._parser as re_parser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe import Screener
from shenhe.text import (
    contact_fold,
    contact_hints,
    contact_numbers,
    contact_patterns,
    contacts,
    kernel,
)
from shenhe.text.contact_patterns import NUMERALS
from shenhe.text.contacts import Contact, find_contacts
from shenhe.text.fold import Folder


def found(text: str) -> list[tuple[str, str]]:
    return [(c.kind, c.value) for c in find_contacts(text)]


def only(text: str) -> Contact:
    contacts = find_contacts(text)
    assert len(contacts) == 1, contacts
    return contacts[0]


PHONES = [
    ("13800138000", "13800138000"),
    ("联系电话：13800138000", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("138.0013.8000", "13800138000"),
    ("1 3 8 0 0 1 3 8 0 0 0", "13800138000"),
    ("１３８００１３８０００", "13800138000"),
    ("①③⑧⓪⓪①③⑧⓪⓪⓪", "13800138000"),
    ("❶❸❽⓿⓿❶❸❽⓿⓿⓿", "13800138000"),
    ("¹³⁸⁰⁰¹³⁸⁰⁰⁰", "13800138000"),
    ("壹叁捌 零零壹叁 捌零零零", "13800138000"),
    ("一三八零零一三八零零零", "13800138000"),
    ("幺三八〇〇幺三八〇〇〇", "13800138000"),
    ("1三8零0壹38零00", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("要的加15849486549", "15849486549"),
    ("加wb13314899345先货", "13314899345"),
    ("有事打19912345678。", "19912345678"),
]


@pytest.mark.parametrize(("text", "value"), PHONES)
def test_mobile_numbers_are_found_through_disguises(text: str, value: str) -> None:
    assert found(text) == [("phone", value)]


LANDLINES = [
    ("电话010-12345678", "01012345678"),
    ("座机0755-8888 8888", "075588888888"),
    ("（021）6123 4567", "02161234567"),
    ("传真：0759-7234789", "07597234789"),
]


@pytest.mark.parametrize(("text", "value"), LANDLINES)
def test_landlines_need_their_area_code(text: str, value: str) -> None:
    assert found(text) == [("landline", value)]


WECHAT = [
    ("加我薇信:abc12345", "abc12345", "薇信:abc12345"),
    ("十威laotou588888", "laotou588888", "十威laotou588888"),
    ("需要十威laotou588888", "laotou588888", "十威laotou588888"),
    ("微信：abc_123", "abc_123", "微信：abc_123"),
    ("加微信 Abc-123", "abc-123", "微信 Abc-123"),
    ("威信号是 k8883210", "k8883210", "威信号是 k8883210"),
    ("徽信 xy12345", "xy12345", "徽信 xy12345"),
    ("V信：hello2024", "hello2024", "V信：hello2024"),
    ("要的加我vx:blong925", "blong925", "vx:blong925"),
    ("VX号 zzz888", "zzz888", "VX号 zzz888"),
    ("wx: abcdef1", "abcdef1", "wx: abcdef1"),
    ("weixin abcdef1", "abcdef1", "weixin abcdef1"),
    ("加V abc12345", "abc12345", "加V abc12345"),
    ("+v abc12345", "abc12345", "+v abc12345"),
    ("加威 abc12345", "abc12345", "加威 abc12345"),
    ("加微z4721501长期", "z4721501", "加微z4721501"),
    ("ｖｘ：ＡＢＣ１２３４５", "abc12345", "ｖｘ：ＡＢＣ１２３４５"),
    ("加微信18306874502", "18306874502", "微信18306874502"),
    ("V心:17047898912", "17047898912", "V心:17047898912"),
    ("微信 138 0013 8000", "13800138000", "微信 138 0013 8000"),
    ("加我微信,441632389", "441632389", "微信,441632389"),
    ("详细加微心a六三一八四九八一五!", "a631849815", "微心a六三一八四九八一五"),
]


@pytest.mark.parametrize(("text", "value", "span"), WECHAT)
def test_wechat_ids_follow_their_cue(text: str, value: str, span: str) -> None:
    contact = only(text)
    assert (contact.kind, contact.value, contact.text) == ("wechat", value, span)


QQ = [
    ("扣扣：12345678", "12345678", "扣扣：12345678"),
    ("企鹅 ⑨⑧⑦⑥⑤④③", "9876543", "企鹅 ⑨⑧⑦⑥⑤④③"),
    ("联系qq1099415500", "1099415500", "qq1099415500"),
    ("QQ：123456789", "123456789", "QQ：123456789"),
    ("ＱＱ：１６８３８８３３９９", "1683883399", "ＱＱ：１６８３８８３３９９"),
    ("加q825555090", "825555090", "q825555090"),
    ("十扣:204744234", "204744234", "十扣:204744234"),
    ("抠抠457293618", "457293618", "抠抠457293618"),
    ("加企鹅号270663119咨询", "270663119", "企鹅号270663119"),
    ("Q群：1048834794", "1048834794", "Q群：1048834794"),
    ("群号 570811571 欢迎", "570811571", "群号 570811571"),
    ("进裙414720767找群主", "414720767", "裙414720767"),
    ("qq:499-333-794先给", "499333794", "qq:499-333-794"),
    ("扣:341.235.547到付", "341235547", "扣:341.235.547"),
    ("扣扣:二二四一六八二二六六", "2241682266", "扣扣:二二四一六八二二六六"),
    ("加扣157四七九5002,在线接", "1574795002", "加扣157四七九5002"),
    ("qq2322612680一周15元", "2322612680", "qq2322612680"),
    ("群164-083-379六百万一人", "164083379", "群164-083-379"),
    ("加我ⓆQ2654272269", "2654272269", "ⓆQ2654272269"),
]


@pytest.mark.parametrize(("text", "value", "span"), QQ)
def test_qq_numbers_follow_their_cue(text: str, value: str, span: str) -> None:
    contact = only(text)
    assert (contact.kind, contact.value, contact.text) == ("qq", value, span)


URLS = [
    ("www点xx点com", "www.xx.com", "www点xx点com"),
    ("example. com", "example.com", "example. com"),
    ("打开xy789。top就送", "xy789.top", "xy789。top"),
    ("https://www.Example.com/path?a=1.", "www.example.com/path?a=1", None),
    ("见 http://10.0.0.1:8080/x", "10.0.0.1:8080/x", None),
    ("访问www.abc123.cn", "www.abc123.cn", "www.abc123.cn"),
    ("搜索bb9.app下载", "bb9.app", "bb9.app"),
    ("短链 bit.ly/AbC12 点开", "bit.ly/abc12", "bit.ly/AbC12"),
    ("ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ", "www.example.com", None),
    ("shop dot example dot com", "shop.example.com", None),
    ("域名abc(.)vip", "abc.vip", "abc(.)vip"),
    ("news.example.com.cn/a/b", "news.example.com.cn/a/b", None),
]


@pytest.mark.parametrize(("text", "value", "span"), URLS)
def test_urls_are_found_through_disguised_dots(text: str, value: str, span: str | None) -> None:
    contact = only(text)
    assert (contact.kind, contact.value) == ("url", value)
    if span is not None:
        assert contact.text == span


EMAILS = [
    ("联系 a@b.com", "a@b.com", "a@b.com"),
    ("邮箱：123456@qq.com", "123456@qq.com", "123456@qq.com"),
    ("Mail.Me＠Example.ORG", "mail.me@example.org", "Mail.Me＠Example.ORG"),
    ("xx at yy dot com", "xx@yy.com", "xx at yy dot com"),
    ("abc(at)mail.cn", "abc@mail.cn", "abc(at)mail.cn"),
    ("name@school.edu", "name@school.edu", "name@school.edu"),
]


@pytest.mark.parametrize(("text", "value", "span"), EMAILS)
def test_emails(text: str, value: str, span: str) -> None:
    contact = only(text)
    assert (contact.kind, contact.value, contact.text) == ("email", value, span)


TELEGRAM = [
    ("t.me/somechannel", "t.me/somechannel", "t.me/somechannel"),
    ("https://t.me/joinchat_abc", "t.me/joinchat_abc", "https://t.me/joinchat_abc"),
    ("telegram @Some_Handle", "@some_handle", "telegram @Some_Handle"),
    ("TG：@abcdef", "@abcdef", "TG：@abcdef"),
    ("ｔｇ @Somehandle", "@somehandle", "ｔｇ @Somehandle"),
    ("电报 abcdef", "@abcdef", "电报 abcdef"),
    ("飞机 @abcdef", "@abcdef", "飞机 @abcdef"),
    ("纸飞机: abcdef", "@abcdef", "纸飞机: abcdef"),
]


@pytest.mark.parametrize(("text", "value", "span"), TELEGRAM)
def test_telegram(text: str, value: str, span: str) -> None:
    contact = only(text)
    assert (contact.kind, contact.value, contact.text) == ("telegram", value, span)


NOT_CONTACTS = [
    "订单号20231125000123",
    "金额10000元",
    "2018年2月",
    "价格1999",
    "第123456期",
    "2.5万",
    "公元2024年",
    "1380013800012345",  # too long for a phone, and no cue
    "需要的加1692009621",  # a bare number is no QQ without a cue
    "老子700钻石",
    "银300w1比1.4w来懂和会的老板",
    "0.03.0.3.1.5.4.3.3.5000.600出货",
    "1.6/1.0/1500/350出货",
    "我12点vip开放",
    "明天8点top",
    "坐飞机 abcdef",  # bare 飞机 needs the @
    "Q币 10000",
    "扣1",
    "qq 12345元",
    "群12345人",
    "微信转账 20000",
    "来玩剑侠嘛仿官府上线v9充值",
    "一二三四五六七八九十",
    "三三两两",
    "image.png readme.md",
    "版本 1.2.3",
    "@某人 你好",
    "",
    "纯中文的一句话，没有任何联系方式。",
]


@pytest.mark.parametrize("text", NOT_CONTACTS)
def test_numbers_and_words_that_are_not_contacts(text: str) -> None:
    assert find_contacts(text) == []


def test_several_contacts_in_order_without_overlap() -> None:
    text = "有意者私聊微信18660970633qq475794379小号，或者发邮件 a@b.com，网站 www.xx.com"
    assert found(text) == [
        ("wechat", "18660970633"),
        ("qq", "475794379"),
        ("email", "a@b.com"),
        ("url", "www.xx.com"),
    ]


def test_an_email_is_not_also_a_url_or_a_phone() -> None:
    assert found("13800138000@qq.com") == [("email", "13800138000@qq.com")]


def test_two_phones_in_one_run_of_groups() -> None:
    assert found("13800138000 13900139000") == [
        ("phone", "13800138000"),
        ("phone", "13900139000"),
    ]


def test_offsets_point_into_the_original_text() -> None:
    text = "加我ⓥⓧ：ａｂｃ１２３４５，谢谢"
    contact = only(text)
    assert (contact.kind, contact.value) == ("wechat", "abc12345")
    assert text[contact.start : contact.end] == contact.text == "ⓥⓧ：ａｂｃ１２３４５"


def test_offsets_survive_characters_that_fold_to_several() -> None:
    text = "⑩⑩ 加微信：abc12345"  # ⑩ folds to "10", two characters
    contact = only(text)
    assert contact.text == "微信：abc12345"
    assert text[contact.start : contact.end] == contact.text


def test_an_id_made_of_characters_that_fold_to_several() -> None:
    contact = only("扣扣⑩⑩⑩")  # the raw pre-check cannot count ⑩ as one digit
    assert (contact.kind, contact.value, contact.text) == ("qq", "101010", "扣扣⑩⑩⑩")


def test_to_dict() -> None:
    assert only("扣扣：12345678").to_dict() == {
        "kind": "qq",
        "value": "12345678",
        "text": "扣扣：12345678",
        "start": 0,
        "end": 11,
    }


def _check_spans(text: str) -> None:
    contacts = find_contacts(text)
    last_end = 0
    for contact in contacts:
        assert 0 <= contact.start < contact.end <= len(text)
        assert text[contact.start : contact.end] == contact.text
        assert contact.start >= last_end
        last_end = contact.end
        assert contact.value


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_consistent_spans(text: str) -> None:
    _check_spans(text)


_PIECES = st.sampled_from(
    [
        "微信", "薇信", "vx", "qq", "扣扣", "企鹅", "群", "十威", "加v", "tg", "电报", "@",
        ".", "。", "点", " ", "-", ":", "：", "com", "www", "t.me/", "http://", "at", "dot",
        "138", "0013", "8000", "010", "一", "三", "八", "零", "壹", "①", "❶", "¹", "⑩",
        "abc", "Ｘ", "元", "万", "号", "_", "(", "）", "ⓥ", "é",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=20).map("".join))
def test_contact_like_text_gives_consistent_spans(text: str) -> None:
    _check_spans(text)


_PLAIN_CHINESE = st.text(
    alphabet=st.sampled_from(
        list("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会")
        + list("微信薇威扣企鹅群裙飞机电报点号零壹贰叁肆伍陆柒捌玖两幺〇三四五六七八九十")
        + list("，。！？：；（）、“”…　 -.:()/~_")
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(_PLAIN_CHINESE)
def test_the_cheap_precheck_hides_no_contact(text: str) -> None:
    if not contact_patterns.MAYBE_CONTACT.search(text):
        assert contacts._find(text, *contact_fold.fold(text)) == []


# The fast path against the plain one ---------------------------------------------------
#
# `find_contacts` turns texts away with gates, folds through a list, tries the cued patterns
# only at their first characters and steps through digit runs group by group. These tests
# hold it to the plain path: every pattern's own finditer over the whole folded text.

_NAIVE_RUN = r"[0-9](?:[ \t\-_.·•~—–/()]{0,3}[0-9])*"
_NAIVE_NUMERAL_RUN = re.compile(_NAIVE_RUN.replace("[0-9]", f"[0-9{''.join(NUMERALS)}]"))


def _naive_numerals(match: re.Match[str]) -> str:
    run, end = match.group(), match.end()
    keep = len(run)
    if end < len(match.string) and match.string[end] in contact_patterns.MEASURE_AFTER:
        keep = len(run.rstrip("".join(NUMERALS)))
    if sum(c.isdigit() or c in NUMERALS for c in run[:keep]) < contact_patterns.MIN_NUMERAL_RUN:
        return run
    return run[:keep].translate(str.maketrans(NUMERALS)) + run[keep:]


def _naive_fold(text: str) -> str:
    folded = text.translate(contact_fold.fold_table())
    return _NAIVE_NUMERAL_RUN.sub(_naive_numerals, folded)


def _naive_hits(s: str) -> list[tuple[int, int, str, str]]:
    hits: list[tuple[int, int, str, str]] = []
    for pattern, parse in (
        (contact_patterns.WECHAT, contacts._wechat),
        (contact_patterns.QQ, contacts._qq),
        (contact_patterns.TELEGRAM, contacts._telegram),
    ):
        for m in pattern.finditer(s):
            hit = parse(s, m, m.end())
            if hit is not None:
                hits.append(hit)
    contacts._emails(s, hits)
    contacts._scheme_urls(s, hits)
    contacts._domains(s, hits)
    for run in re.finditer(_NAIVE_RUN, s):
        if run.end() - run.start() >= 11:
            groups = contact_numbers._groups(s, run.start(), run.end())
            contact_numbers._phones_in(s, groups, hits)
    return hits


_MORE_PIECES = st.sampled_from(
    [
        "加", "+", "十", "微", "v", "w", "q", "t", "扣", "群", "飞机", "@", "/", "\t", "·", "—",
        "1", "8", "0", "00", "13", "5", "9", "六", "两", "二", "〇", "捌", "元", "一周", "r",
        "id", "号码", "www", "cn", "top", "点", "dot", "(", ")", "ａ", "１", "Ⓠ", "①", "…",
        "a1b2c3", "telegram", "hxxps://", "13800138000", "0755", "8613900139000", "𝐚",
    ]
)  # fmt: skip
_CONTACT_LIKE = st.lists(st.one_of(_PIECES, _MORE_PIECES), max_size=24).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_CONTACT_LIKE)
def test_the_fast_path_finds_what_every_pattern_finds(text: str) -> None:
    folded = _naive_fold(text)
    assert contact_fold.fold(text)[0] == folded
    assert sorted(contacts._hits(folded)) == sorted(_naive_hits(folded))
    if not contact_fold.may_hold_contact(text):
        assert _naive_hits(folded) == []


_BATCH = st.lists(st.one_of(_CONTACT_LIKE, st.text()), max_size=8)


@settings(max_examples=500, deadline=None)
@given(_BATCH)
def test_a_batch_folds_as_its_texts_fold_one_by_one(texts: list[str]) -> None:
    assert contact_fold.fold_many(texts) == [contact_fold.fold(text) for text in texts]


@settings(max_examples=200, deadline=None)
@given(_BATCH)
def test_a_batch_folds_the_same_without_the_c_kernel(texts: list[str]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kernel, "_cfold", None)
        assert contact_fold.fold_many(texts) == [contact_fold.fold(text) for text in texts]


@settings(max_examples=500, deadline=None)
@given(_BATCH)
def test_a_batch_finds_the_contacts_of_each_text(texts: list[str]) -> None:
    expected = {n: found for n, text in enumerate(texts) if (found := find_contacts(text))}
    assert contacts.find_contacts_many(texts, range(len(texts))) == expected
    odd = range(1, len(texts), 2)
    assert contacts.find_contacts_many(texts, odd) == {n: expected[n] for n in odd if n in expected}


@settings(max_examples=500, deadline=None)
@given(_CONTACT_LIKE)
def test_no_two_cued_patterns_match_at_one_place(text: str) -> None:
    s = _naive_fold(text)
    for pos in range(len(s)):
        patterns = (contact_patterns.WECHAT, contact_patterns.QQ, contact_patterns.TELEGRAM)
        assert sum(pattern.match(s, pos) is not None for pattern in patterns) <= 1


def _first_characters(items: re_parser.SubPattern | list[Any]) -> tuple[set[str], bool]:
    """The characters a parsed regex can start with, and whether it can match empty."""
    first: set[str] = set()
    for op, av in items:
        if op is re_constants.LITERAL:
            return first | {chr(av)}, False
        if op is re_constants.IN:
            for kind, value in av:
                assert kind in (re_constants.LITERAL, re_constants.RANGE), kind
                low, high = (value, value) if kind is re_constants.LITERAL else value
                first |= {chr(c) for c in range(low, high + 1)}
            return first, False
        if op in (re_constants.ASSERT, re_constants.ASSERT_NOT, re_constants.AT):
            continue
        if op is re_constants.SUBPATTERN:
            more, empty = _first_characters(av[-1])
        elif op is re_constants.BRANCH:
            branches = [_first_characters(branch) for branch in av[1]]
            more = set().union(*(chars for chars, _ in branches))
            empty = any(e for _, e in branches)
        elif op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT):
            more, empty = _first_characters(av[2])
            empty = empty or av[0] == 0
        else:
            raise AssertionError(f"unexpected {op}")
        first |= more
        if not empty:
            return first, False
    return first, True


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        (contact_patterns.WECHAT, contact_patterns.WECHAT_FIRST),
        (contact_patterns.QQ, contact_patterns.QQ_FIRST),
        (contact_patterns.TELEGRAM, contact_patterns.TELEGRAM_FIRST),
    ],
)
def test_cued_patterns_start_only_with_their_first_characters(
    pattern: re.Pattern[str], first: frozenset[str]
) -> None:
    chars, can_be_empty = _first_characters(re_parser.parse(pattern.pattern))
    assert not can_be_empty
    assert chars <= first


@pytest.mark.parametrize(
    ("text", "value"),
    [("胃新crcvip520", "crcvip520"), ("危信 z585166", "z585166"), ("伪芯：abc12345", "abc12345")],
)
def test_wechat_cues_written_with_sound_alike_characters(text: str, value: str) -> None:
    (contact,) = find_contacts(text)
    assert (contact.kind, contact.value) == ("wechat", value)


@settings(max_examples=300, deadline=None)
@given(_BATCH)
def test_the_hints_name_every_text_with_a_long_digit_or_word_run(texts: list[str]) -> None:
    batch = Folder().fold_batch(texts)
    digits, words = batch.run_lengths()
    expected = [
        number
        for number in range(len(texts))
        if digits[number] >= contact_hints.MIN_DIGITS
        or words[number] >= contact_hints.MIN_WORD
        or re.search("[0-9a-z]点[0-9a-z]", batch.text(number))
    ]
    assert contact_hints.contact_hints(batch) == expected


# Shapes the hints once turned away though `find_contacts` finds a contact in them.
_SHORT_OR_DISGUISED = [
    ("a.cn", "a.cn"),
    ("去 a.cn 看看", "a.cn"),
    ("www点xx点com", "www.xx.com"),
    ("打开 xx点com 领取", "xx.com"),
    ("壹－伍－柒－贰－柒－陆－零－肆－捌－肆－伍", "15727604845"),
    ("电话 158‐0013‐8000", "15800138000"),
]


@pytest.mark.parametrize(("text", "value"), _SHORT_OR_DISGUISED)
def test_the_screener_finds_short_and_disguised_contacts(
    text: str, value: str, default_screener: Screener
) -> None:
    verdict = default_screener.screen(text)
    assert [c.value for c in verdict.contacts] == [value]
    assert [c.value for c in find_contacts(text)] == [value]


_CONTACTISH = st.text(
    alphabet=st.sampled_from("ab1234567890.。点@－‐-_ wx微信qQ扣 壹伍零捌cnmo/:"), max_size=24
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CONTACTISH, min_size=1, max_size=6))
def test_the_screeners_gates_never_lose_a_contact(
    default_screener: Screener, texts: list[str]
) -> None:
    verdicts = default_screener.screen_batch(texts)
    for text, verdict in zip(texts, verdicts, strict=True):
        assert [c.value for c in verdict.contacts] == [c.value for c in find_contacts(text)]


def _gate(text: str) -> bool:
    return bool(text) and bool(contact_patterns.MAYBE_CONTACT.search(text)) and (
        contact_fold.may_hold_contact(text)
    )


def test_the_batch_gate_agrees_on_every_single_character() -> None:
    chars = [chr(cp) for cp in range(0x10000)] + ["\U0001d41a", "\U0001f600"]
    flags = contact_fold.gate_many(chars)
    wrong = [char for char, flag in zip(chars, flags, strict=True) if bool(flag) != _gate(char)]
    assert wrong == []


_GATE_PIECES = st.sampled_from(
    ["－", "—", "（", "）", "壹", "貳", "陸", "兩", "〇", "○", "一", "　", " ", "\t", "、", "/"]
)  # fmt: skip
_GATE_TEXT = st.lists(st.one_of(_PIECES, _MORE_PIECES, _GATE_PIECES), max_size=30).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(_GATE_TEXT, st.text()), max_size=8))
def test_the_batch_gate_lets_through_what_the_two_tests_do(texts: list[str]) -> None:
    assert list(contact_fold.gate_many(texts)) == [int(_gate(text)) for text in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(_GATE_TEXT, max_size=8))
def test_the_batch_gate_without_the_c_kernel(texts: list[str]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kernel, "_cfold", None)
        assert list(contact_fold.gate_many(texts)) == [int(_gate(text)) for text in texts]
