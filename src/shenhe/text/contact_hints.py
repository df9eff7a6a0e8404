"""Which texts of a folded batch could hold a contact at all: the screener's cheap pre-check.

Every contact `find_contacts` reports has, once folded (noise gone, digits ASCII, lower
case), either five digits in a row (QQ, phone and landline numbers, numeric WeChat ids) or
four letters and digits in a row with at least one letter (WeChat ids, domains, e-mail
addresses, Telegram handles). The folding kernel measures both runs as it folds, so the
other texts skip contact detection at no cost.
"""

from __future__ import annotations

import re

from shenhe.text.fold import FoldedBatch, FoldOptions

MIN_DIGITS = 5
MIN_WORD = 4
_NEEDED = ("width", "case", "digits", "noise", "numerals")


def applies(options: FoldOptions) -> bool:
    """The hint is sound only for folds that remove noise and normalise digits and case."""
    return all(getattr(options, name) for name in _NEEDED)


# Run lengths mapped to 1 where they are long enough, else to 0.
_DIGITS_ENOUGH = bytes(int(length >= MIN_DIGITS) for length in range(256))
_WORD_ENOUGH = bytes(int(length >= MIN_WORD) for length in range(256))
_ONE = re.compile(b"\x01")


def contact_hints(batch: FoldedBatch) -> list[int]:
    """The numbers of the texts in `batch` that might hold a contact, in order.

    Worked out on whole byte strings: each run length becomes 1 or 0 by a table, the two
    flags of a text are or-ed as big integers, and the texts flagged are where a 1 stands.
    """
    digits, words = batch.run_lengths()
    if not digits:
        return []
    enough = int.from_bytes(digits.translate(_DIGITS_ENOUGH), "little") | int.from_bytes(
        words.translate(_WORD_ENOUGH), "little"
    )
    flags = enough.to_bytes(len(digits), "little")
    return [found.start() for found in _ONE.finditer(flags)]
