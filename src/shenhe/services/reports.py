"""Complaint use cases: file a report, look it up, list the cases, decide one.

`file_report` checks the complaint and that its target exists (an app by appid, a post or a
comment by id), then, in one transaction, finds the case open on that target — locking it,
so two reporters at once join one case — or opens one. A reporter who reported the open
case already gets their report back (`created` False); anyone else adds a report to it. The
reporter keeps the report's id, an unguessable token, to look up the outcome.

`decide_case` is a moderator's decision: ``upheld`` takes a reported post or comment down
and costs its author credit (``report_upheld``), and costs a reported account credit;
``dismissed`` changes nothing else. Each step writes its audit record (``report.file``,
``report.decide``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from shenhe.domain.audit import Subject
from shenhe.domain.credit import CreditRules
from shenhe.domain.reports import Case, CaseStatus, Complaint, Report, checked_outcome, complaint
from shenhe.services import audit
from shenhe.services.credit import violation
from shenhe.services.errors import ConflictError, NotFoundError
from shenhe.services.unit_of_work import UnitOfWork


def new_report_id() -> str:
    """An unguessable report id: ``r_`` and 24 hex digits."""
    return f"r_{secrets.token_hex(12)}"


@dataclass(frozen=True, slots=True)
class Filed:
    """The report the reporter holds, and whether this call made it."""

    report: Report
    created: bool


def file_report(
    uow: UnitOfWork,
    *,
    target_type: str,
    target_id: str,
    reason: str,
    note: str,
    reporter: str,
    now: datetime,
    new_id: Callable[[], str] = new_report_id,
) -> Filed:
    """File a complaint (see the module); `NotFoundError` for a target that does not exist."""
    filed = complaint(target_type, target_id, reason, note, reporter)
    with uow:
        if not _exists(uow, filed):
            raise NotFoundError(filed.target_type, filed.target_id)
        case = uow.reports.open_case(filed.target_type, filed.target_id, for_update=True)
        if case is not None:
            found = uow.reports.by_reporter(case, filed.reporter)
            if found is not None:
                return Filed(found, False)
        else:
            case = uow.reports.add_case(filed, at=now)
        report = uow.reports.add_report(new_id(), case, filed, at=now)
        audit.append(
            uow,
            actor=filed.reporter,
            action="report.file",
            subject=Subject("report_case", str(case.id)),
            payload={
                "report": report.id,
                "target_type": filed.target_type,
                "target_id": filed.target_id,
                "reason": filed.reason,
                "reports": report.case.reports,
            },
            at=now,
        )
        uow.commit()
    return Filed(report, True)


def get_report(uow: UnitOfWork, report_id: str) -> Report:
    """A report and its case's outcome, for its reporter."""
    with uow:
        report = uow.reports.get(report_id)
    if report is None:
        raise NotFoundError("report", report_id)
    return report


def list_cases(
    uow: UnitOfWork, *, status: CaseStatus | None = "open", after: int = 0, limit: int = 50
) -> list[Case]:
    """Cases in id order (the open ones: the moderators' queue)."""
    with uow:
        return uow.reports.cases(status=status, after=after, limit=limit)


def decide_case(
    uow: UnitOfWork,
    rules: CreditRules,
    *,
    case_id: int,
    outcome: str,
    note: str,
    moderator: str,
    now: datetime,
) -> Case:
    """A moderator's decision on an open case (see the module); a decided case is a
    `ConflictError`."""
    decided, note = checked_outcome(outcome, note)
    if not moderator.strip():
        raise ConflictError("name the moderator who decides the case")
    with uow:
        case = uow.reports.case(case_id, for_update=True)
        if case is None:
            raise NotFoundError("report case", str(case_id))
        if case.status != "open":
            raise ConflictError(f"report case {case_id} was decided already ({case.outcome})")
        result = uow.reports.decide(case, outcome=decided, note=note, actor=moderator, at=now)
        taken_down = False
        if decided == "upheld":
            taken_down = _uphold(uow, rules, case, moderator=moderator, now=now)
        audit.append(
            uow,
            actor=moderator,
            action="report.decide",
            subject=Subject("report_case", str(case_id)),
            payload={
                "outcome": decided,
                "target_type": case.target_type,
                "target_id": case.target_id,
                "reports": case.reports,
                "taken_down": taken_down,
            },
            at=now,
        )
        uow.commit()
    return result


def _uphold(
    uow: UnitOfWork, rules: CreditRules, case: Case, *, moderator: str, now: datetime
) -> bool:
    subject = f"{case.target_type}:{case.target_id}"
    if case.target_type in ("post", "comment"):
        post = uow.posts.get(int(case.target_id), for_update=True)
        if post is None:
            return False
        taken_down = post.status != "removed"
        if taken_down:
            uow.posts.set_status(
                post.id, "removed", reasons=(f"report_case:{case.id}",), actor=moderator, at=now
            )
            audit.append(
                uow,
                actor=moderator,
                action=f"{post.kind}.remove",
                subject=Subject(post.kind, str(post.id)),
                payload={"report_case": case.id, "reason": case.reason},
                at=now,
            )
        if post.account_id is not None:
            violation(
                uow,
                rules,
                post.account_id,
                "report_upheld",
                subject=subject,
                now=now,
                actor=moderator,
            )
        return taken_down
    if case.target_type == "account":
        violation(
            uow,
            rules,
            int(case.target_id),
            "report_upheld",
            subject=subject,
            now=now,
            actor=moderator,
        )
    return False


def _exists(uow: UnitOfWork, filed: Complaint) -> bool:
    if filed.target_type == "app":
        return uow.apps.get(filed.target_id) is not None
    if not filed.target_id.isdigit():
        return False
    if filed.target_type == "account":
        account = uow.accounts.get(int(filed.target_id))
        return account is not None and account.status != "deleted"
    post = uow.posts.get(int(filed.target_id))
    return post is not None and post.kind == filed.target_type
