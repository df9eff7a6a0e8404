"""Databases for the storage tests: a SQLite file, and a real PostgreSQL for the session.

A test that takes `database_url` (an empty database) or `migrated_url` / `database` / `uow`
(a database at the newest schema) runs once per backend, ``[sqlite]`` and ``[postgresql]``.
PostgreSQL is started once per session by `pgserver` (its own binaries, no Docker) in a
temporary folder; every test gets a database of its own, cloned from a migrated template, and
dropped afterwards. Set ``TEST_POSTGRES_URL`` to use a server of your own instead (its user
must be allowed to create databases).
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from shenhe.adapters.db import Database, SqlUnitOfWork, upgrade

BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "shenhe_template"


def _with_database(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _admin(server_url: str, statement: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the ``postgres`` database of a PostgreSQL server running for the session."""
    external = os.environ.get("TEST_POSTGRES_URL")
    if external:
        yield external
        return
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (CI runners, root).
        warnings.simplefilter("ignore")
        import pgserver

    # As root, pgserver runs PostgreSQL as a `pgserver` user it creates, and opens the
    # folders on the way to the data directory to it; a short path keeps the socket legal.
    pgdata = tmp_path_factory.mktemp("pg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """The name of a database at the newest schema, to clone for each test (fast)."""
    _admin(postgres_server, f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
    _admin(postgres_server, f'CREATE DATABASE "{TEMPLATE}"')
    upgrade(_with_database(postgres_server, TEMPLATE))
    return TEMPLATE


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest schema, to copy for each test."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _postgres_database(request: pytest.FixtureRequest, template: str | None) -> Iterator[str]:
    server = request.getfixturevalue("postgres_server")
    name = f"test_{uuid.uuid4().hex[:16]}"
    clone = f' TEMPLATE "{template}"' if template else ""
    _admin(server, f'CREATE DATABASE "{name}"{clone}')
    try:
        yield _with_database(server, name)
    finally:
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shenhe.db'}"
    else:
        yield from _postgres_database(request, None)


@pytest.fixture(params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at the newest schema, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "shenhe.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        yield from _postgres_database(request, request.getfixturevalue("postgres_template"))


@pytest.fixture
def database(migrated_url: str) -> Iterator[Database]:
    """The `Database` of `migrated_url`, disposed after the test."""
    with Database(migrated_url) as database:
        yield database


@pytest.fixture
def uow(database: Database) -> SqlUnitOfWork:
    """A unit of work on `database`."""
    return database.unit_of_work()
