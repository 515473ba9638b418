// See sklog_scan.h. Two passes over a line: classify 64-byte blocks into bitmasks (SSE2, or a
// portable loop), then walk the top-level members, jumping from quote to quote and from bracket
// to bracket with the masks instead of looking at every byte.
#include "sklog_scan.h"
#include <string.h>
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define SK_MAX_BLOCKS 1024  // lines up to 64 KiB

typedef struct {
    uint64_t quote;    // quotes that are not escaped
    uint64_t bracket;  // { } [ ] outside strings
    uint64_t bslash;   // backslashes
} sk_block;

__attribute__((always_inline)) static inline int ctz64(uint64_t x) { return __builtin_ctzll(x); }

// Bit i = XOR of bits 0...i: set from an opening quote (included) to its closing quote (excluded).
static inline uint64_t prefix_xor(uint64_t x) {
    x ^= x << 1; x ^= x << 2; x ^= x << 4; x ^= x << 8; x ^= x << 16; x ^= x << 32;
    return x;
}

typedef struct { uint64_t quote, bslash, bracket; } sk_raw;

// Bitmasks of one 64-byte block: quotes, backslashes, brackets ('[' | 0x20 == '{' and
// ']' | 0x20 == '}'); `odd` accumulates bytes >= 0x80 and NULs (only "any" matters).
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SK_AVX2 1
// The empty asm keeps LLVM from merging two 32-bit movemasks into a 64-lane i1 vector, which it
// then splits bit by bit (250 instructions a block instead of 30).
#define SK_OPAQUE(x) __asm__("" : "+r"(x))
__attribute__((target("avx2"))) static inline uint64_t mask64_avx2(__m256i lo, __m256i hi) {
    uint32_t a = (uint32_t)_mm256_movemask_epi8(lo), b = (uint32_t)_mm256_movemask_epi8(hi);
    SK_OPAQUE(a); SK_OPAQUE(b);
    return (uint64_t)a | (uint64_t)b << 32;
}
__attribute__((target("avx2"))) static inline void classify_avx2(const uint8_t *b, sk_raw *r, __m256i *odd) {
    const __m256i vq = _mm256_set1_epi8('"'), vs = _mm256_set1_epi8('\\'), v20 = _mm256_set1_epi8(0x20);
    const __m256i vo = _mm256_set1_epi8('{'), vc = _mm256_set1_epi8('}'), z = _mm256_setzero_si256();
    __m256i a = _mm256_loadu_si256((const __m256i *)b), c = _mm256_loadu_si256((const __m256i *)(b + 32));
    __m256i la = _mm256_or_si256(a, v20), lc = _mm256_or_si256(c, v20);
    r->quote = mask64_avx2(_mm256_cmpeq_epi8(a, vq), _mm256_cmpeq_epi8(c, vq));
    r->bslash = mask64_avx2(_mm256_cmpeq_epi8(a, vs), _mm256_cmpeq_epi8(c, vs));
    r->bracket = mask64_avx2(_mm256_or_si256(_mm256_cmpeq_epi8(la, vo), _mm256_cmpeq_epi8(la, vc)),
                             _mm256_or_si256(_mm256_cmpeq_epi8(lc, vo), _mm256_cmpeq_epi8(lc, vc)));
    *odd = _mm256_or_si256(*odd, _mm256_or_si256(_mm256_or_si256(a, _mm256_cmpeq_epi8(a, z)),
                                                 _mm256_or_si256(c, _mm256_cmpeq_epi8(c, z))));
}
#endif

static inline void classify(const uint8_t *b, sk_raw *r, uint64_t *odd) {
#if defined(__SSE2__)
    uint64_t q = 0, s = 0, k = 0;
    const __m128i vq = _mm_set1_epi8('"'), vs = _mm_set1_epi8('\\'), v20 = _mm_set1_epi8(0x20);
    const __m128i vo = _mm_set1_epi8('{'), vc = _mm_set1_epi8('}'), z = _mm_setzero_si128();
    __m128i h = _mm_setzero_si128();
    for (int j = 0; j < 4; j++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(b + 16 * j));
        __m128i l = _mm_or_si128(v, v20);
        q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)) << (16 * j);
        s |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vs)) << (16 * j);
        k |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(l, vo), _mm_cmpeq_epi8(l, vc))) << (16 * j);
        h = _mm_or_si128(h, _mm_or_si128(v, _mm_cmpeq_epi8(v, z)));
    }
    r->quote = q; r->bslash = s; r->bracket = k;
    *odd |= (uint64_t)_mm_movemask_epi8(h);
