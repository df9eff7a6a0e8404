"""Speed benchmark: Shenhe against Aho-Corasick peers on real chat lines and SMS.

    .venv/bin/python benchmarks/speed.py [--repeats 3] [--quick] [--profile]

All contenders screen the same texts in the same run, with the same 65k-term dictionary:

- ``ahocorasick_rs``: the raw Rust automaton, text by text, no folding (the speed ceiling);
- ``pyahocorasick``: the C automaton, text by text, no folding;
- ``equal-work peer``: per text NFKC, lower case, OpenCC t2s and a regex that strips
  punctuation, separators and symbols, then ``ahocorasick_rs`` over equally folded terms;
- Shenhe: ``Screener(Lexicon.load(...)).screen_batch(...)`` in batches of 1000 with full
  folding, plus ``Screener.default()`` and a seeded 1k-term sample for reference.

Each contender is warmed up once, then every repeat runs each contender in turn; throughput
is the best of the repeats (the median is recorded too). Targets are judged on wall-clock
throughput; throughput per CPU second (``time.process_time``) is shown beside it, since on a
shared machine waiting for a core inflates wall-clock time unevenly between contenders.
Build time and resident memory of the 65k-term screener are measured in a fresh subprocess,
so nothing else in this process is counted. Prints tables and writes
``benchmarks/results/speed.json``. Data: see corpus.py.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import re
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table

import corpus

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 1000
LATENCY_LENGTH = 200
RAW, PYAC, PEER = "ahocorasick_rs", "pyahocorasick", "equal-work peer"
SHENHE, SHENHE_DEFAULT, SHENHE_1K = "shenhe 65k", "shenhe default", "shenhe 1k"

Batch = Callable[[Sequence[str]], int]
"""Screens texts and returns how many matches (or hits) it found."""


@dataclass
class Contender:
    name: str
    folding: str
    terms: int
    batch: Batch
    one: Callable[[str], object]
    build_s: float
    runs: list[float] = field(default_factory=list)
    cpu_runs: list[float] = field(default_factory=list)
    matches: int = 0
    latencies_ns: list[int] = field(default_factory=list)


# --- peers --------------------------------------------------------------------------------


def raw_rs(terms: list[str]) -> tuple[Batch, Callable[[str], object]]:
    import ahocorasick_rs

    find = ahocorasick_rs.AhoCorasick(terms).find_matches_as_indexes

    def batch(texts: Sequence[str]) -> int:
        return sum(len(find(text, overlapping=True)) for text in texts)

    return batch, lambda text: find(text, overlapping=True)


def pyac(terms: list[str]) -> tuple[Batch, Callable[[str], object]]:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for index, term in enumerate(terms):
        automaton.add_word(term, index)
    automaton.make_automaton()
    scan = automaton.iter

    def batch(texts: Sequence[str]) -> int:
        return sum(len(list(scan(text))) for text in texts)

    return batch, lambda text: list(scan(text))


def noise_pattern() -> re.Pattern[str]:
    """A regex matching runs of punctuation (P*), separators (Z*) and symbols (S*)."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code))[0] in "PZS":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    body = "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges)
    return re.compile(f"[{body}]+")


def peer_fold() -> Callable[[str], str]:
    import opencc

    t2s = opencc.OpenCC("t2s").convert
    strip = noise_pattern().sub
    nfkc = unicodedata.normalize

    def fold(text: str) -> str:
        return strip("", t2s(nfkc("NFKC", text).lower()))

    return fold


def equal_work_peer(terms: list[str]) -> tuple[Batch, Callable[[str], object], int]:
    import ahocorasick_rs

    fold = peer_fold()
    folded = list(dict.fromkeys(f for f in map(fold, terms) if f))
    find = ahocorasick_rs.AhoCorasick(folded).find_matches_as_indexes

    def batch(texts: Sequence[str]) -> int:
        return sum(len(find(fold(text), overlapping=True)) for text in texts)

    return batch, lambda text: find(fold(text), overlapping=True), len(folded)


# --- Shenhe -------------------------------------------------------------------------------


def shenhe_batch(screener: Any) -> tuple[Batch, Callable[[str], object]]:
    screen_batch = screener.screen_batch

    def batch(texts: Sequence[str]) -> int:
        hits = 0
        for start in range(0, len(texts), BATCH):
            for verdict in screen_batch(texts[start : start + BATCH], surface="post"):
                hits += len(verdict.hits)
        return hits

    return batch, lambda text: screener.screen(text, surface="post")


