"""Graded enforcement on SQLite and PostgreSQL: a moderator's penalties, strikes that climb the
ladder and expire, and penalties that lift themselves (`lift_expired`), idempotently."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from registry_support import NOW, TOOL, USCC_TOOLMAKER, audit_records, register, submit

from shenhe import Screener
from shenhe.adapters.db import Database, SqlUnitOfWork
from shenhe.domain.apps import AppStatus
from shenhe.domain.errors import EnforcementError
from shenhe.domain.ladder import Rung
from shenhe.services import audit, history
from shenhe.services.enforcement import EnforceApp, enforce_app
from shenhe.services.errors import NotFoundError
from shenhe.services.expiry import lift_expired
from shenhe.services.rules import Rules
from shenhe.services.search import search_apps

MODERATOR = "moderator:li.na"
DAY = timedelta(days=1)


@pytest.fixture
def rules(default_screener: Screener) -> Rules:
    return Rules(default_screener)


@pytest.fixture
def listed(uow: SqlUnitOfWork, rules: Rules) -> str:
    company = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    assert submit(uow, rules, "wxtool", company, **TOOL).app.status is AppStatus.LISTED
    return "wxtool"


def status(database: Database, appid: str) -> AppStatus:
    return history.get_app(appid, database.unit_of_work(read_only=True)).status


def test_strikes_climb_the_ladder_and_penalties_lift_themselves(
    uow: SqlUnitOfWork, database: Database, rules: Rules, listed: str
) -> None:
    command = EnforceApp(listed, MODERATOR, ["content.ad"], note="刷屏广告")
    (warning,) = enforce_app(command, uow, rules, now=NOW)
    assert (warning.rung, warning.step, warning.actor) == (Rung.WARNING, "warning", MODERATOR)
    assert warning.expires_at == NOW + 7 * DAY
    assert (warning.sets, warning.restores) == (AppStatus.WARNED, AppStatus.LISTED)
    assert warning.evidence["note"] == "刷屏广告"
    assert status(database, listed) is AppStatus.WARNED

    (restriction,) = enforce_app(command, uow, rules, now=NOW + DAY)  # one strike counts
    assert (restriction.rung, restriction.step) == (Rung.RESTRICT, "restrict_7d")
    assert restriction.features == frozenset({"sharing", "search"})
    assert restriction.restores is AppStatus.LISTED  # what the warning would give back
    assert status(database, listed) is AppStatus.RESTRICTED

    early = lift_expired(uow, now=NOW + 7 * DAY)  # the warning ends, the restriction holds
    assert early.lifted == (warning.id,) and early.restored == {}
    assert status(database, listed) is AppStatus.RESTRICTED

    late = lift_expired(uow, now=NOW + 8 * DAY)
    assert late.lifted == (restriction.id,)
    assert late.restored == {listed: "listed"}
    assert status(database, listed) is AppStatus.LISTED

    assert lift_expired(uow, now=NOW + 9 * DAY).lifted == ()  # idempotent

    # Strikes count for a year: then a violation enters the ladder afresh.
    (fresh,) = enforce_app(command, uow, rules, now=NOW + 400 * DAY)
    assert fresh.step == "warning"

    records = history.app_report(listed, database.unit_of_work(read_only=True)).enforcement
    assert [r.lifted_at for r in records] == [NOW + 7 * DAY, NOW + 8 * DAY, None]
    actions = [r.action for r in audit_records(database.unit_of_work())]
    assert actions.count("enforcement.apply") == 3
    assert actions.count("enforcement.lift") == 2
    assert audit.verify(database.unit_of_work(read_only=True)).ok


def test_a_moderator_may_pick_the_step(
    uow: SqlUnitOfWork, database: Database, rules: Rules, listed: str
) -> None:
    command = EnforceApp(listed, MODERATOR, ["content.fraud"], step="takedown_7d")
    (takedown,) = enforce_app(command, uow, rules, now=NOW)
    assert (takedown.rung, takedown.sets) == (Rung.TAKEDOWN, AppStatus.SUSPENDED)
    assert status(database, listed) is AppStatus.SUSPENDED
    assert lift_expired(uow, now=NOW + 7 * DAY).restored == {listed: "listed"}


def test_a_penalty_never_lists_a_rejected_app(
    uow: SqlUnitOfWork, database: Database, rules: Rules
) -> None:
    company = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    decided = submit(
        uow, rules, "wxspam", company, **{**TOOL, "description": "加微信abc12345 领红包"}
    )
    assert decided.decision.outcome == "reject"
    (penalty,) = decided.enforcement
    assert penalty.step == "restrict_7d"  # diversion, severity 2
    assert penalty.sets is AppStatus.REJECTED and decided.app.status is AppStatus.REJECTED
    assert penalty.decision_id == decided.decision.id
    lifted = lift_expired(uow, now=NOW + 7 * DAY)
    assert lifted.lifted == (penalty.id,) and lifted.restored == {}
    assert status(database, "wxspam") is AppStatus.REJECTED


def test_a_blacklist_with_an_end_ends(uow: SqlUnitOfWork, database: Database) -> None:
    company = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    with uow:
        uow.principals.set_blacklist(company.id, blacklisted=True, until=NOW + DAY, at=NOW)
        uow.commit()
    assert lift_expired(uow, now=NOW).unblacklisted == ()
    assert lift_expired(uow, now=NOW + DAY).unblacklisted == (company.id,)
    with uow:
        back = uow.principals.get(company.id)
    assert back is not None and not back.blacklisted
    assert "principal.unblacklist" in [r.action for r in audit_records(database.unit_of_work())]


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"actor": "system"}, EnforcementError, "actor"),
        ({"actor": "  "}, EnforcementError, "actor"),
        ({"reasons": ["content.loan", "made.up"]}, EnforcementError, "reasons.1"),
        ({"step": "flogging"}, EnforcementError, "step"),
        ({"severity": 7}, EnforcementError, "severity"),
    ],
)
def test_a_bad_manual_penalty_is_refused(
    uow: SqlUnitOfWork,
    database: Database,
    rules: Rules,
    listed: str,
    changes: dict[str, object],
    error: type[Exception],
    field: str,
) -> None:
    values: dict[str, object] = {"appid": listed, "actor": MODERATOR, "reasons": ["content.ad"]}
    with pytest.raises(error) as raised:
        enforce_app(EnforceApp(**{**values, **changes}), uow, rules, now=NOW)  # type: ignore[arg-type]
    assert getattr(raised.value, "field", None) == field
    assert status(database, listed) is AppStatus.LISTED


def test_a_penalty_on_an_unknown_app(uow: SqlUnitOfWork, rules: Rules) -> None:
    with pytest.raises(NotFoundError, match="no app 'wxnone'"):
        enforce_app(EnforceApp("wxnone", MODERATOR, ["content.ad"]), uow, rules, now=NOW)


def test_search_follows_the_penalties(
    uow: SqlUnitOfWork, database: Database, rules: Rules, listed: str
) -> None:
    def found(at: datetime) -> list[str]:
        result = search_apps(database.unit_of_work(), rules.screener, "记账小助手", now=at)
        return [hit.appid for hit in result.results]

    assert found(NOW) == [listed]
    command = EnforceApp(listed, MODERATOR, ["content.ad"], step="restrict_7d")
    enforce_app(command, uow, rules, now=NOW)
    assert found(NOW + DAY) == []  # search visibility restricted
    lift_expired(uow, now=NOW + 7 * DAY)
    assert found(NOW + 7 * DAY) == [listed]
    enforce_app(EnforceApp(listed, MODERATOR, ["content.porn"]), uow, rules, now=NOW + 8 * DAY)
    assert found(NOW + 8 * DAY) == []  # banned for good
