"""Which texts of a folded batch could hold a contact at all: the screener's cheap pre-check.

Every contact `find_contacts` reports has, once folded (noise gone, digits ASCII, lower
case), either five digits in a row (QQ, phone and landline numbers, numeric WeChat ids) or
four letters and digits in a row with at least one letter (WeChat ids, domains, e-mail
addresses, Telegram handles). One regular expression over the joined batch finds the texts
that have either, so the other texts skip contact detection entirely.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from shenhe.text.fold import FoldedBatch, FoldOptions

_HINT = re.compile(r"[0-9]{5}|(?=[a-z0-9]{0,3}[a-z])[a-z0-9]{4}")
_NEEDED = ("width", "case", "digits", "noise", "numerals")


def applies(options: FoldOptions) -> bool:
    """The hint is sound only for folds that remove noise and normalise digits and case."""
    return all(getattr(options, name) for name in _NEEDED)


def contact_hints(batch: FoldedBatch) -> set[int]:
    """The numbers of the texts in `batch` that might hold a contact."""
    joined, starts = batch.joined, batch.starts
    found: set[int] = set()
    position = 0
    while (match := _HINT.search(joined, position)) is not None:
        number = bisect_right(starts, match.start()) - 1
        found.add(number)
        if number + 1 == len(starts):
            break
        position = starts[number + 1]  # one hint is enough: go on with the next text
    return found
