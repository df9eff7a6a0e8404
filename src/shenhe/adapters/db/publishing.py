"""The repositories of the front and of posting over SQLAlchemy: profiles (``profiles``),
credit events (``credit_events``), posts and comments (``posts``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from shenhe.adapters.db.publishing_schema import CreditEventRow, PostRow, ProfileRow
from shenhe.domain.credit import CreditEvent
from shenhe.domain.ip_location import IpLocation, Scope
from shenhe.domain.posts import Post, PostKind, PostStatus
from shenhe.domain.profile import Profile


class SqlProfiles:
    """`ProfileRepository` on a session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, account_id: int) -> tuple[Profile, IpLocation, datetime] | None:
        row = self._session.get(ProfileRow, account_id)
        if row is None:
            return None
        location = IpLocation(cast(Scope, row.location_scope), row.location_name)
        return Profile(row.nickname, row.bio, row.avatar_caption), location, row.updated_at

    def put(self, account_id: int, profile: Profile, location: IpLocation, *, at: datetime) -> None:
        row = self._session.get(ProfileRow, account_id)
        if row is None:
            row = ProfileRow(account_id=account_id)
            self._session.add(row)
        row.nickname = profile.nickname
        row.bio = profile.bio
        row.avatar_caption = profile.avatar_caption
        row.location_scope = location.scope
        row.location_name = location.name
        row.updated_at = at
        self._session.flush()

    def delete(self, account_id: int) -> bool:
        result = self._session.execute(
            delete(ProfileRow).where(ProfileRow.account_id == account_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class SqlCredit:
    """`CreditRepository` on a session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def events(self, account_id: int) -> list[CreditEvent]:
        rows = self._session.scalars(
            select(CreditEventRow)
            .where(CreditEventRow.account_id == account_id)
            .order_by(CreditEventRow.at, CreditEventRow.id)
        )
        return [CreditEvent(row.kind, row.points, row.at, row.subject) for row in rows]

    def add(self, account_id: int, event: CreditEvent) -> None:
        self._session.add(
            CreditEventRow(
                account_id=account_id,
                kind=event.kind,
                points=event.points,
                subject=event.subject,
                at=event.at,
            )
        )
        self._session.flush()

    def delete(self, account_id: int) -> int:
        result = self._session.execute(
            delete(CreditEventRow).where(CreditEventRow.account_id == account_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlPosts:
    """`PostRepository` on a session."""

    def __init__(self, session: Session) -> None:
        self._session = session

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
    ) -> Post:
        row = PostRow(
            kind=kind,
            account_id=account_id,
            parent_id=parent_id,
            body=body,
            status=status,
            reasons=list(reasons),
            verdict=verdict,
            created_at=at,
            decided_at=None,
            decided_by=None,
        )
        self._session.add(row)
        self._session.flush()
        return _post(row)

    def get(self, post_id: int, *, for_update: bool = False) -> Post | None:
        statement = select(PostRow).where(PostRow.id == post_id)
        if for_update:
            statement = statement.with_for_update()
        row = self._session.scalars(statement).first()
        return None if row is None else _post(row)

    def set_status(
        self,
        post_id: int,
        status: PostStatus,
        *,
        reasons: tuple[str, ...],
        actor: str,
        at: datetime,
    ) -> None:
        self._session.execute(
            update(PostRow)
            .where(PostRow.id == post_id)
            .values(status=status, reasons=list(reasons), decided_at=at, decided_by=actor)
        )

    def recent(self, account_id: int, kind: PostKind, since: datetime) -> list[datetime]:
        rows = self._session.scalars(
            select(PostRow.created_at).where(
                PostRow.account_id == account_id,
                PostRow.kind == kind,
                PostRow.created_at > since,
            )
        )
        return list(rows)

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
        visible: ColumnElement[bool] = PostRow.status == "published"
        if viewer is not None:
            visible = visible | ((PostRow.status == "held") & (PostRow.account_id == viewer))
        statement = select(PostRow).where(PostRow.kind == kind, PostRow.id > after, visible)
        if parent_id is not None:
            statement = statement.where(PostRow.parent_id == parent_id)
        rows = self._session.scalars(statement.order_by(PostRow.id).limit(limit))
        return [_post(row) for row in rows]

    def held(self, *, after: int = 0, limit: int = 50) -> list[Post]:
        rows = self._session.scalars(
            select(PostRow)
            .where(PostRow.status == "held", PostRow.id > after)
            .order_by(PostRow.id)
            .limit(limit)
        )
        return [_post(row) for row in rows]

    def anonymise(self, account_id: int) -> int:
        """Detach the account's posts and comments from it; how many there were."""
        result = self._session.execute(
            update(PostRow).where(PostRow.account_id == account_id).values(account_id=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def _post(row: PostRow) -> Post:
    return Post(
        id=row.id,
        kind=cast(PostKind, row.kind),
        account_id=row.account_id,
        parent_id=row.parent_id,
        body=row.body,
        status=cast(PostStatus, row.status),
        reasons=tuple(row.reasons),
        verdict=dict(row.verdict),
        created_at=row.created_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
    )
