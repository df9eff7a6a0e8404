"""The search index repository: SQLite FTS5 or PostgreSQL full text, one interface.

Both databases store the tokens `shenhe.domain.search.SearchDocument` carries, already folded
and cut (`shenhe.text.tokens`), and match them as they are:

- **SQLite**: the FTS5 table ``search_index(name_tokens, body_tokens)``, its rowid the app's
  id, tokenizer ``ascii`` (which splits only at ASCII spaces and punctuation, so each stored
  token is one term), ``detail=column``. A query is quoted terms, ``"a" "b"`` (all) or
  ``"a" OR "b"`` (any); the score is ``-bm25`` with the name weighted `NAME_WEIGHT` to the
  body's `BODY_WEIGHT`.
- **PostgreSQL**: the table ``search_index(app_id, document tsvector)`` with a GIN index. The
  document is a tsvector literal, the name's tokens at weight A, the body's at weight B, with
  positions: what the ``simple`` configuration would keep (no stemming, no stop words), but
  written lexeme by lexeme, because ``to_tsvector`` would cut hanzi again by the database's
  locale. A query is a tsquery literal, ``'a' & 'b'`` or ``'a' | 'b'``, always passed as a
  bound parameter; the score is ``ts_rank_cd`` with the weights of `PG_WEIGHTS`.

Every search joins ``apps`` and checks, at query time, the status and the search restrictions
in force, so a row the index should no longer hold (a missed refresh) never shows a banned
app. Scores are comparable within one search only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    column,
    delete,
    exists,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause, TextClause
from sqlalchemy.sql.expression import TableClause

from shenhe.adapters.db.chunks import chunks
from shenhe.adapters.db.schema import AppRow, EnforcementActionRow
from shenhe.adapters.db.types import UTCDateTime
from shenhe.domain.search import SEARCH_FEATURE, SearchCandidate, SearchDocument, SearchHit

INDEX_TABLE = "search_index"
NAME_WEIGHT, BODY_WEIGHT = 5.0, 1.0
"""bm25 column weights on SQLite: a token in the name counts five times one in the body."""
PG_WEIGHTS = "{0, 0, 0.2, 1}"
"""ts_rank_cd's weights for D, C, B (body) and A (name) on PostgreSQL: the same 1 to 5."""
MAX_POSITION = 16383
"""The largest position a PostgreSQL tsvector holds."""
_sqlite_index = table(INDEX_TABLE, column("rowid"), column("name_tokens"), column("body_tokens"))
_pg_index = table(INDEX_TABLE, column("app_id"), column("document"))


def is_index_table(name: str) -> bool:
    """Whether `name` belongs to the search index (FTS5 adds ``search_index_data`` and other
    shadow tables): derived data that migrations build but the models do not describe."""
    return name == INDEX_TABLE or name.startswith(f"{INDEX_TABLE}_")


def include_name(name: str | None, type_: str, _parent_names: Any = None) -> bool:
    """Alembic's ``include_name`` hook: compare everything but the search index's tables."""
    return not (type_ == "table" and name is not None and is_index_table(name))


