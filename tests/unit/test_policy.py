"""The policy file: validated on load, with errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from shenhe import Policy, PolicyError

BASE = """
version: t
severity_weights: {1: 0.35, 2: 0.75, 3: 0.95}
variant_factors: {exact: 1.0, homophone: 0.9}
defaults: {review: 0.6, block: 0.9, contact_weight: 0.6}
"""


def test_the_default_policy_is_stricter_for_search_and_nicknames() -> None:
    policy = Policy.default()
    post = policy.surfaces["post"]
    for strict in ("search", "nickname"):
        assert policy.surfaces[strict].block < post.block
        assert policy.surfaces[strict].contact_weight > post.contact_weight


def test_scores_become_suggestions_by_the_surface_thresholds() -> None:
    policy = Policy.from_yaml(BASE)
    assert policy.decide("post", {"loan": 0.5}) == "pass"
    assert policy.decide("post", {"loan": 0.6}) == "review"
    assert policy.decide("post", {"loan": 0.2, "porn": 0.95}) == "block"


def test_a_category_override_applies_on_its_surface_only() -> None:
    policy = Policy.from_yaml(BASE + "surfaces:\n  search:\n    categories:\n"
                              "      loan: {review: 0.1, block: 0.2}\n")  # fmt: skip
    assert policy.decide("search", {"loan": 0.3}) == "block"
    assert policy.decide("post", {"loan": 0.3}) == "pass"


def test_hit_weights_combine_severity_and_variant() -> None:
    policy = Policy.from_yaml(BASE)
    assert policy.hit_weight(3, "homophone") == pytest.approx(0.855)
    assert policy.hit_weight(2, "unknown-variant") == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("surfaces:\n  billboard: {}\n", "unknown surface"),
        ("surfaces:\n  post: {review: 0.9, block: 0.5}\n", "review .* must not exceed block"),
        ("surfaces:\n  post: {review: 2}\n", "post.*review"),
        ("surfaces:\n  post: {colour: red}\n", "colour"),
    ],
)
def test_invalid_policies_name_the_field(extra: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        Policy.from_yaml(BASE + extra)


def test_a_policy_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("version: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid YAML"):
        Policy.load(path)


def test_a_contact_beside_harmful_content_counts_as_more_evidence() -> None:
    policy = Policy.from_yaml(BASE + "contact_boost: 1.0\nboosted_categories: [loan]\n")
    assert policy.decide("post", {"loan": 0.75}) == "review"
    assert policy.decide("post", {"loan": 0.75, "diversion": 0.6}) == "block"
    assert policy.decide("post", {"abuse": 0.75, "diversion": 0.6}) == "review"
