// mod_binascii.c: the binascii module that CPython's base64.py builds on:
// b2a_base64/a2b_base64 (with newline= and strict_mode=), b2a_hex/hexlify
// and a2b_hex/unhexlify, crc32, crc_hqx, and binascii.Error, with CPython's
// messages. Inputs are any bytes-like object (a2b_* also take ASCII str).
#include <string.h>
#include <stdlib.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"
#include "numstr.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static Value raise_error(const char *msg) {
    Value cls = ST->binascii_error ? ST->binascii_error : OBJ_VAL(exc_ValueError);
    Value m = str_from_c(msg);
    gc_push_root(m);
    Value e = exc_new(AS_CLASS(cls), 1, &m);
    gc_pop_root(1);
    return e ? exc_raise_value(e) : VAL_NULL;
}

// a2b_* accept bytes-like objects and ASCII-only str.
static bool ascii_data(Value v, BufView *out, Value *keep) {
    if (IS_STR(v)) {
        ObjStr *s = AS_STR(v);
        if (s->cplen != s->len) {
            exc_raise(exc_ValueError, "string argument should contain only ASCII characters");
            return false;
        }
        out->ptr = (unsigned char *)s->data;
        out->len = s->len;
        *keep = v;
        return true;
    }
    return buffer_need(v, out);
}

