"""Clone prints of banned apps, kept in the database and found by LSH band.

``clone_prints`` holds, for every banned app, the `shenhe.domain.clones.ClonePrint` of its
current version (folded name, its homophone form, the MinHash as bytes); ``clone_bands`` its
LSH band keys, one row a band, indexed, so a look-up for a clone is one indexed
``key IN (...)`` instead of re-reading and re-printing every banned app. The app repository
writes both in the transaction that bans an app and deletes them in the one that lifts the
ban. This migration prints the apps banned already.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "clone_prints",
        sa.Column("app_id", _id(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sound", sa.Text(), nullable=False),
        sa.Column("print", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_clone_prints_app_id_apps")
        ),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_clone_prints")),
    )
    op.create_index(op.f("ix_clone_prints_name"), "clone_prints", ["name"])
    op.create_index(op.f("ix_clone_prints_sound"), "clone_prints", ["sound"])
    op.create_table(
        "clone_bands",
        sa.Column("app_id", _id(), autoincrement=False, nullable=False),
        sa.Column("band", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["clone_prints.app_id"], name=op.f("fk_clone_bands_app_id_clone_prints")
        ),
        sa.PrimaryKeyConstraint("app_id", "band", name=op.f("pk_clone_bands")),
    )
    op.create_index(op.f("ix_clone_bands_key"), "clone_bands", ["key"])
    _backfill()


def _backfill() -> None:
    """Print the apps banned already (none in a new database)."""
    from shenhe.adapters.db.clones import insert_print
    from shenhe.domain.clones import ClonePrint

    bind = op.get_bind()
    apps = sa.table(
        "apps",
        sa.column("id"),
        sa.column("version"),
        sa.column("name"),
        sa.column("description"),
        sa.column("pages", sa.JSON()),
        sa.column("status"),
    )
    rows = bind.execute(
        sa.select(apps.c.id, apps.c.version, apps.c.name, apps.c.description, apps.c.pages)
        .where(apps.c.status == "banned")
        .order_by(apps.c.id)
    ).all()
    for app_id, version, name, description, pages in rows:
        print_ = ClonePrint.of(name, description or "", tuple(pages or ()))
        insert_print(bind, app_id, version, print_)


def downgrade() -> None:
    op.drop_table("clone_bands")
    op.drop_table("clone_prints")
