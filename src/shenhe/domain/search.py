"""The search gate as values: who may be found, what the index holds, what a search answers.

An app may be found in search while it is live (``listed``, ``warned`` or ``restricted``) and
no enforcement action in force has taken its ``search`` feature away (a restriction step of
the ladder, `shenhe.domain.ladder.FEATURES`). So ``banned``, ``suspended``, ``rejected`` and
``in_review`` apps are never found, and a ``restricted`` app is found only while its
restriction leaves search alone (a sharing-only restriction, say).

The index holds a `SearchDocument` per findable app: the tokens of its name, and those of its
description and pages (`shenhe.text.tokens.search_tokens`), kept apart so a match in the name
ranks above one in the body. A search blocked by the ``search`` surface answers with a reason
code ``query.blocked.<category>`` (`blocked_reason`), the category of the verdict's strongest
label: ``query.blocked.loan`` for 贷款, 现金贷, 分期 and their disguises.

Pure: no I/O; tokenizing runs jieba's bundled dictionary on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from shenhe.domain.apps import AppStatus
from shenhe.screening.verdict import Verdict
from shenhe.text.tokens import search_tokens

SEARCHABLE_STATUSES = frozenset({AppStatus.LISTED, AppStatus.WARNED, AppStatus.RESTRICTED})
"""Statuses whose apps may be found, unless their ``search`` feature is restricted."""
SEARCH_FEATURE = "search"
"""The feature an enforcement action lists in ``features`` to hide an app from search."""
BLOCKED_REASON = "query.blocked"
"""The reason-code family of a blocked query: ``query.blocked.<category>``."""
MAX_TOKEN_LENGTH = 64
"""Longer tokens (a pasted blob of letters) are neither indexed nor searched for."""
MAX_BODY_TOKENS = 10_000
"""At most this many distinct tokens of an app's description and pages are indexed."""


@dataclass(frozen=True, slots=True)
class SearchCandidate:
    """An app as the index sees it: its key, content, status, and whether an enforcement
    action in force restricts its ``search`` feature."""

    id: int
    appid: str
    name: str
    description: str
    pages: tuple[str, ...]
    status: str
    search_restricted: bool = False

    @property
    def searchable(self) -> bool:
        """Whether the app may be found in search now."""
        return self.status in SEARCHABLE_STATUSES and not self.search_restricted

    def document(self) -> SearchDocument:
        """The tokens the index stores for this app."""
        body = _merged(search_tokens(text) for text in (self.description, *self.pages))
        return SearchDocument(
            self.id,
            tuple(_kept(search_tokens(self.name))),
            tuple(_kept(body))[:MAX_BODY_TOKENS],
        )


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """What the index holds for one app (`app_id` is the app's surrogate key)."""

    app_id: int
    name_tokens: tuple[str, ...]
    body_tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An app found: its appid, its name, and its relevance (higher is better; scores are
    comparable within one search, not between searches or databases)."""

    appid: str
    name: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"appid": self.appid, "name": self.name, "score": self.score}


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The answer to a search: blocked with a reason code, or the apps found, best first."""

    blocked: bool
    reason: str | None = None
    results: tuple[SearchHit, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "blocked": self.blocked,
            "reason": self.reason,
            "results": [hit.to_dict() for hit in self.results],
        }


def blocked_reason(verdict: Verdict) -> str | None:
    """The reason code when `verdict` (of the query, on the ``search`` surface) blocks the
    search, else None. Review counts as block: search fails closed."""
    if verdict.suggestion == "pass":
        return None
    if not verdict.labels:
        return BLOCKED_REASON
    strongest = max(verdict.labels, key=lambda label: (label.score, label.severity))
    return f"{BLOCKED_REASON}.{strongest.category}"


def searchable_tokens(tokens: Iterable[str]) -> list[str]:
    """`tokens` fit for the index: made only of letters, digits and hanzi (so no database
    reads one as an operator or splits it), and at most `MAX_TOKEN_LENGTH` long."""
    return list(_kept(tokens))


def _kept(tokens: Iterable[str]) -> Iterable[str]:
    return (token for token in tokens if len(token) <= MAX_TOKEN_LENGTH and token.isalnum())


def _merged(lists: Iterable[list[str]]) -> list[str]:
    merged: dict[str, None] = {}
    for tokens in lists:
        merged.update(dict.fromkeys(tokens))
    return list(merged)
