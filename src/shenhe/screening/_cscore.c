/*
 * shenhe.screening._cscore: the verdicts of a batch's flagged texts.
 *
 * With a large lexicon a third of real texts hit something, and building their hits and
 * scoring them in Python cost more than folding and scanning the whole batch. `assemble`
 * does it for a batch in one call: it makes the `Hit`, `Label` and `Verdict` objects
 * exactly as shenhe.screening.scoring.score_labels would (noisy-or per category over its
 * distinct terms, a hit inside a longer one of its category adds nothing, labels strongest
 * first; each distinct contact adds the surface's contact weight to diversion) and asks
 * the policy's `decide` for the suggestion. Texts with an allow-listed term, or with a
 * contact and a hit of the diversion category, are handed back. shenhe.screening.assembly
 * holds the pure-Python path; the tests hold the two to the same verdicts.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <stdlib.h>

#define VARIANTS 6

#define HIT_FIELDS 6
#define LABEL_FIELDS 3
static const char *hit_fields[HIT_FIELDS] = {"term",  "category", "text",
                                             "start", "end",      "variant"};
static const char *label_fields[LABEL_FIELDS] = {"category", "score", "severity"};
#define VERDICT_FIELDS 4
static const char *verdict_fields[VERDICT_FIELDS] = {"suggestion", "labels", "hits", "contacts"};

typedef struct {
    PyTypeObject *hit_type, *label_type, *verdict_type;
    Py_ssize_t hit_offsets[HIT_FIELDS], label_offsets[LABEL_FIELDS], verdict_offsets[VERDICT_FIELDS];
    PyObject *round_fn, *four, *decide, *surface, *decisions;
    PyObject *diversion;       /* the category contacts score */
    int diversion_id;          /* its category id in the lexicon, or -1 */
    double contact_weight;     /* what each distinct contact weighs on this surface */
    long contact_severity;
    PyObject *terms, *categories, *severities; /* lists per key */
    const int32_t *category_ids, *term_ids, *weight_rows;
    const uint8_t *allowed;
    const double *weights; /* weight_rows[key] * VARIANTS + rank */
    Py_ssize_t keys, rows;
    PyObject **variants;
} Tables;

typedef struct {
    int32_t start, end, key, rank, index;
} Item;

typedef struct {
    int32_t category, worst, first; /* first: a key of the category, for its name */
} Slot;

static int by_start_then_longest(const void *x, const void *y) {
    const Item *a = x, *b = y;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->end != b->end) return a->end > b->end ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

static int rank_of(PyObject *variant, PyObject **variants) {
    for (int r = 0; r < VARIANTS; r++)
        if (variant == variants[r]) return r;
    for (int r = 0; r < VARIANTS; r++) {
        int eq = PyUnicode_Compare(variant, variants[r]);
        if (eq == 0) return r;
        if (eq == -1 && PyErr_Occurred()) return -1;
    }
    PyErr_SetString(PyExc_ValueError, "unknown variant");
    return -1;
}

/*
 * Where each field of a slotted dataclass lives in its instances. Hit, Label and Verdict
 * are plain slotted dataclasses (their __init__ only stores its arguments), so an instance is
 * made by storing the values straight into its slots: several times quicker than calling the
 * class, whose __init__ is Python code. The caller checks that none defines __post_init__.
 */
static int slot_offsets(PyTypeObject *type, const char **names, Py_ssize_t *offsets, int n) {
    for (int i = 0; i < n; i++) {
        PyObject *member = PyObject_GetAttrString((PyObject *)type, names[i]);
        if (!member) return -1;
        int ok = Py_IS_TYPE(member, &PyMemberDescr_Type) &&
                 ((PyMemberDescrObject *)member)->d_member->type == T_OBJECT_EX;
        if (ok) offsets[i] = ((PyMemberDescrObject *)member)->d_member->offset;
        Py_DECREF(member);
        if (!ok) {
            PyErr_Format(PyExc_TypeError, "%s.%s is not a slot", type->tp_name, names[i]);
            return -1;
        }
    }
    return 0;
}

