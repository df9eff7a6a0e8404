"""Alembic's environment for Shenhe: runs the migrations on the connection it is given.

`shenhe.adapters.db.migrate` passes an open connection in ``config.attributes["connection"]``
(so SQLite gets the same pragmas as everywhere else). From Alembic's own command line, give
the URL with ``-x url=...``; the engine is then made by `shenhe.adapters.db.engine`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from shenhe.adapters.db import accounts_schema as _accounts_schema  # noqa: F401 (its tables)
from shenhe.adapters.db.engine import create_engine
from shenhe.adapters.db.schema import Base
from shenhe.adapters.db.search import include_name

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("Shenhe's migrations run online only: give a database URL")
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("give the database URL: alembic -x url=sqlite:///var/shenhe.db ...")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            run(connection)
    finally:
        engine.dispose()


main()
