"""Errors at the HTTP boundary, and the one place they become responses.

Every error response has the same JSON shape (`shenhe.api.schemas.ErrorOut`)::

    {"detail": "body.texts.3: Input should be a valid string", "errors": [{"loc": [...], ...}]}

Statuses:

    ShenheError              → STATUSES below, by the closest class: InputError and the
                               domain's IdentityError, QualificationError, CategoryError,
                               SubmissionError, EnforcementError → 422 (``errors`` names the
                               field); NotFoundError → 404; ConflictError → 409; the rest → 500
    RequestValidationError   → 422  malformed JSON, a missing or mistyped field, unknown surface
    BodyTooLargeError        → 413  the body passed SHENHE_MAX_BODY_BYTES
    other HTTPException      → its own status (404, 405, ...)

Domain errors know nothing of HTTP; only `STATUSES` here does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from shenhe.api.publishing_errors import (
    PUBLISHING_STATUSES,
    publishing_details,
    publishing_headers,
)
from shenhe.domain.errors import (
    CategoryError,
    DomainError,
    EnforcementError,
    IdentityError,
    PiiError,
    QualificationError,
    SubmissionError,
)
from shenhe.errors import (
    ConfigError,
    InputError,
    LexiconError,
    PolicyError,
    ShenheError,
    TextTooLongError,
)
from shenhe.services.account_errors import (
    AuthenticationError,
    BlacklistedError,
    OtpError,
    PermissionDeniedError,
    ThrottledError,
    VerificationFailedError,
    VerifierUnavailableError,
)
from shenhe.services.errors import ConflictError, NotFoundError

STATUSES: Mapping[type[ShenheError], int] = {
    TextTooLongError: 422,
    InputError: 422,
    IdentityError: 422,
    QualificationError: 422,
    CategoryError: 422,
    SubmissionError: 422,
    EnforcementError: 422,
    PiiError: 500,
    DomainError: 500,
    NotFoundError: 404,
    ConflictError: 409,
    **PUBLISHING_STATUSES,
    BlacklistedError: 403,
    VerificationFailedError: 422,
    VerifierUnavailableError: 503,
    OtpError: 422,
    ThrottledError: 429,
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    LexiconError: 500,
    PolicyError: 500,
    ConfigError: 500,
    ShenheError: 500,
}
"""The status for each Shenhe error; a subclass not listed takes its nearest listed base's."""


class BodyTooLargeError(HTTPException):
    """The request body is larger than the configured limit (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=(
                f"the request body is larger than {limit} bytes (SHENHE_MAX_BODY_BYTES); "
                "send fewer or shorter texts per request"
            ),
        )
        self.limit = limit


def status_for(exc: ShenheError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUSES:
            return STATUSES[cls]
    return 500


def error_body(detail: str, errors: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    return {"detail": detail, "errors": [dict(e) for e in errors]}


def error_response(exc: HTTPException) -> JSONResponse:
    return JSONResponse(error_body(str(exc.detail)), exc.status_code, headers=exc.headers)


async def shenhe_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """The one mapping of Shenhe's domain errors to HTTP statuses."""
    assert isinstance(exc, ShenheError)
    errors = []
    if isinstance(exc, TextTooLongError):
        loc: list[str | int] = (
            ["body", "text"] if exc.index is None else ["body", "texts", exc.index]
        )
        errors.append({"loc": loc, "msg": str(exc), "type": "text_too_long"})
    elif isinstance(exc, IdentityError):
        errors.append({"loc": ["body", exc.field], "msg": str(exc), "type": exc.code})
    elif isinstance(exc, QualificationError | SubmissionError | EnforcementError):
        loc = ["body", *(int(p) if p.isdigit() else p for p in exc.field.split(".") if p)]
        errors.append({"loc": loc, "msg": str(exc), "type": "invalid"})
    elif isinstance(exc, CategoryError):
        errors.append({"loc": ["body", "category"], "msg": str(exc), "type": "unknown_category"})
    elif isinstance(exc, VerificationFailedError | OtpError):
        where = "code" if isinstance(exc, OtpError) else "identity"
        errors.append({"loc": ["body", where], "msg": str(exc), "type": exc.code})
    errors.extend(publishing_details(exc))
    headers = _account_headers(exc) or publishing_headers(exc)
    return JSONResponse(error_body(str(exc), errors), status_for(exc), headers=headers)


def _account_headers(exc: ShenheError) -> dict[str, str] | None:
    """Retry-After for a throttled request; the Bearer challenge for a missing token."""
    if isinstance(exc, ThrottledError):
        return {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, AuthenticationError):
        return {"WWW-Authenticate": 'Bearer realm="shenhe"'}
    return None


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_field_error(error) for error in exc.errors()]
    detail = "; ".join(f"{_path(e['loc'])}: {e['msg']}" for e in errors) or "invalid request"
    return JSONResponse(error_body(detail, errors), 422)


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return error_response(exc)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ShenheError, shenhe_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(HTTPException, http_error_handler)


def too_many_texts(count: int, limit: int) -> RequestValidationError:
    """The 422 for a batch longer than SHENHE_MAX_BATCH_SIZE."""
    msg = f"{count} texts in one batch; the limit is {limit} (SHENHE_MAX_BATCH_SIZE). Split it."
    return RequestValidationError([{"type": "too_long", "loc": ("body", "texts"), "msg": msg}])


def _field_error(error: Mapping[str, Any]) -> dict[str, Any]:
    loc = list(error.get("loc", ()))
    kind = str(error.get("type", "invalid"))
    msg = str(error.get("msg", "invalid"))
    if kind == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "")
        where = f" at character {loc[1]}" if len(loc) > 1 else ""
        msg = f"the body is not valid JSON ({reason}{where})"
        loc = ["body"]
    elif kind == "missing" and loc == ["body"]:
        msg = "the request has no JSON body"
    elif kind in ("model_attributes_type", "dict_type", "model_type") and loc == ["body"]:
        msg = "the body must be a JSON object sent as Content-Type: application/json"
    return {"loc": loc, "msg": msg, "type": kind}


def _path(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc) or "body"
