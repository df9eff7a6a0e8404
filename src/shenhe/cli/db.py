"""``shenhe db upgrade`` and ``shenhe db current``: the schema of the configured database."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from shenhe.bootstrap import build_database
from shenhe.cli.errors import reporting
from shenhe.cli.options import setting_help, settings_from
from shenhe.config import Settings

app = typer.Typer(
    help="The database SHENHE_DATABASE_URL names: migrate it, show its schema revision.",
    no_args_is_help=True,
)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        "-d",
        metavar="URL",
        help=setting_help("database_url"),
        show_default=False,
    ),
]


def database_settings(database: str | None) -> Settings:
    """The environment's settings, with ``--database`` on top when given."""
    return settings_from(database_url=database)


@app.command()
def upgrade(
    database: DatabaseOption = None,
    revision: Annotated[
        str, typer.Option(help="The schema revision to migrate to.", metavar="REVISION")
    ] = "head",
) -> None:
    """Migrate the database's schema (creating it in a new database), in one transaction."""
    with reporting(), build_database(database_settings(database)) as db:
        before = db.revision()
        after = db.upgrade(revision)
        where, newest = str(db), db.newest_revision
    console = Console(highlight=False, soft_wrap=True)
    if before == after:
        console.print(f"{where}: already at revision {after}{_newest(after, newest)}")
    else:
        console.print(
            f"{where}: migrated from {before or 'empty'} to {after}{_newest(after, newest)}"
        )


@app.command()
def current(database: DatabaseOption = None) -> None:
    """Show the database's schema revision and whether it is the newest."""
    with reporting(), build_database(database_settings(database)) as db:
        revision = db.revision()
        where, newest = str(db), db.newest_revision
    console = Console(highlight=False, soft_wrap=True)
    if revision is None:
        console.print(f"{where}: not migrated; run `shenhe db upgrade`")
    elif revision != newest:
        console.print(f"{where}: revision {revision}; run `shenhe db upgrade` for {newest}")
    else:
        console.print(f"{where}: revision {revision}{_newest(revision, newest)}")


def _newest(revision: str | None, newest: str) -> str:
    return " (the newest)" if revision == newest else ""
