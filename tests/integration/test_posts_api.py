"""Posting, profiles and credit over HTTP (a real uvicorn server on loopback), on SQLite and
PostgreSQL: every status a client meets, and held content kept from others."""

from __future__ import annotations

from publishing_support import accounts, api, operator_headers, publish

from shenhe import Screener
from shenhe.adapters.db import SqlUnitOfWork


def as_(account: int, address: str = "120.24.78.68") -> dict[str, str]:
    return {"X-Account-Id": str(account), "X-Real-IP": address}


def test_posting_over_http(uow: SqlUnitOfWork, migrated_url: str, default_screener: Screener):
    author, reader = accounts(uow, 2)
    moderator = operator_headers(uow)
    with api(migrated_url, default_screener) as client:
        anonymous = client.post("/v1/posts", json={"body": "你好"})
        assert (
            anonymous.status_code == 403 and anonymous.json()["errors"][0]["type"] == "no_account"
        )
        no_agreement = client.post("/v1/posts", json={"body": "你好"}, headers=as_(author))
        assert no_agreement.status_code == 403
        assert no_agreement.json()["errors"][0]["type"] == "no_agreement"
        publish(uow, "v1")
        not_accepted = client.post("/v1/posts", json={"body": "你好"}, headers=as_(author))
        assert not_accepted.json()["errors"][0]["type"] == "agreement_not_accepted"
        for account in (author, reader):
            accepted = client.post("/v1/agreements/v1/acceptances", headers=as_(account))
            assert accepted.status_code == 201

        shown = client.post("/v1/posts", json={"body": "今天天气真好"}, headers=as_(author))
        assert shown.status_code == 201 and shown.json()["status"] == "published"
        text = "无抵押小额贷款，加薇信abc12345"
        refused = client.post("/v1/posts", json={"body": text}, headers=as_(author))
        assert refused.status_code == 422
        problems = refused.json()["errors"]
        assert {"screened.loan", "contact.wechat"} <= {p["type"] for p in problems}
        for problem in problems:
            ctx = problem["ctx"]
            assert text[ctx["start"] : ctx["end"]] == ctx["text"]
        held = client.post("/v1/posts", json={"body": "征信不好也能下款"}, headers=as_(author))
        assert held.status_code == 201 and held.json()["status"] == "held"
        held_id = held.json()["id"]

        assert client.get(f"/v1/posts/{held_id}").status_code == 404
        assert client.get(f"/v1/posts/{held_id}", headers=as_(reader)).status_code == 404
        assert client.get(f"/v1/posts/{held_id}", headers=as_(author)).status_code == 200
        public = [p["id"] for p in client.get("/v1/posts").json()["posts"]]
        assert public == [shown.json()["id"]]
        assert client.get("/v1/moderation/posts").status_code == 401
        queue = client.get("/v1/moderation/posts", headers=moderator).json()["posts"]
        assert [p["id"] for p in queue] == [held_id]
        decided = client.post(
            f"/v1/moderation/posts/{held_id}/decision",
            json={"outcome": "remove"},
            headers=moderator,
        )
        assert decided.status_code == 200 and decided.json()["status"] == "removed"
        again = client.post(
            f"/v1/moderation/posts/{held_id}/decision",
            json={"outcome": "publish"},
            headers=moderator,
        )
        assert again.status_code == 409

        post_id = shown.json()["id"]
        comment = client.post(
            f"/v1/posts/{post_id}/comments", json={"body": "真不错"}, headers=as_(reader)
        )
        assert comment.status_code == 201 and comment.json()["parent_id"] == post_id
        comments = client.get(f"/v1/posts/{post_id}/comments").json()["posts"]
        assert [c["body"] for c in comments] == ["真不错"]
        assert (
            client.post(
                "/v1/posts/999/comments", json={"body": "?"}, headers=as_(reader)
            ).status_code
            == 404
        )
        empty = client.post("/v1/posts", json={"body": "   "}, headers=as_(reader))
        assert empty.status_code == 422 and empty.json()["errors"][0]["loc"] == ["body", "body"]

        credit = client.get(f"/v1/accounts/{author}/credit", headers=as_(author)).json()
        assert (credit["score"], credit["tier"]) == (70, "fair")  # -10 blocked, -20 removed
        assert [v["kind"] for v in credit["violations"]] == ["post_blocked", "content_removed"]
        assert client.get(f"/v1/accounts/{author}/credit", headers=as_(reader)).status_code == 403

        deleted = client.delete(f"/v1/accounts/{author}", headers=moderator)
        assert deleted.status_code == 200, deleted.text
        kept = client.get(f"/v1/posts/{post_id}").json()
        assert (kept["account_id"], kept["author"], kept["body"]) == (
            None,
            "已注销用户",
            "今天天气真好",
        )


def test_profiles_over_http(uow: SqlUnitOfWork, migrated_url: str, default_screener: Screener):
    person, other = accounts(uow, 2)
    with api(migrated_url, default_screener) as client:
        body = {"nickname": "小王爱摄影", "bio": "周末拍拍花草", "avatar_caption": "我的猫"}
        put = client.put(f"/v1/accounts/{person}/profile", json=body, headers=as_(person))
        assert put.status_code == 200, put.text
        shown = client.get(f"/v1/accounts/{person}/profile").json()
        assert shown["nickname"] == "小王爱摄影" and shown["badge"] is None
        assert shown["ip_location"] == {"scope": "province", "name": "广东"}
        assert "203." not in str(shown) and "120.24" not in str(shown)

        bad = {"nickname": "人民日报小王", "bio": "主页 www点abc点com"}
        refused = client.put(f"/v1/accounts/{person}/profile", json=bad, headers=as_(person))
        assert refused.status_code == 422
        found = {(e["loc"][1], e["type"], e["ctx"]["text"]) for e in refused.json()["errors"]}
        assert ("nickname", "impersonation", "人民日报") in found
        assert ("bio", "contact", "www点abc点com") in found

        abroad = client.put(
            f"/v1/accounts/{person}/profile", json=body, headers=as_(person, "8.8.8.8")
        )
        assert abroad.json()["ip_location"]["name"] == "美国"
        someone_else = client.put(f"/v1/accounts/{person}/profile", json=body, headers=as_(other))
        assert someone_else.status_code == 403
        assert client.get(f"/v1/accounts/{other}/profile").status_code == 404
        assert client.get("/v1/accounts/999/profile").status_code == 404
