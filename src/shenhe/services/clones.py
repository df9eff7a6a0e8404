"""Clones of banned apps: the look-up of one submission, and the clone index of a sweep.

Storage keeps the clone print of every banned app (the app repository writes it in the
transaction that bans the app and deletes it in the one that lifts the ban), with its LSH band
keys indexed. So:

- `BannedClones.signal` prints the content under review and asks storage for the candidates
  that share a band or the name with it (a bounded, indexed look-up, whatever the number of
  banned apps), then compares them (`shenhe.domain.clones.CloneIndex`). It sees exactly the
  bans of its transaction, and holds no state: one serves every database and thread.
- `SweepClones` is a sweep's own index: every banned app's stored print, read once when the
  sweep starts (no print is recomputed), then kept in step with the bans the sweep itself
  makes (`note`). `suspects` checks a whole batch of apps whose content passed the screener
  with one fold, one numpy MinHash pass and one ``isin`` over the band keys, and compares only
  the few rows that share a band or a name with a banned app. A ban made meanwhile by
  another process is seen by the review of any app the sweep re-decides (it asks storage),
  and by the next sweep for the apps whose text passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from shenhe.domain.apps import AppContent
from shenhe.domain.clones import CloneIndex, ClonePrint, signatures
from shenhe.domain.lookalike import folder
from shenhe.domain.signals import CloneSignal
from shenhe.domain.sweeps import SweptApp
from shenhe.services.unit_of_work import UnitOfWork


class BannedClones:
    """Finds the banned app a submission copies, through the prints storage keeps."""

    def signal(self, uow: UnitOfWork, appid: str, content: AppContent) -> CloneSignal | None:
        """The banned app that `content` (of app `appid`) copies most closely, if any."""
        wanted = ClonePrint.of(content.name, content.description, content.pages)
        index = CloneIndex()
        for key, print_ in uow.clones.candidates(wanted).items():
            index.insert(key, print_)
        return best(index, wanted, exclude=appid)


def best(index: CloneIndex, wanted: ClonePrint, *, exclude: str) -> CloneSignal | None:
    """The best match of `wanted` in `index` (leaving out `exclude`) as a review signal."""
    matches = index.matches(wanted, exclude=exclude)
    if not matches:
        return None
    top = matches[0]
    return CloneSignal(top.key, round(min(max(top.score, 0.0), 1.0), 4))


class SweepClones:
    """The prints of every banned app, for one sweep; see the module's docstring."""

    def __init__(self, index: CloneIndex) -> None:
        self._index = index

    @classmethod
    def load(cls, uow: UnitOfWork) -> SweepClones:
        """Every banned app's stored print, in the open transaction of `uow`."""
        index = CloneIndex()
        for key, print_ in uow.clones.stream():
            index.insert(key, print_)
        return cls(index)

    def suspects(self, apps: Sequence[SweptApp]) -> set[int]:
        """The ids of those of `apps` that copy a banned app (by content or by name)."""
        if not apps or not len(self._index):
            return set()
        values, counts = signatures([[app.description, *app.pages] for app in apps])
        names = folder().fold_batch([app.name for app in apps]).texts()
        found: set[int] = set()
        for row, maybe in enumerate(self._index.may_match(values, counts, names)):
            if maybe:
                print_ = ClonePrint.from_values(names[row], counts[row], values[row])
                if self._index.copies(print_, exclude=apps[row].appid):
                    found.add(apps[row].id)
        return found

    def note(self, uow: UnitOfWork, appids: Iterable[str]) -> None:
        """Bring these apps in step with storage, in the open transaction of `uow`: those now
        banned enter the index, the others leave it."""
        wanted = list(dict.fromkeys(appids))
        stored = uow.clones.of_apps(wanted)
        for appid in wanted:
            print_ = stored.get(appid)
            if print_ is None:
                self._index.remove(appid)
            else:
                self._index.insert(appid, print_)
