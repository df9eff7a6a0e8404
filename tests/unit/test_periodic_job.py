"""The background jobs' thread: rounds go on after a failed one, and stop on request."""

from __future__ import annotations

import threading

import pytest

from shenhe.errors import ShenheError
from shenhe.jobs.periodic import PeriodicJob


class Flaky(PeriodicJob):
    first_round_at_start = True

    def __init__(self) -> None:
        super().__init__(interval=0.01)
        self.rounds = 0
        self.third = threading.Event()

    def run_round(self) -> None:
        self.rounds += 1
        if self.rounds == 3:
            self.third.set()
        if self.rounds == 1:
            raise ShenheError("the database is down")
        if self.rounds == 2:
            raise RuntimeError("a bug in one round")


def test_a_failed_round_is_logged_and_the_next_one_runs(caplog: pytest.LogCaptureFixture) -> None:
    with Flaky() as job:
        assert job.third.wait(10)
    assert "the database is down" in caplog.text and "a bug in one round" in caplog.text
    rounds = job.rounds
    job.third.clear()
    assert not job.third.wait(0.05) and job.rounds == rounds  # stopped: no more rounds
