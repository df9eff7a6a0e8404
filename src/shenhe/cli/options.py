"""Options shared by several commands, and how options become `Settings`.

Precedence: a command-line option, else its ``SHENHE_*`` variable, else the default. The option
defaults here are therefore None ("not given"); the real defaults live in `shenhe.config`.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Any

import typer

from shenhe.config import Settings, describe


def setting_help(name: str, lead: str = "") -> str:
    """Help for an option that sets `name`: its help, default and variable, from `Settings`."""
    spec = next(spec for spec in describe() if spec.name == name)
    default = "none" if spec.default in ((), None) else spec.default
    return f"{lead or spec.help} (Default: {default}; {spec.env}.)"


LexiconOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--lexicon",
        "-l",
        metavar="FILE",
        help=setting_help(
            "lexicon_files", "Extra lexicon file added to the built-in one; repeat for more."
        ),
        show_default=False,
    ),
]
PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        "-p",
        metavar="FILE",
        help=setting_help("policy_file"),
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
SurfaceOption = Annotated[
    str,
    typer.Option(
        "--surface",
        "-s",
        metavar="SURFACE",
        help="Where the texts appear: post, comment, nickname, bio, search, app_name, "
        "app_description, app_page.",
    ),
]


def cli_actor() -> str:
    """How audit records name the person at this shell."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def settings_from(**options: Any) -> Settings:
    """The environment's settings with the options that were given applied on top."""
    if not options.get("lexicon_files"):
        options["lexicon_files"] = None
    return Settings.from_env().with_overrides(**options)
