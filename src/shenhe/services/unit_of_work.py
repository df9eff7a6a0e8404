"""The storage port: what the use cases need from a database, as typed protocols.

A `UnitOfWork` is one transaction at a time over the repositories it carries::

    with uow:                     # opens a transaction
        uow.apps.add(...)         # repositories stage changes: audit, principals, apps,
        uow.audit.add(record)     #   decisions, enforcement
        uow.commit()              # makes them durable; leaving without commit rolls back

Leaving the ``with`` block without `commit` (or through an exception) rolls everything back,
so a failure in the middle of a use case leaves the old state, never half of the new one. A
unit of work may be entered again for the next transaction. ``shenhe.adapters.db`` implements
these over SQLAlchemy; tests may implement them in memory.
"""

from __future__ import annotations

from collections.abc import Collection, Generator, Iterable, Iterator, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from shenhe.domain.apps import AppContent, AppStatus
from shenhe.domain.audit import AuditRecord, ChainState
from shenhe.domain.clones import ClonePrint
from shenhe.domain.penalties import Strike
from shenhe.domain.pii import SealedValue
from shenhe.domain.principals import Principal
from shenhe.domain.qualifications import Qualification
from shenhe.domain.registry import (
    App,
    AppVersion,
    DecisionKind,
    DecisionRecord,
    EnforcementRecord,
)
from shenhe.domain.search import SearchCandidate, SearchDocument, SearchHit
from shenhe.domain.sweeps import SweepRun, SweepSummary, SweptApp
from shenhe.services.account_ports import (
    AccountRepository,
    IdentityBlacklistRepository,
    OperatorRepository,
    OtpRepository,
    PiiRotationRepository,
)
from shenhe.services.publishing_ports import (
    AgreementRepository,
    CreditRepository,
    PostRepository,
    ProfileRepository,
    ReportRepository,
)


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

    def latest(self, subject_type: str, subject_id: str) -> AuditRecord | None:
        """The newest record about this subject, if any is stored."""
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


class SearchIndexRepository(Protocol):
    """The full-text index of the apps search may find, and the apps it is built from."""

    def candidates(self, appids: Collection[str], *, now: datetime) -> list[SearchCandidate]:
        """The apps named that exist, with their content, status, and whether an enforcement
        action in force at `now` restricts their ``search`` feature."""
        ...

    def candidates_after(self, after: int, *, limit: int, now: datetime) -> list[SearchCandidate]:
        """Up to `limit` apps whose id is above `after`, in id order (to rebuild in batches)."""
        ...

    def put(self, documents: Iterable[SearchDocument]) -> None:
        """Index `documents`, replacing whatever was indexed for their apps."""
        ...

    def remove(self, app_ids: Iterable[int]) -> None:
        """Take these apps out of the index (those not in it are ignored)."""
        ...

    def remove_range(self, after: int, through: int | None = None) -> None:
        """Take out every app whose id is above `after` (and at most `through`)."""
        ...

    def search(
        self,
        tokens: Sequence[str],
        *,
        match_all: bool,
        statuses: Collection[str],
        limit: int,
        now: datetime,
    ) -> list[SearchHit]:
        """The best `limit` indexed apps holding every token (`match_all`) or any, best first,
        among those whose status is in `statuses` now and whose search is not restricted at
        `now` (checked against the apps themselves, not only the index)."""
        ...

    def count(self) -> int:
        """How many apps the index holds."""
        ...


class PrincipalRepository(Protocol):
    """Principals and the qualifications they hold."""

    def get(self, principal_id: int, *, for_update: bool = False) -> Principal | None:
        """The principal with this registry id, with its qualifications; with `for_update`,
        its row locked until the transaction ends."""
        ...

    def by_uscc(self, uscc: str) -> Principal | None:
        """The enterprise with this (normalised) credit code."""
        ...

    def by_id_number_index(self, indexes: Sequence[str]) -> Principal | None:
        """The individual whose identity number has one of these blind indexes (one per key
        held, so a rotation under way still finds them)."""
        ...

    def add(
        self,
        *,
        kind: str,
        name: str,
        uscc: str | None,
        id_number: SealedValue | None,
        at: datetime,
    ) -> Principal:
        """Store a new principal; it comes back with its registry id."""
        ...

    def set_blacklist(
        self, principal_id: int, *, blacklisted: bool, until: datetime | None, at: datetime
    ) -> None:
        """Put the principal on the blacklist (until a moment, or for good) or take it off."""
        ...

    def blacklist_due(self, now: datetime) -> list[Principal]:
        """Principals blacklisted until a moment that has come."""
        ...

    def add_qualification(
        self, principal_id: int, qualification: Qualification, *, at: datetime
    ) -> None:
        """Attach a qualification; one of the same type and number is replaced."""
        ...


