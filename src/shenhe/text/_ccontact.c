/*
 * shenhe.text._ccontact: the parsers of contact detection in C.
 *
 * `find_batch` takes a batch of texts folded for contacts (shenhe.text.contact_fold: joined by
 * U+0000, numerals of digit runs already digits) and finds, for each text, what the Python
 * path (shenhe.text.contacts._hits and shenhe.text.contact_numbers) finds: WeChat ids and
 * numbers, QQ numbers and Telegram handles after their cues, and bare phone numbers. Every
 * pattern of shenhe.text.contact_patterns it stands for is spelled out below as the regex
 * engine would try it: alternatives in order, greedy repeats longest first, so that the first
 * match found is the regex's own. A text that might hold an address (`may_hold_address`) is
 * left to Python: its entry is None. `numerals_to_digits` turns the numerals of digit runs into
 * digits as contact_fold does with a regex. The character sets come from Python
 * (`contact_scan.scan_table`), one uint32 of bits per BMP code point; the patterns and numbers
 * spelled out here are fingerprinted there (`contact_scan.SPELLED`), and the tests hold this
 * module to the Python path.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* The class bits of the table, as shenhe.text.contact_scan names them. */
enum {
    K_SPACE = 1 << 0,       /* \s */
    K_GAP = 1 << 1,         /* the one-character gaps between a cue and its id */
    K_WEI = 1 << 2,         /* 微 written as any character read wei */
    K_XIN = 1 << 3,         /* 信 written as any character read xin */
    K_V_AFTER = 1 << 4,     /* after v or w: 信 心 芯 星 x ❤ */
    K_PLUS = 1 << 5,        /* 加 + 十 ➕ */
    K_PLUS_WEI = 1 << 6,    /* after 加: 微 薇 威 徽 维 */
    K_V_X = 1 << 7,         /* after 加v: x 信 心 */
    K_WEI_ALONE = 1 << 8,   /* 微 薇 */
    K_KOU = 1 << 9,         /* 扣 and its sound-alikes */
    K_KOU_ALONE = 1 << 10,  /* 扣 抠 */
    K_DIGIT_SEP = 1 << 11,  /* between the digits of one number */
    K_CUE = 1 << 12,        /* a cue's first character */
    K_UNIT = 1 << 13,       /* after a bare number: an amount, a date, a count */
    K_CUED_UNIT = 1 << 14,  /* after a cued number */
    K_UNIT_BEFORE = 1 << 15, /* before a number: 第 ¥ $ ￥ */
    K_NUMERAL = 1 << 16,     /* a Chinese numeral (or ○) that stands for a digit in a run */
    K_COUNTED = 1 << 17,     /* a numeral that counts toward a run's length (str.isalnum) */
    K_MEASURE = 1 << 18,     /* after a run: its last numerals count something */
};
#define DIGIT_SHIFT 24       /* bits 24 to 27: the digit a numeral stands for */
#define MIN_NUMERAL_RUN 5

#define CH_HAO 0x53F7     /* 号 */
#define CH_MA 0x7801      /* 码 */
#define CH_SHI 0x662F     /* 是 */
#define CH_WEI_FOR 0x4E3A /* 为 */
#define CH_ZHANG 0x8D26   /* 账 */
#define CH_SOU 0x641C     /* 搜 */
#define CH_SUO 0x7D22     /* 索 */
#define CH_JIA 0x52A0     /* 加 */
#define CH_LIAN 0x8054    /* 联 */
#define CH_XI 0x7CFB      /* 系 */
#define CH_LIAO 0x804A    /* 聊 */
#define CH_QI 0x4F01      /* 企 */
#define CH_E 0x9E45       /* 鹅 */
#define CH_QUN 0x7FA4     /* 群 */
#define CH_QUN_SKIRT 0x88D9 /* 裙 */
#define CH_DIAN 0x7535    /* 电 */
#define CH_BAO 0x62A5     /* 报 */
#define CH_ZHI 0x7EB8     /* 纸 */
#define CH_FEI 0x98DE     /* 飞 */
#define CH_JI 0x673A      /* 机 */
#define CH_FULL_STOP 0x3002 /* 。 */
#define CH_DOT 0x70B9     /* 点 */

#define MAX_GAPS 6
#define MAX_QQ 11
#define MIN_WECHAT_NUMBER 6
#define MIN_QQ 5

enum { WECHAT, QQ, TELEGRAM, PHONE, LANDLINE, KINDS };
static const char *KIND_NAMES[KINDS] = {"wechat", "qq", "telegram", "phone", "landline"};

/* One text of the joined batch: characters outside [lo, hi) read as U+0000, in no class. */
typedef struct {
    PyObject *string;
    int kind;
    const void *data;
    Py_ssize_t lo, hi;
    const uint32_t *table;
} Text;

static inline Py_UCS4 at(const Text *t, Py_ssize_t i) {
    return (i < t->lo || i >= t->hi) ? 0 : PyUnicode_READ(t->kind, t->data, i);
}

static inline uint32_t cls(const Text *t, Py_ssize_t i) {
    Py_UCS4 c = at(t, i);
    return c < 0x10000 ? t->table[c] : 0;
}

