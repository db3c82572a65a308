/* The prover's scanner: runs compiled per-skeleton programs over the raw bytes of NDJSON lines.
 *
 * A line is read by a strict JSON grammar that gives up ("don't know") on anything unusual:
 * `\u` escapes, invalid UTF-8, non-ASCII keys, integers of more than 18 digits, exponents,
 * nesting deeper than 64, more than 1024 leaves. What it reads becomes a skeleton (the line with
 * every string and number replaced by its kind and no white space) and a list of leaves (the
 * strings and numbers, in order). The skeleton selects a program learned from an exemplar line
 * (toolkit.prover.learn); the program's ops test the leaves. Every op that cannot decide gives
 * up. This module proves nothing by itself: it only runs what Python compiled.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64
#define MAX_LEAVES 1024
#define MAX_SKEL 16384
#define ALPHA 95

enum { K_STR = 's', K_INT = 'i', K_DEC = 'd' };
enum { OP_DFA = 1, OP_NDFA = 2, OP_LEN = 3, OP_IN = 4, OP_NOTIN = 5, OP_IMIN = 6, OP_IMAX = 7,
       OP_ANYNE = 8, OP_DISTINCT = 9, OP_EQ = 10, OP_SOLVE = 11,
       OP_PERCENT = 12, OP_QBYTES = 13 };
enum { CH_LIT = 1, CH_LEAF = 2, CH_PREFIX = 3, CH_VAR = 4 };
#define MAX_VARS 8
#define MAX_PAIRS 8

/* esc: 0 plain printable ASCII; ESCAPED: holds simple escapes (ops decode them); WIDE: holds
 * non-ASCII UTF-8 (no op reads it: only its kind counts). */
typedef struct { const uint8_t *p; Py_ssize_t n; char kind; char esc; } Leaf;
enum { ESCAPED = 1, WIDE = 2 };
#define MAX_TEXT 8192
typedef struct { uint16_t *next; uint8_t *accept; uint64_t *loop; Py_ssize_t states; } Dfa;
/* loop: per state, the bytes (bit b - 0x20 of two words) that lead back to it: runs of them are
 * skipped without a table step. */
typedef struct { char kind; Py_ssize_t count; const char **items; Py_ssize_t *lens; PyObject *keep; } Set;
#define MAX_ALTS 8
typedef struct { int64_t *ops; Py_ssize_t nops; long result; } Program;
typedef struct { uint64_t hash; char *skel; Py_ssize_t len; int nalts; Program alts[MAX_ALTS]; } Entry;

typedef struct {
    PyObject_HEAD
    Dfa *dfas; Py_ssize_t ndfas;
    Set *sets; Py_ssize_t nsets;
    Entry *table; Py_ssize_t cap; Py_ssize_t used;
    /* per-line scratch */
    Leaf leaves[MAX_LEAVES]; int nleaves;
    char skel[MAX_SKEL]; Py_ssize_t slen;
    uint8_t text[MAX_TEXT]; /* one decoded string at a time */
} Scanner;

typedef struct { const uint8_t *p; const uint8_t *end; Scanner *s; int depth; } Cursor;

static int put(Scanner *s, char c) {
    if (s->slen >= MAX_SKEL) return -1;
    s->skel[s->slen++] = c;
    return 0;
}

static void ws(Cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

/* The length of a valid UTF-8 sequence of 2 to 4 bytes at p (RFC 3629: no overlong form, no
 * surrogate, nothing above U+10FFFF), or 0. */
static int utf8(const uint8_t *p, const uint8_t *end) {
    uint8_t b = p[0], lo = 0x80, hi = 0xBF;
    int n;
    if (b >= 0xC2 && b <= 0xDF) n = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0) lo = 0xA0;
        if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0) lo = 0x90;
        if (b == 0xF4) hi = 0x8F;
    } else return 0;
    if (end - p < n || p[1] < lo || p[1] > hi) return 0;
    for (int i = 2; i < n; i++) if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

/* Whether any of the 8 bytes in w is not plain string text: a control byte (< 0x20), DEL or
 * non-ASCII (>= 0x7f), a quote or a backslash. Exact (no byte is missed): the classic
 * has-zero / has-less / has-more word tricks, each exact about whether such a byte exists. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
static inline uint64_t unprintable8(uint64_t w) {
    uint64_t low = (w - ONES * 0x20) & ~w;            /* a byte < 0x20 */
    uint64_t high = (w + ONES * (127 - 0x7e)) | w;    /* a byte > 0x7e */
    return (low | high) & HIGHS;
}
static inline uint64_t special8(uint64_t w) {
    uint64_t quote = w ^ (ONES * '"'), slash = w ^ (ONES * '\\');
    uint64_t zero = ((quote - ONES) & ~quote) | ((slash - ONES) & ~slash);
    return (zero & HIGHS) | unprintable8(w);
}

/* A string's body after the opening quote; *esc gets ESCAPED for simple escapes and WIDE for
 * non-ASCII text (keys may have neither). */
