"""Helpers of the publishing tests: an API client on a migrated database, accounts that may
publish (registered and confirmed through the accounts' own use cases), agreements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
from account_support import LI, ORG, WANG, operator, register_verified
from registry_support import MASTER_KEY_HEX
from serving import serving

from shenhe import Screener
from shenhe.api import create_app
from shenhe.config import Settings
from shenhe.domain.credit import CreditRules
from shenhe.services import agreements
from shenhe.services.publishing_rules import PublishingRules
from shenhe.services.unit_of_work import UnitOfWork

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
PEOPLE = (WANG, LI, ORG)


@contextmanager
def api(url: str, screener: Screener) -> Iterator[httpx.Client]:
    """A client of the whole app on the database at `url`, served by uvicorn on loopback."""
    app = create_app(screener, Settings(database_url=url, pii_key=MASTER_KEY_HEX))
    with serving(app) as client:
        yield client


def accounts(uow: UnitOfWork, count: int = 2) -> list[int]:
    """Ids of `count` accounts that may publish (WANG, LI, then the organisation)."""
    return [register_verified(uow, data).id for data in PEOPLE[:count]]


def operator_headers(
    uow: UnitOfWork, name: str = "mod.li", role: str = "moderator"
) -> dict[str, str]:
    """The Authorization header of a new operator with `role`."""
    _, token = operator(uow, name, role, now=NOW)
    return {"Authorization": f"Bearer {token}"}


def accept(uow: UnitOfWork, *ids: int, version: str = "v1", address: str | None = None) -> None:
    """The accounts `ids` accept the agreement `version`."""
    for account in ids:
        agreements.accept_agreement(
            uow, account_id=account, version=version, address=address, now=NOW
        )


def with_credit(screener: Screener, credit_yaml: str) -> PublishingRules:
    """The default publishing rules with the credit rules written in `credit_yaml`."""
    base = PublishingRules.default(screener)
    credit = CreditRules.from_yaml(credit_yaml)
    return PublishingRules(base.screener, base.bodies, credit, base.ip_table)


def publish(
    uow: UnitOfWork, version: str, body: str = "# 用户服务协议\n\n第一条 遵守法律法规。"
) -> None:
    """The agreement `version` published."""
    agreements.publish_agreement(uow, version=version, body=body, actor="ops", now=NOW)
