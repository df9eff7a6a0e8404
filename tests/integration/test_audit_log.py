"""The hash-chained audit log on SQLite and PostgreSQL: append, verify, tampering, purges."""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from shenhe.adapters.db import Database, SqlAuditLog
from shenhe.domain.audit import GENESIS_HASH, PURGE_ACTION, AuditRecord, ChainState, Subject
from shenhe.services import audit
from shenhe.services.errors import AuditChainError, RetentionError
from shenhe.services.unit_of_work import UnitOfWork

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
APP = Subject("app", "wx5f3c0a9e1b2d4c6e")


def fill(uow: UnitOfWork, count: int, *, start: datetime = NOW, step: timedelta = timedelta(0)):
    """`count` records in one transaction, made at `start`, `start + step`, ..."""
    with uow:
        for index in range(count):
            audit.append(
                uow,
                actor="moderator:li.wei" if index % 2 else "system",
                action="app.decision",
                subject=APP,
                payload={"index": index, "outcome": "reject", "reasons": ["lending.unlicensed"]},
                at=start + step * index,
            )
        uow.commit()


def execute(database: Database, *statements: str, **params: object) -> None:
    """Raw SQL, as someone with write access to the database but not to Shenhe would."""
    with database.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), params)


def verify(database: Database) -> audit.VerifyResult:
    return audit.verify(database.unit_of_work(read_only=True))


# --- append and verify ---------------------------------------------------------------------


def test_an_empty_chain_verifies(database: Database):
    result = verify(database)
    assert result.ok and result.records == 0 and result.state == ChainState()


