"""Posting on SQLite and PostgreSQL: only an account with publishing rights that accepted the
current agreement and whose credit allows may publish; screening refuses, holds or publishes;
held content is seen by its author and moderators only; rate limits follow the credit tier."""

from __future__ import annotations

from datetime import timedelta

import pytest
from account_support import LI, WANG, register, register_verified
from publishing_support import NOW, accept, accounts, publish, with_credit
from race_support import at_once
from registry_support import audit_records

from shenhe import Screener
from shenhe.adapters.db import Database, SqlUnitOfWork
from shenhe.domain.publishing_errors import PostRefusedError
from shenhe.services import posts
from shenhe.services.credit import credit_standing
from shenhe.services.errors import ConflictError, NotFoundError
from shenhe.services.publishing_errors import PublishingForbiddenError, RateLimitedError
from shenhe.services.publishing_rules import PublishingRules

LOAN = "无抵押小额贷款，加薇信abc12345"
DOUBTFUL = "征信不好也能下款"


@pytest.fixture
def rules(default_screener: Screener) -> PublishingRules:
    return PublishingRules.default(default_screener)


def post(uow, rules, account: int, body: str, *, parent: int | None = None, at=NOW):
    kind = "post" if parent is None else "comment"
    command = posts.NewPost(account, body, kind=kind, parent_id=parent)
    return posts.publish(uow, rules, command, now=at)


def forbidden(uow, rules, account: int, body: str = "你好") -> str:
    with pytest.raises(PublishingForbiddenError) as caught:
        post(uow, rules, account, body)
    return caught.value.reason


def test_the_gates_in_order(uow: SqlUnitOfWork, migrated_url: str, rules: PublishingRules):
    unconfirmed = register(uow, WANG).id  # mobile never confirmed
    assert forbidden(uow, rules, unconfirmed) == "mobile_unverified"
    assert forbidden(uow, rules, 999) == "not_found"
    author = _second_person(migrated_url)
    assert forbidden(uow, rules, author) == "no_agreement"
    publish(uow, "v1")
    assert forbidden(uow, rules, author) == "agreement_not_accepted"
    accept(uow, author)
    assert post(uow, rules, author, "今天天气真好").status == "published"
    publish(uow, "v2")  # a new version asks again
    assert forbidden(uow, rules, author) == "agreement_not_accepted"
    accept(uow, author, version="v2")
    assert post(uow, rules, author, "周末去爬山").status == "published"


def _second_person(url: str) -> int:
    """LI, who may publish (WANG is taken, unconfirmed, by the test)."""
    with Database(url) as database:
        return register_verified(database.unit_of_work(), LI).id


def test_blocked_held_and_published(uow: SqlUnitOfWork, rules: PublishingRules):
    author, reader = accounts(uow, 2)
    publish(uow, "v1")
    accept(uow, author, reader)
    with pytest.raises(PostRefusedError) as refused:
        post(uow, rules, author, LOAN)
    assert {"screened.loan", "contact.wechat"} <= {p.reason for p in refused.value.problems}
    assert credit_standing(uow, rules.credit, author, now=NOW)[0].score == 90  # committed
    assert posts.list_posts(uow, viewer=author) == []  # nothing stored

    held = post(uow, rules, author, DOUBTFUL)
    assert held.status == "held" and held.reasons == ("review.loan",)
    assert posts.get_post(uow, held.id, viewer=author).status == "held"
    with pytest.raises(NotFoundError):
        posts.get_post(uow, held.id, viewer=reader)
    with pytest.raises(NotFoundError):
        posts.get_post(uow, held.id, viewer=None)
    assert [p.id for p in posts.list_posts(uow, viewer=reader)] == []
    assert [p.id for p in posts.list_posts(uow, viewer=author)] == [held.id]
    assert [p.id for p in posts.review_queue(uow)] == [held.id]

    shown = posts.decide_held(uow, rules, held.id, outcome="publish", moderator="mod:li", now=NOW)
    assert (shown.status, shown.decided_by) == ("published", "mod:li")
    assert posts.get_post(uow, held.id, viewer=reader).status == "published"
    with pytest.raises(ConflictError, match="not held"):
        posts.decide_held(uow, rules, held.id, outcome="remove", moderator="m", now=NOW)

    second = post(uow, rules, author, DOUBTFUL + "，私聊")
    removed = posts.decide_held(uow, rules, second.id, outcome="remove", moderator="m", now=NOW)
    assert removed.status == "removed"
    assert credit_standing(uow, rules.credit, author, now=NOW)[0].score == 70  # -10 -20
    actions = [r.action for r in audit_records(uow) if r.action.split(".")[0] in ("post", "credit")]
    assert actions == [
        "post.refuse",
        "credit.violation",
        "post.hold",
        "post.decide",
        "post.hold",
        "post.decide",
        "credit.violation",
    ]