/*
 * The objects made here hold only strings, numbers, frozen contacts and tuples of such
 * objects, so they cannot be part of a reference cycle: they are left untracked by the garbage collector,
 * which then neither walks them in every young collection nor promotes them and counts
 * them towards full collections. (Untracking only ever keeps an object alive longer; the
 * collector treats references from untracked objects as roots.)
 */
static PyObject *new_slotted(PyTypeObject *type, const Py_ssize_t *offsets, PyObject **values,
                             int n) {
    PyObject *obj = type->tp_alloc(type, 0);
    if (!obj) return NULL;
    for (int i = 0; i < n; i++) {
        Py_INCREF(values[i]);
        *(PyObject **)((char *)obj + offsets[i]) = values[i];
    }
    if (PyObject_GC_IsTracked(obj)) PyObject_GC_UnTrack(obj);
    return obj;
}

static PyObject *make_hit(const Tables *t, PyObject *text, const Item *item) {
    PyObject *slice = PyUnicode_Substring(text, item->start, item->end);
    PyObject *start = PyLong_FromLong(item->start), *end = PyLong_FromLong(item->end);
    PyObject *hit = NULL;
    if (slice && start && end) {
        PyObject *args[6] = {PyList_GET_ITEM(t->terms, item->key),
                             PyList_GET_ITEM(t->categories, item->key), slice, start, end,
                             t->variants[item->rank]};
        hit = new_slotted(t->hit_type, t->hit_offsets, args, HIT_FIELDS);
    }
    Py_XDECREF(slice);
    Py_XDECREF(start);
    Py_XDECREF(end);
    return hit;
}

typedef struct {
    int32_t slot, term;
    double weight;
} Entry;

typedef struct {
    PyObject *category, *score, *worst; /* score: rounded, as the label holds it */
    double value;
} Pending;

/* score_labels' order: highest score first, then category. */
static int sort_pending(Pending *labels, Py_ssize_t n) {
    for (Py_ssize_t i = 1; i < n; i++) {
        for (Py_ssize_t j = i; j > 0; j--) {
            Pending *a = &labels[j - 1], *b = &labels[j];
            int swap = a->value < b->value;
            if (a->value == b->value) {
                int c = PyUnicode_Compare(a->category, b->category);
                if (c == -1 && PyErr_Occurred()) return -1;
                swap = c > 0;
            }
            if (!swap) break;
            Pending held = *a;
            *a = *b;
            *b = held;
        }
    }
    return 0;
}

/* Working memory for one text, kept across the texts of a batch. */
typedef struct {
    Py_ssize_t cap;
    Item *items, *order;
    uint8_t *nested;
    Slot *slots;
    Entry *entries;
    int32_t *reach;
    Pending *pending;
} Scratch;

static void scratch_free(Scratch *w) {
    PyMem_Free(w->items);
    PyMem_Free(w->order);
    PyMem_Free(w->nested);
    PyMem_Free(w->slots);
    PyMem_Free(w->entries);
    PyMem_Free(w->reach);
    PyMem_Free(w->pending);
    memset(w, 0, sizeof(*w));
}

static int scratch_fit(Scratch *w, Py_ssize_t n) {
    if (n <= w->cap) return 0;
    Py_ssize_t cap = w->cap ? w->cap : 16;
    while (cap < n) cap *= 2;
    scratch_free(w);
    w->items = PyMem_Malloc(cap * sizeof(Item));
    w->order = PyMem_Malloc(cap * sizeof(Item));
    w->nested = PyMem_Malloc(cap);
    w->slots = PyMem_Malloc(cap * sizeof(Slot));
    w->entries = PyMem_Malloc(cap * sizeof(Entry));
    w->reach = PyMem_Malloc(cap * sizeof(int32_t));
    w->pending = PyMem_Malloc(cap * sizeof(Pending));
    if (!w->items || !w->order || !w->nested || !w->slots || !w->entries || !w->reach ||
        !w->pending) {
        scratch_free(w);
        PyErr_NoMemory();
        return -1;
    }
    w->cap = cap;
    return 0;
}

