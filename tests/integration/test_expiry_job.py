"""The scheduler of ``shenhe serve`` lifts expired penalties by itself, on SQLite and
PostgreSQL, and never creates a database that does not exist."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from registry_support import (
    MASTER_KEY_HEX,
    NEW_TERM,
    NOW,
    TOOL,
    USCC_TOOLMAKER,
    audit_records,
    register,
    submit,
)

from shenhe import Screener
from shenhe.adapters.db import Database
from shenhe.config import Settings
from shenhe.domain.apps import AppStatus
from shenhe.jobs.expiry import ExpiryScheduler
from shenhe.screening.lexicon import Lexicon
from shenhe.services import audit, history
from shenhe.services.enforcement import EnforceApp, enforce_app
from shenhe.services.rules import Rules

LATER = NOW + timedelta(days=8)


def taken_down(database: Database, screener: Screener) -> None:
    """wxcalc, listed, then taken down for 7 days by a moderator at NOW."""
    rules = Rules(screener)
    owner = register(
        database.unit_of_work(), "enterprise", "福州某某科技有限公司", uscc=USCC_TOOLMAKER
    )
    submit(database.unit_of_work(), rules, "wxcalc", owner, **TOOL)
    command = EnforceApp("wxcalc", "moderator.li", ["content.fraud"], step="takedown_7d")
    enforce_app(command, database.unit_of_work(), rules, now=NOW)


def status(database: Database) -> AppStatus:
    return history.get_app("wxcalc", database.unit_of_work(read_only=True)).status


def test_a_round_lifts_what_has_run_out(
    migrated_url: str, database: Database, default_screener: Screener
) -> None:
    taken_down(database, default_screener)
    assert status(database) is AppStatus.SUSPENDED
    settings = Settings(database_url=migrated_url, pii_key=MASTER_KEY_HEX)
    early = ExpiryScheduler(settings, clock=lambda: NOW + timedelta(days=6))
    with early:  # the thread is started; rounds before the end lift nothing
        report = early.tick()
    assert report is not None and report.lifted == () and status(database) is AppStatus.SUSPENDED

    scheduler = ExpiryScheduler(settings, interval=0.01, clock=lambda: LATER)
    with scheduler:  # the thread's own rounds lift it
        deadline = time.monotonic() + 60
        while status(database) is not AppStatus.LISTED and time.monotonic() < deadline:
            time.sleep(0.02)
    assert status(database) is AppStatus.LISTED
    again = ExpiryScheduler(settings, clock=lambda: LATER)
    with again:
        report = again.tick()
    assert report is not None and report.lifted == ()  # lifted once only


def test_no_database_no_round(tmp_path: Path) -> None:
    path = tmp_path / "var" / "shenhe.db"
    scheduler = ExpiryScheduler(Settings(database_url=f"sqlite:///{path}"))
    assert scheduler.tick() is None
    assert not path.exists() and not path.parent.exists()
    assert Settings().lift_interval == 60 and Settings(lift_interval=0).lift_interval == 0


def test_each_round_audits_a_change_of_the_rules(
    migrated_url: str, database: Database, default_screener: Screener
) -> None:
    settings = Settings(database_url=migrated_url, pii_key=MASTER_KEY_HEX)
    screener = Screener(default_screener.lexicon, default_screener.policy)
    scheduler = ExpiryScheduler(settings, clock=lambda: LATER, rules=Rules(screener))
    try:
        scheduler.tick()
        scheduler.tick()  # nothing changed: no second record
        screener.replace_lexicon(
            screener.lexicon + Lexicon.from_words([NEW_TERM], category="loan")
        )
        scheduler.tick()  # a reload, as `shenhe serve --watch` does
    finally:
        scheduler.stop()
    reader = database.unit_of_work(read_only=True)
    changes = [r for r in audit_records(reader) if r.action == "rules.change"]
    first, second = changes
    assert first.payload["previous"] is None
    assert second.payload["previous"]["lexicon_version"] == first.payload["lexicon_version"]
    assert second.payload["lexicon_version"] == screener.lexicon.version
    assert second.payload["policy_version"] == first.payload["policy_version"]
    assert audit.verify(database.unit_of_work(read_only=True)).ok
