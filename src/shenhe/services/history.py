"""Reading the registry: an app, its versions, the decisions on it and its penalties.

Each function opens its own transaction (give it a read-only unit of work where the adapter
has one: everything is then read from one snapshot) and raises `NotFoundError` for an appid
the registry does not hold. What they return shows a principal's identity number masked only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shenhe.domain.principals import Principal
from shenhe.domain.registry import App, AppVersion, DecisionRecord, EnforcementRecord
from shenhe.services.errors import NotFoundError
from shenhe.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class AppReport:
    """Everything the registry holds about one app."""

    app: App
    principal: Principal
    versions: tuple[AppVersion, ...]
    decisions: tuple[DecisionRecord, ...]
    enforcement: tuple[EnforcementRecord, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "app": self.app.to_dict(),
            "principal": self.principal.to_dict(),
            "versions": [version.to_dict() for version in self.versions],
            "decisions": [decision.to_dict() for decision in self.decisions],
            "enforcement": [record.to_dict() for record in self.enforcement],
        }


def get_app(appid: str, uow: UnitOfWork) -> App:
    """The app as it is now."""
    with uow:
        return _app(uow, appid)


def app_history(appid: str, uow: UnitOfWork) -> list[AppVersion]:
    """Every version of the app, oldest first."""
    with uow:
        _app(uow, appid)
        return uow.apps.versions(appid)


def app_decisions(appid: str, uow: UnitOfWork) -> list[DecisionRecord]:
    """Every decision on the app, oldest first."""
    with uow:
        _app(uow, appid)
        return uow.decisions.of_app(appid)


def app_report(appid: str, uow: UnitOfWork) -> AppReport:
    """The app, its principal, versions, decisions and penalties, from one snapshot."""
    with uow:
        app = _app(uow, appid)
        principal = uow.principals.get(app.principal_id)
        assert principal is not None  # a foreign key
        return AppReport(
            app,
            principal,
            tuple(uow.apps.versions(appid)),
            tuple(uow.decisions.of_app(appid)),
            tuple(uow.enforcement.of_app(appid)),
        )


def _app(uow: UnitOfWork, appid: str) -> App:
    app = uow.apps.get(appid)
    if app is None:
        raise NotFoundError("app", appid)
    return app
