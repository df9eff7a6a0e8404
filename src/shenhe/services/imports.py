"""Importing an app with its principal and qualifications, as one line of an import file is.

`import_app` registers the principal (or finds them: the same credit code or identity number
is the same principal, blacklisted or not), attaches the qualifications, and submits the app
— or, when the appid is in the registry already, decides it as a change to that app, which
must then belong to the same principal. All of it is one transaction: a line that fails
anywhere leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shenhe.domain.pii import Keyring
from shenhe.domain.qualifications import Qualification
from shenhe.services.apps import ChangeApp, Decided, SubmitApp, change, submit
from shenhe.services.principals import RegisterPrincipal, attach_qualification, find_or_register
from shenhe.services.rules import Rules
from shenhe.services.unit_of_work import UnitOfWork

IMPORT_ACTOR = "import"
"""The actor recorded for what an import registers and submits."""


@dataclass(frozen=True, slots=True)
class ImportApp:
    """One app of an import: its content, its principal and the qualifications they hold."""

    appid: str
    name: str
    category: str
    principal: RegisterPrincipal
    description: str = ""
    pages: Sequence[str] = ()
    qualifications: Sequence[Qualification] = ()
    actor: str = IMPORT_ACTOR


def import_app(
    command: ImportApp, uow: UnitOfWork, rules: Rules, keyring: Keyring, *, now: datetime
) -> Decided:
    """Register, qualify and submit (or change) one app, in one transaction."""
    with uow:
        principal = find_or_register(uow, command.principal, keyring, now=now).principal
        for qualification in command.qualifications:
            attach_qualification(
                uow, principal.id, qualification, rules.catalogue, actor=command.actor, now=now
            )
        if uow.apps.get(command.appid, for_update=True) is None:
            result = submit(
                uow,
                SubmitApp(
                    appid=command.appid,
                    principal_id=principal.id,
                    name=command.name,
                    category=command.category,
                    description=command.description,
                    pages=tuple(command.pages),
                    actor=command.actor,
                ),
                rules,
                now=now,
            )
        else:
            result = change(
                uow,
                ChangeApp(
                    appid=command.appid,
                    name=command.name,
                    description=command.description,
                    category=command.category,
                    pages=tuple(command.pages),
                    actor=command.actor,
                    principal_id=principal.id,
                ),
                rules,
                now=now,
            )
        uow.commit()
    return result
