"""The agreement repository over SQLAlchemy: `Agreement` ↔ ``agreements``, `Acceptance` ↔
``agreement_acceptances``. The current version is the latest published (highest id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shenhe.adapters.db.publishing_schema import AgreementAcceptanceRow, AgreementRow
from shenhe.domain.agreements import Acceptance, Agreement, AgreementText


class SqlAgreements:
    """`AgreementRepository` on a session; statements run inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def current(self) -> Agreement | None:
        row = self._session.scalars(
            select(AgreementRow).order_by(AgreementRow.id.desc()).limit(1)
        ).first()
        return None if row is None else _agreement(row)

    def accepted_current(self, account_id: int) -> tuple[str, bool] | None:
        accepted = (
            select(AgreementAcceptanceRow.id)
            .where(
                AgreementAcceptanceRow.account_id == account_id,
                AgreementAcceptanceRow.agreement_id == AgreementRow.id,
            )
            .exists()
        )
        found = self._session.execute(
            select(AgreementRow.version, accepted).order_by(AgreementRow.id.desc()).limit(1)
        ).first()
        return None if found is None else (found[0], bool(found[1]))

    def by_version(self, version: str) -> Agreement | None:
        row = self._session.scalars(
            select(AgreementRow).where(AgreementRow.version == version)
        ).first()
        return None if row is None else _agreement(row)

    def all(self) -> list[Agreement]:
        rows = self._session.scalars(select(AgreementRow).order_by(AgreementRow.id))
        return [_agreement(row) for row in rows]

    def add(self, text: AgreementText, *, actor: str, at: datetime) -> Agreement:
        row = AgreementRow(
            version=text.version,
            title=text.title,
            body=text.body,
            sha256=text.sha256,
            published_by=actor,
            published_at=at,
        )
        self._session.add(row)
        self._session.flush()
        return _agreement(row)

    def accept(
        self, account_id: int, agreement: Agreement, *, address: str | None, at: datetime
    ) -> Acceptance:
        row = AgreementAcceptanceRow(
            account_id=account_id, agreement_id=agreement.id, address=address, accepted_at=at
        )
        self._session.add(row)
        self._session.flush()
        return Acceptance(account_id, agreement.version, at, address)

    def acceptance(self, account_id: int, agreement: Agreement) -> Acceptance | None:
        row = self._session.scalars(
            select(AgreementAcceptanceRow).where(
                AgreementAcceptanceRow.account_id == account_id,
                AgreementAcceptanceRow.agreement_id == agreement.id,
            )
        ).first()
        if row is None:
            return None
        return Acceptance(account_id, agreement.version, row.accepted_at, row.address)

    def acceptances(self, account_id: int) -> list[Acceptance]:
        rows = self._session.execute(
            select(AgreementAcceptanceRow, AgreementRow.version)
            .join(AgreementRow, AgreementRow.id == AgreementAcceptanceRow.agreement_id)
            .where(AgreementAcceptanceRow.account_id == account_id)
            .order_by(AgreementAcceptanceRow.id)
        )
        return [
            Acceptance(account_id, version, row.accepted_at, row.address) for row, version in rows
        ]

    def forget_addresses(self, account_id: int) -> int:
        """Drop the client addresses of the account's acceptances (its deletion)."""
        result = self._session.execute(
            update(AgreementAcceptanceRow)
            .where(AgreementAcceptanceRow.account_id == account_id)
            .values(address=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def _agreement(row: AgreementRow) -> Agreement:
    return Agreement(
        id=row.id,
        version=row.version,
        title=row.title,
        body=row.body,
        sha256=row.sha256,
        published_at=row.published_at,
        published_by=row.published_by,
    )
