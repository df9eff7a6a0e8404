"""Identity numbers: every check named, normalisation, masking, and nothing leaked in errors.

Valid numbers are built here with an independent, textbook re-implementation of each check
character, so the tests do not take the production arithmetic on trust.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shenhe.domain import (
    CreditCode,
    IdentityError,
    MobileNumber,
    ResidentId,
    parse_id_number,
    parse_mobile,
    parse_uscc,
)
from shenhe.domain.credit_code import WEIGHTS
from shenhe.domain.errors import DomainError
from shenhe.domain.masking import mask, mask_id_number, mask_mobile, mask_uscc
from shenhe.domain.regions import parse_regions, regions

TODAY = date(2026, 11, 20)
GB32100 = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PROVINCES = (  # noqa: SIM905
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 "
    "65 71 81 82"
).split()


# --- independent reference implementations ------------------------------------------------
def ref_uscc_check(body17: str) -> str:
    """GB 32100: C18 = 31 - (Σ value(ci) × 3^(i-1) mod 31) mod 31, 31 written as 0."""
    total = sum(GB32100.index(c) * 3**i for i, c in enumerate(body17))
    return GB32100[(31 - total % 31) % 31]


def ref_org_check(body8: str) -> str:
    """GB 11714: C9 = 11 - (Σ value(ci) × Wi mod 11); 10 → X, 11 → 0; value is base-36."""
    total = sum(int(c, 36) * w for c, w in zip(body8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def ref_id_check(body17: str) -> str:
    """ISO 7064 MOD 11-2: weights 2^(18-i) mod 11, check value (12 - S mod 11) mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(body17))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def make_uscc(head: str = "91", region: str = "440300", org: str = "70846113") -> str:
    body = head + region + org + ref_org_check(org)
    return body + ref_uscc_check(body)


def make_id(region: str = "110105", born: date = date(1990, 3, 7), seq: str = "447") -> str:
    body = region + born.strftime("%Y%m%d") + seq
    return body + ref_id_check(body)


def replace_at(text: str, index: int, char: str) -> str:
    return text[:index] + char + text[index + 1 :]


def test_the_reference_weights_are_the_standards() -> None:
    assert tuple(3**i % 31 for i in range(17)) == WEIGHTS
    assert ref_id_check("11010519491231002") == "X"  # the GB 11643 example


# --- Unified Social Credit Code -------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("91350100M000100Y43", "91350100M000100Y43"),  # the example of GB 32100
        ("91440300708461136T", "91440300708461136T"),  # as printed on public licences
        ("914403001922038216", "914403001922038216"),
        ("91110000802100433B", "91110000802100433B"),
        ("9111000071093123XX", "9111000071093123XX"),
        (" 91350100m000100y43 ", "91350100M000100Y43"),  # case and spaces
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),  # full width
        ("9135 0100 M000 100Y 43", "91350100M000100Y43"),
        (make_uscc("92", "330106", "MA2AB3C4"), None),  # sole trader
        (make_uscc("93", "510100", "00000001"), None),  # farmers' co-operative
        (make_uscc("12", "100000", "40000135"), None),  # central public institution
        (make_uscc("51", "100000", "50001234"), None),  # national association
        (make_uscc("31", "110000", "L1234567"), None),  # law firm
        (make_uscc("N2", "450000", "MA5L7K9P"), None),  # village collective
        (make_uscc("G1", "310000", "MA1FL000"), None),  # foreign NGO office
        (make_uscc("Y1", "650000", "12345678"), None),
    ],
)
def test_valid_credit_codes_parse_and_normalise(text: str, value: str | None) -> None:
    code = parse_uscc(text)
    assert isinstance(code, CreditCode)
    assert code.value == (value or text)
    assert str(code) == code.value
    assert len(code.organisation_code) == 9
    assert code.region_code == code.value[2:8]


def test_a_credit_code_knows_its_parts() -> None:
    code = parse_uscc("91350100M000100Y43")
    assert (code.authority, code.entity_type, code.region_code) == ("市场监管", "91", "350100")
    assert code.organisation_code == "M000100Y4"
    assert code.masked == "913***********0Y43"


