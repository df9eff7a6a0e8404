"""Look-alikes: clones of banned apps (MinHash over folded text) and imitations of brands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shenhe.domain.brands import DEFAULT_THRESHOLD, BrandList
from shenhe.domain.clones import (
    CONTENT_THRESHOLD,
    CloneIndex,
    ClonePrint,
    shingles,
)
from shenhe.domain.errors import BrandListError, ClonePrintError, DomainError
from shenhe.domain.lookalike import Alikeness, fold_name, name_similarity

PERM = 64  # fewer permutations than production: faster, and still far from the thresholds

BANNED = {
    "jisudai": (
        "极速贷",
        "极速贷是一款专业的手机借款应用，无需抵押，凭身份证即可申请，最高额度20万元，"
        "最快5分钟审批，当天到账，随借随还，利息低至日息万分之二。",
    ),
    "qianbao": (
        "钱包快贷",
        "急用钱？上钱包快贷，手机号即可借款，额度秒批，当天到账，逾期不上征信，"
        "学生党、上班族都能借。",
    ),
    "luoliao": (
        "夜色直播",
        "夜色直播，高颜值主播一对一私密视频聊天，深夜福利不打烊，充值即送会员，加微信看更多。",
    ),
}
JISUDAI = BANNED["jisudai"][1]


def fingerprint(name: str, description: str = "", pages: tuple[str, ...] = ()) -> ClonePrint:
    return ClonePrint.of(name, description, pages, num_perm=PERM)


@pytest.fixture(scope="module")
def index() -> CloneIndex:
    built = CloneIndex(num_perm=PERM)
    for key, (name, description) in BANNED.items():
        built.insert(key, fingerprint(name, description))
    return built


# --- clones ---------------------------------------------------------------------------------

COPIES = [
    ("renamed", "闪电借", JISUDAI),
    (
        "full width and traditional",
        "極速貸Ｐｒｏ",
        "極速貸是一款專業的手機借款應用，無需抵押，憑身份證即可申請，最高額度２０萬元，"
        "最快５分鐘審批，當天到賬，隨借隨還，利息低至日息萬分之二。",
    ),
    ("spaces between every character", "闪 电 借", " ".join(JISUDAI)),
    ("emoji and zero-width noise", "速借王", JISUDAI.replace("，", "💰").replace("款", "款\u200b")),
    (
        "homophones",
        "急速带",
        JISUDAI.replace("借款", "接款").replace("贷", "带").replace("到账", "到帐"),
    ),
    (
        "figures and a clause changed",
        "快借宝",
        JISUDAI.replace("20万元", "50万元")
        .replace("5分钟", "3分钟")
        .replace("当天到账，随借随还，", "秒到账，"),
    ),
    ("copied into a page", "闪电借", ""),
]


@pytest.mark.parametrize(("case", "name", "description"), COPIES, ids=[c[0] for c in COPIES])
def test_copies_of_a_banned_app_are_found_by_content(
    index: CloneIndex, case: str, name: str, description: str
) -> None:
    pages = (JISUDAI,) if case == "copied into a page" else ()
    matches = index.matches(fingerprint(name, description, pages))
    assert matches, case
    assert matches[0].key == "jisudai"
    assert "content" in matches[0].reasons
    assert matches[0].content >= CONTENT_THRESHOLD
    assert "clone.content" in matches[0].codes


def test_a_renamed_copy_scores_as_the_original(index: CloneIndex) -> None:
    original, renamed = fingerprint(*BANNED["jisudai"]), fingerprint("闪电借", JISUDAI)
    similarity = original.compare(renamed)
    assert similarity.content == 1.0  # the name is not part of the content
    assert similarity.name == 0.0
    assert index.query(renamed) == [("jisudai", 1.0)]


UNRELATED = [
    (
        "another loan app",
        "好借钱",
        "好借钱为您提供安全便捷的借款服务，额度最高5万，1分钟申请，10分钟放款，"
        "正规持牌机构，息费透明。",
    ),
    (
        "weather",
        "天气通",
        "天气通为您提供精准的天气预报、空气质量、生活指数，支持全国三千多个城市，实时更新。",
    ),
    (
        "shop",
        "优选商城",
        "优选商城精选全球好物，正品保障，七天无理由退货，会员专享折扣，每日特价秒杀。",
    ),
    ("half rewritten", "快借宝", JISUDAI[:30] + "额度高，放款快，新用户首借免息，老用户提额快。"),
    ("no description", "闪电借", ""),
    ("a short generic description", "记账本", "简单好用"),
]


@pytest.mark.parametrize(("case", "name", "description"), UNRELATED, ids=[c[0] for c in UNRELATED])
def test_unrelated_apps_are_not_clones(
    index: CloneIndex, case: str, name: str, description: str
) -> None:
    assert index.matches(fingerprint(name, description)) == [], case


@pytest.mark.parametrize(
    ("name", "similarity"),
    [("极速贷", 1.0), ("極速貸", 1.0), ("极 速 贷", 1.0), ("急速贷", 0.9167)],
)
def test_a_new_app_called_like_a_banned_one_is_found_by_name(
    index: CloneIndex, name: str, similarity: float
) -> None:
    new = fingerprint(name, "全新的记账工具，帮你管理每一笔收入与支出，支持多账本和预算提醒。")
    assert index.named(new) == ["jisudai"]
    [match] = index.matches(new)
    assert (match.key, match.reasons, match.content) == ("jisudai", ("name",), 0.0)
    assert match.name == pytest.approx(similarity, abs=1e-4)


def test_names_too_far_apart_or_too_short_are_not_clones(index: CloneIndex) -> None:
    assert index.named(fingerprint("极速")) == []
    assert index.named(fingerprint("贷")) == []
    assert fingerprint("贷").name_similarity(fingerprint("贷")) == 0.0
    # two homophones in three characters: 0.83, under the name threshold
    assert (
        index.matches(fingerprint("急塑贷", "一个与众不同的描述文本，和任何被封禁的应用都不一样。"))
        == []
    )


def test_the_index_inserts_replaces_and_removes() -> None:
    index = CloneIndex(num_perm=PERM)
    index.insert("a", fingerprint(*BANNED["jisudai"]))
    index.insert("a", fingerprint(*BANNED["qianbao"]))  # replaces
    assert len(index) == 1 and "a" in index
    assert index.query(fingerprint("x", JISUDAI)) == []
    assert index.named(fingerprint("极速贷")) == []
    assert [m.key for m in index.matches(fingerprint("x", BANNED["qianbao"][1]))] == ["a"]
    assert index.matches(fingerprint("x", BANNED["qianbao"][1]), exclude="a") == []
    index.remove("a")
    index.remove("a")  # absent: nothing happens
    assert len(index) == 0
    assert index.matches(fingerprint(*BANNED["qianbao"])) == []


def test_an_index_rebuilt_from_stored_prints_finds_the_same(index: CloneIndex) -> None:
    stored = {key: index.get(key) for key in BANNED}
    rebuilt = CloneIndex(num_perm=PERM)
    for key, print_ in stored.items():
        assert print_ is not None
        rebuilt.insert(key, ClonePrint.from_bytes(print_.to_bytes()))
    query = fingerprint("闪电借", JISUDAI)
    assert rebuilt.matches(query) == index.matches(query)


def test_prints_round_trip_through_bytes_and_hex() -> None:
    print_ = fingerprint("極速貸", JISUDAI)
    data = print_.to_bytes()
    assert len(data) == 16 + len("极速贷".encode()) + 4 * PERM
    again = ClonePrint.from_bytes(data)
    assert again == print_ and hash(again) == hash(print_)
    assert (again.name, again.shingles, again.num_perm) == ("极速贷", print_.shingles, PERM)
    assert again.content_similarity(print_) == 1.0
    assert ClonePrint.from_hex(print_.hex()) == print_
    assert fingerprint("極速貸", JISUDAI).to_bytes() == data  # deterministic


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "at least"),
        (b"XX" + bytes(14), "bad header"),
        (fingerprint("极速贷", JISUDAI).to_bytes()[:-1], "bytes, not"),
    ],
)
def test_a_damaged_print_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ClonePrintError, match=message) as caught:
        ClonePrint.from_bytes(data)
    assert isinstance(caught.value, DomainError)


def test_prints_of_different_parameters_are_not_compared() -> None:
    with pytest.raises(ClonePrintError, match="hex digits"):
        ClonePrint.from_hex("zz")
    small, large = fingerprint("a", JISUDAI), ClonePrint.of("a", JISUDAI, num_perm=128)
    with pytest.raises(ClonePrintError, match="recompute"):
        small.content_similarity(large)
    with pytest.raises(ClonePrintError, match="recompute"):
        CloneIndex(num_perm=PERM).insert("a", large)
    with pytest.raises(ValueError, match="thresholds"):
        CloneIndex(threshold=0.0)


def test_shingles_see_through_disguises_and_do_not_cross_texts() -> None:
    assert shingles(["貸 款"]) == shingles(["贷款"]) == shingles(["代款"])
    assert shingles(["ab", "cd"]) == {"ab", "cd"}
    assert shingles(["", "!!"]) == set()


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="极速贷借款到账额度当天手机申请ab12 ，", max_size=60))
def test_a_print_is_the_print_of_its_folded_text(text: str) -> None:
    assert fingerprint("x", text) == fingerprint("x", fold_name(text))


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("极速贷", "極速貸", 1.0),
        ("极速贷", "极速贷款", 0.75),  # one insertion in four
        ("极速贷", "急速贷", 0.9167),
        ("极速贷", "极速贷Pro", 0.5),
        ("极速贷", "闪电借", 0.0),
        ("", "", 0.0),
    ],
)
def test_name_similarity(a: str, b: str, expected: float) -> None:
    assert name_similarity(a, b) == pytest.approx(expected, abs=1e-4)


def test_alignment_finds_the_term_inside_a_text() -> None:
    alike = Alikeness(("信倍",))
    found = alike.align("微信", "官方微倍助手", anywhere=True)
    assert (found.start, found.end, found.cost, found.edits) == (2, 4, 0.25, {"lookalike"})
    assert alike.align("微信", "微信", anywhere=False).similarity(2) == 1.0
    assert alike.align("微信", "威信", anywhere=False).edits == {"homophone"}


# --- brands ---------------------------------------------------------------------------------

BRANDS = BrandList.default()

IMITATIONS = [
    # name, brand, kind, text as written
    ("微信", "wechat", "exact", "微信"),
    ("ＷｅＣｈａｔ", "wechat", "exact", "ＷｅＣｈａｔ"),
    ("微信红包助手", "wechat", "contains", "微信"),
    ("威信", "wechat", "homophone", "威信"),
    ("微倍", "wechat", "lookalike", "微倍"),
    ("徽信支付", "wechat", "lookalike", "徽信支付"),
    ("weixin助手", "wechat", "contains", "weixin"),
    ("支付寶", "alipay", "exact", "支付寶"),
    ("支付室", "alipay", "lookalike", "支付室"),
    ("支附宝", "alipay", "homophone", "支附宝"),
    ("淘宝网官方", "taobao", "contains", "淘宝网"),
    ("淘 宝 特 卖", "taobao", "contains", "淘 宝"),
    ("京东商城秒杀", "jd", "contains", "京东商城"),
    ("拼夕夕", "pinduoduo", "exact", "拼夕夕"),
    ("抖阴", "douyin", "homophone", "抖阴"),
    ("蚂蚁花贝", "huabei", "homophone", "蚂蚁花贝"),
    ("借呗极速版", "jiebei", "contains", "借呗"),
    ("微粒货", "weilidai", "lookalike", "微粒货"),
    ("京东白条助手", "baitiao", "contains", "京东白条"),
    ("中国很行", "boc", "lookalike", "中国很行"),
    ("入民日报", "peoples_daily", "lookalike", "入民日报"),
    ("国家税务局", "chinatax", "edit", "国家税务局"),
    ("铁路12306抢票", "railway12306", "contains", "铁路12306"),
    ("123O6", "railway12306", "lookalike", "123O6"),
    ("NIKE", "nike", "exact", "NIKE"),
    ("N1KE运动", "nike", "lookalike", "N1KE"),
    ("N.I.K.E", "nike", "exact", "N.I.K.E"),
    ("Nike Air 2024", "nike", "contains", "Nike"),
    ("耐克运动", "nike", "contains", "耐克"),
    ("Apple Store", "apple", "contains", "Apple"),
    ("app1e", "apple", "lookalike", "app1e"),
    ("LV包包", "louis_vuitton", "contains", "LV"),
    ("L0uis Vuitton", "louis_vuitton", "lookalike", "L0uis Vuitton"),
    ("gucc1", "gucci", "lookalike", "gucc1"),
    ("ROLEX劳力士", "rolex", "contains", "ROLEX"),
    ("Hermès", "hermes", "exact", "Hermès"),
    ("飞天茅台专卖", "moutai", "contains", "飞天茅台"),
]


@pytest.mark.parametrize(("name", "brand", "kind", "text"), IMITATIONS)
def test_imitations_of_a_brand_are_caught(name: str, brand: str, kind: str, text: str) -> None:
    match = BRANDS.match(name)
    assert match is not None, name
    assert (match.brand, match.kind, match.text) == (brand, kind, text)
    assert name[match.span[0] : match.span[1]] == match.text
    assert DEFAULT_THRESHOLD <= match.score <= 1.0
    assert match.code == f"brand.{kind}"


ORDINARY = [
    "信用卡管家",  # a 信 is not 微信
    "诚信商城",
    "微博",  # one ordinary edit in two characters
    "微店",
    "微众银行",
    "支付通",
    "美图秀秀",
    "斗鱼直播",
    "京东方",  # exempt: BOE, a display maker
    "京东方科技",
    "北京东路美食",  # exempt: a street
    "南京东路步行街",
    "新华社区服务",  # exempt: 新华 community
    "新华书店",
    "快手菜谱",  # exempt: quick dishes
    "茅台镇酱香酒",  # exempt: the town
    "加工行业资讯",  # exempt: 工行 inside 加工行业
    "Channel",  # exempt: not Chanel
    "pineapple",  # whole words only
    "apply",  # one ordinary edit in five letters
    "Mike",
    "IV",  # short Latin brands match only exactly
    "苹果水果店",
    "个人所得税计算器",
    "天气通",
    "记账本",
    "",
    "！！！",
]


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_names_are_not_imitations(name: str) -> None:
    assert BRANDS.match(name) is None


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("微信支付", "腾讯科技（深圳）有限公司"),
        ("微信支付", "腾讯科技(深圳)有限公司"),  # compared folded
        ("京东商城", "北京京东世纪贸易有限公司"),
        ("Nike官方", "Nike, Inc."),
    ],
)
def test_the_owner_may_use_its_brand(name: str, owner: str) -> None:
    assert BRANDS.match(name, owner=owner) is None
    assert BRANDS.match(name, owner="深圳市某某网络科技有限公司") is not None
    assert BRANDS.match(name) is not None


def test_an_owner_is_exempt_only_from_its_own_brands() -> None:
    match = BRANDS.match("微信淘宝", owner="腾讯科技（深圳）有限公司")
    assert match is not None and match.brand == "taobao"
    assert BRANDS.owns("wechat", "深圳市腾讯计算机系统有限公司")
    assert not BRANDS.owns("alipay", "深圳市腾讯计算机系统有限公司")


def test_every_brand_imitated_is_listed_closest_first() -> None:
    found = BRANDS.matches("威信淘宝")
    assert [(m.brand, m.kind) for m in found] == [("taobao", "contains"), ("wechat", "homophone")]


def test_the_default_list_holds_the_protected_brands() -> None:
    assert BrandList.default() is BRANDS
    names = {brand.name for brand in BRANDS.brands.values()}
    for expected in ("微信", "支付宝", "京东白条", "国家税务总局", "12306", "Louis Vuitton"):
        assert expected in names
    assert all(brand.owners for brand in BRANDS.brands.values())


def test_a_stricter_threshold_drops_the_fuzzy_matches() -> None:
    strict = BrandList.from_yaml(
        (Path(__file__).parents[3] / "src/shenhe/data/brands.yaml").read_text("utf-8"),
        threshold=0.99,
    )
    assert strict.match("威信") is None
    assert strict.match("微信") is not None


def _document(**changes: Any) -> dict[str, Any]:
    brands = {"wechat": {"name": "微信", "owners": ["腾讯"]}}
    return {"version": "1", "confusables": ["0o"], "brands": brands} | changes


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_document(brands={}), "brands"),
        (_document(brands={"Bad Id": {"name": "x", "owners": ["y"]}}), "Bad Id"),
        (_document(brands={"wechat": {"name": "微信"}}), "brands.wechat.owners"),
        (_document(confusables=["0"]), "confusables.0: a group needs two"),
        (_document(confusables=["O0"]), "'O' folds to 'o'"),
        (
            _document(
                brands={
                    "wechat": {"name": "微信", "owners": ["腾讯"]},
                    "copy": {"name": "x", "aliases": ["微 信"], "owners": ["y"]},
                }
            ),
            "brands.copy.aliases.0: '微 信' is also a name of brand 'wechat'",
        ),
        (_document(brands={"wechat": {"name": "！！", "owners": ["y"]}}), "folds to nothing"),
    ],
)
def test_a_malformed_list_is_refused_naming_the_entry(
    document: dict[str, Any], message: str
) -> None:
    with pytest.raises(BrandListError, match=message) as caught:
        BrandList.from_dict(document)
    assert isinstance(caught.value, DomainError)


def test_bad_files_are_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(BrandListError, match="cannot read"):
        BrandList.load(tmp_path / "missing.yaml")
    path = tmp_path / "brands.yaml"
    path.write_text("- a list", encoding="utf-8")
    with pytest.raises(BrandListError, match=r"brands\.yaml must be a YAML mapping"):
        BrandList.load(path)
    path.write_text("version: [", encoding="utf-8")
    with pytest.raises(BrandListError, match="not valid YAML"):
        BrandList.load(path)
    with pytest.raises(BrandListError, match="threshold"):
        BrandList.from_dict(_document(), threshold=1.5)