static int string_body(Cursor *c, const uint8_t **start, Py_ssize_t *len, char *esc, int key) {
    const uint8_t *p = c->p;
    *start = p;
    *esc = 0;
    while (p < c->end) {
        while (c->end - p >= 8) {  /* plain text, 8 bytes at a time */
            uint64_t w;
            memcpy(&w, p, 8);
            if (special8(w)) break;
            p += 8;
        }
        if (p >= c->end) break;
        uint8_t b = *p;
        if (b == '"') { *len = p - *start; c->p = p + 1; return 0; }
        if (b < 0x20 || b == 0x7f) return -1;
        if (b >= 0x80) {
            int n = key ? 0 : utf8(p, c->end);
            if (!n) return -1;
            *esc |= WIDE; p += n; continue;
        }
        if (b == '\\') {
            if (key || p + 1 >= c->end) return -1;
            switch (p[1]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                *esc |= ESCAPED; p += 2; continue;
            default: return -1; /* \u and anything else: don't know */
            }
        }
        p++;
    }
    return -1;
}

static int value(Cursor *c);

static int object(Cursor *c) {
    Scanner *s = c->s;
    if (put(s, '{')) return -1;
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == '}') { c->p++; return put(s, '}'); }
    for (;;) {
        const uint8_t *k; Py_ssize_t klen; char esc;
        if (c->p >= c->end || *c->p != '"') return -1;
        c->p++;
        if (string_body(c, &k, &klen, &esc, 1)) return -1;
        if (s->slen + klen + 3 > MAX_SKEL) return -1;
        s->skel[s->slen++] = '"';
        memcpy(s->skel + s->slen, k, klen);
        s->slen += klen;
        s->skel[s->slen++] = '"';
        s->skel[s->slen++] = ':';
        ws(c);
        if (c->p >= c->end || *c->p != ':') return -1;
        c->p++;
        ws(c);
        if (value(c)) return -1;
        ws(c);
        if (c->p >= c->end) return -1;
        if (*c->p == ',') { c->p++; ws(c); if (put(s, ',')) return -1; continue; }
        if (*c->p == '}') { c->p++; return put(s, '}'); }
        return -1;
    }
}

static int array(Cursor *c) {
    Scanner *s = c->s;
    if (put(s, '[')) return -1;
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == ']') { c->p++; return put(s, ']'); }
    for (;;) {
        if (value(c)) return -1;
        ws(c);
        if (c->p >= c->end) return -1;
        if (*c->p == ',') { c->p++; ws(c); if (put(s, ',')) return -1; continue; }
        if (*c->p == ']') { c->p++; return put(s, ']'); }
        return -1;
    }
}

static int leaf(Scanner *s, const uint8_t *p, Py_ssize_t n, char kind, char esc) {
    if (s->nleaves >= MAX_LEAVES) return -1;
    Leaf *l = &s->leaves[s->nleaves++];
    l->p = p; l->n = n; l->kind = kind; l->esc = esc;
    return put(s, kind);
}

static int number(Cursor *c) {
    const uint8_t *p = c->p, *start = p;
    int digits = 0;
    char kind = K_INT;
    if (p < c->end && *p == '-') p++;
    if (p >= c->end) return -1;
    if (*p == '0') { p++; digits = 1; }
    else if (*p >= '1' && *p <= '9') { while (p < c->end && *p >= '0' && *p <= '9') { p++; digits++; } }
    else return -1;
    if (p < c->end && *p == '.') {
        int frac = 0;
        p++;
        while (p < c->end && *p >= '0' && *p <= '9') { p++; frac++; }
        if (!frac) return -1;
        digits += frac;
        kind = K_DEC;
    }
    if (p < c->end && (*p == 'e' || *p == 'E')) return -1; /* exponents: don't know */
    if (digits > 18) return -1;
    c->p = p;
    return leaf(c->s, start, p - start, kind, 0);
}

static int literal(Cursor *c, const char *word, Py_ssize_t n, char kind) {
    if (c->end - c->p < n || memcmp(c->p, word, n)) return -1;
    c->p += n;
    return put(c->s, kind);
}

static int value(Cursor *c) {
    int r;
    if (c->p >= c->end) return -1;
    switch (*c->p) {
    case '{':
        if (++c->depth > MAX_DEPTH) return -1;
        r = object(c); c->depth--; return r;
    case '[':
        if (++c->depth > MAX_DEPTH) return -1;
        r = array(c); c->depth--; return r;
    case '"': {
        const uint8_t *start; Py_ssize_t len; char esc;
        c->p++;
        if (string_body(c, &start, &len, &esc, 0)) return -1;
        return leaf(c->s, start, len, K_STR, esc);
    }
    case 't': return literal(c, "true", 4, 't');
    case 'f': return literal(c, "false", 5, 'f');
    case 'n': return literal(c, "null", 4, 'n');
    default: return number(c);
    }
}

/* Read one line; 0 when it is a supported JSON object (skeleton and leaves filled). */
static int scan(Scanner *s, const uint8_t *p, Py_ssize_t n) {
    Cursor c = { p, p + n, s, 1 };
    s->nleaves = 0;
    s->slen = 0;
    ws(&c);
    if (c.p >= c.end || *c.p != '{') return -1;
    if (object(&c)) return -1;
    ws(&c);
    return c.p == c.end ? 0 : -1;
}

/* A hash of the skeleton, 8 bytes at a time (the table compares whole skeletons anyway). */
static uint64_t fnv(const char *p, Py_ssize_t n) {
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)n;
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    for (; i < n; i++) { h ^= (uint8_t)p[i]; h *= 1099511628211ULL; }
    return h ^ (h >> 32);
}

