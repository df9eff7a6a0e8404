/*
 * shenhe.text._cscan: the matcher's multi-pattern scan, in C, over code points.
 *
 * ahocorasick_rs scans UTF-8 bytes: every str is encoded first, a CJK character costs three
 * steps, and the byte offsets are mapped back. This scan reads the str's own PEP 393 data (1, 2
 * or 4 bytes a character) and looks at each code point as one symbol.
 *
 * It is a trie walked from each position that can begin a match, not an Aho-Corasick
 * automaton. An automaton steps through every character, and with a 65k-term lexicon (212k
 * states, 7.5 MB) its steps were cache misses and badly predicted branches: it scanned 2.6
 * times slower than with 1k terms. Here the text is read in three passes:
 *
 * 1. Symbols. Every code point that occurs in a pattern gets a dense id from 1; 0 means "in no
 *    pattern". The BMP maps through a table of 65,536 ids, astral code points through a sorted
 *    array and a binary search.
 * 2. Starts. A position is kept when its symbol is a one-character pattern, or its first two
 *    symbols are a whole pattern, or its first three begin a pattern. Pairs and triples are
 *    sieved by one bit each in a filter of 32 bits a key (128 KB for the 33k keys of the
 *    65k-term dictionary), with no branch; a false positive costs one lookup. With that
 *    dictionary 12% of a real text's positions are kept; with pairs alone it was 29%.
 * 3. Walks. A second filter, of the pairs and triples that are patterns and the first four
 *    symbols of longer ones, tells whether the pair is a pattern and whether anything longer
 *    may begin here: most starts kept for a triple go no further and end there, with no
 *    lookup. Else one probe of the
 *    pairs' table (32 bytes an entry: the pair and a copy of the trie state it leads to)
 *    gives the patterns of exactly those two symbols and where to go on; longer patterns
 *    follow the trie's children. Every state keeps a 64-bit mask of its children's symbols
 *    modulo 64, its single child inline or its several in its own open-addressing table
 *    (linear probing, at most half full) in one shared array, and its own patterns as one
 *    int32; states are numbered breadth first.
 *
 * The walks cost what the starts and the matches do, so the scan's time grows little with the
 * lexicon: the folded corpus of benchmarks/scan.py takes 9 ms with 65k terms (the automaton
 * took 21) and 4.6 ms with 1k (8.6). The price is the worst case: each start walks at most the
 * longest pattern's length, so a text that keeps following a long pattern without completing
 * it costs that length a character. A 100,000-character text of "a" against "a" * L + "b"
 * takes 16 ms for L = 70 (the dictionary's longest term), 45 for 200, 220 for 1,000; a real
 * text of that length about 1 ms.
 *
 * Matches come out ordered by start, then shortest first, then (for equal patterns) by index:
 * the set is exactly what ahocorasick_rs's find_matches_as_indexes(text, overlapping=True)
 * gives, duplicate patterns each reported. Scanning a long text releases the GIL, holding its
 * own references to the text and the automaton meanwhile; neither can change (both are
 * immutable).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BMP 0x10000
#define NOGIL_FROM 4096 /* characters: shorter scans keep the GIL */

typedef struct {
    uint64_t children; /* bit (symbol % 64) set for each child's symbol */
    int32_t own;       /* the state's own patterns, those equal to its path: see own_of */
    uint32_t edge;     /* one child: the child; several: the base of its table */
    uint32_t info;     /* one child: its symbol << 5; several: the table's size is 2**info */
} State;

typedef struct {
    uint32_t symbol, child; /* child 0: an empty slot */
} Slot;

typedef struct {
    uint32_t state, symbol, child; /* state 0: an empty slot */
} Edge; /* the trie's edges while it is built, in one hash table keyed by (state, symbol) */

/* The first two symbols of some pattern, and a copy of the trie state they lead to: a walk
 * reads one line for both. */
typedef struct {
    uint64_t key; /* first symbol << 32 | second; 0: an empty slot */
    State state;
} Pair;

/* A Bloom filter with one bit a key: a hash's top bits pick its bit. */
typedef struct {
    uint64_t *words;
    int shift;
    size_t nbytes;
} Filter;

