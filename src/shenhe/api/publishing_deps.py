"""What the publishing routes need besides the request: the `PublishingRules` (screener,
official bodies, credit rules, IP table), built through the composition root on the first
request that needs them and kept on ``app.state``. The database comes from `shenhe.api.deps`.
"""

from __future__ import annotations

import threading

from fastapi import Request

from shenhe.bootstrap import build_publishing_rules
from shenhe.config import Settings
from shenhe.services.publishing_rules import PublishingRules

_LOCK = threading.Lock()


def publishing_rules(request: Request) -> PublishingRules:
    state = request.app.state
    found: PublishingRules | None = getattr(state, "publishing_rules", None)
    if found is None:
        with _LOCK:
            found = getattr(state, "publishing_rules", None)
            if found is None:
                settings: Settings = state.settings
                found = state.publishing_rules = build_publishing_rules(settings, state.screener)
    return found
