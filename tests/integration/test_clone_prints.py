"""The clone prints of banned apps in storage, on SQLite and PostgreSQL: written with a ban,
deleted with its lift, found by band and by name, and printed by migration 0003 for the apps
a database had banned before it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from registry_support import LOAN_CLONE_DESCRIPTION, NOW, TOOL, USCC_TOOLMAKER
from sqlalchemy import text

from shenhe.adapters.db import Database, SqlUnitOfWork, upgrade
from shenhe.adapters.db.clones import CANDIDATES
from shenhe.domain.apps import AppContent, AppStatus
from shenhe.domain.clones import ClonePrint


def add_app(uow: SqlUnitOfWork, principal_id: int, appid: str, name: str, description: str) -> None:
    content = AppContent(name, description, (), "tools")
    uow.apps.add(
        appid=appid, principal_id=principal_id, content=content, status=AppStatus.LISTED, at=NOW
    )


def test_prints_follow_the_bans(uow: SqlUnitOfWork) -> None:
    with uow:
        owner = uow.principals.add(
            kind="enterprise", name="某某", uscc=USCC_TOOLMAKER, id_number=None, at=NOW
        )
        add_app(uow, owner.id, "wxloan", "极速贷", LOAN_CLONE_DESCRIPTION)
        add_app(uow, owner.id, "wxcalc", TOOL["name"], TOOL["description"])
        for index in range(CANDIDATES + 6):  # many banned apps with one pitch
            add_app(
                uow,
                owner.id,
                f"wxcopy{index}",
                f"好运{index}号",
                LOAN_CLONE_DESCRIPTION + str(index),
            )
        uow.commit()
    with uow:
        assert uow.clones.count() == 0
        uow.apps.set_status("wxloan", AppStatus.BANNED, at=NOW)
        for index in range(CANDIDATES + 6):
            uow.apps.set_status(f"wxcopy{index}", AppStatus.BANNED, at=NOW)
        uow.commit()
    copy = ClonePrint.of("闪电借", " ".join(LOAN_CLONE_DESCRIPTION))
    with uow:
        assert uow.clones.count() == CANDIDATES + 7
        found = uow.clones.candidates(copy)
        assert len(found) == CANDIDATES  # bounded, the most alike first
        assert "wxloan" in found and "wxcalc" not in found
        named = uow.clones.candidates(ClonePrint.of("急速贷", "新的文字"))  # a homophone name
        assert set(named) == {"wxloan"}
        assert set(uow.clones.of_apps(["wxloan", "wxcalc"])) == {"wxloan"}
        uow.apps.set_status("wxloan", AppStatus.LISTED, at=NOW)  # a lifted ban
        assert "wxloan" not in uow.clones.candidates(copy)
        assert uow.clones.count() == CANDIDATES + 6
        uow.commit()


def test_migration_0003_prints_the_apps_banned_before(database_url: str) -> None:
    upgrade(database_url, "0002")
    with Database(database_url) as database, database.engine.begin() as connection:
        now = datetime(2026, 1, 1, tzinfo=UTC)
        connection.execute(
            text(
                "INSERT INTO principals (id, kind, name, uscc, blacklisted, created_at, updated_at)"
                " VALUES (1, 'enterprise', '某某', :uscc, false, :now, :now)"
            ),
            {"now": now, "uscc": USCC_TOOLMAKER},
        )
        for app_id, appid, status in ((1, "wxloan", "banned"), (2, "wxcalc", "listed")):
            connection.execute(
                text(
                    "INSERT INTO apps (id, appid, principal_id, name, description, category, pages,"
                    " status, version, created_at, updated_at) VALUES (:id, :appid, 1, '极速贷',"
                    " :description, 'tools', :pages, :status, 1, :now, :now)"
                ),
                {
                    "id": app_id,
                    "appid": appid,
                    "description": LOAN_CLONE_DESCRIPTION,
                    "pages": json.dumps(["借款"]),
                    "status": status,
                    "now": now,
                },
            )
    upgrade(database_url)
    with Database(database_url) as database:
        uow = database.unit_of_work()
        with uow:
            stored = uow.clones.of_apps(["wxloan", "wxcalc"])
        assert set(stored) == {"wxloan"}
        assert stored["wxloan"] == ClonePrint.of("极速贷", LOAN_CLONE_DESCRIPTION, ["借款"])
