"""The rules a review runs with: the screener, the category catalogue, the penalty ladder, the
protected brands and the look-up of clones of banned apps.

The composition root builds one `Rules` (`shenhe.bootstrap.build_rules`) and hands it to the
app and enforcement use cases, so the command line, the HTTP API and the jobs decide with the
same rules. `clones` holds no state (it reads the prints storage keeps, in the caller's
transaction), so one `Rules` serves any database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shenhe.domain.brands import BrandList
from shenhe.domain.catalogue import Catalogue
from shenhe.domain.ladder import Ladder
from shenhe.screening.screener import Screener
from shenhe.services.clones import BannedClones


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything a decision depends on besides the registry's state and the clock."""

    screener: Screener
    catalogue: Catalogue = field(default_factory=Catalogue.default)
    ladder: Ladder = field(default_factory=Ladder.default)
    brands: BrandList | None = field(default_factory=BrandList.default)
    """Protected brands; None turns brand imitation checks off."""
    clones: BannedClones = field(default_factory=BannedClones)
