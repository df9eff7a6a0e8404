"""The review of a submission: screening surface by surface, the qualification gate, drift
after approval and the external signals, giving approve, review or reject with reasons.

`review_submission` is pure given its arguments: the screener, the catalogue, the day and the
signals the services computed. Each check adds reason codes (`shenhe.domain.reasons`), each
with an outcome; the decision takes the worst (reject over review over approve).

Content. Every surface is screened (the name on ``app_name``, the description on
``app_description``, each page on ``app_page``). A screening category *scores* on a surface
when its label reaches the policy's review threshold there, the contact boost included (so the
levels are those `Policy.decide` uses); it gives ``content.<category>``, reject at block level
and review at review level. A category the app may carry (`Catalogue.allowed_content`: the
catalogue's ``may_carry`` once the category's licences are all met) is excused, except where a
term of severity 3 (the lexicon's "always block") was hit: a licensed lender may advertise
loans, not ``黑户可贷``.

The qualification gate.
- Each requirement of the category must be met by a qualification held, verified and valid
  today. Where it is not, the reason names the best qualification held: ``unverified`` (valid
  dates, not verified yet) → *review*, since verifying the licence is a moderator's job and the
  content it covers is excused pending that check; ``expired`` or ``not_yet_valid`` →
  *reject*, since nothing a moderator does makes it count (renew, then resubmit);
  none held → ``qualification.missing.<type>`` (the requirement's first alternative), *reject*.
- Content that scores for a category only licensed categories may carry (``loan`` → lending),
  in an app of another category, is the 2018 evasion (a loan app registered as a tool): the
  reason is ``qualification.missing.<type>`` of the licence that content needs, or
  ``category.mismatch.<category>`` when the principal holds that licence and merely listed the
  app in the wrong category; the outcome follows the content's level (reject at block level,
  review at review level: "贷款计算器" in a tools app deserves a human look, not a rejection).
- A natural person in a category that is open only to enterprises → reject.

Drift. A change to an app that was approved (`AppStatus.approved`) whose new content scores
``loan`` or ``diversion`` (not excused) where its previous content did not (before any excuse)
adds ``drift.lending_after_approval`` / ``drift.diversion_after_approval``, and a drift is a
*reject* at any level: it is decided more strictly than the same content in a new app, since
renaming into a loan app after approval is the evasion itself. The rejected app leaves the
listing (`status_after`).

Signals (computed outside, by storage and the look-alike detector):
- ``principal.blacklisted`` → reject: a blacklisted principal may not list any app;
- ``clone.of_banned`` → reject at similarity `CLONE_REJECT_SIMILARITY` or more, else review;
- ``brand.imitation`` → review: whether the principal is the brand's owner or licensee is a
  document check for a person; counterfeit content is rejected on its own as
  ``content.counterfeit``.

Mass diversion: diversion at block level on `MASS_DIVERSION_SURFACES` surfaces or more adds
``diversion.mass`` (reject), which the penalty ladder treats as zero-tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from shenhe.domain import reasons
from shenhe.domain.apps import (
    OUTCOMES,
    AppContent,
    AppStatus,
    Decision,
    Outcome,
    Submission,
)
from shenhe.domain.catalogue import Catalogue, Category, Requirement
from shenhe.domain.errors import SubmissionError
from shenhe.domain.qualifications import Qualification
from shenhe.domain.signals import ReviewSignals
from shenhe.policy.policy import DIVERSION, Policy, Suggestion
from shenhe.screening.screener import Screener
from shenhe.screening.verdict import Verdict

CLONE_REJECT_SIMILARITY = 0.9
"""A near-duplicate of a banned app at this similarity or more is rejected, below it reviewed."""
MASS_DIVERSION_SURFACES = 3
"""Diversion at block level on this many surfaces (name, description, each page) is mass."""
NEVER_EXCUSED_SEVERITY = 3
"""A label whose worst term has this severity is never excused by a licence."""
DRIFT = {"loan": reasons.DRIFT_LENDING, DIVERSION: reasons.DRIFT_DIVERSION}
"""The screening categories an approved app may not drift into, and their reason codes."""

_OUTCOME_OF: dict[Suggestion, Outcome] = {"pass": "approve", "review": "review", "block": "reject"}
_STANDING_FAMILY = {
    "missing": reasons.QUALIFICATION_MISSING,
    "expired": reasons.QUALIFICATION_EXPIRED,
    "not_yet_valid": reasons.QUALIFICATION_NOT_YET_VALID,
    "unverified": reasons.QUALIFICATION_UNVERIFIED,
}
_RANK = {outcome: rank for rank, outcome in enumerate(OUTCOMES)}


@dataclass(slots=True)
class _Findings:
    """Reason codes in the order found, each with the worst outcome it was given."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def add(self, code: str, outcome: Outcome) -> None:
        current = self.outcomes.get(code, "approve")
        self.outcomes[code] = max(current, outcome, key=_RANK.__getitem__)

    @property
    def outcome(self) -> Outcome:
        return max(self.outcomes.values(), key=_RANK.__getitem__, default="approve")


