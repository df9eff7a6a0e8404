"""From hits and contacts to labels: per-category scores as the policy weighs the evidence.

A category's score is a noisy-or over its distinct terms, ``1 - prod(1 - w)``, where ``w`` is
the strongest weight any hit of that term earned (severity weight × variant factor). A hit
that lies inside a longer hit of the same category is the same evidence (贷款 in 小额贷款)
and adds nothing. Each distinct contact adds the surface's contact weight to ``diversion``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from shenhe.policy.policy import DIVERSION, Policy, Suggestion
from shenhe.screening.verdict import Hit, Label
from shenhe.text.contacts import Contact

CONTACT_SEVERITY = 2


def score_labels(
    hits: Sequence[Hit],
    severities: Sequence[int],
    contacts: Sequence[Contact],
    policy: Policy,
    surface: str,
) -> list[Label]:
    """Labels, strongest first. `severities[i]` is the severity of the term behind `hits[i]`."""
    if len(hits) == 1 and not contacts:  # the common case, kept cheap
        hit, severity = hits[0], severities[0]
        score = 1.0 - (1.0 - policy.hit_weight(severity, hit.variant))
        return [Label(hit.category, round(score, 4), severity)]
    weights: dict[str, dict[str, float]] = {}
    worst: dict[str, int] = {}
    hit_weight = policy.hit_weight
    nested = _nested(hits) if len(hits) > 1 and _overlapping(hits) else ()
    for index, (hit, severity) in enumerate(zip(hits, severities, strict=True)):
        if index in nested:
            continue
        category = hit.category
        per_term = weights.get(category)
        if per_term is None:
            per_term = weights[category] = {}
            worst[category] = severity
        elif severity > worst[category]:
            worst[category] = severity
        weight = hit_weight(severity, hit.variant)
        if weight > per_term.get(hit.term, -1.0):
            per_term[hit.term] = weight
    if contacts:
        per_term = weights.setdefault(DIVERSION, {})
        weight = policy.contact_weight(surface)
        for contact in contacts:
            per_term[f"{contact.kind}:{contact.value}"] = weight
        worst[DIVERSION] = max(CONTACT_SEVERITY, worst.get(DIVERSION, 0))
    labels = [
        Label(category, round(_noisy_or(per_term.values()), 4), worst[category])
        for category, per_term in weights.items()
    ]
    if len(labels) > 1:
        labels.sort(key=lambda label: (-label.score, label.category))
    return labels


class SingleHitScores:
    """Score and suggestion for a text whose only evidence is one hit, by (surface,
    category, severity, variant): the most common shape of a flagged text. Each is computed
    once by `score_labels` and `Policy.decide`, so the numbers are theirs."""

    __slots__ = ("_known", "_policy")

    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._known: dict[tuple[str, str, int, str], tuple[float, Suggestion]] = {}

    def get(
        self, surface: str, category: str, severity: int, variant: str
    ) -> tuple[float, Suggestion]:
        key = (surface, category, severity, variant)
        known = self._known.get(key)
        if known is None:
            hit = Hit(category, category, "", 0, 0, variant)
            (label,) = score_labels([hit], [severity], [], self._policy, surface)
            suggestion = self._policy.decide(surface, {category: label.score})
            known = self._known[key] = (label.score, suggestion)
        return known


def _overlapping(hits: Sequence[Hit]) -> bool:
    """False when every hit starts at or after the end of all before it (so none is nested)."""
    reach = -1
    for hit in hits:
        if hit.start < reach:
            return True
        reach = hit.end
    return False


def _nested(hits: Sequence[Hit]) -> set[int]:
    """Indexes of hits that lie inside another hit of their category."""
    order = sorted(range(len(hits)), key=lambda i: (hits[i].start, -hits[i].end))
    reach: dict[str, int] = {}
    nested: set[int] = set()
    for index in order:
        hit = hits[index]
        if reach.get(hit.category, -1) >= hit.end:
            nested.add(index)
        else:
            reach[hit.category] = hit.end
    return nested


def _noisy_or(weights: Iterable[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return 1.0 - remaining
