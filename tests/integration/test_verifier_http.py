"""The HTTP identity verifier against a real verification service on loopback that answers,
fails, stalls or flaps: timeouts, retries with exponential backoff and jitter, no retry of a
refused request, and the circuit breaker opening, failing fast and closing again."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from account_support import NOW, WANG, WANG_ID, dump, keyring, register_verified
from verifier_server import Script, verification_service

from shenhe.adapters.circuit_breaker import CircuitBreaker
from shenhe.adapters.db import Database
from shenhe.adapters.verifier_http import HttpVerifier
from shenhe.services import accounts, reverification
from shenhe.services.account_errors import VerificationFailedError, VerifierUnavailableError
from shenhe.services.unit_of_work import UnitOfWork
from shenhe.services.verification import IdentityClaim

CLAIM = IdentityClaim("individual", "王小明", WANG_ID, NOW)
OK = ("answer", {"verified": True, "code": "match", "reference": "ref-1"})
NO = ("answer", {"verified": False, "code": "mismatch", "reason": "name and number differ"})


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def verifier(url: str, **options: object) -> tuple[HttpVerifier, list[float]]:
    waits: list[float] = []
    settings: dict[str, object] = {
        "api_key": "secret-key",
        "timeout": 2.0,
        "retries": 3,
        "sleep": waits.append,
        "jitter": lambda: 1.0,
        **options,
    }
    return HttpVerifier(url, **settings), waits  # type: ignore[arg-type]


def test_a_verified_answer_and_what_the_service_receives() -> None:
    script = Script().then(OK)
    with verification_service(script) as url:
        found, waits = verifier(url)
        result = found.verify(CLAIM)
    assert (result.verified, result.code, result.reference) == (True, "match", "ref-1")
    assert waits == []
    [request] = script.requests
    assert request["path"] == "/v1/verify" and request["auth"] == "Bearer secret-key"
    assert request["body"] == {"kind": "individual", "name": "王小明", "number": WANG_ID}


def test_a_flapping_service_is_retried_with_growing_backoff() -> None:
    script = Script().then(("status", 503), ("garbage",), ("status", 502), NO)
    with verification_service(script) as url:
        found, waits = verifier(url)
        result = found.verify(CLAIM)
    assert (result.verified, result.code) == (False, "mismatch")
    assert waits == [0.2, 0.4, 0.8]  # base × 2^attempt, jitter pinned at its top
    assert len(script.requests) == 4 and found.breaker.state == "closed"


def test_jitter_spreads_the_waits_below_the_cap() -> None:
    found = HttpVerifier(
        "http://127.0.0.1:9", backoff_base=1.0, backoff_max=3.0, jitter=lambda: 0.5
    )
    assert [found.backoff(n) for n in range(4)] == [0.5, 1.0, 1.5, 1.5]
    assert found.backoff(0, retry_after=2.0) == 2.0 and found.backoff(0, retry_after=60) == 3.0


def test_retry_after_is_honoured() -> None:
    script = Script().then(("status", 429, {"Retry-After": "2"}), OK)
    with verification_service(script) as url:
        found, waits = verifier(url)
        assert found.verify(CLAIM).verified
    assert waits == [2.0]


def test_a_stalled_service_times_out_and_is_given_up_on() -> None:
    script = Script(otherwise=("stall",))
    with verification_service(script) as url:
        found, waits = verifier(url, timeout=0.2, retries=1)
        with pytest.raises(VerifierUnavailableError, match=r"no answer within 0\.2 s"):
            found.verify(CLAIM)
    assert len(script.requests) == 2 and len(waits) == 1


def test_a_refused_request_is_not_retried() -> None:
    script = Script().then(("status", 401))
    with verification_service(script) as url:
        found, _ = verifier(url)
        with pytest.raises(VerifierUnavailableError, match=r"refused the request \(HTTP 401"):
            found.verify(CLAIM)
    assert len(script.requests) == 1 and found.breaker.state == "closed"


def test_nothing_listening_is_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        found, _ = verifier(f"http://127.0.0.1:{port}", retries=2)
        with pytest.raises(VerifierUnavailableError, match="cannot connect"):
            found.verify(CLAIM)
    assert WANG_ID not in str(found.__dict__)


def test_the_circuit_opens_fails_fast_and_closes_after_a_good_trial() -> None:
    clock = Clock()
    script = Script(otherwise=("status", 500))
    with verification_service(script) as url:
        breaker = CircuitBreaker(failures=3, cooldown=30, clock=clock)
        found, _ = verifier(url, retries=5, breaker=breaker)
        with pytest.raises(VerifierUnavailableError, match="circuit open"):
            found.verify(CLAIM)
        assert len(script.requests) == 3 and breaker.state == "open"
        with pytest.raises(VerifierUnavailableError, match="next try in 30 s"):
            found.verify(CLAIM)  # fails fast: no request at all
        assert len(script.requests) == 3
        clock.now = 31
        with pytest.raises(VerifierUnavailableError):  # the trial fails: open again
            found.verify(CLAIM)
        assert len(script.requests) == 4 and breaker.state == "open"
        clock.now = 62
        script.otherwise = OK
        assert found.verify(CLAIM).verified  # the trial succeeds: closed
        assert breaker.state == "closed"
        assert found.verify(CLAIM).verified and len(script.requests) == 6


def test_registration_through_the_service(uow: UnitOfWork, database: Database) -> None:
    script = Script().then(NO, ("status", 503), ("status", 503))
    with verification_service(script) as url:
        found, _ = verifier(url, retries=1)
        command = accounts.RegisterAccount(**WANG)
        with pytest.raises(VerificationFailedError, match="mismatch"):
            accounts.register_account(command, uow, keyring(), found, now=NOW)
        with pytest.raises(VerifierUnavailableError):
            accounts.register_account(command, uow, keyring(), found, now=NOW)
        assert dump(database, "accounts") == ""
        account = accounts.register_account(command, uow, keyring(), found, now=NOW)
    assert account.identity_status == "verified"


def test_an_unavailable_service_leaves_lapsed_accounts_lapsed(uow: UnitOfWork) -> None:
    account = register_verified(uow, WANG)
    year = NOW + timedelta(days=366)
    script = Script(otherwise=("status", 503))
    with verification_service(script) as url:
        found, _ = verifier(url, retries=0)
        report = reverification.reverify_due(uow, keyring(), found, now=year)
    assert (report.checked, report.unavailable) == (1, 1)
    with uow:
        assert accounts.publishing_rights(uow, account.id, year).code == "identity_lapsed"