def review_submission(
    submission: Submission,
    screener: Screener,
    catalogue: Catalogue,
    *,
    today: date,
    previous: AppContent | None,
    previous_status: AppStatus | None,
    signals: ReviewSignals,
) -> Decision:
    """Decide `submission` (see the module's docstring for the rules).

    `previous` and `previous_status` are the app's content and status before a change (both
    None for a new app). `CategoryError` when the catalogue does not know the category;
    `SubmissionError` when `previous` does not fit the kind of submission.
    """
    if (submission.kind == "change") != (previous is not None):
        raise SubmissionError(
            "a change needs the app's previous content, and a new app has none",
            field="previous",
        )
    content = submission.content
    category = catalogue.category(content.category)
    policy = screener.policy
    lexicon_version = screener.lexicon.version
    findings = _Findings()

    if signals.principal_blacklisted:
        findings.add(reasons.PRINCIPAL_BLACKLISTED, "reject")
    if submission.principal.kind == "individual" and not category.individuals:
        findings.add(reasons.PRINCIPAL_INDIVIDUAL, "reject")

    standing = [_standing(r, submission.qualifications, today) for r in category.requires]
    for status, held_type in standing:
        if status != "valid":
            outcome: Outcome = "review" if status == "unverified" else "reject"
            findings.add(reasons.qualification(_STANDING_FAMILY[status], held_type), outcome)
    pending = all(status in ("valid", "unverified") for status, _ in standing)
    excused = category.may_carry if pending else frozenset()

    approved = previous_status is not None and previous_status.approved
    earlier = previous if approved else None  # drift is measured against approved content
    screened = _screen(screener, [content] if earlier is None else [content, earlier])
    current = screened[0]
    levels = [
        (key, _levels(verdict, surface, policy, excused)) for key, surface, verdict in current
    ]
    carried = _worst(level for _, level in levels)
    for content_category, level in carried.items():
        outcome = _OUTCOME_OF[level]
        findings.add(reasons.content(content_category), outcome)
        gate = _gate(content_category, category, catalogue, submission.qualifications, today)
        if gate is not None:
            findings.add(gate, outcome)
    mass = sum(1 for _, level in levels if level.get(DIVERSION) == "block")
    if mass >= MASS_DIVERSION_SURFACES:
        findings.add(reasons.DIVERSION_MASS, "reject")

    if earlier is not None:
        before = _worst(
            _levels(verdict, surface, policy, frozenset()) for _, surface, verdict in screened[1]
        )
        for drift_category, code in DRIFT.items():
            if drift_category in carried and drift_category not in before:
                findings.add(code, "reject")

    if signals.clone_of_banned is not None:
        similar = signals.clone_of_banned.similarity >= CLONE_REJECT_SIMILARITY
        findings.add(reasons.CLONE_OF_BANNED, "reject" if similar else "review")
    if signals.brand_imitation is not None:
        findings.add(reasons.BRAND_IMITATION, "review")

    evidence: dict[str, Mapping[str, Any]] = {
        key: verdict.to_dict() for key, _, verdict in current if verdict.hits or verdict.contacts
    }
    if standing:
        evidence["qualifications"] = {held: status for status, held in standing}
    if signals.any:
        evidence["signals"] = signals.to_dict()
    return Decision(
        appid=submission.appid,
        kind=submission.kind,
        category=category.id,
        outcome=findings.outcome,
        reasons=tuple(findings.outcomes),
        evidence=evidence,
        policy_version=policy.version,
        lexicon_version=lexicon_version,
        catalogue_version=catalogue.version,
        decided_on=today,
        changes=submission.changes,
    )


