"""Posting use cases: publish a post or a comment, read them, and the moderators' review.

`publish` runs the gates in order, in one transaction, and the first that fails refuses:

1. the account has publishing rights (`services.accounts.publishing_rights`: active,
   identity verified and not due for re-verification, mobile confirmed); the refusal's
   reason is the accounts' code (``not_found``, ``account_closed``, ``identity_lapsed``,
   ``mobile_unverified`` …);
2. it accepted the current service agreement (``no_agreement`` before one is published,
   ``agreement_not_accepted`` after a new version);
3. its credit tier lets it publish (``credit_restricted``);
4. it has not used up its tier's posts or comments for the hour (`RateLimitedError`);
5. a comment answers a post that exists and that the author may see;
6. screening (surface ``post`` or ``comment``): ``block`` refuses with the reasons and spans
   and costs credit (``post_blocked``/``comment_blocked``, committed with its audit record
   before the refusal is raised), a link the tier does not allow refuses, ``review`` holds
   it, ``pass`` publishes.

Held content is seen by its author and moderators only, until `decide_held` publishes it or
removes it (a removal costs credit: ``content_removed``). Every state change has its audit
record (``post.publish``, ``post.hold``, ``post.refuse``, ``post.decide``; ``comment.*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from shenhe.domain.audit import SYSTEM_ACTOR, Subject
from shenhe.domain.credit import Standing
from shenhe.domain.posts import (
    RATE_WINDOW,
    Post,
    PostKind,
    checked_body,
    decide_post,
    retry_after,
)
from shenhe.domain.publishing_errors import PostRefusedError
from shenhe.services import audit
from shenhe.services.accounts import publishing_rights
from shenhe.services.agreements import has_accepted_current
from shenhe.services.credit import standing_of, violation
from shenhe.services.errors import ConflictError, NotFoundError
from shenhe.services.publishing_errors import PublishingForbiddenError, RateLimitedError
from shenhe.services.publishing_rules import PublishingRules
from shenhe.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class NewPost:
    """A post (no `parent_id`) or a comment on the post `parent_id`."""

    account_id: int
    body: str
    kind: PostKind = "post"
    parent_id: int | None = None


def publish(
    uow: UnitOfWork,
    rules: PublishingRules,
    command: NewPost,
    *,
    now: datetime,
) -> Post:
    """Publish, hold or refuse a new post or comment (see the module)."""
    body = checked_body(command.kind, command.body)
    with uow:
        standing = _may_publish(uow, rules, command, now=now)
        if command.kind == "comment":
            _check_parent(uow, command)
        verdict = rules.screener.screen(body, surface=command.kind)
        try:
            outcome = decide_post(command.kind, verdict, standing.tier)
        except PostRefusedError as refused:
            _refused(uow, rules, command, refused, blocked=verdict.suggestion == "block", now=now)
            uow.commit()
            raise
        post = uow.posts.add(
            kind=command.kind,
            account_id=command.account_id,
            parent_id=command.parent_id,
            body=body,
            status=outcome.status,
            reasons=outcome.reasons,
            verdict=verdict.to_dict(),
            at=now,
        )
        audit.append(
            uow,
            actor=f"account:{command.account_id}",
            action=f"{post.kind}.{'publish' if post.status == 'published' else 'hold'}",
            subject=Subject(post.kind, str(post.id)),
            payload={
                "status": post.status,
                "reasons": list(post.reasons),
                "parent_id": post.parent_id,
                "suggestion": verdict.suggestion,
                "lexicon_version": rules.screener.lexicon.version,
                "policy_version": rules.screener.policy.version,
            },
            at=now,
        )
        uow.commit()
    return post


def _may_publish(
    uow: UnitOfWork, rules: PublishingRules, command: NewPost, *, now: datetime
) -> Standing:
    # Lock the author's row: two posts of one account at once queue here, so the hourly
    # limit below counts the one before.
    rights = publishing_rights(uow, command.account_id, now, for_update=True)
    if not rights.allowed:
        raise PublishingForbiddenError(rights.code, f"the account may not publish: {rights.reason}")
    current, accepted = has_accepted_current(uow, command.account_id)
    if current is None:
        raise PublishingForbiddenError(
            "no_agreement", "no service agreement is published yet; publishing opens after one is"
        )
    if not accepted:
        raise PublishingForbiddenError(
            "agreement_not_accepted",
            f"accept the service agreement {current!r} first "
            f"(POST /v1/agreements/{current}/acceptances)",
        )
    standing = standing_of(uow, rules.credit, command.account_id, now)
    if not standing.tier.may_publish:
        raise PublishingForbiddenError(
            "credit_restricted",
            f"the account's credit score is {standing.score}: it may not publish until time "
            "restores it",
        )
    recent = uow.posts.recent(command.account_id, command.kind, now - RATE_WINDOW)
    wait = retry_after(command.kind, standing.tier, recent, now)
    if wait is not None:
        raise RateLimitedError(
            f"the account made its {command.kind}s for the hour (credit tier "
            f"{standing.tier.name!r}); try again in {wait} seconds",
            retry_after=wait,
        )
    return standing


def _check_parent(uow: UnitOfWork, command: NewPost) -> None:
    parent = None if command.parent_id is None else uow.posts.get(command.parent_id)
    if parent is None or parent.kind != "post" or not parent.visible_to(command.account_id):
        raise NotFoundError("post", str(command.parent_id))


def _refused(
    uow: UnitOfWork,
    rules: PublishingRules,
    command: NewPost,
    refused: PostRefusedError,
    *,
    blocked: bool,
    now: datetime,
) -> None:
    subject = Subject("account", str(command.account_id))
    reasons = sorted({problem.reason for problem in refused.problems})
    audit.append(
        uow,
        actor=SYSTEM_ACTOR,
        action=f"{command.kind}.refuse",
        subject=subject,
        payload={"reasons": reasons, "parent_id": command.parent_id},
        at=now,
    )
    if blocked:
        kind = "post_blocked" if command.kind == "post" else "comment_blocked"
        violation(uow, rules.credit, command.account_id, kind, subject=command.kind, now=now)


def get_post(uow: UnitOfWork, post_id: int, *, viewer: int | None, moderator: bool = False) -> Post:
    """A post or comment the viewer may see; anything else is `NotFoundError` (held content
    of others is not admitted to exist)."""
    with uow:
        post = uow.posts.get(post_id)
    if post is None or not post.visible_to(viewer, moderator=moderator):
        raise NotFoundError("post", str(post_id))
    return post


def list_posts(
    uow: UnitOfWork, *, viewer: int | None, after: int = 0, limit: int = 50
) -> list[Post]:
    """Published posts, and the viewer's own held ones, oldest first after `after`."""
    with uow:
        return uow.posts.listing(kind="post", viewer=viewer, after=after, limit=limit)


