"""``shenhe agreements publish|list|show``: the service agreement's versions.

``publish FILE --version V`` makes the text of FILE (UTF-8; Markdown is fine) the current
version: every account must accept it before it publishes again. The title is ``--title``
or the file's first line.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shenhe.bootstrap import build_database, build_unit_of_work
from shenhe.cli.db import DatabaseOption, database_settings
from shenhe.cli.errors import InputFileError, reporting
from shenhe.services import agreements

app = typer.Typer(help="Service agreements every account must accept.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command()
def publish(
    file: Annotated[Path, typer.Argument(help="The agreement's text (UTF-8).")],
    version: Annotated[str, typer.Option(help="The version's label: 2026-11, v3 ...")],
    title: Annotated[
        str | None, typer.Option(help="The title; the file's first line when not given.")
    ] = None,
    actor: Annotated[str, typer.Option(help="Who publishes it, for the audit log.")] = "cli",
    database: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Publish a new version; from now on every account must accept it before posting."""
    with reporting():
        try:
            body = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputFileError(str(file), 0, f"cannot read the agreement: {exc}") from exc
        with build_database(database_settings(database)) as db:
            agreement = agreements.publish_agreement(
                build_unit_of_work(db),
                version=version,
                title=title,
                body=body,
                actor=actor,
                now=datetime.now(UTC),
            )
    if as_json:
        typer.echo(json.dumps(agreement.to_dict(with_body=False), ensure_ascii=False))
    else:
        typer.echo(
            f"published agreement {agreement.version}: {agreement.title} ({agreement.sha256[:12]})"
        )


@app.command("list")
def list_versions(database: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """Every published version, oldest first; the last is the current one."""
    with reporting(), build_database(database_settings(database)) as db:
        found = agreements.list_agreements(build_unit_of_work(db, read_only=True))
    if as_json:
        typer.echo(json.dumps([a.to_dict(with_body=False) for a in found], ensure_ascii=False))
        return
    table = Table("version", "title", "published", "sha256")
    for agreement in found:
        table.add_row(
            agreement.version,
            agreement.title,
            agreement.published_at.isoformat(timespec="seconds"),
            agreement.sha256[:12],
        )
    Console(highlight=False).print(table)


@app.command()
def show(database: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """The current version and its text."""
    with reporting(), build_database(database_settings(database)) as db:
        agreement = agreements.current_agreement(build_unit_of_work(db, read_only=True))
    if as_json:
        typer.echo(json.dumps(agreement.to_dict(), ensure_ascii=False))
    else:
        typer.echo(f"{agreement.version}: {agreement.title}\n\n{agreement.body}")
