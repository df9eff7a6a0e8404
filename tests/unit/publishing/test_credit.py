"""Credit: violations lower the score at once, time restores it, tiers gate features."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shenhe.domain.credit import CreditEvent, CreditRules
from shenhe.domain.publishing_errors import CreditRulesError

RULES = CreditRules.default()
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_a_new_account_has_full_credit_and_every_feature():
    standing = RULES.standing([], T0)
    assert standing.score == 100
    assert (standing.tier.name, standing.tier.links, standing.tier.may_publish) == (
        "good",
        True,
        True,
    )


def test_a_violation_lowers_the_score_at_once():
    event = RULES.violation("post_blocked", at=T0, subject="post:1")
    assert RULES.standing([event], T0).score == 90
    assert RULES.standing([event], T0 - timedelta(seconds=1)).score == 100  # not yet


def test_time_restores_credit_up_to_the_initial_score():
    events = [RULES.violation("content_removed", at=T0), RULES.violation("report_upheld", at=T0)]
    assert RULES.standing(events, T0).score == 65
    assert RULES.standing(events, T0 + timedelta(days=5)).score == 75  # 2 points a day
    assert RULES.standing(events, T0 + timedelta(days=5, hours=11)).score == 75  # rounded down
    assert RULES.standing(events, T0 + timedelta(days=400)).score == 100


def test_repeated_violations_walk_down_the_tiers_to_restricted():
    events = [RULES.violation("content_removed", at=T0 + timedelta(minutes=i)) for i in range(6)]
    tiers = [RULES.standing(events[: n + 1], T0 + timedelta(minutes=n)).tier.name for n in range(6)]
    assert tiers == ["fair", "poor", "poor", "restricted", "restricted", "restricted"]
    restricted = RULES.standing(events, T0 + timedelta(minutes=6)).tier
    assert not restricted.may_publish and restricted.posts_per_hour == 0
    assert RULES.standing(events, T0 + timedelta(days=25)).tier.may_publish


def test_the_score_never_goes_below_zero_and_recovers_from_there():
    events = [CreditEvent("x", 500, T0)]
    assert RULES.standing(events, T0).score == 0
    assert RULES.standing(events, T0 + timedelta(days=1)).score == 2


def test_an_unknown_violation_names_the_known_ones():
    with pytest.raises(CreditRulesError, match="post_blocked"):
        RULES.violation("jaywalking", at=T0)


def tier(name: str, min_score: int) -> str:
    return (
        f"{{name: {name}, min_score: {min_score}, may_publish: true, links: true,"
        " posts_per_hour: 1, comments_per_hour: 1}"
    )


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        (f"[{tier('a', 10)}]", "min_score 0"),
        (f"[{tier('a', 0)}, {tier('b', 50)}]", "highest"),
    ],
)
def test_malformed_rules_say_what_is_wrong(tiers: str, message: str):
    head = "version: '1'\ninitial: 100\nrecovery: {points_per_day: 1}\npenalties: {a: 1}\n"
    with pytest.raises(CreditRulesError, match=message):
        CreditRules.from_yaml(f"{head}tiers: {tiers}\n")