class SqlSearchIndex:
    """`SearchIndexRepository` on a session; statements run inside its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _sqlite(self) -> bool:
        return self._session.get_bind().dialect.name == "sqlite"

    @property
    def _index(self) -> tuple[TableClause, ColumnClause[Any]]:
        """The index table of this backend, and its column holding the app's id."""
        if self._sqlite:
            return _sqlite_index, _sqlite_index.c.rowid
        return _pg_index, _pg_index.c.app_id

    # --- the apps the index is built from ------------------------------------------------

    def candidates(self, appids: Collection[str], *, now: datetime) -> list[SearchCandidate]:
        found: list[SearchCandidate] = []
        for chunk in chunks(sorted(set(appids))):
            found.extend(self._candidates(now, AppRow.appid.in_(chunk)))
        return found

    def candidates_after(self, after: int, *, limit: int, now: datetime) -> list[SearchCandidate]:
        return self._candidates(now, AppRow.id > after, limit=limit)

    def _candidates(
        self, now: datetime, criterion: ColumnElement[bool], *, limit: int | None = None
    ) -> list[SearchCandidate]:
        statement = (
            select(
                AppRow.id,
                AppRow.appid,
                AppRow.name,
                AppRow.description,
                AppRow.pages,
                AppRow.status,
                self._search_restricted(now).label("search_restricted"),
            )
            .where(criterion)
            .order_by(AppRow.id)
            .limit(limit)
        )
        return [_candidate(*row) for row in self._session.execute(statement)]

    def _search_restricted(self, now: datetime) -> ColumnElement[bool]:
        """Whether an action in force at `now` takes the app's search feature away."""
        action = EnforcementActionRow
        if self._sqlite:
            feature = text(
                "EXISTS (SELECT 1 FROM json_each(enforcement_actions.features)"
                " WHERE json_each.value = :search_feature)"
            ).bindparams(search_feature=SEARCH_FEATURE)
        else:
            feature = text(
                "enforcement_actions.features @> CAST(:search_features AS jsonb)"
            ).bindparams(search_features=f'["{SEARCH_FEATURE}"]')
        moment = bindparam("restricted_at", now, type_=UTCDateTime())
        return exists().where(
            action.app_id == AppRow.id,
            action.lifted_at.is_(None),
            action.expires_at.is_(None) | (action.expires_at > moment),
            feature,
        )

    # --- the index -----------------------------------------------------------------------

    def put(self, documents: Iterable[SearchDocument]) -> None:
        for chunk in chunks(list(documents)):
            if self._sqlite:  # FTS5 has no upsert: out with the old rows, in with the new
                self.remove(document.app_id for document in chunk)
                self._session.execute(
                    text(
                        f"INSERT INTO {INDEX_TABLE} (rowid, name_tokens, body_tokens)"
                        " VALUES (:id, :name, :body)"
                    ),
                    [
                        {
                            "id": doc.app_id,
                            "name": " ".join(doc.name_tokens),
                            "body": " ".join(doc.body_tokens),
                        }
                        for doc in chunk
                    ],
                )
            else:
                self._session.execute(
                    text(
                        f"INSERT INTO {INDEX_TABLE} (app_id, document)"
                        " VALUES (:id, CAST(:document AS tsvector))"
                        " ON CONFLICT (app_id) DO UPDATE SET document = excluded.document"
                    ),
                    [{"id": doc.app_id, "document": tsvector_literal(doc)} for doc in chunk],
                )

    def remove(self, app_ids: Iterable[int]) -> None:
        index, key = self._index
        for chunk in chunks(list(app_ids)):
            self._session.execute(delete(index).where(key.in_(chunk)))

    def remove_range(self, after: int, through: int | None = None) -> None:
        index, key = self._index
        statement = delete(index).where(key > after)
        if through is not None:
            statement = statement.where(key <= through)
        self._session.execute(statement)

    def count(self) -> int:
        index, _ = self._index
        return int(self._session.execute(select(func.count()).select_from(index)).scalar_one())

    # --- searching -----------------------------------------------------------------------

    def search(
        self,
        tokens: Sequence[str],
        *,
        match_all: bool,
        statuses: Collection[str],
        limit: int,
        now: datetime,
    ) -> list[SearchHit]:
        if not tokens or limit <= 0 or not statuses:
            return []
        if self._sqlite:
            score: ColumnElement[float] = literal_column(
                f"-bm25({INDEX_TABLE}, {NAME_WEIGHT}, {BODY_WEIGHT})"
            )
            matched: ColumnElement[bool] | TextClause = text(
                f"{INDEX_TABLE} MATCH :match"
            ).bindparams(match=fts5_query(tokens, match_all=match_all))
            joined = _sqlite_index.join(AppRow, AppRow.id == _sqlite_index.c.rowid)
        else:
            query = text("CAST(:tsquery AS tsquery)").bindparams(
                tsquery=tsquery_literal(tokens, match_all=match_all)
            )
            document = _pg_index.c.document
            score = func.ts_rank_cd(literal_column(f"'{PG_WEIGHTS}'::float4[]"), document, query)
            matched = document.op("@@")(query)
            joined = _pg_index.join(AppRow, AppRow.id == _pg_index.c.app_id)
        statement = (
            select(AppRow.appid, AppRow.name, score.label("score"))
            .select_from(joined)
            .where(
                matched,
                AppRow.status.in_(sorted(str(status) for status in statuses)),
                ~self._search_restricted(now),
            )
            .order_by(literal_column("score").desc(), AppRow.id)
            .limit(limit)
        )
        return [
            SearchHit(appid, name, float(f"{float(score):.6g}"))
            for appid, name, score in self._session.execute(statement)
        ]


def fts5_query(tokens: Sequence[str], *, match_all: bool) -> str:
    """An FTS5 query for `tokens`, each a quoted string (no token reads as an operator)."""
    quoted = ('"' + token.replace('"', '""') + '"' for token in tokens)
    return (" " if match_all else " OR ").join(quoted)


def tsquery_literal(tokens: Sequence[str], *, match_all: bool) -> str:
    """A tsquery literal for `tokens`, each a quoted lexeme, joined by ``&`` or ``|``."""
    return (" & " if match_all else " | ").join(_lexeme(token) for token in tokens)


def tsvector_literal(document: SearchDocument) -> str:
    """The tsvector literal of `document`: name tokens at weight A, then body tokens at B."""
    parts: list[str] = []
    position = 0
    for tokens, weight in ((document.name_tokens, "A"), (document.body_tokens, "B")):
        for token in tokens:
            position = min(position + 1, MAX_POSITION)
            parts.append(f"{_lexeme(token)}:{position}{weight}")
    return " ".join(parts)


def _lexeme(token: str) -> str:
    escaped = token.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'"


def _candidate(
    id: int,
    appid: str,
    name: str,
    description: str | None,
    pages: list[str] | None,
    status: str,
    search_restricted: bool,
) -> SearchCandidate:
    return SearchCandidate(
        id, appid, name, description or "", tuple(pages or ()), status, bool(search_restricted)
    )