typedef struct {
    PyObject_HEAD
    uint32_t *bmp;          /* BMP code point -> symbol */
    uint32_t *astral;       /* sorted astral code points; symbol astral_base + index */
    Py_ssize_t nastral;
    uint32_t astral_base;
    uint32_t nsymbols;      /* including 0 */
    uint32_t *root;         /* symbol -> the root's child, 0 for none */
    int32_t *single;        /* symbol -> its one-character patterns, as State.own: the
                               root child's own, kept apart for the sieve's every position */
    State *states;
    uint32_t nstates;
    Slot *slots;
    size_t nslots;
    int32_t *next_equal;    /* pattern -> the next pattern equal to it, or -1 */
    Py_ssize_t npatterns;
    Filter starts;          /* pairs that are patterns, triples that begin longer ones */
    Filter walk;            /* asked by each walk: pairs and triples that are patterns, and
                               quads that begin longer ones */
    Pair *pairs;            /* open addressing, at most half full */
    int pair_shift;
    size_t npairs;
    size_t nbytes;
} Automaton;

static inline size_t edge_slot(uint32_t state, uint32_t symbol, int shift) {
    uint64_t key = ((uint64_t)state << 32) | symbol;
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> shift);
}

static inline uint32_t edge_get(const Edge *edges, size_t mask, int shift, uint32_t state,
                                uint32_t symbol) {
    size_t i = edge_slot(state, symbol, shift);
    for (;;) {
        const Edge *e = &edges[i];
        if (e->state == state && e->symbol == symbol) return e->child;
        if (e->state == 0) return 0;
        i = (i + 1) & mask;
    }
}

static inline void edge_put(Edge *edges, size_t mask, int shift, uint32_t state, uint32_t symbol,
                            uint32_t child) {
    size_t i = edge_slot(state, symbol, shift);
    while (edges[i].state != 0) i = (i + 1) & mask;
    edges[i].state = state;
    edges[i].symbol = symbol;
    edges[i].child = child;
}

static inline uint32_t slot_of(uint32_t symbol, uint32_t bits) {
    return (symbol * 0x9E3779B1u) >> (32 - bits);
}

/* The child of state `s` along `symbol` (not 0), or 0. */
static inline uint32_t child_of(const Slot *slots, const State *s, uint32_t symbol) {
    if (!((s->children >> (symbol & 63)) & 1)) return 0;
    uint32_t bits = s->info & 31;
    if (!bits) return s->info >> 5 == symbol ? s->edge : 0;
    uint32_t mask = (1u << bits) - 1, i = slot_of(symbol, bits);
    const Slot *table = slots + s->edge;
    for (;;) {
        if (table[i].symbol == symbol) return table[i].child;
        if (!table[i].child) return 0;
        i = (i + 1) & mask;
    }
}

static inline uint32_t astral_symbol(const Automaton *a, Py_UCS4 c) {
    Py_ssize_t low = 0, high = a->nastral;
    while (low < high) {
        Py_ssize_t mid = (low + high) / 2;
        if (a->astral[mid] < c) low = mid + 1;
        else high = mid;
    }
    return low < a->nastral && a->astral[low] == c ? a->astral_base + (uint32_t)low : 0;
}

static inline uint32_t symbol_of(const Automaton *a, Py_UCS4 c) {
    return c < BMP ? a->bmp[c] : astral_symbol(a, c);
}

/* ---- building ---------------------------------------------------------------------------- */

typedef struct {
    /* the trie as it is inserted, numbered in insertion order */
    uint32_t *root;
    Edge *edges;
    size_t mask;
    int shift;
    uint32_t *symbol;      /* per state: the symbol of the edge into it */
    int32_t *first_child;  /* per state */
    int32_t *sibling;      /* per state: the next child of the same parent */
    int32_t *own;          /* per state: its first own pattern, or -1 */
    int32_t *next_own;     /* per pattern: the next pattern ending at the same state */
    uint32_t nstates;
} Trie;

static void trie_free(Trie *t) {
    free(t->root);
    free(t->edges);
    free(t->symbol);
    free(t->first_child);
    free(t->sibling);
    free(t->own);
    free(t->next_own);
}

static int compare_ucs4(const void *x, const void *y) {
    Py_UCS4 a = *(const Py_UCS4 *)x, b = *(const Py_UCS4 *)y;
    return (a > b) - (a < b);
}

static int table_size(size_t entries, size_t *mask, int *shift) {
    int bits = 4;
    while (((size_t)1 << bits) < 2 * entries + 2) bits++;
    if (bits > 40) return -1;
    *mask = ((size_t)1 << bits) - 1;
    *shift = 64 - bits;
    return 0;
}

