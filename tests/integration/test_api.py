"""The HTTP API, through a real uvicorn server on a loopback port, with httpx."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from serving import serving

from shenhe import SURFACES, Contact, Hit, Label, Screener, Verdict
from shenhe.api import create_app
from shenhe.api.schemas import ContactOut, HitOut, LabelOut, VerdictOut
from shenhe.config import Settings

BODY_LIMIT = 512 * 1024
"""A smaller body limit than the default, so the 413 tests send little."""


@pytest.fixture(scope="module")
def base_url(default_screener: Screener) -> Iterator[httpx.URL]:
    app = create_app(default_screener, Settings(max_body_bytes=BODY_LIMIT))
    with serving(app, lifespan="off") as served:
        yield served.base_url


@pytest.fixture
def client(base_url: httpx.URL) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def assert_error(response: httpx.Response, status: int, *needles: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert isinstance(body["detail"], str) and isinstance(body["errors"], list)
    for needle in needles:
        assert needle in body["detail"], body["detail"]
    return body


# --- the routes ---------------------------------------------------------------------------


def test_healthz_names_the_versions_in_use(client: httpx.Client, default_screener: Screener):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "lexicon_version": default_screener.lexicon.version,
        "policy_version": default_screener.policy.version,
    }


def test_screen_returns_the_libraries_verdict(client: httpx.Client, default_screener: Screener):
    text = "无抵押小额贷款，加薇信abc12345"
    response = client.post("/v1/text/screen", json={"text": text})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == default_screener.screen(text, surface="post").to_dict()
    assert response.json()["suggestion"] == "block"


@pytest.mark.parametrize("surface", [*SURFACES, "query", " Nickname "])
def test_screen_accepts_every_surface_and_alias(
    client: httpx.Client, default_screener: Screener, surface: str
):
    text = "小额贷款 加微信 abc12345"
    response = client.post("/v1/text/screen", json={"text": text, "surface": surface})
    assert response.status_code == 200, response.text
    assert response.json() == default_screener.screen(text, surface=surface).to_dict()


@pytest.mark.parametrize(
    "text",
    [
        "😀😀无抵押小额贷款",  # astral characters before the hit: offsets are code points
        "𠀀𠀁 貸款 e\u0301 加薇信abc12345",  # CJK extension B, traditional, combining accent
        "ＬＯＡＮ　贷\u200b款",  # full width, a zero-width space inside the term
        "",
    ],
)
def test_unicode_offsets_are_code_points(
    client: httpx.Client, default_screener: Screener, text: str
):
    response = client.post("/v1/text/screen", json={"text": text})
    assert response.status_code == 200, response.text
    verdict = response.json()
    assert verdict == default_screener.screen(text).to_dict()
    for span in [*verdict["hits"], *verdict["contacts"]]:
        assert text[span["start"] : span["end"]] == span["text"]


def test_responses_are_utf8_not_escaped(client: httpx.Client):
    response = client.post("/v1/text/screen", json={"text": "小额贷款"})
    assert "贷款".encode() in response.content


def test_batch_keeps_the_order(client: httpx.Client, default_screener: Screener):
    texts = [f"第{i}条：{'小额贷款' if i % 3 == 0 else '今天天气不错'} {i}" for i in range(300)]
    texts += ["加微信abc12345", "", "😀貸款"]
    response = client.post("/v1/text/screen:batch", json={"texts": texts, "surface": "comment"})
    assert response.status_code == 200, response.text
    verdicts = response.json()["verdicts"]
    assert len(verdicts) == len(texts)
    expected = [v.to_dict() for v in default_screener.screen_batch(texts, surface="comment")]
    assert verdicts == expected
    assert [v["suggestion"] != "pass" for v in verdicts[:300]] == [i % 3 == 0 for i in range(300)]


def test_batch_of_the_maximum_size_is_accepted(client: httpx.Client):
    response = client.post("/v1/text/screen:batch", json={"texts": ["你好"] * 1000})
    assert response.status_code == 200
    assert len(response.json()["verdicts"]) == 1000


def test_text_of_the_maximum_length_is_accepted(client: httpx.Client):
    response = client.post("/v1/text/screen", json={"text": "a" * 100_000})
    assert response.status_code == 200, response.text


def test_openapi_docs_are_served(client: httpx.Client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/v1/text/screen", "/v1/text/screen:batch", "/healthz"} <= set(spec["paths"])
    assert "VerdictOut" in spec["components"]["schemas"]


@pytest.mark.parametrize(
    ("model", "record"),
    [(VerdictOut, Verdict), (LabelOut, Label), (HitOut, Hit), (ContactOut, Contact)],
)
def test_response_models_mirror_the_verdict_schema(model: Any, record: Any):
    assert list(model.model_fields) == [f.name for f in dataclasses.fields(record)]


# --- 422: what is wrong, and where ----------------------------------------------------------


def test_malformed_json_is_422(client: httpx.Client):
    response = client.post(
        "/v1/text/screen", content=b'{"text": "abc",', headers={"content-type": "application/json"}
    )
    body = assert_error(response, 422, "not valid JSON")
    assert body["errors"][0]["loc"] == ["body"]


def test_form_body_is_422(client: httpx.Client):
    response = client.post("/v1/text/screen", data={"text": "贷款"})
    assert_error(response, 422, "JSON object", "application/json")


def test_missing_body_is_422(client: httpx.Client):
    response = client.post("/v1/text/screen", headers={"content-type": "application/json"})
    assert_error(response, 422, "no JSON body")


@pytest.mark.parametrize(
    ("payload", "loc", "reason"),
    [
        ({}, ["body", "text"], "required"),
        ({"text": 123}, ["body", "text"], "string"),
        ({"text": None}, ["body", "text"], "string"),
        ({"text": "x", "surface": 3}, ["body", "surface"], "string"),
        ({"text": "x", "colour": "red"}, ["body", "colour"], "not permitted"),
        (["x"], ["body"], "JSON object"),
    ],
)
def test_wrong_fields_are_422_with_their_path(
    client: httpx.Client, payload: Any, loc: list[str], reason: str
):
    body = assert_error(client.post("/v1/text/screen", json=payload), 422, ".".join(loc), reason)
    assert body["errors"][0]["loc"] == loc


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({"texts": []}, ["body", "texts"]),
        ({"texts": "one string"}, ["body", "texts"]),
        ({"texts": ["ok", 7]}, ["body", "texts", 1]),
        ({"text": "wrong route"}, ["body", "texts"]),
    ],
)
def test_wrong_batches_are_422_with_their_path(client: httpx.Client, payload: Any, loc: list[Any]):
    body = assert_error(client.post("/v1/text/screen:batch", json=payload), 422)
    assert loc in [error["loc"] for error in body["errors"]]


def test_unknown_surface_is_422_listing_the_surfaces(client: httpx.Client):
    response = client.post("/v1/text/screen", json={"text": "x", "surface": "tweet"})
    body = assert_error(response, 422, "body.surface", "tweet", *SURFACES)
    assert body["errors"][0]["type"] == "unknown_surface"
    response = client.post("/v1/text/screen:batch", json={"texts": ["x"], "surface": "tweet"})
    assert_error(response, 422, *SURFACES)


def test_text_over_the_limit_is_422_naming_the_limit(client: httpx.Client):
    response = client.post("/v1/text/screen", json={"text": "a" * 100_001})
    body = assert_error(response, 422, "100001", "100000")
    assert body["errors"][0]["loc"] == ["body", "text"]


def test_batch_text_over_the_limit_is_422_naming_the_text(client: httpx.Client):
    texts = ["ok", "fine", "a" * 100_001]
    body = assert_error(client.post("/v1/text/screen:batch", json={"texts": texts}), 422, "100000")
    assert body["errors"][0]["loc"] == ["body", "texts", 2]


def test_batch_over_the_limit_is_422_naming_the_limit(client: httpx.Client):
    response = client.post("/v1/text/screen:batch", json={"texts": ["x"] * 1001})
    body = assert_error(response, 422, "1001", "1000")
    assert body["errors"][0]["loc"] == ["body", "texts"]


def test_lone_surrogate_is_422(client: httpx.Client):
    response = client.post(
        "/v1/text/screen",
        content=b'{"text": "ab\\ud800cd"}',
        headers={"content-type": "application/json"},
    )
    assert_error(response, 422, "body.text", "surrogate")


# --- 413: bodies over the limit are refused before they are read -----------------------------


def test_declared_oversized_body_is_413(client: httpx.Client):
    payload = b'{"text": "' + b"a" * BODY_LIMIT + b'"}'
    response = client.post(
        "/v1/text/screen", content=payload, headers={"content-type": "application/json"}
    )
    assert_error(response, 413, str(BODY_LIMIT))


def test_streamed_oversized_body_is_413(client: httpx.Client):
    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"texts": ["'
        for _ in range(BODY_LIMIT // 4096 + 1):
            yield b"a" * 4096
        yield b'"]}'

    response = client.post(
        "/v1/text/screen:batch", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_error(response, 413, str(BODY_LIMIT))


def test_streamed_body_under_the_limit_is_fine(client: httpx.Client):
    def chunks() -> Iterator[bytes]:
        yield b'{"text": '
        yield '"小额贷款"}'.encode()

    response = client.post(
        "/v1/text/screen", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["hits"]


def test_unknown_route_has_the_error_shape(client: httpx.Client):
    assert_error(client.get("/v1/nothing"), 404)
    assert_error(client.get("/v1/text/screen"), 405)
