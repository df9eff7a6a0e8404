"""Where an IP address is, as a public profile may show it (IP属地).

The mainland at province level (广东, 北京), Hong Kong, Macao and Taiwan as 中国香港,
中国澳门, 中国台湾, other countries by name (美国), and ``unknown`` for everything else:
private and reserved ranges, continental blocks, IPv6 (the table covers IPv4; an IPv4-mapped
IPv6 address is looked up as its IPv4 address), and anything that is not an address.

The table (``shenhe/data/ip_regions.tsv.gz``) is built by ``tools/build_ip_regions.py`` from
the ip2region database (github.com/lionsoul2014/ip2region, Apache-2.0); see that script for
the source file, its hash and the format. `IpTable.load` reads a table built the same way
from a newer source. Pure: lookups do no I/O; the packaged table is read once, on first use.
"""

from __future__ import annotations

import gzip
import ipaddress
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

from shenhe.domain.publishing_errors import IpTableError

Scope = Literal["province", "region", "country", "unknown"]
SCOPES: tuple[Scope, ...] = get_args(Scope)
UNKNOWN_NAME = "未知"
REGIONS = frozenset({"中国香港", "中国澳门", "中国台湾"})
MAINLAND_PROVINCES = frozenset(
    [
        "北京",
        "天津",
        "上海",
        "重庆",
        "河北",
        "山西",
        "辽宁",
        "吉林",
        "黑龙江",
        "江苏",
        "浙江",
        "安徽",
        "福建",
        "江西",
        "山东",
        "河南",
        "湖北",
        "湖南",
        "广东",
        "海南",
        "四川",
        "贵州",
        "云南",
        "陕西",
        "甘肃",
        "青海",
        "内蒙古",
        "广西",
        "西藏",
        "宁夏",
        "新疆",
    ]
)


@dataclass(frozen=True, slots=True)
class IpLocation:
    """What a profile shows: the scope of the place and its name (``未知`` when unknown)."""

    scope: Scope
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "name": self.name}


UNKNOWN = IpLocation("unknown", UNKNOWN_NAME)


def location_of_label(label: str) -> IpLocation:
    """The location a table label stands for (an empty label is unknown)."""
    if not label:
        return UNKNOWN
    if label in REGIONS:
        return IpLocation("region", label)
    if label in MAINLAND_PROVINCES:
        return IpLocation("province", label)
    return IpLocation("country", label)


class IpTable:
    """Sorted IPv4 range starts and the label of each range (ranges cover the whole space)."""

    def __init__(self, starts: array[int], labels: list[str]) -> None:
        if len(starts) != len(labels) or not starts or starts[0] != 0:
            raise IpTableError("an IP table must have ranges covering the space from 0.0.0.0")
        self._starts = starts
        known = {label: location_of_label(label) for label in set(labels)}  # a few hundred
        self._locations = [known[label] for label in labels]

    def __len__(self) -> int:
        return len(self._starts)

    @classmethod
    def from_text(cls, text: str, *, source: str = "IP table") -> IpTable:
        """Parse ``<start - previous start>\\t<label>`` lines (``#`` lines are comments)."""
        starts: array[int] = array("Q")
        labels: list[str] = []
        position = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if not line or line.startswith("#"):
                continue
            delta, _, label = line.partition("\t")
            try:
                step = int(delta)
            except ValueError:
                raise IpTableError(f"{source}:{number}: {delta!r} is not a number") from None
            if step < 0 or (labels and step == 0) or position + step > 0xFFFFFFFF:
                raise IpTableError(f"{source}:{number}: ranges must rise within IPv4")
            position += step
            starts.append(position)
            labels.append(label.strip())
        return cls(starts, labels)

    @classmethod
    def from_bytes(cls, raw: bytes, *, gzipped: bool, source: str) -> IpTable:
        """A table from UTF-8 text, gzip-compressed when `gzipped`."""
        data = gzip.decompress(raw) if gzipped else raw
        return cls.from_text(data.decode("utf-8"), source=source)

    @classmethod
    def load(cls, path: str | Path) -> IpTable:
        """A table from a file (gzip-compressed when its name ends in ``.gz``)."""
        try:
            raw = Path(path).read_bytes()
            return cls.from_bytes(raw, gzipped=str(path).endswith(".gz"), source=str(path))
        except (OSError, UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
            raise IpTableError(f"cannot read IP table {path}: {exc}") from exc

    @staticmethod
    @cache
    def default() -> IpTable:
        """The table shipped with Shenhe (built from ip2region)."""
        raw = resources.files("shenhe").joinpath("data", "ip_regions.tsv.gz").read_bytes()
        return IpTable.from_bytes(raw, gzipped=True, source="ip_regions")

    def locate(self, address: str | None) -> IpLocation:
        """Where `address` is; ``unknown`` for anything the table cannot place."""
        if not address:
            return UNKNOWN
        try:
            parsed = ipaddress.ip_address(address.strip())
        except ValueError:
            return UNKNOWN
        if isinstance(parsed, ipaddress.IPv6Address):
            if parsed.ipv4_mapped is None:
                return UNKNOWN
            parsed = parsed.ipv4_mapped
        if not parsed.is_global:
            return UNKNOWN
        return self._locations[bisect_right(self._starts, int(parsed)) - 1]
