"""Calls made at the same moment, for the tests of races: each in its own thread, the threads
released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def at_once(n: int, fn: Callable[[int], T]) -> list[T]:
    """`fn(0)` to `fn(n - 1)`, each in its own thread, all started together; their results in
    that order. An exception raised by a call is raised here."""
    barrier = threading.Barrier(n)
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def call(number: int) -> None:
        barrier.wait()
        try:
            results[number] = fn(number)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=call, args=(number,)) for number in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a call did not finish in 60 s"
    if errors:
        raise errors[0]
    return [results[number] for number in range(n)]
