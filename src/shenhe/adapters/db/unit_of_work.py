"""The unit of work over a SQLAlchemy session: one transaction, its repositories, no leaks.

    uow = SqlUnitOfWork(sessionmaker(engine))
    with uow:                       # a new session and transaction
        audit.append(uow, ...)      # the services see only the repositories: `uow.audit`,
                                    # `uow.principals`, `uow.apps`, `uow.decisions`,
                                    # `uow.enforcement`, `uow.search`,
                                    # `uow.sweeps`, `uow.clones`
        uow.commit()
    # leaving the block rolls back whatever was not committed, and closes the session

Services never see the session. SQLAlchemy errors leave the block as `StorageError`.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from shenhe.adapters.db.accounts import (
    SqlAccounts,
    SqlIdentityBlacklist,
    SqlOperators,
    SqlOtp,
    SqlPiiRotation,
)
from shenhe.adapters.db.agreements import SqlAgreements
from shenhe.adapters.db.apps import SqlApps
from shenhe.adapters.db.audit import SqlAuditLog
from shenhe.adapters.db.clones import SqlClonePrints
from shenhe.adapters.db.decisions import SqlDecisions
from shenhe.adapters.db.enforcement import SqlEnforcement
from shenhe.adapters.db.errors import storage_error, translated
from shenhe.adapters.db.principals import SqlPrincipals
from shenhe.adapters.db.publishing import SqlCredit, SqlPosts, SqlProfiles
from shenhe.adapters.db.reports import SqlReports
from shenhe.adapters.db.search import SqlSearchIndex
from shenhe.adapters.db.sweeps import SqlSweeps


class SqlUnitOfWork:
    """`UnitOfWork` over sessions from `session_factory`; reusable, one transaction at a time."""

    audit: SqlAuditLog
    principals: SqlPrincipals
    apps: SqlApps
    decisions: SqlDecisions
    enforcement: SqlEnforcement
    search: SqlSearchIndex
    sweeps: SqlSweeps
    clones: SqlClonePrints
    agreements: SqlAgreements
    profiles: SqlProfiles
    credit: SqlCredit
    posts: SqlPosts
    reports: SqlReports
    accounts: SqlAccounts
    identity_blacklist: SqlIdentityBlacklist
    otp: SqlOtp
    operators: SqlOperators
    pii_rotation: SqlPiiRotation

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; finish it first")
        self._session = self._factory()
        self.audit = SqlAuditLog(self._session)
        self.principals = SqlPrincipals(self._session)
        self.apps = SqlApps(self._session)
        self.decisions = SqlDecisions(self._session)
        self.enforcement = SqlEnforcement(self._session)
        self.search = SqlSearchIndex(self._session)
        self.sweeps = SqlSweeps(self._session)
        self.clones = SqlClonePrints(self._session)
        self.agreements = SqlAgreements(self._session)
        self.profiles = SqlProfiles(self._session)
        self.credit = SqlCredit(self._session)
        self.posts = SqlPosts(self._session)
        self.reports = SqlReports(self._session)
        self.accounts = SqlAccounts(self._session)
        self.identity_blacklist = SqlIdentityBlacklist(self._session)
        self.otp = SqlOtp(self._session)
        self.operators = SqlOperators(self._session)
        self.pii_rotation = SqlPiiRotation(self._session)
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
