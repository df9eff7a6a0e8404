"""How decisions turn into penalties, and how penalties move an app's status and give it back.

- `penalty_worthy`: a rejection calls for a penalty when it found misconduct — content
  (``content.*``), mass diversion, drift after approval or a clone of a banned app. A
  rejection for paperwork alone (an expired licence, a category closed to individuals, a
  principal already blacklisted) refuses the app and punishes no one; so does content that
  the app's own category declares (loans in a ``lending`` app) when the licence it needs is
  what is missing: an app that says what it is and lacks the licence is refused, while the
  same content in a tool is the 2018 evasion and is punished (zero tolerance).
- `status_during`: a penalty never makes an app more visible than it was. A warning or a
  restriction on an app whose change was just rejected leaves it rejected (the strike and the
  deadline still count); a takedown or a ban takes it down whatever it was.
- `base_status`: what a penalty gives back when it lifts — the status the app had before it,
  or, for an app already held by another penalty, what that one gives back.
- `status_after_lift`: when a penalty lifts, the app gets back the status it had without it,
  unless something else moved it meanwhile (a new decision, another penalty still in force).

Pure: statuses in, statuses out.
"""

from __future__ import annotations

from collections.abc import Iterable

from shenhe.domain import reasons
from shenhe.domain.apps import AppStatus, Decision
from shenhe.domain.catalogue import Catalogue

HARSHNESS: tuple[AppStatus, ...] = (
    AppStatus.LISTED,
    AppStatus.WARNED,
    AppStatus.RESTRICTED,
    AppStatus.IN_REVIEW,
    AppStatus.REJECTED,
    AppStatus.SUSPENDED,
    AppStatus.BANNED,
)
"""Statuses from the most visible to the least: live ones first, a ban last."""

MISCONDUCT_PREFIXES = (f"{reasons.CONTENT}.", "drift.")
MISCONDUCT_CODES = frozenset({reasons.DIVERSION_MASS, reasons.CLONE_OF_BANNED})
QUALIFICATION_PREFIX = "qualification."


def is_misconduct(code: str) -> bool:
    """Whether a reason code describes something the app did (not a missing document)."""
    return code in MISCONDUCT_CODES or code.startswith(MISCONDUCT_PREFIXES)


def penalty_worthy(decision: Decision, catalogue: Catalogue) -> bool:
    """Whether `decision` is a rejection for misconduct (see the module's docstring)."""
    if decision.outcome != "reject":
        return False
    declared: frozenset[str] = frozenset()
    if any(code.startswith(QUALIFICATION_PREFIX) for code in decision.reasons):
        declared = catalogue.category(decision.category).may_carry
    for code in decision.reasons:
        if not is_misconduct(code):
            continue
        content = reasons.content_categories([code])
        if content and content[0] in declared:
            continue
        return True
    return False


def harsher(first: AppStatus, second: AppStatus) -> AppStatus:
    """The less visible of two statuses (`HARSHNESS`)."""
    return max(first, second, key=HARSHNESS.index)


def status_during(before: AppStatus, penalty_status: AppStatus) -> AppStatus:
    """The status of an app that stood at `before` once a penalty of `penalty_status` applies."""
    return harsher(before, penalty_status)


def base_status(
    before: AppStatus, in_force: Iterable[tuple[AppStatus | None, AppStatus | None]]
) -> AppStatus:
    """The status a new penalty gives back when it lifts: the one the app had before it, or,
    when the app is held by a penalty still in force (its status is the one that penalty set),
    the status that penalty gives back. `in_force` holds (sets, restores) of the app's
    penalties in force, oldest first."""
    for sets, restores in in_force:
        if sets is before and restores is not None:
            return restores
    return before


def status_after_lift(
    current: AppStatus,
    *,
    sets: AppStatus | None,
    restores: AppStatus | None,
    others_in_force: Iterable[AppStatus] = (),
) -> AppStatus | None:
    """The status an app goes back to when a penalty lifts, or None to leave it as it is.

    `sets` and `restores` are the status the penalty set and the one it gives back;
    `others_in_force` the statuses set by the app's other penalties still in force. The app
    is left alone when another penalty still holds it, or when its status is no longer the
    one this penalty set (a decision or another penalty moved it since).
    """
    if sets is None or restores is None or current is not sets:
        return None
    if any(True for _ in others_in_force):
        return None
    return restores
