"""The front of an account (前台自愿): the name, bio and avatar caption its owner chooses.

The 2022 account-information rules (互联网用户账号信息管理规定) ask that these carry no
contact details or links, no disguised ones, and no impersonation of official bodies or
media. `review_profile` screens each field on its surface (the name and the avatar caption
on ``nickname``, the bio on ``bio``) and refuses the whole profile when any field

- holds a contact detail or a link (``contact``: phone, WeChat, QQ, URL, e-mail, Telegram,
  however disguised),
- screens as anything but ``pass`` on its surface (``screened``: the categories, with each
  lexicon hit),
- names an official body the account is not verified as (``impersonation``).

Every problem names its field and the span of the offending text, so a client can mark it.
Pure: the screener and the official-bodies list are arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from shenhe.domain.impersonation import OfficialBodies
from shenhe.domain.publishing_errors import Problem, ProfileRejectedError
from shenhe.screening.screener import Screener

NICKNAME_MAX = 30
BIO_MAX = 300
CAPTION_MAX = 60
SURFACES = {"nickname": "nickname", "bio": "bio", "avatar_caption": "nickname"}
"""The screening surface of each field."""


@dataclass(frozen=True, slots=True)
class Profile:
    """What the account shows in front. Empty strings are fields left blank."""

    nickname: str
    bio: str = ""
    avatar_caption: str = ""

    def fields(self) -> dict[str, str]:
        return {"nickname": self.nickname, "bio": self.bio, "avatar_caption": self.avatar_caption}

    def to_dict(self) -> dict[str, Any]:
        return self.fields()


def normalised(profile: Profile) -> Profile:
    """`profile` with its fields stripped; a blank or overlong field is a `ProfileRejectedError`."""
    clean = replace(
        profile,
        nickname=profile.nickname.strip(),
        bio=profile.bio.strip(),
        avatar_caption=profile.avatar_caption.strip(),
    )
    problems = []
    if not clean.nickname:
        problems.append(Problem("nickname", "empty", "choose a name of 1 to 30 characters"))
    for field, limit in (
        ("nickname", NICKNAME_MAX),
        ("bio", BIO_MAX),
        ("avatar_caption", CAPTION_MAX),
    ):
        value = clean.fields()[field]
        if len(value) > limit:
            problems.append(
                Problem(field, "too_long", f"{len(value)} characters; at most {limit} are allowed")
            )
        if any(ch in value for ch in "\x00\r") or (field != "bio" and "\n" in value):
            problems.append(
                Problem(field, "control", "remove the line breaks and control characters")
            )
    if problems:
        raise ProfileRejectedError("the profile was refused", problems)
    return clean


def profile_problems(
    profile: Profile,
    screener: Screener,
    bodies: OfficialBodies,
    *,
    verified_as: str | None = None,
) -> list[Problem]:
    """Every rule the profile breaks, field by field (empty when it may be shown)."""
    problems: list[Problem] = []
    for field, value in profile.fields().items():
        if value:
            problems.extend(field_problems(field, value, screener, bodies, verified_as=verified_as))
    return problems


def field_problems(
    field: str,
    value: str,
    screener: Screener,
    bodies: OfficialBodies,
    *,
    verified_as: str | None = None,
) -> list[Problem]:
    """The rules one front field breaks."""
    problems: list[Problem] = []
    verdict = screener.screen(value, surface=SURFACES[field])
    for contact in verdict.contacts:
        kind = "link" if contact.kind == "url" else f"{contact.kind} contact"
        message = f"remove the {kind} {contact.text!r}: contact details and links are not allowed"
        problems.append(Problem.at(field, "contact", message, contact))
    if verdict.suggestion != "pass" and verdict.hits:
        categories = ", ".join(sorted(verdict.categories))
        for hit in verdict.hits:
            message = f"{hit.text!r} reads as {hit.category} ({categories}); choose other words"
            problems.append(Problem.at(field, "screened", message, hit))
    for found in bodies.find(value, verified_as=verified_as):
        message = (
            f"{found.text!r} names {found.body_name}; only an account verified as that "
            "body may use it"
        )
        problems.append(Problem.at(field, "impersonation", message, found))
    return problems


def review_profile(
    profile: Profile,
    screener: Screener,
    bodies: OfficialBodies,
    *,
    verified_as: str | None = None,
) -> Profile:
    """The profile, normalised, when it may be shown; else `ProfileRejectedError`."""
    clean = normalised(profile)
    problems = profile_problems(clean, screener, bodies, verified_as=verified_as)
    if problems:
        raise ProfileRejectedError("the profile was refused", problems)
    return clean
