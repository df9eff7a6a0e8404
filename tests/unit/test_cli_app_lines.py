"""Parsing one line of an app import file (`shenhe.cli.app_lines`): the fields, their
defaults, and errors that name the field without repeating an identity number."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from shenhe.cli.app_lines import parse_line
from shenhe.errors import InputError

ID_NUMBER = "11010519491231002X"
LINE: dict[str, Any] = {
    "appid": "wx1a2b3c4d5e6f7a8b",
    "name": "记账小助手",
    "description": "记账",
    "category": "tools",
    "pages": ["首页"],
    "principal": {"kind": "enterprise", "name": "某公司", "uscc": "91350100M000100Y43"},
    "qualifications": [
        {"type": "icp_licence", "number": "闽B2-20190001", "valid_until": "2027-12-31"}
    ],
}


def test_a_line_becomes_an_import_command() -> None:
    command = parse_line(json.dumps(LINE, ensure_ascii=False))
    assert (command.appid, command.name, command.category) == (
        "wx1a2b3c4d5e6f7a8b",
        "记账小助手",
        "tools",
    )
    assert command.pages == ("首页",)
    assert command.principal.uscc == "91350100M000100Y43" and command.actor == "import"
    (held,) = command.qualifications
    assert (held.type, held.valid_until, held.verified) == (
        "icp_licence",
        date(2027, 12, 31),
        False,
    )


def test_verified_defaults_to_the_option_and_a_line_may_say() -> None:
    assert parse_line(json.dumps(LINE), verified_default=True).qualifications[0].verified
    said = {**LINE, "qualifications": [{**LINE["qualifications"][0], "verified": False}]}
    assert not parse_line(json.dumps(said), verified_default=True).qualifications[0].verified


def test_optional_fields_and_extra_ones() -> None:
    minimal = {k: LINE[k] for k in ("appid", "name", "category", "principal")}
    command = parse_line(json.dumps({**minimal, "icon": "ignored"}))
    assert command.description == "" and command.pages == () and command.qualifications == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (json.dumps({**LINE, "pages": "首页"}), "pages: Input should be a valid list"),
        (
            json.dumps({k: v for k, v in LINE.items() if k != "principal"}),
            "principal: Field required",
        ),
        (json.dumps({**LINE, "principal": {"kind": "club", "name": "x"}}), "principal.kind"),
        (
            json.dumps(
                {
                    **LINE,
                    "qualifications": [
                        {"type": "icp_licence", "number": "1", "valid_until": "soon"}
                    ],
                }
            ),
            "qualifications.0.valid_until",
        ),
    ],
)
def test_a_bad_line_names_the_field(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace(".", r"\.")):
        parse_line(text)


def test_an_identity_number_is_never_repeated_in_an_error() -> None:
    line = {**LINE, "principal": {"kind": "individual", "name": "张三", "id_number": ID_NUMBER}}
    bad = {**line, "pages": 3}
    with pytest.raises(InputError) as raised:
        parse_line(json.dumps(bad))
    assert ID_NUMBER not in str(raised.value)
    wrong = {**line, "principal": {**line["principal"], "id_number": [ID_NUMBER]}}
    with pytest.raises(InputError) as raised:
        parse_line(json.dumps(wrong))
    assert "principal.id_number" in str(raised.value) and ID_NUMBER not in str(raised.value)
