"""How the errors of the front, agreements, posting and complaints become HTTP answers;
`shenhe.api.errors` merges these into its one mapping and handler.

    ProfileRejectedError, PostRefusedError → 422, one ``errors`` entry per problem: ``loc``
                                 names the field, ``type`` the reason, ``ctx`` the span
    AgreementError, PostError, ReportError → 422 naming the field
    PublishingForbiddenError   → 403 (``type``: no_publishing_rights, no_agreement,
                                 agreement_not_accepted, credit_restricted)
    RateLimitedError           → 429 with ``Retry-After``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shenhe.domain.publishing_errors import (
    AgreementError,
    PostError,
    PostRefusedError,
    ProblemsError,
    ProfileRejectedError,
    ReportError,
)
from shenhe.errors import ShenheError
from shenhe.services.publishing_errors import PublishingForbiddenError, RateLimitedError

PUBLISHING_STATUSES: Mapping[type[ShenheError], int] = {
    ProfileRejectedError: 422,
    PostRefusedError: 422,
    AgreementError: 422,
    PostError: 422,
    ReportError: 422,
    PublishingForbiddenError: 403,
    RateLimitedError: 429,
}


def publishing_details(exc: ShenheError) -> list[dict[str, Any]]:
    """The ``errors`` entries of one of these errors (none for other errors)."""
    if isinstance(exc, ProblemsError):
        return [
            {
                "loc": ["body", problem.field],
                "msg": problem.message,
                "type": problem.reason,
                "ctx": {"text": problem.text, "start": problem.start, "end": problem.end},
            }
            for problem in exc.problems
        ]
    if isinstance(exc, AgreementError | PostError | ReportError):
        loc = ["body", *exc.field.split(".")]
        return [{"loc": loc, "msg": str(exc), "type": "invalid"}]
    if isinstance(exc, PublishingForbiddenError):
        return [{"loc": ["header", "x-account-id"], "msg": str(exc), "type": exc.reason}]
    if isinstance(exc, RateLimitedError):
        return [{"loc": ["header", "x-account-id"], "msg": str(exc), "type": "rate_limited"}]
    return []


def publishing_headers(exc: ShenheError) -> dict[str, str] | None:
    """Extra response headers: ``Retry-After`` for a rate limit."""
    if isinstance(exc, RateLimitedError):
        return {"Retry-After": str(exc.retry_after)}
    return None
