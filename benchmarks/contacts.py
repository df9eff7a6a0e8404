"""Contact detection's stage of `screen_batch`, alone: C parsers against the Python ones.

    .venv/bin/python benchmarks/contacts.py [--repeats 7] [--profile]

The texts of the speed benchmark (corpus.py) in batches of 1,000, as `Screener._screen_chunk`
calls it: `find_contacts_many(texts, contact_hints(batch))`, the hints (worked out once,
before timing) excluded. Each repeat times one pass over every batch with the C contact
parsers, then one with `shenhe.text.contact_scan._ccontact` set to None (the pure-Python
path); the best and the median of the repeats are shown, in ms per pass. Both passes must
find the same contacts, or the benchmark stops. Writes ``benchmarks/results/contacts.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import corpus
from shenhe.text import contact_scan
from shenhe.text.contact_hints import contact_hints
from shenhe.text.contacts import Contact, find_contacts_many, prepare
from shenhe.text.fold import Folder

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 1000

Batches = list[tuple[Sequence[str], list[int]]]


def batches(texts: list[str]) -> Batches:
    folder = Folder()
    out: Batches = []
    for start in range(0, len(texts), BATCH):
        chunk = texts[start : start + BATCH]
        out.append((chunk, contact_hints(folder.fold_batch(chunk))))
    return out


def one_pass(work: Batches) -> list[dict[int, list[Contact]]]:
    return [find_contacts_many(chunk, hinted) for chunk, hinted in work]


def timed(work: Batches) -> tuple[float, list[dict[int, list[Contact]]]]:
    gc.collect()
    start = time.perf_counter()
    found = one_pass(work)
    return (time.perf_counter() - start) * 1000, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile one pass with C")
    args = parser.parse_args()
    prepare()
    work = batches(corpus.read_texts())
    built = contact_scan._ccontact
    runs: dict[str, list[float]] = {"c": [], "python": []}
    one_pass(work)  # warm up
    for _ in range(args.repeats):
        ms, with_c = timed(work)
        runs["c"].append(ms)
        contact_scan._ccontact = None
        try:
            ms, without = timed(work)
        finally:
            contact_scan._ccontact = built
        runs["python"].append(ms)
        if with_c != without:
            raise SystemExit("the C and Python contact parsers disagree: run the tests")
    texts = sum(len(chunk) for chunk, _ in work)
    hinted = sum(len(numbers) for _, numbers in work)
    holding = sum(len(found) for found in with_c)
    print(f"{texts} texts, {hinted} hinted, {holding} with a contact; ms per pass:")
    print(f"{'parsers':<8} {'best':>8} {'median':>8}")
    for name, times in runs.items():
        print(f"{name:<8} {min(times):8.1f} {statistics.median(times):8.1f}")
    RESULTS.mkdir(exist_ok=True)
    report = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "texts": texts,
        "hinted": hinted,
        "with_contact": holding,
        "c_extension_built": built is not None,
        "ms_per_pass": {
            name: {"best": min(times), "median": statistics.median(times), "runs": times}
            for name, times in runs.items()
        },
    }
    (RESULTS / "contacts.json").write_text(json.dumps(report, indent=2) + "\n")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(one_pass, work)
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
