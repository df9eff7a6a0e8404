"""The ``shenhe`` command line through Typer's runner, on the database at a URL, with every
SHENHE_* variable of the calling environment cleared: only what a test gives counts."""

from __future__ import annotations

import os

from click.testing import Result
from typer.testing import CliRunner

from shenhe.cli.main import app


def run_cli(url: str, *args: str, **env: str) -> Result:
    """`shenhe ARGS` with SHENHE_DATABASE_URL=`url` and the SHENHE_* variables in `env`."""
    cleared: dict[str, str | None] = {key: None for key in os.environ if key.startswith("SHENHE_")}
    variables = {**cleared, "SHENHE_DATABASE_URL": url, **env}
    return CliRunner().invoke(app, list(args), env=variables)
