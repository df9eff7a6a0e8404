"""The audit log repository over SQLAlchemy: `AuditRecord` ↔ the `audit_log` table."""

from __future__ import annotations

import json
from collections.abc import Generator
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from shenhe.adapters.db.schema import CHAIN_ROW, AuditChainRow, AuditRow
from shenhe.domain.audit import AuditRecord, ChainState, canonical_json
from shenhe.services.errors import StorageError

BATCH_SIZE = 1000
"""Records fetched per round trip when streaming (a server-side cursor on PostgreSQL)."""

_COLUMNS = (
    AuditRow.seq,
    AuditRow.at,
    AuditRow.actor,
    AuditRow.action,
    AuditRow.subject_type,
    AuditRow.subject_id,
    AuditRow.payload,
    AuditRow.prev_hash,
    AuditRow.hash,
)


class SqlAuditLog:
    """`AuditLogRepository` on a session; statements run at once, inside its transaction."""

    def __init__(self, session: Session, *, batch_size: int = BATCH_SIZE) -> None:
        self._session = session
        self._batch_size = batch_size

    def chain(self, *, for_update: bool = False) -> ChainState:
        statement = select(
            AuditChainRow.anchor_seq,
            AuditChainRow.anchor_hash,
            AuditChainRow.head_seq,
            AuditChainRow.head_hash,
        ).where(AuditChainRow.id == CHAIN_ROW)
        if for_update:  # SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE locks
            statement = statement.with_for_update()
        row = self._session.execute(statement).one_or_none()
        if row is None:
            raise StorageError(
                "the audit chain's state row is missing: the database was not set up by "
                "`shenhe db upgrade`, or the row was deleted (which breaks the chain)"
            )
        return ChainState(*row)

    def save_chain(self, state: ChainState) -> None:
        self._session.execute(
            update(AuditChainRow)
            .where(AuditChainRow.id == CHAIN_ROW)
            .values(
                anchor_seq=state.anchor_seq,
                anchor_hash=state.anchor_hash,
                head_seq=state.head_seq,
                head_hash=state.head_hash,
            )
        )

    def add(self, record: AuditRecord) -> None:
        self._session.execute(
            insert(AuditRow).values(
                seq=record.seq,
                at=record.at,
                actor=record.actor,
                action=record.action,
                subject_type=record.subject_type,
                subject_id=record.subject_id,
                payload=canonical_json(record.payload),
                prev_hash=record.prev_hash,
                hash=record.hash,
            )
        )

    def get(self, seq: int) -> AuditRecord | None:
        row = self._session.execute(select(*_COLUMNS).where(AuditRow.seq == seq)).one_or_none()
        return None if row is None else _record(*row)

    def latest(self, subject_type: str, subject_id: str) -> AuditRecord | None:
        row = self._session.execute(
            select(*_COLUMNS)
            .where(AuditRow.subject_type == subject_type, AuditRow.subject_id == subject_id)
            .order_by(AuditRow.seq.desc())
            .limit(1)
        ).one_or_none()
        return None if row is None else _record(*row)

    def stream(self, *, after: int = 0, through: int | None = None) -> Generator[AuditRecord]:
        statement = select(*_COLUMNS).where(AuditRow.seq > after).order_by(AuditRow.seq)
        if through is not None:
            statement = statement.where(AuditRow.seq <= through)
        rows = self._session.execute(statement.execution_options(yield_per=self._batch_size))
        try:
            for row in rows:
                yield _record(*row)
        finally:  # also when the reader stops early: release the server-side cursor
            rows.close()

    def first_seq_since(self, moment: datetime) -> int | None:
        found: int | None = self._session.execute(
            select(func.min(AuditRow.seq)).where(AuditRow.at >= moment)
        ).scalar_one()
        return found

    def delete_through(self, seq: int) -> int:
        result = self._session.execute(delete(AuditRow).where(AuditRow.seq <= seq))
        return int(getattr(result, "rowcount", 0))

    def count(self) -> int:
        """How many records are stored (for reports; verification counts as it goes)."""
        return int(self._session.execute(select(func.count()).select_from(AuditRow)).scalar_one())


def _record(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    payload: str,
    prev_hash: str,
    hash: str,
) -> AuditRecord:
    return AuditRecord(
        seq, at, actor, action, subject_type, subject_id, _payload(payload), prev_hash, hash
    )


def _payload(text: str) -> dict[str, Any]:
    """The stored payload; text that is not a JSON object is kept so its hash cannot match."""
    try:
        value = json.loads(text)
    except ValueError:
        return {"unreadable": text}
    return value if isinstance(value, dict) else {"unreadable": text}
