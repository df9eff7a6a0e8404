"""The sweep's summary: the JSON shape ``shenhe sweep --json`` prints, keys in a stable order."""

from __future__ import annotations

import json

from shenhe.domain.sweeps import SweepSummary


def test_the_summary_is_one_json_object_in_a_stable_order() -> None:
    summary = SweepSummary(
        screened=12,
        actions={"blacklist_principal": 2, "ban": 3},
        by_category={"porn": 1, "loan": 2},
        principals_blacklisted=2,
    )
    assert summary.action_count == 5
    assert json.dumps(summary.to_dict()) == (
        '{"screened": 12, "actions": {"ban": 3, "blacklist_principal": 2}, '
        '"by_category": {"loan": 2, "porn": 1}, "principals_blacklisted": 2}'
    )


def test_an_empty_summary() -> None:
    assert SweepSummary().to_dict() == {
        "screened": 0,
        "actions": {},
        "by_category": {},
        "principals_blacklisted": 0,
    }
