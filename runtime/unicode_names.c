// unicode_names.c: Unicode character names for \N{...} escapes and the
// unicodedata module. The tables (unames_data.h) are generated at build
// time from the Unicode Character Database (Debian's unicode-data package)
// by tools/gen_unames.c: a lexicon of words, each name as word numbers,
// names sorted for lookup and an index by code point. Hangul syllables and
// CJK unified ideographs are named by rule, as CPython does.
#include <stdio.h>
#include <string.h>
#include "unicode_names.h"
#include "unames_data.h"

// Writes name [i] of uname_ent into [buf] ([cap] bytes): its length, or 0.
static size_t decode_name(size_t i, char *buf, size_t cap) {
    const uint8_t *r = uname_refs + uname_ent[i][1];
    size_t n = 0;
    while (*r != 0xFF) {
        unsigned w = *r++;
        if (w >= 0x80) {
            w = ((w & 0x7F) << 8) | *r++;
        }
        const char *s = uname_text + uname_word[w];
        size_t l = strlen(s);
        if (n + l + 2 > cap) {
            return 0;
        }
        if (n) {
            buf[n++] = ' ';
        }
        memcpy(buf + n, s, l);
        n += l;
    }
    buf[n] = 0;
    return n;
}

// ---- Hangul syllables: "HANGUL SYLLABLE " + initial, medial, final jamo
static const char *const jamo_l[] = {"G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S",
                                     "SS", "", "J", "JJ", "C", "K", "T", "P", "H"};
static const char *const jamo_v[] = {"A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE",
                                     "OE", "YO", "U", "WEO", "WE", "WI", "YU", "EU", "YI", "I"};
static const char *const jamo_t[] = {"", "G", "GG", "GS", "N", "NJ", "NH", "D", "L", "LG", "LM", "LB",
                                     "LS", "LT", "LP", "LH", "M", "B", "BS", "S", "SS", "NG", "J", "C",
                                     "K", "T", "P", "H"};
#define HANGUL_BASE 0xAC00
#define HANGUL_COUNT (19 * 21 * 28)

// The longest of [tab] ([n] entries) that [s] starts with: its index, -1 if none.
static int longest(const char *const *tab, int n, const char *s, size_t len, size_t *used) {
    int best = -1;
    size_t bl = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(tab[i]);
        if (l <= len && (best < 0 || l > bl) && memcmp(s, tab[i], l) == 0) {
            best = i;
            bl = l;
        }
    }
    *used = bl;
    return best;
}

static bool hangul_lookup(const char *s, size_t len, uint32_t *cp) {
    size_t a, b, c;
    int l = longest(jamo_l, 19, s, len, &a);
    int v = l < 0 ? -1 : longest(jamo_v, 21, s + a, len - a, &b);
    int t = v < 0 ? -1 : longest(jamo_t, 28, s + a + b, len - a - b, &c);
    if (t < 0 || a + b + c != len) {
        return false;
    }
    *cp = HANGUL_BASE + (uint32_t)((l * 21 + v) * 28 + t);
    return true;
}

static bool is_cjk(uint32_t c) {
    for (int i = 0; i < UNAME_NCJK; i++) {
        if (c >= uname_cjk[i][0] && c <= uname_cjk[i][1]) {
            return true;
        }
    }
    return false;
}

bool uname_lookup(const char *name, size_t len, uint32_t *cp) {
    char up[128];
    if (len == 0 || len >= sizeof up) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        up[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
    }
    up[len] = 0;
    if (len > 16 && memcmp(up, "HANGUL SYLLABLE ", 16) == 0) {
        return hangul_lookup(name + 16, len - 16, cp);
    }
    // the ideograph's hex digits must be upper case, as in CPython
    if (len > 22 && memcmp(name, "CJK UNIFIED IDEOGRAPH-", 22) == 0) {
        uint32_t v = 0;
        size_t n = len - 22;
        if (n != 4 && n != 5) {
            return false;
        }
        for (size_t i = 22; i < len; i++) {
            char ch = name[i];
            int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
            if (d < 0) {
                return false;
            }
            v = v * 16 + (uint32_t)d;
        }
        if (!is_cjk(v)) {
            return false;
        }
        *cp = v;
        return true;
    }
    size_t lo = 0, hi = UNAME_NENT;
    char buf[160];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        decode_name(mid, buf, sizeof buf);
        int c = strcmp(buf, up);
        if (c == 0) {
            *cp = uname_ent[mid][0] & 0x7FFFFFFFu;
            return true;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return false;
}

bool uname_name(uint32_t cp, char *buf, size_t cap) {
    if (cp >= HANGUL_BASE && cp < HANGUL_BASE + HANGUL_COUNT) {
        uint32_t s = cp - HANGUL_BASE;
        int n = snprintf(buf, cap, "HANGUL SYLLABLE %s%s%s", jamo_l[s / (21 * 28)],
                         jamo_v[(s % (21 * 28)) / 28], jamo_t[s % 28]);
        return n > 0 && (size_t)n < cap;
    }
    if (is_cjk(cp)) {
        int n = snprintf(buf, cap, "CJK UNIFIED IDEOGRAPH-%X", cp);
        return n > 0 && (size_t)n < cap;
    }
    size_t lo = 0, hi = UNAME_NBYCP;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t c = uname_ent[uname_bycp[mid]][0];
        if (c == cp) {
            return decode_name(uname_bycp[mid], buf, cap) > 0;
        }
        if (c < cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return false;
}
