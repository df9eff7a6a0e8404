"""One-time codes that prove a mobile number belongs to an account holder.

A code is six random digits, sent by SMS and stored only as an HMAC (keyed by the keyring's
index key, over the account, the purpose and the code), so a copy of the database gives no
code away and six digits cannot be tried offline. A code expires (`OtpRules.ttl`), allows
a few wrong attempts (`max_attempts`) before it is spent, and a new one cannot be sent until
`resend_after` has passed since the last one. The checks are pure: times come in as
arguments; the service stores what they decide.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from shenhe.domain.pii import NonceSource, PiiKeys, blind_index

CODE_DIGITS = 6
OTP_FIELD = "otp"
OtpPurpose = Literal["mobile"]


@dataclass(frozen=True, slots=True)
class OtpRules:
    """How long a code lives, how many wrong tries it takes, how soon a new one may be sent."""

    ttl: timedelta = timedelta(minutes=5)
    max_attempts: int = 5
    resend_after: timedelta = timedelta(seconds=60)
    max_per_day: int = 10
    """Most codes sent to one account in 24 hours (no SMS bombing through the resend)."""


@dataclass(frozen=True, slots=True)
class OtpCode:
    """A code as stored: its hash, when it was sent and expires, the wrong tries so far."""

    id: int
    account_id: int
    purpose: OtpPurpose
    code_hash: str
    sent_at: datetime
    expires_at: datetime
    attempts: int
    consumed_at: datetime | None = None


CheckOutcome = Literal["ok", "wrong", "expired", "spent", "none"]


def new_code(random: NonceSource = os.urandom) -> str:
    """Six uniformly random digits."""
    limit = 10**CODE_DIGITS
    while True:  # rejection sampling: no modulo bias
        number = int.from_bytes(random(4), "big")
        if number < (2**32 // limit) * limit:
            return str(number % limit).zfill(CODE_DIGITS)


def code_hash(keys: PiiKeys, account_id: int, purpose: str, code: str) -> str:
    """The HMAC a code is stored as."""
    return blind_index(keys, OTP_FIELD, f"{account_id}:{purpose}:{code}")


def check(
    stored: OtpCode | None, keys: PiiKeys, code: str, now: datetime, rules: OtpRules
) -> CheckOutcome:
    """What a code typed at `now` is worth against the latest code stored."""
    if stored is None:
        return "none"
    if stored.consumed_at is not None or stored.attempts >= rules.max_attempts:
        return "spent"
    if now >= stored.expires_at:
        return "expired"
    typed = code_hash(keys, stored.account_id, stored.purpose, code.strip())
    return "ok" if hmac.compare_digest(typed, stored.code_hash) else "wrong"


DAY = timedelta(days=1)


def resend_wait(
    last: OtpCode | None, now: datetime, rules: OtpRules, sent_today: Sequence[datetime] = ()
) -> timedelta:
    """How long until a new code may be sent (zero when it may be now), given the last code
    and the moments codes were sent in the 24 hours before `now`."""
    wait = timedelta(0)
    if last is not None:
        wait = max(wait, last.sent_at + rules.resend_after - now)
    if len(sent_today) >= rules.max_per_day:
        oldest = sorted(sent_today)[len(sent_today) - rules.max_per_day]
        wait = max(wait, oldest + DAY - now)
    return wait
