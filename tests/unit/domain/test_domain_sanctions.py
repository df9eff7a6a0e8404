"""How decisions become penalties and how penalties move an app's status and give it back
(`shenhe.domain.sanctions`), and the registry's records (`principals`, `registry`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shenhe.domain import Catalogue
from shenhe.domain.apps import AppStatus, Decision
from shenhe.domain.pii import Keyring, PiiKeys, seal
from shenhe.domain.principals import Principal
from shenhe.domain.registry import registry_date
from shenhe.domain.sanctions import (
    HARSHNESS,
    base_status,
    harsher,
    penalty_worthy,
    status_after_lift,
    status_during,
)

CATALOGUE = Catalogue.default()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
S = AppStatus


def decision(outcome: str, reasons: tuple[str, ...], category: str = "tools") -> Decision:
    return Decision(
        appid="wx1",
        kind="new",
        category=category,
        outcome=outcome,  # type: ignore[arg-type]
        reasons=reasons,
        evidence={},
        policy_version="p",
        lexicon_version="l",
        catalogue_version="c",
        decided_on=date(2026, 3, 2),
    )


@pytest.mark.parametrize(
    ("outcome", "reasons", "category", "worthy"),
    [
        ("reject", ("content.loan", "qualification.missing.lending_licence"), "tools", True),
        ("reject", ("drift.lending_after_approval",), "tools", True),
        ("reject", ("diversion.mass",), "social", True),
        ("reject", ("clone.of_banned",), "tools", True),
        ("reject", ("content.porn",), "lifestyle", True),
        # Paperwork alone refuses and punishes no one.
        ("reject", ("qualification.expired.lending_licence",), "lending", False),
        ("reject", ("principal.blacklisted",), "tools", False),
        ("reject", ("principal.individual_not_allowed",), "lending", False),
        # A lending app without its licence is refused; loans in a tool are the evasion.
        ("reject", ("content.loan", "qualification.missing.lending_licence"), "lending", False),
        ("reject", ("content.porn", "qualification.missing.lending_licence"), "lending", True),
        # A licensed lender whose content goes too far is punished.
        ("reject", ("content.loan",), "lending", True),
        ("review", ("content.loan",), "tools", False),
        ("approve", (), "tools", False),
    ],
)
def test_which_rejections_are_punished(
    outcome: str, reasons: tuple[str, ...], category: str, worthy: bool
) -> None:
    assert penalty_worthy(decision(outcome, reasons, category), CATALOGUE) is worthy


def test_a_penalty_never_makes_an_app_more_visible() -> None:
    assert status_during(S.LISTED, S.WARNED) is S.WARNED
    assert status_during(S.REJECTED, S.WARNED) is S.REJECTED
    assert status_during(S.REJECTED, S.RESTRICTED) is S.REJECTED
    assert status_during(S.REJECTED, S.SUSPENDED) is S.SUSPENDED
    assert status_during(S.SUSPENDED, S.BANNED) is S.BANNED
    assert status_during(S.BANNED, S.WARNED) is S.BANNED


@given(st.sampled_from(HARSHNESS), st.sampled_from(HARSHNESS))
def test_harsher_is_the_less_visible(first: AppStatus, second: AppStatus) -> None:
    result = harsher(first, second)
    assert result in (first, second) and result == harsher(second, first)
    assert HARSHNESS.index(result) == max(HARSHNESS.index(first), HARSHNESS.index(second))
    assert set(HARSHNESS) == set(AppStatus)


def test_a_new_penalty_gives_back_what_the_one_holding_the_app_would() -> None:
    assert base_status(S.LISTED, []) is S.LISTED
    assert base_status(S.WARNED, [(S.WARNED, S.LISTED)]) is S.LISTED
    # A decision moved the app since: the earlier penalty no longer holds it.
    assert base_status(S.REJECTED, [(S.SUSPENDED, S.LISTED)]) is S.REJECTED


def test_a_lift_gives_back_only_what_nothing_else_moved() -> None:
    assert status_after_lift(S.SUSPENDED, sets=S.SUSPENDED, restores=S.LISTED) is S.LISTED
    held = status_after_lift(
        S.SUSPENDED, sets=S.SUSPENDED, restores=S.LISTED, others_in_force=[S.SUSPENDED]
    )
    assert held is None
    assert status_after_lift(S.REJECTED, sets=S.SUSPENDED, restores=S.LISTED) is None
    assert status_after_lift(S.BANNED, sets=None, restores=None) is None


def test_the_registry_keeps_china_standard_time() -> None:
    assert registry_date(datetime(2026, 3, 1, 15, 59, tzinfo=UTC)) == date(2026, 3, 1)
    assert registry_date(datetime(2026, 3, 1, 16, 0, tzinfo=UTC)) == date(2026, 3, 2)
    with pytest.raises(ValueError, match="timezone-aware"):
        registry_date(datetime(2026, 3, 1))


def test_a_principal_shows_its_identity_number_masked_only() -> None:
    keys = Keyring(PiiKeys.derive(bytes(range(32))))
    sealed = seal(keys, "id_number", "11010519491231002X")
    person = Principal(7, "individual", "张三", id_number=sealed)
    shown = str(person.to_dict()) + repr(person) + person.identity
    assert "11010519491231002" not in shown and sealed.token not in shown
    assert person.to_dict()["id_number_masked"] == "110***********002X"
    assert person.ref.id == "7" and person.ref.kind == "individual"


def test_a_blacklist_holds_until_its_end() -> None:
    forever = Principal(1, "enterprise", "x", uscc="91350100M000100Y43", blacklisted=True)
    assert forever.blacklisted_at(NOW)
    until = Principal(1, "enterprise", "x", blacklisted=True, blacklisted_until=NOW)
    assert until.blacklisted_at(NOW - timedelta(seconds=1)) and not until.blacklisted_at(NOW)
    assert not Principal(1, "enterprise", "x").blacklisted_at(NOW)
