/*
 * shenhe.text._cfold: the folding hot loop in C.
 *
 * The tables are built in Python (shenhe.text.charmap, shenhe.text.numerals); this module only
 * applies them. `fold_batch` folds many texts at once into one joined string (texts separated
 * by U+0000, which every table folds away) and records, for every folded character, the index
 * of the original character it came from. The pure-Python path in shenhe.text.fold produces
 * exactly the same strings; the tests hold the two to that.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MAX_CP 0x110000
#define KEEP 0xFFFFFFFFu   /* the character folds to itself */
#define DROP 0xFFFFFFFEu   /* the character folds to nothing */
#define MULTI 0xFFFFFFFDu  /* the character folds to several: look it up in `multi` */

typedef struct {
    Py_UCS4 *out;
    int32_t *origin;
    Py_ssize_t len;
    Py_ssize_t cap;
} Buffer;

static int buffer_grow(Buffer *b, Py_ssize_t need) {
    if (b->len + need <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + need) cap *= 2;
    Py_UCS4 *out = PyMem_Realloc(b->out, cap * sizeof(Py_UCS4));
    if (!out) { PyErr_NoMemory(); return -1; }
    b->out = out;
    int32_t *origin = PyMem_Realloc(b->origin, cap * sizeof(int32_t));
    if (!origin) { PyErr_NoMemory(); return -1; }
    b->origin = origin;
    b->cap = cap;
    return 0;
}

static inline int buffer_put(Buffer *b, Py_UCS4 c, int32_t origin) {
    if (b->len == b->cap && buffer_grow(b, 1) < 0) return -1;
    b->out[b->len] = c;
    b->origin[b->len] = origin;
    b->len++;
    return 0;
}

/* Chinese numerals inside digit runs become ASCII digits (see shenhe/text/numerals.py). */
static void fold_numerals(Py_UCS4 *s, Py_ssize_t start, Py_ssize_t end, const uint8_t *digit,
                          Py_ssize_t digit_len, Py_ssize_t min_run, Py_ssize_t min_pure) {
    Py_ssize_t i = start;
    while (i < end) {
        Py_UCS4 c = s[i];
        int is_ascii = c >= '0' && c <= '9';
        int is_num = !is_ascii && c < (Py_UCS4)digit_len && digit[c];
        if (!is_ascii && !is_num) { i++; continue; }
        Py_ssize_t j = i;
        int has_ascii = 0;
        while (j < end) {
            Py_UCS4 d = s[j];
            if (d >= '0' && d <= '9') has_ascii = 1;
            else if (!(d < (Py_UCS4)digit_len && digit[d])) break;
            j++;
        }
        Py_ssize_t run = j - i;
        if (run >= min_run && (has_ascii || run >= min_pure)) {
            for (Py_ssize_t k = i; k < j; k++) {
                Py_UCS4 d = s[k];
                if (!(d >= '0' && d <= '9')) s[k] = (Py_UCS4)('0' + digit[d] - 1);
            }
        }
        i = j;
    }
}

/* The longest run of ASCII digits, and of ASCII letters and digits holding a letter. */
static void measure_runs(const Py_UCS4 *s, Py_ssize_t start, Py_ssize_t end, uint8_t *out) {
    Py_ssize_t digits = 0, longest_digits = 0, word = 0, longest_word = 0;
    int has_letter = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = s[i];
        int is_digit = c >= '0' && c <= '9';
        int is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        digits = is_digit ? digits + 1 : 0;
        if (digits > longest_digits) longest_digits = digits;
        if (is_digit || is_letter) {
            word++;
            has_letter |= is_letter;
            if (has_letter && word > longest_word) longest_word = word;
        } else {
            word = 0;
            has_letter = 0;
        }
    }
    out[0] = (uint8_t)(longest_digits > 255 ? 255 : longest_digits);
    out[1] = (uint8_t)(longest_word > 255 ? 255 : longest_word);
}

