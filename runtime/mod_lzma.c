// mod_lzma.c: the _lzma module on Debian's liblzma (liblzma5), under
// CPython's lzma.py: LZMACompressor/LZMADecompressor for FORMAT_XZ, ALONE,
// RAW (and AUTO when decompressing), integrity checks, filter chains given
// as dicts (LZMA1/LZMA2 with preset, dict_size, lc, lp, pb, mode,
// nice_len, mf, depth; DELTA with dist; the BCJ filters), is_check_supported
// and LZMAError with _lzmamodule.c's messages ("Input format not supported
// by decoder"). The filter property helpers raise: nothing here needs them.
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <lzma.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"

enum { FORMAT_AUTO, FORMAT_XZ, FORMAT_ALONE, FORMAT_RAW };

typedef struct ObjLZ {
    Obj hdr;
    lzma_stream lzs;
    bool inited;            // lzs holds liblzma state
    bool flushed;           // compressor: flush() was called
    bool eof;               // decompressor: the end of the stream was reached
    bool needs_input;       // decompressor: more input wanted
    int check;              // decompressor: the stream's check (CHECK_UNKNOWN until known)
    unsigned char *pend;    // decompressor: input not consumed yet
    size_t npend;
    Value unused_data;      // decompressor: bytes after the end of the stream
} ObjLZ;

#define LZ(v) ((ObjLZ *)AS_OBJ(v))

static Value raise_lz(const char *msg) {
    Value m = str_from_c(msg);
    gc_push_root(m);
    Value e = exc_new(AS_CLASS(ST->lzma_error), 1, &m);
    gc_pop_root(1);
    return e ? exc_raise_value(e) : VAL_NULL;
}

// catch_lzma_error(): true when [r] is an error (raised).
static bool lz_failed(lzma_ret r) {
    switch (r) {
    case LZMA_OK:
    case LZMA_GET_CHECK:
    case LZMA_NO_CHECK:
    case LZMA_STREAM_END:
        return false;
    case LZMA_UNSUPPORTED_CHECK:
        raise_lz("Unsupported integrity check");
        return true;
    case LZMA_MEM_ERROR:
        exc_raise_nomem();
        return true;
    case LZMA_MEMLIMIT_ERROR:
        raise_lz("Memory usage limit exceeded");
        return true;
    case LZMA_FORMAT_ERROR:
        raise_lz("Input format not supported by decoder");
        return true;
    case LZMA_OPTIONS_ERROR:
        raise_lz("Invalid or unsupported options");
        return true;
    case LZMA_DATA_ERROR:
        raise_lz("Corrupt input data");
        return true;
    case LZMA_BUF_ERROR:
        raise_lz("Insufficient buffer space");
        return true;
    case LZMA_PROG_ERROR:
        raise_lz("Internal error");
        return true;
    default: {
        char buf[64];
        snprintf(buf, sizeof buf, "Unrecognized error from liblzma: %d", (int)r);
        raise_lz(buf);
        return true;
    }
    }
}

typedef OutBuf Out;

// Points lzs at free room (at most [max] bytes in all when max >= 0);
// false: no room under max (*full) or MemoryError.
static bool room(Out *o, lzma_stream *s, int64_t max, bool *full) {
    size_t r;
    uint8_t *at = outbuf_room(o, 8192, max, &r, full);
    if (!at) {
        return false;
    }
    s->next_out = at;
    s->avail_out = r;
    return true;
}

// ---- filter chains

// An int item [key] of filter spec [spec] into *out (kept when absent).
static bool spec_u32(Value spec, const char *key, uint32_t *out) {
    Value k = str_from_c(key);
    gc_push_root(k);
    Value v;
    int r = dict_get(AS_DICT(spec), k, &v);
    gc_pop_root(1);
    if (r <= 0) {
        return r == 0;
    }
    int64_t n;
    if (!int_to_i64(v, &n)) {
        return false;
    }
    if (n < 0 || n > UINT32_MAX) {
        exc_raise(exc_OverflowError, "Value too large for uint32_t type");
        return false;
    }
    *out = (uint32_t)n;
    return true;
}

