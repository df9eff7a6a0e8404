"""What the governance routes need besides the request: the database, the rules and the PII
keys of the app, each built through the composition root on the first request that needs it
and kept on ``app.state`` for the next ones (`create_app`'s lifespan disposes of the
database on shutdown).

Nothing is built at import or in `create_app`, so an API that only screens texts never opens
a database or creates a key file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from shenhe.adapters.db import Database
from shenhe.bootstrap import build_database, build_keyring, build_rules, keyring_stamp
from shenhe.config import Settings
from shenhe.domain.pii import Keyring
from shenhe.services.rules import Rules
from shenhe.services.unit_of_work import UnitOfWork

_LOCK = threading.Lock()
_T = TypeVar("_T")


def kept(request: Request, name: str, build: Callable[[Settings], _T]) -> _T:
    """``app.state.<name>``, built from the app's settings by `build` on first use (once, even
    when requests race) and kept there for the next ones."""
    state = request.app.state
    found: _T | None = getattr(state, name, None)
    if found is None:
        with _LOCK:
            found = getattr(state, name, None)
            if found is None:
                found = build(_settings(request))
                setattr(state, name, found)
    return found


def database(request: Request) -> Database:
    """The app's database (``SHENHE_DATABASE_URL``), checked to be at the newest schema."""
    state = request.app.state
    found: Database | None = getattr(state, "database", None)
    if found is not None:
        return found
    with _LOCK:
        found = getattr(state, "database", None)
        if found is None:
            found = build_database(_settings(request))
            try:
                found.ensure_ready()
            except BaseException:
                found.dispose()
                raise
            state.database = found
    return found


def unit_of_work(request: Request, *, read_only: bool = False) -> UnitOfWork:
    """A unit of work of its own for this request (units of work are not shared between
    threads)."""
    return database(request).unit_of_work(read_only=read_only)


def rules(request: Request) -> Rules:
    """The rules the app decides with, around the screener it serves."""
    state = request.app.state
    return kept(request, "rules", lambda settings: build_rules(settings, state.screener))


def keyring(request: Request) -> Keyring:
    """The keys that seal identity numbers (``SHENHE_PII_KEY`` or the key file)."""
    state = request.app.state
    found: Keyring | None = getattr(state, "keyring", None)
    # A key rotation (`shenhe keys rotate`) rewrites the key file: build the keyring again
    # when it changed, so a running server opens values re-sealed under the new key.
    current = keyring_stamp(_settings(request))
    if found is None or getattr(state, "keyring_stamp", current) != current:
        with _LOCK:
            found = state.keyring = build_keyring(_settings(request))
            state.keyring_stamp = keyring_stamp(_settings(request))
    return found


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings
