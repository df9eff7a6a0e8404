"""The agreement routes: the published versions, the current one, and an account's
acceptance. Publishing a version is an operator's act: ``shenhe agreements publish FILE``.

    GET  /v1/agreements                          every version (no bodies) and the current one
    GET  /v1/agreements/current                  the current version with its text (404: none)
    POST /v1/agreements/{version}/acceptances    the signed-in account accepts `version`
                                                 (it must be the current one: else 409)
    GET  /v1/accounts/{account_id}/agreements    the account's acceptances, and whether it
                                                 must accept the current version
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from shenhe.api import caller, deps
from shenhe.api.schemas import ErrorOut
from shenhe.services import agreements

router = APIRouter(tags=["agreements"])


class AgreementOut(BaseModel):
    version: str
    title: str
    sha256: str
    published_at: datetime
    published_by: str
    body: str | None = None


class AgreementsOut(BaseModel):
    current: str | None
    agreements: list[AgreementOut]


class AcceptanceOut(BaseModel):
    account_id: int
    version: str
    accepted_at: datetime
    address: str | None


class AccountAgreementsOut(BaseModel):
    current: str | None
    must_accept: bool
    acceptances: list[AcceptanceOut]


def _now() -> datetime:
    return datetime.now(UTC)


@router.get("/v1/agreements", response_model=AgreementsOut, summary="Agreement versions")
def list_agreements(request: Request) -> dict[str, Any]:
    found = agreements.list_agreements(deps.unit_of_work(request, read_only=True))
    return {
        "current": found[-1].version if found else None,
        "agreements": [agreement.to_dict(with_body=False) for agreement in found],
    }


@router.get(
    "/v1/agreements/current",
    response_model=AgreementOut,
    responses={404: {"model": ErrorOut, "description": "No version is published yet."}},
    summary="The current agreement",
)
def current_agreement(request: Request) -> dict[str, Any]:
    return agreements.current_agreement(deps.unit_of_work(request, read_only=True)).to_dict()


@router.post(
    "/v1/agreements/{version}/acceptances",
    response_model=AcceptanceOut,
    status_code=201,
    responses={
        200: {"model": AcceptanceOut, "description": "Accepted before."},
        403: {"model": ErrorOut, "description": "No signed-in account (X-Account-Id)."},
        404: {"model": ErrorOut, "description": "No version is published yet."},
        409: {"model": ErrorOut, "description": "The version is not the current one."},
    },
    summary="Accept the current agreement",
)
def accept(version: str, request: Request, response: Response) -> dict[str, Any]:
    """The signed-in account accepts `version`; the time and client address are recorded."""
    acceptance, created = agreements.accept_agreement(
        deps.unit_of_work(request),
        account_id=caller.required_account(request),
        version=version,
        address=caller.client_address(request),
        now=_now(),
    )
    if not created:
        response.status_code = 200
    return acceptance.to_dict()


@router.get(
    "/v1/accounts/{account_id}/agreements",
    response_model=AccountAgreementsOut,
    summary="An account's acceptances",
)
def account_agreements(account_id: int, request: Request) -> dict[str, Any]:
    uow = deps.unit_of_work(request, read_only=True)
    return agreements.agreement_status(uow, account_id).to_dict()
