"""The operator routes on SQLite and PostgreSQL through a real server on loopback: bearer
tokens and roles (401, 403), closing with a blacklist that a new registration runs into (403),
deleting, re-verifying, audited reveals, and a key rotation while the server keeps serving."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from account_support import LI, LI_ID, NOW, ORG, WANG, WANG_ID, ZHAO_ID, operator
from serving import serving

from shenhe import Screener
from shenhe.adapters.db import Database
from shenhe.adapters.keyfile import add_key
from shenhe.api import create_app
from shenhe.bootstrap import build_keyring
from shenhe.config import Settings
from shenhe.services import keys, principals

REASON = "complaint 2026-118, fraud"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "pii.key"


@pytest.fixture
def client(migrated_url: str, default_screener: Screener, key_file: Path) -> Iterator[httpx.Client]:
    settings = Settings(database_url=migrated_url, pii_key_file=key_file)
    with serving(create_app(default_screener, settings)) as client:
        yield client


def bearer(database: Database, name: str, *roles: str) -> dict[str, str]:
    _, token = operator(database.unit_of_work(), name, *roles)
    return {"Authorization": f"Bearer {token}"}


def created(client: httpx.Client, data: dict[str, Any]) -> int:
    response = client.post("/v1/accounts", json=data)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_closing_needs_a_moderator_and_a_blacklist_keeps_the_person_out(
    client: httpx.Client, database: Database
) -> None:
    account = created(client, WANG)
    body = {"reason": REASON, "blacklist": True}
    anonymous = client.post(f"/v1/accounts/{account}/close", json=body)
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith(
        "Bearer"
    )
    wrong = {"Authorization": "Bearer shk_not-a-token"}
    assert client.post(f"/v1/accounts/{account}/close", json=body, headers=wrong).status_code == 401
    auditor = bearer(database, "auditor", "pii_reveal")
    denied = client.post(f"/v1/accounts/{account}/close", json=body, headers=auditor)
    assert denied.status_code == 403
    moderator = bearer(database, "mod", "moderator")
    assert client.get(f"/v1/accounts/{account}", headers=moderator).status_code == 200
    revealer = bearer(database, "rev", "pii_reveal")
    assert client.get(f"/v1/accounts/{account}", headers=revealer).status_code == 403
    closed = client.post(f"/v1/accounts/{account}/close", json=body, headers=moderator)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["publishing"]["code"] == "account_closed"
    again = client.post("/v1/accounts", json={**WANG, "name": "王换名", "mobile": "13500135000"})
    assert again.status_code == 403 and "blacklisted" in again.json()["detail"]
    assert WANG_ID[-4:] not in again.text and "王" not in again.text
    bad = client.post(
        f"/v1/accounts/{created(client, LI)}/close",
        json={"reason": REASON, "days": 3},
        headers=moderator,
    )
    assert bad.status_code == 422


def test_reveal_delete_and_reverify(client: httpx.Client, database: Database) -> None:
    org = created(client, ORG)
    auditor = bearer(database, "auditor", "pii_reveal")
    moderator = bearer(database, "mod", "moderator")
    body = {"field": "responsible_id_number", "reason": REASON}
    assert (
        client.post(f"/v1/accounts/{org}/reveal", json=body, headers=moderator).status_code == 403
    )
    revealed = client.post(f"/v1/accounts/{org}/reveal", json=body, headers=auditor)
    assert revealed.status_code == 200 and revealed.json() == {
        "field": "responsible_id_number",
        "value": ZHAO_ID,
    }
    unknown = client.post(
        f"/v1/accounts/{org}/reveal", json={"field": "address", "reason": REASON}, headers=auditor
    )
    assert unknown.status_code == 422
    suspended = client.post(
        f"/v1/accounts/{org}/suspend", json={"reason": REASON}, headers=moderator
    )
    assert suspended.json()["publishing"]["code"] == "account_suspended"
    reinstated = client.post(
        f"/v1/accounts/{org}/reinstate", json={"reason": REASON}, headers=moderator
    )
    assert reinstated.json()["status"] == "active"
    reverified = client.post(f"/v1/accounts/{org}/reverify", headers=moderator)
    assert reverified.status_code == 200 and reverified.json()["identity_status"] == "verified"
    deleted = client.delete(f"/v1/accounts/{org}", headers=moderator)
    assert deleted.status_code == 200 and deleted.json()["identity"] == {}
    assert client.delete(f"/v1/accounts/{org}", headers=moderator).status_code == 409
    assert client.post(f"/v1/accounts/{org}/reveal", json=body, headers=auditor).status_code == 409


def test_a_key_rotation_while_the_server_runs(
    client: httpx.Client, database: Database, key_file: Path
) -> None:
    wang = created(client, WANG)
    ring = build_keyring(Settings(pii_key_file=key_file))
    command = principals.RegisterPrincipal("individual", "李四", id_number=LI_ID)
    principal = principals.register_principal(command, database.unit_of_work(), ring, now=NOW)
    auditor = bearer(database, "auditor", "pii_reveal")

    add_key(key_file)  # what `shenhe keys rotate` does first
    keys.rotate(database.unit_of_work(), build_keyring(Settings(pii_key_file=key_file)), now=NOW)

    body = {"field": "id_number", "reason": REASON}
    revealed = client.post(f"/v1/accounts/{wang}/reveal", json=body, headers=auditor)
    assert revealed.status_code == 200 and revealed.json()["value"] == WANG_ID
    principal_reveal = client.post(
        f"/v1/principals/{principal.principal.id}/reveal", json={"reason": REASON}, headers=auditor
    )
    assert principal_reveal.json()["value"] == LI_ID
    duplicate = client.post("/v1/accounts", json={**WANG, "mobile": "13500135000"})
    assert duplicate.status_code == 409  # found by its blind index under the new key
    returning = client.post(
        "/v1/principals", json={"kind": "individual", "name": "李", "id_number": LI_ID}
    )
    assert returning.status_code == 200 and returning.json()["id"] == principal.principal.id
