"""Graded enforcement: from a violation and the app's strike history to a penalty.

`choose_penalty` climbs the `Ladder` (``shenhe/data/penalties.yaml``): a first violation enters
at the step of its severity, and every strike still counting (``at <= now < expires_at``)
climbs one step more, up to the last step, a permanent ban with a blacklist of the principal.
A violation that matches a zero-tolerance rule of the ladder — by default illegal lending
(``content.loan`` with ``qualification.missing.lending_licence``), pornography
(``content.porn``) and malicious mass diversion (``diversion.mass``) — goes straight there,
whatever its history. Adding a strike never lowers the step, nor does a higher severity.

Penalties lift themselves: `lifts_at` is when a penalty applied at a moment ends (None for a
permanent one) and `expired` whether it has; the service calls them, with the clock's `now`.
Every `Penalty` carries its reason codes, the ladder step and the ladder version for the audit
trail. Pure: times come in as arguments and must be timezone-aware.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shenhe.domain import reasons
from shenhe.domain.apps import AppStatus, Decision
from shenhe.domain.catalogue import Catalogue
from shenhe.domain.errors import EnforcementError
from shenhe.domain.ladder import SEVERITIES, Ladder, Rung


@dataclass(frozen=True, slots=True)
class Violation:
    """What an app did: reason codes (``content.loan``, ``drift.lending_after_approval``, ...)
    and a severity, 1 low to 3 high."""

    reasons: tuple[str, ...]
    severity: int

    def __post_init__(self) -> None:
        if isinstance(self.reasons, str):
            raise EnforcementError("must be a list of reason codes", field="reasons")
        object.__setattr__(self, "reasons", tuple(dict.fromkeys(self.reasons)))
        if not self.reasons:
            raise EnforcementError("a violation needs at least one reason code", field="reasons")
        if self.severity not in SEVERITIES:
            raise EnforcementError(
                f"must be one of {', '.join(map(str, SEVERITIES))}", field="severity"
            )

    @property
    def categories(self) -> tuple[str, ...]:
        """The screening categories of its ``content.*`` codes (``loan``, ``porn``, ...)."""
        return reasons.content_categories(self.reasons)

    @property
    def category(self) -> str:
        """The one word a strike records: its first content category, else its first code."""
        return self.categories[0] if self.categories else self.reasons[0]

    @classmethod
    def from_decision(cls, decision: Decision, catalogue: Catalogue) -> Violation:
        """The violation a rejected (or moderator-confirmed) decision records. Its severity is
        the app category's severity in the catalogue, or the worst severity of a term behind
        one of its content reasons, whichever is higher."""
        severity = catalogue.category(decision.category).severity
        wanted = set(reasons.content_categories(decision.reasons))
        for verdict in decision.evidence.values():
            for label in verdict.get("labels", ()):
                if label.get("category") in wanted:
                    severity = max(severity, int(label.get("severity", 0)))
        return cls(decision.reasons, min(severity, max(SEVERITIES)))


@dataclass(frozen=True, slots=True)
class Strike:
    """A violation on an app's record: it counts towards the next penalty until `expires_at`."""

    category: str
    severity: int
    at: datetime
    expires_at: datetime

    def __post_init__(self) -> None:
        _aware(self.at, "at")
        _aware(self.expires_at, "expires_at")
        if self.expires_at <= self.at:
            raise EnforcementError("must be after the strike's time", field="expires_at")
        if self.severity not in SEVERITIES:
            raise EnforcementError(
                f"must be one of {', '.join(map(str, SEVERITIES))}", field="severity"
            )

    @classmethod
    def of(cls, violation: Violation, at: datetime, ladder: Ladder) -> Strike:
        """The strike `violation` leaves at `at`, counting for the ladder's `strike_days`."""
        return cls(
            violation.category, violation.severity, at, at + timedelta(days=ladder.strike_days)
        )

    def counts(self, now: datetime) -> bool:
        """Whether it counts at `now`: given already, and not expired."""
        return self.at <= now < self.expires_at


@dataclass(frozen=True, slots=True)
class Penalty:
    """The penalty chosen: its rung and step, how long it lasts (None: permanent), the features
    restricted, whether the principal is blacklisted, and why."""

    rung: Rung
    duration: timedelta | None
    reasons: tuple[str, ...]
    blacklist_principal: bool
    step: str
    level: int
    """The step's index on the ladder: a higher level is a harsher penalty."""
    ladder_version: str
    features: frozenset[str] = frozenset()
    zero_tolerance: str | None = None
    """The zero-tolerance rule that sent the violation to the top, if one did."""

    @property
    def status(self) -> AppStatus:
        """The status the penalty puts the app in: warned, restricted, suspended or banned."""
        return self.rung.status

    @property
    def permanent(self) -> bool:
        return self.duration is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rung": self.rung.value,
            "step": self.step,
            "level": self.level,
            "days": None if self.duration is None else self.duration.days,
            "features": sorted(self.features),
            "blacklist_principal": self.blacklist_principal,
            "status": self.status.value,
            "reasons": list(self.reasons),
            "zero_tolerance": self.zero_tolerance,
            "ladder_version": self.ladder_version,
        }


def choose_penalty(
    violation: Violation, strikes: Iterable[Strike], now: datetime, ladder: Ladder
) -> Penalty:
    """The penalty for `violation`, given the app's `strikes` (expired ones do not count)."""
    _aware(now, "now")
    rule = ladder.zero_tolerance_for(frozenset(violation.reasons))
    if rule is not None:
        level = ladder.top
    else:
        counting = sum(1 for strike in strikes if strike.counts(now))
        level = ladder.climb(violation.severity, counting)
    return _step_penalty(ladder, level, violation, None if rule is None else rule.name)


def penalty_at(ladder: Ladder, step_id: str, violation: Violation) -> Penalty:
    """The penalty of ladder step `step_id` as it is, for `violation` (a moderator's pick)."""
    for level, step in enumerate(ladder.steps):
        if step.id == step_id:
            return _step_penalty(ladder, level, violation, None)
    known = ", ".join(step.id for step in ladder.steps)
    raise EnforcementError(f"unknown ladder step {step_id!r}; use one of: {known}", field="step")


def _step_penalty(
    ladder: Ladder, level: int, violation: Violation, zero_tolerance: str | None
) -> Penalty:
    step = ladder.steps[level]
    return Penalty(
        rung=step.rung,
        duration=step.duration,
        reasons=violation.reasons,
        blacklist_principal=step.rung is Rung.BLACKLIST_PRINCIPAL,
        step=step.id,
        level=level,
        ladder_version=ladder.version,
        features=step.features,
        zero_tolerance=zero_tolerance,
    )


def lifts_at(penalty: Penalty, applied_at: datetime) -> datetime | None:
    """When `penalty`, applied at `applied_at`, ends (a warning: its rectification deadline);
    None when it is permanent."""
    _aware(applied_at, "applied_at")
    return None if penalty.duration is None else applied_at + penalty.duration


def expired(penalty: Penalty, applied_at: datetime, now: datetime) -> bool:
    """Whether `penalty`, applied at `applied_at`, has run its course at `now`."""
    _aware(now, "now")
    ends = lifts_at(penalty, applied_at)
    return ends is not None and now >= ends


def _aware(moment: datetime, field: str) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise EnforcementError("must be a timezone-aware datetime", field=field)
