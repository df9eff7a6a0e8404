"""``shenhe demo seed`` on SQLite and PostgreSQL: a demo registry that shows every case of the
crackdown, the same for the same seed, and a command that will not mix it into a registry
that holds apps already."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from cli_support import run_cli
from registry_support import MASTER_KEY_HEX, NOW, keyring

from shenhe import Screener
from shenhe.adapters.db import Database
from shenhe.bootstrap import build_unit_of_work
from shenhe.domain.apps import AppStatus
from shenhe.domain.credit_code import parse_uscc
from shenhe.domain.identity import parse_id_number
from shenhe.policy.policy import Policy
from shenhe.screening.lexicon import Lexicon
from shenhe.services import audit
from shenhe.services.apps import Decided
from shenhe.services.demo import DemoRegistry, demo_registry, registry_counts, seed_demo
from shenhe.services.demo_texts import SLEEPER_PAGES
from shenhe.services.rules import Rules

DEMO_LEXICON = Path(__file__).parents[2] / "docs" / "demo-lexicon.tsv"


def seed(url: str, registry: DemoRegistry, screener: Screener) -> list[Decided]:
    with Database(url) as database:
        return seed_demo(
            build_unit_of_work(database), Rules(screener), keyring(), registry, now=NOW
        )


run = partial(run_cli, SHENHE_PII_KEY=MASTER_KEY_HEX)


def test_the_generator_is_deterministic_and_its_numbers_valid() -> None:
    registry = demo_registry(200, seed=7)
    assert registry == demo_registry(200, seed=7)
    assert registry != demo_registry(200, seed=8)
    assert len(registry.apps) == 200 and registry.renames
    assert len({command.appid for command in registry.apps}) == 200
    for command in registry.apps:
        principal = command.principal
        if principal.kind == "enterprise":
            assert principal.uscc is not None
            parse_uscc(principal.uscc)
        else:
            assert principal.id_number is not None
            parse_id_number(principal.id_number, today=date(2026, 1, 1))


def test_a_seeded_registry_shows_every_case(database_url: str, default_screener: Screener) -> None:
    registry = demo_registry(200, seed=7)
    decided = seed(database_url, registry, default_screener)
    assert len(decided) == len(registry.apps) + len(registry.renames)
    reasons = Counter(reason for result in decided for reason in result.decision.reasons)

    approved = [d for d in decided if d.decision.outcome == "approve"]
    assert len(approved) > 100
    assert any(d.app.content.category == "lending" for d in approved)  # licensed lenders
    assert reasons["content.loan"] and reasons["content.diversion"]
    assert reasons["content.counterfeit"] and reasons["content.porn"]
    assert reasons["clone.of_banned"] and reasons["brand.imitation"]
    loans = [d for d in decided if "content.loan" in d.decision.reasons]
    assert all(d.decision.outcome == "reject" for d in loans)
    assert any(d.app.status is AppStatus.BANNED for d in loans)

    # Loan slang the built-in lexicon does not know: listed now, caught by the demo lexicon.
    sleepers = [d for d in decided if set(SLEEPER_PAGES) & set(d.app.content.pages)]
    assert sleepers and all(d.app.status is AppStatus.LISTED for d in sleepers)
    newer = Screener(Lexicon.default() + Lexicon.load(DEMO_LEXICON), Policy.default())
    for page in SLEEPER_PAGES:
        assert newer.screen(page, "app_page").suggestion == "block"

    drifted = decided[len(registry.apps) :]
    assert {d.app.appid for d in drifted} == {command.appid for command in registry.renames}
    for result in drifted:
        assert result.decision.kind == "change" and result.decision.outcome == "reject"
        assert "drift.lending_after_approval" in result.decision.reasons
        assert result.app.status is AppStatus.BANNED

    with Database(database_url) as database:
        counts = registry_counts(database.unit_of_work(read_only=True))
        verified = audit.verify(database.unit_of_work(read_only=True))
    assert verified.ok, verified.reason
    assert sum(counts.apps.values()) == 200 and counts.apps["listed"] > 100
    assert sum(counts.decisions.values()) == len(decided)


def test_the_same_seed_decides_the_same_way(tmp_path: Path, default_screener: Screener) -> None:
    registry = demo_registry(80, seed=3)
    first, second = (
        [
            (d.app.appid, d.app.status, d.decision.reasons)
            for d in seed(f"sqlite:///{tmp_path / name}", registry, default_screener)
        ]
        for name in ("one.db", "two.db")
    )
    assert first == second


def test_the_command_seeds_once_and_refuses_to_mix(database_url: str) -> None:
    seeded = run(database_url, "demo", "seed", "--apps", "30", "--seed", "5", "--json")
    assert seeded.exit_code == 0, seeded.output
    summary = json.loads(seeded.stdout)
    assert summary["seeded"] >= 30 and summary["skipped"] is False
    assert summary["apps"] == 30 and summary["apps_by_status"]["listed"] > 0
    assert summary["decisions_by_outcome"]["reject"] > 0
    agreements = run(database_url, "agreements", "list", "--json")
    assert agreements.exit_code == 0, agreements.output
    assert "demo-1" in agreements.stdout  # accounts of the demo can accept it and post

    skipped = run(database_url, "demo", "seed", "--apps", "30", "--if-empty", "--json")
    assert skipped.exit_code == 0, skipped.output
    assert json.loads(skipped.stdout)["skipped"] is True
    assert json.loads(skipped.stdout)["apps"] == 30
    quiet = run(database_url, "demo", "seed", "--if-empty")
    assert quiet.exit_code == 0 and quiet.stdout == ""

    refused = run(database_url, "demo", "seed", "--apps", "30")
    assert refused.exit_code == 1
    assert "30 apps already" in refused.stderr and "--force" in refused.stderr

    forced = run(database_url, "demo", "seed", "--apps", "10", "--seed", "6", "--force", "--json")
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["apps"] == 40


@pytest.mark.parametrize("count", [0, 5])
def test_small_registries(count: int) -> None:
    registry = demo_registry(count, seed=1)
    assert len(registry.apps) == count
