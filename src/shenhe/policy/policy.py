"""The screening policy: how hits and contacts become scores, and scores a suggestion, per surface.

A policy is data (YAML, see ``shenhe/data/policy.yaml``) validated on load; a bad file is a
`PolicyError` that names the field. Pure: no I/O beyond reading the file it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shenhe.documents import explain, parse_mapping, read_file, read_packaged
from shenhe.errors import PolicyError
from shenhe.policy.surfaces import SURFACES

Suggestion = Literal["pass", "review", "block"]
DIVERSION = "diversion"


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    review: float = Field(ge=0.0, le=1.0)
    block: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.review > self.block:
            raise ValueError(f"review ({self.review}) must not exceed block ({self.block})")
        return self


class SurfaceRule(Thresholds):
    """A surface's thresholds, the weight of a contact there, and per-category overrides."""

    contact_weight: float = Field(ge=0.0, le=1.0)
    categories: dict[str, Thresholds] = Field(default_factory=dict)

    def thresholds(self, category: str) -> tuple[float, float]:
        override = self.categories.get(category)
        if override is not None:
            return override.review, override.block
        return self.review, self.block


class PolicyDocument(BaseModel):
    """The YAML document, as written."""

    model_config = ConfigDict(extra="forbid")

    version: str
    severity_weights: dict[int, float]
    variant_factors: dict[str, float]
    defaults: dict[str, float]
    surfaces: dict[str, dict[str, Any]] = Field(default_factory=dict)
    contact_boost: float = Field(default=0.0, ge=0.0, le=1.0)
    boosted_categories: list[str] = Field(default_factory=list)


class Policy:
    """A validated policy. Immutable; load a new one to change it."""

    def __init__(self, document: PolicyDocument):
        self.version = document.version
        self.severity_weights = dict(document.severity_weights)
        self.variant_factors = dict(document.variant_factors)
        self.contact_boost = document.contact_boost
        self.boosted_categories = frozenset(document.boosted_categories)
        self.surfaces: dict[str, SurfaceRule] = {}
        for name in SURFACES:
            merged = {**document.defaults, **document.surfaces.get(name, {})}
            try:
                self.surfaces[name] = SurfaceRule.model_validate(merged)
            except ValidationError as exc:
                raise PolicyError(f"surface {name!r}: {explain(exc)}") from None
        unknown = sorted(set(document.surfaces) - set(SURFACES))
        if unknown:
            raise PolicyError(
                f"the policy names unknown surface(s) {', '.join(unknown)}; "
                f"known: {', '.join(SURFACES)}"
            )
        self._weights = {
            (severity, variant): weight * factor
            for severity, weight in self.severity_weights.items()
            for variant, factor in self.variant_factors.items()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        try:
            return cls(PolicyDocument.model_validate(data))
        except ValidationError as exc:
            raise PolicyError(f"invalid policy: {explain(exc)}") from None

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        text = read_file(path, what="policy", error=PolicyError)
        return cls.from_yaml(text, source=str(path))

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "policy") -> Policy:
        expects = "version, surfaces, ..."
        data = parse_mapping(text, source=source, expects=expects, error=PolicyError)
        return cls.from_dict(data)

    @classmethod
    def default(cls) -> Policy:
        return cls.from_yaml(read_packaged("policy.yaml"), source="shenhe/data/policy.yaml")

    def hit_weight(self, severity: int, variant: str) -> float:
        """The evidence one hit gives its category, in [0, 1]."""
        try:
            return self._weights[severity, variant]
        except KeyError:
            base = self.severity_weights.get(severity, 0.0)
            return base * self.variant_factors.get(variant, 1.0)

    def contact_weight(self, surface: str) -> float:
        return self.surfaces[surface].contact_weight

    def decide(self, surface: str, scores: Mapping[str, float]) -> Suggestion:
        """The suggestion for a text whose categories scored `scores` on `surface`.

        A contact beside harmful content is its call to action: where the text also scored
        for ``diversion``, each of the ``boosted_categories`` counts it as further evidence
        (``contact_boost`` × the diversion score, combined as a noisy-or).
        """
        rule = self.surfaces[surface]
        if len(scores) == 1 and not rule.categories:  # the common case, kept cheap
            (score,) = scores.values()
            return "block" if score >= rule.block else "review" if score >= rule.review else "pass"
        suggestion: Suggestion = "pass"
        boost = self.contact_boost * scores.get(DIVERSION, 0.0)
        for category, score in scores.items():
            if boost and category in self.boosted_categories:
                score = 1.0 - (1.0 - score) * (1.0 - boost)
            review, block = rule.thresholds(category)
            if score >= block:
                return "block"
            if score >= review:
                suggestion = "review"
        return suggestion
