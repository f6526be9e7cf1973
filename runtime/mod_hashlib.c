// mod_hashlib.c: the hashlib module on OpenSSL's libcrypto (EVP): md5,
// sha1, sha224/256/384/512, sha3_*, shake_128/256, blake2b/blake2s and
// new(name) with update/digest/hexdigest/copy/name/digest_size/block_size,
// pbkdf2_hmac, algorithms_guaranteed/available, and CPython's messages.
// blake2b/blake2s run on blake2.c, which takes their parameters (digest
// size, key, salt, person, tree) that OpenSSL 3.0's BLAKE2 digests lack.
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"
#include "blake2.h"

typedef struct ObjHash {
    Obj hdr;
    EVP_MD_CTX *ctx;
    const char *name;       // Python's name (sha256, blake2b...)
    bool xof;               // shake: digest(length)
    Blake2 *b2;             // blake2b/blake2s: their own state (ctx is NULL), or NULL
} ObjHash;

static const struct {
    const char *py;
    const char *ossl;
} names[] = {
    {"md5", "MD5"}, {"sha1", "SHA1"}, {"sha224", "SHA224"}, {"sha256", "SHA256"},
    {"sha384", "SHA384"}, {"sha512", "SHA512"}, {"sha3_224", "SHA3-224"}, {"sha3_256", "SHA3-256"},
    {"sha3_384", "SHA3-384"}, {"sha3_512", "SHA3-512"}, {"shake_128", "SHAKE128"},
    {"shake_256", "SHAKE256"}, {"blake2b", "BLAKE2B512"}, {"blake2s", "BLAKE2S256"},
    {"sha512_224", "SHA512-224"}, {"sha512_256", "SHA512-256"}, {"sm3", "SM3"},
};

static void finalize_hash(Obj *o) {
    ObjHash *h = (ObjHash *)o;
    if (h->ctx) {
        EVP_MD_CTX_free(h->ctx);
        h->ctx = NULL;
    }
    free(h->b2);
    h->b2 = NULL;
}

static const EVP_MD *md_of(const char *py, const char **canon) {
    char low[64];
    size_t n = strlen(py);
    if (n >= sizeof low) {
        return NULL;
    }
    for (size_t i = 0; i <= n; i++) {
        char c = py[i];
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c == '-' ? '_' : c);
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(low, names[i].py) == 0) {
            *canon = names[i].py;
            return EVP_get_digestbyname(names[i].ossl);
        }
    }
    return NULL;
}

static bool feed(ObjHash *h, Value data) {
    if (IS_STR(data)) {
        exc_raise(exc_TypeError, "Strings must be encoded before hashing");
        return false;
    }
    BufView b = {0};
    int got = buffer_get(data, &b);
    if (got == 0) {
        exc_raise(exc_TypeError, "object supporting the buffer API required");    // _hashlib's words
    }
    if (got <= 0) {
        return false;
    }
    if (h->b2) {
        blake2_update(h->b2, b.ptr, b.len);
    } else {
        EVP_DigestUpdate(h->ctx, b.ptr, b.len);
    }
    return true;
}

// A new hash object [h] fed its constructor's [data] (absent or None: none).
static Value with_data(ObjHash *h, Value data) {
    if (data && !IS_NONE(data)) {
        gc_push_root(OBJ_VAL(h));
        bool ok = feed(h, data);
        gc_pop_root(1);
        if (!ok) {
            return VAL_NULL;
        }
    }
    return OBJ_VAL(h);
}

static Value hash_make(const char *pyname, Value data) {
    const char *canon = NULL;
    const EVP_MD *md = md_of(pyname, &canon);
    if (!md) {
        return exc_raise(exc_ValueError, "unsupported hash type %s", pyname);
    }
    ObjHash *h = (ObjHash *)obj_alloc(cls_hash, sizeof(ObjHash));
    h->ctx = EVP_MD_CTX_new();
    h->name = canon;
    h->xof = strncmp(canon, "shake", 5) == 0;
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, md, NULL) != 1) {
        return exc_raise(exc_ValueError, "unsupported hash type %s", pyname);
    }
    return with_data(h, data);
}

static Value data_arg(int argc, Value *argv, ObjDict *kw, int at) {
    Value d = argc > at ? argv[at] : kw_get(kw, "data");
    if (!d) {
        d = kw_get(kw, "string");
    }
    return d;
}

