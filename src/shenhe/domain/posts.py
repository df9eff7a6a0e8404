"""Posts and comments: what screening and credit make of a new one, and who may see it.

`decide_post` takes the screener's verdict on the text (surface ``post`` or ``comment``) and
the author's credit tier:

- ``block`` refuses it (`PostRefusedError`, with each hit and contact and its span), and is
  a violation that costs credit;
- a link (a URL among the contacts) from an author whose tier allows none refuses it too
  (``links_not_allowed``), without a credit penalty;
- ``review`` keeps it ``held``: stored, seen only by its author and moderators, until a
  moderator publishes or refuses it;
- ``pass`` publishes it.

`rate_limit` says whether the author has used up the hour's posts or comments. Statuses:
``published``, ``held``, ``removed`` (refused by a moderator after review, or taken down
after an upheld complaint). Pure: verdicts, tiers and times are arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

from shenhe.domain.credit import Tier
from shenhe.domain.publishing_errors import PostError, PostRefusedError, Problem
from shenhe.screening.verdict import Verdict

PostKind = Literal["post", "comment"]
PostStatus = Literal["published", "held", "removed"]
POST_KINDS: tuple[PostKind, ...] = get_args(PostKind)
POST_STATUSES: tuple[PostStatus, ...] = get_args(PostStatus)
BODY_MAX = {"post": 5_000, "comment": 1_000}
RATE_WINDOW = timedelta(hours=1)
ANONYMOUS_AUTHOR = "已注销用户"
"""What is shown for the author of content whose account was deleted."""


@dataclass(frozen=True, slots=True)
class Post:
    """A post or a comment (a comment has the post it answers as `parent_id`)."""

    id: int
    kind: PostKind
    account_id: int | None
    """None once the author's account was deleted (the content is anonymised)."""
    parent_id: int | None
    body: str
    status: PostStatus
    reasons: tuple[str, ...]
    verdict: dict[str, Any]
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None

    def visible_to(self, viewer: int | None, *, moderator: bool = False) -> bool:
        """Published content is public; held content only for its author and moderators."""
        if self.status == "published" or moderator:
            return True
        return self.status == "held" and viewer is not None and viewer == self.account_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "account_id": self.account_id,
            "author": None if self.account_id is not None else ANONYMOUS_AUTHOR,
            "parent_id": self.parent_id,
            "body": self.body,
            "status": self.status,
            "reasons": list(self.reasons),
            "verdict": self.verdict,
            "created_at": self.created_at.isoformat(),
            "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
            "decided_by": self.decided_by,
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to do with a new post: its status and why."""

    status: PostStatus
    reasons: tuple[str, ...]


def checked_body(kind: PostKind, body: str) -> str:
    """The body stripped; an empty or overlong one is a `PostError`."""
    text = body.strip()
    if not text:
        raise PostError(f"the {kind} has no text", field="body")
    if len(text) > BODY_MAX[kind]:
        raise PostError(
            f"{len(text)} characters; a {kind} may have at most {BODY_MAX[kind]}", field="body"
        )
    return text


def decide_post(kind: PostKind, verdict: Verdict, tier: Tier) -> Outcome:
    """Publish, hold or refuse (`PostRefusedError`) a new post or comment; see the module."""
    categories = tuple(sorted(verdict.categories))
    if verdict.suggestion == "block":
        problems = [
            Problem.at("body", f"screened.{h.category}", f"{h.text!r} reads as {h.category}", h)
            for h in verdict.hits
        ] + [
            Problem.at("body", f"contact.{c.kind}", f"{c.text!r} leads users off the platform", c)
            for c in verdict.contacts
        ]
        raise PostRefusedError(
            f"the {kind} was refused ({', '.join(categories) or 'blocked'})", problems
        )
    links = [c for c in verdict.contacts if c.kind == "url"]
    if links and not tier.links:
        problems = [
            Problem.at(
                "body",
                "links_not_allowed",
                f"remove the link {c.text!r}: credit tier {tier.name!r} cannot post links",
                c,
            )
            for c in links
        ]
        raise PostRefusedError(f"the {kind} holds a link", problems)
    if verdict.suggestion == "review":
        return Outcome(
            "held", tuple(f"review.{category}" for category in categories) or ("review",)
        )
    return Outcome("published", ())


def hourly_limit(kind: PostKind, tier: Tier) -> int:
    return tier.posts_per_hour if kind == "post" else tier.comments_per_hour


def retry_after(kind: PostKind, tier: Tier, recent: list[datetime], now: datetime) -> int | None:
    """Seconds until the author may make another `kind`, given the times of those made in the
    last hour (`recent`); None when the author may now."""
    limit = hourly_limit(kind, tier)
    window = sorted(at for at in recent if at > now - RATE_WINDOW)
    if len(window) < limit:
        return None
    if limit == 0:
        return int(RATE_WINDOW.total_seconds())
    freed = window[len(window) - limit] + RATE_WINDOW
    return max(1, int((freed - now).total_seconds() + 0.999))