// parse_filter_spec(): one dict into [f]; LZMA options go to [opt].
static bool filter_spec(Value spec, lzma_filter *f, void *opt) {
    if (!IS_A(spec, cls_dict)) {
        exc_raise(exc_TypeError, "Filter specifier must be a dict or dict-like object");
        return false;
    }
    Value idk = str_from_c("id");
    gc_push_root(idk);
    Value idv;
    int r = dict_get(AS_DICT(spec), idk, &idv);
    gc_pop_root(1);
    if (r <= 0) {
        if (r == 0) {
            exc_raise(exc_ValueError, "Filter specifier must have an \"id\" entry");
        }
        return false;
    }
    int64_t id;
    if (!int_to_i64(idv, &id)) {
        return false;
    }
    f->id = (lzma_vli)id;
    if (id == LZMA_FILTER_LZMA1 || id == LZMA_FILTER_LZMA2) {
        lzma_options_lzma *o = opt;
        uint32_t preset = LZMA_PRESET_DEFAULT;
        if (!spec_u32(spec, "preset", &preset)) {
            return false;
        }
        if (lzma_lzma_preset(o, preset)) {
            raise_lz("Invalid compression preset: ");
            return false;
        }
        uint32_t mode = o->mode, mf = o->mf;
        if (!spec_u32(spec, "dict_size", &o->dict_size) || !spec_u32(spec, "lc", &o->lc) ||
            !spec_u32(spec, "lp", &o->lp) || !spec_u32(spec, "pb", &o->pb) || !spec_u32(spec, "mode", &mode) ||
            !spec_u32(spec, "nice_len", &o->nice_len) || !spec_u32(spec, "mf", &mf) ||
            !spec_u32(spec, "depth", &o->depth)) {
            return false;
        }
        o->mode = (lzma_mode)mode;
        o->mf = (lzma_match_finder)mf;
        f->options = o;
    } else if (id == LZMA_FILTER_DELTA) {
        lzma_options_delta *o = opt;
        memset(o, 0, sizeof *o);
        o->type = LZMA_DELTA_TYPE_BYTE;
        o->dist = 1;
        if (!spec_u32(spec, "dist", &o->dist)) {
            return false;
        }
        f->options = o;
    } else if (id == LZMA_FILTER_X86 || id == LZMA_FILTER_POWERPC || id == LZMA_FILTER_IA64 ||
               id == LZMA_FILTER_ARM || id == LZMA_FILTER_ARMTHUMB || id == LZMA_FILTER_SPARC) {
        f->options = NULL;
    } else {
        exc_raise(exc_ValueError, "Invalid filter ID: %lld", (long long)id);
        return false;
    }
    return true;
}

// Room for one filter's options, whichever kind.
typedef union FilterOpt {
    lzma_options_lzma lzma;
    lzma_options_delta delta;
} FilterOpt;

// A filter chain from the sequence [specs] into [fs] (LZMA_FILTERS_MAX + 1).
static bool filter_chain(Value specs, lzma_filter *fs, FilterOpt *opts) {
    Value list = seq_to_list(specs);
    if (!list) {
        return false;
    }
    ObjList *l = AS_LIST(list);
    if (l->len > LZMA_FILTERS_MAX) {
        exc_raise(exc_ValueError, "Too many filters - liblzma supports a maximum of %d", LZMA_FILTERS_MAX);
        return false;
    }
    gc_push_root(list);
    for (size_t i = 0; i < l->len; i++) {
        if (!filter_spec(l->items[i], &fs[i], &opts[i])) {
            gc_pop_root(1);
            return false;
        }
    }
    fs[l->len].id = LZMA_VLI_UNKNOWN;
    gc_pop_root(1);
    return true;
}

// ---- compressor

static Value lz_code(ObjLZ *c, const uint8_t *in, size_t len, lzma_action action) {
    Out o = {0};
    c->lzs.next_in = in;
    c->lzs.avail_in = len;
    for (;;) {
        bool full = false;
        if (c->lzs.avail_out == 0 || !o.p) {
            if (!room(&o, &c->lzs, -1, &full)) {
                free(o.p);
                return VAL_NULL;
            }
        }
        lzma_ret r = lzma_code(&c->lzs, action);
        o.len = (size_t)(c->lzs.next_out - o.p);
        if (r == LZMA_BUF_ERROR && len == 0 && c->lzs.avail_out > 0) {
            r = LZMA_OK;
        }
        if (lz_failed(r)) {
            free(o.p);
            return VAL_NULL;
        }
        if ((action == LZMA_RUN && c->lzs.avail_in == 0) || (action == LZMA_FINISH && r == LZMA_STREAM_END)) {
            break;
        }
    }
    c->lzs.avail_out = 0;
    return outbuf_bytes(&o);
}

