"""A demo registry: thousands of real-looking apps, with the crackdown's cases among them.

`demo_registry` makes the apps from a seeded `random.Random` (the same count and seed, the
same registry): ordinary apps of enterprises and individuals (tools, lifestyle, education,
games, e-commerce), licensed lenders, illegal loan apps disguised as tools, diversion to
WeChat and QQ, counterfeit shops, porn, clones of a banned loan app under new names, brand
imitations (掏宝, 威信), and tools that rename into loan apps after approval — the renames are
a second pass (`DemoRegistry.renames`) — and "sleepers", tools whose pages use loan slang the
built-in lexicon does not know yet (a sweep with ``docs/demo-lexicon.tsv`` bans them). Appids
are ``wxdemo{seed}-NNNNNN``, so seeds do not collide. Every credit code and identity number
is valid: their check characters come from the domain's own functions.

`seed_demo` imports the apps through `shenhe.services.imports.import_app`, one transaction
per app, then applies the renames, each decided as a change.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from shenhe.domain.credit_code import check_character, organisation_check_character
from shenhe.domain.identity import id_check_digit
from shenhe.domain.pii import Keyring
from shenhe.domain.qualifications import Qualification
from shenhe.services import demo_texts as texts
from shenhe.services.apps import Decided
from shenhe.services.imports import ImportApp, import_app
from shenhe.services.principals import RegisterPrincipal
from shenhe.services.rules import Rules
from shenhe.services.unit_of_work import UnitOfWork

DEMO_ACTOR = "demo"
"""The actor recorded for what the demo submits."""
REGIONS = ("110105", "310115", "440305", "330106", "350102", "510107", "420106", "320102")
MIX: tuple[tuple[str, float], ...] = (
    ("loan", 0.05),
    ("diversion", 0.03),
    ("counterfeit", 0.03),
    ("porn", 0.02),
    ("clone", 0.02),
    ("brand", 0.02),
    ("rename", 0.03),
    ("sleeper", 0.02),
    ("lender", 0.03),
)
"""The share of each kind of case; the rest are ordinary apps."""
CLEAN_CATEGORIES = tuple(texts.CLEAN)
INDIVIDUAL_CATEGORIES = ("tools", "lifestyle")
"""What the catalogue lets an individual publish; the other categories are enterprises'."""
LICENCES = {
    "games": ("game_publication_licence", "国家新闻出版署", "国新出审〔2024〕{}号"),
    "education": ("icp_licence", "通信管理局", "ICP证{}号"),
}
"""Category → the licence an honest publisher of it holds: (type, issuer, number)."""
RENAME_DELAY = timedelta(days=30)
"""How long after the first pass the renames come."""


@dataclass(frozen=True, slots=True)
class DemoRegistry:
    """The apps to import, in order, and the changes that follow their approval."""

    apps: tuple[ImportApp, ...]
    renames: tuple[ImportApp, ...]


def demo_registry(count: int, *, seed: int) -> DemoRegistry:
    """`count` apps (and the renames of some of them), the same for the same seed."""
    if count < 0:
        raise ValueError("count must not be negative")
    return _Maker(random.Random(seed), prefix=f"wxdemo{seed}-").make(count)


def seed_demo(
    uow: UnitOfWork,
    rules: Rules,
    keyring: Keyring,
    registry: DemoRegistry,
    *,
    now: datetime,
    progress: Callable[[Decided], None] | None = None,
) -> list[Decided]:
    """Import `registry` (each app its own transaction, at `now` less `RENAME_DELAY`), then
    its renames at `now`; report each decision to `progress`. The decisions, in order."""
    decided: list[Decided] = []
    for commands, at in ((registry.apps, now - RENAME_DELAY), (registry.renames, now)):
        for command in commands:
            result = import_app(command, uow, rules, keyring, now=at)
            decided.append(result)
            if progress is not None:
                progress(result)
    return decided


@dataclass(frozen=True, slots=True)
class RegistryCounts:
    """How many apps the registry holds by status, and decisions by outcome."""

    apps: dict[str, int]
    decisions: dict[str, int]

    @property
    def empty(self) -> bool:
        return not self.apps

    def to_dict(self) -> dict[str, object]:
        return {
            "apps": sum(self.apps.values()),
            "apps_by_status": dict(self.apps),
            "decisions_by_outcome": dict(self.decisions),
        }


def registry_counts(uow: UnitOfWork) -> RegistryCounts:
    """The registry's apps by status and decisions by outcome, in one snapshot."""
    with uow:
        return RegistryCounts(uow.apps.count_by_status(), uow.decisions.count_by_outcome())


def uscc(number: int, region: str) -> str:
    """A valid enterprise credit code (91…) for organisation number `number` in `region`."""
    body = f"{number % 10**8:08d}"
    head = f"91{region}{body}{organisation_check_character(body)}"
    return head + check_character(head)


def id_number(number: int, region: str, born: date) -> str:
    """A valid resident identity number for sequence `number`, `region` and birth date."""
    head = f"{region}{born:%Y%m%d}{number % 1000:03d}"
    return head + id_check_digit(head)


