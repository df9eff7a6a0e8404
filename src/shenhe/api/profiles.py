"""The profile routes: an account's front, its public profile, and its credit.

PUT /v1/accounts/{account_id}/profile   the account sets its name, bio and avatar caption
                                        (only itself: X-Account-Id); 422 names each
                                        refused field with its reason and span
GET /v1/accounts/{account_id}/profile   the public profile: chosen name, badge, IP location
GET /v1/accounts/{account_id}/credit    the account's own credit score, tier, violations
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from shenhe.api import caller, deps
from shenhe.api.publishing_deps import publishing_rules
from shenhe.api.schemas import ErrorOut
from shenhe.domain.ip_location import Scope
from shenhe.domain.profile import Profile
from shenhe.services import profiles
from shenhe.services.credit import credit_standing
from shenhe.services.publishing_errors import PublishingForbiddenError

router = APIRouter(tags=["profiles"])


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nickname: str = Field(max_length=200, examples=["小王爱摄影"])
    bio: str = Field(default="", max_length=2000)
    avatar_caption: str = Field(default="", max_length=500)


class LocationOut(BaseModel):
    scope: Scope
    name: str = Field(description="广东, 中国香港, 美国, or 未知.")


class ProfileOut(BaseModel):
    account_id: int
    nickname: str
    bio: str
    avatar_caption: str
    badge: str | None = Field(description="`organisation` for a verified organisation.")
    ip_location: LocationOut


class CreditEventOut(BaseModel):
    kind: str
    points: int
    at: datetime
    subject: str


class CreditOut(BaseModel):
    score: int
    tier: str
    may_publish: bool
    links: bool
    posts_per_hour: int
    comments_per_hour: int
    violations: list[CreditEventOut]


def _own(request: Request, account_id: int) -> None:
    if caller.required_account(request) != account_id:
        raise PublishingForbiddenError("not_your_account", "an account may change only itself")


@router.put(
    "/v1/accounts/{account_id}/profile",
    response_model=ProfileOut,
    responses={
        403: {"model": ErrorOut, "description": "Not signed in as this account."},
        404: {"model": ErrorOut, "description": "No such account."},
        422: {"model": ErrorOut, "description": "Refused: each field, reason and span."},
    },
    summary="Set the account's name, bio and avatar caption",
)
def put_profile(account_id: int, body: ProfileIn, request: Request) -> dict[str, Any]:
    _own(request, account_id)
    return profiles.update_profile(
        deps.unit_of_work(request),
        publishing_rules(request),
        deps.keyring(request),
        account_id,
        Profile(body.nickname, body.bio, body.avatar_caption),
        address=caller.client_address(request),
        now=datetime.now(UTC),
    ).to_dict()


@router.get(
    "/v1/accounts/{account_id}/profile",
    response_model=ProfileOut,
    responses={404: {"model": ErrorOut, "description": "No such account, or no profile."}},
    summary="An account's public profile",
)
def get_profile(account_id: int, request: Request) -> dict[str, Any]:
    return profiles.public_profile(deps.unit_of_work(request, read_only=True), account_id).to_dict()


@router.get(
    "/v1/accounts/{account_id}/credit",
    response_model=CreditOut,
    responses={403: {"model": ErrorOut, "description": "Not signed in as this account."}},
    summary="The account's own credit",
)
def get_credit(account_id: int, request: Request) -> dict[str, Any]:
    _own(request, account_id)
    standing, events = credit_standing(
        deps.unit_of_work(request, read_only=True),
        publishing_rules(request).credit,
        account_id,
        now=datetime.now(UTC),
    )
    return {**standing.to_dict(), "violations": [event.to_dict() for event in events]}
