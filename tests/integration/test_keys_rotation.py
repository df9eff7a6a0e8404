"""PII key rotation on SQLite and PostgreSQL: every sealed value (principals, accounts, the
identity blacklist) re-sealed under the new key in batches; readable during (a rotation cut
short, as by a kill) and after; look-ups by blind index still find people; resumable and
idempotent; marked in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from account_support import (
    CHEN_ID,
    LI,
    LI_ID,
    NOW,
    ORG,
    WANG,
    WANG_ID,
    ZHAO_ID,
    dump,
    keyring,
    operator,
    register,
)
from registry_support import MASTER_KEY, audit_records

from shenhe.adapters.db import Database
from shenhe.domain.operators import Operator
from shenhe.domain.pii import Keyring, PiiKeys
from shenhe.services import account_admin, keys, principals
from shenhe.services.account_errors import BlacklistedError, IdentityTakenError
from shenhe.services.errors import ConflictError
from shenhe.services.unit_of_work import UnitOfWork

OLD = PiiKeys.derive(MASTER_KEY)
NEW = PiiKeys.derive(bytes(range(100, 132)), "k2")
DURING = Keyring(NEW, (OLD,))
AFTER = Keyring(NEW)
REASON = "key rotation check"


def seed(uow: UnitOfWork) -> dict[str, int]:
    """Two principals, three accounts (one blacklisted and closed) under the old key."""
    ids = {}
    for name, number in (("张三", CHEN_ID), ("李四", LI_ID)):
        command = principals.RegisterPrincipal("individual", name, id_number=number)
        ids[name] = principals.register_principal(command, uow, keyring(), now=NOW).principal.id
    ids["wang"] = register(uow, WANG).id
    ids["org"] = register(uow, ORG).id
    ids["li"] = register(uow, LI).id
    command = account_admin.CloseAccount(ids["li"], "fraud ring", blacklist=True)
    account_admin.close_account(command, uow, keyring(), actor="operator:mod", now=NOW)
    return ids


def auditor(uow: UnitOfWork) -> Operator:
    return operator(uow, "auditor", "pii_reveal")[0]


def readable(uow: UnitOfWork, ring: Keyring, ids: dict[str, int], who: Operator) -> None:
    """Every value opens and every look-up by blind index finds its person."""
    reveal = account_admin.reveal_account_value
    assert reveal(ids["wang"], "id_number", REASON, who, uow, ring, now=NOW) == WANG_ID
    assert reveal(ids["org"], "responsible_id_number", REASON, who, uow, ring, now=NOW) == ZHAO_ID
    assert (
        account_admin.reveal_principal_id_number(ids["张三"], REASON, who, uow, ring, now=NOW)
        == CHEN_ID
    )
    again = principals.RegisterPrincipal("individual", "另一个名字", id_number=LI_ID)
    found = principals.register_principal(again, uow, ring, now=NOW)
    assert not found.created and found.principal.id == ids["李四"]
    with pytest.raises(IdentityTakenError):
        register(uow, {**WANG, "mobile": "13300133000"}, ring=ring)
    with pytest.raises(BlacklistedError):
        register(uow, {**LI, "name": "李新", "mobile": "13200132000"}, ring=ring)


def test_a_rotation_keeps_everything_readable_during_and_after(
    uow: UnitOfWork, database: Database
) -> None:
    ids = seed(uow)
    who = auditor(uow)
    tables = ("principals", "accounts", "account_pii", "identity_blacklist")
    assert dump(database, *tables).count("v1.k2.") == 0

    cut = keys.rotate(uow, DURING, now=NOW, batch=1, max_batches=4)  # killed mid-way
    assert not cut.finished and cut.counts == {"principals": 2, "accounts": 1, "blacklist": 0}
    assert keys.pending(uow, "k2")
    readable(uow, DURING, ids, who)

    resumed = keys.rotate(uow, DURING, now=NOW + timedelta(minutes=1), batch=2)
    assert resumed.resumed and resumed.finished
    assert resumed.counts == {"principals": 0, "accounts": 2, "blacklist": 1}
    stored = dump(database, *tables)
    assert "v1.k1." not in stored and WANG_ID not in stored
    assert not keys.pending(uow, "k2")

    readable(uow, AFTER, ids, who)  # the old key is gone: nothing needs it any more
    keys.retirable(uow, DURING, "k1")

    again = keys.rotate(uow, AFTER, now=NOW + timedelta(minutes=2))  # idempotent
    assert again.finished and sum(again.counts.values()) == 0
    marks = [r.action for r in audit_records(uow) if r.action.startswith("pii.rotate")]
    assert marks == ["pii.rotate.start", "pii.rotate.finish"] * 2


def test_an_unfinished_rotation_must_be_finished_with_its_own_key(uow: UnitOfWork) -> None:
    seed(uow)
    with pytest.raises(ConflictError, match="6 stored values are still sealed under 'k1'"):
        keys.retirable(uow, DURING, "k1")  # 2 principals, 3 account keys, 1 entry
    keys.rotate(uow, DURING, now=NOW, batch=1, max_batches=1)
    other = Keyring(PiiKeys.derive(bytes(range(200, 232)), "k3"), (NEW, OLD))
    with pytest.raises(ConflictError, match="'k2' is unfinished"):
        keys.rotate(uow, other, now=NOW)
    with pytest.raises(ConflictError, match="rotation is unfinished"):
        keys.retirable(uow, DURING, "k1")
    with pytest.raises(ConflictError, match="current key"):
        keys.retirable(uow, DURING, "k2")
