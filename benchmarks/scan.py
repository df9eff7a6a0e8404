"""Scan benchmark: Shenhe's own scanner (`shenhe.text._cscan`) against ``ahocorasick_rs``.

    .venv/bin/python benchmarks/scan.py [--repeats 5]

What the matcher does per stream, on its own: the corpus is folded with Shenhe's default
folding and joined in batches of 1,000 texts, as ``screen_batch`` joins them; the terms of
the 65k-term dictionary (and of a seeded 1k sample) are folded alike. Then, over the same
joined batches, ``ahocorasick_rs.AhoCorasick.find_matches_as_indexes(joined,
overlapping=True)`` against ``_cscan.Automaton.scan(joined)``, which returns the matches as
one int32 buffer. Both must find the same set of matches. Build time, scan time (best of the
repeats, after one warm-up pass) and the scanner's own memory are printed and written to
``benchmarks/results/scan.json``. Data: see corpus.py.
"""

from __future__ import annotations

import argparse
import array
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ahocorasick_rs
from rich.console import Console
from rich.table import Table

import corpus
from shenhe.text import _cscan  # type: ignore[attr-defined]
from shenhe.text.fold import Folder

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 1000


def best_of(repeats: int, run: Callable[[], object]) -> float:
    run()
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def timed(build: Callable[[], Any]) -> tuple[Any, float]:
    gc.collect()
    started = time.perf_counter()
    built = build()
    return built, time.perf_counter() - started


def same_matches(rs: Any, ours: Any, joined: list[str]) -> bool:
    for text in joined:
        theirs = rs.find_matches_as_indexes(text, overlapping=True)
        mine = array.array("i", ours.scan(text))
        triples = {tuple(mine[i : i + 3]) for i in range(0, len(mine), 3)}
        if len(mine) // 3 != len(theirs) or triples != set(theirs):
            return False
    return True


def measure(name: str, terms: list[str], joined: list[str], repeats: int) -> dict[str, Any]:
    rs, rs_build = timed(lambda: ahocorasick_rs.AhoCorasick(terms))
    ours, our_build = timed(lambda: _cscan.Automaton(terms))

    def scan_rs() -> int:
        return sum(len(rs.find_matches_as_indexes(text, overlapping=True)) for text in joined)

    def scan_ours() -> int:
        return sum(len(ours.scan(text)) // 12 for text in joined)

    rs_s = best_of(repeats, scan_rs)
    our_s = best_of(repeats, scan_ours)
    return {
        "lexicon": name,
        "terms": len(terms),
        "matches": scan_ours(),
        "same_matches": same_matches(rs, ours, joined),
        "build_s": {"ahocorasick_rs": rs_build, "cscan": our_build},
        "scan_ms": {"ahocorasick_rs": rs_s * 1000, "cscan": our_s * 1000},
        "speedup": rs_s / our_s,
        "cscan_states": ours.states,
        "cscan_mb": ours.nbytes / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    console = Console(width=None if sys.stdout.isatty() else 132)
    folder = Folder()
    texts = corpus.read_texts()
    joined = [
        folder.fold_batch(texts[start : start + BATCH]).joined
        for start in range(0, len(texts), BATCH)
    ]
    raw_terms = corpus.read_terms()
    rows = []
    for name, sample in (("65k", raw_terms), ("1k", corpus.sample(raw_terms, 1000, seed=0))):
        terms = list(dict.fromkeys(t for t in folder.fold_batch(sample).texts() if t))
        rows.append(measure(name, terms, joined, args.repeats))
    table = Table(title=f"Scan of {len(texts):,} folded texts ({sum(map(len, joined)):,} chars)")
    columns = ("terms", "matches", "same", "build ms rs", "build ms ours", "scan ms rs")
    for column in ("lexicon", *columns, "scan ms ours", "speed-up", "ours MB"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(
            row["lexicon"],
            f"{row['terms']:,}",
            f"{row['matches']:,}",
            "yes" if row["same_matches"] else "NO",
            f"{row['build_s']['ahocorasick_rs'] * 1000:.0f}",
            f"{row['build_s']['cscan'] * 1000:.0f}",
            f"{row['scan_ms']['ahocorasick_rs']:.1f}",
            f"{row['scan_ms']['cscan']:.1f}",
            f"{row['speedup']:.1f}×",
            f"{row['cscan_mb']:.1f}",
        )
    console.print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scan.json").write_text(json.dumps({"rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
