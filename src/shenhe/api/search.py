"""``GET /v1/search/apps``: app search behind the search gate.

The database is the one the app's settings name (``SHENHE_DATABASE_URL``), built through the
composition root on the first request that needs it (`shenhe.api.deps`, shared with the
governance routes; `create_app`'s lifespan disposes of it). The route is a plain function,
run in FastAPI's thread pool: screening the query and the database round trip never block
the event loop.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from shenhe.api import deps
from shenhe.api.schemas import ErrorOut
from shenhe.screening.screener import Screener
from shenhe.services import search
from shenhe.services.search import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_LENGTH

router = APIRouter()


class SearchHitOut(BaseModel):
    appid: str = Field(description="The app's id.")
    name: str = Field(description="The app's name as it is listed.")
    score: float = Field(
        description="Relevance, higher is better; comparable within one response only."
    )


class SearchOut(BaseModel):
    blocked: bool = Field(description="Whether the search gate refused the query.")
    reason: str | None = Field(
        description="Why it was refused: query.blocked.<category> (query.blocked.loan for "
        "贷款 and its disguises); null when not blocked."
    )
    results: list[SearchHitOut] = Field(description="The apps found, best first.")


@router.get(
    "/v1/search/apps",
    response_model=SearchOut,
    responses={
        422: {
            "model": ErrorOut,
            "description": f"q is empty, blank or longer than {MAX_QUERY_LENGTH} characters, "
            f"or limit is outside 1 to {MAX_LIMIT}.",
        }
    },
    summary="Search apps",
    tags=["search"],
)
def search_apps(
    request: Request,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_LENGTH,
            description="What to search for: words or an app's name.",
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="The most apps to return.")] = (
        DEFAULT_LIMIT
    ),
) -> dict[str, Any]:
    """Full-text search over the apps that may be found (listed, warned, and restricted apps
    whose search is not restricted). Queries the `search` surface blocks (贷款, 现金贷, 分期 and
    their disguises) find nothing and say why."""
    screener: Screener = request.app.state.screener
    uow = deps.unit_of_work(request, read_only=True)
    return search.search_apps(uow, screener, q, limit=limit).to_dict()
