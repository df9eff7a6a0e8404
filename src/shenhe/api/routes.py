"""The HTTP routes. Thin: parse, call the screener the app was built with, return its verdicts.

Screening is CPU-bound, so the routes are plain functions that FastAPI runs in its thread pool
and the event loop stays free to accept connections.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from shenhe.api.errors import too_many_texts
from shenhe.api.schemas import (
    BatchOut,
    BatchRequest,
    ErrorOut,
    HealthOut,
    ScreenRequest,
    VerdictOut,
)
from shenhe.config import Settings
from shenhe.screening.screener import Screener

router = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorOut, "description": "The body is larger than SHENHE_MAX_BODY_BYTES."},
    422: {
        "model": ErrorOut,
        "description": (
            "Malformed JSON, a missing or mistyped field, an unknown surface, a text longer "
            "than SHENHE_MAX_TEXT_LENGTH or a batch larger than SHENHE_MAX_BATCH_SIZE."
        ),
    },
}


def _screener(request: Request) -> Screener:
    screener: Screener = request.app.state.screener
    return screener


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.post(
    "/v1/text/screen",
    response_model=VerdictOut,
    responses=_ERRORS,
    summary="Screen one text",
    tags=["screening"],
)
def screen(body: ScreenRequest, request: Request) -> dict[str, Any]:
    """The verdict for one text on one surface."""
    return _screener(request).screen(body.text, surface=body.surface).to_dict()


@router.post(
    "/v1/text/screen:batch",
    response_model=BatchOut,
    responses=_ERRORS,
    summary="Screen many texts",
    tags=["screening"],
)
def screen_batch(body: BatchRequest, request: Request) -> dict[str, Any]:
    """One verdict per text, in the order the texts were given."""
    limit = _settings(request).max_batch_size
    if len(body.texts) > limit:
        raise too_many_texts(len(body.texts), limit)
    verdicts = _screener(request).screen_batch(body.texts, surface=body.surface)
    return {"verdicts": [verdict.to_dict() for verdict in verdicts]}


@router.get("/healthz", response_model=HealthOut, summary="Liveness and versions", tags=["ops"])
def healthz(request: Request) -> dict[str, Any]:
    """Up, and which lexicon and policy are in use (they change when files are reloaded)."""
    screener = _screener(request)
    return {
        "status": "ok",
        "lexicon_version": screener.lexicon.version,
        "policy_version": screener.policy.version,
    }
