"""The pure rules of posting (publish, hold, refuse; rate limits), complaints and agreements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shenhe import Screener
from shenhe.domain.agreements import agreement_text, must_accept
from shenhe.domain.credit import CreditRules
from shenhe.domain.posts import checked_body, decide_post, retry_after
from shenhe.domain.publishing_errors import AgreementError, PostError, PostRefusedError, ReportError
from shenhe.domain.reports import checked_outcome, complaint

RULES = CreditRules.default()
GOOD, FAIR, POOR, RESTRICTED = RULES.tiers
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_an_ordinary_post_is_published(default_screener: Screener):
    outcome = decide_post("post", default_screener.screen("今天天气真好", "post"), GOOD)
    assert (outcome.status, outcome.reasons) == ("published", ())


def test_a_blocked_post_is_refused_with_its_spans(default_screener: Screener):
    text = "无抵押小额贷款，加薇信abc12345"
    with pytest.raises(PostRefusedError) as refused:
        decide_post("post", default_screener.screen(text, "post"), GOOD)
    reasons = {p.reason for p in refused.value.problems}
    assert "screened.loan" in reasons and "contact.wechat" in reasons
    for problem in refused.value.problems:
        assert text[problem.start : problem.end] == problem.text


def test_a_doubtful_post_is_held(default_screener: Screener):
    text = "征信不好也能下款"
    verdict = default_screener.screen(text, "post")
    assert verdict.suggestion == "review"
    outcome = decide_post("post", verdict, GOOD)
    assert outcome.status == "held" and outcome.reasons


def test_links_follow_the_credit_tier(default_screener: Screener):
    text = "我的游记在 www点example点com"
    verdict = default_screener.screen(text, "post")
    assert decide_post("post", verdict, GOOD).status == "held"  # a link: diversion, reviewed
    with pytest.raises(PostRefusedError) as refused:
        decide_post("post", verdict, FAIR)
    assert [p.reason for p in refused.value.problems] == ["links_not_allowed"]


def test_rate_limits_count_the_last_hour():
    recent = [T0 - timedelta(minutes=m) for m in (5, 20, 59, 61, 120)]
    assert retry_after("post", GOOD, recent, T0) is None  # 3 in the hour, 20 allowed
    assert retry_after("post", POOR, [], T0) is None
    assert retry_after("post", POOR, recent, T0) == 55 * 60  # one an hour: the newest must age
    assert retry_after("comment", RESTRICTED, [], T0) == 3600


@pytest.mark.parametrize(("body", "kind"), [("   ", "post"), ("好" * 1001, "comment")])
def test_empty_or_overlong_bodies(body: str, kind: str):
    with pytest.raises(PostError, match="body"):
        checked_body(kind, body)  # type: ignore[arg-type]


def test_a_complaint_is_checked():
    filed = complaint("post", " 12 ", "fraud", " 骗钱 ", "account:3")
    assert (filed.target_id, filed.note) == ("12", "骗钱")
    for args, field in [
        (("planet", "1", "fraud", "", "r"), "target.type"),
        (("post", "", "fraud", "", "r"), "target.id"),
        (("post", "1", "ugly", "", "r"), "reason"),
        (("post", "1", "fraud", "长" * 2001, "r"), "note"),
    ]:
        with pytest.raises(ReportError) as caught:
            complaint(*args)
        assert caught.value.field == field
    with pytest.raises(ReportError, match="outcome"):
        checked_outcome("maybe", "")


def test_an_agreement_version_and_its_title():
    text = agreement_text("2026-11", None, "# 用户服务协议\n\n第一条 ……")
    assert (text.title, len(text.sha256)) == ("用户服务协议", 64)
    for version, body, field in [
        ("", "x", "version"),
        ("v 1", "x", "version"),
        ("v1", "  ", "body"),
    ]:
        with pytest.raises(AgreementError) as caught:
            agreement_text(version, None, body)
        assert caught.value.field == field


def test_a_new_version_asks_again():
    from shenhe.domain.agreements import Agreement

    v2 = Agreement(2, "v2", "协议", "正文", "0" * 64, T0, "ops")
    assert (
        must_accept(v2, {"v1"})
        and not must_accept(v2, {"v1", "v2"})
        and not must_accept(None, set())
    )
