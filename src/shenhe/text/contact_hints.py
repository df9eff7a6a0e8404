"""Which texts of a folded batch could hold a contact at all: the screener's cheap pre-check.

Every contact `find_contacts` reports has, once folded (noise gone, digits ASCII, lower
case), five digits in a row (QQ, phone and landline numbers, numeric WeChat ids), or three
letters and digits in a row with at least one letter (WeChat ids, e-mail addresses, Telegram
handles, and domains written with a plain dot, which folding removes: ``a.cn`` is ``acn``),
or a letter or digit on each side of a 点 (a domain whose dot is disguised: ``xx点com``). The
folding kernel measures the runs as it folds; one regular expression over the joined batch
finds the 点. The other texts skip contact detection at no cost.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from shenhe.text.fold import FoldedBatch, FoldOptions

MIN_DIGITS = 5
MIN_WORD = 3
_NEEDED = ("width", "case", "digits", "noise", "numerals")


def applies(options: FoldOptions) -> bool:
    """The hint is sound only for folds that remove noise and normalise digits and case."""
    return all(getattr(options, name) for name in _NEEDED)


# Run lengths mapped to 1 where they are long enough, else to 0.
_DIGITS_ENOUGH = bytes(int(length >= MIN_DIGITS) for length in range(256))
_WORD_ENOUGH = bytes(int(length >= MIN_WORD) for length in range(256))
_ONE = re.compile(b"\x01")
_DOT_BEFORE_WORD = re.compile("点(?=[0-9a-z])")  # starts with a literal: a fast search
_WORD_CHARACTERS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")


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
    hinted = [found.start() for found in _ONE.finditer(flags)]
    if "点" not in batch.joined:  # a fast scan; most batches end here
        return hinted
    joined = batch.joined
    dotted = {
        bisect_right(batch.starts, found.start()) - 1
        for found in _DOT_BEFORE_WORD.finditer(joined)
        if found.start() and joined[found.start() - 1] in _WORD_CHARACTERS
    }
    if dotted.difference(hinted):
        return sorted(dotted.union(hinted))
    return hinted
