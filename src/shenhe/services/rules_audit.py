"""Changes of the rules in the audit log: the lexicon, the policy, the category catalogue and
the penalty ladder that decisions are made with.

`record_rules` appends a ``rules.change`` record (subject ``rules/screening``) when the
versions in use differ from those of the newest such record, and nothing otherwise, so it can
be called often: a sweep calls it when it starts, and the scheduler of ``shenhe serve``
(`shenhe.jobs.expiry`) every round, which records a lexicon or policy that ``--watch``
reloaded. Every decision and penalty carries its own versions besides.
"""

from __future__ import annotations

from datetime import datetime

from shenhe.domain.audit import Subject
from shenhe.services import audit
from shenhe.services.rules import Rules
from shenhe.services.unit_of_work import UnitOfWork

SUBJECT = Subject("rules", "screening")
ACTION = "rules.change"


def versions_of(rules: Rules) -> dict[str, str]:
    return {
        "lexicon_version": rules.screener.lexicon.version,
        "policy_version": rules.screener.policy.version,
        "catalogue_version": rules.catalogue.version,
        "ladder_version": rules.ladder.version,
    }


def record_rules(uow: UnitOfWork, rules: Rules, *, actor: str, now: datetime) -> bool:
    """In the open transaction of `uow`: audit the rules in use if they changed since the
    last record (or none was made); whether a record was appended."""
    current = versions_of(rules)
    last = uow.audit.latest(SUBJECT.type, SUBJECT.id)
    previous = None if last is None else {key: last.payload.get(key) for key in current}
    if previous == current:
        return False
    audit.append(
        uow,
        actor=actor,
        action=ACTION,
        subject=SUBJECT,
        payload={**current, "previous": previous},
        at=now,
    )
    return True
