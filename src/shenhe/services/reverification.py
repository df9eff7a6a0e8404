"""Periodic re-verification (定期核验): verify accounts' identities again on the operator's
schedule.

A verification holds `AccountPolicy.reverify_after` (``SHENHE_ACCOUNT_REVERIFY_DAYS``); from
then on `publishing_rights` answers ``identity_lapsed`` until the account passes again. An
account that fails is marked ``failed`` (it may not publish: ``identity_failed``) and is due
again after `AccountPolicy.retry_after`. A verifier that cannot answer changes nothing: the
account stays due, and lapsed, and the next run tries it again.

`reverify_account` does one account (an operator's request); `reverify_due` the accounts due
now, oldest first, up to `limit` — the scheduled job (`shenhe.jobs.reverify`,
``shenhe accounts reverify --due``). Each account is its own transactions: its identity is
opened in one, the verifier called outside any (no lock held while a remote service
answers), the outcome and its ``account.reverify`` audit record written in another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shenhe.domain.accounts import Account
from shenhe.domain.audit import SYSTEM_ACTOR, Subject, format_time
from shenhe.domain.pii import Keyring
from shenhe.services import audit
from shenhe.services.account_errors import AccountStateError, VerifierUnavailableError
from shenhe.services.accounts import (
    DEFAULT_POLICY,
    GONE,
    AccountPolicy,
    open_account_identity,
    require_account,
)
from shenhe.services.errors import NotFoundError
from shenhe.services.unit_of_work import UnitOfWork
from shenhe.services.verification import IdentityClaim, IdentityVerifier, VerificationResult

DEFAULT_LIMIT = 1000


@dataclass(slots=True)
class ReverifyReport:
    """What a run of `reverify_due` did."""

    checked: int = 0
    passed: int = 0
    failed: int = 0
    unavailable: int = 0
    failed_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "passed": self.passed,
            "failed": self.failed,
            "unavailable": self.unavailable,
            "failed_ids": list(self.failed_ids),
        }


def reverify_account(
    account_id: int,
    uow: UnitOfWork,
    keyring: Keyring,
    verifier: IdentityVerifier,
    *,
    now: datetime,
    policy: AccountPolicy = DEFAULT_POLICY,
    actor: str = SYSTEM_ACTOR,
) -> Account:
    """Verify one account's identity again; the account after (`VerifierUnavailableError`
    when the verifier cannot answer, and then nothing changes)."""
    with uow:
        account = require_account(uow, account_id, refuse=GONE)
        values = open_account_identity(keyring, account)
    result = verifier.verify(IdentityClaim.of(account.kind, values, now))
    return _record(uow, account, result, now=now, policy=policy, actor=actor)


def reverify_due(
    uow: UnitOfWork,
    keyring: Keyring,
    verifier: IdentityVerifier,
    *,
    now: datetime,
    policy: AccountPolicy = DEFAULT_POLICY,
    limit: int = DEFAULT_LIMIT,
) -> ReverifyReport:
    """Verify again the accounts due at `now` (at most `limit`, the longest due first)."""
    with uow:
        due = uow.accounts.due(now, limit=limit)
    report = ReverifyReport()
    for account_id in due:
        report.checked += 1
        try:
            account = reverify_account(account_id, uow, keyring, verifier, now=now, policy=policy)
        except VerifierUnavailableError:
            report.unavailable += 1
            continue
        except (NotFoundError, AccountStateError):  # closed or deleted meanwhile
            continue
        if account.identity_status == "verified":
            report.passed += 1
        else:
            report.failed += 1
            report.failed_ids.append(account_id)
    return report


def _record(
    uow: UnitOfWork,
    account: Account,
    result: VerificationResult,
    *,
    now: datetime,
    policy: AccountPolicy,
    actor: str,
) -> Account:
    due = now + (policy.reverify_after if result.verified else policy.retry_after)
    with uow:
        current = uow.accounts.get(account.id, for_update=True)
        if current is None or current.status in ("closed", "deleted"):
            raise AccountStateError(f"account {account.id} was closed or deleted meanwhile")
        uow.accounts.set_identity_status(
            account.id,
            "verified" if result.verified else "failed",
            verified_at=now if result.verified else None,
            due_at=due,
            at=now,
        )
        audit.append(
            uow,
            actor=actor,
            action="account.reverify",
            subject=Subject("account", str(account.id)),
            payload={
                "verified": result.verified,
                "code": result.code,
                "verifier": result.verifier,
                "reference": result.reference,
                "due_at": format_time(due),
                "identity_ref": account.identity_ref,
            },
            at=now,
        )
        after = uow.accounts.get(account.id)
        assert after is not None
        uow.commit()
    return after
