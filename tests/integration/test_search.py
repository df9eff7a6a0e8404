"""The search gate on SQLite (FTS5) and PostgreSQL (tsvector): the index, ranking, blocking.

A registry of real-looking apps is seeded once per backend and module (read-only tests);
tests that change apps get a database of their own. Apps go in as ORM rows (the registry's
own services are tested elsewhere), then `refresh_search` indexes them. Some apps are changed
after that without a refresh (banned, suspended, search-restricted), so their index rows are
stale: the search must still never show them.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from shenhe import Screener
from shenhe.adapters.db import Database
from shenhe.adapters.db.schema import AppRow, AppVersionRow, EnforcementActionRow, PrincipalRow
from shenhe.adapters.db.search import fts5_query, tsquery_literal, tsvector_literal
from shenhe.domain.search import SearchDocument, SearchResult
from shenhe.errors import InputError
from shenhe.services.search import (
    MAX_QUERY_LENGTH,
    rebuild_search,
    refresh_search,
    search_apps,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class App:
    appid: str
    name: str
    description: str = ""
    pages: tuple[str, ...] = ()
    status: str = "listed"


REGISTRY = (
    App("wxledger", "快乐记账", "简单好用的记账本，记录每天的收入和支出", ("首页", "账单明细")),
    App("wxweather", "每日天气预报", "未来十五天天气预报，空气质量和穿衣指数", ("今日天气",)),
    App("wxmoji", "墨迹天气", "实时天气与温度", ("城市列表",)),
    App("wxmeituan", "美团外卖", "外卖送餐，美食快速送到家", ("附近商家",)),
    App("wxele", "饿了么", "订外卖，点外卖就上饿了么", ("红包",), "warned"),
    App("wxsuishou", "随手记", "家庭理财，日常记账和预算", ("预算",)),
    App("wxdidi", "滴滴出行", "打车、顺风车、代驾", ("叫车",)),
    App("wx12306", "12306火车票", "火车票购票与余票查询"),
    App("wxkeep", "Keep健身", "跑步 健身 打卡 fitness", ("训练计划",)),
    App("wxmap", "高德地图", "导航、公交、路线规划"),
    App("wxbooks", "微信读书", "海量电子书免费读"),
    App("wxcalc", "计算器", "科学计算器与单位换算"),
    App("wxnote", "记事本", "随手记录灵感与待办"),
    App("wxclock", "闹钟", "起床闹钟与倒计时"),
    App("wxexpress", "快递查询", "查快递单号和物流信息"),
    App("wxmovie", "猫眼电影", "电影票在线选座"),
    App("wxenglish", "英语单词", "背单词 English vocabulary"),
    App("wxcalendar", "萬年曆", "農曆黃曆查詢"),
    # A licensed lender, rightly listed: the query gate blocks 贷款 all the same.
    App("wxlender", "招联金融", "持牌消费金融公司，个人贷款与分期服务", ("贷款申请",)),
    # Restricted, but only its sharing: still found.
    App("wxsharing", "收支助手", "记账 收支 报表", status="restricted"),
    # Never indexed.
    App("wxrejected", "外卖之家", "外卖", status="rejected"),
    App("wxpending", "天气宝", "天气", status="in_review"),
)
STALE = {
    # appid: (status after the refresh, search restriction in force)
    "wxbanned": ("banned", False),
    "wxsuspended": ("suspended", False),
    "wxhidden": ("restricted", True),
    "wxreviewing": ("in_review", False),
}
STALE_APPS = (
    App("wxbanned", "记账大师", "记账 记账 记账"),
    App("wxsuspended", "天气预报大全", "天气预报 天气预报"),
    App("wxhidden", "外卖帮", "外卖 外卖 外卖"),
    App("wxreviewing", "Keep外卖", "外卖 Keep"),
)
HIDDEN_NAMES = {"记账大师", "天气预报大全", "外卖帮", "Keep外卖", "外卖之家", "天气宝"}


# --- seeding ---------------------------------------------------------------------------------


def add_principal(session: Session) -> int:
    principal = PrincipalRow(
        kind="enterprise",
        name="深圳市某某科技有限公司",
        uscc=f"91440300{uuid.uuid4().hex[:10].upper()}",
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(principal)
    session.flush()
    return principal.id


def add_apps(database: Database, apps: Sequence[App]) -> None:
    with Session(database.engine) as session, session.begin():
        principal_id = add_principal(session)
        for app in apps:
            row = AppRow(
                appid=app.appid,
                principal_id=principal_id,
                name=app.name,
                description=app.description,
                category="tools",
                pages=list(app.pages),
                status=app.status,
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(row)
            session.flush()
            session.add(
                AppVersionRow(
                    app_id=row.id,
                    version=1,
                    name=app.name,
                    description=app.description,
                    category="tools",
                    pages=list(app.pages),
                    actor="developer",
                    created_at=NOW,
                )
            )


def restrict(
    database: Database,
    appid: str,
    features: Sequence[str],
    *,
    expires_at: datetime | None = None,
    lifted_at: datetime | None = None,
) -> None:
    with Session(database.engine) as session, session.begin():
        app = session.execute(select(AppRow).where(AppRow.appid == appid)).scalar_one()
        app.status = "restricted"
        session.add(
            EnforcementActionRow(
                app_id=app.id,
                principal_id=app.principal_id,
                rung="restriction",
                features=list(features),
                reason_codes=["content.diversion"],
                actor="system",
                policy_version="test",
                lexicon_version="test",
                created_at=NOW - timedelta(days=1),
                expires_at=expires_at,
                lifted_at=lifted_at,
            )
        )


def set_status(database: Database, appid: str, status: str) -> None:
    with Session(database.engine) as session, session.begin():
        session.execute(update(AppRow).where(AppRow.appid == appid).values(status=status))


def refresh(database: Database, appids: Sequence[str]) -> None:
    uow = database.unit_of_work()
    with uow:
        refresh_search(uow, appids, now=NOW)
        uow.commit()


def indexed(database: Database) -> int:
    uow = database.unit_of_work(read_only=True)
    with uow:
        return uow.search.count()


def seed_registry(database: Database) -> None:
    add_apps(database, REGISTRY + STALE_APPS)
    restrict(database, "wxsharing", ["sharing"], expires_at=NOW + timedelta(days=7))
    refresh(database, [app.appid for app in REGISTRY + STALE_APPS])
    for appid, (status, search_restricted) in STALE.items():  # no refresh: stale rows
        if search_restricted:
            restrict(database, appid, ["sharing", "search"], expires_at=NOW + timedelta(days=7))
        else:
            set_status(database, appid, status)


@pytest.fixture(scope="module", params=BACKENDS)
def registry(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A seeded registry, once per backend for the whole module: do not change it."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("search") / "registry.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        with Database(f"sqlite:///{path}") as database:
            seed_registry(database)
            yield database
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    name = f"search_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')  # type: ignore[arg-type]
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        with Database(url) as database:
            seed_registry(database)
            yield database
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def search(database: Database, screener: Screener, query: str, *, limit: int = 20) -> SearchResult:
    return search_apps(database.unit_of_work(read_only=True), screener, query, limit=limit, now=NOW)


def names(result: SearchResult) -> list[str]:
    return [hit.name for hit in result.results]


# --- ordinary queries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("记账", "快乐记账"),
        ("天气预报", "每日天气预报"),
        ("外卖", "美团外卖"),
        ("火车票", "12306火车票"),
        ("12306", "12306火车票"),
        ("keep", "Keep健身"),
        ("地图", "高德地图"),
        ("电影票", "猫眼电影"),
        ("english", "英语单词"),
    ],
)
def test_an_ordinary_query_ranks_the_app_named_for_it_first(
    registry: Database, default_screener: Screener, query: str, first: str
):
    result = search(registry, default_screener, query)
    assert not result.blocked and result.reason is None
    found = names(result)
    assert found[:1] == [first], found
    assert [hit.score for hit in result.results] == sorted(
        (hit.score for hit in result.results), reverse=True
    )


def test_a_name_match_ranks_above_a_description_match(
    registry: Database, default_screener: Screener
):
    found = names(search(registry, default_screener, "记账"))
    assert found[0] == "快乐记账" and set(found) == {"快乐记账", "随手记", "收支助手"}, found
    found = names(search(registry, default_screener, "外卖"))
    assert found == ["美团外卖", "饿了么"], found  # a warned app is found too


def test_every_token_must_match_before_any_will_do(registry: Database, default_screener: Screener):
    assert names(search(registry, default_screener, "天气预报")) == ["每日天气预报"]
    either = names(search(registry, default_screener, "天气 外卖"))  # no app has both
    assert set(either) == {"每日天气预报", "墨迹天气", "美团外卖", "饿了么"}, either


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("記賬", "快乐记账"),  # traditional
        ("天氣預報", "每日天气预报"),
        ("ＫＥＥＰ", "Keep健身"),  # full width
        ("ＫＥＥＰ健身", "Keep健身"),
        ("万年历", "萬年曆"),  # a traditional name, found by the simplified query
        ("农历", "萬年曆"),
        ("记 账", "快乐记账"),  # noise between the characters
    ],
)
def test_folded_queries_find_folded_names(
    registry: Database, default_screener: Screener, query: str, name: str
):
    assert names(search(registry, default_screener, query))[:1] == [name]


def test_limit_cuts_the_results(registry: Database, default_screener: Screener):
    assert len(search(registry, default_screener, "天气 外卖", limit=2).results) == 2


@pytest.mark.parametrize(
    "query",
    ['"', '"记账', "记账 OR", "NOT 记账", "and", "NEAR(记账 天气)", "记*", "'", "\\", "a:b"],
)
def test_query_syntax_is_never_interpreted(
    registry: Database, default_screener: Screener, query: str
):
    result = search(registry, default_screener, query)
    assert not result.blocked
    if "记" in query:
        assert "快乐记账" in names(result)


@pytest.mark.parametrize("query", ["！！", "…", "😀"])
def test_a_query_of_nothing_searchable_finds_nothing(
    registry: Database, default_screener: Screener, query: str
):
    assert search(registry, default_screener, query) == SearchResult(blocked=False)


# --- the gate --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "贷款",
        "现金贷",
        "小额贷款",
        "快速借款",
        "分期",
        "代款",
        "dai kuan",
        "貸款",
        "贷 款",
        "ＤＡＩＫＵＡＮ",
    ],
)
def test_loan_queries_are_blocked_with_a_reason(
    registry: Database, default_screener: Screener, query: str
):
    result = search(registry, default_screener, query)
    assert result == SearchResult(blocked=True, reason="query.blocked.loan")
    assert result.to_dict() == {"blocked": True, "reason": "query.blocked.loan", "results": []}


@pytest.mark.parametrize(
    ("query", "reason"), [("赌博", "query.blocked.gambling"), ("加微信", "query.blocked.diversion")]
)
def test_other_blocked_queries_name_their_category(
    registry: Database, default_screener: Screener, query: str, reason: str
):
    assert search(registry, default_screener, query) == SearchResult(blocked=True, reason=reason)


def test_hidden_apps_never_appear_even_with_a_stale_index_row(
    registry: Database, default_screener: Screener
):
    stale = len(STALE_APPS)
    findable = sum(1 for app in REGISTRY if app.status in {"listed", "warned", "restricted"})
    assert indexed(registry) == findable + stale  # the stale rows are there …
    for query in ("记账", "记账大师", "天气预报", "天气预报大全", "外卖", "外卖帮", "keep", "天气"):
        assert not HIDDEN_NAMES & set(names(search(registry, default_screener, query))), query


# --- keeping the index in step ---------------------------------------------------------------


def test_refresh_follows_status_and_restrictions(database: Database, default_screener: Screener):
    add_apps(database, [App("wxa", "快乐记账", "记账本"), App("wxb", "日历", "日程")])
    refresh(database, ["wxa", "wxb", "wxunknown"])
    assert indexed(database) == 2
    assert names(search(database, default_screener, "记账")) == ["快乐记账"]

    for status in ("banned", "suspended", "rejected", "in_review"):
        set_status(database, "wxa", status)
        refresh(database, ["wxa"])
        assert indexed(database) == 1, status
        assert names(search(database, default_screener, "记账")) == [], status

    set_status(database, "wxa", "warned")
    refresh(database, ["wxa"])
    assert names(search(database, default_screener, "记账")) == ["快乐记账"]

    restrict(database, "wxa", ["sharing", "search"], expires_at=NOW + timedelta(days=7))
    refresh(database, ["wxa"])
    assert indexed(database) == 1
    assert names(search(database, default_screener, "记账")) == []


@pytest.mark.parametrize(
    ("features", "expires_at", "lifted_at", "found"),
    [
        (["sharing", "search"], None, None, False),  # permanent
        (["search"], NOW + timedelta(seconds=1), None, False),
        (["sharing"], NOW + timedelta(days=7), None, True),  # search left alone
        (["sharing", "search"], NOW, None, True),  # expired at NOW
        (["sharing", "search"], NOW - timedelta(days=1), None, True),
        (["sharing", "search"], NOW + timedelta(days=7), NOW - timedelta(hours=1), True),  # lifted
    ],
)
def test_a_restricted_app_is_found_unless_its_search_is_restricted_now(
    database: Database,
    default_screener: Screener,
    features: list[str],
    expires_at: datetime | None,
    lifted_at: datetime | None,
    found: bool,
):
    add_apps(database, [App("wxa", "快乐记账", "记账本")])
    refresh(database, ["wxa"])
    restrict(database, "wxa", features, expires_at=expires_at, lifted_at=lifted_at)
    # Before the refresh the row is stale; the query-time check already decides.
    assert names(search(database, default_screener, "记账")) == (["快乐记账"] if found else [])
    refresh(database, ["wxa"])
    assert indexed(database) == int(found)
    assert names(search(database, default_screener, "记账")) == (["快乐记账"] if found else [])


def test_a_changed_app_is_indexed_by_its_new_content(
    database: Database, default_screener: Screener
):
    add_apps(database, [App("wxa", "快乐记账", "记账本")])
    refresh(database, ["wxa"])
    with Session(database.engine) as session, session.begin():
        session.execute(
            update(AppRow).where(AppRow.appid == "wxa").values(name="天气预报", description="")
        )
    refresh(database, ["wxa"])
    assert names(search(database, default_screener, "记账")) == []
    assert names(search(database, default_screener, "天气预报")) == ["天气预报"]


def test_refresh_joins_the_callers_transaction(database: Database, default_screener: Screener):
    add_apps(database, [App("wxa", "快乐记账")])
    uow = database.unit_of_work()
    with uow:
        refresh_search(uow, ["wxa"], now=NOW)  # no commit: rolled back
    assert indexed(database) == 0


def test_rebuild_is_batched_idempotent_and_repairs_the_index(
    database: Database, default_screener: Screener
):
    seed_registry(database)
    add_apps(database, [App("wxlate", "晚到的记账", "没有刷新过")])  # never refreshed
    queries = ("记账", "天气 外卖", "keep", "外卖", "万年历")
    uow = database.unit_of_work()
    seen: list[int] = []
    report = rebuild_search(uow, batch_size=4, now=NOW, progress=seen.append)
    total = len(REGISTRY) + len(STALE_APPS) + 1
    findable = sum(1 for app in REGISTRY if app.status in {"listed", "warned", "restricted"}) + 1
    assert (report.apps, report.indexed) == (total, findable)
    assert report.batches == -(-total // 4) and sum(seen) == total
    assert indexed(database) == findable  # stale rows gone, the missing app added
    before = {query: search(database, default_screener, query) for query in queries}
    assert "晚到的记账" in names(before["记账"])
    assert rebuild_search(uow, batch_size=1000, now=NOW) == type(report)(total, findable, 1)
    assert indexed(database) == findable
    assert {query: search(database, default_screener, query) for query in queries} == before


def test_rebuild_of_an_empty_registry(database: Database):
    report = rebuild_search(database.unit_of_work(), now=NOW)
    assert (report.apps, report.indexed, report.batches) == (0, 0, 0)
    with pytest.raises(InputError, match="batch size"):
        rebuild_search(database.unit_of_work(), batch_size=0)


# --- input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "limit", "message"),
    [
        ("", 20, "empty"),
        ("   ", 20, "empty"),
        ("记" * (MAX_QUERY_LENGTH + 1), 20, "limit is 100"),
        ("记账", 0, "limit must be between 1 and 100"),
        ("记账", 101, "limit must be between 1 and 100"),
    ],
)
def test_bad_queries_are_refused(
    database: Database, default_screener: Screener, query: str, limit: int, message: str
):
    with pytest.raises(InputError, match=message):
        search(database, default_screener, query, limit=limit)


# --- the literals the adapters send -----------------------------------------------------------


def test_fts5_queries_quote_every_token():
    assert fts5_query(["记账", "and"], match_all=True) == '"记账" "and"'
    assert fts5_query(['a"b', "or"], match_all=False) == '"a""b" OR "or"'


def test_postgresql_literals_quote_every_lexeme_with_weights_and_positions():
    assert tsquery_literal(["记账", "it's"], match_all=True) == "'记账' & 'it''s'"
    assert tsquery_literal(["a\\b", "c"], match_all=False) == "'a\\\\b' | 'c'"
    document = SearchDocument(7, ("快乐", "记账"), ("记账", "工具"))
    assert tsvector_literal(document) == "'快乐':1A '记账':2A '记账':3B '工具':4B"
    long = SearchDocument(1, (), tuple(f"t{i}" for i in range(20_000)))
    assert tsvector_literal(long).endswith("'t19999':16383B")
