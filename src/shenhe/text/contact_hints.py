"""Which texts of a folded batch could hold a contact at all: the screener's cheap pre-check.

Every contact `find_contacts` reports has, once folded (noise gone, digits ASCII, lower
case), either five digits in a row (QQ, phone and landline numbers, numeric WeChat ids) or
four letters and digits in a row with at least one letter (WeChat ids, domains, e-mail
addresses, Telegram handles). The folding kernel measures both runs as it folds, so the
other texts skip contact detection at no cost.
"""

from __future__ import annotations

from shenhe.text.fold import FoldedBatch, FoldOptions

MIN_DIGITS = 5
MIN_WORD = 4
_NEEDED = ("width", "case", "digits", "noise", "numerals")


def applies(options: FoldOptions) -> bool:
    """The hint is sound only for folds that remove noise and normalise digits and case."""
    return all(getattr(options, name) for name in _NEEDED)


def contact_hints(batch: FoldedBatch) -> set[int]:
    """The numbers of the texts in `batch` that might hold a contact."""
    digits, words = batch.run_lengths()
    return {
        number
        for number, (digit_run, word) in enumerate(zip(digits, words, strict=True))
        if digit_run >= MIN_DIGITS or word >= MIN_WORD
    }
