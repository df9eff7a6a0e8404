"""Shenhe (审核): content compliance for platforms that host third-party mini apps and posts.

from shenhe import Screener, Lexicon
screener = Screener.default()
verdict = screener.screen("无抵押小额贷款，加薇信abc12345", surface="post")
"""

from shenhe.errors import (
    ConfigError,
    InputError,
    LexiconError,
    PolicyError,
    ShenheError,
    TextTooLongError,
)
from shenhe.policy.policy import Policy
from shenhe.policy.surfaces import SURFACES
from shenhe.screening.lexicon import CATEGORIES, Lexicon, Term
from shenhe.screening.screener import Screener
from shenhe.screening.verdict import Hit, Label, Verdict
from shenhe.text.contacts import Contact
from shenhe.text.fold import FoldOptions

__all__ = [
    "CATEGORIES",
    "SURFACES",
    "ConfigError",
    "Contact",
    "FoldOptions",
    "Hit",
    "InputError",
    "Label",
    "Lexicon",
    "LexiconError",
    "Policy",
    "PolicyError",
    "Screener",
    "ShenheError",
    "Term",
    "TextTooLongError",
    "Verdict",
]
__version__ = "0.1.0"
