"""Signals: facts about a submission that the review cannot find in its text, computed by
storage and the look-alike detectors and handed to `review_submission`.

- `principal_blacklisted`: the principal (by credit code, or by the blind index of an identity
  number) is on the blacklist;
- `clone_of_banned`: the app nearly duplicates a banned one (`shenhe.domain.clones`: build it
  from a `CloneMatch` as ``CloneSignal(match.key, match.score)``);
- `brand_imitation`: the app's name imitates a protected brand.

Similarities run from 0 to 1; what each signal does to the decision is documented in
`shenhe.domain.review`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shenhe.domain.errors import SubmissionError


@dataclass(frozen=True, slots=True)
class CloneSignal:
    """The banned app this one nearly duplicates, and how similar they are (0-1)."""

    appid: str
    similarity: float

    def __post_init__(self) -> None:
        _check_similarity(self.similarity, "clone_of_banned.similarity")


@dataclass(frozen=True, slots=True)
class BrandSignal:
    """The protected brand this app's name imitates, and how similar they are (0-1)."""

    brand: str
    similarity: float

    def __post_init__(self) -> None:
        _check_similarity(self.similarity, "brand_imitation.similarity")


@dataclass(frozen=True, slots=True)
class ReviewSignals:
    """Facts computed outside the review (by storage and the look-alike detector)."""

    principal_blacklisted: bool = False
    clone_of_banned: CloneSignal | None = None
    brand_imitation: BrandSignal | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"principal_blacklisted": self.principal_blacklisted}
        if self.clone_of_banned is not None:
            data["clone_of_banned"] = {
                "appid": self.clone_of_banned.appid,
                "similarity": self.clone_of_banned.similarity,
            }
        if self.brand_imitation is not None:
            data["brand_imitation"] = {
                "brand": self.brand_imitation.brand,
                "similarity": self.brand_imitation.similarity,
            }
        return data

    @property
    def any(self) -> bool:
        return (
            self.principal_blacklisted
            or self.clone_of_banned is not None
            or self.brand_imitation is not None
        )


NO_SIGNALS = ReviewSignals()


def _check_similarity(value: float, name: str) -> None:
    if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise SubmissionError("must be a number from 0 to 1", field=name)
