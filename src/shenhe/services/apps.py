"""App use cases: submit a new app, change an existing one, each decided in one transaction.

A submission or a change is screened and gated by `shenhe.domain.review.review_submission`,
with the signals only storage can give: whether the principal is blacklisted (by credit code
or the blind index of an identity number: the principal is the registry's), whether the app
copies a banned one (`BannedClones`), and whether its name imitates a protected brand. Then,
in the same transaction:

1. the app (its latest content, status from `status_after`, version number) and the version;
2. the decision, with its reasons, evidence, policy and lexicon versions and actor;
3. the audit record of the decision (its payload pins the evidence by its SHA-256);
4. for a rejection for misconduct (`shenhe.domain.sanctions.penalty_worthy`), the penalty
   (`shenhe.services.enforcement.enforce_decision`): action, strike, status, blacklist;
5. the search index of every app whose listing moved (`refresh_search`).

A crash anywhere leaves the old state or the new one. `submit` and `change` are the steps,
for use cases that compose them (the import); `submit_app` and `change_app` are use cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shenhe.domain.apps import AppContent, AppStatus, Decision, Submission
from shenhe.domain.audit import SYSTEM_ACTOR, Subject, chain_hash
from shenhe.domain.principals import Principal
from shenhe.domain.registry import (
    App,
    DecisionKind,
    DecisionRecord,
    EnforcementRecord,
    content_dict,
    registry_date,
)
from shenhe.domain.review import review_submission, status_after
from shenhe.domain.sanctions import penalty_worthy
from shenhe.domain.signals import BrandSignal, ReviewSignals
from shenhe.services import audit
from shenhe.services.enforcement import enforce_decision, refresh_moved
from shenhe.services.errors import ConflictError, NotFoundError
from shenhe.services.rules import Rules
from shenhe.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class SubmitApp:
    """A new app of principal `principal_id`."""

    appid: str
    principal_id: int
    name: str
    category: str
    description: str = ""
    pages: Sequence[str] = ()
    actor: str = SYSTEM_ACTOR
    """Who submitted it (stored with the version); the review itself is the system's."""


@dataclass(frozen=True, slots=True)
class ChangeApp:
    """A change to app `appid`: the fields given replace the current ones, None keeps them."""

    appid: str
    name: str | None = None
    description: str | None = None
    category: str | None = None
    pages: Sequence[str] | None = None
    actor: str = SYSTEM_ACTOR
    principal_id: int | None = None
    """When given, the principal the change claims to come from: it must be the app's."""


@dataclass(frozen=True, slots=True)
class Decided:
    """What a submission or a change came to: the app after it, the decision, the penalties."""

    app: App
    decision: DecisionRecord
    enforcement: tuple[EnforcementRecord, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "appid": self.app.appid,
            "status": self.app.status.value,
            "outcome": self.decision.outcome,
            "reasons": list(self.decision.reasons),
            "app": self.app.to_dict(),
            "decision": self.decision.to_dict(),
            "enforcement": [record.to_dict() for record in self.enforcement],
        }


def submit_app(command: SubmitApp, uow: UnitOfWork, rules: Rules, *, now: datetime) -> Decided:
    """Decide a new app and store it, its decision and any penalty, in one transaction."""
    with uow:
        result = submit(uow, command, rules, now=now)
        uow.commit()
    return result


def change_app(command: ChangeApp, uow: UnitOfWork, rules: Rules, *, now: datetime) -> Decided:
    """Decide a change to an app and store it, its decision and any penalty, in one
    transaction."""
    with uow:
        result = change(uow, command, rules, now=now)
        uow.commit()
    return result


def submit(uow: UnitOfWork, command: SubmitApp, rules: Rules, *, now: datetime) -> Decided:
    """The step of `submit_app`, inside the open transaction of `uow`."""
    content = AppContent(command.name, command.description, tuple(command.pages), command.category)
    principal = _principal(uow, command.principal_id)
    submission = Submission(command.appid, content, principal.ref, principal.qualifications)
    if uow.apps.get(submission.appid) is not None:
        raise ConflictError(
            f"the appid {command.appid!r} is taken; submit a change to it instead, "
            "or choose another appid"
        )
    decision = _review(uow, rules, submission, principal, previous=None, now=now)
    app = uow.apps.add(
        appid=command.appid,
        principal_id=principal.id,
        content=content,
        status=status_after(decision, None),
        at=now,
    )
    uow.apps.add_version(app, actor=command.actor, at=now)
    return _record(uow, rules, app, principal, decision, before=None, actor=command.actor, now=now)


