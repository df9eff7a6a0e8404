/*
 * shenhe.text._cverify: the matcher's verification hot loop in C.
 *
 * The automata are shenhe.text._cscan's (or ahocorasick_rs's where that was not built). What
 * cost was the Python work per candidate match: finding its text in the joined
 * batch, checking whole words, telling how it was disguised and mapping it back to original
 * offsets. `verify_rows` does all of that for a batch in one call and returns the verified
 * matches as rows of int32, which the screener hands on to shenhe.screening._cscore without
 * making a Python object per match. Texts whose offsets pass through an HTML tag map are
 * handed back untouched, for the Python path.
 *
 * shenhe.text.matcher keeps a pure-Python path that gives exactly the same results; the
 * tests hold the two to that.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

enum { EXACT, FOLDED, REPEAT, HOMOPHONE, PINYIN, INITIALS, VARIANTS };
enum { KIND_TEXT = 0, KIND_PINYIN = 1, KIND_INITIALS = 2, WHOLE_WORD = 4, SOURCE_IS_FOLDED = 8 };

typedef struct {
    int32_t number, stream, pattern, start, end; /* start, end: into the text's plain fold */
} Candidate;

typedef struct {
    int32_t start, end, key, rank; /* start, end: into the original text */
} Found;

typedef struct {
    PyObject *found;      /* list of (pattern, start, end) from find_matches_as_indexes, or */
    Py_buffer triples;    /* the same as native int32 triples, from _cscan's scan */
    int has_triples;
    Py_buffer collapsed;  /* int32 origins of a repeat-collapsed scan, or len 0 */
    int has_collapsed;
    int plain;            /* the stream is the plain fold: its patterns are terms' own folds */
    Py_buffer patterns;   /* int32, 4 a pattern: its payloads are [first, last), then the
                             first one's key and flags, so one read serves the usual pattern
                             of a single payload */
    Py_buffer keys;       /* int32 per payload */
    Py_buffer flags;      /* uint8 per payload: kind | WHOLE_WORD */
    PyObject *folded;     /* list of str per payload: the term's folded text */
    PyObject *source;     /* list of str per payload: the term as written */
} Stream;

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} Text;

static inline Text text_of(PyObject *s) {
    Text t = {PyUnicode_KIND(s), PyUnicode_DATA(s), PyUnicode_GET_LENGTH(s)};
    return t;
}

static inline Py_UCS4 at(const Text *t, Py_ssize_t i) { return PyUnicode_READ(t->kind, t->data, i); }

/* a[a0:a1] == b */
static int slice_equals(const Text *a, Py_ssize_t a0, Py_ssize_t a1, const Text *b) {
    if (a1 - a0 != b->len) return 0;
    for (Py_ssize_t i = 0; i < b->len; i++)
        if (at(a, a0 + i) != at(b, i)) return 0;
    return 1;
}

/* a[a0:a1] == b[b0:b1] */
static int unchanged(const Text *a, Py_ssize_t a0, Py_ssize_t a1, const Text *b, Py_ssize_t b0,
                     Py_ssize_t b1) {
    if (a1 - a0 != b1 - b0) return 0;
    for (Py_ssize_t i = 0; i < a1 - a0; i++)
        if (at(a, a0 + i) != at(b, b0 + i)) return 0;
    return 1;
}

/* collapse_repeats(a[a0:a1]) == collapse_repeats(b) */
static int collapsed_equals(const Text *a, Py_ssize_t a0, Py_ssize_t a1, const Text *b) {
    Py_ssize_t i = a0, j = 0;
    while (i < a1 && j < b->len) {
        Py_UCS4 c = at(a, i);
        if (c != at(b, j)) return 0;
        while (i < a1 && at(a, i) == c) i++;
        while (j < b->len && at(b, j) == c) j++;
    }
    return i == a1 && j == b->len;
}

