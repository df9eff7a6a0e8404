"""The ``shenhe`` command: in-process with Typer's runner, and as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from shenhe import SURFACES, Screener
from shenhe.cli.main import app

SHENHE = shutil.which("shenhe", path=str(Path(sys.executable).parent)) or "shenhe"
CLEAN_ENV = {key: value for key, value in os.environ.items() if not key.startswith("SHENHE_")}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={key: None for key in os.environ if key.startswith("SHENHE_")})


def run(runner: CliRunner, *args: str | Path, stdin: bytes | None = None) -> Any:
    return runner.invoke(app, [str(a) for a in args], input=stdin)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


# --- one text -----------------------------------------------------------------------------


def test_screen_one_text_shows_the_verdict_and_the_spans(runner: CliRunner):
    result = run(runner, "screen", "无抵押小额贷款，加薇信abc12345")
    assert result.exit_code == 0, result.output
    assert "BLOCK" in result.stdout
    assert "小额贷款" in result.stdout and "loan" in result.stdout
    assert "wechat" in result.stdout and "abc12345" in result.stdout


def test_screen_one_text_as_json_is_the_verdict(runner: CliRunner, default_screener: Screener):
    text = "😀 加微信abc12345 贷款"
    result = run(runner, "screen", "--json", "--surface", "nickname", text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == default_screener.screen(text, "nickname").to_dict()


def test_markup_in_the_text_is_printed_as_written(runner: CliRunner):
    result = run(runner, "screen", "[bold]贷款[/bold]")
    assert result.exit_code == 0, result.output
    assert "[bold]贷款[/bold]" in result.stdout


def test_unknown_surface_lists_the_surfaces(runner: CliRunner):
    result = run(runner, "screen", "--surface", "tweet", "hello")
    assert result.exit_code == 1
    assert "tweet" in result.stderr and all(s in result.stderr for s in SURFACES)


def test_text_and_input_together_are_a_usage_error(runner: CliRunner, tmp_path: Path):
    assert run(runner, "screen").exit_code == 2
    assert run(runner, "screen", "x", "--input", tmp_path / "in.txt").exit_code == 2


def test_too_long_text_names_the_limit(runner: CliRunner):
    result = run(runner, "screen", "a" * 100_001)
    assert result.exit_code == 1
    assert "100000" in result.stderr


def test_extra_lexicon_adds_to_the_built_in_one(runner: CliRunner, tmp_path: Path):
    words = tmp_path / "words.txt"
    words.write_text("# our own words\n蓝莓派\n", "utf-8")
    result = run(runner, "screen", "--json", "--lexicon", words, "买蓝莓派，送贷款")
    assert result.exit_code == 0, result.output
    categories = {hit["term"]: hit["category"] for hit in json.loads(result.stdout)["hits"]}
    assert categories["蓝莓派"] == "words"  # the category comes from the file name
    assert categories["贷款"] == "loan"  # the built-in lexicon is still there


def test_lexicon_files_come_from_the_environment_too(runner: CliRunner, tmp_path: Path):
    words = tmp_path / "fraud_words.txt"
    words.write_text("蓝莓派\n", "utf-8")
    result = runner.invoke(
        app, ["screen", "--json", "蓝莓派"], env={"SHENHE_LEXICON_FILES": str(words)}
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["hits"][0]["category"] == "fraud"


def test_policy_file_replaces_the_built_in_policy(runner: CliRunner, tmp_path: Path):
    built_in = (resources.files("shenhe") / "data" / "policy.yaml").read_text("utf-8")
    stricter = built_in.replace(
        "defaults: {review: 0.6, block: 0.9,", "defaults: {review: 0.4, block: 0.5,"
    )
    assert stricter != built_in
    policy = tmp_path / "strict.yaml"
    policy.write_text(stricter, "utf-8")
    before = run(runner, "screen", "--json", "贷款")
    after = run(runner, "screen", "--json", "--policy", policy, "贷款")
    assert json.loads(before.stdout)["suggestion"] == "review"
    assert json.loads(after.stdout)["suggestion"] == "block"


def test_broken_policy_is_reported(runner: CliRunner, tmp_path: Path):
    policy = tmp_path / "bad.yaml"
    policy.write_text("version: x\nsurfaces: {tweet: {}}\n", "utf-8")
    result = run(runner, "screen", "--policy", policy, "x")
    assert result.exit_code == 1 and "error:" in result.stderr


def test_broken_lexicon_is_reported_with_its_line(runner: CliRunner, tmp_path: Path):
    table = tmp_path / "terms.tsv"
    table.write_text("term\tcategory\tseverity\n好词\tloan\t2\n坏词\tloan\tnine\n", "utf-8")
    result = run(runner, "screen", "--lexicon", table, "x")
    assert result.exit_code == 1
    assert f"{table}:3" in result.stderr and "nine" in result.stderr


# --- files --------------------------------------------------------------------------------


def test_jsonl_in_jsonl_out_keeps_ids_and_order(
    runner: CliRunner, tmp_path: Path, default_screener: Screener
):
    texts = [f"第{i}条 {'小额贷款' if i % 4 == 0 else '晚饭吃什么'}" for i in range(2500)]
    records: list[Any] = [{"id": f"post-{i}", "text": t} for i, t in enumerate(texts)]
    records[7] = {"text": texts[7], "user": "ignored"}  # no id: the line number
    source = write_jsonl(tmp_path / "in.jsonl", records)
    target = tmp_path / "out.jsonl"
    result = run(runner, "screen", "--input", source, "--output", target, "-s", "comment")
    assert result.exit_code == 0, result.output
    out = read_jsonl(target)
    assert [r["id"] for r in out] == [r.get("id", 8) for r in records]
    expected = default_screener.screen_batch(texts, surface="comment")
    assert [{k: v for k, v in r.items() if k != "id"} for r in out] == [
        v.to_dict() for v in expected
    ]
    assert "2500" in result.stderr  # the summary after the progress bar


def test_blank_jsonl_lines_are_skipped_but_counted(runner: CliRunner, tmp_path: Path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "a"}\n\n   \n{"text": "b"}\n', "utf-8")
    result = run(runner, "screen", "-i", source, "-o", tmp_path / "out.jsonl", "-q")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == [1, 4]


def test_plain_text_input_uses_line_numbers(
    runner: CliRunner, tmp_path: Path, default_screener: Screener
):
    source = tmp_path / "posts.txt"
    source.write_bytes("\ufeff你好\r\n\n加微信abc12345\n貸款".encode())
    result = run(runner, "screen", "-i", source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == [1, 2, 3, 4]
    texts = ["你好", "", "加微信abc12345", "貸款"]
    assert out[2]["contacts"] and out[3]["hits"]
    assert [r["suggestion"] for r in out] == [
        v.suggestion for v in default_screener.screen_batch(texts)
    ]


def test_format_option_overrides_the_extension(runner: CliRunner, tmp_path: Path):
    source = write_jsonl(tmp_path / "in.txt", [{"id": "x", "text": "贷款"}])
    result = run(runner, "screen", "-i", source, "-o", tmp_path / "out.jsonl", "-f", "jsonl")
    assert result.exit_code == 0, result.output
    assert read_jsonl(tmp_path / "out.jsonl")[0]["id"] == "x"


def test_stdin_to_stdout(runner: CliRunner):
    lines = '{"id": 1, "text": "贷款"}\n{"id": 2, "text": "你好"}\n'
    result = run(runner, "screen", "-i", "-", "-f", "jsonl", "-q", stdin=lines.encode())
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["suggestion"] != "pass") for r in out] == [(1, True), (2, False)]


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (b'{"text": "ok"}\n{"text": "ok"}\n{"text": broken}\n', 3, "not valid JSON"),
        (b'{"text": "ok"}\n{"text": "\xff\xfe"}\n', 2, "not UTF-8"),
        (b'{"text": "ok"}\n{"id": 2}\n', 2, 'no "text"'),
        (b'{"text": 5}\n', 1, "not a string"),
        (b'{"text": null}\n', 1, "not a string"),
        (b'["a list"]\n', 1, "not an object"),
        (b'{"text": "\\ud800"}\n', 1, "surrogate"),
        (b'{"text": "ok"}\n{"text": "' + b"a" * 100_001 + b'"}\n', 2, "100000"),
    ],
)
def test_bad_lines_stop_with_their_number(
    runner: CliRunner, tmp_path: Path, content: bytes, line: int, reason: str
):
    source = tmp_path / "in.jsonl"
    source.write_bytes(content)
    target = tmp_path / "out.jsonl"
    result = run(runner, "screen", "-i", source, "-o", target)
    assert result.exit_code == 1, result.output
    assert f"{source}:{line}:" in result.stderr and reason in result.stderr
    assert not target.exists()


def test_non_utf8_plain_text_names_the_line(runner: CliRunner, tmp_path: Path):
    source = tmp_path / "in.txt"
    source.write_bytes("好\n好\n".encode() + "坏\n".encode("gb18030"))
    result = run(runner, "screen", "-i", source, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert f"{source}:3:" in result.stderr and "not UTF-8" in result.stderr


def test_a_failed_run_leaves_the_old_output_whole(runner: CliRunner, tmp_path: Path):
    records = [{"id": i, "text": "小额贷款" if i % 2 else "你好"} for i in range(2200)]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    with source.open("a", encoding="utf-8") as file:
        file.write("not json\n")  # line 2201, after two chunks were written
    target = tmp_path / "out.jsonl"
    target.write_text("previous results\n", "utf-8")
    result = run(runner, "screen", "-i", source, "-o", target)
    assert result.exit_code == 1
    assert f"{source}:2201:" in result.stderr
    assert target.read_text("utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_missing_input_file(runner: CliRunner, tmp_path: Path):
    result = run(runner, "screen", "-i", tmp_path / "nope.jsonl")
    assert result.exit_code == 1 and "nope.jsonl" in result.stderr


# --- lexicon check ------------------------------------------------------------------------


def test_lexicon_check_counts_terms_per_category(runner: CliRunner, tmp_path: Path):
    table = tmp_path / "mine.tsv"
    table.write_text("term\tcategory\n快钱\tloan\n赌场\tgambling\n秒批\tloan\n", "utf-8")
    result = run(runner, "lexicon", "check", table)
    assert result.exit_code == 0, result.output
    assert "3 terms" in result.stdout
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert "2" in rows["loan"] and "1" in rows["gambling"]


def test_lexicon_check_category_option(runner: CliRunner, tmp_path: Path):
    words = tmp_path / "words.txt"
    words.write_text("甲\n乙\n", "utf-8")
    result = run(runner, "lexicon", "check", words, "--category", "fraud")
    assert result.exit_code == 0, result.output
    assert "fraud" in result.stdout and "2 terms" in result.stdout


def test_lexicon_check_names_the_bad_line(runner: CliRunner, tmp_path: Path):
    table = tmp_path / "mine.tsv"
    table.write_text("term\tcategory\tseverity\tflags\n快钱\tloan\t2\t\n秒批\tloan\t2\tfuzzy\n")
    result = run(runner, "lexicon", "check", table)
    assert result.exit_code == 1
    assert f"{table}:3" in result.stderr and "fuzzy" in result.stderr


def test_settings_lists_every_variable(runner: CliRunner):
    result = run(runner, "settings")
    assert result.exit_code == 0
    assert "SHENHE_MAX_BODY_BYTES" in result.stdout and "SHENHE_WATCH_INTERVAL" in result.stdout


# --- the real executable ------------------------------------------------------------------


def test_subprocess_screens_a_file(tmp_path: Path):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": "无抵押贷款"}, {"id": 2}])
    target = tmp_path / "out.jsonl"
    bad = subprocess.run(
        [SHENHE, "screen", "-i", source, "-o", target], capture_output=True, env=CLEAN_ENV
    )
    assert bad.returncode == 1
    assert f"{source}:2:".encode() in bad.stderr and not target.exists()

    write_jsonl(source, [{"id": 1, "text": "无抵押贷款"}, {"id": 2, "text": "早上好"}])
    good = subprocess.run(
        [SHENHE, "screen", "-i", source, "-o", target], capture_output=True, env=CLEAN_ENV
    )
    assert good.returncode == 0, good.stderr.decode()
    assert [r["suggestion"] for r in read_jsonl(target)] == ["block", "pass"]


def test_subprocess_screens_one_text_from_the_shell():
    done = subprocess.run(
        [SHENHE, "screen", "--json", "加微信abc12345"], capture_output=True, env=CLEAN_ENV
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["contacts"][0]["value"] == "abc12345"


def test_subprocess_refuses_a_text_that_is_not_utf8():
    done = subprocess.run([SHENHE, "screen", b"ab\xffcd"], capture_output=True, env=CLEAN_ENV)
    assert done.returncode == 1
    assert b"not UTF-8" in done.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def watched_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """``shenhe serve --watch`` on a free port, with an extra lexicon file; stderr to a log."""
    words = tmp_path / "extra_custom.txt"
    words.write_text("蓝莓派\n", "utf-8")
    log = tmp_path / "serve.log"
    port = free_port()
    env = {**CLEAN_ENV, "SHENHE_WATCH_INTERVAL": "0.1"}
    command = [SHENHE, "serve", "--port", str(port), "--lexicon", str(words), "--watch"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: httpx.get(f"{url}/healthz").status_code == 200, log)
        yield url, words, log
    finally:
        process.terminate()
        process.wait(15)


def wait_for(check: Any, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out; server log:\n{log.read_text('utf-8', 'replace')}")


def terms(url: str, text: str) -> set[str]:
    response = httpx.post(f"{url}/v1/text/screen", json={"text": text})
    return {hit["term"] for hit in response.json()["hits"]}


def test_serve_watch_swaps_in_a_changed_lexicon_and_keeps_it_on_a_bad_one(
    watched_server: tuple[str, Path, Path],
):
    url, words, log = watched_server
    first = httpx.get(f"{url}/healthz").json()["lexicon_version"]
    assert terms(url, "蓝莓派和草莓塔") == {"蓝莓派"}

    words.write_text("蓝莓派\n草莓塔\n", "utf-8")
    wait_for(lambda: terms(url, "蓝莓派和草莓塔") == {"蓝莓派", "草莓塔"}, log)
    second = httpx.get(f"{url}/healthz").json()["lexicon_version"]
    assert second != first

    words.write_bytes("蓝莓派\n".encode("gb18030") + "坏".encode("gb18030"))  # not UTF-8
    wait_for(lambda: "lexicon not reloaded" in log.read_text("utf-8", "replace"), log)
    assert httpx.get(f"{url}/healthz").json()["lexicon_version"] == second
    assert terms(url, "蓝莓派和草莓塔") == {"蓝莓派", "草莓塔"}
