"""Qualifications: the licences a principal holds (a financial licence, an ICP licence, ...).

A qualification counts on a day when it has been verified and the day lies within its validity
(both ends inclusive; an open end is no limit). An expired, not yet valid or unverified one
does not count. Which qualifications a category needs is the catalogue's business
(`shenhe.domain.catalogue`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from shenhe.domain.errors import QualificationError

QualificationStatus = Literal["valid", "unverified", "not_yet_valid", "expired"]
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""The shape of a qualification type or category id: ``lending_licence``."""
MAX_NUMBER = 100


@dataclass(frozen=True, slots=True)
class Qualification:
    """A licence: its type (a catalogue id), number, issuer, validity and whether verified."""

    type: str
    number: str
    issuer: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    verified: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.type, str) or not IDENTIFIER.fullmatch(self.type):
            raise QualificationError(
                "must be a qualification type id such as 'lending_licence'", field="type"
            )
        number = self.number.strip() if isinstance(self.number, str) else ""
        if not number or len(number) > MAX_NUMBER or not number.isprintable():
            raise QualificationError(
                f"must be the licence number as printed, 1-{MAX_NUMBER} characters",
                field="number",
            )
        object.__setattr__(self, "number", number)
        if not isinstance(self.issuer, str):
            raise QualificationError("must be the issuing authority's name", field="issuer")
        object.__setattr__(self, "issuer", self.issuer.strip())
        for name in ("valid_from", "valid_until"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise QualificationError("must be a date (YYYY-MM-DD) or empty", field=name)
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until < self.valid_from
        ):
            raise QualificationError("must not be before valid_from", field="valid_until")

    def status(self, on: date) -> QualificationStatus:
        """Why it does or does not count on `on`."""
        if not self.verified:
            return "unverified"
        if self.valid_from is not None and on < self.valid_from:
            return "not_yet_valid"
        if self.valid_until is not None and on > self.valid_until:
            return "expired"
        return "valid"

    def is_valid(self, on: date) -> bool:
        """Whether it counts on `on`: verified, and `on` within its validity."""
        return self.status(on) == "valid"
