"""The PII master key file: read it, or create it on first use, readable by its owner only.

A new key is written to a temporary file with mode 0600 and linked into place, which fails if
another process got there first (then its key is read), so concurrent first starts agree on one
key and no one ever reads a half-written file. A key file that others may read is refused, the
way ssh refuses a private key: the key opens every sealed identity number.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from shenhe.domain.errors import PiiKeyError
from shenhe.domain.pii import generate_master_key, parse_master_key
from shenhe.errors import ConfigError

ENV = "SHENHE_PII_KEY_FILE"


def read_or_create_master_key(path: Path) -> bytes:
    """The 32-byte master key in `path`, created (mode 0600, folder 0700) if it is missing."""
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
    try:
        return parse_master_key(text)
    except PiiKeyError as exc:
        raise ConfigError(f"{ENV}: {path}: {exc}") from None


def _create(path: Path) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pii-key-")
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(generate_master_key() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process was first: use theirs
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    except OSError as exc:
        raise ConfigError(f"{ENV}: cannot create the key file {path}: {exc}") from None
