"""What the account routes need besides the request: the identity verifier, the SMS gateway
and the account policy, built through the composition root on first use and kept on
``app.state`` (the verifier's circuit breaker is per process, so it must be shared)."""

from __future__ import annotations

from fastapi import Request

from shenhe.api.deps import kept
from shenhe.bootstrap import build_account_policy, build_sms_gateway, build_verifier
from shenhe.services.account_mobile import SmsGateway
from shenhe.services.accounts import AccountPolicy
from shenhe.services.verification import IdentityVerifier


def verifier(request: Request) -> IdentityVerifier:
    return kept(request, "verifier", build_verifier)


def sms_gateway(request: Request) -> SmsGateway:
    return kept(request, "sms_gateway", build_sms_gateway)


def account_policy(request: Request) -> AccountPolicy:
    return kept(request, "account_policy", build_account_policy)
