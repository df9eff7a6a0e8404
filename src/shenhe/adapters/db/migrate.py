"""Schema migrations, run from code: ``upgrade(url)``, ``current(url)``, ``head()``.

The Alembic scripts live in this package (``migrations/``), so they ship with Shenhe and need
no ``alembic.ini``. Each upgrade runs in one transaction (PostgreSQL and SQLite both have
transactional DDL), so a failed migration leaves the schema as it was.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.engine import URL

from shenhe.adapters.db.engine import READ_ONLY, create_engine
from shenhe.adapters.db.errors import translated
from shenhe.services.errors import StorageError

SCRIPTS = "shenhe.adapters.db:migrations"


def alembic_config() -> Config:
    """Alembic's configuration for Shenhe's migrations (no ini file)."""
    config = Config()
    config.set_main_option("script_location", SCRIPTS)
    return config


def head() -> str:
    """The newest revision the migrations know."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None, "the migrations have no head revision"
    return revision


def current(target: str | URL | Engine) -> str | None:
    """The revision the database is at; None when it was never migrated."""
    with _engine(target) as engine, translated(), _reading(engine) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_empty(target: str | URL | Engine) -> bool:
    """Whether the database has no tables at all (a new one)."""
    with _engine(target) as engine, translated(), _reading(engine) as connection:
        return not inspect(connection).get_table_names()


def upgrade(target: str | URL | Engine, revision: str = "head") -> str | None:
    """Migrate the database up to `revision` in one transaction; the revision it is now at."""
    with _engine(target) as engine:
        try:
            with translated(), engine.begin() as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except CommandError as exc:
            raise StorageError(f"cannot migrate to revision {revision!r}: {exc}") from None
        return current(engine)


def _reading(engine: Engine) -> Connection:
    """A connection for reads only (no write lock on SQLite)."""
    return engine.connect().execution_options(**{READ_ONLY: True})


class _engine:
    """The engine given, or one made for a URL and disposed after use."""

    def __init__(self, target: str | URL | Engine) -> None:
        self._owned = not isinstance(target, Engine)
        self._engine = create_engine(target) if not isinstance(target, Engine) else target

    def __enter__(self) -> Engine:
        return self._engine

    def __exit__(self, *_exc: object) -> None:
        if self._owned:
            self._engine.dispose()
