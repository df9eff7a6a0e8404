"""Sealing personal information: round trips, tampering, field binding, blind indexes, keys."""

from __future__ import annotations

import base64
from collections.abc import Callable
from itertools import count

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe.domain import (
    Keyring,
    PiiError,
    PiiKeyError,
    PiiKeys,
    SealedValue,
    TamperedError,
    blind_index,
    seal,
    unseal,
)
from shenhe.domain.pii import generate_master_key, parse_master_key

MASTER = bytes(range(32))
KEYS = PiiKeys.derive(MASTER)
ID_NUMBER = "11010519491231002X"
MOBILE = "13800138000"


def counter_nonces() -> Callable[[int], bytes]:
    numbers = count()
    return lambda size: next(numbers).to_bytes(size, "big")


def test_a_sealed_value_opens_and_shows_only_its_mask() -> None:
    sealed = seal(KEYS, "id_number", ID_NUMBER)
    assert unseal(KEYS, "id_number", sealed) == ID_NUMBER
    assert unseal(KEYS, "id_number", sealed.token) == ID_NUMBER
    assert sealed.masked == "110***********002X"
    for shown in (repr(sealed), str(sealed), f"{sealed}", sealed.token, sealed.blind_index):
        assert ID_NUMBER not in shown and "19491231" not in shown
    assert repr(sealed) == "SealedValue(masked='110***********002X', key_id='k1')"
    assert sealed.token.startswith("v1.k1.")


def test_fields_are_masked_their_own_way() -> None:
    assert seal(KEYS, "mobile", MOBILE).masked == "138****8000"
    assert seal(KEYS, "uscc", "91350100M000100Y43").masked == "913***********0Y43"
    assert seal(KEYS, "name", "张三丰").masked == "***"


def test_each_seal_uses_a_fresh_nonce() -> None:
    first, second = seal(KEYS, "id_number", ID_NUMBER), seal(KEYS, "id_number", ID_NUMBER)
    assert first.token != second.token
    assert first.blind_index == second.blind_index


def test_a_nonce_source_makes_sealing_reproducible() -> None:
    one = seal(KEYS, "id_number", ID_NUMBER, nonce_source=counter_nonces())
    two = seal(KEYS, "id_number", ID_NUMBER, nonce_source=counter_nonces())
    assert one == two
    with pytest.raises(PiiError, match="12 bytes"):
        seal(KEYS, "id_number", ID_NUMBER, nonce_source=lambda size: b"short")


def _flip(token: str, index: int) -> str:
    char = token[index]
    return token[:index] + ("A" if char != "A" else "B") + token[index + 1 :]


@pytest.mark.parametrize("index", [6, 10, 20, 30, -1, -10])
def test_a_tampered_token_does_not_open(index: int) -> None:
    token = seal(KEYS, "id_number", ID_NUMBER).token
    with pytest.raises(TamperedError) as caught:
        unseal(KEYS, "id_number", _flip(token, index))
    assert ID_NUMBER not in str(caught.value)
    assert caught.value.field == "id_number"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "v1.k1",
        "v2.k1.AAAA",
        "v1.k1.AAAA",  # too short
        "v1.k 1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1.k1.AAAAA",  # not base64 at all (5 characters)
        "v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
        "v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",  # non-canonical trailing bits
        "v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.x",
    ],
)
def test_malformed_tokens_are_tampered(token: str) -> None:
    with pytest.raises(TamperedError):
        unseal(KEYS, "id_number", token)


def test_a_token_sealed_for_one_field_does_not_open_for_another() -> None:
    sealed = seal(KEYS, "id_number", ID_NUMBER)
    with pytest.raises(TamperedError):
        unseal(KEYS, "mobile", sealed.token)
    with pytest.raises(TamperedError):
        unseal(KEYS, "legal_rep_id_number", sealed)


def test_a_swapped_blind_index_is_caught() -> None:
    mine, theirs = seal(KEYS, "id_number", ID_NUMBER), seal(KEYS, "id_number", "110105194912310021")
    swapped = SealedValue(mine.token, theirs.blind_index, mine.masked)
    with pytest.raises(TamperedError, match="blind index"):
        unseal(KEYS, "id_number", swapped)
    with pytest.raises(TamperedError):
        unseal(KEYS, "id_number", SealedValue(mine.token, "é" * 64, mine.masked))


def test_a_relabelled_key_id_does_not_open() -> None:
    other = PiiKeys.derive(MASTER, key_id="k2")  # the same keys under another name
    token = seal(KEYS, "id_number", ID_NUMBER).token.replace("v1.k1.", "v1.k2.")
    with pytest.raises(TamperedError):
        unseal(other, "id_number", token)


