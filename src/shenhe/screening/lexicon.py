"""Lexicons: terms with a category, a severity and how they may be disguised.

A `Lexicon` is immutable. Build one from terms, load one from a file (see `lexicon_files`
for the formats), or combine several with `+`. The built-in one is `Lexicon.default()`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from shenhe.errors import LexiconError

CATEGORIES: tuple[str, ...] = (
    "loan",
    "gambling",
    "porn",
    "counterfeit",
    "fraud",
    "diversion",
    "ad",
    "abuse",
    "custom",
)
ALLOW = "allow"
"""The pseudo-category of allowlist entries: hits inside one of them are suppressed."""

FLAGS: dict[str, str] = {
    "phonetic": "match any hanzi spelling with the same toneless pinyin, and the Latin pinyin",
    "initials": "also match the pinyin initials (贷款 → dk); implies phonetic",
    "repeat": "match with characters repeated (贷贷款款)",
    "word": "match only as a whole word (the default for ASCII terms: 89 does not hit 1989)",
    "substring": "match inside words too (turns off the whole-word default)",
}

MIN_SEVERITY, MAX_SEVERITY = 1, 3


@dataclass(frozen=True, slots=True)
class Term:
    """One lexicon entry."""

    text: str
    category: str
    severity: int = 2
    phonetic: bool = False
    initials: bool = False
    repeat: bool = False
    word: bool | None = None
    """Whole-word matching; None means "decide from the term" (True for ASCII letters)."""

    def __post_init__(self) -> None:
        if not self.text or not self.text.strip():
            raise LexiconError("a term is empty")
        if not self.category or not self.category.strip():
            raise LexiconError(f"term {self.text!r} has no category")
        if self.category != ALLOW and not MIN_SEVERITY <= self.severity <= MAX_SEVERITY:
            raise LexiconError(
                f"term {self.text!r} has severity {self.severity}; "
                f"use {MIN_SEVERITY} (suggestive) to {MAX_SEVERITY} (always block)"
            )

    @property
    def is_allow(self) -> bool:
        return self.category == ALLOW

    @property
    def whole_word(self) -> bool:
        if self.word is not None:
            return self.word
        return self.text.isascii() and any(c.isalnum() for c in self.text)

    @property
    def flags(self) -> tuple[str, ...]:
        names = []
        if self.phonetic and not self.initials:
            names.append("phonetic")
        if self.initials:
            names.append("initials")
        if self.repeat:
            names.append("repeat")
        if self.word is True:
            names.append("word")
        if self.word is False:
            names.append("substring")
        return tuple(names)


def term_with_flags(text: str, category: str, severity: int, flags: Iterable[str]) -> Term:
    """A `Term` from flag names as written in lexicon files; unknown names are an error."""
    options: dict[str, bool] = {}
    for flag in flags:
        if flag not in FLAGS:
            known = ", ".join(FLAGS)
            raise LexiconError(f"unknown flag {flag!r} on term {text!r}; known flags: {known}")
        if flag in ("word", "substring"):
            options["word"] = flag == "word"
        else:
            options[flag] = True
    if options.get("initials"):
        options["phonetic"] = True
    return Term(text=text, category=category, severity=severity, **options)


@dataclass(frozen=True)
class Lexicon:
    """An immutable set of terms and allowlist entries."""

    terms: tuple[Term, ...]
    name: str = "lexicon"
    sources: tuple[str, ...] = field(default=())

    @classmethod
    def from_terms(cls, terms: Iterable[Term], *, name: str = "lexicon") -> Lexicon:
        return cls(terms=_dedupe(terms), name=name)

    @classmethod
    def from_words(
        cls, words: Iterable[str], *, category: str = "custom", severity: int = 2
    ) -> Lexicon:
        """A lexicon of plain words, all in one category."""
        return cls.from_terms(Term(w, category, severity) for w in words if w.strip())

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        category: str | None = None,
        severity: int = 2,
        flags: Sequence[str] = (),
        format: str | None = None,
    ) -> Lexicon:
        """Load a lexicon file; see `shenhe.screening.lexicon_files` for the formats."""
        from shenhe.screening.lexicon_files import read_lexicon_file

        terms = read_lexicon_file(
            Path(path), category=category, severity=severity, flags=flags, format=format
        )
        return cls(terms=_dedupe(terms), name=Path(path).name, sources=(str(path),))

    @classmethod
    def default(cls) -> Lexicon:
        """Shenhe's built-in lexicon, shipped in the package."""
        from shenhe.screening.lexicon_files import read_default_lexicon

        return cls(terms=_dedupe(read_default_lexicon()), name="shenhe-default")

    def __add__(self, other: Lexicon) -> Lexicon:
        return Lexicon(
            terms=_dedupe((*self.terms, *other.terms)),
            name=f"{self.name}+{other.name}",
            sources=(*self.sources, *other.sources),
        )

    def __len__(self) -> int:
        return len(self.terms)

    def with_flags(self, **options: bool) -> Lexicon:
        """The same terms with options (phonetic, repeat, ...) set on every non-allow term."""
        terms = (t if t.is_allow else replace(t, **options) for t in self.terms)  # type: ignore[arg-type]
        return Lexicon(terms=tuple(terms), name=self.name, sources=self.sources)

    @cached_property
    def categories(self) -> frozenset[str]:
        return frozenset(t.category for t in self.terms if not t.is_allow)

    @cached_property
    def version(self) -> str:
        """A content hash: equal lexicons have equal versions, whatever their file names."""
        digest = hashlib.sha256()
        for t in sorted(self.terms, key=lambda t: (t.text, t.category)):
            line = f"{t.text}\t{t.category}\t{t.severity}\t{','.join(t.flags)}\n"
            digest.update(line.encode())
        return digest.hexdigest()[:16]


def _dedupe(terms: Iterable[Term]) -> tuple[Term, ...]:
    """Drop exact repeats of (text, category); the last definition of a term wins."""
    seen: dict[tuple[str, str], Term] = {}
    for term in terms:
        seen[(term.text, term.category)] = term
    return tuple(seen.values())
