"""The app repository over SQLAlchemy: `App` ↔ ``apps``, `AppVersion` ↔ ``app_versions``.

Whenever it stores an app's status or content it keeps the app's clone print in step
(`shenhe.adapters.db.clones`): a banned app has the print of its current version, any other
app none. So every use case that bans or un-bans an app — a decision, a penalty, a blacklist,
a lifted ban — updates the prints in its own transaction without knowing they exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shenhe.adapters.db.clones import SqlClonePrints
from shenhe.adapters.db.schema import AppRow, AppVersionRow
from shenhe.domain.apps import AppContent, AppStatus
from shenhe.domain.clones import ClonePrint
from shenhe.domain.registry import App, AppVersion


class SqlApps:
    """`AppRepository` on a session; statements run inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._prints = SqlClonePrints(session)

    def get(self, appid: str, *, for_update: bool = False) -> App | None:
        statement = select(AppRow).where(AppRow.appid == appid)
        if for_update:
            statement = statement.with_for_update()
        row = self._session.execute(statement).scalar_one_or_none()
        return None if row is None else _app(row)

    def add(
        self, *, appid: str, principal_id: int, content: AppContent, status: AppStatus, at: datetime
    ) -> App:
        row = AppRow(
            appid=appid,
            principal_id=principal_id,
            name=content.name,
            description=content.description,
            category=content.category,
            pages=list(content.pages),
            status=status.value,
            version=1,
            created_at=at,
            updated_at=at,
        )
        self._session.add(row)
        self._session.flush()
        if status is AppStatus.BANNED:
            self._prints.put(row.id, row.version, _print(content))
        return _app(row)

    def update(self, app: App) -> None:
        self._session.execute(
            update(AppRow)
            .where(AppRow.id == app.id)
            .values(
                name=app.content.name,
                description=app.content.description,
                category=app.content.category,
                pages=list(app.content.pages),
                status=app.status.value,
                version=app.version,
                updated_at=app.updated_at,
            )
        )
        if app.status is AppStatus.BANNED:
            self._prints.put(app.id, app.version, _print(app.content))
        else:
            self._prints.remove(app.id)

    def set_status(self, appid: str, status: AppStatus, *, at: datetime) -> None:
        self._session.execute(
            update(AppRow).where(AppRow.appid == appid).values(status=status.value, updated_at=at)
        )
        if status is AppStatus.BANNED:
            row = self._session.execute(
                select(AppRow.id, AppRow.version, AppRow.name, AppRow.description, AppRow.pages)
                .where(AppRow.appid == appid)
            ).one_or_none()
            if row is not None:
                app_id, version, name, description, pages = row
                self._prints.put(app_id, version, ClonePrint.of(name, description, pages))
            return
        the_app = self._session.execute(
            select(AppRow.id).where(AppRow.appid == appid)
        ).scalar_one_or_none()
        if the_app is not None:
            self._prints.remove(the_app)

    def add_version(self, app: App, *, actor: str, at: datetime) -> None:
        self._session.add(
            AppVersionRow(
                app_id=app.id,
                version=app.version,
                name=app.content.name,
                description=app.content.description,
                category=app.content.category,
                pages=list(app.content.pages),
                actor=actor,
                created_at=at,
            )
        )
        self._session.flush()

    def versions(self, appid: str) -> list[AppVersion]:
        rows = self._session.execute(
            select(AppVersionRow)
            .join(AppRow, AppRow.id == AppVersionRow.app_id)
            .where(AppRow.appid == appid)
            .order_by(AppVersionRow.version)
        ).scalars()
        return [
            AppVersion(
                version=row.version,
                content=AppContent(row.name, row.description, tuple(row.pages), row.category),
                actor=row.actor,
                created_at=row.created_at,
            )
            for row in rows
        ]

    def of_principal(self, principal_id: int) -> list[App]:
        rows = self._session.execute(
            select(AppRow).where(AppRow.principal_id == principal_id).order_by(AppRow.id)
        ).scalars()
        return [_app(row) for row in rows]

    def count_by_status(self) -> dict[str, int]:
        rows = self._session.execute(
            select(AppRow.status, func.count()).group_by(AppRow.status).order_by(AppRow.status)
        )
        return {status: count for status, count in rows}


def _print(content: AppContent) -> ClonePrint:
    return ClonePrint.of(content.name, content.description, content.pages)


def _app(row: AppRow) -> App:
    return App(
        id=row.id,
        appid=row.appid,
        principal_id=row.principal_id,
        content=AppContent(row.name, row.description, tuple(row.pages), row.category),
        status=AppStatus(row.status),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