class _Maker:
    def __init__(self, rng: random.Random, *, prefix: str) -> None:
        self._rng = rng
        self._prefix = prefix
        self._principals = 0
        self._apps = 0
        self._honest: list[RegisterPrincipal] = []

    def make(self, count: int) -> DemoRegistry:
        rng = self._rng
        kinds = [self._kind() for _ in range(count)]
        first = [*(kind for kind, _ in MIX), "clone"]  # every case; a clone after its original
        if count >= len(first):
            kinds[: len(first)] = first
        apps: list[ImportApp] = []
        renames: list[ImportApp] = []
        for kind in kinds:
            if kind == "clean":
                apps.append(self._clean(self._honest_principal()))
            elif kind == "lender":
                apps.append(self._lender())
            elif kind == "rename":
                tool = self._clean(self._principal(), category="tools")
                apps.append(tool)
                pages = (*tool.pages, "借款 " + rng.choice(texts.LOAN_DISGUISES)[2])
                name = rng.choice(texts.LOAN_RENAMES)
                renames.append(replace(tool, name=name, pages=pages))
            elif kind == "sleeper":
                tool = self._clean(self._principal(), category="tools")
                apps.append(replace(tool, pages=(*tool.pages, rng.choice(texts.SLEEPER_PAGES))))
            elif kind == "clone":
                apps.append(self._clone())
            elif kind == "brand":
                apps.append(self._clean(self._principal(), name=rng.choice(texts.BRAND_IMITATIONS)))
            else:
                apps.append(self._bad(kind))
        return DemoRegistry(tuple(apps), tuple(renames))

    def _kind(self) -> str:
        draw = self._rng.random()
        for kind, share in MIX:
            if draw < share:
                return kind
            draw -= share
        return "clean"

    def _appid(self) -> str:
        self._apps += 1
        return f"{self._prefix}{self._apps:06d}"

    def _principal(self, *, enterprise: bool | None = None) -> RegisterPrincipal:
        rng = self._rng
        self._principals += 1
        number = self._principals
        region = rng.choice(REGIONS)
        if enterprise if enterprise is not None else rng.random() < 0.7:
            name = (
                rng.choice(texts.COMPANY_CITIES)
                + rng.choice(texts.COMPANY_WORDS)
                + rng.choice(texts.COMPANY_WORDS)
                + rng.choice(texts.COMPANY_KINDS)
            )
            return RegisterPrincipal(
                "enterprise", name, uscc=uscc(number, region), actor=DEMO_ACTOR
            )
        born = date(1960, 1, 1) + timedelta(days=number % 14_000)
        name = rng.choice(texts.SURNAMES) + "".join(rng.sample(texts.GIVEN, rng.randint(1, 2)))
        return RegisterPrincipal(
            "individual",
            name,
            id_number=id_number(number, region, born),
            actor=DEMO_ACTOR,
        )

    def _honest_principal(self) -> RegisterPrincipal:
        """An honest principal; one in three already has an app."""
        if self._honest and self._rng.random() < 1 / 3:
            return self._rng.choice(self._honest)
        principal = self._principal()
        self._honest.append(principal)
        return principal

    def _clean(
        self, principal: RegisterPrincipal, *, category: str | None = None, name: str | None = None
    ) -> ImportApp:
        rng = self._rng
        category = category or rng.choice(CLEAN_CATEGORIES)
        if principal.kind == "individual" and category not in INDIVIDUAL_CATEGORIES:
            category = rng.choice(INDIVIDUAL_CATEGORIES)
        base, description, pages = rng.choice(texts.CLEAN[category])
        label = rng.choice(texts.NAME_PREFIXES) + base + rng.choice(texts.NAME_SUFFIXES)
        return ImportApp(
            appid=self._appid(),
            name=name or label,
            category=category,
            principal=principal,
            description=description,
            pages=("首页 " + rng.choice(texts.NAME_SUFFIXES[1:]), *pages),
            qualifications=_licences(category, principal),
            actor=DEMO_ACTOR,
        )

    def _lender(self) -> ImportApp:
        rng = self._rng
        name, description = rng.choice(texts.LENDER_APPS)
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(365))
        licence = Qualification(
            "lending_licence",
            f"金融许可〔{start.year}〕{rng.randrange(1, 999):03d}号",
            issuer="地方金融监督管理局",
            valid_from=start,
            valid_until=start + timedelta(days=5 * 365),
            verified=True,
        )
        return ImportApp(
            appid=self._appid(),
            name=name + rng.choice(("", "贷", "金融")),
            category="lending",
            principal=self._principal(enterprise=True),
            description=description,
            pages=texts.LENDER_PAGES,
            qualifications=(licence,),
            actor=DEMO_ACTOR,
        )

    def _bad(self, kind: str) -> ImportApp:
        table = {
            "loan": texts.LOAN_DISGUISES,
            "diversion": texts.DIVERSION,
            "counterfeit": texts.COUNTERFEIT,
            "porn": texts.PORN,
        }[kind]
        name, description, page = self._rng.choice(table)
        category = {"counterfeit": "ecommerce", "porn": "lifestyle"}.get(kind, "tools")
        return ImportApp(
            appid=self._appid(),
            name=name,
            category=category,
            principal=self._principal(),
            description=description,
            pages=(page,),
            actor=DEMO_ACTOR,
        )

    def _clone(self) -> ImportApp:
        """A loan app (the first is banned, the next ones copy it under other names)."""
        spaced = self._rng.random() < 0.5
        description = " ".join(texts.CLONE_DESCRIPTION) if spaced else texts.CLONE_DESCRIPTION
        return ImportApp(
            appid=self._appid(),
            name=self._rng.choice(texts.CLONE_NAMES),
            category="tools",
            principal=self._principal(),
            description=description,
            actor=DEMO_ACTOR,
        )


def _licences(category: str, principal: RegisterPrincipal) -> tuple[Qualification, ...]:
    if category not in LICENCES:
        return ()
    kind, issuer, number = LICENCES[category]
    return (
        Qualification(
            kind,
            number.format((principal.uscc or "")[8:16]),
            issuer=issuer,
            valid_from=date(2024, 1, 1),
            valid_until=date(2029, 12, 31),
            verified=True,
        ),
    )
