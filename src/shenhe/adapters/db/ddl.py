"""The DDL helpers of the migrations from ``0004`` on: column types and named constraints.

The names follow the metadata's naming convention (`shenhe.adapters.db.schema`): ``pk_<table>``,
``fk_<table>_<column>_<target>``, ``uq_<table>_<columns>``, ``ix_<table>_<columns>``,
``ck_<table>_<name>``; `op.f` marks each as final so the convention does not rename it.
Migrations run these when they are applied, so a change here changes what every migration
that uses them creates: keep what each helper emits as it is, and add a new helper instead.
Call them inside a migration only (`op` is Alembic's proxy for the running one).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


def id_type() -> sa.types.TypeEngine[int]:
    """A 64-bit id; INTEGER on SQLite, so an ``INTEGER PRIMARY KEY`` is its rowid."""
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def json_type() -> sa.types.TypeEngine[Any]:
    """JSON text on SQLite, ``jsonb`` on PostgreSQL."""
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def utc_time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def one_of(table: str, column: str, *values: str) -> sa.CheckConstraint:
    """CHECK that `column` holds one of `values` (named ``ck_<table>_<column>``)."""
    return check(table, column, f"{column} IN ({', '.join(repr(v) for v in values)})")


def pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    """`column` refers to ``<target>.id``."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def index(table: str, *columns: str) -> None:
    """Create the index ``ix_<table>_<columns>`` on `columns`."""
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))
