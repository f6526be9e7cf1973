// codecs.c: str.encode and bytes.decode for the codecs pyish knows (utf-8,
// utf-8-sig, ascii, latin-1, utf-16 and utf-32 with or without a byte
// order, the single-byte codecs of codecs_charmap.h: cp1252, cp437...), their error handlers (strict, ignore, replace, backslashreplace,
// surrogateescape, surrogatepass, and xmlcharrefreplace when encoding; the
// handlers of codecs.register_error through codecs.pyish), and
// UnicodeDecodeError / UnicodeEncodeError with CPython's messages and
// their encoding/object/start/end/reason. A str holds UTF-8 whose lone
// surrogates (from "\ud800" or surrogateescape) are 3-byte sequences, so
// encoding walks code points with utf8_decode.
#include <ctype.h>
#include <string.h>

#include "bytes.h"
#include "numstr.h"
#include "gc.h"
#include "runtime.h"
#include "module.h"

typedef enum { ENC_UTF8, ENC_ASCII, ENC_LATIN1, ENC_UTF16, ENC_UTF16LE, ENC_UTF16BE, ENC_UTF32,
               ENC_UTF32LE, ENC_UTF32BE, ENC_UTF8SIG, ENC_CHARMAP } Enc;

typedef enum { ERR_STRICT, ERR_IGNORE, ERR_REPLACE, ERR_BACKSLASH, ERR_SURROGATEESCAPE,
               ERR_XMLCHARREF, ERR_SURROGATEPASS, ERR_UNKNOWN } ErrMode;

static const char *const enc_names[] = {"utf-8", "ascii", "latin-1", "utf-16", "utf-16-le",
                                        "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8"};

// The single-byte codecs of CPython's encodings package (cp1252, cp437,
// iso8859-15, koi8-r, mac-roman, EBCDIC...): ENC_CHARMAP + their index.
#include "codecs_charmap.h"

static const char *enc_name(Enc e) {
    return e >= ENC_CHARMAP ? "charmap" : enc_names[e];
}

static const uint16_t *charmap_of(Enc e) {
    return charmaps[e - ENC_CHARMAP].dec;
}


