"""Lexicons load from plain lists, TSV/CSV and Shenhe's own format; bad lines say where."""

from __future__ import annotations

from pathlib import Path

import pytest

from shenhe import Lexicon, LexiconError, Term
from shenhe.screening.lexicon_files import category_from_name

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "lexicons"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_a_plain_list_takes_its_category_from_the_flag(tmp_path: Path) -> None:
    path = write(tmp_path, "words.txt", "# comment\n贷款\n\n现金贷\n")
    lexicon = Lexicon.load(path, category="custom")
    assert [(t.text, t.category) for t in lexicon.terms] == [
        ("贷款", "custom"),
        ("现金贷", "custom"),
    ]


@pytest.mark.parametrize(
    ("name", "category"),
    [("konsheng_porn.txt", "porn"), ("ads.txt", "ad"), ("my-loans.txt", "loan"),
     ("brands.txt", "brands")],
)  # fmt: skip
def test_a_plain_list_takes_its_category_from_the_file_name(name: str, category: str) -> None:
    assert category_from_name(Path(name)) == category


def test_tsv_with_a_header_in_any_order(tmp_path: Path) -> None:
    path = write(tmp_path, "l.tsv", "flags\tterm\tseverity\tcategory\nphonetic\t贷款\t3\tloan\n")
    (term,) = Lexicon.load(path).terms
    assert term == Term("贷款", "loan", 3, phonetic=True)


def test_csv_without_a_header_takes_columns_in_order(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "高仿,counterfeit,3\nA货,counterfeit\n")
    terms = Lexicon.load(path).terms
    assert [(t.text, t.severity) for t in terms] == [("高仿", 3), ("A货", 2)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("term\tcategory\tseverity\n贷款\tloan\tbig\n", "l.tsv:2: severity 'big'"),
        ("term\tcategory\tseverity\n贷款\tloan\t9\n", "l.tsv:2: term '贷款' has severity 9"),
        ("term\tcategory\tflags\n贷款\tloan\tfuzzy\n", "l.tsv:2: unknown flag 'fuzzy'"),
        ("term\tcategory\n贷款\t\n", "l.tsv:2: term '贷款' has no category"),
    ],
)
def test_a_bad_line_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path, "l.tsv", content)
    with pytest.raises(LexiconError, match=message):
        Lexicon.load(path)


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "l.txt", "贷款\n".encode() + "现金贷\n".encode("gbk"))
    with pytest.raises(LexiconError, match=r"l\.txt:2: is not UTF-8"):
        Lexicon.load(path, category="loan")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="cannot read"):
        Lexicon.load(tmp_path / "nope.txt")


def test_lexicons_combine_and_equal_content_has_equal_versions() -> None:
    a = Lexicon.from_words(["甲"], category="custom")
    b = Lexicon.from_words(["乙"], category="custom")
    assert len(a + b) == 2
    assert (a + b).version == (b + a).version
    assert a.version != b.version


def test_the_default_lexicon_covers_every_mission_category() -> None:
    lexicon = Lexicon.default()
    assert {"loan", "gambling", "porn", "counterfeit", "fraud", "ad"} <= lexicon.categories
    texts = {t.text for t in lexicon.terms}
    assert {"现金贷", "小额贷款", "快速借款", "分期", "高仿", "带宽"} <= texts


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not beside the project")
def test_the_public_65k_dictionary_loads() -> None:
    lexicon = Lexicon.load(SHARED / "houbb_dict_v20240407.txt", category="custom")
    assert len(lexicon) > 60_000


def test_stray_control_characters_are_removed_from_terms(tmp_path: Path) -> None:
    path = write(tmp_path, "l.txt", "q\x7fq\n")
    assert [t.text for t in Lexicon.load(path, category="custom").terms] == ["qq"]
