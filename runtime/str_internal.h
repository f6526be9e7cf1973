// str_internal.h: what the str class's files (str.c: the core, str_intern.c:
// the intern table, str_methods.c: the methods) share and nothing else
// includes: code-point counting, the character classes of Unicode code
// points (Python 3.11's tables, case mapping through the C.UTF-8 locale),
// the string hash, byte search, and the core's helpers the methods call.
// Its includers define _GNU_SOURCE first (memmem).
#ifndef PYISH_STR_INTERNAL_H
#define PYISH_STR_INTERNAL_H
#include <locale.h>
#include <string.h>
#include <wctype.h>
#include "object.h"
#include "unicode_num.h"
#include "unicode_class.h"

static inline size_t count_cp(const char *s, size_t len) {
    size_t n = 0, i = 0;
    // eight ASCII bytes at a time (most text), then byte by byte
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080u) {
            for (size_t k = 0; k < 8; k++) {
                n += ((unsigned char)s[i + k] & 0xC0) != 0x80;
            }
        } else {
            n += 8;
        }
    }
    for (; i < len; i++) {
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return n;
}

// Code-point index of byte offset [b].
size_t str_byte_to_cp(ObjStr *s, size_t b);   // (str.c: from the str's cursor)
static inline size_t byte_to_cp(ObjStr *s, size_t b) {
    return s->cplen == s->len ? b : b < 64 ? count_cp(s->data, b) : str_byte_to_cp(s, b);
}

// ---- character classes

static inline bool cp_isspace(uint32_t c) {
    if (c < 128) {
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    }
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static inline bool cp_isalpha(uint32_t c) {
    if (c < 128) {
        return (c | 32) >= 'a' && (c | 32) <= 'z';
    }
    return UNI_IN(uni_alpha, c);
}

static inline bool cp_isdigit(uint32_t c) {
    return c < 128 ? c >= '0' && c <= '9' : UNI_IN(uni_digit, c);
}

static inline bool cp_isdecimal(uint32_t c) {
    return c < 128 ? c >= '0' && c <= '9' : UNI_IN(uni_decimal, c);
}

static inline bool cp_isnumeric(uint32_t c) {
    return c < 128 ? c >= '0' && c <= '9' : UNI_IN(uni_numeric, c);
}

static inline bool cp_isupper(uint32_t c) {
    if (c < 128) {
        return c >= 'A' && c <= 'Z';
    }
    return UNI_IN(uni_upper, c);
}

static inline bool cp_islower(uint32_t c) {
    if (c < 128) {
        return c >= 'a' && c <= 'z';
    }
    return UNI_IN(uni_lower, c);
}

static inline uint32_t cp_upper(uint32_t c) {
    if (c < 128) {
        return (c >= 'a' && c <= 'z') ? c - 32 : c;
    }
    return ST->uloc ? (uint32_t)towupper_l((wint_t)c, ST->uloc) : c;
}

static inline uint32_t cp_lower(uint32_t c) {
    if (c < 128) {
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    }
    return ST->uloc ? (uint32_t)towlower_l((wint_t)c, ST->uloc) : c;
}

static inline bool cp_isprintable(uint32_t c) {
    if (c < 128) {
        return c >= 0x20 && c < 0x7f;
    }
    return UNI_IN(uni_printable, c);
}

// FNV-1a, kept nonnegative; the empty string hashes to 0, as CPython's
// (its only str hash that does not vary with the hash seed).
static inline int64_t hash_bytes(const char *s, size_t len) {
    if (len == 0) {
        return 0;
    }
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    int64_t r = (int64_t)(h >> 1);      // keep it nonnegative
    return r;
}

static inline const char *find_bytes(const char *h, size_t hl, const char *n, size_t nl) {
    if (nl == 0) {
        return h;
    }
    if (nl > hl) {
        return NULL;
    }
    if (nl == 1) {
        return memchr(h, n[0], hl);     // (memmem's setup costs more than the scan)
    }
    return memmem(h, hl, n, nl);
}

// str_alloc for a length a program chose: NULL with MemoryError raised.
ObjStr *str_try_alloc(ObjClass *cls, size_t len);
// A str with the bytes [s, s+len) of a string whose code-point count is known.
Value str_sub(const char *s, size_t len, size_t cplen);
// Exact str of the same content (for subclass instances).
Value str_exact(Value v);
// str's indexing and slicing, and `in` (its getitem and contains slots).
Value str_getitem(Value self, Value key);
int str_contains(Value self, Value item);
// str's methods (str_methods.c), given to the class by str_init.
extern const MethodDef str_methods[];
#endif