// The codec named [name] (CPython's normalization: case, '_' and ' ' as
// '-'); false when unknown.
static bool find_codec(const char *name, Enc *out) {
    if (name[0] == 'u' && strcmp(name, "utf-8") == 0) {
        *out = ENC_UTF8;    // (files' and str.encode's default)
        return true;
    }
    char n[32];
    size_t len = strlen(name), j = 0;
    if (len >= sizeof n) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = (char)tolower((unsigned char)name[i]);
        n[j++] = c == '_' || c == ' ' ? '-' : c;
    }
    n[j] = 0;
    static const struct { const char *name; Enc e; } aliases[] = {
        {"utf-8", ENC_UTF8}, {"utf8", ENC_UTF8}, {"u8", ENC_UTF8}, {"utf", ENC_UTF8},
        {"cp65001", ENC_UTF8},
        {"ascii", ENC_ASCII}, {"us-ascii", ENC_ASCII}, {"646", ENC_ASCII}, {"us", ENC_ASCII},
        {"latin-1", ENC_LATIN1}, {"latin1", ENC_LATIN1}, {"latin", ENC_LATIN1},
        {"iso-8859-1", ENC_LATIN1}, {"iso8859-1", ENC_LATIN1}, {"8859", ENC_LATIN1},
        {"cp819", ENC_LATIN1}, {"l1", ENC_LATIN1}, {"iso-ir-100", ENC_LATIN1},
        {"utf-16", ENC_UTF16}, {"utf16", ENC_UTF16}, {"u16", ENC_UTF16},
        {"utf-16-le", ENC_UTF16LE}, {"utf-16le", ENC_UTF16LE},
        {"utf-16-be", ENC_UTF16BE}, {"utf-16be", ENC_UTF16BE},
        {"utf-32", ENC_UTF32}, {"utf32", ENC_UTF32}, {"u32", ENC_UTF32},
        {"utf-32-le", ENC_UTF32LE}, {"utf-32le", ENC_UTF32LE},
        {"utf-32-be", ENC_UTF32BE}, {"utf-32be", ENC_UTF32BE},
        {"utf-8-sig", ENC_UTF8SIG}, {"utf8-sig", ENC_UTF8SIG},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (n[0] == aliases[i].name[0] && strcmp(n, aliases[i].name) == 0) {
            *out = aliases[i].e;
            return true;
        }
    }
    size_t lo = 0, hi = sizeof charmap_aliases / sizeof charmap_aliases[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(n, charmap_aliases[mid].alias);
        if (c == 0) {
            *out = (Enc)(ENC_CHARMAP + charmap_aliases[mid].codec);
            return true;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return false;
}

const char *codec_charmap_name(const char *encoding) {
    Enc e;
    return find_codec(encoding, &e) && e >= ENC_CHARMAP ? charmaps[e - ENC_CHARMAP].name : NULL;
}

// Whether [e] writes each ASCII character as its one byte (utf-8-sig does
// not: it adds a BOM).
static bool ascii_compatible(Enc e) {
    if (e >= ENC_CHARMAP) {
        return charmaps[e - ENC_CHARMAP].ascii;
    }
    return e == ENC_UTF8 || e == ENC_ASCII || e == ENC_LATIN1;
}

static ErrMode err_mode(const char *e) {
    static const char *const names[] = {"strict", "ignore", "replace", "backslashreplace",
                                        "surrogateescape", "xmlcharrefreplace", "surrogatepass"};
    for (int i = 0; i < 7; i++) {
        if (strcmp(e, names[i]) == 0) {
            return (ErrMode)i;
        }
    }
    return ERR_UNKNOWN;
}

bool codec_args(const char *fname, Value enc, Value errs, const char **encoding,
                const char **errors) {
    *encoding = "utf-8";
    *errors = "strict";
    if (enc) {
        if (!str_check(enc)) {
            exc_raise(exc_TypeError, "%s() argument 'encoding' must be str, not %s", fname,
                      IS_NONE(enc) ? "None" : val_type_name(enc));
            return false;
        }
        *encoding = AS_STR(enc)->data;
    }
    if (errs) {
        if (!str_check(errs)) {
            exc_raise(exc_TypeError, "%s() argument 'errors' must be str, not %s", fname,
                      IS_NONE(errs) ? "None" : val_type_name(errs));
            return false;
        }
        *errors = AS_STR(errs)->data;
    }
    return true;
}

// ---- the exceptions

static Value raise_unicode(ObjClass *cls, const char *enc, Value obj, int64_t start, int64_t end,
                           const char *reason) {
    gc_push_root(obj);
    Value args[5] = {str_from_c(enc), obj, MK_SMALL(start), MK_SMALL(end), str_from_c(reason)};
    Value e = exc_new(cls, 5, args);
    gc_pop_root(1);
    return exc_raise_value(e);
}

static Value unknown_handler(const char *errors) {
    return exc_raise(exc_LookupError, "unknown error handler name '%s'", errors);
}

// The error handler [errors] that a program registered with
// codecs.register_error, run through codecs.pyish's _run_error_handler on a
// new [cls] (UnicodeEncodeError / UnicodeDecodeError) for obj[start, end):
// its (replacement, position to resume at) tuple, the position checked to
// be in range; VAL_NULL when it raised (LookupError when none is registered).
static Value run_error_handler(const char *errors, ObjClass *cls, const char *enc, Value obj,
                               int64_t start, int64_t end, const char *reason) {
    Value mod = dict_get_str(ST->modules, str_intern_c("codecs"));
    Value fn = VAL_NULL;
    if (mod && IS_A(mod, cls_module)) {
        fn = obj_getattr_opt(mod, str_intern_c("_run_error_handler"));
    }
    if (!fn) {
        return exc_pending() ? VAL_NULL : unknown_handler(errors);
    }
    gc_push_root(fn);
    gc_push_root(obj);
    Value args[2] = {str_from_c(errors), VAL_NULL};
    gc_push_root(args[0]);
    Value eargs[5] = {str_from_c(enc), obj, MK_SMALL(start), MK_SMALL(end), VAL_NULL};
    gc_push_root(eargs[0]);
    eargs[4] = str_from_c(reason);
    gc_push_root(eargs[4]);
    args[1] = exc_new(cls, 5, eargs);
    gc_push_root(args[1]);
    Value r = obj_call(fn, 2, args, NULL);
    gc_pop_root(6);
    return r;
}

// The escaped code point at [start] of str [s] as CPython's messages show it ('\\xe9', '\\u20ac').
static void escaped_cp(ObjStr *s, int64_t start, char *out, size_t size) {
    size_t off = str_cp_offset(s, (size_t)start);
    uint32_t cp = utf8_decode(s->data, s->len, &off);
    if (cp < 0x100) {
        snprintf(out, size, "\\x%02x", cp);
    } else if (cp < 0x10000) {
        snprintf(out, size, "\\u%04x", cp);
    } else {
        snprintf(out, size, "\\U%08x", cp);
    }
}

// UnicodeTranslateError's (object, start, end, reason) message.
static Value translate_error_str(ObjException *e) {
    Value *a = e->args->items;
    if (!IS_SMALL(a[1]) || !IS_SMALL(a[2])) {
        return VAL_NULL;
    }
    Value reason = obj_str(a[3]);
    if (!reason) {
        return VAL_NULL;
    }
    const char *rs = AS_STR(reason)->data;
    int64_t start = AS_SMALL(a[1]), end = AS_SMALL(a[2]);
    if (end == start + 1 && str_check(a[0]) && start >= 0 && (size_t)start < AS_STR(a[0])->cplen) {
        char ch[16];
        escaped_cp(AS_STR(a[0]), start, ch, sizeof ch);
        return str_printf("can't translate character '%s' in position %lld: %s", ch, (long long)start, rs);
    }
    return str_printf("can't translate characters in position %lld-%lld: %s", (long long)start,
                      (long long)end - 1, rs);
}

Value codec_error_str(Value ev) {
    ObjException *e = AS_EXC(ev);
    if (class_is_subclass(e->hdr.cls, exc_UnicodeTranslateError)) {
        return e->args->len == 4 ? translate_error_str(e) : VAL_NULL;
    }
    if (e->args->len != 5 || !str_check(e->args->items[0]) || !IS_SMALL(e->args->items[2]) ||
        !IS_SMALL(e->args->items[3])) {
        return VAL_NULL;    // not the codec form: the caller uses the generic one
    }
    Value *a = e->args->items;
    Value reason = obj_str(a[4]);
    if (!reason) {
        return VAL_NULL;
    }
    const char *enc = AS_STR(a[0])->data, *rs = AS_STR(reason)->data;
    int64_t start = AS_SMALL(a[2]), end = AS_SMALL(a[3]);
    bool decode = class_is_subclass(e->hdr.cls, exc_UnicodeDecodeError);
    if (decode) {
        BufView b = {0};
        if (end == start + 1 && buffer_get(a[1], &b) == 1 && start >= 0 && (size_t)start < b.len) {
            return str_printf("'%s' codec can't decode byte 0x%02x in position %lld: %s", enc,
                              b.ptr[start], (long long)start, rs);
        }
        return str_printf("'%s' codec can't decode bytes in position %lld-%lld: %s", enc,
                          (long long)start, (long long)end - 1, rs);
    }
    if (end == start + 1 && str_check(a[1]) && start >= 0 && (size_t)start < AS_STR(a[1])->cplen) {
        char ch[16];
        escaped_cp(AS_STR(a[1]), start, ch, sizeof ch);
        return str_printf("'%s' codec can't encode character '%s' in position %lld: %s", enc, ch,
                          (long long)start, rs);
    }
    return str_printf("'%s' codec can't encode characters in position %lld-%lld: %s", enc,
                      (long long)start, (long long)end - 1, rs);
}

// ---- encoding

static void put_cp_utf8(SBuf *b, uint32_t cp) {
    char tmp[4];
    sb_add(b, tmp, (size_t)utf8_encode(cp, tmp));
}

static void put_unit(SBuf *b, uint32_t u, int size, bool le) {
    for (int i = 0; i < size; i++) {
        int shift = le ? 8 * i : 8 * (size - 1 - i);
        sb_addc(b, (char)((u >> shift) & 0xFF));
    }
}

// Appends the encoding of [cp] in [e]; false when [e] cannot hold it.
static bool put_cp(SBuf *b, Enc e, uint32_t cp) {
    bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (e >= ENC_CHARMAP) {
        // the last byte that decodes to [cp], as CPython's charmap_build
        const uint16_t *dec = charmap_of(e);
        if (cp < 128 && charmaps[e - ENC_CHARMAP].ascii) {
            sb_addc(b, (char)cp);
            return true;
        }
        for (int i = 255; i >= 0 && cp < CHARMAP_UNDEF; i--) {
            if (dec[i] == cp) {
                sb_addc(b, (char)i);
                return true;
            }
        }
        return false;
    }
    switch (e) {
    case ENC_UTF8:
        if (surrogate) {
            return false;
        }
        put_cp_utf8(b, cp);
        return true;
    case ENC_ASCII:
        if (cp >= 128) {
            return false;
        }
        sb_addc(b, (char)cp);
        return true;
    case ENC_LATIN1:
        if (cp >= 256) {
            return false;
        }
        sb_addc(b, (char)cp);
        return true;
    case ENC_UTF16: case ENC_UTF16LE: case ENC_UTF16BE: {
        if (surrogate) {
            return false;
        }
        bool le = e != ENC_UTF16BE;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put_unit(b, 0xD800 + (cp >> 10), 2, le);
            put_unit(b, 0xDC00 + (cp & 0x3FF), 2, le);
        } else {
            put_unit(b, cp, 2, le);
        }
        return true;
    }
    default:
        if (surrogate) {
            return false;
        }
        put_unit(b, cp, 4, e != ENC_UTF32BE);
        return true;
    }
}

