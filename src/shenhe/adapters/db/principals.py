"""The principal repository over SQLAlchemy: `Principal` ↔ ``principals`` and
``qualifications``.

An individual's identity number is stored as the three parts of its `SealedValue` (token,
blind index, masked form) and found by the blind index only; nothing here ever sees it in
clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from shenhe.adapters.db.schema import PrincipalRow, QualificationRow
from shenhe.domain.apps import PRINCIPAL_KINDS, PrincipalKind
from shenhe.domain.pii import SealedValue
from shenhe.domain.principals import Principal
from shenhe.domain.qualifications import Qualification


class SqlPrincipals:
    """`PrincipalRepository` on a session; statements run inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, principal_id: int, *, for_update: bool = False) -> Principal | None:
        statement = select(PrincipalRow).where(PrincipalRow.id == principal_id)
        if for_update:
            statement = statement.with_for_update()
        return self._one(statement)

    def by_uscc(self, uscc: str) -> Principal | None:
        return self._one(select(PrincipalRow).where(PrincipalRow.uscc == uscc))

    def by_id_number_index(self, indexes: Sequence[str]) -> Principal | None:
        if not indexes:
            return None
        statement = select(PrincipalRow).where(PrincipalRow.id_number_index.in_(list(indexes)))
        return self._one(statement.order_by(PrincipalRow.id).limit(1))

    def add(
        self,
        *,
        kind: str,
        name: str,
        uscc: str | None,
        id_number: SealedValue | None,
        at: datetime,
    ) -> Principal:
        row = PrincipalRow(
            kind=kind,
            name=name,
            uscc=uscc,
            id_number_sealed=None if id_number is None else id_number.token,
            id_number_index=None if id_number is None else id_number.blind_index,
            id_number_masked=None if id_number is None else id_number.masked,
            blacklisted=False,
            blacklisted_until=None,
            created_at=at,
            updated_at=at,
        )
        self._session.add(row)
        self._session.flush()
        return _principal(row, ())

    def set_blacklist(
        self, principal_id: int, *, blacklisted: bool, until: datetime | None, at: datetime
    ) -> None:
        self._session.execute(
            update(PrincipalRow)
            .where(PrincipalRow.id == principal_id)
            .values(
                blacklisted=blacklisted,
                blacklisted_until=until if blacklisted else None,
                updated_at=at,
            )
        )

    def blacklist_due(self, now: datetime) -> list[Principal]:
        statement = (
            select(PrincipalRow)
            .where(PrincipalRow.blacklisted, PrincipalRow.blacklisted_until <= now)
            .order_by(PrincipalRow.blacklisted_until, PrincipalRow.id)
        )
        rows = self._session.execute(statement).scalars().all()
        return [_principal(row, ()) for row in rows]

    def add_qualification(
        self, principal_id: int, qualification: Qualification, *, at: datetime
    ) -> None:
        row = self._session.execute(
            select(QualificationRow).where(
                QualificationRow.principal_id == principal_id,
                QualificationRow.type == qualification.type,
                QualificationRow.number == qualification.number,
            )
        ).scalar_one_or_none()
        if row is None:
            row = QualificationRow(
                principal_id=principal_id,
                type=qualification.type,
                number=qualification.number,
                created_at=at,
            )
            self._session.add(row)
        row.issuer = qualification.issuer or None
        row.valid_from = qualification.valid_from
        row.valid_until = qualification.valid_until
        row.verified = qualification.verified
        self._session.flush()

    def _one(self, statement: Select[PrincipalRow]) -> Principal | None:
        row = self._session.execute(statement).scalar_one_or_none()
        if row is None:
            return None
        return _principal(row, self._qualifications(row.id))

    def _qualifications(self, principal_id: int) -> tuple[Qualification, ...]:
        rows = self._session.execute(
            select(QualificationRow)
            .where(QualificationRow.principal_id == principal_id)
            .order_by(QualificationRow.id)
        ).scalars()
        return tuple(
            Qualification(
                type=row.type,
                number=row.number,
                issuer=row.issuer or "",
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                verified=row.verified,
            )
            for row in rows
        )


def _principal(row: PrincipalRow, qualifications: tuple[Qualification, ...]) -> Principal:
    sealed = None
    if row.id_number_sealed is not None:
        sealed = SealedValue(
            row.id_number_sealed, row.id_number_index or "", row.id_number_masked or ""
        )
    return Principal(
        id=row.id,
        kind=_kind(row.kind),
        name=row.name,
        uscc=row.uscc,
        id_number=sealed,
        blacklisted=row.blacklisted,
        blacklisted_until=row.blacklisted_until,
        qualifications=qualifications,
        created_at=row.created_at,
    )


def _kind(value: str) -> PrincipalKind:
    for kind in PRINCIPAL_KINDS:
        if kind == value:
            return kind
    raise ValueError(f"unknown principal kind {value!r} in the database")
