"""The identity verifier of a third-party verification service, over HTTP.

The service's contract (what a provider's adapter or a proxy in front of it must offer)::

    POST {base}/v1/verify
    Authorization: Bearer {SHENHE_VERIFIER_API_KEY}
    {"kind": "individual", "name": "…", "number": "…"}          (+ responsible_* for organisations)
    → 200 {"verified": true, "code": "match", "reason": "", "reference": "…"}

Resilience:

- **Timeouts**: each call may take `timeout` seconds (per socket operation).
- **Retries** with exponential backoff and full jitter: after a connection error, a timeout,
  a 5xx, 408 or 429, or a malformed answer, it waits ``random() × min(backoff_max,
  backoff_base × 2^attempt)`` (at least what a ``Retry-After`` header asks, within the cap)
  and tries again, `retries` times. Other 4xx answers (a bad key, a request the service
  refuses) are not retried: they are a configuration problem and say so.
- **A circuit breaker** (`shenhe.adapters.circuit_breaker`): every failed attempt counts;
  after `breaker.threshold` in a row it opens and calls fail at once with
  `VerifierUnavailableError` until the cool-down has passed, then one trial call decides.

The clear identity goes only into the request body; no log line or error message carries it.
"""

from __future__ import annotations

import json
import logging
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from shenhe.adapters.circuit_breaker import CircuitBreaker
from shenhe.services.account_errors import VerifierUnavailableError
from shenhe.services.verification import IdentityClaim, VerificationResult

logger = logging.getLogger("shenhe.verifier")
PATH = "/v1/verify"
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})


class _Retryable(Exception):
    """One attempt failed in a way worth trying again; the message says how (no PII)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class HttpVerifier:
    """`IdentityVerifier` over the HTTP service at `base_url`; see the module."""

    name = "http"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 5.0,
        retries: int = 3,
        backoff_base: float = 0.2,
        backoff_max: float = 5.0,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the verifier URL must start with http:// or https://")
        self.url = base_url.rstrip("/") + PATH
        self._api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        self._sleep = sleep
        self._jitter = jitter
        self._opener = urllib.request.build_opener()

    def verify(self, claim: IdentityClaim) -> VerificationResult:
        body = json.dumps(claim.to_request(), ensure_ascii=False).encode("utf-8")
        last = "no attempt was made"
        for attempt in range(self.retries + 1):
            if not self.breaker.allow():
                raise VerifierUnavailableError(
                    "the identity verification service is failing and calls to it are paused "
                    f"(circuit open, next try in {self.breaker.retry_in():.0f} s); last error: "
                    f"{last}. Try again later"
                )
            try:
                result = self._attempt(body)
            except _Retryable as failure:
                self.breaker.failure()
                last = str(failure)
                logger.warning("identity verifier attempt %d failed: %s", attempt + 1, last)
                if attempt < self.retries:
                    self._sleep(self.backoff(attempt, failure.retry_after))
                continue
            self.breaker.success()
            return result
        raise VerifierUnavailableError(
            f"the identity verification service did not answer after {self.retries + 1} "
            f"attempts ({last}); try again later"
        )

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry `attempt` + 1: full jitter, capped."""
        ceiling = min(self.backoff_max, self.backoff_base * float(2**attempt))
        wait = self._jitter() * ceiling
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.backoff_max))
        return wait

    def _attempt(self, body: bytes) -> VerificationResult:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            error.close()
            if error.code in RETRYABLE:
                raise _Retryable(
                    f"HTTP {error.code}", retry_after=_seconds(error.headers.get("Retry-After"))
                ) from None
            raise VerifierUnavailableError(
                f"the identity verification service refused the request (HTTP {error.code}); "
                "check SHENHE_VERIFIER_URL and SHENHE_VERIFIER_API_KEY"
            ) from None
        except TimeoutError:
            raise _Retryable(f"no answer within {self.timeout} s") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise _Retryable(f"no answer within {self.timeout} s") from None
            raise _Retryable(f"cannot connect: {type(reason).__name__}") from None
        return _result(payload)


def _result(payload: bytes) -> VerificationResult:
    try:
        data: Any = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise _Retryable("the answer is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("verified"), bool):
        raise _Retryable("the answer has no boolean 'verified'")
    verified = data["verified"]
    code = data.get("code") or ("match" if verified else "mismatch")
    return VerificationResult(
        verified,
        str(code)[:64],
        str(data.get("reason") or "")[:200],
        HttpVerifier.name,
        str(data.get("reference") or "")[:100],
    )


def _seconds(header: str | None) -> float | None:
    if header is None:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        return None
