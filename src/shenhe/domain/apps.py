"""Mini apps as values: their status, their content, a submission and the decision on it.

These are frozen dataclasses checked on construction; a bad field is a `SubmissionError`
that names it. The strings of `AppStatus`, `Outcome`, `SubmissionKind` and `Change` are
stable: storage, the API and imports write them as they are.

A `Submission` is either a new app (``kind="new"``) or a change to a listed one
(``kind="change"``, with `changes` saying what changed). `review_submission`
(`shenhe.domain.review`) turns one into a `Decision`: an `Outcome`, reason codes
(`shenhe.domain.reasons`), the screener's evidence per surface, and the versions of the policy,
lexicon and catalogue that decided it, for the audit trail.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal, get_args

from shenhe.domain.errors import SubmissionError
from shenhe.domain.qualifications import IDENTIFIER, Qualification

APPID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
"""The shape of an appid: ``wx1a2b3c4d5e6f7a8b``."""

Outcome = Literal["approve", "review", "reject"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
"""The outcomes, mildest first."""
SubmissionKind = Literal["new", "change"]
KINDS: tuple[SubmissionKind, ...] = get_args(SubmissionKind)
Change = Literal["rename", "description", "pages", "category"]
CHANGES: tuple[Change, ...] = get_args(Change)
PrincipalKind = Literal["enterprise", "individual"]
PRINCIPAL_KINDS: tuple[PrincipalKind, ...] = get_args(PrincipalKind)


class AppStatus(StrEnum):
    """Where an app stands. The values are stable strings."""

    IN_REVIEW = "in_review"
    LISTED = "listed"
    WARNED = "warned"
    """Listed, with a rectification deadline running."""
    RESTRICTED = "restricted"
    """Listed, with features (sharing, search visibility) cut off for a time."""
    SUSPENDED = "suspended"
    """Taken down for a time."""
    BANNED = "banned"
    REJECTED = "rejected"

    @property
    def live(self) -> bool:
        """Whether users can open the app (listed, warned or restricted)."""
        return self in LIVE_STATUSES

    @property
    def approved(self) -> bool:
        """Whether the app got here through an approval (live, or suspended for a time)."""
        return self in APPROVED_STATUSES


LIVE_STATUSES = frozenset({AppStatus.LISTED, AppStatus.WARNED, AppStatus.RESTRICTED})
APPROVED_STATUSES = LIVE_STATUSES | {AppStatus.SUSPENDED}


@dataclass(frozen=True, slots=True)
class AppContent:
    """What an app shows: name, description, page texts and its service category (an id of
    the catalogue). Texts are kept as written: the screener's spans index into them."""

    name: str
    description: str
    pages: tuple[str, ...]
    category: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise SubmissionError("the app's name must not be empty", field="name")
        if not isinstance(self.description, str):
            raise SubmissionError("must be text (it may be empty)", field="description")
        if isinstance(self.pages, str) or not isinstance(self.pages, tuple | list):
            raise SubmissionError("must be a list of page texts", field="pages")
        object.__setattr__(self, "pages", tuple(self.pages))
        for index, page in enumerate(self.pages):
            if not isinstance(page, str):
                raise SubmissionError("must be text", field=f"pages.{index}")
        if not isinstance(self.category, str) or not IDENTIFIER.fullmatch(self.category):
            raise SubmissionError(
                "must be a category id of the catalogue, such as 'tools'", field="category"
            )

    def changes_from(self, previous: AppContent) -> frozenset[Change]:
        """What differs from `previous`: rename, description, pages, category."""
        changed: set[Change] = set()
        if self.name != previous.name:
            changed.add("rename")
        if self.description != previous.description:
            changed.add("description")
        if self.pages != previous.pages:
            changed.add("pages")
        if self.category != previous.category:
            changed.add("category")
        return frozenset(changed)


@dataclass(frozen=True, slots=True)
class PrincipalRef:
    """The legal subject behind an app, as the review needs it: its kind and a stable id (the
    registry's id, a credit code, or the blind index of an identity number; never an identity
    number in clear)."""

    kind: PrincipalKind
    id: str

    def __post_init__(self) -> None:
        if self.kind not in PRINCIPAL_KINDS:
            raise SubmissionError(
                f"must be one of {', '.join(PRINCIPAL_KINDS)}", field="principal.kind"
            )
        if not isinstance(self.id, str) or not self.id.strip():
            raise SubmissionError("must not be empty", field="principal.id")


