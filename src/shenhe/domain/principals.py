"""Principals: the legal subjects behind apps, as the registry keeps them.

A principal is an enterprise, known by its Unified Social Credit Code (public, shown in full),
or an individual, known by a resident identity number that exists only sealed
(`shenhe.domain.pii.SealedValue`: token, blind index, masked form). Whoever comes back with the
same code, or the same identity number however typed (the blind index of the normalised
number), is the same principal, whatever name they give.

A blacklisted principal may list no app: `Principal.blacklisted_at` says whether the blacklist
holds at a moment (``blacklisted_until`` None means for good). Nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shenhe.domain.apps import PrincipalKind, PrincipalRef
from shenhe.domain.audit import format_time_or_none
from shenhe.domain.errors import SubmissionError
from shenhe.domain.pii import SealedValue
from shenhe.domain.qualifications import Qualification

MAX_NAME = 200
"""Longest principal name stored (the schema's limit)."""


def check_name(
    name: object,
    field_name: str = "name",
    *,
    limit: int = MAX_NAME,
    whose: str = "the principal's legal name",
) -> str:
    """`name` stripped, or `SubmissionError` naming the field when empty, longer than `limit`
    or not printable; `whose` says what the name must be (the message when it is empty)."""
    if not isinstance(name, str) or not name.strip():
        raise SubmissionError(f"must be {whose}, not empty", field=field_name)
    stripped = name.strip()
    if len(stripped) > limit or not stripped.isprintable():
        raise SubmissionError(f"must be 1-{limit} printable characters", field=field_name)
    return stripped


@dataclass(frozen=True, slots=True)
class Principal:
    """A principal as stored: its registry id, identity, blacklist flag and qualifications."""

    id: int
    kind: PrincipalKind
    name: str
    uscc: str | None = None
    id_number: SealedValue | None = field(default=None, repr=False)
    blacklisted: bool = False
    blacklisted_until: datetime | None = None
    qualifications: tuple[Qualification, ...] = ()
    created_at: datetime | None = None

    @property
    def ref(self) -> PrincipalRef:
        """How the review knows it: its kind and registry id."""
        return PrincipalRef(self.kind, str(self.id))

    @property
    def identity(self) -> str:
        """What it may be shown as: the credit code, or the masked identity number."""
        if self.kind == "enterprise":
            return self.uscc or ""
        return self.id_number.masked if self.id_number is not None else ""

    def blacklisted_at(self, now: datetime) -> bool:
        """Whether the blacklist holds at `now` (a blacklist without an end always does)."""
        if not self.blacklisted:
            return False
        return self.blacklisted_until is None or now < self.blacklisted_until

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data for the API and the command line: the identity number masked only."""
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "uscc": self.uscc,
            "id_number_masked": None if self.id_number is None else self.id_number.masked,
            "blacklisted": self.blacklisted,
            "blacklisted_until": format_time_or_none(self.blacklisted_until),
            "qualifications": [qualification_dict(q) for q in self.qualifications],
            "created_at": format_time_or_none(self.created_at),
        }


def qualification_dict(qualification: Qualification) -> dict[str, Any]:
    """A qualification as plain JSON data."""
    return {
        "type": qualification.type,
        "number": qualification.number,
        "issuer": qualification.issuer,
        "valid_from": _day(qualification.valid_from),
        "valid_until": _day(qualification.valid_until),
        "verified": qualification.verified,
    }


def _day(day: Any) -> str | None:
    return None if day is None else str(day.isoformat())
