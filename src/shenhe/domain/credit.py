"""Account credit: a score that violations lower and time restores, and what it allows.

`CreditRules` is data (``shenhe/data/credit.yaml``, validated on load). The score is never
stored: `score_at` computes it from the account's violations (`CreditEvent`) and a moment,
so it is the same whenever it is asked and needs no job to restore it. Starting from
``initial``, the events are applied in time order: between two events the score climbs
``points_per_day`` a day (pro rata, capped at ``initial``), and each event takes its points
at once (floored at 0). `standing` gives the score (rounded down) and the tier it reaches,
which says whether the account may publish, whether links are allowed, and how many posts
and comments an hour.

Pure: the clock is an argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from shenhe.documents import explain, parse_mapping, read_file, read_packaged
from shenhe.domain.publishing_errors import CreditRulesError

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
SECONDS_PER_DAY = 86_400


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Recovery(_Model):
    points_per_day: float = Field(ge=0)


class Tier(_Model):
    """What an account with at least `min_score` may do."""

    name: Identifier
    min_score: int = Field(ge=0)
    may_publish: bool
    links: bool
    posts_per_hour: int = Field(ge=0)
    comments_per_hour: int = Field(ge=0)


class CreditRulesDocument(_Model):
    version: Annotated[str, StringConstraints(min_length=1)]
    initial: int = Field(gt=0)
    recovery: _Recovery
    penalties: dict[Identifier, int] = Field(min_length=1)
    tiers: list[Tier] = Field(min_length=1)

    @model_validator(mode="after")
    def _tiers_descend(self) -> CreditRulesDocument:
        scores = [tier.min_score for tier in self.tiers]
        if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
            raise ValueError("tiers must be listed from the highest min_score down, each once")
        if scores[-1] != 0:
            raise ValueError("the last tier must have min_score 0, so every score has a tier")
        if any(points < 0 for points in self.penalties.values()):
            raise ValueError("penalties are points taken away: give numbers of 0 or more")
        return self


@dataclass(frozen=True, slots=True)
class CreditEvent:
    """A violation that cost the account credit."""

    kind: str
    points: int
    at: datetime
    subject: str = ""
    """What it was about (``post:12``), for the account's record."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "points": self.points,
            "at": self.at.isoformat(),
            "subject": self.subject,
        }


@dataclass(frozen=True, slots=True)
class Standing:
    """An account's score at a moment, and its tier."""

    score: int
    tier: Tier

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "tier": self.tier.name,
            "may_publish": self.tier.may_publish,
            "links": self.tier.links,
            "posts_per_hour": self.tier.posts_per_hour,
            "comments_per_hour": self.tier.comments_per_hour,
        }


class CreditRules:
    """The credit rules: penalties, recovery and tiers."""

    def __init__(self, document: CreditRulesDocument) -> None:
        self.version = document.version
        self.initial = document.initial
        self.points_per_day = document.recovery.points_per_day
        self.penalties: Mapping[str, int] = dict(document.penalties)
        self.tiers = tuple(document.tiers)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "credit rules") -> CreditRules:
        try:
            return cls(CreditRulesDocument.model_validate(data))
        except ValidationError as exc:
            raise CreditRulesError(f"{source}: {explain(exc)}") from None

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "credit rules") -> CreditRules:
        data = parse_mapping(
            text,
            source=source,
            expects="`version`, `initial`, `recovery`, `penalties` and `tiers`",
            error=CreditRulesError,
        )
        return cls.from_dict(data, source=source)

    @classmethod
    def load(cls, path: str | Path) -> CreditRules:
        return cls.from_yaml(
            read_file(path, what="credit rules", error=CreditRulesError), source=str(path)
        )

    @staticmethod
    @cache
    def default() -> CreditRules:
        return CreditRules.from_yaml(read_packaged("credit.yaml"), source="credit.yaml")

    def violation(self, kind: str, *, at: datetime, subject: str = "") -> CreditEvent:
        """The event for a violation of `kind`; an unknown kind is a `CreditRulesError`."""
        if kind not in self.penalties:
            known = ", ".join(sorted(self.penalties))
            raise CreditRulesError(
                f"no penalty for violation {kind!r} in the credit rules; known: {known}"
            )
        return CreditEvent(kind, self.penalties[kind], at, subject)

    def score_at(self, events: Iterable[CreditEvent], now: datetime) -> float:
        """The exact score at `now` after `events` (those after `now` are ignored)."""
        score = float(self.initial)
        last: datetime | None = None
        for event in sorted(events, key=lambda e: e.at):
            if event.at > now:
                break
            score = self._recovered(score, last, event.at)
            score = max(0.0, score - event.points)
            last = event.at
        return self._recovered(score, last, now)

    def standing(self, events: Iterable[CreditEvent], now: datetime) -> Standing:
        score = math.floor(self.score_at(events, now) + 1e-9)
        return Standing(score, self.tier_for(score))

    def tier_for(self, score: int) -> Tier:
        for tier in self.tiers:
            if score >= tier.min_score:
                return tier
        return self.tiers[-1]

    def _recovered(self, score: float, since: datetime | None, until: datetime) -> float:
        if since is None or until <= since:
            return score
        days = (until - since).total_seconds() / SECONDS_PER_DAY
        return min(float(self.initial), score + days * self.points_per_day)