static int fold_one(Buffer *b, PyObject *text, const uint32_t *table, PyObject *multi) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (buffer_grow(b, n + 1) < 0) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        uint32_t m = table[c];
        if (m == KEEP) {
            b->out[b->len] = c;
            b->origin[b->len++] = (int32_t)i;
        } else if (m == DROP) {
            continue;
        } else if (m == MULTI) {
            PyObject *key = PyLong_FromUnsignedLong(c);
            if (!key) return -1;
            PyObject *value = PyDict_GetItemWithError(multi, key);
            Py_DECREF(key);
            if (!value) {
                if (!PyErr_Occurred())
                    PyErr_Format(PyExc_KeyError, "no multi-character fold for U+%04X", c);
                return -1;
            }
            Py_ssize_t vn = PyUnicode_GET_LENGTH(value);
            int vkind = PyUnicode_KIND(value);
            const void *vdata = PyUnicode_DATA(value);
            for (Py_ssize_t k = 0; k < vn; k++)
                if (buffer_put(b, PyUnicode_READ(vkind, vdata, k), (int32_t)i) < 0) return -1;
            if (buffer_grow(b, n - i + 1) < 0) return -1;
        } else {
            b->out[b->len] = (Py_UCS4)m;
            b->origin[b->len++] = (int32_t)i;
        }
    }
    return 0;
}

/*
 * fold_batch(texts, table, multi, digit, min_run, min_pure) -> (joined, starts, origins, runs)
 *   texts: list of str; table: buffer of uint32 per code point (0x110000 of them);
 *   multi: dict cp -> str; digit: bytes, digit value + 1 for numeral code points, else 0.
 *   joined: the folded texts joined by U+0000; starts: list of each text's offset in joined;
 *   origins: bytes of int32, for each character of joined the index in its original text
 *   (-1 for the separators); runs: bytes, two per text: its longest run of ASCII digits and
 *   its longest run of ASCII letters and digits that holds a letter (each capped at 255).
 */
static PyObject *fold_batch(PyObject *self, PyObject *args) {
    PyObject *texts, *multi;
    Py_buffer table_buf, digit_buf;
    Py_ssize_t min_run, min_pure;
    if (!PyArg_ParseTuple(args, "O!y*O!y*nn", &PyList_Type, &texts, &table_buf, &PyDict_Type,
                          &multi, &digit_buf, &min_run, &min_pure))
        return NULL;
    PyObject *result = NULL, *starts = NULL, *joined = NULL, *origins = NULL, *runs = NULL;
    Buffer b = {0};
    uint8_t *run_buf = NULL;
    if (table_buf.len != (Py_ssize_t)(MAX_CP * sizeof(uint32_t))) {
        PyErr_SetString(PyExc_ValueError, "table must hold one uint32 per code point");
        goto done;
    }
    const uint32_t *table = (const uint32_t *)table_buf.buf;
    const uint8_t *digit = (const uint8_t *)digit_buf.buf;
    Py_ssize_t count = PyList_GET_SIZE(texts);
    starts = PyList_New(count);
    if (!starts) goto done;
    run_buf = PyMem_Malloc(count ? 2 * count : 1);
    if (!run_buf) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t t = 0; t < count; t++) {
        PyObject *text = PyList_GET_ITEM(texts, t);
        if (!PyUnicode_Check(text)) {
            PyErr_Format(PyExc_TypeError, "text #%zd is not a string", t);
            goto done;
        }
        if (t > 0 && buffer_put(&b, 0, -1) < 0) goto done;
        Py_ssize_t start = b.len;
        PyObject *offset = PyLong_FromSsize_t(start);
        if (!offset) goto done;
        PyList_SET_ITEM(starts, t, offset);
        if (fold_one(&b, text, table, multi) < 0) goto done;
        if (min_run > 0)
            fold_numerals(b.out, start, b.len, digit, digit_buf.len, min_run, min_pure);
        measure_runs(b.out, start, b.len, run_buf + 2 * t);
    }
    joined = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, b.out, b.len);
    if (!joined) goto done;
    origins = PyBytes_FromStringAndSize((const char *)b.origin, b.len * sizeof(int32_t));
    if (!origins) goto done;
    runs = PyBytes_FromStringAndSize((const char *)run_buf, 2 * count);
    if (!runs) goto done;
    result = PyTuple_Pack(4, joined, starts, origins, runs);
