"""The review of submissions: screening per surface, the qualification gate, drift after
approval, external signals; the decision's reasons, evidence and versions."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest

from shenhe import Screener
from shenhe.domain import Catalogue, CategoryError, Qualification
from shenhe.domain import reasons as codes
from shenhe.domain.apps import (
    OUTCOMES,
    AppContent,
    AppStatus,
    Decision,
    PrincipalRef,
    Submission,
)
from shenhe.domain.errors import SubmissionError
from shenhe.domain.review import review_submission, status_after
from shenhe.domain.signals import NO_SIGNALS, BrandSignal, CloneSignal, ReviewSignals

TODAY = date(2026, 11, 20)
CATALOGUE = Catalogue.default()
ENTERPRISE = PrincipalRef("enterprise", "91350100M000100Y43")
PERSON = PrincipalRef("individual", "blind:5f2c0a")


def licence(kind: str, **changes: Any) -> Qualification:
    fields: dict[str, Any] = {
        "type": kind,
        "number": "闽金监〔2020〕12号",
        "issuer": "福建省地方金融监督管理局",
        "valid_from": date(2020, 1, 1),
        "valid_until": date(2030, 1, 1),
        "verified": True,
    }
    return Qualification(**(fields | changes))


LENDING = licence("lending_licence")
BANKING = licence("financial_licence", number="00012345", issuer="国家金融监督管理总局")
ICP = licence("icp_licence", number="京B2-20200001", issuer="北京市通信管理局")

LENDER = AppContent(
    name="招联好期贷",
    description="提供个人消费贷款，持牌经营，年化利率8%起",
    pages=("申请额度最高20万，按日计息", "借款前请阅读借款合同"),
    category="lending",
)
CALCULATOR = AppContent(
    name="计算器",
    description="简单好用的计算器，支持科学计算",
    pages=("输入算式，点击等号",),
    category="tools",
)
SCHOOL = AppContent(
    name="小学口算练习",
    description="同步教材的口算题，每日一练，错题自动收藏",
    pages=("课程讲解视频",),
    category="education",
)
COUNTERFEIT_SHOP = AppContent(
    name="奢品折扣店",
    description="高仿 A货 一比一 复刻 名表包包",
    pages=(),
    category="ecommerce",
)
LOAN_TOOL = AppContent(
    name="万能工具箱",
    description="无抵押秒批贷款，当天到账",
    pages=(),
    category="tools",
)


@dataclass(frozen=True)
class Case:
    content: AppContent
    outcome: str
    reasons: frozenset[str]
    qualifications: tuple[Qualification, ...] = ()
    principal: PrincipalRef = ENTERPRISE
    previous: AppContent | None = None
    previous_status: AppStatus | None = None
    signals: ReviewSignals = NO_SIGNALS


def case(content: AppContent, outcome: str, *reasons: str, **rest: Any) -> Case:
    return Case(content, outcome, frozenset(reasons), **rest)


def decide(screener: Screener, c: Case) -> Decision:
    if c.previous is None:
        submission = Submission("wx1a2b3c4d", c.content, c.principal, c.qualifications)
    else:
        submission = Submission.change(
            "wx1a2b3c4d", c.content, c.previous, c.principal, c.qualifications
        )
    return review_submission(
        submission,
        screener,
        CATALOGUE,
        today=TODAY,
        previous=c.previous,
        previous_status=c.previous_status,
        signals=c.signals,
    )


CASES = {
    "licensed lender with loan content": case(LENDER, "approve", qualifications=(LENDING,)),
    "bank's lending app (the other alternative)": case(
        LENDER, "approve", qualifications=(BANKING,)
    ),
    "lender without a licence": case(
        LENDER, "reject", "qualification.missing.lending_licence", "content.loan"
    ),
    "lender whose licence expired": case(
        LENDER,
        "reject",
        "qualification.expired.lending_licence",
        "content.loan",
        qualifications=(licence("lending_licence", valid_until=date(2025, 12, 31)),),
    ),
    "lender whose licence is not valid yet": case(
        LENDER,
        "reject",
        "qualification.not_yet_valid.lending_licence",
        "content.loan",
        qualifications=(licence("lending_licence", valid_from=date(2027, 1, 1)),),
    ),
    "lender whose licence awaits verification": case(
        LENDER,
        "review",
        "qualification.unverified.lending_licence",
        qualifications=(licence("lending_licence", verified=False),),
    ),
    "expired licence beside an unverified one": case(
        LENDER,
        "review",
        "qualification.unverified.lending_licence",
        qualifications=(
            licence("lending_licence", valid_until=date(2025, 12, 31)),
            licence("lending_licence", number="闽金监〔2026〕3号", verified=False),
        ),
    ),
    "licensed lender advertising to blacklisted borrowers": case(
        replace(LENDER, description="黑户可贷，不查征信，当天下款"),
        "reject",
        "content.loan",
        qualifications=(LENDING,),
    ),
    "tool describing 无抵押秒批贷款 (the 2018 evasion)": case(
        LOAN_TOOL, "reject", "content.loan", "qualification.missing.lending_licence"
    ),
    "licensed lender listing a loan app as a tool": case(
        LOAN_TOOL, "reject", "content.loan", "category.mismatch.lending", qualifications=(LENDING,)
    ),
    "mortgage calculator mentioning loans": case(
        replace(CALCULATOR, name="房贷计算器", description="贷款计算器，计算房贷月供和利息"),
        "review",
        "content.loan",
        "qualification.missing.lending_licence",
    ),
    "approved calculator renamed 极速贷": case(
        replace(CALCULATOR, name="极速贷"),
        "reject",
        "content.loan",
        "qualification.missing.lending_licence",
        "drift.lending_after_approval",
        previous=CALCULATOR,
        previous_status=AppStatus.LISTED,
    ),
    "warned calculator whose description turns to loans": case(
        replace(CALCULATOR, description="贷款计算器，计算房贷月供和利息"),
        "reject",
        "content.loan",
        "qualification.missing.lending_licence",
        "drift.lending_after_approval",
        previous=CALCULATOR,
        previous_status=AppStatus.WARNED,
    ),
    "rejected calculator renamed 极速贷 (no approval to drift from)": case(
        replace(CALCULATOR, name="极速贷"),
        "reject",
        "content.loan",
        "qualification.missing.lending_licence",
        previous=CALCULATOR,
        previous_status=AppStatus.REJECTED,
    ),
    "licensed lender rewording its loan offer": case(
        replace(LENDER, description="持牌消费金融公司，提供个人消费贷款，年化利率透明"),
        "approve",
        qualifications=(LENDING,),
        previous=LENDER,
        previous_status=AppStatus.LISTED,
    ),
    "page with 加薇信abc12345": case(
        replace(CALCULATOR, pages=("加薇信abc12345 领取福利",)), "review", "content.diversion"
    ),
    "approved app adding 加薇信abc12345": case(
        replace(CALCULATOR, pages=("加薇信abc12345 领取福利",)),
        "reject",
        "content.diversion",
        "drift.diversion_after_approval",
        previous=CALCULATOR,
        previous_status=AppStatus.LISTED,
    ),
    "counterfeit shop (高仿 A货)": case(COUNTERFEIT_SHOP, "reject", "content.counterfeit"),
    "clean education app": case(SCHOOL, "approve", qualifications=(ICP,)),
    "education app by a natural person": case(
        SCHOOL,
        "reject",
        "principal.individual_not_allowed",
        qualifications=(ICP,),
        principal=PERSON,
    ),
    "clean tool by a natural person": case(CALCULATOR, "approve", principal=PERSON),
    "education app without a licence": case(
        SCHOOL, "reject", "qualification.missing.education_licence"
    ),
    "porn with mass diversion": case(
        AppContent(
            "美女直播",
            "成人视频 免费看 裸聊",
            ("加微信abc12345", "加微信abc12345 私聊", "加微信abc12345 福利"),
            "lifestyle",
        ),
        "reject",
        "content.porn",
        "content.diversion",
        "diversion.mass",
    ),
    "clean tool from a blacklisted principal": case(
        CALCULATOR,
        "reject",
        "principal.blacklisted",
        signals=ReviewSignals(principal_blacklisted=True),
    ),
    "close clone of a banned app": case(
        CALCULATOR,
        "reject",
        "clone.of_banned",
        signals=ReviewSignals(clone_of_banned=CloneSignal("wxbanned01", 0.96)),
    ),
    "loose clone of a banned app": case(
        CALCULATOR,
        "review",
        "clone.of_banned",
        signals=ReviewSignals(clone_of_banned=CloneSignal("wxbanned01", 0.72)),
    ),
    "name imitating a brand": case(
        replace(CALCULATOR, name="星巴克咖啡", category="lifestyle"),
        "review",
        "brand.imitation",
        signals=ReviewSignals(brand_imitation=BrandSignal("星巴克", 0.93)),
    ),
}


@pytest.mark.parametrize("c", CASES.values(), ids=CASES.keys())
def test_decisions(default_screener: Screener, c: Case) -> None:
    decision = decide(default_screener, c)
    assert (decision.outcome, set(decision.reasons)) == (c.outcome, c.reasons)
    assert all(codes.is_known(code) for code in decision.reasons)
    assert (
        decision.status
        == {
            "approve": AppStatus.LISTED,
            "review": AppStatus.IN_REVIEW,
            "reject": AppStatus.REJECTED,
        }[decision.outcome]
    )
    json.dumps(decision.to_dict())


DRIFTS = [c for c in CASES.values() if c.previous is not None]


@pytest.mark.parametrize("c", DRIFTS)
def test_a_change_is_decided_at_least_as_strictly_as_a_new_app(
    default_screener: Screener, c: Case
) -> None:
    as_change = decide(default_screener, c)
    as_new = decide(default_screener, replace(c, previous=None, previous_status=None))
    assert OUTCOMES.index(as_change.outcome) >= OUTCOMES.index(as_new.outcome)
    assert set(as_new.reasons) <= set(as_change.reasons)


def test_evidence_carries_the_hits_and_contacts_with_their_spans(
    default_screener: Screener,
) -> None:
    page = "加薇信abc12345 领取福利"
    decision = decide(default_screener, case(replace(CALCULATOR, pages=(page,)), "review"))
    evidence = decision.evidence["app_page.0"]
    assert evidence["suggestion"] == "review"
    assert [contact["value"] for contact in evidence["contacts"]] == ["abc12345"]
    for found in (*evidence["hits"], *evidence["contacts"]):
        assert page[found["start"] : found["end"]] == found["text"]
    assert "app_name" not in decision.evidence  # nothing found there


def test_evidence_records_licence_standing_and_signals(default_screener: Screener) -> None:
    signals = ReviewSignals(clone_of_banned=CloneSignal("wxbanned01", 0.96))
    expired = licence("lending_licence", valid_until=date(2025, 12, 31))
    c = case(LENDER, "reject", qualifications=(expired,), signals=signals)
    decision = decide(default_screener, c)
    assert decision.evidence["qualifications"] == {"lending_licence": "expired"}
    assert decision.evidence["signals"]["clone_of_banned"] == {
        "appid": "wxbanned01",
        "similarity": 0.96,
    }
    assert "app_description" in decision.evidence


def test_the_decision_records_what_decided_it(default_screener: Screener) -> None:
    c = case(replace(CALCULATOR, name="极速贷"), "reject", previous=CALCULATOR)
    decision = decide(default_screener, replace(c, previous_status=AppStatus.LISTED))
    assert decision.policy_version == default_screener.policy.version
    assert decision.lexicon_version == default_screener.lexicon.version
    assert decision.catalogue_version == CATALOGUE.version
    assert decision.decided_on == TODAY
    assert decision.changes == {"rename"}
    data = decision.to_dict()
    assert data["status"] == "rejected"
    assert data["changes"] == ["rename"]
    assert data["reasons"][0] == "content.loan"


@pytest.mark.parametrize(
    ("previous", "previous_status"),
    [(CALCULATOR, None), (None, AppStatus.LISTED)],
    ids=["new app with previous content", "change without previous content"],
)
def test_previous_must_fit_the_kind(
    default_screener: Screener, previous: AppContent | None, previous_status: AppStatus | None
) -> None:
    kind = "new" if previous is not None else "change"
    submission = Submission("wx1a2b3c4d", CALCULATOR, ENTERPRISE, kind=kind)  # type: ignore[arg-type]
    with pytest.raises(SubmissionError, match="previous"):
        review_submission(
            submission,
            default_screener,
            CATALOGUE,
            today=TODAY,
            previous=previous,
            previous_status=previous_status,
            signals=NO_SIGNALS,
        )


def test_an_unknown_category_is_refused(default_screener: Screener) -> None:
    submission = Submission("wx1a2b3c4d", replace(CALCULATOR, category="casino"), ENTERPRISE)
    with pytest.raises(CategoryError, match="casino"):
        review_submission(
            submission,
            default_screener,
            CATALOGUE,
            today=TODAY,
            previous=None,
            previous_status=None,
            signals=NO_SIGNALS,
        )


def _decision(outcome: str) -> Decision:
    return Decision(
        appid="wx1a2b3c4d",
        kind="change",
        category="tools",
        outcome=outcome,  # type: ignore[arg-type]
        reasons=() if outcome == "approve" else ("content.ad",),
        evidence={},
        policy_version="p",
        lexicon_version="l",
        catalogue_version="c",
        decided_on=TODAY,
    )


@pytest.mark.parametrize(
    ("outcome", "previous", "after"),
    [
        ("approve", None, AppStatus.LISTED),
        ("review", None, AppStatus.IN_REVIEW),
        ("reject", None, AppStatus.REJECTED),
        ("approve", AppStatus.LISTED, AppStatus.LISTED),
        ("approve", AppStatus.WARNED, AppStatus.WARNED),
        ("approve", AppStatus.RESTRICTED, AppStatus.RESTRICTED),
        ("approve", AppStatus.REJECTED, AppStatus.LISTED),
        ("review", AppStatus.LISTED, AppStatus.IN_REVIEW),
        ("reject", AppStatus.LISTED, AppStatus.REJECTED),
        ("reject", AppStatus.RESTRICTED, AppStatus.REJECTED),
        ("approve", AppStatus.SUSPENDED, AppStatus.SUSPENDED),
        ("review", AppStatus.SUSPENDED, AppStatus.SUSPENDED),
        ("reject", AppStatus.SUSPENDED, AppStatus.REJECTED),
        ("approve", AppStatus.BANNED, AppStatus.BANNED),
        ("reject", AppStatus.BANNED, AppStatus.BANNED),
    ],
)
def test_status_after(outcome: str, previous: AppStatus | None, after: AppStatus) -> None:
    assert status_after(_decision(outcome), previous) is after


def test_a_refusal_must_give_a_reason() -> None:
    with pytest.raises(SubmissionError, match="reasons"):
        replace(_decision("reject"), reasons=())


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"description": None}, "description"),
        ({"pages": "one page"}, "pages"),
        ({"pages": ("ok", 3)}, "pages.1"),
        ({"category": "Tools!"}, "category"),
    ],
)
def test_app_content_names_the_bad_field(fields: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {
        "name": "计算器",
        "description": "",
        "pages": (),
        "category": "tools",
    } | fields
    with pytest.raises(SubmissionError) as caught:
        AppContent(**values)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"appid": "wx 1"}, "appid"),
        ({"kind": "update"}, "kind"),
        ({"changes": frozenset({"rename"})}, "changes"),
        ({"kind": "change", "changes": frozenset({"icon"})}, "changes"),
        ({"qualifications": ("lending_licence",)}, "qualifications.0"),
    ],
)
def test_submission_names_the_bad_field(fields: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {
        "appid": "wx1a2b3c4d",
        "content": CALCULATOR,
        "principal": ENTERPRISE,
    } | fields
    with pytest.raises(SubmissionError) as caught:
        Submission(**values)
    assert caught.value.field == field


def test_a_change_works_out_what_changed() -> None:
    renamed = replace(CALCULATOR, name="极速贷", category="lending", pages=())
    submission = Submission.change("wx1a2b3c4d", renamed, CALCULATOR, ENTERPRISE)
    assert submission.kind == "change"
    assert submission.changes == {"rename", "category", "pages"}
    assert AppContent("a", "", ["page"], "tools").pages == ("page",)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("content.loan", "the loan category"),
        ("qualification.missing.lending_licence", "lending_licence licence is required"),
        ("drift.lending_after_approval", "changed into lending"),
        ("clone.of_banned", "near-duplicate"),
        ("category.mismatch.lending", "lending category"),
        ("content.", "unknown reason"),
        ("made.up", "unknown reason"),
    ],
)
def test_every_reason_code_is_described(code: str, sentence: str) -> None:
    assert sentence in codes.describe(code)
    assert codes.is_known(code) == ("unknown" not in sentence)
