// mod_zlib.c: the zlib module on Debian's zlib (zlib1g): compress,
// decompress, compressobj/decompressobj (zlib.Compress and zlib.Decompress
// with compress/flush/copy, decompress with max_length, unused_data,
// unconsumed_tail, eof, zdict), crc32, adler32, the constants and
// zlib.error, with CPython's zlibmodule.c messages ("Error -3 while
// decompressing data: incorrect header check"). Output grows in a malloc'd
// buffer; no pyish code runs while zlib works, so an input's buffer stays put.
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"

#define ZDEF_BUF 16384      // DEF_BUF_SIZE

typedef struct ObjZStream {
    Obj hdr;
    z_stream zst;
    bool inited;            // zst holds zlib state (deflateEnd/inflateEnd due)
    bool eof;               // Decompress: the end of the stream was reached
    Value unused_data;      // Decompress: bytes after the end of the stream
    Value unconsumed_tail;  // Decompress: input left when max_length stopped it
    Value zdict;            // the preset dictionary or VAL_NULL
} ObjZStream;

#define ZS(v) ((ObjZStream *)AS_OBJ(v))

typedef OutBuf Out;

// zlib_error(): "Error N MSG: zlib's message".
static Value raise_zerr(z_stream *zs, int err, const char *msg) {
    const char *zmsg = err == Z_VERSION_ERROR ? "library version mismatch" : zs->msg;
    if (!zmsg) {
        zmsg = err == Z_BUF_ERROR ? "incomplete or truncated stream"
             : err == Z_STREAM_ERROR ? "inconsistent stream state"
             : err == Z_DATA_ERROR ? "invalid input data" : NULL;
    }
    Value m = zmsg ? str_printf("Error %d %s: %.200s", err, msg, zmsg) : str_printf("Error %d %s", err, msg);
    if (!m) {
        return VAL_NULL;
    }
    gc_push_root(m);
    Value e = exc_new(AS_CLASS(ST->zlib_error), 1, &m);
    gc_pop_root(1);
    return e ? exc_raise_value(e) : VAL_NULL;
}

static Value raise_plain(const char *msg) {
    Value m = str_from_c(msg);
    gc_push_root(m);
    Value e = exc_new(AS_CLASS(ST->zlib_error), 1, &m);
    gc_pop_root(1);
    return e ? exc_raise_value(e) : VAL_NULL;
}

// Points [zs]'s output at free room in [o], growing it (at most to [max]
// bytes in all when max >= 0); false: MemoryError raised, or no room
// left under [max] (*full set, nothing raised).
static bool out_room(Out *o, z_stream *zs, int64_t max, bool *full) {
    size_t room;
    unsigned char *at = outbuf_room(o, ZDEF_BUF, max, &room, full);
    if (!at) {
        return false;
    }
    zs->next_out = at;
    zs->avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
    return true;
}

// Counts what zlib wrote since out_room.
static void out_took(Out *o, z_stream *zs) {
    o->len = (size_t)(zs->next_out - o->p);
}

// Feeds at most UINT_MAX of the [*left] input bytes to [zs].
static void in_arrange(z_stream *zs, size_t *left) {
    zs->avail_in = *left > UINT_MAX ? UINT_MAX : (uInt)*left;
    *left -= zs->avail_in;
}

// Binds [argv]/[kw] to [names] (the first [npos] positional-only, the first
// [nreq] required) into [out] (VAL_NULL where not given).
static bool bind(const char *fn, int argc, Value *argv, ObjDict *kw, const char *const *names, int n, int npos,
                 int nreq, Value *out) {
    if (argc > n) {
        exc_raise(exc_TypeError, "%s() takes at most %d argument%s (%d given)", fn, n, n == 1 ? "" : "s", argc);
        return false;
    }
    for (int i = 0; i < n; i++) {
        out[i] = i < argc ? argv[i] : VAL_NULL;
    }
    if (kw) {
        for (size_t k = 0; k < kw->nentries; k++) {
            DictEntry *e = &kw->entries[k];
            if (!e->key) {
                continue;
            }
            const char *kn = IS_STR(e->key) ? AS_STR(e->key)->data : "?";
            int i = npos;
            while (i < n && strcmp(names[i], kn) != 0) {
                i++;
            }
            if (i == n) {
                exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for %s()", kn, fn);
                return false;
            }
            if (out[i]) {
                exc_raise(exc_TypeError, "argument for %s() given by name ('%s') and position (%d)", fn, kn, i + 1);
                return false;
            }
            out[i] = e->value;
        }
    }
    for (int i = 0; i < nreq; i++) {
        if (!out[i] && i < npos) {
            exc_raise(exc_TypeError, "%s() takes at least %d positional argument%s (%d given)", fn, nreq,
                      nreq == 1 ? "" : "s", argc);
            return false;
        }
        if (!out[i]) {
            exc_raise(exc_TypeError, "%s() missing required argument '%s' (pos %d)", fn, names[i], i + 1);
            return false;
        }
    }
    return true;
}

