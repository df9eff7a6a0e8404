"""The enforcement repository over SQLAlchemy: `EnforcementRecord` ↔ ``enforcement_actions``,
`Strike` ↔ ``strikes``.

The schema names the rungs ``warning, restriction, takedown, ban, blacklist``; the domain's
`Rung` values are mapped to them here. What the table has no column for — the ladder step and
version, the status the penalty set and the one it gives back — is kept beside the evidence
in the ``evidence`` JSON::

    {"step": "takedown_7d", "ladder_version": "2026.11-1", "status_set": "suspended",
     "status_restored": "listed", "evidence": {...the evidence itself...}}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from shenhe.adapters.db.schema import AppRow, EnforcementActionRow, StrikeRow
from shenhe.domain.apps import AppStatus
from shenhe.domain.ladder import Rung
from shenhe.domain.penalties import Strike
from shenhe.domain.registry import EnforcementRecord

RUNG_COLUMN: Mapping[Rung, str] = MappingProxyType(
    {
        Rung.WARNING: "warning",
        Rung.RESTRICT: "restriction",
        Rung.TAKEDOWN: "takedown",
        Rung.BAN: "ban",
        Rung.BLACKLIST_PRINCIPAL: "blacklist",
    }
)
_RUNG_OF = {value: rung for rung, value in RUNG_COLUMN.items()}
STRIKE_CATEGORY_LENGTH = 40
"""The ``strikes.category`` column's width; longer labels are cut (it is a label only)."""


class SqlEnforcement:
    """`EnforcementRepository` on a session; statements run inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: EnforcementRecord, *, app_id: int | None) -> EnforcementRecord:
        row = EnforcementActionRow(
            app_id=app_id,
            principal_id=record.principal_id,
            decision_id=record.decision_id,
            rung=RUNG_COLUMN[record.rung],
            features=sorted(record.features),
            reason_codes=list(record.reasons),
            evidence={
                "step": record.step,
                "ladder_version": record.ladder_version,
                "status_set": None if record.sets is None else record.sets.value,
                "status_restored": None if record.restores is None else record.restores.value,
                "evidence": dict(record.evidence),
            },
            actor=record.actor,
            policy_version=record.policy_version,
            lexicon_version=record.lexicon_version,
            created_at=record.created_at,
            expires_at=record.expires_at,
            lifted_at=record.lifted_at,
        )
        self._session.add(row)
        self._session.flush()
        return _record(row, record.appid)

    def of_app(self, appid: str) -> list[EnforcementRecord]:
        return self._records(
            _joined().where(AppRow.appid == appid).order_by(EnforcementActionRow.id)
        )

    def in_force(self, appid: str, now: datetime) -> list[EnforcementRecord]:
        statement = _joined().where(
            AppRow.appid == appid,
            EnforcementActionRow.lifted_at.is_(None),
            (EnforcementActionRow.expires_at.is_(None)) | (EnforcementActionRow.expires_at > now),
        )
        return self._records(statement.order_by(EnforcementActionRow.id))

    def due(self, now: datetime) -> list[EnforcementRecord]:
        statement = _joined().where(
            EnforcementActionRow.lifted_at.is_(None),
            EnforcementActionRow.expires_at <= now,
        )
        return self._records(
            statement.order_by(EnforcementActionRow.expires_at, EnforcementActionRow.id)
        )

    def mark_lifted(self, action_id: int, *, at: datetime) -> bool:
        result = self._session.execute(
            update(EnforcementActionRow)
            .where(EnforcementActionRow.id == action_id, EnforcementActionRow.lifted_at.is_(None))
            .values(lifted_at=at)
        )
        return int(getattr(result, "rowcount", 0)) == 1

    def add_strike(
        self, strike: Strike, *, principal_id: int, app_id: int | None, action_id: int
    ) -> None:
        self._session.add(
            StrikeRow(
                principal_id=principal_id,
                app_id=app_id,
                action_id=action_id,
                category=strike.category[:STRIKE_CATEGORY_LENGTH],
                severity=strike.severity,
                created_at=strike.at,
                expires_at=strike.expires_at,
            )
        )
        self._session.flush()

    def strikes(self, principal_id: int) -> list[Strike]:
        rows = self._session.execute(
            select(StrikeRow)
            .where(StrikeRow.principal_id == principal_id, StrikeRow.expires_at.is_not(None))
            .order_by(StrikeRow.id)
        ).scalars()
        return [
            Strike(row.category, row.severity, row.created_at, row.expires_at)
            for row in rows
            if row.expires_at is not None
        ]

    def _records(self, statement: Select[EnforcementActionRow, str]) -> list[EnforcementRecord]:
        return [_record(row, appid) for row, appid in self._session.execute(statement)]


def _joined() -> Select[EnforcementActionRow, str]:
    return select(EnforcementActionRow, AppRow.appid).outerjoin(
        AppRow, AppRow.id == EnforcementActionRow.app_id
    )


def _record(row: EnforcementActionRow, appid: str | None) -> EnforcementRecord:
    packed: dict[str, Any] = dict(row.evidence or {})
    return EnforcementRecord(
        id=row.id,
        appid=appid,
        principal_id=row.principal_id,
        decision_id=row.decision_id,
        rung=_RUNG_OF[row.rung],
        step=str(packed.get("step", "")),
        reasons=tuple(row.reason_codes),
        actor=row.actor,
        policy_version=row.policy_version,
        lexicon_version=row.lexicon_version,
        ladder_version=str(packed.get("ladder_version", "")),
        created_at=row.created_at,
        expires_at=row.expires_at,
        lifted_at=row.lifted_at,
        features=frozenset(row.features),
        sets=_status(packed.get("status_set")),
        restores=_status(packed.get("status_restored")),
        evidence=dict(packed.get("evidence") or {}),
    )


def _status(value: object) -> AppStatus | None:
    return AppStatus(value) if isinstance(value, str) else None
