"""Penalties that lift themselves: `lift_expired` lifts every penalty past its end, and every
blacklist whose end has come, in one transaction.

An app gets back the status its penalty recorded as the one to give back, unless a decision
or another penalty still in force moved it since (`shenhe.domain.sanctions.status_after_lift`);
every lift leaves an audit record, and the search index of every app concerned is refreshed
(a lifted restriction gives search visibility back). A lifted penalty is marked, so running
it again right after lifts nothing more. Call it from a job or ``shenhe apps lift-expired``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shenhe.domain.audit import SYSTEM_ACTOR, Subject, format_time, format_time_or_none
from shenhe.domain.registry import EnforcementRecord
from shenhe.domain.sanctions import status_after_lift
from shenhe.services import audit
from shenhe.services.search import refresh_search
from shenhe.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class LiftReport:
    """What `lift_expired` lifted."""

    lifted: tuple[int, ...] = ()
    """The ids of the penalties lifted."""
    restored: Mapping[str, str] = field(default_factory=dict)
    """appid → the status the app got back."""
    unblacklisted: tuple[int, ...] = ()
    """The principals whose blacklist ended."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "lifted": list(self.lifted),
            "restored": dict(self.restored),
            "unblacklisted": list(self.unblacklisted),
        }


def lift_expired(uow: UnitOfWork, *, now: datetime) -> LiftReport:
    """Lift every penalty past its end and every blacklist whose end has come, in one
    transaction; a second run right after lifts nothing."""
    lifted: list[int] = []
    restored: dict[str, str] = {}
    touched: list[str] = []
    with uow:
        for record in uow.enforcement.due(now):
            if not uow.enforcement.mark_lifted(record.id, at=now):
                continue
            lifted.append(record.id)
            before = after = None
            if record.appid is not None:
                touched.append(record.appid)
                app = uow.apps.get(record.appid, for_update=True)
                assert app is not None  # a foreign key
                before = after = app.status
                others = [
                    other.sets
                    for other in uow.enforcement.in_force(record.appid, now)
                    if other.id != record.id and other.sets is not None
                ]
                back = status_after_lift(
                    app.status, sets=record.sets, restores=record.restores, others_in_force=others
                )
                if back is not None and back is not app.status:
                    uow.apps.set_status(record.appid, back, at=now)
                    after = restored[record.appid] = back
            audit.append(
                uow,
                actor=SYSTEM_ACTOR,
                action="enforcement.lift",
                subject=_subject(record),
                payload={
                    "action_id": record.id,
                    "rung": record.rung.value,
                    "step": record.step,
                    "expires_at": None
                    if record.expires_at is None
                    else format_time(record.expires_at),
                    "status_before": None if before is None else before.value,
                    "status": None if after is None else after.value,
                },
                at=now,
            )
        unblacklisted = []
        for principal in uow.principals.blacklist_due(now):
            uow.principals.set_blacklist(principal.id, blacklisted=False, until=None, at=now)
            unblacklisted.append(principal.id)
            audit.append(
                uow,
                actor=SYSTEM_ACTOR,
                action="principal.unblacklist",
                subject=Subject("principal", str(principal.id)),
                payload={"until": format_time_or_none(principal.blacklisted_until)},
                at=now,
            )
        refresh_search(uow, touched, now=now)  # a lifted restriction may give search back
        uow.commit()
    return LiftReport(tuple(lifted), restored, tuple(unblacklisted))


def _subject(record: EnforcementRecord) -> Subject:
    if record.appid is None:
        return Subject("principal", str(record.principal_id))
    return Subject("app", record.appid)