class AppRepository(Protocol):
    """Apps and their versions."""

    def get(self, appid: str, *, for_update: bool = False) -> App | None:
        """The app with this appid; with `for_update`, its row locked until the end."""
        ...

    def add(
        self, *, appid: str, principal_id: int, content: AppContent, status: AppStatus, at: datetime
    ) -> App:
        """Store a new app at version 1 (its first version is stored with `add_version`)."""
        ...

    def update(self, app: App) -> None:
        """Store the app's content, status and version number as `app` has them."""
        ...

    def set_status(self, appid: str, status: AppStatus, *, at: datetime) -> None:
        """Move the app to `status`."""
        ...

    def add_version(self, app: App, *, actor: str, at: datetime) -> None:
        """Keep `app`'s current content as its version `app.version`."""
        ...

    def versions(self, appid: str) -> list[AppVersion]:
        """Every version of the app, oldest first."""
        ...

    def of_principal(self, principal_id: int) -> list[App]:
        """The principal's apps, oldest first."""
        ...

    def count_by_status(self) -> dict[str, int]:
        """status → how many apps have it (statuses no app has are left out)."""
        ...


class DecisionRepository(Protocol):
    """The decisions on apps' versions."""

    def add(
        self,
        app: App,
        *,
        kind: DecisionKind,
        outcome: str,
        reasons: Sequence[str],
        evidence: dict[str, object],
        actor: str,
        policy_version: str,
        lexicon_version: str,
        at: datetime,
    ) -> DecisionRecord:
        """Store a decision on `app`'s current version; it comes back with its id."""
        ...

    def of_app(self, appid: str) -> list[DecisionRecord]:
        """The app's decisions, oldest first."""
        ...

    def count_by_outcome(self) -> dict[str, int]:
        """outcome → how many decisions came to it."""
        ...


class EnforcementRepository(Protocol):
    """Penalties and the strikes they leave."""

    def add(self, record: EnforcementRecord, *, app_id: int | None) -> EnforcementRecord:
        """Store a penalty (its `id` is ignored); it comes back with its id."""
        ...

    def of_app(self, appid: str) -> list[EnforcementRecord]:
        """The app's penalties, oldest first."""
        ...

    def in_force(self, appid: str, now: datetime) -> list[EnforcementRecord]:
        """The app's penalties in force at `now` (not lifted, not past their end), oldest
        first."""
        ...

    def due(self, now: datetime) -> list[EnforcementRecord]:
        """Penalties past their end and not lifted yet, the earliest end first."""
        ...

    def mark_lifted(self, action_id: int, *, at: datetime) -> bool:
        """Record that a penalty lifted; False when it already had (another run got there)."""
        ...

    def add_strike(
        self, strike: Strike, *, principal_id: int, app_id: int | None, action_id: int
    ) -> None:
        """Store the strike a penalty leaves."""
        ...

    def strikes(self, principal_id: int) -> list[Strike]:
        """Every strike against the principal (the caller decides which still count)."""
        ...


