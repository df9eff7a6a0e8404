"""The sweep repository over SQLAlchemy: `SweepRun` ↔ ``sweep_runs``, and ``sweep_items``, one
row per (run, app) written in the transaction that decides on that app.

The run's summary is not kept as counters: it is counted from the rows the run left (its items,
the enforcement actions tagged with its id, the decisions its items point at), so a run that
was killed and resumed reports what it did over all its attempts, never twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, func, insert, select, update
from sqlalchemy.orm import Session

from shenhe.adapters.db.chunks import chunks
from shenhe.adapters.db.enforcement import RUNG_COLUMN
from shenhe.adapters.db.schema import (
    AppRow,
    DecisionRow,
    EnforcementActionRow,
    SweepItemRow,
    SweepRunRow,
)
from shenhe.domain import reasons
from shenhe.domain.apps import AppStatus
from shenhe.domain.ladder import Rung
from shenhe.domain.sweeps import SweepRun, SweepSummary, SweptApp

_RUNG_OF = {value: rung for rung, value in RUNG_COLUMN.items()}
_ITEMS = cast(Table, SweepItemRow.__table__)
_current_version = AppRow.version == DecisionRow.version


class SqlSweeps:
    """`SweepRepository` on a session; statements run inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def running(self) -> list[SweepRun]:
        rows = self._session.execute(
            select(SweepRunRow)
            .where(SweepRunRow.status == "running", SweepRunRow.dry_run.is_(False))
            .order_by(SweepRunRow.id)
        ).scalars()
        return [_run(row) for row in rows]

    def supersede(self, run_id: int, summary: SweepSummary, *, by: int, at: datetime) -> None:
        self._session.execute(
            update(SweepRunRow)
            .where(SweepRunRow.id == run_id, SweepRunRow.status == "running")
            .values(
                status="failed",
                summary={**summary.to_dict(), "superseded_by": by},
                finished_at=at,
            )
        )

    def start(
        self,
        *,
        category: str | None,
        policy_version: str,
        lexicon_version: str,
        actor: str,
        dry_run: bool,
        at: datetime,
    ) -> SweepRun:
        row = SweepRunRow(
            status="running",
            dry_run=dry_run,
            category=category,
            policy_version=policy_version,
            lexicon_version=lexicon_version,
            cursor=0,
            summary={},
            actor=actor,
            started_at=at,
        )
        self._session.add(row)
        self._session.flush()
        return _run(row)

    def apps_after(
        self, after: int, *, limit: int, statuses: Collection[AppStatus]
    ) -> list[SweptApp]:
        # only the columns screened, as tuples: a sweep reads every app, and ORM entities
        # (or parsing their timestamps) would cost more than screening them
        rows = self._session.execute(
            select(AppRow.id, AppRow.appid, AppRow.name, AppRow.description, AppRow.pages)
            .where(AppRow.id > after, AppRow.status.in_([s.value for s in statuses]))
            .order_by(AppRow.id)
            .limit(limit)
        )
        return [
            SweptApp(app_id, appid, name, description, tuple(pages))
            for app_id, appid, name, description, pages in rows
        ]

    def count_after(self, after: int, *, statuses: Collection[AppStatus]) -> int:
        return int(
            self._session.execute(
                select(func.count())
                .select_from(AppRow)
                .where(AppRow.id > after, AppRow.status.in_([s.value for s in statuses]))
            ).scalar_one()
        )

    def done(self, run_id: int, app_ids: Sequence[int]) -> set[int]:
        found: set[int] = set()
        for chunk in chunks(app_ids):
            found.update(
                self._session.execute(
                    select(SweepItemRow.app_id).where(
                        SweepItemRow.run_id == run_id, SweepItemRow.app_id.in_(chunk)
                    )
                ).scalars()
            )
        return found

    def rejected_with(
        self, app_ids: Sequence[int], *, policy_version: str, lexicon_version: str
    ) -> set[int]:
        found: set[int] = set()
        for chunk in chunks(app_ids):
            found.update(
                self._session.execute(
                    select(DecisionRow.app_id)
                    .join(AppRow, and_(AppRow.id == DecisionRow.app_id, _current_version))
                    .where(
                        DecisionRow.app_id.in_(chunk),
                        DecisionRow.outcome == "reject",
                        DecisionRow.policy_version == policy_version,
                        DecisionRow.lexicon_version == lexicon_version,
                    )
                ).scalars()
            )
        return found

    def add_item(
        self,
        run_id: int,
        app_id: int,
        *,
        outcome: str,
        at: datetime,
        decision_id: int | None = None,
        action_id: int | None = None,
    ) -> None:
        self._session.add(
            SweepItemRow(
                run_id=run_id,
                app_id=app_id,
                outcome=outcome,
                decision_id=decision_id,
                action_id=action_id,
                screened_at=at,
            )
        )
        self._session.flush()

    def add_unchanged(self, run_id: int, app_ids: Sequence[int], *, at: datetime) -> None:
        if app_ids:  # one executemany on the connection: the ORM's bulk path costs 40 µs a row
            self._session.connection().execute(
                insert(_ITEMS),
                [
                    {"run_id": run_id, "app_id": app_id, "outcome": "unchanged", "screened_at": at}
                    for app_id in app_ids
                ],
            )

    def tag_actions(self, run_id: int, action_ids: Sequence[int]) -> None:
        if action_ids:
            self._session.execute(
                update(EnforcementActionRow)
                .where(EnforcementActionRow.id.in_(list(action_ids)))
                .values(sweep_run_id=run_id)
            )

    def advance(self, run_id: int, cursor: int) -> None:
        self._session.execute(
            update(SweepRunRow).where(SweepRunRow.id == run_id).values(cursor=cursor)
        )

    def finish(self, run_id: int, summary: SweepSummary, *, at: datetime) -> None:
        self._session.execute(
            update(SweepRunRow)
            .where(SweepRunRow.id == run_id, SweepRunRow.status == "running")
            .values(status="finished", summary=summary.to_dict(), finished_at=at)
        )

    def summary(self, run_id: int, *, dry_run: bool = False) -> SweepSummary:
        screened = self._session.execute(
            select(func.count()).select_from(SweepItemRow).where(SweepItemRow.run_id == run_id)
        ).scalar_one()
        actions: Counter[str] = Counter()
        blacklisted: set[int] = set()
        for rung, principal_id in self._session.execute(
            select(EnforcementActionRow.rung, EnforcementActionRow.principal_id).where(
                EnforcementActionRow.sweep_run_id == run_id
            )
        ):
            actions[_RUNG_OF[rung].value] += 1
            if _RUNG_OF[rung] is Rung.BLACKLIST_PRINCIPAL:
                blacklisted.add(principal_id)
        by_category: Counter[str] = Counter()
        for (codes,) in self._session.execute(
            select(DecisionRow.reasons)
            .join(SweepItemRow, SweepItemRow.decision_id == DecisionRow.id)
            .where(SweepItemRow.run_id == run_id, SweepItemRow.outcome == "enforced")
        ):
            by_category.update(reasons.content_categories(list(codes)))
        return SweepSummary(
            screened=int(screened),
            actions=dict(actions),
            by_category=dict(by_category),
            principals_blacklisted=len(blacklisted),
            dry_run=dry_run,
            run_id=run_id,
        )


def _run(row: SweepRunRow) -> SweepRun:
    return SweepRun(
        id=row.id,
        category=row.category,
        policy_version=row.policy_version,
        lexicon_version=row.lexicon_version,
        cursor=row.cursor,
        started_at=row.started_at,
    )
