"""The storage port: what the use cases need from a database, as typed protocols.

A `UnitOfWork` is one transaction at a time over the repositories it carries::

    with uow:                     # opens a transaction
        uow.audit.add(record)     # repositories stage changes
        uow.commit()              # makes them durable; leaving without commit rolls back

Leaving the ``with`` block without `commit` (or through an exception) rolls everything back,
so a failure in the middle of a use case leaves the old state, never half of the new one. A
unit of work may be entered again for the next transaction. ``shenhe.adapters.db`` implements
these over SQLAlchemy; tests may implement them in memory.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from shenhe.domain.audit import AuditRecord, ChainState


class AuditLogRepository(Protocol):
    """The append-only audit log and the state of its chain (anchor and head)."""

    def chain(self, *, for_update: bool = False) -> ChainState:
        """The chain's ends; with `for_update`, locked until the transaction ends, so no
        other transaction appends or purges meanwhile."""
        ...

    def save_chain(self, state: ChainState) -> None:
        """Store new chain ends (after an append or a purge)."""
        ...

    def add(self, record: AuditRecord) -> None:
        """Store one record."""
        ...

    def get(self, seq: int) -> AuditRecord | None:
        """The record numbered `seq`, if it is stored."""
        ...

    def stream(self, *, after: int = 0, through: int | None = None) -> Generator[AuditRecord]:
        """The records after `after` (up to `through`) in `seq` order, read in batches.
        Close the generator when stopping early, to release the cursor at once."""
        ...

    def first_seq_since(self, moment: datetime) -> int | None:
        """The lowest `seq` of a record made at or after `moment`, if any."""
        ...

    def delete_through(self, seq: int) -> int:
        """Delete every record up to `seq`; the number deleted."""
        ...


class UnitOfWork(Protocol):
    """One transaction over the repositories; see the module's docstring."""

    @property
    def audit(self) -> AuditLogRepository:
        """The audit log, in this unit's transaction."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
