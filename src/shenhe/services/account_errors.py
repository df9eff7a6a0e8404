"""Errors of the account use cases (all `ServiceError`s; the API maps each to a status).

    ServiceError
    ├── ConflictError
    │   ├── IdentityTakenError     the identity has the most accounts allowed (409)
    │   └── MobileTakenError       the mobile number belongs to another account (409)
    ├── BlacklistedError           the identity is barred from registering (403)
    ├── VerificationFailedError    the verifier said the identity is not genuine (422)
    ├── VerifierUnavailableError   the verification service cannot be reached (503)
    ├── OtpError                   a one-time code is wrong, expired or spent (422)
    ├── ThrottledError             a new code was asked for too soon (429)
    ├── AccountStateError          the account cannot do that in its state (409)
    ├── AuthenticationError        no valid operator token (401)
    └── PermissionDeniedError      the operator lacks the role (403)

No message says whose identity it is or repeats a value: a duplicate or a blacklisted
identity is reported as such, never with the account or person it belongs to.
"""

from __future__ import annotations

from shenhe.services.errors import ConflictError, ServiceError


class IdentityTakenError(ConflictError):
    """The identity already holds as many accounts as allowed."""


class MobileTakenError(ConflictError):
    """The mobile number is another account's."""


class BlacklistedError(ServiceError):
    """The identity was closed for a serious violation and may not register."""


class VerificationFailedError(ServiceError):
    """The identity verifier found the identity not genuine (name and number do not match)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class VerifierUnavailableError(ServiceError):
    """The identity verifier could not give an answer (down, slow, or its circuit is open)."""


class OtpError(ServiceError):
    """A one-time code was wrong, expired, spent or never sent."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class ThrottledError(ServiceError):
    """Asked again too soon; `retry_after` says in how many seconds to try."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AccountStateError(ConflictError):
    """The account is in a state that does not allow this (closed, deleted)."""


class AuthenticationError(ServiceError):
    """No operator token, or one that is unknown or revoked."""


class PermissionDeniedError(ServiceError):
    """The operator's roles do not allow this."""
