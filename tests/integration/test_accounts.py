"""Accounts on SQLite and PostgreSQL: registration with a real identity kept sealed, the
structural checks and the verifier, duplicates and the per-identity limit, the mobile
one-time code, and the publishing rights the publishing side asks for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from account_support import (
    CHILD_ID,
    LI,
    NOW,
    ORG,
    ORG_USCC,
    WANG,
    WANG_ID,
    WANG_MASKED,
    code_from,
    dump,
    keyring,
    register,
    register_verified,
)
from race_support import at_once

from shenhe.adapters.db import Database
from shenhe.adapters.sms import LogSmsGateway
from shenhe.domain.errors import IdentityError, SubmissionError
from shenhe.domain.otp import OtpRules
from shenhe.services import account_mobile, accounts, audit
from shenhe.services.account_errors import (
    IdentityTakenError,
    MobileTakenError,
    OtpError,
    ThrottledError,
    VerificationFailedError,
)
from shenhe.services.errors import NotFoundError
from shenhe.services.unit_of_work import UnitOfWork

PII_TABLES = ("accounts", "account_pii", "audit_log", "otp_codes")


def test_an_individual_registers_and_the_identity_is_stored_only_sealed(
    uow: UnitOfWork, database: Database
) -> None:
    account = register(uow, {**WANG, "id_number": WANG_ID.lower()[:-1] + " " + WANG_ID[-1]})
    assert account.kind == "individual" and account.status == "active"
    assert account.masked() == {"name": "***", "id_number": WANG_MASKED, "mobile": "138****8000"}
    assert account.identity_status == "verified"
    assert account.identity_due_at == NOW + timedelta(days=365)
    stored = dump(database, *PII_TABLES)
    for clear in (WANG_ID, "王小明", "13800138000"):
        assert clear not in stored
    assert WANG_ID not in repr(account) and WANG_ID not in str(account.to_dict())
    fetched = accounts.get_account(account.id, uow)
    assert fetched.masked() == account.masked()
    with uow:
        record = uow.audit.get(1)
    assert record is not None and record.action == "account.register"
    assert record.subject_id == str(account.id) and "13800138000" not in str(record.payload)
    assert audit.verify(uow).ok


def test_an_organisation_registers_with_its_responsible_person(uow: UnitOfWork) -> None:
    account = register(uow, ORG)
    assert account.kind == "organisation"
    masked = account.masked()
    assert masked["uscc"] == "913***********0Y43" and masked["responsible_name"] == "**"
    assert ORG_USCC not in str(account.to_dict())


STRUCTURAL = [
    ({"id_number": WANG_ID[:-1] + "0"}, "id_number.check_digit"),
    ({"id_number": "99" + WANG_ID[2:]}, "id_number.region"),
    ({"id_number": WANG_ID[:10] + "1399" + WANG_ID[14:]}, "id_number.birth_date"),
    ({"id_number": WANG_ID[:17]}, "id_number.length"),
    ({"mobile": "12800138000"}, "mobile.prefix"),
    ({"mobile": "1380013800"}, "mobile.length"),
]


def test_a_structural_check_names_the_field_and_the_check_and_stores_nothing(
    uow: UnitOfWork, database: Database
) -> None:
    for change, code in STRUCTURAL:
        with pytest.raises(IdentityError) as failure:
            register(uow, {**WANG, **change})
        assert failure.value.code == code
        assert WANG_ID not in str(failure.value)
    assert dump(database, "accounts", "audit_log") == ""


def test_fields_of_the_other_kind_are_refused(uow: UnitOfWork) -> None:
    with pytest.raises(SubmissionError, match="uscc"):
        register(uow, {**WANG, "uscc": ORG_USCC})
    with pytest.raises(IdentityError, match="responsible_id_number"):
        register(uow, {**ORG, "responsible_id_number": None})


def test_the_verifier_refuses_a_child_and_nothing_is_stored(
    uow: UnitOfWork, database: Database
) -> None:
    with pytest.raises(VerificationFailedError) as failure:
        register(uow, {**WANG, "id_number": CHILD_ID})
    assert failure.value.code == "minor"
    assert dump(database, "accounts") == ""


def test_a_duplicate_identity_is_refused_without_saying_whose(uow: UnitOfWork) -> None:
    register(uow, WANG)
    again = {**WANG, "name": "王大明", "mobile": "13700137000"}
    with pytest.raises(IdentityTakenError) as failure:
        register(uow, again)
    message = str(failure.value)
    assert "王" not in message and WANG_ID not in message and "13800138000" not in message
    # the operator allows two accounts per identity: the second registers
    second = register(uow, again, policy=accounts.AccountPolicy(per_identity=2))
    assert second.masked()["id_number"] == WANG_MASKED
    with pytest.raises(IdentityTakenError):
        register(
            uow, {**again, "mobile": "13600136000"}, policy=accounts.AccountPolicy(per_identity=2)
        )


def test_a_mobile_number_belongs_to_one_account(uow: UnitOfWork) -> None:
    register(uow, WANG)
    with pytest.raises(MobileTakenError):
        register(uow, {**LI, "mobile": "+86 138-0013-8000"})


def test_an_account_may_publish_once_its_mobile_is_confirmed(uow: UnitOfWork) -> None:
    account = register(uow, WANG)
    with uow:
        rights = accounts.publishing_rights(uow, account.id, NOW)
        missing = accounts.publishing_rights(uow, account.id + 100, NOW)
    assert (rights.allowed, rights.code) == (False, "mobile_unverified")
    assert (missing.allowed, missing.code) == (False, "not_found")
    confirmed = register_verified(uow, LI)
    with uow:
        rights = accounts.publishing_rights(uow, confirmed.id, NOW + timedelta(minutes=1))
        lapsed = accounts.publishing_rights(uow, confirmed.id, NOW + timedelta(days=366))
    assert rights.allowed and rights.code == "ok"
    assert (lapsed.allowed, lapsed.code) == (False, "identity_lapsed")


def test_a_code_is_stored_hashed_and_a_wrong_one_spends_attempts(
    uow: UnitOfWork, database: Database
) -> None:
    account = register(uow, WANG)
    ring, gateway = keyring(), LogSmsGateway()
    policy = accounts.AccountPolicy(otp=OtpRules(max_attempts=2))
    account_mobile.send_mobile_code(account.id, uow, ring, gateway, now=NOW, policy=policy)
    code = code_from(gateway, "13800138000")
    assert code not in dump(database, "otp_codes")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(OtpError, match="1 attempt left"):
        account_mobile.confirm_mobile(account.id, wrong, uow, ring, now=NOW, policy=policy)
    with pytest.raises(OtpError, match="now spent"):
        account_mobile.confirm_mobile(account.id, wrong, uow, ring, now=NOW, policy=policy)
    with pytest.raises(OtpError) as spent:  # the right code no longer works
        account_mobile.confirm_mobile(account.id, code, uow, ring, now=NOW, policy=policy)
    assert spent.value.code == "spent"


def test_codes_expire_and_cannot_be_resent_at_once(uow: UnitOfWork) -> None:
    account = register(uow, WANG)
    ring, gateway = keyring(), LogSmsGateway()
    account_mobile.send_mobile_code(account.id, uow, ring, gateway, now=NOW)
    with pytest.raises(ThrottledError) as throttled:
        account_mobile.send_mobile_code(
            account.id, uow, ring, gateway, now=NOW + timedelta(seconds=20)
        )
    assert throttled.value.retry_after == 40
    code = code_from(gateway, "13800138000")
    with pytest.raises(OtpError) as expired:
        account_mobile.confirm_mobile(account.id, code, uow, ring, now=NOW + timedelta(minutes=6))
    assert expired.value.code == "expired"
    later = NOW + timedelta(minutes=7)
    account_mobile.send_mobile_code(account.id, uow, ring, gateway, now=later)
    fresh = code_from(gateway, "13800138000")
    confirmed = account_mobile.confirm_mobile(account.id, fresh, uow, ring, now=later)
    assert confirmed.mobile_verified_at == later
    with pytest.raises(OtpError):  # a code works once
        account_mobile.confirm_mobile(account.id, fresh, uow, ring, now=later)
    two_a_day = accounts.AccountPolicy(otp=OtpRules(max_per_day=2))
    with pytest.raises(ThrottledError, match="too many today"):
        account_mobile.send_mobile_code(
            account.id, uow, ring, gateway, now=later + timedelta(hours=1), policy=two_a_day
        )


def test_an_unknown_account_is_not_found(uow: UnitOfWork) -> None:
    with pytest.raises(NotFoundError):
        accounts.get_account(42, uow)
    with pytest.raises(NotFoundError):
        account_mobile.send_mobile_code(42, uow, keyring(), LogSmsGateway(), now=NOW)


def test_concurrent_registrations_of_one_identity_let_one_through(database: Database) -> None:
    def attempt(number: int) -> str:
        try:
            register(database.unit_of_work(), {**WANG, "mobile": f"1380013800{number}"})
        except IdentityTakenError:
            return "taken"
        return "registered"

    outcomes = at_once(6, attempt)
    assert sorted(outcomes) == ["registered"] + ["taken"] * 5