def change(uow: UnitOfWork, command: ChangeApp, rules: Rules, *, now: datetime) -> Decided:
    """The step of `change_app`, inside the open transaction of `uow`."""
    app = uow.apps.get(command.appid, for_update=True)
    if app is None:
        raise NotFoundError("app", command.appid)
    if command.principal_id is not None and command.principal_id != app.principal_id:
        raise ConflictError(
            f"the app {command.appid!r} belongs to another principal; a change must come "
            "from the app's own principal"
        )
    previous = app.content
    content = AppContent(
        previous.name if command.name is None else command.name,
        previous.description if command.description is None else command.description,
        previous.pages if command.pages is None else tuple(command.pages),
        previous.category if command.category is None else command.category,
    )
    principal = _principal(uow, app.principal_id)
    submission = Submission.change(
        app.appid, content, previous, principal.ref, principal.qualifications
    )
    decision = _review(uow, rules, submission, principal, previous=app, now=now)
    changed = replace(
        app,
        content=content,
        status=status_after(decision, app.status),
        version=app.version + 1,
        updated_at=now,
    )
    uow.apps.update(changed)
    uow.apps.add_version(changed, actor=command.actor, at=now)
    return _record(
        uow, rules, changed, principal, decision, before=app.status, actor=command.actor, now=now
    )


def review_signals(
    uow: UnitOfWork,
    rules: Rules,
    appid: str,
    content: AppContent,
    principal: Principal,
    now: datetime,
) -> ReviewSignals:
    """The facts about a submission that only the registry knows (see `ReviewSignals`)."""
    brand = None
    if rules.brands is not None:
        match = rules.brands.match(content.name, owner=principal.name)
        if match is not None:
            brand = BrandSignal(match.brand, round(min(max(match.score, 0.0), 1.0), 4))
    return ReviewSignals(
        principal_blacklisted=principal.blacklisted_at(now),
        clone_of_banned=rules.clones.signal(uow, appid, content),
        brand_imitation=brand,
    )


def _review(
    uow: UnitOfWork,
    rules: Rules,
    submission: Submission,
    principal: Principal,
    *,
    previous: App | None,
    now: datetime,
) -> Decision:
    return review_submission(
        submission,
        rules.screener,
        rules.catalogue,
        today=registry_date(now),
        previous=None if previous is None else previous.content,
        previous_status=None if previous is None else previous.status,
        signals=review_signals(uow, rules, submission.appid, submission.content, principal, now),
    )


def _record(
    uow: UnitOfWork,
    rules: Rules,
    app: App,
    principal: Principal,
    decision: Decision,
    *,
    before: AppStatus | None,
    actor: str,
    now: datetime,
) -> Decided:
    """Store the decision on `app` (already stored with its new version and status), audit it,
    apply the penalty it calls for, and refresh the search index."""
    record = record_decision(
        uow,
        app,
        principal,
        decision,
        kind="submission" if decision.kind == "new" else "change",
        details={
            "changes": sorted(decision.changes),
            "submitted_by": actor,
            "status_before": None if before is None else before.value,
            "status": app.status.value,
        },
        now=now,
    )
    penalties: list[EnforcementRecord] = []
    if penalty_worthy(decision, rules.catalogue):
        penalties = enforce_decision(
            uow, rules, app, principal, decision, record, before=app.status, now=now
        )
    refresh_moved(uow, app, penalties, now=now)
    final = uow.apps.get(app.appid)
    assert final is not None  # stored above, in this transaction
    return Decided(final, record, tuple(penalties))


def record_decision(
    uow: UnitOfWork,
    app: App,
    principal: Principal,
    decision: Decision,
    *,
    kind: DecisionKind,
    details: dict[str, Any],
    now: datetime,
) -> DecisionRecord:
    """Store `decision` on `app` and its audit record; `details` join the record's payload.

    The audit payload carries hashes of the content and the evidence, not the text itself.
    """
    evidence = {key: dict(value) for key, value in decision.evidence.items()}
    record = uow.decisions.add(
        app,
        kind=kind,
        outcome=decision.outcome,
        reasons=decision.reasons,
        evidence=dict(evidence),
        actor=SYSTEM_ACTOR,
        policy_version=decision.policy_version,
        lexicon_version=decision.lexicon_version,
        at=now,
    )
    audit.append(
        uow,
        actor=SYSTEM_ACTOR,
        action="app.decision",
        subject=Subject("app", app.appid),
        payload={
            "decision_id": record.id,
            "kind": record.kind,
            "version": app.version,
            "principal_id": principal.id,
            "category": decision.category,
            "outcome": decision.outcome,
            "reasons": list(decision.reasons),
            "policy_version": decision.policy_version,
            "lexicon_version": decision.lexicon_version,
            "catalogue_version": decision.catalogue_version,
            "content_sha256": chain_hash(content_dict(app.content)),
            "evidence_sha256": chain_hash(evidence),
            **details,
        },
        at=now,
    )
    return record


def _principal(uow: UnitOfWork, principal_id: int) -> Principal:
    principal = uow.principals.get(principal_id)
    if principal is None:
        raise NotFoundError("principal", str(principal_id))
    return principal