def build_shenhe(which: str, lexicon_path: Path) -> tuple[Any, float, int]:
    """A Shenhe screener, the seconds its construction took, and its number of terms."""
    from shenhe import Lexicon, Screener

    if which == SHENHE_DEFAULT:
        started = time.perf_counter()
        screener = Screener.default()
        return screener, time.perf_counter() - started, len(screener.lexicon)
    lexicon = Lexicon.load(lexicon_path, category="custom")
    if which == SHENHE_1K:
        lexicon = Lexicon.from_terms(corpus.sample(list(lexicon.terms), 1000, seed=0))
    started = time.perf_counter()
    screener = Screener(lexicon)
    return screener, time.perf_counter() - started, len(lexicon)


def make_contenders(terms: list[str], console: Console) -> tuple[list[Contender], dict[str, str]]:
    contenders: list[Contender] = []
    for name, make in ((RAW, raw_rs), (PYAC, pyac)):
        started = time.perf_counter()
        batch, one = make(terms)
        contenders.append(
            Contender(name, "none", len(terms), batch, one, time.perf_counter() - started)
        )
    started = time.perf_counter()
    batch, one, folded = equal_work_peer(terms)
    contenders.append(
        Contender(PEER, "NFKC·lower·t2s·strip", folded, batch, one, time.perf_counter() - started)
    )
    errors: dict[str, str] = {}
    for which in (SHENHE, SHENHE_DEFAULT, SHENHE_1K):
        try:
            screener, build_s, count = build_shenhe(which, corpus.lexicon_path())
            screener.screen("预热", surface="post")
        except Exception as error:  # the engine may be unfinished; report and go on
            errors[which] = f"{type(error).__name__}: {error}"
            console.print(f"[yellow]{which} unavailable: {errors[which]}[/]")
            continue
        batch, one = shenhe_batch(screener)
        contenders.append(Contender(which, "full (default)", count, batch, one, build_s))
    return contenders, errors


# --- measurement --------------------------------------------------------------------------


def measure_throughput(contenders: list[Contender], texts: list[str], repeats: int) -> None:
    for contender in contenders:  # warm-up
        contender.matches = contender.batch(texts)
    for _ in range(repeats):
        for contender in contenders:
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            contender.batch(texts)
            contender.runs.append(time.perf_counter() - started)
            contender.cpu_runs.append(time.process_time() - cpu_started)


def measure_latency(contenders: list[Contender], texts: list[str]) -> None:
    clock = time.perf_counter_ns
    for contender in contenders:
        one = contender.one
        for text in texts[:100]:
            one(text)
        gc.collect()
        samples = []
        for text in texts:
            started = clock()
            one(text)
            samples.append(clock() - started)
        contender.latencies_ns = samples


def percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))])


def rss_mb() -> float:
    return float(psutil.Process().memory_info().rss / 2**20)


