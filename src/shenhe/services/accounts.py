"""Account use cases: register with a real identity, look one up, may it publish, close, delete.

Registration (后台实名) goes in three steps, so that no database lock is held while a remote
verifier answers:

1. structural checks of every field (`IdentityError` names the field and the check);
2. in a read transaction: the identity is not blacklisted (`BlacklistedError`), holds fewer
   accounts than `AccountPolicy.per_identity` (`IdentityTakenError`), and the mobile number
   is no other account's (`MobileTakenError`) — none of them says whose;
3. the `IdentityVerifier` (`VerificationFailedError`, `VerifierUnavailableError`), then one
   write transaction that checks 2 again, seals the identity under a new data key
   (`shenhe.domain.account_vault`), stores the account and its ``account.register`` audit
   record.

`publishing_rights` is what the publishing side asks before it accepts a post or a comment.
Closing (`close_account`) and deleting (`delete_account`) are in `shenhe.services.account_admin`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shenhe.domain.account_vault import new_data_key, open_identity, seal_identity, unwrap, wrap
from shenhe.domain.accounts import (
    ACCOUNT_KINDS,
    IDENTITY_FIELD,
    Account,
    AccountKind,
    AccountStatus,
    PublishingRights,
)
from shenhe.domain.audit import SYSTEM_ACTOR, Subject, format_time
from shenhe.domain.errors import IdentityError, SubmissionError
from shenhe.domain.identity import parse_id_number, parse_mobile, parse_uscc
from shenhe.domain.otp import OtpRules
from shenhe.domain.pii import Keyring
from shenhe.domain.principals import check_name
from shenhe.domain.registry import registry_date
from shenhe.services import audit
from shenhe.services.account_errors import (
    AccountStateError,
    BlacklistedError,
    IdentityTakenError,
    MobileTakenError,
    VerificationFailedError,
)
from shenhe.services.errors import NotFoundError
from shenhe.services.unit_of_work import UnitOfWork
from shenhe.services.verification import IdentityClaim, IdentityVerifier

MAX_NAME = 100
"""Longest legal name of a person, an organisation or a responsible person."""
GONE: tuple[AccountStatus, ...] = ("closed", "deleted")
"""The statuses of an account that takes no more steps of its own (codes, re-verification)."""


@dataclass(frozen=True, slots=True)
class AccountPolicy:
    """The operator's rules for accounts (from the settings)."""

    per_identity: int = 1
    """How many accounts one identity may hold (deleted ones do not count)."""
    reverify_after: timedelta = timedelta(days=365)
    """How long a verification holds before it is due again (定期核验)."""
    retry_after: timedelta = timedelta(days=1)
    """How soon a failed re-verification is tried again by the scheduled job."""
    otp: OtpRules = dataclasses.field(default_factory=OtpRules)


DEFAULT_POLICY = AccountPolicy()


@dataclass(frozen=True, slots=True)
class RegisterAccount:
    """Register an individual (`id_number`) or an organisation (`uscc`, `responsible_*`)."""

    kind: str
    name: str = dataclasses.field(repr=False)
    mobile: str = dataclasses.field(repr=False)
    id_number: str | None = dataclasses.field(default=None, repr=False)
    uscc: str | None = dataclasses.field(default=None, repr=False)
    responsible_name: str | None = dataclasses.field(default=None, repr=False)
    responsible_id_number: str | None = dataclasses.field(default=None, repr=False)
    actor: str = SYSTEM_ACTOR


@dataclass(frozen=True, slots=True)
class _Identity:
    """A registration's values after the structural checks, normalised, in clear."""

    kind: AccountKind
    values: dict[str, str] = dataclasses.field(repr=False)

    @property
    def field(self) -> str:
        return IDENTITY_FIELD[self.kind]


def register_account(
    command: RegisterAccount,
    uow: UnitOfWork,
    keyring: Keyring,
    verifier: IdentityVerifier,
    *,
    now: datetime,
    policy: AccountPolicy = DEFAULT_POLICY,
) -> Account:
    """Register an account with a verified real identity; see the module for the steps."""
    identity = _checked(command, now)
    with uow:
        _admissible(uow, keyring, identity, now, policy)
    result = verifier.verify(IdentityClaim.of(identity.kind, identity.values, now))
    if not result.verified:
        raise VerificationFailedError(
            f"the identity could not be verified ({result.code}): {result.reason}; check that "
            "the name and the number belong together",
            code=result.code,
        )
    with uow:
        mobile = identity.values["mobile"]
        uow.accounts.lock_identities(
            (
                *keyring.blind_indexes(identity.field, identity.values[identity.field]),
                *keyring.blind_indexes("mobile", mobile),
            )
        )
        _admissible(uow, keyring, identity, now, policy)
        data_key = new_data_key()
        account = uow.accounts.add(
            kind=identity.kind,
            identity=seal_identity(keyring, data_key, identity.values),
            data_key=wrap(keyring, data_key),
            identity_status="verified",
            verified_at=now,
            due_at=now + policy.reverify_after,
            at=now,
        )
        audit.append(
            uow,
            actor=command.actor,
            action="account.register",
            subject=Subject("account", str(account.id)),
            payload={
                "kind": account.kind,
                "identity_ref": account.identity_ref,
                "verifier": result.verifier,
                "reference": result.reference,
                "due_at": format_time(now + policy.reverify_after),
            },
            at=now,
        )
        uow.commit()
    return account


