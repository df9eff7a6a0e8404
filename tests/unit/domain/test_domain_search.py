"""The search gate's pure rules: who may be found, what is indexed, why a query is blocked."""

from __future__ import annotations

import pytest

from shenhe import Screener
from shenhe.domain.search import (
    MAX_TOKEN_LENGTH,
    SearchCandidate,
    SearchHit,
    SearchResult,
    blocked_reason,
    searchable_tokens,
)
from shenhe.screening.verdict import Label, Verdict


def candidate(status: str = "listed", *, restricted: bool = False) -> SearchCandidate:
    return SearchCandidate(
        1, "wxa", "快乐记账", "简单好用的记账本", ("首页", "账单"), status, restricted
    )


@pytest.mark.parametrize(
    ("status", "restricted", "searchable"),
    [
        ("listed", False, True),
        ("warned", False, True),
        ("restricted", False, True),  # a sharing-only restriction
        ("restricted", True, False),
        ("listed", True, False),
        ("suspended", False, False),
        ("banned", False, False),
        ("rejected", False, False),
        ("in_review", False, False),
    ],
)
def test_who_may_be_found(status: str, restricted: bool, searchable: bool):
    assert candidate(status, restricted=restricted).searchable is searchable


def test_the_document_keeps_the_name_apart_from_the_body():
    document = candidate().document()
    assert document.app_id == 1
    assert {"快乐", "记账"} <= set(document.name_tokens)
    assert {"记账", "简单", "首页", "账单"} <= set(document.body_tokens)
    assert "首页" not in document.name_tokens
    assert len(document.body_tokens) == len(set(document.body_tokens))


def test_tokens_too_long_or_not_plain_are_not_indexed():
    word = "a" * MAX_TOKEN_LENGTH
    assert searchable_tokens([word, word + "b", "记账", "a b", '"', ""]) == [word, "记账"]


def test_review_and_block_both_block_with_the_strongest_category():
    assert blocked_reason(Verdict("pass")) is None
    labels = (Label("diversion", 0.4, 2), Label("loan", 0.75, 2))
    assert blocked_reason(Verdict("block", labels)) == "query.blocked.loan"
    assert blocked_reason(Verdict("review", labels[:1])) == "query.blocked.diversion"
    assert blocked_reason(Verdict("block")) == "query.blocked"


@pytest.mark.parametrize(
    "query", ["贷款", "现金贷", "小额贷款", "快速借款", "分期", "代款", "dai kuan", "貸款"]
)
def test_the_default_policy_blocks_loan_searches(default_screener: Screener, query: str):
    verdict = default_screener.screen(query, surface="search")
    assert blocked_reason(verdict) == "query.blocked.loan"


def test_the_result_json():
    hit = SearchHit("wxa", "快乐记账", 1.5)
    assert SearchResult(blocked=False, results=(hit,)).to_dict() == {
        "blocked": False,
        "reason": None,
        "results": [{"appid": "wxa", "name": "快乐记账", "score": 1.5}],
    }
