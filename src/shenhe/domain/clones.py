"""Clones: near-duplicates of banned apps, found by what they say rather than what they are called.

A banned cash-loan app comes back under a new name with the same description, or with the
description disguised (full-width letters, traditional characters, spaces and emoji between
the words, homophones). `ClonePrint` fingerprints an app so that these copies still look like
the original:

- **content**: a MinHash (`datasketch.MinHash`, 128 permutations) of the character trigrams
  of the app's description and pages, taken after folding (`shenhe.text.fold`) and after the
  homophone fold (`shenhe.text.phonetic`), with repeated characters collapsed. A disguise does
  not change the trigrams, so a disguised copy scores as a plain one. The name is left out, so
  a renamed copy scores 1.
- **name**: the folded name, compared by weighted edit distance (`shenhe.domain.lookalike`),
  so a new app called like a banned one is found even when its text is new.

A print is data: `to_bytes` / `from_bytes` (and `hex` / `from_hex`) let storage keep it, so
the index never needs the original texts. `CloneIndex` holds the prints of banned apps in a
MinHash LSH index (`datasketch.MinHashLSH`) plus two dictionaries of names; the service
rebuilds it from stored prints.

Thresholds. `CONTENT_THRESHOLD` is 0.4: on realistic descriptions of loan apps a renamed or
disguised copy scores 1, a copy with its figures and a clause changed 0.5 to 0.6, a copy of
one half with the other half rewritten about 0.3, and unrelated apps of the same trade (two
loan apps that both say 额度 and 到账) under 0.05; the standard error of the estimate is about
0.04. Texts of fewer than `MIN_SHINGLES` trigrams are too short to be evidence and are not
compared on content. `NAME_THRESHOLD` is 0.9: the same folded name, or one homophone in a name
of three or more characters (急速贷 for 极速贷).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
from datasketch import MinHash, MinHashLSH

from shenhe.domain.errors import ClonePrintError
from shenhe.domain.lookalike import PLAIN, fold_name, folder
from shenhe.text.fold import collapse_repeats
from shenhe.text.phonetic import to_classes

NUM_PERM = 128
"""Permutations per MinHash: a standard error of about 0.04 on a Jaccard estimate."""
SEED = 1
SHINGLE_SIZE = 3
"""Characters per shingle: trigrams of hanzi are specific enough that two unrelated texts
share few, and short enough that one changed word spoils only three."""
MIN_SHINGLES = 10
"""Content with fewer distinct trigrams (about a dozen characters) is not compared."""
CONTENT_THRESHOLD = 0.4
"""The estimated Jaccard similarity from which content makes a clone."""
NAME_THRESHOLD = 0.9
"""The name similarity from which a name alone makes a clone."""
LSH_MARGIN = 0.15
"""How far under the content threshold the LSH index is tuned (recall over precision)."""
MIN_NAME_LENGTH = 2
"""Shorter folded names are not compared."""

Reason = Literal["content", "name"]

_HEADER = struct.Struct("<2sBBIHIH")
_MAGIC, _VERSION = b"CP", 1
_SCHEMES = {"legacy": 0, "affine32": 1}


@cache
def _template(num_perm: int, seed: int) -> Any:
    """An empty MinHash whose permutations every print with these parameters shares."""
    try:
        return MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
    except TypeError:  # pragma: no cover - datasketch before 2.0 knows only its legacy scheme
        return MinHash(num_perm=num_perm, seed=seed)


def _scheme(minhash: Any) -> str:
    return str(getattr(minhash, "scheme", "legacy"))


def shingles(texts: Iterable[str]) -> set[str]:
    """The trigrams of the folded, homophone-folded, de-repeated `texts` (none across two)."""
    out: set[str] = set()
    for folded in folder().fold_batch(list(texts)).texts():
        plain = collapse_repeats(to_classes(folded))
        if 0 < len(plain) < SHINGLE_SIZE:
            out.add(plain)
        out.update(plain[i : i + SHINGLE_SIZE] for i in range(len(plain) - SHINGLE_SIZE + 1))
    return out


@dataclass(frozen=True, slots=True)
class CloneSimilarity:
    content: float
    """Estimated Jaccard similarity of the two contents (0 when either is too short)."""
    name: float
    """Similarity of the folded names, in [0, 1]."""


class ClonePrint:
    """An app's fingerprint: its folded name and a MinHash of its content. Immutable."""

    __slots__ = ("_minhash", "name", "shingles")

    def __init__(self, name: str, shingles: int, minhash: Any) -> None:
        self.name = name
        """The folded name."""
        self.shingles = shingles
        """How many distinct trigrams the content had."""
        self._minhash = minhash

    @classmethod
    def of(
        cls,
        name: str,
        description: str = "",
        pages: Iterable[str] = (),
        *,
        num_perm: int = NUM_PERM,
        seed: int = SEED,
    ) -> ClonePrint:
        """The print of an app from its name, description and page texts."""
        grams = shingles([description, *pages])
        minhash = _template(num_perm, seed).copy()
        minhash.update_batch(sorted(g.encode("utf-8") for g in grams))
        return cls(fold_name(name), len(grams), minhash)

    @property
    def num_perm(self) -> int:
        return len(self._minhash.hashvalues)

    @property
    def seed(self) -> int:
        return int(self._minhash.seed)

    @property
    def has_content(self) -> bool:
        """Whether the content is long enough to compare (`MIN_SHINGLES`)."""
        return self.shingles >= MIN_SHINGLES

    @property
    def sound(self) -> str:
        """The name with every hanzi replaced by its homophone class (急速贷 = 极速贷)."""
        return to_classes(self.name)

    @property
    def minhash(self) -> Any:
        """The content's `datasketch.MinHash` (shared: do not update it)."""
        return self._minhash

    def content_similarity(self, other: ClonePrint) -> float:
        self._check(other)
        if not (self.has_content and other.has_content):
            return 0.0
        return float(self._minhash.jaccard(other._minhash))

    def name_similarity(self, other: ClonePrint) -> float:
        longest = max(len(self.name), len(other.name))
        if min(len(self.name), len(other.name)) < MIN_NAME_LENGTH:
            return 0.0
        alignment = PLAIN.align(self.name, other.name, anywhere=False)
        return max(0.0, 1.0 - alignment.cost / longest)

    def compare(self, other: ClonePrint) -> CloneSimilarity:
        return CloneSimilarity(self.content_similarity(other), self.name_similarity(other))

    def _check(self, other: ClonePrint) -> None:
        mine = (self.num_perm, self.seed, _scheme(self._minhash))
        theirs = (other.num_perm, other.seed, _scheme(other._minhash))
        if mine != theirs:
            raise ClonePrintError(
                f"clone prints made with different MinHash parameters cannot be compared "
                f"(num_perm, seed, scheme: {mine} and {theirs}); recompute the older one"
            )

    def to_bytes(self) -> bytes:
        """A compact, versioned encoding: header, UTF-8 name, 4 bytes per permutation."""
        name = self.name.encode("utf-8")
        header = _HEADER.pack(
            _MAGIC,
            _VERSION,
            _SCHEMES[_scheme(self._minhash)],
            self.seed,
            self.num_perm,
            self.shingles,
            len(name),
        )
        values = np.asarray(self._minhash.hashvalues).astype("<u4")
        return header + name + values.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> ClonePrint:
        """The print that `to_bytes` encoded. `ClonePrintError` when `data` is not one, or was
        made by a datasketch whose MinHash scheme differs from the one installed."""
        if len(data) < _HEADER.size:
            raise ClonePrintError(f"a clone print has at least {_HEADER.size} bytes")
        magic, version, scheme, seed, num_perm, count, name_length = _HEADER.unpack_from(data)
        if magic != _MAGIC or version != _VERSION:
            raise ClonePrintError(f"not a clone print of version {_VERSION} (bad header)")
        body = data[_HEADER.size :]
        if len(body) != name_length + 4 * num_perm:
            raise ClonePrintError(
                f"a clone print of {num_perm} permutations and a {name_length}-byte name has "
                f"{_HEADER.size + name_length + 4 * num_perm} bytes, not {len(data)}"
            )
        template = _template(num_perm, seed)
        if scheme != _SCHEMES.get(_scheme(template)):
            raise ClonePrintError(
                "this clone print was made by another version of datasketch; recompute it"
            )
        try:
            name = body[:name_length].decode("utf-8")
        except UnicodeDecodeError:
            raise ClonePrintError("the name in a clone print is not UTF-8") from None
        minhash = template.copy()
        values = np.frombuffer(body, dtype="<u4", offset=name_length)
        minhash.hashvalues = values.astype(template.hashvalues.dtype)
        return cls(name, count, minhash)

    def hex(self) -> str:
        return self.to_bytes().hex()

    @classmethod
    def from_hex(cls, text: str) -> ClonePrint:
        try:
            data = bytes.fromhex(text)
        except ValueError:
            raise ClonePrintError("a clone print in hex has only hex digits") from None
        return cls.from_bytes(data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ClonePrint) and self.to_bytes() == other.to_bytes()

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"ClonePrint(name={self.name!r}, shingles={self.shingles})"


