"""Enforcement use cases: penalties after a decision, by a moderator, and their expiry.

A penalty climbs the ladder (`shenhe.domain.penalties.choose_penalty`) with the principal's
strikes still counting; illegal lending, pornography and mass diversion go straight to the
top, a permanent ban and a blacklist. Applying one, in the caller's transaction:

- records the action: rung, step, features, reasons, evidence, actor, time, expiry, the
  policy, lexicon and ladder versions, the status it sets and the one it gives back
  (`shenhe.domain.sanctions`);
- leaves a strike against the principal, counting for the ladder's ``strike_days``;
- moves the app (a penalty never makes an app more visible than it was);
- for a blacklist: flags the principal, and bans every other app of theirs, so that no app
  of a blacklisted principal stays listed (new ones are rejected by the review);
- appends an audit record for each of these.

Penalties that run out are lifted by `shenhe.services.expiry.lift_expired`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shenhe.domain import reasons as reason_codes
from shenhe.domain.apps import AppStatus, Decision
from shenhe.domain.audit import SYSTEM_ACTOR, Subject, format_time_or_none
from shenhe.domain.errors import EnforcementError
from shenhe.domain.ladder import Rung
from shenhe.domain.penalties import (
    Penalty,
    Strike,
    Violation,
    choose_penalty,
    lifts_at,
    penalty_at,
)
from shenhe.domain.principals import Principal
from shenhe.domain.registry import App, DecisionRecord, EnforcementRecord
from shenhe.domain.sanctions import base_status, status_during
from shenhe.services import audit
from shenhe.services.errors import NotFoundError
from shenhe.services.rules import Rules
from shenhe.services.search import refresh_search
from shenhe.services.unit_of_work import UnitOfWork

MAX_NOTE = 2000
"""The longest note a moderator may give with a penalty."""


@dataclass(frozen=True, slots=True)
class EnforceApp:
    """A moderator's penalty on app `appid`.

    `reasons` are reason codes (`shenhe.domain.reasons`); `severity` defaults to the app
    category's; `step` names a ladder step to apply as it is, else the ladder picks one from
    the severity and the principal's strikes.
    """

    appid: str
    actor: str
    reasons: Sequence[str]
    severity: int | None = None
    step: str | None = None
    note: str = ""


def enforce_decision(
    uow: UnitOfWork,
    rules: Rules,
    app: App,
    principal: Principal,
    decision: Decision,
    record: DecisionRecord,
    *,
    before: AppStatus,
    now: datetime,
) -> list[EnforcementRecord]:
    """Apply the penalty a rejection calls for, inside the open transaction of `uow`; the
    actions recorded (the app's first, then any other app banned by a blacklist)."""
    violation = Violation.from_decision(decision, rules.catalogue)
    return _apply(
        uow,
        rules,
        app,
        principal,
        violation,
        choose_penalty(violation, _strikes(uow, principal), now, rules.ladder),
        before=before,
        actor=SYSTEM_ACTOR,
        decision_id=record.id,
        evidence={"verdicts": {key: dict(value) for key, value in decision.evidence.items()}},
        versions=(decision.policy_version, decision.lexicon_version),
        now=now,
    )


def refresh_moved(
    uow: UnitOfWork, app: App, penalties: Iterable[EnforcementRecord], *, now: datetime
) -> list[str]:
    """Refresh the search index of `app` and of every app `penalties` moved, in the open
    transaction of `uow`; their appids, `app`'s first."""
    moved = _appids(penalties, app.appid)
    refresh_search(uow, moved, now=now)
    return moved


def enforce_app(
    command: EnforceApp, uow: UnitOfWork, rules: Rules, *, now: datetime
) -> list[EnforcementRecord]:
    """A moderator's penalty, in a transaction of its own; the actions recorded."""
    actor = command.actor.strip() if isinstance(command.actor, str) else ""
    if not actor or actor == SYSTEM_ACTOR:
        raise EnforcementError(
            f"name the moderator who decides (not {SYSTEM_ACTOR!r})", field="actor"
        )
    codes = tuple(command.reasons)
    for index, code in enumerate(codes):
        if not isinstance(code, str) or not reason_codes.is_known(code):
            raise EnforcementError(
                "is not a reason code; use one such as content.loan or principal.blacklisted",
                field=f"reasons.{index}",
            )
    if not isinstance(command.note, str) or len(command.note) > MAX_NOTE:
        raise EnforcementError(f"must be text of at most {MAX_NOTE} characters", field="note")
    with uow:
        app = uow.apps.get(command.appid, for_update=True)
        if app is None:
            raise NotFoundError("app", command.appid)
        principal = uow.principals.get(app.principal_id)
        assert principal is not None  # a foreign key
        severity = command.severity
        if severity is None:
            severity = rules.catalogue.category(app.content.category).severity
        violation = Violation(codes, severity)
        if command.step is None:
            penalty = choose_penalty(violation, _strikes(uow, principal), now, rules.ladder)
        else:
            penalty = penalty_at(rules.ladder, command.step, violation)
        records = _apply(
            uow,
            rules,
            app,
            principal,
            violation,
            penalty,
            before=app.status,
            actor=actor,
            decision_id=None,
            evidence={"note": command.note} if command.note else {},
            versions=(rules.screener.policy.version, rules.screener.lexicon.version),
            now=now,
        )
        refresh_search(uow, _appids(records), now=now)
        uow.commit()
    return records


def _apply(
    uow: UnitOfWork,
    rules: Rules,
    app: App,
    principal: Principal,
    violation: Violation,
    penalty: Penalty,
    *,
    before: AppStatus,
    actor: str,
    decision_id: int | None,
    evidence: Mapping[str, Any],
    versions: tuple[str, str],
    now: datetime,
) -> list[EnforcementRecord]:
    in_force = uow.enforcement.in_force(app.appid, now)
    sets = status_during(before, penalty.status)
    record = uow.enforcement.add(
        EnforcementRecord(
            id=0,
            appid=app.appid,
            principal_id=principal.id,
            decision_id=decision_id,
            rung=penalty.rung,
            step=penalty.step,
            reasons=penalty.reasons,
            actor=actor,
            policy_version=versions[0],
            lexicon_version=versions[1],
            ladder_version=penalty.ladder_version,
            created_at=now,
            expires_at=lifts_at(penalty, now),
            features=penalty.features,
            sets=sets,
            restores=base_status(before, ((r.sets, r.restores) for r in in_force)),
            evidence={
                **evidence,
                "violation": {"reasons": list(violation.reasons), "severity": violation.severity},
                "penalty": penalty.to_dict(),
            },
        ),
        app_id=app.id,
    )
    uow.enforcement.add_strike(
        Strike.of(violation, now, rules.ladder),
        principal_id=principal.id,
        app_id=app.id,
        action_id=record.id,
    )
    if sets is not app.status:
        uow.apps.set_status(app.appid, sets, at=now)
    _audit_action(uow, record, before=before, now=now)
    records = [record]
    if penalty.blacklist_principal and not principal.blacklisted_at(now):
        records += _blacklist(uow, principal, record, now=now)
    return records


def _blacklist(
    uow: UnitOfWork, principal: Principal, cause: EnforcementRecord, *, now: datetime
) -> list[EnforcementRecord]:
    """Blacklist the principal for good and ban their other apps; the bans recorded."""
    uow.principals.set_blacklist(principal.id, blacklisted=True, until=None, at=now)
    audit.append(
        uow,
        actor=cause.actor,
        action="principal.blacklist",
        subject=Subject("principal", str(principal.id)),
        payload={
            "action_id": cause.id,
            "appid": cause.appid,
            "reasons": list(cause.reasons),
            "until": None,
        },
        at=now,
    )
    bans = []
    for other in uow.apps.of_principal(principal.id):
        if other.appid == cause.appid or other.status is AppStatus.BANNED:
            continue
        ban = uow.enforcement.add(
            EnforcementRecord(
                id=0,
                appid=other.appid,
                principal_id=principal.id,
                decision_id=None,
                rung=Rung.BAN,
                step=cause.step,
                reasons=(reason_codes.PRINCIPAL_BLACKLISTED,),
                actor=cause.actor,
                policy_version=cause.policy_version,
                lexicon_version=cause.lexicon_version,
                ladder_version=cause.ladder_version,
                created_at=now,
                sets=AppStatus.BANNED,
                restores=other.status,
                evidence={"blacklisted_by": {"action_id": cause.id, "appid": cause.appid}},
            ),
            app_id=other.id,
        )
        uow.apps.set_status(other.appid, AppStatus.BANNED, at=now)
        _audit_action(uow, ban, before=other.status, now=now)
        bans.append(ban)
    return bans


def _audit_action(
    uow: UnitOfWork, record: EnforcementRecord, *, before: AppStatus, now: datetime
) -> None:
    penalty = dict(record.evidence.get("penalty") or {})
    audit.append(
        uow,
        actor=record.actor,
        action="enforcement.apply",
        subject=_subject(record),
        payload={
            "action_id": record.id,
            "principal_id": record.principal_id,
            "decision_id": record.decision_id,
            "rung": record.rung.value,
            "step": record.step,
            "level": penalty.get("level"),
            "zero_tolerance": penalty.get("zero_tolerance"),
            "features": sorted(record.features),
            "reasons": list(record.reasons),
            "status_before": before.value,
            "status": None if record.sets is None else record.sets.value,
            "restores": None if record.restores is None else record.restores.value,
            "expires_at": format_time_or_none(record.expires_at),
            "policy_version": record.policy_version,
            "lexicon_version": record.lexicon_version,
            "ladder_version": record.ladder_version,
        },
        at=now,
    )


def _strikes(uow: UnitOfWork, principal: Principal) -> list[Strike]:
    return uow.enforcement.strikes(principal.id)


def _subject(record: EnforcementRecord) -> Subject:
    if record.appid is None:
        return Subject("principal", str(record.principal_id))
    return Subject("app", record.appid)


def _appids(records: Iterable[EnforcementRecord], *first: str) -> list[str]:
    return list(dict.fromkeys([*first, *(r.appid for r in records if r.appid is not None)]))

