"""What the publishing routes need besides the request: the `PublishingRules` (screener,
official bodies, credit rules, IP table), built through the composition root on the first
request that needs them and kept on ``app.state``. The database comes from `shenhe.api.deps`.
"""

from __future__ import annotations

from fastapi import Request

from shenhe.api.deps import kept
from shenhe.bootstrap import build_publishing_rules
from shenhe.services.publishing_rules import PublishingRules


def publishing_rules(request: Request) -> PublishingRules:
    state = request.app.state
    return kept(
        request,
        "publishing_rules",
        lambda settings: build_publishing_rules(settings, state.screener),
    )
