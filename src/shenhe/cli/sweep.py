"""``shenhe sweep``: re-screen every live app with the current lexicon and policy and punish
what has become a violation (`shenhe.services.sweep`).

A progress bar runs on stderr; at the end a summary table, or with ``--json`` one object,
``{"screened", "actions", "by_category", "principals_blacklisted"}``. ``--dry-run`` changes
nothing and reports what a sweep would do; ``--category loan`` acts only on loan content. A
sweep that was killed is resumed by the next one with the same settings.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from shenhe.bootstrap import build_database, build_rules, build_screener, build_unit_of_work
from shenhe.cli.db import DatabaseOption
from shenhe.cli.errors import reporting
from shenhe.cli.options import JsonOption, LexiconOption, PolicyOption, settings_from
from shenhe.domain.sweeps import SweepSummary
from shenhe.services.sweep import DEFAULT_BATCH_SIZE, Sweep
from shenhe.services.sweep import sweep as run_sweep


class _Bar:
    """`SweepProgress` as a rich progress bar."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def start(self, total: int) -> None:
        self._task = self._progress.add_task("sweeping", total=total)

    def advance(self, count: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, count)


def sweep(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Change nothing; report what would be done.")
    ] = False,
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            metavar="CATEGORY",
            help="Act only on content of this screening category (loan, porn, diversion, ...).",
        ),
    ] = None,
    as_json: JsonOption = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Apps screened together.")
    ] = DEFAULT_BATCH_SIZE,
    database: DatabaseOption = None,
    lexicon: LexiconOption = None,
    policy: PolicyOption = None,
) -> None:
    """Re-screen every listed, warned or restricted app and apply the penalties it now calls
    for; running it again right after does nothing more."""
    command = Sweep(category=category, dry_run=dry_run, batch_size=batch_size)
    errors = Console(stderr=True)
    with reporting():
        settings = settings_from(database_url=database, lexicon_files=lexicon, policy_file=policy)
        rules = build_rules(settings, build_screener(settings))
        with (
            build_database(settings) as db,
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=errors,
                transient=True,
            ) as bar,
        ):
            summary = run_sweep(
                command, build_unit_of_work(db), rules, now=datetime.now(UTC), progress=_Bar(bar)
            )
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        Console(highlight=False).print(_table(summary))


def _table(summary: SweepSummary) -> Table:
    title = "sweep (dry run: nothing changed)" if summary.dry_run else "sweep"
    table = Table("", "count", title=title, title_justify="left")
    table.add_row("screened", str(summary.screened))
    for rung, count in sorted(summary.actions.items()):
        table.add_row(Text(f"action: {rung}"), str(count))
    for category, count in sorted(summary.by_category.items()):
        table.add_row(Text(f"category: {category}"), str(count))
    table.add_row("principals blacklisted", str(summary.principals_blacklisted))
    return table
