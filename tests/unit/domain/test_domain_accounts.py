"""The pure parts of accounts: publishing rights, the per-account data keys, one-time codes,
operator tokens."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe.domain.account_vault import (
    new_data_key,
    open_identity,
    seal_identity,
    unwrap,
    wrap,
    wrapped_key_id,
)
from shenhe.domain.accounts import Account
from shenhe.domain.errors import TamperedError
from shenhe.domain.operators import new_token, parse_roles, token_hash
from shenhe.domain.otp import OtpCode, OtpRules, check, code_hash, new_code, resend_wait
from shenhe.domain.pii import Keyring, PiiKeys, blind_index

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RING = Keyring(PiiKeys.derive(bytes(range(32))))


def account(**changes: object) -> Account:
    values: dict[str, object] = {
        "id": 1,
        "kind": "individual",
        "status": "active",
        "identity": {},
        "identity_status": "verified",
        "identity_verified_at": NOW,
        "identity_due_at": NOW + timedelta(days=365),
        "mobile_verified_at": NOW,
        "created_at": NOW,
        **changes,
    }
    return Account(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, "ok"),
        ({"status": "deleted", "identity_status": "failed"}, "account_deleted"),
        ({"status": "closed"}, "account_closed"),
        ({"status": "suspended", "mobile_verified_at": None}, "account_suspended"),
        ({"identity_status": "failed"}, "identity_failed"),
        ({"identity_due_at": NOW}, "identity_lapsed"),
        ({"mobile_verified_at": None}, "mobile_unverified"),
    ],
)
def test_publishing_rights_name_the_first_thing_missing(changes: dict[str, object], code: str):
    rights = account(**changes).rights_at(NOW)
    assert rights.code == code and rights.allowed == (code == "ok")
    assert rights.allowed or rights.reason


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "id_number", "mobile"]), st.text(min_size=1)))
def test_identity_sealed_under_a_data_key_opens_and_indexes_under_the_master(values):
    data_key = new_data_key()
    sealed = seal_identity(RING, data_key, values)
    assert open_identity(unwrap(RING, wrap(RING, data_key)), sealed) == values
    for name, value in values.items():
        assert sealed[name].blind_index == blind_index(RING.current, name, value)
    if values:
        with pytest.raises(TamperedError):  # another account's key opens nothing
            open_identity(new_data_key(), sealed)


def test_a_wrapped_key_names_the_master_key():
    assert wrapped_key_id(wrap(RING, new_data_key())) == "k1"


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=64, max_size=64))
def test_codes_are_six_digits(randomness):
    stream = iter(randomness[i : i + 4] for i in range(0, 64, 4))
    code = new_code(lambda n: next(stream))
    assert len(code) == 6 and code.isdigit()


def test_a_code_is_checked_against_its_hash():
    rules = OtpRules()
    stored = OtpCode(
        1, 7, "mobile", code_hash(RING.current, 7, "mobile", "123456"), NOW, NOW + rules.ttl, 0
    )
    assert check(stored, RING.current, " 123456 ", NOW, rules) == "ok"
    assert check(stored, RING.current, "123457", NOW, rules) == "wrong"
    assert check(stored, RING.current, "123456", NOW + rules.ttl, rules) == "expired"
    spent = dataclasses.replace(stored, attempts=rules.max_attempts)
    assert check(spent, RING.current, "123456", NOW, rules) == "spent"
    assert check(None, RING.current, "123456", NOW, rules) == "none"
    assert resend_wait(stored, NOW + timedelta(seconds=45), rules) == timedelta(seconds=15)
    assert resend_wait(stored, NOW + timedelta(minutes=2), rules) == timedelta(0)
    today = [NOW + timedelta(hours=h) for h in range(10)]  # ten codes, one an hour
    later = NOW + timedelta(hours=12)
    assert resend_wait(stored, later, rules, today) == timedelta(hours=12)
    assert resend_wait(stored, later, rules, today[1:]) == timedelta(0)


def test_tokens_are_random_and_stored_as_hashes():
    first, second = new_token(), new_token()
    assert first != second and first.startswith("shk_") and len(first) == 47
    assert token_hash(first) != token_hash(second) and len(token_hash(first)) == 64
    assert parse_roles(["pii_reveal", "moderator"]) == ("moderator", "pii_reveal")
    with pytest.raises(ValueError, match="root"):
        parse_roles(["root"])


def test_a_swapped_blind_index_does_not_open():
    data_key = new_data_key()
    sealed = seal_identity(RING, data_key, {"id_number": "110105199003071239"})
    other = seal_identity(RING, data_key, {"id_number": "440305198511204563"})
    swapped = {
        "id_number": dataclasses.replace(
            sealed["id_number"], blind_index=other["id_number"].blind_index
        )
    }
    assert open_identity(data_key, swapped) == {"id_number": "110105199003071239"}
    with pytest.raises(TamperedError, match="blind index"):
        open_identity(data_key, swapped, RING)
