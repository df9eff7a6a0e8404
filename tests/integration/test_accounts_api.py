"""The account routes on SQLite and PostgreSQL, through a real uvicorn server on loopback:
register, a 4xx for every bad input naming the field and the check, duplicates without saying
whose, the masked account, and the mobile code flow."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from account_support import (
    CHILD_ID,
    LI,
    ORG,
    ORG_USCC,
    WANG,
    WANG_ID,
    WANG_MASKED,
    code_from,
)
from registry_support import MASTER_KEY_HEX
from serving import serving

from shenhe import Screener
from shenhe.adapters.sms import LogSmsGateway
from shenhe.api import create_app
from shenhe.config import Settings


@pytest.fixture
def gateway() -> LogSmsGateway:
    return LogSmsGateway()


@pytest.fixture
def client(
    migrated_url: str, default_screener: Screener, gateway: LogSmsGateway
) -> Iterator[httpx.Client]:
    settings = Settings(database_url=migrated_url, pii_key=MASTER_KEY_HEX)
    app = create_app(default_screener, settings)
    app.state.sms_gateway = gateway
    with serving(app) as client:
        yield client


def register(client: httpx.Client, data: dict[str, Any]) -> Any:
    return client.post("/v1/accounts", json=data)


def test_register_and_get_show_the_identity_masked_only(client: httpx.Client) -> None:
    created = register(client, WANG)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["identity"]["id_number"] == WANG_MASKED
    assert body["publishing"] == {
        "allowed": False,
        "code": "mobile_unverified",
        "reason": body["publishing"]["reason"],
    }
    itself = {"X-Account-Id": str(body["id"])}
    fetched = client.get(f"/v1/accounts/{body['id']}", headers=itself)
    assert fetched.status_code == 200
    assert WANG_ID not in fetched.text and "13800138000" not in fetched.text
    assert fetched.json()["identity"] == body["identity"]
    org = register(client, ORG)
    assert org.status_code == 201
    # The back-end view is the account's own (or a moderator's); others get the profile.
    anonymous = client.get(f"/v1/accounts/{body['id']}")
    assert anonymous.status_code == 403 and "/profile" in anonymous.json()["detail"]
    other = client.get(
        f"/v1/accounts/{body['id']}", headers={"X-Account-Id": str(org.json()["id"])}
    )
    assert other.status_code == 403
    assert client.get("/v1/accounts/999", headers={"X-Account-Id": "999"}).status_code == 404


BAD_FIELDS = [
    ({"id_number": WANG_ID[:-1] + "0"}, "id_number", "id_number.check_digit"),
    ({"id_number": "99" + WANG_ID[2:]}, "id_number", "id_number.region"),
    ({"mobile": "23800138000"}, "mobile", "mobile.prefix"),
    ({"uscc": ORG_USCC}, "uscc", "invalid"),
]


def test_a_bad_field_is_a_422_naming_it(client: httpx.Client) -> None:
    for change, field, check in BAD_FIELDS:
        response = register(client, {**WANG, **change})
        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["loc"] == ["body", field] and error["type"] == check


def test_a_missing_kind_or_extra_field_is_a_422(client: httpx.Client) -> None:
    assert register(client, {k: v for k, v in WANG.items() if k != "kind"}).status_code == 422
    assert register(client, {**WANG, "nickname": "x"}).status_code == 422


def test_a_duplicate_identity_is_a_409_that_says_nothing_of_whose(client: httpx.Client) -> None:
    assert register(client, WANG).status_code == 201
    again = register(client, {**WANG, "name": "王二", "mobile": "13700137000"})
    assert again.status_code == 409
    assert "王" not in again.text and WANG_ID[-4:] not in again.text
    taken = register(client, {**LI, "mobile": WANG["mobile"]})
    assert taken.status_code == 409 and "mobile" in taken.json()["detail"]


def test_a_child_fails_verification_with_a_422(client: httpx.Client) -> None:
    response = register(client, {**WANG, "id_number": CHILD_ID})
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "minor"


def test_the_mobile_is_confirmed_with_the_code_sent(
    client: httpx.Client, gateway: LogSmsGateway
) -> None:
    account = register(client, WANG).json()
    sent = client.post(f"/v1/accounts/{account['id']}/mobile/code")
    assert sent.status_code == 202
    again = client.post(f"/v1/accounts/{account['id']}/mobile/code")
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0
    code = code_from(gateway, WANG["mobile"])
    wrong = client.post(
        f"/v1/accounts/{account['id']}/verify", json={"code": "000000" if code != "000000" else "1"}
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["body", "code"]
    confirmed = client.post(f"/v1/accounts/{account['id']}/verify", json={"code": code})
    assert confirmed.status_code == 200
    assert confirmed.json()["publishing"]["allowed"] is True
