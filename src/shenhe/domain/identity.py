"""Identity numbers: what a principal is known by, checked before anything is stored.

- `parse_uscc` → `CreditCode`: an enterprise's Unified Social Credit Code (GB 32100, in
  `shenhe.domain.credit_code`);
- `parse_id_number` → `ResidentId`: an individual's resident identity number (GB 11643);
- `parse_mobile` → `MobileNumber`: a mainland mobile number.

Each takes what a user typed, normalises it (full-width characters, spaces, a lower-case x)
and returns a frozen value object, or raises `IdentityError` naming the field and the check
that failed. The messages never contain the number. A `ResidentId` or `MobileNumber` is
personal information: its ``repr`` and ``str`` show the masked form; ``.value`` is the clear
one, for sealing (`shenhe.domain.pii`) and nothing else.

The resident identity number (GB 11643-1999), eighteen characters::

    110105 19491231 002 X
    │      │        │   └ check digit: ISO 7064 MOD 11-2 over 1-17 ("10X98765432")
    │      │        └ sequence; odd for men, even for women
    │      └ date of birth, YYYYMMDD
    └ the issuing county's GB/T 2260 code

Checks, in order: ``length``, ``alphabet``, ``region`` (a known province-level prefix — see
`shenhe.domain.regions` for why no finer), ``birth_date`` (a real calendar date, not before
1900, not after `today`), ``check_digit``. Residence permits of Hong Kong, Macao and Taiwan
residents (810000, 820000, 830000) share the format and pass.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from shenhe.domain.credit_code import CreditCode, parse_uscc
from shenhe.domain.errors import IdentityError
from shenhe.domain.masking import mask_id_number, mask_mobile
from shenhe.domain.regions import ID_NUMBER_KINDS, Region, region_for

__all__ = [
    "CreditCode",
    "MobileNumber",
    "ResidentId",
    "id_check_digit",
    "parse_id_number",
    "parse_mobile",
    "parse_uscc",
]

ID_FIELD = "id_number"
ID_LENGTH = 18
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
"""ISO 7064 MOD 11-2 weights of digits 1-17: 2^(18-i) mod 11."""
ID_CHECK = "10X98765432"
"""The check digit for each value of the weighted sum mod 11."""
EARLIEST_BIRTH = date(1900, 1, 1)
MOBILE_FIELD = "mobile"
MOBILE_LENGTH = 11
MOBILE_PREFIXES = ("+86", "0086")
_DIGITS = frozenset("0123456789")


def id_check_digit(body: str) -> str:
    """The GB 11643 check digit (0-9 or X) of the first 17 digits of an identity number."""
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


@dataclass(frozen=True, slots=True, repr=False)
class ResidentId:
    """A valid resident identity number; build it with `parse_id_number`. Shown masked."""

    value: str

    def __post_init__(self) -> None:
        _check_id(self.value, ID_FIELD, today=None)

    def __repr__(self) -> str:
        return f"ResidentId({self.masked!r})"

    def __str__(self) -> str:
        return self.masked

    @property
    def masked(self) -> str:
        """``110***********0078``: the province and three more digits, the last four."""
        return mask_id_number(self.value)

    @property
    def region(self) -> Region:
        """The province-level division that issued the number."""
        region = region_for(self.value[:2], ID_NUMBER_KINDS)
        assert region is not None  # checked on construction
        return region

    @property
    def birth_date(self) -> date:
        return date(int(self.value[6:10]), int(self.value[10:12]), int(self.value[12:14]))

    @property
    def sex(self) -> Literal["male", "female"]:
        """From the parity of digit 17, as GB 11643 assigns it."""
        return "male" if int(self.value[16]) % 2 else "female"


def parse_id_number(text: str, *, today: date, field: str = ID_FIELD) -> ResidentId:
    """The identity number in `text`, normalised (width, spaces, x → X), or `IdentityError`.

    `today` is the date a birth date may not come after: the domain reads no clock.
    """
    if not isinstance(text, str):
        raise IdentityError(field, "format", "an identity number must be given as text")
    value = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    _check_id(value, field, today=today)
    return ResidentId(value)


def _check_id(value: str, field: str, *, today: date | None) -> None:
    if len(value) != ID_LENGTH:
        hint = (
            "; 15-digit first-generation numbers are no longer valid, give the 18-digit one"
            if len(value) == 15
            else ""
        )
        raise IdentityError(
            field,
            "length",
            f"an identity number has {ID_LENGTH} characters; this one has {len(value)}{hint}",
        )
    for position, char in enumerate(value, start=1):
        if char not in _DIGITS and not (position == ID_LENGTH and char == "X"):
            raise IdentityError(
                field,
                "alphabet",
                f"character {position} is not allowed; characters 1-17 are digits and "
                "character 18 is a digit or X",
            )
    if region_for(value[:2], ID_NUMBER_KINDS) is None:
        raise IdentityError(
            field,
            "region",
            "characters 1-2 are not the code of a province-level region (GB/T 2260)",
        )
    _check_birth_date(value[6:14], field, today)
    if id_check_digit(value[:17]) != value[17]:
        raise IdentityError(
            field,
            "check_digit",
            "the check digit (character 18) does not match characters 1-17; "
            "check the number for a typo",
        )


def _check_birth_date(digits: str, field: str, today: date | None) -> None:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise IdentityError(
            field, "birth_date", "characters 7-14 are not a real date of birth (YYYYMMDD)"
        ) from None
    if born < EARLIEST_BIRTH:
        raise IdentityError(field, "birth_date", "the date of birth is before 1900")
    if today is not None and born > today:
        raise IdentityError(field, "birth_date", "the date of birth is in the future")


@dataclass(frozen=True, slots=True, repr=False)
class MobileNumber:
    """A mainland mobile number, eleven digits (1[3-9]…). Shown masked."""

    value: str

    def __post_init__(self) -> None:
        _check_mobile(self.value, MOBILE_FIELD)

    def __repr__(self) -> str:
        return f"MobileNumber({self.masked!r})"

    def __str__(self) -> str:
        return self.masked

    @property
    def masked(self) -> str:
        """``138****8000``."""
        return mask_mobile(self.value)


def parse_mobile(text: str, *, field: str = MOBILE_FIELD) -> MobileNumber:
    """The mobile number in `text` (spaces, hyphens and a +86 / 0086 prefix allowed)."""
    if not isinstance(text, str):
        raise IdentityError(field, "format", "a mobile number must be given as text")
    value = "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "")
    for prefix in MOBILE_PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    _check_mobile(value, field)
    return MobileNumber(value)


def _check_mobile(value: str, field: str) -> None:
    if len(value) != MOBILE_LENGTH:
        raise IdentityError(
            field,
            "length",
            f"a mobile number has {MOBILE_LENGTH} digits; this one has {len(value)}",
        )
    if not set(value) <= _DIGITS:
        raise IdentityError(field, "alphabet", "a mobile number has digits only")
    if value[0] != "1" or value[1] not in "3456789":
        raise IdentityError(
            field, "prefix", "a mainland mobile number starts with 13 to 19; check the number"
        )
