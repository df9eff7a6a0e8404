"""Errors of the front, agreements, posting, credit and complaints. None knows about HTTP.

    ShenheError
    └── DomainError
        ├── ProfileRejectedError     a nickname, bio or avatar caption broke a rule (each
        │                            problem with its field, reason code and span)
        ├── AgreementError           an agreement document or version is malformed
        ├── CreditRulesError         a credit rules document is malformed
        ├── ImpersonationListError   an official-bodies list is malformed
        ├── IpTableError             an IP location table cannot be read
        ├── PostError                a post or comment is malformed (empty, too long)
        ├── PostRefusedError         screening or credit refused a post (reason, spans)
        └── ReportError              a report or a moderator's decision is malformed

Messages name the field and the rule, and say what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from shenhe.domain.errors import DomainError


class Span(Protocol):
    """A stretch of a text: a hit, a contact, a named official body."""

    @property
    def text(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Problem:
    """One rule a text broke: the field, a stable reason code, and the offending span."""

    field: str
    reason: str
    message: str
    text: str = ""
    start: int | None = None
    end: int | None = None

    @classmethod
    def at(cls, field: str, reason: str, message: str, span: Span) -> Problem:
        """The problem of `span` in `field`."""
        return cls(field, reason, message, span.text, span.start, span.end)


class ProblemsError(DomainError):
    """An error made of `Problem`s, each naming its field and span."""

    def __init__(self, summary: str, problems: Sequence[Problem]):
        details = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(f"{summary}: {details}" if details else summary)
        self.problems = tuple(problems)


class ProfileRejectedError(ProblemsError):
    """A profile field broke a rule of the 2022 account-information rules."""


class PostRefusedError(ProblemsError):
    """A post or comment was refused: it screens as ``block``, or holds a link the author's
    credit does not allow."""


class AgreementError(DomainError):
    """An agreement document or version is malformed; `field` names the field at fault."""

    def __init__(self, message: str, *, field: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class CreditRulesError(DomainError):
    """A credit rules document is malformed; the message names the field at fault."""


class ImpersonationListError(DomainError):
    """An official-bodies list is malformed; the message names the field at fault."""


class IpTableError(DomainError):
    """An IP location table cannot be read; the message names the line at fault."""


class PostError(DomainError):
    """A post or comment is malformed; `field` names the field at fault."""

    def __init__(self, message: str, *, field: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class ReportError(DomainError):
    """A report or a decision on a case is malformed; `field` names the field at fault."""

    def __init__(self, message: str, *, field: str):
        super().__init__(f"{field}: {message}")
        self.field = field
