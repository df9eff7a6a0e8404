"""The storage port of the front, agreements, posting, credit and complaints: the
repositories `UnitOfWork` carries as ``uow.agreements``, ``uow.profiles``, ``uow.credit``,
``uow.posts`` and ``uow.reports`` (typed protocols; ``shenhe.adapters.db`` implements them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from shenhe.domain.agreements import Acceptance, Agreement, AgreementText
from shenhe.domain.credit import CreditEvent
from shenhe.domain.ip_location import IpLocation
from shenhe.domain.posts import Post, PostKind, PostStatus
from shenhe.domain.profile import Profile
from shenhe.domain.reports import Case, CaseStatus, Complaint, Outcome, Report


class AgreementRepository(Protocol):
    """Published agreement versions and the acceptances of accounts."""

    def current(self) -> Agreement | None:
        """The latest published version; None before the first."""
        ...

    def accepted_current(self, account_id: int) -> tuple[str, bool] | None:
        """The current version and whether the account accepted it (reads no agreement
        text); None before the first version."""
        ...

    def by_version(self, version: str) -> Agreement | None: ...

    def all(self) -> list[Agreement]:
        """Every version, oldest first."""
        ...

    def add(self, text: AgreementText, *, actor: str, at: datetime) -> Agreement: ...

    def accept(
        self, account_id: int, agreement: Agreement, *, address: str | None, at: datetime
    ) -> Acceptance: ...

    def acceptance(self, account_id: int, agreement: Agreement) -> Acceptance | None: ...

    def acceptances(self, account_id: int) -> list[Acceptance]:
        """The account's acceptances, oldest first."""
        ...

    def forget_addresses(self, account_id: int) -> int:
        """Drop the client addresses of the account's acceptances; how many."""
        ...


class ProfileRepository(Protocol):
    """The front of each account."""

    def get(self, account_id: int) -> tuple[Profile, IpLocation, datetime] | None:
        """The profile, the location last seen and when it changed; None when never set."""
        ...

    def put(
        self, account_id: int, profile: Profile, location: IpLocation, *, at: datetime
    ) -> None: ...

    def delete(self, account_id: int) -> bool: ...


class CreditRepository(Protocol):
    """The violations that cost each account credit."""

    def events(self, account_id: int) -> list[CreditEvent]:
        """The account's events, oldest first."""
        ...

    def add(self, account_id: int, event: CreditEvent) -> None: ...

    def delete(self, account_id: int) -> int: ...


class PostRepository(Protocol):
    """Posts and comments."""

    def add(
        self,
        *,
        kind: PostKind,
        account_id: int,
        parent_id: int | None,
        body: str,
        status: PostStatus,
        reasons: tuple[str, ...],
        verdict: dict[str, Any],
        at: datetime,
    ) -> Post: ...

    def get(self, post_id: int, *, for_update: bool = False) -> Post | None: ...

    def set_status(
        self,
        post_id: int,
        status: PostStatus,
        *,
        reasons: tuple[str, ...],
        actor: str,
        at: datetime,
    ) -> None: ...

    def recent(self, account_id: int, kind: PostKind, since: datetime) -> list[datetime]:
        """When the account made each `kind` after `since` (for rate limits)."""
        ...

    def listing(
        self,
        *,
        kind: PostKind,
        parent_id: int | None = None,
        viewer: int | None = None,
        after: int = 0,
        limit: int = 50,
    ) -> list[Post]:
        """Published posts (or a post's comments), plus the `viewer`'s own held ones, in id
        order after `after`."""
        ...

    def held(self, *, after: int = 0, limit: int = 50) -> list[Post]:
        """Posts and comments waiting for a moderator, oldest first."""
        ...

    def anonymise(self, account_id: int) -> int:
        """Detach the account's content from it; how many posts and comments."""
        ...


class ReportRepository(Protocol):
    """Complaints and the cases they gather in."""

    def open_case(
        self, target_type: str, target_id: str, *, for_update: bool = False
    ) -> Case | None: ...

    def case(self, case_id: int, *, for_update: bool = False) -> Case | None: ...

    def add_case(self, complaint: Complaint, *, at: datetime) -> Case: ...

    def add_report(
        self, report_id: str, case: Case, complaint: Complaint, *, at: datetime
    ) -> Report: ...

    def by_reporter(self, case: Case, reporter: str) -> Report | None: ...

    def get(self, report_id: str) -> Report | None: ...

    def decide(
        self, case: Case, *, outcome: Outcome, note: str, actor: str, at: datetime
    ) -> Case:
        """`case` (as the caller read it, locked) decided."""
        ...

    def cases(
        self, *, status: CaseStatus | None, after: int = 0, limit: int = 50
    ) -> list[Case]: ...

    def rename_reporter(self, reporter: str, replacement: str) -> int: ...