static Entry *lookup(Scanner *s, const char *skel, Py_ssize_t len, uint64_t h) {
    Py_ssize_t mask = s->cap - 1, i = (Py_ssize_t)(h & (uint64_t)mask);
    for (;;) {
        Entry *e = &s->table[i];
        if (!e->skel) return e;
        if (e->hash == h && e->len == len && !memcmp(e->skel, skel, len)) return e;
        i = (i + 1) & mask;
    }
}

/* A string leaf's value as bytes: the raw text, or its escapes decoded into the scratch buffer;
 * 0 when it is not a string, has non-ASCII text or is too long to decode. */
static int text_of(Scanner *s, const Leaf *l, const uint8_t **p, Py_ssize_t *n) {
    if (l->kind != K_STR || (l->esc & WIDE)) return 0;
    if (!l->esc) { *p = l->p; *n = l->n; return 1; }
    if (l->n > MAX_TEXT) return 0;
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < l->n; i++) {
        uint8_t b = l->p[i];
        if (b == '\\') {
            b = l->p[++i];
            b = b == 'b' ? 8 : b == 'f' ? 12 : b == 'n' ? 10 : b == 'r' ? 13 : b == 't' ? 9 : b;
        }
        s->text[k++] = b;
    }
    *p = s->text; *n = k;
    return 1;
}

static int in_set(const Set *set, const uint8_t *p, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < set->count; i++)
        if (set->lens[i] == n && !memcmp(set->items[i], p, n)) return 1;
    return 0;
}

/* `-0`: equal to `0` as a number, not as text. */
static int neg_zero(const Leaf *l) {
    return l->kind == K_INT && l->n == 2 && l->p[0] == '-' && l->p[1] == '0';
}

/* The leaf's value as bytes comparable with the set's literals (strings decoded); 0: it is not. */
static int comparable(Scanner *s, const Set *set, const Leaf *l, const uint8_t **p, Py_ssize_t *n) {
    if (l->kind != set->kind) return 0;
    if (l->kind == K_STR) return text_of(s, l, p, n);
    if (l->kind != K_INT || neg_zero(l)) return 0;
    *p = l->p; *n = l->n;
    return 1;
}

static int int_of(const Leaf *l, int64_t *out) {
    if (l->kind != K_INT) return -1;
    int64_t v = 0;
    Py_ssize_t i = 0;
    int neg = 0;
    if (l->p[0] == '-') { neg = 1; i = 1; }
    for (; i < l->n; i++) v = v * 10 + (l->p[i] - '0');
    *out = neg ? -v : v;
    return 0;
}

/* 1 if the automaton accepts the n bytes at p, 0 if not, -1 when a byte is outside its alphabet
 * (a control character from an escape: then neither is known). */
static int run_dfa(const Dfa *d, const uint8_t *p, Py_ssize_t n) {
    Py_ssize_t state = 1, i = 0, j = 0;
    for (; j + 8 <= n; j += 8) {
        uint64_t w;
        memcpy(&w, p + j, 8);
        if (unprintable8(w)) return -1;
    }
    for (; j < n; j++) if (p[j] < 0x20 || p[j] >= 0x7f) return -1;
    while (i < n) {
        const uint64_t *loop = d->loop + 2 * state;
        if (loop[0] | loop[1]) {
            for (;;) {
                unsigned b = p[i] - 0x20u;
                if (!((loop[b >> 6] >> (b & 63)) & 1)) break;
                if (++i == n) return d->accept[state];
            }
        }
        state = d->next[state * ALPHA + (p[i] - 0x20)];
        if (!state) return 0;
        i++;
    }
    return d->accept[state];
}

/* The text of a chunk of a template (not a free variable); 0 when it cannot be had exactly. */
static int chunk_text(Scanner *s, const int64_t *c, const uint8_t **p, Py_ssize_t *n) {
    if (c[0] == CH_LIT) {
        const Set *set = &s->sets[c[1]];
        if (set->count != 1) return 0;
        *p = (const uint8_t *)set->items[0]; *n = set->lens[0];
        return 1;
    }
    if (c[1] < 0 || c[1] >= s->nleaves) return 0;
    const Leaf *l = &s->leaves[c[1]];
    if (l->esc) return 0;
    if (c[0] == CH_LEAF) {
        if (neg_zero(l) || (l->kind != K_STR && l->kind != K_INT)) return 0;
        *p = l->p; *n = l->n;
        return 1;
    }
    if (c[0] == CH_PREFIX && l->kind == K_STR) {
        *p = l->p; *n = l->n < c[2] ? l->n : c[2];
        return 1;
    }
    return 0;
}

typedef struct {
    int npairs, nvars;
    const int64_t *dfa;               /* per variable, its automaton */
    const Leaf *target[MAX_PAIRS];
    const int64_t *chunks[MAX_PAIRS]; /* per pair, nchunks triples */
    int64_t nchunks[MAX_PAIRS];
    const uint8_t *vp[MAX_VARS]; Py_ssize_t vn[MAX_VARS];
} Solve;

/* Whether the pairs from (pair, chunk, pos) on can all be matched: every split is tried, as
 * toolkit.contract.invariant_templates.solve does. */