class SweepRepository(Protocol):
    """Sweep runs and their items: one item per (run, app), written with the app's actions."""

    def running(self) -> list[SweepRun]:
        """Every run still ``running`` (not a dry one), oldest first."""
        ...

    def supersede(self, run_id: int, summary: SweepSummary, *, by: int, at: datetime) -> None:
        """Close a run left ``running`` as ``failed``, superseded by run `by`; its summary is
        what it did before it stopped."""
        ...

    def start(
        self,
        *,
        category: str | None,
        policy_version: str,
        lexicon_version: str,
        actor: str,
        dry_run: bool,
        at: datetime,
    ) -> SweepRun:
        """Store a new run, ``running``, its cursor at 0."""
        ...

    def apps_after(
        self, after: int, *, limit: int, statuses: Collection[AppStatus]
    ) -> list[SweptApp]:
        """Up to `limit` apps whose id is above `after` and whose status is one of
        `statuses`, in id order: their ids and texts."""
        ...

    def count_after(self, after: int, *, statuses: Collection[AppStatus]) -> int:
        """How many apps `apps_after` would go through from `after` on."""
        ...

    def done(self, run_id: int, app_ids: Sequence[int]) -> set[int]:
        """Those of `app_ids` that have an item in the run."""
        ...

    def rejected_with(
        self, app_ids: Sequence[int], *, policy_version: str, lexicon_version: str
    ) -> set[int]:
        """Those of `app_ids` whose current version was rejected with these versions."""
        ...

    def add_item(
        self,
        run_id: int,
        app_id: int,
        *,
        outcome: str,
        at: datetime,
        decision_id: int | None = None,
        action_id: int | None = None,
    ) -> None:
        """Record that the run did `app_id` (``unchanged`` or ``enforced``)."""
        ...

    def add_unchanged(self, run_id: int, app_ids: Sequence[int], *, at: datetime) -> None:
        """Record that the run did these apps and they needed nothing."""
        ...

    def tag_actions(self, run_id: int, action_ids: Sequence[int]) -> None:
        """Mark enforcement actions as the run's."""
        ...

    def advance(self, run_id: int, cursor: int) -> None:
        """Move the run's cursor: every app up to that id is done."""
        ...

    def finish(self, run_id: int, summary: SweepSummary, *, at: datetime) -> None:
        """Mark the run ``finished`` with its summary (unless it was superseded meanwhile)."""
        ...

    def summary(self, run_id: int, *, dry_run: bool = False) -> SweepSummary:
        """What the run did, counted from its items and tagged actions."""
        ...


class ClonePrintRepository(Protocol):
    """The clone prints of the banned apps (kept in step by the app repository: a banned
    app has the print of its current version, any other none)."""

    def candidates(self, print_: ClonePrint) -> dict[str, ClonePrint]:
        """appid → print of the banned apps that may be `print_`'s originals (sharing an LSH
        band, or its name or the sound of it); a bounded number, the likeliest first."""
        ...

    def stream(self) -> Iterator[tuple[str, ClonePrint]]:
        """(appid, print) of every banned app, read in batches."""
        ...

    def of_apps(self, appids: Sequence[str]) -> dict[str, ClonePrint]:
        """appid → print of those of `appids` that are banned."""
        ...

    def count(self) -> int:
        """How many banned apps have a print."""
        ...


class UnitOfWork(Protocol):
    """One transaction over the repositories; see the module's docstring."""

    @property
    def audit(self) -> AuditLogRepository:
        """The audit log, in this unit's transaction."""
        ...

    @property
    def principals(self) -> PrincipalRepository:
        """Principals and their qualifications, in this unit's transaction."""
        ...

    @property
    def apps(self) -> AppRepository:
        """Apps and their versions, in this unit's transaction."""
        ...

    @property
    def decisions(self) -> DecisionRepository:
        """Decisions, in this unit's transaction."""
        ...

    @property
    def enforcement(self) -> EnforcementRepository:
        """Penalties and strikes, in this unit's transaction."""
        ...

    @property
    def search(self) -> SearchIndexRepository:
        """The search index, in this unit's transaction."""
        ...

    @property
    def sweeps(self) -> SweepRepository:
        """Sweep runs and items, in this unit's transaction."""
        ...

    @property
    def clones(self) -> ClonePrintRepository:
        """The clone prints of banned apps, in this unit's transaction."""
        ...

    @property
    def agreements(self) -> AgreementRepository:
        """Service agreements and acceptances, in this unit's transaction."""
        ...

    @property
    def profiles(self) -> ProfileRepository:
        """Accounts' front profiles, in this unit's transaction."""
        ...

    @property
    def credit(self) -> CreditRepository:
        """Accounts' credit events, in this unit's transaction."""
        ...

    @property
    def posts(self) -> PostRepository:
        """Posts and comments, in this unit's transaction."""
        ...

    @property
    def reports(self) -> ReportRepository:
        """Complaints and their cases, in this unit's transaction."""
        ...

    @property
    def accounts(self) -> AccountRepository:
        """Accounts and their sealed identity, in this unit's transaction."""
        ...

    @property
    def identity_blacklist(self) -> IdentityBlacklistRepository:
        """Identities barred from registering, in this unit's transaction."""
        ...

    @property
    def otp(self) -> OtpRepository:
        """One-time codes, in this unit's transaction."""
        ...

    @property
    def operators(self) -> OperatorRepository:
        """API operators and their roles, in this unit's transaction."""
        ...

    @property
    def pii_rotation(self) -> PiiRotationRepository:
        """What a PII key rotation goes through, in this unit's transaction."""
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
