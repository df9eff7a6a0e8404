"""The screener: one engine for every surface, from a lexicon, a policy and fold options.

`screen_batch` is the fast path: the batch is folded and scanned in one pass per stream and
only texts with candidates pay for verification. A `Screener` is safe to share between
threads; `replace_lexicon` and `replace_policy` build the new engine first and then swap one
reference, so screenings in flight finish on the engine they started with.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from shenhe.errors import InputError, TextTooLongError
from shenhe.policy.policy import Policy
from shenhe.policy.surfaces import DEFAULT_SURFACE, canonical_surface
from shenhe.screening.assembly import HitTables, assemble
from shenhe.screening.lexicon import Lexicon
from shenhe.screening.verdict import Verdict
from shenhe.text.contact_hints import applies as hints_apply
from shenhe.text.contact_hints import contact_hints
from shenhe.text.contacts import find_contacts_many
from shenhe.text.contacts import prepare as prepare_contacts
from shenhe.text.fold import Folder, FoldOptions
from shenhe.text.matcher import Entry, Matcher

MAX_TEXT_LENGTH = 100_000
CHUNK_TEXTS = 2_000  # a batch is folded and scanned this many texts at a time,
CHUNK_CHARS = 1_000_000  # or this many characters, which bounds the memory a batch takes


@dataclass(frozen=True, slots=True)
class Engine:
    """Everything one screening needs, compiled. Immutable."""

    lexicon: Lexicon
    policy: Policy
    matcher: Matcher
    tables: HitTables

    @classmethod
    def build(cls, lexicon: Lexicon, policy: Policy, folder: Folder) -> Engine:
        terms = lexicon.terms
        entries = [
            Entry(
                key=i,
                text=t.text,
                phonetic=t.phonetic,
                initials=t.initials,
                repeat=t.repeat,
                whole_word=t.whole_word,
            )
            for i, t in enumerate(terms)
        ]
        matcher = Matcher(entries, folder)
        return cls(lexicon, policy, matcher, HitTables.build(terms, policy))

    def with_policy(self, policy: Policy) -> Engine:
        return Engine(self.lexicon, policy, self.matcher, self.tables.with_policy(policy))


class Screener:
    """Screens texts for one lexicon and policy. Share one instance; it is thread-safe."""

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        policy: Policy | None = None,
        *,
        options: FoldOptions | None = None,
        max_length: int = MAX_TEXT_LENGTH,
    ) -> None:
        self.options = options or FoldOptions()
        self.max_length = max_length
        self._folder = Folder(self.options)
        self._hints = hints_apply(self.options)
        prepare_contacts()
        self._swap = threading.Lock()
        self._engine = Engine.build(
            lexicon if lexicon is not None else Lexicon.default(),
            policy if policy is not None else Policy.default(),
            self._folder,
        )

    @classmethod
    def default(cls) -> Screener:
        """The built-in lexicon and policy, with every fold on."""
        return cls(Lexicon.default(), Policy.default())

    @property
    def lexicon(self) -> Lexicon:
        return self._engine.lexicon

    @property
    def policy(self) -> Policy:
        return self._engine.policy

    def replace_lexicon(self, lexicon: Lexicon) -> None:
        """Compile `lexicon` and swap it in atomically."""
        with self._swap:
            self._engine = Engine.build(lexicon, self._engine.policy, self._folder)

    def replace_policy(self, policy: Policy) -> None:
        """Swap in `policy` atomically."""
        with self._swap:
            self._engine = self._engine.with_policy(policy)

    def screen(self, text: str, surface: str = DEFAULT_SURFACE) -> Verdict:
        """The verdict for one text on `surface`."""
        if isinstance(text, str) and len(text) > self.max_length:
            raise TextTooLongError(len(text), self.max_length)
        return self.screen_batch([text], surface)[0]

    def screen_batch(self, texts: Sequence[str], surface: str = DEFAULT_SURFACE) -> list[Verdict]:
        """The verdicts for `texts`, in order. Validates the whole batch before screening any."""
        surface = canonical_surface(surface)
        size = self._validate(texts)
        engine = self._engine  # one read: a concurrent swap does not affect this batch
        if len(texts) <= CHUNK_TEXTS and size < CHUNK_CHARS:
            return self._screen_chunk(engine, texts, surface)  # one chunk, the usual case
        verdicts: list[Verdict] = []
        for chunk in _chunks(texts):
            verdicts.extend(self._screen_chunk(engine, chunk, surface))
        return verdicts

    def _screen_chunk(self, engine: Engine, texts: Sequence[str], surface: str) -> list[Verdict]:
        batch = self._folder.fold_batch(texts)
        rows = engine.matcher.find_rows(texts, batch)
        may_hold: Iterable[int] = contact_hints(batch) if self._hints else range(len(texts))
        contacts = find_contacts_many(texts, may_hold)
        return assemble(engine.tables, surface, texts, rows, contacts)

    def _validate(self, texts: Sequence[str]) -> int:
        """Raise for a batch that cannot be screened; else return its size in characters."""
        if isinstance(texts, str):
            raise InputError("screen_batch takes a list of texts, not one string")
        if set(map(type, texts)) <= {str}:  # checked in bulk, the usual case
            size = sum(map(len, texts))
            # no text is longer than the whole batch
            if size <= self.max_length or max(map(len, texts)) <= self.max_length:
                return size
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise InputError(f"text #{index} is {type(text).__name__}, not a string")
            if len(text) > self.max_length:
                raise TextTooLongError(len(text), self.max_length, index=index)
        return sum(map(len, texts))


def _chunks(texts: Sequence[str]) -> Iterator[Sequence[str]]:
    """Slices of `texts` of at most CHUNK_TEXTS texts and about CHUNK_CHARS characters."""
    start = 0
    size = 0
    for end, text in enumerate(texts):
        size += len(text)
        if end + 1 - start >= CHUNK_TEXTS or size >= CHUNK_CHARS:
            yield texts[start : end + 1]
            start, size = end + 1, 0
    if start < len(texts):
        yield texts[start:]
