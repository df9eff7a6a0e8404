"""The Unified Social Credit Code (统一社会信用代码, GB 32100-2015) of an organisation.

Eighteen characters from 0-9 and the capital letters except I, O, S, V and Z::

    9 1 350100 M000100Y4 3
    │ │ │      │         └ check character: GB 32100, weights 3^i mod 31, over 1-17
    │ │ │      └ organisation code (主体标识码), 8 characters + its GB 11714 check character
    │ │ └ the registering authority's region, a GB/T 2260 code (100000 for central ones)
    │ └ entity type, assigned per authority (91 enterprise, 92 sole trader, 93 co-operative)
    └ registration authority (1 机构编制, 5 civil affairs, 9 market regulation, Y other, ...)

`parse_uscc` runs the checks in that order — ``length``, ``alphabet``, ``authority``,
``entity_type``, ``region``, ``organisation_code``, ``check_digit`` — and names the first that
fails. A credit code is public (it is printed on the business licence), so its value object
shows it; `CreditCode.masked` is there for screens that prefer to hide it anyway.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

from shenhe.domain.errors import IdentityError
from shenhe.domain.masking import mask_uscc
from shenhe.domain.regions import USCC_KINDS, region_for

FIELD = "uscc"
LENGTH = 18
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100's 31 characters; a character's value is its index."""
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""GB 32100 weights of characters 1-17: 3^(i-1) mod 31."""
ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
"""GB 11714 weights of the organisation code's 8 body characters."""
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_DIGITS = frozenset("0123456789")

AUTHORITIES: MappingProxyType[str, tuple[str, frozenset[str]]] = MappingProxyType(
    {
        "1": ("机构编制", frozenset("1239")),  # 机关, 事业单位, 编办管理的群众团体, 其他
        "2": ("外交", frozenset("19")),  # 外国常驻新闻机构
        "3": ("司法行政", frozenset("1234569")),  # 律所, 公证处, 法律服务所, 鉴定, 仲裁, 调解
        "4": ("文化", frozenset("19")),  # 外国在华文化中心
        "5": ("民政", frozenset("123459")),  # 社会团体, 民办非企业, 基金会, 村委会, 居委会
        "6": ("旅游", frozenset("129")),  # 外国 / 港澳台旅游部门常驻代表机构
        "7": ("宗教", frozenset("129")),  # 宗教活动场所, 宗教院校
        "8": ("工会", frozenset("129")),  # 基层工会, 非法人工会组织
        "9": ("市场监管", frozenset("1239")),  # 企业, 个体工商户, 农民专业合作社
        "A": ("中央军委改革和编制办公室", frozenset("19")),
        "G": ("公安", frozenset("19")),  # 境外非政府组织代表机构
        "J": ("住房和城乡建设", frozenset("19")),  # 业主大会
        "N": ("农业农村", frozenset("1239")),  # 组级, 村级, 乡镇级集体经济组织
        "Q": ("侨联", frozenset("1239")),
        "Y": ("其他", frozenset("1")),
    }
)
"""Registration authority → (name, the entity types it assigns).

GB 32100-2015 and the authorities and types added to it since (A, G, J, N, Q; 36, 54, 55, 82,
99), compiled from public listings: the union, so that a real code is not refused. A code that
is not here fails the ``authority`` or ``entity_type`` check; extend the table when a new
assignment is published.
"""


def check_character(body: str) -> str:
    """The GB 32100 check character of the first 17 characters of a credit code."""
    total = sum(_VALUES[char] * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return ALPHABET[-total % 31]


def organisation_check_character(body: str) -> str:
    """The GB 11714 check character of an organisation code's 8 body characters (digit or X)."""
    total = sum(
        (int(char) if char in _DIGITS else ord(char) - ord("A") + 10) * weight
        for char, weight in zip(body, ORGANISATION_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


@dataclass(frozen=True, slots=True)
class CreditCode:
    """A valid Unified Social Credit Code; build it with `parse_uscc`."""

    value: str

    def __post_init__(self) -> None:
        _check(self.value, FIELD, organisation_code=False)

    def __str__(self) -> str:
        return self.value

    @property
    def authority(self) -> str:
        """The registration authority's name (市场监管 for ordinary enterprises)."""
        return AUTHORITIES[self.value[0]][0]

    @property
    def entity_type(self) -> str:
        """The first two characters: ``91`` enterprise, ``92`` sole trader, ``51`` association."""
        return self.value[:2]

    @property
    def region_code(self) -> str:
        """The registering authority's GB/T 2260 region code, six digits."""
        return self.value[2:8]

    @property
    def organisation_code(self) -> str:
        """The embedded 9-character organisation code (主体标识码), GB 11714."""
        return self.value[8:17]

    @property
    def masked(self) -> str:
        return mask_uscc(self.value)


def parse_uscc(text: str, *, field: str = FIELD, organisation_code: bool = True) -> CreditCode:
    """The credit code in `text`, normalised (width, case and spaces), or `IdentityError`.

    With ``organisation_code=False`` the embedded GB 11714 check is skipped: every code issued
    under GB 32100 passes it, but a platform that meets one that does not can turn it off
    without losing the GB 32100 check character.
    """
    if not isinstance(text, str):
        raise IdentityError(field, "format", "a credit code must be given as text")
    value = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    _check(value, field, organisation_code=organisation_code)
    return CreditCode(value)


def _check(value: str, field: str, *, organisation_code: bool) -> None:
    if len(value) != LENGTH:
        raise IdentityError(
            field, "length", f"a credit code has {LENGTH} characters; this one has {len(value)}"
        )
    for position, char in enumerate(value, start=1):
        if char not in _VALUES:
            raise IdentityError(
                field,
                "alphabet",
                f"character {position} is not allowed; a credit code uses digits and the "
                "capital letters A-Y except I, O, S, V and Z",
            )
    authority = AUTHORITIES.get(value[0])
    if authority is None:
        raise IdentityError(
            field,
            "authority",
            "character 1 is not a registration authority code "
            f"({', '.join(AUTHORITIES)}); check the code for a typo",
        )
    if value[1] not in authority[1]:
        raise IdentityError(
            field,
            "entity_type",
            f"character 2 is not an entity type that authority {value[0]} ({authority[0]}) "
            f"assigns ({', '.join(sorted(authority[1]))})",
        )
    region = value[2:8]
    if not region.isdigit() or region_for(region, USCC_KINDS) is None:
        raise IdentityError(
            field,
            "region",
            "characters 3-8 must be the GB/T 2260 code of the registering region "
            "(100000 for central authorities)",
        )
    if organisation_code and organisation_check_character(value[8:16]) != value[16]:
        raise IdentityError(
            field,
            "organisation_code",
            "characters 9-17, the organisation code, fail their GB 11714 check character; "
            "check the code for a typo",
        )
    if check_character(value[:17]) != value[17]:
        raise IdentityError(
            field,
            "check_digit",
            "the check character (character 18) does not match characters 1-17; "
            "check the code for a typo",
        )