/* Symbols for every code point of the patterns; the total length through `total`. */
static int assign_symbols(Automaton *a, PyObject *const *items, Py_ssize_t n, size_t *total) {
    size_t chars = 0, nastral = 0;
    for (Py_ssize_t p = 0; p < n; p++) {
        PyObject *s = items[p];
        if (!PyUnicode_Check(s)) {
            PyErr_Format(PyExc_TypeError, "pattern #%zd is a %.100s, not a str", p,
                         Py_TYPE(s)->tp_name);
            return -1;
        }
        if (PyUnicode_READY(s) < 0) return -1;
        Py_ssize_t len = PyUnicode_GET_LENGTH(s);
        if (len == 0) {
            PyErr_Format(PyExc_ValueError,
                         "pattern #%zd is empty: every pattern needs at least one character", p);
            return -1;
        }
        if (len > INT32_MAX / 2) {
            PyErr_Format(PyExc_ValueError, "pattern #%zd is too long", p);
            return -1;
        }
        chars += (size_t)len;
        if (PyUnicode_KIND(s) == PyUnicode_4BYTE_KIND) nastral += (size_t)len;
    }
    if (chars >= UINT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "the patterns are too long together");
        return -1;
    }
    a->bmp = calloc(BMP, sizeof(uint32_t));
    Py_UCS4 *astral = malloc((nastral ? nastral : 1) * sizeof(Py_UCS4));
    if (!a->bmp || !astral) {
        free(astral);
        PyErr_NoMemory();
        return -1;
    }
    uint32_t next = 1;
    size_t k = 0;
    for (Py_ssize_t p = 0; p < n; p++) {
        PyObject *s = items[p];
        int kind = PyUnicode_KIND(s);
        const void *data = PyUnicode_DATA(s);
        for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(s); i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c >= BMP) astral[k++] = c;
            else if (!a->bmp[c]) a->bmp[c] = next++;
        }
    }
    qsort(astral, k, sizeof(Py_UCS4), compare_ucs4);
    size_t unique = 0;
    for (size_t i = 0; i < k; i++)
        if (!unique || astral[unique - 1] != astral[i]) astral[unique++] = astral[i];
    a->astral = astral;
    a->nastral = (Py_ssize_t)unique;
    a->astral_base = next;
    a->nsymbols = next + (uint32_t)unique;
    *total = chars;
    return 0;
}

/* Insert every pattern into the trie. */
static int build_trie(const Automaton *a, PyObject *const *items, Py_ssize_t n, size_t chars,
                      Trie *t) {
    size_t states = chars + 1;
    memset(t, 0, sizeof(*t));
    if (table_size(states, &t->mask, &t->shift) < 0) goto nomem;
    t->root = calloc(a->nsymbols, sizeof(uint32_t));
    t->edges = calloc(t->mask + 1, sizeof(Edge));
    t->symbol = malloc(states * sizeof(uint32_t));
    t->first_child = malloc(states * sizeof(int32_t));
    t->sibling = malloc(states * sizeof(int32_t));
    t->own = malloc(states * sizeof(int32_t));
    t->next_own = malloc((n ? n : 1) * sizeof(int32_t));
    if (!t->root || !t->edges || !t->symbol || !t->first_child || !t->sibling || !t->own ||
        !t->next_own)
        goto nomem;
    int32_t *ends = malloc((n ? n : 1) * sizeof(int32_t));
    if (!ends) goto nomem;
    t->nstates = 1;
    t->first_child[0] = t->sibling[0] = t->own[0] = -1;
    t->symbol[0] = 0;
    for (Py_ssize_t p = 0; p < n; p++) {
        PyObject *s = items[p];
        int kind = PyUnicode_KIND(s);
        const void *data = PyUnicode_DATA(s);
        uint32_t state = 0;
        for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(s); i++) {
            uint32_t sym = symbol_of(a, PyUnicode_READ(kind, data, i));
            uint32_t child = state ? edge_get(t->edges, t->mask, t->shift, state, sym)
                                   : t->root[sym];
            if (!child) {
                child = t->nstates++;
                if (state) edge_put(t->edges, t->mask, t->shift, state, sym, child);
                else t->root[sym] = child;
                t->symbol[child] = sym;
                t->first_child[child] = t->own[child] = -1;
                t->sibling[child] = t->first_child[state];
                t->first_child[state] = (int32_t)child;
            }
            state = child;
        }
        ends[p] = (int32_t)state;
    }
    for (Py_ssize_t p = n - 1; p >= 0; p--) { /* each state's own patterns, by index */
        t->next_own[p] = t->own[ends[p]];
        t->own[ends[p]] = (int32_t)p;
    }
    free(ends);
    return 0;