def test_comments(uow: SqlUnitOfWork, rules: PublishingRules):
    author, reader = accounts(uow, 2)
    publish(uow, "v1")
    accept(uow, author, reader)
    shown = post(uow, rules, author, "新开的咖啡馆")
    held = post(uow, rules, author, DOUBTFUL)
    comment = post(uow, rules, reader, "在哪里？", parent=shown.id)
    assert (comment.kind, comment.parent_id, comment.status) == ("comment", shown.id, "published")
    with pytest.raises(NotFoundError):  # a held post of someone else cannot be answered
        post(uow, rules, reader, "？", parent=held.id)
    with pytest.raises(NotFoundError):  # a comment is no post
        post(uow, rules, reader, "？", parent=comment.id)
    with pytest.raises(PostRefusedError):
        post(uow, rules, reader, LOAN, parent=shown.id)
    assert credit_standing(uow, rules.credit, reader, now=NOW)[0].score == 95  # comment: -5
    assert [c.id for c in posts.list_comments(uow, shown.id, viewer=None)] == [comment.id]


CREDIT = """
version: test
initial: 100
recovery: {points_per_day: 1}
penalties: {post_blocked: 30, comment_blocked: 5, content_removed: 20, report_upheld: 15,
            profile_refused: 2}
tiers:
  - {name: good, min_score: 90, may_publish: true, links: true, posts_per_hour: 2,
     comments_per_hour: 10}
  - {name: fair, min_score: 70, may_publish: true, links: false, posts_per_hour: 1,
     comments_per_hour: 10}
  - {name: restricted, min_score: 0, may_publish: false, links: false, posts_per_hour: 0,
     comments_per_hour: 0}
"""


def test_credit_gates_links_frequency_and_publishing(
    uow: SqlUnitOfWork, default_screener: Screener
):
    rules = with_credit(default_screener, CREDIT)
    (author,) = accounts(uow, 1)
    publish(uow, "v1")
    accept(uow, author)
    post(uow, rules, author, "第一条")
    post(uow, rules, author, "第二条", at=NOW + timedelta(minutes=10))
    with pytest.raises(RateLimitedError) as limited:
        post(uow, rules, author, "第三条", at=NOW + timedelta(minutes=30))
    assert limited.value.retry_after == 30 * 60  # when the first leaves the hour
    later = NOW + timedelta(hours=2)
    assert post(uow, rules, author, "游记 www点example点com", at=later).status == "held"

    with pytest.raises(PostRefusedError):  # -30: fair, no links
        post(uow, rules, author, LOAN, at=later)
    with pytest.raises(PostRefusedError) as refused:
        post(uow, rules, author, "游记 www点example点com", at=later + timedelta(hours=1))
    assert [p.reason for p in refused.value.problems] == ["links_not_allowed"]
    with pytest.raises(PostRefusedError):  # -30 again: restricted
        post(uow, rules, author, LOAN, at=later + timedelta(hours=1))
    assert forbidden_at(uow, rules, author, later + timedelta(hours=2)) == "credit_restricted"
    # time restores it: 40 points at 1 a day, and the account may publish again
    assert post(uow, rules, author, "我回来了", at=later + timedelta(days=31)).status == "published"


def forbidden_at(uow, rules, account, at) -> str:
    with pytest.raises(PublishingForbiddenError) as caught:
        post(uow, rules, account, "你好", at=at)
    return caught.value.reason


def test_posts_at_the_same_moment_keep_to_the_hourly_limit(
    database: Database, default_screener: Screener
):
    rules = with_credit(default_screener, CREDIT)
    (author,) = accounts(database.unit_of_work(), 1)
    publish(database.unit_of_work(), "v1")
    accept(database.unit_of_work(), author)
    def write(number: int) -> str:
        try:
            post(database.unit_of_work(), rules, author, f"第{number}条")
        except RateLimitedError:
            return "limited"
        return "published"

    outcomes = at_once(4, write)
    assert sorted(outcomes) == ["limited", "limited", "published", "published"]  # 2 an hour
