"""``shenhe search``: search the apps behind the search gate, or rebuild the search index."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from shenhe.bootstrap import build_database, build_screener, build_unit_of_work
from shenhe.cli.db import DatabaseOption, database_settings
from shenhe.cli.errors import reporting
from shenhe.cli.options import JsonOption
from shenhe.domain.search import SearchResult
from shenhe.services import search as search_service
from shenhe.services.search import DEFAULT_LIMIT, MAX_LIMIT, RebuildReport
from shenhe.services.unit_of_work import UnitOfWork


def search(
    query: Annotated[
        str | None,
        typer.Argument(
            metavar="QUERY", help="What to search for: words or an app's name.", show_default=False
        ),
    ] = None,
    as_json: JsonOption = False,
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", min=1, max=MAX_LIMIT, help="The most apps to show."),
    ] = DEFAULT_LIMIT,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Rebuild the search index from every app first (after `shenhe db upgrade`, "
            "or to repair it); safe to run again.",
        ),
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Search the listed apps as users do: queries the search surface blocks find nothing."""
    if query is None and not rebuild:
        raise typer.BadParameter("give a QUERY to search for, or --rebuild", param_hint="QUERY")
    with reporting():
        settings = database_settings(database)
        with build_database(settings) as db:
            uow = build_unit_of_work(db)
            if rebuild:
                report, seconds = _rebuild(uow)
                if query is None:
                    _print_rebuild(report, seconds, as_json=as_json)
                    return
            assert query is not None
            result = search_service.search_apps(
                build_unit_of_work(db, read_only=True),
                build_screener(settings),
                query,
                limit=limit,
            )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _print_result(result)


def _rebuild(uow: UnitOfWork) -> tuple[RebuildReport, float]:
    started = time.perf_counter()
    console = Console(stderr=True)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("indexing apps: {task.completed}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with progress:
        task = progress.add_task("rebuild", total=None)
        report = search_service.rebuild_search(
            uow, progress=lambda count: progress.advance(task, count)
        )
    return report, time.perf_counter() - started


def _print_rebuild(report: RebuildReport, seconds: float, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({**report.to_dict(), "seconds": round(seconds, 3)}))
        return
    Console(highlight=False).print(
        f"search index rebuilt: {report.indexed} of {report.apps} apps may be found "
        f"({report.batches} batch{'' if report.batches == 1 else 'es'}, {seconds:.1f} s)",
        soft_wrap=True,
    )


def _print_result(result: SearchResult) -> None:
    console = Console(highlight=False)
    if result.blocked:
        console.print(
            Text.assemble(("blocked", "bold red"), f": {result.reason}; no results"),
            soft_wrap=True,
        )
        return
    if not result.results:
        console.print("no apps found", soft_wrap=True)
        return
    table = Table("#", "appid", "name", "score")
    for rank, hit in enumerate(result.results, 1):
        table.add_row(str(rank), hit.appid, Text(hit.name), f"{hit.score:.4g}")
    console.print(table)
