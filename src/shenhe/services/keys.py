"""PII key rotation: re-seal every sealed value under the keyring's current key, without
downtime.

What is re-sealed, in batches, each batch its own transaction:

- **principals** (issue 4): each individual's identity number, opened with whichever key
  sealed it, sealed again and re-indexed under the current key;
- **accounts**: each account's data key is unwrapped, a *new* data key is made, every
  identity field is sealed again under it and re-indexed under the current master index
  key, and the new data key is wrapped under the current master key;
- **the identity blacklist**: each entry sealed again and re-indexed.

No downtime: during the rotation the keyring holds the new key (current) and the old ones
(retired), so every value opens whichever key sealed it, and every look-up by blind index tries
the index under each key (`Keyring.blind_indexes`), so duplicates, returning principals and
blacklisted identities are found whether their row was rotated yet or not. A running server
notices a changed key file and builds its keyring again (`shenhe.api.deps.keyring`).

Resumable and idempotent: a row is picked only while its token is *not* under the current key,
so a rerun after a kill goes on where the last committed batch ended, and a value is never
re-sealed twice. The rotation is recorded (``pii_rotations``) with an audit record when it
starts (``pii.rotate.start``) and when it finishes (``pii.rotate.finish``, with the counts).
Passes repeat until one finds nothing, which also catches rows a process with an old keyring
wrote meanwhile.

One-time codes (hashed under the index key) sent just before a rotation stop matching after
it; they live minutes, and a new one can be asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shenhe.domain.account_vault import new_data_key, seal_identity, wrap
from shenhe.domain.audit import SYSTEM_ACTOR, Subject
from shenhe.domain.pii import Keyring, seal, unseal
from shenhe.services import audit
from shenhe.services.accounts import open_account_identity
from shenhe.services.errors import ConflictError
from shenhe.services.unit_of_work import UnitOfWork

DEFAULT_BATCH = 500
KINDS = ("principals", "accounts", "blacklist")


@dataclass(slots=True)
class RotationReport:
    """What a run re-sealed, and whether the rotation is finished."""

    key_id: str
    resumed: bool = False
    finished: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "resumed": self.resumed,
            "finished": self.finished,
            "resealed": dict(self.counts),
        }


def pending(uow: UnitOfWork, key_id: str) -> bool:
    """Whether any value is not sealed under `key_id`, or a rotation is unfinished."""
    with uow:
        rotation = uow.pii_rotation
        return bool(
            rotation.running()
            or rotation.principals_to_reseal(key_id, after=0, limit=1)
            or uow.accounts.to_rewrap(key_id, after=0, limit=1)
            or uow.identity_blacklist.to_reseal(key_id, after=0, limit=1)
        )


def retirable(uow: UnitOfWork, keyring: Keyring, key_id: str) -> None:
    """Check that master key `key_id` may be dropped from the keyring: it is not the current
    key, no rotation is unfinished, and no stored value is sealed under it (`ConflictError`
    saying what to do otherwise)."""
    if key_id == keyring.current.key_id:
        raise ConflictError(f"{key_id!r} is the current key; rotate to a new key first")
    keyring.get(key_id)  # PiiKeyError when the keyring does not hold it
    with uow:
        running = uow.pii_rotation.running()
        left = uow.pii_rotation.count_sealed_under(key_id)
    if running is not None:
        raise ConflictError("a key rotation is unfinished; run `shenhe keys rotate` first")
    if left:
        raise ConflictError(
            f"{left} stored values are still sealed under {key_id!r}; run `shenhe keys "
            "rotate` to re-seal them first"
        )


def rotate(
    uow: UnitOfWork,
    keyring: Keyring,
    *,
    now: datetime,
    actor: str = SYSTEM_ACTOR,
    batch: int = DEFAULT_BATCH,
    max_batches: int | None = None,
) -> RotationReport:
    """Re-seal everything under ``keyring.current``; see the module. `max_batches` stops
    early (the rotation stays unfinished, to be resumed), as a kill would."""
    key_id = keyring.current.key_id
    report = RotationReport(key_id)
    rotation_id = _start(uow, key_id, actor, now, report)
    budget = max_batches
    steps = (
        ("principals", _principals),
        ("accounts", _accounts),
        ("blacklist", _blacklist),
    )
    while True:
        found = 0
        for kind, step in steps:
            after = 0
            while True:
                if budget is not None:
                    if budget <= 0:
                        return report
                    budget -= 1
                done, after = step(uow, keyring, after, batch)
                report.counts[kind] += done
                found += done
                if done == 0:
                    break
        if found == 0:
            break
    _finish(uow, rotation_id, actor, now, report)
    return report


def _start(uow: UnitOfWork, key_id: str, actor: str, now: datetime, report: RotationReport) -> int:
    with uow:
        running = uow.pii_rotation.running()
        if running is not None:
            rotation_id, running_key = running
            if running_key != key_id:
                raise ConflictError(
                    f"a rotation to key {running_key!r} is unfinished, and the current key is "
                    f"{key_id!r}: put {running_key!r} first in the key file (or "
                    f"SHENHE_PII_KEY) and run `shenhe keys rotate` again"
                )
            report.resumed = True
            return rotation_id
        rotation_id = uow.pii_rotation.start(key_id, at=now)
        audit.append(
            uow,
            actor=actor,
            action="pii.rotate.start",
            subject=Subject("pii_key", key_id),
            payload={"rotation": rotation_id},
            at=now,
        )
        uow.commit()
    return rotation_id


def _finish(
    uow: UnitOfWork, rotation_id: int, actor: str, now: datetime, report: RotationReport
) -> None:
    with uow:
        uow.pii_rotation.finish(rotation_id, report.counts, at=now)
        audit.append(
            uow,
            actor=actor,
            action="pii.rotate.finish",
            subject=Subject("pii_key", report.key_id),
            payload={"rotation": rotation_id, "resealed": dict(report.counts)},
            at=now,
        )
        uow.commit()
    report.finished = True


def _principals(uow: UnitOfWork, keyring: Keyring, after: int, batch: int) -> tuple[int, int]:
    with uow:
        rows = uow.pii_rotation.principals_to_reseal(
            keyring.current.key_id, after=after, limit=batch
        )
        for principal_id, sealed in rows:
            value = unseal(keyring, "id_number", sealed)
            uow.pii_rotation.reseal_principal(principal_id, seal(keyring, "id_number", value))
        uow.commit()
    return len(rows), rows[-1][0] if rows else after


def _accounts(uow: UnitOfWork, keyring: Keyring, after: int, batch: int) -> tuple[int, int]:
    with uow:
        ids = uow.accounts.to_rewrap(keyring.current.key_id, after=after, limit=batch)
        for account_id in ids:
            account = uow.accounts.get(account_id, for_update=True)
            if account is None or account.data_key is None:  # deleted meanwhile
                continue
            values = open_account_identity(keyring, account)
            data_key = new_data_key()
            uow.accounts.replace_identity(
                account_id,
                seal_identity(keyring, data_key, values),
                wrap(keyring, data_key),
            )
        uow.commit()
    return len(ids), ids[-1] if ids else after


def _blacklist(uow: UnitOfWork, keyring: Keyring, after: int, batch: int) -> tuple[int, int]:
    with uow:
        entries = uow.identity_blacklist.to_reseal(keyring.current.key_id, after=after, limit=batch)
        for entry in entries:
            value = unseal(keyring, entry.field, entry.sealed)
            uow.identity_blacklist.reseal(entry.id, seal(keyring, entry.field, value))
        uow.commit()
    return len(entries), entries[-1].id if entries else after