nomem:
    trie_free(t);
    PyErr_NoMemory();
    return -1;
}

/* A state's own patterns in one int32: -1 none; p >= 0 the one pattern p; -2 - p the first
 * of several equal patterns, p, then next_equal[p] and so on. The usual single pattern is
 * emitted without reading next_equal (with a large lexicon, a cache miss). */
static int32_t own_of(const Trie *t, int32_t first) {
    if (first < 0) return -1;
    return t->next_own[first] >= 0 ? -2 - first : first;
}

/* How many states the trie has at each of the shallow depths, and how many of those have
 * patterns of their own: what the filters and the pairs' table are sized by. */
#define SHALLOW 5
typedef struct {
    size_t states[SHALLOW], own[SHALLOW];
} Shape;

/*
 * Number the trie's states breadth first and lay them out: the shallow states, which every
 * walk visits, sit together in memory. Their counts by depth go into `shape`.
 */
static int layout_states(Automaton *a, const Trie *t, Shape *shape) {
    uint32_t n = t->nstates;
    uint32_t *order = malloc(n * sizeof(uint32_t)); /* new number -> old */
    uint32_t *renumber = malloc(n * sizeof(uint32_t)); /* old number -> new */
    a->states = calloc(n, sizeof(State));
    a->root = calloc(a->nsymbols, sizeof(uint32_t));
    a->single = malloc(a->nsymbols * sizeof(int32_t));
    if (!order || !renumber || !a->states || !a->root || !a->single) goto nomem;
    a->nstates = n;
    /* The root's children are pushed by ascending symbol via the dense row; deeper ones in
     * sibling order: any order works, breadth first is what matters. */
    uint32_t head = 0, tail = 0;
    order[tail] = 0;
    renumber[0] = tail++;
    for (uint32_t sym = 1; sym < a->nsymbols; sym++)
        if (t->root[sym]) {
            order[tail] = t->root[sym];
            renumber[t->root[sym]] = tail++;
        }
    memset(shape, 0, sizeof(*shape));
    uint32_t depth = 1, level_end = tail; /* states [head, level_end) are at `depth` */
    head = 1;
    while (head < tail) {
        if (head == level_end) {
            depth++;
            level_end = tail;
        }
        uint32_t old = order[head++];
        if (depth < SHALLOW) {
            shape->states[depth]++;
            shape->own[depth] += t->own[old] >= 0;
        }
        for (int32_t c = t->first_child[old]; c >= 0; c = t->sibling[c]) {
            order[tail] = (uint32_t)c;
            renumber[c] = tail++;
        }
    }
    a->single[0] = -1;
    for (uint32_t sym = 1; sym < a->nsymbols; sym++) {
        a->root[sym] = renumber[t->root[sym]];
        a->single[sym] = t->root[sym] ? own_of(t, t->own[t->root[sym]]) : -1;
    }
    /* Each state's child table, at most half full, laid out in breadth-first order. */
    size_t slots = 0;
    for (uint32_t v = 0; v < n; v++) {
        uint32_t children = 0, bits = 1;
        int32_t first = t->first_child[order[v]];
        a->states[v].own = own_of(t, t->own[order[v]]);
        if (v == 0) continue; /* the root's children are the dense row */
        for (int32_t c = first; c >= 0; c = t->sibling[c]) children++;
        if (children == 1) {
            a->states[v].edge = renumber[first];
            a->states[v].info = t->symbol[first] << 5;
            a->states[v].children = (uint64_t)1 << (t->symbol[first] & 63);
        }
        if (children <= 1) continue;
        while ((1u << bits) < 2 * children) bits++;
        a->states[v].edge = (uint32_t)slots;
        a->states[v].info = bits;
        slots += (size_t)1 << bits;
        if (slots >= UINT32_MAX) goto nomem;
    }
    a->nslots = slots;
    a->slots = calloc(slots ? slots : 1, sizeof(Slot));
    if (!a->slots) goto nomem;
    for (uint32_t v = 1; v < n; v++) {
        State *s = &a->states[v];
        uint32_t bits = s->info & 31, mask = (1u << bits) - 1;
        if (!bits) continue;
        Slot *table = a->slots + s->edge;
        for (int32_t c = t->first_child[order[v]]; c >= 0; c = t->sibling[c]) {
            uint32_t sym = t->symbol[c], i = slot_of(sym, bits);
            while (table[i].child) i = (i + 1) & mask;
            table[i].symbol = sym;
            table[i].child = renumber[c];
            s->children |= (uint64_t)1 << (sym & 63);
        }
    }
    free(order);
    free(renumber);
    return 0;
nomem:
    free(order);
    free(renumber);
    PyErr_NoMemory();
    return -1;
}

