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
the index never needs the original texts. Its `band_keys` are the LSH bands of the MinHash
(`band_shape`: 42 bands of 3 permutations for 128), each hashed to one signed 64-bit integer,
so that storage can find candidates with an indexed ``key IN (...)`` instead of reading every
print. `CloneIndex` holds prints in memory, found by the same band keys plus two dictionaries
of names.

Many apps at once: `signatures` computes the MinHash values of a whole batch with one fold
and one numpy pass (the same values `datasketch.MinHash.update_batch` gives, one app at a
time, and what `ClonePrint.of` uses), `batch_band_keys` their band keys, and
`CloneIndex.may_match` tells which rows of a batch share a band with an indexed print — so a
sweep can check a million apps against the banned ones without building a print per app.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from shenhe.domain.errors import ClonePrintError
from shenhe.domain.lookalike import PLAIN, fold_name, folder
from shenhe.text.fold import collapse_repeats
from shenhe.text.kernel import collapse_runs
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
NAME_CHECKS = 16
"""Content candidates whose names are compared too (besides the same-name ones): the most
alike by content. Bounds the cost of a look-up when many banned apps share one template."""

Reason = Literal["content", "name"]

_HEADER = struct.Struct("<2sBBIHIH")
_MAGIC, _VERSION = b"CP", 2
"""Version 2: grams hashed with `gram_hash` (version 1 used datasketch's SHA-1)."""
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
    wanted = list(texts)
    if not wanted:  # FoldedBatch.texts() of an empty batch
        return out
    for folded in folder().fold_batch(wanted).texts():
        out.update(_grams(_plain(folded)))
    return out


def _plain(folded: str) -> str:
    return collapse_repeats(to_classes(folded))


def _grams(plain: str) -> Iterable[str]:
    if 0 < len(plain) < SHINGLE_SIZE:
        return (plain,)
    return (plain[i : i + SHINGLE_SIZE] for i in range(len(plain) - SHINGLE_SIZE + 1))


_MASK64 = (1 << 64) - 1
_GRAM_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)


def gram_hash(gram: str) -> int:
    """The 32-bit hash of a gram (1 to `SHINGLE_SIZE` characters) that prints are made of:
    its code points, padded with zeros, folded by multiply-add in 64 bits, then the two
    halves xored. `signatures` computes the same for a whole batch with numpy."""
    value = 0
    for code, multiplier in zip(_padded(gram), _GRAM_MULTIPLIERS, strict=True):
        value = ((value + code) * multiplier) & _MASK64
    return (value ^ (value >> 32)) & 0xFFFFFFFF


def _padded(gram: str) -> list[int]:
    return [ord(c) for c in gram] + [0] * (SHINGLE_SIZE - len(gram))


def _gram_hashes(codes: Any) -> Any:
    """`gram_hash` of the trigrams starting at each row of ``codes`` (an (n, 3) uint64)."""
    value = np.zeros(len(codes), dtype=np.uint64)
    for column, multiplier in enumerate(_GRAM_MULTIPLIERS):
        value = (value + codes[:, column]) * np.uint64(multiplier)
    return (value ^ (value >> np.uint64(32))).astype(np.uint32)


