/*
 * shenhe.screening._cscore: the verdicts of a batch's texts.
 *
 * With a large lexicon a third of real texts hit something, and building their hits and
 * scoring them in Python cost more than folding and scanning the whole batch. `assemble`
 * does it for a batch in one call, from the matcher's rows of int32 (no Python object per
 * match on the way) and the contacts found: it makes a fresh pass verdict for each text
 * with nothing found, and for the others the `Hit`, `Label` and `Verdict` objects
 * exactly as shenhe.screening.scoring.score_labels would (noisy-or per category over its
 * distinct terms, a hit inside a longer one of its category adds nothing, labels strongest
 * first; each distinct contact adds the surface's contact weight to diversion) and asks
 * the policy's `decide` for the suggestion. Texts with an allow-listed term, or with a
 * contact beside a diversion term whose text holds ":", are left as None. shenhe.screening.assembly
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

/* What scoring needs of a term key, in one place and small: a key costs one cache miss,
 * however large the lexicon, and a 65k-term table (780 KB) mostly stays in cache. */
typedef struct {
    int32_t category; /* equal ids, equal categories */
    int32_t term;     /* equal ids, equal term texts */
    int16_t row;      /* its severity's row of the weights */
    int8_t severity;
    uint8_t allowed;
} KeyInfo;
_Static_assert(sizeof(KeyInfo) == 12, "KeyInfo is packed by assembly._key_info as =iihbB");

/* The exact hits' texts made in this batch, by term key: a word found in many texts of a
 * batch is one string, not one each. */
#define EXACT_TEXTS 1024
typedef struct {
    int32_t key;
    PyObject *text; /* NULL: empty */
} ExactText;

/* The exact hits made in this batch, by (term key, start, end): a hit is a frozen value, so
 * texts of a batch that hold the same word at the same offsets share one. */
#define EXACT_HITS 2048
typedef struct {
    int32_t key, start, end;
    PyObject *hit; /* NULL: empty */
} ExactHit;

typedef struct {
    PyTypeObject *hit_type, *label_type, *verdict_type;
    Py_ssize_t hit_offsets[HIT_FIELDS], label_offsets[LABEL_FIELDS], verdict_offsets[VERDICT_FIELDS];
    PyObject *round_fn, *four, *decide, *surface, *decisions;
    PyObject *diversion;       /* the category contacts score */
    int diversion_id;          /* its category id in the lexicon, or -1 */
    double contact_weight;     /* what each distinct contact weighs on this surface */
    long contact_severity;
    PyObject *terms;      /* list: each key's term text */
    PyObject *categories; /* list: each category id's name */
    const KeyInfo *info;  /* per key */
    const double *weights; /* info[key].row * VARIANTS + rank */
    Py_ssize_t keys, rows;
    PyObject **variants;
    PyObject *pass, *empty; /* the pass suggestion; an empty tuple */
    struct {
        double raw;
        PyObject *rounded;
    } rounds[64]; /* round(raw, 4) of the scores seen in this batch: a batch has few */
    struct Outcome *outcomes; /* OUTCOMES of them: labels and suggestions seen in this batch */
    ExactText *exact;         /* EXACT_TEXTS of them */
    ExactHit *exact_hits;     /* EXACT_HITS of them */
} Tables;

/* What a text's labels are made of, per category in order of first hit: before rounding.
 * Two 64-bit words, no padding: compared and hashed as raw memory. */
#define OUTCOME_SLOTS 4
#define OUTCOMES 512
typedef struct {
    int32_t category, worst;
    double raw;
} SlotScore;
_Static_assert(sizeof(SlotScore) == 16, "a slot score is two 64-bit words");

/* A text's labels and suggestion follow from its slot scores alone (the surface is fixed for
 * a batch), and a batch holds few distinct ones: they are made once and shared. Label is a
 * frozen dataclass, so sharing the tuple of labels between verdicts is safe. */
typedef struct Outcome {
    Py_ssize_t nslots; /* 0: unused */
    SlotScore slots[OUTCOME_SLOTS];
    PyObject *labels, *suggestion;
} Outcome;

typedef struct {
    int32_t start, end, key, rank, index;
} Item;

typedef struct {
    int32_t category, worst; /* category: an id of info[].category, or the diversion id */
} Slot;

