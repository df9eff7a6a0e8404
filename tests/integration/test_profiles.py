"""Profiles on SQLite and PostgreSQL: screened fronts, the public profile with its badge and
IP location, an organisation using its own name, and anonymising a deleted account's content."""

from __future__ import annotations

import pytest
from account_support import ORG, keyring, register_verified
from cli_support import run_cli
from publishing_support import NOW, accept, accounts, publish
from registry_support import audit_records

from shenhe import Screener
from shenhe.adapters.db import SqlUnitOfWork
from shenhe.domain.profile import Profile
from shenhe.domain.publishing_errors import ProfileRejectedError
from shenhe.services import account_admin, posts, profiles, reports
from shenhe.services.credit import credit_standing
from shenhe.services.errors import NotFoundError
from shenhe.services.publishing_rules import PublishingRules


@pytest.fixture
def rules(default_screener: Screener) -> PublishingRules:
    return PublishingRules.default(default_screener)


def update(uow, rules, account: int, profile: Profile, address: str | None = "120.24.78.68"):
    return profiles.update_profile(
        uow, rules, keyring(), account, profile, address=address, now=NOW
    )


def test_a_profile_is_screened_and_shown_with_its_location(
    uow: SqlUnitOfWork, rules: PublishingRules
):
    (person,) = accounts(uow, 1)
    with pytest.raises(NotFoundError):
        profiles.public_profile(uow, person)
    shown = update(uow, rules, person, Profile("小王爱摄影", "周末拍拍花草"))
    assert (shown.badge, shown.ip_location.name) == (None, "广东")
    public = profiles.public_profile(uow, person).to_dict()
    assert public == {
        "account_id": person,
        "nickname": "小王爱摄影",
        "bio": "周末拍拍花草",
        "avatar_caption": "",
        "badge": None,
        "ip_location": {"scope": "province", "name": "广东"},
    }
    assert update(uow, rules, person, Profile("小王"), "8.8.8.8").ip_location.name == "美国"
    assert update(uow, rules, person, Profile("小王"), None).ip_location.scope == "unknown"

    with pytest.raises(ProfileRejectedError) as refused:
        update(uow, rules, person, Profile("新华社小王", bio="加薇信abc12345"))
    assert {(p.field, p.reason) for p in refused.value.problems} >= {
        ("nickname", "impersonation"),
        ("bio", "contact"),
    }
    assert profiles.public_profile(uow, person).nickname == "小王"  # unchanged
    assert credit_standing(uow, rules.credit, person, now=NOW)[0].score == 98
    with pytest.raises(NotFoundError):
        update(uow, rules, 999, Profile("谁"))


def test_a_verified_organisation_has_a_badge_and_may_use_its_own_name(
    uow: SqlUnitOfWork, rules: PublishingRules
):
    org = register_verified(uow, ORG).id
    (person,) = accounts(uow, 1)
    shown = update(uow, rules, org, Profile("福州某某网络科技官方", bio="官方账号"))
    assert shown.badge == "organisation"
    with pytest.raises(ProfileRejectedError):
        update(uow, rules, person, Profile("福州某某网络科技官方"))
    with pytest.raises(ProfileRejectedError):  # an organisation is not 人民日报
        update(uow, rules, org, Profile("人民日报福州"))


def test_deleting_an_account_anonymises_its_content(
    uow: SqlUnitOfWork, rules: PublishingRules
):
    author, other = accounts(uow, 2)
    publish(uow, "v1")
    accept(uow, author, other, address="1.2.3.4")
    update(uow, rules, author, Profile("小王"))
    written = posts.publish(uow, rules, posts.NewPost(author, "今天天气真好"), now=NOW)
    filed = reports.file_report(
        uow,
        target_type="post",
        target_id=str(written.id),
        reason="spam",
        note="",
        reporter=f"account:{author}",
        now=NOW,
    )
    deleted = account_admin.delete_account(
        author, uow, actor="mod:li", now=NOW, extra_steps=profiles.DELETION_STEPS
    )
    assert deleted.status == "deleted"
    kept = posts.get_post(uow, written.id, viewer=None)
    assert (kept.account_id, kept.to_dict()["author"], kept.body) == (
        None,
        "已注销用户",
        "今天天气真好",
    )
    with uow:
        assert uow.profiles.get(author) is None
        assert [a.address for a in uow.agreements.acceptances(author)] == [None]
        assert [a.address for a in uow.agreements.acceptances(other)] == ["1.2.3.4"]
    records = {r.action: r for r in audit_records(uow)}
    anonymised = records["account.anonymise"]
    assert (anonymised.payload["posts"], anonymised.payload["reports"]) == (1, 1)
    assert "anonymise_content" in records["account.delete"].payload["steps"]
    assert reports.get_report(uow, filed.report.id).case.reports == 1


def test_shenhe_accounts_delete_anonymises_too(
    uow: SqlUnitOfWork, migrated_url: str, rules: PublishingRules
):
    (author,) = accounts(uow, 1)
    publish(uow, "v1")
    accept(uow, author)
    written = posts.publish(uow, rules, posts.NewPost(author, "周末去爬山"), now=NOW)
    result = run_cli(migrated_url, "accounts", "delete", str(author), "--json")
    assert result.exit_code == 0, result.output
    assert posts.get_post(uow, written.id, viewer=None).account_id is None
