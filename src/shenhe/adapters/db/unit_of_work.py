"""The unit of work over a SQLAlchemy session: one transaction, its repositories, no leaks.

    uow = SqlUnitOfWork(sessionmaker(engine))
    with uow:                       # a new session and transaction
        audit.append(uow, ...)      # the services only see `uow.audit`
        uow.commit()
    # leaving the block rolls back whatever was not committed, and closes the session

Services never see the session. SQLAlchemy errors leave the block as `StorageError`.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from shenhe.adapters.db.audit import SqlAuditLog
from shenhe.adapters.db.errors import storage_error, translated


class SqlUnitOfWork:
    """`UnitOfWork` over sessions from `session_factory`; reusable, one transaction at a time."""

    audit: SqlAuditLog

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; finish it first")
        self._session = self._factory()
        self.audit = SqlAuditLog(self._session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.rollback()  # nothing left to undo after a commit
            except SQLAlchemyError as failure:
                if exc is None:
                    raise storage_error(failure) from failure
            finally:
                session.close()
        if isinstance(exc, SQLAlchemyError):
            raise storage_error(exc) from exc

    def commit(self) -> None:
        with translated():
            self._active().commit()

    def rollback(self) -> None:
        with translated():
            self._active().rollback()

    def _active(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._session
