"""Build ``src/shenhe/data/ip_regions.tsv.gz``, the IP location table of public profiles.

Source: the ip2region database (https://github.com/lionsoul2014/ip2region, Apache-2.0), in
the v1 ``ip2region.db`` format as the npm package ``ip2region`` 2.3.0 ships it
(``data/ip2region.db``; the package is MIT). Get it with ``npm pack ip2region@2.3.0`` and::

    python tools/build_ip_regions.py package/data/ip2region.db src/shenhe/data/ip_regions.tsv.gz

The v1 file: two little-endian uint32 (first and last index block), index blocks of 12
bytes (start IPv4, end IPv4, data pointer: length in the high byte, offset in the low three)
and, at each data offset, a 4-byte city id and ``country|area|province|city|isp``.

Only what a public profile may show is kept: the province for the mainland (省 dropped:
广东, 北京, 广西), 中国香港 / 中国澳门 / 中国台湾, the country elsewhere, nothing for
private, reserved, unknown and continental ("亚太地区") ranges. Adjacent ranges with the same
label are merged. Each line is ``<start - previous start>\\t<label>``; the ranges cover the
whole IPv4 space, so a range ends where the next begins.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import sys
from pathlib import Path

SPECIAL = {"香港": "中国香港", "澳门": "中国澳门", "台湾省": "中国台湾", "台湾": "中国台湾"}
NOT_COUNTRIES = {"0", "", "亚太地区", "欧洲", "北美地区", "非洲地区", "内网IP"}


def label(fields: list[str]) -> str:
    country, province = fields[0], fields[2]
    if country in NOT_COUNTRIES:
        return ""
    if country != "中国":
        return country
    if province in SPECIAL:
        return SPECIAL[province]
    if province in ("0", ""):
        return ""  # somewhere in China, no province: not enough for a profile
    return province.removesuffix("省")


def ranges(data: bytes) -> list[tuple[int, str]]:
    first, last = struct.unpack("<II", data[:8])
    out: list[tuple[int, str]] = []
    for block in range(first, last + 1, 12):
        start, _end, pointer = struct.unpack("<III", data[block : block + 12])
        length, offset = pointer >> 24, pointer & 0xFFFFFF
        text = data[offset + 4 : offset + length].decode("utf-8")
        name = label(text.split("|"))
        if not out or out[-1][1] != name:
            out.append((start, name))
    return out


def main(source: str, target: str) -> None:
    data = Path(source).read_bytes()
    rows = ranges(data)
    lines = [
        "# IP location table for Shenhe's public profiles; built by tools/build_ip_regions.py",
        "# source: ip2region (github.com/lionsoul2014/ip2region, Apache-2.0), npm ip2region@2.3.0",
        f"# source sha256: {hashlib.sha256(data).hexdigest()}",
    ]
    previous = 0
    for start, name in rows:
        lines.append(f"{start - previous}\t{name}")
        previous = start
    Path(target).write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
    print(f"{len(rows)} ranges -> {target}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