// An int argument [v] (default [dflt] when not given) as a C int.
static bool int_arg(Value v, int64_t dflt, int64_t *out) {
    if (!v) {
        *out = dflt;
        return true;
    }
    if (IS_FLOAT(v)) {
        exc_raise(exc_TypeError, "'float' object cannot be interpreted as an integer");
        return false;
    }
    if (!int_to_i64(v, out)) {
        return false;
    }
    if (*out > INT_MAX || *out < INT_MIN) {
        exc_raise(exc_OverflowError, "signed integer is greater than maximum");
        return false;
    }
    return true;
}

// ---- module functions

// compress(data, /, level=Z_DEFAULT_COMPRESSION, wbits=MAX_WBITS)
static Value z_compress(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"data", "level", "wbits"};
    Value a[3];
    int64_t level, wbits;
    BufView in = {0};
    if (!bind("compress", argc, argv, kw, names, 3, 1, 1, a) || !buffer_need(a[0], &in) ||
        !int_arg(a[1], Z_DEFAULT_COMPRESSION, &level) || !int_arg(a[2], MAX_WBITS, &wbits)) {
        return VAL_NULL;
    }
    z_stream zs = {0};
    int err = deflateInit2(&zs, (int)level, Z_DEFLATED, (int)wbits, 8, Z_DEFAULT_STRATEGY);
    if (err == Z_MEM_ERROR) {
        return exc_raise(exc_MemoryError, "Out of memory while compressing data");
    }
    if (err == Z_STREAM_ERROR) {
        return raise_plain("Bad compression level");
    }
    if (err != Z_OK) {
        deflateEnd(&zs);
        return raise_zerr(&zs, err, "while compressing data");
    }
    Out o = {0};
    size_t left = in.len;
    zs.next_in = in.ptr;
    int flush;
    do {
        in_arrange(&zs, &left);
        flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        do {
            bool full = false;
            if (!out_room(&o, &zs, -1, &full)) {
                deflateEnd(&zs);
                free(o.p);
                return VAL_NULL;
            }
            err = deflate(&zs, flush);
            out_took(&o, &zs);
            if (err == Z_STREAM_ERROR) {
                deflateEnd(&zs);
                free(o.p);
                return raise_zerr(&zs, err, "while compressing data");
            }
        } while (zs.avail_out == 0);
    } while (flush != Z_FINISH);
    err = deflateEnd(&zs);
    if (err != Z_OK) {
        free(o.p);
        return raise_zerr(&zs, err, "while finishing compression");
    }
    return outbuf_bytes(&o);
}

