"""A sweep of the registry: the run being made and what it came to.

A `SweepRun` is one re-screening of every live app with the lexicon and policy of the day; its
`cursor` is the id of the last app whose batch is done, so a run that was killed resumes from
there. A `SweepSummary` is what a run did, in the shape ``shenhe sweep --json`` prints::

    {"screened": 1200, "actions": {"ban": 7, "blacklist_principal": 3},
     "by_category": {"loan": 3}, "principals_blacklisted": 3}

Pure: no storage, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shenhe.domain.apps import AppStatus

SWEPT_STATUSES: tuple[AppStatus, ...] = (AppStatus.LISTED, AppStatus.WARNED, AppStatus.RESTRICTED)
"""The apps a sweep re-screens: those users can reach."""


@dataclass(frozen=True, slots=True)
class SweptApp:
    """What a sweep screens of an app: its ids and texts as stored (already validated when
    they were submitted; a sweep reads millions, so this is not an `App`)."""

    id: int
    appid: str
    name: str
    description: str
    pages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SweepRun:
    """One sweep: the content category it acts on (None: all), the versions it screens with,
    and how far it got."""

    id: int
    category: str | None
    policy_version: str
    lexicon_version: str
    cursor: int
    started_at: datetime


@dataclass(frozen=True, slots=True)
class SweepSummary:
    """What a sweep did (or, dry, would do)."""

    screened: int = 0
    actions: Mapping[str, int] = field(default_factory=dict)
    """Enforcement actions by rung (``ban``, ``blacklist_principal``, ...), blacklist bans of
    the principal's other apps included."""
    by_category: Mapping[str, int] = field(default_factory=dict)
    """Apps acted on, by the content category that decided (``loan``, ``porn``, ...)."""
    principals_blacklisted: int = 0
    dry_run: bool = False
    run_id: int | None = None

    @property
    def action_count(self) -> int:
        return sum(self.actions.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "screened": self.screened,
            "actions": dict(sorted(self.actions.items())),
            "by_category": dict(sorted(self.by_category.items())),
            "principals_blacklisted": self.principals_blacklisted,
        }
