"""The posting routes: posts, comments, and the moderators' review of held content.

POST /v1/posts                          the signed-in account posts → 201, ``published``
                                        or ``held``; 422 refused (reasons and spans),
                                        403 may not publish (why), 429 rate limit
GET  /v1/posts                          published posts (and the caller's held ones)
GET  /v1/posts/{post_id}                one post (held: only its author sees it)
POST /v1/posts/{post_id}/comments       comment on a post, screened the same way
GET  /v1/posts/{post_id}/comments       its visible comments
GET  /v1/moderation/posts               held posts and comments, oldest first
POST /v1/moderation/posts/{post_id}/decision   publish or remove held content
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from shenhe.api import caller, deps
from shenhe.api.auth import operator_with
from shenhe.api.publishing_deps import publishing_rules
from shenhe.api.schemas import ErrorOut, Text
from shenhe.domain.posts import PostKind, PostStatus
from shenhe.services import posts

router = APIRouter(tags=["posts"])


class PostIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Text = Field(description="The text, screened on the post or comment surface.")


class PostOut(BaseModel):
    id: int
    kind: PostKind
    account_id: int | None
    author: str | None = Field(description="已注销用户 once the author's account is deleted.")
    parent_id: int | None
    body: str
    status: PostStatus
    reasons: list[str]
    verdict: dict[str, Any]
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None


class PostsOut(BaseModel):
    posts: list[PostOut]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["publish", "remove"]


ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut, "description": "The account may not publish now; `type` says why."},
    404: {"model": ErrorOut, "description": "No such post (or not one the caller may see)."},
    422: {"model": ErrorOut, "description": "Refused: each problem with its reason and span."},
    429: {"model": ErrorOut, "description": "Too many for the hour; see Retry-After."},
}


def _now() -> datetime:
    return datetime.now(UTC)


def _publish(request: Request, body: str, parent_id: int | None) -> dict[str, Any]:
    command = posts.NewPost(
        account_id=caller.required_account(request),
        body=body,
        kind="post" if parent_id is None else "comment",
        parent_id=parent_id,
    )
    post = posts.publish(
        deps.unit_of_work(request),
        publishing_rules(request),
        command,
        now=_now(),
    )
    return post.to_dict()


@router.post("/v1/posts", response_model=PostOut, status_code=201, responses=ERRORS)
def create_post(body: PostIn, request: Request) -> dict[str, Any]:
    """Publish a post as the signed-in account (``X-Account-Id``)."""
    return _publish(request, body.body, None)


@router.get("/v1/posts", response_model=PostsOut)
def list_posts(
    request: Request, after: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=200)
) -> dict[str, Any]:
    found = posts.list_posts(
        deps.unit_of_work(request, read_only=True),
        viewer=caller.account_id(request),
        after=after,
        limit=limit,
    )
    return {"posts": [post.to_dict() for post in found]}


@router.get("/v1/posts/{post_id}", response_model=PostOut, responses=ERRORS)
def get_post(post_id: int, request: Request) -> dict[str, Any]:
    return posts.get_post(
        deps.unit_of_work(request, read_only=True), post_id, viewer=caller.account_id(request)
    ).to_dict()


@router.post(
    "/v1/posts/{post_id}/comments", response_model=PostOut, status_code=201, responses=ERRORS
)
def create_comment(post_id: int, body: PostIn, request: Request) -> dict[str, Any]:
    """Comment on a post as the signed-in account."""
    return _publish(request, body.body, post_id)


@router.get("/v1/posts/{post_id}/comments", response_model=PostsOut, responses=ERRORS)
def list_comments(
    post_id: int,
    request: Request,
    after: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    found = posts.list_comments(
        deps.unit_of_work(request, read_only=True),
        post_id,
        viewer=caller.account_id(request),
        after=after,
        limit=limit,
    )
    return {"posts": [post.to_dict() for post in found]}


@router.get("/v1/moderation/posts", response_model=PostsOut, tags=["moderation"])
def review_queue(
    request: Request, after: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=500)
) -> dict[str, Any]:
    """Held posts and comments waiting for a moderator, oldest first (needs an operator
    token with the ``moderator`` role)."""
    operator_with(request, "moderator")
    found = posts.review_queue(deps.unit_of_work(request, read_only=True), after=after, limit=limit)
    return {"posts": [post.to_dict() for post in found]}


@router.post(
    "/v1/moderation/posts/{post_id}/decision",
    response_model=PostOut,
    responses={
        401: {"model": ErrorOut, "description": "No operator token."},
        403: {"model": ErrorOut, "description": "The operator is no moderator."},
        404: ERRORS[404],
        409: {"model": ErrorOut, "description": "Not held for review."},
    },
    tags=["moderation"],
)
def decide(post_id: int, body: DecisionIn, request: Request) -> dict[str, Any]:
    """Publish or remove held content (a removal costs its author credit); needs an operator
    token with the ``moderator`` role."""
    operator = operator_with(request, "moderator")
    return posts.decide_held(
        deps.unit_of_work(request),
        publishing_rules(request),
        post_id,
        outcome=body.outcome,
        moderator=operator.actor,
        now=_now(),
    ).to_dict()