static Value c_compress(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    BufView in = {0};
    if (argc != 2) {
        return exc_raise(exc_TypeError, "compress() takes exactly one argument (%d given)", argc - 1);
    }
    if (!buffer_need(argv[1], &in)) {
        return VAL_NULL;
    }
    ObjLZ *c = LZ(argv[0]);
    if (c->flushed) {
        return exc_raise(exc_ValueError, "Compressor has been flushed");
    }
    return lz_code(c, in.ptr, in.len, LZMA_RUN);
}

static Value c_flush(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjLZ *c = LZ(argv[0]);
    if (c->flushed) {
        return exc_raise(exc_ValueError, "Repeated call to flush()");
    }
    c->flushed = true;
    return lz_code(c, NULL, 0, LZMA_FINISH);
}

// Keyword-or-position arguments [names] of a constructor into [out].
static bool ctor_args(const char *fn, int argc, Value *argv, ObjDict *kw, const char *const *names, int n,
                      Value *out) {
    if (argc > n) {
        exc_raise(exc_TypeError, "%s() takes at most %d arguments (%d given)", fn, n, argc);
        return false;
    }
    for (int i = 0; i < n; i++) {
        out[i] = i < argc ? argv[i] : VAL_NULL;
    }
    for (size_t k = 0; kw && k < kw->nentries; k++) {
        DictEntry *e = &kw->entries[k];
        if (!e->key) {
            continue;
        }
        int i = 0;
        while (i < n && strcmp(names[i], AS_STR(e->key)->data) != 0) {
            i++;
        }
        if (i == n) {
            exc_raise(exc_TypeError, "%s() got an unexpected keyword argument '%s'", fn, AS_STR(e->key)->data);
            return false;
        }
        out[i] = e->value;
    }
    for (int i = 0; i < n; i++) {
        if (out[i] && IS_NONE(out[i])) {
            out[i] = VAL_NULL;
        }
    }
    return true;
}

static bool opt_int(Value v, int64_t dflt, int64_t *out) {
    *out = dflt;
    return !v || int_to_i64(v, out);
}

// LZMACompressor(format=FORMAT_XZ, check=-1, preset=None, filters=None)
static Value comp_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"format", "check", "preset", "filters"};
    Value a[4];
    int64_t format, check, preset;
    if (!ctor_args("LZMACompressor", argc, argv, kw, names, 4, a) || !opt_int(a[0], FORMAT_XZ, &format) ||
        !opt_int(a[1], -1, &check) || !opt_int(a[2], LZMA_PRESET_DEFAULT, &preset)) {
        return VAL_NULL;
    }
    if (format != FORMAT_XZ && check != -1 && check != LZMA_CHECK_NONE) {
        return exc_raise(exc_ValueError, "Integrity checks are only supported by FORMAT_XZ");
    }
    if (a[2] && a[3]) {
        return exc_raise(exc_ValueError, "Cannot specify both preset and filter chain");
    }
    lzma_filter fs[LZMA_FILTERS_MAX + 1];
    FilterOpt opts[LZMA_FILTERS_MAX];
    if (a[3] && !filter_chain(a[3], fs, opts)) {
        return VAL_NULL;
    }
    ObjLZ *c = (ObjLZ *)obj_alloc(cls, sizeof(ObjLZ));
    lzma_stream init = LZMA_STREAM_INIT;
    c->lzs = init;
    lzma_ret r;
    switch (format) {
    case FORMAT_XZ:
        if (check == -1) {
            check = LZMA_CHECK_CRC64;
        }
        r = a[3] ? lzma_stream_encoder(&c->lzs, fs, (lzma_check)check)
                 : lzma_easy_encoder(&c->lzs, (uint32_t)preset, (lzma_check)check);
        break;
    case FORMAT_ALONE: {
        if (a[3] && (fs[0].id != LZMA_FILTER_LZMA1 || fs[1].id != LZMA_VLI_UNKNOWN)) {
            return exc_raise(exc_ValueError, "Invalid filter chain for FORMAT_ALONE - must be a single LZMA1 filter");
        }
        lzma_options_lzma lo;
        if (!a[3] && lzma_lzma_preset(&lo, (uint32_t)preset)) {
            return raise_lz("Invalid compression preset");
        }
        r = lzma_alone_encoder(&c->lzs, a[3] ? fs[0].options : &lo);
        break;
    }
    case FORMAT_RAW:
        if (!a[3]) {
            return exc_raise(exc_ValueError, "Must specify filters for FORMAT_RAW");
        }
        r = lzma_raw_encoder(&c->lzs, fs);
        break;
    default:
        return exc_raise(exc_ValueError, "Invalid container format: %lld", (long long)format);
    }
    if (lz_failed(r)) {
        return VAL_NULL;
    }
    c->inited = true;
    return OBJ_VAL(c);
}

