"""Real texts and lexicons for the benchmarks, read from the shared data folder.

The data lives outside the repository, in ``../shared/data`` relative to the project root;
set ``SHENHE_DATA_DIR`` to read it from elsewhere. Nothing here imports Shenhe, so the peers
in the benchmarks can be measured on their own.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent

CHAT_AND_SMS: tuple[str, ...] = (
    "game_chat_ads/train.tsv",
    "sms_spam_binary/dev.tsv",
    "sms_spam_classes/dev.tsv",
)
"""Two-column TSV files (label or class, then text) with a header row."""

BIG_LEXICON = "lexicons/houbb_dict_v20240407.txt"
"""The public 65k-term dictionary, one term a line, no categories."""


def data_dir() -> Path:
    """The shared data folder: ``$SHENHE_DATA_DIR``, else ``../shared/data`` from the root."""
    configured = os.environ.get("SHENHE_DATA_DIR")
    path = Path(configured) if configured else ROOT.parent / "shared" / "data"
    if not path.is_dir():
        raise SystemExit(
            f"benchmark data not found at {path}; set SHENHE_DATA_DIR to the folder that "
            f"holds {CHAT_AND_SMS[0]} and {BIG_LEXICON}"
        )
    return path


def read_texts(files: tuple[str, ...] = CHAT_AND_SMS) -> list[str]:
    """The text column of each TSV file, header row skipped, blank texts dropped."""
    texts: list[str] = []
    base = data_dir()
    for name in files:
        with (base / name).open(encoding="utf-8") as handle:
            next(handle, None)
            for line in handle:
                _, _, text = line.rstrip("\r\n").partition("\t")
                if text.strip():
                    texts.append(text)
    return texts


def read_terms(name: str = BIG_LEXICON) -> list[str]:
    """The terms of a one-term-a-line lexicon: stripped, blanks and repeats dropped."""
    path = data_dir() / name
    seen: dict[str, None] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            term = line.strip()
            if term:
                seen[term] = None
    return list(seen)


def lexicon_path(name: str = BIG_LEXICON) -> Path:
    return data_dir() / name


def sample(items: list[T], n: int, seed: int = 0) -> list[T]:
    """A seeded random sample of `n` items (all of them, shuffled, when there are fewer)."""
    rng = random.Random(seed)
    return rng.sample(items, min(n, len(items)))


def fixed_length_texts(texts: list[str], length: int, count: int, seed: int = 0) -> list[str]:
    """`count` texts of exactly `length` characters, made by joining random corpus lines."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        parts: list[str] = []
        size = 0
        while size < length:
            line = rng.choice(texts)
            parts.append(line)
            size += len(line)
        out.append("".join(parts)[:length])
    return out
