"""Storage on SQLAlchemy: SQLite by default, PostgreSQL by URL, migrated by Alembic.

`Database`        an engine for a URL, its schema revision, units of work over it
`SqlUnitOfWork`   the services' `UnitOfWork`: one transaction and its repositories
`SqlAuditLog`     the audit log repository
`upgrade`, `current`, `head`   the migrations (also ``shenhe db upgrade`` / ``current``)
`create_engine`   the engine factory: SQLite in WAL mode with foreign keys, psycopg 3
"""

from shenhe.adapters.db.audit import SqlAuditLog
from shenhe.adapters.db.database import Database
from shenhe.adapters.db.engine import create_engine, database_url
from shenhe.adapters.db.migrate import current, head, upgrade
from shenhe.adapters.db.unit_of_work import SqlUnitOfWork

__all__ = [
    "Database",
    "SqlAuditLog",
    "SqlUnitOfWork",
    "create_engine",
    "current",
    "database_url",
    "head",
    "upgrade",
]
