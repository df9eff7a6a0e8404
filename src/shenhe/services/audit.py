"""Audit use cases: append a record, verify the chain, purge what retention allows.

`append` is a step of other use cases: call it inside their ``with uow:`` block, as the last
change before ``uow.commit()``, so the record and the change it describes are committed
together (or not at all). It locks the chain's head row until the commit, so concurrent
appends queue up and never fork the chain. `record` is the same as a use case of its own.

`verify` and `purge` open their own transactions. A purge first checks the records it will
delete (a broken chain is evidence and is never purged), appends a `PURGE_ACTION` record whose
payload names the last purged record and its hash, deletes the old records and moves the
chain's anchor there: see `shenhe.domain.audit` for how verification uses the anchor.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shenhe.domain.audit import (
    MIN_RETENTION_DAYS,
    PURGE_ACTION,
    RETENTION_RULE,
    SYSTEM_ACTOR,
    AuditRecord,
    Subject,
    VerifyResult,
    purge_payload,
    retention_cutoff,
    verify_chain,
)
from shenhe.services.errors import AuditChainError, RetentionError
from shenhe.services.unit_of_work import UnitOfWork


def append(
    uow: UnitOfWork,
    *,
    actor: str,
    action: str,
    subject: Subject,
    payload: Mapping[str, Any],
    at: datetime,
) -> AuditRecord:
    """Append a record to the chain, inside the open transaction of `uow` (not committed)."""
    state = uow.audit.chain(for_update=True)
    entry = AuditRecord.following(
        state, at=at, actor=actor, action=action, subject=subject, payload=payload
    )
    uow.audit.add(entry)
    uow.audit.save_chain(state.extended(entry))
    return entry


def record(
    uow: UnitOfWork,
    *,
    actor: str,
    action: str,
    subject: Subject,
    payload: Mapping[str, Any],
    at: datetime,
) -> AuditRecord:
    """Append a record in a transaction of its own and commit it."""
    with uow:
        entry = append(uow, actor=actor, action=action, subject=subject, payload=payload, at=at)
        uow.commit()
    return entry


def verify(uow: UnitOfWork) -> VerifyResult:
    """Check the whole chain, streaming it in `seq` order (constant memory).

    Give it a read-only unit of work where the adapter has one: the chain's state and its
    records are then read from one snapshot, so appends running meanwhile do not matter.
    """
    with uow:
        state = uow.audit.chain()
        with closing(uow.audit.stream(after=state.anchor_seq)) as records:
            return verify_chain(records, state)


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What a purge deleted (or, dry, would delete) and the record that anchors the rest."""

    cutoff: datetime
    purged: int
    through_seq: int | None
    record: AuditRecord | None
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "purged": self.purged,
            "through_seq": self.through_seq,
            "purge_record_seq": None if self.record is None else self.record.seq,
            "dry_run": self.dry_run,
        }


def purge(
    uow: UnitOfWork,
    *,
    retention_days: int,
    now: datetime,
    actor: str = SYSTEM_ACTOR,
    dry_run: bool = False,
) -> PurgeResult:
    """Delete the oldest records made before ``now - retention_days``, keeping the chain whole.

    Only a prefix of the chain is deleted, and it stops before the first record made at or
    after the cutoff, so no record younger than the retention goes, even when records were
    not appended in time order. Refuses a retention under six months (`RetentionError`) and
    a broken chain (`AuditChainError`). With `dry_run` nothing changes.
    """
    if retention_days < MIN_RETENTION_DAYS:
        raise RetentionError(
            f"audit records must be kept at least {MIN_RETENTION_DAYS} days ({RETENTION_RULE}); "
            f"{retention_days} is too short"
        )
    cutoff = retention_cutoff(now, retention_days)
    with uow:
        state = uow.audit.chain(for_update=True)
        first_kept = uow.audit.first_seq_since(cutoff)
        through_seq = state.head_seq if first_kept is None else first_kept - 1
        if through_seq <= state.anchor_seq:
            return PurgeResult(cutoff, 0, None, None, dry_run)
        # The records to delete, and the link from the last of them to the first one kept.
        end = min(through_seq + 1, state.head_seq)
        with closing(uow.audit.stream(after=state.anchor_seq, through=end)) as records:
            checked = verify_chain(records, state, complete=False)
        if not checked.ok or checked.records != end - state.anchor_seq:
            seq = checked.first_broken_seq or state.anchor_seq + checked.records + 1
            raise AuditChainError(
                f"refusing to purge: the audit chain is broken at record {seq} "
                f"({checked.reason or 'it is missing'}); run `shenhe audit verify` and "
                "investigate before anything is deleted",
                seq=seq,
            )
        through = uow.audit.get(through_seq)
        assert through is not None  # just verified
        purged = through_seq - state.anchor_seq
        if dry_run:
            return PurgeResult(cutoff, purged, through_seq, None, dry_run)
        entry = append(
            uow,
            actor=actor,
            action=PURGE_ACTION,
            subject=Subject("audit_log", f"{state.anchor_seq + 1}-{through_seq}"),
            payload=purge_payload(through, purged=purged, cutoff=cutoff),
            at=now,
        )
        deleted = uow.audit.delete_through(through_seq)
        if deleted != purged:  # rows at or before the anchor: put there outside Shenhe
            raise AuditChainError(
                f"refusing to purge: expected to delete {purged} records, found {deleted}; "
                "some lie at or before the anchor. Run `shenhe audit verify`",
                seq=None,
            )
        uow.audit.save_chain(state.extended(entry).anchored_at(through))
        uow.commit()
    return PurgeResult(cutoff, purged, through_seq, entry)
