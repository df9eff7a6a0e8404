"""Two requests creating the same appid or the same principal at the same moment, on SQLite
and PostgreSQL: the second gets `ConflictError` (HTTP 409), never a storage error (500).

Both pass the "does it exist?" check before either has committed; the database's unique
constraint stops the second. On PostgreSQL the second waits on the first's index entry and
then fails its insert; on SQLite it waits for the write lock and then finds the first's row.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import psycopg
import pytest
from registry_support import NOW, TOOL, USCC_OTHER, USCC_TOOLMAKER, keyring, register
from sqlalchemy.engine import make_url

from shenhe import Screener
from shenhe.adapters.db import Database, SqlUnitOfWork
from shenhe.api.errors import STATUSES
from shenhe.domain.apps import AppContent, AppStatus
from shenhe.services import apps, principals
from shenhe.services.errors import ConflictError
from shenhe.services.rules import Rules


def wait_until_blocked(database: Database) -> None:
    """On PostgreSQL, until another session waits on a lock (the racing insert)."""
    if database.backend != "postgresql":
        return
    url = make_url(str(database.engine.url)).set(drivername="postgresql")
    dsn = url.render_as_string(hide_password=False)
    deadline = time.monotonic() + 30
    with psycopg.connect(dsn, autocommit=True) as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            ).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the racing transaction never waited on the first one")


def race(
    database: Database, first: Callable[[SqlUnitOfWork], object], second: Callable[[], object]
) -> BaseException | None:
    """Run `first` in an open transaction, start `second` meanwhile, then commit `first`;
    what `second` raised."""
    failures: list[BaseException] = []

    def racing() -> None:
        try:
            second()
        except BaseException as exc:  # handed to the test
            failures.append(exc)

    uow = database.unit_of_work()
    with uow:
        first(uow)
        thread = threading.Thread(target=racing)
        thread.start()
        wait_until_blocked(database)
        uow.commit()
    thread.join(60)
    return failures[0] if failures else None


def test_the_same_appid_at_the_same_moment(database: Database, default_screener: Screener) -> None:
    rules = Rules(default_screener)
    owner = register(
        database.unit_of_work(), "enterprise", "福州某某科技有限公司", uscc=USCC_TOOLMAKER
    )
    command = apps.SubmitApp(appid="wxsame", principal_id=owner.id, **TOOL)
    failure = race(
        database,
        lambda uow: apps.submit(uow, command, rules, now=NOW),
        lambda: apps.submit_app(command, database.unit_of_work(), rules, now=NOW),
    )
    assert isinstance(failure, ConflictError), failure
    assert "appid" in str(failure) and STATUSES[ConflictError] == 409


def test_the_same_principal_at_the_same_moment(database: Database) -> None:
    command = principals.RegisterPrincipal(
        "enterprise", "深圳某某信息技术有限公司", uscc=USCC_OTHER
    )
    failure = race(
        database,
        lambda uow: principals.find_or_register(uow, command, keyring(), now=NOW),
        lambda: principals.register_principal(command, database.unit_of_work(), keyring(), now=NOW),
    )
    assert failure is None or isinstance(failure, ConflictError), failure
    if failure is not None:
        assert "credit code" in str(failure)


@pytest.mark.parametrize("field", ["appid", "uscc"])
def test_a_unique_constraint_is_a_conflict(uow: SqlUnitOfWork, field: str) -> None:
    """The translation itself, on both backends: the second insert of a key in one
    transaction leaves the unit of work as a `ConflictError` naming what was taken."""
    taken = "appid" if field == "appid" else "credit code"
    with pytest.raises(ConflictError, match=taken), uow:
        owner = uow.principals.add(
            kind="enterprise", name="某某", uscc=USCC_OTHER, id_number=None, at=NOW
        )
        if field == "uscc":
            uow.principals.add(
                kind="enterprise", name="某某", uscc=USCC_OTHER, id_number=None, at=NOW
            )
        content = AppContent(TOOL["name"], TOOL["description"], TOOL["pages"], "tools")
        for offset in range(2):
            uow.apps.add(
                appid="wxsame",
                principal_id=owner.id,
                content=content,
                status=AppStatus.LISTED,
                at=NOW + timedelta(seconds=offset),
            )
