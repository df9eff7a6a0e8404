"""The audit log as pure data: records, their hash chain, and how a chain is verified.

Every record holds the SHA-256 of the one before it (`prev_hash`), so editing, deleting or
inserting a record breaks the chain at that record. A record's hash covers every field but the
hash itself, written as canonical JSON (sorted keys, no spaces, UTF-8)::

    hash = sha256(canonical_json({"seq", "at", "actor", "action", "subject_type",
                                  "subject_id", "payload", "prev_hash"}))

`at` is written as UTC ISO 8601 with microseconds (``2025-01-31T08:00:00.000000Z``). The first
record of a new chain follows `GENESIS_HASH` (64 zeros).

The chain's ends live in a `ChainState`: the *head* (last record) and the *anchor* (the record
just before the first one kept). A retention purge deletes the oldest records and moves the
anchor to the last deleted one; it first appends a `PURGE_ACTION` record whose payload names
that record and its hash (``through_seq``, ``through_hash``). `verify_chain` starts from the
anchor, so the records kept still verify, and it checks that the anchor is the one the last
purge record set, so records deleted outside a purge are still found.

Nothing here reads a clock or a database: times come in as arguments, records as iterables.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

GENESIS_HASH = "0" * 64
"""The `prev_hash` of the first record of a chain."""
PURGE_ACTION = "audit.purge"
"""The action of the record a retention purge appends; its payload anchors the kept records."""
SYSTEM_ACTOR = "system"
"""The actor of what Shenhe does by itself (sweeps, expiries, purges)."""
MIN_RETENTION_DAYS = 183
"""Six months: the shortest retention of network logs the Cybersecurity Law (art. 21) allows."""
RETENTION_RULE = "six months, Cybersecurity Law art. 21"
MAX_LABEL_LENGTH = 200
"""Longest actor, action, subject type or subject id a record may carry."""

_RESIDENT_ID = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}[0-9Xx](?![0-9A-Za-z])"
)
"""The shape of an unmasked resident identity number (GB 11643); payloads must not hold one."""


def canonical_json(value: Any) -> str:
    """`value` as canonical JSON: sorted keys, no spaces, no NaN; non-ASCII kept as is."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def format_time(moment: datetime) -> str:
    """`moment` in UTC as ISO 8601 with microseconds and a ``Z``; naive times are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"audit times must be timezone-aware, got the naive {moment!r}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_time_or_none(moment: datetime | None) -> str | None:
    """`format_time` of `moment`, None for None (a moment that may not have come yet)."""
    return None if moment is None else format_time(moment)


def chain_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of `content`, UTF-8 encoded."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Subject:
    """What a record is about: ``Subject("app", "wx1234")``, ``Subject("principal", "42")``."""

    type: str
    id: str


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry of the log. Build new ones with `AuditRecord.following`, which hashes them."""

    seq: int
    at: datetime
    actor: str
    action: str
    subject_type: str
    subject_id: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    def content(self) -> dict[str, Any]:
        """Every field but `hash`, in the form the hash covers."""
        return {
            "seq": self.seq,
            "at": format_time(self.at),
            "actor": self.actor,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
        }

    def computed_hash(self) -> str:
        """The hash this record's content calls for (equal to `hash` unless it was edited)."""
        return chain_hash(self.content())

    @classmethod
    def following(
        cls,
        state: ChainState,
        *,
        at: datetime,
        actor: str,
        action: str,
        subject: Subject,
        payload: Mapping[str, Any],
    ) -> AuditRecord:
        """The record that extends the chain whose ends are `state`, with its hash.

        The payload is copied through canonical JSON, so the record holds exactly what will
        be read back. A payload that is not JSON, or that holds an unmasked resident identity
        number, is a `ValueError`: store the masked form or the blind index instead.
        """
        format_time(at)
        for name, label in (
            ("actor", actor),
            ("action", action),
            ("subject type", subject.type),
            ("subject id", subject.id),
        ):
            if not label or len(label) > MAX_LABEL_LENGTH:
                raise ValueError(
                    f"the audit record's {name} must be 1 to {MAX_LABEL_LENGTH} characters"
                )
        try:
            data = json.loads(canonical_json(dict(payload)))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"the audit payload is not plain JSON data: {exc}") from None
        _refuse_identity_numbers(data, "payload")
        seq = state.head_seq + 1
        content = {
            "seq": seq,
            "at": format_time(at),
            "actor": actor,
            "action": action,
            "subject_type": subject.type,
            "subject_id": subject.id,
            "payload": data,
            "prev_hash": state.head_hash,
        }
        return cls(
            seq=seq,
            at=at.astimezone(UTC),
            actor=actor,
            action=action,
            subject_type=subject.type,
            subject_id=subject.id,
            payload=data,
            prev_hash=state.head_hash,
            hash=chain_hash(content),
        )