static inline uint32_t pair_hash(uint32_t first, uint32_t second) {
    return ((first * 0x9E3779B1u) ^ second) * 0x85EBCA6Bu;
}

/* The hash of three symbols, from the pair_hash of the first two. */
static inline uint32_t triple_hash(uint32_t pair, uint32_t third) {
    return (pair ^ third) * 0xC2B2AE35u;
}

/* The hash of four symbols, from the triple_hash of the first three. */
static inline uint32_t quad_hash(uint32_t triple, uint32_t fourth) {
    return (triple ^ fourth) * 0x27D4EB2Fu;
}

/* Another hash of a pair, from its pair_hash: the walk filter's own, so that its false
 * positives are not the starts filter's. */
static inline uint32_t whole_pair_hash(uint32_t pair) {
    return (pair ^ 0x5BD1E995u) * 0x27D4EB2Fu;
}

/*
 * 32 bits a key and at least 2**min_bits: about 1 in 32 of the hashes of no key pass as false
 * positives, and the 65k-term dictionary's filters are 128 KB each. (Two bits a key in one
 * word let fewer pass, but the sieve's extra work cost more than the walks it saved; larger
 * filters cost more in cache than they saved.)
 */
static int filter_init(Filter *f, size_t keys, int min_bits) {
    int bits = min_bits;
    while (bits < 21 && ((size_t)1 << bits) < 32 * keys) bits++;
    f->shift = 32 - bits;
    f->nbytes = ((size_t)1 << bits) / 8;
    f->words = calloc(f->nbytes / 8, sizeof(uint64_t));
    if (!f->words) PyErr_NoMemory();
    return f->words ? 0 : -1;
}

static inline void filter_add(Filter *f, uint32_t hash) {
    uint32_t bit = hash >> f->shift;
    f->words[bit >> 6] |= (uint64_t)1 << (bit & 63);
}

/* 1 when the hash's bit is set, else 0: no branch. */
static inline uint64_t filter_has(const Filter *f, uint32_t hash) {
    uint32_t bit = hash >> f->shift;
    return (f->words[bit >> 6] >> (bit & 63)) & 1;
}

/* Runs the statements that follow `state` once for each child of it, with `symbol` the child's
 * symbol and `child` its number. */
#define FOR_EACH_CHILD(a, state, ...)                                                     \
    do {                                                                                  \
        const State *parent_ = &(a)->states[state];                                       \
        uint32_t bits_ = parent_->info & 31, width_ = bits_ ? 1u << bits_ : 1u;           \
        for (uint32_t k_ = 0; parent_->children && k_ < width_; k_++) {                   \
            const Slot *slot_ = &(a)->slots[parent_->edge + k_];                          \
            uint32_t symbol = bits_ ? slot_->symbol : parent_->info >> 5;                 \
            uint32_t child = bits_ ? slot_->child : parent_->edge;                        \
            if (!child) continue;                                                         \
            __VA_ARGS__                                                                   \
        }                                                                                 \
    } while (0)

/*
 * The two filters and the table of pairs. `starts` keeps the positions where a match may
 * begin: with the 65k-term dictionary its 33k keys match 9% of a real text's positions (pairs
 * alone would match 29%). `walk` tells a walk whether its pair is a pattern and whether to go
 * past it: most positions that begin a three-symbol prefix go no further. (Keying quads in
 * `starts` instead kept fewer positions, but a third probe at every position cost what it
 * saved.)
 */
