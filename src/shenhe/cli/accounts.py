"""``shenhe accounts``: show, close (and blacklist), delete, reveal, re-verify accounts on the
database ``SHENHE_DATABASE_URL`` names, through the same use cases as the HTTP API.

Closing and deleting are recorded as done by ``cli:<user>`` (whoever can run this command can
reach the database). Revealing a clear value needs an operator token with the ``pii_reveal``
role (``--token`` or ``SHENHE_OPERATOR_TOKEN``; see ``shenhe operators add``), and each reveal
is an audit record.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shenhe.bootstrap import (
    build_account_policy,
    build_database,
    build_keyring,
    build_unit_of_work,
    build_verifier,
)
from shenhe.cli.db import DatabaseOption
from shenhe.cli.errors import reporting
from shenhe.cli.options import JsonOption, cli_actor, settings_from
from shenhe.domain.accounts import Account
from shenhe.domain.errors import SubmissionError
from shenhe.jobs.reverify import run_reverification
from shenhe.services import account_admin, accounts, operators, profiles, reverification

app = typer.Typer(
    help="Accounts: show, close and blacklist, suspend, delete, reveal a value, re-verify.",
    no_args_is_help=True,
)

TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="SHENHE_OPERATOR_TOKEN",
        help="An operator token with the pii_reveal role (or SHENHE_OPERATOR_TOKEN).",
        show_default=False,
    ),
]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why (goes into the audit log).", show_default=False)
]


def _now() -> datetime:
    return datetime.now(UTC)


@app.command()
def show(
    account_id: Annotated[int, typer.Argument(metavar="ID", help="The account's id.")],
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Show an account: its identity masked, its verification and publishing rights."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            account = accounts.get_account(account_id, build_unit_of_work(db, read_only=True))
    _print(account, as_json)


@app.command()
def close(
    account_id: Annotated[int, typer.Argument(metavar="ID", help="The account's id.")],
    reason: ReasonOption,
    blacklist: Annotated[
        bool, typer.Option("--blacklist", help="Bar the identity from registering again.")
    ] = False,
    days: Annotated[
        int | None,
        typer.Option("--days", min=1, help="Blacklist for N days (default: for good)."),
    ] = None,
    permanent: Annotated[bool, typer.Option("--permanent", help="Blacklist for good.")] = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Close an account; with --blacklist its identity cannot register again, whatever new
    name or mobile number it brings (for --days N, or for good)."""
    with reporting():
        now = _now()
        until = account_admin.blacklist_until(blacklist, days, permanent, now, option="--")
        settings = settings_from(database_url=database)
        command = account_admin.CloseAccount(account_id, reason, blacklist, until)
        with build_database(settings) as db:
            account = account_admin.close_account(
                command, build_unit_of_work(db), build_keyring(settings), actor=cli_actor(), now=now
            )
    _print(account, as_json)


@app.command()
def suspend(
    account_id: Annotated[int, typer.Argument(metavar="ID", help="The account's id.")],
    reason: ReasonOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Suspend an account: it may not publish until reinstated."""
    _suspend(account_id, reason, as_json, database, suspend=True)


@app.command()
def reinstate(
    account_id: Annotated[int, typer.Argument(metavar="ID", help="The account's id.")],
    reason: ReasonOption,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Reinstate a suspended account."""
    _suspend(account_id, reason, as_json, database, suspend=False)


def _suspend(
    account_id: int, reason: str, as_json: bool, database: str | None, *, suspend: bool
) -> None:
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            account = account_admin.suspend_account(
                account_id,
                reason,
                build_unit_of_work(db),
                actor=cli_actor(),
                now=_now(),
                suspend=suspend,
            )
    _print(account, as_json)


@app.command()
def delete(
    account_id: Annotated[int, typer.Argument(metavar="ID", help="The account's id.")],
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Delete an account: its identity is erased for good (its data key destroyed)."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            account = account_admin.delete_account(
                account_id,
                build_unit_of_work(db),
                actor=cli_actor(),
                now=_now(),
                extra_steps=profiles.DELETION_STEPS,
            )
    _print(account, as_json)


@app.command()
def reveal(
    account_id: Annotated[int, typer.Argument(metavar="ID", help="The account's id.")],
    field: Annotated[
        str, typer.Option("--field", help="name, id_number, mobile, uscc, responsible_*.")
    ],
    reason: ReasonOption,
    token: TokenOption = None,
    database: DatabaseOption = None,
) -> None:
    """Print one identity field in clear (role pii_reveal; an audit record)."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            who = operators.authenticate(token, build_unit_of_work(db, read_only=True))
            value = account_admin.reveal_account_value(
                account_id,
                field,
                reason,
                who,
                build_unit_of_work(db),
                build_keyring(settings),
                now=_now(),
            )
    typer.echo(value)


@app.command("reveal-principal")
def reveal_principal(
    principal_id: Annotated[int, typer.Argument(metavar="ID", help="The principal's id.")],
    reason: ReasonOption,
    token: TokenOption = None,
    database: DatabaseOption = None,
) -> None:
    """Print a principal's identity number in clear (role pii_reveal; an audit record)."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            who = operators.authenticate(token, build_unit_of_work(db, read_only=True))
            value = account_admin.reveal_principal_id_number(
                principal_id,
                reason,
                who,
                build_unit_of_work(db),
                build_keyring(settings),
                now=_now(),
            )
    typer.echo(value)


@app.command()
def reverify(
    account_id: Annotated[
        int | None, typer.Argument(metavar="[ID]", help="One account (else give --due).")
    ] = None,
    due: Annotated[
        bool, typer.Option("--due", help="Every account whose verification is due (定期核验).")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most accounts in one run.")] = (
        reverification.DEFAULT_LIMIT
    ),
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Verify identities again: one account, or those due (run it from cron, or let
    `shenhe.jobs.reverify` do it)."""
    with reporting():
        if (account_id is None) == (not due):
            raise SubmissionError("give an account ID or --due (not both)", field="id")
        settings = settings_from(database_url=database)
        if account_id is None:
            report = run_reverification(settings, now=_now(), limit=limit)
        else:
            with build_database(settings) as db:
                account = reverification.reverify_account(
                    account_id,
                    build_unit_of_work(db),
                    build_keyring(settings),
                    build_verifier(settings),
                    now=_now(),
                    policy=build_account_policy(settings),
                    actor=cli_actor(),
                )
    if account_id is not None:
        _print(account, as_json)
    elif as_json:
        typer.echo(json.dumps(report.to_dict()))
    else:
        typer.echo(
            f"checked {report.checked}: {report.passed} passed, {report.failed} failed, "
            f"{report.unavailable} not checked (verifier unavailable)"
        )


def _print(account: Account, as_json: bool) -> None:
    data = account.to_dict(_now())
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    Console(highlight=False, soft_wrap=True).print(_view(data))


def _view(data: dict[str, Any]) -> Table:
    table = Table(show_header=False, title=f"account {data['id']}", title_justify="left")
    publishing = data["publishing"]
    rows = {
        "kind": data["kind"],
        "status": data["status"],
        **{f"identity.{name}": value for name, value in data["identity"].items()},
        "identity": f"{data['identity_status']} (due {data['identity_due_at']})",
        "mobile verified": str(data["mobile_verified"]).lower(),
        "may publish": "yes" if publishing["allowed"] else f"no: {publishing['reason']}",
    }
    if data["closed_at"]:
        rows["closed"] = f"{data['closed_at']}: {data['close_reason']}"
    for name, value in rows.items():
        table.add_row(Text(name), Text(str(value)))
    return table
