"""``shenhe accounts``, ``shenhe operators`` and ``shenhe keys rotate`` on SQLite and
PostgreSQL, through Typer's runner; and the re-verification job."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from account_support import (
    CHEN_ID,
    LI,
    NOW,
    WANG,
    WANG_ID,
    WANG_MASKED,
    register,
    register_verified,
)
from cli_support import run_cli
from registry_support import MASTER_KEY_HEX, audit_records

from shenhe.adapters.db import Database
from shenhe.bootstrap import build_keyring
from shenhe.config import Settings
from shenhe.jobs.reverify import ReverifyJob, run_reverification
from shenhe.services import accounts, audit
from shenhe.services.account_errors import BlacklistedError

run = partial(run_cli, SHENHE_PII_KEY=MASTER_KEY_HEX)


def token(url: str, name: str, *roles: str) -> str:
    result = run(url, "operators", "add", name, *(x for r in roles for x in ("--role", r)))
    assert result.exit_code == 0, result.output
    return str(result.stdout.splitlines()[0])


def test_show_close_blacklist_and_reveal(database: Database, migrated_url: str) -> None:
    uow = database.unit_of_work()
    account = register_verified(uow, WANG)
    shown = run(migrated_url, "accounts", "show", str(account.id), "--json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["identity"]["id_number"] == WANG_MASKED and WANG_ID not in shown.stdout
    assert "may publish" in run(migrated_url, "accounts", "show", str(account.id)).stdout

    reason = ("--reason", "organised fraud, case 17")
    closed = run(
        migrated_url, "accounts", "close", str(account.id), *reason, "--blacklist", "--json"
    )
    assert closed.exit_code == 0, closed.output
    assert json.loads(closed.stdout)["status"] == "closed"
    with pytest.raises(BlacklistedError):  # a new name and a new mobile do not help
        register(
            uow,
            {**WANG, "name": "王改名", "mobile": "13500135000"},
            ring=build_keyring(Settings(pii_key=MASTER_KEY_HEX)),
            now=NOW + timedelta(days=400),
        )

    moderator = token(migrated_url, "mod", "moderator")
    revealer = token(migrated_url, "auditor", "pii_reveal")
    asked = ("accounts", "reveal", str(account.id), "--field", "id_number", *reason)
    missing = run(migrated_url, *asked)
    assert missing.exit_code == 1 and "operator token" in missing.output
    assert "lacks the role" in run(migrated_url, *asked, "--token", moderator).output
    revealed = run(migrated_url, *asked, SHENHE_OPERATOR_TOKEN=revealer)
    assert revealed.exit_code == 0 and revealed.stdout.strip() == WANG_ID
    last = audit_records(uow)[-1]
    assert (last.action, last.actor) == ("pii.reveal", "operator:auditor")


def test_close_options_are_checked(migrated_url: str) -> None:
    result = run(migrated_url, "accounts", "close", "1", "--reason", "abcd", "--days", "3")
    assert result.exit_code == 1 and "--blacklist" in result.output
    missing = run(migrated_url, "accounts", "show", "99")
    assert missing.exit_code == 1 and "no account '99'" in missing.output


def test_delete_erases_and_operators_are_listed_and_revoked(
    database: Database, migrated_url: str
) -> None:
    account = register_verified(database.unit_of_work(), LI)
    reason = ("--reason", "spam wave")
    suspended = run(migrated_url, "accounts", "suspend", str(account.id), *reason, "--json")
    assert json.loads(suspended.stdout)["publishing"]["code"] == "account_suspended"
    assert run(migrated_url, "accounts", "reinstate", str(account.id), *reason).exit_code == 0
    deleted = run(migrated_url, "accounts", "delete", str(account.id), "--json")
    assert deleted.exit_code == 0, deleted.output
    assert json.loads(deleted.stdout)["identity"] == {}
    token(migrated_url, "mod", "moderator")
    assert run(migrated_url, "operators", "list").stdout.strip() == "mod: moderator"
    assert run(migrated_url, "operators", "revoke", "mod").exit_code == 0
    assert "(revoked)" in run(migrated_url, "operators", "list").stdout
    assert run(migrated_url, "operators", "add", "x", "--role", "god").exit_code == 1


def test_reverify_due_from_the_shell_and_the_job(database: Database, migrated_url: str) -> None:
    uow = database.unit_of_work()
    long_ago = NOW - timedelta(days=800)
    wang = register_verified(uow, WANG, now=long_ago)
    result = run(migrated_url, "accounts", "reverify", "--due", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["passed"] == 1
    assert accounts.get_account(wang.id, uow).identity_status == "verified"
    assert run(migrated_url, "accounts", "reverify").exit_code == 1  # neither ID nor --due
    li = register_verified(uow, LI, now=long_ago)
    settings = Settings(database_url=migrated_url, pii_key=MASTER_KEY_HEX, identity_min_age=60)
    report = run_reverification(settings)
    assert (report.checked, report.failed_ids) == (1, [li.id])
    with uow:
        assert accounts.publishing_rights(uow, li.id, NOW).code == "identity_failed"
    chen = {"kind": "individual", "name": "陈", "id_number": CHEN_ID, "mobile": "13100131000"}
    register_verified(uow, chen, now=long_ago)
    back = Settings(database_url=migrated_url, pii_key=MASTER_KEY_HEX)
    with ReverifyJob(back, interval=3600) as job:  # li is tried again only after a day
        assert job.ran.wait(30)
    assert job.last_report is not None
    assert (job.last_report.checked, job.last_report.passed) == (1, 1)


def test_the_job_neither_runs_nor_creates_a_missing_database(tmp_path: Path) -> None:
    path = tmp_path / "var" / "shenhe.db"
    settings = Settings(database_url=f"sqlite:///{path}", pii_key=MASTER_KEY_HEX)
    with ReverifyJob(settings, interval=3600) as job:
        assert job.ran.wait(30)
    assert job.last_report is None
    assert not path.exists() and not path.parent.exists()
    assert Settings().reverify_interval == 3600
    assert Settings(reverify_interval=0).reverify_interval == 0


def test_keys_rotate_with_a_key_file(database: Database, migrated_url: str, tmp_path: Path) -> None:
    key_file = tmp_path / "pii.key"
    settings = Settings(pii_key_file=key_file)
    uow = database.unit_of_work()
    account = register_verified(uow, WANG, ring=build_keyring(settings))
    env = {"SHENHE_PII_KEY": "", "SHENHE_PII_KEY_FILE": str(key_file)}
    result = run(migrated_url, "keys", "rotate", "--json", **env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["new_key"] == "k2" and data["finished"] and data["resealed"]["accounts"] == 1
    after = build_keyring(settings)
    assert after.current.key_id == "k2"
    text = run(migrated_url, "keys", "rotate", **env)
    assert "new key k3" in text.stdout and "1 accounts" in text.stdout
    shown = run(migrated_url, "accounts", "show", str(account.id), "--json", **env)
    assert json.loads(shown.stdout)["identity"]["id_number"] == WANG_MASKED
    current = run(migrated_url, "keys", "retire", "k3", **env)
    assert current.exit_code == 1 and "current key" in current.output
    assert run(migrated_url, "keys", "retire", "k1", **env).exit_code == 0
    assert [k.key_id for k in build_keyring(settings).retired] == ["k2"]
    account_key = build_keyring(settings)
    assert accounts.get_account(account.id, uow).identity_status == "verified"
    assert account_key.current.key_id == "k3"
    assert audit.verify(uow).ok
