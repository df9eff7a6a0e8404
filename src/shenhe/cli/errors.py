"""Errors of the command line, and how every command reports Shenhe's errors.

A `ShenheError` raised in a command is printed as ``error: <message>`` on stderr and the command
exits with status 1 (usage mistakes caught by Typer exit with 2). No tracebacks for user errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.text import Text

from shenhe.errors import InputError, ShenheError

EXIT_ERROR = 1


class InputFileError(InputError):
    """A line of an input file cannot be screened; names the file and the line."""

    def __init__(self, source: str, line: int, message: str) -> None:
        name = "<stdin>" if source == "-" else source
        where = f"{name}:{line}" if line else name
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line


@contextmanager
def reporting() -> Iterator[None]:
    """Turn a `ShenheError` into a one-line message on stderr and exit status 1."""
    try:
        yield
    except ShenheError as exc:
        console = Console(stderr=True, highlight=False)
        console.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)
        raise typer.Exit(EXIT_ERROR) from None
