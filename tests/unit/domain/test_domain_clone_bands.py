"""Clone prints in bulk: `signatures` gives what datasketch gives one app at a time, band keys
are stable data, and `CloneIndex.may_match` picks out exactly the rows worth a look-up."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe.domain.clones import (
    NUM_PERM,
    SEED,
    CloneIndex,
    ClonePrint,
    band_shape,
    batch_band_keys,
    gram_hash,
    shingles,
    signatures,
)
from shenhe.domain.lookalike import fold_name

LOAN = "急用钱？上钱包快贷，手机号即可借款，额度秒批，当天到账，逾期不上征信，学生党都能借。"
NOTES = "简单好用的记账工具，记录每天的收入和支出，按月生成报表，数据只保存在手机上。"
WEATHER = "查看未来七天的天气和空气质量，出门前看一眼，下雨提醒带伞。"

texts = st.lists(
    st.text(alphabet=st.sampled_from("贷款借钱记账天气額度ａｂ 12，。😀"), max_size=40),
    max_size=3,
)


def reference(contents: list[str]) -> np.ndarray:
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32", hashfunc=gram_hash)
    minhash.update_batch(sorted(shingles(contents)))
    return np.asarray(minhash.hashvalues)


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5))
def test_signatures_of_a_batch_are_datasketchs_one_at_a_time(batch: list[list[str]]) -> None:
    values, counts = signatures(batch)
    for row, contents in enumerate(batch):
        assert np.array_equal(values[row], reference(contents))
        assert counts[row] == len(shingles(contents))


def test_band_keys_are_data_that_survives_storage() -> None:
    assert band_shape(128) == (42, 3)
    original = ClonePrint.of("钱包快贷", LOAN, ["借款 额度"])
    stored = ClonePrint.from_bytes(original.to_bytes())
    assert len(original.band_keys) == 42 and stored.band_keys == original.band_keys
    renamed = ClonePrint.of("闪电借", LOAN, ["借款 额度"])
    assert renamed.band_keys == original.band_keys  # the name is not content
    other = ClonePrint.of("记账本", NOTES)
    assert not set(other.band_keys) & set(original.band_keys)
    assert ClonePrint.of("短", "太短").band_keys == ()


def test_may_match_picks_the_rows_that_share_a_band_or_a_name() -> None:
    index = CloneIndex()
    index.insert("wxloan", ClonePrint.of("钱包快贷", LOAN))
    batch = [[f"{LOAN}新用户专享"], [NOTES], [WEATHER], ["太短"]]
    names = [fold_name(n) for n in ("闪电借", "记账本", "钱包快贷", "天气")]
    values, counts = signatures(batch)
    assert index.may_match(values, counts, names) == [True, False, True, False]
    assert np.array_equal(batch_band_keys(values)[1], np.array(ClonePrint.of("", NOTES).band_keys))
    (match,) = index.matches(ClonePrint.of("闪电借", f"{LOAN}新用户专享"))
    assert match.key == "wxloan" and match.reasons == ("content",)
    for name, texts in zip(("闪电借", "记账本", "钱包快贷", "天气"), batch, strict=True):
        wanted = ClonePrint.of(name, *texts)
        assert index.copies(wanted) == bool(index.matches(wanted))
    assert not index.copies(ClonePrint.of("钱包快贷", LOAN), exclude="wxloan")
    assert CloneIndex().may_match(values, counts, names) == [False] * 4
