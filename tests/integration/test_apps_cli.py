"""``shenhe apps import`` and ``shenhe apps show`` on SQLite and PostgreSQL, through Typer's
runner: one decision line per app, a bad line reported with its number and nothing of it
stored, the rest imported, exit status 1; PII only masked."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from cli_support import run_cli
from registry_support import (
    ID_MASKED,
    ID_NUMBER,
    LENDER,
    MASTER_KEY_HEX,
    TOOL,
    USCC_LENDER,
    USCC_OTHER,
    USCC_TOOLMAKER,
)

from shenhe.adapters.db import Database
from shenhe.services import audit

COMPANY = {"kind": "enterprise", "name": "福州某某网络科技有限公司", "uscc": USCC_TOOLMAKER}


run = partial(run_cli, SHENHE_PII_KEY=MASTER_KEY_HEX)


def line(appid: str, content: dict[str, Any], principal: dict[str, Any], **more: Any) -> str:
    data = {
        "appid": appid,
        **content,
        "pages": list(content.get("pages", ())),
        "principal": principal,
    }
    return json.dumps({**data, **more}, ensure_ascii=False)


def write(path: Path, *lines: str) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_import_reports_a_bad_line_and_goes_on(migrated_url: str, tmp_path: Path) -> None:
    person = {"kind": "individual", "name": "张三", "id_number": ID_NUMBER.lower()}
    stranger = {"kind": "enterprise", "name": "另一家公司", "uscc": USCC_OTHER}
    file = write(
        tmp_path / "apps.jsonl",
        line("wxtool", TOOL, COMPANY),
        line("wxcasino", {**TOOL, "category": "casino"}, stranger),  # unknown category
        "",
        "{not json",
        line("wxperson", {**TOOL, "name": "计算器"}, person),
        line("wxtool", {**TOOL, "name": "极速贷"}, COMPANY),  # a change, decided as one
    )
    result = run(migrated_url, "apps", "import", file)
    assert result.exit_code == 1, result.output
    decided = [json.loads(text) for text in result.stdout.splitlines()]
    assert [(d["appid"], d["status"]) for d in decided] == [
        ("wxtool", "listed"),
        ("wxperson", "listed"),
        ("wxtool", "banned"),
    ]
    assert "drift.lending_after_approval" in decided[2]["reasons"]
    assert set(decided[0]) == {"appid", "status", "reasons"}
    assert f"{file}:2: unknown service category 'casino'" in result.stderr
    assert f"{file}:4: is not valid JSON" in result.stderr
    assert "2 lines not imported" in result.stderr
    assert ID_NUMBER[:17] not in result.output

    with Database(migrated_url) as database, database.engine.connect() as connection:
        usccs = [row[0] for row in connection.exec_driver_sql("SELECT uscc FROM principals")]
        assert USCC_OTHER not in usccs  # nothing of line 2, not even its principal
        assert audit.verify(database.unit_of_work(read_only=True)).ok

    shown = run(migrated_url, "apps", "show", "wxperson", "--json")
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.stdout)
    assert report["principal"]["id_number_masked"] == ID_MASKED
    assert ID_NUMBER[:17] not in shown.stdout
    assert [d["outcome"] for d in report["decisions"]] == ["approve"]

    banned = json.loads(run(migrated_url, "apps", "show", "wxtool", "--json").stdout)
    assert [v["name"] for v in banned["versions"]] == ["记账小助手", "极速贷"]
    assert banned["enforcement"][0]["rung"] == "blacklist_principal"
    assert banned["principal"]["blacklisted"] is True

    text = run(migrated_url, "apps", "show", "wxtool")
    assert text.exit_code == 0 and "banned" in text.stdout and "BLACKLISTED" in text.stdout
    missing = run(migrated_url, "apps", "show", "wxnone")
    assert missing.exit_code == 1 and "no app 'wxnone'" in missing.stderr


def test_imported_qualifications_are_unverified_unless_said(
    migrated_url: str, tmp_path: Path
) -> None:
    lender = {"kind": "enterprise", "name": "深圳市某某小额贷款有限公司", "uscc": USCC_LENDER}
    licence = {
        "type": "lending_licence",
        "number": "深金融〔2019〕12号",
        "valid_until": "2030-12-31",
    }
    file = write(
        tmp_path / "lenders.jsonl", line("wxlend", LENDER, lender, qualifications=[licence])
    )
    result = run(migrated_url, "apps", "import", file)
    assert result.exit_code == 0, result.output
    (decided,) = [json.loads(text) for text in result.stdout.splitlines()]
    assert decided["status"] == "in_review"
    assert decided["reasons"] == ["qualification.unverified.lending_licence"]

    result = run(migrated_url, "apps", "import", "--qualifications-verified", file)
    assert json.loads(result.stdout)["status"] == "listed"

    said = write(
        tmp_path / "said.jsonl",
        line("wxlend", LENDER, lender, qualifications=[{**licence, "verified": False}]),
    )
    result = run(migrated_url, "apps", "import", "--qualifications-verified", said)
    assert json.loads(result.stdout)["status"] == "in_review"


def test_import_of_a_missing_file(migrated_url: str, tmp_path: Path) -> None:
    result = run(migrated_url, "apps", "import", str(tmp_path / "none.jsonl"))
    assert result.exit_code == 1 and "none.jsonl: cannot be read" in result.stderr


def test_lift_expired_runs_from_the_command_line(migrated_url: str) -> None:
    result = run(migrated_url, "apps", "lift-expired", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"lifted": [], "restored": {}, "unblacklisted": []}
    assert "lifted 0 penalties" in run(migrated_url, "apps", "lift-expired").stdout
