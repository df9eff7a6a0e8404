"""The storage port of accounts: the repositories `UnitOfWork` carries for them.

    uow.accounts            accounts and their sealed identity (`AccountRepository`)
    uow.identity_blacklist  identities barred from registering (`IdentityBlacklistRepository`)
    uow.otp                 one-time codes, hashed (`OtpRepository`)
    uow.operators           API operators, their token hashes and roles (`OperatorRepository`)
    uow.pii_rotation        what a key rotation goes through (`PiiRotationRepository`)

Blind indexes are looked up as a sequence, one per key the keyring holds, so a rotation under
way still finds everyone. Nothing here ever sees a clear identity value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shenhe.domain.accounts import Account, AccountStatus, IdentityStatus
from shenhe.domain.operators import Operator, Role
from shenhe.domain.otp import OtpCode, OtpPurpose
from shenhe.domain.pii import SealedValue


@dataclass(frozen=True, slots=True)
class BlacklistEntry:
    """An identity barred from registering, until a moment or for good (`until` None)."""

    id: int
    field: str
    sealed: SealedValue
    account_id: int | None
    reason: str
    until: datetime | None
    created_at: datetime


class AccountRepository(Protocol):
    def add(
        self,
        *,
        kind: str,
        identity: Mapping[str, SealedValue],
        data_key: str,
        identity_status: IdentityStatus,
        verified_at: datetime | None,
        due_at: datetime | None,
        at: datetime,
    ) -> Account:
        """Store a new active account with its sealed identity and wrapped data key."""
        ...

    def get(self, account_id: int, *, for_update: bool = False) -> Account | None:
        """The account; with `for_update`, its row locked until the transaction ends."""
        ...

    def data_key(self, account_id: int) -> str | None:
        """The account's wrapped data key (None once erased)."""
        ...

    def lock_identities(self, indexes: Sequence[str]) -> None:
        """Hold a lock on these blind indexes until the transaction ends, so two
        registrations of the same identity or mobile number cannot both pass the checks."""
        ...

    def count_identity(self, field: str, indexes: Sequence[str]) -> int:
        """How many accounts not deleted hold an identity `field` with one of these indexes."""
        ...

    def set_status(
        self, account_id: int, status: AccountStatus, *, at: datetime, reason: str | None = None
    ) -> None:
        """Move the account to `status` (closing records the moment and the reason)."""
        ...

    def set_identity_status(
        self,
        account_id: int,
        status: IdentityStatus,
        *,
        verified_at: datetime | None,
        due_at: datetime | None,
        at: datetime,
    ) -> None:
        """Record the outcome of a verification and when the next one is due."""
        ...

    def set_mobile_verified(self, account_id: int, *, at: datetime) -> None:
        """Record that the mobile number was confirmed."""
        ...

    def replace_identity(
        self, account_id: int, identity: Mapping[str, SealedValue], data_key: str
    ) -> None:
        """Store re-sealed identity values and a new wrapped data key (a key rotation)."""
        ...

    def erase(self, account_id: int, *, at: datetime) -> None:
        """Destroy the sealed identity and the wrapped data key; mark the account deleted."""
        ...

    def due(self, now: datetime, *, limit: int) -> list[int]:
        """Ids of active accounts whose verification is due at `now`, the earliest first."""
        ...

    def to_rewrap(self, key_id: str, *, after: int, limit: int) -> list[int]:
        """Ids above `after` of accounts whose data key is not wrapped by `key_id`."""
        ...


class IdentityBlacklistRepository(Protocol):
    def add(
        self,
        *,
        field: str,
        sealed: SealedValue,
        account_id: int | None,
        reason: str,
        until: datetime | None,
        at: datetime,
    ) -> BlacklistEntry:
        """Bar an identity (sealed under the master key, so a rotation can re-index it)."""
        ...

    def find(self, field: str, indexes: Sequence[str], now: datetime) -> BlacklistEntry | None:
        """An entry in force at `now` for an identity with one of these indexes."""
        ...

    def to_reseal(self, key_id: str, *, after: int, limit: int) -> list[BlacklistEntry]:
        """Entries above id `after` not sealed under `key_id`."""
        ...

    def reseal(self, entry_id: int, sealed: SealedValue) -> None:
        """Store an entry's value re-sealed and re-indexed."""
        ...


class OtpRepository(Protocol):
    def add(
        self,
        *,
        account_id: int,
        purpose: OtpPurpose,
        code_hash: str,
        sent_at: datetime,
        expires_at: datetime,
    ) -> OtpCode:
        """Store a code just sent (hashed)."""
        ...

    def latest(self, account_id: int, purpose: OtpPurpose) -> OtpCode | None:
        """The last code sent to the account for `purpose`."""
        ...

    def sent_since(self, account_id: int, purpose: OtpPurpose, since: datetime) -> list[datetime]:
        """When codes were sent to the account for `purpose` at or after `since`."""
        ...

    def record_attempt(self, code_id: int) -> None:
        """Count a wrong attempt against a code."""
        ...

    def consume(self, code_id: int, *, at: datetime) -> None:
        """Mark a code used."""
        ...

    def erase(self, account_id: int) -> None:
        """Delete every code of the account."""
        ...


class OperatorRepository(Protocol):
    def add(self, *, name: str, token_hash: str, roles: Sequence[Role], at: datetime) -> Operator:
        """Store a new operator (a name already taken is a `ConflictError`)."""
        ...

    def by_name(self, name: str) -> Operator | None: ...

    def by_token_hash(self, token_hash: str) -> Operator | None:
        """The operator holding the token with this hash (revoked ones too)."""
        ...

    def all(self) -> list[Operator]: ...

    def revoke(self, name: str, *, at: datetime) -> bool:
        """Revoke the operator's token; False when there is no such operator."""
        ...


class PiiRotationRepository(Protocol):
    def principals_to_reseal(
        self, key_id: str, *, after: int, limit: int
    ) -> list[tuple[int, SealedValue]]:
        """(id, sealed identity number) of individuals above `after` not sealed under `key_id`."""
        ...

    def reseal_principal(self, principal_id: int, sealed: SealedValue) -> None:
        """Store a principal's identity number re-sealed and re-indexed."""
        ...

    def count_sealed_under(self, key_id: str) -> int:
        """How many stored values (principals' numbers, wrapped account keys, blacklist
        entries) are sealed under master key `key_id`."""
        ...

    def running(self) -> tuple[int, str] | None:
        """(id, key id) of a rotation started and not finished."""
        ...

    def start(self, key_id: str, *, at: datetime) -> int:
        """Record that a rotation to `key_id` started; its id."""
        ...

    def finish(self, rotation_id: int, counts: Mapping[str, int], *, at: datetime) -> None:
        """Record that the rotation finished, with how many values it re-sealed."""
        ...
