"""The audit chain as pure data: canonical hashing, the PII guard, and verification."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from shenhe.domain.audit import (
    GENESIS_HASH,
    PURGE_ACTION,
    AuditRecord,
    ChainState,
    Subject,
    canonical_json,
    format_time,
    purge_payload,
    retention_cutoff,
    verify_chain,
)

AT = datetime(2025, 1, 31, 8, 0, tzinfo=UTC)
APP = Subject("app", "wx5f3c0a9e1b2d4c6e")


def chain(count: int) -> tuple[list[AuditRecord], ChainState]:
    records, state = [], ChainState()
    for index in range(count):
        record = AuditRecord.following(
            state,
            at=AT + timedelta(minutes=index),
            actor="system",
            action="app.decision",
            subject=APP,
            payload={"index": index, "名称": "好借"},
        )
        records.append(record)
        state = state.extended(record)
    return records, state


# --- canonical form and hash ---------------------------------------------------------------


def test_canonical_json_sorts_keys_and_drops_spaces():
    assert canonical_json({"b": [1, 2.5], "a": "审核"}) == '{"a":"审核","b":[1,2.5]}'
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_times_are_utc_with_microseconds():
    beijing = timezone(timedelta(hours=8))
    assert format_time(datetime(2025, 1, 31, 16, 0, tzinfo=beijing)) == (
        "2025-01-31T08:00:00.000000Z"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        format_time(datetime(2025, 1, 31, 8, 0))


def test_the_hash_covers_every_field_but_itself_in_canonical_json():
    record = AuditRecord.following(
        ChainState(),
        at=AT,
        actor="moderator:li.wei",
        action="app.ban",
        subject=APP,
        payload={"rung": "ban", "reasons": ["lending.unlicensed"]},
    )
    text = (
        '{"action":"app.ban","actor":"moderator:li.wei","at":"2025-01-31T08:00:00.000000Z",'
        '"payload":{"reasons":["lending.unlicensed"],"rung":"ban"},'
        f'"prev_hash":"{GENESIS_HASH}","seq":1,'
        '"subject_id":"wx5f3c0a9e1b2d4c6e","subject_type":"app"}'
    )
    assert record.hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert record.computed_hash() == record.hash
    for change in (
        {"seq": 2},
        {"at": AT + timedelta(microseconds=1)},
        {"actor": "someone"},
        {"action": "app.warn"},
        {"subject_type": "principal"},
        {"subject_id": "wx0"},
        {"payload": {"rung": "warning"}},
        {"prev_hash": "f" * 64},
    ):
        assert replace(record, **change).computed_hash() != record.hash, change  # type: ignore[arg-type]


def test_records_follow_the_head_and_copy_their_payload():
    payload = {"pages": ("首页", "借款")}
    records, state = chain(2)
    record = AuditRecord.following(
        state, at=AT, actor="system", action="app.change", subject=APP, payload=payload
    )
    payload["pages"] = ()
    assert (record.seq, record.prev_hash) == (3, records[-1].hash)
    assert record.payload == {"pages": ["首页", "借款"]}  # as it will be read back
    with pytest.raises(ValueError, match="does not follow"):
        state.extended(replace(record, seq=5))


@pytest.mark.parametrize(
    ("actor", "payload"),
    [
        ("", {}),
        ("x" * 201, {}),
        ("system", {"when": datetime(2025, 1, 1, tzinfo=UTC)}),
        ("system", {1: "keys of mixed types", "b": "c"}),
    ],
)
def test_bad_records_are_refused(actor: str, payload: dict[object, object]):
    with pytest.raises(ValueError):
        AuditRecord.following(
            ChainState(), at=AT, actor=actor, action="x", subject=APP, payload=payload
        )


@pytest.mark.parametrize(
    "payload",
    [
        {"id_number": "11010519491231002X"},
        {"note": "身份证 110105194912310021 已核验"},
        {"principals": [{"id": "110105194912310021"}]},
        {"110105194912310021": "as a key"},
    ],
)
def test_clear_identity_numbers_never_enter_the_log(payload: dict[str, object]):
    with pytest.raises(ValueError, match="masked form or its blind index") as caught:
        AuditRecord.following(
            ChainState(), at=AT, actor="system", action="x", subject=APP, payload=payload
        )
    assert "1101051949" not in str(caught.value)


@pytest.mark.parametrize(
    "payload",
    [
        {"id_number": "110***********0078"},
        {"id_index": hashlib.sha256(b"x").hexdigest()},
        {"mobile": "13800138000", "order": "202501310800001234567", "uscc": "91350100M000100Y43"},
    ],
)
def test_masked_forms_and_other_numbers_are_fine(payload: dict[str, object]):
    AuditRecord.following(
        ChainState(), at=AT, actor="system", action="x", subject=APP, payload=payload
    )


# --- verification --------------------------------------------------------------------------


def test_an_intact_chain_verifies():
    records, state = chain(5)
    result = verify_chain(records, state)
    assert result.ok and result.records == 5 and result.first_broken_seq is None
    assert verify_chain([], ChainState()).ok


def test_an_edited_record_is_named():
    records, state = chain(5)
    records[2] = replace(records[2], actor="mallory")
    result = verify_chain(records, state)
    assert (result.ok, result.first_broken_seq, result.records) == (False, 3, 2)
    assert "edited" in str(result.reason)


def test_a_rehashed_edit_breaks_the_next_link():
    records, state = chain(5)
    forged = replace(records[2], payload={"index": 2, "名称": "正规借"})
    records[2] = replace(forged, hash=forged.computed_hash())
    result = verify_chain(records, state)
    assert result.first_broken_seq == 4 and "prev_hash" in str(result.reason)


def test_deleted_records_are_named():
    records, state = chain(5)
    result = verify_chain(records[:2] + records[3:], state)
    assert result.first_broken_seq == 3 and "followed by record 4" in str(result.reason)
    result = verify_chain(records[:4], state)
    assert result.first_broken_seq == 5 and "last records were deleted" in str(result.reason)
    result = verify_chain(records[1:], state)
    assert result.first_broken_seq == 1 and "the genesis" in str(result.reason)


def test_records_beyond_the_head_are_named():
    records, state = chain(5)
    result = verify_chain(records, replace(state, head_seq=4, head_hash=records[3].hash))
    assert result.first_broken_seq == 5 and "beyond the chain head" in str(result.reason)


def test_verification_is_lazy_and_stops_at_the_first_break():
    records, state = chain(4)
    taken: list[int] = []

    def stream() -> Iterator[AuditRecord]:
        for record in [records[0], replace(records[1], actor="x"), *records[2:]]:
            taken.append(record.seq)
            yield record

    assert verify_chain(stream(), state).first_broken_seq == 2
    assert taken == [1, 2]


def purged(count: int, through: int) -> tuple[list[AuditRecord], ChainState]:
    """A chain of `count` records whose first `through` were purged, with its purge record."""
    records, state = chain(count)
    last = records[through - 1]
    purge = AuditRecord.following(
        state,
        at=AT + timedelta(days=400),
        actor="system",
        action=PURGE_ACTION,
        subject=Subject("audit_log", f"1-{through}"),
        payload=purge_payload(last, purged=through, cutoff=AT + timedelta(days=35)),
    )
    return [*records[through:], purge], state.extended(purge).anchored_at(last)


def test_a_purged_chain_verifies_from_its_anchor():
    kept, state = purged(6, 2)
    result = verify_chain(kept, state)
    assert result.ok and result.records == 5 and result.state.anchor_seq == 2


def test_records_deleted_outside_a_purge_are_named():
    kept, state = purged(6, 2)
    # Two more deleted, and the anchor moved past them: the purge record says otherwise.
    moved = replace(state, anchor_seq=4, anchor_hash=kept[1].hash)
    result = verify_chain(kept[2:], moved)
    assert not result.ok and result.first_broken_seq == 3
    assert "outside a purge" in str(result.reason)
    # The anchor moved with no purge record at all.
    records, state = chain(6)
    result = verify_chain(records[2:], replace(state, anchor_seq=2, anchor_hash=records[1].hash))
    assert not result.ok and "no purge record" in str(result.reason)


def test_a_record_left_before_the_anchor_is_named():
    records, state = chain(4)
    anchored = state.anchored_at(records[1])
    result = verify_chain(records[1:], anchored)
    assert result.first_broken_seq == 2 and "before the anchor" in str(result.reason)


def test_retention_is_never_under_six_months():
    assert retention_cutoff(AT, 183) == AT - timedelta(days=183)
    with pytest.raises(ValueError, match="183 days"):
        retention_cutoff(AT, 182)
