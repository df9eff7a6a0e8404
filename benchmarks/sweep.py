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
from shenhe.text.tokens import search_tokens

RESULTS = Path(__file__).parent / "results" / "sweep.json"
TARGET_APPS_PER_SECOND = 5_000
PRINCIPALS = 5_000
"""Principals of the ordinary apps (fewer in a small registry: one per ten apps)."""
CHUNK = 10_000
BAD_SHARE = 0.01

PREFIXES = ("快乐", "智慧", "阳光", "便民", "小橙", "优选", "云端", "青松", "星河", "掌上")
THINGS = ("天气", "记账", "健身", "菜谱", "日历", "笔记", "相册", "翻译", "地图", "阅读")
SUFFIXES = ("助手", "工具", "小站", "管家", "宝", "通", "圈", "社区", "商城", "课堂")
HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各"
    "重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代"
    "想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接"
)
"""Characters the synthetic texts are drawn from: each description is its own, so two ordinary
apps share few trigrams (as in a real registry), and the clone check has real work to do."""
CLONE_SHARE = 0.001
"""Apps whose description copies a loan app's pitch without its loan term: clones for the
sweep to catch once the loan app is banned (if the loan app comes first in id order)."""
BAD_TERMS = ("无抵押秒批贷款", "小额贷款当天放款", "无抵押贷款秒到账")
CATEGORIES = ("tools", "lifestyle", "education", "ecommerce", "social", "games")
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FAMILY = 5
"""Loan apps per pitch: a loan operator lists the same pitch under several names."""


def _uscc(index: int) -> str:
    """A unique 18-character USCC-looking string (rows bypass validation)."""
    tail = []
    n = index
    for _ in range(9):
        tail.append(USCC_CHARS[n % len(USCC_CHARS)])
        n //= len(USCC_CHARS)
    return "91110000" + "".join(reversed(tail)) + "X"


def _phrase(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choices(HANZI, k=rng.randint(low, high)))


def _text(rng: random.Random) -> str:
    return "，".join(_phrase(rng, 3, 6) for _ in range(rng.randint(3, 5))) + "。"


class _Content:
    """Generates the apps: ordinary ones, loan apps in families sharing a pitch, and clones."""

    def __init__(self, rng: random.Random, bad_share: float) -> None:
        self.rng = rng
        self.bad_share = bad_share
        self.pitches: list[str] = []

    def next(self) -> tuple[str, str, str, list[str], bool]:
        rng = self.rng
        # names are unique on the platforms (a few collide here, as homophones do)
        name = rng.choice(PREFIXES) + _phrase(rng, 2, 3) + rng.choice(THINGS) + rng.choice(SUFFIXES)
        description = _text(rng)
        pages = [_phrase(rng, 4, 10), _phrase(rng, 4, 10)]
        roll = rng.random()
        if roll < self.bad_share:
            if not self.pitches or rng.random() < 1 / FAMILY:
                self.pitches.append(_text(rng) + _text(rng))
            pitch = self.pitches[-1]
            where = rng.randrange(3)
            term = rng.choice(BAD_TERMS)
            description = pitch
            if where == 0:
                name = name[:4] + term
            elif where == 1:
                description = pitch + term
            else:
                pages = [*pages[:1], f"{term} 立即申请"]
            return name, description, rng.choice(CATEGORIES), pages, True
        if roll < self.bad_share + CLONE_SHARE and self.pitches:
            description = rng.choice(self.pitches)  # the pitch, no loan term: a clone
        return name, description, rng.choice(CATEGORIES), pages, False


def populate(
    database: Database, apps: int, *, seed: int = 1, bad_share: float = BAD_SHARE
) -> float:
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
    bad_count = max(1, int(apps * bad_share) // FAMILY)
    content = _Content(rng, bad_share)
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
            name, description, category, pages, bad = content.next()
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


def measure(backend: str, url: str, apps: int, bad_share: float = BAD_SHARE) -> dict[str, Any]:
    """Populate a fresh database at `url` with `apps` apps and time one sweep over it."""
    settings = Settings(database_url=url)
    rules = build_rules(settings, build_screener(settings))
    with Database(url) as database:
        database.upgrade()
        insert_s = populate(database, apps, bad_share=bad_share)
        uow = build_unit_of_work(database)
        search_tokens("天气预报")  # load jieba's dictionary (a second, once per process) first
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        summary = sweep(Sweep(), uow, rules, now=datetime.now(UTC))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    actions = sum(summary.actions.values())
    return {
        "backend": backend,
        "apps": apps,
        "insert_s": round(insert_s, 2),
        "seconds": round(seconds, 2),
        "apps_per_s": round(apps / seconds, 1),
        "cpu_s": round(cpu, 2),
        "apps_per_cpu_s": round(apps / cpu, 1),
        "bad_share": bad_share,
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
    columns = ("backend", "apps", "insert s", "sweep s", "apps/s", "cpu s", "apps/cpu s", "actions")
    for column in (*columns, "target"):
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
            f"{row['cpu_s']:.1f}",
            f"{row['apps_per_cpu_s']:,.0f}",
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
    parser.add_argument(
        "--bad-share",
        type=float,
        default=BAD_SHARE,
        help="share of apps with loan content (each costs a decision and a penalty)",
    )
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
                results.append(measure("sqlite", f"sqlite:///{path}", size, args.bad_share))
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
                        measure(
                            "postgresql",
                            dsn.render_as_string(hide_password=False),
                            size,
                            args.bad_share,
                        )
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
            f" ({largest['apps_per_cpu_s']:,.0f} apps per CPU second of the sweep's process)"
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
