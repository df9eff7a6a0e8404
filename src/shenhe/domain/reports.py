"""Complaints (举报): anyone reports an app, a post, a comment or an account.

A `Report` is one reporter's complaint, with a reason category and a note; it joins the
`Case` open on the same target, or opens one. The same reporter reporting the same open
target again gets the report made before (deduplicated); other reporters join the case. A
moderator decides a case: ``upheld`` (the complaint was right: the content comes down, the
author loses credit) or ``dismissed``. Every report of the case then shows the outcome to
its reporter. Pure: no clock, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from shenhe.domain.publishing_errors import ReportError

TargetType = Literal["app", "post", "comment", "account"]
TARGET_TYPES: tuple[TargetType, ...] = get_args(TargetType)
REASONS: tuple[str, ...] = (
    "loan",
    "gambling",
    "porn",
    "fraud",
    "counterfeit",
    "diversion",
    "impersonation",
    "abuse",
    "illegal",
    "minors",
    "privacy",
    "spam",
    "other",
)
"""Reason categories a reporter picks from (stable identifiers; add, never rename)."""
CaseStatus = Literal["open", "decided"]
CASE_STATUSES: tuple[CaseStatus, ...] = get_args(CaseStatus)
Outcome = Literal["upheld", "dismissed"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
NOTE_MAX = 2_000
TARGET_ID = re.compile(r"^[0-9A-Za-z_.:-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Complaint:
    """A complaint as filed, checked."""

    target_type: TargetType
    target_id: str
    reason: str
    note: str
    reporter: str


@dataclass(frozen=True, slots=True)
class Case:
    """The open or decided case about one target, with how many reports it gathered."""

    id: int
    target_type: TargetType
    target_id: str
    status: CaseStatus
    reason: str
    """The first report's reason."""
    reports: int
    opened_at: datetime
    outcome: Outcome | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": {"type": self.target_type, "id": self.target_id},
            "status": self.status,
            "reason": self.reason,
            "reports": self.reports,
            "opened_at": self.opened_at.isoformat(),
            "outcome": self.outcome,
            "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
            "decided_by": self.decided_by,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """One reporter's complaint and the case it belongs to."""

    id: str
    case: Case
    reason: str
    note: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """What the reporter sees (no other reporter, no moderator's note)."""
        return {
            "id": self.id,
            "case_id": self.case.id,
            "target": {"type": self.case.target_type, "id": self.case.target_id},
            "reason": self.reason,
            "note": self.note,
            "created_at": self.created_at.isoformat(),
            "status": self.case.status,
            "outcome": self.case.outcome,
            "decided_at": None
            if self.case.decided_at is None
            else self.case.decided_at.isoformat(),
        }


def complaint(target_type: str, target_id: str, reason: str, note: str, reporter: str) -> Complaint:
    """The complaint checked: a known target type and reason, a plain id, a short note."""
    if target_type not in TARGET_TYPES:
        raise ReportError(
            f"unknown target type {target_type!r}; use one of: {', '.join(TARGET_TYPES)}",
            field="target.type",
        )
    target_id = target_id.strip()
    if not TARGET_ID.match(target_id):
        raise ReportError(
            "give the id of the app, post, comment or account reported", field="target.id"
        )
    if reason not in REASONS:
        raise ReportError(
            f"unknown reason {reason!r}; use one of: {', '.join(REASONS)}", field="reason"
        )
    note = checked_note(note)
    if not reporter:
        raise ReportError("the reporter is unknown", field="reporter")
    return Complaint(target_type, target_id, reason, note, reporter)


def checked_outcome(outcome: str, note: str) -> tuple[Outcome, str]:
    if outcome not in OUTCOMES:
        raise ReportError(
            f"unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}", field="outcome"
        )
    note = checked_note(note)
    return outcome, note


def checked_note(note: str) -> str:
    """The note stripped; one longer than `NOTE_MAX` is a `ReportError`."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ReportError(f"{len(note)} characters; at most {NOTE_MAX}", field="note")
    return note
