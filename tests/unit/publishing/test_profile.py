"""The front: names, bios and avatar captions refused for contacts, links, disguised
categories and impersonation, each problem with its field and span."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe import Screener
from shenhe.domain.impersonation import OfficialBodies
from shenhe.domain.profile import Profile, review_profile
from shenhe.domain.publishing_errors import ProfileRejectedError

BODIES = OfficialBodies.default()


def problems(screener: Screener, profile: Profile, verified_as: str | None = None):
    with pytest.raises(ProfileRejectedError) as caught:
        review_profile(profile, screener, BODIES, verified_as=verified_as)
    return caught.value.problems


@pytest.mark.parametrize(
    ("profile", "field", "reason", "span"),
    [
        (Profile("加薇信abc12345"), "nickname", "contact", "薇信abc12345"),
        (Profile("小王", bio="主页 www点abc点com"), "bio", "contact", "www点abc点com"),
        (
            Profile("小王", avatar_caption="扣扣 123456789"),
            "avatar_caption",
            "contact",
            "扣扣 123456789",
        ),
        (Profile("小王", bio="电话13812345678"), "bio", "contact", "13812345678"),
        (Profile("无抵押贷款"), "nickname", "screened", "贷款"),
        (Profile("人民日报评论"), "nickname", "impersonation", "人民日报"),
        (Profile("小王", bio="新 华 社特约"), "bio", "impersonation", "新 华 社"),
        (Profile("小王", avatar_caption="网信办认证"), "avatar_caption", "impersonation", "网信办"),
    ],
)
def test_a_refused_field_names_its_reason_and_span(
    default_screener: Screener, profile: Profile, field: str, reason: str, span: str
):
    found = [p for p in problems(default_screener, profile) if p.reason == reason]
    assert found, problems(default_screener, profile)
    assert {p.field for p in found} == {field}
    assert span in [p.text for p in found]
    value = profile.fields()[field]
    for problem in found:
        assert value[problem.start : problem.end] == problem.text


def test_an_ordinary_profile_passes_stripped(default_screener: Screener):
    profile = review_profile(
        Profile("  小王爱摄影 ", bio="周末拍拍花草", avatar_caption="我的猫"),
        default_screener,
        BODIES,
    )
    assert profile == Profile("小王爱摄影", "周末拍拍花草", "我的猫")


def test_the_body_itself_may_use_its_name(default_screener: Screener):
    profile = Profile("人民日报", bio="人民日报社官方账号")
    assert review_profile(profile, default_screener, BODIES, verified_as="人民日报社") == profile


@pytest.mark.parametrize(
    ("profile", "field", "reason"),
    [
        (Profile("   "), "nickname", "empty"),
        (Profile("名" * 31), "nickname", "too_long"),
        (Profile("小王", bio="好" * 301), "bio", "too_long"),
        (Profile("小\n王"), "nickname", "control"),
    ],
)
def test_malformed_fields(default_screener: Screener, profile: Profile, field: str, reason: str):
    assert [(p.field, p.reason) for p in problems(default_screener, profile)] == [(field, reason)]


@settings(max_examples=60, deadline=None)
@given(
    st.text(min_size=1, max_size=30).filter(
        lambda t: t.strip() and "\n" not in t and "\r" not in t and "\x00" not in t
    )
)
def test_every_problem_span_points_into_its_field(default_screener: Screener, name: str):
    try:
        review_profile(Profile(name), default_screener, BODIES)
    except ProfileRejectedError as refused:
        for problem in refused.problems:
            if problem.start is not None:
                assert name.strip()[problem.start : problem.end] == problem.text