static int solve(Scanner *s, Solve *v, int pair, int chunk, Py_ssize_t pos) {
    if (pair == v->npairs) return 1;
    const Leaf *t = v->target[pair];
    if (chunk == v->nchunks[pair]) return pos == t->n && solve(s, v, pair + 1, 0, 0);
    const int64_t *c = v->chunks[pair] + 3 * chunk;
    const uint8_t *p; Py_ssize_t n;
    if (c[0] == CH_VAR) {
        int64_t k = c[1];
        if (k < 0 || k >= v->nvars) return 0;
        if (v->vp[k]) { p = v->vp[k]; n = v->vn[k]; }
        else {
            const Dfa *d = &s->dfas[v->dfa[k]];
            Py_ssize_t state = 1, end = pos;
            for (;;) {
                if (d->accept[state]) {
                    v->vp[k] = t->p + pos; v->vn[k] = end - pos;
                    if (solve(s, v, pair, chunk + 1, end)) return 1;
                    v->vp[k] = NULL;
                }
                if (end == t->n) return 0;
                state = d->next[state * ALPHA + (t->p[end] - 0x20)];
                if (!state) return 0;
                end++;
            }
        }
    } else if (!chunk_text(s, c, &p, &n)) return 0;
    if (pos + n > t->n || memcmp(t->p + pos, p, n)) return 0;
    return solve(s, v, pair, chunk + 1, pos + n);
}

/* OP_SOLVE: nvars, dfa per var, npairs, then per pair: target leaf, nchunks, (kind, a, b) each.
 * Returns the op's length, or -1 when it fails. */
static Py_ssize_t run_solve(Scanner *s, const int64_t *op, Py_ssize_t room) {
    Solve v;
    memset(&v, 0, sizeof v);
    Py_ssize_t i = 1;
    v.nvars = (int)op[i++];
    if (v.nvars < 0 || v.nvars > MAX_VARS) return -1;
    v.dfa = op + i; i += v.nvars;
    v.npairs = (int)op[i++];
    if (v.npairs < 0 || v.npairs > MAX_PAIRS) return -1;
    for (int k = 0; k < v.npairs; k++) {
        int64_t li = op[i++];
        if (li < 0 || li >= s->nleaves) return -1;
        v.target[k] = &s->leaves[li];
        if (v.target[k]->kind != K_STR || v.target[k]->esc) return -1;
        v.nchunks[k] = op[i++];
        v.chunks[k] = op + i;
        i += 3 * v.nchunks[k];
        if (i > room) return -1;
    }
    return solve(s, &v, 0, 0, 0) ? i : -1;
}

/* Whether every op holds; any op that cannot decide fails. */
static int holds(Scanner *s, const int64_t *ops, Py_ssize_t n) {
    Py_ssize_t i = 0;
    while (i < n) {
        int64_t op = ops[i], li = ops[i + 1];
        int counted = op == OP_ANYNE || op == OP_DISTINCT || op == OP_SOLVE;
        if (!counted && (li < 0 || li >= s->nleaves)) return 0;
        const Leaf *l = &s->leaves[counted ? 0 : li];
        switch (op) {
        case OP_DFA: case OP_NDFA: {
            const uint8_t *p; Py_ssize_t len;
            if (!text_of(s, l, &p, &len)) return 0;
            int ok = run_dfa(&s->dfas[ops[i + 2]], p, len);
            if (ok < 0 || ok != (op == OP_DFA)) return 0;
            i += 3; break;
        }
        case OP_LEN: {
            const uint8_t *p; Py_ssize_t len;
            if (!text_of(s, l, &p, &len)) return 0;
            if (len < ops[i + 2] || (ops[i + 3] >= 0 && len > ops[i + 3])) return 0;
            i += 4; break;
        }
        case OP_IN: case OP_NOTIN: {
            const Set *set = &s->sets[ops[i + 2]];
            const uint8_t *p; Py_ssize_t len;
            if (!comparable(s, set, l, &p, &len)) return 0;
            if (in_set(set, p, len) != (op == OP_IN)) return 0;
            i += 3; break;
        }
        case OP_IMIN: case OP_IMAX: {
            int64_t v;
            if (int_of(l, &v)) return 0;
            if (op == OP_IMIN ? v < ops[i + 2] : v > ops[i + 2]) return 0;
            i += 3; break;
        }
        case OP_ANYNE: {
            int64_t pairs = ops[i + 1], differs = 0;
            for (int64_t j = 0; j < pairs; j++) {
                int64_t lj = ops[i + 2 + 2 * j];
                if (lj < 0 || lj >= s->nleaves) return 0;
                const Leaf *m = &s->leaves[lj];
                const Set *set = &s->sets[ops[i + 3 + 2 * j]];
                const uint8_t *p; Py_ssize_t len;
                if (!comparable(s, set, m, &p, &len)) return 0;
                if (!in_set(set, p, len)) differs = 1;
            }
            if (!differs) return 0;
            i += 2 + 2 * pairs; break;
        }
        case OP_DISTINCT: {
            int64_t count = ops[i + 1];
            for (int64_t j = 0; j < count; j++) {
                int64_t a = ops[i + 2 + j];
                if (a < 0 || a >= s->nleaves) return 0;
                const Leaf *x = &s->leaves[a];
                if (x->esc || x->kind == K_DEC) return 0;
                if (neg_zero(x)) return 0;
                for (int64_t k = 0; k < j; k++) {
                    const Leaf *y = &s->leaves[ops[i + 2 + k]];
                    if (x->kind == y->kind && x->n == y->n && !memcmp(x->p, y->p, x->n)) return 0;
                }
            }
            i += 2 + count; break;
        }
        case OP_EQ: {
            int64_t lj = ops[i + 2];
            if (lj < 0 || lj >= s->nleaves) return 0;
            const Leaf *m = &s->leaves[lj];
            if (l->esc || m->esc || l->kind != m->kind || l->kind == K_DEC) return 0;
            if (neg_zero(l) || neg_zero(m)) return 0;
            if (l->n != m->n || memcmp(l->p, m->p, l->n)) return 0;
            i += 3; break;
        }
        case OP_PERCENT: { /* target == int(value * 100 / total), 0 when total is 0 */
            int64_t t, v, tot;
            const int64_t a = ops[i + 2], b = ops[i + 3];
            if (a < 0 || a >= s->nleaves || b < 0 || b >= s->nleaves) return 0;
            if (int_of(l, &t) || int_of(&s->leaves[a], &v) || int_of(&s->leaves[b], &tot)) return 0;
            const int64_t exact = (int64_t)1 << 53;
            if (v >= exact / 100 || v <= -exact / 100 || tot >= exact || tot <= -exact) return 0;
            int64_t want = tot ? (int64_t)((double)(v * 100) / (double)tot) : 0;
            if (t != want) return 0;
            i += 4; break;
        }
        case OP_QBYTES: { /* target == Quay's size format of value (invariant_filters.quay_bytes) */
            static const char *units[] = {"bytes", "KB", "MB", "GB", "TB"};
            int64_t v;
            const int64_t a = ops[i + 2];
            if (a < 0 || a >= s->nleaves || l->kind != K_STR || l->esc) return 0;
            if (int_of(&s->leaves[a], &v)) return 0;
            const int64_t exact = (int64_t)1 << 53;
            if (v >= exact || v <= -exact) return 0;
            double number = (double)v;
            char buf[64];
            int len = -1;
            for (int u = 0; u < 5; u++) {
                if (fabs(number) < 1024.0 || u == 4) {
                    len = u == 0 ? snprintf(buf, sizeof buf, "%lld %s", (long long)number, units[u])
                                 : snprintf(buf, sizeof buf, "%.2f %s", number, units[u]);
                    break;
                }
                number /= 1024.0;
            }
            if (len < 0 || len >= (int)sizeof buf || len != l->n || memcmp(buf, l->p, len)) return 0;
            i += 3; break;
        }
        case OP_SOLVE: {
            Py_ssize_t len = run_solve(s, ops + i, n - i);
            if (len < 0) return 0;
            i += len; break;
        }
        default: return 0;
        }
    }
    return 1;
}

