"""Operator authentication for the API: ``Authorization: Bearer <token>``.

Tokens are made with ``shenhe operators add NAME --role moderator`` (only their SHA-256 is
stored). A route that needs a role calls `operator_with(request, role)`: no or an unknown
token → 401 with a ``WWW-Authenticate: Bearer`` challenge; a token without the role → 403.
"""

from __future__ import annotations

from fastapi import Request

from shenhe.api import deps
from shenhe.domain.operators import Operator, Role
from shenhe.services.operators import authenticate, require

SCHEME = "bearer"


def bearer_token(request: Request) -> str | None:
    """The token of the request's ``Authorization: Bearer`` header, if it has one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != SCHEME or not token.strip():
        return None
    return token.strip()


def operator_with(request: Request, role: Role) -> Operator:
    """The operator the request's token names, if it holds `role` (else 401 or 403)."""
    operator = authenticate(bearer_token(request), deps.unit_of_work(request, read_only=True))
    return require(operator, role)
