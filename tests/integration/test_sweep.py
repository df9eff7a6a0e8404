"""The sweep on SQLite and PostgreSQL: apps approved before a term entered the lexicon are
banned (and their principals blacklisted) by the next sweep; a second sweep does nothing; a
dry run reports the same and leaves no row; a sweep that crashed is resumed to the same end,
with no penalty given twice."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_cli
from registry_support import (
    MASTER_KEY_HEX,
    NEW_TERM,
    NOW,
    TOOL,
    USCC_LENDER,
    USCC_OTHER,
    USCC_TOOLMAKER,
    WEATHER,
    Crash,
    audit_records,
    register,
    row_counts,
    submit,
)
from sqlalchemy import func, select

from shenhe import Screener
from shenhe.adapters.db import Database, SqlUnitOfWork
from shenhe.adapters.db.schema import (
    AppRow,
    AuditRow,
    ClonePrintRow,
    DecisionRow,
    EnforcementActionRow,
    PrincipalRow,
    StrikeRow,
    SweepItemRow,
    SweepRunRow,
)
from shenhe.domain.apps import AppStatus
from shenhe.errors import InputError
from shenhe.screening.lexicon import Lexicon
from shenhe.services import audit, history
from shenhe.services.enforcement import EnforceApp, enforce_app
from shenhe.services.expiry import lift_expired
from shenhe.services.rules import Rules
from shenhe.services.search import search_apps
from shenhe.services.sweep import Sweep, sweep

NOTES: dict[str, Any] = {
    "category": "tools",
    "description": "随手记下灵感和待办事项，支持置顶、分类和提醒，界面简洁，打开就能写。",
    "pages": ("全部便签 新建", "提醒 今日待办"),
}
LATER = NOW + timedelta(days=30)
TABLES = (
    AppRow,
    AuditRow,
    DecisionRow,
    EnforcementActionRow,
    PrincipalRow,
    StrikeRow,
    SweepItemRow,
    SweepRunRow,
)
EXPECTED = {
    "actions": {"ban": 1, "blacklist_principal": 2},
    "by_category": {"loan": 2},
    "principals_blacklisted": 2,
}
FINAL = {
    "wxcalc": AppStatus.BANNED,  # its principal was blacklisted for wxfrog
    "wxfrog": AppStatus.BANNED,
    "wxfrog2": AppStatus.BANNED,
    "wxweather": AppStatus.LISTED,
    "wxnotes": AppStatus.LISTED,
}


@dataclass
class CrashAfter:
    """A progress hook that raises once `limit` apps are done (a kill between transactions)."""

    limit: int
    done: int = 0
    totals: list[int] = field(default_factory=list)

    def start(self, total: int) -> None:
        self.totals.append(total)

    def advance(self, count: int) -> None:
        self.done += count
        if self.done >= self.limit:
            raise Crash(f"killed after {self.done} apps")


@pytest.fixture
def old_rules(default_screener: Screener) -> Rules:
    return Rules(default_screener)


@pytest.fixture
def new_rules(default_screener: Screener) -> Rules:
    extra = Lexicon.from_words([NEW_TERM], category="loan", severity=3)
    return Rules(Screener(default_screener.lexicon + extra, default_screener.policy))


@pytest.fixture
def registry(uow: SqlUnitOfWork, old_rules: Rules) -> None:
    """Five listed apps of three principals; two carry a loan term the old lexicon lacks."""
    toolmaker = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    other = register(uow, "enterprise", "深圳某某信息技术有限公司", uscc=USCC_OTHER)
    clean = register(uow, "enterprise", "广州某某软件有限公司", uscc=USCC_LENDER)
    apps = [
        ("wxcalc", toolmaker, TOOL),
        ("wxweather", clean, {**WEATHER, "name": "天气小助手"}),
        ("wxfrog", toolmaker, {**TOOL, "name": NEW_TERM}),
        ("wxnotes", clean, {**NOTES, "name": "便签本"}),
        (
            "wxfrog2",
            other,
            {**TOOL, "name": "蛙蛙工具箱", "description": f"{NEW_TERM}，新用户专享"},
        ),
    ]
    for appid, principal, content in apps:
        assert submit(uow, old_rules, appid, principal, **content).app.status is AppStatus.LISTED


def counts(database: Database) -> dict[str, int]:
    return row_counts(database, *TABLES)


def statuses(database: Database) -> dict[str, AppStatus]:
    return dict(zip(FINAL, statuses_of(database, *FINAL), strict=True))


def statuses_of(database: Database, *appids: str) -> list[AppStatus]:
    reader = database.unit_of_work(read_only=True)
    return [history.get_app(appid, reader).status for appid in appids]


def blacklisted(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        rows = connection.execute(select(PrincipalRow.uscc).where(PrincipalRow.blacklisted))
        return {uscc for (uscc,) in rows if uscc is not None}


@pytest.mark.usefixtures("registry")
def test_a_sweep_bans_what_the_new_lexicon_forbids(
    uow: SqlUnitOfWork, database: Database, new_rules: Rules
) -> None:
    before = counts(database)
    dry = sweep(Sweep(dry_run=True), uow, new_rules, now=LATER)
    assert counts(database) == before  # not a row, not even the run's
    assert statuses(database)["wxfrog"] is AppStatus.LISTED
    assert dry.dry_run and dry.to_dict() == {"screened": 5, **EXPECTED}

    done = sweep(Sweep(), uow, new_rules, now=LATER)
    assert done.to_dict() == dry.to_dict()
    assert statuses(database) == FINAL
    assert blacklisted(database) == {USCC_TOOLMAKER, USCC_OTHER}
    (frog,) = history.app_report("wxfrog", database.unit_of_work()).enforcement
    assert "content.loan" in frog.reasons and frog.expires_at is None
    decisions = history.app_report("wxfrog", database.unit_of_work()).decisions
    assert [d.kind for d in decisions] == ["submission", "sweep"]
    found = search_apps(database.unit_of_work(), new_rules.screener, "工具", now=LATER)
    assert not {hit.appid for hit in found.results} & {"wxfrog", "wxfrog2", "wxcalc"}
    assert audit.verify(database.unit_of_work(read_only=True)).ok

    after = counts(database)
    again = sweep(Sweep(), uow, new_rules, now=LATER + timedelta(minutes=1))
    assert again.to_dict() == {
        "screened": 2,
        "actions": {},
        "by_category": {},
        "principals_blacklisted": 0,
    }
    grown = {k: v - after[k] for k, v in counts(database).items() if v != after[k]}
    assert grown == {"sweep_runs": 1, "sweep_items": 2, "audit_log": 1}  # bookkeeping only


@pytest.mark.usefixtures("registry")
def test_the_old_lexicon_finds_nothing_and_a_category_limits_the_actions(
    uow: SqlUnitOfWork, database: Database, old_rules: Rules, new_rules: Rules
) -> None:
    assert sweep(Sweep(), uow, old_rules, now=LATER).action_count == 0
    assert sweep(Sweep(category="porn"), uow, new_rules, now=LATER).action_count == 0
    assert statuses(database)["wxfrog"] is AppStatus.LISTED
    loan = sweep(Sweep(category="loan"), uow, new_rules, now=LATER)
    assert {k: v for k, v in loan.to_dict().items() if k != "screened"} == EXPECTED
    assert statuses(database) == FINAL
    with pytest.raises(InputError, match="unknown content category 'loans'"):
        sweep(Sweep(category="loans"), uow, new_rules, now=LATER)


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_a_crashed_sweep_resumes_to_the_same_end(
    uow: SqlUnitOfWork, database: Database, new_rules: Rules, limit: int
) -> None:
    with pytest.raises(Crash):
        sweep(Sweep(batch_size=2), uow, new_rules, now=LATER, progress=CrashAfter(limit))
    with database.engine.connect() as connection:
        (run,) = connection.execute(select(SweepRunRow.status)).scalars()
    assert run == "running"

    resumed = sweep(Sweep(batch_size=2), uow, new_rules, now=LATER + timedelta(minutes=1))
    assert {k: v for k, v in resumed.to_dict().items() if k != "screened"} == EXPECTED
    assert statuses(database) == FINAL
    with database.engine.connect() as connection:
        runs = connection.execute(select(SweepRunRow.status)).scalars().all()
        actions = connection.execute(
            select(AppRow.appid, func.count())
            .join(EnforcementActionRow, EnforcementActionRow.app_id == AppRow.id)
            .group_by(AppRow.appid)
        ).all()
        items = connection.execute(
            select(SweepItemRow.app_id, func.count()).group_by(SweepItemRow.app_id)
        ).all()
    assert runs == ["finished"]  # the crashed run was resumed, not started again
    assert dict(actions) == {"wxcalc": 1, "wxfrog": 1, "wxfrog2": 1}  # none twice
    assert all(count == 1 for _, count in items)
    assert audit.verify(database.unit_of_work(read_only=True)).ok
    assert sweep(Sweep(), uow, new_rules, now=LATER + timedelta(minutes=2)).action_count == 0


run = partial(run_cli, SHENHE_PII_KEY=MASTER_KEY_HEX)


@pytest.mark.usefixtures("registry")
def test_the_command(migrated_url: str, database: Database, tmp_path: Path) -> None:
    lexicon = tmp_path / "new.tsv"
    lexicon.write_text(f"term\tcategory\tseverity\n{NEW_TERM}\tloan\t3\n", encoding="utf-8")
    before = counts(database)
    dry = run(migrated_url, "sweep", "--dry-run", "--json", "--lexicon", str(lexicon))
    assert dry.exit_code == 0, dry.output
    assert counts(database) == before
    assert json.loads(dry.stdout) == {"screened": 5, **EXPECTED}

    done = run(migrated_url, "sweep", "--json", "--lexicon", str(lexicon))
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == json.loads(dry.stdout)
    assert statuses(database) == FINAL

    table = run(migrated_url, "sweep", "--lexicon", str(lexicon))
    assert table.exit_code == 0, table.output
    assert "screened" in table.stdout and "principals blacklisted" in table.stdout

    bad = run(migrated_url, "sweep", "--category", "loans")
    assert bad.exit_code == 1 and "unknown content category" in bad.output


def test_an_empty_registry(uow: SqlUnitOfWork, new_rules: Rules) -> None:
    assert sweep(Sweep(), uow, new_rules, now=LATER).to_dict() == {
        "screened": 0,
        "actions": {},
        "by_category": {},
        "principals_blacklisted": 0,
    }


KILLED_SWEEP = """
import os, signal, sys
from datetime import datetime
from shenhe import Screener
from shenhe.adapters.db import Database, SqlEnforcement
from shenhe.screening.lexicon import Lexicon
from shenhe.services.rules import Rules
from shenhe.services.sweep import Sweep, sweep

