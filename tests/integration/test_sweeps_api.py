"""``POST /v1/sweeps`` and ``GET /v1/sweeps/{id}`` on SQLite and PostgreSQL: the same sweep as
``shenhe sweep``, run in the background, polled to its summary; one at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from registry_support import (
    MASTER_KEY_HEX,
    NEW_TERM,
    TOOL,
    USCC_OTHER,
    USCC_TOOLMAKER,
    register,
    submit,
)
from serving import serving

from shenhe import Screener
from shenhe.adapters.db import SqlUnitOfWork
from shenhe.api import create_app
from shenhe.api.sweeps import SweepJobs
from shenhe.config import Settings
from shenhe.domain.sweeps import SweepSummary
from shenhe.screening.lexicon import Lexicon
from shenhe.services import history
from shenhe.services.rules import Rules
from shenhe.services.sweep import Sweep


@pytest.fixture
def app(migrated_url: str, default_screener: Screener, uow: SqlUnitOfWork) -> FastAPI:
    """The API with a lexicon that knows a loan term the registry's apps were approved
    without: two listed apps carry it."""
    old = Rules(default_screener)
    maker = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    other = register(uow, "enterprise", "深圳某某信息技术有限公司", uscc=USCC_OTHER)
    submit(uow, old, "wxcalc", other, **TOOL)
    submit(uow, old, "wxfrog", maker, **{**TOOL, "name": NEW_TERM, "description": "青蛙来了"})
    extra = Lexicon.from_words([NEW_TERM], category="loan", severity=3)
    screener = Screener(default_screener.lexicon + extra, default_screener.policy)
    return create_app(screener, Settings(database_url=migrated_url, pii_key=MASTER_KEY_HEX))


@pytest.fixture
def client(app: FastAPI) -> Iterator[httpx.Client]:
    """A real uvicorn server on loopback, running `app` (lifespan on)."""
    with serving(app) as client:
        yield client


def finished(app: FastAPI, client: httpx.Client, job: dict[str, Any]) -> dict[str, Any]:
    app.state.sweep_jobs.get(job["id"]).join(60)
    answer = client.get(f"/v1/sweeps/{job['id']}")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    assert body["status"] == "finished", body
    return body


def test_a_sweep_over_http(app: FastAPI, client: httpx.Client, uow: SqlUnitOfWork) -> None:
    dry = client.post("/v1/sweeps", json={"dry_run": True})
    assert dry.status_code == 202 and dry.json()["status"] in {"running", "finished"}
    report = finished(app, client, dry.json())
    expected = {
        "screened": 2,
        "actions": {"blacklist_principal": 1},
        "by_category": {"loan": 1},
        "principals_blacklisted": 1,
    }
    assert report["summary"] == expected and report["dry_run"] and report["run_id"] is None
    assert history.get_app("wxfrog", uow).status.value == "listed"  # a dry run changes nothing

    real = finished(app, client, client.post("/v1/sweeps", json={}).json())
    assert real["summary"] == expected and isinstance(real["run_id"], int)
    assert real["total"] == 2 and real["done"] == 2 and real["finished_at"] is not None
    assert history.get_app("wxfrog", uow).status.value == "banned"
    again = finished(app, client, client.post("/v1/sweeps", json={"category": "loan"}).json())
    assert again["summary"]["actions"] == {}  # idempotent


def test_what_is_refused(app: FastAPI, client: httpx.Client) -> None:
    unknown = client.post("/v1/sweeps", json={"category": "loans"})
    assert unknown.status_code == 422 and "unknown content category" in unknown.json()["detail"]
    assert client.post("/v1/sweeps", json={"batch_size": 0}).status_code == 422
    assert client.get("/v1/sweeps/nope").status_code == 404

    release = threading.Event()

    def blocked(_progress: object) -> SweepSummary:
        release.wait(60)
        return SweepSummary()

    jobs = app.state.sweep_jobs = SweepJobs()
    running = jobs.start(Sweep(), blocked)
    try:
        second = client.post("/v1/sweeps", json={"dry_run": True})
        assert second.status_code == 409 and running.id in second.json()["detail"]
        assert client.get(f"/v1/sweeps/{running.id}").json()["status"] == "running"
    finally:
        release.set()
        running.join(60)
    assert finished(app, client, client.post("/v1/sweeps", json={}).json())["error"] is None
