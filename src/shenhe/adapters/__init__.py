"""Adapters: Shenhe's storage and other I/O, behind the protocols the services define.

``shenhe.adapters.db`` implements the unit of work and its repositories over SQLAlchemy, for
SQLite (the default) and PostgreSQL, with the Alembic migrations that build the schema.
"""
