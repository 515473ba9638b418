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
typedef struct {
    uint32_t ks, ke, vs, ve;
    uint8_t kind, escaped;
    uint16_t unused;
} sk_member;

// Flags set by sk_scan_object.
enum { SK_FLAG_NOT_ASCII = 1 };  // a byte >= 0x80 or a NUL: the caller checks UTF-8 and NULs

// Finds the top-level members of the JSON object in p[0..<n] (surrounding whitespace allowed).
// Returns how many (at most cap), or -1 when the fast path cannot decide: a syntax error, an
// unusual shape, more than cap members, or a line longer than 64 KiB. Accepts exactly what the
// byte-at-a-time walk accepts, and gives the same ranges.
int sk_scan_object(const uint8_t *p, size_t n, sk_member *out, int cap, unsigned *flags);

#endif
