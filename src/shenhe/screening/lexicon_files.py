"""Reading lexicon files. Three formats:

``lines`` (``.txt`` and anything else)
    One term a line. The category comes from the ``category`` argument, or else from the file
    name: the first ``_``/``-``-separated part of the stem that names a known category
    (``konsheng_porn.txt`` → ``porn``, ``ads.txt`` → ``ad``), or else the whole stem.

``tsv`` / ``csv`` (``.tsv``, ``.csv``)
    Columns ``term``, ``category`` and, optionally, ``severity`` (1–3) and ``flags``
    (comma-separated: phonetic, initials, repeat, word, substring). A header row naming the
    columns may come first, in any order; without one the columns are taken in that order.
    This is Shenhe's own format: the built-in lexicon is written in it.

In every format blank lines and lines starting with ``#`` are skipped, and the file must be
UTF-8. Any bad line stops the load with a `LexiconError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

from shenhe.errors import LexiconError
from shenhe.screening.lexicon import ALLOW, CATEGORIES, Term, term_with_flags

FORMATS = ("lines", "tsv", "csv")
_ALIASES = {
    "ads": "ad",
    "advert": "ad",
    "adverts": "ad",
    "loans": "loan",
    "gamble": "gambling",
    "porno": "porn",
    "pornography": "porn",
    "sex": "porn",
    "fake": "counterfeit",
    "scam": "fraud",
    "allowlist": ALLOW,
    "whitelist": ALLOW,
}
_COLUMN_NAMES = {
    "term": "term",
    "word": "term",
    "keyword": "term",
    "词": "term",
    "category": "category",
    "label": "category",
    "类别": "category",
    "severity": "severity",
    "level": "severity",
    "flags": "flags",
    "mode": "flags",
}
_DEFAULT_COLUMNS = ("term", "category", "severity", "flags")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def category_from_name(path: Path) -> str:
    """The category a file name implies: ``konsheng_porn.txt`` → ``porn``."""
    stem = path.name.split(".")[0].lower()
    for part in re.split(r"[_\-\s.]+", stem):
        part = _ALIASES.get(part, part)
        if part in CATEGORIES or part == ALLOW:
            return part
    return stem or "custom"


def read_lexicon_file(
    path: Path,
    *,
    category: str | None = None,
    severity: int = 2,
    flags: Sequence[str] = (),
    format: str | None = None,
) -> list[Term]:
    fmt = format or _format_from_suffix(path)
    if fmt not in FORMATS:
        raise LexiconError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LexiconError(f"cannot read the file: {exc.strerror}", source=str(path)) from exc
    text = _decode(raw, str(path))
    if fmt == "lines":
        cat = category or category_from_name(path)
        return list(_read_lines(text, str(path), cat, severity, flags))
    delimiter = "\t" if fmt == "tsv" else ","
    return list(_read_table(text, str(path), delimiter, category, severity, flags))


def read_default_lexicon() -> list[Term]:
    """Every ``*.tsv`` file of the built-in lexicon, in name order."""
    folder = resources.files("shenhe").joinpath("data", "lexicon")
    terms: list[Term] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".tsv"):
            source = f"shenhe/data/lexicon/{entry.name}"
            text = _decode(entry.read_bytes(), source)
            terms.extend(_read_table(text, source, "\t", None, 2, ()))
    return terms


def _format_from_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".tsv": "tsv", ".csv": "csv"}.get(suffix, "lines")


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LexiconError(
            "is not UTF-8; convert the file to UTF-8", source=source, line=line
        ) from None


def _read_lines(
    text: str, source: str, category: str, severity: int, flags: Sequence[str]
) -> Iterator[Term]:
    for number, line in enumerate(text.splitlines(), start=1):
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        yield _term(source, number, word, category, severity, flags)


def _read_table(
    text: str,
    source: str,
    delimiter: str,
    category: str | None,
    severity: int,
    flags: Sequence[str],
) -> Iterator[Term]:
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns: tuple[str, ...] | None = None
    for row in rows:
        number = rows.line_num
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if columns is None:
            header = _header(row)
            columns = header or _DEFAULT_COLUMNS
            if header:
                if "term" not in header:
                    raise LexiconError("the header has no term column", source=source, line=number)
                continue
        yield _row_term(source, number, row, columns, category, severity, flags)


def _header(row: list[str]) -> tuple[str, ...] | None:
    names = tuple(_COLUMN_NAMES.get(cell.strip().lower(), "") for cell in row)
    return names if "term" in names and names.count("term") == 1 else None


def _row_term(
    source: str,
    number: int,
    row: list[str],
    columns: tuple[str, ...],
    category: str | None,
    severity: int,
    flags: Sequence[str],
) -> Term:
    cells = {name: row[i].strip() for i, name in enumerate(columns) if name and i < len(row)}
    word = cells.get("term", "")
    cat = cells.get("category") or category
    if not cat:
        raise LexiconError(
            f"term {word!r} has no category; add a category column or pass category=",
            source=source,
            line=number,
        )
    level = severity
    if cells.get("severity"):
        try:
            level = int(cells["severity"])
        except ValueError:
            raise LexiconError(
                f"severity {cells['severity']!r} is not a whole number", source=source, line=number
            ) from None
    row_flags = [f.strip() for f in cells.get("flags", "").split(",") if f.strip()]
    return _term(source, number, word, cat, level, [*flags, *row_flags])


def _term(
    source: str, number: int, word: str, category: str, severity: int, flags: Sequence[str]
) -> Term:
    word = _CONTROL.sub("", word)  # stray control characters in public lists (q\x7f)
    try:
        return term_with_flags(word, category.strip().lower(), severity, flags)
    except LexiconError as exc:
        raise LexiconError(str(exc), source=source, line=number) from None
