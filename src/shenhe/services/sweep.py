"""The sweep: re-screen every live app with the lexicon and policy of the day, and punish what
has become a violation (``shenhe sweep``).

An app approved before a term entered the lexicon is re-decided here. Apps are read in id
order, `Sweep.batch_size` at a time, and screened surface by surface in one
`Screener.screen_batch` per surface. An app whose every surface passes is checked against the
clone prints of the banned apps (`shenhe.services.clones.SweepClones`: read once per sweep,
kept in step with the bans the sweep makes, one vectorised pass per batch), so a
near-duplicate of a banned app is caught by a sweep too; one that copies none is done. Each
app that does not pass, or copies a banned app, is re-decided with the review of a
submission (`shenhe.domain.review.review_submission`, its current content as a change against
itself, so nothing counts as drift) and, when that is a rejection for misconduct
(`penalty_worthy`), punished with the enforcement step of every decision
(`shenhe.services.enforcement.enforce_decision`). One transaction per such app holds the
decision (kind ``sweep``), its audit record, the penalty, the search refresh and the app's
``sweep_items`` row; one per batch holds the items of the apps that passed and the run's
cursor. So:

- idempotent: an app whose current version was already rejected with these policy and lexicon
  versions is left alone (a warned app stays swept, and is not warned again); a banned one is
  no longer swept at all;
- resumable: a run killed at any point is still ``running``; the next sweep with the same
  settings resumes it from its cursor and skips the apps that have an item, so nothing is
  decided or punished twice. A run left ``running`` under another lexicon or policy is never
  resumed: the next sweep closes it as ``failed`` (its summary says what it did and which run
  superseded it, and an audit record ``sweep.supersede`` says why) and screens everything
  again under the rules of the day;
- `Sweep.category` (a screening category such as ``loan``) limits the penalties to decisions
  that found content of that category;
- `Sweep.dry_run` does all of it in one transaction and rolls it back: it reports exactly
  what would happen and leaves no row behind (it holds the write locks while it runs, so run
  a dry sweep of a large registry off-peak).

The summary (`SweepSummary`) is counted from the rows the run left, over all its attempts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shenhe.domain import reasons
from shenhe.domain.apps import Submission
from shenhe.domain.audit import SYSTEM_ACTOR, Subject
from shenhe.domain.registry import registry_date
from shenhe.domain.review import review_submission
from shenhe.domain.sanctions import penalty_worthy
from shenhe.domain.sweeps import SWEPT_STATUSES, SweepRun, SweepSummary, SweptApp
from shenhe.errors import InputError
from shenhe.screening.screener import Screener
from shenhe.services import audit
from shenhe.services.apps import record_decision, review_signals
from shenhe.services.clones import SweepClones
from shenhe.services.enforcement import enforce_decision, refresh_moved
from shenhe.services.rules import Rules
from shenhe.services.rules_audit import record_rules
from shenhe.services.unit_of_work import UnitOfWork

DEFAULT_BATCH_SIZE = 500
"""Apps read and screened together."""


@dataclass(frozen=True, slots=True)
class Sweep:
    """A sweep: act only on content of `category` (None: every category); `dry_run` changes
    nothing."""

    category: str | None = None
    dry_run: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    actor: str = SYSTEM_ACTOR


class SweepProgress(Protocol):
    """Told how many apps there are to sweep, then how many are done after each commit."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


