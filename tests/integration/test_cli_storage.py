"""``shenhe db`` and ``shenhe audit`` on SQLite and PostgreSQL, through Typer's runner."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cli_support import run_cli as run
from sqlalchemy import text

from shenhe.adapters.db import Database, head
from shenhe.domain.audit import Subject
from shenhe.services import audit

NOW = datetime.now(UTC)


def seed(url: str, count: int, *, age: timedelta = timedelta(0)) -> None:
    with Database(url) as database:
        uow = database.unit_of_work()
        with uow:
            for index in range(count):
                audit.append(
                    uow,
                    actor="system",
                    action="app.decision",
                    subject=Subject("app", f"wx{index:04d}"),
                    payload={"outcome": "approve"},
                    at=NOW - age + timedelta(seconds=index),
                )
            uow.commit()


def test_db_upgrade_and_current(database_url: str):
    result = run(database_url, "db", "current")
    assert result.exit_code == 0, result.output
    assert "not migrated" in result.stdout
    result = run(database_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"migrated from empty to {head()}" in result.stdout
    assert "***" in result.stdout or "sqlite" in result.stdout  # never a password in clear
    result = run(database_url, "db", "upgrade")
    assert "already at revision" in result.stdout
    result = run(database_url, "db", "current")
    assert f"revision {head()} (the newest)" in result.stdout
    result = run(database_url, "db", "upgrade", "--revision", "9999")
    assert result.exit_code == 1 and "cannot migrate to revision '9999'" in result.stderr


def test_audit_verify_on_a_new_database_sets_it_up(database_url: str):
    result = run(database_url, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "audit chain intact: 0 records" in result.stdout


def test_audit_verify_exit_codes_and_json(migrated_url: str):
    seed(migrated_url, 5)
    result = run(migrated_url, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "intact: 5 records (1 to 5)" in result.stdout
    result = run(migrated_url, "audit", "verify", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["records"] == 5 and report["head_seq"] == 5

    with Database(migrated_url) as database, database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
    result = run(migrated_url, "audit", "verify")
    assert result.exit_code == 1
    assert "broken at record 3" in result.stderr and "edited" in result.stderr
    result = run(migrated_url, "audit", "verify", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["first_broken_seq"] == 3


def test_audit_purge_keeps_the_retention(migrated_url: str):
    seed(migrated_url, 3, age=timedelta(days=400))
    with Database(migrated_url) as database:
        audit.record(
            database.unit_of_work(),
            actor="system",
            action="app.listed",
            subject=Subject("app", "wx9999"),
            payload={},
            at=NOW,
        )
    result = run(migrated_url, "audit", "purge", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["purged"] == 3
    result = run(migrated_url, "audit", "purge", "--retention-days", "90")
    assert result.exit_code == 1 and "183 days" in result.stderr
    result = run(migrated_url, "audit", "purge")
    assert result.exit_code == 0, result.output
    assert "purged 3 records" in result.stdout
    result = run(migrated_url, "audit", "verify", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["records"] == 2  # the young record and the purge record


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/shenhe", "unsupported database 'mysql'"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot be used"),
    ],
)
def test_a_bad_database_url_is_one_line_and_exit_1(url: str, message: str):
    result = run(url, "audit", "verify")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.output
