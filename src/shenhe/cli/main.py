"""The ``shenhe`` command: its subcommands, registered on one Typer app."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shenhe.cli import accounts, agreements, apps, audit, db, demo, keys, lexicon, operators
from shenhe.cli.screen import screen
from shenhe.cli.search import search
from shenhe.cli.serve import serve
from shenhe.cli.sweep import sweep
from shenhe.config import describe

app = typer.Typer(
    name="shenhe",
    help="Shenhe (审核): screen texts for loan, gambling, porn, fraud and diversion content.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(screen)
app.command()(serve)
app.command()(search)
app.command()(sweep)
app.add_typer(lexicon.app, name="lexicon")
app.add_typer(db.app, name="db")
app.add_typer(audit.app, name="audit")
app.add_typer(apps.app, name="apps")
app.add_typer(demo.app, name="demo")
app.add_typer(agreements.app, name="agreements")
app.add_typer(accounts.app, name="accounts")
app.add_typer(keys.app, name="keys")
app.add_typer(operators.app, name="operators")


@app.command()
def settings() -> None:
    """List every setting: its environment variable, default and meaning."""
    table = Table("variable", "default", "meaning")
    for spec in describe():
        table.add_row(spec.env, Text(repr(spec.default)), Text(spec.help))
    Console(highlight=False).print(table)


def main() -> None:
    app()
