"""Credit use cases: an account's standing now, and a violation that lowers it.

`violation` is a step of other use cases (a refused post, a content removal, an upheld
complaint): it stores the event and its audit record (``credit.violation``) in the caller's
transaction. The score itself is computed, never stored (`shenhe.domain.credit`).
"""

from __future__ import annotations

from datetime import datetime

from shenhe.domain.audit import SYSTEM_ACTOR, Subject
from shenhe.domain.credit import CreditEvent, CreditRules, Standing
from shenhe.services import audit
from shenhe.services.unit_of_work import UnitOfWork


def standing_of(uow: UnitOfWork, rules: CreditRules, account_id: int, now: datetime) -> Standing:
    """Step: the account's score and tier at `now` (in the open unit)."""
    return rules.standing(uow.credit.events(account_id), now)


def credit_standing(
    uow: UnitOfWork, rules: CreditRules, account_id: int, *, now: datetime
) -> tuple[Standing, list[CreditEvent]]:
    """The account's standing and its violations, oldest first."""
    with uow:
        events = uow.credit.events(account_id)
    return rules.standing(events, now), events


def violation(
    uow: UnitOfWork,
    rules: CreditRules,
    account_id: int,
    kind: str,
    *,
    subject: str,
    now: datetime,
    actor: str = SYSTEM_ACTOR,
) -> CreditEvent:
    """Step: record a violation of `kind` against the account (not committed)."""
    event = rules.violation(kind, at=now, subject=subject)
    uow.credit.add(account_id, event)
    after = standing_of(uow, rules, account_id, now)
    audit.append(
        uow,
        actor=actor,
        action="credit.violation",
        subject=Subject("account", str(account_id)),
        payload={
            "kind": kind,
            "points": event.points,
            "about": subject,
            "score": after.score,
            "tier": after.tier.name,
            "rules_version": rules.version,
        },
        at=now,
    )
    return event