static int by_start_then_longest(const void *x, const void *y) {
    const Item *a = x, *b = y;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->end != b->end) return a->end > b->end ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Sorts by by_start_then_longest: a text has few hits, and insertion sort spares qsort's call
 * per comparison. */
static void sort_items(Item *items, Py_ssize_t n) {
    if (n > 32) {
        qsort(items, n, sizeof(Item), by_start_then_longest);
        return;
    }
    for (Py_ssize_t i = 1; i < n; i++) {
        Item held = items[i];
        Py_ssize_t j = i;
        for (; j > 0 && by_start_then_longest(&items[j - 1], &held) > 0; j--) items[j] = items[j - 1];
        items[j] = held;
    }
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
    /* new_slotted fills every slot and nothing else: the instance must be only those. */
    if (type->tp_basicsize != (Py_ssize_t)(sizeof(PyObject) + n * sizeof(PyObject *)) ||
        type->tp_itemsize || type->tp_dictoffset || type->tp_weaklistoffset ||
        !PyType_IS_GC(type)) {
        PyErr_Format(PyExc_TypeError, "%s holds more than its %d fields", type->tp_name, n);
        return -1;
    }
    return 0;
}

/*
 * The objects made here hold only strings, numbers, frozen contacts and tuples of such
 * objects, so they cannot be part of a reference cycle: they are left untracked by the garbage collector,
 * which then neither walks them in every young collection nor promotes them and counts
 * them towards full collections. (Untracking only ever keeps an object alive longer; the
 * collector treats references from untracked objects as roots.) PyObject_GC_New makes them
 * untracked and leaves their slots unset, which is what tp_alloc's zeroing and tracking would
 * cost for every hit: slot_offsets checked that these values fill the whole instance.
 */
static PyObject *new_slotted(PyTypeObject *type, const Py_ssize_t *offsets, PyObject **values,
                             int n) {
    PyObject *obj = PyObject_GC_New(PyObject, type);
    if (!obj) return NULL;
    for (int i = 0; i < n; i++) {
        Py_INCREF(values[i]);
        *(PyObject **)((char *)obj + offsets[i]) = values[i];
    }
    return obj;
}

/* The text of an exact hit (a new reference): the term as written, which the hit's slice
 * of its text equals. Made from the slice, so the lexicon's string (a cache miss with a large
 * lexicon) is not read, and remembered for the batch. */
static PyObject *exact_text(const Tables *t, PyObject *text, const Item *item) {
    ExactText *e = &t->exact[((uint32_t)item->key * 0x9E3779B1u) >> 22]; /* 10 bits */
    if (e->text && e->key == item->key) return Py_NewRef(e->text);
    PyObject *slice = PyUnicode_Substring(text, item->start, item->end);
    if (!slice) return NULL;
    Py_XSETREF(e->text, Py_NewRef(slice));
    e->key = item->key;
    return slice;
}

static PyObject *new_hit(const Tables *t, PyObject *text, const Item *item) {
    PyObject *slice = item->rank == 0 ? exact_text(t, text, item)
                                      : PyUnicode_Substring(text, item->start, item->end);
    PyObject *term = item->rank == 0 ? slice : PyList_GET_ITEM(t->terms, item->key);
    PyObject *start = PyLong_FromLong(item->start), *end = PyLong_FromLong(item->end);
    PyObject *hit = NULL;
    if (slice && start && end) {
        PyObject *args[6] = {term, PyList_GET_ITEM(t->categories, t->info[item->key].category),
                             slice, start, end, t->variants[item->rank]};
        hit = new_slotted(t->hit_type, t->hit_offsets, args, HIT_FIELDS);
    }
    Py_XDECREF(slice);
    Py_XDECREF(start);
    Py_XDECREF(end);
    return hit;
}

/* The hit of an item (a new reference): an exact one made before in this batch at the same
 * offsets, or a new one. */