#else
    uint64_t q = 0, s = 0, k = 0, h = 0;
    for (int i = 0; i < 64; i++) {
        uint8_t x = b[i], l = x | 0x20;
        uint64_t bit = 1ull << i;
        if (x == '"') q |= bit;
        if (x == '\\') s |= bit;
        if (l == '{' || l == '}') k |= bit;
        if (x == 0 || x >= 0x80) h |= bit;
    }
    r->quote = q; r->bslash = s; r->bracket = k;
    *odd |= h;
#endif
}

// Characters escaped by a backslash, in the order a left-to-right scan sees them: a backslash
// that is not itself escaped escapes the next byte. `carry`: the block's first byte is escaped.
static inline uint64_t escaped_bits(uint64_t bs, int *carry) {
    uint64_t esc = 0;
    if (*carry) { esc = 1; bs &= ~1ull; }
    *carry = 0;
    while (bs) {
        int i = ctz64(bs);
        bs &= ~(1ull << i);
        if (i == 63) { *carry = 1; break; }
        esc |= 1ull << (i + 1);
        bs &= ~(1ull << (i + 1));
    }
    return esc;
}

// The first set bit at or after `from`, or -1.
__attribute__((always_inline)) static inline long next_bit(const sk_block *m, size_t nb, size_t from, int which) {
    size_t b = from >> 6;
    if (b >= nb) return -1;
    uint64_t w = (which ? m[b].bracket : m[b].quote) & (~0ull << (from & 63));
    while (!w) {
        if (++b >= nb) return -1;
        w = which ? m[b].bracket : m[b].quote;
    }
    return (long)((b << 6) + (size_t)ctz64(w));
}

// Whether a backslash lies in [from, to).
static inline int any_bslash(const sk_block *m, size_t from, size_t to) {
    if (from >= to) return 0;
    size_t b = from >> 6, e = (to - 1) >> 6;
    for (size_t k = b; k <= e; k++) {
        uint64_t w = m[k].bslash;
        if (k == b) w &= ~0ull << (from & 63);
        if (k == e && ((to & 63) != 0)) w &= ~0ull >> (64 - (to & 63));
        if (w) return 1;
    }
    return 0;
}

// The closing bracket matching the one at `at` (brackets in strings do not count), checking that
// the kinds match and nesting stays within 64 levels; -1 otherwise.
static long match_bracket(const uint8_t *p, const sk_block *m, size_t nb, size_t at) {
    uint64_t stack = 0;  // bit per level: 1 = object
    int depth = 0;
    size_t b = at >> 6;
    uint64_t w = m[b].bracket & (~0ull << (at & 63));
    for (;;) {
        while (!w) {
            if (++b >= nb) return -1;
            w = m[b].bracket;
        }
        size_t i = (b << 6) + (size_t)ctz64(w);
        w &= w - 1;
        uint8_t c = p[i];
        if (c == '{' || c == '[') {
            if (depth >= 64) return -1;
            stack = (stack << 1) | (c == '{');
            depth++;
        } else {
            if (depth == 0 || ((stack & 1) == 1) != (c == '}')) return -1;
            stack >>= 1;
            if (--depth == 0) return (long)i;
        }
    }
}

static inline int is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static inline int is_num(uint8_t c) {
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

// Pass 1: the masks of every block of the line. Returns -1 for a backslash outside a string
// (left to the full parser), else whether the line has a byte >= 0x80 or a NUL, plus 2 when it
// has a backslash.
#define SK_PASS1(NAME, ATTR, ODD_T, ODD_INIT, CLASSIFY, ODD_ANY, PREFIX_XOR) \
ATTR static int NAME(const uint8_t *p, size_t n, sk_block *m, size_t nb) { \
    int esc_carry = 0; \
    uint64_t in_string = 0, any_bs = 0; \
    ODD_T odd = ODD_INIT; \
    for (size_t k = 0; k < nb; k++) { \
        sk_raw r; \
        if ((k + 1) * 64 <= n) { \
            CLASSIFY(p + k * 64, &r, &odd); \
        } else { \
            uint8_t tail[64]; \
            memset(tail, ' ', 64); \
            memcpy(tail, p + k * 64, n - k * 64); \
            CLASSIFY(tail, &r, &odd); \
        } \
        uint64_t esc = (r.bslash | (uint64_t)esc_carry) ? escaped_bits(r.bslash, &esc_carry) : 0; \
        uint64_t q = r.quote & ~esc; \
        uint64_t inside = PREFIX_XOR(q) ^ in_string; \
        in_string = (uint64_t)((int64_t)inside >> 63); \
        if (r.bslash & ~inside) return -1; \
        m[k].quote = q; \
        m[k].bracket = r.bracket & ~inside; \
        m[k].bslash = r.bslash; \
        any_bs |= r.bslash; \
    } \
    return (ODD_ANY ? 1 : 0) | (any_bs ? 2 : 0); \
}
SK_PASS1(pass1_generic, , uint64_t, 0, classify, odd != 0, prefix_xor)
#ifdef SK_AVX2
// The prefix XOR as one carry-less multiply by all ones (as simdjson does), on CPUs with AVX2
// (all of which have PCLMULQDQ; checked anyway).
__attribute__((target("pclmul,sse2"))) static inline uint64_t prefix_xor_clmul(uint64_t x) {
    __m128i r = _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)x), _mm_set1_epi8((char)0xFF), 0);
    return (uint64_t)_mm_cvtsi128_si64(r);
}
SK_PASS1(pass1_avx2, __attribute__((target("avx2,pclmul"))), __m256i, _mm256_setzero_si256(), classify_avx2, _mm256_movemask_epi8(odd) != 0, prefix_xor_clmul)
#endif