static Value b_b2a_base64(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("b2a_base64", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value nl = kw_get(kw, "newline");
    bool newline = !nl || obj_truthy(nl) > 0;
    BufView b = {0};
    if (!buffer_need(argv[0], &b)) {
        return VAL_NULL;
    }
    size_t n = b.len, olen = (n + 2) / 3 * 4 + (newline ? 1 : 0);
    char *o = malloc(olen + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)b.ptr[i] << 16;
        if (i + 1 < n) {
            v |= (unsigned)b.ptr[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= b.ptr[i + 2];
        }
        o[j++] = B64[(v >> 18) & 63];
        o[j++] = B64[(v >> 12) & 63];
        o[j++] = i + 1 < n ? B64[(v >> 6) & 63] : '=';
        o[j++] = i + 2 < n ? B64[v & 63] : '=';
    }
    if (newline) {
        o[j++] = '\n';
    }
    Value r = bytes_new(o, j);
    free(o);
    return r;
}

static int b64val(unsigned char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

// CPython's a2b_base64: non-alphabet characters are skipped (unless
// strict_mode), data after the padding is ignored, with its errors.
static Value b_a2b_base64(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("a2b_base64", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value sm = kw_get(kw, "strict_mode");
    bool strict = sm && obj_truthy(sm) > 0;
    Value keep = VAL_NULL;
    BufView b = {0};
    if (!ascii_data(argv[0], &b, &keep)) {
        return VAL_NULL;
    }
    unsigned char *o = malloc(b.len / 4 * 3 + 3);
    size_t j = 0;
    unsigned acc = 0;
    int bits = 0, quad = 0, pads = 0;
    bool padding_started = false;
    if (strict && b.len > 0 && b.ptr[0] == '=') {
        free(o);
        return raise_error("Leading padding not allowed");
    }
    for (size_t i = 0; i < b.len; i++) {
        unsigned char c = b.ptr[i];
        if (c == '=') {
            padding_started = true;
            if (quad >= 2 && quad + ++pads >= 4) {
                if (strict && i + 1 < b.len) {
                    free(o);
                    return raise_error("Excess data after padding");
                }
                quad = 0;
                acc = 0;
                bits = 0;
                pads = 0;
                if (!strict) {
                    // CPython stops at the end of a padded quad
                    goto done;
                }
            }
            continue;
        }
        int v = b64val(c);
        if (v < 0) {
            if (strict) {
                free(o);
                return raise_error("Only base64 data is allowed");
            }
            continue;
        }
        if (strict && padding_started) {
            free(o);
            return raise_error("Discontinuous padding not allowed");
        }
        pads = 0;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        quad = (quad + 1) & 3;
        if (bits >= 8) {
            bits -= 8;
            o[j++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (quad != 0) {
        free(o);
        if (quad == 1) {
            char msg[160];
            size_t count = 0;
            for (size_t i = 0; i < b.len; i++) {
                count += b64val(b.ptr[i]) >= 0;
            }
            snprintf(msg, sizeof msg,
                     "Invalid base64-encoded string: number of data characters (%zu) cannot be 1 more than a multiple of 4",
                     count);
            return raise_error(msg);
        }
        return raise_error("Incorrect padding");
    }
done:;
    Value r = bytes_new(o, j);
    free(o);
    return r;
}

static Value hexlify_common(int argc, Value *argv, ObjDict *kw, const char *name) {
    if (argc < 1 || argc > 3) {
        return exc_raise(exc_TypeError, "%s() takes from 1 to 3 positional arguments but %d were given", name, argc);
    }
    BufView b = {0};
    if (!buffer_need(argv[0], &b)) {
        return VAL_NULL;
    }
    Value sepv = argc > 1 ? argv[1] : kw_get(kw, "sep");
    char sep = 0;
    if (sepv) {
        BufView sb = {0};
        Value keep;
        if (!ascii_data(sepv, &sb, &keep)) {
            return VAL_NULL;
        }
        if (sb.len != 1) {
            return exc_raise(exc_ValueError, "sep must be length 1.");
        }
        sep = (char)sb.ptr[0];
    }
    int64_t per = 1;
    Value bps = argc > 2 ? argv[2] : kw_get(kw, "bytes_per_sep");
    if (bps && !int_to_i64(bps, &per)) {
        return VAL_NULL;
    }
    static const char hx[] = "0123456789abcdef";
    char *o = malloc(b.len * 3 + 1);
    size_t j = 0;
    int64_t group = per < 0 ? -per : per;
    if (group == 0) {
        group = 1;
    }
    for (size_t i = 0; i < b.len; i++) {
        if (sep && i > 0) {
            // groups counted from the right for a positive bytes_per_sep
            size_t k = per > 0 ? b.len - i : i;
            if (k % (size_t)group == 0) {
                o[j++] = sep;
            }
        }
        o[j++] = hx[b.ptr[i] >> 4];
        o[j++] = hx[b.ptr[i] & 15];
    }
    Value r = bytes_new(o, j);
    free(o);
    return r;
}

static Value b_hexlify(int argc, Value *argv, ObjDict *kw) {
    return hexlify_common(argc, argv, kw, "hexlify");
}

static Value b_b2a_hex(int argc, Value *argv, ObjDict *kw) {
    return hexlify_common(argc, argv, kw, "b2a_hex");
}

static int hexdig(unsigned char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static Value b_unhexlify(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("unhexlify", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value keep = VAL_NULL;
    BufView b = {0};
    if (!ascii_data(argv[0], &b, &keep)) {
        return VAL_NULL;
    }
    if (b.len % 2) {
        return raise_error("Odd-length string");
    }
    unsigned char *o = malloc(b.len / 2 + 1);
    for (size_t i = 0; i < b.len; i += 2) {
        int h = hexdig(b.ptr[i]), l = hexdig(b.ptr[i + 1]);
        if (h < 0 || l < 0) {
            free(o);
            return raise_error("Non-hexadecimal digit found");
        }
        o[i / 2] = (unsigned char)(h * 16 + l);
    }
    Value r = bytes_new(o, b.len / 2);
    free(o);
    return r;
}

static Value b_crc32(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("crc32", argc, 1, 2)) {
        return VAL_NULL;
    }
    BufView b = {0};
    if (!buffer_need(argv[0], &b)) {
        return VAL_NULL;
    }
    int64_t start = 0;
    if (argc > 1 && !int_to_i64(argv[1], &start)) {
        exc_clear();
        start = 0;
    }
    uint32_t crc = ~(uint32_t)start;
    for (size_t i = 0; i < b.len; i++) {
        crc ^= b.ptr[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }
    }
    return int_from_i64((int64_t)(uint32_t)~crc);
}

static Value b_crc_hqx(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("crc_hqx", argc, 2, 2)) {
        return VAL_NULL;
    }
    BufView b = {0};
    int64_t crc;
    if (!buffer_need(argv[0], &b) || !int_to_i64(argv[1], &crc)) {
        return VAL_NULL;
    }
    uint32_t c = (uint32_t)crc & 0xffff;
    for (size_t i = 0; i < b.len; i++) {
        c ^= (uint32_t)b.ptr[i] << 8;
        for (int k = 0; k < 8; k++) {
            c = (c & 0x8000) ? ((c << 1) ^ 0x1021) : (c << 1);
        }
        c &= 0xffff;
    }
    return MK_SMALL(c);
}

static const MethodDef binascii_fns[] = {
    {"b2a_base64", b_b2a_base64, true},
    {"a2b_base64", b_a2b_base64, true},
    {"hexlify", b_hexlify, true},
    {"b2a_hex", b_b2a_hex, true},
    {"unhexlify", b_unhexlify},
    {"a2b_hex", b_unhexlify},
    {"crc32", b_crc32},
    {"crc_hqx", b_crc_hqx},
    {NULL, NULL},
};

static void mark_binascii(void) {
    gc_mark_value(ST->binascii_error);
    gc_mark_value(ST->binascii_incomplete);
}

// binascii.__getattr__: the uuencode and quoted-printable codecs are pyish
// (runtime/lib/_binascii_py.pyish)
static Value binascii_getattr(int argc, Value *argv, ObjDict *kw) {
    return module_lazy_attr("binascii", "_binascii_py", " b2a_uu a2b_uu b2a_qp a2b_qp ", argc == 1 ? argv[0] : VAL_NONE);
}

Value mod_binascii_init(void) {
    Value m = module_new("binascii");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, NULL, binascii_fns);
    dict_set_str(d, str_intern_c("__getattr__"), native_new("__getattr__", binascii_getattr, NULL));
    if (!ST->binascii_error) {
        ObjTuple *bases = AS_TUPLE(tuple_pack(1, OBJ_VAL(exc_ValueError)));
        gc_push_root(OBJ_VAL(bases));
        Value ns = dict_new();
        gc_push_root(ns);
        dict_set_str(AS_DICT(ns), str_intern_c("__module__"), str_from_c("binascii"));
        ST->binascii_error = class_create(str_intern_c("Error"), bases, AS_DICT(ns));
        gc_pop_root(2);
        ObjTuple *ib = AS_TUPLE(tuple_pack(1, OBJ_VAL(exc_Exception)));
        gc_push_root(OBJ_VAL(ib));
        Value ns2 = dict_new();
        gc_push_root(ns2);
        dict_set_str(AS_DICT(ns2), str_intern_c("__module__"), str_from_c("binascii"));
        ST->binascii_incomplete = class_create(str_intern_c("Incomplete"), ib, AS_DICT(ns2));
        gc_pop_root(2);
        gc_add_root_marker(mark_binascii);
    }
    dict_set_str(d, str_intern_c("Error"), ST->binascii_error);
    dict_set_str(d, str_intern_c("Incomplete"), ST->binascii_incomplete);
    return m;
}