static PyObject *make_hit(const Tables *t, PyObject *text, const Item *item) {
    if (item->rank != 0) return new_hit(t, text, item);
    uint32_t hash = ((uint32_t)item->key * 0x9E3779B1u ^ (uint32_t)item->start) * 0x85EBCA6Bu ^
                    (uint32_t)item->end;
    ExactHit *e = &t->exact_hits[(hash * 0xC2B2AE35u) >> 21]; /* 11 bits */
    if (e->hit && e->key == item->key && e->start == item->start && e->end == item->end)
        return Py_NewRef(e->hit);
    PyObject *hit = new_hit(t, text, item);
    if (!hit) return NULL;
    Py_XSETREF(e->hit, Py_NewRef(hit));
    e->key = item->key;
    e->start = item->start;
    e->end = item->end;
    return hit;
}

typedef struct {
    int32_t slot, term, key; /* key: a term key of the entry's term, or -1 for a contact */
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

/* round(raw, 4) as Python's round gives it (a new reference), remembered for the batch. */
static PyObject *rounded(Tables *t, double raw) {
    uint64_t bits;
    memcpy(&bits, &raw, sizeof(bits));
    size_t slot = (size_t)((bits * 0x9E3779B97F4A7C15ull) >> 58); /* 6 bits: 64 slots */
    for (int probe = 0; probe < 4; probe++) {
        size_t at = (slot + probe) & 63;
        if (t->rounds[at].rounded && t->rounds[at].raw == raw)
            return Py_NewRef(t->rounds[at].rounded);
        if (!t->rounds[at].rounded) {
            PyObject *value = PyFloat_FromDouble(raw);
            if (!value) return NULL;
            PyObject *round_args[2] = {value, t->four};
            PyObject *out = PyObject_Vectorcall(t->round_fn, round_args, 2, NULL);
            Py_DECREF(value);
            if (!out) return NULL;
            t->rounds[at].raw = raw;
            t->rounds[at].rounded = Py_NewRef(out);
            return out;
        }
    }
    PyObject *value = PyFloat_FromDouble(raw); /* the neighbourhood is full: not remembered */
    if (!value) return NULL;
    PyObject *round_args[2] = {value, t->four};
    PyObject *out = PyObject_Vectorcall(t->round_fn, round_args, 2, NULL);
    Py_DECREF(value);
    return out;
}

/* The remembered outcome of these slot scores, or the free entry where it belongs, or NULL
 * when its neighbourhood is full. */
static Outcome *find_outcome(Tables *t, const SlotScore *scores, Py_ssize_t nslots) {
    uint64_t hash = 1469598103934665603ull;
    for (Py_ssize_t i = 0; i < nslots; i++) { /* a slot score is two 64-bit words */
        uint64_t words[2];
        memcpy(words, &scores[i], sizeof(words));
        hash = (hash ^ words[0]) * 0x9E3779B97F4A7C15ull;
        hash = (hash ^ words[1]) * 0x9E3779B97F4A7C15ull;
    }
    hash ^= hash >> 29;
    for (int probe = 0; probe < 8; probe++) {
        Outcome *o = &t->outcomes[(hash + probe) & (OUTCOMES - 1)];
        if (!o->nslots) return o;
        if (o->nslots == nslots && !memcmp(o->slots, scores, nslots * sizeof(SlotScore))) return o;
    }
    return NULL;
}

/* The policy's suggestion for these labels' scores (a new reference). decide is a pure
 * function of the scores: its answers are remembered by (category, score, ...). */
static PyObject *decide(const Tables *t, PyObject *labels) {
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
    return suggestion;
}

/* The labels of one text's hits (items in hit order), as a tuple, and the policy's
 * suggestion for them (a new reference, in *suggestion). */
static PyObject *score(Tables *t, Scratch *w, Py_ssize_t n, Py_ssize_t contact_keys,
                       PyObject **suggestion) {
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
    memset(pending, 0, (n + 1) * sizeof(Pending)); /* a slot a hit, and one for contacts */
    int overlapping = 0;
    for (Py_ssize_t i = 1, far = n ? items[0].end : 0; i < n && !overlapping; i++) {
        overlapping = items[i].start < far;
        far = items[i].end;
    }
    if (overlapping) { /* as scoring._nested: inside an earlier, longer hit of its category */
        memcpy(order, items, n * sizeof(Item));
        sort_items(order, n);
        for (Py_ssize_t i = 0; i < n; i++) {
            int32_t category = t->info[order[i].key].category;
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
        int32_t key = items[i].key;
        const KeyInfo *info = &t->info[key];
        int32_t category = info->category, term = info->term, severity = info->severity;
        Py_ssize_t s = 0;
        while (s < nslots && slots[s].category != category) s++;
        if (s == nslots) {
            slots[nslots].category = category;
            slots[nslots++].worst = severity;
        } else if (severity > slots[s].worst) {
            slots[s].worst = severity;
        }
        int32_t row = info->row; /* checked per key used: a batch uses few keys */
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
            entries[nentries].key = key;
            entries[nentries++].weight = weight;
        } else if (weight > entries[e].weight) {
            entries[e].weight = weight;
        }
    }
    if (contact_keys > 0) {
        /* Each distinct contact weighs in on diversion: the label of its hits if it has one
           (after their terms, as score_labels' dict orders them), else a label of its own,
           last. */
        Py_ssize_t s = 0;
        while (s < nslots && !(t->diversion_id >= 0 && slots[s].category == t->diversion_id)) s++;
        if (s == nslots) {
            slots[nslots].category = t->diversion_id;
            slots[nslots++].worst = (int32_t)t->contact_severity;
        } else {
            /* score_labels keys contacts "kind:value" beside the terms' texts: a diversion
               term holding ":" could share a key, which the Python path settles. */
            for (Py_ssize_t e = 0; e < nentries; e++) {
                if (entries[e].slot != s) continue;
                PyObject *term_text = PyList_GET_ITEM(t->terms, entries[e].key);
                if (PyUnicode_FindChar(term_text, ':', 0, PY_SSIZE_T_MAX, 1) != -1)
                    return Py_NewRef(Py_None);
            }
            if (t->contact_severity > slots[s].worst) slots[s].worst = (int32_t)t->contact_severity;
        }
        for (Py_ssize_t c = 0; c < contact_keys; c++) {
            entries[nentries].slot = (int32_t)s;
            entries[nentries].term = -1;
            entries[nentries].key = -1;
            entries[nentries++].weight = t->contact_weight;
        }
    }
    SlotScore scores[OUTCOME_SLOTS];
    for (Py_ssize_t s = 0; s < nslots; s++) {
        double remaining = 1.0;
        for (Py_ssize_t e = 0; e < nentries; e++)
            if (entries[e].slot == s) remaining *= 1.0 - entries[e].weight;
        pending[s].value = 1.0 - remaining;
        if (s < OUTCOME_SLOTS) {
            SlotScore score = {slots[s].category, slots[s].worst, pending[s].value};
            scores[s] = score;
        }
    }
    Outcome *seen = nslots <= OUTCOME_SLOTS ? find_outcome(t, scores, nslots) : NULL;
    if (seen && seen->nslots) {
        *suggestion = Py_NewRef(seen->suggestion);
        return Py_NewRef(seen->labels);
    }
    for (Py_ssize_t s = 0; s < nslots; s++) {
        pending[s].score = rounded(t, pending[s].value);
        if (!pending[s].score) goto done;
        pending[s].value = PyFloat_AsDouble(pending[s].score);
        if (pending[s].value == -1.0 && PyErr_Occurred()) goto done;
        /* The contacts' own label has the diversion id, -1 where no term is of that category */
        pending[s].category = slots[s].category >= 0
                                  ? PyList_GET_ITEM(t->categories, slots[s].category)
                                  : t->diversion;
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
    PyObject_GC_UnTrack(out); /* our untracked labels only: never part of a cycle */
    *suggestion = decide(t, out);
    if (!*suggestion) {
        Py_CLEAR(out);
        goto done;
    }
    if (seen) { /* remembered for the rest of the batch */
        seen->nslots = nslots;
        memcpy(seen->slots, scores, nslots * sizeof(SlotScore));
        seen->labels = Py_NewRef(out);
        seen->suggestion = Py_NewRef(*suggestion);
    }
done:
    for (Py_ssize_t s = 0; s < nslots; s++) {
        Py_CLEAR(pending[s].score);
        Py_CLEAR(pending[s].worst);
    }
    return out;
}

/* A verdict of the suggestion, the labels, the hits and the contacts. */
static PyObject *verdict(const Tables *t, PyObject *suggestion, PyObject *labels, PyObject *hits,
                         PyObject *contacts) {
    PyObject *values[VERDICT_FIELDS] = {suggestion, labels, hits, contacts};
    return new_slotted(t->verdict_type, t->verdict_offsets, values, VERDICT_FIELDS);
}

/* The verdict of one text's items (rows of the matcher, in order) and contacts
 * (`contact_keys` of them distinct), or None when a match is allow-listed, or a contact would
 * join a diversion term whose text holds ":" (see score). */
static PyObject *assemble_text(Tables *t, Scratch *w, PyObject *text, const int32_t *rows,
                               Py_ssize_t n, PyObject *contacts, Py_ssize_t contact_keys) {
    PyObject *hits = NULL, *labels = NULL, *suggestion = NULL, *out = NULL;
    if (scratch_fit(w, n + contact_keys + 1) < 0) return NULL;
    Item *items = w->items;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        const int32_t *row = &rows[5 * i];
        int32_t start = row[1], end = row[2], key = row[3], rank = row[4];
        if (key < 0 || key >= t->keys || start < 0 || end > length || end <= start ||
            rank < 0 || rank >= VARIANTS) {
            PyErr_SetString(PyExc_ValueError, "a match lies outside its text or lexicon");
            return NULL;
        }
        const KeyInfo *info = &t->info[key]; /* checked per key used: a batch uses few */
        if (info->category < 0 || info->category >= PyList_GET_SIZE(t->categories)) {
            PyErr_SetString(PyExc_ValueError, "a key's category id names no category");
            return NULL;
        }
        if (info->allowed) return Py_NewRef(Py_None);
        Item item = {start, end, key, rank, (int32_t)i};
        items[i] = item;
    }
    hits = PyTuple_New(n);
    if (!hits) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *hit = make_hit(t, text, &items[i]);
        if (!hit) goto done;
        PyTuple_SET_ITEM(hits, i, hit);
    }
    PyObject_GC_UnTrack(hits); /* our untracked hits only: never part of a cycle */
    labels = score(t, w, n, contact_keys, &suggestion);
    if (!labels) goto done;
    if (labels == Py_None) out = Py_NewRef(Py_None);
    else out = verdict(t, suggestion, labels, hits, contacts);
done:
    Py_XDECREF(hits);
    Py_XDECREF(labels);
    Py_XDECREF(suggestion);
    return out;
}

