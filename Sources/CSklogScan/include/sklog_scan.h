// The SIMD stage of the canonical-record parser: one JSON object per call, its top-level members
// located with 64-byte-block bitmasks (quotes, backslashes, brackets), simdjson's stage 1 idea.
// Written for sklog; the Swift RecordParser keeps the byte-at-a-time walk for the lines this
// fast path declines, so every error message stays the same.
#ifndef SKLOG_SCAN_H
#define SKLOG_SCAN_H
#include <stddef.h>
#include <stdint.h>

// Value kinds, equal to the raw values of Swift's JSONValueKind.
enum { SK_STRING = 0, SK_NUMBER = 1, SK_OBJECT = 2, SK_ARRAY = 3, SK_BOOL = 4, SK_NULL = 5 };

// One member: key content [ks, ke), value [vs, ve) (string content without quotes; objects and
// arrays with their brackets), its kind, and whether a string value contains a backslash.
// `key`: the key's id in the `sk_keys` table given to sk_scan_object (0 without one).
typedef struct {
    uint32_t ks, ke, vs, ve;
    uint8_t kind, escaped, key, unused;
} sk_member;

// The keys a caller wants, by id 1...255 (a small open-addressing table on the key's first and
// last 8 bytes): sk_scan_object returns only the members with one of these keys, saving the
// caller a look at every other member. Zero-initialize, then add each key once.
typedef struct {
    uint8_t slot[256];       // hash slot -> id, 0 for empty
    uint8_t len[256];        // by id
    uint64_t wa[256], wb[256];
    uint8_t *name[256];
} sk_keys;
void sk_keys_add(sk_keys *t, const uint8_t *name, size_t n, uint8_t id);
// The id of key p[0..<n] in t, or 0.
uint8_t sk_keys_find(const sk_keys *t, const uint8_t *p, size_t n);

// Flags set by sk_scan_object.
enum { SK_FLAG_NOT_ASCII = 1 };  // a byte >= 0x80 or a NUL: the caller checks UTF-8 and NULs

// Finds the top-level members of the JSON object in p[0..<n] (surrounding whitespace allowed).
// Returns how many (at most cap), or -1 when the fast path cannot decide: a syntax error, an
// unusual shape, more than cap members, or a line longer than 64 KiB. Accepts exactly what the
// byte-at-a-time walk accepts, and gives the same ranges. With `keys`, only the members whose
// key is in it are returned (and counted against cap), in order, with their ids.
int sk_scan_object(const uint8_t *p, size_t n, sk_member *out, int cap, unsigned *flags, const sk_keys *keys);

// The end of a JSON string whose content starts at p[0] (just after its opening quote), n bytes
// available: the offset of the closing quote (the first quote not escaped by a backslash), or -1
// when there is none. *flags: SK_STR_BACKSLASH when the content has a backslash, SK_STR_LINEFEED
// when it has a raw line feed (0x0a). 16 bytes per step (SSE2) instead of three memchr passes.
enum { SK_STR_BACKSLASH = 1, SK_STR_LINEFEED = 2 };
long sk_string_end(const uint8_t *p, size_t n, unsigned *flags);

// The offset of the first byte of p[0..<n] that is >= 0x80 or NUL, or n when there is none.
size_t sk_first_not_ascii(const uint8_t *p, size_t n);

#endif
