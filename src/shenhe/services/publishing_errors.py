"""Errors of the posting use cases (`ServiceError`s, like those of `services.errors`).

ServiceError
├── PublishingForbiddenError   the account may not publish now: `reason` says why
│                              (no_publishing_rights, no_agreement, agreement_not_accepted,
│                              credit_restricted)
└── RateLimitedError           the account made its hour's posts or comments already
"""

from __future__ import annotations

from shenhe.services.errors import ServiceError


class PublishingForbiddenError(ServiceError):
    """The account may not publish; the message says what it must do first."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class RateLimitedError(ServiceError):
    """Too many posts or comments in the last hour for the account's credit tier."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