// decompress(data, /, wbits=MAX_WBITS, bufsize=DEF_BUF_SIZE)
static Value z_decompress(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"data", "wbits", "bufsize"};
    Value a[3];
    int64_t wbits, bufsize;
    BufView in = {0};
    if (!bind("decompress", argc, argv, kw, names, 3, 1, 1, a) || !buffer_need(a[0], &in) ||
        !int_arg(a[1], MAX_WBITS, &wbits)) {
        return VAL_NULL;
    }
    if (!a[2]) {
        bufsize = ZDEF_BUF;
    } else if (!int_to_i64(a[2], &bufsize)) {
        return VAL_NULL;
    }
    if (bufsize < 0) {
        return exc_raise(exc_ValueError, "bufsize must be non-negative");
    }
    z_stream zs = {0};
    int err = inflateInit2(&zs, (int)wbits);
    if (err == Z_MEM_ERROR) {
        return exc_raise(exc_MemoryError, "Out of memory while decompressing data");
    }
    if (err != Z_OK) {
        inflateEnd(&zs);
        return raise_zerr(&zs, err, "while preparing to decompress data");
    }
    Out o = {0};
    o.cap = bufsize > 0 ? (size_t)bufsize : 1;
    o.p = malloc(o.cap);
    if (!o.p) {
        inflateEnd(&zs);
        return exc_raise_nomem();
    }
    size_t left = in.len;
    zs.next_in = in.ptr;
    do {
        in_arrange(&zs, &left);
        int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        do {
            bool full = false;
            if (!out_room(&o, &zs, -1, &full)) {
                inflateEnd(&zs);
                free(o.p);
                return VAL_NULL;
            }
            err = inflate(&zs, flush);
            out_took(&o, &zs);
            if (err != Z_OK && err != Z_BUF_ERROR && err != Z_STREAM_END) {
                const char *m = zs.msg;
                inflateEnd(&zs);
                free(o.p);
                if (err == Z_MEM_ERROR) {
                    return exc_raise(exc_MemoryError, "Out of memory while decompressing data");
                }
                zs.msg = (char *)m;
                return raise_zerr(&zs, err, "while decompressing data");
            }
        } while (zs.avail_out == 0);
    } while (err != Z_STREAM_END && left != 0);
    if (err != Z_STREAM_END) {
        const char *m = zs.msg;
        inflateEnd(&zs);
        free(o.p);
        zs.msg = (char *)m;
        return raise_zerr(&zs, err, "while decompressing data");
    }
    err = inflateEnd(&zs);
    if (err != Z_OK) {
        free(o.p);
        return raise_zerr(&zs, err, "while finishing decompression");
    }
    return outbuf_bytes(&o);
}

// crc32(data, value=0) and adler32(data, value=1): the running checksum.
static Value checksum(const char *fn, int argc, Value *argv, bool crc) {
    if (!arg_count(fn, argc, 1, 2)) {
        return VAL_NULL;
    }
    BufView b = {0};
    int64_t start = crc ? 0 : 1;
    if (!buffer_need(argv[0], &b) || (argc > 1 && !int_to_i64(argv[1], &start))) {
        return VAL_NULL;
    }
    uLong v = (uLong)(uint32_t)start;
    for (size_t off = 0; off < b.len;) {
        uInt n = b.len - off > UINT_MAX ? UINT_MAX : (uInt)(b.len - off);
        v = crc ? crc32(v, b.ptr + off, n) : adler32(v, b.ptr + off, n);
        off += n;
    }
    return int_from_i64((int64_t)(uint32_t)v);
}

static Value z_crc32(int argc, Value *argv, ObjDict *kw) {
    return checksum("crc32", argc, argv, true);
}

static Value z_adler32(int argc, Value *argv, ObjDict *kw) {
    return checksum("adler32", argc, argv, false);
}

static ObjZStream *zs_new(ObjClass *cls) {
    ObjZStream *z = (ObjZStream *)obj_alloc(cls, sizeof(ObjZStream));
    memset(&z->zst, 0, sizeof z->zst);
    z->inited = z->eof = false;
    z->unused_data = z->unconsumed_tail = z->zdict = VAL_NULL;
    return z;
}

// A zdict argument: anything with a buffer.
static bool zdict_ok(Value v) {
    BufView b = {0};
    int got = buffer_get(v, &b);
    if (got == 0) {
        exc_raise(exc_TypeError, "zdict argument must support the buffer protocol");
    }
    return got > 0;
}

// compressobj(level=-1, method=DEFLATED, wbits=MAX_WBITS, memLevel=8, strategy=0, zdict=None)
static Value z_compressobj(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"level", "method", "wbits", "memLevel", "strategy", "zdict"};
    Value a[6];
    int64_t level, method, wbits, memlevel, strategy;
    BufView zd = {0};
    if (!bind("compressobj", argc, argv, kw, names, 6, 0, 0, a) || !int_arg(a[0], Z_DEFAULT_COMPRESSION, &level) ||
        !int_arg(a[1], Z_DEFLATED, &method) || !int_arg(a[2], MAX_WBITS, &wbits) || !int_arg(a[3], 8, &memlevel) ||
        !int_arg(a[4], Z_DEFAULT_STRATEGY, &strategy) || (a[5] && !IS_NONE(a[5]) && !buffer_need(a[5], &zd))) {
        return VAL_NULL;
    }
    ObjZStream *z = zs_new(cls_zcompress);
    int err = deflateInit2(&z->zst, (int)level, (int)method, (int)wbits, (int)memlevel, (int)strategy);
    if (err == Z_MEM_ERROR) {
        return exc_raise(exc_MemoryError, "Can't allocate memory for compression object");
    }
    if (err == Z_STREAM_ERROR) {
        return exc_raise(exc_ValueError, "Invalid initialization option");
    }
    if (err != Z_OK) {
        return raise_zerr(&z->zst, err, "while creating compression object");
    }
    z->inited = true;
    if (a[5] && !IS_NONE(a[5])) {
        if (deflateSetDictionary(&z->zst, zd.ptr, (uInt)zd.len) != Z_OK) {
            return exc_raise(exc_ValueError, "Invalid dictionary");
        }
    }
    return OBJ_VAL(z);
}

