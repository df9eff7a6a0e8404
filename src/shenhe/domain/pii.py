"""Sealing personal information: encrypted at rest, found by a blind index, shown masked.

Pure given key bytes: where the key comes from (``SHENHE_PII_KEY``, a key file) is the
adapters' business. One master key of 32 random bytes gives, through HKDF-SHA256 with two
distinct labels, two independent keys (`PiiKeys`):

- the **encryption key**: AES-256-GCM, a fresh random 96-bit nonce per value, and associated
  data ``shenhe:<field>:v1:<key id>`` that binds the ciphertext to its field and key, so a
  token moved to another column, or relabelled with another key id, fails to open;
- the **index key**: HMAC-SHA256 over the field and the value, hex — the blind index. Equal
  values of a field get equal indexes, so ``WHERE id_number_index = ?`` finds a returning
  principal without decrypting anything; without the key the index reveals nothing.

A sealed value is a `SealedValue` (token, blind index, masked form) whose ``repr`` and ``str``
show only the masked form. The token is versioned text, ``v1.<key id>.<base64url(nonce ‖
ciphertext ‖ tag)>``, so keys can rotate: a `Keyring` seals with its current keys and opens
with whichever keys a token names. Seal the *normalised* value (``ResidentId.value``), so that
the blind index of the same number typed two ways is the same.

Nothing here logs, and no error message carries a clear value or a key.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shenhe.domain.errors import PiiError, PiiKeyError, TamperedError
from shenhe.domain.masking import mask_all, mask_id_number, mask_mobile, mask_uscc

TOKEN_VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
ENCRYPTION_LABEL = b"shenhe/pii/v1/encryption"
INDEX_LABEL = b"shenhe/pii/v1/blind-index"
DEFAULT_KEY_ID = "k1"
MASKS: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {
        "id_number": mask_id_number,
        "mobile": mask_mobile,
        "uscc": mask_uscc,
        "responsible_id_number": mask_id_number,
    }
)
"""How each field is shown; any other field is hidden entirely (`mask_all`)."""

NonceSource = Callable[[int], bytes]
_FIELD = re.compile(r"[a-z][a-z0-9_]{0,63}")
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class PiiKeys:
    """An encryption key and a separate blind-index key, named by `key_id`. Never shown."""

    key_id: str
    encryption_key: bytes = dataclasses.field(repr=False)
    index_key: bytes = dataclasses.field(repr=False)

    def __post_init__(self) -> None:
        if not _KEY_ID.fullmatch(self.key_id):
            raise PiiKeyError("a key id is 1-32 letters, digits, '-' or '_'")
        for name in ("encryption_key", "index_key"):
            key = getattr(self, name)
            if not isinstance(key, bytes) or len(key) != KEY_BYTES:
                raise PiiKeyError(f"the {name} must be {KEY_BYTES} bytes")
        if hmac.compare_digest(self.encryption_key, self.index_key):
            raise PiiKeyError("the encryption key and the index key must differ")

    @classmethod
    def derive(cls, master: bytes, key_id: str = DEFAULT_KEY_ID) -> PiiKeys:
        """Both keys from one master key of at least 32 random bytes (HKDF-SHA256)."""
        if not isinstance(master, bytes) or len(master) < KEY_BYTES:
            raise PiiKeyError(f"the PII master key must be at least {KEY_BYTES} random bytes")
        return cls(key_id, _hkdf(master, ENCRYPTION_LABEL), _hkdf(master, INDEX_LABEL))


@dataclass(frozen=True, slots=True)
class Keyring:
    """The keys that seal new values (`current`) and older keys still able to open tokens."""

    current: PiiKeys
    retired: tuple[PiiKeys, ...] = ()

    def __post_init__(self) -> None:
        ids = [keys.key_id for keys in (self.current, *self.retired)]
        if len(set(ids)) != len(ids):
            raise PiiKeyError(f"a keyring holds each key id once; got {', '.join(ids)}")

    def get(self, key_id: str) -> PiiKeys:
        for keys in (self.current, *self.retired):
            if keys.key_id == key_id:
                return keys
        raise PiiKeyError(f"the keyring holds no key {key_id!r}; add it to the retired keys")

    def blind_indexes(self, field: str, value: str) -> tuple[str, ...]:
        """The blind index of `value` under every key held, current first: look up any of them
        while a rotation is under way."""
        return tuple(blind_index(keys, field, value) for keys in (self.current, *self.retired))


@dataclass(frozen=True, slots=True, repr=False)
class SealedValue:
    """What is stored for a personal value: the token, its blind index and its masked form."""

    token: str
    blind_index: str
    masked: str

    @property
    def key_id(self) -> str:
        """The id of the key that sealed it, as the token says (``?`` if malformed)."""
        parts = self.token.split(".") if isinstance(self.token, str) else []
        return parts[1] if len(parts) == 3 and _KEY_ID.fullmatch(parts[1]) else "?"

    def __repr__(self) -> str:
        return f"SealedValue(masked={self.masked!r}, key_id={self.key_id!r})"

    def __str__(self) -> str:
        return self.masked


def seal(
    keys: PiiKeys | Keyring,
    field: str,
    value: str,
    *,
    nonce_source: NonceSource = os.urandom,
) -> SealedValue:
    """Encrypt `value` for `field` (``id_number``) and compute its blind index and mask."""
    keys = keys.current if isinstance(keys, Keyring) else keys
    _check_field(field)
    plain = _encode(value, field)
    nonce = nonce_source(NONCE_BYTES)
    if not isinstance(nonce, bytes) or len(nonce) != NONCE_BYTES:
        raise PiiError(f"the nonce source must return {NONCE_BYTES} bytes")
    sealed = AESGCM(keys.encryption_key).encrypt(nonce, plain, _associated(field, keys.key_id))
    body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
    token = f"{TOKEN_VERSION}.{keys.key_id}.{body}"
    masked = MASKS.get(field, mask_all)(value)
    return SealedValue(token, blind_index(keys, field, value), masked)


def unseal(keys: PiiKeys | Keyring, field: str, sealed: SealedValue | str) -> str:
    """The clear value sealed for `field`, or `TamperedError` if anything was changed.

    Given a `SealedValue`, its blind index is checked too, so a row whose index was swapped
    with another's does not open either.
    """
    _check_field(field)
    token = sealed.token if isinstance(sealed, SealedValue) else sealed
    if not isinstance(token, str):
        raise TamperedError(field, "a sealed value is text")
    key_id, raw = _split(token, field)
    if isinstance(keys, Keyring):
        keys = keys.get(key_id)
    elif keys.key_id != key_id:
        raise PiiKeyError(f"the {field} was sealed with key {key_id!r}, not {keys.key_id!r}")
    nonce, ciphertext = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        plain = AESGCM(keys.encryption_key).decrypt(nonce, ciphertext, _associated(field, key_id))
        value = plain.decode("utf-8")
    except (InvalidTag, UnicodeDecodeError):
        raise TamperedError(field, "it failed authentication") from None
    if isinstance(sealed, SealedValue) and not _same(sealed.blind_index, keys, field, value):
        raise TamperedError(field, "its blind index belongs to another value")
    return value


def blind_index(keys: PiiKeys, field: str, value: str) -> str:
    """HMAC-SHA256 of the field and the value under the index key, 64 hex digits."""
    _check_field(field)
    message = field.encode("ascii") + b"\x00" + _encode(value, field)
    return hmac.new(keys.index_key, message, hashlib.sha256).hexdigest()


def generate_master_key(random: NonceSource = os.urandom) -> str:
    """A new master key as text (base64url of 32 random bytes), for a key file or variable."""
    return base64.urlsafe_b64encode(random(KEY_BYTES)).decode("ascii")


def parse_master_key(text: str) -> bytes:
    """The 32 bytes of a master key written as 64 hex digits or as base64 (url-safe or not)."""
    if not isinstance(text, str):
        raise PiiKeyError("the PII master key must be given as text")
    text = text.strip()
    try:
        if len(text) == 2 * KEY_BYTES and all(c in "0123456789abcdefABCDEF" for c in text):
            key = bytes.fromhex(text)
        else:
            standard = text.replace("-", "+").replace("_", "/").rstrip("=")
            key = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (ValueError, binascii.Error):
        raise PiiKeyError("the PII master key is neither hex nor base64") from None
    if len(key) != KEY_BYTES:
        raise PiiKeyError(
            f"the PII master key must be {KEY_BYTES} bytes; it has {len(key)}. "
            f"Write {KEY_BYTES} random bytes as 64 hex digits or as base64"
        )
    return key


def _same(index: object, keys: PiiKeys, field: str, value: str) -> bool:
    """Whether `index` is the blind index of `value`, compared in constant time."""
    if not isinstance(index, str) or not index.isascii():
        return False
    return hmac.compare_digest(index, blind_index(keys, field, value))


def _hkdf(master: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label).derive(master)


def _associated(field: str, key_id: str) -> bytes:
    return f"shenhe:{field}:{TOKEN_VERSION}:{key_id}".encode("ascii")


def _check_field(field: str) -> None:
    if not isinstance(field, str) or not _FIELD.fullmatch(field):
        raise PiiError("a field name is lower-case letters, digits and '_', starting with a letter")


def _encode(value: str, field: str) -> bytes:
    if not isinstance(value, str):
        raise PiiError(f"the {field} to seal must be text")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise PiiError(f"the {field} to seal is not valid Unicode text") from None


def _split(token: str, field: str) -> tuple[str, bytes]:
    """A token's key id and its nonce ‖ ciphertext ‖ tag, or `TamperedError` if malformed."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_VERSION:
        raise TamperedError(field, f"it is not a {TOKEN_VERSION} token")
    key_id, body = parts[1], parts[2]
    if not _KEY_ID.fullmatch(key_id) or not _BASE64URL.fullmatch(body):
        raise TamperedError(field, "its key id or body is malformed")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, binascii.Error):
        raise TamperedError(field, "its body is not base64url") from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != body:
        raise TamperedError(field, "its body is not canonical base64url")
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise TamperedError(field, "it is too short")
    return key_id, raw
