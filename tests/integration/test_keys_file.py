"""The key file holds several keys, the current one first: a rotation puts a new key in front
and keeps the old ones, so values sealed before still open; SHENHE_PII_RETIRED_KEYS does the
same for keys from the environment."""

from __future__ import annotations

import base64
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe.adapters.keyfile import add_key, read_or_create_keys, read_or_create_master_key
from shenhe.bootstrap import build_keyring
from shenhe.config import Settings
from shenhe.domain.pii import seal, unseal
from shenhe.errors import ConfigError

OLD_HEX = bytes(range(32)).hex()
NEW_HEX = bytes(range(100, 132)).hex()


def test_a_new_key_goes_in_front_and_the_old_ones_still_open(tmp_path: Path) -> None:
    path = tmp_path / "pii.key"
    first = read_or_create_master_key(path)  # a single bare key, as first created
    before = build_keyring(Settings(pii_key_file=path))
    sealed = seal(before, "id_number", "110105199003071239")
    assert before.current.key_id == "k1"

    assert add_key(path) == "k2"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [key_id for key_id, _ in read_or_create_keys(path)] == ["k2", "k1"]
    assert read_or_create_keys(path)[1][1] == first
    after = build_keyring(Settings(pii_key_file=path))
    assert after.current.key_id == "k2" and [k.key_id for k in after.retired] == ["k1"]
    assert unseal(after, "id_number", sealed) == "110105199003071239"
    assert add_key(path) == "k3"
    assert [p.name for p in tmp_path.iterdir()] == ["pii.key"]  # no temporary left


def test_a_malformed_key_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "pii.key"
    path.write_text(f"k2 {NEW_HEX}\nk1\n")
    path.chmod(0o600)
    with pytest.raises(ConfigError, match="line 2"):
        read_or_create_keys(path)


def test_retired_keys_from_the_environment(tmp_path: Path) -> None:
    old = build_keyring(Settings(pii_key=OLD_HEX, pii_key_file=tmp_path / "unused"))
    sealed = seal(old, "mobile", "13800138000")
    ring = build_keyring(
        Settings(pii_key=NEW_HEX, pii_key_id="k2", pii_retired_keys=f"k1:{OLD_HEX}")
    )
    assert ring.current.key_id == "k2"
    assert unseal(ring, "mobile", sealed) == "13800138000"
    with pytest.raises(ConfigError, match="entry 1") as failure:
        build_keyring(Settings(pii_key=NEW_HEX, pii_key_id="k2", pii_retired_keys="k1:short"))
    assert "short" not in str(failure.value)
    assert not (tmp_path / "unused").exists()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Za-z0-9_-]{1,32}", fullmatch=True),
            st.binary(min_size=32, max_size=32),
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda pair: pair[0],
    ),
    st.booleans(),
)
def test_any_key_list_reads_back_as_written(keys: list[tuple[str, bytes]], hexed: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pii.key"
        lines = [
            f"{key_id} {key.hex() if hexed else base64.b64encode(key).decode()}"
            for key_id, key in keys
        ]
        path.write_text("# keys\n\n" + "\n".join(lines) + "\n")
        path.chmod(0o600)
        assert read_or_create_keys(path) == keys
