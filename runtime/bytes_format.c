// bytes_format.c: printf-style formatting of bytes and bytearray
// (b'%d %s' % args): flags, width, precision and '*', mapping keys, the
// numeric conversions (done by str's % engine on one argument at a time,
// whose ASCII result is copied), %s/%b from buffers or __bytes__, %r/%a
// as ascii(), %c from an int or a single byte, with CPython's errors.
#include <string.h>

#include "bytes.h"
#include "containers.h"
#include "numstr.h"
#include "gc.h"
#include "runtime.h"

static bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

// The bytes %s / %b gives for [v] (buffer or __bytes__), as a bytes value.
static Value percent_bytes(Value v) {
    BufView bv = {0};
    int r = buffer_get(v, &bv);
    if (r) {
        return r > 0 ? bytes_try_new(bv.ptr, bv.len) : VAL_NULL;
    }
    Value f = IS_OBJ(v) && !str_check(v) ? class_lookup(AS_OBJ(v)->cls, str_intern_c("__bytes__"))
                                         : VAL_NULL;
    if (f) {
        Value res = vm_call(f, 1, &v, NULL);
        if (res && !bytes_check(res)) {
            return exc_raise(exc_TypeError, "__bytes__ returned non-bytes (type %s)",
                             val_type_name(res));
        }
        return res;
    }
    return exc_raise(exc_TypeError,
                     "%%b requires a bytes-like object, or an object that implements __bytes__, not '%s'",
                     val_type_name(v));
}