def sweep(
    command: Sweep,
    uow: UnitOfWork,
    rules: Rules,
    *,
    now: datetime,
    progress: SweepProgress | None = None,
) -> SweepSummary:
    """Run (or resume) a sweep; what it did, or with `dry_run` what it would do."""
    check_sweep(command, rules)
    category = command.category
    policy_version = rules.screener.policy.version
    lexicon_version = rules.screener.lexicon.version

    def start(dry_run: bool) -> SweepRun:
        return uow.sweeps.start(
            category=category,
            policy_version=policy_version,
            lexicon_version=lexicon_version,
            actor=command.actor,
            dry_run=dry_run,
            at=now,
        )

    if command.dry_run:
        with uow:
            run = start(True)
            _run(uow, rules, command, run, now=now, progress=progress, commit=False)
            summary = uow.sweeps.summary(run.id, dry_run=True)
            uow.rollback()
        return summary
    with uow:
        running = uow.sweeps.running()
        unfinished = _resumable(running, category, policy_version, lexicon_version)
        run = unfinished or start(False)
        _supersede_stale(uow, run, running, actor=command.actor, now=now)
        record_rules(uow, rules, actor=command.actor, now=now)
        uow.commit()
    _run(uow, rules, command, run, now=now, progress=progress, commit=True)
    with uow:
        summary = uow.sweeps.summary(run.id)
        uow.sweeps.finish(run.id, summary, at=now)
        audit.append(
            uow,
            actor=command.actor,
            action="sweep.finish",
            subject=Subject("sweep", str(run.id)),
            payload={
                "category": category,
                "policy_version": policy_version,
                "lexicon_version": lexicon_version,
                "resumed": unfinished is not None,
                **summary.to_dict(),
            },
            at=now,
        )
        uow.commit()
    return summary


def check_sweep(command: Sweep, rules: Rules) -> None:
    """Refuse a sweep that cannot run (`InputError`): before starting one in the background."""
    if command.batch_size < 1:
        raise InputError(f"the batch size must be at least 1, not {command.batch_size}")
    known = rules.screener.lexicon.categories
    if command.category is not None and command.category not in known:
        raise InputError(
            f"unknown content category {command.category!r}; use one of: {', '.join(sorted(known))}"
        )


def _resumable(
    running: Sequence[SweepRun], category: str | None, policy_version: str, lexicon_version: str
) -> SweepRun | None:
    """The newest of the `running` runs with these settings, to resume (None: start one)."""
    settings = (category, policy_version, lexicon_version)
    matching = [
        run
        for run in running
        if (run.category, run.policy_version, run.lexicon_version) == settings
    ]
    return max(matching, key=lambda run: run.id, default=None)


def _supersede_stale(
    uow: UnitOfWork, run: SweepRun, running: Sequence[SweepRun], *, actor: str, now: datetime
) -> None:
    """Close the `running` runs left under another lexicon or policy than `run`'s: their
    rules are no longer the day's, so they are never resumed. What they did stands (each
    action was right under the rules it was decided with); `run` re-screens what is left."""
    for stale in running:
        if stale.id == run.id or (stale.policy_version, stale.lexicon_version) == (
            run.policy_version,
            run.lexicon_version,
        ):
            continue
        summary = uow.sweeps.summary(stale.id)
        uow.sweeps.supersede(stale.id, summary, by=run.id, at=now)
        audit.append(
            uow,
            actor=actor,
            action="sweep.supersede",
            subject=Subject("sweep", str(stale.id)),
            payload={
                "superseded_by": run.id,
                "policy_version": stale.policy_version,
                "lexicon_version": stale.lexicon_version,
                "new_policy_version": run.policy_version,
                "new_lexicon_version": run.lexicon_version,
                **summary.to_dict(),
            },
            at=now,
        )


