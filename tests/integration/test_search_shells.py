"""``GET /v1/search/apps`` and ``shenhe search``, on SQLite and PostgreSQL: one service, the
same JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from cli_support import run_cli
from serving import serving
from sqlalchemy import update
from sqlalchemy.orm import Session

from shenhe import Screener
from shenhe.adapters.db import Database
from shenhe.adapters.db.schema import AppRow, PrincipalRow
from shenhe.api import create_app
from shenhe.config import Settings
from shenhe.services.search import refresh_search

NOW = datetime.now(UTC)
APPS = (
    ("wxledger", "快乐记账", "记账本"),
    ("wxweather", "每日天气预报", "天气预报"),
    ("wxtakeout", "美团外卖", "外卖送餐"),
    ("wxbanned", "记账大师", "记账"),
)
BLOCKED = {"blocked": True, "reason": "query.blocked.loan", "results": []}


@pytest.fixture
def registry(database: Database) -> Database:
    """Four listed apps, indexed; then one is banned without a refresh (a stale row)."""
    with Session(database.engine) as session, session.begin():
        owner = PrincipalRow(
            kind="enterprise",
            name="某某科技",
            uscc="91440300MA5F000001",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(owner)
        session.flush()
        for appid, name, description in APPS:
            session.add(
                AppRow(
                    appid=appid,
                    principal_id=owner.id,
                    name=name,
                    description=description,
                    category="tools",
                    pages=[],
                    status="listed",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
    uow = database.unit_of_work()
    with uow:
        refresh_search(uow, [appid for appid, _, _ in APPS])
        uow.commit()
    with Session(database.engine) as session, session.begin():
        session.execute(update(AppRow).where(AppRow.appid == "wxbanned").values(status="banned"))
    return database


@pytest.fixture
def client(registry: Database, default_screener: Screener) -> Iterator[httpx.Client]:
    """The API on a real uvicorn server (lifespan on), its database built on first use."""
    app = create_app(default_screener, Settings(database_url=str(registry.url)))
    with serving(app) as client:
        yield client


def test_the_api_searches(client: httpx.Client):
    response = client.get("/v1/search/apps", params={"q": "記賬"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["blocked"] is False and body["reason"] is None
    assert [(hit["appid"], hit["name"]) for hit in body["results"]] == [("wxledger", "快乐记账")]
    assert isinstance(body["results"][0]["score"], float)
    body = client.get("/v1/search/apps", params={"q": "天气 外卖", "limit": 1}).json()
    assert len(body["results"]) == 1


def test_the_api_blocks_loan_queries(client: httpx.Client):
    for query in ("贷款", "dai kuan", "貸款", "分期"):
        response = client.get("/v1/search/apps", params={"q": query})
        assert response.status_code == 200 and response.json() == BLOCKED, query


BAD_PARAMS: list[tuple[dict[str, Any], str]] = [
    ({}, "q"),
    ({"q": ""}, "q"),
    ({"q": "记" * 101}, "q"),
    ({"q": "记账", "limit": 0}, "limit"),
    ({"q": "记账", "limit": 101}, "limit"),
    ({"q": "记账", "limit": "many"}, "limit"),
]


def test_the_api_refuses_bad_queries(client: httpx.Client):
    for params, field in BAD_PARAMS:
        response = client.get("/v1/search/apps", params=params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["loc"] == ["query", field]
    response = client.get("/v1/search/apps", params={"q": "   "})
    assert response.status_code == 422 and "empty" in response.json()["detail"]


def test_the_api_and_the_command_line_agree(client: httpx.Client, registry: Database):
    for query in ("记账", "外卖", "贷款", "天气 外卖"):
        api = client.get("/v1/search/apps", params={"q": query}).json()
        result = run(registry, "search", query, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == api


def run(database: Database, *args: str) -> Any:
    return run_cli(database.url.render_as_string(hide_password=False), *args)


def test_the_command_line_prints_a_table_or_why_not(registry: Database):
    result = run(registry, "search", "记账")
    assert result.exit_code == 0, result.output
    assert "wxledger" in result.stdout and "快乐记账" in result.stdout
    assert "记账大师" not in result.stdout
    result = run(registry, "search", "贷款")
    assert result.exit_code == 0 and "blocked: query.blocked.loan" in result.stdout
    result = run(registry, "search", "电影")
    assert result.exit_code == 0 and "no apps found" in result.stdout
    assert json.loads(run(registry, "search", "电影", "--json").stdout) == {
        "blocked": False,
        "reason": None,
        "results": [],
    }


def test_the_command_line_rebuilds(registry: Database):
    result = run(registry, "search", "--rebuild", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["apps"], report["indexed"], report["batches"]) == (4, 3, 1)
    result = run(registry, "search", "--rebuild")
    assert "3 of 4 apps may be found (1 batch" in result.stdout
    result = run(registry, "search", "--rebuild", "外卖", "--json")
    assert json.loads(result.stdout)["results"][0]["appid"] == "wxtakeout"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["search"], 2, "give a QUERY"),
        (["search", "记账", "--limit", "0"], 2, "--limit"),
        (["search", "   "], 1, "empty"),
    ],
)
def test_the_command_line_refuses_bad_input(
    registry: Database, args: list[str], code: int, message: str
):
    result = run(registry, *args)
    assert result.exit_code == code and message in result.output
