"""The composition root: the one place that turns `Settings` into working parts.

The CLI (``shenhe screen``, ``shenhe serve``), the HTTP API (`shenhe.api.create_app`) and the
reload job (`shenhe.jobs.reload`) all build their lexicon, policy and screener here, so a file
named in the settings means the same thing everywhere. Storage is wired here too: the services
take a `UnitOfWork`, and this is the only module that picks the SQLAlchemy one for them; the
app and enforcement use cases take the `Rules` built here (`build_rules`).
Nothing happens at import.
"""

from __future__ import annotations

from datetime import timedelta
from functools import reduce

from shenhe.adapters.circuit_breaker import CircuitBreaker
from shenhe.adapters.db import Database, SqlUnitOfWork
from shenhe.adapters.keyfile import read_or_create_keys
from shenhe.adapters.keyfile import stamp as key_file_stamp
from shenhe.adapters.sms import LogSmsGateway
from shenhe.adapters.verifier_http import HttpVerifier
from shenhe.config import Settings
from shenhe.domain.credit import CreditRules
from shenhe.domain.errors import PiiKeyError
from shenhe.domain.impersonation import OfficialBodies
from shenhe.domain.ip_location import IpTable
from shenhe.domain.otp import OtpRules
from shenhe.domain.pii import Keyring, PiiKeys, parse_master_key
from shenhe.errors import ConfigError
from shenhe.policy.policy import Policy
from shenhe.screening.lexicon import Lexicon
from shenhe.screening.screener import Screener
from shenhe.services.accounts import AccountPolicy
from shenhe.services.publishing_rules import PublishingRules
from shenhe.services.rules import Rules
from shenhe.services.verification import IdentityVerifier, LocalVerifier


def build_lexicon(settings: Settings) -> Lexicon:
    """The built-in lexicon plus every file in ``settings.lexicon_files``, in order."""
    extras = (Lexicon.load(path) for path in settings.lexicon_files)
    return reduce(lambda total, extra: total + extra, extras, Lexicon.default())


def build_policy(settings: Settings) -> Policy:
    """The policy file of the settings, or the built-in policy."""
    if settings.policy_file is None:
        return Policy.default()
    return Policy.load(settings.policy_file)


def build_screener(settings: Settings) -> Screener:
    """A screener for `settings`: its lexicon, its policy and its text length limit."""
    return Screener(
        build_lexicon(settings),
        build_policy(settings),
        max_length=settings.max_text_length,
    )


def build_database(settings: Settings) -> Database:
    """The database ``settings.database_url`` names (not connected yet). Dispose of it when
    done: ``with build_database(settings) as database: ...``."""
    return Database(settings.database_url)


def build_unit_of_work(database: Database, *, read_only: bool = False) -> SqlUnitOfWork:
    """A unit of work for the services on `database`, once its schema is ready.

    A brand-new database is migrated on first use (so the SQLite default needs no set-up);
    one at an older revision is refused with a `StorageError` that says to run
    ``shenhe db upgrade``. `read_only` gives a consistent snapshot that blocks no writer.
    """
    database.ensure_ready()
    return database.unit_of_work(read_only=read_only)


def build_keyring(settings: Settings) -> Keyring:
    """The keys that seal identity numbers: from ``SHENHE_PII_KEY`` (id
    ``SHENHE_PII_KEY_ID``, with the older ``SHENHE_PII_RETIRED_KEYS``), else from the key file
    ``SHENHE_PII_KEY_FILE`` (created with mode 0600 on first use; its first key is current,
    the others retired)."""
    if settings.pii_key is not None:
        master = parse_master_key(settings.pii_key.get_secret_value())
        retired = _retired_keys(settings)
        return Keyring(PiiKeys.derive(master, settings.pii_key_id), retired)
    pairs = read_or_create_keys(settings.pii_key_file)
    keys = [PiiKeys.derive(key, key_id) for key_id, key in pairs]
    return Keyring(keys[0], tuple(keys[1:]))


def _retired_keys(settings: Settings) -> tuple[PiiKeys, ...]:
    """``SHENHE_PII_RETIRED_KEYS``: ``id:key,id:key``."""
    if settings.pii_retired_keys is None:
        return ()
    retired = []
    for number, item in enumerate(settings.pii_retired_keys.get_secret_value().split(","), 1):
        key_id, _, key = item.strip().partition(":")
        try:
            retired.append(PiiKeys.derive(parse_master_key(key), key_id))
        except PiiKeyError as exc:  # its message never repeats the key
            raise ConfigError(f"SHENHE_PII_RETIRED_KEYS: entry {number}: {exc}") from None
    return tuple(retired)


def build_rules(settings: Settings, screener: Screener | None = None) -> Rules:
    """The rules apps are decided with: `screener` (else one built from `settings`), the
    built-in category catalogue, penalty ladder and brand list, and the look-up of clones of
    banned apps (it asks the unit of work it is given, so one serves every database)."""
    return Rules(screener if screener is not None else build_screener(settings))


def build_publishing_rules(settings: Settings, screener: Screener | None = None) -> PublishingRules:
    """What profiles and posts are decided with: `screener` (else one built from `settings`),
    the official bodies, credit rules and IP table of `settings`, or the built-in ones."""
    return PublishingRules(
        screener if screener is not None else build_screener(settings),
        OfficialBodies.load(settings.official_bodies_file)
        if settings.official_bodies_file
        else OfficialBodies.default(),
        CreditRules.load(settings.credit_rules_file)
        if settings.credit_rules_file
        else CreditRules.default(),
        IpTable.load(settings.ip_table_file) if settings.ip_table_file else IpTable.default(),
    )


def build_account_policy(settings: Settings) -> AccountPolicy:
    """The operator's account rules: accounts per identity, the re-verification period, the
    one-time codes' lifetime, attempts and resend throttle."""
    return AccountPolicy(
        per_identity=settings.accounts_per_identity,
        reverify_after=timedelta(days=settings.account_reverify_days),
        otp=OtpRules(
            ttl=timedelta(seconds=settings.otp_ttl_seconds),
            max_attempts=settings.otp_max_attempts,
            resend_after=timedelta(seconds=settings.otp_resend_seconds),
            max_per_day=settings.otp_max_per_day,
        ),
    )


def build_verifier(settings: Settings) -> IdentityVerifier:
    """The identity verifier ``SHENHE_IDENTITY_VERIFIER`` names: the built-in local one, or
    the third-party service at ``SHENHE_VERIFIER_URL`` (with retries and a circuit breaker).
    Build one per process: the circuit breaker's state lives in it."""
    if settings.identity_verifier == "local":
        return LocalVerifier(min_age=settings.identity_min_age)
    if settings.identity_verifier == "http":
        if not settings.verifier_url:
            raise ConfigError("SHENHE_VERIFIER_URL: the http identity verifier needs its URL")
        key = settings.verifier_api_key
        try:
            return HttpVerifier(
                settings.verifier_url,
                api_key=None if key is None else key.get_secret_value(),
                timeout=settings.verifier_timeout,
                retries=settings.verifier_retries,
                breaker=CircuitBreaker(
                    failures=settings.verifier_breaker_failures,
                    cooldown=settings.verifier_breaker_cooldown,
                ),
            )
        except ValueError as exc:
            raise ConfigError(f"SHENHE_VERIFIER_URL: {exc}") from None
    raise ConfigError(
        f"SHENHE_IDENTITY_VERIFIER: unknown verifier {settings.identity_verifier!r}"
    )


def build_sms_gateway(settings: Settings) -> LogSmsGateway:
    """The SMS gateway ``SHENHE_SMS_GATEWAY`` names (``log``: the development gateway)."""
    return LogSmsGateway()


def keyring_stamp(settings: Settings) -> tuple[int, int] | None:
    """What changes when the keyring must be built again: the key file's modification time
    and size (None when the keys come from the environment, which cannot change)."""
    return None if settings.pii_key is not None else key_file_stamp(settings.pii_key_file)
