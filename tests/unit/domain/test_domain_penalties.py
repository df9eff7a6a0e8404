"""The enforcement ladder and penalties: entry by severity, escalation by unexpired strikes,
zero tolerance, self-lifting penalties, and the ladder document's validation."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from shenhe import Screener
from shenhe.domain import Catalogue
from shenhe.domain.apps import AppContent, AppStatus, PrincipalRef, Submission
from shenhe.domain.errors import EnforcementError, LadderError
from shenhe.domain.ladder import Ladder, Rung
from shenhe.domain.penalties import (
    Penalty,
    Strike,
    Violation,
    choose_penalty,
    expired,
    lifts_at,
)
from shenhe.domain.review import review_submission
from shenhe.domain.signals import NO_SIGNALS

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
LADDER = Ladder.default()
DAY = timedelta(days=1)


def strike(days_ago: float, *, severity: int = 1, lasts: float = 365) -> Strike:
    at = NOW - timedelta(days=days_ago)
    return Strike("ad", severity, at, at + timedelta(days=lasts))


def penalty_for(severity: int, strikes: list[Strike], *codes: str) -> Penalty:
    return choose_penalty(Violation(codes or ("content.ad",), severity), strikes, NOW, LADDER)


def test_the_default_ladder() -> None:
    assert LADDER.version
    assert Ladder.default() is LADDER  # read once
    assert [step.rung for step in LADDER.steps] == sorted(
        (step.rung for step in LADDER.steps), key=lambda rung: rung.rank
    )
    assert LADDER.steps[-1].rung is Rung.BLACKLIST_PRINCIPAL
    assert {rule.name for rule in LADDER.zero_tolerance} == {
        "illegal_lending",
        "pornography",
        "mass_diversion",
    }


def test_a_first_minor_violation_is_a_warning_with_a_deadline() -> None:
    penalty = penalty_for(1, [])
    assert (penalty.rung, penalty.step, penalty.duration) == (Rung.WARNING, "warning", 7 * DAY)
    assert penalty.status is AppStatus.WARNED
    assert not penalty.blacklist_principal
    assert lifts_at(penalty, NOW) == NOW + 7 * DAY  # the rectification deadline
    assert penalty.reasons == ("content.ad",)
    assert penalty.ladder_version == LADDER.version


@pytest.mark.parametrize(
    ("severity", "step", "rung", "days", "status"),
    [
        (1, "warning", Rung.WARNING, 7, AppStatus.WARNED),
        (2, "restrict_7d", Rung.RESTRICT, 7, AppStatus.RESTRICTED),
        (3, "takedown_7d", Rung.TAKEDOWN, 7, AppStatus.SUSPENDED),
    ],
)
def test_the_entry_rises_with_severity(
    severity: int, step: str, rung: Rung, days: int, status: AppStatus
) -> None:
    penalty = penalty_for(severity, [])
    assert (penalty.step, penalty.rung, penalty.duration) == (step, rung, timedelta(days=days))
    assert penalty.status is status


def test_a_restriction_names_its_features() -> None:
    assert penalty_for(2, []).features == {"sharing", "search"}
    assert penalty_for(3, []).features == frozenset()


@pytest.mark.parametrize(
    ("severity", "strikes", "step"),
    [
        (1, 0, "warning"),
        (1, 1, "restrict_7d"),
        (1, 2, "restrict_30d"),
        (1, 3, "takedown_7d"),
        (1, 4, "takedown_30d"),
        (1, 5, "ban_90d"),
        (1, 6, "ban_permanent"),
        (1, 7, "blacklist"),
        (1, 20, "blacklist"),
        (2, 2, "takedown_7d"),
        (3, 2, "ban_90d"),
        (3, 3, "ban_permanent"),
        (3, 4, "blacklist"),
    ],
)
def test_repeated_strikes_escalate(severity: int, strikes: int, step: str) -> None:
    history = [strike(10 * (n + 1)) for n in range(strikes)]
    penalty = penalty_for(severity, history)
    assert penalty.step == step
    assert penalty.blacklist_principal == (step == "blacklist")
    assert penalty.permanent == (step in ("ban_permanent", "blacklist"))


def test_expired_strikes_do_not_count() -> None:
    history = [
        strike(400),  # expired 35 days ago
        strike(366),  # expired yesterday
        strike(365),  # expires exactly now: no longer counts
        strike(30, lasts=20),  # a short-lived one, expired
    ]
    assert penalty_for(1, history).step == "warning"
    assert penalty_for(1, [*history, strike(364)]).step == "restrict_7d"


def test_strikes_from_the_future_do_not_count() -> None:
    assert penalty_for(1, [strike(-1)]).step == "warning"


def test_a_strike_counts_for_the_ladders_strike_days() -> None:
    violation = Violation(("content.ad", "content.diversion"), 2)
    recorded = Strike.of(violation, NOW, LADDER)
    assert (recorded.category, recorded.severity) == ("ad", 2)
    assert recorded.expires_at == NOW + timedelta(days=LADDER.strike_days)
    assert recorded.counts(NOW) and not recorded.counts(recorded.expires_at)


@pytest.mark.parametrize(
    ("codes", "rule"),
    [
        (("content.loan", "qualification.missing.lending_licence"), "illegal_lending"),
        (
            (
                "content.loan",
                "qualification.missing.lending_licence",
                "drift.lending_after_approval",
            ),
            "illegal_lending",
        ),
        (("content.porn",), "pornography"),
        (("content.diversion", "diversion.mass"), "mass_diversion"),
    ],
)
def test_zero_tolerance_goes_straight_to_a_permanent_ban_and_blacklist(
    codes: tuple[str, ...], rule: str
) -> None:
    for severity in (1, 2, 3):
        penalty = penalty_for(severity, [], *codes)
        assert penalty.rung is Rung.BLACKLIST_PRINCIPAL
        assert penalty.blacklist_principal and penalty.permanent
        assert penalty.status is AppStatus.BANNED
        assert penalty.zero_tolerance == rule
        assert penalty.reasons == codes
        assert lifts_at(penalty, NOW) is None
        assert not expired(penalty, NOW, NOW + timedelta(days=36500))


@pytest.mark.parametrize(
    "codes",
    [
        ("content.loan",),  # a licensed lender overstepping: graded, not zero tolerance
        ("content.loan", "category.mismatch.lending"),
        ("content.loan", "qualification.expired.lending_licence"),
        ("content.diversion",),
    ],
)
def test_other_violations_are_graded(codes: tuple[str, ...]) -> None:
    penalty = penalty_for(3, [], *codes)
    assert penalty.zero_tolerance is None
    assert not penalty.blacklist_principal


def test_penalties_lift_themselves() -> None:
    penalty = penalty_for(3, [strike(5), strike(6)])  # ban for 90 days
    assert (penalty.step, penalty.duration) == ("ban_90d", 90 * DAY)
    applied = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)
    assert lifts_at(penalty, applied) == datetime(2026, 5, 1, 23, 0, tzinfo=UTC)
    assert not expired(penalty, applied, applied + 90 * DAY - timedelta(microseconds=1))
    assert expired(penalty, applied, applied + 90 * DAY)
    assert not expired(penalty_for(3, [strike(1)] * 3), applied, applied + 36500 * DAY)


def test_times_must_be_timezone_aware() -> None:
    naive = datetime(2026, 11, 20, 9, 30)
    with pytest.raises(EnforcementError, match="now"):
        choose_penalty(Violation(("content.ad",), 1), [], naive, LADDER)
    with pytest.raises(EnforcementError, match="applied_at"):
        lifts_at(penalty_for(1, []), naive)
    with pytest.raises(EnforcementError, match="at"):
        Strike("ad", 1, naive, naive + DAY)


@pytest.mark.parametrize(
    ("reasons", "severity", "field"),
    [((), 1, "reasons"), ("content.ad", 1, "reasons"), (("content.ad",), 4, "severity")],
)
def test_a_malformed_violation_names_the_field(reasons: Any, severity: int, field: str) -> None:
    with pytest.raises(EnforcementError) as caught:
        Violation(reasons, severity)
    assert caught.value.field == field


def test_a_decision_becomes_a_violation(default_screener: Screener) -> None:
    """End to end: an approved calculator renamed 极速贷 is banned and its principal
    blacklisted; a counterfeit shop gets the high entry from its severity-3 terms."""
    calculator = AppContent("计算器", "简单好用的计算器", (), "tools")
    loan = AppContent("极速贷", "简单好用的计算器", (), "tools")
    shop = AppContent("奢品折扣店", "高仿 A货 一比一 复刻 名表包包", (), "ecommerce")
    principal = PrincipalRef("enterprise", "91350100M000100Y43")
    catalogue = Catalogue.default()

    renamed = review_submission(
        Submission.change("wx1a2b3c4d", loan, calculator, principal),
        default_screener,
        catalogue,
        today=date(2026, 11, 20),
        previous=calculator,
        previous_status=AppStatus.LISTED,
        signals=NO_SIGNALS,
    )
    violation = Violation.from_decision(renamed, catalogue)
    assert violation.category == "loan"
    penalty = choose_penalty(violation, [], NOW, LADDER)
    assert penalty.blacklist_principal and penalty.zero_tolerance == "illegal_lending"

    counterfeit = review_submission(
        Submission("wx9f8e7d6c", shop, principal),
        default_screener,
        catalogue,
        today=date(2026, 11, 20),
        previous=None,
        previous_status=None,
        signals=NO_SIGNALS,
    )
    violation = Violation.from_decision(counterfeit, catalogue)
    assert violation.severity == 3  # ecommerce is 2; the counterfeit terms are 3
    assert choose_penalty(violation, [], NOW, LADDER).rung is Rung.TAKEDOWN


strikes_strategy = st.lists(
    st.builds(
        lambda ago, lasts, severity: strike(ago, severity=severity, lasts=lasts),
        st.floats(min_value=-30, max_value=800),
        st.floats(min_value=1, max_value=800),
        st.integers(min_value=1, max_value=3),
    ),
    max_size=12,
)
codes_strategy = st.lists(
    st.sampled_from(
        [
            "content.ad",
            "content.loan",
            "content.porn",
            "content.diversion",
            "diversion.mass",
            "qualification.missing.lending_licence",
            "category.mismatch.lending",
            "drift.lending_after_approval",
        ]
    ),
    min_size=1,
    max_size=4,
)


@given(
    codes_strategy,
    st.integers(min_value=1, max_value=3),
    strikes_strategy,
    strikes_strategy.filter(bool),
)
def test_the_ladder_is_monotonic(
    codes: list[str], severity: int, history: list[Strike], more: list[Strike]
) -> None:
    """Adding strikes never lowers the penalty, nor does a higher severity."""
    violation = Violation(tuple(codes), severity)
    before = choose_penalty(violation, history, NOW, LADDER)
    after = choose_penalty(violation, [*history, *more], NOW, LADDER)
    assert after.level >= before.level
    assert after.rung.rank >= before.rung.rank
    if severity < 3:
        harsher = choose_penalty(Violation(tuple(codes), severity + 1), history, NOW, LADDER)
        assert harsher.level >= before.level


# --- the ladder document ---------------------------------------------------------------

DEFAULT_DOCUMENT: dict[str, Any] = yaml.safe_load(
    resources.files("shenhe").joinpath("data", "penalties.yaml").read_text("utf-8")
)


def document(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(DEFAULT_DOCUMENT)
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        target = data
        for part in path:
            target = target[int(part) if part.isdigit() else part]
        if value is None:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": None}, "version: Field required"),
        ({"strike_days": 0}, "strike_days: Input should be greater than or equal to 1"),
        ({"steps__0__days": None}, "steps.0 (warning).days: a warning needs a number of days"),
        ({"steps__0__rung": "scold"}, "steps.0.rung: Input should be"),
        ({"steps__3__features": ["sharing"]}, "steps.3 (takedown_7d).features: only"),
        ({"steps__1__features": []}, "steps.1 (restrict_7d).features: name the features"),
        ({"steps__1__features": ["ads"]}, "steps.1.features.0"),
        ({"steps__2__days": 3}, "steps.2 (restrict_30d): is milder than the step before"),
        ({"steps__5__rung": "warning"}, "steps.5 (ban_90d): is milder"),
        ({"steps__7__days": 30}, "steps.7 (blacklist).days: a blacklist is permanent"),
        ({"steps__7": None}, "steps: the last step, and only it"),
        ({"steps__6__rung": "blacklist_principal"}, "steps: the last step, and only it"),
        ({"steps__2__id": "restrict_7d"}, "steps.2 (restrict_7d).id: 'restrict_7d' is used"),
        ({"steps__2__id": "Restrict"}, "steps.2.id: String should match pattern"),
        ({"steps__0__days": 0}, "steps.0.days: Input should be greater than"),
        ({"steps": []}, "steps: List should have at least 1 item"),
        ({"entry__2": "nowhere"}, "entry.2: unknown step 'nowhere'"),
        ({"entry__3": "warning"}, "entry.3: must not be milder"),
        ({"entry__1": None}, "entry: give the step of each severity"),
        ({"zero_tolerance__pornography__all_of": ["content"]}, "all_of.0: unknown reason"),
        ({"zero_tolerance__pornography__all_of": []}, "pornography.all_of: List should have"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_a_bad_ladder_names_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(LadderError) as caught:
        Ladder.from_dict(document(**changes))
    assert message in str(caught.value)


def test_a_ladder_loads_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "ladder.yaml"
    path.write_text(yaml.safe_dump(document(version="platform-2", strike_days=180)), "utf-8")
    # safe_dump sorts mapping keys: the steps are a list, so their order survives
    ladder = Ladder.load(path)
    assert (ladder.version, ladder.strike_days) == ("platform-2", 180)
    assert ladder.step("ban_permanent").permanent

    path.write_text("steps: [unclosed", "utf-8")
    with pytest.raises(LadderError, match="not valid YAML"):
        Ladder.load(path)
    path.write_text("- a list", "utf-8")
    with pytest.raises(LadderError, match="must be a YAML mapping"):
        Ladder.load(path)
    path.write_text("version: x\n", "utf-8")
    with pytest.raises(LadderError, match=r"ladder\.yaml: invalid penalty ladder: strike_days"):
        Ladder.load(path)
    with pytest.raises(LadderError, match="cannot read"):
        Ladder.load(tmp_path / "missing.yaml")
