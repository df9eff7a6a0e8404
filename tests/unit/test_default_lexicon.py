"""The built-in lexicon: what it catches, how it is disguised, and what it must leave alone.

Examples are written for these tests, in the style of real posts, mini-app pages, chat lines
and search queries; none is copied from the benchmark data.
"""

from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest

from shenhe import CATEGORIES, Lexicon, Screener, Verdict
from shenhe.screening.lexicon import ALLOW

POSITIVES: list[tuple[str, str]] = [
    # loan
    ("loan", "急用钱？黑户可贷，不查征信，当天放款！"),
    ("loan", "正规小额贷款，无抵押无担保，秒批"),
    ("loan", "现金贷上线啦，芝麻分600就能借"),
    ("loan", "新口子上线，下款率高"),
    ("loan", "714高炮不还会怎样？砍头息太狠了"),
    ("loan", "信用卡套现、花呗套现，手续费低"),
    ("loan", "私人放款，当天到账"),
    ("loan", "网贷逾期了还能借吗"),
    ("loan", "学生也能借，校园贷秒到"),
    ("loan", "押证不押车，车主贷款找我"),
    # loan, disguised
    ("loan", "需要代款的朋友看过来"),  # homophone
    ("loan", "需要袋款的私我"),  # homophone
    ("loan", "需要貸款的朋友看過來"),  # traditional
    ("loan", "貸★款 ，无·抵·押"),  # noise
    ("loan", "ｘｉａｎｊｉｎｄａｉ"),  # full-width pinyin
    ("loan", "无抵押daikuan"),  # pinyin
    ("loan", "xjd秒批"),  # initials
    ("loan", "贷贷款款来了"),  # repeats
    ("loan", "先金代"),  # homophone of 现金贷
    # gambling
    ("gambling", "网络赌博平台，真人荷官在线发牌"),
    ("gambling", "注册送彩金，百家乐、时时彩都有"),
    ("gambling", "香港六合彩特码，一肖中特"),
    ("gambling", "菠菜平台招代理，返水高"),
    ("gambling", "bet365足球外围投注"),
    ("gambling", "真钱棋牌上下分，秒到账"),
    ("gambling", "網絡賭博"),
    # porn
    ("porn", "同城约炮，一对一裸聊"),
    ("porn", "约泡吗？"),
    ("porn", "裸 聊 了 解 一 下"),
    ("porn", "高清无码视频，成人网站免费看"),
    ("porn", "楼凤信息，小姐上门全套服务"),
    ("porn", "催情药听话水货到付款"),
    ("porn", "yuepao"),
    # counterfeit
    ("counterfeit", "高仿包包，1:1复刻，专柜品质"),
    ("counterfeit", "LV超A货，原单尾货"),
    ("counterfeit", "莆田纯原AJ，顶级复刻"),
    ("counterfeit", "精仿名表，可过专柜"),
    ("counterfeit", "一比一复刻"),
    ("counterfeit", "高 仿 包"),
    ("counterfeit", "1：1復刻"),
    # fraud
    ("fraud", "兼职刷单，日赚千元，在家躺赚"),
    ("fraud", "恭喜您中奖了，请转入安全账户"),
    ("fraud", "您的积分即将清零，积分兑换现金点击"),
    ("fraud", "出租银行卡，收购微信号，代实名"),
    ("fraud", "代开发票，办假证"),
    ("fraud", "稳赚不赔，带你回本"),
    # ad
    ("ad", "转发到三个群才能领红包，不转不是中国人"),
    ("ad", "祖传秘方包治百病，无效退款"),
    ("ad", "刷粉刷赞，僵尸粉一万只要十元"),
    ("ad", "低价代充元宝"),
    # diversion: phrases, their disguises, and contacts the detector adds
    ("diversion", "详情咨询，加微信"),
    ("diversion", "扫码加群领福利"),
    ("diversion", "加我好友私聊"),
    ("diversion", "要的加薇信"),
    ("diversion", "加威信"),
    ("diversion", "加vx"),
    ("diversion", "想要的加扣扣"),
    ("diversion", "淘口令，复制这条信息打开手机淘宝"),
    ("diversion", "jiaqq"),
    ("diversion", "微信：abc12345"),
    ("diversion", "qq ①②③④⑤⑥⑦⑧"),
    # abuse
    ("abuse", "操你妈"),
    ("abuse", "草泥马"),
    ("abuse", "cao ni ma"),
    ("abuse", "你妈死了"),
    ("abuse", "nmsl"),
]


@pytest.mark.parametrize(("category", "text"), POSITIVES)
def test_harmful_texts_get_their_category(
    default_screener: Screener, category: str, text: str
) -> None:
    verdict = default_screener.screen(text, surface="post")
    assert category in verdict.categories, verdict
    assert_spans(text, verdict)


BLOCK_ALONE = [
    "现金贷",
    "黑户可贷",
    "不查征信",
    "网络赌博",
    "高仿包",
    "1:1复刻",
    "真人荷官",
    "裸聊",
    "代开发票",
    "包治百病",
    "操你妈",
]


