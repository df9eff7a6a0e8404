"""The account routes for operators (each needs ``Authorization: Bearer`` and a role):

POST   /v1/accounts/{id}/close      moderator: close, and blacklist the identity
DELETE /v1/accounts/{id}            moderator: delete (cryptographic erasure)
POST   /v1/accounts/{id}/reverify   moderator: verify the identity again now
POST   /v1/accounts/{id}/reveal     pii_reveal: one identity field in clear (audited)
POST   /v1/principals/{id}/reveal   pii_reveal: a principal's identity number (audited)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from shenhe.api import account_deps, deps
from shenhe.api.account_schemas import (
    AccountOut,
    CloseIn,
    PrincipalRevealIn,
    ReasonIn,
    RevealIn,
    RevealOut,
)
from shenhe.api.accounts import now, responses
from shenhe.api.auth import operator_with
from shenhe.services import account_admin, profiles, reverification

router = APIRouter(tags=["accounts"])


@router.post(
    "/v1/accounts/{account_id}/close",
    response_model=AccountOut,
    responses=responses(401, 403, 404, 409, 422),
    summary="Close an account, and blacklist its identity for a serious violation",
)
def close_account(account_id: int, body: CloseIn, request: Request) -> dict[str, Any]:
    """With `blacklist`, the identity cannot register again, whatever new name or mobile
    number it brings: for `days` days, or for good with `permanent`."""
    operator = operator_with(request, "moderator")
    moment = now()
    until = account_admin.blacklist_until(body.blacklist, body.days, body.permanent, moment)
    command = account_admin.CloseAccount(account_id, body.reason, body.blacklist, until)
    account = account_admin.close_account(
        command, deps.unit_of_work(request), deps.keyring(request), actor=operator.actor, now=moment
    )
    return account.to_dict(moment)


@router.post(
    "/v1/accounts/{account_id}/suspend",
    response_model=AccountOut,
    responses=responses(401, 403, 404, 409, 422),
    summary="Suspend an account: it may not publish until reinstated",
)
def suspend_account(account_id: int, body: ReasonIn, request: Request) -> dict[str, Any]:
    return _suspend(account_id, body, request, suspend=True)


@router.post(
    "/v1/accounts/{account_id}/reinstate",
    response_model=AccountOut,
    responses=responses(401, 403, 404, 409, 422),
    summary="Reinstate a suspended account",
)
def reinstate_account(account_id: int, body: ReasonIn, request: Request) -> dict[str, Any]:
    return _suspend(account_id, body, request, suspend=False)


def _suspend(account_id: int, body: ReasonIn, request: Request, *, suspend: bool) -> dict[str, Any]:
    operator = operator_with(request, "moderator")
    moment = now()
    account = account_admin.suspend_account(
        account_id,
        body.reason,
        deps.unit_of_work(request),
        actor=operator.actor,
        now=moment,
        suspend=suspend,
    )
    return account.to_dict(moment)


@router.delete(
    "/v1/accounts/{account_id}",
    response_model=AccountOut,
    responses=responses(401, 403, 404, 409),
    summary="Delete an account: its identity is erased",
)
def delete_account(account_id: int, request: Request) -> dict[str, Any]:
    operator = operator_with(request, "moderator")
    moment = now()
    account = account_admin.delete_account(
        account_id,
        deps.unit_of_work(request),
        actor=operator.actor,
        now=moment,
        extra_steps=profiles.DELETION_STEPS,
    )
    return account.to_dict(moment)


@router.post(
    "/v1/accounts/{account_id}/reverify",
    response_model=AccountOut,
    responses=responses(401, 403, 404, 409, 503),
    summary="Verify the account's identity again now",
)
def reverify_account(account_id: int, request: Request) -> dict[str, Any]:
    operator = operator_with(request, "moderator")
    moment = now()
    account = reverification.reverify_account(
        account_id,
        deps.unit_of_work(request),
        deps.keyring(request),
        account_deps.verifier(request),
        now=moment,
        policy=account_deps.account_policy(request),
        actor=operator.actor,
    )
    return account.to_dict(moment)


@router.post(
    "/v1/accounts/{account_id}/reveal",
    response_model=RevealOut,
    responses=responses(401, 403, 404, 409, 422),
    summary="Reveal one identity field in clear (role pii_reveal; audited)",
)
def reveal_account(account_id: int, body: RevealIn, request: Request) -> dict[str, Any]:
    operator = operator_with(request, "pii_reveal")
    value = account_admin.reveal_account_value(
        account_id,
        body.field,
        body.reason,
        operator,
        deps.unit_of_work(request),
        deps.keyring(request),
        now=now(),
    )
    return {"field": body.field, "value": value}


@router.post(
    "/v1/principals/{principal_id}/reveal",
    response_model=RevealOut,
    responses=responses(401, 403, 404, 422),
    summary="Reveal a principal's identity number in clear (role pii_reveal; audited)",
    tags=["principals"],
)
def reveal_principal(
    principal_id: int, body: PrincipalRevealIn, request: Request
) -> dict[str, Any]:
    operator = operator_with(request, "pii_reveal")
    value = account_admin.reveal_principal_id_number(
        principal_id,
        body.reason,
        operator,
        deps.unit_of_work(request),
        deps.keyring(request),
        now=now(),
    )
    return {"field": "id_number", "value": value}
