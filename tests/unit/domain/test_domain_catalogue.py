"""The category catalogue and qualifications: requirements, alternatives, expiry, validation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from shenhe.domain import (
    Catalogue,
    CatalogueError,
    CategoryError,
    Qualification,
    QualificationError,
)
from shenhe.domain.catalogue import STABLE_CATEGORIES, STABLE_QUALIFICATION_TYPES

TODAY = date(2026, 11, 20)
CATALOGUE = Catalogue.default()


def licence(kind: str, **changes: Any) -> Qualification:
    fields: dict[str, Any] = {
        "type": kind,
        "number": "粤B2-20090059",
        "issuer": "广东省通信管理局",
        "valid_from": date(2024, 1, 1),
        "valid_until": date(2029, 1, 1),
        "verified": True,
    }
    return Qualification(**(fields | changes))


def test_the_default_catalogue_declares_every_stable_id() -> None:
    assert set(STABLE_CATEGORIES) <= set(CATALOGUE.categories)
    assert set(STABLE_QUALIFICATION_TYPES) <= set(CATALOGUE.qualification_types)
    assert CATALOGUE.version
    assert Catalogue.default() is CATALOGUE  # read once


@pytest.mark.parametrize(
    ("category", "severity", "regulated", "individuals"),
    [
        ("lending", 3, True, False),
        ("insurance", 3, True, False),
        ("medical", 3, True, False),
        ("news", 2, True, False),
        ("games", 2, True, False),
        ("social", 2, True, False),
        ("education", 2, True, False),
        ("ecommerce", 2, False, False),
        ("tools", 1, False, True),
        ("lifestyle", 1, False, True),
    ],
)
def test_categories_carry_severity_and_risk(
    category: str, severity: int, regulated: bool, individuals: bool
) -> None:
    found = CATALOGUE.category(category)
    assert (found.severity, found.regulated, found.individuals) == (
        severity,
        regulated,
        individuals,
    )
    assert found.high_risk is (severity == 3)
    assert found.name and found.description


@pytest.mark.parametrize(
    ("category", "held", "missing"),
    [
        ("lending", [], ["lending_licence|financial_licence"]),
        ("lending", ["lending_licence"], []),
        ("lending", ["financial_licence"], []),  # either alternative will do
        ("lending", ["icp_licence"], ["lending_licence|financial_licence"]),
        ("insurance", ["insurance_intermediary_licence"], []),
        ("insurance", ["lending_licence"], ["insurance_licence|insurance_intermediary_licence"]),
        ("medical", ["medical_licence"], []),
        ("news", [], ["news_licence"]),
        ("news", ["news_licence"], []),
        ("games", [], ["game_publication_licence"]),
        ("social", ["icp_licence"], []),
        ("ecommerce_platform", [], ["edi_licence"]),
        ("education", ["icp_licence"], []),
        ("tools", [], []),
        ("lifestyle", [], []),
        ("ecommerce", [], []),
    ],
)
def test_missing_lists_the_unmet_requirements(
    category: str, held: list[str], missing: list[str]
) -> None:
    found = CATALOGUE.missing(category, [licence(kind) for kind in held], TODAY)
    assert [requirement.code for requirement in found] == missing


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, "valid"),
        ({"verified": False}, "unverified"),
        ({"valid_until": TODAY - timedelta(days=1)}, "expired"),
        ({"valid_until": TODAY}, "valid"),  # the last day still counts
        ({"valid_from": TODAY + timedelta(days=1), "valid_until": None}, "not_yet_valid"),
        ({"valid_from": TODAY}, "valid"),
        ({"valid_from": None, "valid_until": None}, "valid"),  # a licence without a term
    ],
)
def test_only_a_verified_licence_within_its_term_counts(
    changes: dict[str, Any], status: str
) -> None:
    held = licence("lending_licence", **changes)
    assert held.status(TODAY) == status
    assert held.is_valid(TODAY) is (status == "valid")
    assert bool(CATALOGUE.missing("lending", [held], TODAY)) is (status != "valid")


def test_a_licence_expires_with_time() -> None:
    held = [licence("lending_licence", valid_until=date(2027, 3, 31))]
    assert CATALOGUE.missing("lending", held, date(2027, 3, 31)) == []
    assert len(CATALOGUE.missing("lending", held, date(2027, 4, 1))) == 1


def test_an_expired_alternative_is_covered_by_a_valid_one() -> None:
    held = [
        licence("lending_licence", valid_until=TODAY - timedelta(days=1)),
        licence("financial_licence", valid_until=None),
    ]
    assert CATALOGUE.missing("lending", iter(held), TODAY) == []


def test_content_is_allowed_only_to_a_qualified_category() -> None:
    lender = [licence("lending_licence")]
    assert CATALOGUE.allowed_content("lending", lender, TODAY) == {"loan"}
    assert CATALOGUE.allowed_content("lending", [], TODAY) == frozenset()
    assert CATALOGUE.allowed_content("tools", lender, TODAY) == frozenset()
    expired = [licence("lending_licence", valid_until=date(2020, 1, 1), valid_from=None)]
    assert CATALOGUE.allowed_content("lending", expired, TODAY) == frozenset()
    assert CATALOGUE.categories_carrying("loan") == ("lending",)
    assert CATALOGUE.categories_carrying("porn") == ()
    for category in CATALOGUE.categories.values():
        assert not category.may_carry & {"porn", "gambling", "fraud", "counterfeit", "diversion"}


def test_an_unknown_category_is_named_with_the_known_ones() -> None:
    with pytest.raises(CategoryError, match=r"'payday'.*lending") as caught:
        CATALOGUE.missing("payday", [], TODAY)
    assert caught.value.category == "payday"


def test_an_unknown_qualification_type_is_refused_by_the_catalogue() -> None:
    CATALOGUE.check_qualification(licence("icp_licence"))
    with pytest.raises(QualificationError, match="unknown type 'casino_licence'") as caught:
        CATALOGUE.check_qualification(licence("casino_licence"))
    assert caught.value.field == "type"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "Lending Licence"}, "type"),
        ({"type": ""}, "type"),
        ({"number": "   "}, "number"),
        ({"number": "x" * 101}, "number"),
        ({"number": "A\n1"}, "number"),
        ({"issuer": None}, "issuer"),
        ({"valid_until": date(2023, 12, 31)}, "valid_until"),
        ({"valid_from": "2024-01-01"}, "valid_from"),
        ({"valid_until": datetime(2029, 1, 1, 12, 0)}, "valid_until"),
    ],
)
def test_a_malformed_qualification_names_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(QualificationError, match=f"^qualification {field}: ") as caught:
        licence("lending_licence", **changes)
    assert caught.value.field == field


def test_a_qualification_number_is_trimmed() -> None:
    assert licence("icp_licence", number="  京ICP证000007号 ").number == "京ICP证000007号"


# --- documents --------------------------------------------------------------------------------
def default_document() -> dict[str, Any]:
    text = resources.files("shenhe").joinpath("data", "catalogue.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_a_document_round_trips_through_from_dict() -> None:
    catalogue = Catalogue.from_dict(default_document())
    assert catalogue.categories == CATALOGUE.categories
    assert catalogue.qualification_types == CATALOGUE.qualification_types


def _edit(path: str, value: Any) -> dict[str, Any]:
    data = default_document()
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("categories.lending", _DELETE, "stable id.*lending"),
        ("qualification_types.icp_licence", _DELETE, "stable id.*icp_licence"),
        (
            "categories.lending.requires.0.any_of",
            ["lending_licence", "casino_licence"],
            r"categories\.lending\.requires\.0\.any_of\.1: unknown qualification type",
        ),
        (
            "categories.tools.may_carry",
            ["loan", "weather"],
            r"categories\.tools\.may_carry\.1: 'weather' is not a screening category",
        ),
        ("categories.tools.severity", 4, r"categories\.tools\.severity"),
        ("categories.tools.colour", "red", r"categories\.tools\.colour"),
        ("categories.lending.requires.0.any_of", [], r"lending\.requires\.0\.any_of"),
        ("categories.Payday", {"name": "x", "severity": 1}, r"categories\.Payday"),
        ("version", "", "version"),
    ],
)
def test_an_invalid_document_names_the_field(path: str, value: Any, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        Catalogue.from_dict(_edit(path, value))


@pytest.mark.parametrize(
    ("text", "message"),
    [("- a list\n", "must be a YAML mapping"), ("version: [\n", "not valid YAML")],
)
def test_an_unreadable_document_is_a_catalogue_error(text: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        Catalogue.from_yaml(text, source="mine.yaml")


def test_a_catalogue_file_loads_and_errors_name_it(tmp_path: Path) -> None:
    good = tmp_path / "catalogue.yaml"
    good.write_text(yaml.safe_dump(default_document(), allow_unicode=True), "utf-8")
    assert Catalogue.load(good).categories == CATALOGUE.categories
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_edit("categories.tools.severity", 0)), "utf-8")
    with pytest.raises(CatalogueError, match=r"bad\.yaml: .*categories\.tools\.severity"):
        Catalogue.load(bad)
    with pytest.raises(CatalogueError, match="cannot read"):
        Catalogue.load(tmp_path / "absent.yaml")
