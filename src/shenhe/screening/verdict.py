"""The verdict: what the screener says about one text, and its one JSON form.

These are plain slotted dataclasses (cheap to build on the hot path); treat them as values.
`Hit` and `Label` are frozen: the screener shares one label between the verdicts of a batch
that score alike, and one hit between texts of a batch that hold the same term exactly at the
same offsets.

The same schema is produced by the library (`Verdict.to_dict`), the CLI (JSON lines) and
the HTTP API (FastAPI serialises these dataclasses). Offsets are code-point offsets into the
original input, and `input[start:end] == text` holds for every hit and contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shenhe.policy.policy import Suggestion
from shenhe.text.contacts import Contact

SUGGESTIONS: tuple[Suggestion, ...] = ("pass", "review", "block")


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon term found in the text, possibly disguised."""

    term: str
    category: str
    text: str
    start: int
    end: int
    variant: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "category": self.category,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "variant": self.variant,
        }


@dataclass(frozen=True, slots=True)
class Label:
    """A category the text belongs to, with a score in [0, 1] and the worst severity seen."""

    category: str
    score: float
    severity: int

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "score": self.score, "severity": self.severity}


@dataclass(slots=True)
class Verdict:
    """The screener's answer for one text."""

    suggestion: Suggestion
    labels: tuple[Label, ...] = ()
    hits: tuple[Hit, ...] = ()
    contacts: tuple[Contact, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "suggestion": self.suggestion,
            "labels": [label.to_dict() for label in self.labels],
            "hits": [hit.to_dict() for hit in self.hits],
            "contacts": [contact.to_dict() for contact in self.contacts],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        return cls(
            suggestion=data["suggestion"],
            labels=tuple(Label(**item) for item in data.get("labels", [])),
            hits=tuple(Hit(**item) for item in data.get("hits", [])),
            contacts=tuple(Contact(**item) for item in data.get("contacts", [])),
        )

    def label(self, category: str) -> Label | None:
        """The label for `category`, or None when the text has none."""
        for label in self.labels:
            if label.category == category:
                return label
        return None

    @property
    def categories(self) -> set[str]:
        return {label.category for label in self.labels}
