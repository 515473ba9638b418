#ifndef CPCRE2_SHIM_H
#define CPCRE2_SHIM_H
/* pcre2.h refuses to compile without a code unit width; a module map cannot define it. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
static const PCRE2_SIZE cpcre2_zero_terminated = PCRE2_ZERO_TERMINATED;
static inline int cpcre2_is_unset(PCRE2_SIZE v) { return v == PCRE2_UNSET; }
#endif
