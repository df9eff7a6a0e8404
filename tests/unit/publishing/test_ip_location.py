"""IP location for public profiles: province on the mainland, region for HK/Macao/Taiwan,
country abroad, unknown for the rest — from the table built from ip2region."""

from __future__ import annotations

import gzip
import ipaddress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shenhe.domain.ip_location import UNKNOWN, IpTable
from shenhe.domain.publishing_errors import IpTableError


@pytest.mark.parametrize(
    ("address", "scope", "name"),
    [
        ("120.24.78.68", "province", "广东"),  # Aliyun Shenzhen
        ("61.135.169.121", "province", "北京"),
        ("114.114.114.114", "province", "江苏"),
        ("223.5.5.5", "province", "浙江"),
        ("::ffff:120.24.78.68", "province", "广东"),  # IPv4-mapped IPv6
        ("203.198.7.66", "region", "中国香港"),
        ("168.95.1.1", "region", "中国台湾"),
        ("202.175.3.3", "region", "中国澳门"),
        ("8.8.8.8", "country", "美国"),
        ("1.1.1.1", "country", "澳大利亚"),
        ("10.0.0.1", "unknown", "未知"),
        ("127.0.0.1", "unknown", "未知"),
        ("192.168.1.1", "unknown", "未知"),
        ("2001:db8::1", "unknown", "未知"),
        ("testclient", "unknown", "未知"),
        ("", "unknown", "未知"),
        (None, "unknown", "未知"),
    ],
)
def test_locate(address: str | None, scope: str, name: str):
    location = IpTable.default().locate(address)
    assert (location.scope, location.name) == (scope, name)


@given(st.ip_addresses())
def test_every_address_gets_a_location_of_a_known_scope(address):
    location = IpTable.default().locate(str(address))
    assert location.scope in ("province", "region", "country", "unknown")
    assert location.name


def test_a_table_of_our_own_from_a_file(tmp_path: Path):
    path = tmp_path / "table.tsv.gz"
    path.write_bytes(gzip.compress("# mine\n0\t\n16777216\t美国\n16777216\t广东\n".encode()))
    table = IpTable.load(path)
    assert table.locate("1.0.0.5").name == "美国"
    assert table.locate("2.0.0.1").scope == "province"
    assert table.locate("0.0.0.1") == UNKNOWN


@pytest.mark.parametrize(
    ("text", "message"),
    [("0\t\nx\tA\n", "not a number"), ("0\t\n5\tA\n0\tB\n", "must rise"), ("5\tA\n", "from 0")],
)
def test_a_malformed_table_says_where(text: str, message: str):
    with pytest.raises(IpTableError, match=message):
        IpTable.from_text(text)


@given(
    st.lists(
        st.tuples(st.integers(1, 2**24), st.sampled_from(["", "美国", "广东", "中国香港"])),
        max_size=30,
    ),
    st.integers(0, 2**32 - 1),
)
def test_a_table_reads_back_what_it_was_written_from(steps, probe):
    lines = ["0\t"] + [f"{step}\t{label}" for step, label in steps]
    starts, labels, position = [0], [""], 0
    for step, label in steps:
        position += step
        starts.append(position)
        labels.append(label)
    table = IpTable.from_text("\n".join(lines))
    assert len(table) == len(starts)
    expected = labels[max(i for i, start in enumerate(starts) if start <= probe)]
    address = ".".join(str((probe >> shift) & 255) for shift in (24, 16, 8, 0))
    location = table.locate(address)
    if ipaddress.ip_address(address).is_global:  # private and reserved ranges: unknown
        assert location.name == (expected or "未知")
    else:
        assert location.scope == "unknown"
