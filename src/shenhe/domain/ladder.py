"""The enforcement ladder: the graded penalties, mildest first, as validated data.

A ladder is a YAML document (see ``shenhe/data/penalties.yaml``) of *steps*, each on one of the
`Rung`s — warning (with a rectification deadline), restrict (features: sharing, search
visibility), takedown, ban (for some days or permanent) and blacklist_principal (a permanent
ban and a blacklist of the principal) — where a first violation of each severity *enters*,
how long a strike counts, and the *zero-tolerance* rules that go straight to the last step.
`choose_penalty` (`shenhe.domain.penalties`) climbs it.

Loading validates the document; a bad one is a `LadderError` that names the field
(``steps.1 (restrict_7d).features: ...``). The checks make the ladder monotonic by construction:
rungs never go down from one step to the next, nor do the days within a rung; the entries
rise with severity; the last step is the one blacklist_principal step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from shenhe.documents import explain, parse_mapping, read_file, read_packaged
from shenhe.domain import reasons
from shenhe.domain.apps import AppStatus
from shenhe.domain.errors import LadderError
from shenhe.domain.qualifications import IDENTIFIER

SEVERITIES = (1, 2, 3)
"""Violation severities: 1 low, 2 medium, 3 high (the catalogue's scale)."""
FEATURES = ("sharing", "search")
"""What a restriction can cut off: sharing the app, and its visibility in search."""
MAX_DAYS = 3650


class Rung(StrEnum):
    """The kinds of penalty, mildest first. The values are stable strings."""

    WARNING = "warning"
    RESTRICT = "restrict"
    TAKEDOWN = "takedown"
    BAN = "ban"
    BLACKLIST_PRINCIPAL = "blacklist_principal"

    @property
    def rank(self) -> int:
        return _RUNGS.index(self)

    @property
    def status(self) -> AppStatus:
        """The status the rung puts an app in."""
        return RUNG_STATUS[self]


_RUNGS = tuple(Rung)
RUNG_STATUS: Mapping[Rung, AppStatus] = MappingProxyType(
    {
        Rung.WARNING: AppStatus.WARNED,
        Rung.RESTRICT: AppStatus.RESTRICTED,
        Rung.TAKEDOWN: AppStatus.SUSPENDED,
        Rung.BAN: AppStatus.BANNED,
        Rung.BLACKLIST_PRINCIPAL: AppStatus.BANNED,
    }
)
_DAYS_REQUIRED = frozenset({Rung.WARNING, Rung.RESTRICT, Rung.TAKEDOWN})


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the ladder: its id, rung, duration in days (None: permanent) and, for a
    restriction, the features cut off. A warning's days are its rectification deadline."""

    id: str
    rung: Rung
    days: int | None = None
    features: frozenset[str] = frozenset()

    @property
    def duration(self) -> timedelta | None:
        return None if self.days is None else timedelta(days=self.days)

    @property
    def permanent(self) -> bool:
        return self.days is None


@dataclass(frozen=True, slots=True)
class ZeroTolerance:
    """A rule: a violation carrying every code of `all_of` goes straight to the last step."""

    name: str
    all_of: frozenset[str]
    note: str = ""


Identifier = Annotated[str, StringConstraints(pattern=f"^{IDENTIFIER.pattern}$")]


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _StepDocument(_Document):
    id: Identifier
    rung: Rung
    days: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    features: list[Literal["sharing", "search"]] = Field(default_factory=list)


class _ZeroToleranceDocument(_Document):
    all_of: list[str] = Field(min_length=1)
    note: str = ""


class LadderDocument(_Document):
    """The YAML document, as written."""

    version: str = Field(min_length=1)
    strike_days: int = Field(ge=1, le=MAX_DAYS)
    steps: list[_StepDocument] = Field(min_length=1)
    entry: dict[int, Identifier]
    zero_tolerance: dict[Identifier, _ZeroToleranceDocument] = Field(default_factory=dict)


class Ladder:
    """A validated ladder. Immutable; load a new one to change it."""

    def __init__(self, document: LadderDocument):
        _cross_check(document)
        self.version = document.version
        self.strike_days = document.strike_days
        self.steps: tuple[Step, ...] = tuple(
            Step(step.id, step.rung, step.days, frozenset(step.features)) for step in document.steps
        )
        position = {step.id: index for index, step in enumerate(self.steps)}
        self.entry: Mapping[int, int] = MappingProxyType(
            {severity: position[step] for severity, step in sorted(document.entry.items())}
        )
        self.zero_tolerance: tuple[ZeroTolerance, ...] = tuple(
            ZeroTolerance(key, frozenset(rule.all_of), rule.note)
            for key, rule in document.zero_tolerance.items()
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ladder:
        try:
            return cls(LadderDocument.model_validate(data))
        except ValidationError as exc:
            raise LadderError(f"invalid penalty ladder: {explain(exc)}") from None

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "penalty ladder") -> Ladder:
        expects = "version, strike_days, steps, entry"
        data = parse_mapping(text, source=source, expects=expects, error=LadderError)
        try:
            return cls.from_dict(data)
        except LadderError as exc:
            raise LadderError(f"{source}: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> Ladder:
        text = read_file(path, what="penalty ladder", error=LadderError)
        return cls.from_yaml(text, source=str(path))

    @staticmethod
    @cache
    def default() -> Ladder:
        """The built-in ladder (read once, on first use)."""
        text = read_packaged("penalties.yaml")
        return Ladder.from_yaml(text, source="shenhe/data/penalties.yaml")

    @property
    def top(self) -> int:
        """The index of the last step: a permanent ban and a blacklist of the principal."""
        return len(self.steps) - 1

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def climb(self, severity: int, strikes: int) -> int:
        """The index of the step for a violation of `severity` with `strikes` unexpired
        strikes: the entry of that severity, one step up per strike, at most the top."""
        if severity not in self.entry:
            raise ValueError(f"severity must be one of {', '.join(map(str, SEVERITIES))}")
        return min(self.entry[severity] + max(strikes, 0), self.top)

    def zero_tolerance_for(self, codes: frozenset[str]) -> ZeroTolerance | None:
        """The first zero-tolerance rule all of whose codes are among `codes`, if any."""
        for rule in self.zero_tolerance:
            if rule.all_of <= codes:
                return rule
        return None


def _cross_check(document: LadderDocument) -> None:
    problems = []
    order: list[str] = []
    for index, step in enumerate(document.steps):
        where = f"steps.{index} ({step.id})"
        if step.id in order:
            problems.append(f"{where}.id: {step.id!r} is used by an earlier step too")
        if step.rung in _DAYS_REQUIRED and step.days is None:
            problems.append(f"{where}.days: a {step.rung} needs a number of days")
        if step.rung is Rung.BLACKLIST_PRINCIPAL and step.days is not None:
            problems.append(f"{where}.days: a blacklist is permanent; leave days out")
        if step.rung is Rung.RESTRICT and not step.features:
            problems.append(f"{where}.features: name the features restricted ({FEATURES})")
        if step.rung is not Rung.RESTRICT and step.features:
            problems.append(f"{where}.features: only a restrict step restricts features")
        if index and _milder(step, document.steps[index - 1]):
            problems.append(
                f"{where}: is milder than the step before it; order steps mildest first"
            )
        order.append(step.id)
    rungs = [step.rung for step in document.steps]
    if rungs.count(Rung.BLACKLIST_PRINCIPAL) != 1 or rungs[-1] is not Rung.BLACKLIST_PRINCIPAL:
        problems.append("steps: the last step, and only it, must be a blacklist_principal step")
    if sorted(document.entry) != list(SEVERITIES):
        problems.append(f"entry: give the step of each severity {', '.join(map(str, SEVERITIES))}")
    previous = -1
    for severity, step_id in sorted(document.entry.items()):
        if step_id not in order:
            problems.append(f"entry.{severity}: unknown step {step_id!r}")
            continue
        if order.index(step_id) < previous:
            problems.append(f"entry.{severity}: must not be milder than a lower severity's entry")
        previous = order.index(step_id)
    for key, rule in document.zero_tolerance.items():
        for index, code in enumerate(rule.all_of):
            if not reasons.is_known(code):
                problems.append(f"zero_tolerance.{key}.all_of.{index}: unknown reason {code!r}")
    if problems:
        raise LadderError(f"invalid penalty ladder: {'; '.join(problems)}")


def _milder(step: _StepDocument, before: _StepDocument) -> bool:
    if step.rung.rank != before.rung.rank:
        return step.rung.rank < before.rung.rank
    return _days(step) < _days(before)


def _days(step: _StepDocument) -> float:
    return float("inf") if step.days is None else step.days
