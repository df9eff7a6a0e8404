"""Engines for the database URL: SQLite (WAL, foreign keys, a busy timeout) or PostgreSQL.

``sqlite:///var/shenhe.db`` (the default) is a file, created with its folder on first use.
``postgresql://`` and ``postgres://`` URLs are given the psycopg 3 driver
(``postgresql+psycopg://``). Any other database is refused.

SQLite connections are set up as they open: ``journal_mode=WAL`` (readers do not block the
writer), ``foreign_keys=ON`` and a busy timeout. Transactions start with ``BEGIN IMMEDIATE``,
which takes the write lock at once, so two writers queue up (for at most the busy timeout)
instead of failing when one upgrades its read to a write. Read-only units of work (execution
option `READ_ONLY`) start with a plain ``BEGIN`` under ``query_only``: a snapshot that blocks
no one and cannot write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError

from shenhe.services.errors import StorageError

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another one to finish before giving up."""
READ_ONLY = "shenhe_read_only"
"""Execution option of connections that only read (a deferred BEGIN on SQLite)."""


def database_url(raw: str | URL) -> URL:
    """`raw` parsed and normalised (psycopg 3 for PostgreSQL); other databases are refused."""
    try:
        url = raw if isinstance(raw, URL) else make_url(raw)
    except ArgumentError:
        raise StorageError(
            "SHENHE_DATABASE_URL is not a database URL: use sqlite:///path/to/shenhe.db or "
            "postgresql://user:password@host:5432/name"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(
            f"SHENHE_DATABASE_URL names the unsupported database {url.get_backend_name()!r}: "
            "Shenhe runs on SQLite (sqlite:///path) and PostgreSQL (postgresql://...)"
        )
    return url


def shown(url: URL) -> str:
    """`url` as it may be printed: the password hidden."""
    return url.render_as_string(hide_password=True)


def create_engine(raw: str | URL) -> Engine:
    """An engine for `raw` (see `database_url`), set up for its backend. Connects lazily."""
    url = database_url(raw)
    options: dict[str, Any] = {"hide_parameters": True}
    if url.get_backend_name() == "sqlite":
        _make_folder(url)
        engine = sqlalchemy.create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sqlalchemy.create_engine(url, pool_pre_ping=True, **options)


def _make_folder(url: URL) -> None:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take BEGIN away from the sqlite3 module: `_sqlite_begin` emits it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL still commits atomically and survives a crash of the process; a
        # power cut may lose the last commits (the database is then at an older, whole state).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    if connection.get_execution_options().get(READ_ONLY, False):
        connection.exec_driver_sql("PRAGMA query_only=ON")
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("PRAGMA query_only=OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
