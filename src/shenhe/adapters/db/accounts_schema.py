"""The accounts' tables (migration ``0004``), on the same declarative base as the registry.

    accounts ──< account_pii            one row per sealed identity field
        ├──< otp_codes                  hashed one-time codes
        └──< identity_blacklist         barred identities (sealed under the master key)
    operators                           API operators: token hash and roles
    pii_rotations                       key rotations started and finished

An account's identity values exist only in ``account_pii``: the token (sealed under the
account's data key), the blind index (under the master index key, indexed for look-ups) and
the masked form. ``accounts.data_key`` is the data key wrapped by the master key; deleting
an account sets it NULL and deletes its ``account_pii`` rows (cryptographic erasure).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shenhe.adapters.db.schema import ID, Base, one_of
from shenhe.domain.accounts import ACCOUNT_KINDS, ACCOUNT_STATUSES, IDENTITY_STATUSES

ROTATION_STATUSES = ("running", "finished")


class AccountRow(Base):
    """An account: kind, state, verification, and its wrapped data key."""

    __tablename__ = "accounts"
    __table_args__ = (
        one_of("kind", ACCOUNT_KINDS),
        one_of("status", ACCOUNT_STATUSES),
        one_of("identity_status", IDENTITY_STATUSES),
        CheckConstraint("status = 'deleted' OR data_key IS NOT NULL", name="data_key"),
        Index(None, "status", "identity_due_at"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    data_key: Mapped[str | None] = mapped_column(Text)
    """The account's data key sealed under the master key; NULL once erased."""
    identity_status: Mapped[str] = mapped_column(String(16))
    identity_verified_at: Mapped[datetime | None]
    identity_due_at: Mapped[datetime | None]
    mobile_verified_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(500))
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AccountPiiRow(Base):
    """One sealed identity field of an account."""

    __tablename__ = "account_pii"
    __table_args__ = (Index(None, "field", "blind_index"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)
    blind_index: Mapped[str] = mapped_column(String(64))
    masked: Mapped[str] = mapped_column(String(200))


class OtpCodeRow(Base):
    """A one-time code sent to an account, stored as its HMAC."""

    __tablename__ = "otp_codes"
    __table_args__ = (Index(None, "account_id", "purpose", "sent_at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    purpose: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    consumed_at: Mapped[datetime | None]


class IdentityBlacklistRow(Base):
    """An identity barred from registering, found by its blind index."""

    __tablename__ = "identity_blacklist"
    __table_args__ = (Index(None, "field", "blind_index"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    field: Mapped[str] = mapped_column(String(32))
    sealed: Mapped[str] = mapped_column(Text)
    """The identity value sealed under the master key, so a key rotation can re-index it."""
    blind_index: Mapped[str] = mapped_column(String(64))
    masked: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    reason: Mapped[str] = mapped_column(String(500))
    until: Mapped[datetime | None]
    """NULL: for good."""
    created_at: Mapped[datetime]


class OperatorRow(Base):
    """An operator of the API: a name, the SHA-256 of its bearer token, its roles."""

    __tablename__ = "operators"
    __table_args__ = (UniqueConstraint("name"), UniqueConstraint("token_hash"))

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64))
    roles: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class PiiRotationRow(Base):
    """A key rotation: the key everything is re-sealed under, and whether it is done."""

    __tablename__ = "pii_rotations"
    __table_args__ = (one_of("status", ROTATION_STATUSES),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