/* -2: not readable; -1: an unknown skeleton; 0: a failed program; 1: proven (*result set). */
static int prove(Scanner *s, const uint8_t *p, Py_ssize_t n, long *result) {
    if (scan(s, p, n)) return -2;
    if (!s->used) return -1;
    Entry *e = lookup(s, s->skel, s->slen, fnv(s->skel, s->slen));
    if (!e->skel) return -1;
    for (int a = 0; a < e->nalts; a++) {
        if (holds(s, e->alts[a].ops, e->alts[a].nops)) { *result = e->alts[a].result; return 1; }
    }
    return 0;
}

static void Scanner_dealloc(Scanner *s) {
    for (Py_ssize_t i = 0; i < s->ndfas; i++) {
        PyMem_Free(s->dfas[i].next); PyMem_Free(s->dfas[i].accept); PyMem_Free(s->dfas[i].loop);
    }
    PyMem_Free(s->dfas);
    for (Py_ssize_t i = 0; i < s->nsets; i++) {
        PyMem_Free(s->sets[i].items); PyMem_Free(s->sets[i].lens); Py_XDECREF(s->sets[i].keep);
    }
    PyMem_Free(s->sets);
    for (Py_ssize_t i = 0; i < s->cap; i++) {
        PyMem_Free(s->table[i].skel);
        for (int a = 0; a < s->table[i].nalts; a++) PyMem_Free(s->table[i].alts[a].ops);
    }
    PyMem_Free(s->table);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static int Scanner_init(Scanner *s, PyObject *args, PyObject *Py_UNUSED(kw)) {
    PyObject *dfas;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &dfas)) return -1;
    Py_ssize_t n = PyList_GET_SIZE(dfas);
    s->dfas = PyMem_Calloc(n ? n : 1, sizeof(Dfa));
    s->cap = 1024;
    s->table = PyMem_Calloc(s->cap, sizeof(Entry));
    if (!s->dfas || !s->table) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *next, *accept; Py_ssize_t nlen, alen;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(dfas, i), "y#y#", &next, &nlen, &accept, &alen)) return -1;
        if (alen < 2 || nlen != alen * ALPHA * 2) { PyErr_SetString(PyExc_ValueError, "bad automaton"); return -1; }
        Dfa *d = &s->dfas[i];
        d->next = PyMem_Malloc(nlen);
        d->accept = PyMem_Malloc(alen);
        if (!d->next || !d->accept) { PyErr_NoMemory(); return -1; }
        for (Py_ssize_t j = 0; j < alen * ALPHA; j++) {
            uint16_t to = (uint16_t)((uint8_t)next[2 * j] | ((uint8_t)next[2 * j + 1] << 8));
            if (to >= alen) { PyErr_SetString(PyExc_ValueError, "bad transition"); return -1; }
            d->next[j] = to;
        }
        memcpy(d->accept, accept, alen);
        d->states = alen;
        d->loop = PyMem_Calloc(2 * alen, sizeof(uint64_t));
        if (!d->loop) { PyErr_NoMemory(); return -1; }
        for (Py_ssize_t st = 1; st < alen; st++)
            for (int b = 0; b < ALPHA; b++)
                if (d->next[st * ALPHA + b] == st) d->loop[2 * st + (b >> 6)] |= (uint64_t)1 << (b & 63);
        s->ndfas = i + 1;
    }
    return 0;
}