// ---- blake2b / blake2s: CPython's arguments and checks
// An int argument [v] of blake2 in [lo, hi], else ValueError "[name] must be
// between..." (or [msg] when given); false with the error.
static bool b2_int(ObjDict *kw, const char *name, int64_t lo, int64_t hi, const char *msg, int64_t *out) {
    Value v = kw_get(kw, name);
    if (!v) {
        return true;
    }
    if (!int_to_i64(v, out)) {
        return false;
    }
    if (*out < lo || *out > hi) {
        if (msg) {
            exc_raise(exc_ValueError, "%s", msg);
        } else {
            exc_raise(exc_ValueError, "%s must be between %lld and %lld", name, (long long)lo, (long long)hi);
        }
        return false;
    }
    return true;
}

// A bytes-like argument [name] of blake2 of at most [max] bytes.
static bool b2_bytes(ObjDict *kw, const char *name, size_t max, BufView *out) {
    Value v = kw_get(kw, name);
    if (!v) {
        return true;
    }
    if (!buffer_need(v, out)) {
        return false;
    }
    if (out->len > max) {
        exc_raise(exc_ValueError, "maximum %s length is %zu bytes", name, max);
        return false;
    }
    return true;
}

// ([via_new]: hashlib.new(name, data=...), whose own keywords pass)
static Value b2_make(const char *fname, bool is_b, Value data, ObjDict *kw, bool via_new) {
    static const char *const allowed[] = {"digest_size", "key", "salt", "person", "fanout", "depth",
                                          "leaf_size", "node_offset", "node_depth", "inner_size", "last_node",
                                          "usedforsecurity", NULL, NULL, NULL};
    static const char *const allowed_new[] = {"digest_size", "key", "salt", "person", "fanout", "depth",
                                              "leaf_size", "node_offset", "node_depth", "inner_size", "last_node",
                                              "usedforsecurity", "name", "data", NULL};
    if (!kw_only(fname, kw, via_new ? allowed_new : allowed)) {
        return VAL_NULL;
    }
    size_t max_out = is_b ? 64 : 32, max_salt = is_b ? 16 : 8;
    int64_t digest_size = (int64_t)max_out, fanout = 1, depth = 1, leaf = 0, node_depth = 0, inner = 0;
    int64_t node_offset = 0;
    BufView key = {0}, salt = {0}, person = {0};
    char dmsg[64];
    snprintf(dmsg, sizeof dmsg, "digest_size must be between 1 and %zu bytes", max_out);
    if (!b2_int(kw, "digest_size", 1, (int64_t)max_out, dmsg, &digest_size) ||
        !b2_bytes(kw, "key", max_out, &key) || !b2_bytes(kw, "salt", max_salt, &salt) ||
        !b2_bytes(kw, "person", max_salt, &person) || !b2_int(kw, "fanout", 0, 255, NULL, &fanout) ||
        !b2_int(kw, "depth", 1, 255, NULL, &depth) || !b2_int(kw, "node_depth", 0, 255, NULL, &node_depth)) {
        return VAL_NULL;
    }
    Value lv = kw_get(kw, "leaf_size");
    if (lv) {
        if (!int_to_i64(lv, &leaf)) {
            return VAL_NULL;
        }
        if (leaf < 0) {
            return exc_raise(exc_ValueError, "value must be positive");
        }
        if (leaf > (int64_t)UINT32_MAX) {
            return exc_raise(exc_OverflowError, "leaf_size is too large");
        }
    }
    Value ov = kw_get(kw, "node_offset");
    if (ov) {
        if (!int_to_i64(ov, &node_offset)) {
            return VAL_NULL;
        }
        if (node_offset < 0) {
            return exc_raise(exc_ValueError, "value must be positive");
        }
        if (!is_b && node_offset >= ((int64_t)1 << 48)) {
            return exc_raise(exc_OverflowError, "node_offset is too large");
        }
    }
    char imsg[64];
    snprintf(imsg, sizeof imsg, "inner_size must be between 0 and is %zu", max_out);
    if (!b2_int(kw, "inner_size", 0, (int64_t)max_out, imsg, &inner)) {
        return VAL_NULL;
    }
    Value last = kw_get(kw, "last_node");
    int last_node = last ? obj_truthy(last) : 0;
    if (last_node < 0) {
        return VAL_NULL;
    }
    Blake2Params p = {
        .digest_size = (size_t)digest_size, .key = key.ptr, .key_len = key.len, .salt = salt.ptr,
        .salt_len = salt.len, .person = person.ptr, .person_len = person.len, .fanout = (unsigned)fanout,
        .depth = (unsigned)depth, .node_depth = (unsigned)node_depth, .inner_size = (unsigned)inner,
        .leaf_size = (uint32_t)leaf, .node_offset = (uint64_t)node_offset, .last_node = last_node != 0,
    };
    Blake2 *st = malloc(sizeof *st);
    if (!st) {
        return exc_raise_nomem();
    }
    blake2_init(st, is_b, &p);
    ObjHash *h = (ObjHash *)obj_alloc(cls_hash, sizeof(ObjHash));
    h->b2 = st;
    h->name = is_b ? "blake2b" : "blake2s";
    return with_data(h, data);
}