def list_comments(
    uow: UnitOfWork, post_id: int, *, viewer: int | None, after: int = 0, limit: int = 50
) -> list[Post]:
    """The visible comments on a visible post."""
    with uow:
        post = uow.posts.get(post_id)
        if post is None or post.kind != "post" or not post.visible_to(viewer):
            raise NotFoundError("post", str(post_id))
        return uow.posts.listing(
            kind="comment",
            parent_id=post_id,
            viewer=viewer,
            after=after,
            limit=limit,
        )


def review_queue(uow: UnitOfWork, *, after: int = 0, limit: int = 50) -> list[Post]:
    """Held posts and comments, oldest first: what moderators decide."""
    with uow:
        return uow.posts.held(after=after, limit=limit)


def decide_held(
    uow: UnitOfWork,
    rules: PublishingRules,
    post_id: int,
    *,
    outcome: Literal["publish", "remove"],
    moderator: str,
    now: datetime,
) -> Post:
    """A moderator publishes or removes held content; content not held is a `ConflictError`."""
    if not moderator.strip():
        raise ConflictError("name the moderator who decides")
    with uow:
        post = uow.posts.get(post_id, for_update=True)
        if post is None:
            raise NotFoundError("post", str(post_id))
        if post.status != "held":
            raise ConflictError(f"{post.kind} {post_id} is {post.status}, not held for review")
        status: Literal["published", "removed"] = "published" if outcome == "publish" else "removed"
        uow.posts.set_status(post_id, status, reasons=post.reasons, actor=moderator, at=now)
        audit.append(
            uow,
            actor=moderator,
            action=f"{post.kind}.decide",
            subject=Subject(post.kind, str(post_id)),
            payload={"outcome": outcome, "reasons": list(post.reasons)},
            at=now,
        )
        if status == "removed" and post.account_id is not None:
            violation(
                uow,
                rules.credit,
                post.account_id,
                "content_removed",
                subject=f"{post.kind}:{post_id}",
                now=now,
                actor=moderator,
            )
        decided = uow.posts.get(post_id)
        uow.commit()
    assert decided is not None
    return decided