/* Both ASCII letters, or both ASCII digits: characters that run on into one word. */
static inline int same_kind(Py_UCS4 a, Py_UCS4 b) {
    int a_alpha = (a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z');
    int b_alpha = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    int a_digit = a >= '0' && a <= '9', b_digit = b >= '0' && b <= '9';
    return (a_alpha && b_alpha) || (a_digit && b_digit);
}

/* As matcher._whole_word: no letter or digit of the same kind runs on, unless noise parted
 * them in the original. `plain` is the text's fold at joined[base:base+len]. */
static int whole_word(const Text *joined, Py_ssize_t base, Py_ssize_t len, const int32_t *origins,
                      Py_ssize_t start, Py_ssize_t end) {
    if (start > 0 && same_kind(at(joined, base + start - 1), at(joined, base + start))) {
        if (origins[base + start] <= origins[base + start - 1] + 1) return 0;
    }
    if (end < len && same_kind(at(joined, base + end - 1), at(joined, base + end))) {
        if (origins[base + end] <= origins[base + end - 1] + 1) return 0;
    }
    return 1;
}

static int compare_found(const void *x, const void *y) {
    const Found *a = x, *b = y;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->end != b->end) return a->end < b->end ? -1 : 1;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

/* Sorts by compare_found: a text has few matches, and insertion sort spares qsort's call
 * per comparison and its set-up per text. */
static void sort_found(Found *found, Py_ssize_t n) {
    if (n > 32) {
        qsort(found, n, sizeof(Found), compare_found);
        return;
    }
    for (Py_ssize_t i = 1; i < n; i++) {
        Found held = found[i];
        Py_ssize_t j = i;
        for (; j > 0 && compare_found(&found[j - 1], &held) > 0; j--) found[j] = found[j - 1];
        found[j] = held;
    }
}

static void release_streams(Stream *streams, Py_ssize_t count) {
    for (Py_ssize_t s = 0; s < count; s++) {
        if (streams[s].has_triples) PyBuffer_Release(&streams[s].triples);
        if (streams[s].has_collapsed) PyBuffer_Release(&streams[s].collapsed);
        PyBuffer_Release(&streams[s].patterns);
        PyBuffer_Release(&streams[s].keys);
        PyBuffer_Release(&streams[s].flags);
    }
}

static int parse_stream(PyObject *item, Stream *s) {
    PyObject *collapsed;
    memset(s, 0, sizeof(*s));
    if (!PyArg_ParseTuple(item, "OOpy*y*y*O!O!", &s->found, &collapsed, &s->plain, &s->patterns,
                          &s->keys, &s->flags, &PyList_Type, &s->folded, &PyList_Type,
                          &s->source))
        return -1;
    if (!PyList_Check(s->found)) {
        if (PyObject_GetBuffer(s->found, &s->triples, PyBUF_SIMPLE) < 0) goto fail;
        s->has_triples = 1;
        if (s->triples.len % (3 * sizeof(int32_t))) {
            PyErr_SetString(PyExc_ValueError, "a scan's buffer must hold int32 triples");
            goto fail;
        }
    }
    if (collapsed != Py_None) {
        if (PyObject_GetBuffer(collapsed, &s->collapsed, PyBUF_SIMPLE) < 0) goto fail;
        s->has_collapsed = 1;
    }
    Py_ssize_t payloads = s->keys.len / 4;
    if (s->flags.len != payloads || PyList_GET_SIZE(s->folded) != payloads ||
        PyList_GET_SIZE(s->source) != payloads || s->patterns.len % 16) {
        PyErr_SetString(PyExc_ValueError, "stream tables disagree in length");
        goto fail;
    }
    return 0;
fail:
    if (s->has_triples) PyBuffer_Release(&s->triples);
    if (s->has_collapsed) PyBuffer_Release(&s->collapsed);
    PyBuffer_Release(&s->patterns);
    PyBuffer_Release(&s->keys);
    PyBuffer_Release(&s->flags);
    s->has_triples = s->has_collapsed = 0;
    return -1;
}

/* The text holding joined position `pos`: the last start <= pos. */
static Py_ssize_t text_at(const Py_ssize_t *starts, Py_ssize_t count, Py_ssize_t pos) {
    Py_ssize_t low = 0, high = count;
    while (low < high) {
        Py_ssize_t mid = (low + high) / 2;
        if (starts[mid] <= pos) low = mid + 1;
        else high = mid;
    }
    return low - 1;
}

/* As text_at, starting from the text of the previous match, `*near`: a scan's matches come
 * in order of position, so the next text is nearly always the same one or one soon after. */
static Py_ssize_t text_near(const Py_ssize_t *starts, Py_ssize_t count, Py_ssize_t pos,
                            Py_ssize_t *near) {
    Py_ssize_t t = *near;
    if (t < 0 || t >= count || pos < starts[t]) {
        t = text_at(starts, count, pos);
    } else {
        for (int step = 0; step < 8 && pos >= starts[t + 1]; step++) t++;
        if (pos >= starts[t + 1]) t = text_at(starts, count, pos);
    }
    *near = t;
    return t;
}

static Py_ssize_t found_count(const Stream *st) {
    return st->has_triples ? st->triples.len / (Py_ssize_t)(3 * sizeof(int32_t))
                           : PyList_GET_SIZE(st->found);
}

/* Match i of a stream's scan: from its int32 triples, or from its list of tuples. */
static int found_at(const Stream *st, Py_ssize_t i, Py_ssize_t *pattern, Py_ssize_t *start,
                    Py_ssize_t *end) {
    if (st->has_triples) {
        const int32_t *t = (const int32_t *)st->triples.buf + 3 * i;
        *pattern = t[0];
        *start = t[1];
        *end = t[2];
        return 0;
    }
    PyObject *match = PyList_GET_ITEM(st->found, i);
    if (!PyTuple_Check(match) || PyTuple_GET_SIZE(match) != 3) {
        PyErr_SetString(PyExc_ValueError, "a match must be a (pattern, start, end) tuple");
        return -1;
    }
    *pattern = PyLong_AsSsize_t(PyTuple_GET_ITEM(match, 0));
    *start = PyLong_AsSsize_t(PyTuple_GET_ITEM(match, 1));
    *end = PyLong_AsSsize_t(PyTuple_GET_ITEM(match, 2));
    return PyErr_Occurred() ? -1 : 0;
}

/* `raw` (k candidates) stably sorted by text number, in new memory; NULL when out of memory. */
static Candidate *by_text(const Candidate *raw, Py_ssize_t k, Py_ssize_t count) {
    Candidate *sorted = PyMem_Malloc((k ? k : 1) * sizeof(Candidate));
    Py_ssize_t *slots = PyMem_Calloc(count + 1, sizeof(Py_ssize_t));
    if (sorted && slots) {
        for (Py_ssize_t i = 0; i < k; i++) slots[raw[i].number + 1]++;
        for (Py_ssize_t t = 0; t < count; t++) slots[t + 1] += slots[t];
        for (Py_ssize_t i = 0; i < k; i++) sorted[slots[raw[i].number]++] = raw[i];
    } else {
        PyMem_Free(sorted);
        sorted = NULL;
        PyErr_NoMemory();
    }
    PyMem_Free(slots);
    return sorted;
}

/* Every scanned match as a candidate in its text, texts in order: as the scans give them when
 * they already come in text order (one stream), else sorted by text. */
static Candidate *gather(Stream *streams, Py_ssize_t nstreams, const Py_ssize_t *starts,
                         Py_ssize_t count, Py_ssize_t joined_len, Py_ssize_t *total) {
    Py_ssize_t n = 0;
    for (Py_ssize_t s = 0; s < nstreams; s++) n += found_count(&streams[s]);
    Candidate *raw = PyMem_Malloc((n ? n : 1) * sizeof(Candidate));
    if (!raw) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t k = 0, last = 0;
    int ordered = 1;
    for (Py_ssize_t s = 0; s < nstreams; s++) {
        Stream *st = &streams[s];
        const int32_t *corig = st->has_collapsed ? st->collapsed.buf : NULL;
        Py_ssize_t csize = st->has_collapsed ? st->collapsed.len / 4 : 0;
        Py_ssize_t patterns = st->patterns.len / 16, near = 0;
        for (Py_ssize_t i = 0, found = found_count(st); i < found; i++) {
            Py_ssize_t pattern, start, end;
            if (found_at(st, i, &pattern, &start, &end) < 0) goto fail;
            if (corig) {
                if (start < 0 || start >= csize || end > csize) goto bad;
                start = corig[start];
                end = end < csize ? corig[end] : joined_len;
            }
            if (pattern < 0 || pattern >= patterns || start < 0 || end > joined_len || end <= start)
                goto bad;
            Py_ssize_t number = text_near(starts, count, start, &near);
            if (number < 0) goto bad;
            /* collect_text reads the pattern's record next: with a large lexicon, a cache miss
             * that is cheaper started here, while the rest of the batch is gathered. */
            __builtin_prefetch((const int32_t *)st->patterns.buf + 4 * pattern);
            Candidate c = {(int32_t)number, (int32_t)s, (int32_t)pattern,
                           (int32_t)(start - starts[number]), (int32_t)(end - starts[number])};
            raw[k++] = c;
            ordered &= number >= last;
            last = number;
        }
    }
    *total = k;
    if (ordered) return raw;
    Candidate *sorted = by_text(raw, k, count);
    PyMem_Free(raw);
    return sorted;
bad:
    PyErr_SetString(PyExc_ValueError, "a match lies outside the batch");
fail:
    PyMem_Free(raw);
    return NULL;
}

/* A growable array of Found, reused from text to text of a batch. */
typedef struct {
    Found *items;
    Py_ssize_t used, cap;
} FoundList;

static int found_push(FoundList *list, Found f) {
    if (list->used == list->cap) {
        Py_ssize_t cap = list->cap ? 2 * list->cap : 16;
        Found *grown = PyMem_Realloc(list->items, cap * sizeof(Found));
        if (!grown) {
            PyErr_NoMemory();
            return -1;
        }
        list->items = grown;
        list->cap = cap;
    }
    list->items[list->used++] = f;
    return 0;
}

/* The verified matches of one text's candidates into `list`: sorted by (start, end, key)
 * and de-duplicated, each span and key keeping its plainest variant. */
static int collect_text(const Candidate *cands, Py_ssize_t n, Stream *streams,
                        const Text *joined, Py_ssize_t base, Py_ssize_t len,
                        const int32_t *origins, PyObject *original, FoundList *list) {
    Text source_text = text_of(original);
    list->used = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const Candidate *c = &cands[i];
        Stream *st = &streams[c->stream];
        const int32_t *keys = st->keys.buf;
        const uint8_t *flags = st->flags.buf;
        int32_t src_start = origins[base + c->start], src_end = origins[base + c->end - 1] + 1;
        if (src_start < 0 || src_end > source_text.len || src_end <= src_start) {
            PyErr_SetString(PyExc_ValueError, "a match maps outside its text");
            return -1;
        }
        const int32_t *record = (const int32_t *)st->patterns.buf + 4 * c->pattern;
        int32_t first = record[0], last = record[1];
        if (first < 0 || last > (int32_t)(st->keys.len / 4) || first >= last) {
            PyErr_SetString(PyExc_ValueError, "bad payload offsets");
            return -1;
        }
        int whole = -1;  /* computed once per candidate, when a payload asks */
        for (int32_t p = first; p < last; p++) {
            int32_t key = p == first ? record[2] : keys[p];
            int payload_flags = p == first ? record[3] : flags[p];
            int kind = payload_flags & 3;
            if (payload_flags & WHOLE_WORD) {
                if (whole < 0) whole = whole_word(joined, base, len, origins, c->start, c->end);
                if (!whole) continue;
            }
            int rank;
            if (kind == KIND_PINYIN) rank = PINYIN;
            else if (kind == KIND_INITIALS) rank = INITIALS;
            else if (st->plain && (payload_flags & SOURCE_IS_FOLDED)) {
                /* The term is written as it folds, and the plain stream matched its fold:
                   exact when the fold changed nothing in the span. The term's strings are
                   not read (with a large lexicon, a cache miss each). */
                rank = unchanged(&source_text, src_start, src_end, joined, base + c->start,
                                 base + c->end) ? EXACT : FOLDED;
            } else {
                PyObject *folded = PyList_GET_ITEM(st->folded, p);
                PyObject *source = PyList_GET_ITEM(st->source, p);
                if (!PyUnicode_Check(folded) || !PyUnicode_Check(source)) {
                    PyErr_SetString(PyExc_TypeError, "payload texts must be str");
                    return -1;
                }
                Text folded_text = text_of(folded), term = text_of(source);
                if (st->plain || slice_equals(joined, base + c->start, base + c->end, &folded_text))
                    rank = slice_equals(&source_text, src_start, src_end, &term) ? EXACT : FOLDED;
                else if (collapsed_equals(joined, base + c->start, base + c->end, &folded_text))
                    rank = REPEAT;
                else
                    rank = HOMOPHONE;
            }
            Found f = {src_start, src_end, key, rank};
            if (found_push(list, f) < 0) return -1;
        }
    }
    Found *found = list->items;
    sort_found(found, list->used);
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < list->used; i++) {
        if (kept && found[i].start == found[kept - 1].start && found[i].end == found[kept - 1].end &&
            found[i].key == found[kept - 1].key)
            continue;  /* the same span and key, less plainly disguised */
        found[kept++] = found[i];
    }
    list->used = kept;
    return 0;
}

