"""The governance domain's errors. Every one is a `ShenheError`; none knows about HTTP.

    ShenheError
    └── DomainError                 the governance model refused something
        ├── IdentityError           an identity number failed a check (its field and check)
        ├── QualificationError      a qualification is malformed or of an unknown type
        ├── CategoryError           a service category the catalogue does not know
        ├── CatalogueError          a category catalogue document is malformed
        ├── PiiError                personal information could not be sealed or opened
        │   ├── PiiKeyError         a key is malformed, or a token names a key not held
        │   └── TamperedError       a sealed value failed authentication
        ├── SubmissionError         an app, a submission or a decision is malformed
        ├── LadderError             a penalty ladder document is malformed
        ├── EnforcementError        a violation, strike or penalty is malformed
        ├── ClonePrintError         a stored clone print cannot be read or compared
        └── BrandListError          a protected-brand list is malformed

Messages name the field and the check that failed and say what to do. They never contain the
value that failed: an identity number, a mobile number or a sealed value is personal
information, and an error message ends up in logs and API responses.
"""

from __future__ import annotations

from typing import Literal

from shenhe.errors import ShenheError

IdentityCheck = Literal[
    "format",
    "length",
    "alphabet",
    "authority",
    "entity_type",
    "region",
    "organisation_code",
    "birth_date",
    "check_digit",
    "prefix",
]
"""The checks an identity number can fail, in the order they run."""


class DomainError(ShenheError):
    """Base class of the governance model's errors."""


class IdentityError(DomainError):
    """An identity number failed a check.

    ``field`` is the input field (``uscc``, ``id_number``, ``mobile``, or the name the caller
    gave); ``check`` is the check that failed. The message never contains the number.
    """

    def __init__(self, field: str, check: IdentityCheck, message: str):
        super().__init__(f"{field}: {message} (check: {check})")
        self.field = field
        self.check: IdentityCheck = check

    @property
    def code(self) -> str:
        """A stable reason code, ``<field>.<check>`` (``id_number.check_digit``)."""
        return f"{self.field}.{self.check}"


class QualificationError(DomainError):
    """A qualification is malformed (empty number, dates out of order) or of an unknown type."""

    def __init__(self, message: str, *, field: str):
        super().__init__(f"qualification {field}: {message}")
        self.field = field


class CategoryError(DomainError):
    """A service category that the catalogue does not know."""

    def __init__(self, category: str, known: tuple[str, ...]):
        super().__init__(f"unknown service category {category!r}; use one of: {', '.join(known)}")
        self.category = category


class CatalogueError(DomainError):
    """A category catalogue document is malformed; the message names the field at fault."""


class PiiError(DomainError):
    """Personal information could not be sealed or opened. Never carries the clear value."""


class PiiKeyError(PiiError):
    """A PII key is malformed, or a sealed value names a key the keyring does not hold."""


class TamperedError(PiiError):
    """A sealed value failed authentication: altered, sealed for another field, or another key."""

    def __init__(self, field: str, reason: str):
        super().__init__(
            f"the sealed {field} cannot be opened: {reason}. It was altered, sealed for another "
            "field, or sealed with another key; restore it from a trusted copy"
        )
        self.field = field


class SubmissionError(DomainError):
    """An app, a submission or a decision is malformed; `field` names the field at fault."""

    def __init__(self, message: str, *, field: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class LadderError(DomainError):
    """A penalty ladder document is malformed; the message names the field at fault."""


class EnforcementError(DomainError):
    """A violation, strike or penalty is malformed; `field` names the field at fault."""

    def __init__(self, message: str, *, field: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class ClonePrintError(DomainError):
    """A stored clone print cannot be read, or two prints cannot be compared."""


class BrandListError(DomainError):
    """A brand list document is malformed; the message names the entry at fault."""