// Sets [z]'s dictionary for raw inflate or after Z_NEED_DICT.
static bool set_inflate_zdict(ObjZStream *z) {
    BufView d = {0};
    if (buffer_get(z->zdict, &d) <= 0) {
        return false;
    }
    int err = inflateSetDictionary(&z->zst, d.ptr, (uInt)d.len);
    if (err != Z_OK) {
        raise_zerr(&z->zst, err, "while setting zdict");
        return false;
    }
    return true;
}

// decompressobj(wbits=MAX_WBITS, zdict=b'')
static Value z_decompressobj(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"wbits", "zdict"};
    Value a[2];
    int64_t wbits;
    if (!bind("decompressobj", argc, argv, kw, names, 2, 0, 0, a) || !int_arg(a[0], MAX_WBITS, &wbits) ||
        (a[1] && !zdict_ok(a[1]))) {
        return VAL_NULL;
    }
    ObjZStream *z = zs_new(cls_zdecompress);
    gc_push_root(OBJ_VAL(z));
    z->zdict = a[1] ? a[1] : VAL_NULL;
    z->unused_data = bytes_new("", 0);
    z->unconsumed_tail = bytes_new("", 0);
    gc_pop_root(1);
    int err = inflateInit2(&z->zst, (int)wbits);
    if (err == Z_STREAM_ERROR) {
        return exc_raise(exc_ValueError, "Invalid initialization option");
    }
    if (err == Z_MEM_ERROR) {
        return exc_raise(exc_MemoryError, "Can't allocate memory for decompression object");
    }
    if (err != Z_OK) {
        return raise_zerr(&z->zst, err, "while creating decompression object");
    }
    z->inited = true;
    if (z->zdict && wbits < 0 && !set_inflate_zdict(z)) {
        return VAL_NULL;
    }
    return OBJ_VAL(z);
}

// ---- Compress methods

// Runs deflate([mode]) over [in] (NULL: no input) into new bytes; [what]
// words a Z_STREAM_ERROR.
static Value deflate_run(ObjZStream *z, const unsigned char *in, size_t len, int mode, const char *what, int *last) {
    Out o = {0};
    size_t left = len;
    z->zst.next_in = (unsigned char *)in;
    int err = Z_OK;
    do {
        in_arrange(&z->zst, &left);
        do {
            bool full = false;
            if (!out_room(&o, &z->zst, -1, &full)) {
                free(o.p);
                return VAL_NULL;
            }
            err = deflate(&z->zst, mode);
            out_took(&o, &z->zst);
            if (err == Z_STREAM_ERROR) {
                free(o.p);
                return raise_zerr(&z->zst, err, what);
            }
        } while (z->zst.avail_out == 0);
    } while (left != 0);
    *last = err;
    return outbuf_bytes(&o);
}

static Value c_compress(int argc, Value *argv, ObjDict *kw) {
    BufView in = {0};
    if (!arg_count("compress", argc - 1, 1, 1) || !buffer_need(argv[1], &in)) {
        return VAL_NULL;
    }
    int last;
    return deflate_run(ZS(argv[0]), in.ptr, in.len, Z_NO_FLUSH, "while compressing data", &last);
}

// flush(mode=Z_FINISH)
static Value c_flush(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"mode"};
    Value a[1];
    int64_t mode;
    if (!bind("flush", argc - 1, argv + 1, kw, names, 1, 1, 0, a) || !int_arg(a[0], Z_FINISH, &mode)) {
        return VAL_NULL;
    }
    if (mode == Z_NO_FLUSH) {
        return bytes_new("", 0);
    }
    ObjZStream *z = ZS(argv[0]);
    int err;
    Value r = deflate_run(z, NULL, 0, (int)mode, "while flushing", &err);
    if (!r) {
        return VAL_NULL;
    }
    if (err == Z_STREAM_END && mode == Z_FINISH) {
        err = deflateEnd(&z->zst);
        if (err != Z_OK) {
            return raise_zerr(&z->zst, err, "while finishing compression");
        }
        z->inited = false;
    } else if (err != Z_OK && err != Z_BUF_ERROR) {
        return raise_zerr(&z->zst, err, "while flushing");
    }
    return r;
}

static Value c_copy(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("copy", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjZStream *z = ZS(argv[0]);
    bool comp = AS_OBJ(argv[0])->cls == cls_zcompress;
    if (!z->inited) {
        return exc_raise(exc_ValueError, "Inconsistent stream state");
    }
    ObjZStream *c = zs_new(comp ? cls_zcompress : cls_zdecompress);
    c->unused_data = z->unused_data;
    c->unconsumed_tail = z->unconsumed_tail;
    c->zdict = z->zdict;
    c->eof = z->eof;
    int err = comp ? deflateCopy(&c->zst, &z->zst) : inflateCopy(&c->zst, &z->zst);
    if (err == Z_STREAM_ERROR) {
        return exc_raise(exc_ValueError, "Inconsistent stream state");
    }
    if (err == Z_MEM_ERROR) {
        return exc_raise(exc_MemoryError, comp ? "Can't allocate memory for compression object"
                                               : "Can't allocate memory for decompression object");
    }
    if (err != Z_OK) {
        return raise_zerr(&z->zst, err, comp ? "while copying compression object" : "while copying decompression object");
    }
    c->inited = true;
    return OBJ_VAL(c);
}

static Value c_deepcopy(int argc, Value *argv, ObjDict *kw) {
    return c_copy(1, argv, NULL);
}

// ---- Decompress methods

// save_unconsumed_input(): input after the end of the stream goes to
// unused_data; input left by max_length to unconsumed_tail.
static bool save_unconsumed(ObjZStream *z, const unsigned char *end, int err) {
    size_t left = (size_t)(end - z->zst.next_in);
    if (err == Z_STREAM_END && z->zst.avail_in > 0) {
        ObjBytes *old = AS_BYTES(z->unused_data);
        unsigned char *buf = malloc(old->len + left + 1);
        if (!buf) {
            exc_raise_nomem();
            return false;
        }
        memcpy(buf, old->data, old->len);
        memcpy(buf + old->len, z->zst.next_in, left);
        Value nd = bytes_try_new(buf, old->len + left);
        free(buf);
        if (!nd) {
            return false;
        }
        z->unused_data = nd;
        z->zst.avail_in = 0;
    }
    if (z->zst.avail_in > 0 || AS_BYTES(z->unconsumed_tail)->len) {
        Value t = bytes_try_new(z->zst.next_in, left);
        if (!t) {
            return false;
        }
        z->unconsumed_tail = t;
    }
    return true;
}

// Inflates with [flush] into *err: 0 to go on, 1 to stop (an error or a
// dictionary nobody gave), -1 when setting the dictionary raised.
static int inflate_step(ObjZStream *z, int flush, int *err) {
    *err = inflate(&z->zst, flush);
    if (*err == Z_OK || *err == Z_BUF_ERROR || *err == Z_STREAM_END) {
        return 0;
    }
    if (*err == Z_NEED_DICT && z->zdict) {
        return set_inflate_zdict(z) ? 0 : -1;
    }
    return 1;
}

// decompress(data, /, max_length=0)
static Value d_decompress(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"data", "max_length"};
    Value a[2];
    int64_t maxlen = 0;
    BufView in = {0};
    if (!bind("decompress", argc - 1, argv + 1, kw, names, 2, 1, 1, a) || !buffer_need(a[0], &in) ||
        (a[1] && !int_to_i64(a[1], &maxlen))) {
        return VAL_NULL;
    }
    if (maxlen < 0) {
        return exc_raise(exc_ValueError, "max_length must be non-negative");
    }
    ObjZStream *z = ZS(argv[0]);
    int64_t max = maxlen == 0 ? -1 : maxlen;
    Out o = {0};
    size_t left = in.len;
    z->zst.next_in = in.ptr;
    int err = Z_OK;
    do {
        in_arrange(&z->zst, &left);
        do {
            bool full = false;
            if (!out_room(&o, &z->zst, max, &full)) {
                if (full) {
                    goto save;
                }
                free(o.p);
                return VAL_NULL;
            }
            int st = inflate_step(z, Z_SYNC_FLUSH, &err);
            out_took(&o, &z->zst);
            if (st < 0) {
                free(o.p);
                return VAL_NULL;
            }
            if (st > 0) {
                goto save;
            }
        } while (z->zst.avail_out == 0 || err == Z_NEED_DICT);
    } while (err == Z_OK && left != 0);
save:
    if (!save_unconsumed(z, in.ptr + in.len, err)) {
        free(o.p);
        return VAL_NULL;
    }
    if (err == Z_STREAM_END) {
        z->eof = true;
    } else if (err != Z_OK && err != Z_BUF_ERROR) {
        free(o.p);
        return raise_zerr(&z->zst, err, "while decompressing data");
    }
    return outbuf_bytes(&o);
}

