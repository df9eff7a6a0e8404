"""Storage on SQLAlchemy: SQLite by default, PostgreSQL by URL, migrated by Alembic.

`Database`        an engine for a URL, its schema revision, units of work over it
`SqlUnitOfWork`   the services' `UnitOfWork`: one transaction and its repositories
`SqlAuditLog`     the audit log repository
`SqlPrincipals`, `SqlApps`, `SqlDecisions`, `SqlEnforcement`   the registry's repositories
`upgrade`, `current`, `head`   the migrations (also ``shenhe db upgrade`` / ``current``)
`create_engine`   the engine factory: SQLite in WAL mode with foreign keys, psycopg 3
"""

from shenhe.adapters.db.apps import SqlApps
from shenhe.adapters.db.audit import SqlAuditLog
from shenhe.adapters.db.database import Database
from shenhe.adapters.db.decisions import SqlDecisions
from shenhe.adapters.db.enforcement import SqlEnforcement
from shenhe.adapters.db.engine import create_engine, database_url
from shenhe.adapters.db.migrate import current, head, upgrade
from shenhe.adapters.db.principals import SqlPrincipals
from shenhe.adapters.db.unit_of_work import SqlUnitOfWork

__all__ = [
    "Database",
    "SqlApps",
    "SqlAuditLog",
    "SqlDecisions",
    "SqlEnforcement",
    "SqlPrincipals",
    "SqlUnitOfWork",
    "create_engine",
    "current",
    "database_url",
    "head",
    "upgrade",
]