def test_the_wrong_keys_do_not_open() -> None:
    stranger = PiiKeys.derive(b"\xff" * 32)
    sealed = seal(KEYS, "id_number", ID_NUMBER)
    with pytest.raises(TamperedError):
        unseal(stranger, "id_number", sealed)
    with pytest.raises(PiiKeyError, match="k2"):
        unseal(PiiKeys.derive(MASTER, key_id="k2"), "id_number", sealed)


def test_blind_indexes_match_equal_values_only() -> None:
    index = blind_index(KEYS, "id_number", ID_NUMBER)
    assert len(index) == 64 and int(index, 16) >= 0
    assert index == seal(KEYS, "id_number", ID_NUMBER).blind_index
    assert index != blind_index(KEYS, "id_number", "110105194912310021")
    assert index != blind_index(KEYS, "mobile", ID_NUMBER)  # fields do not correlate
    assert index != blind_index(PiiKeys.derive(b"\x01" * 32), "id_number", ID_NUMBER)


def test_the_two_keys_are_separate_and_derived_deterministically() -> None:
    again = PiiKeys.derive(MASTER)
    assert again == KEYS
    assert KEYS.encryption_key != KEYS.index_key
    assert MASTER not in (KEYS.encryption_key, KEYS.index_key)
    assert "encryption_key" not in repr(KEYS) and repr(KEYS) == "PiiKeys(key_id='k1')"
    # a key that can compute indexes cannot open tokens
    index_only = PiiKeys("k1", KEYS.index_key, KEYS.encryption_key)
    with pytest.raises(TamperedError):
        unseal(index_only, "id_number", seal(KEYS, "id_number", ID_NUMBER).token)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: PiiKeys.derive(b"short"), "at least 32"),
        (lambda: PiiKeys.derive(MASTER, key_id="k.1"), "key id"),
        (lambda: PiiKeys("k1", b"x" * 31, b"y" * 32), "encryption_key"),
        (lambda: PiiKeys("k1", b"x" * 32, b"x" * 32), "differ"),
        (lambda: Keyring(KEYS, (PiiKeys.derive(b"\x02" * 32),)), "once"),
    ],
)
def test_bad_keys_are_refused(build: Callable[[], object], message: str) -> None:
    with pytest.raises(PiiKeyError, match=message):
        build()


def test_a_keyring_seals_with_the_current_key_and_opens_with_any() -> None:
    old = PiiKeys.derive(b"\x03" * 32, key_id="k0")
    new = PiiKeys.derive(b"\x04" * 32, key_id="k1")
    sealed_before = seal(old, "id_number", ID_NUMBER)
    ring = Keyring(new, (old,))
    sealed_after = seal(ring, "id_number", ID_NUMBER)
    assert sealed_after.key_id == "k1"
    assert unseal(ring, "id_number", sealed_before) == ID_NUMBER
    assert unseal(ring, "id_number", sealed_after) == ID_NUMBER
    assert ring.blind_indexes("id_number", ID_NUMBER) == (
        sealed_after.blind_index,
        sealed_before.blind_index,
    )
    with pytest.raises(PiiKeyError, match="k0"):
        unseal(Keyring(new), "id_number", sealed_before)


@pytest.mark.parametrize("field", ["", "ID", "id number", "1st", "id.number", "x" * 65])
def test_field_names_are_checked(field: str) -> None:
    with pytest.raises(PiiError):
        seal(KEYS, field, ID_NUMBER)


def test_a_value_that_is_not_unicode_is_refused_without_echo() -> None:
    with pytest.raises(PiiError) as caught:
        seal(KEYS, "name", "abc\udc80")
    assert "abc" not in str(caught.value)


def test_master_keys_as_text() -> None:
    text = generate_master_key()
    assert parse_master_key(text) == base64.urlsafe_b64decode(text) and len(text) == 44
    assert parse_master_key(MASTER.hex()) == MASTER
    assert parse_master_key(base64.b64encode(MASTER).decode().rstrip("=")) == MASTER
    for bad in ("", "not a key!", "abcd", MASTER.hex()[:-2]):
        with pytest.raises(PiiKeyError) as caught:
            parse_master_key(bad)
        assert "not a key" not in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["id_number", "mobile", "name", "address"]))
def test_any_text_round_trips(value: str, field: str) -> None:
    sealed = seal(KEYS, field, value)
    assert unseal(KEYS, field, sealed) == value
    assert len(sealed.masked) == len(value)
    assert repr(sealed) == f"SealedValue(masked={sealed.masked!r}, key_id='k1')"
    if field in ("name", "address"):
        assert set(sealed.masked) <= {"*"}
