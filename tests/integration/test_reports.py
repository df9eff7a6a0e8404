"""Complaints on SQLite and PostgreSQL: acknowledged with an id, deduplicated into one case
per open target, decided by a moderator (an upheld one takes the content down and costs its
author credit), and looked up by the reporter; through the services and over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from publishing_support import NOW, accounts, api, operator_headers
from race_support import at_once
from registry_support import audit_records

from shenhe import Screener
from shenhe.adapters.db import Database, SqlUnitOfWork
from shenhe.domain.credit import CreditRules
from shenhe.domain.publishing_errors import ReportError
from shenhe.services import reports
from shenhe.services.credit import credit_standing
from shenhe.services.errors import ConflictError, NotFoundError

RULES = CreditRules.default()


def a_post(uow: SqlUnitOfWork, account_id: int, kind: str = "post") -> int:
    with uow:
        post = uow.posts.add(
            kind=kind,  # type: ignore[arg-type]
            account_id=account_id,
            parent_id=None,
            body="高仿名表 1:1 复刻",
            status="published",
            reasons=(),
            verdict={},
            at=NOW,
        )
        uow.commit()
    return post.id


def file(uow: SqlUnitOfWork, target: tuple[str, str], reporter: str, reason: str = "counterfeit"):
    return reports.file_report(
        uow,
        target_type=target[0],
        target_id=target[1],
        reason=reason,
        note="卖假货",
        reporter=reporter,
        now=NOW,
    )


def test_reports_gather_in_one_case_per_open_target(uow: SqlUnitOfWork):
    (author,) = accounts(uow, 1)
    post = ("post", str(a_post(uow, author)))
    first = file(uow, post, "account:1")
    assert first.created and first.report.id.startswith("r_") and first.report.case.reports == 1
    again = file(uow, post, "account:1", reason="fraud")
    assert not again.created and again.report.id == first.report.id  # the same reporter
    other = file(uow, post, "client:abc")
    assert other.created and other.report.id != first.report.id
    assert other.report.case.id == first.report.case.id and other.report.case.reports == 2
    assert [c.id for c in reports.list_cases(uow)] == [first.report.case.id]


def test_an_upheld_case_takes_the_post_down_and_costs_credit(uow: SqlUnitOfWork):
    (author,) = accounts(uow, 1)
    post_id = a_post(uow, author)
    filed = file(uow, ("post", str(post_id)), "account:1")
    case = reports.decide_case(
        uow,
        RULES,
        case_id=filed.report.case.id,
        outcome="upheld",
        note="确认售假",
        moderator="mod:li",
        now=NOW + timedelta(hours=1),
    )
    assert (case.status, case.outcome, case.decided_by) == ("decided", "upheld", "mod:li")
    with uow:
        assert uow.posts.get(post_id).status == "removed"  # type: ignore[union-attr]
    standing, events = credit_standing(uow, RULES, author, now=NOW + timedelta(hours=1))
    assert standing.score == 85 and [e.kind for e in events] == ["report_upheld"]
    looked_up = reports.get_report(uow, filed.report.id)
    assert (looked_up.case.status, looked_up.case.outcome) == ("decided", "upheld")
    with pytest.raises(ConflictError, match="decided already"):
        reports.decide_case(
            uow, RULES, case_id=case.id, outcome="dismissed", note="", moderator="m", now=NOW
        )
    # a new complaint on the same target after the decision opens a new case
    assert file(uow, ("post", str(post_id)), "account:1").report.case.id != case.id
    actions = [r.action for r in audit_records(uow) if not r.action.startswith("account.")]
    assert actions == [
        "report.file",
        "post.remove",
        "credit.violation",
        "report.decide",
        "report.file",
    ]


def test_a_dismissed_case_changes_nothing_else(uow: SqlUnitOfWork):
    (author,) = accounts(uow, 1)
    post_id = a_post(uow, author)
    filed = file(uow, ("post", str(post_id)), "account:1")
    reports.decide_case(
        uow,
        RULES,
        case_id=filed.report.case.id,
        outcome="dismissed",
        note="",
        moderator="m",
        now=NOW,
    )
    with uow:
        assert uow.posts.get(post_id).status == "published"  # type: ignore[union-attr]
    assert credit_standing(uow, RULES, author, now=NOW)[0].score == 100


def test_an_upheld_complaint_about_an_account_costs_it_credit(
    uow: SqlUnitOfWork,
):
    (account,) = accounts(uow, 1)
    filed = file(uow, ("account", str(account)), "client:x", reason="impersonation")
    reports.decide_case(
        uow, RULES, case_id=filed.report.case.id, outcome="upheld", note="", moderator="m", now=NOW
    )
    assert credit_standing(uow, RULES, account, now=NOW)[0].score == 85
    with pytest.raises(NotFoundError):
        file(uow, ("account", "999"), "client:x")


def test_targets_must_exist_and_fields_be_known(uow: SqlUnitOfWork):
    (author,) = accounts(uow, 1)
    with pytest.raises(NotFoundError):
        file(uow, ("app", "wx-none"), "r")
    with pytest.raises(NotFoundError):
        file(uow, ("post", "999"), "r")
    comment = a_post(uow, author, kind="comment")
    with pytest.raises(NotFoundError):  # a comment is not a post
        file(uow, ("post", str(comment)), "r")
    with pytest.raises(ReportError):
        file(uow, ("post", str(comment)), "r", reason="ugly")
    with pytest.raises(NotFoundError):
        reports.get_report(uow, "r_nothing")


def test_the_http_routes(uow: SqlUnitOfWork, migrated_url: str, default_screener: Screener):
    (author,) = accounts(uow, 1)
    with Database(migrated_url) as database:
        post_id = a_post(database.unit_of_work(), author)
    body = {"target": {"type": "post", "id": str(post_id)}, "reason": "fraud", "note": "骗子"}
    moderator = operator_headers(uow)
    revealer = operator_headers(uow, "pii.wang", "pii_reveal")
    with api(migrated_url, default_screener) as client:
        first = client.post("/v1/reports", json=body, headers={"X-Real-IP": "203.0.113.5"})
        assert first.status_code == 201, first.text
        report = first.json()
        assert (report["status"], report["outcome"]) == ("open", None)
        same = client.post("/v1/reports", json=body, headers={"X-Real-IP": "203.0.113.5"})
        assert same.status_code == 200 and same.json()["id"] == report["id"]
        other = client.post("/v1/reports", json=body, headers={"X-Account-Id": "8"})
        assert other.status_code == 201 and other.json()["case_id"] == report["case_id"]

        assert client.get("/v1/moderation/cases").status_code == 401
        assert client.get("/v1/moderation/cases", headers=revealer).status_code == 403
        queue = client.get("/v1/moderation/cases", headers=moderator).json()["cases"]
        assert [(c["id"], c["reports"]) for c in queue] == [(report["case_id"], 2)]
        decision = {"outcome": "upheld", "note": "诈骗"}
        decided = client.post(
            f"/v1/moderation/cases/{report['case_id']}/decision", json=decision, headers=moderator
        )
        assert decided.status_code == 200, decided.text
        assert (decided.json()["outcome"], decided.json()["decided_by"]) == (
            "upheld",
            "operator:mod.li",
        )
        again = client.post(
            f"/v1/moderation/cases/{report['case_id']}/decision", json=decision, headers=moderator
        )
        assert again.status_code == 409
        looked_up = client.get(f"/v1/reports/{report['id']}").json()
        assert (looked_up["status"], looked_up["outcome"]) == ("decided", "upheld")
        assert client.get("/v1/moderation/cases", headers=moderator).json()["cases"] == []

        assert client.get("/v1/reports/r_000").status_code == 404
        missing = {"target": {"type": "app", "id": "wx404"}, "reason": "fraud"}
        assert client.post("/v1/reports", json=missing).status_code == 404
        wrong = client.post("/v1/reports", json={**body, "reason": "ugly"})
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["body", "reason"]
        planet = client.post("/v1/reports", json={**body, "target": {"type": "planet", "id": "1"}})
        assert planet.status_code == 422


def test_reporters_at_the_same_moment_join_one_case(database: Database):
    (author,) = accounts(database.unit_of_work(), 1)
    post_id = a_post(database.unit_of_work(), author)
    def report(number: int) -> reports.Filed:
        return file(database.unit_of_work(), ("post", str(post_id)), f"client:{number}")

    filed = at_once(4, report)
    assert len(filed) == 4 and all(f.created for f in filed)
    assert len({f.report.case.id for f in filed}) == 1
    assert reports.list_cases(database.unit_of_work())[0].reports == 4
