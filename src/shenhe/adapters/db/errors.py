"""How the database adapter reports failures: SQLAlchemy errors become `StorageError`, and a
unique constraint violated by a concurrent writer becomes `ConflictError`.

Two requests that create the same appid or register the same principal at the same moment
both pass the service's "does it exist?" check; the database's unique constraint stops the
second at its insert. That is a conflict with what another request just stored (HTTP 409,
like an appid that was taken before), not a storage failure (500): `storage_error` names what
was taken and what to do.

The message is the first line of the driver's message (never the statement's parameters, which
may hold sealed personal data: engines are also built with ``hide_parameters``), plus what to
do about it. The original exception stays chained as ``__cause__`` for debugging.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from shenhe.services.errors import ConflictError, ServiceError, StorageError

_NOT_MIGRATED = ("no such table", "does not exist", "undefinedtable")
_UNIQUE_MARKERS = ("unique constraint", "duplicate key")
_CONFLICTS = (
    (
        ("apps.appid", "uq_apps_appid"),
        "the appid was taken by another request at the same moment; submit a change to it "
        "instead, or choose another appid",
    ),
    (
        ("principals.uscc", "uq_principals_uscc"),
        "a principal with this credit code was registered by another request at the same "
        "moment; register it again to get that principal",
    ),
    (
        ("principals.id_number_index", "uq_principals_id_number_index"),
        "a principal with this identity number was registered by another request at the same "
        "moment; register it again to get that principal",
    ),
    (
        ("sweep_items.", "pk_sweep_items"),
        "another sweep is working on the same run; wait for it to finish",
    ),
)


def storage_error(exc: SQLAlchemyError) -> ServiceError:
    """A `StorageError` that says what went wrong with the database and what to do, or a
    `ConflictError` for a unique constraint that a concurrent writer got to first."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    first = lines[0] if lines else type(cause).__name__
    if isinstance(exc, IntegrityError) and any(m in first.lower() for m in _UNIQUE_MARKERS):
        for markers, message in _CONFLICTS:
            if any(marker in first for marker in markers):
                return ConflictError(message)
        return ConflictError(
            f"the change conflicts with one stored at the same moment ({first}); retry it"
        )
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