static Value b2_ctor(const char *fname, bool is_b, int argc, Value *argv, ObjDict *kw) {
    if (argc > 1) {
        return exc_raise(exc_TypeError, "%s() takes at most 1 positional argument (%d given)", fname, argc);
    }
    return b2_make(fname, is_b, argc ? argv[0] : VAL_NULL, kw, false);
}

static Value h_blake2b(int argc, Value *argv, ObjDict *kw) {
    return b2_ctor("blake2b", true, argc, argv, kw);
}

static Value h_blake2s(int argc, Value *argv, ObjDict *kw) {
    return b2_ctor("blake2s", false, argc, argv, kw);
}

static Value h_new(int argc, Value *argv, ObjDict *kw) {
    Value name = argc > 0 ? argv[0] : kw_get(kw, "name");
    if (!name || !IS_STR(name)) {
        return name ? exc_raise(exc_TypeError, "name must be a string")     // hashlib.__hash_new's
                    : exc_raise(exc_TypeError, "new() missing required argument 'name' (pos 1)");
    }
    const char *canon = NULL;
    if (md_of(AS_STR(name)->data, &canon) && (strcmp(canon, "blake2b") == 0 || strcmp(canon, "blake2s") == 0)) {
        return b2_make(canon, canon[6] == 'b', argc > 1 ? argv[1] : kw_get(kw, "data"), kw, true);
    }
    return hash_make(AS_STR(name)->data, data_arg(argc, argv, kw, 1));
}

#define CTOR(NAME)                                                              \
    static Value h_##NAME(int argc, Value *argv, ObjDict *kw) {                 \
        return hash_make(#NAME, data_arg(argc, argv, kw, 0));                   \
    }
CTOR(md5)
CTOR(sha1)
CTOR(sha224)
CTOR(sha256)
CTOR(sha384)
CTOR(sha512)
CTOR(sha3_224)
CTOR(sha3_256)
CTOR(sha3_384)
CTOR(sha3_512)
CTOR(shake_128)
CTOR(shake_256)

#define HS(v) ((ObjHash *)AS_OBJ(v))

static Value m_update(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("update", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return feed(HS(argv[0]), argv[1]) ? VAL_NONE : VAL_NULL;
}

// The digest of a copy of the running context (the object goes on).
static bool finish(ObjHash *h, unsigned char *out, unsigned *len, size_t xof_len) {
    if (h->b2) {
        blake2_final(h->b2, out);
        *len = (unsigned)h->b2->outlen;
        return true;
    }
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || EVP_MD_CTX_copy_ex(c, h->ctx) != 1) {
        EVP_MD_CTX_free(c);
        exc_raise_nomem();
        return false;
    }
    int ok = h->xof ? EVP_DigestFinalXOF(c, out, xof_len) : EVP_DigestFinal_ex(c, out, len);
    if (h->xof) {
        *len = (unsigned)xof_len;
    }
    EVP_MD_CTX_free(c);
    return ok == 1;
}

