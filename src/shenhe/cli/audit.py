"""``shenhe audit verify`` and ``shenhe audit purge``: the hash-chained audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from shenhe.bootstrap import build_database, build_unit_of_work
from shenhe.cli.db import DatabaseOption, database_settings
from shenhe.cli.errors import EXIT_ERROR, reporting
from shenhe.cli.options import JsonOption, setting_help
from shenhe.services import audit as audit_log

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command()
def verify(database: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """Check the hash chain: exit 0 when intact, 1 naming the first broken record."""
    with reporting(), build_database(database_settings(database)) as db:
        result = audit_log.verify(build_unit_of_work(db, read_only=True))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    elif result.ok:
        state = result.state
        line = f"audit chain intact: {result.records} record{'' if result.records == 1 else 's'}"
        if result.records:
            line += f" ({state.anchor_seq + 1} to {state.head_seq})"
        if state.anchor_seq:
            line += f" (older ones purged up to {state.anchor_seq})"
        if state.head_seq:
            line += f"; head hash {state.head_hash}"
        Console(highlight=False).print(line, soft_wrap=True)
    else:
        Console(stderr=True, highlight=False).print(
            Text.assemble(
                ("error: ", "bold red"),
                f"audit chain broken at record {result.first_broken_seq}: {result.reason} "
                f"({result.records} records verified before it)",
            ),
            soft_wrap=True,
        )
    if not result.ok:
        raise typer.Exit(EXIT_ERROR)


@app.command()
def purge(
    database: DatabaseOption = None,
    retention_days: Annotated[
        int | None,
        typer.Option(help=setting_help("audit_retention_days"), show_default=False),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be purged; change nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Delete the audit records older than the retention, keeping the chain verifiable."""
    with reporting():
        settings = database_settings(database).with_overrides(audit_retention_days=retention_days)
        with build_database(settings) as db:
            result = audit_log.purge(
                build_unit_of_work(db),
                retention_days=settings.audit_retention_days,
                now=datetime.now(UTC),
                dry_run=dry_run,
            )
    if as_json:
        typer.echo(json.dumps(result.to_dict()))
        return
    verb = "would purge" if dry_run else "purged"
    through = f" (records up to {result.through_seq})" if result.through_seq else ""
    cutoff = result.cutoff.strftime("%Y-%m-%d %H:%M:%S UTC")
    Console(highlight=False).print(
        f"{verb} {result.purged} records made before {cutoff}{through}", soft_wrap=True
    )
