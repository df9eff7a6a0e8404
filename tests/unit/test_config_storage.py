"""The storage and audit settings: defaults, the six-month floor, the PII key kept secret."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from shenhe.config import Settings
from shenhe.errors import ConfigError

KEY = base64.b64encode(bytes(range(32))).decode()


def test_defaults_are_embedded_files_under_var():
    settings = Settings()
    assert settings.database_url == "sqlite:///var/shenhe.db"
    assert settings.pii_key_file == Path("var/pii.key")
    assert settings.pii_key is None
    assert settings.audit_retention_days == 365


@pytest.mark.parametrize("days", ["182", "30", "0", "-1"])
def test_a_retention_under_six_months_is_refused(days: str):
    with pytest.raises(ConfigError, match=r"SHENHE_AUDIT_RETENTION_DAYS.*183 days"):
        Settings.from_env({"SHENHE_AUDIT_RETENTION_DAYS": days})
    with pytest.raises(ConfigError, match="audit_retention_days"):
        Settings().with_overrides(audit_retention_days=int(days))


def test_six_months_is_enough():
    assert Settings.from_env({"SHENHE_AUDIT_RETENTION_DAYS": "183"}).audit_retention_days == 183


def test_the_pii_key_may_be_hex_or_url_safe_base64():
    for key in (bytes(range(32)).hex(), base64.urlsafe_b64encode(bytes([251] * 32)).decode()):
        assert Settings.from_env({"SHENHE_PII_KEY": key}).pii_key is not None


def test_the_pii_key_is_secret():
    settings = Settings.from_env({"SHENHE_PII_KEY": KEY})
    assert settings.pii_key is not None and settings.pii_key.get_secret_value() == KEY
    assert KEY not in repr(settings) and KEY not in str(settings.model_dump())
    assert settings.with_overrides(port=9000).pii_key == settings.pii_key


@pytest.mark.parametrize(
    "key",
    [
        "not base64!",
        "ab" * 31,
        base64.b64encode(b"too short").decode(),
        base64.b64encode(bytes(33)).decode(),
    ],
)
def test_a_malformed_pii_key_is_refused_without_repeating_it(key: str):
    with pytest.raises(ConfigError, match="SHENHE_PII_KEY") as caught:
        Settings.from_env({"SHENHE_PII_KEY": key})
    assert key not in str(caught.value)


def test_the_database_url_comes_from_the_environment():
    url = "postgresql://shenhe@db.internal:5432/shenhe"
    assert Settings.from_env({"SHENHE_DATABASE_URL": url}).database_url == url
