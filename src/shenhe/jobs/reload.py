"""Reload changed lexicon and policy files into a running screener (``shenhe serve --watch``).

A daemon thread polls the modification time and size of the files named in the settings every
``watch_interval`` seconds. When one changes, the lexicon (built-in plus every extra file) or the
policy is rebuilt through the composition root and swapped in with `Screener.replace_lexicon` /
`Screener.replace_policy`, which are atomic: a request sees the old one or the new one, never a
mix. A file that fails to load is logged and the one in use is kept; the next change retries.

    watcher = ReloadWatcher(screener, settings)
    with watcher:          # starts the thread; stops it on exit
        serve_forever()
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from shenhe.adapters.keyfile import stamp
from shenhe.bootstrap import build_lexicon, build_policy
from shenhe.config import Settings
from shenhe.errors import ShenheError
from shenhe.jobs.periodic import PeriodicJob
from shenhe.screening.screener import Screener

logger = logging.getLogger(__name__)

Stamp = tuple[int, int] | None
"""(modification time in ns, size) of a file, or None when it cannot be read."""


def stamps(paths: Sequence[Path]) -> tuple[Stamp, ...]:
    return tuple(stamp(path) for path in paths)


class ReloadWatcher(PeriodicJob):
    """Polls the settings' lexicon and policy files and swaps changed ones into `screener`."""

    thread_name = "shenhe-reload"
    failure = "reload check failed"

    def __init__(
        self,
        screener: Screener,
        settings: Settings,
        *,
        interval: float | None = None,
    ) -> None:
        super().__init__(settings.watch_interval if interval is None else interval)
        self.screener = screener
        self.settings = settings
        self._lexicon_paths = tuple(settings.lexicon_files)
        self._policy_paths = (settings.policy_file,) if settings.policy_file else ()
        self._lexicon_stamps = stamps(self._lexicon_paths)
        self._policy_stamps = stamps(self._policy_paths)

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file watched."""
        return (*self._lexicon_paths, *self._policy_paths)

    def check(self) -> list[str]:
        """Reload whatever changed since the last check; the names of what was swapped in."""
        swapped = []
        if self._lexicon_paths and self._reload_lexicon():
            swapped.append("lexicon")
        if self._policy_paths and self._reload_policy():
            swapped.append("policy")
        return swapped

    def _reload_lexicon(self) -> bool:
        before = stamps(self._lexicon_paths)
        if before == self._lexicon_stamps:
            return False
        self._lexicon_stamps = before
        try:
            lexicon = build_lexicon(self.settings)
        except ShenheError as exc:
            logger.error("lexicon not reloaded, keeping the one in use: %s", exc)
            return False
        if stamps(self._lexicon_paths) != before:  # still being written; retry next time
            self._lexicon_stamps = ()
            return False
        self.screener.replace_lexicon(lexicon)
        logger.info("lexicon reloaded: %d terms, version %s", len(lexicon), lexicon.version)
        return True

    def _reload_policy(self) -> bool:
        before = stamps(self._policy_paths)
        if before == self._policy_stamps:
            return False
        self._policy_stamps = before
        try:
            policy = build_policy(self.settings)
        except ShenheError as exc:
            logger.error("policy not reloaded, keeping the one in use: %s", exc)
            return False
        if stamps(self._policy_paths) != before:
            self._policy_stamps = ()
            return False
        self.screener.replace_policy(policy)
        logger.info("policy reloaded: version %s", policy.version)
        return True

    def run_round(self) -> None:
        self.check()
