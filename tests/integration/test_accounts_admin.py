"""Closing, blacklisting, deleting, revealing and re-verifying accounts, on SQLite and
PostgreSQL: a blacklisted identity cannot come back with a new name and mobile number; a
deleted account's identity is erased; every reveal is an audit record; a lapsed or failed
verification takes the right to publish away until the account passes again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from account_support import (
    LI,
    LI_ID,
    NOW,
    ORG,
    WANG,
    WANG_ID,
    ZHAO_ID,
    dump,
    keyring,
    operator,
    register,
    register_verified,
)
from registry_support import audit_records

from shenhe.adapters.db import Database
from shenhe.domain.errors import SubmissionError
from shenhe.services import account_admin, accounts, audit, operators, reverification
from shenhe.services.account_errors import (
    AccountStateError,
    AuthenticationError,
    BlacklistedError,
    PermissionDeniedError,
)
from shenhe.services.unit_of_work import UnitOfWork
from shenhe.services.verification import LocalVerifier

REASON = "illegal loan advertising, case 2026-031"


def close(uow: UnitOfWork, account_id: int, **options: object) -> object:
    command = account_admin.CloseAccount(account_id, REASON, **options)  # type: ignore[arg-type]
    return account_admin.close_account(command, uow, keyring(), actor="operator:mod", now=NOW)


def actions(uow: UnitOfWork) -> list[str]:
    return [record.action for record in audit_records(uow)]


def test_a_blacklisted_person_cannot_register_again_with_a_new_name_and_mobile(
    uow: UnitOfWork,
) -> None:
    account = register_verified(uow, WANG)
    closed = close(uow, account.id, blacklist=True)
    assert closed.status == "closed"  # type: ignore[attr-defined]
    with uow:
        rights = accounts.publishing_rights(uow, account.id, NOW)
    assert rights.code == "account_closed"
    disguised = {**WANG, "name": "王新名", "mobile": "13500135000", "id_number": WANG_ID.lower()}
    with pytest.raises(BlacklistedError) as refused:
        register(uow, disguised, now=NOW + timedelta(days=3000))
    message = str(refused.value)
    assert "for good" in message and "王" not in message and WANG_ID[-4:] not in message
    # nor as the responsible person of an organisation
    with pytest.raises(BlacklistedError):
        register(uow, {**ORG, "responsible_id_number": WANG_ID})
    register(uow, LI)  # others are not affected


def test_a_blacklist_for_a_time_ends(uow: UnitOfWork) -> None:
    account = register(uow, WANG)
    close(uow, account.id, blacklist=True, until=NOW + timedelta(days=30))
    again = {**WANG, "mobile": "13500135000"}
    with pytest.raises(BlacklistedError, match="until 2026-04-01"):
        register(uow, again, now=NOW + timedelta(days=29))
    # the closed account still holds the identity: the per-identity limit applies, not the bar
    allowed = accounts.AccountPolicy(per_identity=2)
    assert register(uow, again, now=NOW + timedelta(days=31), policy=allowed).status == "active"


def test_an_organisation_is_blacklisted_by_its_credit_code(uow: UnitOfWork) -> None:
    account = register(uow, ORG)
    close(uow, account.id, blacklist=True)
    with pytest.raises(BlacklistedError):
        register(
            uow,
            {
                **ORG,
                "name": "另一个名字有限公司",
                "responsible_id_number": LI_ID,
                "mobile": "13100131000",
            },
        )


def test_closing_needs_a_reason_and_a_closed_account_is_not_closed_twice(uow: UnitOfWork) -> None:
    account = register(uow, WANG)
    with pytest.raises(SubmissionError, match="reason"):
        account_admin.close_account(
            account_admin.CloseAccount(account.id, " "), uow, keyring(), actor="x", now=NOW
        )
    with pytest.raises(SubmissionError, match="identity number"):
        account_admin.close_account(
            account_admin.CloseAccount(account.id, f"same as {WANG_ID}"),
            uow,
            keyring(),
            actor="x",
            now=NOW,
        )
    close(uow, account.id)
    with pytest.raises(AccountStateError):
        close(uow, account.id)
    close(uow, account.id, blacklist=True)  # blacklisting later is allowed
    assert actions(uow).count("account.close") == 2


def test_deleting_erases_the_identity_and_keeps_a_hashed_reference(
    uow: UnitOfWork, database: Database
) -> None:
    account = register_verified(uow, WANG)
    before = dump(database, "account_pii")
    assert before
    erased: list[int] = []

    def anonymise_posts(uow: UnitOfWork, account_id: int, now: object) -> None:
        erased.append(account_id)

    deleted = account_admin.delete_account(
        account.id, uow, actor="operator:mod", now=NOW, extra_steps=(anonymise_posts,)
    )
    assert erased == [account.id]
    assert deleted.status == "deleted" and deleted.identity == {}
    assert dump(database, "account_pii", "otp_codes") == ""
    assert accounts.get_account(account.id, uow).to_dict()["identity"] == {}
    record = audit_records(uow)[-1]
    with uow:
        assert uow.accounts.data_key(account.id) is None
    assert record.action == "account.delete"
    assert record.payload["steps"] == ["anonymise_posts", "erase_codes", "erase_identity"]
    assert len(record.payload["identity_ref"]) == 16
    with pytest.raises(AccountStateError):
        account_admin.delete_account(account.id, uow, actor="x", now=NOW)
    # the identity is free again: the deleted account does not count
    assert register(uow, WANG).status == "active"


def test_a_reveal_needs_the_role_and_is_an_audit_record(uow: UnitOfWork) -> None:
    account = register(uow, ORG)
    revealer, _ = operator(uow, "auditor", "pii_reveal")
    moderator, _ = operator(uow, "mod", "moderator")
    with pytest.raises(PermissionDeniedError):
        account_admin.reveal_account_value(
            account.id, "responsible_id_number", REASON, moderator, uow, keyring(), now=NOW
        )
    value = account_admin.reveal_account_value(
        account.id, "responsible_id_number", REASON, revealer, uow, keyring(), now=NOW
    )
    assert value == ZHAO_ID
    record = audit_records(uow)[-1]
    assert record.action == "pii.reveal" and record.actor == "operator:auditor"
    assert (record.subject_type, record.subject_id) == ("account", str(account.id))
    assert record.payload["field"] == "responsible_id_number" and record.payload["reason"] == REASON
    assert ZHAO_ID not in str(record.payload)


def test_a_principals_identity_number_is_revealed_the_same_way(uow: UnitOfWork) -> None:
    from shenhe.services import principals

    registered = principals.register_principal(
        principals.RegisterPrincipal("individual", "张三", id_number=LI_ID), uow, keyring(), now=NOW
    )
    revealer, _ = operator(uow, "auditor", "pii_reveal")
    value = account_admin.reveal_principal_id_number(
        registered.principal.id, REASON, revealer, uow, keyring(), now=NOW
    )
    assert value == LI_ID
    assert actions(uow)[-1] == "pii.reveal"


def test_operators_authenticate_by_token_and_can_be_revoked(
    uow: UnitOfWork, database: Database
) -> None:
    _, token = operator(uow, "mod", "moderator")
    assert token not in dump(database, "operators")
    assert operators.authenticate(token, uow).name == "mod"
    with pytest.raises(AuthenticationError):
        operators.authenticate("shk_wrong", uow)
    with pytest.raises(AuthenticationError):
        operators.authenticate(None, uow)
    operators.revoke_operator("mod", uow, actor="cli:root", now=NOW)
    with pytest.raises(AuthenticationError):
        operators.authenticate(token, uow)
    with pytest.raises(SubmissionError, match="role"):
        operator(uow, "other", "superuser")
    assert actions(uow) == ["operator.create", "operator.revoke"]


def test_a_failed_reverification_takes_publishing_away_until_it_passes(uow: UnitOfWork) -> None:
    account = register_verified(uow, WANG)
    ring = keyring()
    strict = LocalVerifier(min_age=60)  # the operator's rule changed: Wang (36) fails now
    failed = reverification.reverify_account(account.id, uow, ring, strict, now=NOW)
    assert failed.identity_status == "failed"
    with uow:
        assert accounts.publishing_rights(uow, account.id, NOW).code == "identity_failed"
    passed = reverification.reverify_account(
        account.id, uow, ring, LocalVerifier(), now=NOW + timedelta(days=1)
    )
    assert passed.identity_status == "verified"
    assert passed.identity_due_at == NOW + timedelta(days=366)
    with uow:
        assert accounts.publishing_rights(uow, account.id, NOW + timedelta(days=1)).allowed


def test_the_job_reverifies_the_accounts_due(uow: UnitOfWork) -> None:
    ring = keyring()
    wang = register_verified(uow, WANG)
    li = register_verified(uow, LI, now=NOW + timedelta(days=100))
    year = NOW + timedelta(days=366)
    with uow:
        assert accounts.publishing_rights(uow, wang.id, year).code == "identity_lapsed"
    report = reverification.reverify_due(uow, ring, LocalVerifier(), now=year)
    assert report.to_dict() == {
        "checked": 1,
        "passed": 1,
        "failed": 0,
        "unavailable": 0,
        "failed_ids": [],
    }
    with uow:
        assert accounts.publishing_rights(uow, wang.id, year).allowed
    later = NOW + timedelta(days=466)
    report = reverification.reverify_due(uow, ring, LocalVerifier(min_age=45), now=later)
    assert (report.checked, report.failed, report.failed_ids) == (1, 1, [li.id])
    assert reverification.reverify_due(uow, ring, LocalVerifier(), now=later).checked == 0
    assert audit.verify(uow).ok


def test_a_suspended_account_may_not_publish_until_reinstated(uow: UnitOfWork) -> None:
    account = register_verified(uow, WANG)
    suspended = account_admin.suspend_account(account.id, REASON, uow, actor="m", now=NOW)
    assert suspended.rights_at(NOW).code == "account_suspended"
    with pytest.raises(AccountStateError, match="not active"):
        account_admin.suspend_account(account.id, REASON, uow, actor="m", now=NOW)
    back = account_admin.suspend_account(account.id, REASON, uow, actor="m", now=NOW, suspend=False)
    assert back.status == "active"
    with uow:
        assert accounts.publishing_rights(uow, account.id, NOW).allowed
    assert actions(uow)[-2:] == ["account.suspend", "account.reinstate"]
