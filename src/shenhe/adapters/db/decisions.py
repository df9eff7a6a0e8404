"""The decision repository over SQLAlchemy: `DecisionRecord` ↔ ``decisions``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import get_args

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shenhe.adapters.db.schema import AppRow, DecisionRow
from shenhe.domain.registry import App, DecisionKind, DecisionRecord

_KINDS: tuple[DecisionKind, ...] = get_args(DecisionKind)


class SqlDecisions:
    """`DecisionRepository` on a session; statements run inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        app: App,
        *,
        kind: DecisionKind,
        outcome: str,
        reasons: Sequence[str],
        evidence: dict[str, object],
        actor: str,
        policy_version: str,
        lexicon_version: str,
        at: datetime,
    ) -> DecisionRecord:
        row = DecisionRow(
            app_id=app.id,
            version=app.version,
            kind=kind,
            outcome=outcome,
            reasons=list(reasons),
            evidence=dict(evidence),
            actor=actor,
            policy_version=policy_version,
            lexicon_version=lexicon_version,
            created_at=at,
        )
        self._session.add(row)
        self._session.flush()
        return _record(row, app.appid)

    def of_app(self, appid: str) -> list[DecisionRecord]:
        rows = self._session.execute(
            select(DecisionRow)
            .join(AppRow, AppRow.id == DecisionRow.app_id)
            .where(AppRow.appid == appid)
            .order_by(DecisionRow.id)
        ).scalars()
        return [_record(row, appid) for row in rows]

    def count_by_outcome(self) -> dict[str, int]:
        rows = self._session.execute(
            select(DecisionRow.outcome, func.count())
            .group_by(DecisionRow.outcome)
            .order_by(DecisionRow.outcome)
        )
        return {outcome: count for outcome, count in rows}


def _record(row: DecisionRow, appid: str) -> DecisionRecord:
    kind = next((k for k in _KINDS if k == row.kind), None)
    if kind is None:
        raise ValueError(f"unknown decision kind {row.kind!r} in the database")
    return DecisionRecord(
        id=row.id,
        appid=appid,
        version=row.version,
        kind=kind,
        outcome=row.outcome,
        reasons=tuple(row.reasons),
        evidence=dict(row.evidence),
        actor=row.actor,
        policy_version=row.policy_version,
        lexicon_version=row.lexicon_version,
        created_at=row.created_at,
    )
