"""One line of an app import file, parsed and checked: JSON text → `ImportApp`.

The format (stable: imports and integrations rely on it)::

    {"appid": "wx1a2b3c4d5e6f7a8b", "name": "记账小助手", "description": "...",
     "category": "tools", "pages": ["首页 ...", "..."],
     "principal": {"kind": "enterprise", "name": "...", "uscc": "91350100M000100Y43"},
     "qualifications": [{"type": "icp_licence", "number": "粤B2-20190001",
                         "valid_until": "2027-12-31", "verified": true}]}

``principal`` is ``{"kind": "enterprise", "name", "uscc"}`` or ``{"kind": "individual",
"name", "id_number"}``. ``description``, ``pages`` and ``qualifications`` may be left out. A
qualification takes ``type`` and ``number``, and optionally ``issuer``, ``valid_from``,
``valid_until`` (``YYYY-MM-DD``) and ``verified``. Other fields are ignored.

``verified`` defaults to false — a licence the platform has not checked sends the apps that
need it to review — unless the import is run with ``--qualifications-verified``, which makes
it default to true for a platform importing from its own checked records. A line that says
``"verified"`` is taken at its word either way.

Errors name the field (``principal.uscc``, ``qualifications.0.valid_until``) and never repeat
the value: an identity number must not reach a terminal or a log.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shenhe.domain.qualifications import Qualification
from shenhe.errors import InputError
from shenhe.services.imports import IMPORT_ACTOR, ImportApp
from shenhe.services.principals import RegisterPrincipal


class _Line(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=False)


class PrincipalLine(_Line):
    kind: Literal["enterprise", "individual"]
    name: str
    uscc: str | None = None
    id_number: str | None = Field(default=None, repr=False)


class QualificationLine(_Line):
    type: str
    number: str
    issuer: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    verified: bool | None = None


class AppLine(_Line):
    appid: str
    name: str
    category: str
    description: str = ""
    pages: list[str] = Field(default_factory=list)
    principal: PrincipalLine
    qualifications: list[QualificationLine] = Field(default_factory=list)


def parse_line(text: str, *, verified_default: bool = False) -> ImportApp:
    """The import command of one line, or `InputError` saying what is wrong with it."""
    try:
        data: Any = json.loads(text)
    except ValueError as exc:
        raise InputError(f"is not valid JSON ({exc.__class__.__name__}: {_where(exc)})") from None
    if not isinstance(data, dict):
        raise InputError("must be a JSON object, one app a line")
    try:
        line = AppLine.model_validate(data)
    except ValidationError as exc:
        raise InputError(_explain(exc)) from None
    principal = line.principal
    return ImportApp(
        appid=line.appid,
        name=line.name,
        category=line.category,
        description=line.description,
        pages=tuple(line.pages),
        principal=RegisterPrincipal(
            principal.kind,
            principal.name,
            uscc=principal.uscc,
            id_number=principal.id_number,
            actor=IMPORT_ACTOR,
        ),
        qualifications=tuple(
            Qualification(
                type=held.type,
                number=held.number,
                issuer=held.issuer,
                valid_from=held.valid_from,
                valid_until=held.valid_until,
                verified=verified_default if held.verified is None else held.verified,
            )
            for held in line.qualifications
        ),
    )


def _explain(exc: ValidationError) -> str:
    """Each field at fault and why, without the value (it may be an identity number)."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "line"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def _where(exc: ValueError) -> str:
    position = getattr(exc, "pos", None)
    message = getattr(exc, "msg", "malformed")
    return f"{message} at character {position}" if position is not None else str(message)
