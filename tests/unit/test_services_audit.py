"""The audit use cases on an in-memory unit of work: the services need no database."""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

import pytest

from shenhe.domain.audit import PURGE_ACTION, AuditRecord, ChainState, Subject
from shenhe.services import audit
from shenhe.services.errors import AuditChainError, RetentionError
from shenhe.services.unit_of_work import UnitOfWork

NOW = datetime(2025, 6, 1, tzinfo=UTC)
APP = Subject("app", "wx1")


class MemoryAuditLog:
    """`AuditLogRepository` over a dict; `committed` is what a database would hold."""

    def __init__(self) -> None:
        self.committed: tuple[dict[int, AuditRecord], ChainState] = ({}, ChainState())
        self.records: dict[int, AuditRecord] = {}
        self.state = ChainState()
        self.locked = False

    def chain(self, *, for_update: bool = False) -> ChainState:
        self.locked = self.locked or for_update
        return self.state

    def save_chain(self, state: ChainState) -> None:
        assert self.locked, "the chain must be locked before it changes"
        self.state = state

    def add(self, record: AuditRecord) -> None:
        assert record.seq not in self.records
        self.records[record.seq] = record

    def get(self, seq: int) -> AuditRecord | None:
        return self.records.get(seq)

    def stream(self, *, after: int = 0, through: int | None = None) -> Generator[AuditRecord]:
        for seq in sorted(self.records):
            if seq > after and (through is None or seq <= through):
                yield self.records[seq]

    def first_seq_since(self, moment: datetime) -> int | None:
        return min((s for s, r in self.records.items() if r.at >= moment), default=None)

    def delete_through(self, seq: int) -> int:
        gone = [s for s in self.records if s <= seq]
        for s in gone:
            del self.records[s]
        return len(gone)


class MemoryUnitOfWork:
    def __init__(self) -> None:
        self.audit = MemoryAuditLog()

    def __enter__(self) -> Self:
        records, state = self.audit.committed
        self.audit.records, self.audit.state = dict(records), state
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.audit.committed = (dict(self.audit.records), self.audit.state)

    def rollback(self) -> None:
        self.audit.locked = False
        records, state = self.audit.committed
        self.audit.records, self.audit.state = dict(records), state


@pytest.fixture
def uow() -> MemoryUnitOfWork:
    return MemoryUnitOfWork()


def fill(uow: UnitOfWork, ages_in_days: list[int]) -> None:
    with uow:
        for age in ages_in_days:
            audit.append(
                uow, actor="system", action="x", subject=APP, payload={}, at=NOW - timedelta(age)
            )
        uow.commit()


def test_append_without_commit_is_rolled_back(uow: MemoryUnitOfWork):
    with uow:
        audit.append(uow, actor="system", action="x", subject=APP, payload={}, at=NOW)
    assert audit.verify(uow).records == 0
    audit.record(uow, actor="system", action="x", subject=APP, payload={}, at=NOW)
    assert audit.verify(uow).records == 1


def test_purge_anchors_the_rest(uow: MemoryUnitOfWork):
    fill(uow, [400, 380, 100, 10])
    result = audit.purge(uow, retention_days=365, now=NOW)
    assert (result.purged, result.through_seq) == (2, 2)
    assert result.record is not None and result.record.action == PURGE_ACTION
    check = audit.verify(uow)
    assert check.ok and check.state.anchor_seq == 2 and check.records == 3


def test_purge_refuses_short_retention_and_broken_chains(uow: MemoryUnitOfWork):
    with pytest.raises(RetentionError, match="Cybersecurity Law"):
        audit.purge(uow, retention_days=182, now=NOW)
    fill(uow, [400, 380, 370, 10])
    records, _ = uow.audit.committed
    del records[2]
    with pytest.raises(AuditChainError, match="broken at record 2") as caught:
        audit.purge(uow, retention_days=365, now=NOW)
    assert caught.value.seq == 2
    assert sorted(uow.audit.committed[0]) == [1, 3, 4]  # nothing deleted
