"""The HTTP API (FastAPI). `create_app` builds it; ``shenhe serve`` runs it under uvicorn."""

from shenhe.api.app import create_app

__all__ = ["create_app"]
