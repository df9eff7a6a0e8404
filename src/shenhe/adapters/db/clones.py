"""The clone prints of banned apps over SQLAlchemy: ``clone_prints`` and ``clone_bands``.

Written by the app repository (`shenhe.adapters.db.apps.SqlApps`) whenever it stores an app's
status or content: a banned app has the print of its current version, any other app none. So
the table always holds exactly the banned apps, in the transaction's view, whichever use case
banned or un-banned them. Read here: the candidates for one print, by band key and by name,
best first and bounded (`CANDIDATES`), and every print (to build an index in memory for a
sweep).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, insert, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from shenhe.adapters.db.schema import AppRow, CloneBandRow, ClonePrintRow
from shenhe.domain.clones import MIN_NAME_LENGTH, ClonePrint

CANDIDATES = 64
"""Most prints one look-up reads: those sharing the most bands (the most alike by content),
and those of the same name. Bounds a look-up when many banned apps share one template."""
STREAM_BATCH = 1000
_PRINTS = cast(Table, ClonePrintRow.__table__)
_BANDS = cast(Table, CloneBandRow.__table__)


def insert_print(
    executor: Session | Connection, app_id: int, version: int, print_: ClonePrint
) -> None:
    """Store `print_` as the print of app `app_id` at `version` (none must be stored): Core
    statements on the connection (the ORM's bulk path costs more than the print)."""
    if isinstance(executor, Session):
        executor = executor.connection()
    executor.execute(
        insert(_PRINTS),
        [
            {
                "app_id": app_id,
                "version": version,
                "name": print_.name,
                "sound": print_.sound,
                "print": print_.to_bytes(),
            }
        ],
    )
    keys = print_.band_keys
    if keys:
        executor.execute(
            insert(_BANDS),
            [{"app_id": app_id, "band": band, "key": key} for band, key in enumerate(keys)],
        )


class SqlClonePrints:
    """`ClonePrintRepository` on a session; statements run inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, app_id: int, version: int, print_: ClonePrint) -> None:
        """Make `print_` the print of app `app_id` (replacing any)."""
        self.remove(app_id)
        insert_print(self._session, app_id, version, print_)

    def remove(self, app_id: int) -> None:
        """Forget app `app_id`'s print (nothing happens when it has none)."""
        self._session.execute(delete(CloneBandRow).where(CloneBandRow.app_id == app_id))
        self._session.execute(delete(ClonePrintRow).where(ClonePrintRow.app_id == app_id))

    def candidates(self, print_: ClonePrint) -> dict[str, ClonePrint]:
        """appid → print of the banned apps that may be `print_`'s originals: sharing a band
        (those sharing the most first, at most `CANDIDATES`) or its name or its sound."""
        ids: list[int] = []
        keys = list(print_.band_keys)
        if keys:
            shared = func.count().label("shared")
            ids += self._session.execute(
                select(CloneBandRow.app_id)
                .where(CloneBandRow.key.in_(keys))
                .group_by(CloneBandRow.app_id)
                .order_by(shared.desc(), CloneBandRow.app_id)
                .limit(CANDIDATES)
            ).scalars()
        if len(print_.name) >= MIN_NAME_LENGTH:
            ids += self._session.execute(
                select(ClonePrintRow.app_id)
                .where(or_(ClonePrintRow.name == print_.name, ClonePrintRow.sound == print_.sound))
                .order_by(ClonePrintRow.app_id)
                .limit(CANDIDATES)
            ).scalars()
        return self._read(ClonePrintRow.app_id, list(dict.fromkeys(ids)))

    def stream(self) -> Iterator[tuple[str, ClonePrint]]:
        """(appid, print) of every banned app, in app id order, read in batches."""
        rows = self._session.execute(
            _select().order_by(ClonePrintRow.app_id).execution_options(yield_per=STREAM_BATCH)
        )
        for appid, data in rows:
            yield appid, ClonePrint.from_bytes(data)

    def of_apps(self, appids: Sequence[str]) -> dict[str, ClonePrint]:
        """appid → print of those of `appids` that have one (are banned)."""
        return self._read(AppRow.appid, list(appids))

    def count(self) -> int:
        return int(
            self._session.execute(select(func.count()).select_from(ClonePrintRow)).scalar_one()
        )

    def _read(self, column: InstrumentedAttribute[Any], values: list[Any]) -> dict[str, ClonePrint]:
        """appid → print of the banned apps whose `column` is one of `values`."""
        if not values:
            return {}
        rows = self._session.execute(_select().where(column.in_(values)))
        return {appid: ClonePrint.from_bytes(data) for appid, data in rows}


def _select() -> Any:
    return select(AppRow.appid, ClonePrintRow.print).join(AppRow, AppRow.id == ClonePrintRow.app_id)