/* How many distinct (kind, value) pairs `contacts` holds: what scoring counts. */
static Py_ssize_t distinct_contacts(PyObject *contacts) {
    static PyObject *kind_name, *value_name;
    if (!kind_name) kind_name = PyUnicode_InternFromString("kind");
    if (!value_name) value_name = PyUnicode_InternFromString("value");
    if (!kind_name || !value_name) return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(contacts), distinct = 0;
    PyObject **pairs = PyMem_Calloc(2 * (n ? n : 1), sizeof(PyObject *));
    if (!pairs) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *kind = PyObject_GetAttr(PyTuple_GET_ITEM(contacts, i), kind_name);
        PyObject *value = kind ? PyObject_GetAttr(PyTuple_GET_ITEM(contacts, i), value_name) : NULL;
        int seen = 0;
        for (Py_ssize_t j = 0; value && j < distinct && !seen; j++) {
            seen = PyObject_RichCompareBool(pairs[2 * j], kind, Py_EQ);
            if (seen > 0) seen = PyObject_RichCompareBool(pairs[2 * j + 1], value, Py_EQ);
            if (seen < 0) Py_CLEAR(value);
        }
        if (!value || seen) {
            Py_XDECREF(kind);
            Py_XDECREF(value);
            if (!value) {
                distinct = -1;
                break;
            }
            continue;
        }
        pairs[2 * distinct] = kind;
        pairs[2 * distinct + 1] = value;
        distinct++;
    }
    for (Py_ssize_t j = 0; j < 2 * n; j++) Py_XDECREF(pairs[j]);
    PyMem_Free(pairs);
    return distinct;
}

