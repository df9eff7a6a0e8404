"""Shenhe's settings: one typed, immutable object, every setting declared once.

Each field below has its default and its help (the ``description``); the environment variable
is ``SHENHE_`` plus the field name in capitals (``SHENHE_PORT``). Command-line options of the
same name take precedence over the environment, and the environment over the defaults:

    settings = Settings.from_env()                  # defaults, then SHENHE_* variables
    settings = settings.with_overrides(port=9000)   # then command-line options (None = keep)

A value that cannot be used is a `ConfigError` naming the variable. Nothing here reads files
or opens databases: the composition root (`shenhe.bootstrap`) turns the paths into a lexicon
and a policy, and the database URL into a unit of work. Secrets (`pii_key`) have no default
and are held as `SecretStr`, so they never show in a repr, a log line or an error message.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from shenhe.domain.audit import MIN_RETENTION_DAYS, RETENTION_RULE
from shenhe.domain.errors import PiiKeyError
from shenhe.domain.pii import KEY_BYTES, parse_master_key
from shenhe.errors import ConfigError

ENV_PREFIX = "SHENHE_"
MIB = 1024 * 1024


class Settings(BaseModel):
    """Every setting Shenhe reads. Immutable: derive a changed copy with `with_overrides`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field(
        default="127.0.0.1",
        description="Interface the HTTP server listens on; use 0.0.0.0 to listen on all.",
    )
    port: int = Field(
        default=8000, ge=0, le=65535, description="TCP port the HTTP server listens on."
    )
    lexicon_files: tuple[Path, ...] = Field(
        default=(),
        description=(
            "Extra lexicon files, added to the built-in lexicon. In the environment, separate "
            "the paths with ':' (os.pathsep)."
        ),
    )
    policy_file: Path | None = Field(
        default=None,
        description="A policy YAML file used instead of the built-in policy.",
    )
    max_text_length: int = Field(
        default=100_000,
        ge=1,
        description="Longest text accepted, in characters (code points); longer ones are refused.",
    )
    max_batch_size: int = Field(
        default=1000, ge=1, description="Most texts one HTTP batch request may carry."
    )
    max_body_bytes: int = Field(
        default=16 * MIB,
        ge=1,
        description="Largest HTTP request body accepted, in bytes; larger ones get 413.",
    )
    watch: bool = Field(
        default=False,
        description="Reload the lexicon and policy files when they change (shenhe serve).",
    )
    watch_interval: float = Field(
        default=2.0,
        gt=0,
        description="Seconds between two checks of the lexicon and policy files for changes.",
    )
    lift_interval: float = Field(
        default=60.0,
        ge=0,
        description=(
            "Seconds between two rounds of lifting expired penalties in shenhe serve; "
            "0 turns the scheduler off."
        ),
    )
    reverify_interval: float = Field(
        default=3600.0,
        ge=0,
        description=(
            "Seconds between two rounds of re-verifying the identities that are due in "
            "shenhe serve; 0 turns the job off."
        ),
    )
    database_url: str = Field(
        default="sqlite:///var/shenhe.db",
        min_length=1,
        description=(
            "Database URL: a SQLite file (created on first use, with its folder) or PostgreSQL "
            "as postgresql://user:password@host:5432/name."
        ),
    )
    pii_key_file: Path = Field(
        default=Path("var/pii.key"),
        description=(
            "File holding the master key that seals identity numbers; created with mode 0600 "
            "on first use. Ignored when SHENHE_PII_KEY is set."
        ),
    )
    pii_key: SecretStr | None = Field(
        default=None,
        description=(
            f"The master key that seals identity numbers: {KEY_BYTES} random bytes as base64 "
            "(openssl rand -base64 32) or hex. A secret; when unset, the key file is used."
        ),
    )
    audit_retention_days: int = Field(
        default=365,
        description=(
            f"Days audit records are kept before a purge may delete them; at least "
            f"{MIN_RETENTION_DAYS} ({RETENTION_RULE})."
        ),
    )
    official_bodies_file: Path | None = Field(
        default=None,
        description=(
            "A YAML list of official bodies and media that profiles must not impersonate, "
            "used instead of the built-in one."
        ),
    )
    credit_rules_file: Path | None = Field(
        default=None,
        description="A credit rules YAML file used instead of the built-in rules.",
    )
    ip_table_file: Path | None = Field(
        default=None,
        description=(
            "An IP location table (built by tools/build_ip_regions.py) used instead of the "
            "built-in one, which comes from ip2region."
        ),
    )

    # Accounts (issue 5, part A): identity, verification, one-time codes, PII keys.
    pii_key_id: str = Field(
        default="k1",
        pattern=r"^[A-Za-z0-9_-]{1,32}$",
        description=(
            "The id of the key SHENHE_PII_KEY holds (tokens name the key that sealed them). "
            "Ignored for a key file, which names its own keys."
        ),
    )
    pii_retired_keys: SecretStr | None = Field(
        default=None,
        description=(
            "Older master keys still able to open values during a key rotation, as "
            "'id:key,id:key' (with SHENHE_PII_KEY; a key file lists its own). A secret."
        ),
    )
    accounts_per_identity: int = Field(
        default=1,
        ge=1,
        le=100,
        description="How many accounts one real identity may hold (deleted ones do not count).",
    )
    account_reverify_days: int = Field(
        default=365,
        ge=1,
        description=(
            "Days an identity verification holds; then it is due again (定期核验) and the "
            "account may not publish until it passes."
        ),
    )
    identity_verifier: str = Field(
        default="local",
        pattern="^(local|http)$",
        description=(
            "Who verifies identities: 'local' (structural checks and the minimum age) or "
            "'http' (the service at SHENHE_VERIFIER_URL)."
        ),
    )
    identity_min_age: int = Field(
        default=14, ge=0, le=100, description="Youngest age an individual may register at."
    )
    verifier_url: str | None = Field(
        default=None,
        description="Base URL of the third-party identity verification service (http verifier).",
    )
    verifier_api_key: SecretStr | None = Field(
        default=None,
        description="Bearer key sent to the identity verification service. A secret.",
    )
    verifier_timeout: float = Field(
        default=5.0, gt=0, description="Seconds one call to the verification service may take."
    )
    verifier_retries: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Retries of a failed call to the verification service (exponential backoff).",
    )
    verifier_breaker_failures: int = Field(
        default=5,
        ge=1,
        description="Failures in a row after which calls to the verification service stop.",
    )
    verifier_breaker_cooldown: float = Field(
        default=30.0,
        gt=0,
        description="Seconds the verification service is left alone before one trial call.",
    )
    sms_gateway: str = Field(
        default="log",
        pattern="^(log)$",
        description="How one-time codes are sent: 'log' writes them to the log (development).",
    )
    otp_ttl_seconds: int = Field(
        default=300, ge=30, description="Seconds a one-time code sent by SMS stays valid."
    )
    otp_max_attempts: int = Field(
        default=5, ge=1, description="Wrong tries that spend a one-time code."
    )
    otp_resend_seconds: int = Field(
        default=60, ge=0, description="Seconds before another one-time code may be sent."
    )
    otp_max_per_day: int = Field(
        default=10, ge=1, description="Most one-time codes sent to one account in 24 hours."
    )

    @field_validator("audit_retention_days")
    @classmethod
    def _at_least_six_months(cls, days: int) -> int:
        if days < MIN_RETENTION_DAYS:
            raise ValueError(
                f"audit records must be kept at least {MIN_RETENTION_DAYS} days "
                f"({RETENTION_RULE}), not {days}"
            )
        return days

    @field_validator("pii_key")
    @classmethod
    def _is_a_master_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None:
            try:
                parse_master_key(key.get_secret_value())
            except PiiKeyError as exc:  # its message never repeats the key
                raise ValueError(str(exc)) from None
        return key

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by the ``SHENHE_*`` variables of `environ` (`os.environ`)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in describe():
            raw = env.get(spec.env)
            if raw is None or raw == "":
                continue
            if spec.name == "lexicon_files":
                values[spec.name] = tuple(p for p in raw.split(os.pathsep) if p)
            else:
                values[spec.name] = raw
        return cls._validated(values, source="environment")

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with `changes` applied; a change of None keeps the current value."""
        given = {name: value for name, value in changes.items() if value is not None}
        unknown = sorted(set(given) - set(type(self).model_fields))
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        return self._validated({**self.model_dump(), **given}, source="options")

    @classmethod
    def _validated(cls, values: Mapping[str, Any], *, source: str) -> Settings:
        try:
            return cls.model_validate(dict(values))
        except ValidationError as exc:
            problems = []
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else "settings"
                label = env_name(name) if source == "environment" else name
                problems.append(f"{label}: {error['msg']}")
            raise ConfigError(f"invalid setting in the {source}: {'; '.join(problems)}") from None


def env_name(name: str) -> str:
    """The variable of setting `name`: ``max_body_bytes`` → ``SHENHE_MAX_BODY_BYTES``."""
    return ENV_PREFIX + name.upper()


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One setting as documented: name, environment variable, default and help."""

    name: str
    env: str
    default: Any
    help: str


def describe() -> Iterator[SettingSpec]:
    """Every setting, in declaration order, for documentation and ``--help``."""
    for name, info in Settings.model_fields.items():
        yield SettingSpec(name, env_name(name), info.default, info.description or "")