done:
    Py_XDECREF(runs);
    PyMem_Free(run_buf);
    Py_XDECREF(joined);
    Py_XDECREF(starts);
    Py_XDECREF(origins);
    PyMem_Free(b.out);
    PyMem_Free(b.origin);
    PyBuffer_Release(&table_buf);
    PyBuffer_Release(&digit_buf);
    return result;
}

/* translate_same_length(text, table) -> str: a 1:1 code point map (KEEP leaves a character). */
static PyObject *translate_same_length(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer table_buf;
    if (!PyArg_ParseTuple(args, "Uy*", &text, &table_buf)) return NULL;
    if (table_buf.len != (Py_ssize_t)(MAX_CP * sizeof(uint32_t))) {
        PyBuffer_Release(&table_buf);
        PyErr_SetString(PyExc_ValueError, "table must hold one uint32 per code point");
        return NULL;
    }
    const uint32_t *table = (const uint32_t *)table_buf.buf;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 *out = PyMem_Malloc((n ? n : 1) * sizeof(Py_UCS4));
    if (!out) { PyBuffer_Release(&table_buf); return PyErr_NoMemory(); }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        uint32_t m = table[c];
        out[i] = m >= MULTI ? c : (Py_UCS4)m;
    }
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, n);
    PyMem_Free(out);
    PyBuffer_Release(&table_buf);
    return result;
}

/*
 * collapse_runs(text) -> (collapsed, origins): each run of one repeated character becomes one
 * character; origins (int32 bytes) holds, for every output character, where its run started.
 * U+0000, the batch separator, is never collapsed.
 */
static PyObject *collapse_runs(PyObject *self, PyObject *args) {
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U", &text)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 *out = PyMem_Malloc((n ? n : 1) * sizeof(Py_UCS4));
    int32_t *origin = PyMem_Malloc((n ? n : 1) * sizeof(int32_t));
    if (!out || !origin) {
        PyMem_Free(out);
        PyMem_Free(origin);
        return PyErr_NoMemory();
    }
    Py_ssize_t len = 0;
    Py_UCS4 previous = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (i > 0 && c == previous && c != 0) continue;
        out[len] = c;
        origin[len++] = (int32_t)i;
        previous = c;
    }
    PyObject *collapsed = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, len);
    PyObject *origins = PyBytes_FromStringAndSize((const char *)origin, len * sizeof(int32_t));
    PyMem_Free(out);
    PyMem_Free(origin);
    PyObject *result = NULL;
    if (collapsed && origins) result = PyTuple_Pack(2, collapsed, origins);
    Py_XDECREF(collapsed);
    Py_XDECREF(origins);
    return result;
}

/* The contact gate (shenhe.text.contact_gate): one uint16 of class bits per BMP code point. */
enum {
    G_CUE = 1 << 0,    /* a cue's first character */
    G_ID0 = 1 << 1,    /* an id's first character, then four of G_ID1 */
    G_ID1 = 1 << 2,
    G_PH0 = 1 << 3,    /* a bare phone's first character, then ten of G_PH1 */
    G_PH1 = 1 << 4,
    G_DOM0 = 1 << 5,   /* a dot, then any G_SPACE, then a G_LETTER */
    G_SPACE = 1 << 6,
    G_LETTER = 1 << 7,
    G_SLASH = 1 << 8,  /* an address's "/" */
    G_ALONE = 1 << 9,  /* folds to several characters: could be anything */
    G_HOPELESS = 1 << 10,  /* MAYBE_CONTACT: CJK, punctuation and spaces */
    G_NUM = 1 << 11,   /* MAYBE_CONTACT: a numeral, then four more with up to three G_SEP */
    G_SEP = 1 << 12,
};

static inline uint16_t gate_class(const uint16_t *table, int kind, const void *data, Py_ssize_t i) {
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    return c < 0x10000 ? table[c] : (uint16_t)G_ALONE;  /* beyond the BMP: alone, not hopeless */
}

