"""Clones of banned apps: the `CloneIndex` of every banned app, kept in step with storage.

The registry stores apps' content, not their prints, so the index is built from the banned
apps' stored content (`shenhe.domain.clones.ClonePrint.of`) and kept in memory between
decisions. Before each look-up it is brought in step with the transaction's view of the
registry: apps no longer banned, or banned at another version, leave it; newly banned ones
are printed and enter. So each banned version is printed once per process, and a look-up
never sees a ban that its transaction does not (nor misses one it does).

Thread-safe: the API decides in a thread pool. Keep one `BannedClones` per database.
"""

from __future__ import annotations

import threading

from shenhe.domain.apps import AppContent
from shenhe.domain.clones import CloneIndex, ClonePrint
from shenhe.domain.signals import CloneSignal
from shenhe.services.unit_of_work import UnitOfWork


class BannedClones:
    """The clone index of the banned apps of one database."""

    def __init__(self, index: CloneIndex | None = None) -> None:
        self._index = index if index is not None else CloneIndex()
        self._versions: dict[str, int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._versions)

    def signal(self, uow: UnitOfWork, appid: str, content: AppContent) -> CloneSignal | None:
        """The banned app that `content` (of app `appid`) copies most closely, if any."""
        banned = uow.apps.banned_versions()
        with self._lock:
            missing = [key for key, version in banned.items() if self._versions.get(key) != version]
        prints = {
            key: (version, _print(stored))
            for key, (version, stored) in uow.apps.contents(missing).items()
        }
        wanted = _print(content)
        with self._lock:
            for key in [key for key in self._versions if key not in banned]:
                self._index.remove(key)
                del self._versions[key]
            for key, (version, print_) in prints.items():
                if banned.get(key) == version:
                    self._index.insert(key, print_)
                    self._versions[key] = version
            matches = self._index.matches(wanted, exclude=appid)
        if not matches:
            return None
        best = matches[0]
        return CloneSignal(best.key, round(min(max(best.score, 0.0), 1.0), 4))


def _print(content: AppContent) -> ClonePrint:
    return ClonePrint.of(content.name, content.description, content.pages)