/* The labels of one text's hits (items in hit order), as a tuple. */
static PyObject *score(const Tables *t, Scratch *w, Py_ssize_t n, Py_ssize_t contact_keys) {
    const Item *items = w->items;
    Item *order = w->order;
    uint8_t *nested = w->nested;
    Slot *slots = w->slots;
    Entry *entries = w->entries;
    int32_t *reach = w->reach;
    Pending *pending = w->pending;
    PyObject *out = NULL;
    Py_ssize_t nslots = 0, nentries = 0;
    memset(nested, 0, n);
    memset(pending, 0, n * sizeof(Pending));
    int overlapping = 0;
    for (Py_ssize_t i = 1, far = n ? items[0].end : 0; i < n && !overlapping; i++) {
        overlapping = items[i].start < far;
        far = items[i].end;
    }
    if (overlapping) { /* as scoring._nested: inside an earlier, longer hit of its category */
        memcpy(order, items, n * sizeof(Item));
        qsort(order, n, sizeof(Item), by_start_then_longest);
        for (Py_ssize_t i = 0; i < n; i++) {
            int32_t category = t->category_ids[order[i].key];
            Py_ssize_t s = 0;
            while (s < nslots && slots[s].category != category) s++;
            if (s == nslots) {
                slots[nslots++].category = category;
                reach[s] = -1;
            }
            if (reach[s] >= order[i].end) nested[order[i].index] = 1;
            else reach[s] = order[i].end;
        }
        nslots = 0;
    }
    /* Per category, in order of first hit: the worst severity and each distinct term's
       strongest weight, terms in order of first hit (score_labels' dicts keep that order). */
    for (Py_ssize_t i = 0; i < n; i++) {
        if (nested[i]) continue;
        int32_t key = items[i].key, category = t->category_ids[key], term = t->term_ids[key];
        long severity = PyLong_AsLong(PyList_GET_ITEM(t->severities, key));
        if (severity == -1 && PyErr_Occurred()) goto done;
        Py_ssize_t s = 0;
        while (s < nslots && slots[s].category != category) s++;
        if (s == nslots) {
            slots[nslots].category = category;
            slots[nslots].worst = (int32_t)severity;
            slots[nslots++].first = key;
        } else if (severity > slots[s].worst) {
            slots[s].worst = (int32_t)severity;
        }
        int32_t row = t->weight_rows[key]; /* checked per key used: a batch uses few keys */
        if (row < 0 || row >= t->rows) {
            PyErr_SetString(PyExc_ValueError, "a weight row is out of range");
            goto done;
        }
        double weight = t->weights[row * VARIANTS + items[i].rank];
        Py_ssize_t e = 0;
        while (e < nentries && !(entries[e].slot == s && entries[e].term == term)) e++;
        if (e == nentries) {
            entries[nentries].slot = (int32_t)s;
            entries[nentries].term = term;
            entries[nentries++].weight = weight;
        } else if (weight > entries[e].weight) {
            entries[e].weight = weight;
        }
    }
    if (contact_keys > 0) { /* no hit scored diversion: the contacts make its label, last */
        slots[nslots].category = t->diversion_id;
        slots[nslots].worst = (int32_t)t->contact_severity;
        slots[nslots].first = -1;
        for (Py_ssize_t c = 0; c < contact_keys; c++) {
            entries[nentries].slot = (int32_t)nslots;
            entries[nentries].term = -1;
            entries[nentries++].weight = t->contact_weight;
        }
        nslots++;
    }
    for (Py_ssize_t s = 0; s < nslots; s++) {
        double remaining = 1.0;
        for (Py_ssize_t e = 0; e < nentries; e++)
            if (entries[e].slot == s) remaining *= 1.0 - entries[e].weight;
        PyObject *raw = PyFloat_FromDouble(1.0 - remaining);
        if (!raw) goto done;
        PyObject *round_args[2] = {raw, t->four};
        pending[s].score = PyObject_Vectorcall(t->round_fn, round_args, 2, NULL);
        Py_DECREF(raw);
        if (!pending[s].score) goto done;
        pending[s].value = PyFloat_AsDouble(pending[s].score);
        if (pending[s].value == -1.0 && PyErr_Occurred()) goto done;
        pending[s].category =
            slots[s].first >= 0 ? PyList_GET_ITEM(t->categories, slots[s].first) : t->diversion;
        pending[s].worst = PyLong_FromLong(slots[s].worst);
        if (!pending[s].worst) goto done;
    }
    if (nslots > 1 && sort_pending(pending, nslots) < 0) goto done;
    out = PyTuple_New(nslots);
    if (!out) goto done;
    for (Py_ssize_t s = 0; s < nslots; s++) {
        PyObject *args[3] = {pending[s].category, pending[s].score, pending[s].worst};
        PyObject *label = new_slotted(t->label_type, t->label_offsets, args, LABEL_FIELDS);
        if (!label) {
            Py_CLEAR(out);
            goto done;
        }
        PyTuple_SET_ITEM(out, s, label);
    }
done:
    for (Py_ssize_t s = 0; s < nslots; s++) {
        Py_CLEAR(pending[s].score);
        Py_CLEAR(pending[s].worst);
    }
    return out;
}

