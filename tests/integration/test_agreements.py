"""Service agreements on SQLite and PostgreSQL: versions, the current one, acceptances with
time and address, a new version asking again; the HTTP routes and ``shenhe agreements``."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from cli_support import run_cli
from publishing_support import NOW, accounts, api, publish
from registry_support import audit_records

from shenhe import Screener
from shenhe.adapters.db import SqlUnitOfWork
from shenhe.domain.publishing_errors import AgreementError
from shenhe.services import agreements
from shenhe.services.errors import ConflictError, NotFoundError


def test_publish_accept_and_a_new_version_asks_again(uow: SqlUnitOfWork):
    (account,) = accounts(uow, 1)
    with pytest.raises(NotFoundError):
        agreements.current_agreement(uow)
    v1 = agreements.publish_agreement(uow, version="2026-01", body="# 协议一\n正文", now=NOW)
    acceptance, created = agreements.accept_agreement(
        uow, account_id=account, version="2026-01", address="203.0.113.9", now=NOW
    )
    assert created and acceptance.address == "203.0.113.9" and acceptance.accepted_at == NOW
    again, created = agreements.accept_agreement(
        uow,
        account_id=account,
        version="2026-01",
        address="198.51.100.1",
        now=NOW + timedelta(hours=1),
    )
    assert not created and again == acceptance  # the first acceptance stands
    assert not agreements.agreement_status(uow, account).must_accept

    v2 = agreements.publish_agreement(uow, version="2026-06", body="# 协议二\n新正文", now=NOW)
    assert agreements.current_agreement(uow) == v2 != v1
    status = agreements.agreement_status(uow, account)
    assert status.must_accept and [a.version for a in status.acceptances] == ["2026-01"]
    with pytest.raises(ConflictError, match="2026-06"):
        agreements.accept_agreement(
            uow, account_id=account, version="2026-01", address=None, now=NOW
        )
    agreements.accept_agreement(uow, account_id=account, version="2026-06", address=None, now=NOW)
    assert not agreements.agreement_status(uow, account).must_accept
    actions = [r.action for r in audit_records(uow) if r.action.startswith("agreement.")]
    assert actions == [
        "agreement.publish",
        "agreement.accept",
        "agreement.publish",
        "agreement.accept",
    ]
    with pytest.raises(NotFoundError):  # no such account
        agreements.accept_agreement(uow, account_id=999, version="2026-06", address=None, now=NOW)


def test_a_version_is_published_once_and_must_be_well_formed(uow: SqlUnitOfWork):
    agreements.publish_agreement(uow, version="v1", body="正文", now=NOW)
    with pytest.raises(ConflictError, match="v1"):
        agreements.publish_agreement(uow, version="v1", body="别的正文", now=NOW)
    with pytest.raises(AgreementError, match="body"):
        agreements.publish_agreement(uow, version="v2", body="   ", now=NOW)
    assert [a.version for a in agreements.list_agreements(uow)] == ["v1"]


def test_the_http_routes(uow: SqlUnitOfWork, migrated_url: str, default_screener: Screener):
    first, second = accounts(uow, 2)
    with api(migrated_url, default_screener) as client:
        assert client.get("/v1/agreements/current").status_code == 404
        publish(uow, "2026-11")
        listing = client.get("/v1/agreements").json()
        assert listing["current"] == "2026-11" and listing["agreements"][0]["body"] is None
        current = client.get("/v1/agreements/current").json()
        assert current["title"] == "用户服务协议" and current["body"].startswith("# 用户服务协议")

        no_account = client.post("/v1/agreements/2026-11/acceptances")
        assert no_account.status_code == 403
        headers = {"X-Account-Id": str(first), "X-Real-IP": "203.0.113.7"}
        accepted = client.post("/v1/agreements/2026-11/acceptances", headers=headers)
        assert accepted.status_code == 201 and accepted.json()["address"] == "203.0.113.7"
        assert client.post("/v1/agreements/2026-11/acceptances", headers=headers).status_code == 200
        stale = client.post("/v1/agreements/2025-01/acceptances", headers=headers)
        assert stale.status_code == 409 and "2026-11" in stale.json()["detail"]
        bad = client.post("/v1/agreements/2026-11/acceptances", headers={"X-Account-Id": "x"})
        assert bad.status_code == 422
        status = client.get(f"/v1/accounts/{first}/agreements").json()
        assert status["must_accept"] is False and status["current"] == "2026-11"
        assert client.get(f"/v1/accounts/{second}/agreements").json()["must_accept"] is True


def test_the_cli_publishes_lists_and_shows(migrated_url: str, tmp_path: Path):
    text = tmp_path / "agreement.md"
    text.write_text("# 用户服务协议（2026 版）\n\n第一条 ……\n", encoding="utf-8")
    publishing = ("agreements", "publish", str(text), "--version", "2026")
    result = run_cli(migrated_url, *publishing, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["title"] == "用户服务协议（2026 版）"
    again = run_cli(migrated_url, *publishing)
    assert again.exit_code == 1 and "published already" in again.output
    missing = run_cli(
        migrated_url, "agreements", "publish", str(tmp_path / "no.md"), "--version", "x"
    )
    assert missing.exit_code == 1 and "no.md" in missing.output
    listed = run_cli(migrated_url, "agreements", "list", "--json")
    assert [a["version"] for a in json.loads(listed.output)] == ["2026"]
    shown = run_cli(migrated_url, "agreements", "show")
    assert shown.exit_code == 0 and "第一条" in shown.output