static const char *enc_reason(Enc e) {
    return e == ENC_ASCII ? "ordinal not in range(128)"
         : e == ENC_LATIN1 ? "ordinal not in range(256)"
         : e >= ENC_CHARMAP ? "character maps to <undefined>" : "surrogates not allowed";
}

// Whether [encoding] names one of CPython's bytes-to-bytes or str-to-str
// codecs (rot13, hex, base64, zlib, bz2, quopri, uu), which str.encode and
// bytes.decode refuse with their own message.
static bool transform_codec(const char *encoding) {
    static const char *const names[] = {
        "rot13", "rot-13", "hex", "hex-codec", "base64", "base-64", "base64-codec", "zip", "zlib",
        "zlib-codec", "bz2", "bz2-codec", "quopri", "quotedprintable", "quoted-printable",
        "quopri-codec", "uu", "uu-codec", NULL};
    char key[24];
    size_t n = 0;
    for (; encoding[n] && n < sizeof key - 1; n++) {
        char c = (char)tolower((unsigned char)encoding[n]);
        key[n] = c == '_' || c == ' ' ? '-' : c;
    }
    if (encoding[n]) {
        return false;
    }
    key[n] = '\0';
    for (size_t i = 0; names[i]; i++) {
        if (strcmp(key, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static Value unknown_encoding(const char *encoding, const char *use) {
    if (transform_codec(encoding)) {
        return exc_raise(exc_LookupError,
                         "'%s' is not a text encoding; use codecs.%s() to handle arbitrary codecs",
                         encoding, use);
    }
    return exc_raise(exc_LookupError, "unknown encoding: %s", encoding);
}

// A codec a program registered with codecs.register, run on [obj] through
// codecs.pyish's _run_registered ([how]: "encode" or "decode"); VAL_NULL
// with nothing raised when no registered search function knows [encoding].
static Value registered_codec(const char *how, Value obj, const char *encoding, const char *errors) {
    Value mod = dict_get_str(ST->modules, str_intern_c("codecs"));
    if (!mod || !IS_A(mod, cls_module)) {
        return VAL_NULL;
    }
    Value fn = obj_getattr_opt(mod, str_intern_c("_run_registered"));
    if (!fn) {
        return VAL_NULL;
    }
    gc_push_root(fn);
    Value args[4] = {str_from_c(how), obj, VAL_NULL, VAL_NULL};
    gc_push_root(args[0]);
    args[2] = str_from_c(encoding);
    gc_push_root(args[2]);
    args[3] = str_from_c(errors);
    gc_push_root(args[3]);
    Value r = obj_call(fn, 4, args, NULL);
    gc_pop_root(4);
    return r == VAL_NOTIMPL ? VAL_NULL : r;
}

Value codec_encode(Value sv, const char *encoding, const char *errors) {
    Enc e;
    if (!find_codec(encoding, &e)) {
        int esc = codec_escape_kind(encoding);
        if (esc) {
            return codec_escape_encode(sv, esc == 2);
        }
        Value r = registered_codec("encode", sv, encoding, errors);
        return r || exc_pending() ? r : unknown_encoding(encoding, "encode");
    }
    ObjStr *s = AS_STR(sv);
    if (s->cplen == s->len && ascii_compatible(e)) {
        return bytes_try_new(s->data, s->len);     // ASCII: the bytes are the text
    }
    SBuf b;
    sb_init(&b);
    if (e == ENC_UTF16) {
        sb_add(&b, "\xff\xfe", 2);
    } else if (e == ENC_UTF32) {
        sb_add(&b, "\xff\xfe\x00\x00", 4);
    } else if (e == ENC_UTF8SIG) {
        sb_add(&b, "\xef\xbb\xbf", 3);
        e = ENC_UTF8;
    }
    size_t i = 0, pos = 0;
    bool wide = e >= ENC_UTF16 && e < ENC_CHARMAP;     // utf-16/32 report one character per error
    while (i < s->len && !b.failed) {
        size_t cstart = i;
        uint32_t cp = utf8_decode(s->data, s->len, &i);
        if (put_cp(&b, e, cp)) {
            pos++;
            continue;
        }
        // the run of characters the codec cannot hold: [pos, endpos), bytes [cstart, j)
        size_t endpos = pos + 1, j = i;
        SBuf probe;
        sb_init(&probe);
        while (!wide && j < s->len) {
            size_t k = j;
            uint32_t c2 = utf8_decode(s->data, s->len, &k);
            probe.len = 0;
            if (put_cp(&probe, e, c2)) {
                break;
            }
            j = k;
            endpos++;
        }
        sb_free(&probe);
        ErrMode m = err_mode(errors);
        if (m == ERR_SURROGATEPASS) {
            // the UTF codecs write a surrogate as if it were a character
            bool ok = cp >= 0xD800 && cp <= 0xDFFF && e != ENC_ASCII && e != ENC_LATIN1 && e < ENC_CHARMAP;
            if (ok) {
                if (e == ENC_UTF8) {
                    put_cp_utf8(&b, cp);
                } else {
                    put_unit(&b, cp, e <= ENC_UTF16BE ? 2 : 4, e != ENC_UTF16BE && e != ENC_UTF32BE);
                }
                pos++;
                continue;
            }
            m = ERR_STRICT;
        }
        size_t done = endpos, resume = j;   // what the handler covers
        if (m == ERR_SURROGATEESCAPE) {
            // CPython's handler escapes characters U+DC80..U+DCFF from the
            // run's start and resumes after them; none: the error stands
            size_t k = cstart, p = pos;
            while (!wide && p < endpos) {
                size_t k2 = k;
                uint32_t c2 = utf8_decode(s->data, s->len, &k2);
                if (c2 < 0xDC80 || c2 > 0xDCFF) {
                    break;
                }
                k = k2;
                p++;
            }
            if (p == pos) {
                m = ERR_STRICT;
            }
            done = p;
            resume = k;
        }
        if (m == ERR_UNKNOWN) {
            // a handler of codecs.register_error: bytes are written as they
            // are, a str encoded (a character it cannot hold: the error stands)
            Value r = run_error_handler(errors, exc_UnicodeEncodeError, enc_name(e), sv,
                                        (int64_t)pos, (int64_t)endpos, enc_reason(e));
            if (!r) {
                sb_free(&b);
                return VAL_NULL;
            }
            Value rep = AS_TUPLE(r)->items[0];
            if (bytes_check(rep)) {
                sb_add(&b, (const char *)AS_BYTES(rep)->data, AS_BYTES(rep)->len);
            } else {
                ObjStr *rs = AS_STR(rep);
                for (size_t k = 0; k < rs->len;) {
                    if (!put_cp(&b, e, utf8_decode(rs->data, rs->len, &k))) {
                        sb_free(&b);
                        return raise_unicode(exc_UnicodeEncodeError, enc_name(e), sv, (int64_t)pos,
                                             (int64_t)endpos, enc_reason(e));
                    }
                }
            }
            pos = (size_t)AS_SMALL(AS_TUPLE(r)->items[1]);
            i = str_cp_offset(s, pos);
            continue;
        }
        if (m == ERR_STRICT) {
            sb_free(&b);
            return raise_unicode(exc_UnicodeEncodeError, enc_name(e), sv, (int64_t)pos,
                                 (int64_t)endpos, enc_reason(e));
        }
        size_t k = cstart;
        for (size_t p = pos; p < done; p++) {
            uint32_t c = utf8_decode(s->data, s->len, &k);
            char tmp[24];
            switch (m) {
            case ERR_IGNORE:
                break;
            case ERR_REPLACE:
                put_cp(&b, e, '?');
                break;
            case ERR_BACKSLASH:
                snprintf(tmp, sizeof tmp, c < 0x100 ? "\\x%02x" : c < 0x10000 ? "\\u%04x" : "\\U%08x", c);
                for (char *t = tmp; *t; t++) {
                    put_cp(&b, e, (unsigned char)*t);
                }
                break;
            case ERR_XMLCHARREF:
                snprintf(tmp, sizeof tmp, "&#%u;", c);
                for (char *t = tmp; *t; t++) {
                    put_cp(&b, e, (unsigned char)*t);
                }
                break;
            default:    // surrogateescape
                sb_addc(&b, (char)(c - 0xDC00));
                break;
            }
        }
        i = resume;
        pos = done;
    }
    if (b.failed) {
        return VAL_NULL;
    }
    Value r = bytes_try_new(b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

// ---- decoding

// Length of the valid UTF-8 prefix of the sequence at p[0..left) starting
// with a valid lead byte, and whether it is complete (*need bytes).
static int utf8_prefix(const unsigned char *p, size_t left, int *need) {
    unsigned char c = p[0];
    int n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    *need = n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0) {
        lo = 0xA0;
    } else if (c == 0xED) {
        hi = 0x9F;
    } else if (c == 0xF0) {
        lo = 0x90;
    } else if (c == 0xF4) {
        hi = 0x8F;
    }
    int k = 1;
    if ((size_t)k < left && p[k] >= lo && p[k] <= hi) {
        k++;
        while (k < n && (size_t)k < left && p[k] >= 0x80 && p[k] <= 0xBF) {
            k++;
        }
    }
    return k;
}

static Value decode_error(const char *enc, const unsigned char *p, size_t len, size_t start,
                          size_t end, const char *reason) {
    Value obj = bytes_try_new(p, len);
    if (!obj) {
        return VAL_NULL;
    }
    return raise_unicode(exc_UnicodeDecodeError, enc, obj, (int64_t)start, (int64_t)end, reason);
}

// Handles the bad bytes p[start, end) by [m] and sets *resume to where
// decoding goes on; false when it raised.
static bool decode_bad(SBuf *b, ErrMode m, const char *errors, const char *enc,
                       const unsigned char *p, size_t len, size_t start, size_t end,
                       const char *reason, size_t *resume) {
    *resume = end;
    switch (m) {
    case ERR_IGNORE:
        return true;
    case ERR_REPLACE:
        put_cp_utf8(b, 0xFFFD);
        return true;
    case ERR_BACKSLASH:
        for (size_t k = start; k < end; k++) {
            char tmp[8];
            snprintf(tmp, sizeof tmp, "\\x%02x", p[k]);
            sb_add(b, tmp, 4);
        }
        return true;
    case ERR_SURROGATEESCAPE: {
        // CPython's handler escapes up to 4 bytes >= 128 from [start] and
        // resumes after them; none: the error stands
        size_t k = start;
        while (k < end && k < start + 4 && p[k] >= 128) {
            put_cp_utf8(b, 0xDC00 + p[k]);
            k++;
        }
        if (k > start) {
            *resume = k;
            return true;
        }
        break;
    }
    case ERR_XMLCHARREF:
        exc_raise(exc_TypeError, "don't know how to handle UnicodeDecodeError in error callback");
        return false;
    case ERR_SURROGATEPASS:
        break;      // what it passes was taken before: this error stands
    case ERR_UNKNOWN: {
        // a handler of codecs.register_error: its str replaces the bytes
        Value obj = bytes_try_new(p, len);
        Value r = obj ? run_error_handler(errors, exc_UnicodeDecodeError, enc, obj, (int64_t)start,
                                          (int64_t)end, reason)
                      : VAL_NULL;
        if (!r) {
            return false;
        }
        Value rep = AS_TUPLE(r)->items[0];
        sb_add(b, AS_STR(rep)->data, AS_STR(rep)->len);
        *resume = (size_t)AS_SMALL(AS_TUPLE(r)->items[1]);
        return true;
    }
    default:
        break;
    }
    decode_error(enc, p, len, start, end, reason);
    return false;
}

static uint32_t get_unit(const unsigned char *p, int size, bool le) {
    uint32_t u = 0;
    for (int i = 0; i < size; i++) {
        int shift = le ? 8 * i : 8 * (size - 1 - i);
        u |= (uint32_t)p[i] << shift;
    }
    return u;
}

Value codec_decode(const unsigned char *p, size_t len, const char *encoding, const char *errors) {
    Enc e;
    if (!find_codec(encoding, &e)) {
        int esc = codec_escape_kind(encoding);
        if (esc) {
            return codec_escape_decode(p, len, esc == 2, errors);
        }
        Value bv = bytes_try_new((const char *)p, len);
        if (!bv) {
            return VAL_NULL;
        }
        gc_push_root(bv);
        Value r = registered_codec("decode", bv, encoding, errors);
        gc_pop_root(1);
        return r || exc_pending() ? r : unknown_encoding(encoding, "decode");
    }
    SBuf b;
    sb_init(&b);
    size_t i = 0;
    bool ok = true;
    if (e == ENC_UTF16) {
        e = ENC_UTF16LE;
        if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
            i = 2;
        } else if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
            i = 2;
            e = ENC_UTF16BE;
        }
    } else if (e == ENC_UTF8SIG) {
        e = ENC_UTF8;
        if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
            i = 3;
        }
    } else if (e == ENC_UTF32) {
        e = ENC_UTF32LE;
        if (len >= 4 && memcmp(p, "\xff\xfe\x00\x00", 4) == 0) {
            i = 4;
        } else if (len >= 4 && memcmp(p, "\x00\x00\xfe\xff", 4) == 0) {
            i = 4;
            e = ENC_UTF32BE;
        }
    }
    if (ascii_compatible(e) && i == 0) {
        // valid UTF-8 (the common case), or ASCII in an ASCII-compatible
        // codec, becomes the str at once, one copy
        size_t j = 0, ncp = 0;
        while (j < len) {
            if (j + 8 <= len) {
                uint64_t w;
                memcpy(&w, p + j, 8);
                if (!(w & 0x8080808080808080u)) {
                    j += 8;     // eight ASCII bytes
                    ncp += 8;
                    continue;
                }
            }
            if (p[j] < 0x80) {
                j++;
                ncp++;
                continue;
            }
            if (e != ENC_UTF8) {
                break;
            }
            int need;
            if (p[j] < 0xC2 || p[j] > 0xF4 || utf8_prefix(p + j, len - j, &need) != need) {
                break;
            }
            j += (size_t)need;
            ncp++;
        }
        if (j == len) {
            sb_free(&b);
            return str_try_new_cp((const char *)p, len, ncp);
        }
    }
    // (the errors mode only now: the fast path above needs none, and its
    // strcmps were a tenth of decoding a short line)
    ErrMode m = err_mode(errors);
    const char *en = enc_name(e);
    const uint16_t *charmap = e >= ENC_CHARMAP ? charmap_of(e) : NULL;
    while (ok && i < len && !b.failed) {
        unsigned char c = p[i];
        if (charmap) {
            if (charmap[c] == CHARMAP_UNDEF) {
                ok = decode_bad(&b, m, errors, en, p, len, i, i + 1, "character maps to <undefined>", &i);
            } else {
                put_cp_utf8(&b, charmap[c]);
                i++;
            }
            continue;
        }
        switch (e) {
        case ENC_UTF8: {
            if (c < 0x80) {
                size_t j = i;
                while (j < len && p[j] < 0x80) {
                    j++;
                }
                sb_add(&b, (const char *)p + i, j - i);
                i = j;
                break;
            }
            if (c < 0xC2 || c > 0xF4) {
                ok = decode_bad(&b, m, errors, en, p, len, i, i + 1, "invalid start byte", &i);
                break;
            }
            int need;
            int k = utf8_prefix(p + i, len - i, &need);
            if (m == ERR_SURROGATEPASS && c == 0xED && len - i >= 3 && p[i + 1] >= 0xA0 &&
                p[i + 1] <= 0xBF && p[i + 2] >= 0x80 && p[i + 2] <= 0xBF) {
                sb_add(&b, (const char *)p + i, 3);     // an encoded surrogate, kept as one
                i += 3;
                break;
            }
            if (k == need) {
                sb_add(&b, (const char *)p + i, (size_t)k);
                i += (size_t)k;
            } else if (i + (size_t)k == len) {
                ok = decode_bad(&b, m, errors, en, p, len, i, len, "unexpected end of data", &i);
            } else {
                ok = decode_bad(&b, m, errors, en, p, len, i, i + (size_t)k, "invalid continuation byte", &i);
            }
            break;
        }
        case ENC_ASCII:
            if (c >= 128) {
                ok = decode_bad(&b, m, errors, en, p, len, i, i + 1, "ordinal not in range(128)", &i);
            } else {
                sb_addc(&b, (char)c);
                i++;
            }
            break;
        case ENC_LATIN1:
            put_cp_utf8(&b, c);
            i++;
            break;
        case ENC_UTF16LE: case ENC_UTF16BE: {
            bool le = e == ENC_UTF16LE;
            if (len - i < 2) {
                ok = decode_bad(&b, m, errors, en, p, len, i, len, "truncated data", &i);
                break;
            }
            uint32_t u = get_unit(p + i, 2, le);
            if (u < 0xD800 || u > 0xDFFF) {
                put_cp_utf8(&b, u);
                i += 2;
            } else if (m == ERR_SURROGATEPASS && (u >= 0xDC00 || len - i < 4 ||
                                                  get_unit(p + i + 2, 2, le) < 0xDC00 ||
                                                  get_unit(p + i + 2, 2, le) > 0xDFFF)) {
                put_cp_utf8(&b, u);     // a lone surrogate passes
                i += 2;
            } else if (u >= 0xDC00) {
                ok = decode_bad(&b, m, errors, en, p, len, i, i + 2, "illegal encoding", &i);
            } else if (len - i < 4) {
                ok = decode_bad(&b, m, errors, en, p, len, i, len, "unexpected end of data", &i);
            } else {
                uint32_t u2 = get_unit(p + i + 2, 2, le);
                if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
                    put_cp_utf8(&b, 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00));
                    i += 4;
                } else {
                    ok = decode_bad(&b, m, errors, en, p, len, i, i + 2, "illegal UTF-16 surrogate", &i);
                }
            }
            break;
        }
        default: {
            bool le = e == ENC_UTF32LE;
            if (len - i < 4) {
                ok = decode_bad(&b, m, errors, en, p, len, i, len, "truncated data", &i);
                break;
            }
            uint32_t u = get_unit(p + i, 4, le);
            if (u > 0x10FFFF) {
                ok = decode_bad(&b, m, errors, en, p, len, i, i + 4, "code point not in range(0x110000)", &i);
            } else if (u >= 0xD800 && u <= 0xDFFF && m != ERR_SURROGATEPASS) {
                ok = decode_bad(&b, m, errors, en, p, len, i, i + 4,
                                "code point in surrogate code point range(0xd800, 0xe000)", &i);
            } else {
                put_cp_utf8(&b, u);
                i += 4;
            }
            break;
        }
        }
    }
    if (!ok) {
        sb_free(&b);
        return VAL_NULL;
    }
    return sb_finish(&b);
}

// ---- _charmap: what codecs.pyish asks about the single-byte codecs

// _charmap.name(encoding): the CodecInfo name of the single-byte codec
// [encoding] names ('cp1252' for 'windows-1252'), else None.
static Value cm_name(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 1 || !IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "name() takes one str argument");
    }
    const char *n = codec_charmap_name(AS_STR(argv[0])->data);
    return n ? str_from_c(n) : VAL_NONE;
}

static const MethodDef charmap_fns[] = {
    {"name", cm_name, false},
    {NULL, NULL, false},
};

Value mod_charmap_init(void) {
    Value m = module_new("_charmap");
    native_add_functions(((ObjModule *)AS_OBJ(m))->dict, NULL, charmap_fns);
    return m;
}
