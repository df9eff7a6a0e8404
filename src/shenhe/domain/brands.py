"""Brand imitation: app names that take or imitate a protected brand (a copycat or counterfeit).

`BrandList` is data (``shenhe/data/brands.yaml``, validated on load): each brand with its
aliases, the companies that own it and the words that merely look like it. `BrandList.match`
compares a name with every brand, on the folded name (`shenhe.domain.lookalike`), and gives
the closest brand at or over the threshold, or None. How a brand's name can be found:

- ``exact``: the folded name is the brand (ＮＩＫＥ, 淘寶); score 1;
- ``contains``: the brand inside the name (淘宝网官方旗舰店); score 1;
- ``homophone``: characters read the same way (威信 for 微信);
- ``lookalike``: characters drawn alike (徽信, 支付室, N1KE, 123O6);
- ``edit``: any other edit (国家税务局 for 国家税务总局).

The score is 1 - cost / the brand's length, where a homophone or look-alike costs 0.25 and
any other substitution, insertion or deletion 1; the kind is the worst edit used.

`DEFAULT_THRESHOLD` (0.82) lets through one homophone or look-alike in a brand of two
characters (0.875), two in one of three (0.83), and one ordinary edit in a brand of six or
more (0.83); it stops one ordinary edit in a brand of five or fewer (0.8 and below), since
微博 is not 微信, 支付通 is not 支付宝 and apply is not Apple. Brands written in Latin
letters or digits are matched as whole words (pineapple is not Apple), and those shorter than
`MIN_FUZZY_ASCII` letters only exactly (IV is not LV).

Three rules keep ordinary names out. A brand's ``exempt`` words are cut out of a name first
(京东方 and 北京东路 are not 京东, Channel is not Chanel). A lone character of a brand is not
the brand (信用贷 is not 微信: one of two characters is an edit too many). And the brand's
owner, named by its principal's legal name (compared folded), may use it.

Pure: the list is read from the package (or a file the caller names) and matching does no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from shenhe.documents import explain, parse_mapping, read_file, read_packaged
from shenhe.domain.errors import BrandListError
from shenhe.domain.lookalike import Alikeness, fold_name, folder, worst
from shenhe.domain.qualifications import IDENTIFIER
from shenhe.text.fold import FoldedBatch
from shenhe.text.phonetic import to_classes

DEFAULT_THRESHOLD = 0.82
"""The similarity from which a name imitates a brand (see the module's table)."""
MIN_FUZZY_ASCII = 4
"""Latin-letter brands shorter than this match only exactly (LV, not IV or 1V)."""

MatchKind = Literal["exact", "contains", "homophone", "lookalike", "edit"]
_KIND_RANK: dict[str, int] = {"exact": 4, "contains": 3, "homophone": 2, "lookalike": 1, "edit": 0}
_MASK = "\x00"
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Brand:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    """The legal names of the companies that may use the brand."""
    exempt: tuple[str, ...] = ()
    """Words that contain or resemble the brand and are something else (京东方 for 京东)."""

    @property
    def terms(self) -> tuple[str, ...]:
        """Every name of the brand: its name, then its aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class BrandMatch:
    """A name that takes or imitates a brand, and how."""

    brand: str
    """The brand's id (``wechat``)."""
    brand_name: str
    """The brand's name as people know it (微信)."""
    term: str
    """The name or alias of the brand that matched, as the list writes it."""
    text: str
    """The part of the app's name that matched, as the app writes it."""
    span: tuple[int, int]
    """Where `text` lies in the app's name (end exclusive)."""
    kind: MatchKind
    score: float
    """Similarity in [0, 1]: 1 for the brand itself, less the further the imitation."""

    @property
    def code(self) -> str:
        """A stable reason code: ``brand.<kind>`` (``brand.homophone``)."""
        return f"brand.{self.kind}"


@dataclass(frozen=True, slots=True)
class _Term:
    brand: Brand
    written: str
    folded: str
    ascii: bool


Identifier = Annotated[str, StringConstraints(pattern=f"^{IDENTIFIER.pattern}$")]
Text = Annotated[str, StringConstraints(min_length=1)]


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _BrandDocument(_Document):
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    owners: list[Text] = Field(min_length=1)
    exempt: list[Text] = Field(default_factory=list)


class BrandListDocument(_Document):
    """The YAML document, as written."""

    version: Text
    confusables: list[Text] = Field(default_factory=list)
    brands: dict[Identifier, _BrandDocument] = Field(min_length=1)


class BrandList:
    """A validated list of protected brands. Immutable; load a new one to change it."""

    def __init__(self, document: BrandListDocument, *, threshold: float = DEFAULT_THRESHOLD):
        if not 0.0 < threshold <= 1.0:
            raise BrandListError(f"the brand threshold lies in (0, 1], not {threshold}")
        _cross_check(document)
        self.version = document.version
        self.threshold = threshold
        self.alikeness = Alikeness(tuple(document.confusables))
        self.brands: Mapping[str, Brand] = MappingProxyType(
            {
                key: Brand(key, doc.name, tuple(doc.aliases), tuple(doc.owners), tuple(doc.exempt))
                for key, doc in document.brands.items()
            }
        )
        self._owners = {
            key: frozenset(fold_name(o) for o in brand.owners) for key, brand in self.brands.items()
        }
        self._exempt = {
            key: sorted({fold_name(e) for e in brand.exempt}, key=len, reverse=True)
            for key, brand in self.brands.items()
        }
        self._canon = _components(document.confusables)
        self._terms: list[_Term] = []
        for brand in self.brands.values():
            for written in brand.terms:
                folded = fold_name(written)
                self._terms.append(_Term(brand, written, folded, folded.isascii()))
        # Prefilter for terms in hanzi: a match over the threshold aligns at least one
        # character exactly, as a homophone or as a look-alike, so the name shares a key.
        self._by_key: dict[str, set[int]] = {}
        for number, term in enumerate(self._terms):
            if not term.ascii:
                for key in self._keys(term.folded):
                    self._by_key.setdefault(key, set()).add(number)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, threshold: float = DEFAULT_THRESHOLD
    ) -> BrandList:
        try:
            document = BrandListDocument.model_validate(data)
        except ValidationError as exc:
            raise BrandListError(f"invalid brand list: {explain(exc)}") from None
        return cls(document, threshold=threshold)

    @classmethod
    def from_yaml(
        cls, text: str, *, source: str = "brand list", threshold: float = DEFAULT_THRESHOLD
    ) -> BrandList:
        expects = "version and brands"
        data = parse_mapping(text, source=source, expects=expects, error=BrandListError)
        try:
            return cls.from_dict(data, threshold=threshold)
        except BrandListError as exc:
            raise BrandListError(f"{source}: {exc}") from None

    @classmethod
    def load(cls, path: str | Path, *, threshold: float = DEFAULT_THRESHOLD) -> BrandList:
        text = read_file(path, what="brand list", error=BrandListError)
        return cls.from_yaml(text, source=str(path), threshold=threshold)

    @staticmethod
    @cache
    def default() -> BrandList:
        """The built-in list (read once, on first use)."""
        text = read_packaged("brands.yaml")
        return BrandList.from_yaml(text, source="shenhe/data/brands.yaml")

    def owns(self, brand: str, owner: str) -> bool:
        """Whether `owner` (a legal name) is one of `brand`'s owners, compared folded."""
        return fold_name(owner) in self._owners.get(brand, frozenset())

    def match(self, name: str, *, owner: str | None = None) -> BrandMatch | None:
        """The brand that `name` imitates most closely, at or over the threshold, or None.
        The brands that `owner` (the app principal's legal name) owns are skipped."""
        found = self.matches(name, owner=owner)
        return found[0] if found else None

    def matches(self, name: str, *, owner: str | None = None) -> list[BrandMatch]:
        """Every brand that `name` imitates (its closest term each), the closest first."""
        batch = folder().fold_batch([name])
        folded = batch.text(0)
        if not folded:
            return []
        owner_key = fold_name(owner) if owner else None
        wanted = set().union(*(self._by_key.get(k, set()) for k in self._keys(folded)))
        best: dict[str, tuple[tuple[float, int, int], BrandMatch]] = {}
        masked: dict[str, str] = {}
        words: dict[str, set[tuple[int, int]]] = {}
        for number, term in enumerate(self._terms):
            brand = term.brand
            if not term.ascii and number not in wanted:
                continue
            if owner_key is not None and owner_key in self._owners[brand.id]:
                continue
            if brand.id not in masked:
                masked[brand.id] = self._mask(folded, brand.id)
            text = masked[brand.id]
            if term.ascii and text not in words:
                words[text] = _ascii_words(text, batch)
            for hit in self._find(term, text, words.get(text, set()), batch, name):
                rank = (hit.score, _KIND_RANK[hit.kind], len(term.folded))
                if brand.id not in best or rank > best[brand.id][0]:
                    best[brand.id] = (rank, hit)
        ordered = sorted(best.values(), key=lambda item: (item[0], item[1].brand), reverse=True)
        return [hit for _, hit in ordered]

    def _keys(self, folded: str) -> set[str]:
        keys = set(folded) | set(to_classes(folded))
        for char in folded:
            keys.update(f"#{group}" for group in self.alikeness.lookalikes(char))
        return keys

    def _mask(self, folded: str, brand: str) -> str:
        for word in self._exempt[brand]:
            folded = folded.replace(word, _MASK * len(word))
        return folded

    def _find(
        self,
        term: _Term,
        text: str,
        words: set[tuple[int, int]],
        batch: FoldedBatch,
        name: str,
    ) -> Iterator[BrandMatch]:
        """The term's hits in the folded, masked `text` over the threshold: as a whole word
        (`words`: the word spans of `text`) for a term in ASCII, anywhere for the others."""
        if term.ascii:
            spans = [s for s in sorted(words) if self._may_match(term, text[s[0] : s[1]])]
            alignments = [
                (start, self.alikeness.align(term.folded, text[start:end], anywhere=False))
                for start, end in spans
            ]
            found = [(start + a.start, start + a.end, a) for start, a in alignments]
        else:
            a = self.alikeness.align(term.folded, text, anywhere=True)
            found = [(a.start, a.end, a)]
        for start, end, alignment in found:
            score = alignment.similarity(len(term.folded))
            if score + _EPSILON < self.threshold or end <= start:
                continue
            kind: MatchKind
            if alignment.cost == 0:
                kind = "exact" if (start, end) == (0, len(text)) else "contains"
            else:
                kind = worst(alignment.edits) or "edit"
            original = batch.span(0, start, end)
            yield BrandMatch(
                brand=term.brand.id,
                brand_name=term.brand.name,
                term=term.written,
                text=name[original[0] : original[1]],
                span=original,
                kind=kind,
                score=round(score, 4),
            )

    def _may_match(self, term: _Term, word: str) -> bool:
        """Whether `word` can come within the threshold of the ASCII `term`: equal to a short
        term, of a length near enough to a longer one."""
        if len(term.folded) < MIN_FUZZY_ASCII:
            return word == term.folded
        budget = (1 - self.threshold) * len(term.folded) + _EPSILON
        if abs(len(word) - len(term.folded)) > budget:
            return False
        # Every character of the term that no character of the word equals or resembles
        # costs a whole edit: a cheap lower bound that spares most alignments.
        common = Counter(self._canonical(term.folded)) & Counter(self._canonical(word))
        return len(term.folded) - common.total() <= budget

    def _canonical(self, word: str) -> str:
        return "".join(self._canon.get(c, c) for c in word)


