"""The PII master key: from SHENHE_PII_KEY, or a key file created on first use with mode 0600."""

from __future__ import annotations

import base64
import stat
import threading
from pathlib import Path

import pytest

from shenhe.adapters.keyfile import read_or_create_master_key
from shenhe.bootstrap import build_keyring
from shenhe.config import Settings
from shenhe.domain.pii import seal, unseal
from shenhe.errors import ConfigError


def test_the_key_file_is_created_once_for_its_owner_only(tmp_path: Path):
    path = tmp_path / "var" / "pii.key"
    key = read_or_create_master_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create_master_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["pii.key"]  # no temporary left


def test_concurrent_first_starts_agree_on_one_key(tmp_path: Path):
    path = tmp_path / "pii.key"
    keys: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: keys.append(read_or_create_master_key(path)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1


def test_a_key_file_others_can_read_is_refused(tmp_path: Path):
    path = tmp_path / "pii.key"
    read_or_create_master_key(path)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match=r"SHENHE_PII_KEY_FILE.*chmod 600"):
        read_or_create_master_key(path)


def test_a_malformed_key_file_is_refused(tmp_path: Path):
    path = tmp_path / "pii.key"
    path.write_text("not a key\n")
    path.chmod(0o600)
    with pytest.raises(ConfigError, match="SHENHE_PII_KEY_FILE"):
        read_or_create_master_key(path)


def test_the_variable_wins_over_the_file(tmp_path: Path):
    key = base64.b64encode(bytes(range(32))).decode()
    path = tmp_path / "pii.key"
    from_variable = build_keyring(Settings(pii_key=key, pii_key_file=path))
    assert not path.exists()
    from_file = build_keyring(Settings(pii_key_file=path))
    assert path.exists()
    sealed = seal(from_variable, "id_number", "11010519491231002X")
    assert unseal(from_variable, "id_number", sealed) == "11010519491231002X"
    assert sealed.blind_index != seal(from_file, "id_number", "11010519491231002X").blind_index