GOOD_USCC = "91350100M000100Y43"
WRONG_ORG = "91350100M000100Y5"  # organisation code with a wrong check character


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("", "length"),
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        (replace_at(GOOD_USCC, 15, "I"), "alphabet"),
        (replace_at(GOOD_USCC, 15, "O"), "alphabet"),
        (replace_at(GOOD_USCC, 15, "Z"), "alphabet"),
        (replace_at(GOOD_USCC, 15, "S"), "alphabet"),
        (replace_at(GOOD_USCC, 15, "V"), "alphabet"),
        (replace_at(GOOD_USCC, 15, "-"), "alphabet"),
        (replace_at(GOOD_USCC, 15, "٣"), "alphabet"),  # an Arabic-Indic digit is no digit here
        (make_uscc("01"), "authority"),
        (make_uscc("B1"), "authority"),
        (make_uscc("94"), "entity_type"),
        (make_uscc("Y2"), "entity_type"),
        (make_uscc("1A"), "entity_type"),
        (make_uscc("91", "990100"), "region"),
        (make_uscc("91", "830000"), "region"),  # a residence-permit prefix, not a registry
        (make_uscc("91", "4403A0"), "region"),
        (WRONG_ORG + ref_uscc_check(WRONG_ORG), "organisation_code"),
        (replace_at(GOOD_USCC, 17, "4"), "check_digit"),
        (replace_at(GOOD_USCC, 3, "6"), "check_digit"),  # a typo in the region digits
        # M (22) and 0 swapped: GB 11714 misses it (22 × (7 - 3) ≡ 0 mod 11), GB 32100 does not
        (GOOD_USCC[:8] + GOOD_USCC[9] + GOOD_USCC[8] + GOOD_USCC[10:], "check_digit"),
        (GOOD_USCC[:9] + "1" + GOOD_USCC[10:], "organisation_code"),
    ],
)
def test_invalid_credit_codes_name_the_check(text: str, check: str) -> None:
    with pytest.raises(IdentityError) as caught:
        parse_uscc(text)
    assert (caught.value.field, caught.value.check) == ("uscc", check)
    assert caught.value.code == f"uscc.{check}"
    assert isinstance(caught.value, DomainError)
    if len(text) >= 8:
        assert text not in str(caught.value)


def test_the_organisation_code_check_can_be_turned_off() -> None:
    code = WRONG_ORG + ref_uscc_check(WRONG_ORG)
    assert parse_uscc(code, organisation_code=False).value == code


def test_the_field_name_can_be_given() -> None:
    with pytest.raises(IdentityError, match=r"^principal\.uscc: ") as caught:
        parse_uscc("123", field="principal.uscc")
    assert caught.value.field == "principal.uscc"


def test_a_credit_code_cannot_be_built_invalid() -> None:
    with pytest.raises(IdentityError):
        CreditCode("91350100M000100Y44")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["91", "92", "93", "12", "51", "52", "53", "31", "Y1", "N1"]),
    st.sampled_from(PROVINCES),
    st.text(alphabet=GB32100, min_size=8, max_size=8),
    st.integers(0, 16),
    st.sampled_from(GB32100),
)
def test_every_single_character_typo_is_caught(
    head: str, province: str, org: str, position: int, char: str
) -> None:
    code = make_uscc(head, province + "0000", org)
    assert parse_uscc(code).value == code
    assume(code[position] != char)
    with pytest.raises(IdentityError):
        parse_uscc(replace_at(code, position, char))


# --- resident identity number ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("11010519491231002X", "11010519491231002X"),  # the example of GB 11643
        ("11010519491231002x", "11010519491231002X"),  # lower-case x
        ("110105 19491231 002X", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        (make_id("440305", date(1900, 1, 1)), None),  # the earliest accepted birth date
        (make_id("650102", date(2000, 2, 29)), None),  # a leap day
        (make_id("500101", TODAY), None),  # born today
        (make_id("510215", date(1985, 6, 1)), None),  # a code Chongqing has since replaced
        (make_id("810000", date(1970, 1, 1)), None),  # Hong Kong residence permit
        (make_id("830000", date(1988, 8, 8)), None),  # Taiwan residence permit
    ],
)
def test_valid_identity_numbers_parse_and_normalise(text: str, value: str | None) -> None:
    number = parse_id_number(text, today=TODAY)
    assert isinstance(number, ResidentId)
    assert number.value == (value or text)
    assert number.birth_date == date(
        int(number.value[6:10]), int(number.value[10:12]), int(number.value[12:14])
    )


def test_an_identity_number_knows_its_parts_and_hides_itself() -> None:
    number = parse_id_number("11010519491231002X", today=TODAY)
    assert number.birth_date == date(1949, 12, 31)
    assert number.sex == "female"
    assert number.region.name == "北京市"
    assert number.masked == "110***********002X"
    assert str(number) == number.masked
    assert "19491231" not in repr(number) and "19491231" not in f"{number}"
    assert parse_id_number(make_id(seq="447"), today=TODAY).sex == "male"


GOOD_ID = "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("", "length"),
        ("110105491231002", "length"),  # a 15-digit first-generation number
        (GOOD_ID[:-1], "length"),
        (GOOD_ID + "0", "length"),
        (replace_at(GOOD_ID, 17, "A"), "alphabet"),
        (replace_at(GOOD_ID, 17, "Y"), "alphabet"),
        ("1101051949123100X2", "alphabet"),  # X anywhere but last
        (replace_at(GOOD_ID, 3, "٣"), "alphabet"),
        (make_id("000000"), "region"),
        (make_id("990101"), "region"),
        (make_id("100000"), "region"),  # the central code is for credit codes only
        (make_id("910000"), "region"),
        ("440524188001010014", "birth_date"),  # GB 11643's other example: born in 1880
        (make_id(born=date(1899, 12, 31)), "birth_date"),
        (make_id(born=TODAY + timedelta(days=1)), "birth_date"),
        (make_id()[:6] + "19490230" + "123" + "4", "birth_date"),  # 30 February
        (make_id()[:6] + "19491301" + "123" + "4", "birth_date"),  # month 13
        (make_id()[:6] + "20230229" + "123" + "4", "birth_date"),  # not a leap year
        (make_id()[:6] + "00000000" + "123" + "4", "birth_date"),
        ("110105194912310021", "check_digit"),
        ("11010519491231002" + "9", "check_digit"),
        ("11010519941231002X", "check_digit"),  # 49 transposed to 94
    ],
)
def test_invalid_identity_numbers_name_the_check(text: str, check: str) -> None:
    with pytest.raises(IdentityError) as caught:
        parse_id_number(text, today=TODAY)
    assert (caught.value.field, caught.value.check) == ("id_number", check)
    message = str(caught.value)
    assert message.startswith("id_number: ") and f"(check: {check})" in message
    if len(text) >= 8:
        assert text not in message and text.upper() not in message
        assert text[6:14] not in message  # not even the birth date


def test_the_birth_date_is_judged_against_the_day_given() -> None:
    tomorrow = make_id(born=TODAY + timedelta(days=1))
    with pytest.raises(IdentityError):
        parse_id_number(tomorrow, today=TODAY)
    assert parse_id_number(tomorrow, today=TODAY + timedelta(days=1)).value == tomorrow


def test_an_identity_number_cannot_be_built_invalid() -> None:
    with pytest.raises(IdentityError) as caught:
        ResidentId("110105194912310021")
    assert caught.value.check == "check_digit"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(PROVINCES),
    st.integers(0, 9999),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(0, 999),
)
def test_generated_identity_numbers_round_trip(
    province: str, county: int, born: date, seq: int
) -> None:
    text = make_id(f"{province}{county:04d}", born, f"{seq:03d}")
    number = parse_id_number(text.lower(), today=TODAY)
    assert number.value == text
    assert number.birth_date == born
    assert number.masked == text[:3] + "*" * 11 + text[-4:]


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY), st.integers(0, 16), st.data())
def test_every_single_digit_typo_is_caught(born: date, position: int, data: st.DataObject) -> None:
    text = make_id("440305", born, "123")
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != text[position]]))
    with pytest.raises(IdentityError):
        parse_id_number(replace_at(text, position, digit), today=TODAY)