/* Rows of int32 (number, start, end, key, rank), grown as a batch's texts are verified. */
typedef struct {
    int32_t *items;
    Py_ssize_t used, cap; /* in rows */
} Rows;

static int rows_add(Rows *rows, Py_ssize_t number, const FoundList *list) {
    if (rows->used + list->used > rows->cap) {
        Py_ssize_t cap = rows->cap ? rows->cap : 256;
        while (cap < rows->used + list->used) cap *= 2;
        int32_t *grown = PyMem_Realloc(rows->items, cap * 5 * sizeof(int32_t));
        if (!grown) {
            PyErr_NoMemory();
            return -1;
        }
        rows->items = grown;
        rows->cap = cap;
    }
    for (Py_ssize_t i = 0; i < list->used; i++) {
        int32_t *row = &rows->items[5 * rows->used++];
        const Found *f = &list->items[i];
        row[0] = (int32_t)number;
        row[1] = f->start;
        row[2] = f->end;
        row[3] = f->key;
        row[4] = f->rank;
    }
    return 0;
}

/*
 * verify_rows(joined, starts, origins, texts, deferred, streams) -> (rows, handed_back)
 *   joined: the batch's plain fold; starts: list of each text's offset in joined; origins:
 *   int32 buffer, for each character of joined its index in its original text; texts: list
 *   of the original texts; deferred: bytes, nonzero for texts the caller verifies itself;
 *   streams: list of (found, collapsed_origins or None, plain, patterns, keys, flags, folded,
 *   source), one per automaton scanned, `found` a list of (pattern, start, end) tuples or a
 *   bytes-like buffer of native int32 triples (pattern, start, end).
 *   rows: bytes of native int32 rows (text number, start, end, key, variant rank), texts in
 *   order, each text's rows sorted by (start, end, key); handed_back: list of (text number,
 *   stream, pattern, start, end) for the deferred texts, offsets into the text's plain fold.
 */