static inline int is_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }
static inline int is_lower(Py_UCS4 c) { return c >= 'a' && c <= 'z'; }
static inline int is_space(const Text *t, Py_ssize_t i) { return (cls(t, i) & K_SPACE) != 0; }

static int literal(const Text *t, Py_ssize_t i, const char *s) {
    for (; *s; s++, i++)
        if (at(t, i) != (Py_UCS4)(unsigned char)*s) return 0;
    return 1;
}

/* A digit run (contact_patterns._run("[0-9]")): its end, or -1 where no digit starts one. */
static Py_ssize_t run_end(const Text *t, Py_ssize_t i) {
    if (!is_digit(at(t, i))) return -1;
    Py_ssize_t j = i + 1;
    while (is_digit(at(t, j))) j++;
    for (;;) {
        Py_ssize_t k = j;
        int seps = 0;
        while (seps < 3 && (cls(t, k) & K_DIGIT_SEP)) { k++; seps++; }
        if (!seps || !is_digit(at(t, k))) return j;
        while (is_digit(at(t, k))) k++;
        j = k;
    }
}

/* [a-z][a-z0-9_]{min,max}(?![a-z0-9_]), with "-" among the later characters if `dash`. */
static Py_ssize_t word_end(const Text *t, Py_ssize_t i, Py_ssize_t min, Py_ssize_t max, int dash) {
    if (!is_lower(at(t, i))) return -1;
    Py_ssize_t j = i + 1;
    for (;;) {
        Py_UCS4 c = at(t, j);
        if (!(is_lower(c) || is_digit(c) || c == '_' || (dash && c == '-'))) break;
        if (j - i > max) return -1;  /* one more than max: no length is followed by a non-word */
        j++;
    }
    return j - i - 1 >= min ? j : -1;
}

/* What a cued pattern matched: where it ends, and the span of its id. */
typedef struct {
    Py_ssize_t end, id_start, id_end;
    int is_word;  /* WeChat: the id is a word (wechat_id), not digits (wechat_num) */
} Found;

typedef int (*Tail)(const Text *, Py_ssize_t, Found *);

static int wechat_tail(const Text *t, Py_ssize_t pos, Found *f) {
    Py_ssize_t end = word_end(t, pos, 5, 19, 1);
    f->is_word = end >= 0;
    if (end < 0) end = run_end(t, pos);
    if (end < 0) return 0;
    f->end = f->id_end = end;
    f->id_start = pos;
    return 1;
}

static int qq_tail(const Text *t, Py_ssize_t pos, Found *f) {
    Py_ssize_t end = run_end(t, pos);
    if (end < 0) return 0;
    f->end = f->id_end = end;
    f->id_start = pos;
    return 1;
}

static int handle_tail(const Text *t, Py_ssize_t pos, Found *f) {
    Py_ssize_t end = word_end(t, pos, 4, 31, 0);
    if (end < 0) return 0;
    f->end = f->id_end = end;
    f->id_start = pos;
    return 1;
}

static int telegram_tail(const Text *t, Py_ssize_t pos, Found *f) {  /* @?handle */
    return handle_tail(t, pos + (at(t, pos) == '@'), f);
}

static int telegram_at_tail(const Text *t, Py_ssize_t pos, Found *f) {  /* @handle */
    return at(t, pos) == '@' && handle_tail(t, pos + 1, f);
}

/* _SEP then the tail: up to six gaps, the most first, each gap's longer form first. */
static int gaps_then(const Text *t, Py_ssize_t pos, int depth, Tail tail, Found *f) {
    if (depth < MAX_GAPS) {
        Py_ssize_t next[2];
        int n = 0;
        Py_UCS4 c = at(t, pos);
        if (cls(t, pos) & K_GAP) {
            next[n++] = pos + 1;
        } else if (c == CH_HAO || c == CH_SOU) {  /* 号码? 搜索? */
            if (at(t, pos + 1) == (c == CH_HAO ? CH_MA : CH_SUO)) next[n++] = pos + 2;
            next[n++] = pos + 1;
        } else if (c == CH_SHI || c == CH_WEI_FOR || c == CH_JIA || c == CH_LIAO) {
            next[n++] = pos + 1;
        } else if ((c == 'i' && at(t, pos + 1) == 'd') || (c == CH_ZHANG && at(t, pos + 1) == CH_HAO)
                   || (c == CH_LIAN && at(t, pos + 1) == CH_XI)) {
            next[n++] = pos + 2;
        }
        for (int k = 0; k < n; k++)
            if (gaps_then(t, next[k], depth + 1, tail, f)) return 1;
    }
    return tail(t, pos, f);
}

#define MAX_CUES 24

static int first_of(const Text *t, const Py_ssize_t *cues, int n, Tail tail, Found *f) {
    for (int k = 0; k < n; k++)
        if (gaps_then(t, cues[k], 0, tail, f)) return 1;
    return 0;
}