def test_appended_records_form_one_chain(database: Database, uow: UnitOfWork):
    fill(uow, 5)
    first = audit.record(
        uow,
        actor="system",
        action="principal.reveal",
        subject=Subject("principal", "7"),
        payload={"id_number": "110***********0078", "reason": "regulator request 2025-17"},
        at=NOW,
    )
    assert first.seq == 6
    with uow:
        records = list(uow.audit.stream())
    assert [r.seq for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    assert records[-1] == first  # read back exactly as written: times, payload, hash
    result = verify(database)
    assert result.ok and result.records == 6 and result.state.head_hash == first.hash


def test_verify_streams_in_batches(database: Database, uow: UnitOfWork):
    fill(uow, 45)
    with database.unit_of_work(read_only=True) as reader:
        small = SqlAuditLog(reader.audit._session, batch_size=7)  # type: ignore[attr-defined]
        assert [r.seq for r in small.stream(after=10, through=30)] == list(range(11, 31))
    assert verify(database).records == 45


def test_payloads_refuse_clear_identity_numbers(uow: UnitOfWork):
    with pytest.raises(ValueError, match="masked form or its blind index"), uow:
        audit.append(
            uow,
            actor="system",
            action="principal.create",
            subject=Subject("principal", "7"),
            payload={"id_number": "11010519491231002X"},
            at=NOW,
        )


# --- tampering -----------------------------------------------------------------------------


def test_an_edited_record_is_found(database: Database, uow: UnitOfWork):
    fill(uow, 6)
    execute(database, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    result = verify(database)
    assert not result.ok and result.first_broken_seq == 3 and "edited" in str(result.reason)
    assert result.records == 2


def test_an_edited_payload_is_found(database: Database, uow: UnitOfWork):
    fill(uow, 6)
    execute(database, "UPDATE audit_log SET payload = :payload WHERE seq = 4", payload='{"i":3}')
    assert verify(database).first_broken_seq == 4


def test_an_edited_record_with_a_recomputed_hash_breaks_the_next_link(
    database: Database, uow: UnitOfWork
):
    fill(uow, 6)
    with uow:
        original = uow.audit.get(3)
    assert original is not None
    forged = replace(original, actor="mallory")
    forged = replace(forged, hash=forged.computed_hash())
    execute(
        database,
        "UPDATE audit_log SET actor = 'mallory', hash = :hash WHERE seq = 3",
        hash=forged.hash,
    )
    result = verify(database)
    assert not result.ok and result.first_broken_seq == 4 and "prev_hash" in str(result.reason)


def test_a_deleted_record_is_found(database: Database, uow: UnitOfWork):
    fill(uow, 6)
    execute(database, "DELETE FROM audit_log WHERE seq = 3")
    result = verify(database)
    assert not result.ok and result.first_broken_seq == 3
    assert "missing" in str(result.reason) and "followed by record 4" in str(result.reason)


def test_deleting_the_last_records_is_found(database: Database, uow: UnitOfWork):
    fill(uow, 6)
    execute(database, "DELETE FROM audit_log WHERE seq >= 5")
    result = verify(database)
    assert not result.ok and result.first_broken_seq == 5 and "deleted" in str(result.reason)


def test_an_inserted_record_is_found(database: Database, uow: UnitOfWork):
    fill(uow, 6)
    with uow:
        before = uow.audit.get(2)
    assert before is not None
    # Make room after record 2 and slip in a well-formed record that follows it.
    execute(
        database,
        "UPDATE audit_log SET seq = -seq WHERE seq >= 3",
        "UPDATE audit_log SET seq = 1 - seq WHERE seq < 0",
        "UPDATE audit_chain SET head_seq = head_seq + 1",
    )
    inserted = AuditRecord.following(
        ChainState(head_seq=2, head_hash=before.hash),
        at=NOW,
        actor="system",
        action="app.decision",
        subject=APP,
        payload={"outcome": "approve"},
    )
    with uow:
        uow.audit.add(inserted)
        uow.commit()
    result = verify(database)
    assert not result.ok and result.first_broken_seq == 4  # the old record 3 moved
    assert "edited" in str(result.reason)


def test_a_record_added_outside_shenhe_is_found(database: Database, uow: UnitOfWork):
    fill(uow, 3)
    with uow:
        state = uow.audit.chain()
        extra = AuditRecord.following(
            state, at=NOW, actor="system", action="app.listed", subject=APP, payload={}
        )
        uow.audit.add(extra)  # but the chain's head is not moved
        uow.commit()
    result = verify(database)
    assert not result.ok and result.first_broken_seq == 4 and "beyond" in str(result.reason)


# --- concurrency ---------------------------------------------------------------------------


def test_concurrent_appends_keep_one_unbroken_chain(database: Database):
    threads, per_thread = 8, 12
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(worker: int) -> None:
        uow = database.unit_of_work()  # its own sessions, hence its own connections
        try:
            start.wait()
            for index in range(per_thread):
                audit.record(
                    uow,
                    actor=f"worker:{worker}",
                    action="app.decision",
                    subject=Subject("app", f"wx{worker:02d}{index:04d}"),
                    payload={"worker": worker, "index": index},
                    at=NOW,
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    result = verify(database)
    assert result.ok, result.reason
    assert result.records == result.state.head_seq == threads * per_thread


# --- retention purges ----------------------------------------------------------------------


def test_a_purge_deletes_old_records_and_the_rest_still_verifies(
    database: Database, uow: UnitOfWork
):
    fill(uow, 10, start=NOW - timedelta(days=400), step=timedelta(days=30))  # -400 … -130
    result = audit.purge(uow, retention_days=365, now=NOW)
    assert result.purged == 2 and result.through_seq == 2  # made 400 and 370 days ago
    assert result.record is not None and result.record.action == PURGE_ACTION
    assert result.record.seq == 11 and result.record.payload["through_seq"] == 2
    check = verify(database)
    assert check.ok, check.reason
    assert check.state.anchor_seq == 2 and check.records == 9  # 3 … 10 and the purge record
    assert check.state.anchor_hash == result.record.payload["through_hash"]
    with uow:
        assert uow.audit.get(2) is None and uow.audit.get(3) is not None


def test_a_purge_never_deletes_a_record_younger_than_the_retention(
    database: Database, uow: UnitOfWork
):
    ages = [500, 400, 10, 450, 300]  # days; record 3 is young although 4 is old
    with uow:
        for age in ages:
            audit.append(
                uow, actor="a", action="x", subject=APP, payload={}, at=NOW - timedelta(days=age)
            )
        uow.commit()
    result = audit.purge(uow, retention_days=365, now=NOW)
    assert result.through_seq == 2
    with uow:
        kept = [r.seq for r in uow.audit.stream()]
    assert kept == [3, 4, 5, 6]
    assert verify(database).ok


def test_purges_are_idempotent_dry_runs_change_nothing(database: Database, uow: UnitOfWork):
    fill(uow, 4, start=NOW - timedelta(days=500), step=timedelta(days=100))  # -500 … -200
    dry = audit.purge(uow, retention_days=250, now=NOW, dry_run=True)
    assert (dry.purged, dry.through_seq, dry.record) == (3, 3, None)
    assert verify(database).state.anchor_seq == 0
    assert audit.purge(uow, retention_days=250, now=NOW).purged == 3
    again = audit.purge(uow, retention_days=250, now=NOW + timedelta(minutes=1))
    assert (again.purged, again.record) == (0, None)
    assert verify(database).records == 2  # record 4 and the purge record


def test_the_chain_survives_several_purges(database: Database, uow: UnitOfWork):
    fill(uow, 6, start=NOW - timedelta(days=600), step=timedelta(days=60))
    audit.purge(uow, retention_days=500, now=NOW)
    fill(uow, 3, start=NOW)
    second = audit.purge(uow, retention_days=300, now=NOW + timedelta(days=10))
    assert second.purged > 0
    result = verify(database)
    assert result.ok, result.reason
    assert result.state.anchor_seq == second.through_seq


def test_a_purge_refuses_a_short_retention(uow: UnitOfWork):
    with pytest.raises(RetentionError, match=r"183 days.*Cybersecurity Law"):
        audit.purge(uow, retention_days=90, now=NOW)


def test_a_purge_refuses_to_destroy_evidence_of_tampering(database: Database, uow: UnitOfWork):
    fill(uow, 5, start=NOW - timedelta(days=500), step=timedelta(days=10))
    execute(database, "UPDATE audit_log SET action = 'app.approve' WHERE seq = 2")
    with pytest.raises(AuditChainError, match="broken at record 2"):
        audit.purge(uow, retention_days=365, now=NOW)
    with uow:
        assert uow.audit.get(1) is not None  # nothing was deleted


def test_deleting_kept_records_and_moving_the_anchor_is_found(database: Database, uow: UnitOfWork):
    fill(uow, 8, start=NOW - timedelta(days=400), step=timedelta(days=20))
    audit.purge(uow, retention_days=365, now=NOW)  # purges 1 and 2; anchor at 2
    with uow:
        fourth = uow.audit.get(4)
    assert fourth is not None
    # Delete 3 and 4 as if purged, and move the anchor past them: no purge record says so.
    execute(
        database,
        "DELETE FROM audit_log WHERE seq <= 4",
        "UPDATE audit_chain SET anchor_seq = 4, anchor_hash = :hash",
        hash=fourth.hash,
    )
    result = verify(database)
    assert not result.ok and result.first_broken_seq == 3
    assert "outside a purge" in str(result.reason)
