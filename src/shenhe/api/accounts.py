"""The account routes: register with a real identity, look an account up (masked), confirm
the mobile number with a code sent by SMS.

    POST /v1/accounts                       register (201), or a 4xx naming what failed
    GET  /v1/accounts/{id}                  the account, identity masked, publishing rights
                                            (the account itself or a moderator only)
    POST /v1/accounts/{id}/mobile/code      send a one-time code (202; 429 when too soon)
    POST /v1/accounts/{id}/verify           confirm the mobile number with the code

Statuses (mapped in `shenhe.api.errors`): a field failing a structural check → 422 naming
the field and the check (``errors[].type`` is ``id_number.check_digit``); a verifier's "no"
→ 422; a duplicate identity or mobile → 409; a blacklisted identity → 403; a verifier that
cannot be reached → 503; a wrong code → 422; a code asked for too soon → 429. No message says
whose identity it is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request

from shenhe.api import account_deps, caller, deps
from shenhe.api.account_schemas import AccountIn, AccountOut, CodeIn, CodeSentOut
from shenhe.api.auth import bearer_token, operator_with
from shenhe.api.schemas import ErrorOut
from shenhe.domain.audit import format_time
from shenhe.services import account_mobile, accounts
from shenhe.services.account_errors import PermissionDeniedError

router = APIRouter(tags=["accounts"])

_DESCRIBED = {
    401: "No operator token, or an unknown or revoked one.",
    403: "A blacklisted identity, or an operator without the role.",
    404: "No account with that id.",
    409: "The identity holds the most accounts allowed, the mobile is taken, or the account "
    "is closed or deleted.",
    422: "A field failing its check (`errors` names the field and the check), a failed "
    "verification, or a wrong, expired or spent code.",
    429: "A code was sent moments ago; `Retry-After` says when to ask again.",
    503: "The identity verification service cannot be reached; try again later.",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ErrorOut, "description": _DESCRIBED[s]} for s in statuses}


def now() -> datetime:
    return datetime.now(UTC)


@router.post(
    "/v1/accounts",
    response_model=AccountOut,
    status_code=201,
    responses=responses(403, 409, 422, 503),
    summary="Register an account with a real identity",
)
def register_account(body: AccountIn, request: Request) -> dict[str, Any]:
    """Register an individual (name, `id_number`, mobile) or an organisation (name, `uscc`,
    responsible person, mobile). The identity is verified, kept sealed, shown masked."""
    moment = now()
    command = accounts.RegisterAccount(
        kind=body.kind,
        name=body.name,
        mobile=body.mobile,
        id_number=body.id_number,
        uscc=body.uscc,
        responsible_name=body.responsible_name,
        responsible_id_number=body.responsible_id_number,
        actor="api",
    )
    account = accounts.register_account(
        command,
        deps.unit_of_work(request),
        deps.keyring(request),
        account_deps.verifier(request),
        now=moment,
        policy=account_deps.account_policy(request),
    )
    return account.to_dict(moment)


@router.get(
    "/v1/accounts/{account_id}",
    response_model=AccountOut,
    responses=responses(401, 403, 404),
    summary="An account (identity masked) and whether it may publish",
)
def get_account(account_id: int, request: Request) -> dict[str, Any]:
    """The back-end view of an account, for the account itself (the gateway's
    ``X-Account-Id``) or an operator with the `moderator` role; the public sees only the
    profile (``GET /v1/accounts/{id}/profile``)."""
    _check_reader(request, account_id)
    uow = deps.unit_of_work(request, read_only=True)
    return accounts.get_account(account_id, uow).to_dict(now())


@router.post(
    "/v1/accounts/{account_id}/mobile/code",
    response_model=CodeSentOut,
    status_code=202,
    responses=responses(404, 409, 429),
    summary="Send a one-time code to the account's mobile number",
)
def send_code(account_id: int, request: Request) -> dict[str, Any]:
    expires = account_mobile.send_mobile_code(
        account_id,
        deps.unit_of_work(request),
        deps.keyring(request),
        account_deps.sms_gateway(request),
        now=now(),
        policy=account_deps.account_policy(request),
    )
    return {"expires_at": format_time(expires)}


@router.post(
    "/v1/accounts/{account_id}/verify",
    response_model=AccountOut,
    responses=responses(404, 409, 422),
    summary="Confirm the mobile number with the code sent by SMS",
)
def verify_mobile(account_id: int, body: CodeIn, request: Request) -> dict[str, Any]:
    moment = now()
    account = account_mobile.confirm_mobile(
        account_id,
        body.code,
        deps.unit_of_work(request),
        deps.keyring(request),
        now=moment,
        policy=account_deps.account_policy(request),
    )
    return account.to_dict(moment)


def _check_reader(request: Request, account_id: int) -> None:
    if caller.account_id(request) == account_id:
        return
    if bearer_token(request) is None:
        raise PermissionDeniedError(
            "only the account itself (X-Account-Id) or a moderator may read an account; "
            f"its public profile is GET /v1/accounts/{account_id}/profile"
        )
    operator_with(request, "moderator")
