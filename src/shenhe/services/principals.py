"""Principal use cases: register an enterprise or an individual, attach qualifications, look
one up.

Registration checks the identity number first (`parse_uscc`, or `parse_id_number` with the
day of `now` in the registry's calendar as today) and then looks for the principal: the same
credit code, or the same identity number however it was typed (its blind index; every key of
the keyring is tried, so a key rotation under way still finds them). Whoever is found is
returned as they are — a blacklisted principal who comes back under another name is still
the blacklisted principal.
A new individual's number is stored only sealed (token, blind index, masked form), and no
audit record, error message or return value carries it in clear.

`find_or_register` and `attach_qualification` are steps that run inside an open unit of work
(the import composes them with a submission in one transaction); the other functions are use
cases with a transaction of their own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from shenhe.domain.apps import PRINCIPAL_KINDS
from shenhe.domain.audit import SYSTEM_ACTOR, Subject
from shenhe.domain.catalogue import Catalogue
from shenhe.domain.credit_code import parse_uscc
from shenhe.domain.errors import IdentityError, SubmissionError
from shenhe.domain.identity import parse_id_number
from shenhe.domain.pii import Keyring, seal
from shenhe.domain.principals import Principal, check_name
from shenhe.domain.qualifications import Qualification
from shenhe.domain.registry import registry_date
from shenhe.services import audit
from shenhe.services.errors import NotFoundError
from shenhe.services.unit_of_work import UnitOfWork

ID_NUMBER = "id_number"
"""The PII field an individual's identity number is sealed as."""


@dataclass(frozen=True, slots=True)
class RegisterPrincipal:
    """Register an enterprise (`uscc`) or an individual (`id_number`, never shown)."""

    kind: str
    name: str
    uscc: str | None = None
    id_number: str | None = dataclasses.field(default=None, repr=False)
    actor: str = SYSTEM_ACTOR


@dataclass(frozen=True, slots=True)
class Registered:
    """The principal registered or found, and whether it is new."""

    principal: Principal
    created: bool


@dataclass(frozen=True, slots=True)
class AddQualification:
    """Attach a qualification to principal `principal_id` (replacing one of the same type and
    number)."""

    principal_id: int
    type: str
    number: str
    issuer: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    verified: bool = False
    actor: str = SYSTEM_ACTOR


def register_principal(
    command: RegisterPrincipal, uow: UnitOfWork, keyring: Keyring, *, now: datetime
) -> Registered:
    """Register a principal, or find the one already registered with the same identity."""
    with uow:
        result = find_or_register(uow, command, keyring, now=now)
        uow.commit()
    return result


def find_or_register(
    uow: UnitOfWork, command: RegisterPrincipal, keyring: Keyring, *, now: datetime
) -> Registered:
    """The step of `register_principal`, inside the open transaction of `uow`."""
    name = check_name(command.name)
    if command.kind == "enterprise":
        if command.id_number is not None:
            raise SubmissionError(
                "an enterprise is known by its credit code (uscc), not an identity number",
                field="id_number",
            )
        if command.uscc is None:
            raise IdentityError("uscc", "format", "an enterprise needs its credit code")
        code = parse_uscc(command.uscc)
        found = uow.principals.by_uscc(code.value)
        if found is not None:
            return Registered(found, created=False)
        principal = uow.principals.add(
            kind="enterprise", name=name, uscc=code.value, id_number=None, at=now
        )
    elif command.kind == "individual":
        if command.uscc is not None:
            raise SubmissionError(
                "an individual is known by an identity number (id_number), not a credit code",
                field="uscc",
            )
        if command.id_number is None:
            raise IdentityError(ID_NUMBER, "format", "an individual needs an identity number")
        number = parse_id_number(command.id_number, today=registry_date(now))
        found = uow.principals.by_id_number_index(keyring.blind_indexes(ID_NUMBER, number.value))
        if found is not None:
            return Registered(found, created=False)
        principal = uow.principals.add(
            kind="individual",
            name=name,
            uscc=None,
            id_number=seal(keyring, ID_NUMBER, number.value),
            at=now,
        )
    else:
        raise SubmissionError(f"must be one of {', '.join(PRINCIPAL_KINDS)}", field="kind")
    audit.append(
        uow,
        actor=command.actor,
        action="principal.register",
        subject=Subject("principal", str(principal.id)),
        payload={"kind": principal.kind, "identity": principal.identity},
        at=now,
    )
    return Registered(principal, created=True)


def add_qualification(
    command: AddQualification, uow: UnitOfWork, catalogue: Catalogue, *, now: datetime
) -> Principal:
    """Attach a qualification to a principal; the principal with its qualifications after."""
    qualification = Qualification(
        type=command.type,
        number=command.number,
        issuer=command.issuer,
        valid_from=command.valid_from,
        valid_until=command.valid_until,
        verified=command.verified,
    )
    with uow:
        attach_qualification(
            uow, command.principal_id, qualification, catalogue, actor=command.actor, now=now
        )
        principal = uow.principals.get(command.principal_id)
        assert principal is not None  # locked just now
        uow.commit()
    return principal


def attach_qualification(
    uow: UnitOfWork,
    principal_id: int,
    qualification: Qualification,
    catalogue: Catalogue,
    *,
    actor: str,
    now: datetime,
) -> None:
    """The step of `add_qualification`, inside the open transaction of `uow`: the type must be
    one the catalogue knows (`QualificationError`), the principal must exist."""
    catalogue.check_qualification(qualification)
    if uow.principals.get(principal_id, for_update=True) is None:
        raise NotFoundError("principal", str(principal_id))
    uow.principals.add_qualification(principal_id, qualification, at=now)
    audit.append(
        uow,
        actor=actor,
        action="principal.qualification",
        subject=Subject("principal", str(principal_id)),
        payload={
            "type": qualification.type,
            "number": qualification.number,
            "valid_from": _day(qualification.valid_from),
            "valid_until": _day(qualification.valid_until),
            "verified": qualification.verified,
        },
        at=now,
    )


def get_principal(principal_id: int, uow: UnitOfWork) -> Principal:
    """The principal with its qualifications, or `NotFoundError`."""
    with uow:
        principal = uow.principals.get(principal_id)
    if principal is None:
        raise NotFoundError("principal", str(principal_id))
    return principal


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