/* contact_patterns.WECHAT at i: each way its cue can end, in the order the regex tries them. */
static int wechat_at(const Text *t, Py_ssize_t i, Found *f) {
    Py_ssize_t cues[MAX_CUES];
    int n = 0;
    uint32_t c0 = cls(t, i);
    Py_UCS4 c = at(t, i), before = at(t, i - 1);
    if (c0 & K_WEI) {  /* [微…]\s?[信…] */
        if (is_space(t, i + 1) && (cls(t, i + 2) & K_XIN)) cues[n++] = i + 3;
        if (cls(t, i + 1) & K_XIN) cues[n++] = i + 2;
    }
    if (!is_lower(before)) {
        if (literal(t, i, "weixin") || literal(t, i, "wechat")) cues[n++] = i + 6;
        if (literal(t, i, "wei")) {  /* wei\s?xin */
            if (is_space(t, i + 3) && literal(t, i + 4, "xin")) cues[n++] = i + 7;
            if (literal(t, i + 3, "xin")) cues[n++] = i + 6;
        }
        if (c == 'v' || c == 'w') {  /* [vw]\s?(?:[信心芯星x]|❤) */
            if (is_space(t, i + 1) && (cls(t, i + 2) & K_V_AFTER)) cues[n++] = i + 3;
            if (cls(t, i + 1) & K_V_AFTER) cues[n++] = i + 2;
        }
    }
    if (c0 & K_PLUS) {  /* [加+十➕]\s?(?:[微薇威徽维]|v\s?[x信心]?) */
        for (int space = is_space(t, i + 1); space >= 0; space--) {
            Py_ssize_t q = i + 1 + space;
            if (cls(t, q) & K_PLUS_WEI) cues[n++] = q + 1;
            if (at(t, q) == 'v') {
                Py_ssize_t r = q + 1;
                if (is_space(t, r)) {
                    if (cls(t, r + 1) & K_V_X) cues[n++] = r + 2;
                    cues[n++] = r + 1;
                }
                if (cls(t, r) & K_V_X) cues[n++] = r + 1;
                cues[n++] = r;
            }
        }
    }
    if (c == 'v' && !is_lower(before) && !is_digit(before)) {  /* v(?=\s?[:0-9]) */
        Py_UCS4 next = at(t, i + 1), after = at(t, i + 2);
        if ((is_space(t, i + 1) && (after == ':' || is_digit(after))) || next == ':' || is_digit(next))
            cues[n++] = i + 1;
    }
    if (c0 & K_WEI_ALONE) cues[n++] = i + 1;  /* [微薇] */
    return first_of(t, cues, n, wechat_tail, f);
}

/* A cue ending at `end` followed by an optional 群 (or 号, where `hao`), longer first. */
static int then_qun(const Text *t, Py_ssize_t end, int hao, Py_ssize_t *cues, int n) {
    Py_UCS4 c = at(t, end);
    if (c == CH_QUN || (hao && c == CH_HAO)) cues[n++] = end + 1;
    cues[n++] = end;
    return n;
}

/* contact_patterns.QQ at i. */
static int qq_at(const Text *t, Py_ssize_t i, Found *f) {
    Py_ssize_t cues[MAX_CUES];
    int n = 0;
    uint32_t c0 = cls(t, i);
    Py_UCS4 c = at(t, i);
    if (c == 'q' && !is_lower(at(t, i - 1))) {  /* q(?:\s?q)?(?:群|号)? */
        if (is_space(t, i + 1) && at(t, i + 2) == 'q') n = then_qun(t, i + 3, 1, cues, n);
        if (at(t, i + 1) == 'q') n = then_qun(t, i + 2, 1, cues, n);
        n = then_qun(t, i + 1, 1, cues, n);
    }
    if (c0 & K_KOU) {  /* [扣…]\s?[扣…] */
        if (is_space(t, i + 1) && (cls(t, i + 2) & K_KOU)) cues[n++] = i + 3;
        if (cls(t, i + 1) & K_KOU) cues[n++] = i + 2;
    }
    if (c == CH_QI && at(t, i + 1) == CH_E) n = then_qun(t, i + 2, 1, cues, n);  /* 企鹅(?:号|群)? */
    if (c0 & K_PLUS) {  /* (?:[加+十➕]\s?)?[扣抠]群? */
        for (int space = is_space(t, i + 1); space >= 0; space--) {
            Py_ssize_t q = i + 1 + space;
            if (cls(t, q) & K_KOU_ALONE) n = then_qun(t, q + 1, 0, cues, n);
        }
    }
    if (c0 & K_KOU_ALONE) n = then_qun(t, i + 1, 0, cues, n);
    if (c == CH_QUN) {  /* 群聊? */
        if (at(t, i + 1) == CH_LIAO) cues[n++] = i + 2;
        cues[n++] = i + 1;
    }
    if (c == CH_QUN_SKIRT) cues[n++] = i + 1;
    return first_of(t, cues, n, qq_tail, f);
}

/* contact_patterns.TELEGRAM at i. */
static int telegram_at(const Text *t, Py_ssize_t i, Found *f) {
    Py_ssize_t cues[MAX_CUES];
    int n = 0;
    Py_UCS4 c = at(t, i), c1 = at(t, i + 1), c2 = at(t, i + 2);
    if (!is_lower(at(t, i - 1))) {  /* telegram|tele|tg */
        if (literal(t, i, "telegram")) cues[n++] = i + 8;
        if (literal(t, i, "tele")) cues[n++] = i + 4;
        if (literal(t, i, "tg")) cues[n++] = i + 2;
    }
    if (c == CH_DIAN && c1 == CH_BAO) cues[n++] = i + 2;
    if (c == CH_ZHI && c1 == CH_FEI && c2 == CH_JI) cues[n++] = i + 3;
    if (c == CH_FEI && c1 == CH_JI && (c2 == CH_HAO || c2 == CH_QUN)) cues[n++] = i + 3;
    if (first_of(t, cues, n, telegram_tail, f)) return 1;
    return c == CH_FEI && c1 == CH_JI && gaps_then(t, i + 2, 0, telegram_at_tail, f);
}

/* Hits, as contacts._hits collects them: (start, end, kind, value) in joined coordinates. */
typedef struct {
    Py_ssize_t start, end;
    int kind;
    PyObject *value;
} Hit;

typedef struct {
    Hit *items;
    Py_ssize_t len, cap;
} Hits;

static int add_hit(Hits *h, Py_ssize_t start, Py_ssize_t end, int kind, PyObject *value) {
    if (!value) return -1;
    if (h->len == h->cap) {
        Py_ssize_t cap = h->cap ? 2 * h->cap : 8;
        Hit *items = PyMem_Realloc(h->items, cap * sizeof(Hit));
        if (!items) { Py_DECREF(value); PyErr_NoMemory(); return -1; }
        h->items = items;
        h->cap = cap;
    }
    h->items[h->len++] = (Hit){start, end, kind, value};
    return 0;
}

static void clear_hits(Hits *h) {
    for (Py_ssize_t k = 0; k < h->len; k++) Py_DECREF(h->items[k].value);
    h->len = 0;
}

static PyObject *ascii_string(const char *s, Py_ssize_t len) {
    return PyUnicode_FromStringAndSize(s, len);
}

/* The digit groups of a run, split at its separators (contact_numbers._groups). */
typedef struct { Py_ssize_t start, end; } Span;

typedef struct {
    Span *items;
    Py_ssize_t len;
    Span small[32];
} Groups;

static int groups_of(const Text *t, Py_ssize_t start, Py_ssize_t end, Groups *g) {
    Py_ssize_t most = (end - start + 1) / 2 + 1;
    g->items = g->small;
    if (most > 32) {
        g->items = PyMem_Malloc(most * sizeof(Span));
        if (!g->items) { PyErr_NoMemory(); return -1; }
    }
    g->len = 0;
    Py_ssize_t i = start;
    while (i < end) {
        Py_ssize_t j = i;
        while (j < end && is_digit(at(t, j))) j++;
        g->items[g->len++] = (Span){i, j};
        while (j < end && !is_digit(at(t, j))) j++;
        i = j;
    }
    return 0;
}

static void free_groups(Groups *g) {
    if (g->items != g->small) PyMem_Free(g->items);
}

/* (kind, value) of a mobile number, past any country code, or a landline (contact_numbers._phone). */
static int phone_kind(const char *d, Py_ssize_t len, Py_ssize_t *skip) {
    *skip = 0;
    if (len == 11 && d[0] == '1' && d[1] >= '3') return PHONE;
    if (len == 13 && d[0] == '8' && d[1] == '6' && d[2] == '1' && d[3] >= '3') {
        *skip = 2;
        return PHONE;
    }
    if (d[0] != '0') return -1;
    if (len == 11 && ((d[1] == '1' && d[2] == '0') || d[1] == '2') && d[3] >= '1') return LANDLINE;
    if ((len == 11 || len == 12) && d[1] >= '3' && d[4] >= '1') return LANDLINE;
    return -1;
}

typedef struct {
    Py_ssize_t last;  /* the index of the phone's last group */
    int kind;
    char digits[14];
    Py_ssize_t skip, len;
} Phone;

static int glued(const Text *t, Py_ssize_t start, Py_ssize_t end) {
    Py_UCS4 a = at(t, start - 1), b = at(t, end);
    return ((a | 0x20) >= 'a' && (a | 0x20) <= 'z') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
}

/* The longest phone number made of groups i.. (contact_numbers._phone_from). */
static int phone_from(const Text *t, const Groups *g, Py_ssize_t i, int bare, Phone *best) {
    char digits[14];
    Py_ssize_t len = 0;
    int singles = 0, found = 0;
    for (Py_ssize_t j = i; j < g->len; j++) {
        Py_ssize_t width = g->items[j].end - g->items[j].start;
        if (bare && j > i && (width == 1) != singles) break;
        singles = width == 1;
        for (Py_ssize_t k = g->items[j].start; k < g->items[j].end; k++, len++)
            if (len < 14) digits[len] = (char)at(t, k);
        if (len < 11) continue;
        if (len > 13) break;
        Py_ssize_t skip;
        int kind = phone_kind(digits, len, &skip);
        if (kind >= 0) {
            found = 1;
            best->last = j;
            best->kind = kind;
            best->skip = skip;
            best->len = len;
            memcpy(best->digits, digits, (size_t)len);
        }
    }
    if (found && bare && best->kind == LANDLINE &&
        glued(t, g->items[i].start, g->items[best->last].end))
        return 0;
    return found;
}

static PyObject *phone_value(const Phone *p) {
    return ascii_string(p->digits + p->skip, p->len - p->skip);
}

/* A unit at q: contact_patterns.UNIT_AFTER's class, or CUED_UNIT_AFTER's alternatives. */
static int unit_at(const Text *t, Py_ssize_t q, int cued) {
    uint32_t c = cls(t, q);
    if (!cued) return (c & K_UNIT) != 0;
    if (c & K_CUED_UNIT) return 1;
    if (at(t, q) != 'r') return 0;
    return !is_lower(at(t, q + 1)) || (at(t, q + 1) == 'm' && at(t, q + 2) == 'b');
}

/* contact_numbers._is_amount. */
static int is_amount(const Text *t, Py_ssize_t start, Py_ssize_t end, int cued) {
    if ((is_space(t, end) && unit_at(t, end + 1, cued)) || unit_at(t, end, cued)) return 1;
    return (cls(t, start - 1) & K_UNIT_BEFORE) != 0;
}

/* contact_numbers.cued_number: 1 with (end, value) set, 0 for none, -1 on error. */
static int cued_number(const Text *t, Py_ssize_t start, Py_ssize_t end, Py_ssize_t min_len,
                       Py_ssize_t *found_end, PyObject **value) {
    Groups g;
    if (groups_of(t, start, end, &g) < 0) return -1;
    int result = 0;
    Phone phone;
    char digits[MAX_QQ + 1];
    if (end - start >= 11 && phone_from(t, &g, 0, 0, &phone)) {
        *found_end = g.items[phone.last].end;
        *value = phone_value(&phone);
        result = *value ? 1 : -1;
    } else if (g.len == 1) {
        Py_ssize_t len = end - start;
        if (min_len <= len && len <= MAX_QQ && at(t, start) != '0' && !is_amount(t, start, end, 1)) {
            for (Py_ssize_t k = 0; k < len; k++) digits[k] = (char)at(t, start + k);
            *found_end = end;
            *value = ascii_string(digits, len);
            result = *value ? 1 : -1;
        }
    } else {
        Py_ssize_t head_end[MAX_QQ], head_len[MAX_QQ], len = 0;
        int heads = 0;
        for (Py_ssize_t j = 0; j < g.len; j++) {
            Py_ssize_t width = g.items[j].end - g.items[j].start;
            if (len + width > MAX_QQ) break;
            for (Py_ssize_t k = 0; k < width; k++) digits[len + k] = (char)at(t, g.items[j].start + k);
            len += width;
            head_end[heads] = g.items[j].end;
            head_len[heads++] = len;
        }
        for (int k = heads - 1; k >= 0; k--) {
            if (head_len[k] < min_len || digits[0] == '0') break;
            if (!is_amount(t, start, head_end[k], 1)) {
                *found_end = head_end[k];
                *value = ascii_string(digits, head_len[k]);
                result = *value ? 1 : -1;
                break;
            }
        }
    }
    free_groups(&g);
    return result;
}

/* contacts._cued: every position where a cued pattern matches, each kind resuming past its
 * last match as its own finditer would. */
static int cued(const Text *t, Hits *hits) {
    Py_ssize_t resume[3] = {t->lo, t->lo, t->lo};
    for (Py_ssize_t i = t->lo; i < t->hi; i++) {
        if (!(cls(t, i) & K_CUE)) continue;
        Found f;
        int kind;
        if (wechat_at(t, i, &f)) kind = WECHAT;
        else if (qq_at(t, i, &f)) kind = QQ;
        else if (telegram_at(t, i, &f)) kind = TELEGRAM;
        else continue;
        if (i < resume[kind]) continue;
        resume[kind] = f.end;
        PyObject *value = NULL;
        Py_ssize_t end = f.end;
        if (kind == TELEGRAM) {
            PyObject *handle = PyUnicode_Substring(t->string, f.id_start, f.id_end);
            if (!handle) return -1;
            value = PyUnicode_FromFormat("@%U", handle);
            Py_DECREF(handle);
        } else if (kind == WECHAT && f.is_word) {
            value = PyUnicode_Substring(t->string, f.id_start, f.id_end);
        } else {
            Py_ssize_t min_len = kind == QQ ? MIN_QQ : MIN_WECHAT_NUMBER;
            int got = cued_number(t, f.id_start, f.id_end, min_len, &end, &value);
            if (got <= 0) {
                if (got < 0) return -1;
                continue;
            }
        }
        if (add_hit(hits, i, end, kind, value) < 0) return -1;
    }
    return 0;
}

/* contact_numbers._phones_in: the phone numbers made of whole groups of one run. */
static int phones_in(const Text *t, Py_ssize_t start, Py_ssize_t end, Hits *hits) {
    Groups g;
    if (groups_of(t, start, end, &g) < 0) return -1;
    Py_ssize_t i = 0;
    while (i < g.len) {
        Py_UCS4 first = at(t, g.items[i].start);
        Phone phone;
        if (!((first == '0' || first == '1' || first == '8') && phone_from(t, &g, i, 1, &phone))) {
            i++;
            continue;
        }
        Py_ssize_t from = g.items[i].start, to = g.items[phone.last].end;
        if (!is_amount(t, from, to, 0) && add_hit(hits, from, to, phone.kind, phone_value(&phone)) < 0) {
            free_groups(&g);
            return -1;
        }
        i = phone.last + 1;
    }
    free_groups(&g);
    return 0;
}

/* contact_numbers.bare_numbers: each run PHONE_RUN finds, a digit with ten digits or
 * separators after it, holding eleven characters or more. */
static int bare_numbers(const Text *t, Hits *hits) {
    Py_ssize_t pos = t->lo;
    for (;;) {
        Py_ssize_t i = pos;
        for (; i < t->hi; i++) {
            if (!is_digit(at(t, i))) continue;
            int k = 1;
            while (k <= 10 && (is_digit(at(t, i + k)) || (cls(t, i + k) & K_DIGIT_SEP))) k++;
            if (k > 10) break;
        }
        if (i >= t->hi) return 0;
        Py_ssize_t end = run_end(t, i);
        if (end - i >= 11 && phones_in(t, i, end, hits) < 0) return -1;
        pos = end;
    }
}

/* 1 where the word at j (a maximal run of [a-z0-9-]) is a top-level domain of `tlds`, 0 where
 * not, -1 on error. */
static int tld_at(const Text *t, Py_ssize_t j, PyObject *tlds) {
    Py_ssize_t k = j;
    for (Py_UCS4 c = at(t, k); is_lower(c) || is_digit(c) || c == '-'; c = at(t, k)) k++;
    PyObject *word = PyUnicode_Substring(t->string, j, k);
    if (!word) return -1;
    int found = PySet_Contains(tlds, word);
    Py_DECREF(word);
    return found;
}

/* 1 where the text might hold an address, which the Python path reads (-1 on error).
 *
 * A web address written with its scheme has "/" and http or hxxp. Every other address that
 * contacts._domains or contacts._emails reports has a dot as contact_patterns._DOT writes it
 * (`\s{0,2}[.。点]\s{0,2}` after a label's letter or digit, `\s+dot\s+`, or a bracket and
 * `\s?`) right before the last name of its host, and that name is one of `tlds`, unless an
 * "@" makes it an e-mail address, which takes any name after its dot. */
static int may_hold_address(const Text *t, PyObject *tlds) {
    int slash = 0, scheme = 0, at_sign = 0, dotted = 0;
    for (Py_ssize_t i = t->lo; i < t->hi; i++) {
        Py_UCS4 c = at(t, i);
        Py_ssize_t after = -1;  /* where a name would start after a dot at i */
        if (c == '/') {
            slash = 1;
        } else if (c == '@') {
            at_sign = 1;
        } else if (c == 'p') {  /* https? and hxxps? */
            scheme = scheme || literal(t, i - 3, "htt") || literal(t, i - 3, "hxx");
        } else if (c == '.' || c == CH_FULL_STOP || c == CH_DOT) {
            Py_ssize_t before = i - 1;
            for (int k = 0; k < 2 && is_space(t, before); k++) before--;
            if (is_lower(at(t, before)) || is_digit(at(t, before))) {
                after = i + 1;
                for (int k = 0; k < 2 && is_space(t, after); k++) after++;
            }
        } else if (c == ')' || c == ']') {
            after = i + 1;
            for (int k = 0; k < 2 && is_space(t, after); k++) after++;
        } else if (c == 't' && literal(t, i - 2, "do") && is_space(t, i - 3) && is_space(t, i + 1)) {
            after = i + 1;
            while (is_space(t, after)) after++;
        }
        if (after < 0 || !is_lower(at(t, after))) continue;
        dotted = 1;
        int tld = tld_at(t, after, tlds);
        if (tld) return tld;
    }
    return (at_sign && dotted) || (slash && scheme);
}

/* contacts._find's order: by start, the longer first, ties in the order found. */
static void sort_hits(Hits *h) {
    for (Py_ssize_t k = 1; k < h->len; k++) {
        Hit hit = h->items[k];
        Py_ssize_t j = k;
        while (j > 0) {
            Hit *prev = &h->items[j - 1];
            if (prev->start < hit.start ||
                (prev->start == hit.start && prev->start - prev->end <= hit.start - hit.end))
                break;
            h->items[j] = *prev;
            j--;
        }
        h->items[j] = hit;
    }
}

static PyObject *FIELDS[5];  /* kind, value, text, start, end */
static PyObject *KINDS_STR[KINDS];

/* A Contact made as its frozen dataclass __init__ makes it: object.__new__ and
 * object.__setattr__ of each field. */
static PyObject *new_contact(PyTypeObject *type, PyObject *empty, PyObject *values[5]) {
    PyObject *contact = PyBaseObject_Type.tp_new(type, empty, NULL);
    if (!contact) return NULL;
    for (int k = 0; k < 5; k++) {
        if (PyObject_GenericSetAttr(contact, FIELDS[k], values[k]) < 0) {
            Py_DECREF(contact);
            return NULL;
        }
    }
    return contact;
}

