"""The governance schema: principals, qualifications, apps and their versions, decisions,
enforcement actions, strikes, sweeps, and the hash-chained audit log with its chain row.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def _status(table: str, column: str, *values: str) -> sa.CheckConstraint:
    return _check(table, column, f"{column} IN ({', '.join(repr(v) for v in values)})")


def upgrade() -> None:
    op.create_table(
        "principals",
        sa.Column("id", _id(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=True),
        sa.Column("id_number_sealed", sa.Text(), nullable=True),
        sa.Column("id_number_index", sa.String(64), nullable=True),
        sa.Column("id_number_masked", sa.String(32), nullable=True),
        sa.Column("blacklisted", sa.Boolean(), nullable=False),
        sa.Column("blacklisted_until", _time(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        _status("principals", "kind", "enterprise", "individual"),
        _check(
            "principals",
            "identity",
            "(kind = 'enterprise' AND uscc IS NOT NULL AND id_number_sealed IS NULL"
            " AND id_number_index IS NULL AND id_number_masked IS NULL)"
            " OR (kind = 'individual' AND uscc IS NULL AND id_number_sealed IS NOT NULL"
            " AND id_number_index IS NOT NULL AND id_number_masked IS NOT NULL)",
        ),
        _check("principals", "blacklist", "blacklisted OR blacklisted_until IS NULL"),
        _pk("principals", "id"),
        _unique("principals", "uscc"),
        _unique("principals", "id_number_index"),
    )
    op.create_table(
        "qualifications",
        sa.Column("id", _id(), nullable=False),
        sa.Column("principal_id", _id(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("issuer", sa.String(200), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        _fk("qualifications", "principal_id", "principals"),
        _pk("qualifications", "id"),
        _unique("qualifications", "principal_id", "type", "number"),
    )
    op.create_table(
        "apps",
        sa.Column("id", _id(), nullable=False),
        sa.Column("appid", sa.String(64), nullable=False),
        sa.Column("principal_id", _id(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("pages", _json(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        _status(
            "apps",
            "status",
            *("in_review", "listed", "warned", "restricted", "suspended", "banned", "rejected"),
        ),
        _fk("apps", "principal_id", "principals"),
        _pk("apps", "id"),
        _unique("apps", "appid"),
    )
    _index("apps", "status", "id")
    _index("apps", "category")
    _index("apps", "principal_id")
    op.create_table(
        "app_versions",
        sa.Column("id", _id(), nullable=False),
        sa.Column("app_id", _id(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("pages", _json(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        _fk("app_versions", "app_id", "apps"),
        _pk("app_versions", "id"),
        _unique("app_versions", "app_id", "version"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", _id(), nullable=False),
        sa.Column("app_id", _id(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("policy_version", sa.String(64), nullable=False),
        sa.Column("lexicon_version", sa.String(64), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        _status("decisions", "kind", "submission", "change", "sweep", "manual"),
        _status("decisions", "outcome", "approve", "reject", "review"),
        _fk("decisions", "app_id", "apps"),
        _pk("decisions", "id"),
    )
    _index("decisions", "app_id", "created_at")
    op.create_table(
        "sweep_runs",
        sa.Column("id", _id(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(40), nullable=True),
        sa.Column("policy_version", sa.String(64), nullable=False),
        sa.Column("lexicon_version", sa.String(64), nullable=False),
        sa.Column("cursor", _id(), nullable=False),
        sa.Column("summary", _json(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("started_at", _time(), nullable=False),
        sa.Column("finished_at", _time(), nullable=True),
        _status("sweep_runs", "status", "running", "finished", "failed"),
        _pk("sweep_runs", "id"),
    )
    op.create_table(
        "enforcement_actions",
        sa.Column("id", _id(), nullable=False),
        sa.Column("app_id", _id(), nullable=True),
        sa.Column("principal_id", _id(), nullable=False),
        sa.Column("decision_id", _id(), nullable=True),
        sa.Column("sweep_run_id", _id(), nullable=True),
        sa.Column("rung", sa.String(16), nullable=False),
        sa.Column("features", _json(), nullable=False),
        sa.Column("reason_codes", _json(), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("policy_version", sa.String(64), nullable=False),
        sa.Column("lexicon_version", sa.String(64), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("expires_at", _time(), nullable=True),
        sa.Column("lifted_at", _time(), nullable=True),
        _status(
            "enforcement_actions",
            "rung",
            *("warning", "restriction", "takedown", "ban", "blacklist"),
        ),
        _check("enforcement_actions", "target", "app_id IS NOT NULL OR rung = 'blacklist'"),
        _fk("enforcement_actions", "app_id", "apps"),
        _fk("enforcement_actions", "principal_id", "principals"),
        _fk("enforcement_actions", "decision_id", "decisions"),
        _fk("enforcement_actions", "sweep_run_id", "sweep_runs"),
        _pk("enforcement_actions", "id"),
    )
    _index("enforcement_actions", "app_id", "created_at")
    _index("enforcement_actions", "principal_id")
    _index("enforcement_actions", "expires_at")
    op.create_table(
        "strikes",
        sa.Column("id", _id(), nullable=False),
        sa.Column("principal_id", _id(), nullable=False),
        sa.Column("app_id", _id(), nullable=True),
        sa.Column("action_id", _id(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("expires_at", _time(), nullable=True),
        _fk("strikes", "principal_id", "principals"),
        _fk("strikes", "app_id", "apps"),
        _fk("strikes", "action_id", "enforcement_actions"),
        _pk("strikes", "id"),
    )
    _index("strikes", "principal_id", "expires_at")
    _index("strikes", "app_id")
    op.create_table(
        "sweep_items",
        sa.Column("run_id", _id(), nullable=False),
        sa.Column("app_id", _id(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("decision_id", _id(), nullable=True),
        sa.Column("action_id", _id(), nullable=True),
        sa.Column("screened_at", _time(), nullable=False),
        _status("sweep_items", "outcome", "unchanged", "decided", "enforced"),
        _fk("sweep_items", "run_id", "sweep_runs"),
        _fk("sweep_items", "app_id", "apps"),
        _fk("sweep_items", "decision_id", "decisions"),
        _fk("sweep_items", "action_id", "enforcement_actions"),
        _pk("sweep_items", "run_id", "app_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", _id(), autoincrement=False, nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column("subject_type", sa.String(200), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        _pk("audit_log", "seq"),
        _unique("audit_log", "hash"),
    )
    _index("audit_log", "at")
    _index("audit_log", "subject_type", "subject_id")
    chain = op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("anchor_seq", _id(), nullable=False),
        sa.Column("anchor_hash", sa.String(64), nullable=False),
        sa.Column("head_seq", _id(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        _check("audit_chain", "one_row", "id = 1"),
        _pk("audit_chain", "id"),
    )
    op.bulk_insert(
        chain,
        [
            {
                "id": 1,
                "anchor_seq": 0,
                "anchor_hash": GENESIS_HASH,
                "head_seq": 0,
                "head_hash": GENESIS_HASH,
            }
        ],
    )


def downgrade() -> None:
    for table in (
        "audit_chain",
        "audit_log",
        "sweep_items",
        "strikes",
        "enforcement_actions",
        "sweep_runs",
        "decisions",
        "app_versions",
        "apps",
        "qualifications",
        "principals",
    ):
        op.drop_table(table)
