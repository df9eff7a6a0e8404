"""``shenhe operators``: the people and services allowed to use the API's protected routes.

``add NAME --role moderator --role pii_reveal`` prints the new bearer token once (only its
SHA-256 is stored); ``list`` shows names and roles; ``revoke NAME`` stops a token at once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from shenhe.bootstrap import build_database, build_unit_of_work
from shenhe.cli.db import DatabaseOption
from shenhe.cli.errors import reporting
from shenhe.cli.options import cli_actor, settings_from
from shenhe.domain.operators import ROLES
from shenhe.services import operators

app = typer.Typer(
    help="API operators: add one (with its token), list, revoke.", no_args_is_help=True
)


@app.command()
def add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="e.g. zhang.moderator")],
    role: Annotated[
        list[str], typer.Option("--role", help=f"One of {', '.join(ROLES)}; repeat for more.")
    ],
    database: DatabaseOption = None,
) -> None:
    """Add an operator and print its bearer token (shown this once)."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            operator, token = operators.create_operator(
                name, role, build_unit_of_work(db), actor=cli_actor(), now=datetime.now(UTC)
            )
    typer.echo(token)
    typer.echo(
        f"operator {operator.name} ({', '.join(operator.roles)}): keep the token safe; "
        "it is not stored and cannot be shown again",
        err=True,
    )


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOption = None,
) -> None:
    """List the operators and their roles."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            found = operators.list_operators(build_unit_of_work(db, read_only=True))
    if as_json:
        typer.echo(json.dumps([operator.to_dict() for operator in found]))
        return
    for operator in found:
        state = " (revoked)" if operator.revoked_at else ""
        typer.echo(f"{operator.name}: {', '.join(operator.roles)}{state}")


@app.command()
def revoke(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    database: DatabaseOption = None,
) -> None:
    """Revoke an operator's token."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            operators.revoke_operator(
                name, build_unit_of_work(db), actor=cli_actor(), now=datetime.now(UTC)
            )
    typer.echo(f"operator {name} revoked")
