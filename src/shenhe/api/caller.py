"""Who is calling: the account a request acts for, and the client's address.

Shenhe sits behind the platform's own gateway, which signs users in; the gateway names the
signed-in account in the ``X-Account-Id`` header (a positive integer). A request without it
acts for no account: it may read what is public and file a complaint, not publish. The
client address is the peer's address (``request.client``), or, where the operator runs a
proxy in front, what that proxy puts in ``X-Real-IP``.
"""

from __future__ import annotations

import hashlib

from fastapi import Request

from shenhe.errors import InputError
from shenhe.services.publishing_errors import PublishingForbiddenError

ACCOUNT_HEADER = "x-account-id"
ADDRESS_HEADER = "x-real-ip"


def account_id(request: Request) -> int | None:
    """The account the request acts for, if any; a malformed header is an `InputError`."""
    raw = request.headers.get(ACCOUNT_HEADER)
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise InputError("X-Account-Id must be the signed-in account's id, a positive integer")
    return int(raw)


def required_account(request: Request) -> int:
    """The account the request acts for; none is a `PublishingForbiddenError`."""
    found = account_id(request)
    if found is None:
        raise PublishingForbiddenError(
            "no_account", "sign in first: this needs an account (the X-Account-Id header)"
        )
    return found


def client_address(request: Request) -> str | None:
    """The client's address, as the gateway or the connection gives it."""
    forwarded = request.headers.get(ADDRESS_HEADER)
    if forwarded and forwarded.strip():
        return forwarded.strip()[:64]
    return None if request.client is None else request.client.host[:64]


def reporter_key(request: Request) -> str:
    """Who files a complaint: the account, or for anyone else a hash of their address (so a
    repeat from the same place is the same reporter, and no address is stored)."""
    found = account_id(request)
    if found is not None:
        return f"account:{found}"
    address = client_address(request) or "unknown"
    return f"client:{hashlib.sha256(address.encode()).hexdigest()[:24]}"
