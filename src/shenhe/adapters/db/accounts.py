"""The account repositories over SQLAlchemy: accounts and their sealed identity, the identity
blacklist, one-time codes, operators, and what a key rotation goes through.

Identity values are rows of ``account_pii`` (token, blind index, masked form); look-ups go by
blind index only, so nothing here ever sees a clear value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, not_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shenhe.adapters.db.accounts_schema import (
    AccountPiiRow,
    AccountRow,
    IdentityBlacklistRow,
    OperatorRow,
    OtpCodeRow,
    PiiRotationRow,
)
from shenhe.adapters.db.schema import PrincipalRow
from shenhe.domain.accounts import (
    ACCOUNT_KINDS,
    ACCOUNT_STATUSES,
    IDENTITY_STATUSES,
    Account,
    AccountStatus,
    IdentityStatus,
)
from shenhe.domain.operators import Operator, Role, parse_roles
from shenhe.domain.otp import OtpCode, OtpPurpose
from shenhe.domain.pii import TOKEN_VERSION, SealedValue
from shenhe.services.account_ports import BlacklistEntry
from shenhe.services.errors import ConflictError

_T = TypeVar("_T", bound=str)


def _under(column: Any, key_id: str) -> Any:
    """Tokens sealed under `key_id` (``v1.<key id>.…``)."""
    return column.like(f"{TOKEN_VERSION}.{key_id}.%")


class SqlAccounts:
    """`AccountRepository` on a session."""

    def __init__(self, session: Session) -> None:
        self._session = session

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
        row = AccountRow(
            kind=kind,
            status="active",
            data_key=data_key,
            identity_status=identity_status,
            identity_verified_at=verified_at,
            identity_due_at=due_at,
            created_at=at,
            updated_at=at,
        )
        self._session.add(row)
        self._session.flush()
        self._put_identity(row.id, identity)
        return _account(row, dict(identity))

    def get(self, account_id: int, *, for_update: bool = False) -> Account | None:
        statement = select(AccountRow).where(AccountRow.id == account_id)
        if for_update:
            statement = statement.with_for_update()
        row = self._session.execute(statement).scalar_one_or_none()
        if row is None:
            return None
        pii = self._session.execute(
            select(AccountPiiRow).where(AccountPiiRow.account_id == account_id)
        ).scalars()
        identity = {p.field: SealedValue(p.sealed, p.blind_index, p.masked) for p in pii}
        return _account(row, identity)

    def data_key(self, account_id: int) -> str | None:
        return self._session.execute(
            select(AccountRow.data_key).where(AccountRow.id == account_id)
        ).scalar_one_or_none()

    def lock_identities(self, indexes: Sequence[str]) -> None:
        # SQLite: a writing unit of work holds the database's write lock from BEGIN
        # IMMEDIATE, so registrations are serialised already. PostgreSQL: a transaction-level
        # advisory lock per index (64 bits of it), taken in order so two never deadlock.
        if self._session.get_bind().dialect.name != "postgresql":
            return
        for key in sorted({int(index[:16], 16) - 2**63 for index in indexes}):
            self._session.execute(select(func.pg_advisory_xact_lock(key)))

    def count_identity(self, field: str, indexes: Sequence[str]) -> int:
        statement = (
            select(func.count(func.distinct(AccountPiiRow.account_id)))
            .join(AccountRow, AccountRow.id == AccountPiiRow.account_id)
            .where(
                AccountPiiRow.field == field,
                AccountPiiRow.blind_index.in_(list(indexes)),
                AccountRow.status != "deleted",
            )
        )
        return int(self._session.execute(statement).scalar_one())

    def set_status(
        self, account_id: int, status: AccountStatus, *, at: datetime, reason: str | None = None
    ) -> None:
        values: dict[str, Any] = {"status": status, "updated_at": at}
        if status == "closed":
            values.update(closed_at=at, close_reason=reason)
        self._session.execute(update(AccountRow).where(AccountRow.id == account_id).values(values))

    def set_identity_status(
        self,
        account_id: int,
        status: IdentityStatus,
        *,
        verified_at: datetime | None,
        due_at: datetime | None,
        at: datetime,
    ) -> None:
        values: dict[str, Any] = {"identity_status": status, "identity_due_at": due_at}
        if verified_at is not None:
            values["identity_verified_at"] = verified_at
        self._session.execute(
            update(AccountRow).where(AccountRow.id == account_id).values(**values, updated_at=at)
        )

    def set_mobile_verified(self, account_id: int, *, at: datetime) -> None:
        self._session.execute(
            update(AccountRow)
            .where(AccountRow.id == account_id)
            .values(mobile_verified_at=at, updated_at=at)
        )

    def replace_identity(
        self, account_id: int, identity: Mapping[str, SealedValue], data_key: str
    ) -> None:
        self._session.execute(delete(AccountPiiRow).where(AccountPiiRow.account_id == account_id))
        self._put_identity(account_id, identity)
        self._session.execute(
            update(AccountRow).where(AccountRow.id == account_id).values(data_key=data_key)
        )

    def erase(self, account_id: int, *, at: datetime) -> None:
        self._session.execute(delete(AccountPiiRow).where(AccountPiiRow.account_id == account_id))
        self._session.execute(
            update(AccountRow)
            .where(AccountRow.id == account_id)
            .values(status="deleted", data_key=None, deleted_at=at, updated_at=at)
        )

    def due(self, now: datetime, *, limit: int) -> list[int]:
        statement = (
            select(AccountRow.id)
            .where(AccountRow.status == "active", AccountRow.identity_due_at <= now)
            .order_by(AccountRow.identity_due_at, AccountRow.id)
            .limit(limit)
        )
        return list(self._session.execute(statement).scalars())

    def to_rewrap(self, key_id: str, *, after: int, limit: int) -> list[int]:
        statement = (
            select(AccountRow.id)
            .where(
                AccountRow.id > after,
                AccountRow.data_key.is_not(None),
                not_(_under(AccountRow.data_key, key_id)),
            )
            .order_by(AccountRow.id)
            .limit(limit)
        )
        return list(self._session.execute(statement).scalars())

    def _put_identity(self, account_id: int, identity: Mapping[str, SealedValue]) -> None:
        for name, sealed in identity.items():
            self._session.add(
                AccountPiiRow(
                    account_id=account_id,
                    field=name,
                    sealed=sealed.token,
                    blind_index=sealed.blind_index,
                    masked=sealed.masked,
                )
            )
        self._session.flush()


class SqlIdentityBlacklist:
    """`IdentityBlacklistRepository` on a session."""

    def __init__(self, session: Session) -> None:
        self._session = session

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
        row = IdentityBlacklistRow(
            field=field,
            sealed=sealed.token,
            blind_index=sealed.blind_index,
            masked=sealed.masked,
            account_id=account_id,
            reason=reason,
            until=until,
            created_at=at,
        )
        self._session.add(row)
        self._session.flush()
        return _entry(row)

    def find(self, field: str, indexes: Sequence[str], now: datetime) -> BlacklistEntry | None:
        statement = (
            select(IdentityBlacklistRow)
            .where(
                IdentityBlacklistRow.field == field,
                IdentityBlacklistRow.blind_index.in_(list(indexes)),
                or_(IdentityBlacklistRow.until.is_(None), IdentityBlacklistRow.until > now),
            )
            .order_by(IdentityBlacklistRow.until.is_(None).desc(), IdentityBlacklistRow.id)
            .limit(1)
        )
        row = self._session.execute(statement).scalar_one_or_none()
        return None if row is None else _entry(row)

    def to_reseal(self, key_id: str, *, after: int, limit: int) -> list[BlacklistEntry]:
        statement = (
            select(IdentityBlacklistRow)
            .where(
                IdentityBlacklistRow.id > after, not_(_under(IdentityBlacklistRow.sealed, key_id))
            )
            .order_by(IdentityBlacklistRow.id)
            .limit(limit)
        )
        return [_entry(row) for row in self._session.execute(statement).scalars()]

    def reseal(self, entry_id: int, sealed: SealedValue) -> None:
        self._session.execute(
            update(IdentityBlacklistRow)
            .where(IdentityBlacklistRow.id == entry_id)
            .values(sealed=sealed.token, blind_index=sealed.blind_index, masked=sealed.masked)
        )


class SqlOtp:
    """`OtpRepository` on a session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        account_id: int,
        purpose: OtpPurpose,
        code_hash: str,
        sent_at: datetime,
        expires_at: datetime,
    ) -> OtpCode:
        row = OtpCodeRow(
            account_id=account_id,
            purpose=purpose,
            code_hash=code_hash,
            sent_at=sent_at,
            expires_at=expires_at,
            attempts=0,
        )
        self._session.add(row)
        self._session.flush()
        return _code(row)

    def latest(self, account_id: int, purpose: OtpPurpose) -> OtpCode | None:
        row = self._session.execute(
            select(OtpCodeRow)
            .where(OtpCodeRow.account_id == account_id, OtpCodeRow.purpose == purpose)
            .order_by(OtpCodeRow.sent_at.desc(), OtpCodeRow.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return None if row is None else _code(row)

    def sent_since(self, account_id: int, purpose: OtpPurpose, since: datetime) -> list[datetime]:
        statement = select(OtpCodeRow.sent_at).where(
            OtpCodeRow.account_id == account_id,
            OtpCodeRow.purpose == purpose,
            OtpCodeRow.sent_at >= since,
        )
        return list(self._session.execute(statement).scalars())

    def record_attempt(self, code_id: int) -> None:
        self._session.execute(
            update(OtpCodeRow)
            .where(OtpCodeRow.id == code_id)
            .values(attempts=OtpCodeRow.attempts + 1)
        )

    def consume(self, code_id: int, *, at: datetime) -> None:
        self._session.execute(
            update(OtpCodeRow).where(OtpCodeRow.id == code_id).values(consumed_at=at)
        )

    def erase(self, account_id: int) -> None:
        self._session.execute(delete(OtpCodeRow).where(OtpCodeRow.account_id == account_id))


class SqlOperators:
    """`OperatorRepository` on a session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, name: str, token_hash: str, roles: Sequence[Role], at: datetime) -> Operator:
        if self.by_name(name) is not None:
            raise ConflictError(f"an operator named {name!r} exists already; pick another name")
        row = OperatorRow(name=name, token_hash=token_hash, roles=list(roles), created_at=at)
        self._session.add(row)
        try:
            self._session.flush()
        except IntegrityError:
            raise ConflictError(f"an operator named {name!r} exists already") from None
        return _operator(row)

    def by_name(self, name: str) -> Operator | None:
        row = self._session.execute(
            select(OperatorRow).where(OperatorRow.name == name)
        ).scalar_one_or_none()
        return None if row is None else _operator(row)

    def by_token_hash(self, token_hash: str) -> Operator | None:
        row = self._session.execute(
            select(OperatorRow).where(OperatorRow.token_hash == token_hash)
        ).scalar_one_or_none()
        return None if row is None else _operator(row)

    def all(self) -> list[Operator]:
        rows = self._session.execute(select(OperatorRow).order_by(OperatorRow.name)).scalars()
        return [_operator(row) for row in rows]

    def revoke(self, name: str, *, at: datetime) -> bool:
        result = self._session.execute(
            update(OperatorRow)
            .where(OperatorRow.name == name, OperatorRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return bool(getattr(result, "rowcount", 0)) or self.by_name(name) is not None


class SqlPiiRotation:
    """`PiiRotationRepository` on a session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def principals_to_reseal(
        self, key_id: str, *, after: int, limit: int
    ) -> list[tuple[int, SealedValue]]:
        statement = (
            select(PrincipalRow)
            .where(
                PrincipalRow.id > after,
                PrincipalRow.id_number_sealed.is_not(None),
                not_(_under(PrincipalRow.id_number_sealed, key_id)),
            )
            .order_by(PrincipalRow.id)
            .limit(limit)
        )
        return [
            (
                row.id,
                SealedValue(
                    row.id_number_sealed or "",
                    row.id_number_index or "",
                    row.id_number_masked or "",
                ),
            )
            for row in self._session.execute(statement).scalars()
        ]

    def reseal_principal(self, principal_id: int, sealed: SealedValue) -> None:
        self._session.execute(
            update(PrincipalRow)
            .where(PrincipalRow.id == principal_id)
            .values(id_number_sealed=sealed.token, id_number_index=sealed.blind_index)
        )

    def count_sealed_under(self, key_id: str) -> int:
        total = 0
        for column in (
            PrincipalRow.id_number_sealed,
            AccountRow.data_key,
            IdentityBlacklistRow.sealed,
        ):
            statement = select(func.count()).where(_under(column, key_id))
            total += int(self._session.execute(statement).scalar_one())
        return total

    def running(self) -> tuple[int, str] | None:
        row = self._session.execute(
            select(PiiRotationRow)
            .where(PiiRotationRow.status == "running")
            .order_by(PiiRotationRow.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return None if row is None else (row.id, row.key_id)

    def start(self, key_id: str, *, at: datetime) -> int:
        row = PiiRotationRow(key_id=key_id, status="running", counts={}, started_at=at)
        self._session.add(row)
        self._session.flush()
        return row.id

    def finish(self, rotation_id: int, counts: Mapping[str, int], *, at: datetime) -> None:
        self._session.execute(
            update(PiiRotationRow)
            .where(PiiRotationRow.id == rotation_id)
            .values(status="finished", counts=dict(counts), finished_at=at)
        )


def _account(row: AccountRow, identity: dict[str, SealedValue]) -> Account:
    return Account(
        id=row.id,
        kind=_one(row.kind, ACCOUNT_KINDS),
        status=_one(row.status, ACCOUNT_STATUSES),
        identity=identity,
        identity_status=_one(row.identity_status, IDENTITY_STATUSES),
        identity_verified_at=row.identity_verified_at,
        identity_due_at=row.identity_due_at,
        mobile_verified_at=row.mobile_verified_at,
        created_at=row.created_at,
        closed_at=row.closed_at,
        close_reason=row.close_reason,
        deleted_at=row.deleted_at,
        data_key=row.data_key,
    )


def _entry(row: IdentityBlacklistRow) -> BlacklistEntry:
    return BlacklistEntry(
        id=row.id,
        field=row.field,
        sealed=SealedValue(row.sealed, row.blind_index, row.masked),
        account_id=row.account_id,
        reason=row.reason,
        until=row.until,
        created_at=row.created_at,
    )


def _code(row: OtpCodeRow) -> OtpCode:
    purpose: OtpPurpose = "mobile"
    if row.purpose != purpose:
        raise ValueError(f"unknown code purpose {row.purpose!r} in the database")
    return OtpCode(
        id=row.id,
        account_id=row.account_id,
        purpose=purpose,
        code_hash=row.code_hash,
        sent_at=row.sent_at,
        expires_at=row.expires_at,
        attempts=row.attempts,
        consumed_at=row.consumed_at,
    )


def _operator(row: OperatorRow) -> Operator:
    return Operator(
        id=row.id,
        name=row.name,
        roles=parse_roles(list(row.roles)),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def _one(value: str, allowed: tuple[_T, ...]) -> _T:
    for option in allowed:
        if option == value:
            return option
    raise ValueError(f"unexpected value {value!r} in the database; expected one of {allowed}")
