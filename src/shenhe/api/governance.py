"""The governance routes: principals, qualifications, apps, decisions, enforcement, the audit
chain. Thin: parse the body, call the use case through `shenhe.api.deps`, return its record.

Errors become statuses in one place (`shenhe.api.errors`): a bad identity number,
qualification, category or app field → 422 naming the field; an unknown principal or app →
404; an appid already taken or an app of another principal → 409. Routes are plain
functions, run in FastAPI's thread pool; each opens a unit of work of its own. No response,
error or log line carries an identity number in clear.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from shenhe.api import deps
from shenhe.api.governance_schemas import (
    AppIn,
    AppOut,
    AppPatch,
    AppPut,
    AuditVerifyOut,
    DecidedOut,
    DecisionsOut,
    EnforcedOut,
    EnforcementIn,
    HistoryOut,
    PrincipalIn,
    PrincipalOut,
    QualificationIn,
)
from shenhe.api.schemas import ErrorOut
from shenhe.services import apps, audit, enforcement, history, principals

router = APIRouter()


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {
        404: "No principal or app with that id.",
        409: "The appid is taken, or the app belongs to another principal.",
        422: "A missing or malformed field: an identity number failing its check, an unknown "
        "category or qualification type, an empty name; `errors` names the field.",
    }
    return {status: {"model": ErrorOut, "description": described[status]} for status in statuses}


def _now() -> datetime:
    return datetime.now(UTC)


@router.post(
    "/v1/principals",
    response_model=PrincipalOut,
    status_code=201,
    responses={200: {"model": PrincipalOut, "description": "Registered already."}, **_errors(422)},
    summary="Register a principal",
    tags=["principals"],
)
def register_principal(body: PrincipalIn, request: Request, response: Response) -> dict[str, Any]:
    """Register an enterprise (`uscc`) or an individual (`id_number`). The same credit code or
    identity number, however typed, gives back the principal registered before (200)."""
    result = principals.register_principal(
        principals.RegisterPrincipal(body.kind, body.name, body.uscc, body.id_number, actor="api"),
        deps.unit_of_work(request),
        deps.keyring(request),
        now=_now(),
    )
    if not result.created:
        response.status_code = 200
    return result.principal.to_dict()


@router.get(
    "/v1/principals/{principal_id}",
    response_model=PrincipalOut,
    responses=_errors(404),
    summary="A principal",
    tags=["principals"],
)
def get_principal(principal_id: int, request: Request) -> dict[str, Any]:
    return principals.get_principal(
        principal_id, deps.unit_of_work(request, read_only=True)
    ).to_dict()


@router.post(
    "/v1/principals/{principal_id}/qualifications",
    response_model=PrincipalOut,
    status_code=201,
    responses=_errors(404, 422),
    summary="Attach a qualification",
    tags=["principals"],
)
def add_qualification(principal_id: int, body: QualificationIn, request: Request) -> dict[str, Any]:
    """Attach a licence to the principal (one of the same type and number is replaced)."""
    command = principals.AddQualification(
        principal_id=principal_id,
        type=body.type,
        number=body.number,
        issuer=body.issuer,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        verified=body.verified,
        actor=body.actor,
    )
    rules = deps.rules(request)
    uow = deps.unit_of_work(request)
    return principals.add_qualification(command, uow, rules.catalogue, now=_now()).to_dict()


@router.post(
    "/v1/apps",
    response_model=DecidedOut,
    status_code=201,
    responses=_errors(404, 409, 422),
    summary="Submit a new app",
    tags=["apps"],
)
def submit_app(body: AppIn, request: Request) -> dict[str, Any]:
    """Screen and decide a new app; the decision, and the penalty it called for, if any."""
    command = apps.SubmitApp(
        appid=body.appid,
        principal_id=body.principal_id,
        name=body.name,
        category=body.category,
        description=body.description,
        pages=tuple(body.pages),
        actor=body.actor,
    )
    return apps.submit_app(
        command, deps.unit_of_work(request), deps.rules(request), now=_now()
    ).to_dict()


@router.put(
    "/v1/apps/{appid}",
    response_model=DecidedOut,
    responses=_errors(404, 422),
    summary="Replace an app's content",
    tags=["apps"],
)
def put_app(appid: str, body: AppPut, request: Request) -> dict[str, Any]:
    """Decide a change that gives the app this name, category, description and pages."""
    command = apps.ChangeApp(
        appid=appid,
        name=body.name,
        category=body.category,
        description=body.description,
        pages=tuple(body.pages),
        actor=body.actor,
    )
    return apps.change_app(
        command, deps.unit_of_work(request), deps.rules(request), now=_now()
    ).to_dict()


@router.patch(
    "/v1/apps/{appid}",
    response_model=DecidedOut,
    responses=_errors(404, 422),
    summary="Change some of an app's content",
    tags=["apps"],
)
def patch_app(appid: str, body: AppPatch, request: Request) -> dict[str, Any]:
    """Decide a change of the fields given (a rename, a new description, pages, category)."""
    command = apps.ChangeApp(
        appid=appid,
        name=body.name,
        category=body.category,
        description=body.description,
        pages=None if body.pages is None else tuple(body.pages),
        actor=body.actor,
    )
    return apps.change_app(
        command, deps.unit_of_work(request), deps.rules(request), now=_now()
    ).to_dict()


@router.get(
    "/v1/apps/{appid}",
    response_model=AppOut,
    responses=_errors(404),
    summary="An app",
    tags=["apps"],
)
def get_app(appid: str, request: Request) -> dict[str, Any]:
    return history.get_app(appid, deps.unit_of_work(request, read_only=True)).to_dict()


@router.get(
    "/v1/apps/{appid}/history",
    response_model=HistoryOut,
    responses=_errors(404),
    summary="An app's versions",
    tags=["apps"],
)
def app_history(appid: str, request: Request) -> dict[str, Any]:
    versions = history.app_history(appid, deps.unit_of_work(request, read_only=True))
    return {"appid": appid, "versions": [version.to_dict() for version in versions]}


@router.get(
    "/v1/apps/{appid}/decisions",
    response_model=DecisionsOut,
    responses=_errors(404),
    summary="The decisions on an app",
    tags=["apps"],
)
def app_decisions(appid: str, request: Request) -> dict[str, Any]:
    decisions = history.app_decisions(appid, deps.unit_of_work(request, read_only=True))
    return {"appid": appid, "decisions": [decision.to_dict() for decision in decisions]}


@router.post(
    "/v1/apps/{appid}/enforcement",
    response_model=EnforcedOut,
    status_code=201,
    responses=_errors(404, 422),
    summary="Penalise an app (moderator)",
    tags=["enforcement"],
)
def enforce_app(appid: str, body: EnforcementIn, request: Request) -> dict[str, Any]:
    """A named moderator's penalty: the ladder step given, or the one the ladder picks from
    the severity and the principal's strikes. A blacklist bans the principal's other apps."""
    command = enforcement.EnforceApp(
        appid=appid,
        actor=body.actor,
        reasons=tuple(body.reasons),
        severity=body.severity,
        step=body.step,
        note=body.note,
    )
    records = enforcement.enforce_app(
        command, deps.unit_of_work(request), deps.rules(request), now=_now()
    )
    return {"appid": appid, "actions": [record.to_dict() for record in records]}


@router.get(
    "/v1/audit/verify",
    response_model=AuditVerifyOut,
    summary="Verify the audit chain",
    tags=["audit"],
)
def verify_audit(request: Request) -> dict[str, Any]:
    """Check the hash chain from one snapshot; `ok` false names the first broken record."""
    return audit.verify(deps.unit_of_work(request, read_only=True)).to_dict()
