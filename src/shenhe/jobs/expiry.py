"""Expired penalties lift themselves: a daemon thread of ``shenhe serve`` runs
`shenhe.services.expiry.lift_expired` every ``lift_interval`` seconds.

Each round is one transaction (the service's): every penalty past its end is lifted, every
blacklist whose end has come is ended, each with its audit record, and the apps get back the
status their penalty recorded. A round that fails (the database is down, not migrated) is
logged and the next one tries again. Running it in several processes at once is safe: a
penalty is marked lifted once (`mark_lifted` is conditional), so two rounds never lift it
twice.

Given the server's `Rules`, each round first audits a change of the lexicon, policy,
catalogue or ladder in use (`shenhe.services.rules_audit`), so a reload by ``--watch`` is in
the audit log within one interval.

The database is opened on the first round, not before, and never created: while the SQLite
file of ``SHENHE_DATABASE_URL`` does not exist there is nothing to lift, and an API that only
screens texts keeps running without one.

    scheduler = ExpiryScheduler(settings)
    with scheduler:        # starts the thread; stops it (and closes the database) on exit
        serve_forever()
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from shenhe.adapters.db import Database
from shenhe.bootstrap import build_database, build_unit_of_work
from shenhe.config import Settings
from shenhe.domain.audit import SYSTEM_ACTOR
from shenhe.jobs.database import database_absent
from shenhe.jobs.periodic import PeriodicJob
from shenhe.services.expiry import LiftReport, lift_expired
from shenhe.services.rules import Rules
from shenhe.services.rules_audit import record_rules

logger = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ExpiryScheduler(PeriodicJob):
    """Lifts expired penalties every `interval` seconds (``settings.lift_interval``)."""

    thread_name = "shenhe-expiry"
    failure = "expired penalties not lifted this round"

    def __init__(
        self,
        settings: Settings,
        *,
        interval: float | None = None,
        clock: Callable[[], datetime] = _utcnow,
        rules: Rules | None = None,
    ) -> None:
        self.settings = settings
        self.rules = rules
        """When given, each round also audits a change of the rules in use (a reload)."""
        super().__init__(settings.lift_interval if interval is None else interval)
        self.clock = clock
        self._database: Database | None = None

    def tick(self) -> LiftReport | None:
        """One round: what was lifted, or None when there is no database yet."""
        database = self._open()
        if database is None:
            return None
        now = self.clock()
        if self.rules is not None:
            uow = build_unit_of_work(database)
            with uow:
                if record_rules(uow, self.rules, actor=SYSTEM_ACTOR, now=now):
                    uow.commit()
        report = lift_expired(build_unit_of_work(database), now=now)
        if report.lifted or report.unblacklisted:
            logger.info(
                "lifted %d expired penalties, ended %d blacklists",
                len(report.lifted),
                len(report.unblacklisted),
            )
        return report

    def _open(self) -> Database | None:
        if self._database is None:
            if database_absent(self.settings):
                return None
            self._database = build_database(self.settings)
        return self._database

    def run_round(self) -> None:
        self.tick()

    def stop(self, timeout: float | None = 10.0) -> None:
        super().stop(timeout)
        if self._database is not None:
            self._database.dispose()
            self._database = None
