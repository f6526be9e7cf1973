// mod_bz2.c: the _bz2 module on Debian's libbz2 (libbz2-1.0), under
// CPython's bz2.py: BZ2Compressor (compress, flush) and BZ2Decompressor
// (decompress with max_length, eof, unused_data, needs_input), with
// _bz2module.c's messages ("Invalid data stream", "End of stream already
// reached"). Input the decompressor could not take yet (max_length) waits
// in a malloc'd buffer; output grows in another.
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <bzlib.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"

typedef struct ObjBZ2 {
    Obj hdr;
    bz_stream bzs;
    bool inited;            // bzs holds libbz2 state
    bool flushed;           // compressor: flush() was called
    bool eof;               // decompressor: the end of the stream was reached
    bool needs_input;       // decompressor: more input wanted
    unsigned char *pend;    // decompressor: input not consumed yet
    size_t npend;
    Value unused_data;      // decompressor: bytes after the end of the stream
} ObjBZ2;

#define BZ(v) ((ObjBZ2 *)AS_OBJ(v))

// catch_bz2_error(): true when [ret] is an error (raised).
static bool bz_failed(int ret) {
    switch (ret) {
    case BZ_PARAM_ERROR:
        exc_raise(exc_ValueError, "Internal error - invalid parameters passed to libbzip2");
        return true;
    case BZ_MEM_ERROR:
        exc_raise_nomem();
        return true;
    case BZ_DATA_ERROR:
    case BZ_DATA_ERROR_MAGIC:
        exc_raise(exc_OSError, "Invalid data stream");
        return true;
    case BZ_IO_ERROR:
        exc_raise(exc_OSError, "Unknown I/O error");
        return true;
    case BZ_UNEXPECTED_EOF:
        exc_raise(exc_EOFError, "Compressed file ended before the logical end-of-stream was detected");
        return true;
    case BZ_SEQUENCE_ERROR:
        exc_raise(exc_RuntimeError, "Internal error - Invalid sequence of commands sent to libbzip2");
        return true;
    default:
        return ret < 0 ? (exc_raise(exc_OSError, "Unrecognized error from libbzip2: %d", ret), true) : false;
    }
}

typedef OutBuf Out;

// Points bzs at free room (at most [max] bytes in all when max >= 0);
// false: no room under max (*full) or MemoryError.
static bool room(Out *o, bz_stream *s, int64_t max, bool *full) {
    size_t r;
    unsigned char *at = outbuf_room(o, 8192, max, &r, full);
    if (!at) {
        return false;
    }
    s->next_out = (char *)at;
    s->avail_out = r > UINT_MAX ? UINT_MAX : (unsigned)r;
    return true;
}

// Runs BZ2_bzCompress with [action] over [len] bytes at [in].
static Value compress_run(ObjBZ2 *b, const unsigned char *in, size_t len, int action) {
    Out o = {0};
    b->bzs.next_in = (char *)in;
    size_t left = len;
    for (;;) {
        if (b->bzs.avail_in == 0 && left) {
            b->bzs.avail_in = left > UINT_MAX ? UINT_MAX : (unsigned)left;
            left -= b->bzs.avail_in;
        }
        if (action == BZ_RUN && b->bzs.avail_in == 0) {
            break;
        }
        bool full = false;
        if (!room(&o, &b->bzs, -1, &full)) {
            free(o.p);
            return VAL_NULL;
        }
        int ret = BZ2_bzCompress(&b->bzs, action);
        o.len = (size_t)(b->bzs.next_out - (char *)o.p);
        if (bz_failed(ret)) {
            free(o.p);
            return VAL_NULL;
        }
        if (action == BZ_FINISH && ret == BZ_STREAM_END) {
            break;
        }
    }
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
    ObjBZ2 *b = BZ(argv[0]);
    if (b->flushed) {
        return exc_raise(exc_ValueError, "Compressor has been flushed");
    }
    return compress_run(b, in.ptr, in.len, BZ_RUN);
}

static Value c_flush(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    (void)argc;
    ObjBZ2 *b = BZ(argv[0]);
    if (b->flushed) {
        return exc_raise(exc_ValueError, "Repeated call to flush()");
    }
    b->flushed = true;
    return compress_run(b, NULL, 0, BZ_FINISH);
}