static int (*pass1)(const uint8_t *, size_t, sk_block *, size_t) = 0;

// A key's words: its first and last 8 bytes (for shorter keys, what fits), exact for keys up to
// 16 bytes; longer ones are compared in full.
__attribute__((always_inline)) static inline void key_words(const uint8_t *k, size_t n, uint64_t *a, uint64_t *b) {
    if (n >= 8) {
        memcpy(a, k, 8); memcpy(b, k + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, k, 4); memcpy(&y, k + n - 4, 4);
        *a = *b = (uint64_t)x | (uint64_t)y << 32;
    } else if (n >= 1) {
        *a = *b = (uint64_t)k[0] | (uint64_t)k[n >> 1] << 8 | (uint64_t)k[n - 1] << 16;
    } else {
        *a = *b = 0;
    }
}

// The multiplier was chosen so that the record keys of sklog fall in distinct slots; any other
// set of keys works too (probing), only slower.
__attribute__((always_inline)) static inline unsigned key_slot(uint64_t a, uint64_t b, size_t n) {
    return (unsigned)(((a ^ (b << 1) ^ (uint64_t)n) * 0x2e47dc0e959f3a51ull) >> 56);
}

void sk_keys_add(sk_keys *t, const uint8_t *name, size_t n, uint8_t id) {
    uint64_t a, b;
    key_words(name, n, &a, &b);
    unsigned i = key_slot(a, b, n);
    while (t->slot[i]) i = (i + 1) & 255;
    t->slot[i] = id;
    t->len[id] = (uint8_t)(n < 255 ? n : 255);
    t->wa[id] = a; t->wb[id] = b;
    t->name[id] = (uint8_t *)malloc(n ? n : 1);
    memcpy(t->name[id], name, n);
}

__attribute__((always_inline)) static inline uint8_t keys_find(const sk_keys *t, const uint8_t *p, size_t n) {
    uint64_t a, b;
    key_words(p, n, &a, &b);
    unsigned i = key_slot(a, b, n);
    for (;;) {
        uint8_t id = t->slot[i];
        if (!id) return 0;
        if (t->len[id] == n && t->wa[id] == a && t->wb[id] == b && (n <= 16 || memcmp(t->name[id], p, n) == 0)) return id;
        i = (i + 1) & 255;
    }
}

uint8_t sk_keys_find(const sk_keys *t, const uint8_t *p, size_t n) { return keys_find(t, p, n); }

