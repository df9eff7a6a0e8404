"""``shenhe lexicon check``: load a lexicon file as the screener would, and say what is in it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shenhe.cli.errors import reporting
from shenhe.screening.lexicon import Lexicon

app = typer.Typer(help="Work with lexicon files.", no_args_is_help=True)


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="The lexicon file (.txt, .tsv or .csv).")],
    category: Annotated[
        str | None,
        typer.Option(
            help="Category of every term of a one-term-a-line file (default: from the file name)."
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            help="lines, tsv or csv (default: from the file extension).", show_default=False
        ),
    ] = None,
) -> None:
    """Load FILE and report its terms per category, or the first error with its line."""
    with reporting():
        lexicon = Lexicon.load(file, category=category, format=format)
    counts = Counter(term.category for term in lexicon.terms)
    table = Table("category", "terms")
    for name, count in sorted(counts.items()):
        table.add_row(Text(name), str(count))
    console = Console(highlight=False)
    # The heading on a line of its own: as the table's title it wrapped to the table's width.
    console.print(Text(f"{file}: {len(lexicon)} terms"), soft_wrap=True)
    console.print(table)
    console.print(f"version {lexicon.version}")
