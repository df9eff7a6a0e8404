"""Agreement use cases: publish a version, read them, accept the current one.

Publishing a version makes it the current one, so every account must accept again before it
publishes (`must_accept`). Each publication and each acceptance is one transaction with its
audit record (``agreement.publish``, ``agreement.accept``); the acceptance's record holds
the version, its SHA-256 and the time, and the row holds the client address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shenhe.domain.agreements import Acceptance, Agreement, agreement_text, must_accept
from shenhe.domain.audit import SYSTEM_ACTOR, Subject
from shenhe.services import audit
from shenhe.services.errors import ConflictError, NotFoundError
from shenhe.services.unit_of_work import UnitOfWork


def publish_agreement(
    uow: UnitOfWork,
    *,
    version: str,
    body: str,
    title: str | None = None,
    actor: str = SYSTEM_ACTOR,
    now: datetime,
) -> Agreement:
    """Publish a new version (the current one from now on); a version label used before is a
    `ConflictError`."""
    text = agreement_text(version, title, body)
    with uow:
        if uow.agreements.by_version(text.version) is not None:
            raise ConflictError(
                f"agreement version {text.version!r} is published already; give a new version"
            )
        agreement = uow.agreements.add(text, actor=actor, at=now)
        audit.append(
            uow,
            actor=actor,
            action="agreement.publish",
            subject=Subject("agreement", agreement.version),
            payload={
                "version": agreement.version,
                "title": agreement.title,
                "sha256": agreement.sha256,
            },
            at=now,
        )
        uow.commit()
    return agreement


def current_agreement(uow: UnitOfWork) -> Agreement:
    """The version accounts must accept now; `NotFoundError` before the first is published."""
    with uow:
        agreement = uow.agreements.current()
    if agreement is None:
        raise NotFoundError(
            "agreement",
            "current",
            "no service agreement is published yet; publish one with "
            "`shenhe agreements publish FILE --version V`",
        )
    return agreement


def publish_first_agreement(
    uow: UnitOfWork, *, version: str, body: str, now: datetime
) -> Agreement | None:
    """Publish `body` as `version` when no agreement is published yet (what ``shenhe demo
    seed`` does); None when there is one already."""
    with uow:
        if uow.agreements.current() is not None:
            return None
    return publish_agreement(uow, version=version, body=body, now=now)


def list_agreements(uow: UnitOfWork) -> list[Agreement]:
    """Every published version, oldest first (the last is the current one)."""
    with uow:
        return uow.agreements.all()


def accept_agreement(
    uow: UnitOfWork,
    *,
    account_id: int,
    version: str,
    address: str | None,
    now: datetime,
) -> tuple[Acceptance, bool]:
    """Record that the account accepts `version`, which must be the current one; the
    acceptance and whether it is new (accepting again gives back the first acceptance)."""
    with uow:
        current = uow.agreements.current()
        if current is None:
            raise NotFoundError("agreement", "current")
        account = uow.accounts.get(account_id)
        if account is None or account.status == "deleted":
            raise NotFoundError("account", str(account_id))
        if version != current.version:
            raise ConflictError(
                f"agreement version {version!r} is not the current one; accept {current.version!r}"
            )
        found = uow.agreements.acceptance(account_id, current)
        if found is not None:
            return found, False
        acceptance = uow.agreements.accept(account_id, current, address=address, at=now)
        audit.append(
            uow,
            actor=f"account:{account_id}",
            action="agreement.accept",
            subject=Subject("account", str(account_id)),
            payload={"version": current.version, "sha256": current.sha256},
            at=now,
        )
        uow.commit()
    return acceptance, True


def has_accepted_current(uow: UnitOfWork, account_id: int) -> tuple[str | None, bool]:
    """Step: the current version's label and whether the account accepted it (in the open
    unit); (None, False) before the first version."""
    found = uow.agreements.accepted_current(account_id)
    return (None, False) if found is None else found


@dataclass(frozen=True, slots=True)
class AgreementStatus:
    """An account's acceptances and whether it must accept the current version."""

    current: Agreement | None
    acceptances: list[Acceptance]

    @property
    def must_accept(self) -> bool:
        return must_accept(self.current, {a.version for a in self.acceptances})

    def to_dict(self) -> dict[str, Any]:
        return {
            "current": None if self.current is None else self.current.version,
            "must_accept": self.must_accept,
            "acceptances": [a.to_dict() for a in self.acceptances],
        }


def agreement_status(uow: UnitOfWork, account_id: int) -> AgreementStatus:
    with uow:
        return AgreementStatus(uow.agreements.current(), uow.agreements.acceptances(account_id))
