"""Search use cases: keep the index in step with the registry, and search it behind the gate.

`refresh_search` is a step of other use cases: every use case that changes an app (its
content, its status, an enforcement action on it) calls it inside its ``with uow:`` block,
before ``uow.commit()``, so the index changes in the same transaction as the app::

    with uow:
        ...                                  # the app changes
        refresh_search(uow, [appid])         # indexed if it may be found, else taken out
        uow.commit()

`rebuild_search` rebuilds the whole index in batches of its own transactions (after a
migration, or to repair it); `search_apps` answers a query. Who may be found is
`shenhe.domain.search.SearchCandidate.searchable`: a live app whose ``search`` feature no
enforcement action in force has taken away. The same rule is checked again at query time,
against the apps themselves, so an index row that a missed refresh left behind never shows a
banned app. A restriction that expires does not refresh the index by itself: the use case
that lifts it calls `refresh_search` (or a rebuild puts the app back).

A query is first screened on the ``search`` surface: one the policy blocks (or sends to
review) finds nothing and says why, ``query.blocked.<category>``. Otherwise the apps holding
every token of the query are found, or, when none does, those holding any, best first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shenhe.domain.search import (
    SEARCHABLE_STATUSES,
    SearchCandidate,
    SearchResult,
    blocked_reason,
    searchable_tokens,
)
from shenhe.errors import InputError
from shenhe.screening.screener import Screener
from shenhe.services.unit_of_work import UnitOfWork
from shenhe.text.tokens import query_tokens

SEARCH_SURFACE = "search"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
"""The most results one search returns."""
MAX_QUERY_LENGTH = 100
"""The longest query accepted, in characters."""
BATCH_SIZE = 1000
"""Apps per transaction when rebuilding the index."""


def refresh_search(uow: UnitOfWork, appids: Iterable[str], *, now: datetime | None = None) -> None:
    """Bring the index in step with the apps named, inside the open transaction of `uow`
    (not committed): index those that may be found now, take the others out. Appids not in
    the registry are ignored. `now` (default: the clock) decides which restrictions are in
    force."""
    moment = _now(now)
    wanted = set(appids)
    if wanted:
        _index(uow, uow.search.candidates(wanted, now=moment))


@dataclass(frozen=True, slots=True)
class RebuildReport:
    """What a rebuild did: apps read, apps now in the index, batches (transactions)."""

    apps: int
    indexed: int
    batches: int

    def to_dict(self) -> dict[str, Any]:
        return {"apps": self.apps, "indexed": self.indexed, "batches": self.batches}


def rebuild_search(
    uow: UnitOfWork,
    *,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> RebuildReport:
    """Rebuild the index from every app, `batch_size` apps per transaction, in id order.

    Each batch rewrites the index rows of its range of ids from the apps as they are in the
    same transaction, so changes made meanwhile (which refresh the index themselves) are
    never undone, and running it again changes nothing. Rows of ids past the last app are
    dropped at the end. `progress` is called with the number of apps read in each batch.
    """
    if batch_size < 1:
        raise InputError(f"the batch size must be at least 1, not {batch_size}")
    moment = _now(now)
    after = apps = indexed = batches = 0
    while True:
        with uow:
            candidates = uow.search.candidates_after(after, limit=batch_size, now=moment)
            if not candidates:
                uow.search.remove_range(after)
                uow.commit()
                break
            through = candidates[-1].id
            uow.search.remove_range(after, through)
            indexed += _index(uow, candidates, removed=True)
            uow.commit()
        after, apps, batches = through, apps + len(candidates), batches + 1
        if progress is not None:
            progress(len(candidates))
    return RebuildReport(apps, indexed, batches)


def search_apps(
    uow: UnitOfWork,
    screener: Screener,
    query: str,
    *,
    limit: int = DEFAULT_LIMIT,
    now: datetime | None = None,
) -> SearchResult:
    """Search the apps that may be found for `query`, best first, behind the search gate.

    Raises `InputError` for an empty query (nothing but spaces), one longer than
    `MAX_QUERY_LENGTH` characters, or a `limit` outside 1 to `MAX_LIMIT`.
    """
    check_query(query)
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    reason = blocked_reason(screener.screen(query, surface=SEARCH_SURFACE))
    if reason is not None:
        return SearchResult(blocked=True, reason=reason)
    tokens = searchable_tokens(query_tokens(query))
    if not tokens:
        return SearchResult(blocked=False)
    moment = _now(now)
    with uow:
        hits = uow.search.search(
            tokens, match_all=True, statuses=SEARCHABLE_STATUSES, limit=limit, now=moment
        )
        if not hits and len(tokens) > 1:
            hits = uow.search.search(
                tokens, match_all=False, statuses=SEARCHABLE_STATUSES, limit=limit, now=moment
            )
    return SearchResult(blocked=False, results=tuple(hits))


def check_query(query: str) -> None:
    """Refuse an empty query or one longer than `MAX_QUERY_LENGTH` (`InputError`)."""
    if not query.strip():
        raise InputError("the search query is empty: give a word or a name to search for")
    if len(query) > MAX_QUERY_LENGTH:
        raise InputError(
            f"the search query has {len(query)} characters; the limit is {MAX_QUERY_LENGTH}"
        )


def _index(uow: UnitOfWork, candidates: list[SearchCandidate], *, removed: bool = False) -> int:
    """Index the searchable candidates, take out the rest; how many are indexed."""
    documents = [candidate.document() for candidate in candidates if candidate.searchable]
    if not removed:
        uow.search.remove(c.id for c in candidates if not c.searchable)
    uow.search.put(documents)
    return len(documents)


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now