def child(kind: str, quick: bool) -> None:
    """Run in a fresh process: build one contender, screen the corpus, print memory as JSON."""
    texts = load_texts(quick)
    out: dict[str, Any] = {"rss_start_mb": rss_mb()}
    if kind == SHENHE:
        import shenhe  # noqa: F401  (import cost counted apart from the build)

        out["rss_after_import_mb"] = rss_mb()
        from shenhe import Lexicon, Screener

        started = time.perf_counter()
        lexicon = Lexicon.load(corpus.lexicon_path(), category="custom")
        out["lexicon_load_s"] = time.perf_counter() - started
        started = time.perf_counter()
        screener = Screener(lexicon)
        out["build_s"] = time.perf_counter() - started
        batch, _ = shenhe_batch(screener)
    else:
        makers: dict[str, Callable[[list[str]], tuple[Batch, Callable[[str], object]]]] = {
            RAW: raw_rs,
            PYAC: pyac,
            PEER: lambda terms: equal_work_peer(terms)[:2],
        }
        started = time.perf_counter()
        batch, _ = makers[kind](corpus.read_terms())
        out["build_s"] = time.perf_counter() - started
    out["rss_after_build_mb"] = rss_mb()
    started = time.perf_counter()
    batch(texts)
    out["first_pass_s"] = time.perf_counter() - started
    out["rss_after_screen_mb"] = rss_mb()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def measure_in_child(kind: str, quick: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind] + (["--quick"] if quick else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": last}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def profile_shenhe(texts: list[str], console: Console) -> dict[str, Any]:
    """cProfile the 65k build and a screening pass; print and return the top functions."""
    from shenhe import Lexicon, Screener

    lexicon = Lexicon.load(corpus.lexicon_path(), category="custom")
    building = cProfile.Profile()
    screener = building.runcall(Screener, lexicon)
    batch, _ = shenhe_batch(screener)
    batch(texts[:BATCH])  # warm-up, as for the timed runs
    screening = cProfile.Profile()
    screening.runcall(batch, texts)
    report: dict[str, Any] = {}
    for stage, profiler in (("build", building), ("screen", screening)):
        profiler.dump_stats(RESULTS / f"speed-{stage}.prof")
        entries = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        rows = sorted(entries.items(), key=lambda kv: kv[1][2], reverse=True)[:20]
        top_table = table(
            f"Shenhe 65k {stage}: top functions by own time (cProfile)",
            ("function", "calls", "own s", "cumulative s"),
        )
        top = []
        for (path, line, func), (_, calls, own, cumulative, _) in rows:
            where = f"{Path(path).name}:{line}({func})"
            top_table.add_row(where, str(calls), f"{own:.3f}", f"{cumulative:.3f}")
            top.append({"function": where, "calls": calls, "own_s": own, "cum_s": cumulative})
        console.print(top_table)
        report[stage] = top
    return report


# --- report -------------------------------------------------------------------------------


def load_texts(quick: bool) -> list[str]:
    texts = corpus.read_texts()
    return corpus.sample(texts, 5000, seed=1) if quick else texts


def machine() -> dict[str, Any]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "cpu_count": os.cpu_count(),
        "cpu_physical": psutil.cpu_count(logical=False),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "processor": platform.processor() or platform.machine(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "packages": {
            name: version(name)
            for name in ("shenhe", "ahocorasick_rs", "pyahocorasick", "opencc", "psutil")
        },
    }


def revision() -> dict[str, Any]:
    """The checkout measured: commit and whether the working tree had changes."""

    def git(*argv: str) -> str | None:
        done = subprocess.run(
            ["git", *argv], cwd=corpus.ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--", "src")
    return {"commit": git("rev-parse", "--short", "HEAD"), "src_changed": bool(status)}


def target(name: str, measured: float | None, op: str, limit: float, unit: str) -> dict[str, Any]:
    passed = None if measured is None else (measured >= limit if op == ">=" else measured <= limit)
    return {
        "check": name,
        "measured": measured,
        "op": op,
        "limit": limit,
        "unit": unit,
        "passed": passed,
    }


def summarise(contenders: list[Contender], texts: int) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for c in contenders:
        rows[c.name] = {
            "folding": c.folding,
            "terms": c.terms,
            "build_s_in_process": c.build_s,
            "runs_s": c.runs,
            "texts_per_s_best": texts / min(c.runs),
            "texts_per_s_median": texts / statistics.median(c.runs),
            "texts_per_cpu_s_best": texts / min(c.cpu_runs),
            "matches": c.matches,
            "latency_us_p50": percentile(c.latencies_ns, 0.50) / 1000,
            "latency_us_p99": percentile(c.latencies_ns, 0.99) / 1000,
            "latency_us_mean": statistics.fmean(c.latencies_ns) / 1000,
        }
    for row in rows.values():
        for other, key in ((PEER, "vs_peer"), (RAW, "vs_raw_rs")):
            if other in rows:
                row[key] = row["texts_per_s_best"] / rows[other]["texts_per_s_best"]
                best_cpu = rows[other]["texts_per_cpu_s_best"]
                row[f"{key}_cpu"] = row["texts_per_cpu_s_best"] / best_cpu
    return rows


def check_targets(rows: dict[str, Any], memory: dict[str, Any]) -> list[dict[str, Any]]:
    def ratio(a: str, b: str) -> float | None:
        if a not in rows or b not in rows:
            return None
        return float(rows[a]["texts_per_s_best"] / rows[b]["texts_per_s_best"])

    cold = memory[SHENHE]
    return [
        target("shenhe / equal-work peer (texts/s)", ratio(SHENHE, PEER), ">=", 2.0, "×"),
        target("shenhe / raw ahocorasick_rs (texts/s)", ratio(SHENHE, RAW), ">=", 0.5, "×"),
        target("shenhe 65k / shenhe 1k (texts/s)", ratio(SHENHE, SHENHE_1K), ">=", 0.8, "×"),
        target("build 65k screener (fresh process)", cold.get("build_s"), "<=", 3.0, "s"),
        target("RSS after build + screen", cold.get("rss_after_screen_mb"), "<=", 300, "MB"),
    ]


def table(title: str, columns: Sequence[str], left: int = 1) -> Table:
    """A rich table whose first `left` columns are text and the rest right-aligned numbers."""
    out = Table(title=title)
    for index, column in enumerate(columns):
        out.add_column(column, justify="left" if index < left else "right")
    return out


def render(console: Console, report: dict[str, Any]) -> None:
    rows, size = report["contenders"], report["corpus"]
    repeats = report["config"]["repeats"]

    def times(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}×"

    speed = table(
        f"Throughput on {size['texts']:,} real chat lines and SMS (best of {repeats})",
        ("contender", "folding", "terms", "build s", "texts/s", "median texts/s", "µs/text",
         "matches", "vs peer", "vs raw rs"),
        left=2,
    )  # fmt: skip
    for name, row in rows.items():
        speed.add_row(
            name,
            row["folding"],
            f"{row['terms']:,}",
            f"{row['build_s_in_process']:.2f}",
            f"{row['texts_per_s_best']:,.0f}",
            f"{row['texts_per_s_median']:,.0f}",
            f"{1e6 / row['texts_per_s_best']:.2f}",
            f"{row['matches']:,}",
            times(row.get("vs_peer")),
            times(row.get("vs_raw_rs")),
        )
    for name, error in report["errors"].items():
        speed.add_row(name, f"[yellow]{error}[/]")
    console.print(speed)

    cpu = table(
        "Throughput per CPU second of this process (best of the same runs)",
        ("contender", "texts/CPU s", "vs peer", "vs raw rs"),
    )
    for name, row in rows.items():
        cpu.add_row(
            name,
            f"{row['texts_per_cpu_s_best']:,.0f}",
            times(row.get("vs_peer_cpu")),
            times(row.get("vs_raw_rs_cpu")),
        )
    console.print(cpu)

    latency = table(
        f"Latency of one call, {size['latency_texts']:,} texts of "
        f"{size['latency_text_length']} characters",
        ("contender", "p50 µs", "p99 µs", "mean µs"),
    )
    for name, row in rows.items():
        latency.add_row(
            name,
            f"{row['latency_us_p50']:.1f}",
            f"{row['latency_us_p99']:.1f}",
            f"{row['latency_us_mean']:.1f}",
        )
    console.print(latency)

    memory = table(
        "Build and memory in a fresh process (65k terms, corpus screened once)",
        ("contender", "build s", "RSS start MB", "after build MB", "after screen MB", "peak MB"),
    )
    for kind, m in report["memory"].items():
        if "error" in m:
            memory.add_row(kind, f"[yellow]{m['error']}[/]")
            continue
        memory.add_row(
            kind,
            f"{m['build_s']:.2f}",
            f"{m['rss_start_mb']:.0f}",
            f"{m['rss_after_build_mb']:.0f}",
            f"{m['rss_after_screen_mb']:.0f}",
            f"{m['peak_rss_mb']:.0f}",
        )
    console.print(memory)

    verdicts = {True: "[green]PASS[/]", False: "[red]FAIL[/]", None: "[yellow]n/a[/]"}
    targets = table("Targets", ("check", "measured", "target", "result"))
    for t in report["targets"]:
        measured = "n/a" if t["measured"] is None else f"{t['measured']:.2f} {t['unit']}"
        limit = f"{t['op']} {t['limit']:g} {t['unit']}"
        targets.add_row(t["check"], measured, limit, verdicts[t["passed"]])
    console.print(targets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per contender")
    parser.add_argument("--quick", action="store_true", help="a 5,000-text sample, 500 latencies")
    parser.add_argument("--latency-texts", type=int, default=3000, help="200-char texts timed")
    parser.add_argument("--profile", action="store_true", help="also cProfile Shenhe 65k")
    parser.add_argument("--output", type=Path, default=RESULTS / "speed.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.quick)
        return

    console = Console(width=None if sys.stdout.isatty() else 132)
    host = machine()  # before measuring, so the load average is other processes' load
    texts = load_texts(args.quick)
    terms = corpus.read_terms()
    latency_texts = corpus.fixed_length_texts(
        texts, LATENCY_LENGTH, 500 if args.quick else args.latency_texts, seed=2
    )
    console.print(
        f"{len(texts):,} texts ({sum(map(len, texts)):,} chars), {len(terms):,} terms, "
        f"{args.repeats} repeats, {len(latency_texts):,} latency texts of {LATENCY_LENGTH} chars"
    )

    # Cold build and memory first, in fresh processes, before this one grows.
    memory = {kind: measure_in_child(kind, args.quick) for kind in (SHENHE, PEER, RAW)}
    contenders, errors = make_contenders(terms, console)
    measure_throughput(contenders, texts, args.repeats)
    measure_latency(contenders, latency_texts)
    rows = summarise(contenders, len(texts))

    report: dict[str, Any] = {
        "benchmark": "speed",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": host,
        "revision": revision(),
        "config": {
            "repeats": args.repeats,
            "quick": args.quick,
            "batch_size": BATCH,
            "statistic": "best of repeats (median also recorded)",
            "data_dir": str(corpus.data_dir()),
            "texts_files": list(corpus.CHAT_AND_SMS),
            "lexicon": corpus.BIG_LEXICON,
        },
        "corpus": {
            "texts": len(texts),
            "chars": sum(map(len, texts)),
            "terms": len(terms),
            "latency_texts": len(latency_texts),
            "latency_text_length": LATENCY_LENGTH,
        },
        "contenders": rows,
        "errors": errors,
        "memory": memory,
        "targets": check_targets(rows, memory),
        "profile": None,
    }
    render(console, report)
    if args.profile and SHENHE in rows:
        RESULTS.mkdir(parents=True, exist_ok=True)
        report["profile"] = profile_shenhe(texts, console)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    console.print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