int sk_scan_object(const uint8_t *p, size_t n, sk_member *out, int cap, unsigned *flags, const sk_keys *keys) {
    if (n == 0 || n > (size_t)SK_MAX_BLOCKS * 64) return -1;
    sk_block m[SK_MAX_BLOCKS];
    size_t nb = (n + 63) >> 6;
    if (!pass1) {
#ifdef SK_AVX2
        pass1 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") ? pass1_avx2 : pass1_generic;
#else
        pass1 = pass1_generic;
#endif
    }
    int r1 = pass1(p, n, m, nb);
    if (r1 < 0) return -1;
    int any_bs = r1 & 2;
    *flags = (r1 & 1) ? SK_FLAG_NOT_ASCII : 0;

    size_t i = 0;
#define SKIP_SPACE() while (i < n && p[i] <= 0x20 && is_space(p[i])) i++
    SKIP_SPACE();
    if (i >= n || p[i] != '{') return -1;
    i++;
    SKIP_SPACE();
    int count = 0;
    if (i < n && p[i] == '}') {
        i++;
    } else {
        for (;;) {
            // Compact JSON has no spaces between tokens: look for them only when the expected
            // byte is not there.
            if (i >= n || p[i] != '"') { SKIP_SPACE(); if (i >= n || p[i] != '"') return -1; }
            long e = next_bit(m, nb, i + 1, 0);
            if (e < 0) return -1;
            sk_member mem;
            mem.ks = (uint32_t)(i + 1); mem.ke = (uint32_t)e; mem.escaped = 0; mem.unused = 0;
            mem.key = keys ? keys_find(keys, p + i + 1, (size_t)e - (i + 1)) : 0;
            i = (size_t)e + 1;
            if (i >= n || p[i] != ':') { SKIP_SPACE(); if (i >= n || p[i] != ':') return -1; }
            i++;
            if (i < n && p[i] <= 0x20) SKIP_SPACE();
            if (i >= n) return -1;
            uint8_t c = p[i];
            switch (c) {
            case '"':
                e = next_bit(m, nb, i + 1, 0);
                if (e < 0) return -1;
                mem.vs = (uint32_t)(i + 1); mem.ve = (uint32_t)e; mem.kind = SK_STRING;
                mem.escaped = any_bs && (!keys || mem.key) ? (uint8_t)any_bslash(m, i + 1, (size_t)e) : 0;
                i = (size_t)e + 1;
                break;
            case '{': case '[':
                e = match_bracket(p, m, nb, i);
                if (e < 0) return -1;
                mem.vs = (uint32_t)i; mem.ve = (uint32_t)e + 1; mem.kind = c == '{' ? SK_OBJECT : SK_ARRAY;
                i = (size_t)e + 1;
                break;
            case 't':
                if (i + 4 > n || memcmp(p + i, "true", 4) != 0) return -1;
                mem.vs = (uint32_t)i; i += 4; mem.ve = (uint32_t)i; mem.kind = SK_BOOL;
                break;
            case 'f':
                if (i + 5 > n || memcmp(p + i, "false", 5) != 0) return -1;
                mem.vs = (uint32_t)i; i += 5; mem.ve = (uint32_t)i; mem.kind = SK_BOOL;
                break;
            case 'n':
                if (i + 4 > n || memcmp(p + i, "null", 4) != 0) return -1;
                mem.vs = (uint32_t)i; i += 4; mem.ve = (uint32_t)i; mem.kind = SK_NULL;
                break;
            default:
                if (c != '-' && (c < '0' || c > '9')) return -1;
                mem.vs = (uint32_t)i;
                i++;
                while (i < n && is_num(p[i])) i++;
                mem.ve = (uint32_t)i; mem.kind = SK_NUMBER;
            }
            if (!keys || mem.key) {
                if (count >= cap) return -1;
                out[count++] = mem;
            }
            if (i < n && p[i] == ',') { i++; continue; }
            SKIP_SPACE();
            if (i >= n) return -1;
            if (p[i] == ',') { i++; continue; }
            if (p[i] == '}') { i++; break; }
            return -1;
        }
    }
    SKIP_SPACE();
    if (i != n) return -1;
#undef SKIP_SPACE
    return count;
}

long sk_string_end(const uint8_t *p, size_t n, unsigned *flags) {
    unsigned f = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), lf = _mm_set1_epi8('\n');
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
                                                              _mm_cmpeq_epi8(v, lf)));
        if (!m) { i += 16; continue; }
        size_t k = i + (size_t)__builtin_ctz(m);
        uint8_t c = p[k];
        if (c == '"') { *flags = f; return (long)k; }
        if (c == '\n') { f |= SK_STR_LINEFEED; i = k + 1; continue; }
        // A backslash escapes the next byte (which may itself be a raw line feed).
        f |= SK_STR_BACKSLASH;
        if (k + 1 < n && p[k + 1] == '\n') f |= SK_STR_LINEFEED;
        i = k + 2;
    }
#endif
    while (i < n) {
        uint8_t c = p[i];
        if (c == '"') { *flags = f; return (long)i; }
        if (c == '\n') f |= SK_STR_LINEFEED;
        else if (c == '\\') {
            f |= SK_STR_BACKSLASH;
            if (i + 1 < n && p[i + 1] == '\n') f |= SK_STR_LINEFEED;
            i += 2;
            continue;
        }
        i++;
    }
    *flags = f;
    return -1;
}

size_t sk_first_not_ascii(const uint8_t *p, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        unsigned m = (unsigned)(_mm_movemask_epi8(v) | _mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)));
        if (m) return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < n && p[i] != 0 && p[i] < 0x80) i++;
    return i;
}
