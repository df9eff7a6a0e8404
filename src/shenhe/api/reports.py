"""The complaint routes (举报): anyone reports; moderators decide; reporters look up.

    POST /v1/reports                         file a complaint → 201 with the report's id
                                             (200 with the same report: this reporter
                                             reported the open case already)
    GET  /v1/reports/{report_id}             the report and its case's outcome
    GET  /v1/moderation/cases?status=open    the cases waiting for a moderator
    POST /v1/moderation/cases/{case_id}/decision   a moderator upholds or dismisses a case

The moderation routes need an operator token with the ``moderator`` role
(``Authorization: Bearer``; `shenhe.api.auth`): 401 without one, 403 without the role.

A reporter is the signed-in account (``X-Account-Id``) or, for anyone else, a hash of the
client's address. The report's id is an unguessable token: whoever holds it sees the outcome.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from shenhe.api import caller, deps
from shenhe.api.auth import operator_with
from shenhe.api.publishing_deps import publishing_rules
from shenhe.api.schemas import ErrorOut, Text
from shenhe.domain.reports import (
    NOTE_MAX,
    OUTCOMES,
    REASONS,
    TARGET_TYPES,
    CaseStatus,
    Outcome,
    TargetType,
)
from shenhe.services import reports

router = APIRouter(tags=["reports"])


class TargetModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: TargetType = Field(
        description=f"One of {', '.join(TARGET_TYPES)}."
    )
    id: Text = Field(description="The appid, or the post's, comment's or account's id.")


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: TargetModel
    reason: Text = Field(description=f"One of: {', '.join(REASONS)}.", examples=["fraud"])
    note: str = Field(default="", max_length=NOTE_MAX)


class ReportOut(BaseModel):
    id: str
    case_id: int
    target: TargetModel
    reason: str
    note: str
    created_at: datetime
    status: CaseStatus
    outcome: Outcome | None
    decided_at: datetime | None


class CaseOut(BaseModel):
    id: int
    target: TargetModel
    status: CaseStatus
    reason: str
    reports: int
    opened_at: datetime
    outcome: Outcome | None
    decided_at: datetime | None
    decided_by: str | None
    note: str


class CasesOut(BaseModel):
    cases: list[CaseOut]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome = Field(description=f"One of {', '.join(OUTCOMES)}.")
    note: str = Field(default="", max_length=NOTE_MAX)


def _now() -> datetime:
    return datetime.now(UTC)


@router.post(
    "/v1/reports",
    response_model=ReportOut,
    status_code=201,
    responses={
        200: {"model": ReportOut, "description": "This reporter reported the open case already."},
        404: {"model": ErrorOut, "description": "No such app, post, comment or account."},
        422: {"model": ErrorOut, "description": "An unknown target type or reason."},
    },
    summary="Report an app, a post, a comment or an account",
)
def file_report(body: ReportIn, request: Request, response: Response) -> dict[str, Any]:
    filed = reports.file_report(
        deps.unit_of_work(request),
        target_type=body.target.type,
        target_id=body.target.id,
        reason=body.reason,
        note=body.note,
        reporter=caller.reporter_key(request),
        now=_now(),
    )
    if not filed.created:
        response.status_code = 200
    return filed.report.to_dict()


@router.get(
    "/v1/reports/{report_id}",
    response_model=ReportOut,
    responses={404: {"model": ErrorOut, "description": "No report with that id."}},
    summary="A report and its outcome",
)
def get_report(report_id: str, request: Request) -> dict[str, Any]:
    return reports.get_report(deps.unit_of_work(request, read_only=True), report_id).to_dict()


@router.get(
    "/v1/moderation/cases",
    response_model=CasesOut,
    tags=["moderation"],
    summary="Report cases (the moderators' queue)",
)
def list_cases(
    request: Request,
    status: Literal["open", "decided", "all"] = "open",
    after: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """Needs an operator token with the ``moderator`` role."""
    operator_with(request, "moderator")
    found = reports.list_cases(
        deps.unit_of_work(request, read_only=True),
        status=None if status == "all" else status,
        after=after,
        limit=limit,
    )
    return {"cases": [case.to_dict() for case in found]}


@router.post(
    "/v1/moderation/cases/{case_id}/decision",
    response_model=CaseOut,
    responses={
        401: {"model": ErrorOut, "description": "No operator token."},
        403: {"model": ErrorOut, "description": "The operator is no moderator."},
        404: {"model": ErrorOut, "description": "No such case."},
        409: {"model": ErrorOut, "description": "The case was decided already."},
    },
    tags=["moderation"],
    summary="Decide a report case",
)
def decide_case(case_id: int, body: DecisionIn, request: Request) -> dict[str, Any]:
    """Needs an operator token with the ``moderator`` role; the decision is recorded as
    theirs."""
    operator = operator_with(request, "moderator")
    return reports.decide_case(
        deps.unit_of_work(request),
        publishing_rules(request).credit,
        case_id=case_id,
        outcome=body.outcome,
        note=body.note,
        moderator=operator.actor,
        now=_now(),
    ).to_dict()