@dataclass(frozen=True, slots=True)
class CloneMatch:
    """An indexed app that the queried one copies."""

    key: str
    content: float
    name: float
    reasons: tuple[Reason, ...]
    """Why it is a clone: ``content`` (content similarity over the threshold), ``name``."""

    @property
    def score(self) -> float:
        return max(self.content, self.name)

    @property
    def codes(self) -> tuple[str, ...]:
        """Stable reason codes: ``clone.content``, ``clone.name``."""
        return tuple(f"clone.{reason}" for reason in self.reasons)


class CloneIndex:
    """The prints of banned apps by key (an appid), found by content (LSH) and by name.

    `threshold` is the estimated Jaccard similarity from which content makes a clone. The LSH
    is built for a lower one (`threshold` - `LSH_MARGIN`), so that an app near the threshold
    is still a candidate, and candidates are then filtered on their estimate. For 0.4 that is
    42 bands of 3 permutations: an app is a candidate with probability 0.94 at a similarity
    of 0.4, 0.996 at 0.5 and 1.0 from 0.6, and 0.005 at the 0.05 of unrelated apps.

    Names are found by dictionary: the same folded name, or the same one read aloud (every
    hanzi by its homophone class); their similarity is then checked against `name_threshold`.
    """

    def __init__(
        self,
        *,
        threshold: float = CONTENT_THRESHOLD,
        name_threshold: float = NAME_THRESHOLD,
        num_perm: int = NUM_PERM,
        seed: int = SEED,
    ) -> None:
        if not (0.0 < threshold <= 1.0 and 0.0 < name_threshold <= 1.0):
            raise ValueError("clone thresholds lie in (0, 1]")
        self.threshold = threshold
        self.name_threshold = name_threshold
        self.num_perm, self.seed = num_perm, seed
        self._lsh = MinHashLSH(threshold=max(0.1, threshold - LSH_MARGIN), num_perm=num_perm)
        self._prints: dict[str, ClonePrint] = {}
        self._by_name: dict[str, set[str]] = {}
        self._by_sound: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self._prints)

    def __contains__(self, key: object) -> bool:
        return key in self._prints

    def get(self, key: str) -> ClonePrint | None:
        return self._prints.get(key)

    def insert(self, key: str, print_: ClonePrint) -> None:
        """Index `print_` under `key`, replacing what `key` held."""
        if (print_.num_perm, print_.seed) != (self.num_perm, self.seed):
            raise ClonePrintError(
                f"this index holds prints of {self.num_perm} permutations and seed "
                f"{self.seed}, not {print_.num_perm} and {print_.seed}; recompute the print"
            )
        self.remove(key)
        self._prints[key] = print_
        if print_.has_content:
            self._lsh.insert(key, print_.minhash, check_duplication=False)
        if len(print_.name) >= MIN_NAME_LENGTH:
            self._by_name.setdefault(print_.name, set()).add(key)
            self._by_sound.setdefault(print_.sound, set()).add(key)

    def remove(self, key: str) -> None:
        """Forget `key` (nothing happens when it is not indexed)."""
        print_ = self._prints.pop(key, None)
        if print_ is None:
            return
        if print_.has_content:
            self._lsh.remove(key)
        for table, value in ((self._by_name, print_.name), (self._by_sound, print_.sound)):
            keys = table.get(value)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del table[value]

    def query(self, print_: ClonePrint) -> list[tuple[str, float]]:
        """(key, estimated Jaccard) of the apps whose content is at least `threshold` alike,
        most alike first (ties by key)."""
        if not print_.has_content:
            return []
        found = []
        for key in self._lsh.query(print_.minhash):
            similarity = print_.content_similarity(self._prints[key])
            if similarity >= self.threshold:
                found.append((key, similarity))
        return sorted(found, key=lambda item: (-item[1], item[0]))

    def named(self, print_: ClonePrint) -> list[str]:
        """The keys whose folded name, or its homophone form, is that of `print_` (a cheap
        dictionary look-up, no edit distance), sorted."""
        if len(print_.name) < MIN_NAME_LENGTH:
            return []
        keys = self._by_name.get(print_.name, set()) | self._by_sound.get(print_.sound, set())
        return sorted(keys)

    def matches(self, print_: ClonePrint, *, exclude: str | None = None) -> list[CloneMatch]:
        """The indexed apps that `print_` copies, by content or by name, best first.
        `exclude` leaves out one key (the app itself, when it is indexed)."""
        content = dict(self.query(print_))
        out = []
        for key in sorted(set(content) | set(self.named(print_))):
            if key == exclude:
                continue
            other = self._prints[key]
            name = print_.name_similarity(other)
            reasons: list[Reason] = []
            if key in content:
                reasons.append("content")
            if name >= self.name_threshold:
                reasons.append("name")
            if reasons:
                out.append(CloneMatch(key, content.get(key, 0.0), name, tuple(reasons)))
        return sorted(out, key=lambda match: (-match.score, match.key))
