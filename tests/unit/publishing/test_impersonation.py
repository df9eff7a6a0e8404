"""Names of official bodies and media, found through the screener's folding, with spans."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shenhe.domain.impersonation import OfficialBodies
from shenhe.domain.publishing_errors import ImpersonationListError

BODIES = OfficialBodies.default()


@pytest.mark.parametrize(
    ("text", "body", "found"),
    [
        ("人民日报评论员", "peoples_daily", "人民日报"),
        ("新-华-社快讯", "xinhua", "新-华-社"),  # noise between characters
        ("央視新聞", "cctv", "央視新聞"),  # traditional characters
        ("ＣＣＴＶ体育", "cctv", "ＣＣＴＶ"),  # full-width letters
        ("芯华社", "xinhua", "芯华社"),  # homophone
        ("rmrb官微", "peoples_daily", "rmrb"),  # pinyin initials
        ("国家网信办通知", "cac", "网信办"),
        ("北京公安", "police", "公安"),
        ("最高人民法院", "court", "人民法院"),
        ("某某官方客服", "official", "官方"),
    ],
)
def test_official_names_are_found_however_written(text: str, body: str, found: str):
    finds = BODIES.find(text)
    assert [(f.body, f.text) for f in finds][:1] == [(body, found)]
    assert text[finds[0].start : finds[0].end] == found


@pytest.mark.parametrize("text", ["小王的日常", "我爱北京天安门", "华为手机", "人民路小吃", "xhs"])
def test_ordinary_names_are_not_official(text: str):
    assert BODIES.find(text) == []


@pytest.mark.parametrize(
    ("text", "organisation"),
    [
        ("人民日报", "人民日报社"),  # an owner
        ("北京公安", "北京市公安局"),  # the organisation's name holds the word
        ("某某官方", "深圳市某某科技有限公司"),  # 官方: any verified organisation
    ],
)
def test_an_account_verified_as_the_body_may_use_its_name(text: str, organisation: str):
    assert BODIES.find(text, verified_as=organisation) == []
    assert BODIES.find(text) != []


def test_verified_as_another_body_is_no_licence():
    assert [f.body for f in BODIES.find("新华社", verified_as="人民日报社")] == ["xinhua"]


@given(st.text(max_size=40))
def test_spans_always_point_into_the_text(text: str):
    for found in BODIES.find(text):
        assert text[found.start : found.end] == found.text
        assert 0 <= found.start < found.end <= len(text)


def test_a_list_of_our_own_replaces_the_shipped_one():
    bodies = OfficialBodies.from_yaml("version: '1'\nbodies:\n  town:\n    name: 镇政府办\n")
    assert [f.body for f in bodies.find("镇政府办公室")] == ["town"]
    assert bodies.find("人民日报") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [("[1]", "YAML mapping"), ("version: '1'\nbodies: {}\n", "bodies"), ("version: 1\n", "bodies")],
)
def test_a_malformed_list_names_the_field(text: str, message: str):
    with pytest.raises(ImpersonationListError, match=message):
        OfficialBodies.from_yaml(text)
