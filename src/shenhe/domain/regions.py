"""Region prefixes: the province-level division codes of GB/T 2260 (``shenhe/data/regions.tsv``).

Province level only, on purpose (the data file says why): an identity number keeps the county
code of its first issuing office for life, and many county and prefecture codes have since
been abolished, so a finer check against today's list would refuse real people.

The table is read on first use, not at import, and cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Literal

from shenhe.domain.errors import DomainError

RegionKind = Literal["province", "permit", "central"]
KINDS: tuple[RegionKind, ...] = ("province", "permit", "central")
ID_NUMBER_KINDS: frozenset[RegionKind] = frozenset({"province", "permit"})
"""Kinds of prefix a resident identity number (or a residence permit number) may carry."""
USCC_KINDS: frozenset[RegionKind] = frozenset({"province", "central"})
"""Kinds of prefix the registration-authority region of a credit code may carry."""
_HEADER = ["code", "name", "name_en", "kind"]


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    """Six digits, ``110000``."""
    name: str
    name_en: str
    kind: RegionKind

    @property
    def prefix(self) -> str:
        """The two digits an identity number starts with."""
        return self.code[:2]


def parse_regions(text: str, *, source: str = "regions.tsv") -> dict[str, Region]:
    """The regions in a TSV text (``code name name_en kind``), keyed by their two-digit prefix."""
    found: dict[str, Region] = {}
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if cells != _HEADER:
                raise DomainError(f"{source}:{number}: the header must be {' '.join(_HEADER)}")
            header_seen = True
            continue
        if len(cells) != len(_HEADER):
            raise DomainError(f"{source}:{number}: expected {len(_HEADER)} tab-separated cells")
        code, name, name_en, kind = cells
        if len(code) != 6 or not code.isascii() or not code.isdigit() or code[2:] != "0000":
            raise DomainError(f"{source}:{number}: {code!r} is not a province-level code")
        if kind not in KINDS:
            raise DomainError(f"{source}:{number}: kind {kind!r} is not one of {KINDS}")
        if code[:2] in found:
            raise DomainError(f"{source}:{number}: the prefix {code[:2]} appears twice")
        found[code[:2]] = Region(code, name, name_en, kind)
    return found


@cache
def regions() -> Mapping[str, Region]:
    """Every known region, keyed by its two-digit prefix (``"11"`` → 北京市)."""
    text = resources.files("shenhe").joinpath("data", "regions.tsv").read_text("utf-8")
    return MappingProxyType(parse_regions(text, source="shenhe/data/regions.tsv"))


def region_for(prefix: str, kinds: frozenset[RegionKind] = ID_NUMBER_KINDS) -> Region | None:
    """The region a number's first two digits name, if it is one of `kinds`; else None."""
    region = regions().get(prefix[:2])
    if region is None or region.kind not in kinds:
        return None
    return region
