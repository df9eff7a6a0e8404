"""Profile use cases: set an account's front (name, bio, avatar caption), read its public
profile, and anonymise an account's content when it is deleted.

`update_profile` screens the profile (`shenhe.domain.profile.review_profile`): a refusal is
recorded (``profile.refuse`` and a ``profile_refused`` credit violation, committed) before it
is raised, so a client trying name after name leaves a trace. A profile that passes is stored
with the IP location of the client address it came from (province on the mainland, country
abroad), never the address itself (``profile.update``). The public profile shows only the
chosen name, the verification badge where there is one, and that location.

`anonymise_content` is an erasure step of an account's deletion (`DELETION_STEPS`, which
the shells pass to ``account_admin.delete_account``): its posts and comments stay, under
no account; its profile and credit events go; the client addresses of its agreement
acceptances are dropped; reports it filed keep only a hash of who filed them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shenhe.domain.accounts import Account
from shenhe.domain.audit import SYSTEM_ACTOR, Subject
from shenhe.domain.ip_location import IpLocation
from shenhe.domain.pii import Keyring
from shenhe.domain.profile import Profile, review_profile
from shenhe.domain.publishing_errors import ProfileRejectedError
from shenhe.services import audit
from shenhe.services.accounts import open_account_identity
from shenhe.services.credit import violation
from shenhe.services.errors import NotFoundError
from shenhe.services.publishing_rules import PublishingRules
from shenhe.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class PublicProfile:
    """What anyone may see of an account."""

    account_id: int
    nickname: str
    bio: str
    avatar_caption: str
    badge: str | None
    """The verification badge (the verified organisation's kind or name), if any."""
    ip_location: IpLocation

    def to_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "nickname": self.nickname,
            "bio": self.bio,
            "avatar_caption": self.avatar_caption,
            "badge": self.badge,
            "ip_location": self.ip_location.to_dict(),
        }


def update_profile(
    uow: UnitOfWork,
    rules: PublishingRules,
    keyring: Keyring,
    account_id: int,
    profile: Profile,
    *,
    address: str | None,
    now: datetime,
) -> PublicProfile:
    """Screen and store the account's front; `ProfileRejectedError` names each problem. An
    organisation whose identity is verified may use its own name and the official words its
    name holds (its legal name is opened for the check, never shown or stored)."""
    with uow:
        account = _live_account(uow, account_id)
        badge = badge_of(account)
        verified_as = _verified_name(keyring, account) if badge else None
    try:
        clean = review_profile(profile, rules.screener, rules.bodies, verified_as=verified_as)
    except ProfileRejectedError as refused:
        with uow:
            audit.append(
                uow,
                actor=f"account:{account_id}",
                action="profile.refuse",
                subject=Subject("account", str(account_id)),
                payload={"problems": [[p.field, p.reason, p.text] for p in refused.problems]},
                at=now,
            )
            violation(uow, rules.credit, account_id, "profile_refused", subject="profile", now=now)
            uow.commit()
        raise
    location = rules.ip_table.locate(address)
    with uow:
        uow.profiles.put(account_id, clean, location, at=now)
        audit.append(
            uow,
            actor=f"account:{account_id}",
            action="profile.update",
            subject=Subject("account", str(account_id)),
            payload={**clean.to_dict(), "ip_location": location.name},
            at=now,
        )
        uow.commit()
    return PublicProfile(
        account_id, clean.nickname, clean.bio, clean.avatar_caption, badge, location
    )


def public_profile(uow: UnitOfWork, account_id: int) -> PublicProfile:
    """The account's public profile; `NotFoundError` when it never set one."""
    with uow:
        account = _live_account(uow, account_id)
        found = uow.profiles.get(account_id)
        badge = badge_of(account)
    if found is None:
        raise NotFoundError("profile", str(account_id))
    profile, location, _ = found
    return PublicProfile(
        account_id, profile.nickname, profile.bio, profile.avatar_caption, badge, location
    )


def badge_of(account: Account) -> str | None:
    """The badge a profile shows: ``organisation`` for an organisation whose identity is
    verified (the real-name rules give individuals no badge: their name stays in the back)."""
    if account.kind == "organisation" and account.identity_status == "verified":
        return "organisation"
    return None


def _live_account(uow: UnitOfWork, account_id: int) -> Account:
    account = uow.accounts.get(account_id)
    if account is None or account.status == "deleted":
        raise NotFoundError("account", str(account_id))
    return account


def _verified_name(keyring: Keyring, account: Account) -> str | None:
    if account.data_key is None or "name" not in account.identity:
        return None
    return open_account_identity(keyring, account, ["name"], check_index=False)["name"]


def anonymise_content(uow: UnitOfWork, account_id: int, now: datetime) -> None:
    """Erasure step of an account's deletion (`account_admin.delete_account`'s
    ``extra_steps``), in its open unit (see the module)."""
    reporter = f"account:{account_id}"
    hashed = f"deleted:{hashlib.sha256(reporter.encode()).hexdigest()[:24]}"
    counts = {
        "posts": uow.posts.anonymise(account_id),
        "profile": int(uow.profiles.delete(account_id)),
        "credit_events": uow.credit.delete(account_id),
        "acceptances": uow.agreements.forget_addresses(account_id),
        "reports": uow.reports.rename_reporter(reporter, hashed),
    }
    audit.append(
        uow,
        actor=SYSTEM_ACTOR,
        action="account.anonymise",
        subject=Subject("account", str(account_id)),
        payload=counts,
        at=now,
    )


DELETION_STEPS = (anonymise_content,)
"""What the publishing side does when an account is deleted, as erasure steps."""
