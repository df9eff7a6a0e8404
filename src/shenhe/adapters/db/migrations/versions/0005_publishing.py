"""The front, agreements, posting, credit and complaints: agreements and their acceptances,
profiles, credit events, posts and comments, report cases and reports.

Accounts (``accounts``, migration 0004) are referred to by ``account_id``; posts keep theirs
nullable, so content outlives
a deleted account anonymised.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shenhe.adapters.db.ddl import fk, id_type, index, json_type, one_of, pk, unique, utc_time

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("published_at", utc_time(), nullable=False),
        pk("agreements", "id"),
        unique("agreements", "version"),
    )
    op.create_table(
        "agreement_acceptances",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("account_id", id_type(), nullable=False),
        sa.Column("agreement_id", id_type(), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("accepted_at", utc_time(), nullable=False),
        fk("agreement_acceptances", "account_id", "accounts"),
        fk("agreement_acceptances", "agreement_id", "agreements"),
        pk("agreement_acceptances", "id"),
        unique("agreement_acceptances", "account_id", "agreement_id"),
    )
    op.create_table(
        "profiles",
        sa.Column("account_id", id_type(), autoincrement=False, nullable=False),
        sa.Column("nickname", sa.String(60), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("avatar_caption", sa.String(120), nullable=False),
        sa.Column("location_scope", sa.String(16), nullable=False),
        sa.Column("location_name", sa.String(64), nullable=False),
        sa.Column("updated_at", utc_time(), nullable=False),
        one_of("profiles", "location_scope", "province", "region", "country", "unknown"),
        fk("profiles", "account_id", "accounts"),
        pk("profiles", "account_id"),
    )
    op.create_table(
        "credit_events",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("account_id", id_type(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("at", utc_time(), nullable=False),
        fk("credit_events", "account_id", "accounts"),
        pk("credit_events", "id"),
    )
    index("credit_events", "account_id", "at")
    op.create_table(
        "posts",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("account_id", id_type(), nullable=True),
        sa.Column("parent_id", id_type(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasons", json_type(), nullable=False),
        sa.Column("verdict", json_type(), nullable=False),
        sa.Column("created_at", utc_time(), nullable=False),
        sa.Column("decided_at", utc_time(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        one_of("posts", "kind", "post", "comment"),
        one_of("posts", "status", "published", "held", "removed"),
        fk("posts", "account_id", "accounts"),
        fk("posts", "parent_id", "posts"),
        pk("posts", "id"),
    )
    index("posts", "account_id", "kind", "created_at")
    index("posts", "parent_id", "id")
    index("posts", "status", "id")
    op.create_table(
        "report_cases",
        sa.Column("id", id_type(), nullable=False),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("opened_at", utc_time(), nullable=False),
        sa.Column("decided_at", utc_time(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        one_of("report_cases", "target_type", "app", "post", "comment", "account"),
        one_of("report_cases", "status", "open", "decided"),
        one_of("report_cases", "outcome", "upheld", "dismissed"),
        pk("report_cases", "id"),
    )
    index("report_cases", "target_type", "target_id", "status")
    index("report_cases", "status", "id")
    op.create_index(  # at most one open case per target
        "uq_report_cases_open_target",
        "report_cases",
        ["target_type", "target_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("case_id", id_type(), nullable=False),
        sa.Column("reporter", sa.String(80), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", utc_time(), nullable=False),
        fk("reports", "case_id", "report_cases"),
        pk("reports", "id"),
        unique("reports", "case_id", "reporter"),
    )


def downgrade() -> None:
    for table in (
        "reports",
        "report_cases",
        "posts",
        "credit_events",
        "profiles",
        "agreement_acceptances",
        "agreements",
    ):
        op.drop_table(table)
