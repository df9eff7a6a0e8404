"""Shenhe's exception tree. Every error a user can see is one of these.

    ShenheError
    ├── LexiconError          a lexicon file or term is malformed (text/screening layer)
    ├── PolicyError           a policy file is malformed or names an unknown surface
    ├── InputError            a text or batch given to the screener is not acceptable
    │   └── TextTooLongError  a single text exceeds the configured maximum length
    └── ConfigError           a setting has an invalid value

Messages say what was wrong and what to do: the field, the line number, the check that failed.
The HTTP layer maps these to status codes in one handler; nothing here knows about HTTP.
"""

from __future__ import annotations


class ShenheError(Exception):
    """Base class of every error Shenhe raises on purpose."""


class LexiconError(ShenheError):
    """A lexicon source could not be read or contains an invalid entry."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        where = ""
        if source is not None:
            where = f"{source}:{line}: " if line is not None else f"{source}: "
        super().__init__(f"{where}{message}")
        self.source = source
        self.line = line


class PolicyError(ShenheError):
    """A policy document is invalid."""


class InputError(ShenheError):
    """Input to the screener is invalid (wrong type, unknown surface, too long)."""


class TextTooLongError(InputError):
    """A text is longer than the maximum the screener accepts."""

    def __init__(self, length: int, limit: int, *, index: int | None = None):
        which = f"text #{index}" if index is not None else "text"
        super().__init__(
            f"{which} has {length} characters; the limit is {limit}. "
            "Split it into smaller parts and screen each."
        )
        self.length = length
        self.limit = limit
        self.index = index


class ConfigError(ShenheError):
    """A configuration value is invalid."""
