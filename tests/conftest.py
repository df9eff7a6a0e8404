"""Fixtures shared by every test layer. Keep this small: one expensive object, built once."""

from __future__ import annotations

import pytest

from shenhe import Screener


@pytest.fixture(scope="session")
def default_screener() -> Screener:
    """The built-in lexicon and policy, compiled once for the whole run. Do not mutate it."""
    return Screener.default()