/* Each text's contacts, from the dict {number: list of contacts}, as borrowed pointers. */
static int contacts_by_text(PyObject *dict, PyObject **at, Py_ssize_t count) {
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        Py_ssize_t number = PyLong_AsSsize_t(key);
        if (number == -1 && PyErr_Occurred()) return -1;
        if (number < 0 || number >= count || !PyList_Check(value)) {
            PyErr_SetString(PyExc_ValueError, "contacts name no text of the batch");
            return -1;
        }
        if (PyList_GET_SIZE(value)) at[number] = value;
    }
    return 0;
}

/* Text `number`'s verdict: a fresh pass, or assembled, or None for the Python path. */
static PyObject *text_verdict(Tables *t, Scratch *w, PyObject *text, const int32_t *rows,
                              Py_ssize_t n, PyObject *contact_list) {
    if (!n && !contact_list) {
        PyObject *values[VERDICT_FIELDS] = {t->pass, t->empty, t->empty, t->empty};
        return new_slotted(t->verdict_type, t->verdict_offsets, values, VERDICT_FIELDS);
    }
    if (!contact_list) return assemble_text(t, w, text, rows, n, t->empty, 0);
    PyObject *contacts = PyList_AsTuple(contact_list);
    if (!contacts) return NULL;
    PyObject *out = NULL;
    Py_ssize_t keys = distinct_contacts(contacts);
    if (keys >= 0) out = assemble_text(t, w, text, rows, n, contacts, keys);
    Py_DECREF(contacts);
    return out;
}

