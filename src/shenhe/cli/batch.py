"""Screening a file: JSON lines or plain text in, JSON lines out, in order.

Input formats:

``jsonl``  one JSON object a line, ``{"id": ..., "text": "..."}``; ``id`` is optional (the line
           number is used) and other fields are ignored; blank lines are skipped.
``text``   one text a line; its id is its line number.

Each output line is ``{"id": ..., <the verdict's fields>}``. Texts are screened with
`Screener.screen_batch` in chunks. A line that cannot be screened (not UTF-8, not JSON, no
string ``text``, too long) stops the run with an `InputFileError` naming the line; an output
file is written under a temporary name and renamed only when every line succeeded, so it is
never left half-written. ``-`` means standard input or output (which is streamed as it goes).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from shenhe.cli.errors import InputFileError
from shenhe.errors import TextTooLongError
from shenhe.screening.screener import Screener


class Format(StrEnum):
    """How an input file is read."""

    jsonl = "jsonl"
    text = "text"


JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
CHUNK = 1000
"""Texts per `screen_batch` call."""

STDIO = "-"


@dataclass(frozen=True, slots=True)
class Record:
    id: Any
    text: str
    line: int


def guess_format(source: str) -> Format:
    """``jsonl`` for .jsonl, .json and .ndjson files; ``text`` for anything else and stdin."""
    return Format.jsonl if Path(source).suffix.lower() in JSONL_SUFFIXES else Format.text


def read_records(
    stream: IO[bytes], fmt: Format, source: str
) -> Iterator[tuple[Record | None, int]]:
    """(record, bytes consumed) for each line; the record is None for a skipped blank line."""
    for number, raw in enumerate(stream, start=1):
        line = _decode(raw, number, source)
        if fmt is Format.text:
            yield Record(number, line.rstrip("\r\n"), number), len(raw)
        elif not line.strip():
            yield None, len(raw)
        else:
            yield _parse_json_line(line, number, source), len(raw)


def screen_stream(
    screener: Screener,
    stream: IO[bytes],
    out: IO[bytes],
    *,
    fmt: Format,
    surface: str,
    source: str,
    advance: Callable[[int], None] = lambda _: None,
    chunk: int = CHUNK,
) -> int:
    """Screen every record of `stream` into `out`; the number of records written."""
    pending: list[Record] = []
    consumed = written = 0
    for record, size in read_records(stream, fmt, source):
        consumed += size
        if record is not None:
            pending.append(record)
        if len(pending) >= chunk:
            written += _flush(screener, pending, out, surface, source)
            advance(consumed)
            consumed = 0
            pending = []
    written += _flush(screener, pending, out, surface, source)
    advance(consumed)
    return written


@contextmanager
def open_input(source: str) -> Iterator[IO[bytes]]:
    if source == STDIO:
        yield sys.stdin.buffer
        return
    try:
        stream = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputFileError(source, 0, f"cannot read the file: {exc.strerror}") from None
    with stream:
        yield stream


@contextmanager
def atomic_output(target: str) -> Iterator[IO[bytes]]:
    """A binary stream that becomes `target` only if the block finishes without an error."""
    if target == STDIO:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    folder = path.parent
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _flush(
    screener: Screener, records: list[Record], out: IO[bytes], surface: str, source: str
) -> int:
    if not records:
        return 0
    try:
        verdicts = screener.screen_batch([r.text for r in records], surface=surface)
    except TextTooLongError as exc:
        record = _too_long(records, exc)
        raise InputFileError(source, record.line, _too_long_message(record, exc.limit)) from None
    lines = (
        json.dumps({"id": r.id, **v.to_dict()}, ensure_ascii=False) + "\n"
        for r, v in zip(records, verdicts, strict=True)
    )
    out.write("".join(lines).encode("utf-8"))
    return len(records)


def _too_long(records: list[Record], exc: TextTooLongError) -> Record:
    if exc.index is not None and 0 <= exc.index < len(records):
        return records[exc.index]
    return next((r for r in records if len(r.text) > exc.limit), records[0])


def _too_long_message(record: Record, limit: int) -> str:
    return (
        f"the text has {len(record.text)} characters; the limit is {limit} "
        "(SHENHE_MAX_TEXT_LENGTH). Split it into shorter texts."
    )


def _decode(raw: bytes, number: int, source: str) -> str:
    try:
        return raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        raise InputFileError(
            source,
            number,
            f"is not UTF-8 (byte 0x{bad} at byte {exc.start + 1} of the line); "
            "convert the file to UTF-8",
        ) from None


def _parse_json_line(line: str, number: int, source: str) -> Record:
    example = 'write each line as {"id": 1, "text": "..."}'
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            source, number, f"is not valid JSON ({exc.msg} at column {exc.colno}); {example}"
        ) from None
    if not isinstance(data, dict):
        raise InputFileError(
            source, number, f"is a JSON {type(data).__name__}, not an object; {example}"
        )
    if "text" not in data:
        raise InputFileError(source, number, f'has no "text" field; {example}')
    text = data["text"]
    if not isinstance(text, str):
        kind = "null" if text is None else type(text).__name__
        raise InputFileError(source, number, f'"text" is {kind}, not a string; {example}')
    ident = data.get("id", number)
    for field, value in (("text", text), ("id", ident)):
        if isinstance(value, str) and not encodable(value):
            raise InputFileError(
                source,
                number,
                f'"{field}" has a lone surrogate escape (\\ud800-\\udfff); '
                "escape whole characters only",
            )
    return Record(ident, text, number)


def encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (0666 less umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
