"""The composition root: the one place that turns `Settings` into a working `Screener`.

The CLI (``shenhe screen``, ``shenhe serve``), the HTTP API (`shenhe.api.create_app`) and the
reload job (`shenhe.jobs.reload`) all build their lexicon, policy and screener here, so a file
named in the settings means the same thing everywhere. Nothing happens at import.
"""

from __future__ import annotations

from functools import reduce

from shenhe.config import Settings
from shenhe.policy.policy import Policy
from shenhe.screening.lexicon import Lexicon
from shenhe.screening.screener import Screener


def build_lexicon(settings: Settings) -> Lexicon:
    """The built-in lexicon plus every file in ``settings.lexicon_files``, in order."""
    extras = (Lexicon.load(path) for path in settings.lexicon_files)
    return reduce(lambda total, extra: total + extra, extras, Lexicon.default())


def build_policy(settings: Settings) -> Policy:
    """The policy file of the settings, or the built-in policy."""
    if settings.policy_file is None:
        return Policy.default()
    return Policy.load(settings.policy_file)


def build_screener(settings: Settings) -> Screener:
    """A screener for `settings`: its lexicon, its policy and its text length limit."""
    return Screener(
        build_lexicon(settings),
        build_policy(settings),
        max_length=settings.max_text_length,
    )
