"""Showing a verdict in the terminal: the suggestion, the labels, and the text with its spans lit.

Every string that comes from the input or a lexicon is wrapped in `Text`, never parsed as markup.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from shenhe.screening.verdict import Verdict

SUGGESTION_STYLES = {"pass": "bold green", "review": "bold yellow", "block": "bold red"}
HIT_STYLE = "bold white on red"
CONTACT_STYLE = "bold black on yellow"


def highlighted(text: str, verdict: Verdict) -> Text:
    """`text` with each hit and contact span styled; offsets are code points, as in rich."""
    lit = Text(text)
    for contact in verdict.contacts:
        lit.stylize(CONTACT_STYLE, contact.start, contact.end)
    for hit in verdict.hits:
        lit.stylize(HIT_STYLE, hit.start, hit.end)
    return lit


def verdict_view(text: str, surface: str, verdict: Verdict) -> RenderableType:
    head = Text.assemble(
        (verdict.suggestion.upper(), SUGGESTION_STYLES.get(verdict.suggestion, "bold")),
        f"  on {surface}",
    )
    parts: list[RenderableType] = [head, highlighted(text, verdict)]
    if verdict.labels:
        labels = Table("category", "score", "severity", title="labels", title_justify="left")
        for label in verdict.labels:
            labels.add_row(Text(label.category), f"{label.score:.2f}", str(label.severity))
        parts.append(labels)
    if verdict.hits:
        hits = Table("written", "term", "category", "variant", "span", title="hits")
        hits.title_justify = "left"
        for hit in verdict.hits:
            span = f"{hit.start}–{hit.end}"
            hits.add_row(
                Text(hit.text, HIT_STYLE), Text(hit.term), Text(hit.category), hit.variant, span
            )
        parts.append(hits)
    if verdict.contacts:
        contacts = Table("written", "kind", "value", "span", title="contacts", title_justify="left")
        for contact in verdict.contacts:
            span = f"{contact.start}–{contact.end}"
            contacts.add_row(
                Text(contact.text, CONTACT_STYLE), contact.kind, Text(contact.value), span
            )
        parts.append(contacts)
    return Group(*parts)


def show(console: Console, text: str, surface: str, verdict: Verdict) -> None:
    console.print(verdict_view(text, surface, verdict))
