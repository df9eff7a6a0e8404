"""What the front and posting decide with, built once by the composition root: the
screener, the official bodies profiles must not impersonate, the credit rules and the IP
location table."""

from __future__ import annotations

from dataclasses import dataclass

from shenhe.domain.credit import CreditRules
from shenhe.domain.impersonation import OfficialBodies
from shenhe.domain.ip_location import IpTable
from shenhe.screening.screener import Screener


@dataclass(frozen=True, slots=True)
class PublishingRules:
    screener: Screener
    bodies: OfficialBodies
    credit: CreditRules
    ip_table: IpTable

    @classmethod
    def default(cls, screener: Screener | None = None) -> PublishingRules:
        """The built-in lists and rules around `screener` (the default one if None)."""
        return cls(
            screener or Screener.default(),
            OfficialBodies.default(),
            CreditRules.default(),
            IpTable.default(),
        )
