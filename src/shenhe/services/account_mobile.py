"""Mobile ownership: send a one-time code by SMS, confirm it.

`send_mobile_code` opens the account's mobile number (its data key, unwrapped with the
keyring), makes a code (`shenhe.domain.otp`), stores only its HMAC with the moment it expires,
and hands the text to the `SmsGateway`; asked again before `OtpRules.resend_after` it raises
`ThrottledError`. `confirm_mobile` checks a typed code against the latest one: a wrong code
counts an attempt (committed, so guessing is limited even though the call fails), and the
right one marks the mobile number confirmed with an ``account.mobile_verified`` audit record.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Protocol

from shenhe.domain.accounts import Account
from shenhe.domain.audit import Subject
from shenhe.domain.identity import MobileNumber
from shenhe.domain.otp import DAY, OtpPurpose, check, code_hash, new_code, resend_wait
from shenhe.domain.pii import Keyring
from shenhe.services import audit
from shenhe.services.account_errors import OtpError, ThrottledError
from shenhe.services.accounts import (
    DEFAULT_POLICY,
    GONE,
    AccountPolicy,
    open_account_identity,
    require_account,
)
from shenhe.services.unit_of_work import UnitOfWork

PURPOSE: OtpPurpose = "mobile"
MESSAGE = "【审核】您的验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。"


class SmsGateway(Protocol):
    """Sends a text message to a mainland mobile number (raises `ServiceError` on failure)."""

    def send(self, mobile: MobileNumber, text: str) -> None: ...


def send_mobile_code(
    account_id: int,
    uow: UnitOfWork,
    keyring: Keyring,
    gateway: SmsGateway,
    *,
    now: datetime,
    policy: AccountPolicy = DEFAULT_POLICY,
) -> datetime:
    """Send a new code to the account's mobile number; when it expires."""
    rules = policy.otp
    with uow:
        account = require_account(uow, account_id, for_update=True, refuse=GONE)
        today = uow.otp.sent_since(account_id, PURPOSE, now - DAY)
        wait = resend_wait(uow.otp.latest(account_id, PURPOSE), now, rules, today)
        if wait:
            seconds = math.ceil(wait.total_seconds())
            raise ThrottledError(
                f"a code was sent moments ago, or too many today; ask for a new one in {seconds} s",
                retry_after=seconds,
            )
        mobile = open_account_identity(keyring, account, ["mobile"], check_index=False)
        code = new_code()
        expires = now + rules.ttl
        uow.otp.add(
            account_id=account_id,
            purpose=PURPOSE,
            code_hash=code_hash(keyring.current, account_id, PURPOSE, code),
            sent_at=now,
            expires_at=expires,
        )
        minutes = max(1, int(rules.ttl.total_seconds() // 60))
        gateway.send(MobileNumber(mobile["mobile"]), MESSAGE.format(code=code, minutes=minutes))
        uow.commit()
    return expires


def confirm_mobile(
    account_id: int,
    code: str,
    uow: UnitOfWork,
    keyring: Keyring,
    *,
    now: datetime,
    policy: AccountPolicy = DEFAULT_POLICY,
    actor: str = "account",
) -> Account:
    """Confirm the mobile number with the code sent; the account after."""
    rules = policy.otp
    with uow:
        require_account(uow, account_id, for_update=True, refuse=GONE)
        stored = uow.otp.latest(account_id, PURPOSE)
        outcome = check(stored, keyring.current, code, now, rules)
        if outcome == "wrong":
            assert stored is not None
            uow.otp.record_attempt(stored.id)
            uow.commit()
            left = rules.max_attempts - stored.attempts - 1
            raise OtpError(
                f"the code is wrong; {left} attempt{'s' if left != 1 else ''} left"
                if left > 0
                else "the code is wrong and now spent; ask for a new one",
                code="wrong",
            )
        if outcome != "ok":
            raise OtpError(_MESSAGES[outcome], code=outcome)
        assert stored is not None
        uow.otp.consume(stored.id, at=now)
        uow.accounts.set_mobile_verified(account_id, at=now)
        audit.append(
            uow,
            actor=actor,
            action="account.mobile_verified",
            subject=Subject("account", str(account_id)),
            payload={},
            at=now,
        )
        account = uow.accounts.get(account_id)
        assert account is not None
        uow.commit()
    return account


_MESSAGES = {
    "none": "no code was sent to this account; ask for one first",
    "expired": "the code has expired; ask for a new one",
    "spent": "the code was used or tried too often; ask for a new one",
}
