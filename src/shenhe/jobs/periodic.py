"""The thread behind every background job of ``shenhe serve``: a round every few seconds.

A job subclasses `PeriodicJob`, names its thread and its failure, and implements
`run_round`. A round that raises is logged (a `ShenheError` as one line, anything else with
its traceback) and the next round tries again, so one bad round never stops a job::

    with MyJob(interval=60):     # starts the thread; stops and joins it on exit
        serve_forever()
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Self

from shenhe.errors import ShenheError

logger = logging.getLogger(__name__)


class PeriodicJob:
    """`run_round` every `interval` seconds in a daemon thread, until `stop`."""

    thread_name = "shenhe-job"
    failure = "background round failed"
    """What the log says when a round fails."""
    first_round_at_start = False
    """Run a round as soon as the thread starts, not one interval later."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_round(self) -> None:
        """One round of the job's work."""
        raise NotImplementedError

    def run(self) -> None:
        """Rounds until `stop` is called. Never raises."""
        if self.first_round_at_start:
            self._guarded_round()
        while not self._stop.wait(self.interval):
            self._guarded_round()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _guarded_round(self) -> None:
        try:
            self.run_round()
        except ShenheError as error:
            logger.error("%s: %s", self.failure, error)
        except Exception:  # keep the job alive whatever one round does
            logger.exception(self.failure)
