"""How the database adapter reports failures: SQLAlchemy errors become `StorageError`.

The message is the first line of the driver's message (never the statement's parameters, which
may hold sealed personal data: engines are also built with ``hide_parameters``), plus what to
do about it. The original exception stays chained as ``__cause__`` for debugging.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from shenhe.services.errors import StorageError

_NOT_MIGRATED = ("no such table", "does not exist", "undefinedtable")


def storage_error(exc: SQLAlchemyError) -> StorageError:
    """A `StorageError` that says what went wrong with the database and what to do."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    first = lines[0] if lines else type(cause).__name__
    if isinstance(exc, OperationalError | ProgrammingError) and any(
        marker in first.lower() for marker in _NOT_MIGRATED
    ):
        return StorageError(f"the database is not migrated ({first}): run `shenhe db upgrade`")
    if isinstance(exc, IntegrityError):
        return StorageError(f"the database refused the change: {first}")
    if isinstance(exc, OperationalError):
        return StorageError(
            f"the database cannot be used: {first}; check SHENHE_DATABASE_URL and that the "
            "database is running"
        )
    return StorageError(f"database error: {first}")


@contextmanager
def translated() -> Iterator[None]:
    """Raise any SQLAlchemy error of the block as a `StorageError`."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise storage_error(exc) from exc
