// codecs_escape.c: the "unicode_escape" and "raw_unicode_escape" codecs
// (pickle's protocol 0 writes text with the latter): Python's backslash
// escapes, encoded as CPython writes them and decoded with CPython's
// errors. codec_encode/codec_decode (codecs.c) send these names here.
#include <string.h>
#include "runtime.h"
#include "bytes.h"
#include "numstr.h"
#include "unicode_names.h"

// Whether [encoding] names one of the two codecs: 1 unicode_escape, 2 raw.
int codec_escape_kind(const char *encoding) {
    char n[24];
    size_t k = 0;
    for (; encoding[k] && k < sizeof n - 1; k++) {
        char c = encoding[k];
        n[k] = c == '-' || c == ' ' ? '_' : (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    n[k] = 0;
    return !strcmp(n, "unicode_escape") ? 1 : !strcmp(n, "raw_unicode_escape") ? 2 : 0;
}

Value codec_escape_encode(Value sv, bool raw) {
    ObjStr *s = AS_STR(sv);
    SBuf b;
    sb_init(&b);
    size_t i = 0;
    char tmp[16];
    while (i < s->len) {
        uint32_t c = utf8_decode(s->data, s->len, &i);
        if (raw) {
            if (c < 0x100) {
                sb_addc(&b, (char)c);
                continue;
            }
        } else if (c == '\\') {
            sb_adds(&b, "\\\\");
            continue;
        } else if (c == '\t' || c == '\n' || c == '\r') {
            sb_adds(&b, c == '\t' ? "\\t" : c == '\n' ? "\\n" : "\\r");
            continue;
        } else if (c >= 0x20 && c < 0x7f) {
            sb_addc(&b, (char)c);
            continue;
        } else if (c < 0x100) {
            snprintf(tmp, sizeof tmp, "\\x%02x", c);
            sb_adds(&b, tmp);
            continue;
        }
        snprintf(tmp, sizeof tmp, c < 0x10000 ? "\\u%04x" : "\\U%08x", c);
        sb_adds(&b, tmp);
    }
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = bytes_try_new(b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

static int hexval(unsigned char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void put_cp(SBuf *b, uint32_t cp) {
    char enc[4];
    sb_add(b, enc, (size_t)utf8_encode(cp, enc));
}

static Value escape_error(const char *enc, const unsigned char *p, size_t len, size_t start, size_t end,
                          const char *reason) {
    Value args[5] = {str_from_c(enc), bytes_new(p, len), MK_SMALL((int64_t)start), MK_SMALL((int64_t)end),
                     str_from_c(reason)};
    Value e = exc_new(exc_UnicodeDecodeError, 5, args);
    return e ? exc_raise_value(e) : VAL_NULL;
}

Value codec_escape_decode(const unsigned char *p, size_t len, bool raw, const char *errors) {
    const char *enc = raw ? "rawunicodeescape" : "unicodeescape";
    bool strict = !errors || !strcmp(errors, "strict");
    SBuf b;
    sb_init(&b);
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c != '\\' || i + 1 >= len) {
            if (c == '\\' && !raw) {
                sb_free(&b);
                return escape_error(enc, p, len, i, len, "\\ at end of string");
            }
            put_cp(&b, c);
            i++;
            continue;
        }
        unsigned char d = p[i + 1];
        int ndig = d == 'u' ? 4 : d == 'U' ? 8 : (!raw && d == 'x') ? 2 : 0;
        if (raw && !ndig) {
            put_cp(&b, c);      // raw: only \u and \U are escapes
            i++;
            continue;
        }
        if (ndig) {
            uint32_t v = 0;
            size_t k = 0;
            for (; k < (size_t)ndig && i + 2 + k < len && hexval(p[i + 2 + k]) >= 0; k++) {
                v = v * 16 + (uint32_t)hexval(p[i + 2 + k]);
            }
            if (k < (size_t)ndig || v > 0x10FFFF) {
                if (strict) {
                    sb_free(&b);
                    const char *why = v > 0x10FFFF ? "illegal Unicode character"
                                      : d == 'x' ? "truncated \\xXX escape"
                                      : d == 'u' ? "truncated \\uXXXX escape" : "truncated \\UXXXXXXXX escape";
                    return escape_error(enc, p, len, i, i + 2 + k, why);
                }
                if (!strcmp(errors, "replace")) {
                    put_cp(&b, 0xFFFD);
                }
                i += 2 + k;
                continue;
            }
            put_cp(&b, v);
            i += 2 + k;
            continue;
        }
        i += 2;
        switch (d) {
        case '\n': break;
        case '\\': sb_addc(&b, '\\'); break;
        case '\'': sb_addc(&b, '\''); break;
        case '"': sb_addc(&b, '"'); break;
        case 'a': sb_addc(&b, '\a'); break;
        case 'b': sb_addc(&b, '\b'); break;
        case 'f': sb_addc(&b, '\f'); break;
        case 'n': sb_addc(&b, '\n'); break;
        case 'r': sb_addc(&b, '\r'); break;
        case 't': sb_addc(&b, '\t'); break;
        case 'v': sb_addc(&b, '\v'); break;
        case 'N': {
            const unsigned char *close = i < len && p[i] == '{' ? memchr(p + i, '}', len - i) : NULL;
            uint32_t cp;
            if (!close || !uname_lookup((const char *)p + i + 1, (size_t)(close - p - i - 1), &cp)) {
                sb_free(&b);
                return escape_error(enc, p, len, i - 2, close ? (size_t)(close - p) + 1 : len,
                                    close ? "unknown Unicode character name" : "malformed \\N character escape");
            }
            put_cp(&b, cp);
            i = (size_t)(close - p) + 1;
            break;
        }
        default:
            if (d >= '0' && d <= '7') {
                uint32_t v = (uint32_t)(d - '0');
                for (int k = 0; k < 2 && i < len && p[i] >= '0' && p[i] <= '7'; k++) {
                    v = v * 8 + (uint32_t)(p[i++] - '0');
                }
                put_cp(&b, v);
            } else {
                sb_addc(&b, '\\');
                put_cp(&b, d);
            }
        }
    }
    return sb_finish(&b);
}
