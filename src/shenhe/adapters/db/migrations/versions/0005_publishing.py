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

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


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
    condition = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{column}"))


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", _id(), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("published_at", _time(), nullable=False),
        _pk("agreements", "id"),
        _unique("agreements", "version"),
    )
    op.create_table(
        "agreement_acceptances",
        sa.Column("id", _id(), nullable=False),
        sa.Column("account_id", _id(), nullable=False),
        sa.Column("agreement_id", _id(), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("accepted_at", _time(), nullable=False),
        _fk("agreement_acceptances", "account_id", "accounts"),
        _fk("agreement_acceptances", "agreement_id", "agreements"),
        _pk("agreement_acceptances", "id"),
        _unique("agreement_acceptances", "account_id", "agreement_id"),
    )
    op.create_table(
        "profiles",
        sa.Column("account_id", _id(), autoincrement=False, nullable=False),
        sa.Column("nickname", sa.String(60), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("avatar_caption", sa.String(120), nullable=False),
        sa.Column("location_scope", sa.String(16), nullable=False),
        sa.Column("location_name", sa.String(64), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        _status("profiles", "location_scope", "province", "region", "country", "unknown"),
        _fk("profiles", "account_id", "accounts"),
        _pk("profiles", "account_id"),
    )
    op.create_table(
        "credit_events",
        sa.Column("id", _id(), nullable=False),
        sa.Column("account_id", _id(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("at", _time(), nullable=False),
        _fk("credit_events", "account_id", "accounts"),
        _pk("credit_events", "id"),
    )
    _index("credit_events", "account_id", "at")
    op.create_table(
        "posts",
        sa.Column("id", _id(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("account_id", _id(), nullable=True),
        sa.Column("parent_id", _id(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("verdict", _json(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("decided_at", _time(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        _status("posts", "kind", "post", "comment"),
        _status("posts", "status", "published", "held", "removed"),
        _fk("posts", "account_id", "accounts"),
        _fk("posts", "parent_id", "posts"),
        _pk("posts", "id"),
    )
    _index("posts", "account_id", "kind", "created_at")
    _index("posts", "parent_id", "id")
    _index("posts", "status", "id")
    op.create_table(
        "report_cases",
        sa.Column("id", _id(), nullable=False),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("opened_at", _time(), nullable=False),
        sa.Column("decided_at", _time(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        _status("report_cases", "target_type", "app", "post", "comment", "account"),
        _status("report_cases", "status", "open", "decided"),
        _status("report_cases", "outcome", "upheld", "dismissed"),
        _pk("report_cases", "id"),
    )
    _index("report_cases", "target_type", "target_id", "status")
    _index("report_cases", "status", "id")
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
        sa.Column("case_id", _id(), nullable=False),
        sa.Column("reporter", sa.String(80), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        _fk("reports", "case_id", "report_cases"),
        _pk("reports", "id"),
        _unique("reports", "case_id", "reporter"),
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
