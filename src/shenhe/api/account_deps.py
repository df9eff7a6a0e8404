"""What the account routes need besides the request: the identity verifier, the SMS gateway
and the account policy, built through the composition root on first use and kept on
``app.state`` (the verifier's circuit breaker is per process, so it must be shared)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from shenhe.bootstrap import build_account_policy, build_sms_gateway, build_verifier
from shenhe.config import Settings
from shenhe.services.account_mobile import SmsGateway
from shenhe.services.accounts import AccountPolicy
from shenhe.services.verification import IdentityVerifier

_LOCK = threading.Lock()
_T = TypeVar("_T")


def verifier(request: Request) -> IdentityVerifier:
    return _kept(request, "verifier", build_verifier)


def sms_gateway(request: Request) -> SmsGateway:
    return _kept(request, "sms_gateway", build_sms_gateway)


def account_policy(request: Request) -> AccountPolicy:
    return _kept(request, "account_policy", build_account_policy)


def _kept(request: Request, name: str, build: Callable[[Settings], _T]) -> _T:
    state = request.app.state
    found: _T | None = getattr(state, name, None)
    if found is None:
        with _LOCK:
            found = getattr(state, name, None)
            if found is None:
                found = build(state.settings)
                setattr(state, name, found)
    return found
