"""Long id lists cut into chunks, so an ``IN (...)`` or a batch of rows stays well under every
backend's limit on bound parameters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

CHUNK = 500
"""Items per statement when reading, writing or deleting many rows."""

_T = TypeVar("_T")


def chunks(items: Iterable[_T]) -> Iterator[list[_T]]:
    """`items` in order, `CHUNK` at a time (the last chunk may be shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk
