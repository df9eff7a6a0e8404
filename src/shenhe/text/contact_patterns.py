"""Regular expressions for contact details, written against folded text.

Folded text (see `shenhe.text.charmap`) is lower case, simplified, NFKC and has ASCII digits,
and the Chinese numerals of digit runs have been turned into digits too, so these patterns
only spell the plain forms: ``微信``, ``vx``, ``qq``, ``.`` and ``[0-9]``. Every pattern here
is compiled once at import; none needs any table.

Most texts hold no contact, so cheap tests come first: `MAYBE_CONTACT` on the raw text, then
the gates at the end of this module, which `contact_fold` lifts to raw text and `contacts`
tries on folded text before the patterns they stand for; `CUED` tries the patterns with a cue
only where one of their first characters stands.
"""

from __future__ import annotations

import re
import string

from shenhe.text.numerals import NUMERALS as DIGIT_NUMERALS

# Chinese numerals that stand for one digit when written inside a digit run (see
# `shenhe.text.numerals`), and the circles ○ ◯ written for zero: symbols, which the matcher's
# fold drops but the contact fold keeps.
NUMERALS: dict[str, str] = {**DIGIT_NUMERALS, "○": "0", "◯": "0"}
_NUM = "".join(NUMERALS)

MOBILE = re.compile(r"(?:0086|86)?(1[3-9][0-9]{9})")  # the number in group 1
LANDLINE = re.compile(r"0(?:10|2[0-9])[1-9][0-9]{7}|0[3-9][0-9]{2}[1-9][0-9]{6,7}")
MIN_QQ, MAX_QQ = 5, 11
MIN_WECHAT_NUMBER = 6  # WeChat ids are six characters or more

# What may sit between the digits of one written number: 138-0013-8000, 1 3 8, (010)1234.
DIGIT_SEP_CHARS = frozenset(" \t-_.·•~—–/()‐‑‒−⁃")  # with the Unicode hyphens and minus


def char_class(chars: frozenset[str]) -> str:
    """The inside of a regex character class that holds exactly `chars`."""
    return re.escape("".join(sorted(chars)))


_SEPS = char_class(DIGIT_SEP_CHARS)
_DIGIT_SEP = f"[{_SEPS}]"
DIGIT_SEP = re.compile(f"{_DIGIT_SEP}+")


def _run(member: str, *, check: str = "") -> str:
    """A whole run of members, up to three separators between two: ``138-0013-8000``.

    It steps through a run group by group and never backtracks (``++``), so it matches what
    ``{member}(?:{_DIGIT_SEP}{0,3}{member})*`` does, only faster. `check`, tried after the
    first member, passes over runs the caller has no use for; it must fail at every later
    member of a run where it fails at the first, so that no tail of the run matches instead.
    """
    return rf"{member}{check}{member}*+(?:{_DIGIT_SEP}{{1,3}}+{member}++)*+"


_RUN = _run("[0-9]")
# A digit run that may hold a phone number: eleven characters or more, or else followed by
# more digits or separators (the caller skips those).
PHONE_RUN = re.compile(_run("[0-9]", check=f"(?=[0-9{_SEPS}]{{10}})"))

# A run of digits and numerals, which becomes all digits if it holds at least five of them.
# Runs that would not change are passed over: those shorter than five characters, and those
# with no numeral (the look-ahead for one may read past the run, which lets more through).
MIN_NUMERAL_RUN = 5
NUMERAL_RUN = re.compile(
    _run(
        f"[0-9{_NUM}]",
        check=rf"(?=[0-9{_NUM}{_SEPS}]{{{MIN_NUMERAL_RUN - 1}}})"
        rf"(?:(?<=[{_NUM}])|(?=[0-9{_SEPS}]*+[{_NUM}]))",
    )
)
ANY_NUMERAL = re.compile(f"[{_NUM}]")
# Numerals that end a run and come before one of these are a quantity, not digits:
# qq2322612680一周, 379六百万, 1598727418两块.
MEASURE_AFTER = frozenset("十百千万亿元块角毛分天周星月年日号点个次人位单晚群把局级阶倍折成")

# Cheap test on the raw text. A contact needs a digit, a Latin-looking letter, an @ or a run
# of numerals; a text made only of Chinese characters, CJK and ASCII punctuation and spaces,
# with no run of five numerals, cannot hold one. Raw numerals include traditional forms.
_HOPELESS = r"\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f\s!-/:-?\[-`{-~"
_RAW_NUM = _NUM + "貳陸兩"
_RAW_SEP = r"[\s\-_.·•~—–/()（）－＿．／～・･﹣‐‑‒−⁃]"  # ASCII and full-width, dashes, dots
MAX_RAW_SEPS = 3  # between two numerals of a run
MAYBE_CONTACT = re.compile(
    rf"[^{_HOPELESS}]"
    rf"|[{_RAW_NUM}](?:{_RAW_SEP}{{0,{MAX_RAW_SEPS}}}[{_RAW_NUM}]){{{MIN_NUMERAL_RUN - 1}}}"
)
# MAYBE_CONTACT's character sets, one character each, for `contact_fold.gate_table`.
HOPELESS_CHAR = re.compile(f"[{_HOPELESS}]")
RAW_NUMERAL_CHAR = re.compile(f"[{_RAW_NUM}]")
RAW_SEP_CHAR = re.compile(_RAW_SEP)

# Between a cue and the id: spaces, punctuation and little words (号, 是, 搜索, id …).
GAP_CHAR = r"[\s:=>~\-—–_|/\\()\[\]{}（）【】「」《》<\"'“”‘’*,，、.\ufe0f]"
_GAP = rf"(?:{GAP_CHAR}|号码?|是|为|id|账号|搜索?|加|联系|聊)"
_SEP = f"{_GAP}{{0,6}}"

# 微信 written with other characters read wei and xin (薇信, 威信, 胃新, 危信, 伪芯 …).
# Character sets of the cues, named for `contact_scan`, which hands them to the C parsers.
WEI = "微薇威徽维唯胃危伪委围违卫未魏韦惟伟纬苇"
XIN = "信芯心星线新薪欣辛馨鑫昕"
V_AFTER = "信心芯星x"  # or ❤
PLUS = "加+十➕"
PLUS_WEI = "微薇威徽维"
V_X = "x信心"
WEI_ALONE = "微薇"
KOU = "扣抠寇蔻叩"
KOU_ALONE = "扣抠"
_WECHAT_CUE = (
    rf"(?:[{WEI}]\s?[{XIN}]"  # 微信 薇信 威信 徽信 维信 微芯 胃新 危信
    r"|(?<![a-z])(?:weixin|wechat|wei\s?xin)"
    rf"|(?<![a-z])[vw]\s?(?:[{V_AFTER}]|❤)"  # V信 V心 vx wx
    rf"|[{PLUS}]\s?(?:[{PLUS_WEI}]|v\s?[{V_X}]?)"  # 加v +vx 加威 十威
    r"|(?<![a-z0-9])v(?=\s?[:0-9])"  # v: abc12345, v13800138000
    rf"|[{WEI_ALONE}])"
)
_QQ_CUE = (
    r"(?:(?<![a-z])q(?:\s?q)?(?:群|号)?"  # qq q q群 qq号
    rf"|[{KOU}]\s?[{KOU}]|企鹅(?:号|群)?"
    rf"|(?:[{PLUS}]\s?)?[{KOU_ALONE}]群?|群聊?|裙)"  # 扣 + 5 or more digits, 群123456
)
_TELEGRAM_CUE = r"(?:(?<![a-z])(?:telegram|tele|tg)|电报|纸飞机|飞机号|飞机群)"

WECHAT_ID = r"[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-])"
_HANDLE = r"[a-z][a-z0-9_]{4,31}(?![a-z0-9_])"

# Group names are unique across the three, which `CUED` joins.
WECHAT = re.compile(rf"{_WECHAT_CUE}{_SEP}(?:(?P<wechat_id>{WECHAT_ID})|(?P<wechat_num>{_RUN}))")
QQ = re.compile(rf"{_QQ_CUE}{_SEP}(?P<qq_num>{_RUN})")
TELEGRAM = re.compile(
    rf"(?:{_TELEGRAM_CUE}{_SEP}@?|飞机{_SEP}@)(?P<telegram_id>{_HANDLE})"  # bare 飞机 needs @
)

# The characters each cued pattern can start with (a test derives them from the patterns).
WECHAT_FIRST = frozenset(WEI + "vw加+十➕")
QQ_FIRST = frozenset("q扣抠寇蔻叩企群裙加+十➕")
TELEGRAM_FIRST = frozenset("t电纸飞")
CUE_FIRST = WECHAT_FIRST | QQ_FIRST | TELEGRAM_FIRST
# Where each of the three matches, found in one quick search: the regex engine skips ahead
# to the next first character of any, and matches that one character when a whole pattern
# matches there, as the group named for its kind (at most one can: after 加, + or 十 WeChat
# wants 微 or v and QQ 扣). Unlike finditer's, a match may begin inside the one before.
CUED = re.compile(
    f"[{char_class(CUE_FIRST)}](?<=(?:"
    f"(?=(?P<wechat>{WECHAT.pattern}))"
    f"|(?=(?P<qq>{QQ.pattern}))"
    f"|(?=(?P<telegram>{TELEGRAM.pattern}))"
    ").)"
)

# A number directly before one of these is an amount, a date or a count, not a contact id.
UNITS = "元块万亿年月日期%个次人w"
CUED_UNITS = "元块万亿个人w"
UNIT_AFTER = re.compile(rf"\s?[{UNITS}]")
CUED_UNIT_AFTER = re.compile(rf"\s?(?:[{CUED_UNITS}]|r(?![a-z])|rmb)")  # 20r: 20 yuan
UNIT_BEFORE = frozenset("第¥$￥")

# Top-level domains that make a bare name a web address when joined by a plain dot, and the
# smaller set trusted when the dot is disguised (点, 。, spaced or bracketed).
TLDS = frozenset({
    "com", "cn", "net", "org", "cc", "top", "xyz", "vip", "me", "io", "info", "co", "tv", "app",
    "ly", "gl", "link", "site", "online", "shop", "club", "fun", "live", "pro", "biz", "wang",
    "ink", "ren", "xin", "pw", "tk", "ml", "ga", "cf", "gq", "hk", "tw", "uk", "jp", "kr", "ru",
    "de", "fr", "asia", "mobi", "tech", "website", "icu", "cyou", "buzz",
})  # fmt: skip
DISGUISED_TLDS = frozenset({
    "com", "cn", "net", "org", "cc", "top", "xyz", "vip", "info", "app", "club", "site", "shop",
    "wang", "icu", "cyou",
})  # fmt: skip

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# A dot as written: ".", "。", "点", " dot ", "(.)", "[dot]", with spaces around it.
_DOT = r"(?:\s{0,2}[.。点]\s{0,2}|\s+dot\s+|\s?[(\[]\s?(?:dot|\.|点)\s?[)\]]\s?)"
PLAIN_DOT = "."
DOT = re.compile(_DOT)
_DOMAIN = rf"(?:{_LABEL}{_DOT}){{1,5}}[a-z]{{2,10}}(?![a-z0-9-])"
_PATH = r"(?::[0-9]{1,5})?(?:/[a-z0-9\-._~%!$&'*+,;=:@/?#]*)?"

DOMAIN = re.compile(rf"(?<![a-z0-9_@.\-])(?P<host>{_DOMAIN})(?P<path>{_PATH})")
SCHEME_URL = re.compile(
    r"(?:https?|hxxps?)\s?[:：]\s?/\s?/\s?(?P<host>[a-z0-9\-._~%]+)(?P<path>" + _PATH + ")"
)
_AT = r"(?:\s?@\s?|\s+at\s+|\s?[(\[]\s?at\s?[)\]]\s?)"
EMAIL = re.compile(
    rf"(?<![a-z0-9._%+\-])(?P<local>[a-z0-9][a-z0-9._%+\-]{{0,63}})(?P<at>{_AT})"
    rf"(?P<host>{_DOMAIN})"
)
TRAILING_PUNCT = ".,;:!?'*"
TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})

# Gates: cheap tests on folded text, each true wherever some of the patterns above can match,
# so that a text failing one is spared those patterns; `contact_fold` lifts them all to raw
# text. A shape is a sequence of character sets, each with its quantifier.
Shape = tuple[tuple[frozenset[str], str], ...]

_DIGITS = frozenset(string.digits)
_LETTERS = frozenset(string.ascii_lowercase)
_ALNUM = _DIGITS | _LETTERS
_SPACES = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())  # \s; U+3000 is last

# A cued id or number comes after one of CUE_FIRST, and has five id characters in a row: five
# digits of one run, or a Latin letter and four more of a WeChat id or a Telegram handle.
ID_SHAPE: Shape = ((_ALNUM, ""), (_ALNUM | DIGIT_SEP_CHARS, "{4}"))
# A phone number with no cue is eleven digits or more of a run, the first 0, 1 or 8.
PHONE_SHAPE: Shape = ((frozenset("018"), ""), (_DIGITS | DIGIT_SEP_CHARS, "{10}"))
# Every domain, bare or in an e-mail, has a dot (".", "。", "点", "(.)", or the "t" of "dot")
# with a letter after it, past any spaces.
DOMAIN_SHAPE: Shape = ((frozenset(".。点)]t"), ""), (_SPACES, "*"), (_LETTERS, ""))
# Every address written with its scheme has a "/".
SCHEME_SHAPE: Shape = ((frozenset("/"), ""),)


def shape_pattern(shape: Shape) -> str:
    return "".join(f"[{char_class(chars)}]{quantifier}" for chars, quantifier in shape)


MAYBE_DOMAIN = re.compile(shape_pattern(DOMAIN_SHAPE))
