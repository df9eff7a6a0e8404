"""The 2018 cash-loan crackdown, end to end on SQLite and PostgreSQL.

A tool app is approved, renamed into a loan app after approval (drift) and rejected; illegal
lending is zero tolerance, so the app is banned for good and its principal blacklisted, and
the same company coming back with a new app under a new name is refused. An individual
blacklisted comes back with the same identity number typed another way and is still known.
A licensed lender is approved. The audit chain verifies and holds every decision and penalty.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from registry_support import (
    ID_MASKED,
    ID_NUMBER,
    ID_NUMBER_TYPED,
    LENDER,
    LOAN_CLONE_DESCRIPTION,
    NOW,
    TOOL,
    USCC_LENDER,
    USCC_OTHER,
    USCC_TOOLMAKER,
    WEATHER,
    audit_records,
    change,
    register,
    submit,
)

from shenhe import Screener
from shenhe.adapters.db import Database, SqlUnitOfWork
from shenhe.domain.apps import AppStatus
from shenhe.domain.ladder import Rung
from shenhe.services import audit, history, principals
from shenhe.services.principals import AddQualification, add_qualification
from shenhe.services.rules import Rules


@pytest.fixture
def rules(default_screener: Screener) -> Rules:
    return Rules(default_screener)


def test_the_2018_story(uow: SqlUnitOfWork, database: Database, rules: Rules) -> None:
    company = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)

    approved = submit(uow, rules, "wx0001tool", company, **TOOL)
    assert approved.app.status is AppStatus.LISTED
    assert approved.decision.outcome == "approve"

    renamed = change(uow, rules, "wx0001tool", name="极速贷", at=NOW + timedelta(days=30))
    assert renamed.decision.kind == "change"
    assert renamed.decision.outcome == "reject"
    assert {
        "content.loan",
        "qualification.missing.lending_licence",
        "drift.lending_after_approval",
    } <= set(renamed.decision.reasons)
    assert renamed.decision.evidence["app_name"]["hits"][0]["text"] == "极速贷"
    (penalty,) = renamed.enforcement
    assert penalty.rung is Rung.BLACKLIST_PRINCIPAL
    assert penalty.expires_at is None and penalty.actor == "system"
    assert penalty.evidence["penalty"]["zero_tolerance"] == "illegal_lending"
    assert renamed.app.status is AppStatus.BANNED and not renamed.app.status.live

    again = principals.get_principal(company.id, database.unit_of_work(read_only=True))
    assert again.blacklisted and again.blacklisted_until is None

    # The same company, a new app under a new name: refused, whatever the name.
    back = register(uow, "enterprise", "福州另一家科技有限公司", uscc=USCC_TOOLMAKER.lower())
    assert back.id == company.id
    fresh = submit(uow, rules, "wx0002tool", back, at=NOW + timedelta(days=40), **WEATHER)
    assert fresh.decision.outcome == "reject"
    assert "principal.blacklisted" in fresh.decision.reasons
    assert fresh.app.status is AppStatus.REJECTED
    assert fresh.enforcement == ()  # refused, not punished again

    report = history.app_report("wx0001tool", database.unit_of_work(read_only=True))
    assert [v.content.name for v in report.versions] == ["记账小助手", "极速贷"]
    assert [d.outcome for d in report.decisions] == ["approve", "reject"]
    assert [e.rung for e in report.enforcement] == [Rung.BLACKLIST_PRINCIPAL]

    verified = audit.verify(database.unit_of_work(read_only=True))
    assert verified.ok, verified.reason
    actions = [(r.action, r.subject_id) for r in audit_records(database.unit_of_work())]
    assert actions == [
        ("principal.register", str(company.id)),
        ("app.decision", "wx0001tool"),
        ("app.decision", "wx0001tool"),
        ("enforcement.apply", "wx0001tool"),
        ("principal.blacklist", str(company.id)),
        ("app.decision", "wx0002tool"),
    ]


def test_a_blacklist_takes_the_principals_other_apps_down(uow: SqlUnitOfWork, rules: Rules) -> None:
    company = register(uow, "enterprise", "某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    submit(uow, rules, "wxweather", company, **WEATHER)
    submit(uow, rules, "wxledger", company, **TOOL)
    renamed = change(uow, rules, "wxledger", name="极速贷 小额贷款", at=NOW + timedelta(days=1))
    assert [(e.appid, e.rung) for e in renamed.enforcement] == [
        ("wxledger", Rung.BLACKLIST_PRINCIPAL),
        ("wxweather", Rung.BAN),
    ]
    assert renamed.enforcement[1].reasons == ("principal.blacklisted",)
    with uow:
        statuses = {app.appid: app.status for app in uow.apps.of_principal(company.id)}
    assert statuses == {"wxweather": AppStatus.BANNED, "wxledger": AppStatus.BANNED}


def test_an_individual_comes_back_with_the_number_typed_another_way(
    uow: SqlUnitOfWork, database: Database, rules: Rules
) -> None:
    person = register(uow, "individual", "张三", id_number=ID_NUMBER)
    assert person.id_number is not None and person.id_number.masked == ID_MASKED
    porn = submit(
        uow,
        rules,
        "wxnight",
        person,
        name="夜色直播",
        category="lifestyle",
        description="成人视频 裸聊 约炮",
    )
    assert porn.decision.outcome == "reject" and "content.porn" in porn.decision.reasons
    assert porn.enforcement[0].rung is Rung.BLACKLIST_PRINCIPAL

    for number, typed in enumerate(ID_NUMBER_TYPED):
        back = register(uow, "individual", f"李四{number}", id_number=typed)
        assert back.id == person.id and back.blacklisted
        decided = submit(uow, rules, f"wxback{number}", back, **{**TOOL, "name": f"计算器{number}"})
        assert decided.decision.reasons == ("principal.blacklisted",)
        assert decided.app.status is AppStatus.REJECTED

    # The number exists only sealed: not in any column, not in the audit log.
    with database.engine.connect() as connection:
        dumped = "\n".join(
            str(row) for row in connection.exec_driver_sql("SELECT * FROM principals")
        )
    assert ID_NUMBER not in dumped and ID_NUMBER[:17] not in dumped and ID_MASKED in dumped
    for record in audit_records(database.unit_of_work()):
        assert ID_NUMBER[:17] not in str(record.payload)


def test_a_licensed_lender_is_approved(uow: SqlUnitOfWork, rules: Rules) -> None:
    lender = register(uow, "enterprise", "深圳市某某小额贷款有限公司", uscc=USCC_LENDER)
    unlicensed = submit(uow, rules, "wxlend0", lender, **LENDER)
    assert unlicensed.decision.outcome == "reject"
    assert "qualification.missing.lending_licence" in unlicensed.decision.reasons
    assert unlicensed.enforcement == ()  # an honest lending app without its licence: refused

    add_qualification(
        AddQualification(
            lender.id,
            "lending_licence",
            "深金融〔2019〕12号",
            issuer="深圳市地方金融监督管理局",
            verified=True,
        ),
        uow,
        rules.catalogue,
        now=NOW,
    )
    licensed = submit(uow, rules, "wxlend1", lender, **LENDER)
    assert licensed.decision.outcome == "approve", licensed.decision.reasons
    assert licensed.app.status is AppStatus.LISTED
    assert licensed.decision.evidence["qualifications"] == {"lending_licence": "valid"}


def test_a_copy_of_a_banned_app_and_a_brand_lookalike(uow: SqlUnitOfWork, rules: Rules) -> None:
    crook = register(uow, "enterprise", "某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    banned = submit(
        uow,
        rules,
        "wxloan1",
        crook,
        name="极速贷",
        category="tools",
        description=LOAN_CLONE_DESCRIPTION,
    )
    assert banned.app.status is AppStatus.BANNED

    other = register(uow, "enterprise", "另一家网络科技有限公司", uscc=USCC_OTHER)
    disguised = " ".join(LOAN_CLONE_DESCRIPTION)  # spaces between every character
    copy = submit(
        uow, rules, "wxcopy", other, name="好运来", category="tools", description=disguised
    )
    assert "clone.of_banned" in copy.decision.reasons
    assert copy.decision.evidence["signals"]["clone_of_banned"]["appid"] == "wxloan1"


def test_a_brand_lookalike_goes_to_review(uow: SqlUnitOfWork, rules: Rules) -> None:
    someone = register(uow, "enterprise", "某某网络科技有限公司", uscc=USCC_OTHER)
    lookalike = submit(uow, rules, "wxbrand", someone, **{**TOOL, "name": "掏宝优选"})
    assert lookalike.decision.outcome == "review"
    assert lookalike.decision.reasons == ("brand.imitation",)
    assert lookalike.app.status is AppStatus.IN_REVIEW
    assert lookalike.decision.evidence["signals"]["brand_imitation"]["brand"] == "taobao"

    owner = register(uow, "enterprise", "浙江淘宝网络有限公司", uscc=USCC_LENDER)
    own = submit(uow, rules, "wxtaobao", owner, **{**TOOL, "name": "淘宝优选"})
    assert own.decision.outcome == "approve"  # the brand's owner may use it
