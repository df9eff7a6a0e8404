"""Service agreements (服务协议): versioned documents every account must accept.

The 2018 microblog rules ask a platform to sign a service agreement with each user. An
`Agreement` is one published version: its version label, title, body and the SHA-256 of the
body (what was accepted, exactly). The latest published version is the current one; an
account may publish only after accepting it, so publishing a new version asks everyone
again. An `Acceptance` records the account, the version, the time and the client address.

Pure: no clock (times are arguments), no I/O.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shenhe.domain.publishing_errors import AgreementError

VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
TITLE_MAX = 200
BODY_MAX = 200_000


@dataclass(frozen=True, slots=True)
class AgreementText:
    """A version to publish, checked: a label, a title and a non-empty body."""

    version: str
    title: str
    body: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Agreement:
    """A published version."""

    id: int
    version: str
    title: str
    body: str
    sha256: str
    published_at: datetime
    published_by: str

    def to_dict(self, *, with_body: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "version": self.version,
            "title": self.title,
            "sha256": self.sha256,
            "published_at": self.published_at.isoformat(),
            "published_by": self.published_by,
        }
        if with_body:
            data["body"] = self.body
        return data


@dataclass(frozen=True, slots=True)
class Acceptance:
    """An account's acceptance of one version."""

    account_id: int
    version: str
    accepted_at: datetime
    address: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "version": self.version,
            "accepted_at": self.accepted_at.isoformat(),
            "address": self.address,
        }


def agreement_text(version: str, title: str | None, body: str) -> AgreementText:
    """The version checked; the title defaults to the body's first line (``# `` dropped)."""
    version = version.strip()
    if not VERSION.match(version):
        raise AgreementError(
            "give a label of 1 to 40 letters, digits, dots, dashes or underscores (2026-11, v3)",
            field="version",
        )
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise AgreementError("the agreement has no text", field="body")
    if len(body) > BODY_MAX:
        raise AgreementError(f"{len(body)} characters; at most {BODY_MAX}", field="body")
    if title is None or not title.strip():
        title = body.splitlines()[0].lstrip("#").strip()
    title = title.strip()
    if not title or len(title) > TITLE_MAX:
        raise AgreementError(f"give a title of 1 to {TITLE_MAX} characters", field="title")
    return AgreementText(version, title, body)


def must_accept(current: Agreement | None, accepted_versions: set[str]) -> bool:
    """Whether an account that accepted `accepted_versions` must accept `current` first."""
    return current is not None and current.version not in accepted_versions