static PyObject *Scanner_add_set(Scanner *s, PyObject *args) {
    int kind; PyObject *items;
    if (!PyArg_ParseTuple(args, "CO!", &kind, &PyTuple_Type, &items)) return NULL;
    Set *grown = PyMem_Realloc(s->sets, (s->nsets + 1) * sizeof(Set));
    if (!grown) return PyErr_NoMemory();
    s->sets = grown;
    Set *set = &s->sets[s->nsets];
    Py_ssize_t n = PyTuple_GET_SIZE(items);
    set->kind = (char)kind; set->count = 0; set->keep = NULL;
    set->items = PyMem_Calloc(n ? n : 1, sizeof(char *));
    set->lens = PyMem_Calloc(n ? n : 1, sizeof(Py_ssize_t));
    if (!set->items || !set->lens) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(items, i);
        if (!PyBytes_Check(item)) { PyErr_SetString(PyExc_TypeError, "bytes expected"); return NULL; }
        set->items[i] = PyBytes_AS_STRING(item);
        set->lens[i] = PyBytes_GET_SIZE(item);
    }
    set->count = n;
    Py_INCREF(items);
    set->keep = items;
    return PyLong_FromSsize_t(s->nsets++);
}

static int grow(Scanner *s) {
    Py_ssize_t cap = s->cap * 2;
    Entry *old = s->table, *table = PyMem_Calloc(cap, sizeof(Entry));
    if (!table) return -1;
    Py_ssize_t oldcap = s->cap;
    s->table = table; s->cap = cap;
    for (Py_ssize_t i = 0; i < oldcap; i++)
        if (old[i].skel) *lookup(s, old[i].skel, old[i].len, old[i].hash) = old[i];
    PyMem_Free(old);
    return 0;
}

static PyObject *Scanner_add(Scanner *s, PyObject *args) {
    const char *skel, *ops; Py_ssize_t slen, olen; long result;
    if (!PyArg_ParseTuple(args, "y#y#l", &skel, &slen, &ops, &olen, &result)) return NULL;
    if (olen % 8) { PyErr_SetString(PyExc_ValueError, "ops are int64"); return NULL; }
    if ((s->used + 1) * 2 > s->cap && grow(s)) return PyErr_NoMemory();
    uint64_t h = fnv(skel, slen);
    Entry *e = lookup(s, skel, slen, h);
    if (e->skel && e->nalts >= MAX_ALTS) Py_RETURN_FALSE;
    int64_t *copy = PyMem_Malloc(olen ? olen : 8);
    if (!copy) return PyErr_NoMemory();
    memcpy(copy, ops, olen);
    if (!e->skel) {
        e->skel = PyMem_Malloc(slen ? slen : 1);
        if (!e->skel) { PyMem_Free(copy); return PyErr_NoMemory(); }
        memcpy(e->skel, skel, slen);
        e->len = slen; e->hash = h; e->nalts = 0;
        s->used++;
    }
    e->alts[e->nalts].ops = copy;
    e->alts[e->nalts].nops = olen / 8;
    e->alts[e->nalts].result = result;
    e->nalts++;
    Py_RETURN_TRUE;
}

static PyObject *Scanner_skeleton(Scanner *s, PyObject *arg) {
    if (!PyBytes_Check(arg)) { PyErr_SetString(PyExc_TypeError, "bytes expected"); return NULL; }
    if (scan(s, (const uint8_t *)PyBytes_AS_STRING(arg), PyBytes_GET_SIZE(arg))) Py_RETURN_NONE;
    return PyBytes_FromStringAndSize(s->skel, s->slen);
}

static PyObject *Scanner_prove(Scanner *s, PyObject *arg) {
    long result = -1;
    if (!PyBytes_Check(arg)) { PyErr_SetString(PyExc_TypeError, "bytes expected"); return NULL; }
    int r = prove(s, (const uint8_t *)PyBytes_AS_STRING(arg), PyBytes_GET_SIZE(arg), &result);
    return PyLong_FromLong(r == 1 ? result : r - 1);
}

/* What run() and run_files() collect: per result, the proven items it counts; the items to
 * check in Python (index, result pairs, flat), to leave (rest), and the rest that were read but
 * not proven (learnable: a new skeleton, or no program of it passed). */
typedef struct { const char *mask; Py_ssize_t mlen; Py_ssize_t *counts; PyObject *checks, *rest, *unknown; } Tally;

static int tally_open(Tally *t, const char *mask, Py_ssize_t mlen) {
    t->mask = mask; t->mlen = mlen;
    t->counts = PyMem_Calloc(mlen ? mlen : 1, sizeof(Py_ssize_t));
    t->checks = PyList_New(0); t->rest = PyList_New(0); t->unknown = PyList_New(0);
    if (!t->counts) PyErr_NoMemory();
    return t->counts && t->checks && t->rest && t->unknown ? 0 : -1;
}

/* Item i ended with r (prove()'s code, or -3 when it was not read) and result: returns how it
 * went (1 counted, 2 to check, 0 left), or -1 on an error. */