/* The verdict: the policy's suggestion for the labels' scores, the labels and the hits. */
static PyObject *verdict(const Tables *t, PyObject *hits, PyObject *labels, PyObject *contacts) {
    /* decide is a pure function of the scores: remembered by (category, score, ...). */
    Py_ssize_t n = PyTuple_GET_SIZE(labels);
    PyObject *key = PyTuple_New(2 * n), *scores = NULL, *suggestion = NULL;
    if (!key) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        char *label = (char *)PyTuple_GET_ITEM(labels, i);
        PyTuple_SET_ITEM(key, 2 * i, Py_NewRef(*(PyObject **)(label + t->label_offsets[0])));
        PyTuple_SET_ITEM(key, 2 * i + 1, Py_NewRef(*(PyObject **)(label + t->label_offsets[1])));
    }
    suggestion = Py_XNewRef(PyDict_GetItemWithError(t->decisions, key));
    if (!suggestion && !PyErr_Occurred()) {
        scores = PyDict_New();
        for (Py_ssize_t i = 0; scores && i < n; i++)
            if (PyDict_SetItem(scores, PyTuple_GET_ITEM(key, 2 * i),
                               PyTuple_GET_ITEM(key, 2 * i + 1)) < 0)
                Py_CLEAR(scores);
        if (scores) {
            PyObject *args[2] = {t->surface, scores};
            suggestion = PyObject_Vectorcall(t->decide, args, 2, NULL);
            if (suggestion && PyDict_SetItem(t->decisions, key, suggestion) < 0)
                Py_CLEAR(suggestion);
        }
    }
    Py_DECREF(key);
    Py_XDECREF(scores);
    if (!suggestion) return NULL;
    PyObject *values[VERDICT_FIELDS] = {suggestion, labels, hits, contacts};
    PyObject *out = new_slotted(t->verdict_type, t->verdict_offsets, values, VERDICT_FIELDS);
    Py_DECREF(suggestion);
    return out;
}

/* The verdict of one text's matches and contacts (`contact_keys` of them distinct), or None
 * when a match is allow-listed, or a contact would join hits of the diversion category. */