// flush(length=DEF_BUF_SIZE): what the unconsumed tail still gives.
static Value d_flush(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"length"};
    Value a[1];
    int64_t length = ZDEF_BUF;
    if (!bind("flush", argc - 1, argv + 1, kw, names, 1, 1, 0, a) || (a[0] && !int_to_i64(a[0], &length))) {
        return VAL_NULL;
    }
    if (length <= 0) {
        return exc_raise(exc_ValueError, "length must be greater than zero");
    }
    ObjZStream *z = ZS(argv[0]);
    Value tail = z->unconsumed_tail;
    gc_push_root(tail);
    ObjBytes *tb = AS_BYTES(tail);
    Out o = {0};
    o.cap = (size_t)length;
    o.p = malloc(o.cap);
    if (!o.p) {
        gc_pop_root(1);
        return exc_raise_nomem();
    }
    size_t left = tb->len;
    z->zst.next_in = tb->data;
    int err = Z_OK;
    do {
        in_arrange(&z->zst, &left);
        int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        do {
            bool full = false;
            if (!out_room(&o, &z->zst, -1, &full)) {
                gc_pop_root(1);
                free(o.p);
                return VAL_NULL;
            }
            int st = inflate_step(z, flush, &err);
            out_took(&o, &z->zst);
            if (st < 0) {
                gc_pop_root(1);
                free(o.p);
                return VAL_NULL;
            }
            if (st > 0) {
                goto save;
            }
        } while (z->zst.avail_out == 0 || err == Z_NEED_DICT);
    } while (err != Z_STREAM_END && left != 0);
save:;
    bool ok = save_unconsumed(z, tb->data + tb->len, err);
    gc_pop_root(1);
    if (!ok) {
        free(o.p);
        return VAL_NULL;
    }
    if (err == Z_STREAM_END) {
        z->eof = true;
        z->inited = false;
        err = inflateEnd(&z->zst);
        if (err != Z_OK) {
            free(o.p);
            return raise_zerr(&z->zst, err, "while finishing decompression");
        }
    }
    return outbuf_bytes(&o);
}

static Value zs_getattr(Value self, ObjStr *name) {
    ObjZStream *z = ZS(self);
    if (AS_OBJ(self)->cls == cls_zdecompress) {
        if (strcmp(name->data, "unused_data") == 0) {
            return z->unused_data;
        }
        if (strcmp(name->data, "unconsumed_tail") == 0) {
            return z->unconsumed_tail;
        }
        if (strcmp(name->data, "eof") == 0) {
            return z->eof ? VAL_TRUE : VAL_FALSE;
        }
    }
    return generic_getattr(self, name);
}

static void zs_trace(Obj *o) {
    ObjZStream *z = (ObjZStream *)o;
    gc_mark_value(z->unused_data);
    gc_mark_value(z->unconsumed_tail);
    gc_mark_value(z->zdict);
}

static void zs_finalize(Obj *o) {
    ObjZStream *z = (ObjZStream *)o;
    if (z->inited) {
        if (o->cls == cls_zcompress) {
            deflateEnd(&z->zst);
        } else {
            inflateEnd(&z->zst);
        }
        z->inited = false;
    }
}