// ---- decompressor

// decompress(data, max_length=-1)
static Value d_decompress(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"data", "max_length"};
    Value a[2];
    int64_t max;
    BufView in = {0};
    if (!ctor_args("decompress", argc - 1, argv + 1, kw, names, 2, a)) {
        return VAL_NULL;
    }
    if (!a[0]) {
        return exc_raise(exc_TypeError, "decompress() missing required argument 'data' (pos 1)");
    }
    if (!buffer_need(a[0], &in) || !opt_int(a[1], -1, &max)) {
        return VAL_NULL;
    }
    ObjLZ *d = LZ(argv[0]);
    if (d->eof) {
        return exc_raise(exc_EOFError, "Already at end of stream");
    }
    size_t n = d->npend + in.len;
    uint8_t *all = malloc(n ? n : 1);
    if (!all) {
        return exc_raise_nomem();
    }
    if (d->npend) {
        memcpy(all, d->pend, d->npend);
    }
    memcpy(all + d->npend, in.ptr, in.len);
    Out o = {0};
    d->lzs.next_in = all;
    d->lzs.avail_in = n;
    d->lzs.avail_out = 0;
    for (;;) {
        bool full = false;
        if (d->lzs.avail_out == 0 && !room(&o, &d->lzs, max, &full)) {
            if (full) {
                break;
            }
            free(o.p);
            free(all);
            return VAL_NULL;
        }
        lzma_ret r = lzma_code(&d->lzs, LZMA_RUN);
        o.len = (size_t)(d->lzs.next_out - o.p);
        if (r == LZMA_BUF_ERROR && d->lzs.avail_in == 0 && d->lzs.avail_out > 0) {
            r = LZMA_OK;
        }
        if (lz_failed(r)) {
            free(o.p);
            free(all);
            return VAL_NULL;
        }
        if (r == LZMA_GET_CHECK || r == LZMA_NO_CHECK) {
            d->check = (int)lzma_get_check(&d->lzs);
        }
        if (r == LZMA_STREAM_END) {
            d->eof = true;
            break;
        }
        if (d->lzs.avail_out != 0 && d->lzs.avail_in == 0) {
            break;
        }
    }
    size_t rest = d->lzs.avail_in;
    const uint8_t *restp = d->lzs.next_in;
    free(d->pend);
    d->pend = NULL;
    d->npend = 0;
    Value unused = VAL_NULL;
    if (d->eof) {
        d->needs_input = false;
        if (rest) {
            unused = bytes_try_new(restp, rest);
        }
    } else if (rest == 0) {
        // output full with nothing left to read: liblzma may still hold output
        d->needs_input = !(d->lzs.avail_out == 0 && max >= 0);
    } else {
        d->needs_input = false;
        d->pend = malloc(rest);
        if (!d->pend) {
            free(o.p);
            free(all);
            return exc_raise_nomem();
        }
        memcpy(d->pend, restp, rest);
        d->npend = rest;
    }
    d->lzs.next_in = NULL;
    d->lzs.avail_in = 0;
    free(all);
    if (unused) {
        d->unused_data = unused;
    }
    return outbuf_bytes(&o);
}

