"""The service-category catalogue: which qualifications each category of mini app needs.

A catalogue is data (YAML, see ``shenhe/data/catalogue.yaml``) validated on load; a bad
document is a `CatalogueError` that names the field. A category lists its requirements, each a
group of alternatives (lending needs a micro-lending approval *or* a financial licence); its
severity (1-3, for the penalty ladder); whether natural persons may use it; and which
screening categories its content may carry once its requirements are met (a licensed lender
may talk about loans; a tool may not).

The category and qualification type ids in `STABLE_CATEGORIES` and
`STABLE_QUALIFICATION_TYPES` are relied on by imports and integrations: every catalogue must
declare them. Pure: no I/O beyond reading the file it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from shenhe.documents import explain, parse_mapping, read_file, read_packaged
from shenhe.domain.errors import CatalogueError, CategoryError, QualificationError
from shenhe.domain.qualifications import IDENTIFIER, Qualification
from shenhe.screening.lexicon import CATEGORIES as CONTENT_CATEGORIES

STABLE_CATEGORIES = (
    "lending",
    "insurance",
    "medical",
    "news",
    "ecommerce",
    "games",
    "social",
    "tools",
    "lifestyle",
    "education",
)
STABLE_QUALIFICATION_TYPES = (
    "lending_licence",
    "insurance_licence",
    "medical_licence",
    "news_licence",
    "icp_licence",
)
MIN_SEVERITY, MAX_SEVERITY = 1, 3


@dataclass(frozen=True, slots=True)
class QualificationType:
    id: str
    name: str
    issued_by: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Requirement:
    """Met by any one of `any_of`, held, verified and valid on the day."""

    any_of: tuple[str, ...]
    note: str = ""

    @property
    def code(self) -> str:
        """A stable reason code: the alternatives joined by ``|`` (``lending_licence|...``)."""
        return "|".join(self.any_of)

    def met_by(self, qualifications: Iterable[Qualification], on: date) -> bool:
        return any(q.type in self.any_of and q.is_valid(on) for q in qualifications)


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str
    severity: int
    requires: tuple[Requirement, ...] = ()
    may_carry: frozenset[str] = frozenset()
    individuals: bool = False
    """Whether a natural person (not an enterprise) may list an app in this category."""
    description: str = ""

    @property
    def regulated(self) -> bool:
        """Whether the category needs any licence at all."""
        return bool(self.requires)

    @property
    def high_risk(self) -> bool:
        return self.severity >= MAX_SEVERITY


Identifier = Annotated[str, StringConstraints(pattern=f"^{IDENTIFIER.pattern}$")]


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _TypeDocument(_Document):
    name: str = Field(min_length=1)
    issued_by: str = ""
    description: str = ""


class _RequirementDocument(_Document):
    any_of: list[Identifier] = Field(min_length=1)
    note: str = ""


class _CategoryDocument(_Document):
    name: str = Field(min_length=1)
    severity: int = Field(ge=MIN_SEVERITY, le=MAX_SEVERITY)
    individuals: bool = False
    requires: list[_RequirementDocument] = Field(default_factory=list)
    may_carry: list[str] = Field(default_factory=list)
    description: str = ""


class CatalogueDocument(_Document):
    """The YAML document, as written."""

    version: str = Field(min_length=1)
    qualification_types: dict[Identifier, _TypeDocument]
    categories: dict[Identifier, _CategoryDocument]


class Catalogue:
    """A validated catalogue. Immutable; load a new one to change it."""

    def __init__(self, document: CatalogueDocument):
        _cross_check(document)
        self.version = document.version
        self.qualification_types: Mapping[str, QualificationType] = MappingProxyType(
            {
                key: QualificationType(key, doc.name, doc.issued_by, doc.description)
                for key, doc in document.qualification_types.items()
            }
        )
        self.categories: Mapping[str, Category] = MappingProxyType(
            {
                key: Category(
                    id=key,
                    name=doc.name,
                    severity=doc.severity,
                    requires=tuple(
                        Requirement(tuple(dict.fromkeys(r.any_of)), r.note) for r in doc.requires
                    ),
                    may_carry=frozenset(doc.may_carry),
                    individuals=doc.individuals,
                    description=doc.description,
                )
                for key, doc in document.categories.items()
            }
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Catalogue:
        try:
            return cls(CatalogueDocument.model_validate(data))
        except ValidationError as exc:
            raise CatalogueError(f"invalid catalogue: {explain(exc)}") from None

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "catalogue") -> Catalogue:
        expects = "version, qualification_types, categories"
        data = parse_mapping(text, source=source, expects=expects, error=CatalogueError)
        try:
            return cls.from_dict(data)
        except CatalogueError as exc:
            raise CatalogueError(f"{source}: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> Catalogue:
        text = read_file(path, what="catalogue", error=CatalogueError)
        return cls.from_yaml(text, source=str(path))

    @staticmethod
    @cache
    def default() -> Catalogue:
        """The built-in catalogue (read once, on first use)."""
        text = read_packaged("catalogue.yaml")
        return Catalogue.from_yaml(text, source="shenhe/data/catalogue.yaml")

    def category(self, category: str) -> Category:
        try:
            return self.categories[category]
        except (KeyError, TypeError):
            raise CategoryError(str(category), tuple(self.categories)) from None

    def missing(
        self, category: str, qualifications: Iterable[Qualification], on: date
    ) -> list[Requirement]:
        """The requirements of `category` that `qualifications` do not meet on `on`."""
        held = tuple(qualifications)
        return [r for r in self.category(category).requires if not r.met_by(held, on)]

    def allowed_content(
        self, category: str, qualifications: Iterable[Qualification], on: date
    ) -> frozenset[str]:
        """The screening categories an app of `category` may carry with these qualifications:
        its ``may_carry`` when every requirement is met, else none."""
        if self.missing(category, qualifications, on):
            return frozenset()
        return self.category(category).may_carry

    def categories_carrying(self, content: str) -> tuple[str, ...]:
        """The categories whose apps may carry `content` (``loan`` → ``lending``), if licensed."""
        return tuple(key for key, cat in self.categories.items() if content in cat.may_carry)

    def check_qualification(self, qualification: Qualification) -> None:
        """`QualificationError` unless the catalogue knows the qualification's type."""
        if qualification.type not in self.qualification_types:
            raise QualificationError(
                f"unknown type {qualification.type!r}; use one of: "
                f"{', '.join(self.qualification_types)}",
                field="type",
            )


def _cross_check(document: CatalogueDocument) -> None:
    problems = []
    for kind, declared, stable in (
        ("qualification_types", document.qualification_types, STABLE_QUALIFICATION_TYPES),
        ("categories", document.categories, STABLE_CATEGORIES),
    ):
        absent = [key for key in stable if key not in declared]
        if absent:
            problems.append(f"{kind}: the stable id(s) {', '.join(absent)} must be declared")
    for key, category in document.categories.items():
        for number, requirement in enumerate(category.requires):
            for index, name in enumerate(requirement.any_of):
                if name not in document.qualification_types:
                    problems.append(
                        f"categories.{key}.requires.{number}.any_of.{index}: "
                        f"unknown qualification type {name!r}"
                    )
        for index, content in enumerate(category.may_carry):
            if content not in CONTENT_CATEGORIES:
                problems.append(
                    f"categories.{key}.may_carry.{index}: {content!r} is not a screening "
                    f"category ({', '.join(CONTENT_CATEGORIES)})"
                )
    if problems:
        raise CatalogueError(f"invalid catalogue: {'; '.join(problems)}")