def _refuse_identity_numbers(value: Any, where: str) -> None:
    if isinstance(value, str):
        if _RESIDENT_ID.search(value):
            raise ValueError(
                f"audit {where} holds what looks like an unmasked resident identity number; "
                "record its masked form or its blind index instead"
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_identity_numbers(key, f"{where} key")
            _refuse_identity_numbers(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_identity_numbers(item, f"{where}[{index}]")


@dataclass(frozen=True, slots=True)
class ChainState:
    """The two ends of a chain: the anchor (last purged record, or genesis) and the head."""

    anchor_seq: int = 0
    anchor_hash: str = GENESIS_HASH
    head_seq: int = 0
    head_hash: str = GENESIS_HASH

    def extended(self, record: AuditRecord) -> ChainState:
        """The state once `record` (which must follow the head) is appended."""
        if record.seq != self.head_seq + 1 or record.prev_hash != self.head_hash:
            raise ValueError(f"record {record.seq} does not follow the head {self.head_seq}")
        return ChainState(self.anchor_seq, self.anchor_hash, record.seq, record.hash)

    def anchored_at(self, record: AuditRecord) -> ChainState:
        """The state once every record up to `record` is purged."""
        return ChainState(record.seq, record.hash, self.head_seq, self.head_hash)


def purge_payload(through: AuditRecord, *, purged: int, cutoff: datetime) -> dict[str, Any]:
    """The payload of the purge record that deletes every record up to `through`."""
    return {
        "through_seq": through.seq,
        "through_hash": through.hash,
        "purged": purged,
        "cutoff": format_time(cutoff),
    }


def retention_cutoff(now: datetime, retention_days: int) -> datetime:
    """The moment before which records may be purged; refuses less than six months."""
    if retention_days < MIN_RETENTION_DAYS:
        raise ValueError(
            f"audit records must be kept at least {MIN_RETENTION_DAYS} days ({RETENTION_RULE}), "
            f"not {retention_days}"
        )
    format_time(now)
    return now - timedelta(days=retention_days)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What `verify_chain` found: how many records it checked and, if any, the first break."""

    ok: bool
    records: int
    state: ChainState = field(default_factory=ChainState)
    first_broken_seq: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "first_seq": self.state.anchor_seq + 1 if self.records else None,
            "head_seq": self.state.head_seq,
            "head_hash": self.state.head_hash,
            "anchor_seq": self.state.anchor_seq,
            "anchor_hash": self.state.anchor_hash,
            "first_broken_seq": self.first_broken_seq,
            "reason": self.reason,
        }


def verify_chain(
    records: Iterable[AuditRecord], state: ChainState = ChainState(), *, complete: bool = True
) -> VerifyResult:
    """Check `records` (in `seq` order, from just after the anchor of `state`) one at a time.

    Each record must come next in sequence (else one was deleted), hash to its stored `hash`
    (else it was edited) and name its predecessor's hash (else one before it was replaced or
    inserted). With `complete`, the records must also end exactly at the head of `state` (else
    the last ones were deleted, or some were added outside Shenhe), and a moved anchor must be
    the one the last purge record set. `records` is consumed lazily, so a generator over a
    table of any size verifies in constant memory.
    """
    expected, prev_hash = state.anchor_seq + 1, state.anchor_hash
    last_purge: AuditRecord | None = None
    checked = 0

    def broken(seq: int, reason: str) -> VerifyResult:
        return VerifyResult(False, checked, state, seq, reason)

    for record in records:
        if record.seq < expected:
            return broken(
                record.seq,
                f"record {record.seq} comes at or before the anchor (record "
                f"{state.anchor_seq}): it was inserted, or outlived its purge",
            )
        if record.seq > expected:
            return broken(
                expected,
                f"record {expected} is missing (deleted): {_before(expected, state)} is "
                f"followed by record {record.seq}",
            )
        if complete and record.seq > state.head_seq:
            return broken(
                record.seq,
                f"record {record.seq} lies beyond the chain head (record {state.head_seq}): "
                "it was inserted outside Shenhe",
            )
        if record.computed_hash() != record.hash:
            return broken(record.seq, "its content does not match its hash: it was edited")
        if record.prev_hash != prev_hash:
            return broken(
                record.seq,
                f"its prev_hash is not the hash of {_before(record.seq, state)}: "
                "a record was replaced or inserted before it",
            )
        if record.action == PURGE_ACTION:
            last_purge = record
        prev_hash, expected, checked = record.hash, expected + 1, checked + 1

    if not complete:
        return VerifyResult(True, checked, state)
    if expected - 1 < state.head_seq:
        return broken(
            expected,
            f"record {expected} is missing: the chain ends at record {expected - 1} but its "
            f"head is record {state.head_seq}, so the last records were deleted",
        )
    if prev_hash != state.head_hash:
        return broken(state.head_seq, "the stored chain head does not match the last record")
    if state.anchor_seq and not _anchors(last_purge, state):
        through = _through_seq(last_purge)
        if through is None:
            reason = "no purge record covers the anchor: records were deleted outside a purge"
        else:
            reason = (
                f"the last purge (record {_seq(last_purge)}) kept every record after "
                f"{through}, but the chain now starts after {state.anchor_seq}: "
                "records were deleted outside a purge"
            )
        return broken((through or 0) + 1, reason)
    return VerifyResult(True, checked, state)


def _before(seq: int, state: ChainState) -> str:
    if seq - 1 == state.anchor_seq:
        return "the anchor" if state.anchor_seq else "the genesis"
    return f"record {seq - 1}"


def _anchors(purge: AuditRecord | None, state: ChainState) -> bool:
    return purge is not None and (
        purge.payload.get("through_seq") == state.anchor_seq
        and purge.payload.get("through_hash") == state.anchor_hash
    )


def _through_seq(purge: AuditRecord | None) -> int | None:
    through = None if purge is None else purge.payload.get("through_seq")
    return through if isinstance(through, int) else None


def _seq(record: AuditRecord | None) -> int | None:
    return None if record is None else record.seq