Value bytes_percent_format(Value fmtv, Value args) {
    BufView f = {0};
    buffer_get(fmtv, &f);
    // a copy: argument conversions may run code that changes a bytearray
    Value fcopy = bytes_try_new(f.ptr, f.len);
    if (!fcopy) {
        return VAL_NULL;
    }
    gc_push_root(fcopy);
    const unsigned char *s = AS_BYTES(fcopy)->data;
    size_t n = AS_BYTES(fcopy)->len;
    bool is_tuple = IS_TUPLEISH(args);
    bool is_map = !is_tuple && IS_OBJ(args) && !bytes_check(args) && !bytearray_check(args) &&
                  !str_check(args) && class_lookup(AS_OBJ(args)->cls, str_intern_c("__getitem__"));
    size_t nargs = is_tuple ? AS_TUPLE(args)->len : 1, ai = 0;
    SBuf b;
    sb_init(&b);
    Value result = VAL_NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            sb_addc(&b, (char)s[i]);
            continue;
        }
        i++;
        size_t conv_at = i;     // where a bare "%%" has its second '%'
        Value arg = VAL_NULL;
        if (i < n && s[i] == '(') {
            size_t depth = 1, k = ++i;
            while (i < n && depth) {
                depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
                i++;
            }
            if (depth) {
                exc_raise(exc_ValueError, "incomplete format key");
                goto out;
            }
            if (!is_map) {
                exc_raise(exc_TypeError, "format requires a mapping");
                goto out;
            }
            Value key = bytes_new(s + k, i - 1 - k);
            arg = obj_getitem(args, key);
            if (!arg) {
                goto out;
            }
            ai = nargs;     // as CPython's: a keyed value uses up the arguments
        }
        // flags, width, precision (with '*'), the conversion char
        char spec[64];
        size_t sl = 0;
        spec[sl++] = '%';
        Value star[2] = {VAL_NULL, VAL_NULL};
        int nstar = 0;
        while (i < n && strchr("-+ #0", s[i]) && sl < 40) {
            spec[sl++] = (char)s[i++];
        }
        for (int part = 0; part < 2; part++) {
            if (part == 1) {
                if (i < n && s[i] == '.') {
                    spec[sl++] = s[i++];
                } else {
                    break;
                }
            }
            if (i < n && s[i] == '*') {
                if (ai >= nargs) {
                    exc_raise(exc_TypeError, "not enough arguments for format string");
                    goto out;
                }
                star[nstar++] = is_tuple ? AS_TUPLE(args)->items[ai++] : (ai++, args);
                spec[sl++] = '*';
                i++;
            } else {
                while (i < n && is_digit(s[i]) && sl < 60) {
                    spec[sl++] = (char)s[i++];
                }
            }
        }
        while (i < n && (s[i] == 'l' || s[i] == 'h' || s[i] == 'L')) {
            i++;
        }
        if (i >= n) {
            exc_raise(exc_ValueError, "incomplete format");
            goto out;
        }
        char conv = (char)s[i];
        if (conv == '%' && i == conv_at) {     // only a bare "%%" is a '%' (CPython 3.11)
            sb_addc(&b, '%');
            continue;
        }
        if (!arg) {
            if (ai >= nargs) {
                exc_raise(exc_TypeError, "not enough arguments for format string");
                goto out;
            }
            arg = is_tuple ? AS_TUPLE(args)->items[ai++] : (ai++, args);
        }
        Value piece = VAL_NULL;     // the converted text (str) or bytes
        if (strchr("diouxXeEfFgG", conv)) {
            spec[sl++] = conv == 'u' ? 'd' : conv;
            spec[sl] = 0;
            Value items[3];
            int ni = 0;
            for (int k = 0; k < nstar; k++) {
                items[ni++] = star[k];
            }
            items[ni++] = arg;
            Value t = tuple_new((size_t)ni);
            for (int k = 0; k < ni; k++) {
                AS_TUPLE(t)->items[k] = items[k];
            }
            gc_push_root(t);
            piece = str_percent_format(str_from_c(spec), t);
            gc_pop_root(1);
            if (!piece) {
                if (EXC_PENDING_IS(exc_TypeError) && strchr("eEfFgG", conv)) {
                    exc_clear();
                    exc_raise(exc_TypeError, "float argument required, not %s", val_type_name(arg));
                } else if (EXC_PENDING_IS(exc_TypeError) && strchr("diouxX", conv)) {
                    exc_clear();
                    bool real = conv == 'd' || conv == 'i' || conv == 'u';
                    exc_raise(exc_TypeError, "%%%c format: %s is required, not %s", real ? 'd' : conv,
                              real ? "a real number" : "an integer", val_type_name(arg));
                }
                goto out;
            }
        } else if (conv == 's' || conv == 'b' || conv == 'r' || conv == 'a' || conv == 'c') {
            Value data;
            if (conv == 'r' || conv == 'a') {
                data = obj_ascii(arg);
            } else if (conv == 'c') {
                BufView cb = {0};
                int64_t cv;
                if (int_check(arg)) {
                    if (!int_to_i64(arg, &cv) || cv < 0 || cv > 255) {
                        exc_clear();
                        exc_raise(exc_OverflowError, "%%c arg not in range(256)");
                        goto out;
                    }
                    unsigned char one = (unsigned char)cv;
                    data = bytes_new(&one, 1);
                } else if (buffer_get(arg, &cb) != 1 || cb.len != 1 ||
                           !(bytes_check(arg) || bytearray_check(arg))) {
                    exc_clear();
                    exc_raise(exc_TypeError, "%%c requires an integer in range(256) or a single byte");
                    goto out;
                } else {
                    data = bytes_new(cb.ptr, 1);
                }
            } else {
                data = percent_bytes(arg);
            }
            if (!data) {
                goto out;
            }
            gc_push_root(data);
            // apply width/precision/'-' with a str %s on a latin-1 stand-in
            const unsigned char *dp;
            size_t dl;
            if (str_check(data)) {
                dp = (const unsigned char *)AS_STR(data)->data;
                dl = AS_STR(data)->len;
            } else {
                dp = AS_BYTES(data)->data;
                dl = AS_BYTES(data)->len;
            }
            // precision truncates, width pads
            int64_t width = 0, prec = -1;
            bool left = false;
            size_t k = 1;
            while (k < sl && strchr("-+ #0", spec[k])) {
                left |= spec[k] == '-';
                k++;
            }
            int si = 0;
            if (k < sl && spec[k] == '*') {
                int64_t w;
                if (!int_to_i64(star[si++], &w)) {
                    gc_pop_root(1);
                    goto out;
                }
                if (w < 0) {
                    left = true;
                    w = -w;
                }
                width = w;
                k++;
            } else {
                while (k < sl && is_digit((unsigned char)spec[k])) {
                    width = width * 10 + (spec[k++] - '0');
                }
            }
            if (k < sl && spec[k] == '.') {
                k++;
                prec = 0;
                if (k < sl && spec[k] == '*') {
                    if (!int_to_i64(star[si++], &prec)) {
                        gc_pop_root(1);
                        goto out;
                    }
                    k++;
                } else {
                    while (k < sl && is_digit((unsigned char)spec[k])) {
                        prec = prec * 10 + (spec[k++] - '0');
                    }
                }
            }
            if (prec >= 0 && (size_t)prec < dl) {
                dl = (size_t)prec;
            }
            if (!left && width > (int64_t)dl) {
                sb_repeat(&b, " ", 1, (size_t)(width - (int64_t)dl));
            }
            sb_add(&b, (const char *)dp, dl);
            if (left && width > (int64_t)dl) {
                sb_repeat(&b, " ", 1, (size_t)(width - (int64_t)dl));
            }
            gc_pop_root(1);
            continue;
        } else {
            exc_raise(exc_ValueError, "unsupported format character '%c' (0x%x) at index %zu",
                      conv >= 32 && conv < 127 ? conv : '?', (unsigned char)conv, i);
            goto out;
        }
        sb_add(&b, AS_STR(piece)->data, AS_STR(piece)->len);
    }
    if (ai < nargs && !is_map) {
        exc_raise(exc_TypeError, "not all arguments converted during bytes formatting");
        goto out;
    }
    if (!b.failed) {
        result = bytes_like(fmtv, b.data ? b.data : "", b.len);
    }
out:
    sb_free(&b);
    gc_pop_root(1);
    return result;
}
