"""The registry's records as values: apps, their versions, the decisions on them and the
enforcement actions against them, as storage keeps them and the shells show them.

`App` is an app as it is now (its latest submitted content: a mini app's pages are served
live, so what was submitted last is what users see, and the status says whether they may);
`AppVersion` one submitted version; `DecisionRecord` a stored decision (the domain's
`Decision` plus who decided, when, and on which version); `EnforcementRecord` a penalty, with
the status it set and the one it gives back when it lifts. Each has ``to_dict`` for the API
and the command line. Times are aware UTC; nothing here reads a clock.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any, Literal

from shenhe.domain.apps import AppContent, AppStatus
from shenhe.domain.audit import format_time
from shenhe.domain.ladder import Rung

REGISTRY_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
"""The registry's calendar: China Standard Time (UTC+8, no daylight saving). A licence valid
until a day is valid through that day there, and "today" is that day there."""

DecisionKind = Literal["submission", "change", "sweep", "manual"]
"""What a stored decision was about (a new app is a ``submission``)."""


@dataclass(frozen=True, slots=True)
class App:
    """An app in the registry: its latest content, its status and its version number."""

    id: int
    appid: str
    principal_id: int
    content: AppContent
    status: AppStatus
    version: int
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "appid": self.appid,
            "principal_id": self.principal_id,
            **content_dict(self.content),
            "status": self.status.value,
            "live": self.status.live,
            "version": self.version,
            "created_at": format_time(self.created_at),
            "updated_at": format_time(self.updated_at),
        }


@dataclass(frozen=True, slots=True)
class AppVersion:
    """One submitted version of an app's content, and who submitted it."""

    version: int
    content: AppContent
    actor: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            **content_dict(self.content),
            "actor": self.actor,
            "created_at": format_time(self.created_at),
        }


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A stored decision on one version of an app."""

    id: int
    appid: str
    version: int
    kind: DecisionKind
    outcome: str
    reasons: tuple[str, ...]
    evidence: Mapping[str, Any]
    actor: str
    policy_version: str
    lexicon_version: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "appid": self.appid,
            "version": self.version,
            "kind": self.kind,
            "outcome": self.outcome,
            "reasons": list(self.reasons),
            "evidence": copy.deepcopy(dict(self.evidence)),
            "actor": self.actor,
            "policy_version": self.policy_version,
            "lexicon_version": self.lexicon_version,
            "created_at": format_time(self.created_at),
        }


@dataclass(frozen=True, slots=True)
class EnforcementRecord:
    """A penalty: against an app (`appid`), or against the principal alone (`appid` None).

    `sets` is the status the penalty put the app in, `restores` the one it gives back when it
    lifts (None for a penalty that moves no app). `expires_at` None: permanent.
    """

    id: int
    appid: str | None
    principal_id: int
    decision_id: int | None
    rung: Rung
    step: str
    reasons: tuple[str, ...]
    actor: str
    policy_version: str
    lexicon_version: str
    ladder_version: str
    created_at: datetime
    expires_at: datetime | None = None
    lifted_at: datetime | None = None
    features: frozenset[str] = frozenset()
    sets: AppStatus | None = None
    restores: AppStatus | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", MappingProxyType(dict(self.evidence)))

    @property
    def permanent(self) -> bool:
        return self.expires_at is None

    def active_at(self, now: datetime) -> bool:
        """Whether it is in force at `now`: not lifted, and not past its end."""
        return self.lifted_at is None and (self.expires_at is None or now < self.expires_at)

    def due_at(self, now: datetime) -> bool:
        """Whether it has run its course at `now` and is waiting to be lifted."""
        return self.lifted_at is None and self.expires_at is not None and now >= self.expires_at

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "appid": self.appid,
            "principal_id": self.principal_id,
            "decision_id": self.decision_id,
            "rung": self.rung.value,
            "step": self.step,
            "features": sorted(self.features),
            "reasons": list(self.reasons),
            "evidence": copy.deepcopy(dict(self.evidence)),
            "actor": self.actor,
            "policy_version": self.policy_version,
            "lexicon_version": self.lexicon_version,
            "ladder_version": self.ladder_version,
            "status_set": None if self.sets is None else self.sets.value,
            "status_restored": None if self.restores is None else self.restores.value,
            "created_at": format_time(self.created_at),
            "expires_at": None if self.expires_at is None else format_time(self.expires_at),
            "lifted_at": None if self.lifted_at is None else format_time(self.lifted_at),
        }


def registry_date(now: datetime) -> date:
    """The day it is at `now` (timezone-aware) in the registry's calendar (`REGISTRY_TIME`)."""
    if now.utcoffset() is None:
        raise ValueError("the registry's clock must be timezone-aware")
    return now.astimezone(REGISTRY_TIME).date()


def content_dict(content: AppContent) -> dict[str, Any]:
    """An app's content as plain JSON data."""
    return {
        "name": content.name,
        "description": content.description,
        "category": content.category,
        "pages": list(content.pages),
    }
