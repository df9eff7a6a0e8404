"""Shared data and helpers for the registry tests (test_apps_*.py): real-looking principals,
apps and a fixed clock. Plain functions, no fixtures: each test module declares its own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from shenhe.adapters.db import Database
from shenhe.domain.audit import AuditRecord
from shenhe.domain.pii import Keyring, PiiKeys
from shenhe.domain.principals import Principal
from shenhe.services import principals
from shenhe.services.apps import ChangeApp, Decided, SubmitApp, change_app, submit_app
from shenhe.services.rules import Rules
from shenhe.services.unit_of_work import UnitOfWork

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MASTER_KEY = bytes(range(32))
MASTER_KEY_HEX = MASTER_KEY.hex()

USCC_TOOLMAKER = "91350100M000100Y43"
USCC_LENDER = "91440300708461136T"
USCC_OTHER = "914403001922038216"
ID_NUMBER = "11010519491231002X"
ID_NUMBER_TYPED = (
    "11010519491231002x",
    "１１０１０５１９４９１２３１００２ｘ",
    "110105 1949 1231 002X",
)
ID_MASKED = "110***********002X"

TOOL: dict[str, Any] = {
    "name": "记账小助手",
    "category": "tools",
    "description": "简单好用的记账工具，记录每天的收入和支出，按月生成报表，数据只保存在手机上。",
    "pages": ("首页 记一笔 今日支出", "统计 每月报表 分类汇总"),
}
WEATHER: dict[str, Any] = {
    "name": "天气预报",
    "category": "lifestyle",
    "description": "查看未来七天的天气和空气质量，出门前看一眼，下雨提醒带伞。",
    "pages": ("今日 气温 湿度",),
}
LENDER: dict[str, Any] = {
    "name": "安心借",
    "category": "lending",
    "description": "持牌小额贷款公司，提供个人消费贷款，年化利率透明，按时还款。",
    "pages": ("借款 申请额度", "还款 账单明细"),
}
NEW_TERM = "青蛙速借"  # a loan term no lexicon holds yet: added, it makes a rules change
LOAN_CLONE_DESCRIPTION = "无需抵押，极速到账，手机号即可申请，审核快、额度高，当天放款不看征信。"


def keyring() -> Keyring:
    return Keyring(PiiKeys.derive(MASTER_KEY))


def register(
    uow: UnitOfWork, kind: str, name: str, *, uscc: str | None = None, id_number: str | None = None
) -> Principal:
    command = principals.RegisterPrincipal(kind, name, uscc=uscc, id_number=id_number)
    return principals.register_principal(command, uow, keyring(), now=NOW).principal


def submit(
    uow: UnitOfWork,
    rules: Rules,
    appid: str,
    principal: Principal,
    *,
    at: datetime = NOW,
    **content: Any,
) -> Decided:
    command = SubmitApp(appid=appid, principal_id=principal.id, **content)
    return submit_app(command, uow, rules, now=at)


def change(
    uow: UnitOfWork, rules: Rules, appid: str, *, at: datetime = NOW, **content: Any
) -> Decided:
    return change_app(ChangeApp(appid=appid, **content), uow, rules, now=at)


class Crash(Exception):
    """The failure a test injects."""


def row_counts(database: Database, *tables: Any) -> dict[str, int]:
    """How many rows each of the ORM `tables` holds, by table name."""
    with database.engine.connect() as connection:
        return {
            table.__tablename__: connection.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in tables
        }


def audit_records(uow: UnitOfWork) -> list[AuditRecord]:
    with uow:
        return list(uow.audit.stream())
