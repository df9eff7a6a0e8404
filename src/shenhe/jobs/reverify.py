"""The periodic re-verification job (定期核验): verify again the identities that are due.

`run_reverification(settings)` is one run, built through the composition root (database,
keyring, verifier, policy): what a scheduler or cron calls (``shenhe accounts reverify --due``
does the same from the shell). `ReverifyJob` runs it in a daemon thread every `interval`
seconds (``settings.reverify_interval`` unless given), for a process that wants it in-house::

    with ReverifyJob(settings):
        serve_forever()

A failed run is logged and the next one tries again; accounts stay due (and may not publish)
until they pass.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from shenhe.bootstrap import (
    build_account_policy,
    build_database,
    build_keyring,
    build_unit_of_work,
    build_verifier,
)
from shenhe.config import Settings
from shenhe.jobs.database import database_absent
from shenhe.jobs.periodic import PeriodicJob
from shenhe.services.reverification import DEFAULT_LIMIT, ReverifyReport, reverify_due
from shenhe.services.verification import IdentityVerifier

logger = logging.getLogger(__name__)


def run_reverification(
    settings: Settings,
    *,
    now: datetime | None = None,
    verifier: IdentityVerifier | None = None,
    limit: int = DEFAULT_LIMIT,
) -> ReverifyReport:
    """Verify again the accounts due at `now` (the clock by default)."""
    with build_database(settings) as database:
        return reverify_due(
            build_unit_of_work(database),
            build_keyring(settings),
            verifier if verifier is not None else build_verifier(settings),
            now=now if now is not None else datetime.now(UTC),
            policy=build_account_policy(settings),
            limit=limit,
        )


class ReverifyJob(PeriodicJob):
    """`run_reverification` every `interval` seconds (``settings.reverify_interval``) in a
    daemon thread (first run at once).

    While the SQLite file of the settings does not exist a round does nothing (and does not
    create it), like the expiry scheduler's."""

    thread_name = "shenhe-reverify"
    failure = "re-verification failed"
    first_round_at_start = True

    def __init__(self, settings: Settings, *, interval: float | None = None) -> None:
        super().__init__(settings.reverify_interval if interval is None else interval)
        self.settings = settings
        self.verifier = build_verifier(settings)  # one circuit breaker for every run
        self.ran = threading.Event()
        """Set after each run (for whoever watches the job, tests included)."""
        self.last_report: ReverifyReport | None = None

    def run_round(self) -> None:
        try:
            if not database_absent(self.settings):
                report = run_reverification(self.settings, verifier=self.verifier)
                logger.info("re-verification: %s", report.to_dict())
                self.last_report = report
        finally:
            self.ran.set()