static int tally_add(Tally *t, Py_ssize_t i, int r, long result) {
    int how = (r == 1 && result >= 0 && result < t->mlen) ? t->mask[result] : 0;
    if (how == 1) { t->counts[result]++; return 1; }
    PyObject *idx = PyLong_FromSsize_t(i);
    if (!idx) return -1;
    int bad;
    if (how == 2) {
        PyObject *res = PyLong_FromLong(result);
        bad = !res || PyList_Append(t->checks, idx) || PyList_Append(t->checks, res);
        Py_XDECREF(res);
    } else {
        bad = PyList_Append(t->rest, idx) || ((r == -1 || r == 0) && PyList_Append(t->unknown, idx));
    }
    Py_DECREF(idx);
    return bad ? -1 : how;
}

static PyObject *tally_close(Tally *t, int ok) {
    PyObject *out = NULL, *cl = ok ? PyList_New(t->mlen) : NULL;
    if (cl) {
        Py_ssize_t j = 0;
        for (; j < t->mlen; j++) {
            PyObject *v = PyLong_FromSsize_t(t->counts[j]);
            if (!v) break;
            PyList_SET_ITEM(cl, j, v);
        }
        if (j == t->mlen) out = PyTuple_Pack(4, cl, t->checks, t->rest, t->unknown);
    }
    PyMem_Free(t->counts);
    Py_XDECREF(cl); Py_XDECREF(t->checks); Py_XDECREF(t->rest); Py_XDECREF(t->unknown);
    return out;
}

/* run(lines, mask) -> (counts, checks, rest, learnable): mask[result] 1 counts a proven line, 2 lists
 * it in checks (index, result pairs, flat), 0 sends it to rest (see Tally). */
static PyObject *Scanner_run(Scanner *s, PyObject *args) {
    PyObject *lines; const char *mask; Py_ssize_t mlen;
    if (!PyArg_ParseTuple(args, "O!y#", &PyList_Type, &lines, &mask, &mlen)) return NULL;
    Tally t;
    if (tally_open(&t, mask, mlen)) return tally_close(&t, 0);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lines); i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        long result = -1;
        int r = -2;
        if (PyBytes_Check(line))
            r = prove(s, (const uint8_t *)PyBytes_AS_STRING(line), PyBytes_GET_SIZE(line), &result);
        if (tally_add(&t, i, r, result) < 0) return tally_close(&t, 0);
    }
    return tally_close(&t, 1);
}

/* One line of run_chunk: proven and tallied; its bytes kept in `lines` unless it was counted. */
static int chunk_line(Scanner *s, Tally *t, PyObject *lines, Py_ssize_t i, const char *p, Py_ssize_t n) {
    long result = -1;
    int r = prove(s, (const uint8_t *)p, n, &result);
    int how = tally_add(t, i, r, result);
    if (how < 0) return -1;
    if (how == 1) return 0;
    PyObject *key = PyLong_FromSsize_t(i), *value = PyBytes_FromStringAndSize(p, n);
    int bad = !key || !value || PyDict_SetItem(lines, key, value);
    Py_XDECREF(key); Py_XDECREF(value);
    return bad ? -1 : 0;
}

/* The lines of p[0:n] from index *i on: each '\n' ends one; the text after the last, when there
 * is some and `last` is set, is one more (bytes.split with a last empty piece dropped). */
static int chunk_lines(Scanner *s, Tally *t, PyObject *lines, Py_ssize_t *i, const char *p, Py_ssize_t n, int last) {
    const char *end = p + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            if (last && chunk_line(s, t, lines, (*i)++, p, end - p)) return -1;
            return 0;
        }
        if (chunk_line(s, t, lines, (*i)++, p, nl - p)) return -1;
        p = nl + 1;
    }
    return 0;
}

/* run_chunk(data, tail, mask) -> (counts, checks, rest, unknown, lines, count): run() over the
 * lines of data + tail (what data.split(b"\n") gives, a last empty piece dropped) without a
 * bytes object per line: `lines` maps each line in checks and rest to its bytes, and `count`
 * is the number of lines. `tail` is the rest of a line that crosses data's end; only that one
 * line is copied to join them. */
static PyObject *Scanner_run_chunk(Scanner *s, PyObject *args) {
    Py_buffer data, tail; const char *mask; Py_ssize_t mlen;
    if (!PyArg_ParseTuple(args, "y*y*y#", &data, &tail, &mask, &mlen)) return NULL;
    const char *p = data.buf;
    Py_ssize_t n = data.len, whole = n, i = 0;
    while (whole > 0 && p[whole - 1] != '\n') whole--;  /* data[0:whole]: lines ended in data */
    Tally t;
    int ok = !tally_open(&t, mask, mlen);
    PyObject *lines = ok ? PyDict_New() : NULL, *out = NULL;
    char *joined = NULL;
    ok = lines && !chunk_lines(s, &t, lines, &i, p, whole, 0);
    Py_ssize_t m = n - whole + tail.len;  /* the line that crosses data's end, joined */
    if (ok && m) {
        joined = PyMem_Malloc((size_t)m);
        if (!joined) { PyErr_NoMemory(); ok = 0; }
        else {
            memcpy(joined, p + whole, (size_t)(n - whole));
            memcpy(joined + (n - whole), tail.buf, (size_t)tail.len);
            ok = !chunk_lines(s, &t, lines, &i, joined, m, 1);
        }
    }
    PyObject *counted = tally_close(&t, ok);
    if (counted) {
        out = Py_BuildValue("(OOOOOn)", PyTuple_GET_ITEM(counted, 0), PyTuple_GET_ITEM(counted, 1),
                            PyTuple_GET_ITEM(counted, 2), PyTuple_GET_ITEM(counted, 3), lines, i);
        Py_DECREF(counted);
    }
    PyMem_Free(joined);
    Py_XDECREF(lines);
    PyBuffer_Release(&data);
    PyBuffer_Release(&tail);
    return out;
}