static int build_pairs(Automaton *a, const Shape *shape) {
    size_t npairs = shape->states[2];
    size_t start_keys = shape->own[2] + shape->states[3];
    size_t walk_keys = shape->own[2] + shape->own[3] + shape->states[4];
    int pair_bits = 4;
    while (((size_t)1 << pair_bits) < 2 * npairs + 2) pair_bits++;
    if (pair_bits > 31) {
        PyErr_SetString(PyExc_ValueError, "too many patterns");
        return -1;
    }
    /* The starts filter is read at every position: at least 16 KB keeps a small lexicon's
     * false positives rare. */
    if (filter_init(&a->starts, start_keys, 17) < 0 || filter_init(&a->walk, walk_keys, 12) < 0)
        return -1;
    a->pair_shift = 32 - pair_bits;
    a->npairs = (size_t)1 << pair_bits;
    a->pairs = calloc(a->npairs, sizeof(Pair));
    if (!a->pairs) {
        PyErr_NoMemory();
        return -1;
    }
    uint32_t mask = (uint32_t)a->npairs - 1;
    for (uint32_t first = 1; first < a->nsymbols; first++) {
        if (!a->root[first]) continue;
        FOR_EACH_CHILD(a, a->root[first], {
            uint32_t second = symbol, hash = pair_hash(first, second);
            const State *s = &a->states[child];
            if (s->own != -1) {
                filter_add(&a->starts, hash);
                filter_add(&a->walk, whole_pair_hash(hash));
            }
            FOR_EACH_CHILD(a, child, {
                uint32_t triple = triple_hash(hash, symbol);
                filter_add(&a->starts, triple);
                if (a->states[child].own != -1) filter_add(&a->walk, triple);
                FOR_EACH_CHILD(a, child, (void)child;
                               filter_add(&a->walk, quad_hash(triple, symbol)););
            });
            uint32_t i = hash >> a->pair_shift;
            while (a->pairs[i].key) i = (i + 1) & mask;
            a->pairs[i].key = ((uint64_t)first << 32) | second;
            a->pairs[i].state = *s;
        });
    }
    return 0;
}

static void automaton_dealloc(Automaton *a) {
    free(a->bmp);
    free(a->astral);
    free(a->root);
    free(a->states);
    free(a->slots);
    free(a->single);
    free(a->next_equal);
    free(a->starts.words);
    free(a->walk.words);
    free(a->pairs);
    Py_TYPE(a)->tp_free((PyObject *)a);
}

static PyObject *automaton_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"patterns", NULL};
    PyObject *patterns;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:Automaton", names, &patterns)) return NULL;
    if (PyUnicode_Check(patterns)) {
        PyErr_SetString(PyExc_TypeError, "patterns must be a list of str, not one str");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(patterns, "patterns must be a list of str");
    if (!seq) return NULL;
    Automaton *a = (Automaton *)type->tp_alloc(type, 0);
    if (!a) {
        Py_DECREF(seq);
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *const *items = PySequence_Fast_ITEMS(seq);
    a->npatterns = n;
    size_t chars = 0;
    Trie trie;
    if (n > INT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "too many patterns");
        goto fail;
    }
    if (assign_symbols(a, items, n, &chars) < 0) goto fail;
    if (build_trie(a, items, n, chars, &trie) < 0) goto fail;
    Shape shape;
    int laid = layout_states(a, &trie, &shape);
    a->next_equal = trie.next_own; /* the trie's; kept */
    trie.next_own = NULL;
    trie_free(&trie);
    if (laid < 0 || build_pairs(a, &shape) < 0) goto fail;
    a->nbytes = sizeof(Automaton) + BMP * sizeof(uint32_t) + a->nastral * sizeof(uint32_t) +
                a->nsymbols * (sizeof(uint32_t) + sizeof(int32_t)) +
                a->nstates * sizeof(State) + a->nslots * sizeof(Slot) +
                (size_t)n * sizeof(int32_t) + a->starts.nbytes + a->walk.nbytes +
                a->npairs * sizeof(Pair);
    Py_DECREF(seq);
    return (PyObject *)a;
fail:
    Py_DECREF(seq);
    Py_DECREF(a);
    return NULL;
}

/* ---- scanning ---------------------------------------------------------------------------- */

typedef struct {
    int32_t *data;
    size_t len, cap; /* in int32s */
} Triples;

