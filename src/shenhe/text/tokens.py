"""Search tokens: the words a full-text index stores for a text, and those a query needs.

Both sides fold first (`shenhe.text.fold`), so a query finds 微信 written as 微 信, ＷＥＣＨＡＴ or
微信 in traditional characters. The folded text is then cut into runs:

- a **hanzi run** (CJK ideographs) gives its jieba words (`jieba.lcut_for_search`), every
  character bigram and every character;
- a **word run** (letters and digits of any other script, ASCII above all) gives itself, one
  word; a word ends where the original text had anything between two letters (a space, a
  punctuation mark, a tag), so ``Louis Vuitton`` gives ``louis`` and ``vuitton``.

`search_tokens` analyses a document; `query_tokens` a query, and gives only the tokens that any
document containing the query must have: the bigrams of its hanzi (the character itself for a
lone one) and its words. jieba's words are left out of the query because jieba cuts a string
according to its neighbours: 京东方 is one word alone but not inside 北京东方红.

The contract with storage (SQLite FTS5, PostgreSQL full text), which keeps the tokens joined
by single spaces:

- every token is non-empty, lower-case, and made only of letters, digits and hanzi: no spaces,
  quotes or operators, so each is a bare FTS5 term and no token reads as ``AND``/``OR``/``NOT``
  (store them in PostgreSQL with ``array_to_tsvector``, which does not re-parse them);
- tokens are deduplicated, in the order they first appear; the same text always gives the
  same list;
- ``set(query_tokens(q)) <= set(search_tokens(d))`` whenever `d` contains `q` as whole words
  (no letter or digit of `d` runs on into the first or last word of `q`). Folding a few
  characters depends on their neighbours, so the promise does not cover a query that cuts
  through an HTML tag or ends inside a run of Chinese numerals that folding turns into digits.

Pure and deterministic: no I/O but reading jieba's bundled dictionary, on first use. Importing
this module does no work; the folder and the jieba dictionary are built on the first call
(about half a second) and shared after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from shenhe.text.charmap import is_cjk
from shenhe.text.fold import FoldedBatch, Folder

_HAN, _WORD, _OTHER = 0, 1, 2


@cache
def _folder() -> Folder:
    return Folder()


@cache
def _segmenter() -> Callable[[str], list[str]]:
    """jieba's search segmentation, built quietly: no log lines, no cache file written.

    `jieba.Tokenizer.initialize` logs to stderr and writes a cache to the temporary directory;
    building the prefix dictionary directly does neither, and keeps this tokenizer apart from
    jieba's global one (whose user dictionary another library may have changed).
    """
    import jieba

    tokenizer: Any = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
    tokenizer.initialized = True
    lcut: Callable[[str], list[str]] = tokenizer.lcut_for_search
    return lcut


def _kind(char: str) -> int:
    if is_cjk(char):
        return _HAN
    return _WORD if char.isalnum() else _OTHER


def _runs(batch: FoldedBatch, *, split_han: bool) -> Iterator[tuple[int, str]]:
    """(kind, run) of folded text 0: hanzi and word runs, words cut where the original had
    anything between two characters; hanzi runs too when `split_han`."""
    folded = batch.text(0)
    start = 0
    for end in range(1, len(folded) + 1):
        if end < len(folded):
            kind = _kind(folded[end])
            if kind == _kind(folded[end - 1]) and (
                (kind == _HAN and not split_han) or batch.touching(0, end)
            ):
                continue
        kind = _kind(folded[start])
        if kind != _OTHER:
            yield kind, folded[start:end]
        start = end


def _bigrams(run: str) -> Iterator[str]:
    if len(run) == 1:
        yield run
    for i in range(len(run) - 1):
        yield run[i : i + 2]


def search_tokens(text: str) -> list[str]:
    """The tokens a full-text index stores for `text` (see the module's contract)."""
    tokens: dict[str, None] = {}
    for kind, run in _runs(_folder().fold_batch([text]), split_han=False):
        if kind == _WORD:
            tokens[run] = None
            continue
        for word in _segmenter()(run):
            if word and all(is_cjk(c) for c in word):
                tokens[word] = None
        tokens.update(dict.fromkeys(_bigrams(run)))
        tokens.update(dict.fromkeys(run))
    return list(tokens)


def query_tokens(query: str) -> list[str]:
    """The tokens every document containing `query` has: its hanzi bigrams and its words.

    A space in the query separates terms, so 微信 支付 asks for 微信 and 支付, not 信支.
    An empty list means the query has nothing to search for (only punctuation, say).
    """
    tokens: dict[str, None] = {}
    for kind, run in _runs(_folder().fold_batch([query]), split_han=True):
        tokens.update(dict.fromkeys(_bigrams(run) if kind == _HAN else (run,)))
    return list(tokens)