def _run(
    uow: UnitOfWork,
    rules: Rules,
    command: Sweep,
    run: SweepRun,
    *,
    now: datetime,
    progress: SweepProgress | None,
    commit: bool,
) -> None:
    """Go through the apps after the run's cursor, batch by batch."""

    @contextmanager
    def step() -> Iterator[None]:
        if not commit:  # a dry run: everything in the caller's one transaction
            yield
            return
        with uow:
            yield
            uow.commit()

    cursor = run.cursor
    with step():
        total = uow.sweeps.count_after(cursor, statuses=SWEPT_STATUSES)
        clones = SweepClones.load(uow)
    if progress is not None:
        progress.start(total)
    while True:
        with step():
            apps = uow.sweeps.apps_after(cursor, limit=command.batch_size, statuses=SWEPT_STATUSES)
            ids = [app.id for app in apps]
            done = uow.sweeps.done(run.id, ids)
            settled = uow.sweeps.rejected_with(
                ids, policy_version=run.policy_version, lexicon_version=run.lexicon_version
            )
        if not apps:
            return
        todo = [app for app in apps if app.id not in done]
        fresh = [app for app in todo if app.id not in settled]
        flagged = _flagged(rules.screener, fresh)
        flagged |= clones.suspects([app for app in fresh if app.id not in flagged])
        for app in todo:
            if app.id in flagged:
                with step():
                    clones.note(uow, _decide(uow, rules, run, app.appid, now=now))
                if progress is not None:
                    progress.advance(1)
        passed = [app.id for app in todo if app.id not in flagged]
        with step():
            uow.sweeps.add_unchanged(run.id, passed, at=now)
            uow.sweeps.advance(run.id, apps[-1].id)
        if progress is not None:
            progress.advance(len(passed) + len(apps) - len(todo))
        cursor = apps[-1].id


def _flagged(screener: Screener, apps: Sequence[SweptApp]) -> set[int]:
    """The ids of the apps with a surface that does not pass: one batch per surface."""
    if not apps:
        return set()
    flagged: set[int] = set()
    for surface, texts in (
        ("app_name", [(app.id, app.name) for app in apps]),
        ("app_description", [(app.id, app.description) for app in apps]),
        ("app_page", [(app.id, page) for app in apps for page in app.pages]),
    ):
        if not texts:
            continue
        verdicts = screener.screen_batch([text for _, text in texts], surface)
        for (app_id, _), verdict in zip(texts, verdicts, strict=True):
            if verdict.suggestion != "pass":
                flagged.add(app_id)
    return flagged


def _decide(
    uow: UnitOfWork, rules: Rules, run: SweepRun, appid: str, *, now: datetime
) -> list[str]:
    """Re-decide one app and punish a violation, with its item, in the open transaction; the
    appids whose status the penalty moved."""
    app = uow.apps.get(appid, for_update=True)
    assert app is not None  # apps are never deleted
    unchanged = app.status not in SWEPT_STATUSES or uow.sweeps.rejected_with(
        [app.id], policy_version=run.policy_version, lexicon_version=run.lexicon_version
    )
    if unchanged:  # moved meanwhile (a blacklist earlier in the batch), or punished already
        uow.sweeps.add_item(run.id, app.id, outcome="unchanged", at=now)
        return []
    principal = uow.principals.get(app.principal_id)
    assert principal is not None  # a foreign key
    submission = Submission.change(
        app.appid, app.content, app.content, principal.ref, principal.qualifications
    )
    decision = review_submission(
        submission,
        rules.screener,
        rules.catalogue,
        today=registry_date(now),
        previous=app.content,
        previous_status=None,  # the content against itself: there is no drift to measure
        signals=review_signals(uow, rules, app.appid, app.content, principal, now),
    )
    found = reasons.content_categories(decision.reasons)
    if not penalty_worthy(decision, rules.catalogue) or (
        run.category is not None and run.category not in found
    ):
        uow.sweeps.add_item(run.id, app.id, outcome="unchanged", at=now)
        return []
    record = record_decision(
        uow,
        app,
        principal,
        decision,
        kind="sweep",
        details={"sweep_run_id": run.id, "status_before": app.status.value},
        now=now,
    )
    penalties = enforce_decision(
        uow, rules, app, principal, decision, record, before=app.status, now=now
    )
    uow.sweeps.tag_actions(run.id, [penalty.id for penalty in penalties])
    moved = refresh_moved(uow, app, penalties, now=now)
    uow.sweeps.add_item(
        run.id,
        app.id,
        outcome="enforced",
        decision_id=record.id,
        action_id=penalties[0].id if penalties else None,
        at=now,
    )
    return moved
