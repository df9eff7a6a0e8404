"""``shenhe demo seed``: fill the configured database with a demo registry.

The apps come from `shenhe.services.demo` (the same ``--apps`` and ``--seed``, the same
registry) and are imported as ``shenhe apps import`` would, one transaction per app, then the
renames after approval are applied as changes, and when no service agreement is published a
sample one (``data/demo_agreement.md``, version ``demo-1``) is, so accounts can post. A
registry that holds apps already is refused unless ``--force``; ``--if-empty`` skips it
silently instead (what ``make run`` does on every start). At the end: the apps by status and
the decisions by outcome, or with ``--json`` one object ``{"seeded", "skipped", "apps",
"apps_by_status", "decisions_by_outcome", "seconds"}``.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from importlib import resources
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shenhe.bootstrap import (
    build_database,
    build_keyring,
    build_rules,
    build_screener,
    build_unit_of_work,
)
from shenhe.cli.db import DatabaseOption, database_settings
from shenhe.cli.errors import reporting
from shenhe.cli.options import JsonOption
from shenhe.services.agreements import publish_first_agreement
from shenhe.services.apps import Decided
from shenhe.services.demo import RegistryCounts, demo_registry, registry_counts, seed_demo
from shenhe.services.errors import ConflictError

DEMO_AGREEMENT_VERSION = "demo-1"
"""The version of the sample service agreement a seed publishes when none is published."""

app = typer.Typer(help="A demo registry to try Shenhe on.", no_args_is_help=True)


@app.callback()
def demo() -> None:
    """A demo registry to try Shenhe on."""


@app.command()
def seed(
    apps: Annotated[int, typer.Option("--apps", min=1, help="How many apps to generate.")] = 5000,
    seed: Annotated[
        int, typer.Option("--seed", help="The random seed; the same seed, the same apps.")
    ] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Seed even a registry that holds apps already.")
    ] = False,
    if_empty: Annotated[
        bool,
        typer.Option("--if-empty", help="Seed only an empty registry; otherwise do nothing."),
    ] = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Generate a realistic registry (clean apps, licensed lenders, disguised loan apps,
    diversion, counterfeits, porn, clones, brand imitations, renames after approval) and
    decide every app of it."""
    with reporting():
        settings = database_settings(database)
        with build_database(settings) as db:
            before = registry_counts(build_unit_of_work(db, read_only=True))
            if not before.empty and not force:
                if if_empty:
                    if as_json:
                        typer.echo(json.dumps({"seeded": 0, "skipped": True, **before.to_dict()}))
                    return
                raise ConflictError(
                    f"{db} holds {sum(before.apps.values())} apps already; seed an empty "
                    "database, or pass --force to add the demo apps to these"
                )
            rules = build_rules(settings, build_screener(settings))
            keyring = build_keyring(settings)
            registry = demo_registry(apps, seed=seed)
            total = len(registry.apps) + len(registry.renames)
            started = time.perf_counter()
            with Progress(
                TextColumn("seeding"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                disable=as_json,
                transient=True,
            ) as progress:
                task = progress.add_task("seed", total=total)

                def advance(_: Decided) -> None:
                    progress.advance(task)

                seed_demo(
                    build_unit_of_work(db),
                    rules,
                    keyring,
                    registry,
                    now=datetime.now(UTC),
                    progress=advance,
                )
            publish_first_agreement(
                build_unit_of_work(db),
                version=DEMO_AGREEMENT_VERSION,
                body=resources.files("shenhe")
                .joinpath("data", "demo_agreement.md")
                .read_text("utf-8"),
                now=datetime.now(UTC),
            )
            seconds = round(time.perf_counter() - started, 2)
            after = registry_counts(build_unit_of_work(db, read_only=True))
    if as_json:
        summary = {"seeded": total, "skipped": False, **after.to_dict(), "seconds": seconds}
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    _print_summary(after, total, seconds)


def _print_summary(counts: RegistryCounts, decided: int, seconds: float) -> None:
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"seeded: {decided} decisions in {seconds} s")
    statuses = Table("status", "apps", title="apps by status")
    for status, count in sorted(counts.apps.items(), key=lambda item: -item[1]):
        statuses.add_row(status, str(count))
    outcomes = Table("outcome", "decisions", title="decisions by outcome")
    for outcome, count in sorted(counts.decisions.items(), key=lambda item: -item[1]):
        outcomes.add_row(outcome, str(count))
    console.print(statuses, outcomes)
