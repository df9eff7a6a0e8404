"""Look-alike names: the form two names are compared in, and how alike they are.

Names are compared folded (`shenhe.text.fold`: width, case, traditional characters, noise,
look-alike letters), so ＮＩＫＥ, N-I-K-E and nike are one name. What folding leaves,
`Alikeness` weighs in a weighted edit distance: a character read the same way (微信 / 威信, by
`shenhe.text.phonetic`) or drawn alike (微信 / 徽信, from a table of confusable characters)
costs a quarter of an edit; any other substitution, insertion or deletion costs one.

Used by `shenhe.domain.clones` (a renamed copy of a banned app) and `shenhe.domain.brands`
(a name imitating a protected brand). Pure; the folder is built on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from shenhe.text.fold import Folder
from shenhe.text.phonetic import to_classes

SOFT_COST = 0.25
"""The cost of substituting a homophone or a look-alike character (an edit costs 1)."""

Edit = Literal["homophone", "lookalike", "edit"]
"""The kinds of difference an alignment can contain, mildest first."""


@cache
def folder() -> Folder:
    """The shared folder (default options), built on first use."""
    return Folder()


def fold_name(name: str) -> str:
    """The folded form of a name: what two names are compared in."""
    return folder().fold(name)


@dataclass(frozen=True, slots=True)
class Alignment:
    """Where and how closely a term lies in a text (folded offsets, end exclusive)."""

    cost: float
    start: int
    end: int
    edits: frozenset[Edit]

    def similarity(self, length: int) -> float:
        """1 - cost per character of a term of `length` characters, floored at 0."""
        return max(0.0, 1.0 - self.cost / length) if length else 0.0


@dataclass(frozen=True, slots=True)
class Alikeness:
    """What counts as nearly the same character. `confusables` are groups of characters that
    look alike (``微徽``, ``0o``, ``1il``); within a group any two are interchangeable."""

    confusables: tuple[str, ...] = ()
    _groups: dict[str, frozenset[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        groups: dict[str, set[int]] = {}
        for number, group in enumerate(self.confusables):
            for char in group:
                groups.setdefault(char, set()).add(number)
        object.__setattr__(self, "_groups", {c: frozenset(g) for c, g in groups.items()})

    def lookalikes(self, char: str) -> frozenset[int]:
        """The confusable groups `char` belongs to (by number)."""
        return self._groups.get(char, frozenset())

    def substitution(self, a: str, b: str, a_class: str, b_class: str) -> tuple[float, Edit | None]:
        """The cost of reading `a` where `b` was meant, given their homophone classes."""
        if a == b:
            return 0.0, None
        if a_class == b_class:
            return SOFT_COST, "homophone"
        if self.lookalikes(a) & self.lookalikes(b):
            return SOFT_COST, "lookalike"
        return 1.0, "edit"

    def align(self, term: str, text: str, *, anywhere: bool) -> Alignment:
        """The cheapest alignment of the whole folded `term` with `text`: with all of `text`,
        or with any substring of it when `anywhere` (a brand inside a longer name). Among
        alignments of equal cost, the one whose worst edit is mildest."""
        term_classes, text_classes = to_classes(term), to_classes(text)
        n = len(text)
        # Row i aligns term[:i]; per column: cost, start in text, edits used (a bit mask).
        cost = [0.0] * (n + 1) if anywhere else [float(j) for j in range(n + 1)]
        start = list(range(n + 1)) if anywhere else [0] * (n + 1)
        used = [0] * (n + 1) if anywhere else [0] + [_BITS["edit"]] * n
        for i in range(1, len(term) + 1):
            char, char_class = term[i - 1], term_classes[i - 1]
            row_cost, row_start, row_used = [float(i)], [start[0]], [_BITS["edit"]]
            for j in range(1, n + 1):
                step, kind = self.substitution(text[j - 1], char, text_classes[j - 1], char_class)
                best = (
                    cost[j - 1] + step,
                    start[j - 1],
                    used[j - 1] | (_BITS[kind] if kind else 0),
                )
                for other in (
                    (cost[j] + 1.0, start[j], used[j] | _EDIT_BIT),
                    (row_cost[j - 1] + 1.0, row_start[j - 1], row_used[j - 1] | _EDIT_BIT),
                ):
                    if other[0] < best[0] or (
                        other[0] == best[0] and other[2].bit_length() < best[2].bit_length()
                    ):
                        best = other
                row_cost.append(best[0])
                row_start.append(best[1])
                row_used.append(best[2])
            cost, start, used = row_cost, row_start, row_used
        ends = range(n + 1) if anywhere else (n,)
        end = min(ends, key=lambda j: (cost[j], used[j].bit_length(), start[j] - j))
        edits = frozenset(kind for kind, bit in _BITS.items() if used[end] & bit)
        return Alignment(cost[end], start[end], end, edits)


_BITS: dict[Edit, int] = {"homophone": 1, "lookalike": 2, "edit": 4}
_EDIT_BIT = _BITS["edit"]
_SEVERITY: dict[Edit, int] = {"homophone": 1, "lookalike": 2, "edit": 3}


def worst(edits: Iterable[Edit]) -> Edit | None:
    """The most severe kind of edit among `edits` (None when there is none)."""
    return max(edits, key=_SEVERITY.__getitem__, default=None)


PLAIN = Alikeness()
"""Homophones only, no table of look-alike characters."""


def name_similarity(a: str, b: str, *, alikeness: Alikeness = PLAIN) -> float:
    """How alike two names are, in [0, 1]: 1 - weighted edit distance / the longer length,
    on the folded forms. Equal folded names score 1; 极速贷 and 極速貸 score 1; 极速贷 and
    急速贷 (a homophone) 0.92; 极速贷 and 闪电借 0."""
    folded_a, folded_b = fold_name(a), fold_name(b)
    longest = max(len(folded_a), len(folded_b))
    if not longest:
        return 0.0
    alignment = alikeness.align(folded_a, folded_b, anywhere=False)
    return max(0.0, 1.0 - alignment.cost / longest)