static PyObject *verify_rows(PyObject *self, PyObject *args) {
    PyObject *joined_obj, *starts_obj, *texts, *streams_obj;
    Py_buffer origins_buf, deferred_buf;
    if (!PyArg_ParseTuple(args, "UO!y*O!y*O!", &joined_obj, &PyList_Type, &starts_obj,
                          &origins_buf, &PyList_Type, &texts, &deferred_buf, &PyList_Type,
                          &streams_obj))
        return NULL;
    PyObject *result = NULL, *verified = NULL, *handed_back = NULL;
    Py_ssize_t *starts = NULL, nstreams = 0, parsed = 0;
    Stream *streams = NULL;
    Candidate *cands = NULL;
    FoundList list = {0};
    Rows rows = {0};
    Text joined = text_of(joined_obj);
    Py_ssize_t count = PyList_GET_SIZE(starts_obj);
    const int32_t *origins = origins_buf.buf;
    const uint8_t *deferred = deferred_buf.buf;
    if (PyList_GET_SIZE(texts) != count ||
        deferred_buf.len != count || origins_buf.len != joined.len * 4) {
        PyErr_SetString(PyExc_ValueError, "verify's arguments disagree in length");
        goto done;
    }
    starts = PyMem_Malloc((count + 1) * sizeof(Py_ssize_t));
    if (!starts) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t t = 0; t < count; t++) {
        starts[t] = PyLong_AsSsize_t(PyList_GET_ITEM(starts_obj, t));
        if (starts[t] == -1 && PyErr_Occurred()) goto done;
    }
    starts[count] = joined.len + 1;  /* where a text after the last would start */
    nstreams = PyList_GET_SIZE(streams_obj);
    streams = PyMem_Calloc(nstreams ? nstreams : 1, sizeof(Stream));
    if (!streams) { PyErr_NoMemory(); goto done; }
    for (; parsed < nstreams; parsed++)
        if (parse_stream(PyList_GET_ITEM(streams_obj, parsed), &streams[parsed]) < 0) goto done;
    Py_ssize_t total = 0;
    cands = gather(streams, nstreams, starts, count, joined.len, &total);
    if (!cands) goto done;
    handed_back = PyList_New(0);
    if (!handed_back) goto done;
    for (Py_ssize_t i = 0; i < total;) {
        Py_ssize_t j = i, number = cands[i].number;
        while (j < total && cands[j].number == number) j++;
        PyObject *item = NULL;
        if (deferred[number]) {
            for (Py_ssize_t k = i; k < j; k++) {
                const Candidate *c = &cands[k];
                item = Py_BuildValue("(niiii)", number, c->stream, c->pattern, c->start, c->end);
                if (!item || PyList_Append(handed_back, item) < 0) goto item_failed;
                Py_CLEAR(item);
            }
        } else {
            /* Only texts with a candidate are read, and checked: a cache miss each. */
            if (!PyUnicode_Check(PyList_GET_ITEM(texts, number))) {
                PyErr_Format(PyExc_TypeError, "text #%zd is not a string", number);
                goto done;
            }
            Py_ssize_t len = starts[number + 1] - 1 - starts[number];
            if (collect_text(&cands[i], j - i, streams, &joined, starts[number], len, origins,
                             PyList_GET_ITEM(texts, number), &list) < 0)
                goto done;
            if (rows_add(&rows, number, &list) < 0) goto done;
        }
        i = j;
        continue;
    item_failed:
        Py_XDECREF(item);
        goto done;
    }
    verified = PyBytes_FromStringAndSize((const char *)rows.items,
                                         rows.used * 5 * (Py_ssize_t)sizeof(int32_t));
    if (!verified) goto done;
    result = PyTuple_Pack(2, verified, handed_back);
done:
    Py_XDECREF(verified);
    Py_XDECREF(handed_back);
    PyMem_Free(cands);
    PyMem_Free(list.items);
    PyMem_Free(rows.items);
    release_streams(streams, parsed);
    PyMem_Free(streams);
    PyMem_Free(starts);
    PyBuffer_Release(&origins_buf);
    PyBuffer_Release(&deferred_buf);
    return result;
}

static PyMethodDef methods[] = {
    {"verify_rows", verify_rows, METH_VARARGS,
     "Verify a batch's scanned matches and map them back, as int32 rows."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cverify", NULL, -1, methods};

PyMODINIT_FUNC PyInit__cverify(void) { return PyModule_Create(&module); }
