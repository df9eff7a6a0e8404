"""Every use case of the registry is one transaction, on SQLite and PostgreSQL: a crash after
the decision (or the penalty) is written leaves the old state, whole. And what is refused
leaves nothing behind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from registry_support import (
    ID_NUMBER,
    NOW,
    TOOL,
    USCC_OTHER,
    USCC_TOOLMAKER,
    Crash,
    audit_records,
    change,
    keyring,
    register,
    row_counts,
    submit,
)

from shenhe import Screener
from shenhe.adapters.db import Database, SqlDecisions, SqlEnforcement, SqlUnitOfWork
from shenhe.adapters.db.schema import (
    AppRow,
    AppVersionRow,
    DecisionRow,
    EnforcementActionRow,
    PrincipalRow,
    StrikeRow,
)
from shenhe.domain.apps import AppStatus
from shenhe.domain.errors import CategoryError, IdentityError, SubmissionError
from shenhe.services import audit, history, principals
from shenhe.services.errors import ConflictError, NotFoundError
from shenhe.services.imports import ImportApp, import_app
from shenhe.services.principals import RegisterPrincipal
from shenhe.services.rules import Rules

TABLES = (PrincipalRow, AppRow, AppVersionRow, DecisionRow, EnforcementActionRow, StrikeRow)


@pytest.fixture
def rules(default_screener: Screener) -> Rules:
    return Rules(default_screener)


def counts(database: Database) -> dict[str, int]:
    return row_counts(database, *TABLES)


def crash_after(monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> None:
    """Make `cls.name` do its work, then raise."""
    original = getattr(cls, name)

    def crashing(self: Any, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)
        raise Crash(f"injected after {cls.__name__}.{name}")

    monkeypatch.setattr(cls, name, crashing)


def test_a_crash_after_the_decision_leaves_nothing(
    uow: SqlUnitOfWork, database: Database, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    before, head = counts(database), audit.verify(database.unit_of_work()).state
    crash_after(monkeypatch, SqlDecisions, "add")
    with pytest.raises(Crash):
        submit(uow, rules, "wxtool", company, **TOOL)
    assert counts(database) == before
    assert audit.verify(database.unit_of_work()).state == head


def test_a_crash_in_the_penalty_leaves_the_old_state(
    uow: SqlUnitOfWork, database: Database, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    submit(uow, rules, "wxtool", company, **TOOL)
    before, head = counts(database), audit.verify(database.unit_of_work()).state
    crash_after(monkeypatch, SqlEnforcement, "add_strike")
    with pytest.raises(Crash):
        change(uow, rules, "wxtool", name="极速贷", at=NOW + timedelta(days=1))
    assert counts(database) == before
    assert audit.verify(database.unit_of_work()).state == head
    app = history.get_app("wxtool", database.unit_of_work())
    assert (app.status, app.version, app.content.name) == (AppStatus.LISTED, 1, "记账小助手")
    assert not principals.get_principal(company.id, database.unit_of_work()).blacklisted


def test_re_registering_finds_the_principal(uow: SqlUnitOfWork, database: Database) -> None:
    first = principals.register_principal(
        RegisterPrincipal("individual", "张三", id_number=ID_NUMBER), uow, keyring(), now=NOW
    )
    again = principals.register_principal(
        RegisterPrincipal("individual", "张叁", id_number=ID_NUMBER.lower()),
        uow,
        keyring(),
        now=NOW,
    )
    assert first.created and not again.created
    assert again.principal.id == first.principal.id and again.principal.name == "张三"
    assert [r.action for r in audit_records(database.unit_of_work())] == ["principal.register"]


@pytest.mark.parametrize(
    ("command", "error", "field"),
    [
        (
            RegisterPrincipal("enterprise", "某公司", uscc="91350100M000100Y44"),
            IdentityError,
            "uscc",
        ),
        (RegisterPrincipal("enterprise", "某公司"), IdentityError, "uscc"),
        (
            RegisterPrincipal("individual", "张三", id_number="11010519491231002Y"),
            IdentityError,
            "id_number",
        ),
        (RegisterPrincipal("individual", "张三", uscc=USCC_OTHER), SubmissionError, "uscc"),
        (RegisterPrincipal("enterprise", " ", uscc=USCC_OTHER), SubmissionError, "name"),
        (RegisterPrincipal("partnership", "某合伙", uscc=USCC_OTHER), SubmissionError, "kind"),
    ],
)
def test_a_bad_principal_is_refused_naming_the_field(
    uow: SqlUnitOfWork, database: Database, command: RegisterPrincipal, error: type, field: str
) -> None:
    before = counts(database)
    with pytest.raises(error) as raised:
        principals.register_principal(command, uow, keyring(), now=NOW)
    assert raised.value.field == field
    assert "11010519491231002" not in str(raised.value)
    assert counts(database) == before


def test_conflicts_and_unknowns(uow: SqlUnitOfWork, database: Database, rules: Rules) -> None:
    company = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    submit(uow, rules, "wxtool", company, **TOOL)
    before = counts(database)
    with pytest.raises(ConflictError, match="'wxtool' is taken"):
        submit(uow, rules, "wxtool", company, **TOOL)
    with pytest.raises(NotFoundError, match="no principal '999'"):
        submit(uow, rules, "wxother", company.__class__(999, "enterprise", "x"), **TOOL)
    with pytest.raises(NotFoundError, match="no app 'wxnone'"):
        change(uow, rules, "wxnone", name="x")
    with pytest.raises(CategoryError, match="'casino'"):
        submit(uow, rules, "wxcasino", company, **{**TOOL, "category": "casino"})
    with pytest.raises(SubmissionError) as raised:
        submit(uow, rules, "wx bad id", company, **TOOL)
    assert raised.value.field == "appid"
    assert counts(database) == before


def test_an_import_line_is_one_transaction(
    uow: SqlUnitOfWork, database: Database, rules: Rules
) -> None:
    register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    submit(uow, rules, "wxtool", register(uow, "enterprise", "x", uscc=USCC_TOOLMAKER), **TOOL)
    before = counts(database)
    stranger = RegisterPrincipal("enterprise", "另一家公司", uscc=USCC_OTHER)
    with pytest.raises(ConflictError, match="belongs to another principal"):
        import_app(ImportApp("wxtool", "极速贷", "tools", stranger), uow, rules, keyring(), now=NOW)
    with pytest.raises(CategoryError):
        import_app(ImportApp("wxnew", "好运", "casino", stranger), uow, rules, keyring(), now=NOW)
    assert counts(database) == before  # the stranger was not registered either
