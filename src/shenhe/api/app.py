"""The FastAPI application factory. Importing this builds nothing; `create_app` does the work.

Three ways to get the app:

    app = create_app()                                  # settings from SHENHE_*, screener built
    app = create_app(screener=my_screener)              # tests, embedding
    uvicorn shenhe.api.app:create_app --factory         # any ASGI server
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shenhe import __version__
from shenhe.api import errors
from shenhe.api.account_admin import router as account_admin_router
from shenhe.api.accounts import router as accounts_router
from shenhe.api.agreements import router as agreements_router
from shenhe.api.governance import router as governance_router
from shenhe.api.limits import BodyLimitMiddleware
from shenhe.api.posts import router as posts_router
from shenhe.api.profiles import router as profiles_router
from shenhe.api.reports import router as reports_router
from shenhe.api.routes import router
from shenhe.api.search import router as search_router
from shenhe.api.sweeps import SweepJobs
from shenhe.api.sweeps import router as sweeps_router
from shenhe.bootstrap import build_screener
from shenhe.config import Settings
from shenhe.screening.screener import Screener

DESCRIPTION = """\
Screen user texts (posts, comments, nicknames, mini-app names and pages, searches) for
loan, gambling, porn, counterfeit, fraud and diversion content, however disguised.

Every error has the shape `{"detail": "...", "errors": [{"loc", "msg", "type"}]}`.
"""


def create_app(screener: Screener | None = None, settings: Settings | None = None) -> FastAPI:
    """The HTTP API around `screener` (built from `settings` through the composition root)."""
    settings = settings if settings is not None else Settings.from_env()
    if screener is None:
        screener = build_screener(settings)
    app = FastAPI(
        title="Shenhe (审核)",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.screener = screener
    app.state.settings = settings
    app.state.sweep_jobs = SweepJobs()
    errors.install(app)
    app.include_router(router)
    app.include_router(search_router)
    app.include_router(governance_router)
    app.include_router(sweeps_router)
    app.include_router(agreements_router)
    app.include_router(reports_router)
    app.include_router(posts_router)
    app.include_router(profiles_router)
    app.include_router(accounts_router)
    app.include_router(account_admin_router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown, close the database the routes opened (``app.state.database``), if any."""
    yield
    database = getattr(app.state, "database", None)
    if database is not None:
        database.dispose()