def get_account(account_id: int, uow: UnitOfWork) -> Account:
    """The account (identity sealed, shown masked), or `NotFoundError`."""
    with uow:
        return require_account(uow, account_id)


def require_account(
    uow: UnitOfWork,
    account_id: int,
    *,
    for_update: bool = False,
    refuse: Collection[AccountStatus] = (),
) -> Account:
    """A step, inside an open ``with uow:``: the account (its row locked with `for_update`),
    `NotFoundError` when there is none, `AccountStateError` when its status is in `refuse`."""
    account = uow.accounts.get(account_id, for_update=for_update)
    if account is None:
        raise NotFoundError("account", str(account_id))
    if account.status in refuse:
        raise AccountStateError(f"account {account_id} is {account.status}")
    return account


def open_account_identity(
    keyring: Keyring,
    account: Account,
    fields: Iterable[str] | None = None,
    *,
    check_index: bool = True,
) -> dict[str, str]:
    """The clear values of the account's identity `fields` (all of them by default), opened
    with its data key; with `check_index`, each blind index is checked against its value too
    (`shenhe.domain.account_vault.open_identity`). `AccountStateError` once it was erased."""
    if account.data_key is None:
        raise AccountStateError(f"account {account.id} was deleted; its identity is erased")
    sealed = account.identity if fields is None else {f: account.identity[f] for f in fields}
    data_key = unwrap(keyring, account.data_key)
    return open_identity(data_key, sealed, keyring if check_index else None)


def publishing_rights(
    uow: UnitOfWork, account_id: int, now: datetime, *, for_update: bool = False
) -> PublishingRights:
    """Whether account `account_id` may publish (post, comment) at `now`.

    A step: call it inside your open ``with uow:`` block, before you stage the post, so the
    check and the post are one transaction. It reads only; it never raises for an account's
    state. The answer's ``allowed`` is True only when the account exists, is ``active`` (not
    suspended, closed or deleted), its identity was verified and that verification is not
    past due (定期核验), and its mobile number was confirmed with a one-time code. Otherwise
    ``code`` says why, first failing check first, one of: ``not_found``,
    ``account_deleted``, ``account_closed``, ``account_suspended``, ``identity_failed``,
    ``identity_lapsed``, ``mobile_unverified``; ``reason`` is a sentence to show the user.
    The codes are stable; new ones may be added. `for_update` locks the account's row until
    the transaction ends.
    """
    account = uow.accounts.get(account_id, for_update=for_update)
    if account is None:
        return PublishingRights(False, "not_found", f"no account {account_id}")
    return account.rights_at(now)


def _checked(command: RegisterAccount, now: datetime) -> _Identity:
    """The structural checks, in the order a form shows its fields."""
    if command.kind not in ACCOUNT_KINDS:
        raise SubmissionError(f"must be one of {', '.join(ACCOUNT_KINDS)}", field="kind")
    kind: AccountKind = "individual" if command.kind == "individual" else "organisation"
    today = registry_date(now)
    values = {"name": _name(command.name, "name")}
    if kind == "individual":
        _absent(command, "uscc", "responsible_name", "responsible_id_number")
        if command.id_number is None:
            raise IdentityError("id_number", "format", "an individual needs an identity number")
        values["id_number"] = parse_id_number(command.id_number, today=today).value
    else:
        _absent(command, "id_number")
        if command.uscc is None:
            raise IdentityError("uscc", "format", "an organisation needs its credit code")
        values["uscc"] = parse_uscc(command.uscc).value
        values["responsible_name"] = _name(command.responsible_name, "responsible_name")
        if command.responsible_id_number is None:
            raise IdentityError(
                "responsible_id_number",
                "format",
                "an organisation needs its responsible person's identity number",
            )
        values["responsible_id_number"] = parse_id_number(
            command.responsible_id_number, today=today, field="responsible_id_number"
        ).value
    values["mobile"] = parse_mobile(command.mobile).value
    return _Identity(kind, values)


def _admissible(
    uow: UnitOfWork, keyring: Keyring, identity: _Identity, now: datetime, policy: AccountPolicy
) -> None:
    field = identity.field
    indexes = keyring.blind_indexes(field, identity.values[field])
    barred = uow.identity_blacklist.find(field, indexes, now)
    responsible = identity.values.get("responsible_id_number")
    if barred is None and responsible is not None:  # a barred person fronting an organisation
        barred = uow.identity_blacklist.find(
            "id_number", keyring.blind_indexes("id_number", responsible), now
        )
    if barred is not None:
        until = "for good" if barred.until is None else f"until {format_time(barred.until)}"
        raise BlacklistedError(
            f"this identity may not register: an account of it was closed for a serious "
            f"violation and the identity is blacklisted {until}"
        )
    held = uow.accounts.count_identity(field, indexes)
    if held >= policy.per_identity:
        raise IdentityTakenError(
            f"this identity already holds {held} account{'s' if held != 1 else ''}, the most "
            f"allowed ({policy.per_identity}); sign in to the existing one instead"
        )
    if uow.accounts.count_identity(
        "mobile", keyring.blind_indexes("mobile", identity.values["mobile"])
    ):
        raise MobileTakenError(
            "this mobile number is already another account's; give a number of your own"
        )


def _name(value: object, field: str) -> str:
    return check_name(value, field, limit=MAX_NAME, whose="the legal name")


def _absent(command: RegisterAccount, *fields: str) -> None:
    for name in fields:
        if getattr(command, name) is not None:
            raise SubmissionError(
                f"does not belong to a {command.kind} account; leave it out", field=name
            )
