"""Accounts under the real-name rules: a real identity kept in the back end, sealed.

An account is an individual (name, resident identity number, mobile) or an organisation
(name, Unified Social Credit Code, responsible person's name and identity number, mobile).
Every one of those values is personal or identifying data and exists only sealed
(`shenhe.domain.pii.SealedValue`): an account's `identity` maps each field to its sealed
form, and shows it only masked. The *identity field* — ``id_number`` for an individual,
``uscc`` for an organisation — is what duplicates, the per-identity limit and the blacklist
are found by, through its blind index.

Whether an account may publish at a moment is `rights_at`: the account is active, its
identity was verified and the verification has not lapsed (定期核验: it is due again at
`identity_due_at`), and its mobile number was confirmed with a one-time code. The answer is a
`PublishingRights` with a stable reason code when it is no. Nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

from shenhe.domain.audit import format_time_or_none
from shenhe.domain.pii import SealedValue

AccountKind = Literal["individual", "organisation"]
ACCOUNT_KINDS: tuple[AccountKind, ...] = ("individual", "organisation")
AccountStatus = Literal["active", "suspended", "closed", "deleted"]
ACCOUNT_STATUSES: tuple[AccountStatus, ...] = ("active", "suspended", "closed", "deleted")
IdentityStatus = Literal["verified", "failed"]
IDENTITY_STATUSES: tuple[IdentityStatus, ...] = ("verified", "failed")

FIELDS: Mapping[AccountKind, tuple[str, ...]] = MappingProxyType(
    {
        "individual": ("name", "id_number", "mobile"),
        "organisation": ("name", "uscc", "responsible_name", "responsible_id_number", "mobile"),
    }
)
"""The sealed fields each kind of account holds (all of them required)."""
IDENTITY_FIELD: Mapping[AccountKind, str] = MappingProxyType(
    {"individual": "id_number", "organisation": "uscc"}
)
"""The field an account's identity is known by: duplicates, limits, the blacklist."""
PII_FIELDS = frozenset(f for fields in FIELDS.values() for f in fields)
"""Every field an account may hold; the fields a reveal may name."""

RightsCode = Literal[
    "ok",
    "not_found",
    "account_deleted",
    "account_closed",
    "account_suspended",
    "identity_failed",
    "identity_lapsed",
    "mobile_unverified",
]


@dataclass(frozen=True, slots=True)
class PublishingRights:
    """Whether an account may publish now; when not, a stable `code` and a message to show."""

    allowed: bool
    code: RightsCode
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "code": self.code, "reason": self.reason}


ALLOWED = PublishingRights(True, "ok")


@dataclass(frozen=True, slots=True)
class Account:
    """An account as stored. `identity` is empty once the account was deleted (erased)."""

    id: int
    kind: AccountKind
    status: AccountStatus
    identity: Mapping[str, SealedValue] = field(repr=False)
    identity_status: IdentityStatus
    identity_verified_at: datetime | None
    identity_due_at: datetime | None
    mobile_verified_at: datetime | None
    created_at: datetime
    closed_at: datetime | None = None
    close_reason: str | None = None
    deleted_at: datetime | None = None
    data_key: str | None = field(default=None, repr=False)
    """The wrapped data key that opens `identity` (None once erased); never shown."""

    @property
    def identity_field(self) -> str:
        return IDENTITY_FIELD[self.kind]

    @property
    def identity_ref(self) -> str:
        """`identity_ref` of the account's identity field, for its audit records."""
        return identity_ref(self.identity[self.identity_field].blind_index)

    def masked(self) -> dict[str, str]:
        """Each identity field's masked form (``110***********002X``), in the kind's order."""
        return {
            name: self.identity[name].masked for name in FIELDS[self.kind] if name in self.identity
        }

    def rights_at(self, now: datetime) -> PublishingRights:
        """Whether the account may publish at `now`; see `PublishingRights`."""
        if self.status == "deleted":
            return PublishingRights(False, "account_deleted", "the account was deleted")
        if self.status == "closed":
            return PublishingRights(False, "account_closed", "the account was closed")
        if self.status == "suspended":
            return PublishingRights(False, "account_suspended", "the account is suspended")
        if self.identity_status != "verified":
            return PublishingRights(
                False,
                "identity_failed",
                "the identity failed verification; it must pass re-verification first",
            )
        if self.identity_due_at is not None and now >= self.identity_due_at:
            return PublishingRights(
                False,
                "identity_lapsed",
                "the periodic identity verification is due; it must pass again first",
            )
        if self.mobile_verified_at is None:
            return PublishingRights(
                False,
                "mobile_unverified",
                "the mobile number is not confirmed; confirm it with the code sent by SMS",
            )
        return ALLOWED

    def to_dict(self, now: datetime | None = None) -> dict[str, Any]:
        """Plain JSON data for the API and the command line: identity masked only; with
        `now`, the publishing rights at that moment too."""
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "identity": self.masked(),
            "identity_status": self.identity_status,
            "identity_verified_at": format_time_or_none(self.identity_verified_at),
            "identity_due_at": format_time_or_none(self.identity_due_at),
            "mobile_verified": self.mobile_verified_at is not None,
            "mobile_verified_at": format_time_or_none(self.mobile_verified_at),
            "created_at": format_time_or_none(self.created_at),
            "closed_at": format_time_or_none(self.closed_at),
            "close_reason": self.close_reason,
            "deleted_at": format_time_or_none(self.deleted_at),
        }
        if now is not None:
            data["publishing"] = self.rights_at(now).to_dict()
        return data


def identity_ref(blind_index: str) -> str:
    """What audit records carry for an identity: a prefix of its blind index (no clear value,
    no masked value), enough to tell records about the same identity apart."""
    return blind_index[:16]
