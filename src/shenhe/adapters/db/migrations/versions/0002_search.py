"""The search index: an FTS5 table on SQLite, a tsvector table with a GIN index on PostgreSQL.

Both hold, per app that search may find, the tokens of its name and of its description and
pages (`shenhe.text.tokens.search_tokens`), already cut and folded: the database only stores
and matches them. Keyed by ``apps.id`` (FTS5's rowid on SQLite). Filled by
``refresh_search`` as apps change and by ``shenhe search --rebuild``; this migration leaves
it empty, so run ``shenhe search --rebuild`` once after upgrading a database that has apps.

The index is derived data outside the SQLAlchemy models (an FTS5 table cannot be one);
``shenhe.adapters.db.search`` reads and writes it, and the migration environment leaves its
tables out of model comparisons.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # `ascii` splits only at ASCII spaces and punctuation: each stored token (letters,
        # digits, hanzi) stays one FTS5 term. Tokens are unique per column, so positions
        # would add nothing: detail=column keeps the index small.
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "name_tokens, body_tokens, tokenize = 'ascii', detail = column)"
        )
        return
    op.create_table(
        "search_index",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_search_index")),
        sa.ForeignKeyConstraint(
            ["app_id"],
            ["apps.id"],
            name=op.f("fk_search_index_app_id_apps"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        op.f("ix_search_index_document"),
        "search_index",
        ["document"],
        postgresql_using="gin",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_index")
        return
    op.drop_index(op.f("ix_search_index_document"), table_name="search_index")
    op.drop_table("search_index")
