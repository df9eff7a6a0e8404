"""Operators of the API and their roles: who may close accounts, who may reveal PII.

An operator is a named person or service holding a bearer token. The token is 32 random bytes
shown once when it is made; only its SHA-256 is stored (a random token of that length needs no
slow hash), so a copy of the database lets no one in. Roles are a closed vocabulary:

- ``moderator``: close, suspend or delete accounts, trigger re-verification;
- ``pii_reveal``: see an identity value in clear (each reveal is an audit record).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from shenhe.domain.audit import format_time, format_time_or_none
from shenhe.domain.pii import NonceSource

Role = Literal["moderator", "pii_reveal"]
ROLES: tuple[Role, ...] = ("moderator", "pii_reveal")
TOKEN_PREFIX = "shk_"
TOKEN_BYTES = 32
NAME = re.compile(r"[a-z][a-z0-9_.-]{0,62}")


@dataclass(frozen=True, slots=True)
class Operator:
    """An operator as stored (never with its token)."""

    id: int
    name: str
    roles: tuple[Role, ...]
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def actor(self) -> str:
        """How audit records name the operator."""
        return f"operator:{self.name}"

    def has(self, role: Role) -> bool:
        return self.revoked_at is None and role in self.roles

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "roles": list(self.roles),
            "created_at": format_time(self.created_at),
            "revoked_at": format_time_or_none(self.revoked_at),
        }


def new_token(random: NonceSource = os.urandom) -> str:
    """A fresh bearer token (``shk_`` and 43 base64url characters)."""
    return TOKEN_PREFIX + base64.urlsafe_b64encode(random(TOKEN_BYTES)).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, hex."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def parse_roles(values: object) -> tuple[Role, ...]:
    """Known roles in their canonical order, or ValueError naming the unknown one."""
    if not isinstance(values, list | tuple):
        raise ValueError("roles must be a list")
    for value in values:
        if value not in ROLES:
            raise ValueError(f"unknown role {value!r}; use {', '.join(ROLES)}")
    return tuple(role for role in ROLES if role in values)
