"""``shenhe serve``: the HTTP API under uvicorn, optionally reloading changed lexicon files."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from enum import StrEnum
from typing import Annotated

import typer
import uvicorn

from shenhe.api import create_app
from shenhe.bootstrap import build_rules, build_screener
from shenhe.cli.errors import reporting
from shenhe.cli.options import LexiconOption, PolicyOption, setting_help, settings_from
from shenhe.jobs.expiry import ExpiryScheduler
from shenhe.jobs.reload import ReloadWatcher
from shenhe.jobs.reverify import ReverifyJob

logger = logging.getLogger("shenhe.serve")


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


def serve(
    host: Annotated[
        str | None,
        typer.Option(help=setting_help("host"), show_default=False),
    ] = None,
    port: Annotated[int | None, typer.Option(help=setting_help("port"), show_default=False)] = None,
    lexicon: LexiconOption = None,
    policy: PolicyOption = None,
    watch: Annotated[
        bool | None,
        typer.Option(
            "--watch/--no-watch",
            help=setting_help("watch"),
            show_default=False,
        ),
    ] = None,
    log_level: Annotated[LogLevel, typer.Option(help="How much to log.")] = LogLevel.info,
) -> None:
    """Serve the HTTP API (docs at /docs) until interrupted."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with reporting():
        settings = settings_from(
            host=host, port=port, lexicon_files=lexicon, policy_file=policy, watch=watch
        )
        screener = build_screener(settings)
    app = create_app(screener, settings)
    logger.info(
        "lexicon %s (%d terms), policy %s",
        screener.lexicon.version,
        len(screener.lexicon),
        screener.policy.version,
    )
    watcher = ReloadWatcher(screener, settings) if settings.watch else None
    if watcher is not None:
        watched = ", ".join(str(p) for p in watcher.paths) or "nothing (built-in files only)"
        logger.info("watching every %gs: %s", watcher.interval, watched)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level=log_level.value)
    expiry = None
    if settings.lift_interval > 0:
        expiry = ExpiryScheduler(settings, rules=build_rules(settings, screener))
        logger.info("lifting expired penalties every %gs", expiry.interval)
    reverify = None
    if settings.reverify_interval > 0:
        reverify = ReverifyJob(settings)
        logger.info("re-verifying due identities every %gs", reverify.interval)
    with (
        watcher if watcher is not None else nullcontext(),
        expiry if expiry is not None else nullcontext(),
        reverify if reverify is not None else nullcontext(),
    ):
        uvicorn.Server(config).run()
