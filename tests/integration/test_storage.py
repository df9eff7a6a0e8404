"""Storage on SQLite and PostgreSQL: migrations, the engine's settings, the unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shenhe.adapters.db import Database, create_engine, current, database_url, head, upgrade
from shenhe.adapters.db.schema import (
    AppRow,
    AppVersionRow,
    AuditChainRow,
    Base,
    DecisionRow,
    EnforcementActionRow,
    PrincipalRow,
    QualificationRow,
    StrikeRow,
    SweepItemRow,
    SweepRunRow,
)
from shenhe.adapters.db.search import include_name, is_index_table
from shenhe.bootstrap import build_database, build_unit_of_work
from shenhe.config import Settings
from shenhe.domain.audit import GENESIS_HASH, ChainState, Subject
from shenhe.services import audit
from shenhe.services.errors import StorageError

NOW = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
TABLES = {
    "principals",
    "qualifications",
    "apps",
    "app_versions",
    "decisions",
    "enforcement_actions",
    "strikes",
    "sweep_runs",
    "sweep_items",
    "clone_prints",
    "clone_bands",
    "audit_log",
    "audit_chain",
    "alembic_version",
}
TABLES |= {  # migration 0005: the front, agreements, posting, credit and complaints
    "agreements",
    "agreement_acceptances",
    "profiles",
    "credit_events",
    "posts",
    "report_cases",
    "reports",
}
TABLES |= {"accounts", "account_pii", "otp_codes", "identity_blacklist", "operators"}
TABLES |= {"pii_rotations"}  # the accounts of issue 5 (migration 0004)


def principal(**fields: object) -> PrincipalRow:
    values: dict[str, object] = {
        "kind": "enterprise",
        "name": "深圳市某某科技有限公司",
        "uscc": "91440300MA5FXXXX1X",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return PrincipalRow(**{**values, **fields})


# --- migrations ----------------------------------------------------------------------------


def test_upgrade_builds_the_schema_from_empty(database_url: str):
    assert current(database_url) is None
    assert upgrade(database_url) == head() == current(database_url)
    engine = create_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {name for name in tables if not is_index_table(name)} == TABLES
        assert "search_index" in tables
        with engine.connect() as connection:
            row = connection.execute(select(AuditChainRow.__table__)).one()
        assert tuple(row) == (1, 0, GENESIS_HASH, 0, GENESIS_HASH)
    finally:
        engine.dispose()
    assert upgrade(database_url) == head()  # a second upgrade changes nothing


def test_the_migrations_build_exactly_the_models(migrated_url: str):
    engine = create_engine(migrated_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_a_new_database_is_migrated_on_first_use_and_an_old_one_is_refused(database_url: str):
    with Database(database_url) as database:
        build_unit_of_work(database)
        assert database.revision() == head()
    with Database(database_url) as database:
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
        with pytest.raises(StorageError, match=r"revision 0000.*run `shenhe db upgrade`"):
            build_unit_of_work(database)
        with database.engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
        with pytest.raises(StorageError, match=r"revision none.*run `shenhe db upgrade`"):
            build_unit_of_work(database)  # tables, but not Shenhe's migrations: left alone


def test_bootstrap_builds_the_database_of_the_settings(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'nested' / 'folder' / 'shenhe.db'}"
    with build_database(Settings(database_url=url)) as database:
        audit.record(
            build_unit_of_work(database),
            actor="system",
            action="test.ping",
            subject=Subject("test", "1"),
            payload={},
            at=NOW,
        )
    assert (tmp_path / "nested" / "folder" / "shenhe.db").exists()


# --- the engine ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/shenhe", "postgresql+psycopg://u:***@db:5432/shenhe"),
        ("postgres://u@db/shenhe", "postgresql+psycopg://u@db/shenhe"),
        ("postgresql+psycopg://u@db/shenhe", "postgresql+psycopg://u@db/shenhe"),
        ("sqlite:///var/shenhe.db", "sqlite:///var/shenhe.db"),
    ],
)
def test_urls_are_normalised(given: str, expected: str):
    assert database_url(given).render_as_string(hide_password=True) == expected


@pytest.mark.parametrize("url", ["mysql://u@db/shenhe", "not a url", "oracle://db"])
def test_other_databases_are_refused(url: str):
    with pytest.raises(StorageError, match="SHENHE_DATABASE_URL"):
        database_url(url)


def _pragma(engine: Engine, name: str) -> object:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'db' / 'shenhe.db'}")
    try:
        assert _pragma(engine, "journal_mode") == "wal"
        assert _pragma(engine, "foreign_keys") == 1
        assert int(str(_pragma(engine, "busy_timeout"))) >= 5000
    finally:
        engine.dispose()


def test_foreign_keys_and_checks_are_enforced(database: Database):
    orphan = AppRow(
        appid="wx0000000000000001",
        principal_id=999,
        name="好借",
        category="tools",
        status="listed",
        created_at=NOW,
        updated_at=NOW,
    )
    for row in (
        orphan,
        principal(kind="company"),
        principal(uscc=None),
        principal(kind="individual", uscc=None, id_number_masked="110***********0078"),
    ):
        with Session(database.engine) as session, pytest.raises(IntegrityError):
            session.add(row)
            session.flush()


def test_a_whole_case_round_trips(database: Database):
    """A principal, its licence, an app, its version, a decision, a ban, a strike, a sweep."""
    sealed = "v1.k1.bm90LXJlYWxseS1hLXRva2Vu"
    with Session(database.engine) as session, session.begin():
        person = principal(
            kind="individual",
            uscc=None,
            id_number_sealed=sealed,
            id_number_index="a" * 64,
            id_number_masked="110***********0078",
        )
        session.add(person)
        session.flush()
        session.add(
            QualificationRow(
                principal_id=person.id,
                type="lending_licence",
                number="网贷-2024-0001",
                valid_until=date(2026, 12, 31),
                created_at=NOW,
            )
        )
        app = AppRow(
            appid="wx5f3c0a9e1b2d4c6e",
            principal_id=person.id,
            name="极速借款",
            description="无抵押，当天到账",
            category="tools",
            pages=["首页", "加微信 abc12345 了解"],
            status="listed",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(app)
        session.flush()
        session.add(
            AppVersionRow(
                app_id=app.id,
                version=1,
                name=app.name,
                category="tools",
                pages=app.pages,
                actor="developer",
                created_at=NOW,
            )
        )
        decision = DecisionRow(
            app_id=app.id,
            version=1,
            kind="sweep",
            outcome="reject",
            reasons=["lending.unlicensed"],
            evidence={"name": {"hits": [{"term": "借款", "start": 2, "end": 4}]}},
            actor="system",
            policy_version="2025.1",
            lexicon_version="sha256:ab12",
            created_at=NOW,
        )
        run = SweepRunRow(
            status="running",
            policy_version="2025.1",
            lexicon_version="sha256:ab12",
            actor="system",
            started_at=NOW,
        )
        session.add_all([decision, run])
        session.flush()
        ban = EnforcementActionRow(
            app_id=app.id,
            principal_id=person.id,
            decision_id=decision.id,
            sweep_run_id=run.id,
            rung="ban",
            reason_codes=["lending.unlicensed"],
            evidence=decision.evidence,
            actor="system",
            policy_version="2025.1",
            lexicon_version="sha256:ab12",
            created_at=NOW,
        )
        session.add(ban)
        session.flush()
        session.add_all(
            [
                StrikeRow(
                    principal_id=person.id,
                    app_id=app.id,
                    action_id=ban.id,
                    category="loan",
                    severity=3,
                    created_at=NOW,
                ),
                SweepItemRow(
                    run_id=run.id,
                    app_id=app.id,
                    outcome="enforced",
                    decision_id=decision.id,
                    action_id=ban.id,
                    screened_at=NOW,
                ),
            ]
        )
    with Session(database.engine) as session:
        stored = session.execute(select(AppRow)).scalar_one()
        assert stored.pages == ["首页", "加微信 abc12345 了解"] and stored.version == 1
        assert stored.created_at == NOW and stored.created_at.tzinfo is not None
        action = session.execute(select(EnforcementActionRow)).scalar_one()
        assert action.evidence["name"]["hits"][0]["term"] == "借款"
        assert action.expires_at is None and action.features == []
        who = session.execute(select(PrincipalRow)).scalar_one()
        assert (who.id_number_sealed, who.blacklisted) == (sealed, False)


# --- the unit of work ----------------------------------------------------------------------


def _principals(database: Database) -> int:
    with database.engine.connect() as connection:
        return len(connection.execute(select(PrincipalRow.id)).all())


def test_a_failure_inside_the_unit_of_work_leaves_nothing(database: Database):
    uow = database.unit_of_work()
    with pytest.raises(RuntimeError, match="crash"), uow:
        audit.append(
            uow, actor="system", action="test", subject=Subject("t", "1"), payload={}, at=NOW
        )
        raise RuntimeError("crash in the middle of a use case")
    with database.unit_of_work() as check:
        assert check.audit.chain() == ChainState()
        assert check.audit.get(1) is None


def test_leaving_without_commit_rolls_back_and_commit_keeps(database: Database):
    uow = database.unit_of_work()
    with uow:
        audit.append(uow, actor="a", action="x", subject=Subject("t", "1"), payload={}, at=NOW)
    with uow:  # the same unit of work, a new transaction
        assert uow.audit.chain().head_seq == 0
        audit.append(uow, actor="a", action="x", subject=Subject("t", "1"), payload={}, at=NOW)
        uow.commit()
    with uow:
        assert uow.audit.chain().head_seq == 1


def test_database_errors_become_storage_errors(database_url: str):
    with Database(database_url) as database:  # never migrated
        uow = database.unit_of_work()
        with pytest.raises(StorageError, match=r"not migrated.*shenhe db upgrade"), uow:
            uow.audit.chain()


def test_a_read_only_unit_of_work_cannot_write(database: Database):
    uow = database.unit_of_work(read_only=True)
    with pytest.raises(StorageError), uow:
        audit.append(uow, actor="a", action="x", subject=Subject("t", "1"), payload={}, at=NOW)
    assert _principals(database) == 0