// LZMADecompressor(format=FORMAT_AUTO, memlimit=None, filters=None)
static Value decomp_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"format", "memlimit", "filters"};
    Value a[3];
    int64_t format, memlimit;
    if (!ctor_args("LZMADecompressor", argc, argv, kw, names, 3, a) || !opt_int(a[0], FORMAT_AUTO, &format) ||
        !opt_int(a[1], -1, &memlimit)) {
        return VAL_NULL;
    }
    if (a[1] && format == FORMAT_RAW) {
        return exc_raise(exc_ValueError, "Cannot specify memory limit with FORMAT_RAW");
    }
    if (format == FORMAT_RAW && !a[2]) {
        return exc_raise(exc_ValueError, "Must specify filters for FORMAT_RAW");
    }
    if (format != FORMAT_RAW && a[2]) {
        return exc_raise(exc_ValueError, "Cannot specify filters except with FORMAT_RAW");
    }
    lzma_filter fs[LZMA_FILTERS_MAX + 1];
    FilterOpt opts[LZMA_FILTERS_MAX];
    if (a[2] && !filter_chain(a[2], fs, opts)) {
        return VAL_NULL;
    }
    uint64_t lim = a[1] ? (uint64_t)memlimit : UINT64_MAX;
    Value unused = bytes_try_new("", 0);
    gc_push_root(unused);
    ObjLZ *d = (ObjLZ *)obj_alloc(cls, sizeof(ObjLZ));
    gc_pop_root(1);
    lzma_stream init = LZMA_STREAM_INIT;
    d->lzs = init;
    d->unused_data = unused;
    d->needs_input = true;
    d->check = LZMA_CHECK_ID_MAX + 1;
    const uint32_t flags = LZMA_TELL_ANY_CHECK | LZMA_TELL_NO_CHECK;
    lzma_ret r;
    switch (format) {
    case FORMAT_AUTO:
        r = lzma_auto_decoder(&d->lzs, lim, flags);
        break;
    case FORMAT_XZ:
        r = lzma_stream_decoder(&d->lzs, lim, flags);
        break;
    case FORMAT_ALONE:
        d->check = LZMA_CHECK_NONE;
        r = lzma_alone_decoder(&d->lzs, lim);
        break;
    case FORMAT_RAW:
        d->check = LZMA_CHECK_NONE;
        r = lzma_raw_decoder(&d->lzs, fs);
        break;
    default:
        return exc_raise(exc_ValueError, "Invalid container format: %lld", (long long)format);
    }
    if (lz_failed(r)) {
        return VAL_NULL;
    }
    d->inited = true;
    return OBJ_VAL(d);
}

static Value lz_getattr(Value self, ObjStr *name) {
    ObjLZ *d = LZ(self);
    if (AS_OBJ(self)->cls == ST->cls_lzmadecomp) {
        if (strcmp(name->data, "eof") == 0) {
            return d->eof ? VAL_TRUE : VAL_FALSE;
        }
        if (strcmp(name->data, "needs_input") == 0) {
            return d->needs_input ? VAL_TRUE : VAL_FALSE;
        }
        if (strcmp(name->data, "unused_data") == 0) {
            return d->unused_data;
        }
        if (strcmp(name->data, "check") == 0) {
            return MK_SMALL(d->check);
        }
    }
    return generic_getattr(self, name);
}

static void lz_trace(Obj *o) {
    gc_mark_value(((ObjLZ *)o)->unused_data);
}

static void lz_finalize(Obj *o) {
    ObjLZ *d = (ObjLZ *)o;
    if (d->inited) {
        lzma_end(&d->lzs);
        d->inited = false;
    }
    free(d->pend);
    d->pend = NULL;
}

static Value m_is_check_supported(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int64_t id;
    if (argc != 1 || !int_to_i64(argv[0], &id)) {
        return argc != 1 ? exc_raise(exc_TypeError, "is_check_supported() takes exactly one argument") : VAL_NULL;
    }
    return lzma_check_is_supported((lzma_check)id) ? VAL_TRUE : VAL_FALSE;
}

static Value m_props(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)argv;
    (void)kw;
    return exc_raise(exc_NotImplementedError, "filter properties are not supported by pyish's _lzma");
}

static const MethodDef comp_methods[] = {
    {"compress", c_compress},
    {"flush", c_flush},
    {NULL, NULL},
};

static const MethodDef decomp_methods[] = {
    {"decompress", d_decompress, true},
    {NULL, NULL},
};

static const MethodDef lzma_fns[] = {
    {"is_check_supported", m_is_check_supported},
    {"_encode_filter_properties", m_props},
    {"_decode_filter_properties", m_props},
    {NULL, NULL},
};

