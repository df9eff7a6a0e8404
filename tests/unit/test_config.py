"""Settings: declared once with a default and help, documented, read from SHENHE_* variables."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from shenhe.config import Settings, describe, env_name
from shenhe.errors import ConfigError

README = Path(__file__).parents[2] / "README.md"
SPECS = list(describe())


def readme_rows() -> dict[str, str]:
    """The settings table of the README: variable → its whole row."""
    rows = {}
    for line in README.read_text("utf-8").splitlines():
        found = re.match(r"\|\s*`(SHENHE_[A-Z_]+)`\s*\|", line)
        if found:
            rows[found.group(1)] = line
    return rows


def test_there_are_settings():
    assert {s.name for s in SPECS} >= {
        "host",
        "port",
        "lexicon_files",
        "policy_file",
        "max_text_length",
        "max_batch_size",
        "max_body_bytes",
        "watch_interval",
    }


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_setting_has_help(spec):
    assert len(spec.help) > 15, f"{spec.name} needs a description in shenhe/config.py"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(spec):
    rows = readme_rows()
    assert spec.env in rows, f"add a row for `{spec.env}` to the settings table in README.md"
    named = {(): "none", None: "none", True: "true", False: "false"}
    # 1 == True: look a default up by identity of type too, so an int 1 shows as "1"
    shown = spec.default if type(spec.default) is int else named.get(spec.default, spec.default)
    assert str(shown).lower() in rows[spec.env].lower().replace(",", ""), (
        f"the README row for {spec.env} should show its default {spec.default!r}"
    )


def test_the_readme_documents_no_setting_that_does_not_exist():
    assert set(readme_rows()) <= {s.env for s in SPECS}


def test_defaults_need_no_environment():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.max_text_length == 100_000
    assert settings.max_batch_size == 1000
    assert settings.max_body_bytes == 16 * 1024 * 1024
    assert settings.lexicon_files == () and settings.policy_file is None


def test_environment_overrides_defaults():
    env = {
        "SHENHE_PORT": "9001",
        "SHENHE_LEXICON_FILES": os.pathsep.join(["a.txt", "b.tsv"]),
        "SHENHE_POLICY_FILE": "policy.yaml",
        "SHENHE_WATCH": "true",
        "SHENHE_WATCH_INTERVAL": "0.5",
        "SHENHE_HOST": "",  # empty means unset
        "OTHER": "ignored",
    }
    settings = Settings.from_env(env)
    assert settings.port == 9001
    assert settings.lexicon_files == (Path("a.txt"), Path("b.tsv"))
    assert settings.policy_file == Path("policy.yaml")
    assert settings.watch is True and settings.watch_interval == 0.5
    assert settings.host == "127.0.0.1"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SHENHE_PORT", "eighty"),
        ("SHENHE_PORT", "70000"),
        ("SHENHE_MAX_BATCH_SIZE", "0"),
        ("SHENHE_WATCH_INTERVAL", "-1"),
        ("SHENHE_WATCH", "sometimes"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str):
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({variable: value})


def test_overrides_skip_none_and_validate():
    settings = Settings().with_overrides(port=None, host="0.0.0.0", lexicon_files=["x.txt"])
    assert settings.port == 8000 and settings.host == "0.0.0.0"
    assert settings.lexicon_files == (Path("x.txt"),)
    with pytest.raises(ConfigError, match="port"):
        Settings().with_overrides(port=-1)
    with pytest.raises(ConfigError, match="colour"):
        Settings().with_overrides(colour="red")


def test_settings_are_immutable():
    with pytest.raises(ValueError):
        Settings().port = 1  # type: ignore[misc]


def test_env_names():
    assert env_name("max_body_bytes") == "SHENHE_MAX_BODY_BYTES"
