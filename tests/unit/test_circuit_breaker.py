"""The circuit breaker of the HTTP verifier: closed, open after N failures, half-open after the
cool-down with one trial call, closed again by a success."""

from __future__ import annotations

import pytest

from shenhe.adapters.circuit_breaker import CircuitBreaker


def test_the_circuit_breaker_opens_half_opens_and_closes():
    now = [0.0]
    breaker = CircuitBreaker(failures=2, cooldown=10, clock=lambda: now[0])
    assert breaker.allow()
    breaker.failure()
    assert breaker.state == "closed"
    breaker.failure()
    assert breaker.state == "open" and not breaker.allow() and breaker.retry_in() == 10
    now[0] = 10
    assert breaker.allow() and breaker.state == "half_open"
    assert not breaker.allow()  # one trial at a time
    breaker.failure()
    assert breaker.state == "open"
    now[0] = 25
    assert breaker.allow()
    breaker.success()
    assert breaker.state == "closed" and breaker.allow()
    with pytest.raises(ValueError):
        CircuitBreaker(failures=0)
