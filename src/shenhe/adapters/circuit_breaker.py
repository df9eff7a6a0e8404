"""A circuit breaker: stop calling a service that keeps failing, try it again after a pause.

    closed ──(N failures in a row)──▶ open ──(cool-down passed)──▶ half-open
      ▲                                 ▲                              │
      └──────────(the trial succeeds)───┼──────────────────────────────┤
                                        └─────(the trial fails)────────┘

While *open*, `allow` says no at once, so callers fail fast instead of waiting on timeouts.
After `cooldown` seconds one caller is let through (*half-open*) and the others still fail
fast; its success closes the circuit, its failure opens it for another cool-down. Thread-safe;
the clock is an argument (`time.monotonic` by default), so tests need no waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """See the module. `failures` failures in a row open it for `cooldown` seconds."""

    def __init__(
        self,
        *,
        failures: int = 5,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1 or cooldown <= 0:
            raise ValueError("a circuit breaker needs failures >= 1 and a positive cooldown")
        self.threshold = failures
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._state: State = "closed"
        self._failures = 0
        self._opened_at = 0.0

    @property
    def state(self) -> State:
        with self._lock:
            return self._state

    def allow(self) -> bool:
        """Whether a call may go ahead now (in half-open, only the one trial call)."""
        with self._lock:
            if self._state == "closed":
                return True
            if self._state == "open" and self._clock() - self._opened_at >= self.cooldown:
                self._state = "half_open"
                return True
            return False

    def retry_in(self) -> float:
        """Seconds until an open circuit lets a trial call through (0 when not open)."""
        with self._lock:
            if self._state != "open":
                return 0.0
            return max(0.0, self.cooldown - (self._clock() - self._opened_at))

    def success(self) -> None:
        with self._lock:
            self._state = "closed"
            self._failures = 0

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state == "half_open" or self._failures >= self.threshold:
                self._state = "open"
                self._opened_at = self._clock()