static Value digest_common(int argc, Value *argv, ObjDict *kw, bool hex) {
    ObjHash *h = HS(argv[0]);
    int64_t n = 0;
    if (h->xof) {
        Value lv = argc > 1 ? argv[1] : kw_get(kw, "length");
        if (!lv) {
            return exc_raise(exc_TypeError, "%s() missing required argument 'length' (pos 1)", hex ? "hexdigest" : "digest");
        }
        if (!int_to_i64(lv, &n)) {
            return VAL_NULL;
        }
        if (n < 0) {
            return exc_raise(exc_ValueError, "length must be non-negative");
        }
    } else if (argc > 1) {
        return exc_raise(exc_TypeError, "%s() takes no arguments (%d given)", hex ? "hexdigest" : "digest", argc - 1);
    }
    unsigned char small[EVP_MAX_MD_SIZE];
    unsigned char *buf = h->xof && (size_t)n > sizeof small ? malloc((size_t)n) : small;
    unsigned len = 0;
    if (!finish(h, buf, &len, (size_t)n)) {
        if (buf != small) {
            free(buf);
        }
        return exc_pending() ? VAL_NULL : exc_raise(exc_ValueError, "digest failed");
    }
    Value r;
    if (hex) {
        static const char hx[] = "0123456789abcdef";
        char *s = malloc(2 * (size_t)len + 1);
        for (unsigned i = 0; i < len; i++) {
            s[2 * i] = hx[buf[i] >> 4];
            s[2 * i + 1] = hx[buf[i] & 15];
        }
        r = str_try_new(s, 2 * (size_t)len);
        free(s);
    } else {
        r = bytes_new(buf, len);
    }
    if (buf != small) {
        free(buf);
    }
    return r;
}

static Value m_digest(int argc, Value *argv, ObjDict *kw) {
    return digest_common(argc, argv, kw, false);
}

static Value m_hexdigest(int argc, Value *argv, ObjDict *kw) {
    return digest_common(argc, argv, kw, true);
}

static Value m_copy(int argc, Value *argv, ObjDict *kw) {
    ObjHash *h = HS(argv[0]);
    ObjHash *c = (ObjHash *)obj_alloc(cls_hash, sizeof(ObjHash));
    c->name = h->name;
    c->xof = h->xof;
    if (h->b2) {
        c->b2 = malloc(sizeof *c->b2);
        if (!c->b2) {
            return exc_raise_nomem();
        }
        *c->b2 = *h->b2;
        return OBJ_VAL(c);
    }
    c->ctx = EVP_MD_CTX_new();
    if (!c->ctx || EVP_MD_CTX_copy_ex(c->ctx, h->ctx) != 1) {
        return exc_raise_nomem();
    }
    return OBJ_VAL(c);
}

static Value hash_getattr(Value self, ObjStr *name) {
    ObjHash *h = HS(self);
    if (strcmp(name->data, "name") == 0) {
        return str_from_c(h->name);
    }
    if (h->b2 && (strcmp(name->data, "digest_size") == 0 || strcmp(name->data, "block_size") == 0)) {
        return MK_SMALL(name->data[0] == 'd' ? (int64_t)h->b2->outlen : h->b2->is_b ? 128 : 64);
    }
    const EVP_MD *md = EVP_MD_CTX_get0_md(h->ctx);
    if (strcmp(name->data, "digest_size") == 0) {
        return MK_SMALL(h->xof ? 0 : EVP_MD_get_size(md));
    }
    if (strcmp(name->data, "block_size") == 0) {
        return MK_SMALL(EVP_MD_get_block_size(md));
    }
    return generic_getattr(self, name);
}

static Value hash_repr(Value self) {
    if (HS(self)->b2) {
        return str_printf("<_blake2.%s object @ %p>", HS(self)->name, (void *)AS_OBJ(self));
    }
    return str_printf("<%s _hashlib.HASH object @ %p>", HS(self)->name, (void *)AS_OBJ(self));
}

static const MethodDef hash_methods[] = {
    {"update", m_update},
    {"digest", m_digest, true},
    {"hexdigest", m_hexdigest, true},
    {"copy", m_copy},
    {NULL, NULL},
};

// pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None)
static Value h_pbkdf2(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"hash_name", "password", "salt", "iterations", "dklen"};
    if (argc > 5) {
        return exc_raise(exc_TypeError, "pbkdf2_hmac() takes at most 5 arguments (%d given)", argc);
    }
    // the positional-or-keyword arguments, as CPython's argument clinic
    Value a[5] = {0};
    for (int i = 0; i < 5; i++) {
        a[i] = i < argc ? argv[i] : kw_get(kw, names[i]);
        if (!a[i] && i < 4) {
            return exc_raise(exc_TypeError, "pbkdf2_hmac() missing required argument '%s' (pos %d)", names[i],
                             i + 1);
        }
    }
    argv = a;
    argc = a[4] ? 5 : 4;
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "pbkdf2_hmac() argument 'hash_name' must be str, not %s", val_type_name(argv[0]));
    }
    const char *canon;
    const EVP_MD *md = md_of(AS_STR(argv[0])->data, &canon);
    if (!md) {
        return exc_raise(exc_ValueError, "unsupported hash type %s", AS_STR(argv[0])->data);
    }
    BufView pw = {0}, salt = {0};
    int64_t iters, dklen = EVP_MD_get_size(md);
    if (!buffer_need(argv[1], &pw) || !buffer_need(argv[2], &salt) || !int_to_i64(argv[3], &iters)) {
        return VAL_NULL;
    }
    Value dv = argc > 4 ? argv[4] : VAL_NULL;
    if (dv && !IS_NONE(dv) && !int_to_i64(dv, &dklen)) {
        return VAL_NULL;
    }
    if (iters < 1) {
        return exc_raise(exc_ValueError, "iteration value must be greater than 0.");
    }
    if (dklen < 1) {
        return exc_raise(exc_ValueError, "key length must be greater than 0.");
    }
    unsigned char *out = malloc((size_t)dklen);
    int ok = PKCS5_PBKDF2_HMAC((const char *)pw.ptr, (int)pw.len, salt.ptr, (int)salt.len, (int)iters, md,
                               (int)dklen, out);
    Value r = ok ? bytes_new(out, (size_t)dklen) : exc_raise(exc_ValueError, "pbkdf2 failed");
    free(out);
    return r;
}

// scrypt(password, *, salt, n, r, p, maxmem=0, dklen=64): OpenSSL's
// EVP_PBE_scrypt with CPython's argument checks and messages.
static Value h_scrypt(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"password", "salt", "n", "r", "p", "maxmem", "dklen", NULL};
    if (argc > 1) {
        return exc_raise(exc_TypeError, "scrypt() takes exactly 1 positional argument (%d given)", argc);
    }
    if (!kw_only("scrypt", kw, allowed)) {
        return VAL_NULL;
    }
    Value pwv = argc ? argv[0] : kw_get(kw, "password");
    if (!pwv) {
        return exc_raise(exc_TypeError, "scrypt() missing required argument 'password' (pos 1)");
    }
    BufView pw = {0}, salt = {0};
    if (!buffer_need(pwv, &pw)) {
        return VAL_NULL;
    }
    Value sv = kw_get(kw, "salt");
    if (!sv || IS_NONE(sv)) {
        return exc_raise(exc_TypeError, "salt is required");
    }
    if (!buffer_need(sv, &salt)) {
        return VAL_NULL;
    }
    const char *names[3] = {"n", "r", "p"};
    int64_t nrp[3];
    for (int i = 0; i < 3; i++) {
        Value v = kw_get(kw, names[i]);
        if (!v || IS_NONE(v) || !int_check(v) || !int_to_i64(v, &nrp[i]) || nrp[i] < 0) {
            exc_clear();
            return exc_raise(exc_TypeError, "%s is required and must be an unsigned int", names[i]);
        }
    }
    if (nrp[0] < 2 || (nrp[0] & (nrp[0] - 1))) {
        return exc_raise(exc_ValueError, "n must be a power of 2.");
    }
    int64_t maxmem = 0, dklen = 64;
    Value mv = kw_get(kw, "maxmem"), dv = kw_get(kw, "dklen");
    if (mv && !int_to_i64(mv, &maxmem)) {
        return VAL_NULL;
    }
    if (maxmem < 0 || maxmem > INT32_MAX) {
        return exc_raise(exc_ValueError, "maxmem must be positive and smaller than %d", INT32_MAX);
    }
    if (dv && !int_to_i64(dv, &dklen)) {
        return VAL_NULL;
    }
    if (dklen < 1 || dklen > INT32_MAX) {
        return exc_raise(exc_ValueError, "dklen must be greater than 0 and smaller than %d", INT32_MAX);
    }
    ERR_clear_error();
    if (!EVP_PBE_scrypt(NULL, 0, NULL, 0, (uint64_t)nrp[0], (uint64_t)nrp[1], (uint64_t)nrp[2],
                        (uint64_t)maxmem, NULL, 0)) {
        // CPython's _setException: OpenSSL's reason when it queued one
        unsigned long e = ERR_peek_last_error();
        const char *lib = e ? ERR_lib_error_string(e) : NULL, *reason = e ? ERR_reason_error_string(e) : NULL;
        ERR_clear_error();
        if (lib && reason) {
            return exc_raise(exc_ValueError, "[%s] %s", lib, reason);
        }
        return exc_raise(exc_ValueError, "Invalid parameter combination for n, r, p, maxmem.");
    }
    unsigned char *out = malloc((size_t)dklen);
    if (!out) {
        return exc_raise_nomem();
    }
    int ok = EVP_PBE_scrypt((const char *)pw.ptr, pw.len, salt.ptr, salt.len, (uint64_t)nrp[0], (uint64_t)nrp[1],
                            (uint64_t)nrp[2], (uint64_t)maxmem, out, (size_t)dklen);
    Value r = ok ? bytes_new(out, (size_t)dklen) : exc_raise(exc_ValueError, "[digital envelope routines] memory limit exceeded");
    free(out);
    return r;
}

