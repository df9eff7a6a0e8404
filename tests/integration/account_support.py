"""Shared data and helpers for the account tests (test_accounts_*.py): real-looking people and
organisations, a fixed clock, registration and mobile confirmation in one call. Plain
functions, no fixtures."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from registry_support import NOW, USCC_TOOLMAKER, keyring
from sqlalchemy import text

from shenhe.adapters.db import Database
from shenhe.adapters.sms import LogSmsGateway
from shenhe.domain.accounts import Account
from shenhe.domain.operators import Operator
from shenhe.domain.pii import Keyring
from shenhe.services import account_mobile, accounts, operators
from shenhe.services.unit_of_work import UnitOfWork
from shenhe.services.verification import LocalVerifier

WANG_ID = "110105199003071239"
WANG_MASKED = "110***********1239"
LI_ID = "440305198511204563"
CHEN_ID = "310104200002290014"
ZHAO_ID = "350102197510153323"
CHILD_ID = "110105201506010016"  # born 2015: under 14 in 2026
ORG_USCC = USCC_TOOLMAKER

WANG: dict[str, Any] = {
    "kind": "individual",
    "name": "王小明",
    "id_number": WANG_ID,
    "mobile": "13800138000",
}
LI: dict[str, Any] = {
    "kind": "individual",
    "name": "李华",
    "id_number": LI_ID,
    "mobile": "13900139000",
}
ORG: dict[str, Any] = {
    "kind": "organisation",
    "name": "福州某某网络科技有限公司",
    "uscc": ORG_USCC,
    "responsible_name": "赵敏",
    "responsible_id_number": ZHAO_ID,
    "mobile": "15900159000",
}


def register(
    uow: UnitOfWork,
    data: dict[str, Any],
    *,
    ring: Keyring | None = None,
    now: datetime = NOW,
    policy: accounts.AccountPolicy = accounts.DEFAULT_POLICY,
) -> Account:
    command = accounts.RegisterAccount(**data)
    return accounts.register_account(
        command, uow, ring or keyring(), LocalVerifier(), now=now, policy=policy
    )


def operator(uow: UnitOfWork, name: str, *roles: str, now: datetime = NOW) -> tuple[Operator, str]:
    """A new operator with `roles`, and its bearer token."""
    return operators.create_operator(name, roles, uow, actor="test", now=now)


def code_from(gateway: LogSmsGateway, mobile: str) -> str:
    message = gateway.last_to(mobile)
    assert message is not None, "no code was sent"
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", message)
    assert found is not None, message
    return found.group(1)


def register_verified(
    uow: UnitOfWork, data: dict[str, Any], *, ring: Keyring | None = None, now: datetime = NOW
) -> Account:
    """An account that may publish: registered and its mobile confirmed."""
    ring = ring or keyring()
    account = register(uow, data, ring=ring, now=now)
    gateway = LogSmsGateway()
    account_mobile.send_mobile_code(account.id, uow, ring, gateway, now=now)
    code = code_from(gateway, data["mobile"])
    later = now + timedelta(seconds=5)
    return account_mobile.confirm_mobile(account.id, code, uow, ring, now=later)


def dump(database: Database, *tables: str) -> str:
    """Every row of `tables` as text, to look for values that must not be stored in clear."""
    lines = []
    with database.engine.connect() as connection:
        for table in tables:
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                lines.append(" ".join(str(value) for value in row))
    return "\n".join(lines)
