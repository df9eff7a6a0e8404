"""One database: its engine, its schema's revision, and units of work over it.

    with Database("sqlite:///var/shenhe.db") as database:
        database.upgrade()                          # or ensure_ready(), see below
        uow = database.unit_of_work()
        ...

Read-only units of work see one consistent snapshot and block no writer: a deferred
``BEGIN`` on SQLite, ``REPEATABLE READ, READ ONLY`` on PostgreSQL.
"""

from __future__ import annotations

from typing import Self

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import sessionmaker

from shenhe.adapters.db import migrate
from shenhe.adapters.db.engine import READ_ONLY, create_engine, database_url, shown
from shenhe.adapters.db.unit_of_work import SqlUnitOfWork
from shenhe.services.errors import StorageError


class Database:
    """The database at `url`, connected lazily; `dispose` (or leave the ``with``) when done."""

    def __init__(self, url: str | URL) -> None:
        self.url = database_url(url)
        self.engine: Engine = create_engine(self.url)
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        if self.backend == "sqlite":
            reader = self.engine.execution_options(**{READ_ONLY: True})
        else:
            reader = self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        self._reader = sessionmaker(reader, expire_on_commit=False)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.url.get_backend_name()

    def __str__(self) -> str:
        return shown(self.url)

    def unit_of_work(self, *, read_only: bool = False) -> SqlUnitOfWork:
        """A unit of work on this database (a snapshot that cannot write, if `read_only`)."""
        return SqlUnitOfWork(self._reader if read_only else self._writer)

    def revision(self) -> str | None:
        """The schema revision the database is at; None if it was never migrated."""
        return migrate.current(self.engine)

    @property
    def newest_revision(self) -> str:
        """The newest schema revision this Shenhe knows (what `upgrade` migrates to)."""
        return migrate.head()

    def upgrade(self, revision: str = "head") -> str | None:
        """Migrate the schema up to `revision`; the revision it is at afterwards."""
        return migrate.upgrade(self.engine, revision)

    def ensure_ready(self) -> None:
        """Make sure the schema is the one this Shenhe needs.

        A brand-new database (no tables at all) is migrated on the spot, so the embedded
        SQLite default needs no set-up; a database at another revision is refused, because
        changing the schema of existing data is a decision for `shenhe db upgrade`.
        """
        revision, wanted = self.revision(), self.newest_revision
        if revision == wanted:
            return
        if revision is None and migrate.is_empty(self.engine):
            self.upgrade()
            return
        raise StorageError(
            f"the database {self} is at schema revision {revision or 'none'}, and this "
            f"Shenhe needs {wanted}: run `shenhe db upgrade` (back it up first)"
        )

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.dispose()
