"""Reason codes: the stable strings a decision or a penalty gives for itself.

A reason code is ``<family>.<detail>``, lower case, dots between parts. Imports, integrations,
the audit log and the penalty ladder (``zero_tolerance`` in ``shenhe/data/penalties.yaml``)
match on them, so a code, once shipped, is never renamed; new ones may be added. Families
that take a parameter are written with it in angle brackets:

=================================  =========================================================
``content.<category>``             a surface screened at review level or worse for a screening
                                   category (``content.loan``, ``content.diversion``,
                                   ``content.counterfeit``, ``content.porn``, ...)
``diversion.mass``                 diversion at block level on three surfaces or more
                                   (`review.MASS_DIVERSION_SURFACES`): malicious mass diversion
``qualification.missing.<type>``   a licence the category or the content needs is not held
``qualification.expired.<type>``   the licence held has expired
``qualification.not_yet_valid.<type>``  the licence held is not valid yet
``qualification.unverified.<type>``     the licence held has not been verified yet
``category.mismatch.<category>``   the content needs another category, whose licences the
                                   principal holds (a licensed lender listed as a tool)
``principal.blacklisted``          the principal is on the blacklist
``principal.individual_not_allowed``  a natural person in a category open only to enterprises
``drift.lending_after_approval``   an approved app changed into lending content
``drift.diversion_after_approval`` an approved app changed into diversion
``clone.of_banned``                a near-duplicate of a banned app
``brand.imitation``                a name imitating a protected brand
=================================  =========================================================

`describe` gives the sentence for a code; `is_known` says whether a code belongs to a family.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

CONTENT = "content"
QUALIFICATION_MISSING = "qualification.missing"
QUALIFICATION_EXPIRED = "qualification.expired"
QUALIFICATION_NOT_YET_VALID = "qualification.not_yet_valid"
QUALIFICATION_UNVERIFIED = "qualification.unverified"
CATEGORY_MISMATCH = "category.mismatch"

DIVERSION_MASS = "diversion.mass"
PRINCIPAL_BLACKLISTED = "principal.blacklisted"
PRINCIPAL_INDIVIDUAL = "principal.individual_not_allowed"
DRIFT_LENDING = "drift.lending_after_approval"
DRIFT_DIVERSION = "drift.diversion_after_approval"
CLONE_OF_BANNED = "clone.of_banned"
BRAND_IMITATION = "brand.imitation"

FAMILIES: Mapping[str, str] = MappingProxyType(
    {
        CONTENT: "a surface screened at review level or worse for the {} category",
        QUALIFICATION_MISSING: "the {} licence is required and not held",
        QUALIFICATION_EXPIRED: "the {} licence held has expired",
        QUALIFICATION_NOT_YET_VALID: "the {} licence held is not valid yet",
        QUALIFICATION_UNVERIFIED: "the {} licence held has not been verified yet",
        CATEGORY_MISMATCH: "the content belongs in the {} category",
    }
)
"""Codes that take a parameter: prefix → sentence (``{}`` is the parameter)."""

CODES: Mapping[str, str] = MappingProxyType(
    {
        DIVERSION_MASS: "diversion at block level on many surfaces: malicious mass diversion",
        PRINCIPAL_BLACKLISTED: "the principal behind the app is blacklisted",
        PRINCIPAL_INDIVIDUAL: "the category is open to enterprises only, not to individuals",
        DRIFT_LENDING: "an approved app changed into lending content",
        DRIFT_DIVERSION: "an approved app changed into diverting users to outside channels",
        CLONE_OF_BANNED: "the app is a near-duplicate of a banned app",
        BRAND_IMITATION: "the app's name imitates a protected brand",
    }
)
"""Codes without a parameter → sentence."""


def content(category: str) -> str:
    """``content.<category>``: ``content("loan") == "content.loan"``."""
    return f"{CONTENT}.{category}"


def qualification(family: str, qualification_type: str) -> str:
    """``<family>.<type>``: ``qualification(QUALIFICATION_MISSING, "lending_licence")``."""
    return f"{family}.{qualification_type}"


def category_mismatch(category: str) -> str:
    """``category.mismatch.<category>``: the content needs `category`."""
    return f"{CATEGORY_MISMATCH}.{category}"


def content_categories(codes: Iterable[str]) -> tuple[str, ...]:
    """The screening categories named by the ``content.*`` codes among `codes`, in order."""
    if isinstance(codes, str):
        raise TypeError("content_categories takes a collection of reason codes, not one")
    prefix = f"{CONTENT}."
    return tuple(code[len(prefix) :] for code in codes if code.startswith(prefix))


def is_known(code: str) -> bool:
    """Whether `code` is one of `CODES` or a family of `FAMILIES` with a parameter."""
    return code in CODES or _family(code) is not None


def describe(code: str) -> str:
    """The sentence for `code`; an unknown code is described as such, not refused."""
    if code in CODES:
        return CODES[code]
    family = _family(code)
    if family is None:
        return f"unknown reason {code!r}"
    return FAMILIES[family].format(code[len(family) + 1 :])


def _family(code: str) -> str | None:
    for family in FAMILIES:
        if code.startswith(family + ".") and len(code) > len(family) + 1:
            return family
    return None