def _ascii_words(text: str, batch: FoldedBatch) -> set[tuple[int, int]]:
    """Folded spans of the Latin-letter words of `text`: each run of letters and digits, the
    pieces it falls into where the original had a space or punctuation (Apple Store), and
    each of those without leading or trailing digits (Nike2024); exact ASCII brands short
    enough for `MIN_FUZZY_ASCII` need these, fuzzy ones are length-filtered."""
    spans: set[tuple[int, int]] = set()
    for run in _ASCII_WORD.finditer(text):
        start, end = run.span()
        spans.add((start, end))
        cuts = [i for i in range(start + 1, end) if not batch.touching(0, i)]
        for a, b in zip([start, *cuts], [*cuts, end], strict=True):
            spans.add((a, b))
    for a, b in list(spans):
        word = text[a:b]
        stripped = word.strip("0123456789")
        if stripped and stripped != word:
            offset = a + word.index(stripped)
            spans.add((offset, offset + len(stripped)))
    return spans


def _components(groups: list[str]) -> dict[str, str]:
    """Each confusable character → one representative of all the characters it is linked to
    through shared groups (so resembling characters always share a representative)."""
    parent: dict[str, str] = {}

    def find(char: str) -> str:
        while parent.setdefault(char, char) != char:
            char = parent[char]
        return char

    for group in groups:
        for char in group[1:]:
            a, b = find(group[0]), find(char)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {char: find(char) for char in parent}


