"""Masking: how personal identifiers are shown to people (110***********0078, 138****8000).

A mask keeps the length, shows a few characters at each end and hides the rest. A value too
short to hide at least `MIN_HIDDEN` characters is hidden entirely, so a mask never gives away
the whole value, or nearly all of it.
"""

from __future__ import annotations

MASK_CHAR = "*"
MIN_HIDDEN = 4


def mask(value: str, head: int, tail: int) -> str:
    """`value` with all but its first `head` and last `tail` characters replaced by ``*``."""
    if head < 0 or tail < 0:
        raise ValueError("head and tail must not be negative")
    hidden = len(value) - head - tail
    if hidden < MIN_HIDDEN:
        return MASK_CHAR * len(value)
    return value[:head] + MASK_CHAR * hidden + value[len(value) - tail :]


def mask_id_number(value: str) -> str:
    """A resident identity number: region prefix and the last four (110***********0078)."""
    return mask(value, 3, 4)


def mask_uscc(value: str) -> str:
    """A Unified Social Credit Code, shown like an identity number (913***********0Y43)."""
    return mask(value, 3, 4)


def mask_mobile(value: str) -> str:
    """A mainland mobile number: the carrier prefix and the last four (138****8000)."""
    return mask(value, 3, 4)


def mask_all(value: str) -> str:
    """Any other value: every character hidden; only the length shows."""
    return MASK_CHAR * len(value)
