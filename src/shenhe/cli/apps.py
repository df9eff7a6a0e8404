"""``shenhe apps import`` and ``shenhe apps show``: the app registry on the configured
database.

``import`` reads JSON lines (the format is in `shenhe.cli.app_lines`), one app a line, and
decides each as a new app or, when its appid is registered already, as a change. Each line is
its own transaction. For each app it prints one JSON line, ``{"appid", "status",
"reasons"}``; a bad line is reported on stderr with its line number and nothing of it is
stored, the others go on, and the exit status is then 1.

``show`` prints an app with its principal (the identity number masked), versions, decisions
and penalties. ``lift-expired`` lifts the penalties that have run their course.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from shenhe.bootstrap import (
    build_database,
    build_keyring,
    build_rules,
    build_screener,
    build_unit_of_work,
)
from shenhe.cli.app_lines import parse_line
from shenhe.cli.db import DatabaseOption
from shenhe.cli.errors import EXIT_ERROR, InputFileError, reporting
from shenhe.cli.options import JsonOption, LexiconOption, PolicyOption, settings_from
from shenhe.errors import ShenheError
from shenhe.services import history
from shenhe.services.expiry import lift_expired
from shenhe.services.history import AppReport
from shenhe.services.imports import import_app

app = typer.Typer(
    help="The app registry: import apps, show one, lift the penalties that have run out.",
    no_args_is_help=True,
)

STDIN = "-"


@app.command("import")
def import_(
    file: Annotated[
        str,
        typer.Argument(metavar="FILE.jsonl", help="JSON lines, one app a line; '-' reads stdin."),
    ],
    database: DatabaseOption = None,
    lexicon: LexiconOption = None,
    policy: PolicyOption = None,
    qualifications_verified: Annotated[
        bool,
        typer.Option(
            "--qualifications-verified",
            help="Take qualifications without a 'verified' field as verified (for a platform "
            "importing its own checked records). Default: unverified.",
        ),
    ] = False,
) -> None:
    """Decide every app of FILE: a new appid is a submission, a known one a change."""
    failed = 0
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    with reporting():
        settings = settings_from(database_url=database, lexicon_files=lexicon, policy_file=policy)
        rules = build_rules(settings, build_screener(settings))
        keyring = build_keyring(settings)
        with build_database(settings) as db, _lines(file) as stream:
            uow = build_unit_of_work(db)
            for number, raw in enumerate(stream, start=1):
                try:
                    text = raw.decode("utf-8")
                    if not text.strip():
                        continue
                    command = parse_line(text, verified_default=qualifications_verified)
                    decided = import_app(command, uow, rules, keyring, now=datetime.now(UTC))
                except (ShenheError, UnicodeDecodeError, ValueError) as exc:
                    failed += 1
                    message = _message(exc)
                    error = InputFileError(file, number, message)
                    errors.print(Text.assemble(("error: ", "bold red"), str(error)))
                    continue
                typer.echo(
                    json.dumps(
                        {
                            "appid": decided.app.appid,
                            "status": decided.app.status.value,
                            "reasons": list(decided.decision.reasons),
                        },
                        ensure_ascii=False,
                    )
                )
    if failed:
        errors.print(f"{failed} line{'' if failed == 1 else 's'} not imported")
        raise typer.Exit(EXIT_ERROR)


@app.command()
def show(
    appid: Annotated[str, typer.Argument(metavar="APPID", help="The app's id.")],
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Show an app: its principal, versions, decisions and penalties (PII masked)."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            report = history.app_report(appid, build_unit_of_work(db, read_only=True))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        Console(highlight=False).print(_view(report), soft_wrap=True)


@app.command("lift-expired")
def lift_expired_(
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Lift every penalty past its end and give the apps their status back (run it from cron;
    running it again lifts nothing more)."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            report = lift_expired(build_unit_of_work(db), now=datetime.now(UTC))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    restored = ", ".join(f"{appid} → {status}" for appid, status in report.restored.items())
    Console(highlight=False, soft_wrap=True).print(
        f"lifted {len(report.lifted)} penalties"
        + (f"; restored {restored}" if restored else "")
        + (f"; {len(report.unblacklisted)} blacklists ended" if report.unblacklisted else "")
    )


@contextmanager
def _lines(file: str) -> Iterator[Iterator[bytes]]:
    """The file's lines as bytes, decoded one by one so that one bad line stops nothing."""
    if file == STDIN:
        yield iter(sys.stdin.buffer)
        return
    try:
        stream = Path(file).open("rb")  # noqa: SIM115 - closed by the `with` below
    except OSError as exc:
        raise InputFileError(file, 0, f"cannot be read: {exc.strerror}") from None
    with stream:
        yield iter(stream)


def _message(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"is not UTF-8 (byte {exc.start})"
    return str(exc)


def _view(report: AppReport) -> Group:
    app, principal = report.app, report.principal
    head = Text.assemble(
        (app.appid, "bold"),
        f"  {app.content.name}  ",
        (app.status.value, "bold green" if app.status.live else "bold red"),
        f"  {app.content.category}, version {app.version}",
    )
    who = Text(
        f"principal {principal.id}: {principal.name} ({principal.kind}, {principal.identity})"
        + ("  BLACKLISTED" if principal.blacklisted else "")
    )
    decisions = Table("version", "kind", "outcome", "reasons", "at", title="decisions")
    for decision in report.decisions:
        decisions.add_row(
            str(decision.version),
            decision.kind,
            decision.outcome,
            Text(", ".join(decision.reasons) or "-"),
            decision.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    actions = Table("rung", "step", "actor", "reasons", "expires", "lifted", title="enforcement")
    for record in report.enforcement:
        actions.add_row(
            record.rung.value,
            record.step,
            Text(record.actor),
            Text(", ".join(record.reasons)),
            "never" if record.expires_at is None else record.expires_at.strftime("%Y-%m-%d"),
            "-" if record.lifted_at is None else record.lifted_at.strftime("%Y-%m-%d"),
        )
    return Group(head, who, decisions, actions)