def _cross_check(document: BrandListDocument) -> None:
    problems = []
    for number, group in enumerate(document.confusables):
        if len(set(group)) < 2:
            problems.append(f"confusables.{number}: a group needs two or more characters")
        for char in group:
            if fold_name(char) != char:
                problems.append(
                    f"confusables.{number}: {char!r} folds to {fold_name(char)!r}; "
                    "write characters in their folded form"
                )
    seen: dict[str, str] = {}
    for key, brand in document.brands.items():
        for field, values in (("name", [brand.name]), ("aliases", brand.aliases)):
            for index, value in enumerate(values):
                where = f"brands.{key}.{field}" + (f".{index}" if field == "aliases" else "")
                folded = fold_name(value)
                if not folded:
                    problems.append(f"{where}: {value!r} folds to nothing")
                elif folded in seen and seen[folded] != key:
                    problems.append(
                        f"{where}: {value!r} is also a name of brand {seen[folded]!r}; "
                        "a name belongs to one brand"
                    )
                seen.setdefault(folded, key)
        for index, word in enumerate(brand.exempt):
            if not fold_name(word):
                problems.append(f"brands.{key}.exempt.{index}: {word!r} folds to nothing")
    if problems:
        raise BrandListError(f"invalid brand list: {'; '.join(problems)}")
