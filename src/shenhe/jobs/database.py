"""What the background jobs of ``shenhe serve`` ask before they open the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from shenhe.config import Settings


def database_absent(settings: Settings) -> bool:
    """True while the SQLite file of `settings.database_url` does not exist.

    A job then has nothing to do, and must not create the file: an API that only screens
    texts keeps running without a database. Other backends are never absent here (a server
    that is down is the job's error to log).
    """
    url = make_url(settings.database_url)
    file = url.database if url.get_backend_name() == "sqlite" else None
    return bool(file) and file != ":memory:" and not Path(str(file)).exists()
