"""Operators of the API: create one (its bearer token shown once), authenticate a token, check
a role, revoke.

The token's SHA-256 is all that is stored (`shenhe.domain.operators`). `authenticate` looks
the hash up in a transaction of its own; an unknown or revoked token is an
`AuthenticationError` (401), a role the operator lacks a `PermissionDeniedError` (403).
Creating and revoking are audit records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shenhe.domain.audit import Subject
from shenhe.domain.errors import SubmissionError
from shenhe.domain.operators import NAME, Operator, Role, new_token, parse_roles, token_hash
from shenhe.services import audit
from shenhe.services.account_errors import AuthenticationError, PermissionDeniedError
from shenhe.services.errors import NotFoundError
from shenhe.services.unit_of_work import UnitOfWork


def create_operator(
    name: str, roles: Sequence[str], uow: UnitOfWork, *, actor: str, now: datetime
) -> tuple[Operator, str]:
    """A new operator and its bearer token (shown this once, never stored)."""
    if not NAME.fullmatch(name):
        raise SubmissionError(
            "must be 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter",
            field="name",
        )
    try:
        checked = parse_roles(list(roles))
    except ValueError as exc:
        raise SubmissionError(str(exc), field="roles") from None
    if not checked:
        raise SubmissionError("give at least one role", field="roles")
    token = new_token()
    with uow:
        operator = uow.operators.add(name=name, token_hash=token_hash(token), roles=checked, at=now)
        audit.append(
            uow,
            actor=actor,
            action="operator.create",
            subject=Subject("operator", name),
            payload={"roles": list(checked)},
            at=now,
        )
        uow.commit()
    return operator, token


def revoke_operator(name: str, uow: UnitOfWork, *, actor: str, now: datetime) -> None:
    """Revoke an operator's token (it stops working at once)."""
    with uow:
        if not uow.operators.revoke(name, at=now):
            raise NotFoundError("operator", name)
        audit.append(
            uow,
            actor=actor,
            action="operator.revoke",
            subject=Subject("operator", name),
            payload={},
            at=now,
        )
        uow.commit()


def list_operators(uow: UnitOfWork) -> list[Operator]:
    with uow:
        return uow.operators.all()


def authenticate(token: str | None, uow: UnitOfWork) -> Operator:
    """The operator holding `token`, or `AuthenticationError`."""
    if not token or not token.strip():
        raise AuthenticationError(
            "this needs an operator token: send 'Authorization: Bearer <token>' "
            "(made with `shenhe operators add`)"
        )
    with uow:
        operator = uow.operators.by_token_hash(token_hash(token))
    if operator is None or operator.revoked_at is not None:
        raise AuthenticationError("the operator token is unknown or revoked")
    return operator


def require(operator: Operator, role: Role) -> Operator:
    """`operator` if it holds `role`, else `PermissionDeniedError`."""
    if not operator.has(role):
        raise PermissionDeniedError(f"operator {operator.name!r} lacks the role {role!r}")
    return operator
