"""Identity verification: the pluggable port, and the verifier built in.

Registration and the periodic re-verification (定期核验) hand an `IdentityClaim` — the clear
identity, never logged — to an `IdentityVerifier`, which answers with a `VerificationResult`
(verified or not, a stable code, a reason to show) or raises `VerifierUnavailableError` when it
cannot answer at all (the caller then keeps the account's state as it was). Two verifiers:

- `LocalVerifier` (``SHENHE_IDENTITY_VERIFIER=local``, the default): the structural checks
  again (check digits, birth date, region), and the age rule — an individual must be at least
  `min_age` years old on the day of the claim (under-14s need a guardian's consent, which this
  system does not take). It cannot tell whether the name belongs to the number; use it in
  development and where identities are verified offline.
- `shenhe.adapters.verifier_http.HttpVerifier` (``SHENHE_IDENTITY_VERIFIER=http``): a
  third-party verification service over HTTP, with timeouts, retries and a circuit breaker.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from shenhe.domain.accounts import IDENTITY_FIELD, AccountKind
from shenhe.domain.errors import IdentityError
from shenhe.domain.identity import parse_id_number, parse_uscc
from shenhe.domain.registry import registry_date

DEFAULT_MIN_AGE = 14


@dataclass(frozen=True, slots=True)
class IdentityClaim:
    """Who an account says it is, in clear: hand it only to a verifier. Never shown."""

    kind: AccountKind
    name: str = dataclasses.field(repr=False)
    number: str = dataclasses.field(repr=False)
    """The resident identity number (individual) or the credit code (organisation)."""
    at: datetime
    responsible_name: str | None = dataclasses.field(default=None, repr=False)
    responsible_id_number: str | None = dataclasses.field(default=None, repr=False)

    @classmethod
    def of(cls, kind: AccountKind, values: Mapping[str, str], at: datetime) -> IdentityClaim:
        """The claim of an account's clear identity `values` (its fields by name)."""
        return cls(
            kind,
            values["name"],
            values[IDENTITY_FIELD[kind]],
            at,
            values.get("responsible_name"),
            values.get("responsible_id_number"),
        )

    def to_request(self) -> dict[str, Any]:
        """The claim as the JSON a verification service receives."""
        data: dict[str, Any] = {"kind": self.kind, "name": self.name, "number": self.number}
        if self.kind == "organisation":
            data["responsible_name"] = self.responsible_name
            data["responsible_id_number"] = self.responsible_id_number
        return data


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """A verifier's answer: `code` is ``match`` when verified, else why not."""

    verified: bool
    code: str
    reason: str
    verifier: str
    reference: str = ""


class IdentityVerifier(Protocol):
    """Checks that a claimed identity is genuine. Raises `VerifierUnavailableError` when it
    cannot tell (the service is down, slow, or its circuit is open)."""

    @property
    def name(self) -> str: ...

    def verify(self, claim: IdentityClaim) -> VerificationResult: ...


class LocalVerifier:
    """The built-in verifier: structural checks and the minimum age; see the module."""

    name = "local"

    def __init__(self, *, min_age: int = DEFAULT_MIN_AGE) -> None:
        self.min_age = min_age

    def verify(self, claim: IdentityClaim) -> VerificationResult:
        today = registry_date(claim.at)
        try:
            if claim.kind == "individual":
                person = parse_id_number(claim.number, today=today)
                if _age(person.birth_date, today) < self.min_age:
                    return self._no("minor", f"the holder is under {self.min_age}")
            else:
                parse_uscc(claim.number)
                parse_id_number(
                    claim.responsible_id_number or "", today=today, field="responsible_id_number"
                )
        except IdentityError as exc:
            return self._no(exc.code, str(exc))
        if not claim.name.strip():
            return self._no("name", "the name is empty")
        reference = hashlib.sha256(f"{claim.kind}:{claim.at.isoformat()}".encode()).hexdigest()
        return VerificationResult(True, "match", "", self.name, f"local-{reference[:12]}")

    def _no(self, code: str, reason: str) -> VerificationResult:
        return VerificationResult(False, code, reason, self.name)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