/* One regular file's bytes into buf when a single read returns fewer than `limit` (what the
 * Python side reads as a whole payload); -1 when it cannot be opened or read, is not a regular
 * file, or is that large (the caller's Python path then looks at it). Never blocks on a FIFO. */
static Py_ssize_t read_whole(PyObject *path, char *buf, Py_ssize_t limit) {
    PyObject *encoded = PyUnicode_EncodeFSDefault(path);
    if (!encoded) { PyErr_Clear(); return -1; }
    const char *name = PyBytes_AS_STRING(encoded);
    Py_ssize_t got = -1;
    if ((Py_ssize_t)strlen(name) == PyBytes_GET_SIZE(encoded)) {  /* no NUL inside */
        int fd = open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0) {
            struct stat st;
            if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
                ssize_t n;
                do { n = read(fd, buf, (size_t)limit); } while (n < 0 && errno == EINTR);
                if (n >= 0 && n < limit) got = n;
            }
            close(fd);
        }
    }
    Py_DECREF(encoded);
    return got;
}

/* run_files(paths, mask, limit) -> run()'s tuple for the files' bytes, each read whole in one
 * read (read_whole); a file not read so is in rest, not learnable. */
static PyObject *Scanner_run_files(Scanner *s, PyObject *args) {
    PyObject *paths; const char *mask; Py_ssize_t mlen, limit;
    if (!PyArg_ParseTuple(args, "O!y#n", &PyList_Type, &paths, &mask, &mlen, &limit)) return NULL;
    if (limit < 1) { PyErr_SetString(PyExc_ValueError, "limit must be positive"); return NULL; }
    char *buf = PyMem_Malloc((size_t)limit);
    if (!buf) return PyErr_NoMemory();
    Tally t;
    int ok = !tally_open(&t, mask, mlen);
    for (Py_ssize_t i = 0; ok && i < PyList_GET_SIZE(paths); i++) {
        PyObject *path = PyList_GET_ITEM(paths, i);
        long result = -1;
        int r = -3;
        Py_ssize_t n = PyUnicode_Check(path) ? read_whole(path, buf, limit) : -1;
        if (n >= 0) r = prove(s, (const uint8_t *)buf, n, &result);
        ok = tally_add(&t, i, r, result) >= 0;
    }
    PyMem_Free(buf);
    return tally_close(&t, ok);
}

static PyObject *Scanner_holds(Scanner *s, PyObject *args) {
    const char *line, *ops; Py_ssize_t n, olen;
    if (!PyArg_ParseTuple(args, "y#y#", &line, &n, &ops, &olen)) return NULL;
    if (olen % 8) { PyErr_SetString(PyExc_ValueError, "ops are int64"); return NULL; }
    if (scan(s, (const uint8_t *)line, n)) Py_RETURN_FALSE;
    return PyBool_FromLong(holds(s, (const int64_t *)ops, olen / 8));
}

static PyObject *Scanner_size(Scanner *s, PyObject *Py_UNUSED(unused)) { return PyLong_FromSsize_t(s->used); }

static PyMethodDef Scanner_methods[] = {
    {"add_set", (PyCFunction)Scanner_add_set, METH_VARARGS, "add_set(kind, literals) -> set id"},
    {"add", (PyCFunction)Scanner_add, METH_VARARGS, "add(skeleton, ops, result): a program"},
    {"skeleton", (PyCFunction)Scanner_skeleton, METH_O, "skeleton(line) -> bytes or None"},
    {"prove", (PyCFunction)Scanner_prove, METH_O,
     "prove(line) -> result >= 0, or -1 failed, -2 unknown skeleton, -3 unreadable"},
    {"run", (PyCFunction)Scanner_run, METH_VARARGS, "run(lines, mask) -> (counts, checks, rest, unknown)"},
    {"run_chunk", (PyCFunction)Scanner_run_chunk, METH_VARARGS,
     "run_chunk(data, tail, mask) -> run()'s tuple + (lines kept, line count), for NDJSON bytes"},
    {"run_files", (PyCFunction)Scanner_run_files, METH_VARARGS,
     "run_files(paths, mask, limit) -> run()'s tuple, for files each read whole"},
    {"holds", (PyCFunction)Scanner_holds, METH_VARARGS, "holds(line, ops) -> whether the ops pass"},
    {"size", (PyCFunction)Scanner_size, METH_NOARGS, "the number of programs"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "toolkit.prover._scan.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scanner_init,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_methods = Scanner_methods,
    .tp_doc = "Runs learned per-skeleton programs over raw JSON lines.",
};

static struct PyModuleDef module = { PyModuleDef_HEAD_INIT, "_scan", NULL, -1, NULL, NULL, NULL, NULL, NULL };

PyMODINIT_FUNC PyInit__scan(void) {
    if (PyType_Ready(&ScannerType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(m, "Scanner", (PyObject *)&ScannerType) < 0) { Py_DECREF(&ScannerType); Py_DECREF(m); return NULL; }
    return m;
}