@dataclass(frozen=True, slots=True)
class Submission:
    """A new app or a change to one, with the qualifications its principal holds."""

    appid: str
    content: AppContent
    principal: PrincipalRef
    qualifications: tuple[Qualification, ...] = ()
    kind: SubmissionKind = "new"
    changes: frozenset[Change] = frozenset()
    """For a change: what changed (empty when only the qualifications did)."""

    def __post_init__(self) -> None:
        if not isinstance(self.appid, str) or not APPID.fullmatch(self.appid):
            raise SubmissionError(
                "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit",
                field="appid",
            )
        if not isinstance(self.content, AppContent):
            raise SubmissionError("must be an AppContent", field="content")
        if not isinstance(self.principal, PrincipalRef):
            raise SubmissionError("must be a PrincipalRef", field="principal")
        if isinstance(self.qualifications, str | Qualification):
            raise SubmissionError("must be a list of qualifications", field="qualifications")
        object.__setattr__(self, "qualifications", tuple(self.qualifications))
        for index, held in enumerate(self.qualifications):
            if not isinstance(held, Qualification):
                raise SubmissionError("must be a Qualification", field=f"qualifications.{index}")
        if self.kind not in KINDS:
            raise SubmissionError(f"must be one of {', '.join(KINDS)}", field="kind")
        object.__setattr__(self, "changes", frozenset(self.changes))
        unknown = sorted(set(self.changes) - set(CHANGES))
        if unknown:
            raise SubmissionError(
                f"unknown change(s) {', '.join(unknown)}; use {', '.join(CHANGES)}",
                field="changes",
            )
        if self.kind == "new" and self.changes:
            raise SubmissionError("a new app has no changes; use kind 'change'", field="changes")

    @classmethod
    def change(
        cls,
        appid: str,
        content: AppContent,
        previous: AppContent,
        principal: PrincipalRef,
        qualifications: tuple[Qualification, ...] = (),
    ) -> Submission:
        """A change from `previous` to `content`, its `changes` worked out from the two."""
        return cls(
            appid, content, principal, qualifications, "change", content.changes_from(previous)
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """The decision on a submission.

    `evidence` maps a key to plain JSON data: ``app_name``, ``app_description`` and
    ``app_page.<n>`` (n from 0) hold the verdict of that surface (`Verdict.to_dict`: labels,
    hits with spans, contacts), only for surfaces where something was found; ``qualifications``
    maps each licence type the category asks for to how it stood (``valid``, ``unverified``,
    ``not_yet_valid``, ``expired``, ``missing``); ``signals`` holds the external findings
    (blacklist, clone, brand) when there were any.
    """

    appid: str
    kind: SubmissionKind
    category: str
    outcome: Outcome
    reasons: tuple[str, ...]
    evidence: Mapping[str, Mapping[str, Any]]
    policy_version: str
    lexicon_version: str
    catalogue_version: str
    decided_on: date
    changes: frozenset[Change] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise SubmissionError(f"must be one of {', '.join(OUTCOMES)}", field="outcome")
        if self.outcome != "approve" and not self.reasons:
            raise SubmissionError(f"a {self.outcome} must give a reason", field="reasons")
        object.__setattr__(self, "reasons", tuple(self.reasons))
        object.__setattr__(self, "evidence", MappingProxyType(dict(self.evidence)))

    @property
    def status(self) -> AppStatus:
        """The status the outcome alone calls for: listed, in_review or rejected (see
        `shenhe.domain.review.status_after` for an app that already has a status)."""
        return OUTCOME_STATUS[self.outcome]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, for the API, the audit log and imports."""
        return {
            "appid": self.appid,
            "kind": self.kind,
            "changes": sorted(self.changes),
            "category": self.category,
            "outcome": self.outcome,
            "status": self.status.value,
            "reasons": list(self.reasons),
            "evidence": {key: copy.deepcopy(dict(value)) for key, value in self.evidence.items()},
            "policy_version": self.policy_version,
            "lexicon_version": self.lexicon_version,
            "catalogue_version": self.catalogue_version,
            "decided_on": self.decided_on.isoformat(),
        }


OUTCOME_STATUS: Mapping[Outcome, AppStatus] = MappingProxyType(
    {"approve": AppStatus.LISTED, "review": AppStatus.IN_REVIEW, "reject": AppStatus.REJECTED}
)