/*
 * assemble(texts, rows, contacts, hit_type, label_type, verdict_type, round, decide, surface,
 *          decisions, diversion, diversion_id, contact_weight, contact_severity, terms,
 *          categories, key_info, weights, variants, pass)
 *   -> (verdicts, handed): one verdict per text, or None where a match is allow-listed or a
 *   contact meets a diversion term holding ":"; handed: the numbers of those texts, which
 *   the Python path settles
 *   texts: the batch's texts; rows: the matcher's find_rows, int32 (number, start, end, key,
 *   variant rank), texts in order; contacts: dict {number: list of Contact};
 *   decide: the policy's decide(surface, scores by category); decisions: a dict in which
 *   its answers for `surface` are remembered, by (category, score, category, score, ...);
 *   terms: list, each key's term text; categories: list, each category id's name; key_info:
 *   per key a KeyInfo (int32 category id, int32 term id, int16 weight row, int8 severity,
 *   uint8 allowed); weights: float64, VARIANTS per weight row; variants: the matcher's variant names,
 *   plainest first;
 *   pass: the suggestion of a text with nothing found.
 */
static PyObject *assemble(PyObject *self, PyObject *args) {
    PyObject *texts, *contacts, *variants_obj;
    Tables t = {0};
    Scratch scratch = {0};
    Py_buffer rows_buf, info_buf, weight_buf;
    PyObject *variants[VARIANTS];
    PyObject **contacts_at = NULL;
    if (!PyArg_ParseTuple(args, "O!y*O!O!O!O!OOUO!UidlO!O!y*y*O!U", &PyList_Type, &texts,
                          &rows_buf, &PyDict_Type, &contacts, &PyType_Type, &t.hit_type,
                          &PyType_Type, &t.label_type, &PyType_Type, &t.verdict_type,
                          &t.round_fn, &t.decide, &t.surface, &PyDict_Type, &t.decisions,
                          &t.diversion, &t.diversion_id, &t.contact_weight, &t.contact_severity,
                          &PyList_Type, &t.terms, &PyList_Type, &t.categories, &info_buf,
                          &weight_buf, &PyTuple_Type, &variants_obj, &t.pass))
        return NULL;
    PyObject *out = NULL, *handed = NULL, *result = NULL;
    Py_ssize_t count = PyList_GET_SIZE(texts);
    const int32_t *rows = rows_buf.buf;
    Py_ssize_t nrows = rows_buf.len / (5 * (Py_ssize_t)sizeof(int32_t));
    t.keys = PyList_GET_SIZE(t.terms);
    t.four = PyLong_FromLong(4);
    t.empty = PyTuple_New(0);
    if (!t.four || !t.empty) goto done;
    if (slot_offsets(t.hit_type, hit_fields, t.hit_offsets, HIT_FIELDS) < 0 ||
        slot_offsets(t.label_type, label_fields, t.label_offsets, LABEL_FIELDS) < 0 ||
        slot_offsets(t.verdict_type, verdict_fields, t.verdict_offsets, VERDICT_FIELDS) < 0)
        goto done;
    if (info_buf.len != t.keys * (Py_ssize_t)sizeof(KeyInfo) ||
        PyTuple_GET_SIZE(variants_obj) != VARIANTS || rows_buf.len % (5 * sizeof(int32_t))) {
        PyErr_SetString(PyExc_ValueError, "assemble's tables disagree in length");
        goto done;
    }
    t.info = info_buf.buf;
    t.weights = weight_buf.buf;
    t.rows = weight_buf.len / (VARIANTS * sizeof(double));
    for (int v = 0; v < VARIANTS; v++) variants[v] = PyTuple_GET_ITEM(variants_obj, v);
    t.variants = variants;
    contacts_at = PyMem_Calloc(count ? count : 1, sizeof(PyObject *));
    t.outcomes = PyMem_Calloc(OUTCOMES, sizeof(Outcome));
    t.exact = PyMem_Calloc(EXACT_TEXTS, sizeof(ExactText));
    t.exact_hits = PyMem_Calloc(EXACT_HITS, sizeof(ExactHit));
    if (!contacts_at || !t.outcomes || !t.exact || !t.exact_hits) {
        PyErr_NoMemory();
        goto done;
    }
    if (contacts_by_text(contacts, contacts_at, count) < 0) goto done;
    out = PyList_New(count);
    handed = PyList_New(0);
    if (!out || !handed) goto done;
    /* Each row's key facts are read text by text, with a large lexicon a cache miss each:
     * cheaper when all of the batch's are started at once. */
    for (Py_ssize_t i = 0; i < nrows; i++) {
        int32_t key = rows[5 * i + 3];
        if (key >= 0 && key < t.keys) __builtin_prefetch(&t.info[key]);
    }
    Py_ssize_t r = 0;
    for (Py_ssize_t number = 0; number < count; number++) {
        PyObject *text = PyList_GET_ITEM(texts, number);
        if (r < nrows && rows[5 * r] < number) {
            PyErr_SetString(PyExc_ValueError, "rows are not in text order");
            goto fail;
        }
        Py_ssize_t first = r;
        while (r < nrows && rows[5 * r] == number) r++;
        /* Only a text with something found is read: reading every text's type would cost a
           cache miss each. */
        if ((r > first || contacts_at[number]) && !PyUnicode_Check(text)) {
            PyErr_Format(PyExc_TypeError, "text #%zd is not a string", number);
            goto fail;
        }
        PyObject *made =
            text_verdict(&t, &scratch, text, &rows[5 * first], r - first, contacts_at[number]);
        if (!made) goto fail;
        PyList_SET_ITEM(out, number, made);
        if (made == Py_None) {
            PyObject *index = PyLong_FromSsize_t(number);
            int failed = !index || PyList_Append(handed, index) < 0;
            Py_XDECREF(index);
            if (failed) goto fail;
        }
    }
    if (r != nrows) {
        PyErr_SetString(PyExc_ValueError, "rows name no text of the batch");
        goto fail;
    }
    result = PyTuple_Pack(2, out, handed);
    goto done;
fail:
done:
    Py_XDECREF(out);
    Py_XDECREF(handed);
    for (int i = 0; i < 64; i++) Py_XDECREF(t.rounds[i].rounded);
    for (int i = 0; t.outcomes && i < OUTCOMES; i++) {
        Py_XDECREF(t.outcomes[i].labels);
        Py_XDECREF(t.outcomes[i].suggestion);
    }
    PyMem_Free(t.outcomes);
    for (int i = 0; t.exact && i < EXACT_TEXTS; i++) Py_XDECREF(t.exact[i].text);
    PyMem_Free(t.exact);
    for (int i = 0; t.exact_hits && i < EXACT_HITS; i++) Py_XDECREF(t.exact_hits[i].hit);
    PyMem_Free(t.exact_hits);
    PyMem_Free(contacts_at);
    scratch_free(&scratch);
    Py_XDECREF(t.four);
    Py_XDECREF(t.empty);
    PyBuffer_Release(&rows_buf);
    PyBuffer_Release(&info_buf);
    PyBuffer_Release(&weight_buf);
    return result;
}

static PyMethodDef methods[] = {
    {"assemble", assemble, METH_VARARGS, "The verdicts of a batch's texts."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cscore", NULL, -1, methods};

PyMODINIT_FUNC PyInit__cscore(void) { return PyModule_Create(&module); }