#define K(n, v) {n, (int64_t)(v)}
static const struct {
    const char *name;
    int64_t value;
} lz_consts[] = {
    K("FORMAT_AUTO", FORMAT_AUTO), K("FORMAT_XZ", FORMAT_XZ), K("FORMAT_ALONE", FORMAT_ALONE),
    K("FORMAT_RAW", FORMAT_RAW), K("CHECK_NONE", LZMA_CHECK_NONE), K("CHECK_CRC32", LZMA_CHECK_CRC32),
    K("CHECK_CRC64", LZMA_CHECK_CRC64), K("CHECK_SHA256", LZMA_CHECK_SHA256),
    K("CHECK_ID_MAX", LZMA_CHECK_ID_MAX), K("CHECK_UNKNOWN", LZMA_CHECK_ID_MAX + 1),
    K("FILTER_LZMA1", LZMA_FILTER_LZMA1), K("FILTER_LZMA2", LZMA_FILTER_LZMA2),
    K("FILTER_DELTA", LZMA_FILTER_DELTA), K("FILTER_X86", LZMA_FILTER_X86), K("FILTER_IA64", LZMA_FILTER_IA64),
    K("FILTER_ARM", LZMA_FILTER_ARM), K("FILTER_ARMTHUMB", LZMA_FILTER_ARMTHUMB),
    K("FILTER_SPARC", LZMA_FILTER_SPARC), K("FILTER_POWERPC", LZMA_FILTER_POWERPC),
    K("MF_HC3", LZMA_MF_HC3), K("MF_HC4", LZMA_MF_HC4), K("MF_BT2", LZMA_MF_BT2), K("MF_BT3", LZMA_MF_BT3),
    K("MF_BT4", LZMA_MF_BT4), K("MODE_FAST", LZMA_MODE_FAST), K("MODE_NORMAL", LZMA_MODE_NORMAL),
    K("PRESET_DEFAULT", LZMA_PRESET_DEFAULT), K("PRESET_EXTREME", LZMA_PRESET_EXTREME),
};

static ObjClass *lz_class(const char *name, const MethodDef *methods,
                          Value (*new_)(ObjClass *, int, Value *, ObjDict *)) {
    ObjClass *c = class_new_builtin(name, NULL, sizeof(ObjLZ), methods);
    c->module = str_intern_c("_lzma");
    c->flags &= ~(uint32_t)CLS_BASETYPE;
    c->new_ = new_;
    c->finalize = lz_finalize;
    c->trace = lz_trace;
    c->getattr = lz_getattr;
    return c;
}

static void mark_lzma(void) {
    gc_mark_value(ST->lzma_error);
}

Value mod_lzma_init(void) {
    if (!ST->cls_lzmacomp) {
        ST->cls_lzmacomp = lz_class("LZMACompressor", comp_methods, comp_new);
        ST->cls_lzmadecomp = lz_class("LZMADecompressor", decomp_methods, decomp_new);
    }
    if (!ST->lzma_error) {
        ObjTuple *bases = AS_TUPLE(tuple_pack(1, OBJ_VAL(exc_Exception)));
        gc_push_root(OBJ_VAL(bases));
        Value ns = dict_new();
        gc_push_root(ns);
        dict_set_str(AS_DICT(ns), str_intern_c("__module__"), str_from_c("_lzma"));
        ST->lzma_error = class_create(str_intern_c("LZMAError"), bases, AS_DICT(ns));
        gc_pop_root(2);
        gc_add_root_marker(mark_lzma);
    }
    Value m = module_new("_lzma");
    gc_push_root(m);
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, NULL, lzma_fns);
    dict_set_str(d, str_intern_c("LZMACompressor"), OBJ_VAL(ST->cls_lzmacomp));
    dict_set_str(d, str_intern_c("LZMADecompressor"), OBJ_VAL(ST->cls_lzmadecomp));
    dict_set_str(d, str_intern_c("LZMAError"), ST->lzma_error);
    for (size_t i = 0; i < sizeof lz_consts / sizeof lz_consts[0]; i++) {
        Value v = int_from_i64(lz_consts[i].value);
        gc_push_root(v);
        dict_set_str(d, str_intern_c(lz_consts[i].name), v);
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return m;
}