static int emit(Triples *m, int32_t pattern, int32_t start, int32_t end) {
    if (m->len + 3 > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 3 * 1024;
        int32_t *grown = realloc(m->data, cap * sizeof(int32_t));
        if (!grown) return -1;
        m->data = grown;
        m->cap = cap;
    }
    m->data[m->len++] = pattern;
    m->data[m->len++] = start;
    m->data[m->len++] = end;
    return 0;
}

/* A state's own patterns (see own_of), found at [start, end). */
static inline int emit_own(const Automaton *a, Triples *m, int32_t own, Py_ssize_t start,
                           Py_ssize_t end) {
    if (own >= 0) return emit(m, own, (int32_t)start, (int32_t)end);
    for (int32_t p = -2 - own; p >= 0; p = a->next_equal[p]) /* own -1: p -1, none */
        if (emit(m, p, (int32_t)start, (int32_t)end) < 0) return -1;
    return 0;
}

#define SYMBOLS(TYPE)                                                                 \
    do {                                                                              \
        const TYPE *chars = data;                                                     \
        for (Py_ssize_t i = 0; i < len; i++) {                                        \
            Py_UCS4 c = chars[i];                                                     \
            syms[i] = sizeof(TYPE) < 4 || c < BMP ? a->bmp[c] : astral_symbol(a, c);  \
        }                                                                             \
    } while (0)

/* The positions where a match may start (pass 2), into `starts`; how many. No branch per
 * position: each is written, and kept by advancing past it when its symbol is a pattern, or
 * its pair or triple passes the starts filter. `syms` holds three 0s past the end. */
static Py_ssize_t find_starts(const Automaton *a, const uint32_t *syms, Py_ssize_t len,
                              int32_t *starts) {
    const Filter *filter = &a->starts;
    const int32_t *single = a->single;
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        uint32_t pair = pair_hash(syms[i], syms[i + 1]);
        starts[n] = (int32_t)i;
        n += (Py_ssize_t)(filter_has(filter, pair) |
                          filter_has(filter, triple_hash(pair, syms[i + 2])) |
                          (single[syms[i]] != -1));
    }
    return n;
}

/* Every match starting at `i` (pass 3), shortest first. The filters are asked first whether
 * the pair is a pattern and whether a longer one may begin here: a start kept for a triple
 * that goes no further then costs no lookup at all. */
static int walk_from(const Automaton *a, const uint32_t *syms, Py_ssize_t i, Triples *m) {
    uint32_t first = syms[i], second = syms[i + 1];
    if (emit_own(a, m, a->single[first], i, i + 1) < 0) return -1;
    if (!second) return 0;
    uint32_t hash = pair_hash(first, second), triple = triple_hash(hash, syms[i + 2]);
    uint64_t longer = filter_has(&a->walk, triple) |
                      filter_has(&a->walk, quad_hash(triple, syms[i + 3]));
    if (!(longer | filter_has(&a->walk, whole_pair_hash(hash)))) return 0;
    uint64_t key = ((uint64_t)first << 32) | second;
    uint32_t mask = (uint32_t)a->npairs - 1, k = hash >> a->pair_shift;
    while (a->pairs[k].key && a->pairs[k].key != key) k = (k + 1) & mask;
    const Pair *pair = &a->pairs[k];
    if (pair->key != key) return 0; /* a false positive */
    if (emit_own(a, m, pair->state.own, i, i + 2) < 0) return -1;
    if (!longer) return 0;
    const State *state = &pair->state;
    for (Py_ssize_t j = i + 2; syms[j]; j++) {
        uint32_t next = child_of(a->slots, state, syms[j]);
        if (!next) break;
        state = &a->states[next];
        if (emit_own(a, m, state->own, i, j + 1) < 0) return -1;
    }
    return 0;
}

/* Every match in the text, as triples; -1 when out of memory. Runs without the GIL. */
static int scan_into(const Automaton *a, int kind, const void *data, Py_ssize_t len, Triples *m) {
    /* Three symbols past the end, 0, stop every walk and hash there. */
    uint32_t *syms = malloc(((size_t)len + 3) * sizeof(uint32_t));
    int32_t *starts = malloc(((size_t)len + 1) * sizeof(int32_t));
    int failed = !syms || !starts;
    if (!failed) {
        if (kind == PyUnicode_1BYTE_KIND) SYMBOLS(Py_UCS1);
        else if (kind == PyUnicode_2BYTE_KIND) SYMBOLS(Py_UCS2);
        else SYMBOLS(Py_UCS4);
        syms[len] = syms[len + 1] = syms[len + 2] = 0;
        Py_ssize_t n = find_starts(a, syms, len, starts);
        for (Py_ssize_t k = 0; k < n && !failed; k++)
            failed = walk_from(a, syms, starts[k], m) < 0;
    }
    free(syms);
    free(starts);
    return failed ? -1 : 0;
}