static PyObject *assemble_text(const Tables *t, Scratch *w, PyObject *text, PyObject *matches,
                               PyObject *contacts, Py_ssize_t contact_keys) {
    Py_ssize_t n = PyList_GET_SIZE(matches);
    PyObject *hits = NULL, *labels = NULL, *out = NULL;
    if (scratch_fit(w, n + 1) < 0) return NULL;
    Item *items = w->items;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *match = PyList_GET_ITEM(matches, i);
        if (!PyTuple_Check(match) || PyTuple_GET_SIZE(match) != 4) {
            PyErr_SetString(PyExc_TypeError, "a match is a (start, end, key, variant) tuple");
            goto done;
        }
        long start = PyLong_AsLong(PyTuple_GET_ITEM(match, 0));
        long end = PyLong_AsLong(PyTuple_GET_ITEM(match, 1));
        long key = PyLong_AsLong(PyTuple_GET_ITEM(match, 2));
        if (PyErr_Occurred()) goto done;
        if (key < 0 || key >= t->keys || start < 0 || end > length || end <= start) {
            PyErr_SetString(PyExc_ValueError, "a match lies outside its text or lexicon");
            goto done;
        }
        if (t->allowed[key] || (contact_keys > 0 && t->category_ids[key] == t->diversion_id)) {
            out = Py_NewRef(Py_None);
            goto done;
        }
        int rank = rank_of(PyTuple_GET_ITEM(match, 3), t->variants);
        if (rank < 0) goto done;
        Item item = {(int32_t)start, (int32_t)end, (int32_t)key, rank, (int32_t)i};
        items[i] = item;
    }
    hits = PyTuple_New(n);
    if (!hits) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *hit = make_hit(t, text, &items[i]);
        if (!hit) goto done;
        PyTuple_SET_ITEM(hits, i, hit);
    }
    labels = score(t, w, n, contact_keys);
    if (!labels) goto done;
    out = verdict(t, hits, labels, contacts);
done:
    Py_XDECREF(hits);
    Py_XDECREF(labels);
    return out;
}

/*
 * assemble(texts, items, hit_type, label_type, verdict_type, round, decide, surface,
 *          decisions, diversion, diversion_id, contact_weight, contact_severity, terms,
 *          categories, severities, category_ids, term_ids, weight_rows, allowed, weights,
 *          variants)
 *   -> list of (number, verdict), or (number, None) where a match is allow-listed or a
 *   contact meets a hit of the diversion category (the Python path settles those)
 *   decide: the policy's decide(surface, scores by category); decisions: a dict in which
 *   its answers for `surface` are remembered, by (category, score, category, score, ...);
 *   texts: the batch's texts; items: list of (number, matches, contacts, contact_keys):
 *   matches as the matcher's find_compact gives them, contacts a tuple, contact_keys how
 *   many distinct kind:value keys they hold (at least one of matches and contacts); terms, categories, severities: lists per term key;
 *   category_ids, term_ids, weight_rows: int32 per key (equal ids, equal categories or
 *   texts); allowed: uint8 per key; weights: float64, VARIANTS per weight row;
 *   variants: the matcher's variant names, plainest first.
 */
