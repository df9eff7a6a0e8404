"""The complaint repository over SQLAlchemy: `Case` ↔ ``report_cases``, `Report` ↔
``reports``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shenhe.adapters.db.publishing_schema import ReportCaseRow, ReportRow
from shenhe.domain.reports import Case, CaseStatus, Complaint, Outcome, Report, TargetType

_REPORTS = (
    select(func.count())
    .select_from(ReportRow)
    .where(ReportRow.case_id == ReportCaseRow.id)
    .correlate(ReportCaseRow)
    .scalar_subquery()
)
"""How many reports the case of the row has (a correlated subquery)."""


class SqlReports:
    """`ReportRepository` on a session; statements run inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def open_case(
        self, target_type: str, target_id: str, *, for_update: bool = False
    ) -> Case | None:
        statement = _with_reports().where(
            ReportCaseRow.target_type == target_type,
            ReportCaseRow.target_id == target_id,
            ReportCaseRow.status == "open",
        )
        if for_update:
            statement = statement.with_for_update()
        return self._first(statement.order_by(ReportCaseRow.id).limit(1))

    def case(self, case_id: int, *, for_update: bool = False) -> Case | None:
        statement = _with_reports().where(ReportCaseRow.id == case_id)
        if for_update:
            statement = statement.with_for_update()
        return self._first(statement)

    def add_case(self, complaint: Complaint, *, at: datetime) -> Case:
        """Open a case on the complaint's target; when another transaction opened one first
        (the partial unique index), that case, locked."""
        try:
            with self._session.begin_nested():
                return self._add_case(complaint, at=at)
        except IntegrityError:
            found = self.open_case(complaint.target_type, complaint.target_id, for_update=True)
            if found is None:
                raise
            return found

    def _add_case(self, complaint: Complaint, *, at: datetime) -> Case:
        row = ReportCaseRow(
            target_type=complaint.target_type,
            target_id=complaint.target_id,
            status="open",
            reason=complaint.reason,
            outcome=None,
            note="",
            opened_at=at,
            decided_at=None,
            decided_by=None,
        )
        self._session.add(row)
        self._session.flush()
        return _case(row, 0)

    def add_report(
        self, report_id: str, case: Case, complaint: Complaint, *, at: datetime
    ) -> Report:
        self._session.add(
            ReportRow(
                id=report_id,
                case_id=case.id,
                reporter=complaint.reporter,
                reason=complaint.reason,
                note=complaint.note,
                created_at=at,
            )
        )
        self._session.flush()
        joined = replace(case, reports=case.reports + 1)
        return Report(report_id, joined, complaint.reason, complaint.note, at)

    def by_reporter(self, case: Case, reporter: str) -> Report | None:
        row = self._session.scalars(
            select(ReportRow).where(ReportRow.case_id == case.id, ReportRow.reporter == reporter)
        ).first()
        return None if row is None else Report(row.id, case, row.reason, row.note, row.created_at)

    def get(self, report_id: str) -> Report | None:
        row = self._session.get(ReportRow, report_id)
        if row is None:
            return None
        case = self.case(row.case_id)
        assert case is not None
        return Report(row.id, case, row.reason, row.note, row.created_at)

    def decide(
        self, case: Case, *, outcome: Outcome, note: str, actor: str, at: datetime
    ) -> Case:
        self._session.execute(
            update(ReportCaseRow)
            .where(ReportCaseRow.id == case.id)
            .values(status="decided", outcome=outcome, note=note, decided_at=at, decided_by=actor)
        )
        return replace(
            case,
            status="decided",
            outcome=outcome,
            note=note,
            decided_at=at.astimezone(UTC),
            decided_by=actor,
        )

    def cases(self, *, status: CaseStatus | None, after: int = 0, limit: int = 50) -> list[Case]:
        statement = _with_reports().where(ReportCaseRow.id > after)
        if status is not None:
            statement = statement.where(ReportCaseRow.status == status)
        rows = self._session.execute(statement.order_by(ReportCaseRow.id).limit(limit))
        return [_case(row, reports) for row, reports in rows]

    def rename_reporter(self, reporter: str, replacement: str) -> int:
        """Replace a reporter's key (an account being deleted) with a hashed one."""
        result = self._session.execute(
            update(ReportRow).where(ReportRow.reporter == reporter).values(reporter=replacement)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def _first(self, statement: Select[ReportCaseRow, int]) -> Case | None:
        found = self._session.execute(statement).first()
        return None if found is None else _case(*found)


def _with_reports() -> Select[ReportCaseRow, int]:
    """Cases with their counts of reports, in one statement."""
    return select(ReportCaseRow, _REPORTS)


def _case(row: ReportCaseRow, reports: int) -> Case:
    return Case(
        id=row.id,
        target_type=cast(TargetType, row.target_type),
        target_id=row.target_id,
        status=cast(CaseStatus, row.status),
        reason=row.reason,
        reports=int(reports or 0),
        opened_at=row.opened_at,
        outcome=cast(Outcome | None, row.outcome),
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        note=row.note,
    )