# --- mobile numbers -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086-138-0013-8000", "13800138000"),
        ("１９９１２３４５６７８", "19912345678"),
    ],
)
def test_valid_mobile_numbers(text: str, value: str) -> None:
    number = parse_mobile(text)
    assert isinstance(number, MobileNumber)
    assert number.value == value
    assert str(number) == number.masked == value[:3] + "****" + value[-4:]
    assert value not in repr(number)


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("", "length"),
        ("1380013800", "length"),
        ("138001380001", "length"),
        ("1380013800a", "alphabet"),
        ("12800138000", "prefix"),
        ("23800138000", "prefix"),
        ("+1 415 555 0100", "length"),
    ],
)
def test_invalid_mobile_numbers_name_the_check(text: str, check: str) -> None:
    with pytest.raises(IdentityError) as caught:
        parse_mobile(text)
    assert (caught.value.field, caught.value.check) == ("mobile", check)
    if len(text) >= 8:
        assert text not in str(caught.value)


# --- any input: a value or an IdentityError, never another exception ------------------------
NEAR_ID = st.text(alphabet="0123456789Xx ", min_size=15, max_size=20)
NEAR_USCC = st.text(alphabet=GB32100 + "IOSVZ", min_size=17, max_size=19)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), NEAR_ID, NEAR_USCC))
def test_any_text_gives_a_value_or_an_identity_error(text: str) -> None:
    for parse in (
        lambda t: parse_id_number(t, today=TODAY),
        parse_uscc,
        parse_mobile,
    ):
        try:
            value = parse(text)
        except IdentityError as exc:
            stripped = "".join(text.split())
            if len(stripped) >= 11:
                assert stripped not in str(exc)
        else:
            assert type(parse(value.value)) is type(value)  # normal forms are fixed points


def test_non_text_is_an_identity_error() -> None:
    for parse in (parse_uscc, parse_mobile):
        with pytest.raises(IdentityError, match="format"):
            parse(18)  # type: ignore[arg-type]
    with pytest.raises(IdentityError) as caught:
        parse_id_number(None, today=TODAY)  # type: ignore[arg-type]
    assert caught.value.check == "format"


# --- masking and regions --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("function", "text", "masked"),
    [
        (mask_id_number, "110105194912310078", "110***********0078"),
        (mask_uscc, "91350100M000100Y43", "913***********0Y43"),
        (mask_mobile, "13800138000", "138****8000"),
        (mask_mobile, "1380013", "*******"),  # too short to show anything
        (mask_id_number, "", ""),
    ],
)
def test_masks_keep_the_length_and_the_ends(
    function: Callable[[str], str], text: str, masked: str
) -> None:
    assert function(text) == masked


def test_a_mask_always_hides_at_least_four_characters() -> None:
    for length in range(20):
        value = "x" * length
        assert mask(value, 3, 4).count("*") >= min(length, 4)
    with pytest.raises(ValueError):
        mask("abc", -1, 0)


def test_the_region_table_holds_every_province() -> None:
    table = regions()
    assert [p for p in PROVINCES if p not in table] == []
    assert table["44"].name == "广东省" and table["44"].kind == "province"
    assert table["83"].kind == "permit" and table["10"].kind == "central"
    assert all(region.prefix == prefix for prefix, region in table.items())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code\tname\n", "header"),
        ("code\tname\tname_en\tkind\n110000\t北京市\tBeijing\n", "4 tab-separated"),
        ("code\tname\tname_en\tkind\n110100\t北京市\tBeijing\tprovince\n", "province-level"),
        ("code\tname\tname_en\tkind\n110000\t北京市\tBeijing\tcity\n", "kind"),
        ("code\tname\tname_en\tkind\n110000\ta\tb\tprovince\n110000\ta\tb\tprovince\n", "twice"),
    ],
)
def test_a_malformed_region_table_names_the_line(text: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        parse_regions(text, source="r.tsv")
