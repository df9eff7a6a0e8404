"""Envelope encryption of an account's identity: a data key per account, wrapped by the master.

Each account gets a fresh 32-byte *data key*. Its identity values are sealed (AES-256-GCM,
`shenhe.domain.pii.seal`) under keys derived from that data key, while their blind indexes
are computed under the *master* index key (the keyring's), so that the same identity number
gives the same index whichever account holds it: that is how duplicates, the per-identity
limit and the blacklist find a person. The data key itself is stored only *wrapped*: sealed
under the keyring's current key as the field ``account_key``.

Deleting an account destroys its wrapped data key and its sealed values (cryptographic
erasure): even a backup that still holds the ciphertexts cannot be opened without the data key,
which existed nowhere else. A key rotation unwraps every data key with the old master key,
generates a new data key, re-seals the values and wraps the new key with the new master key.
"""

from __future__ import annotations

import base64
import dataclasses
import os
from collections.abc import Mapping

from shenhe.domain.errors import PiiKeyError, TamperedError
from shenhe.domain.pii import (
    KEY_BYTES,
    Keyring,
    NonceSource,
    PiiKeys,
    SealedValue,
    blind_index,
    seal,
    unseal,
)

DATA_KEY_FIELD = "account_key"
"""The PII field a wrapped data key is sealed as."""
DATA_KEY_ID = "acct"
"""The key id inside tokens sealed under an account's data key."""


def new_data_key(random: NonceSource = os.urandom) -> bytes:
    """A fresh random data key for one account."""
    return random(KEY_BYTES)


def wrap(keyring: Keyring, data_key: bytes) -> str:
    """The data key sealed under the keyring's current key (a token to store)."""
    return seal(keyring, DATA_KEY_FIELD, base64.urlsafe_b64encode(data_key).decode("ascii")).token


def unwrap(keyring: Keyring, wrapped: str) -> bytes:
    """The data key of a wrapped token (any key the keyring holds may have wrapped it)."""
    text = unseal(keyring, DATA_KEY_FIELD, wrapped)
    key = base64.urlsafe_b64decode(text.encode("ascii"))
    if len(key) != KEY_BYTES:
        raise PiiKeyError("a wrapped account key does not hold 32 bytes")
    return key


def wrapped_key_id(wrapped: str) -> str:
    """The id of the master key that wrapped a token (``?`` if it is malformed)."""
    return SealedValue(wrapped, "", "").key_id


def seal_identity(
    keyring: Keyring, data_key: bytes, values: Mapping[str, str]
) -> dict[str, SealedValue]:
    """Each value sealed under the data key, blind-indexed under the master index key."""
    keys = _keys(data_key)
    sealed = {}
    for name, value in values.items():
        token = seal(keys, name, value)
        sealed[name] = dataclasses.replace(
            token, blind_index=blind_index(keyring.current, name, value)
        )
    return sealed


def open_identity(
    data_key: bytes, sealed: Mapping[str, SealedValue], keyring: Keyring | None = None
) -> dict[str, str]:
    """The clear values of sealed identity fields (`TamperedError` if one was altered). Given
    the `keyring`, each blind index is checked too: one swapped with another row's, which
    would let a barred identity pass the blacklist, does not open."""
    keys = _keys(data_key)
    values = {name: unseal(keys, name, value.token) for name, value in sealed.items()}
    if keyring is not None:
        for name, value in sealed.items():
            if value.blind_index not in keyring.blind_indexes(name, values[name]):
                raise TamperedError(name, "its blind index belongs to another value")
    return values


def _keys(data_key: bytes) -> PiiKeys:
    return PiiKeys.derive(data_key, DATA_KEY_ID)
