"""What moderators and privileged operators do to accounts: close (and blacklist), suspend
and reinstate, delete (cryptographic erasure), reveal a sealed value. Each is one transaction
with its audit record.

**Closing** for a serious violation with ``blacklist=True`` bars the account's identity (the
identity number of an individual, the credit code of an organisation) from registering again,
for good or until a moment: the entry keeps the identity sealed under the *master* key with
its blind index, so whatever new name or mobile number the same person brings, registration
finds the index and refuses. The entry outlives the account on purpose (keeping violators out
is its legal basis) and a key rotation re-seals and re-indexes it.

**Deleting** runs the erasure steps in one transaction, the caller's `extra_steps` first,
then the built-in ones (`ERASURE_STEPS`): the account's one-time codes are deleted, then its
sealed identity and its wrapped data key (`AccountRepository.erase`). Without the data key,
which existed nowhere else, any copy of the ciphertexts left in a backup cannot be opened:
that is the cryptographic erasure. The account row stays, status ``deleted``, with no
identity; the audit log keeps only `identity_ref` (a prefix of the blind index) by way of a
hashed reference.

An erasure step is any callable ``step(uow, account_id, now)``; the publishing side passes
one that anonymises the account's posts and comments, so they go in the same transaction.

**Revealing** a clear value needs the ``pii_reveal`` role and a reason; the audit record
(``pii.reveal``: who, which field, which account or principal, why) is committed before the
value is returned, so no value is ever shown without its record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shenhe.domain.accounts import PII_FIELDS, Account, AccountStatus
from shenhe.domain.audit import Subject, format_time
from shenhe.domain.errors import SubmissionError
from shenhe.domain.operators import Operator
from shenhe.domain.pii import Keyring, seal, unseal
from shenhe.services import audit
from shenhe.services.account_errors import AccountStateError
from shenhe.services.accounts import open_account_identity, require_account
from shenhe.services.errors import NotFoundError
from shenhe.services.operators import require
from shenhe.services.unit_of_work import UnitOfWork

ErasureStep = Callable[[UnitOfWork, int, datetime], None]
"""One step of deleting an account: ``step(uow, account_id, now)``, inside the transaction."""
MIN_REASON = 4
_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
MAX_REASON = 500


def erase_codes(uow: UnitOfWork, account_id: int, now: datetime) -> None:
    """Delete the account's one-time codes."""
    uow.otp.erase(account_id)


def erase_identity(uow: UnitOfWork, account_id: int, now: datetime) -> None:
    """Destroy the sealed identity and the wrapped data key (cryptographic erasure)."""
    uow.accounts.erase(account_id, at=now)


ERASURE_STEPS: tuple[ErasureStep, ...] = (erase_codes, erase_identity)
"""The built-in erasure steps, run after the caller's."""


@dataclass(frozen=True, slots=True)
class CloseAccount:
    """Close an account; with `blacklist`, bar its identity until `until` (None: for good)."""

    account_id: int
    reason: str
    blacklist: bool = False
    until: datetime | None = None


def blacklist_until(
    blacklist: bool, days: int | None, permanent: bool, now: datetime, *, option: str = ""
) -> datetime | None:
    """When a blacklist asked for as `days` from `now` or `permanent` ends (None: for good,
    or no blacklist); `SubmissionError` for both, or either without `blacklist`. The messages
    name the options with the prefix `option` (``--`` on the command line)."""
    if (days is not None or permanent) and not blacklist:
        raise SubmissionError(
            f"{option}days and {option}permanent go with {option}blacklist", field="days"
        )
    if days is not None and permanent:
        raise SubmissionError(f"give {option}days or {option}permanent, not both", field="days")
    return None if days is None else now + timedelta(days=days)


def close_account(
    command: CloseAccount, uow: UnitOfWork, keyring: Keyring, *, actor: str, now: datetime
) -> Account:
    """Close the account (and blacklist its identity); the account after."""
    reason = _reason(command.reason)
    if command.until is not None and command.until <= now:
        raise SubmissionError("the blacklist must end in the future", field="days")
    with uow:
        account = require_account(uow, command.account_id, for_update=True)
        if account.status == "deleted":
            raise AccountStateError(f"account {account.id} was deleted; nothing to close")
        if account.status == "closed" and not command.blacklist:
            raise AccountStateError(f"account {account.id} is closed already")
        field = account.identity_field
        payload: dict[str, Any] = {
            "reason": reason,
            "blacklist": command.blacklist,
            "until": None if command.until is None else format_time(command.until),
            "identity_ref": account.identity_ref,
        }
        if command.blacklist:
            value = open_account_identity(keyring, account, [field])[field]
            uow.identity_blacklist.add(
                field=field,
                sealed=seal(keyring, field, value),
                account_id=account.id,
                reason=reason,
                until=command.until,
                at=now,
            )
        if account.status != "closed":
            uow.accounts.set_status(account.id, "closed", at=now, reason=reason)
        audit.append(
            uow,
            actor=actor,
            action="account.close",
            subject=Subject("account", str(account.id)),
            payload=payload,
            at=now,
        )
        closed = uow.accounts.get(account.id)
        assert closed is not None
        uow.commit()
    return closed