/* The contacts of one text from its hits (contacts._find), or NULL with an error set. */
static PyObject *contacts_of(Hits *h, PyObject *text, const int32_t *origins, Py_ssize_t lo,
                             PyTypeObject *type, PyObject *empty) {
    sort_hits(h);
    PyObject *list = PyList_New(0);
    if (!list) return NULL;
    Py_ssize_t last_end = lo;
    for (Py_ssize_t k = 0; k < h->len; k++) {
        Hit *hit = &h->items[k];
        if (hit->start < last_end) continue;
        last_end = hit->end;
        Py_ssize_t src_start = origins[hit->start], src_end = origins[hit->end - 1] + 1;
        PyObject *values[5] = {KINDS_STR[hit->kind], hit->value, NULL, NULL, NULL};
        values[2] = PyUnicode_Substring(text, src_start, src_end);
        values[3] = PyLong_FromSsize_t(src_start);
        values[4] = PyLong_FromSsize_t(src_end);
        PyObject *contact = NULL;
        if (values[2] && values[3] && values[4]) contact = new_contact(type, empty, values);
        Py_XDECREF(values[2]);
        Py_XDECREF(values[3]);
        Py_XDECREF(values[4]);
        if (!contact || PyList_Append(list, contact) < 0) {
            Py_XDECREF(contact);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(contact);
    }
    return list;
}

/* find_batch(texts, numbers, joined, starts, origins, table, tlds, contact_type)
 * -> (dict, list):
 * by numbers[k], in order, the contacts of each texts[k] that holds one, and None for each
 * text that might hold an address, whose k the list gives: the caller finds those in Python.
 * `joined` folds texts[k] from starts[k] on; `origins` (int32) maps each of its characters to
 * its index in the text it came from. */
static PyObject *find_batch(PyObject *self, PyObject *args) {
    PyObject *texts, *numbers, *joined, *starts, *tlds;
    Py_buffer origins_buf, table_buf;
    PyTypeObject *type;
    if (!PyArg_ParseTuple(args, "O!O!UO!y*y*O!O!", &PyList_Type, &texts, &PyList_Type, &numbers,
                          &joined, &PyList_Type, &starts, &origins_buf, &table_buf,
                          &PyFrozenSet_Type, &tlds, &PyType_Type, &type))
        return NULL;
    PyObject *found = NULL, *pending = NULL, *empty = NULL, *result = NULL;
    Hits hits = {NULL, 0, 0};
    Py_ssize_t count = PyList_GET_SIZE(numbers), length = PyUnicode_GET_LENGTH(joined);
    if (table_buf.len != (Py_ssize_t)(0x10000 * sizeof(uint32_t))) {
        PyErr_SetString(PyExc_ValueError, "table must hold one uint32 per BMP code point");
        goto fail;
    }
    if (PyList_GET_SIZE(starts) != count || PyList_GET_SIZE(texts) != count ||
        origins_buf.len != length * (Py_ssize_t)sizeof(int32_t)) {
        PyErr_SetString(PyExc_ValueError, "one start per number and one origin per character");
        goto fail;
    }
    const int32_t *origins = (const int32_t *)origins_buf.buf;
    empty = PyTuple_New(0);
    found = PyDict_New();
    pending = PyList_New(0);
    if (!empty || !found || !pending) goto fail;
    Text t = {joined, PyUnicode_KIND(joined), PyUnicode_DATA(joined), 0, 0,
              (const uint32_t *)table_buf.buf};
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *number = PyList_GET_ITEM(numbers, k), *text = PyList_GET_ITEM(texts, k);
        t.lo = PyLong_AsSsize_t(PyList_GET_ITEM(starts, k));
        t.hi = k + 1 < count ? PyLong_AsSsize_t(PyList_GET_ITEM(starts, k + 1)) - 1 : length;
        if (PyErr_Occurred()) goto fail;
        if (t.lo < 0 || t.hi > length || t.lo > t.hi || !PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_ValueError, "starts do not fit the joined string");
            goto fail;
        }
        int address = may_hold_address(&t, tlds);
        if (address < 0) goto fail;
        if (address) {
            PyObject *at_k = PyLong_FromSsize_t(k);
            int failed = !at_k || PyDict_SetItem(found, number, Py_None) < 0 ||
                         PyList_Append(pending, at_k) < 0;
            Py_XDECREF(at_k);
            if (failed) goto fail;
            continue;
        }
        if (cued(&t, &hits) < 0 || bare_numbers(&t, &hits) < 0) goto fail;
        if (!hits.len) continue;
        PyObject *list = contacts_of(&hits, text, origins, t.lo, type, empty);
        clear_hits(&hits);
        if (!list) goto fail;
        int failed = PyDict_SetItem(found, number, list) < 0;
        Py_DECREF(list);
        if (failed) goto fail;
    }
    result = PyTuple_Pack(2, found, pending);