// decompress(data, max_length=-1)
static Value d_decompress(int argc, Value *argv, ObjDict *kw) {
    Value data = argc > 1 ? argv[1] : VAL_NULL, maxv = argc > 2 ? argv[2] : VAL_NULL;
    if (kw) {
        Value v = dict_get_str(kw, str_intern_c("data"));
        data = v ? v : data;
        v = dict_get_str(kw, str_intern_c("max_length"));
        maxv = v ? v : maxv;
    }
    int64_t max = -1;
    BufView in = {0};
    if (!data) {
        return exc_raise(exc_TypeError, "decompress() missing required argument 'data' (pos 1)");
    }
    if (!buffer_need(data, &in) || (maxv && !int_to_i64(maxv, &max))) {
        return VAL_NULL;
    }
    ObjBZ2 *b = BZ(argv[0]);
    if (b->eof) {
        return exc_raise(exc_EOFError, "End of stream already reached");
    }
    // the input: what waited, then data
    size_t n = b->npend + in.len;
    unsigned char *all = malloc(n ? n : 1);
    if (!all) {
        return exc_raise_nomem();
    }
    if (b->npend) {
        memcpy(all, b->pend, b->npend);
    }
    memcpy(all + b->npend, in.ptr, in.len);
    Out o = {0};
    size_t left = n;
    b->bzs.next_in = (char *)all;
    b->bzs.avail_in = 0;
    for (;;) {
        if (b->bzs.avail_in == 0 && left) {
            b->bzs.avail_in = left > UINT_MAX ? UINT_MAX : (unsigned)left;
            left -= b->bzs.avail_in;
        }
        bool full = false;
        if (!room(&o, &b->bzs, max, &full)) {
            if (full) {
                break;
            }
            free(o.p);
            free(all);
            return VAL_NULL;
        }
        int ret = BZ2_bzDecompress(&b->bzs);
        o.len = (size_t)(b->bzs.next_out - (char *)o.p);
        if (bz_failed(ret)) {
            free(o.p);
            free(all);
            return VAL_NULL;
        }
        if (ret == BZ_STREAM_END) {
            b->eof = true;
            break;
        }
        if (b->bzs.avail_in == 0 && left == 0) {
            break;
        }
    }
    size_t rest = b->bzs.avail_in + left;
    const unsigned char *restp = (const unsigned char *)b->bzs.next_in;
    free(b->pend);
    b->pend = NULL;
    b->npend = 0;
    Value unused = VAL_NULL;
    if (b->eof) {
        b->needs_input = false;
        if (rest) {
            unused = bytes_try_new(restp, rest);
        }
    } else if (rest == 0) {
        b->needs_input = true;
    } else {
        b->needs_input = false;
        b->pend = malloc(rest);
        if (!b->pend) {
            free(o.p);
            free(all);
            return exc_raise_nomem();
        }
        memcpy(b->pend, restp, rest);
        b->npend = rest;
    }
    free(all);
    if (unused) {
        b->unused_data = unused;
    }
    return outbuf_bytes(&o);
}

static Value bz_getattr(Value self, ObjStr *name) {
    ObjBZ2 *b = BZ(self);
    if (AS_OBJ(self)->cls == ST->cls_bz2decomp) {
        if (strcmp(name->data, "eof") == 0) {
            return b->eof ? VAL_TRUE : VAL_FALSE;
        }
        if (strcmp(name->data, "needs_input") == 0) {
            return b->needs_input ? VAL_TRUE : VAL_FALSE;
        }
        if (strcmp(name->data, "unused_data") == 0) {
            return b->unused_data;
        }
    }
    return generic_getattr(self, name);
}

static void bz_trace(Obj *o) {
    gc_mark_value(((ObjBZ2 *)o)->unused_data);
}

static void bz_finalize(Obj *o) {
    ObjBZ2 *b = (ObjBZ2 *)o;
    if (b->inited) {
        if (o->cls == ST->cls_bz2comp) {
            BZ2_bzCompressEnd(&b->bzs);
        } else {
            BZ2_bzDecompressEnd(&b->bzs);
        }
        b->inited = false;
    }
    free(b->pend);
    b->pend = NULL;
}

// BZ2Compressor(compresslevel=9, /)
static Value comp_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int64_t level = 9;
    if (argc > 1) {
        return exc_raise(exc_TypeError, "BZ2Compressor() takes at most 1 argument (%d given)", argc);
    }
    if (argc == 1 && !int_to_i64(argv[0], &level)) {
        return VAL_NULL;
    }
    if (level < 1 || level > 9) {
        return exc_raise(exc_ValueError, "compresslevel must be between 1 and 9");
    }
    ObjBZ2 *b = (ObjBZ2 *)obj_alloc(cls, sizeof(ObjBZ2));
    if (bz_failed(BZ2_bzCompressInit(&b->bzs, (int)level, 0, 0))) {
        return VAL_NULL;
    }
    b->inited = true;
    return OBJ_VAL(b);
}

// BZ2Decompressor()
static Value decomp_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    (void)argv;
    (void)kw;
    if (argc > 0) {
        return exc_raise(exc_TypeError, "BZ2Decompressor() takes no arguments");
    }
    Value unused = bytes_try_new((const unsigned char *)"", 0);
    gc_push_root(unused);
    ObjBZ2 *b = (ObjBZ2 *)obj_alloc(cls, sizeof(ObjBZ2));
    b->unused_data = unused;
    b->needs_input = true;
    gc_pop_root(1);
    if (bz_failed(BZ2_bzDecompressInit(&b->bzs, 0, 0))) {
        return VAL_NULL;
    }
    b->inited = true;
    return OBJ_VAL(b);
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

static ObjClass *bz_class(const char *name, const MethodDef *methods, Value (*new_)(ObjClass *, int, Value *, ObjDict *)) {
    ObjClass *c = class_new_builtin(name, NULL, sizeof(ObjBZ2), methods);
    c->module = str_intern_c("_bz2");
    c->flags &= ~(uint32_t)CLS_BASETYPE;
    c->new_ = new_;
    c->finalize = bz_finalize;
    c->trace = bz_trace;
    c->getattr = bz_getattr;
    return c;
}

Value mod_bz2_init(void) {
    if (!ST->cls_bz2comp) {
        ST->cls_bz2comp = bz_class("BZ2Compressor", comp_methods, comp_new);
        ST->cls_bz2decomp = bz_class("BZ2Decompressor", decomp_methods, decomp_new);
    }
    Value m = module_new("_bz2");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("BZ2Compressor"), OBJ_VAL(ST->cls_bz2comp));
    dict_set_str(d, str_intern_c("BZ2Decompressor"), OBJ_VAL(ST->cls_bz2decomp));
    return m;
}
