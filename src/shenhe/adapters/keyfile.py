"""The PII master key file: read it, or create it on first use, readable by its owner only.

The file holds one key per line, ``<key id> <key>``, the *current* key first and then the
*retired* ones that still open values sealed before a rotation (lines starting with ``#`` are
comments). A file holding a single bare key (as first created) is that key, with id ``k1``.
`add_key` (``shenhe keys rotate``) writes a new current key in front of the others, atomically
(a new file renamed over the old one), so a reader sees the old list or the new one.

A new key is written to a temporary file with mode 0600 and linked into place, which fails if
another process got there first (then its key is read), so concurrent first starts agree on one
key and no one ever reads a half-written file. A key file that others may read is refused, the
way ssh refuses a private key: the key opens every sealed identity number.
"""

from __future__ import annotations

import base64
import contextlib
import os
import stat
import tempfile
from pathlib import Path

from shenhe.domain.errors import PiiKeyError
from shenhe.domain.pii import DEFAULT_KEY_ID, generate_master_key, parse_master_key
from shenhe.errors import ConfigError

ENV = "SHENHE_PII_KEY_FILE"


HEADER = "# Shenhe PII master keys: the first is current; the others still open older values.\n"


def read_or_create_master_key(path: Path) -> bytes:
    """The current 32-byte master key in `path`, created (mode 0600, folder 0700) if it is
    missing."""
    return read_or_create_keys(path)[0][1]


def read_or_create_keys(path: Path) -> list[tuple[str, bytes]]:
    """Every (key id, master key) of `path`, the current one first; the file is created with
    one key if it is missing."""
    if not path.exists():
        _create(path)
    try:
        mode = path.stat().st_mode
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"{ENV}: {path} may be read by other users (mode {stat.S_IMODE(mode):o}); "
                f"run `chmod 600 {path}`"
            )
        text = path.read_text("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{ENV}: cannot read the key file {path}: {exc}") from None
    return _parse(text, path)


def add_key(path: Path) -> str:
    """Put a new random key in front of the keys of `path` (it becomes current); its id."""
    keys = read_or_create_keys(path)
    ids = {key_id for key_id, _ in keys}
    number = 1 + max((int(i[1:]) for i in ids if i[:1] == "k" and i[1:].isdigit()), default=0)
    new_id = f"k{number}"
    _save(path, [f"{new_id} {generate_master_key()}", *(_line(i, key) for i, key in keys)])
    return new_id


def remove_key(path: Path, key_id: str) -> None:
    """Drop retired key `key_id` from the file (never the current, first one)."""
    keys = read_or_create_keys(path)
    if keys[0][0] == key_id:
        raise ConfigError(f"{ENV}: {key_id!r} is the current key of {path}; it cannot go")
    kept = [(i, key) for i, key in keys if i != key_id]
    if len(kept) == len(keys):
        raise ConfigError(f"{ENV}: {path} holds no key {key_id!r}")
    _save(path, [_line(i, key) for i, key in kept])


def stamp(path: Path) -> tuple[int, int] | None:
    """(modification time in ns, size) of a file, to notice that it changed (None when it
    cannot be read)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def _parse(text: str, path: Path) -> list[tuple[str, bytes]]:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    try:
        if len(lines) == 1 and " " not in lines[0]:
            return [(DEFAULT_KEY_ID, parse_master_key(lines[0]))]
        keys = []
        for number, line in enumerate(lines, start=1):
            key_id, _, key = line.partition(" ")
            if not key.strip():
                raise PiiKeyError(f"line {number} is not '<key id> <key>'")
            keys.append((key_id, parse_master_key(key)))
    except PiiKeyError as exc:
        raise ConfigError(f"{ENV}: {path}: {exc}") from None
    if not keys:
        raise ConfigError(f"{ENV}: {path} holds no key")
    return keys


def _line(key_id: str, key: bytes) -> str:
    return f"{key_id} {base64.urlsafe_b64encode(key).decode('ascii')}"


def _save(path: Path, lines: list[str]) -> None:
    """Replace the key file (atomically) with the header and these ``<key id> <key>`` lines."""
    _write(path, HEADER + "\n".join(lines) + "\n", replace=True)


def _create(path: Path) -> None:
    _write(path, generate_master_key() + "\n", replace=False)


def _write(path: Path, content: str, *, replace: bool) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pii-key-")
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            if replace:
                os.replace(temporary, path)
            else:
                with contextlib.suppress(FileExistsError):  # another process was first
                    os.link(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
    except OSError as exc:
        raise ConfigError(f"{ENV}: cannot write the key file {path}: {exc}") from None