static const MethodDef compress_methods[] = {
    {"compress", c_compress},
    {"flush", c_flush, true},
    {"copy", c_copy},
    {"__copy__", c_copy},
    {"__deepcopy__", c_deepcopy},
    {NULL, NULL},
};

static const MethodDef decompress_methods[] = {
    {"decompress", d_decompress, true},
    {"flush", d_flush, true},
    {"copy", c_copy},
    {"__copy__", c_copy},
    {"__deepcopy__", c_deepcopy},
    {NULL, NULL},
};

static const MethodDef zlib_fns[] = {
    {"compress", z_compress, true},
    {"decompress", z_decompress, true},
    {"compressobj", z_compressobj, true},
    {"decompressobj", z_decompressobj, true},
    {"crc32", z_crc32},
    {"adler32", z_adler32},
    {NULL, NULL},
};

static const struct {
    const char *name;
    int value;
} zconsts[] = {
    {"MAX_WBITS", MAX_WBITS}, {"DEFLATED", Z_DEFLATED}, {"DEF_MEM_LEVEL", 8}, {"DEF_BUF_SIZE", ZDEF_BUF},
    {"Z_NO_COMPRESSION", Z_NO_COMPRESSION}, {"Z_BEST_SPEED", Z_BEST_SPEED},
    {"Z_BEST_COMPRESSION", Z_BEST_COMPRESSION}, {"Z_DEFAULT_COMPRESSION", Z_DEFAULT_COMPRESSION},
    {"Z_FILTERED", Z_FILTERED}, {"Z_HUFFMAN_ONLY", Z_HUFFMAN_ONLY}, {"Z_RLE", Z_RLE}, {"Z_FIXED", Z_FIXED},
    {"Z_DEFAULT_STRATEGY", Z_DEFAULT_STRATEGY}, {"Z_NO_FLUSH", Z_NO_FLUSH}, {"Z_PARTIAL_FLUSH", Z_PARTIAL_FLUSH},
    {"Z_SYNC_FLUSH", Z_SYNC_FLUSH}, {"Z_FULL_FLUSH", Z_FULL_FLUSH}, {"Z_FINISH", Z_FINISH}, {"Z_BLOCK", Z_BLOCK},
    {"Z_TREES", Z_TREES},
};

static void mark_zlib(void) {
    gc_mark_value(ST->zlib_error);
}

static ObjClass *stream_class(const char *name, const MethodDef *methods) {
    ObjClass *c = class_new_builtin(name, NULL, sizeof(ObjZStream), methods);
    c->module = str_intern_c("zlib");
    c->flags &= ~(uint32_t)CLS_BASETYPE;
    c->new_ = NULL;
    c->finalize = zs_finalize;
    c->trace = zs_trace;
    c->getattr = zs_getattr;
    return c;
}

Value mod_zlib_init(void) {
    if (!cls_zcompress) {
        cls_zcompress = stream_class("Compress", compress_methods);
        cls_zdecompress = stream_class("Decompress", decompress_methods);
    }
    if (!ST->zlib_error) {
        ObjTuple *bases = AS_TUPLE(tuple_pack(1, OBJ_VAL(exc_Exception)));
        gc_push_root(OBJ_VAL(bases));
        Value ns = dict_new();
        gc_push_root(ns);
        dict_set_str(AS_DICT(ns), str_intern_c("__module__"), str_from_c("zlib"));
        ST->zlib_error = class_create(str_intern_c("error"), bases, AS_DICT(ns));
        gc_pop_root(2);
        gc_add_root_marker(mark_zlib);
    }
    Value m = module_new("zlib");
    gc_push_root(m);
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, NULL, zlib_fns);
    dict_set_str(d, str_intern_c("error"), ST->zlib_error);
    for (size_t i = 0; i < sizeof zconsts / sizeof zconsts[0]; i++) {
        dict_set_str(d, str_intern_c(zconsts[i].name), MK_SMALL(zconsts[i].value));
    }
    dict_set_str(d, str_intern_c("ZLIB_VERSION"), str_from_c(ZLIB_VERSION));
    dict_set_str(d, str_intern_c("ZLIB_RUNTIME_VERSION"), str_from_c(zlibVersion()));
    gc_pop_root(1);
    return m;
}