static int scan_text(Automaton *a, PyObject *text, Triples *m) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "text must be a str, not %.100s", Py_TYPE(text)->tp_name);
        return -1;
    }
    if (PyUnicode_READY(text) < 0) return -1;
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    if (len > INT32_MAX - 1) {
        PyErr_SetString(PyExc_ValueError, "text is too long to scan (over 2**31 characters)");
        return -1;
    }
    int kind = PyUnicode_KIND(text), failed;
    const void *data = PyUnicode_DATA(text);
    memset(m, 0, sizeof(*m));
    if (len >= NOGIL_FROM) {
        /* Our own references keep the text and the automaton alive while other threads run,
         * whatever the caller does with its own. */
        Py_INCREF(text);
        Py_INCREF(a);
        Py_BEGIN_ALLOW_THREADS
        failed = scan_into(a, kind, data, len, m);
        Py_END_ALLOW_THREADS
        Py_DECREF(a);
        Py_DECREF(text);
    } else {
        failed = scan_into(a, kind, data, len, m);
    }
    if (failed) {
        free(m->data);
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static PyObject *automaton_scan(Automaton *a, PyObject *text) {
    Triples m;
    if (scan_text(a, text, &m) < 0) return NULL;
    PyObject *out = PyBytes_FromStringAndSize((const char *)m.data, m.len * sizeof(int32_t));
    free(m.data);
    return out;
}

static PyObject *automaton_find(Automaton *a, PyObject *text) {
    Triples m;
    if (scan_text(a, text, &m) < 0) return NULL;
    PyObject *out = PyList_New((Py_ssize_t)(m.len / 3));
    for (size_t i = 0; out && i < m.len; i += 3) {
        PyObject *item = Py_BuildValue("(iii)", m.data[i], m.data[i + 1], m.data[i + 2]);
        if (!item) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)(i / 3), item);
    }
    free(m.data);
    return out;
}

static Py_ssize_t automaton_len(Automaton *a) { return a->npatterns; }

static PyObject *automaton_nbytes(Automaton *a, void *closure) {
    return PyLong_FromSize_t(a->nbytes);
}

static PyObject *automaton_states(Automaton *a, void *closure) {
    return PyLong_FromUnsignedLong(a->nstates);
}

static PyMethodDef automaton_methods[] = {
    {"find", (PyCFunction)automaton_find, METH_O,
     "find(text) -> list of (pattern index, start, end), every overlapping match, in code "
     "points, ordered by start, then shortest first, then by pattern index."},
    {"scan", (PyCFunction)automaton_scan, METH_O,
     "scan(text) -> bytes: the matches of find(text) as native int32 triples "
     "(pattern, start, end), one Python object in all."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef automaton_getset[] = {
    {"nbytes", (getter)automaton_nbytes, NULL, "memory the automaton holds, in bytes", NULL},
    {"states", (getter)automaton_states, NULL, "the number of trie states, root included", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods automaton_as_sequence = {.sq_length = (lenfunc)automaton_len};

static PyTypeObject AutomatonType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "shenhe.text._cscan.Automaton",
    .tp_basicsize = sizeof(Automaton),
    .tp_dealloc = (destructor)automaton_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Automaton(patterns: list[str]): an immutable multi-pattern matcher over code "
              "points (a trie walked from each possible start). len() is the number of "
              "patterns.",
    .tp_methods = automaton_methods,
    .tp_getset = automaton_getset,
    .tp_as_sequence = &automaton_as_sequence,
    .tp_new = automaton_new,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cscan", NULL, -1, NULL};

PyMODINIT_FUNC PyInit__cscan(void) {
    if (PyType_Ready(&AutomatonType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&AutomatonType);
    if (PyModule_AddObject(m, "Automaton", (PyObject *)&AutomatonType) < 0) {
        Py_DECREF(&AutomatonType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
