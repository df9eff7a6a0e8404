"""Names that impersonate official bodies or media (人民日报, 新华社, 网信办, 公安 …).

`OfficialBodies` is data (``shenhe/data/official_bodies.yaml``, validated on load): each body
with its aliases and the organisations that are it. `OfficialBodies.find` looks for every
name of every body in a text through the screener's own folding (`shenhe.text.matcher`:
traditional and full-width characters, noise between characters, repeats and homophones),
so 人民曰报 or 新-华-社 count as much as the real names, and gives each find with the span
in the text as written. A find does not count for an account verified as that body: its
organisation's legal name is one of the body's owners or contains the word found (北京市
公安局 may call itself 公安), or the body allows any verified organisation (官方).

Pure: the list is read from the package (or a file the caller names); matching does no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from shenhe.documents import explain, parse_mapping, read_file, read_packaged
from shenhe.domain.publishing_errors import ImpersonationListError
from shenhe.text.fold import Folder
from shenhe.text.matcher import Entry, Matcher

Text = Annotated[str, StringConstraints(min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
INITIALS_FROM = 4
"""Names of this many hanzi or more are found by their pinyin initials too (rmrb)."""


class _BodyDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    aliases: list[Text] = Field(default_factory=list)
    owners: list[Text] = Field(default_factory=list)
    any_verified_organisation: bool = False


class OfficialBodiesDocument(BaseModel):
    """The YAML document, as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Text
    bodies: dict[Identifier, _BodyDocument] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class OfficialBody:
    id: str
    name: str
    aliases: tuple[str, ...]
    owners: tuple[str, ...]
    any_verified_organisation: bool

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Impersonation:
    """A name of an official body found in a text."""

    body: str
    """The body's id (``xinhua``)."""
    body_name: str
    """The body's name (新华社)."""
    term: str
    """The name or alias that matched, as the list writes it."""
    text: str
    """What the text wrote there (新-华-社)."""
    start: int
    end: int
    variant: str
    """How it was disguised: exact, folded, repeat, homophone, pinyin, initials."""


class OfficialBodies:
    """The list of official bodies and an automaton over all their names."""

    def __init__(self, document: OfficialBodiesDocument) -> None:
        self.version = document.version
        self.bodies = tuple(
            OfficialBody(
                id=key,
                name=body.name,
                aliases=tuple(body.aliases),
                owners=tuple(body.owners),
                any_verified_organisation=body.any_verified_organisation,
            )
            for key, body in document.bodies.items()
        )
        self._folder = Folder()
        self._terms: list[tuple[OfficialBody, str]] = [
            (body, term) for body in self.bodies for term in body.terms
        ]
        entries = [
            Entry(
                key,
                term,
                phonetic=not term.isascii(),
                # 人民日报 as rmrb; not shorter names (xhs is another app, not 新华社)
                initials=not term.isascii() and len(term) >= INITIALS_FROM,
                repeat=True,
                whole_word=term.isascii(),
            )
            for key, (_, term) in enumerate(self._terms)
        ]
        self._matcher = Matcher(entries, self._folder)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str = "official bodies"
    ) -> OfficialBodies:
        try:
            return cls(OfficialBodiesDocument.model_validate(data))
        except ValidationError as exc:
            raise ImpersonationListError(f"{source}: {explain(exc)}") from None

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "official bodies") -> OfficialBodies:
        data = parse_mapping(
            text, source=source, expects="`version` and `bodies`", error=ImpersonationListError
        )
        return cls.from_dict(data, source=source)

    @classmethod
    def load(cls, path: str | Path) -> OfficialBodies:
        text = read_file(path, what="official bodies", error=ImpersonationListError)
        return cls.from_yaml(text, source=str(path))

    @staticmethod
    @cache
    def default() -> OfficialBodies:
        """The list shipped with Shenhe."""
        return OfficialBodies.from_yaml(
            read_packaged("official_bodies.yaml"), source="official_bodies.yaml"
        )

    def find(self, text: str, *, verified_as: str | None = None) -> list[Impersonation]:
        """Every name of a body in `text` that the account may not use, by start; `verified_as`
        is the legal name of the organisation the account is verified as, if any."""
        found: list[Impersonation] = []
        for match in self._matcher.find(text):
            body, term = self._terms[match.key]
            if self._may_use(body, term, verified_as):
                continue
            found.append(
                Impersonation(
                    body=body.id,
                    body_name=body.name,
                    term=term,
                    text=text[match.start : match.end],
                    start=match.start,
                    end=match.end,
                    variant=match.variant,
                )
            )
        return _outermost(found)

    def _may_use(self, body: OfficialBody, term: str, verified_as: str | None) -> bool:
        if not verified_as or not verified_as.strip():
            return False
        if body.any_verified_organisation:
            return True
        organisation = self._folder.fold(verified_as)
        if any(self._folder.fold(owner) == organisation for owner in body.owners):
            return True
        return any(self._folder.fold(word) in organisation for word in (term, body.name))


def _outermost(found: list[Impersonation]) -> list[Impersonation]:
    """One find per stretch of text: the longest of those that overlap (人民法院 over 法院)."""
    ordered = sorted(found, key=lambda item: (item.start, -(item.end - item.start)))
    kept: list[Impersonation] = []
    for item in ordered:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept
