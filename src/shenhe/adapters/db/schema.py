"""The database schema, as typed SQLAlchemy declarative models (the migrations build it).

    principals ──< qualifications
        │
        ├──< apps ──< app_versions
        │      ├──< decisions
        │      └──< enforcement_actions >── strikes
        │
    sweep_runs ──< sweep_items >── apps
    apps ──○ clone_prints ──< clone_bands      (banned apps only: their clone prints)
    audit_log (seq 1, 2, 3 …, hash-chained)      audit_chain (one row: anchor and head)

Conventions: surrogate integer keys; business identifiers (``appid``, ``uscc``) unique;
closed vocabularies as strings with a CHECK constraint (new values are a migration, not a
PostgreSQL enum type); times are aware UTC (`UTCDateTime`), supplied by the caller (nothing
here reads the clock); JSON is ``jsonb`` on PostgreSQL. An individual's identity number is
never stored in clear: only its sealed token (AES-GCM), its keyed blind index (HMAC, for
finding the same person again) and its masked form (for display).

The classes are rows (``AppRow``), not the domain's objects (``shenhe.domain``): repositories
map between the two, so the domain never imports SQLAlchemy. Changing a model means writing a
migration in ``migrations/versions`` (a test fails while the models and migrations differ).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shenhe.adapters.db.types import UTCDateTime, json_type
from shenhe.domain.audit import GENESIS_HASH, MAX_LABEL_LENGTH

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names, the same on every backend, so migrations can name what they change."""

PRINCIPAL_KINDS = ("enterprise", "individual")
APP_STATUSES = ("in_review", "listed", "warned", "restricted", "suspended", "banned", "rejected")
DECISION_KINDS = ("submission", "change", "sweep", "manual")
DECISION_OUTCOMES = ("approve", "reject", "review")
ENFORCEMENT_RUNGS = ("warning", "restriction", "takedown", "ban", "blacklist")
SWEEP_STATUSES = ("running", "finished", "failed")
SWEEP_OUTCOMES = ("unchanged", "decided", "enforced")
CHAIN_ROW = 1
"""The id of the one row of `audit_chain`."""

ID = BigInteger().with_variant(Integer(), "sqlite")
"""Surrogate keys: 64-bit, and SQLite's rowid alias (INTEGER PRIMARY KEY) there."""


def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    """CHECK that `column` holds one of `values`, named after the column."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=column)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: json_type(),
        list[str]: json_type(),
        list[dict[str, Any]]: json_type(),
    }


class PrincipalRow(Base):
    """The legal subject behind apps: an enterprise (USCC) or an individual (identity number)."""

    __tablename__ = "principals"
    __table_args__ = (
        one_of("kind", PRINCIPAL_KINDS),
        CheckConstraint(
            "(kind = 'enterprise' AND uscc IS NOT NULL AND id_number_sealed IS NULL"
            " AND id_number_index IS NULL AND id_number_masked IS NULL)"
            " OR (kind = 'individual' AND uscc IS NULL AND id_number_sealed IS NOT NULL"
            " AND id_number_index IS NOT NULL AND id_number_masked IS NOT NULL)",
            name="identity",
        ),
        CheckConstraint("blacklisted OR blacklisted_until IS NULL", name="blacklist"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    id_number_sealed: Mapped[str | None] = mapped_column(Text)
    id_number_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(32))
    blacklisted: Mapped[bool] = mapped_column(default=False)
    blacklisted_until: Mapped[datetime | None]
    """Set while blacklisted for a time; NULL while blacklisted means permanently."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class QualificationRow(Base):
    """A licence or filing of a principal; counts only while verified and within its dates."""

    __tablename__ = "qualifications"
    __table_args__ = (UniqueConstraint("principal_id", "type", "number"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    type: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class AppRow(Base):
    """A mini app as it is now; `app_versions` keeps every version it has had."""

    __tablename__ = "apps"
    __table_args__ = (
        one_of("status", APP_STATUSES),
        Index(None, "status", "id"),
        Index(None, "category"),
        Index(None, "principal_id"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    appid: Mapped[str] = mapped_column(String(64), unique=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40))
    pages: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    """The number of the current version in `app_versions`."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AppVersionRow(Base):
    """One submitted version of an app's content: what was decided on."""

    __tablename__ = "app_versions"
    __table_args__ = (UniqueConstraint("app_id", "version"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id"))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40))
    pages: Mapped[list[str]] = mapped_column(default=list)
    actor: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    created_at: Mapped[datetime]


class DecisionRow(Base):
    """The outcome of screening one version: approve, reject or review, with the evidence."""

    __tablename__ = "decisions"
    __table_args__ = (
        one_of("kind", DECISION_KINDS),
        one_of("outcome", DECISION_OUTCOMES),
        Index(None, "app_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id"))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    """What was decided: a submission, a change, a re-screening by a sweep, a manual call."""
    outcome: Mapped[str] = mapped_column(String(8))
    reasons: Mapped[list[str]] = mapped_column(default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """The verdicts that decided, surface by surface: hits with their spans, contacts."""
    actor: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    policy_version: Mapped[str] = mapped_column(String(64))
    lexicon_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class EnforcementActionRow(Base):
    """A penalty on an app (or, for a blacklist, on its principal), with why and who."""

    __tablename__ = "enforcement_actions"
    __table_args__ = (
        one_of("rung", ENFORCEMENT_RUNGS),
        CheckConstraint("app_id IS NOT NULL OR rung = 'blacklist'", name="target"),
        Index(None, "app_id", "created_at"),
        Index(None, "principal_id"),
        Index(None, "expires_at"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    app_id: Mapped[int | None] = mapped_column(ForeignKey("apps.id"))
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    sweep_run_id: Mapped[int | None] = mapped_column(ForeignKey("sweep_runs.id"))
    rung: Mapped[str] = mapped_column(String(16))
    features: Mapped[list[str]] = mapped_column(default=list)
    """For a restriction: the features taken away (``sharing``, ``search``)."""
    reason_codes: Mapped[list[str]] = mapped_column(default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    policy_version: Mapped[str] = mapped_column(String(64))
    lexicon_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    """When the penalty lifts by itself; NULL for a permanent one."""
    lifted_at: Mapped[datetime | None]


class StrikeRow(Base):
    """A mark against a principal (and its app) that raises the next penalty until it expires."""

    __tablename__ = "strikes"
    __table_args__ = (Index(None, "principal_id", "expires_at"), Index(None, "app_id"))

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    app_id: Mapped[int | None] = mapped_column(ForeignKey("apps.id"))
    action_id: Mapped[int] = mapped_column(ForeignKey("enforcement_actions.id"))
    category: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]


class SweepRunRow(Base):
    """One re-screening of the registry; `cursor` is the last app id done, to resume from."""

    __tablename__ = "sweep_runs"
    __table_args__ = (one_of("status", SWEEP_STATUSES),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    dry_run: Mapped[bool] = mapped_column(default=False)
    category: Mapped[str | None] = mapped_column(String(40))
    policy_version: Mapped[str] = mapped_column(String(64))
    lexicon_version: Mapped[str] = mapped_column(String(64))
    cursor: Mapped[int] = mapped_column(ID, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class SweepItemRow(Base):
    """One app of a sweep, written in the transaction that acts on it: never done twice."""

    __tablename__ = "sweep_items"
    __table_args__ = (one_of("outcome", SWEEP_OUTCOMES),)

    run_id: Mapped[int] = mapped_column(ForeignKey("sweep_runs.id"), primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id"), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_actions.id"))
    screened_at: Mapped[datetime]


class ClonePrintRow(Base):
    """The clone print of a banned app at its current version (`shenhe.domain.clones`),
    written in the transaction that bans it and deleted in the one that lifts the ban."""

    __tablename__ = "clone_prints"
    __table_args__ = (Index(None, "name"), Index(None, "sound"))

    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    """The folded name (looked up for a clone by name)."""
    sound: Mapped[str] = mapped_column(Text)
    """The folded name read aloud: every hanzi by its homophone class."""
    print: Mapped[bytes] = mapped_column(LargeBinary)
    """`ClonePrint.to_bytes`."""


class CloneBandRow(Base):
    """One LSH band key of a banned app's print: apps sharing a key are clone candidates."""

    __tablename__ = "clone_bands"
    __table_args__ = (Index(None, "key"),)

    app_id: Mapped[int] = mapped_column(ForeignKey("clone_prints.app_id"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger)


class AuditRow(Base):
    """One audit record; see `shenhe.domain.audit` for the hash chain it belongs to."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "at"), Index(None, "subject_type", "subject_id"))

    seq: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    action: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    subject_type: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    subject_id: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH))
    payload: Mapped[str] = mapped_column(Text)
    """The payload as the canonical JSON the hash covers (text, so no backend reformats it)."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainRow(Base):
    """The chain's two ends, in one row: locked by every append and purge (no forks)."""

    __tablename__ = "audit_chain"
    __table_args__ = (CheckConstraint(f"id = {CHAIN_ROW}", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    anchor_seq: Mapped[int] = mapped_column(ID, default=0)
    anchor_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    head_seq: Mapped[int] = mapped_column(ID, default=0)
    head_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