static const MethodDef hashlib_fns[] = {
    {"new", h_new, true},
    {"md5", h_md5, true},
    {"sha1", h_sha1, true},
    {"sha224", h_sha224, true},
    {"sha256", h_sha256, true},
    {"sha384", h_sha384, true},
    {"sha512", h_sha512, true},
    {"sha3_224", h_sha3_224, true},
    {"sha3_256", h_sha3_256, true},
    {"sha3_384", h_sha3_384, true},
    {"sha3_512", h_sha3_512, true},
    {"shake_128", h_shake_128, true},
    {"shake_256", h_shake_256, true},
    {"blake2b", h_blake2b, true},
    {"blake2s", h_blake2s, true},
    {"pbkdf2_hmac", h_pbkdf2, true},
    {"scrypt", h_scrypt, true},
    {NULL, NULL},
};

// hashlib.__getattr__: file_digest is CPython's Python code (runtime/lib/_hashlib_py.pyish)
static Value hashlib_getattr(int argc, Value *argv, ObjDict *kw) {
    return module_lazy_attr("hashlib", "_hashlib_py", " file_digest ", argc == 1 ? argv[0] : VAL_NONE);
}

Value mod_hashlib_init(void) {
    if (!cls_hash) {
        cls_hash = class_new_builtin("HASH", NULL, sizeof(ObjHash), hash_methods);
        cls_hash->module = str_intern_c("_hashlib");
        cls_hash->flags &= ~(uint32_t)CLS_BASETYPE;
        cls_hash->new_ = NULL;
        cls_hash->finalize = finalize_hash;
        cls_hash->getattr = hash_getattr;
        cls_hash->repr = hash_repr;
    }
    Value m = module_new("hashlib");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    gc_push_root(m);
    native_add_functions(d, NULL, hashlib_fns);
    dict_set_str(d, str_intern_c("__getattr__"), native_new("__getattr__", hashlib_getattr, NULL));
    static const char *const guaranteed[] = {"blake2b", "blake2s", "md5", "sha1", "sha224", "sha256", "sha384",
                                             "sha3_224", "sha3_256", "sha3_384", "sha3_512", "sha512",
                                             "shake_128", "shake_256"};
    Value g = set_new(cls_set);
    dict_set_str(d, str_intern_c("algorithms_guaranteed"), g);
    for (size_t i = 0; i < sizeof guaranteed / sizeof guaranteed[0]; i++) {
        if (set_add((ObjSet *)AS_OBJ(g), str_from_c(guaranteed[i])) < 0) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    Value a = set_new(cls_set);
    dict_set_str(d, str_intern_c("algorithms_available"), a);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *canon;
        if (md_of(names[i].py, &canon) && set_add((ObjSet *)AS_OBJ(a), str_from_c(names[i].py)) < 0) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return m;
}
