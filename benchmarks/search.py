"""Search benchmark: index rebuild throughput and query latency over a generated registry.

    .venv/bin/python benchmarks/search.py [--apps 5000] [--database URL] [--repeats 20]

Generates ``--apps`` apps (names, descriptions and two pages made of everyday mini-app
vocabulary, about 1 in 10 of them banned, suspended or in review), inserts them as rows into
a fresh database (a temporary SQLite file unless ``--database`` names an empty PostgreSQL
database), rebuilds the index with `rebuild_search`, then times `search_apps` end to end
(screening the query, tokens, the database round trip) for a fixed set of queries: common
and rare words, two-word queries that fall back to any-token matching, and a blocked one.
Prints a table and writes ``benchmarks/results/search-<backend>.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from shenhe import Screener
from shenhe.adapters.db import Database
from shenhe.adapters.db.schema import AppRow, PrincipalRow
from shenhe.services.search import rebuild_search, search_apps

RESULTS = Path(__file__).parent / "results"
NOW = datetime.now(UTC)
PREFIXES = (
    "快乐",
    "简单",
    "每日",
    "智能",
    "小",
    "云",
    "随手",
    "口袋",
    "极简",
    "全能",
    "家庭",
    "城市",
    "掌上",
    "轻松",
    "超级",
)
TOPICS = (
    "记账",
    "天气",
    "外卖",
    "地图",
    "读书",
    "健身",
    "打车",
    "电影",
    "快递",
    "日历",
    "音乐",
    "学习",
    "购物",
    "旅行",
    "美食",
    "租房",
    "招聘",
    "医疗",
    "新闻",
    "相册",
    "翻译",
    "闹钟",
    "笔记",
    "菜谱",
    "宠物",
    "育儿",
    "停车",
    "加油",
    "彩票",
    "公交",
)
SUFFIXES = (
    "助手",
    "大师",
    "本",
    "宝",
    "通",
    "管家",
    "小程序",
    "工具",
    "Pro",
    "精灵",
    "日记",
    "商城",
)
SENTENCES = (
    "简单好用，功能齐全",
    "每天都在用的{topic}工具",
    "为你推荐附近的{topic}服务",
    "支持微信登录，数据云端同步",
    "海量内容，免费使用",
    "操作方便，界面清爽",
    "{topic}信息实时更新",
    "专业团队打造的{topic}平台",
)
QUERIES = (
    "记账",
    "天气预报",
    "外卖",
    "健身打卡",
    "宠物医疗",
    "云端同步",
    "Pro",
    "口袋 彩票",
    "贷款",
)
STATUSES = ["listed"] * 18 + ["banned", "in_review"]


def generate(rng: random.Random, count: int) -> list[dict[str, object]]:
    apps = []
    for index in range(count):
        topic = rng.choice(TOPICS)
        name = rng.choice(PREFIXES) + topic + rng.choice(SUFFIXES)
        description = "，".join(
            rng.choice(SENTENCES).format(topic=rng.choice([topic, *TOPICS])) for _ in range(3)
        )
        pages = [
            "。".join(rng.choice(SENTENCES).format(topic=rng.choice(TOPICS)) for _ in range(4))
            for _ in range(2)
        ]
        apps.append(
            {
                "appid": f"wx{index:016x}",
                "name": name,
                "description": description,
                "pages": pages,
                "category": "tools",
                "status": rng.choice(STATUSES),
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    return apps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=5000)
    parser.add_argument("--database", help="an empty database (default: a temporary SQLite)")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/search.db"
        with Database(url) as database:
            run(database, args.apps, args.repeats)


def run(database: Database, count: int, repeats: int) -> None:
    database.upgrade()
    apps = generate(random.Random(7), count)
    with Session(database.engine) as session, session.begin():
        owner = PrincipalRow(
            kind="enterprise",
            name="benchmark",
            uscc="91440300MA5FBENCH1",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(owner)
        session.flush()
        session.execute(insert(AppRow), [{**app, "principal_id": owner.id} for app in apps])
    started = time.perf_counter()
    report = rebuild_search(database.unit_of_work())
    rebuild_s = time.perf_counter() - started
    screener = Screener.default()
    rows = []
    for query in QUERIES:
        search_apps(database.unit_of_work(read_only=True), screener, query)  # warm
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            result = search_apps(database.unit_of_work(read_only=True), screener, query)
            times.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "query": query,
                "results": len(result.results),
                "blocked": result.blocked,
                "p50_ms": round(statistics.median(times), 2),
                "max_ms": round(max(times), 2),
            }
        )
    summary = {
        "backend": database.backend,
        "apps": count,
        "indexed": report.indexed,
        "rebuild_s": round(rebuild_s, 2),
        "rebuild_apps_per_s": round(count / rebuild_s),
        "queries": rows,
    }
    print(
        f"{database.backend}: {count} apps, {report.indexed} indexed; rebuild {rebuild_s:.1f} s "
        f"({count / rebuild_s:.0f} apps/s)"
    )
    print(f"{'query':<12} {'results':>7} {'p50 ms':>8} {'max ms':>8}")
    for row in rows:
        label = "blocked" if row["blocked"] else str(row["results"])
        print(f"{row['query']:<12} {label:>7} {row['p50_ms']:>8} {row['max_ms']:>8}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"search-{database.backend}.json"
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