def suspend_account(
    account_id: int,
    reason: str,
    uow: UnitOfWork,
    *,
    actor: str,
    now: datetime,
    suspend: bool = True,
) -> Account:
    """Suspend an active account (it may not publish) or, with ``suspend=False``, reinstate a
    suspended one; an ``account.suspend`` / ``account.reinstate`` audit record."""
    reason = _reason(reason)
    before: AccountStatus = "active" if suspend else "suspended"
    after: AccountStatus = "suspended" if suspend else "active"
    with uow:
        account = require_account(uow, account_id, for_update=True)
        if account.status != before:
            raise AccountStateError(f"account {account_id} is {account.status}, not {before}")
        uow.accounts.set_status(account_id, after, at=now)
        audit.append(
            uow,
            actor=actor,
            action="account.suspend" if suspend else "account.reinstate",
            subject=Subject("account", str(account_id)),
            payload={"reason": reason},
            at=now,
        )
        changed = uow.accounts.get(account_id)
        assert changed is not None
        uow.commit()
    return changed


def delete_account(
    account_id: int,
    uow: UnitOfWork,
    *,
    actor: str,
    now: datetime,
    extra_steps: Sequence[ErasureStep] = (),
) -> Account:
    """Delete the account: `extra_steps`, then `ERASURE_STEPS`, one transaction; see above."""
    steps = (*extra_steps, *ERASURE_STEPS)
    with uow:
        account = require_account(uow, account_id, for_update=True)
        if account.status == "deleted":
            raise AccountStateError(f"account {account_id} was deleted already")
        reference = account.identity_ref
        for step in steps:
            step(uow, account_id, now)
        audit.append(
            uow,
            actor=actor,
            action="account.delete",
            subject=Subject("account", str(account_id)),
            payload={
                "identity_ref": reference,
                "steps": [getattr(step, "__name__", type(step).__name__) for step in steps],
            },
            at=now,
        )
        deleted = uow.accounts.get(account_id)
        assert deleted is not None
        uow.commit()
    return deleted


def reveal_account_value(
    account_id: int,
    field: str,
    reason: str,
    operator: Operator,
    uow: UnitOfWork,
    keyring: Keyring,
    *,
    now: datetime,
) -> str:
    """The clear value of one identity field, for an operator with ``pii_reveal``."""
    require(operator, "pii_reveal")
    reason = _reason(reason)
    if field not in PII_FIELDS:
        raise SubmissionError(f"must be one of {', '.join(sorted(PII_FIELDS))}", field="field")
    with uow:
        account = require_account(uow, account_id, for_update=True)
        if account.status == "deleted":
            raise AccountStateError(f"account {account_id} was deleted; its identity is erased")
        if field not in account.identity:
            raise NotFoundError(f"{field} of account", str(account_id))
        value = open_account_identity(keyring, account, [field])[field]
        _reveal_record(uow, operator, Subject("account", str(account_id)), field, reason, now)
        uow.commit()
    return value


def reveal_principal_id_number(
    principal_id: int,
    reason: str,
    operator: Operator,
    uow: UnitOfWork,
    keyring: Keyring,
    *,
    now: datetime,
) -> str:
    """The clear identity number of an individual principal (issue 4's registry)."""
    require(operator, "pii_reveal")
    reason = _reason(reason)
    with uow:
        principal = uow.principals.get(principal_id)
        if principal is None:
            raise NotFoundError("principal", str(principal_id))
        if principal.id_number is None:
            raise NotFoundError("identity number of principal", str(principal_id))
        value = unseal(keyring, "id_number", principal.id_number)
        _reveal_record(
            uow, operator, Subject("principal", str(principal_id)), "id_number", reason, now
        )
        uow.commit()
    return value


def _reveal_record(
    uow: UnitOfWork, operator: Operator, subject: Subject, field: str, reason: str, now: datetime
) -> None:
    audit.append(
        uow,
        actor=operator.actor,
        action="pii.reveal",
        subject=subject,
        payload={"field": field, "reason": reason, "roles": list(operator.roles)},
        at=now,
    )


def _reason(reason: object) -> str:
    if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON:
        raise SubmissionError(
            f"say why, in at least {MIN_REASON} characters (it goes into the audit log)",
            field="reason",
        )
    text = reason.strip()
    if len(text) > MAX_REASON or not text.isprintable():
        raise SubmissionError(f"must be at most {MAX_REASON} printable characters", field="reason")
    if _NUMBER.search(text):
        raise SubmissionError(
            "must not hold an identity number (the audit log keeps no clear PII); refer to the "
            "account or the case instead",
            field="reason",
        )
    return text
