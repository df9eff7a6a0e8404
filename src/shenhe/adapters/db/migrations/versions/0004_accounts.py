"""Accounts under the real-name rules: accounts and their sealed identity fields, one-time
codes, the identity blacklist, API operators, PII key rotations.

Revision ID: 0004
Revises: 0002 (rechained onto 0003 when the branches merge)
Create Date: 2026-11-25
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _one_of(table: str, column: str, *values: str) -> sa.CheckConstraint:
    return _check(table, column, f"{column} IN ({', '.join(repr(v) for v in values)})")


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", _id(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("data_key", sa.Text(), nullable=True),
        sa.Column("identity_status", sa.String(16), nullable=False),
        sa.Column("identity_verified_at", _time(), nullable=True),
        sa.Column("identity_due_at", _time(), nullable=True),
        sa.Column("mobile_verified_at", _time(), nullable=True),
        sa.Column("closed_at", _time(), nullable=True),
        sa.Column("close_reason", sa.String(500), nullable=True),
        sa.Column("deleted_at", _time(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        _one_of("accounts", "kind", "individual", "organisation"),
        _one_of("accounts", "status", "active", "suspended", "closed", "deleted"),
        _one_of("accounts", "identity_status", "verified", "failed"),
        _check("accounts", "data_key", "status = 'deleted' OR data_key IS NOT NULL"),
        _pk("accounts", "id"),
    )
    _index("accounts", "status", "identity_due_at")
    op.create_table(
        "account_pii",
        sa.Column("account_id", _id(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("blind_index", sa.String(64), nullable=False),
        sa.Column("masked", sa.String(200), nullable=False),
        _fk("account_pii", "account_id", "accounts"),
        _pk("account_pii", "account_id", "field"),
    )
    _index("account_pii", "field", "blind_index")
    op.create_table(
        "otp_codes",
        sa.Column("id", _id(), nullable=False),
        sa.Column("account_id", _id(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("sent_at", _time(), nullable=False),
        sa.Column("expires_at", _time(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("consumed_at", _time(), nullable=True),
        _fk("otp_codes", "account_id", "accounts"),
        _pk("otp_codes", "id"),
    )
    _index("otp_codes", "account_id", "purpose", "sent_at")
    op.create_table(
        "identity_blacklist",
        sa.Column("id", _id(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("blind_index", sa.String(64), nullable=False),
        sa.Column("masked", sa.String(200), nullable=False),
        sa.Column("account_id", _id(), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("until", _time(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        _fk("identity_blacklist", "account_id", "accounts"),
        _pk("identity_blacklist", "id"),
    )
    _index("identity_blacklist", "field", "blind_index")
    op.create_table(
        "operators",
        sa.Column("id", _id(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("roles", _json(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("revoked_at", _time(), nullable=True),
        _pk("operators", "id"),
        sa.UniqueConstraint("name", name=op.f("uq_operators_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_operators_token_hash")),
    )
    op.create_table(
        "pii_rotations",
        sa.Column("id", _id(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("counts", _json(), nullable=False),
        sa.Column("started_at", _time(), nullable=False),
        sa.Column("finished_at", _time(), nullable=True),
        _one_of("pii_rotations", "status", "running", "finished"),
        _pk("pii_rotations", "id"),
    )


def downgrade() -> None:
    for table in (
        "pii_rotations",
        "operators",
        "identity_blacklist",
        "otp_codes",
        "account_pii",
        "accounts",
    ):
        op.drop_table(table)
