"""From a batch's matches and contacts to verdicts: hits, labels and the policy's suggestion.

A batch is assembled in one call to the C extension `shenhe.screening._cscore` when it was
built: from the matcher's int32 rows it makes a fresh pass verdict for each text with nothing
found and, for the others, their `Hit`, `Label` and `Verdict` objects as `score_labels` and
`verdict_for` would, asking the policy's `decide` for each suggestion. Texts with an
allow-listed term, or with a contact beside a diversion term whose text holds ":" (which
could share a key with the contact in `score_labels`), and every text where the extension is
missing, take `verdict_for`, the pure-Python path; the two give equal verdicts.
"""

from __future__ import annotations

import array
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from shenhe.policy.policy import DIVERSION, Policy
from shenhe.screening.lexicon import Term
from shenhe.screening.scoring import CONTACT_SEVERITY, SingleHitScores, score_labels
from shenhe.screening.verdict import Hit, Label, Verdict
from shenhe.text.contacts import Contact
from shenhe.text.matcher import VARIANTS, CompactMatch, compact_of

try:
    from shenhe.screening import _cscore  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - exercised where no C compiler was available
    _cscore = None
# _cscore fills the slots of Hit and Label directly, which is only their __init__'s work
# while they have no __post_init__.
if any(hasattr(cls, "__post_init__") for cls in (Hit, Label, Verdict)):  # pragma: no cover
    _cscore = None

T = TypeVar("T")
MAX_DECISIONS = 10_000  # suggestions remembered per surface, before starting afresh


@dataclass(frozen=True, slots=True)
class HitTables:
    """What turning a term's matches into hits and labels needs, per term key."""

    hit_info: tuple[tuple[str, str, int], ...]
    """(text, category, severity) per key."""
    allow_keys: frozenset[int]
    terms: list[str]
    category_names: list[str]  # by category id: the order in which categories first appear
    key_info: bytes
    """Per key, packed as `_KEY_INFO`, so that a key costs the C code one cache miss: its
    category id, term id (equal ids, equal texts), severity's row of `weights`, severity and
    whether it is allow-listed."""
    diversion_id: int  # the category id of diversion terms, or -1
    row_severities: tuple[int, ...]
    policy: Policy
    weights: bytes  # float64, one per variant, a row per severity
    single_hit: SingleHitScores
    decisions: dict[str, dict[tuple[object, ...], str]]
    """The policy's suggestions, remembered per surface by the scores they were for."""

    @classmethod
    def build(cls, terms: Sequence[Term], policy: Policy) -> HitTables:
        texts = [t.text for t in terms]
        categories = [t.category for t in terms]
        severities = [t.severity for t in terms]
        rows = tuple(dict.fromkeys(t.severity for t in terms if not t.is_allow))
        category_ids = _first_seen(categories)
        return cls(
            hit_info=tuple(zip(texts, categories, severities, strict=True)),
            allow_keys=frozenset(i for i, t in enumerate(terms) if t.is_allow),
            terms=texts,
            category_names=list(category_ids),
            key_info=_key_info(terms, category_ids, _first_seen(texts), _first_seen(rows)),
            diversion_id=category_ids.get(DIVERSION, -1),
            row_severities=rows,
            policy=policy,
            weights=_weights(rows, policy),
            single_hit=SingleHitScores(policy),
            decisions={},
        )

    def with_policy(self, policy: Policy) -> HitTables:
        return HitTables(
            self.hit_info,
            self.allow_keys,
            self.terms,
            self.category_names,
            self.key_info,
            self.diversion_id,
            self.row_severities,
            policy,
            _weights(self.row_severities, policy),
            SingleHitScores(policy),
            {},
        )


def _first_seen(values: Sequence[T]) -> dict[T, int]:
    """Each distinct value and the order in which it first appeared: its id."""
    return {value: index for index, value in enumerate(dict.fromkeys(values))}


_KEY_INFO = struct.Struct("=iihbB")  # _cscore's KeyInfo


