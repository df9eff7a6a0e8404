"""Errors of the use cases and of the storage they run on.

    ShenheError
    └── ServiceError
        ├── StorageError      the database cannot be opened, is not migrated, or refused a change
        ├── RetentionError    a purge asked to keep audit records for less than six months
        ├── AuditChainError   the audit chain is broken, so a purge would destroy the evidence
        ├── NotFoundError     the principal or app named does not exist
        └── ConflictError     the change contradicts what is stored (an appid taken, an app
                              of another principal)

`StorageError` belongs to the unit-of-work protocol: adapters raise it in place of their
driver's errors, so the shells report storage problems without knowing SQLAlchemy. Messages
never carry personal information (adapters drop the statement's parameters).
"""

from __future__ import annotations

from shenhe.errors import ShenheError


class ServiceError(ShenheError):
    """A use case could not be carried out."""


class StorageError(ServiceError):
    """The database could not be opened, is not at the schema Shenhe needs, or refused a change."""


class RetentionError(ServiceError):
    """A retention shorter than the legal minimum was asked for."""


class AuditChainError(ServiceError):
    """The audit chain is broken where an operation needs it intact."""

    def __init__(self, message: str, *, seq: int | None) -> None:
        super().__init__(message)
        self.seq = seq


class NotFoundError(ServiceError):
    """The principal or app a use case names is not in the registry."""

    def __init__(self, kind: str, key: str, message: str | None = None) -> None:
        super().__init__(message or f"no {kind} {key!r} in the registry; check the {kind} id")
        self.kind = kind
        self.key = key


class ConflictError(ServiceError):
    """A change contradicts what is stored: an appid already taken, an app of another
    principal, a moderator action named as the system."""