def status_after(decision: Decision, previous_status: AppStatus | None) -> AppStatus:
    """The app's status once `decision` is applied.

    A ban stands whatever the decision (only its expiry lifts it), and so does a takedown,
    unless the change is rejected. Otherwise a rejection rejects (a listed app leaves the
    listing), a review takes the app out of the listing until a moderator decides (a mini
    app's pages are served live, so an unreviewed change cannot be held back), and an approval
    lists it, keeping a running warning or restriction.
    """
    if previous_status is AppStatus.BANNED:
        return AppStatus.BANNED
    if previous_status is AppStatus.SUSPENDED and decision.outcome != "reject":
        return AppStatus.SUSPENDED
    if decision.outcome == "approve" and previous_status in (
        AppStatus.WARNED,
        AppStatus.RESTRICTED,
    ):
        return previous_status
    return decision.status


def _screen(
    screener: Screener, contents: Sequence[AppContent]
) -> list[list[tuple[str, str, Verdict]]]:
    """(evidence key, surface, verdict) for every surface, for each of `contents`: one batch
    per surface for all of them."""
    names = screener.screen_batch([c.name for c in contents], "app_name")
    descriptions = screener.screen_batch([c.description for c in contents], "app_description")
    pages = iter(screener.screen_batch([p for c in contents for p in c.pages], "app_page"))
    screened = []
    for content, name, description in zip(contents, names, descriptions, strict=True):
        surfaces = [("app_name", "app_name", name)]
        surfaces.append(("app_description", "app_description", description))
        for number in range(len(content.pages)):
            surfaces.append((f"app_page.{number}", "app_page", next(pages)))
        screened.append(surfaces)
    return screened


def _levels(
    verdict: Verdict, surface: str, policy: Policy, excused: frozenset[str]
) -> dict[str, Suggestion]:
    """The screening categories that score on this surface (review or block), after excuses.

    Mirrors `Policy.decide` category by category: a boosted category counts the diversion
    score as further evidence, so the worst level here is the verdict's own suggestion when
    nothing is excused.
    """
    diversion = verdict.label(DIVERSION)
    boost = policy.contact_boost * (diversion.score if diversion is not None else 0.0)
    levels: dict[str, Suggestion] = {}
    for label in verdict.labels:
        if label.category in excused and label.severity < NEVER_EXCUSED_SEVERITY:
            continue
        score = label.score
        if boost and label.category in policy.boosted_categories:
            score = 1.0 - (1.0 - score) * (1.0 - boost)
        level = policy.decide(surface, {label.category: score})
        if level != "pass":
            levels[label.category] = level
    return levels


def _worst(all_levels: Iterable[Mapping[str, Suggestion]]) -> dict[str, Suggestion]:
    worst: dict[str, Suggestion] = {}
    for levels in all_levels:
        for category, level in levels.items():
            if worst.get(category) != "block":
                worst[category] = level
    return worst


def _standing(
    requirement: Requirement, held: Sequence[Qualification], today: date
) -> tuple[str, str]:
    """How `requirement` stands today, and the qualification type that says so.

    ``valid`` when one counts; else the best held: ``unverified`` (verifying it would make it
    count), ``not_yet_valid``, ``expired``; else ``missing`` with the first alternative.
    """
    best: tuple[int, str, str] | None = None
    order = ("valid", "unverified", "not_yet_valid", "expired")
    for qualification in held:
        if qualification.type not in requirement.any_of:
            continue
        status = qualification.status(today)
        if status == "unverified":  # would it count once verified?
            dated = replace(qualification, verified=True).status(today)
            status = "unverified" if dated == "valid" else dated
        rank = order.index(status)
        if best is None or rank < best[0]:
            best = (rank, status, qualification.type)
    if best is None:
        return "missing", requirement.any_of[0]
    return best[1], best[2]


def _gate(
    content_category: str,
    category: Category,
    catalogue: Catalogue,
    held: Sequence[Qualification],
    today: date,
) -> str | None:
    """The qualification-gate reason for content of `content_category` in an app of
    `category`, or None when no licensed category claims that content or the app's own does."""
    carrying = catalogue.categories_carrying(content_category)
    if not carrying or category.id in carrying:
        return None
    for other in carrying:
        if not catalogue.missing(other, held, today):
            return reasons.category_mismatch(other)
    unmet = catalogue.missing(carrying[0], held, today)
    return reasons.qualification(reasons.QUALIFICATION_MISSING, unmet[0].any_of[0])