def _key_info(
    terms: Sequence[Term],
    category_ids: dict[str, int],
    term_ids: dict[str, int],
    row_ids: dict[int, int],
) -> bytes:
    """`HitTables.key_info` of `terms`. An allow-listed term is never scored: its severity
    (which no range bounds) and weight row are stored as 0."""
    pack = _KEY_INFO.pack
    return b"".join(
        pack(
            category_ids[term.category],
            term_ids[term.text],
            0 if term.is_allow else row_ids[term.severity],
            0 if term.is_allow else term.severity,
            term.is_allow,
        )
        for term in terms
    )


def _weights(rows: Sequence[int], policy: Policy) -> bytes:
    weights = [policy.hit_weight(severity, variant) for severity in rows for variant in VARIANTS]
    return array.array("d", weights).tobytes()


def assemble(
    tables: HitTables,
    surface: str,
    texts: Sequence[str],
    rows: bytes,
    contacts: dict[int, list[Contact]],
) -> list[Verdict]:
    """One verdict per text, from the matcher's `find_rows` and the contacts found."""
    texts = texts if isinstance(texts, list) else list(texts)
    verdicts: list[Verdict]
    numbers: Iterable[int]  # the texts whose verdicts `verdict_for` makes
    if _cscore is None:
        verdicts = [Verdict("pass") for _ in texts]
        found = compact_of(rows)
        numbers = found.keys() | contacts.keys()
    else:
        verdicts, numbers = _assemble_c(tables, surface, texts, rows, contacts)
        found = compact_of(rows) if numbers else {}  # allow-listed terms and the like
    for number in numbers:
        matches = found.get(number, [])
        in_text = contacts.get(number, [])
        verdicts[number] = verdict_for(tables, surface, texts[number], matches, in_text)
    return verdicts


def _assemble_c(
    tables: HitTables,
    surface: str,
    texts: list[str],
    rows: bytes,
    contacts: dict[int, list[Contact]],
) -> tuple[list[Verdict], list[int]]:
    """`_cscore.assemble`: the verdicts, None where the Python path must settle, and the
    numbers of those texts."""
    decisions = tables.decisions.setdefault(surface, {})
    if len(decisions) > MAX_DECISIONS:
        decisions.clear()
    made: tuple[list[Verdict], list[int]] = _cscore.assemble(
        texts,
        rows,
        contacts,
        Hit,
        Label,
        Verdict,
        round,
        tables.policy.decide,
        surface,
        decisions,
        DIVERSION,
        tables.diversion_id,
        tables.policy.contact_weight(surface),
        max(CONTACT_SEVERITY, 0),
        tables.terms,
        tables.category_names,
        tables.key_info,
        tables.weights,
        VARIANTS,
        "pass",
    )
    return made


def verdict_for(
    tables: HitTables,
    surface: str,
    text: str,
    matches: list[CompactMatch],
    contacts: list[Contact],
) -> Verdict:
    """The verdict of one text from its matches and contacts, in Python."""
    hit_info = tables.hit_info
    allow_keys = tables.allow_keys
    if allow_keys:
        matches = _not_allowed(matches, allow_keys)
    if len(matches) == 1 and not contacts:  # the most common shape, kept cheap
        ((start, end, key, variant),) = matches
        term, category, severity = hit_info[key]
        score, suggestion = tables.single_hit.get(surface, category, severity, variant)
        hit = Hit(term, category, text[start:end], start, end, variant)
        return Verdict(suggestion, (Label(category, score, severity),), (hit,))
    hits: list[Hit] = []
    severities: list[int] = []
    for start, end, key, variant in matches:
        term, category, severity = hit_info[key]
        hits.append(Hit(term, category, text[start:end], start, end, variant))
        severities.append(severity)
    if not hits and not contacts:
        return Verdict("pass")
    policy = tables.policy
    labels = score_labels(hits, severities, contacts, policy, surface)
    suggestion = policy.decide(surface, {label.category: label.score for label in labels})
    return Verdict(suggestion, tuple(labels), tuple(hits), tuple(contacts))


def _not_allowed(matches: list[CompactMatch], allow_keys: frozenset[int]) -> list[CompactMatch]:
    """The matches that are not allow-listed terms nor inside one."""
    allowed = [(start, end) for start, end, key, _ in matches if key in allow_keys]
    if not allowed:
        return matches
    return [
        match
        for match in matches
        if match[2] not in allow_keys and not _inside_any(match[0], match[1], allowed)
    ]


def _inside_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(low <= start and end <= high for low, high in spans)