static PyObject *assemble(PyObject *self, PyObject *args) {
    PyObject *texts, *items, *variants_obj;
    Tables t = {0};
    Scratch scratch = {0};
    Py_buffer category_buf, term_buf, row_buf, allowed_buf, weight_buf;
    PyObject *variants[VARIANTS];
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!OOUO!UidlO!O!O!y*y*y*y*y*O!", &PyList_Type, &texts,
                          &PyList_Type, &items, &PyType_Type, &t.hit_type, &PyType_Type,
                          &t.label_type, &PyType_Type, &t.verdict_type, &t.round_fn, &t.decide,
                          &t.surface, &PyDict_Type, &t.decisions, &t.diversion, &t.diversion_id,
                          &t.contact_weight, &t.contact_severity,
                          &PyList_Type, &t.terms, &PyList_Type, &t.categories, &PyList_Type,
                          &t.severities, &category_buf, &term_buf, &row_buf, &allowed_buf,
                          &weight_buf, &PyTuple_Type, &variants_obj))
        return NULL;
    PyObject *out = NULL;
    t.keys = PyList_GET_SIZE(t.terms);
    t.four = PyLong_FromLong(4);
    if (!t.four) goto done;
    if (slot_offsets(t.hit_type, hit_fields, t.hit_offsets, HIT_FIELDS) < 0 ||
        slot_offsets(t.label_type, label_fields, t.label_offsets, LABEL_FIELDS) < 0 ||
        slot_offsets(t.verdict_type, verdict_fields, t.verdict_offsets, VERDICT_FIELDS) < 0)
        goto done;
    if (PyList_GET_SIZE(t.categories) != t.keys || PyList_GET_SIZE(t.severities) != t.keys ||
        category_buf.len != t.keys * 4 || term_buf.len != t.keys * 4 ||
        row_buf.len != t.keys * 4 || allowed_buf.len != t.keys ||
        PyTuple_GET_SIZE(variants_obj) != VARIANTS) {
        PyErr_SetString(PyExc_ValueError, "assemble's tables disagree in length");
        goto done;
    }
    t.category_ids = category_buf.buf;
    t.term_ids = term_buf.buf;
    t.weight_rows = row_buf.buf;
    t.allowed = allowed_buf.buf;
    t.weights = weight_buf.buf;
    t.rows = weight_buf.len / (VARIANTS * sizeof(double));
    for (int v = 0; v < VARIANTS; v++) variants[v] = PyTuple_GET_ITEM(variants_obj, v);
    t.variants = variants;
    out = PyList_New(PyList_GET_SIZE(items));
    if (!out) goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i), *matches, *contacts;
        Py_ssize_t number, contact_keys;
        if (!PyArg_ParseTuple(item, "nO!O!n", &number, &PyList_Type, &matches, &PyTuple_Type,
                              &contacts, &contact_keys))
            goto fail;
        if (contact_keys < 0 || contact_keys > PyTuple_GET_SIZE(contacts) ||
            (contact_keys == 0 && PyTuple_GET_SIZE(contacts) > 0) ||
            (contact_keys == 0 && PyList_GET_SIZE(matches) == 0)) {
            PyErr_SetString(PyExc_ValueError, "an item has neither matches nor contacts");
            goto fail;
        }
        if (number < 0 || number >= PyList_GET_SIZE(texts) ||
            !PyUnicode_Check(PyList_GET_ITEM(texts, number))) {
            PyErr_SetString(PyExc_ValueError, "an item names no text of the batch");
            goto fail;
        }
        PyObject *made = assemble_text(&t, &scratch, PyList_GET_ITEM(texts, number), matches,
                                       contacts, contact_keys);
        if (!made) goto fail;
        PyObject *entry = Py_BuildValue("(nN)", number, made);
        if (!entry) goto fail;
        PyList_SET_ITEM(out, i, entry);
    }
    goto done;
fail:
    Py_CLEAR(out);
done:
    scratch_free(&scratch);
    Py_XDECREF(t.four);
    PyBuffer_Release(&category_buf);
    PyBuffer_Release(&term_buf);
    PyBuffer_Release(&row_buf);
    PyBuffer_Release(&allowed_buf);
    PyBuffer_Release(&weight_buf);
    return out;
}

/* pass_verdicts(verdict_type, suggestion, count) -> list of `count` fresh verdicts with that
 * suggestion and nothing else: Verdict("pass") as the pass path makes them, untracked. */
static PyObject *pass_verdicts(PyObject *self, PyObject *args) {
    PyTypeObject *type;
    PyObject *suggestion;
    Py_ssize_t count, offsets[VERDICT_FIELDS];
    if (!PyArg_ParseTuple(args, "O!Un", &PyType_Type, &type, &suggestion, &count)) return NULL;
    if (slot_offsets(type, verdict_fields, offsets, VERDICT_FIELDS) < 0) return NULL;
    PyObject *empty = PyTuple_New(0);
    if (!empty) return NULL;
    PyObject *values[VERDICT_FIELDS] = {suggestion, empty, empty, empty};
    PyObject *out = PyList_New(count < 0 ? 0 : count);
    for (Py_ssize_t i = 0; out && i < count; i++) {
        PyObject *verdict = new_slotted(type, offsets, values, VERDICT_FIELDS);
        if (!verdict) Py_CLEAR(out);
        else PyList_SET_ITEM(out, i, verdict);
    }
    Py_DECREF(empty);
    return out;
}

static PyMethodDef methods[] = {
    {"pass_verdicts", pass_verdicts, METH_VARARGS, "Fresh verdicts with only a suggestion."},
    {"assemble", assemble, METH_VARARGS, "Hits and labels for a batch's lexicon-only texts."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cscore", NULL, -1, methods};

PyMODINIT_FUNC PyInit__cscore(void) { return PyModule_Create(&module); }