url, term, now = sys.argv[1:4]
base = Screener.default()
extra = Lexicon.from_words([term], category="loan", severity=3)
rules = Rules(Screener(base.lexicon + extra, base.policy))
strike = SqlEnforcement.add_strike
strikes = []

def dying(self, *args, **kwargs):
    strike(self, *args, **kwargs)
    strikes.append(1)
    if len(strikes) == 2:  # inside the second app's transaction, its penalty half written
        os.kill(os.getpid(), signal.SIGKILL)

SqlEnforcement.add_strike = dying
with Database(url) as database:
    sweep(Sweep(batch_size=2), database.unit_of_work(), rules, now=datetime.fromisoformat(now))
"""


@pytest.mark.usefixtures("registry")
def test_a_sweep_killed_with_sigkill_is_resumed(
    migrated_url: str, uow: SqlUnitOfWork, database: Database, new_rules: Rules
) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_SWEEP, migrated_url, NEW_TERM, LATER.isoformat()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert statuses(database)["wxfrog"] is AppStatus.BANNED  # committed before the kill
    assert statuses(database)["wxfrog2"] is AppStatus.LISTED  # its transaction died with it

    resumed = sweep(Sweep(batch_size=2), uow, new_rules, now=LATER + timedelta(minutes=1))
    assert {k: v for k, v in resumed.to_dict().items() if k != "screened"} == EXPECTED
    assert statuses(database) == FINAL
    with database.engine.connect() as connection:
        actions = connection.execute(select(func.count()).select_from(EnforcementActionRow))
        runs = connection.execute(select(SweepRunRow.status)).scalars().all()
        assert actions.scalar_one() == 3 and runs == ["finished"]
    assert audit.verify(database.unit_of_work(read_only=True)).ok


def clone_prints(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(AppRow.appid).join(ClonePrintRow, ClonePrintRow.app_id == AppRow.id)
        )
        return set(rows.scalars())


def test_a_sweep_catches_a_listed_copy_of_an_app_banned_since(
    uow: SqlUnitOfWork, database: Database, old_rules: Rules
) -> None:
    """Two apps with the same pitch are listed; a moderator bans one for 90 days. The next
    sweep finds the other — its text passes the screener — as a clone, and penalises it."""
    crook = register(uow, "enterprise", "福州某某网络科技有限公司", uscc=USCC_TOOLMAKER)
    other = register(uow, "enterprise", "深圳某某信息技术有限公司", uscc=USCC_OTHER)
    pitch = "精选大牌同款包包和手表，支持货到付款，全国包邮，七天无理由退换，客服全天在线。"
    for appid, principal, name, description in (
        ("wxorig", crook, "好运来", pitch),
        ("wxcopy", other, "吉祥宝", " ".join(pitch)),  # disguised: a space between characters
        ("wxnotes", other, "便签本", NOTES["description"]),
    ):
        decided = submit(
            uow, old_rules, appid, principal, name=name, category="tools", description=description
        )
        assert decided.app.status is AppStatus.LISTED, decided.decision.reasons
    assert clone_prints(database) == set()
    command = EnforceApp("wxorig", "moderator.li", ["content.fraud"], step="ban_90d")
    enforce_app(command, uow, old_rules, now=NOW)
    assert clone_prints(database) == {"wxorig"}  # written with the ban

    summary = sweep(Sweep(), uow, old_rules, now=LATER)
    assert summary.screened == 2 and summary.action_count == 1
    (decision,) = [d for d in history.app_decisions("wxcopy", uow) if d.kind == "sweep"]
    assert "clone.of_banned" in decision.reasons
    assert decision.evidence["signals"]["clone_of_banned"]["appid"] == "wxorig"
    copy, notes = statuses_of(database, "wxcopy", "wxnotes")
    assert copy is not AppStatus.LISTED and notes is AppStatus.LISTED
    assert sweep(Sweep(), uow, old_rules, now=LATER).action_count == 0  # idempotent

    lifted = lift_expired(uow, now=NOW + timedelta(days=91))
    assert lifted.restored.get("wxorig") == "listed"
    assert "wxorig" not in clone_prints(database)  # deleted with the lift


@pytest.mark.usefixtures("registry")
def test_a_run_left_under_an_older_lexicon_is_superseded_not_resumed(
    uow: SqlUnitOfWork, database: Database, new_rules: Rules
) -> None:
    with pytest.raises(Crash):  # killed after its first batch, under the new lexicon
        sweep(Sweep(batch_size=2), uow, new_rules, now=LATER, progress=CrashAfter(1))
    newer = Lexicon.from_words(["蛙蛙工具箱"], category="loan", severity=3)
    newest = Rules(Screener(new_rules.screener.lexicon + newer, new_rules.screener.policy))

    done = sweep(Sweep(batch_size=2), uow, newest, now=LATER + timedelta(minutes=1))
    assert statuses(database) == FINAL
    with database.engine.connect() as connection:
        runs = connection.execute(
            select(SweepRunRow.id, SweepRunRow.status, SweepRunRow.lexicon_version)
            .order_by(SweepRunRow.id)
        ).all()
        (superseded,) = connection.execute(
            select(SweepRunRow.summary).where(SweepRunRow.status == "failed")
        ).scalars()
        penalised = connection.execute(
            select(EnforcementActionRow.app_id, func.count()).group_by(EnforcementActionRow.app_id)
        ).all()
    (old, _, old_lexicon), (new, _, new_lexicon) = runs
    assert [status for _, status, _ in runs] == ["failed", "finished"]
    assert old_lexicon == new_rules.screener.lexicon.version != new_lexicon
    assert superseded["superseded_by"] == new and done.run_id == new
    assert all(count == 1 for _, count in penalised)  # nothing punished twice
    reader = database.unit_of_work(read_only=True)
    trail = [r for r in audit_records(reader) if r.action == "sweep.supersede"]
    assert [r.subject_id for r in trail] == [str(old)]
    assert trail[0].payload["new_lexicon_version"] == new_lexicon
    assert audit.verify(database.unit_of_work(read_only=True)).ok