static int gate_run(const uint16_t *table, int kind, const void *data, Py_ssize_t n, Py_ssize_t i,
                    Py_ssize_t count, uint16_t bit) {
    if (i + count > n) return 0;
    for (Py_ssize_t k = i; k < i + count; k++)
        if (!(gate_class(table, kind, data, k) & bit)) return 0;
    return 1;
}

/* The raw-text gate of contact_fold (`_raw_gate`): a match anywhere. */
static int gate_raw(const uint16_t *table, int kind, const void *data, Py_ssize_t n) {
    int cue_seen = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint16_t c = gate_class(table, kind, data, i);
        if (c & (G_ALONE | G_SLASH)) return 1;
        if (cue_seen && (c & G_ID0) && gate_run(table, kind, data, n, i + 1, 4, G_ID1)) return 1;
        if ((c & G_PH0) && gate_run(table, kind, data, n, i + 1, 10, G_PH1)) return 1;
        if (c & G_DOM0) {
            Py_ssize_t j = i + 1;
            while (j < n && (gate_class(table, kind, data, j) & G_SPACE)) j++;
            if (j < n && (gate_class(table, kind, data, j) & G_LETTER)) return 1;
        }
        if (c & G_CUE) cue_seen = 1;
    }
    return 0;
}

/* MAYBE_CONTACT of contact_patterns: a character that is not hopeless, or a numeral run. */
static int gate_maybe(const uint16_t *table, int kind, const void *data, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        uint16_t c = gate_class(table, kind, data, i);
        if (!(c & G_HOPELESS)) return 1;
        if (!(c & G_NUM)) continue;
        Py_ssize_t j = i + 1;
        int found = 1;
        for (int more = 0; more < 4 && found; more++) {
            int seps = 0;
            while (seps < 3 && j < n && (gate_class(table, kind, data, j) & G_SEP)) { j++; seps++; }
            if (j < n && (gate_class(table, kind, data, j) & G_NUM)) j++;
            else found = 0;
        }
        if (found) return 1;
    }
    return 0;
}

/* contact_gate(texts, table) -> bytes: 1 for each text both gates let through, else 0. */
static PyObject *contact_gate(PyObject *self, PyObject *args) {
    PyObject *texts;
    Py_buffer table_buf;
    if (!PyArg_ParseTuple(args, "O!y*", &PyList_Type, &texts, &table_buf)) return NULL;
    PyObject *result = NULL;
    if (table_buf.len != (Py_ssize_t)(0x10000 * sizeof(uint16_t))) {
        PyErr_SetString(PyExc_ValueError, "table must hold one uint16 per BMP code point");
        goto done;
    }
    const uint16_t *table = (const uint16_t *)table_buf.buf;
    Py_ssize_t count = PyList_GET_SIZE(texts);
    result = PyBytes_FromStringAndSize(NULL, count);
    if (!result) goto done;
    char *flags = PyBytes_AS_STRING(result);
    for (Py_ssize_t t = 0; t < count; t++) {
        PyObject *text = PyList_GET_ITEM(texts, t);
        if (!PyUnicode_Check(text)) {
            PyErr_Format(PyExc_TypeError, "text #%zd is not a string", t);
            Py_CLEAR(result);
            goto done;
        }
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        Py_ssize_t n = PyUnicode_GET_LENGTH(text);
        flags[t] = (char)(n > 0 && gate_raw(table, kind, data, n) && gate_maybe(table, kind, data, n));
    }
done:
    PyBuffer_Release(&table_buf);
    return result;
}

static PyMethodDef methods[] = {
    {"collapse_runs", collapse_runs, METH_VARARGS, "Collapse runs of one character."},
    {"fold_batch", fold_batch, METH_VARARGS, "Fold a list of texts into one joined string."},
    {"translate_same_length", translate_same_length, METH_VARARGS, "A 1:1 code point map."},
    {"contact_gate", contact_gate, METH_VARARGS, "Which texts may hold a contact."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cfold", NULL, -1, methods};

PyMODINIT_FUNC PyInit__cfold(void) { return PyModule_Create(&module); }