fail:
    Py_XDECREF(found);
    Py_XDECREF(pending);
    clear_hits(&hits);
    PyMem_Free(hits.items);
    Py_XDECREF(empty);
    PyBuffer_Release(&origins_buf);
    PyBuffer_Release(&table_buf);
    return result;
}

/* A digit or a numeral: a member of contact_patterns.NUMERAL_RUN. */
static inline int is_member(const Text *t, Py_ssize_t i) {
    return is_digit(at(t, i)) || (cls(t, i) & K_NUMERAL);
}

/* contact_patterns.NUMERAL_RUN at i: its end, or -1. The first member, four members or
 * separators after it, and a numeral at i or after the digits and separators from i + 1.
 * Where that last test fails, it fails up to the end of those digits and separators too:
 * `*next` says where the search goes on. */
static Py_ssize_t numeral_run_end(const Text *t, Py_ssize_t i, Py_ssize_t *next) {
    *next = i + 1;
    if (!is_member(t, i)) return -1;
    for (Py_ssize_t k = i + 1; k < i + MIN_NUMERAL_RUN; k++)
        if (!is_member(t, k) && !(cls(t, k) & K_DIGIT_SEP)) return -1;
    if (!(cls(t, i) & K_NUMERAL)) {
        Py_ssize_t k = i + 1;
        while (is_digit(at(t, k)) || (cls(t, k) & K_DIGIT_SEP)) k++;
        if (!(cls(t, k) & K_NUMERAL)) {
            *next = k;
            return -1;
        }
    }
    Py_ssize_t j = i + 1;
    while (is_member(t, j)) j++;
    for (;;) {
        Py_ssize_t k = j;
        int seps = 0;
        while (seps < 3 && (cls(t, k) & K_DIGIT_SEP)) { k++; seps++; }
        if (!seps || !is_member(t, k)) return j;
        while (is_member(t, k)) k++;
        j = k;
    }
}

/* contact_fold._numerals_to_digits of the run [i, end) into out: 1 if it changed. */
static int run_to_digits(const Text *t, Py_ssize_t i, Py_ssize_t end, Py_UCS4 *out) {
    Py_ssize_t keep = end;
    if (cls(t, end) & K_MEASURE)  /* 2680一周: the 一 counts the week */
        while (keep > i && (cls(t, keep - 1) & K_NUMERAL)) keep--;
    Py_ssize_t counted = 0;
    for (Py_ssize_t k = i; k < keep; k++)
        counted += is_digit(at(t, k)) || (cls(t, k) & K_COUNTED);
    if (counted < MIN_NUMERAL_RUN) return 0;
    int changed = 0;
    for (Py_ssize_t k = i; k < keep; k++) {
        uint32_t c = cls(t, k);
        if (c & K_NUMERAL) {
            out[k] = (Py_UCS4)('0' + ((c >> DIGIT_SHIFT) & 0xF));
            changed = 1;
        }
    }
    return changed;
}

/* numerals_to_digits(s, table) -> str: contact_fold turns the numerals of digit runs into
 * digits with contact_patterns.NUMERAL_RUN.sub; this is the same, in one pass. */
static PyObject *numerals_to_digits(PyObject *self, PyObject *args) {
    PyObject *string;
    Py_buffer table_buf;
    if (!PyArg_ParseTuple(args, "Uy*", &string, &table_buf)) return NULL;
    PyObject *result = NULL;
    Py_UCS4 *out = NULL;
    if (table_buf.len != (Py_ssize_t)(0x10000 * sizeof(uint32_t))) {
        PyErr_SetString(PyExc_ValueError, "table must hold one uint32 per BMP code point");
        goto done;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(string);
    Text t = {string, PyUnicode_KIND(string), PyUnicode_DATA(string), 0, length,
              (const uint32_t *)table_buf.buf};
    Py_ssize_t i = 0;
    int changed = 0;
    while (i < length) {
        Py_ssize_t next, end = numeral_run_end(&t, i, &next);
        if (end < 0) {
            i = next;
            continue;
        }
        if (!out && !(out = PyUnicode_AsUCS4Copy(string))) goto done;
        changed |= run_to_digits(&t, i, end, out);
        i = end;
    }
    if (changed) result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, length);
    else result = Py_NewRef(string);
done:
    PyMem_Free(out);
    PyBuffer_Release(&table_buf);
    return result;
}

static PyMethodDef methods[] = {
    {"find_batch", find_batch, METH_VARARGS, "The contacts of a batch of folded texts."},
    {"numerals_to_digits", numerals_to_digits, METH_VARARGS, "Numerals of digit runs as digits."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ccontact", NULL, -1, methods};

PyMODINIT_FUNC PyInit__ccontact(void) {
    static const char *fields[5] = {"kind", "value", "text", "start", "end"};
    for (int k = 0; k < 5; k++)
        if (!FIELDS[k] && !(FIELDS[k] = PyUnicode_InternFromString(fields[k]))) return NULL;
    for (int k = 0; k < KINDS; k++)
        if (!KINDS_STR[k] && !(KINDS_STR[k] = PyUnicode_InternFromString(KIND_NAMES[k])))
            return NULL;
    return PyModule_Create(&module);
}
