"""``shenhe screen``: one text shown in the terminal, or a whole file to JSON lines."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from shenhe.bootstrap import build_screener
from shenhe.cli import batch, render
from shenhe.cli.errors import reporting
from shenhe.cli.options import LexiconOption, PolicyOption, SurfaceOption, settings_from
from shenhe.errors import InputError
from shenhe.policy.surfaces import DEFAULT_SURFACE, canonical_surface
from shenhe.screening.screener import Screener


def screen(
    text: Annotated[
        str | None,
        typer.Argument(help="The text to screen. Leave it out to screen a file with --input."),
    ] = None,
    surface: SurfaceOption = DEFAULT_SURFACE,
    lexicon: LexiconOption = None,
    policy: PolicyOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the verdict as JSON instead of a report.")
    ] = False,
    input: Annotated[
        str | None,
        typer.Option(
            "--input",
            "-i",
            metavar="FILE",
            help='File of texts to screen: JSON lines ({"id", "text"} a line) or plain '
            "text (a text a line); '-' reads stdin.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where the JSON lines go with --input; '-' is stdout.",
        ),
    ] = batch.STDIO,
    format: Annotated[
        batch.Format | None,
        typer.Option(
            "--format",
            "-f",
            help="Input format: jsonl or text. Default: jsonl for .jsonl/.json/.ndjson files, "
            "text otherwise (stdin too).",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar on stderr.")
    ] = False,
) -> None:
    """Screen one text, or every line of a file (--input), and show the verdicts."""
    if (text is None) == (input is None):
        raise typer.BadParameter("give either a TEXT or --input FILE, not both or neither")
    with reporting():
        surface = canonical_surface(surface)
        settings = settings_from(lexicon_files=lexicon, policy_file=policy)
        screener = build_screener(settings)
        if text is not None:
            _screen_text(screener, text, surface, as_json)
        else:
            assert input is not None
            fmt = batch.guess_format(input) if format is None else format
            _screen_file(screener, input, output, fmt, surface, quiet)


def _screen_text(screener: Screener, text: str, surface: str, as_json: bool) -> None:
    if not batch.encodable(text):  # bytes that were not UTF-8 arrive as lone surrogates
        raise InputError("the text is not UTF-8; pass it in UTF-8")
    verdict = screener.screen(text, surface=surface)
    if as_json:
        sys.stdout.write(json.dumps(verdict.to_dict(), ensure_ascii=False) + "\n")
    else:
        render.show(Console(highlight=False), text, surface, verdict)


def _screen_file(
    screener: Screener, source: str, target: str, fmt: batch.Format, surface: str, quiet: bool
) -> None:
    with batch.open_input(source) as stream:
        total = None if source == batch.STDIO else os.fstat(stream.fileno()).st_size
        progress = Progress(
            TextColumn("screening"),
            BarColumn(),
            TaskProgressColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=quiet,
        )
        with batch.atomic_output(target) as out, progress:
            task = progress.add_task("screen", total=total)
            count = batch.screen_stream(
                screener,
                stream,
                out,
                fmt=fmt,
                surface=surface,
                source=source,
                advance=lambda size: progress.advance(task, size),
            )
    if not quiet:
        where = "stdout" if target == batch.STDIO else target
        Console(stderr=True, highlight=False).print(f"screened {count} texts into {where}")
