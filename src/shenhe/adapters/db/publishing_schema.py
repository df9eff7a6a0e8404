"""The tables of the front, agreements, posting, credit and complaints (migration ``0005``).

    agreements ──< agreement_acceptances >── accounts
    accounts ──1 profiles            accounts ──< credit_events
    accounts ──< posts ──< posts (comments: parent_id)
    report_cases ──< reports

The rows join the models of `shenhe.adapters.db.schema` (one `Base`, one metadata): this
module is imported with the package, so Alembic's model comparison sees them. ``account_id``
refers to ``accounts`` (migration ``0004``). Conventions
are those of `schema`. A post whose author's account was deleted keeps its text under no
account (``account_id`` NULL): the content is anonymised, not removed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from shenhe.adapters.db.schema import ID, Base, one_of
from shenhe.domain.audit import MAX_LABEL_LENGTH
from shenhe.domain.ip_location import SCOPES
from shenhe.domain.posts import POST_KINDS, POST_STATUSES
from shenhe.domain.reports import CASE_STATUSES, OUTCOMES, TARGET_TYPES


class AgreementRow(Base):
    """One published version of the service agreement; the latest is the current one."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    published_by: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    published_at: Mapped[datetime]


class AgreementAcceptanceRow(Base):
    """An account's acceptance of one version: when, and from which client address."""

    __tablename__ = "agreement_acceptances"
    __table_args__ = (UniqueConstraint("account_id", "agreement_id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    address: Mapped[str | None] = mapped_column(String(64))
    accepted_at: Mapped[datetime]


class ProfileRow(Base):
    """What an account shows in front, and where it was last seen (province or country)."""

    __tablename__ = "profiles"
    __table_args__ = (one_of("location_scope", SCOPES),)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id"), primary_key=True, autoincrement=False
    )
    nickname: Mapped[str] = mapped_column(String(60))
    bio: Mapped[str] = mapped_column(Text, default="")
    avatar_caption: Mapped[str] = mapped_column(String(120), default="")
    location_scope: Mapped[str] = mapped_column(String(16))
    location_name: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class CreditEventRow(Base):
    """A violation that cost an account credit (the score is computed from these)."""

    __tablename__ = "credit_events"
    __table_args__ = (Index(None, "account_id", "at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH), default="")
    at: Mapped[datetime]


class PostRow(Base):
    """A post or a comment (``parent_id``: the post it answers), with the verdict on it."""

    __tablename__ = "posts"
    __table_args__ = (
        one_of("kind", POST_KINDS),
        one_of("status", POST_STATUSES),
        Index(None, "account_id", "kind", "created_at"),
        Index(None, "parent_id", "id"),
        Index(None, "status", "id"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(default=list)
    verdict: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(MAX_LABEL_LENGTH))


class ReportCaseRow(Base):
    """The case about one target: open until a moderator decides it."""

    __tablename__ = "report_cases"
    __table_args__ = (
        one_of("target_type", TARGET_TYPES),
        one_of("status", CASE_STATUSES),
        one_of("outcome", OUTCOMES),
        Index(None, "target_type", "target_id", "status"),
        Index(None, "status", "id"),
        Index(
            "uq_report_cases_open_target",
            "target_type",
            "target_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )
    """At most one open case per target (a partial unique index), whoever reports at once."""

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(MAX_LABEL_LENGTH))


class ReportRow(Base):
    """One reporter's complaint; its id is the unguessable token the reporter looks up."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("case_id", "reporter"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("report_cases.id"))
    reporter: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
