"""Sweep throughput: apps per second of ``shenhe sweep`` over a generated registry.

A synthetic registry is bulk-inserted with SQLAlchemy Core ``executemany`` straight into a
freshly migrated database (bypassing the import service, which decides every app and runs at
about 100 apps/s): a few thousand enterprise principals, and apps in status ``listed``, each
with its current ``app_versions`` row. Names, descriptions and pages are short Chinese texts
from a small vocabulary; about 1% carry a loan term that the built-in lexicon blocks, so the
sweep has work to do. Then the sweep service that ``shenhe sweep`` calls is timed, with the
default screener and rules from `shenhe.bootstrap`.

    .venv/bin/python benchmarks/sweep.py                       # 10k, 100k, 1M; both backends
    .venv/bin/python benchmarks/sweep.py --quick               # 10k, 50k
    .venv/bin/python benchmarks/sweep.py --sizes 1000000 --no-postgres

SQLite is a file in a temporary directory; PostgreSQL is started with ``pgserver`` in a
temporary directory and stopped at the end. Writes ``benchmarks/results/sweep.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from shenhe.adapters.db import Database
from shenhe.adapters.db.schema import AppRow, AppVersionRow, PrincipalRow
from shenhe.bootstrap import build_rules, build_screener, build_unit_of_work
from shenhe.config import Settings
from shenhe.services.sweep import Sweep, sweep

RESULTS = Path(__file__).parent / "results" / "sweep.json"
TARGET_APPS_PER_SECOND = 5_000
PRINCIPALS = 5_000
"""Principals of the ordinary apps (fewer in a small registry: one per ten apps)."""
CHUNK = 10_000
BAD_SHARE = 0.01

PREFIXES = ("快乐", "智慧", "阳光", "便民", "小橙", "优选", "云端", "青松", "星河", "掌上")
THINGS = ("天气", "记账", "健身", "菜谱", "日历", "笔记", "相册", "翻译", "地图", "阅读")
SUFFIXES = ("助手", "工具", "小站", "管家", "宝", "通", "圈", "社区", "商城", "课堂")
DESCRIPTIONS = (
    "每天为你推荐实用内容，操作简单，界面清爽。",
    "记录生活点滴，支持多端同步，数据安全可靠。",
    "精选优质商品，正品保障，七天无理由退换。",
    "提供本地生活服务信息，方便快捷，欢迎使用。",
    "海量课程免费学习，名师讲解，随时随地提升自己。",
)
PAGES = (
    "首页 推荐 我的",
    "关于我们 联系客服 用户协议",
    "设置 消息通知 隐私政策",
    "今日精选 热门排行 新品上架",
    "帮助中心 常见问题 意见反馈",
)
BAD_TERMS = ("无抵押秒批贷款", "小额贷款当天放款", "无抵押贷款秒到账")
CATEGORIES = ("tools", "lifestyle", "education", "ecommerce", "social", "games")
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _uscc(index: int) -> str:
    """A unique 18-character USCC-looking string (rows bypass validation)."""
    tail = []
    n = index
    for _ in range(9):
        tail.append(USCC_CHARS[n % len(USCC_CHARS)])
        n //= len(USCC_CHARS)
    return "91110000" + "".join(reversed(tail)) + "X"


def _content(rng: random.Random) -> tuple[str, str, str, list[str], bool]:
    name = rng.choice(PREFIXES) + rng.choice(THINGS) + rng.choice(SUFFIXES)
    description = rng.choice(DESCRIPTIONS)
    pages = rng.sample(PAGES, 2)
    bad = rng.random() < BAD_SHARE
    if bad:
        where = rng.randrange(3)
        term = rng.choice(BAD_TERMS)
        if where == 0:
            name = name[:4] + term
        elif where == 1:
            description = description + term
        else:
            pages = [*pages[:1], f"{term} 立即申请"]
    return name, description, rng.choice(CATEGORIES), pages, bad


def populate(database: Database, apps: int, *, seed: int = 1) -> float:
    """Bulk-insert `apps` listed apps (and the principals) into a migrated database; seconds."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    started = time.perf_counter()
    principals = PrincipalRow.__table__
    app_table = AppRow.__table__
    versions = AppVersionRow.__table__
    count = min(PRINCIPALS, max(1, apps // 10))
    # the loan apps belong to principals of their own (about five apps each), so that their
    # blacklisting bans only them and not the whole registry
    bad_count = max(1, int(apps * BAD_SHARE) // 5)
    with database.engine.begin() as connection:
        connection.execute(
            principals.insert(),
            [
                {
                    "id": i,
                    "kind": "enterprise",
                    "name": f"{rng.choice(PREFIXES)}{rng.choice(THINGS)}科技有限公司{i}",
                    "uscc": _uscc(i),
                    "blacklisted": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(1, count + bad_count + 1)
            ],
        )
    for start in range(1, apps + 1, CHUNK):
        app_rows: list[dict[str, Any]] = []
        version_rows: list[dict[str, Any]] = []
        for i in range(start, min(start + CHUNK, apps + 1)):
            name, description, category, pages, bad = _content(rng)
            owner = count + rng.randint(1, bad_count) if bad else rng.randint(1, count)
            app_rows.append(
                {
                    "id": i,
                    "appid": f"wx{i:016x}",
                    "principal_id": owner,
                    "name": name,
                    "description": description,
                    "category": category,
                    "pages": pages,
                    "status": "listed",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            version_rows.append(
                {
                    "id": i,
                    "app_id": i,
                    "version": 1,
                    "name": name,
                    "description": description,
                    "category": category,
                    "pages": pages,
                    "actor": "benchmark",
                    "created_at": now,
                }
            )
        with database.engine.begin() as connection:
            connection.execute(app_table.insert(), app_rows)
            connection.execute(versions.insert(), version_rows)
    if database.backend == "postgresql":
        with database.engine.begin() as connection:
            for table in ("principals", "apps", "app_versions"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
            connection.exec_driver_sql("ANALYZE")
    else:
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def measure(backend: str, url: str, apps: int) -> dict[str, Any]:
    """Populate a fresh database at `url` with `apps` apps and time one sweep over it."""
    settings = Settings(database_url=url)
    rules = build_rules(settings, build_screener(settings))
    database = Database(url)
    try:
        database.upgrade()
        insert_s = populate(database, apps)
        uow = build_unit_of_work(database)
        gc.collect()
        started = time.perf_counter()
        summary = sweep(Sweep(), uow, rules, now=datetime.now(UTC))
        seconds = time.perf_counter() - started
    finally:
        database.engine.dispose()
    actions = sum(summary.actions.values())
    return {
        "backend": backend,
        "apps": apps,
        "insert_s": round(insert_s, 2),
        "seconds": round(seconds, 2),
        "apps_per_s": round(apps / seconds, 1),
        "screened": summary.screened,
        "actions": actions,
        "actions_by_rung": dict(summary.actions),
    }


@contextmanager
def postgres(root: Path) -> Iterator[str]:
    """The URL of the ``postgres`` database of a pgserver started under `root`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(root / "pg", cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def _admin(server_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def _table(results: list[dict[str, Any]]) -> Table:
    table = Table(title="sweep throughput", title_justify="left")
    for column in ("backend", "apps", "insert s", "sweep s", "apps/s", "actions", "target"):
        table.add_column(column, justify="left" if column == "backend" else "right")
    for row in results:
        target = ""
        if row["backend"] == "sqlite":
            target = "PASS" if row["apps_per_s"] >= TARGET_APPS_PER_SECOND else "FAIL"
        table.add_row(
            row["backend"],
            f"{row['apps']:,}",
            f"{row['insert_s']:.1f}",
            f"{row['seconds']:.1f}",
            f"{row['apps_per_s']:,.0f}",
            str(row["actions"]),
            target,
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="registry sizes")
    parser.add_argument("--quick", action="store_true", help="sizes 10000,50000")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the JSON file to write")
    args = parser.parse_args()
    sizes = [10_000, 50_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    console = Console()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="shenhe-sweep-") as tmp:
        root = Path(tmp)
        if not args.no_sqlite:
            for size in sizes:
                path = root / f"sweep-{size}.db"
                console.print(f"sqlite: {size:,} apps ...")
                results.append(measure("sqlite", f"sqlite:///{path}", size))
                console.print(results[-1])
                path.unlink()
        if not args.no_postgres:
            with postgres(root) as server:
                from sqlalchemy.engine import make_url

                for size in sizes:
                    name = f"sweep_{size}"
                    _admin(server, f'DROP DATABASE IF EXISTS "{name}"')
                    _admin(server, f'CREATE DATABASE "{name}"')
                    url = make_url(server).set(database=name)
                    console.print(f"postgresql: {size:,} apps ...")
                    dsn = url.set(drivername="postgresql+psycopg")
                    results.append(
                        measure("postgresql", dsn.render_as_string(hide_password=False), size)
                    )
                    console.print(results[-1])
                    _admin(server, f'DROP DATABASE "{name}"')
    console.print(_table(results))
    sqlite = [row for row in results if row["backend"] == "sqlite"]
    verdict = None
    if sqlite:
        largest = max(sqlite, key=lambda row: row["apps"])
        verdict = "PASS" if largest["apps_per_s"] >= TARGET_APPS_PER_SECOND else "FAIL"
        console.print(
            f"target ≥ {TARGET_APPS_PER_SECOND:,} apps/s on SQLite at {largest['apps']:,} apps:"
            f" {largest['apps_per_s']:,.0f} apps/s → {verdict}"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "target_apps_per_s": TARGET_APPS_PER_SECOND,
                "sqlite_target": verdict,
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    console.print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