def _fmix32(values: Any) -> Any:
    """The MurmurHash3 finalizer on uint32 values, as datasketch's affine32 scheme applies."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def signatures(
    contents: Sequence[Sequence[str]], *, num_perm: int = NUM_PERM, seed: int = SEED
) -> tuple[Any, list[int]]:
    """The MinHash values (an ``(n, num_perm)`` uint32 array) and the distinct gram counts of
    `contents`, each the texts of one app (description and pages).

    The texts are folded, homophone-folded and de-repeated as one joined string (three C
    passes), cut into trigrams (a text shorter than three characters is one gram) hashed with
    `gram_hash` in numpy, deduplicated per app, and run through datasketch's affine32
    permutations (the MurmurHash3 finalizer, then ``a * h + b`` in 32 bits) with one
    ``minimum.reduceat``: row i is the ``hashvalues`` of a `datasketch.MinHash` with
    ``hashfunc=gram_hash`` updated with the grams of `contents[i]`."""
    template = _template(num_perm, seed)
    count = len(contents)
    out = np.full((count, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    per_app = np.array([len(texts) for texts in contents], dtype=np.intp)
    flat = [text for texts in contents for text in texts]
    if not flat:
        return out, [0] * count
    joined, _ = collapse_runs(to_classes(folder().fold_batch(flat).joined))
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    text_of = np.concatenate(([0], np.cumsum(codes == 0)))[:-1]  # the text of each position
    app_of_text = np.repeat(np.arange(count, dtype=np.uint64), per_app)
    apps: list[Any] = []
    hashes: list[Any] = []
    if len(codes) >= SHINGLE_SIZE:
        windows = np.lib.stride_tricks.sliding_window_view(codes, SHINGLE_SIZE)
        whole = (windows != 0).all(axis=1)
        apps.append(app_of_text[text_of[: len(windows)][whole]])
        hashes.append(_gram_hashes(windows[whole]))
    bounds = np.flatnonzero(np.concatenate(([1], codes == 0, [1])))
    lengths = np.diff(bounds) - 1
    for text in np.flatnonzero((lengths > 0) & (lengths < SHINGLE_SIZE)).tolist():
        start = int(bounds[text])
        gram = joined[start : start + int(lengths[text])]  # a short text is one gram
        apps.append(np.array([app_of_text[text]], dtype=np.uint64))
        hashes.append(np.array([gram_hash(gram)], dtype=np.uint32))
    if not apps:
        return out, [0] * count
    keys = np.unique((np.concatenate(apps) << np.uint64(32)) | np.concatenate(hashes))
    owners = (keys >> np.uint64(32)).astype(np.intp)
    counts = np.bincount(owners, minlength=count)
    a, b = template.permutations
    mixed = _fmix32((keys & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    permuted = mixed[:, None] * a[None, :] + b[None, :]
    filled = np.flatnonzero(counts)
    starts = np.concatenate(([0], np.cumsum(counts)))[filled]
    out[filled] = np.minimum.reduceat(permuted, starts, axis=0)
    return out, [int(c) for c in counts]


@cache
def band_shape(num_perm: int) -> tuple[int, int]:
    """(bands, permutations per band) of the LSH for `num_perm` permutations: the shape
    `datasketch.MinHashLSH` picks for a threshold `LSH_MARGIN` under `CONTENT_THRESHOLD`
    (42 bands of 3 for 128)."""
    bands, rows = _optimal_param(max(0.1, CONTENT_THRESHOLD - LSH_MARGIN), num_perm, 0.5, 0.5)
    return int(bands), int(rows)


_BAND_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)


def batch_band_keys(values: Any) -> Any:
    """The band keys of MinHash values (``(n, num_perm)``): an ``(n, bands)`` int64 array.
    Band j of a row is its permutations ``j*r .. j*r+r-1`` with the band number, mixed into
    one 64-bit integer; two prints share a key when they agree on a whole band (and, rarely,
    by a collision, which the similarity check that follows discards)."""
    values = np.asarray(values)
    bands, rows = band_shape(values.shape[1])
    with np.errstate(over="ignore"):
        parts = values[:, : bands * rows].reshape(len(values), bands, rows).astype(np.uint64)
        mixed = np.arange(bands, dtype=np.uint64)[None, :] * _BAND_MULTIPLIERS[rows % 4]
        for column in range(rows):
            mixed = (mixed ^ parts[:, :, column]) * _BAND_MULTIPLIERS[column % 4]
            mixed ^= mixed >> np.uint64(29)
    return mixed.view(np.int64)


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
        values, counts = signatures([[description, *pages]], num_perm=num_perm, seed=seed)
        return cls.from_values(fold_name(name), counts[0], values[0], num_perm=num_perm, seed=seed)

    @classmethod
    def from_values(
        cls, name: str, shingles: int, values: Any, *, num_perm: int = NUM_PERM, seed: int = SEED
    ) -> ClonePrint:
        """The print of an already folded `name` and a row of `signatures`."""
        minhash = _template(num_perm, seed).copy()
        minhash.hashvalues = np.asarray(values).astype(minhash.hashvalues.dtype)
        return cls(name, shingles, minhash)

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
    def band_keys(self) -> tuple[int, ...]:
        """The LSH band keys of the content (none when it is too short to compare)."""
        if not self.has_content:
            return ()
        keys = batch_band_keys(np.asarray(self._minhash.hashvalues)[None, :])[0]
        return tuple(int(key) for key in keys)

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
    """Prints by key (an appid), found by content (LSH band keys) and by name.

    `threshold` is the estimated Jaccard similarity from which content makes a clone. The
    bands are tuned for a lower one (`threshold` - `LSH_MARGIN`, `band_shape`), so that an app
    near the threshold is still a candidate, and candidates are then filtered on their
    estimate. For 128 permutations that is 42 bands of 3: an app is a candidate with
    probability 0.94 at a similarity of 0.4, 0.996 at 0.5 and 1.0 from 0.6, and 0.005 at the
    0.05 of unrelated apps. Storage keeps the same band keys (`ClonePrint.band_keys`), so an
    index in memory and a look-up in the database find the same candidates.

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
        self._prints: dict[str, ClonePrint] = {}
        self._bands: dict[int, set[str]] = {}
        self._by_name: dict[str, set[str]] = {}
        self._by_sound: dict[str, set[str]] = {}
        self._sorted_keys: Any = np.empty(0, dtype=np.int64)
        """The band keys as a sorted numpy array, for `may_match`."""
        self._pending: list[int] = []
        """Keys inserted since `_sorted_keys` was brought up to date."""
        self._stale = False
        """Whether keys were removed since (then `_sorted_keys` is rebuilt)."""

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
        for band in print_.band_keys:
            keys = self._bands.setdefault(band, set())
            if not keys:
                self._pending.append(band)
            keys.add(key)
        if len(print_.name) >= MIN_NAME_LENGTH:
            self._by_name.setdefault(print_.name, set()).add(key)
            self._by_sound.setdefault(print_.sound, set()).add(key)

    def remove(self, key: str) -> None:
        """Forget `key` (nothing happens when it is not indexed)."""
        print_ = self._prints.pop(key, None)
        if print_ is None:
            return
        for band in print_.band_keys:
            _discard(self._bands, band, key)
        self._stale = True
        _discard(self._by_name, print_.name, key)
        _discard(self._by_sound, print_.sound, key)

    def query(self, print_: ClonePrint) -> list[tuple[str, float]]:
        """(key, estimated Jaccard) of the apps whose content is at least `threshold` alike,
        most alike first (ties by key)."""
        found = []
        for key in self._candidates(print_):
            similarity = print_.content_similarity(self._prints[key])
            if similarity >= self.threshold:
                found.append((key, similarity))
        return sorted(found, key=lambda item: (-item[1], item[0]))

    def named(self, print_: ClonePrint) -> list[str]:
        """The keys whose folded name, or its homophone form, is that of `print_` (a cheap
        dictionary look-up, no edit distance), sorted."""
        return sorted(self._named(print_.name, print_.sound))

    def may_match(self, values: Any, counts: Sequence[int], names: Sequence[str]) -> list[bool]:
        """For a batch — rows of `signatures` (`values`, `counts`) and the folded names —
        whether each row shares a band or a name with an indexed print: the rows worth a
        `matches` (the others match nothing). One ``isin`` for the whole batch."""
        if not self._prints:
            return [False] * len(names)
        known = self._known_keys()
        keys = batch_band_keys(values)
        at = np.minimum(np.searchsorted(known, keys), max(len(known) - 1, 0))
        hits = known[at] == keys if len(known) else np.zeros(keys.shape, dtype=bool)
        shared = hits.any(axis=1) & (np.asarray(counts) >= MIN_SHINGLES)
        return [
            bool(banded) or bool(self._named(name, to_classes(name)))
            for banded, name in zip(shared.tolist(), names, strict=True)
        ]

    def matches(self, print_: ClonePrint, *, exclude: str | None = None) -> list[CloneMatch]:
        """The indexed apps that `print_` copies, by content or by name, best first.
        `exclude` leaves out one key (the app itself, when it is indexed). Names are compared
        for the same-name keys and the `NAME_CHECKS` most alike by content."""
        content = dict(self.query(print_))
        compared = set(self.named(print_)) | set(list(content)[:NAME_CHECKS])
        out = []
        for key in sorted(set(content) | compared):
            if key == exclude:
                continue
            name = print_.name_similarity(self._prints[key]) if key in compared else 0.0
            reasons: list[Reason] = []
            if key in content:
                reasons.append("content")
            if name >= self.name_threshold:
                reasons.append("name")
            if reasons:
                out.append(CloneMatch(key, content.get(key, 0.0), name, tuple(reasons)))
        return sorted(out, key=lambda match: (-match.score, match.key))

    def _known_keys(self) -> Any:
        """`_sorted_keys`, brought up to date: a merge of the new keys (linear), or after a
        removal a rebuild."""
        if self._stale:
            self._sorted_keys = np.array(sorted(self._bands), dtype=np.int64)
            self._pending, self._stale = [], False
        elif self._pending:
            new = np.unique(np.array(self._pending, dtype=np.int64))  # none known yet
            at = np.searchsorted(self._sorted_keys, new)
            self._sorted_keys = np.insert(self._sorted_keys, at, new)
            self._pending = []
        return self._sorted_keys

    def copies(self, print_: ClonePrint, *, exclude: str | None = None) -> bool:
        """Whether `print_` copies an indexed app (`matches` is not empty), answered as
        cheaply as possible: content first, names only when the content copies nothing."""
        if any(key != exclude for key, _ in self.query(print_)):
            return True
        return any(
            key != exclude and print_.name_similarity(self._prints[key]) >= self.name_threshold
            for key in self.named(print_)
        )

    def _candidates(self, print_: ClonePrint) -> set[str]:
        found: set[str] = set()
        for band in print_.band_keys:
            found.update(self._bands.get(band, ()))
        return found

    def _named(self, name: str, sound: str) -> set[str]:
        if len(name) < MIN_NAME_LENGTH:
            return set()
        return self._by_name.get(name, set()) | self._by_sound.get(sound, set())


def _discard(table: dict[Any, set[str]], value: Any, key: str) -> None:
    keys = table.get(value)
    if keys is not None:
        keys.discard(key)
        if not keys:
            del table[value]
