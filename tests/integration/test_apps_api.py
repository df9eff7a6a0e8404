"""The governance routes of the HTTP API on SQLite and PostgreSQL, through a real uvicorn
server running the app that `create_app` builds (its lifespan closes the database):
principals, qualifications, apps, decisions, enforcement, the audit chain, and the statuses
of their errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from registry_support import (
    ID_MASKED,
    ID_NUMBER,
    LENDER,
    MASTER_KEY_HEX,
    TOOL,
    USCC_LENDER,
    USCC_TOOLMAKER,
)
from serving import serving

from shenhe import Screener
from shenhe.api import create_app
from shenhe.config import Settings


@pytest.fixture
def client(migrated_url: str, default_screener: Screener) -> Iterator[httpx.Client]:
    settings = Settings(database_url=migrated_url, pii_key=MASTER_KEY_HEX)
    app = create_app(default_screener, settings)
    with serving(app) as client:
        yield client
    database = getattr(app.state, "database", None)
    if database is not None:  # the lifespan closed its connections on shutdown
        assert database.engine.pool.checkedin() == 0


def app_body(appid: str, principal_id: int, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "appid": appid,
        "principal_id": principal_id,
        **content,
        "pages": list(content["pages"]),
    }


def test_the_registry_over_http(client: httpx.Client) -> None:
    made = client.post(
        "/v1/principals",
        json={"kind": "enterprise", "name": "福州某某网络科技有限公司", "uscc": USCC_TOOLMAKER},
    )
    assert made.status_code == 201, made.text
    company = made.json()
    again = client.post(
        "/v1/principals", json={"kind": "enterprise", "name": "别名", "uscc": USCC_TOOLMAKER}
    )
    assert again.status_code == 200 and again.json()["id"] == company["id"]
    assert (
        client.get(f"/v1/principals/{company['id']}").json()["name"] == "福州某某网络科技有限公司"
    )

    submitted = client.post("/v1/apps", json=app_body("wxtool", company["id"], TOOL))
    assert submitted.status_code == 201, submitted.text
    assert (submitted.json()["status"], submitted.json()["outcome"]) == ("listed", "approve")
    taken = client.post("/v1/apps", json=app_body("wxtool", company["id"], TOOL))
    assert taken.status_code == 409 and "is taken" in taken.json()["detail"]

    renamed = client.patch("/v1/apps/wxtool", json={"name": "极速贷", "actor": "developer"})
    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert (body["status"], body["outcome"]) == ("banned", "reject")
    assert "drift.lending_after_approval" in body["reasons"]
    assert body["enforcement"][0]["rung"] == "blacklist_principal"

    shown = client.get("/v1/apps/wxtool").json()
    assert (shown["name"], shown["status"], shown["version"]) == ("极速贷", "banned", 2)
    versions = client.get("/v1/apps/wxtool/history").json()["versions"]
    assert [(v["version"], v["name"], v["actor"]) for v in versions] == [
        (1, "记账小助手", "api"),
        (2, "极速贷", "developer"),
    ]
    decisions = client.get("/v1/apps/wxtool/decisions").json()["decisions"]
    assert [(d["kind"], d["outcome"]) for d in decisions] == [
        ("submission", "approve"),
        ("change", "reject"),
    ]
    assert decisions[1]["evidence"]["app_name"]["hits"][0]["text"] == "极速贷"

    replaced = client.put("/v1/apps/wxtool", json={**TOOL, "pages": list(TOOL["pages"])})
    assert replaced.json()["status"] == "banned"  # a ban stands whatever the change

    verified = client.get("/v1/audit/verify").json()
    assert verified["ok"] is True and verified["records"] >= 6


def test_an_individual_is_shown_masked_everywhere(client: httpx.Client) -> None:
    made = client.post(
        "/v1/principals", json={"kind": "individual", "name": "张三", "id_number": ID_NUMBER}
    )
    assert made.status_code == 201
    person = made.json()
    assert person["id_number_masked"] == ID_MASKED and "id_number" not in person
    typed = client.post(
        "/v1/principals",
        json={
            "kind": "individual",
            "name": "张叁",
            "id_number": "１１０１０５１９４９１２３１００２ｘ",
        },
    )
    assert typed.status_code == 200 and typed.json()["id"] == person["id"]

    wrong = client.post(
        "/v1/principals",
        json={"kind": "individual", "name": "张三", "id_number": "11010519491231002Y"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["loc"] == ["body", "id_number"]
    assert wrong.json()["errors"][0]["type"] == "id_number.alphabet"
    for response in (made, typed, wrong, client.get(f"/v1/principals/{person['id']}")):
        assert "11010519491231002" not in response.text


def test_qualifications_and_a_licensed_lender(client: httpx.Client) -> None:
    lender = client.post(
        "/v1/principals",
        json={"kind": "enterprise", "name": "深圳市某某小额贷款有限公司", "uscc": USCC_LENDER},
    ).json()
    url = f"/v1/principals/{lender['id']}/qualifications"
    unknown = client.post(url, json={"type": "casino_licence", "number": "1"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"] == ["body", "type"]
    held = client.post(
        url,
        json={
            "type": "lending_licence",
            "number": "深金融〔2019〕12号",
            "valid_until": "2030-12-31",
            "verified": True,
        },
    )
    assert held.status_code == 201, held.text
    assert held.json()["qualifications"][0]["valid_until"] == "2030-12-31"
    approved = client.post("/v1/apps", json=app_body("wxlend", lender["id"], LENDER))
    assert approved.json()["status"] == "listed", approved.text
    assert (
        client.post(
            "/v1/principals/999/qualifications", json={"type": "icp_licence", "number": "1"}
        ).status_code
        == 404
    )


def test_a_moderator_penalises_an_app(client: httpx.Client) -> None:
    company = client.post(
        "/v1/principals",
        json={"kind": "enterprise", "name": "福州某某网络科技有限公司", "uscc": USCC_TOOLMAKER},
    ).json()
    client.post("/v1/apps", json=app_body("wxtool", company["id"], TOOL))
    penalised = client.post(
        "/v1/apps/wxtool/enforcement",
        json={"actor": "moderator:li.na", "reasons": ["content.ad"], "step": "takedown_7d"},
    )
    assert penalised.status_code == 201, penalised.text
    (action,) = penalised.json()["actions"]
    assert (action["rung"], action["actor"], action["status_set"]) == (
        "takedown",
        "moderator:li.na",
        "suspended",
    )
    assert action["expires_at"] is not None
    assert client.get("/v1/apps/wxtool").json()["status"] == "suspended"
    anonymous = client.post(
        "/v1/apps/wxtool/enforcement", json={"actor": "system", "reasons": ["content.ad"]}
    )
    assert anonymous.status_code == 422 and anonymous.json()["errors"][0]["loc"] == [
        "body",
        "actor",
    ]


ERRORS: list[tuple[str, str, dict[str, Any] | None, int]] = [
    ("get", "/v1/principals/999", None, 404),
    ("get", "/v1/apps/wxnone", None, 404),
    ("get", "/v1/apps/wxnone/history", None, 404),
    ("get", "/v1/apps/wxnone/decisions", None, 404),
    ("patch", "/v1/apps/wxnone", {"name": "x"}, 404),
    ("post", "/v1/apps/wxnone/enforcement", {"actor": "mod", "reasons": ["content.ad"]}, 404),
    ("post", "/v1/apps", {**TOOL, "pages": [], "appid": "wx1", "principal_id": 999}, 404),
    ("post", "/v1/principals", {"kind": "enterprise", "name": "x", "uscc": "123"}, 422),
    ("post", "/v1/principals", {"kind": "club", "name": "x"}, 422),
    ("post", "/v1/apps", {"appid": "wx1"}, 422),
]


def test_error_statuses(client: httpx.Client) -> None:
    for method, path, body, status in ERRORS:
        response = client.request(method, path, json=body)
        assert response.status_code == status, (method, path, response.text)
        assert set(response.json()) == {"detail", "errors"}


def test_a_bad_category_is_a_422_naming_it(client: httpx.Client) -> None:
    company = client.post(
        "/v1/principals",
        json={"kind": "enterprise", "name": "福州某某网络科技有限公司", "uscc": USCC_TOOLMAKER},
    ).json()
    response = client.post(
        "/v1/apps", json=app_body("wxcasino", company["id"], {**TOOL, "category": "casino"})
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "category"]
    assert client.get("/v1/apps/wxcasino").status_code == 404