@pytest.mark.parametrize("text", BLOCK_ALONE)
def test_severity_three_terms_block_a_post_alone(default_screener: Screener, text: str) -> None:
    assert default_screener.screen(text, surface="post").suggestion == "block"


SEARCH_BLOCKED = ["贷款", "现金贷", "小额贷款", "快速借款", "分期", "代款", "daikuan", "贷 款"]


@pytest.mark.parametrize("query", SEARCH_BLOCKED)
def test_wechats_refused_searches_are_blocked(default_screener: Screener, query: str) -> None:
    assert default_screener.screen(query, surface="search").suggestion == "block"


def test_installments_pass_in_a_post_but_not_as_a_search(default_screener: Screener) -> None:
    post = default_screener.screen("这款手机支持分期付款，12期免息，九成新", surface="post")
    assert post.suggestion == "pass"
    assert default_screener.screen("分期", surface="search").suggestion == "block"
    assert default_screener.screen("分期付款", surface="search").suggestion == "block"


NEGATIVES = [
    # homophones and substrings of terms, guarded by allow.tsv
    "家里宽带带宽不够，看视频总卡",
    "服务器带宽升级了",
    "地铁口交易，当面验货",
    "人口交流与出口交易会",
    "路口交通拥堵，港口交接货物",
    "周末约跑步吗？一起约跑",
    "越跑越快，悦跑圈打卡",
    "这副月抛隐形眼镜不错",
    "我们两口子周末去看电影",
    "一套现房，外套现在打折",
    "请仔细阅读以下注意事项",
    "快递原单号查不到",
    "纯原创内容，转载请注明",
    "衣服扣扣子别扣错，他这人扣扣搜搜的",
    "这个游戏秒匹配，体验很好",
    "现金袋里有钱，用现金代金券结账",
    "手袋款式很新，腰带款式也好看",
    # words that share a sound with a term that is deliberately not phonetic
    "独播剧场今晚更新，我打算读博",
    "博采众长，兼收并蓄",
    "这件是精纺羊毛",
    "高房价压力大",
    "颜色清新，景色清幽",
    "进行交易前请核对",
    "南京大屠杀必须铭记",
    "夏款连衣裙上新了",
    "政策放宽了，结款很快",
    # ASCII terms match whole words only
    "assassin's creed is a great game",
    "the bass player was a classic",
    "他升级到VIP会员加vip特权",
    "LGBTQ群体的权益",
    "DNA片段分析",
    "看tv信号不好",
    # ordinary talk about money, news and daily life
    "今天的利息涨了一点，信用额度也提高了",
    "按揭买房压力大，房贷每月五千",
    "我的微信号被盗了",
    "先进群体代表发言，要融入群体",
    "我爱中国，风景很美",
    "以下注明的时间为北京时间",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_texts_get_no_label(default_screener: Screener, text: str) -> None:
    verdict = default_screener.screen(text, surface="post")
    assert verdict.labels == (), verdict


def assert_spans(text: str, verdict: Verdict) -> None:
    for hit in verdict.hits:
        assert text[hit.start : hit.end] == hit.text
    for contact in verdict.contacts:
        assert text[contact.start : contact.end] == contact.text


# --- the files themselves -------------------------------------------------------------


def lexicon_files() -> list[str]:
    folder = resources.files("shenhe").joinpath("data", "lexicon")
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".tsv"))


def test_one_file_per_category_and_an_allowlist() -> None:
    expected = {f"{c}.tsv" for c in CATEGORIES if c != "custom"} | {"allow.tsv"}
    assert set(lexicon_files()) == expected


def test_every_term_sits_in_the_file_named_for_its_category() -> None:
    for name in lexicon_files():
        stem = name.removesuffix(".tsv")
        lexicon = Lexicon.load(resources.files("shenhe").joinpath("data", "lexicon", name))
        assert {t.category for t in lexicon.terms} == {stem}, name


def test_several_hundred_terms_and_no_single_characters() -> None:
    lexicon = Lexicon.default()
    counts = Counter(t.category for t in lexicon.terms if not t.is_allow)
    assert sum(counts.values()) >= 500, counts
    assert min(counts.values()) >= 20, counts
    short = [t.text for t in lexicon.terms if len(t.text) < 2]
    assert short == []


def test_no_term_is_listed_twice() -> None:
    texts = Counter(t.text for t in Lexicon.default().terms)
    assert [text for text, n in texts.items() if n > 1] == []


def test_every_allowlist_entry_guards_a_real_hit() -> None:
    """An allow entry that contains no hit of the lexicon is dead weight, or a typo."""
    lexicon = Lexicon.default()
    bare = Screener(Lexicon.from_terms(t for t in lexicon.terms if not t.is_allow))
    entries = [t.text for t in lexicon.terms if t.category == ALLOW]
    verdicts = bare.screen_batch(entries)
    assert [text for text, v in zip(entries, verdicts, strict=True) if not v.hits] == []
