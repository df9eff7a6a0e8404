"""Use cases: plain functions of their arguments and a unit of work (see ``unit_of_work.py``).

Services import the domain and the settings, never the adapters: they talk to storage through
the `UnitOfWork` protocol, which ``shenhe.adapters.db`` implements over SQLAlchemy.
"""
