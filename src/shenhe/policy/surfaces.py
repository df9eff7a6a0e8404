"""The places a text can appear. One engine serves them all; the policy sets how strict each is."""

from __future__ import annotations

from shenhe.errors import InputError

SURFACES: tuple[str, ...] = (
    "app_name",
    "app_description",
    "app_page",
    "post",
    "comment",
    "nickname",
    "bio",
    "search",
)
ALIASES: dict[str, str] = {
    "search_query": "search",
    "query": "search",
    "name": "nickname",
    "display_name": "nickname",
}
DEFAULT_SURFACE = "post"


def canonical_surface(name: str) -> str:
    """The surface `name` refers to; an unknown one is an `InputError` listing the known ones."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in SURFACES:
        raise InputError(f"unknown surface {name!r}; use one of: {', '.join(SURFACES)}")
    return key
