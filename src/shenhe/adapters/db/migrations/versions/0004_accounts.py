"""Accounts under the real-name rules: accounts and their sealed identity fields, one-time
codes, the identity blacklist, API operators, PII key rotations.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shenhe.adapters.db.ddl import check, fk, id_type, index, json_type, one_of, pk, utc_time

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("data_key", sa.Text(), nullable=True),
        sa.Column("identity_status", sa.String(16), nullable=False),
        sa.Column("identity_verified_at", utc_time(), nullable=True),
        sa.Column("identity_due_at", utc_time(), nullable=True),
        sa.Column("mobile_verified_at", utc_time(), nullable=True),
        sa.Column("closed_at", utc_time(), nullable=True),
        sa.Column("close_reason", sa.String(500), nullable=True),
        sa.Column("deleted_at", utc_time(), nullable=True),
        sa.Column("created_at", utc_time(), nullable=False),
        sa.Column("updated_at", utc_time(), nullable=False),
        one_of("accounts", "kind", "individual", "organisation"),
        one_of("accounts", "status", "active", "suspended", "closed", "deleted"),
        one_of("accounts", "identity_status", "verified", "failed"),
        check("accounts", "data_key", "status = 'deleted' OR data_key IS NOT NULL"),
        pk("accounts", "id"),
    )
    index("accounts", "status", "identity_due_at")
    op.create_table(
        "account_pii",
        sa.Column("account_id", id_type(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("blind_index", sa.String(64), nullable=False),
        sa.Column("masked", sa.String(200), nullable=False),
        fk("account_pii", "account_id", "accounts"),
        pk("account_pii", "account_id", "field"),
    )
    index("account_pii", "field", "blind_index")
    op.create_table(
        "otp_codes",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("account_id", id_type(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("sent_at", utc_time(), nullable=False),
        sa.Column("expires_at", utc_time(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("consumed_at", utc_time(), nullable=True),
        fk("otp_codes", "account_id", "accounts"),
        pk("otp_codes", "id"),
    )
    index("otp_codes", "account_id", "purpose", "sent_at")
    op.create_table(
        "identity_blacklist",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("blind_index", sa.String(64), nullable=False),
        sa.Column("masked", sa.String(200), nullable=False),
        sa.Column("account_id", id_type(), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("until", utc_time(), nullable=True),
        sa.Column("created_at", utc_time(), nullable=False),
        fk("identity_blacklist", "account_id", "accounts"),
        pk("identity_blacklist", "id"),
    )
    index("identity_blacklist", "field", "blind_index")
    op.create_table(
        "operators",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("roles", json_type(), nullable=False),
        sa.Column("created_at", utc_time(), nullable=False),
        sa.Column("revoked_at", utc_time(), nullable=True),
        pk("operators", "id"),
        sa.UniqueConstraint("name", name=op.f("uq_operators_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_operators_token_hash")),
    )
    op.create_table(
        "pii_rotations",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("counts", json_type(), nullable=False),
        sa.Column("started_at", utc_time(), nullable=False),
        sa.Column("finished_at", utc_time(), nullable=True),
        one_of("pii_rotations", "status", "running", "finished"),
        pk("pii_rotations", "id"),
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
