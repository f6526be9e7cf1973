// mod_ssl.c: `_ssl`, the C core of the ssl module, on OpenSSL 3's libssl,
// following CPython 3.11's Modules/_ssl.c (names, defaults, messages). It
// holds _SSLContext (an SSL_CTX: verify mode, hostname checking, cert
// chain, trust store, ciphers, ALPN, protocol bounds, options), MemoryBIO
// (a memory BIO), _SSLSocket (an SSL over either a socket's descriptor,
// waiting up to the socket's timeout with poll() as CPython's PySSL_select
// does, or a pair of MemoryBIOs, what asyncio's sslproto drives), the
// SSLError hierarchy with CPython's "[LIB: REASON] text (_ssl.c:N)"
// messages (N is the line of Debian's python3.11 _ssl.c at the same call,
// so outputs compare equal), certificate decoding for getpeercert(), and
// the constants. runtime/lib/ssl.pyish (CPython's ssl.py) builds the
// public API on top. Each object frees its OpenSSL object when collected.
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <string.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <openssl/rand.h>
#include <openssl/pem.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"
#include "numstr.h"
#include "clock.h"

// CPython's protocol numbers (_SSLMethod) and TLSVersion bounds
enum {
    PROTO_TLS = 2, PROTO_TLSv1 = 3, PROTO_TLSv1_1 = 4, PROTO_TLSv1_2 = 5,
    PROTO_TLS_CLIENT = 16, PROTO_TLS_SERVER = 17,
    VER_MIN_SUPPORTED = -2, VER_MAX_SUPPORTED = -1,
};
// CPython's SSLErrorNumber
enum {
    PYERR_SSL = 1, PYERR_WANT_READ, PYERR_WANT_WRITE, PYERR_WANT_X509_LOOKUP, PYERR_SYSCALL,
    PYERR_ZERO_RETURN, PYERR_WANT_CONNECT, PYERR_EOF, PYERR_NO_SOCKET, PYERR_INVALID = 10,
};
// the exception classes, index into ST->ssl_errors
enum { E_SSL, E_ZERO, E_WANT_READ, E_WANT_WRITE, E_SYSCALL, E_EOF, E_CERT, E_COUNT };
// the lines of Debian python3.11's _ssl.c that raise the same errors
enum {
    L_HANDSHAKE = 992, L_READ = 2546, L_WRITE = 2393, L_SHUTDOWN = 2672, L_CERTFILE = 3874,
    L_KEYFILE = 3895, L_CHECKKEY = 3905, L_CADATA = 3989, L_VERIFY = 4053, L_OTHER = 3700,
};
// socket states of PySSL_select (SOCK_ERROR: a signal handler raised)
enum { SOCK_OK, SOCK_TIMED_OUT, SOCK_CLOSED, SOCK_NONBLOCKING, SOCK_BLOCKING, SOCK_ERROR };

typedef struct ObjSSLContext {
    Obj hdr;
    SSL_CTX *ctx;
    int protocol;               // PROTO_*
    bool check_hostname;
    bool post_handshake_auth;
    unsigned hostflags;         // X509_CHECK_FLAG_*
    unsigned char *alpn;        // wire-format ALPN list (malloc), for the server's choice
    unsigned alpn_len;
    Value sni_cb;               // sni_callback or VAL_NULL
} ObjSSLContext;

typedef struct ObjMemoryBIO {
    Obj hdr;
    BIO *bio;
    bool eof_written;
} ObjMemoryBIO;

typedef struct ObjSSLSocket {
    Obj hdr;
    SSL *ssl;
    Value ctx;                  // its _SSLContext
    Value first_ctx;            // the one it was made with (OpenSSL keeps using its SNI callback)
    Value sock;                 // the socket (its fd is the SSL's), or VAL_NULL over BIOs
    Value inbio, outbio;        // the MemoryBIOs, or VAL_NULL
    Value owner;                // the ssl.SSLSocket / ssl.SSLObject, or None
    Value server_hostname;      // str or None
    bool server_side;
    bool shutdown_seen_zero;
    int err_ssl, err_c;         // SSL_get_error and errno of the last call
} ObjSSLSocket;

// What OpenSSL allocates outside the pyish heap for an SSL_CTX and an SSL
// (measured roughly), counted toward the next collection so that a loop
// making contexts or connections collects the dead ones in time.
#define CTX_NATIVE_BYTES (16 * 1024)
#define SSL_NATIVE_BYTES (32 * 1024)

#define CTX(v) ((ObjSSLContext *)AS_OBJ(v))
#define BIOOBJ(v) ((ObjMemoryBIO *)AS_OBJ(v))
#define SSOCK(v) ((ObjSSLSocket *)AS_OBJ(v))
#define SSLERR(i) AS_CLASS(ST->ssl_errors[i])

// ---- errors

static const char *const lib_names[] = {
    [1] = "NONE", [2] = "SYS", [3] = "BN", [4] = "RSA", [5] = "DH", [6] = "EVP", [7] = "BUF", [8] = "OBJ",
    [9] = "PEM", [10] = "DSA", [11] = "X509", [13] = "ASN1", [14] = "CONF", [15] = "CRYPTO", [16] = "EC",
    [20] = "SSL", [32] = "BIO", [33] = "PKCS7", [34] = "X509V3", [35] = "PKCS12", [36] = "RAND",
    [37] = "DSO", [38] = "ENGINE", [39] = "OCSP", [40] = "UI", [41] = "COMP", [42] = "ECDSA", [43] = "ECDH",
    [44] = "OSSL_STORE", [45] = "FIPS", [46] = "CMS", [47] = "TS", [48] = "HMAC", [50] = "CT", [51] = "ASYNC",
    [52] = "KDF", [53] = "SM2", [54] = "ESS", [55] = "PROP", [56] = "CRMF", [57] = "PROV", [58] = "CMP",
    [59] = "OSSL_ENCODER", [60] = "OSSL_DECODER", [61] = "HTTP",
};

// CPython names a reason by its OpenSSL macro (SSL_R_CERTIFICATE_VERIFY_FAILED
// -> CERTIFICATE_VERIFY_FAILED), which is the reason's text upper-cased with
// '_' for ' ' but for these.
static const struct {
    int lib, reason;
    const char *name;
} odd_reasons[] = {
    {5, 102, "INVALID_PUBKEY"}, {10, 110, "SEED_LEN_SMALL"}, {37, 100, "CTRL_FAILED"},
    {37, 102, "FINISH_FAILED"}, {37, 103, "LOAD_FAILED"}, {37, 104, "NULL_HANDLE"},
    {37, 105, "STACK_ERROR"}, {37, 106, "SYM_FAILURE"}, {37, 107, "UNLOAD_FAILED"},
    {37, 108, "UNSUPPORTED"}, {38, 105, "ENGINE_IS_NOT_IN_LIST"}, {38, 108, "ID_OR_NAME_MISSING"},
    {6, 219, "EXPECTING_A_ECX_KEY"}, {6, 142, "EXPECTING_A_EC_KEY"}, {6, 162, "PARTIALLY_OVERLAPPING"},
    {36, 101, "FUNC_NOT_IMPLEMENTED"}, {36, 123, "FWRITE_ERROR"}, {4, 136, "SLEN_CHECK_FAILED"},
    {4, 135, "SLEN_RECOVERY_FAILED"}, {20, 158, "AT_LEAST_TLS_1_2_NEEDED_IN_SUITEB_MODE"},
    {20, 380, "ILLEGAL_SUITEB_DIGEST"}, {20, 358, "MISSING_SRP_PARAM"},
    {20, 330, "NO_GOST_CERTIFICATE_SENT_BY_PEER"}, {20, 361, "SRP_A_CALC"}, {47, 137, "CANNOT_LOAD_CERT"},
    {47, 138, "CANNOT_LOAD_KEY"}, {47, 136, "VAR_LOOKUP_FAILURE"}, {40, 109, "SYSASSIGN_ERROR"},
    {40, 110, "SYSDASSGN_ERROR"}, {40, 111, "SYSQIOW_ERROR"},
};

// The macro name of [e]'s reason into [buf], or NULL (common and system
// reasons have none in CPython's table).
static const char *reason_name(unsigned long e, char *buf, size_t size) {
    if (ERR_SYSTEM_ERROR(e) || (ERR_GET_REASON(e) & ERR_RFLAG_COMMON)) {
        return NULL;
    }
    int lib = ERR_GET_LIB(e), reason = ERR_GET_REASON(e);
    for (size_t i = 0; i < sizeof odd_reasons / sizeof odd_reasons[0]; i++) {
        if (odd_reasons[i].lib == lib && odd_reasons[i].reason == reason) {
            return odd_reasons[i].name;
        }
    }
    const char *s = ERR_reason_error_string(e);
    if (!s) {
        return NULL;
    }
    size_t n = 0;
    for (; s[n] && n + 1 < size; n++) {
        char c = s[n];
        buf[n] = c == ' ' ? '_' : (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    buf[n] = 0;
    return buf;
}

static Value str_or_none(const char *s) {
    return s ? str_from_c(s) : VAL_NONE;
}

// Raises [type] as CPython's fill_and_set_sslerror: args (reason of
// [ssl_errno], message), .reason, .library, and for a verification error of
// [s] its verify_code and verify_message.
static Value raise_ssl(ObjSSLSocket *s, int type, int ssl_errno, const char *errstr, int lineno,
                       unsigned long errcode) {
    const char *lib = NULL, *reason = NULL;
    char rbuf[128];
    if (errcode) {
        int l = ERR_GET_LIB(errcode);
        lib = l > 0 && (size_t)l < sizeof lib_names / sizeof lib_names[0] ? lib_names[l] : NULL;
        reason = reason_name(errcode, rbuf, sizeof rbuf);
        if (!errstr) {
            errstr = ERR_reason_error_string(errcode);
        }
    }
    if (!errstr) {
        errstr = "unknown error";
    }
    char verify[512];
    bool has_verify = false;
    long vcode = 0;
    if (s && type == E_CERT) {
        vcode = SSL_get_verify_result(s->ssl);
        const char *host = IS_STR(s->server_hostname) ? AS_STR(s->server_hostname)->data : "None";
        has_verify = true;
        if (vcode == X509_V_ERR_HOSTNAME_MISMATCH) {
            snprintf(verify, sizeof verify, "Hostname mismatch, certificate is not valid for '%s'.", host);
        } else if (vcode == X509_V_ERR_IP_ADDRESS_MISMATCH) {
            snprintf(verify, sizeof verify, "IP address mismatch, certificate is not valid for '%s'.", host);
        } else {
            const char *vs = X509_verify_cert_error_string(vcode);
            snprintf(verify, sizeof verify, "%s", vs ? vs : "None");
            has_verify = vs != NULL;
        }
    }
    Value msg;
    if (has_verify && reason && lib) {
        msg = str_printf("[%s: %s] %s: %s (_ssl.c:%d)", lib, reason, errstr, verify, lineno);
    } else if (reason && lib) {
        msg = str_printf("[%s: %s] %s (_ssl.c:%d)", lib, reason, errstr, lineno);
    } else if (lib) {
        msg = str_printf("[%s] %s (_ssl.c:%d)", lib, errstr, lineno);
    } else {
        msg = str_printf("%s (_ssl.c:%d)", errstr, lineno);
    }
    ERR_clear_error();
    gc_push_root(msg);
    Value args[2] = {int_from_i64(ERR_GET_REASON((unsigned long)ssl_errno)), msg};
    Value e = exc_new(SSLERR(type), 2, args);
    gc_pop_root(1);
    if (!e) {
        return VAL_NULL;
    }
    gc_push_root(e);
    Value rv = str_or_none(reason);
    bool ok = obj_setattr(e, str_intern_c("reason"), rv);
    Value lv = ok ? str_or_none(lib) : VAL_NULL;
    ok = ok && obj_setattr(e, str_intern_c("library"), lv);
    if (ok && s && type == E_CERT) {
        ok = obj_setattr(e, str_intern_c("verify_code"), int_from_i64(vcode));
        Value vm = ok ? (has_verify ? str_from_c(verify) : VAL_NONE) : VAL_NULL;
        ok = ok && obj_setattr(e, str_intern_c("verify_message"), vm);
    }
    gc_pop_root(1);
    return ok ? exc_raise_value(e) : VAL_NULL;
}

// CPython's _setSSLError: SSLError from [errstr], or from the last queued
// OpenSSL error when [errstr] is NULL.
static Value set_ssl_error(const char *errstr, int lineno) {
    unsigned long code = errstr ? 0 : ERR_peek_last_error();
    return raise_ssl(NULL, E_SSL, (int)code, errstr, lineno, code);
}

// CPython's PySSL_SetError: the exception for a failed call that returned
// [ret] on [s] (whose err_ssl/err_c were just recorded).
static Value raise_io_error(ObjSSLSocket *s, int ret, int lineno) {
    unsigned long e = ERR_peek_last_error();
    int type = E_SSL, p = PYERR_SSL;
    const char *errstr = NULL;
    switch (s->err_ssl) {
    case SSL_ERROR_ZERO_RETURN:
        errstr = "TLS/SSL connection has been closed (EOF)";
        type = E_ZERO;
        p = PYERR_ZERO_RETURN;
        break;
    case SSL_ERROR_WANT_READ:
        errstr = "The operation did not complete (read)";
        type = E_WANT_READ;
        p = PYERR_WANT_READ;
        break;
    case SSL_ERROR_WANT_WRITE:
        errstr = "The operation did not complete (write)";
        type = E_WANT_WRITE;
        p = PYERR_WANT_WRITE;
        break;
    case SSL_ERROR_WANT_X509_LOOKUP:
        errstr = "The operation did not complete (X509 lookup)";
        p = PYERR_WANT_X509_LOOKUP;
        break;
    case SSL_ERROR_WANT_CONNECT:
        errstr = "The operation did not complete (connect)";
        p = PYERR_WANT_CONNECT;
        break;
    case SSL_ERROR_SYSCALL:
        if (e == 0) {
            if (ret == 0 || !s->sock) {
                p = PYERR_EOF;
                type = E_EOF;
                errstr = "EOF occurred in violation of protocol";
            } else if (ret == -1) {
                ERR_clear_error();
                if (s->err_c) {
                    return exc_raise_oserror(s->err_c, VAL_NULL, VAL_NULL);
                }
                p = PYERR_EOF;
                type = E_EOF;
                errstr = "EOF occurred in violation of protocol";
            } else {
                p = PYERR_SYSCALL;
                type = E_SYSCALL;
                errstr = "Some I/O error occurred";
            }
        } else {
            p = PYERR_SYSCALL;
        }
        break;
    case SSL_ERROR_SSL:
        p = PYERR_SSL;
        if (e == 0) {
            errstr = "A failure in the SSL library occurred";
        }
        if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
            type = E_CERT;
        }
        if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            p = PYERR_EOF;
            type = E_EOF;
            errstr = "EOF occurred in violation of protocol";
        }
        break;
    default:
        p = PYERR_INVALID;
        errstr = "Invalid error code";
    }
    return raise_ssl(s, type, p, errstr, lineno, e);
}

static void record_err(ObjSSLSocket *s, bool failed, int ret) {
    s->err_ssl = failed ? SSL_get_error(s->ssl, ret) : SSL_ERROR_NONE;
    s->err_c = failed ? errno : 0;
}

// SSLError.__str__: the message (strerror) when there is one, else str(args).
static Value sslerror_str(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__str__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    Value s = obj_getattr_opt(argv[0], str_intern_c("strerror"));
    if (s && IS_STR(s)) {
        return s;
    }
    if (!s && exc_pending()) {
        return VAL_NULL;
    }
    Value args = obj_getattr(argv[0], str_intern_c("args"));   // str(self.args), as CPython's SSLError_str
    return args ? obj_str(args) : VAL_NULL;
}

// ---- arguments

static bool get_long(Value v, long *out) {
    int64_t n;
    if (!int_check(v)) {
        exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(v));
        return false;
    }
    if (!int_to_i64(v, &n)) {
        return false;
    }
    *out = (long)n;
    return true;
}

// A file system path ([v]: str, bytes or os.PathLike) into [*out] (kept
// alive by [*keep]); TypeError [msg] otherwise.
static bool fs_path(Value v, const char **out, Value *keep, const char *msg) {
    if (!IS_STR(v) && !bytes_check(v)) {
        Value f = obj_getattr_opt(v, str_intern_c("__fspath__"));
        if (!f) {
            if (exc_pending()) {
                return false;
            }
            exc_raise(exc_TypeError, "%s", msg);
            return false;
        }
        v = vm_call(f, 0, NULL, NULL);
        if (!v) {
            return false;
        }
        if (!IS_STR(v) && !bytes_check(v)) {
            exc_raise(exc_TypeError, "%s", msg);
            return false;
        }
    }
    *keep = v;
    if (IS_STR(v)) {
        *out = AS_STR(v)->data;
        if (strlen(*out) != AS_STR(v)->len) {
            exc_raise(exc_ValueError, "embedded null byte");
            return false;
        }
    } else {
        *out = (const char *)AS_BYTES(v)->data;
        if (strlen(*out) != AS_BYTES(v)->len) {
            exc_raise(exc_ValueError, "embedded null byte");
            return false;
        }
    }
    return true;
}

// The argument [name] at [pos] (or keyword), or VAL_NULL when absent.
static Value arg_at(int argc, Value *argv, ObjDict *kw, int pos, const char *name) {
    if (pos < argc) {
        return argv[pos];
    }
    return kw_get(kw, name);
}

// ---- _SSLContext

static void finalize_ctx(Obj *o) {
    ObjSSLContext *c = (ObjSSLContext *)o;
    if (c->ctx) {
        SSL_CTX_free(c->ctx);
        c->ctx = NULL;
    }
    free(c->alpn);
    c->alpn = NULL;
}

static void trace_ctx(Obj *o) {
    gc_mark_value(((ObjSSLContext *)o)->sni_cb);
}

static int set_verify_mode(ObjSSLContext *c, long n) {
    int mode;
    switch (n) {
    case 0:
        mode = SSL_VERIFY_NONE;
        break;
    case 1:
        mode = SSL_VERIFY_PEER;
        break;
    case 2:
        mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
        break;
    default:
        exc_raise(exc_ValueError, "invalid value for verify_mode");
        return -1;
    }
    SSL_CTX_set_verify(c->ctx, mode, SSL_CTX_get_verify_callback(c->ctx));
    return 0;
}

static Value ctx_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value pv = arg_at(argc, argv, kw, 0, "protocol");
    if (!pv) {
        return exc_raise(exc_TypeError, "_SSLContext() missing required argument 'protocol' (pos 1)");
    }
    long proto;
    if (!get_long(pv, &proto)) {
        return VAL_NULL;
    }
    const SSL_METHOD *method;
    int minv = 0, maxv = 0;
    switch (proto) {
    case PROTO_TLS:
        method = TLS_method();
        break;
    case PROTO_TLS_CLIENT:
        method = TLS_client_method();
        break;
    case PROTO_TLS_SERVER:
        method = TLS_server_method();
        break;
    case PROTO_TLSv1:
        method = TLS_method();
        minv = maxv = TLS1_VERSION;
        break;
    case PROTO_TLSv1_1:
        method = TLS_method();
        minv = maxv = TLS1_1_VERSION;
        break;
    case PROTO_TLSv1_2:
        method = TLS_method();
        minv = maxv = TLS1_2_VERSION;
        break;
    default:
        return exc_raise(exc_ValueError, "invalid or unsupported protocol version %ld", proto);
    }
    SSL_CTX *ctx = SSL_CTX_new(method);
    if (!ctx) {
        return set_ssl_error(NULL, L_OTHER);
    }
    ObjSSLContext *c = (ObjSSLContext *)obj_alloc(cls, cls->inst_size);
    c->ctx = ctx;
    gc_note_alloc(CTX_NATIVE_BYTES);
    c->protocol = (int)proto;
    c->hostflags = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
    if (minv) {
        SSL_CTX_set_min_proto_version(ctx, minv);
        SSL_CTX_set_max_proto_version(ctx, maxv);
    }
    c->check_hostname = proto == PROTO_TLS_CLIENT;
    set_verify_mode(c, proto == PROTO_TLS_CLIENT ? 2 : 0);
    uint64_t options = (SSL_OP_ALL & ~SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS) | SSL_OP_NO_SSLv3 |
                       SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_SINGLE_DH_USE |
                       SSL_OP_SINGLE_ECDH_USE | SSL_OP_IGNORE_UNEXPECTED_EOF;
    SSL_CTX_set_options(ctx, options);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    static const char sid[] = "Python";
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)sid, sizeof sid);
    X509_STORE_set_flags(SSL_CTX_get_cert_store(ctx), X509_V_FLAG_TRUSTED_FIRST);
    X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(ctx), c->hostflags);
    SSL_CTX_set_post_handshake_auth(ctx, 0);
    return OBJ_VAL(c);
}

// load_cert_chain's password: a str/bytes, or a callable asked when needed
typedef struct PwInfo {
    Value callable;
    Value given;        // the str/bytes password
    bool error;         // an exception is pending
} PwInfo;

static bool pw_bytes(Value v, const char **p, size_t *n, const char *badtype) {
    if (IS_STR(v)) {
        *p = AS_STR(v)->data;
        *n = AS_STR(v)->len;
        return true;
    }
    BufView b;
    if (buffer_get(v, &b) == 1) {
        *p = (const char *)b.ptr;
        *n = b.len;
        return true;
    }
    exc_clear();
    exc_raise(exc_TypeError, "%s", badtype);
    return false;
}

static int pw_callback(char *buf, int size, int rwflag, void *userdata) {
    (void)rwflag;
    PwInfo *pw = userdata;
    Value v = pw->given;
    const char *msg = "password should be a string or bytes";
    if (pw->callable) {
        v = vm_call(pw->callable, 0, NULL, NULL);
        msg = "password callback must return a string";
        if (!v) {
            pw->error = true;
            return -1;
        }
    }
    const char *p;
    size_t n;
    if (!pw_bytes(v, &p, &n, msg)) {
        pw->error = true;
        return -1;
    }
    if (n > (size_t)size) {
        exc_raise(exc_ValueError, "password cannot be longer than %d bytes", size);
        pw->error = true;
        return -1;
    }
    memcpy(buf, p, n);
    return (int)n;
}

// After loading a file failed: OSError from errno when it could not be
// read, else SSLError from OpenSSL's queue; [pw_error]: the password
// callback's exception stands.
static void raise_load_error(bool pw_error, int lineno) {
    int e = errno;
    if (pw_error || e != 0) {
        ERR_clear_error();
        if (!pw_error) {
            exc_raise_oserror(e, VAL_NULL, VAL_NULL);
        }
    } else {
        set_ssl_error(NULL, lineno);
    }
}

// CPython's "F() takes at most N arguments (M given)" for [argc] counting self
static bool at_most(const char *f, int argc, int max, const char *what) {
    if (argc - 1 > max) {
        exc_raise(exc_TypeError, "%s() takes at most %d %s (%d given)", f, max, what, argc - 1);
        return false;
    }
    return true;
}

static Value ctx_load_cert_chain(int argc, Value *argv, ObjDict *kw) {
    ObjSSLContext *c = CTX(argv[0]);
    if (!at_most("load_cert_chain", argc, 3, "arguments")) {
        return VAL_NULL;
    }
    Value certfile = arg_at(argc, argv, kw, 1, "certfile");
    Value keyfile = arg_at(argc, argv, kw, 2, "keyfile");
    Value password = arg_at(argc, argv, kw, 3, "password");
    if (!certfile) {
        return exc_raise(exc_TypeError, "load_cert_chain() missing required argument 'certfile' (pos 1)");
    }
    const char *cpath, *kpath = NULL;
    Value k1 = VAL_NULL, k2 = VAL_NULL;
    if (!fs_path(certfile, &cpath, &k1, "certfile should be a valid filesystem path")) {
        return VAL_NULL;
    }
    gc_push_root(k1);
    if (keyfile && !IS_NONE(keyfile) &&
        !fs_path(keyfile, &kpath, &k2, "keyfile should be a valid filesystem path")) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(k2);
    PwInfo pw = {0};
    pem_password_cb *orig_cb = SSL_CTX_get_default_passwd_cb(c->ctx);
    void *orig_ud = SSL_CTX_get_default_passwd_cb_userdata(c->ctx);
    Value result = VAL_NONE;
    if (password && !IS_NONE(password)) {
        ObjClass *pc = val_class(password);
        if (pc->call || pc == cls_function || pc == cls_native || pc == cls_bound_method) {
            pw.callable = password;
        } else {
            const char *p;
            size_t n;
            if (!pw_bytes(password, &p, &n, "password should be a string or callable")) {
                gc_pop_root(2);
                return VAL_NULL;
            }
            if (n > INT_MAX) {
                gc_pop_root(2);
                return exc_raise(exc_ValueError, "password cannot be longer than %d bytes", INT_MAX);
            }
            pw.given = password;
        }
        SSL_CTX_set_default_passwd_cb(c->ctx, pw_callback);
        SSL_CTX_set_default_passwd_cb_userdata(c->ctx, &pw);
    }
    gc_push_root(password ? password : VAL_NONE);
    errno = 0;
    if (SSL_CTX_use_certificate_chain_file(c->ctx, cpath) != 1) {
        raise_load_error(pw.error, L_CERTFILE);
        result = VAL_NULL;
    } else {
        errno = 0;
        if (SSL_CTX_use_PrivateKey_file(c->ctx, kpath ? kpath : cpath, SSL_FILETYPE_PEM) != 1) {
            raise_load_error(pw.error, L_KEYFILE);
            result = VAL_NULL;
        } else if (SSL_CTX_check_private_key(c->ctx) != 1) {
            set_ssl_error(NULL, L_CHECKKEY);
            result = VAL_NULL;
        }
    }
    SSL_CTX_set_default_passwd_cb(c->ctx, orig_cb);
    SSL_CTX_set_default_passwd_cb_userdata(c->ctx, orig_ud);
    gc_pop_root(3);
    return result;
}

// CPython's _add_ca_certs: the certificates of [data] into the store.
static bool add_ca_certs(ObjSSLContext *c, const void *data, size_t len, int filetype) {
    if (len == 0) {
        exc_raise(exc_ValueError, "Empty certificate data");
        return false;
    }
    if (len > INT_MAX) {
        exc_raise(exc_OverflowError, "Certificate data is too long.");
        return false;
    }
    BIO *b = BIO_new_mem_buf(data, (int)len);
    if (!b) {
        set_ssl_error("Can't allocate buffer", L_CADATA);
        return false;
    }
    X509_STORE *store = SSL_CTX_get_cert_store(c->ctx);
    int loaded = 0;
    unsigned long err;
    for (;;) {
        X509 *cert = filetype == SSL_FILETYPE_ASN1 ? d2i_X509_bio(b, NULL) : PEM_read_bio_X509(b, NULL, NULL, NULL);
        if (!cert) {
            break;
        }
        int r = X509_STORE_add_cert(store, cert);
        X509_free(cert);
        if (!r) {
            err = ERR_peek_last_error();
            if (ERR_GET_LIB(err) == ERR_LIB_X509 && ERR_GET_REASON(err) == X509_R_CERT_ALREADY_IN_HASH_TABLE) {
                ERR_clear_error();
            } else {
                break;
            }
        }
        loaded++;
    }
    BIO_free(b);
    err = ERR_peek_last_error();
    if (loaded == 0) {
        set_ssl_error(filetype == SSL_FILETYPE_PEM ? "no start line: cadata does not contain a certificate"
                                                   : "not enough data: cadata does not contain a certificate",
                      L_CADATA);
        return false;
    }
    if ((filetype == SSL_FILETYPE_ASN1 && ERR_GET_LIB(err) == ERR_LIB_ASN1 &&
         ERR_GET_REASON(err) == ASN1_R_HEADER_TOO_LONG) ||
        (filetype == SSL_FILETYPE_PEM && ERR_GET_LIB(err) == ERR_LIB_PEM &&
         ERR_GET_REASON(err) == PEM_R_NO_START_LINE)) {
        ERR_clear_error();
        return true;
    }
    if (err != 0) {
        set_ssl_error(NULL, L_CADATA);
        return false;
    }
    return true;
}

static Value ctx_load_verify_locations(int argc, Value *argv, ObjDict *kw) {
    ObjSSLContext *c = CTX(argv[0]);
    if (!at_most("load_verify_locations", argc, 3, "arguments")) {
        return VAL_NULL;
    }
    Value cafile = arg_at(argc, argv, kw, 1, "cafile");
    Value capath = arg_at(argc, argv, kw, 2, "capath");
    Value cadata = arg_at(argc, argv, kw, 3, "cadata");
    if (cafile && IS_NONE(cafile)) {
        cafile = VAL_NULL;
    }
    if (capath && IS_NONE(capath)) {
        capath = VAL_NULL;
    }
    if (cadata && IS_NONE(cadata)) {
        cadata = VAL_NULL;
    }
    if (!cafile && !capath && !cadata) {
        return exc_raise(exc_TypeError, "cafile, capath and cadata cannot be all omitted");
    }
    const char *fpath = NULL, *dpath = NULL;
    Value k1 = VAL_NULL, k2 = VAL_NULL;
    if (cafile && !fs_path(cafile, &fpath, &k1, "cafile should be a valid filesystem path")) {
        return VAL_NULL;
    }
    gc_push_root(k1);
    if (capath && !fs_path(capath, &dpath, &k2, "capath should be a valid filesystem path")) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(k2);
    bool ok = true;
    if (cadata) {
        if (IS_STR(cadata)) {
            ObjStr *s = AS_STR(cadata);
            if (s->cplen != s->len) {
                ok = false;
                exc_raise(exc_TypeError, "cadata should be an ASCII string or a bytes-like object");
            } else {
                ok = add_ca_certs(c, s->data, s->len, SSL_FILETYPE_PEM);
            }
        } else {
            BufView b;
            if (buffer_get(cadata, &b) == 1) {
                ok = add_ca_certs(c, b.ptr, b.len, SSL_FILETYPE_ASN1);
            } else {
                exc_clear();
                ok = false;
                exc_raise(exc_TypeError, "cadata should be an ASCII string or a bytes-like object");
            }
        }
    }
    if (ok && (fpath || dpath)) {
        errno = 0;
        if (SSL_CTX_load_verify_locations(c->ctx, fpath, dpath) != 1) {
            ok = false;
            raise_load_error(false, L_VERIFY);
        }
    }
    gc_pop_root(2);
    return ok ? VAL_NONE : VAL_NULL;
}

static Value ctx_set_default_verify_paths(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_default_verify_paths", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    if (!SSL_CTX_set_default_verify_paths(CTX(argv[0])->ctx)) {
        return set_ssl_error(NULL, L_OTHER);
    }
    return VAL_NONE;
}

static Value ctx_set_ciphers(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_ciphers", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "set_ciphers() argument must be str, not %s", val_type_name(argv[1]));
    }
    if (strlen(AS_STR(argv[1])->data) != AS_STR(argv[1])->len) {
        return exc_raise(exc_ValueError, "embedded null character");
    }
    if (SSL_CTX_set_cipher_list(CTX(argv[0])->ctx, AS_STR(argv[1])->data) == 0) {
        ERR_clear_error();
        return exc_raise(SSLERR(E_SSL), "No cipher can be selected.");
    }
    return VAL_NONE;
}

static Value cipher_dict(const SSL_CIPHER *cipher) {
    char buf[512];
    Value d = dict_new();
    gc_push_root(d);
    ObjDict *dd = AS_DICT(d);
    const char *name = SSL_CIPHER_get_name(cipher);
    const char *proto = SSL_CIPHER_get_version(cipher);
    SSL_CIPHER_description(cipher, buf, sizeof buf - 1);
    size_t n = strlen(buf);
    if (n > 1 && buf[n - 1] == '\n') {
        buf[n - 1] = 0;
    }
    int alg_bits;
    int strength = SSL_CIPHER_get_bits(cipher, &alg_bits);
    int nid;
    dict_set_str(dd, str_intern_c("id"), int_from_i64(SSL_CIPHER_get_id(cipher)));
    dict_set_str(dd, str_intern_c("name"), str_or_none(name));
    dict_set_str(dd, str_intern_c("protocol"), str_or_none(proto));
    dict_set_str(dd, str_intern_c("description"), str_from_c(buf));
    dict_set_str(dd, str_intern_c("strength_bits"), int_from_i64(strength));
    dict_set_str(dd, str_intern_c("alg_bits"), int_from_i64(alg_bits));
    dict_set_str(dd, str_intern_c("aead"), VAL_BOOL(SSL_CIPHER_is_aead(cipher)));
    nid = SSL_CIPHER_get_cipher_nid(cipher);
    dict_set_str(dd, str_intern_c("symmetric"), nid != NID_undef ? str_or_none(OBJ_nid2ln(nid)) : VAL_NONE);
    nid = SSL_CIPHER_get_digest_nid(cipher);
    dict_set_str(dd, str_intern_c("digest"), nid != NID_undef ? str_or_none(OBJ_nid2ln(nid)) : VAL_NONE);
    nid = SSL_CIPHER_get_kx_nid(cipher);
    dict_set_str(dd, str_intern_c("kea"), nid != NID_undef ? str_or_none(OBJ_nid2ln(nid)) : VAL_NONE);
    nid = SSL_CIPHER_get_auth_nid(cipher);
    dict_set_str(dd, str_intern_c("auth"), nid != NID_undef ? str_or_none(OBJ_nid2ln(nid)) : VAL_NONE);
    gc_pop_root(1);
    return d;
}

static Value ctx_get_ciphers(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("get_ciphers", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    SSL *ssl = SSL_new(CTX(argv[0])->ctx);
    if (!ssl) {
        return set_ssl_error(NULL, L_OTHER);
    }
    STACK_OF(SSL_CIPHER) *sk = SSL_get_ciphers(ssl);
    Value l = list_new(8);
    gc_push_root(l);
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
        Value d = cipher_dict(sk_SSL_CIPHER_value(sk, i));
        list_append(AS_LIST(l), d);
    }
    gc_pop_root(1);
    SSL_free(ssl);
    return l;
}

// server side: choose from the client's ALPN list (CPython's _selectALPN_cb)
static int alpn_select(SSL *s, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                       unsigned int inlen, void *arg) {
    (void)s;
    ObjSSLContext *c = arg;
    const unsigned char *srv = c->alpn ? c->alpn : (const unsigned char *)"";
    unsigned srvlen = c->alpn ? c->alpn_len : 0;
    if (!in) {
        in = (const unsigned char *)"";
        inlen = 0;
    }
    int r = SSL_select_next_proto((unsigned char **)out, outlen, srv, srvlen, in, inlen);
    return r == OPENSSL_NPN_NEGOTIATED ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK;
}

static Value ctx_set_alpn_protocols(int argc, Value *argv, ObjDict *kw) {
    ObjSSLContext *c = CTX(argv[0]);
    BufView b;
    if (!arg_count("_set_alpn_protocols", argc - 1, 1, 1) || !buffer_need(argv[1], &b)) {
        return VAL_NULL;
    }
    if (b.len > UINT_MAX) {
        return exc_raise(exc_OverflowError, "protocols longer than %u bytes", UINT_MAX);
    }
    free(c->alpn);
    c->alpn = malloc(b.len ? b.len : 1);
    if (!c->alpn) {
        return exc_raise_nomem();
    }
    memcpy(c->alpn, b.ptr, b.len);
    c->alpn_len = (unsigned)b.len;
    if (SSL_CTX_set_alpn_protos(c->ctx, c->alpn, c->alpn_len)) {
        return exc_raise_nomem();
    }
    SSL_CTX_set_alpn_select_cb(c->ctx, alpn_select, c);
    return VAL_NONE;
}

static Value ctx_set_ecdh_curve(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_ecdh_curve", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    const char *name;
    Value keep;
    if (!fs_path(argv[1], &name, &keep, "set_ecdh_curve() argument must be str or bytes")) {
        return VAL_NULL;
    }
    int nid = OBJ_sn2nid(name);
    if (nid == 0) {
        Value r = obj_repr(argv[1]);
        return r ? exc_raise(exc_ValueError, "unknown elliptic curve name %s", AS_STR(r)->data) : VAL_NULL;
    }
    if (!SSL_CTX_set1_groups(CTX(argv[0])->ctx, &nid, 1)) {
        return set_ssl_error(NULL, L_OTHER);
    }
    return VAL_NONE;
}

static Value ctx_session_stats(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("session_stats", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    SSL_CTX *ctx = CTX(argv[0])->ctx;
    Value d = dict_new();
    gc_push_root(d);
    const struct {
        const char *name;
        long v;
    } st[] = {
        {"number", SSL_CTX_sess_number(ctx)}, {"connect", SSL_CTX_sess_connect(ctx)},
        {"connect_good", SSL_CTX_sess_connect_good(ctx)},
        {"connect_renegotiate", SSL_CTX_sess_connect_renegotiate(ctx)}, {"accept", SSL_CTX_sess_accept(ctx)},
        {"accept_good", SSL_CTX_sess_accept_good(ctx)},
        {"accept_renegotiate", SSL_CTX_sess_accept_renegotiate(ctx)}, {"hits", SSL_CTX_sess_hits(ctx)},
        {"misses", SSL_CTX_sess_misses(ctx)}, {"timeouts", SSL_CTX_sess_timeouts(ctx)},
        {"cache_full", SSL_CTX_sess_cache_full(ctx)},
    };
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
        dict_set_str(AS_DICT(d), str_intern_c(st[i].name), int_from_i64(st[i].v));
    }
    gc_pop_root(1);
    return d;
}

static Value ctx_cert_store_stats(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("cert_store_stats", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    X509_STORE *store = SSL_CTX_get_cert_store(CTX(argv[0])->ctx);
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
    long x509 = 0, crl = 0, ca = 0;
    for (int i = 0; objs && i < sk_X509_OBJECT_num(objs); i++) {
        X509_OBJECT *obj = sk_X509_OBJECT_value(objs, i);
        switch (X509_OBJECT_get_type(obj)) {
        case X509_LU_X509:
            x509++;
            if (X509_check_ca(X509_OBJECT_get0_X509(obj))) {
                ca++;
            }
            break;
        case X509_LU_CRL:
            crl++;
            break;
        default:
            break;
        }
    }
    Value d = dict_new();
    gc_push_root(d);
    dict_set_str(AS_DICT(d), str_intern_c("x509"), int_from_i64(x509));
    dict_set_str(AS_DICT(d), str_intern_c("crl"), int_from_i64(crl));
    dict_set_str(AS_DICT(d), str_intern_c("x509_ca"), int_from_i64(ca));
    gc_pop_root(1);
    return d;
}

static Value decode_cert(X509 *cert);
static Value cert_der(X509 *cert);

static Value ctx_get_ca_certs(int argc, Value *argv, ObjDict *kw) {
    if (!at_most("get_ca_certs", argc, 1, "argument")) {
        return VAL_NULL;
    }
    Value bf = arg_at(argc, argv, kw, 1, "binary_form");
    int binary = bf ? obj_truthy(bf) : 0;
    if (binary < 0) {
        return VAL_NULL;
    }
    X509_STORE *store = SSL_CTX_get_cert_store(CTX(argv[0])->ctx);
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
    Value l = list_new(4);
    gc_push_root(l);
    for (int i = 0; objs && i < sk_X509_OBJECT_num(objs); i++) {
        X509_OBJECT *obj = sk_X509_OBJECT_value(objs, i);
        if (X509_OBJECT_get_type(obj) != X509_LU_X509) {
            continue;
        }
        X509 *cert = X509_OBJECT_get0_X509(obj);
        if (!X509_check_ca(cert)) {
            continue;
        }
        Value ci = binary ? cert_der(cert) : decode_cert(cert);
        if (!ci) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        list_append(AS_LIST(l), ci);
    }
    gc_pop_root(1);
    return l;
}

// ---- _SSLContext properties

static Value p_protocol(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(CTX(argv[0])->protocol);
}

static Value p_verify_mode(int argc, Value *argv, ObjDict *kw) {
    int m = SSL_CTX_get_verify_mode(CTX(argv[0])->ctx) & (SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    switch (m) {
    case SSL_VERIFY_NONE:
        return MK_SMALL(0);
    case SSL_VERIFY_PEER:
        return MK_SMALL(1);
    case SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT:
        return MK_SMALL(2);
    }
    return exc_raise(SSLERR(E_SSL), "invalid return value from SSL_CTX_get_verify_mode");
}

static Value p_set_verify_mode(int argc, Value *argv, ObjDict *kw) {
    ObjSSLContext *c = CTX(argv[0]);
    long n;
    if (!get_long(argv[1], &n)) {
        return VAL_NULL;
    }
    if (n == 0 && c->check_hostname) {
        return exc_raise(exc_ValueError, "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.");
    }
    return set_verify_mode(c, n) < 0 ? VAL_NULL : VAL_NONE;
}

static Value p_check_hostname(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(CTX(argv[0])->check_hostname);
}

static Value p_set_check_hostname(int argc, Value *argv, ObjDict *kw) {
    ObjSSLContext *c = CTX(argv[0]);
    int on = obj_truthy(argv[1]);
    if (on < 0) {
        return VAL_NULL;
    }
    if (on && SSL_CTX_get_verify_mode(c->ctx) == SSL_VERIFY_NONE && set_verify_mode(c, 2) < 0) {
        return VAL_NULL;
    }
    c->check_hostname = on;
    return VAL_NONE;
}

static Value p_options(int argc, Value *argv, ObjDict *kw) {
    return int_from_u64(SSL_CTX_get_options(CTX(argv[0])->ctx));
}

static Value p_set_options(int argc, Value *argv, ObjDict *kw) {
    SSL_CTX *ctx = CTX(argv[0])->ctx;
    if (!int_check(argv[1])) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(argv[1]));
    }
    int64_t v;
    if (!int_to_i64(argv[1], &v)) {
        return VAL_NULL;
    }
    uint64_t nv = (uint64_t)v, cur = SSL_CTX_get_options(ctx);
    uint64_t clear = cur & ~nv, set = ~cur & nv;
    if (clear) {
        SSL_CTX_clear_options(ctx, clear);
    }
    if (set) {
        SSL_CTX_set_options(ctx, set);
    }
    return VAL_NONE;
}

static Value p_verify_flags(int argc, Value *argv, ObjDict *kw) {
    X509_VERIFY_PARAM *param = X509_STORE_get0_param(SSL_CTX_get_cert_store(CTX(argv[0])->ctx));
    return int_from_u64(X509_VERIFY_PARAM_get_flags(param));
}

static Value p_set_verify_flags(int argc, Value *argv, ObjDict *kw) {
    X509_VERIFY_PARAM *param = X509_STORE_get0_param(SSL_CTX_get_cert_store(CTX(argv[0])->ctx));
    long v;
    if (!get_long(argv[1], &v)) {
        return VAL_NULL;
    }
    unsigned long cur = X509_VERIFY_PARAM_get_flags(param), nv = (unsigned long)v;
    unsigned long clear = cur & ~nv, set = ~cur & nv;
    if (clear && !X509_VERIFY_PARAM_clear_flags(param, clear)) {
        return set_ssl_error(NULL, L_OTHER);
    }
    if (set && !X509_VERIFY_PARAM_set_flags(param, set)) {
        return set_ssl_error(NULL, L_OTHER);
    }
    return VAL_NONE;
}

static Value version_get(ObjSSLContext *c, bool max) {
    long v = max ? SSL_CTX_get_max_proto_version(c->ctx) : SSL_CTX_get_min_proto_version(c->ctx);
    if (v == 0) {
        v = max ? VER_MAX_SUPPORTED : VER_MIN_SUPPORTED;
    }
    return int_from_i64(v);
}

static Value version_set(ObjSSLContext *c, Value arg, bool max) {
    long v;
    if (!get_long(arg, &v)) {
        return VAL_NULL;
    }
    if (v > INT_MAX) {
        return exc_raise(exc_OverflowError, "Option is too long");
    }
    if (c->protocol != PROTO_TLS && c->protocol != PROTO_TLS_CLIENT && c->protocol != PROTO_TLS_SERVER) {
        return exc_raise(exc_ValueError,
                         "The context's protocol doesn't support modification of highest and lowest version.");
    }
    switch (v) {
    case SSL3_VERSION:
    case TLS1_VERSION:
    case TLS1_1_VERSION:
    case TLS1_2_VERSION:
    case TLS1_3_VERSION:
    case VER_MIN_SUPPORTED:
    case VER_MAX_SUPPORTED:
        break;
    default:
        return exc_raise(exc_ValueError, "Unsupported TLS/SSL version 0x%x", (unsigned)v);
    }
    int r;
    if (!max) {
        v = v == VER_MIN_SUPPORTED ? 0 : v == VER_MAX_SUPPORTED ? TLS1_3_VERSION : v;
        r = SSL_CTX_set_min_proto_version(c->ctx, (int)v);
    } else {
        v = v == VER_MAX_SUPPORTED ? 0 : v == VER_MIN_SUPPORTED ? SSL3_VERSION : v;
        r = SSL_CTX_set_max_proto_version(c->ctx, (int)v);
    }
    if (r == 0) {
        return exc_raise(exc_ValueError, "Unsupported protocol version 0x%x", (unsigned)v);
    }
    return VAL_NONE;
}

static Value p_minimum_version(int argc, Value *argv, ObjDict *kw) {
    return version_get(CTX(argv[0]), false);
}

static Value p_set_minimum_version(int argc, Value *argv, ObjDict *kw) {
    return version_set(CTX(argv[0]), argv[1], false);
}

static Value p_maximum_version(int argc, Value *argv, ObjDict *kw) {
    return version_get(CTX(argv[0]), true);
}

static Value p_set_maximum_version(int argc, Value *argv, ObjDict *kw) {
    return version_set(CTX(argv[0]), argv[1], true);
}

static Value p_host_flags(int argc, Value *argv, ObjDict *kw) {
    return int_from_u64(CTX(argv[0])->hostflags);
}

static Value p_set_host_flags(int argc, Value *argv, ObjDict *kw) {
    ObjSSLContext *c = CTX(argv[0]);
    long v;
    if (!get_long(argv[1], &v)) {
        return VAL_NULL;
    }
    c->hostflags = (unsigned)v;
    X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(c->ctx), c->hostflags);
    return VAL_NONE;
}

static Value p_post_handshake_auth(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(CTX(argv[0])->post_handshake_auth);
}

static Value p_set_post_handshake_auth(int argc, Value *argv, ObjDict *kw) {
    int on = obj_truthy(argv[1]);
    if (on < 0) {
        return VAL_NULL;
    }
    CTX(argv[0])->post_handshake_auth = on;
    return VAL_NONE;
}

static Value p_security_level(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(SSL_CTX_get_security_level(CTX(argv[0])->ctx));
}

static Value p_num_tickets(int argc, Value *argv, ObjDict *kw) {
    return int_from_u64(SSL_CTX_get_num_tickets(CTX(argv[0])->ctx));
}

static Value p_set_num_tickets(int argc, Value *argv, ObjDict *kw) {
    ObjSSLContext *c = CTX(argv[0]);
    long v;
    if (!get_long(argv[1], &v)) {
        return VAL_NULL;
    }
    if (v < 0) {
        return exc_raise(exc_ValueError, "value must be non-negative");
    }
    if (c->protocol != PROTO_TLS_SERVER) {
        return exc_raise(exc_ValueError, "SSLContext is not a server context.");
    }
    if (SSL_CTX_set_num_tickets(c->ctx, (size_t)v) != 1) {
        return exc_raise(exc_ValueError, "failed to set num tickets.");
    }
    return VAL_NONE;
}

// SNI: the callback(sslobject, server_name, context) of sni_callback
static int sni_cb(SSL *s, int *al, void *arg) {
    ObjSSLContext *c = arg;
    ObjSSLSocket *ss = SSL_get_app_data(s);
    if (!c->sni_cb || !ss) {
        return SSL_TLSEXT_ERR_OK;
    }
    const char *name = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    Value args[3];
    args[0] = IS_NONE(ss->owner) ? OBJ_VAL(ss) : ss->owner;
    args[1] = name ? str_from_c(name) : VAL_NONE;
    gc_push_root(args[1]);
    args[2] = OBJ_VAL(c);
    Value r = vm_call(c->sni_cb, 3, args, NULL);
    gc_pop_root(1);
    if (!r) {
        tb_print_unraisable(exc_take());
        *al = SSL_AD_HANDSHAKE_FAILURE;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    if (IS_NONE(r)) {
        return SSL_TLSEXT_ERR_OK;
    }
    int64_t a;
    if (!int_check(r) || !int_to_i64(r, &a)) {
        exc_clear();
        *al = SSL_AD_INTERNAL_ERROR;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    *al = (int)a;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static Value p_sni_callback(int argc, Value *argv, ObjDict *kw) {
    Value v = CTX(argv[0])->sni_cb;
    return v ? v : VAL_NONE;
}

static Value p_set_sni_callback(int argc, Value *argv, ObjDict *kw) {
    ObjSSLContext *c = CTX(argv[0]);
    if (c->protocol == PROTO_TLS_CLIENT) {
        return exc_raise(exc_ValueError, "sni_callback cannot be set on TLS_CLIENT context");
    }
    if (IS_NONE(argv[1])) {
        c->sni_cb = VAL_NULL;
        SSL_CTX_set_tlsext_servername_callback(c->ctx, NULL);
        return VAL_NONE;
    }
    ObjClass *k = val_class(argv[1]);
    if (!(k->call || k == cls_function || k == cls_native || k == cls_bound_method || IS_CLASS(argv[1]))) {
        SSL_CTX_set_tlsext_servername_callback(c->ctx, NULL);
        return exc_raise(exc_TypeError, "not a callable object");
    }
    c->sni_cb = argv[1];
    SSL_CTX_set_tlsext_servername_callback(c->ctx, sni_cb);
    SSL_CTX_set_tlsext_servername_arg(c->ctx, c);
    return VAL_NONE;
}

// ---- MemoryBIO

static void finalize_bio(Obj *o) {
    ObjMemoryBIO *b = (ObjMemoryBIO *)o;
    if (b->bio) {
        BIO_free(b->bio);
        b->bio = NULL;
    }
}

static Value bio_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (argc > 0 || (kw && kw->used)) {
        return exc_raise(exc_TypeError, "MemoryBIO() takes no arguments");
    }
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio) {
        return exc_raise(SSLERR(E_SSL), "failed to allocate BIO");
    }
    // an empty BIO reads "retry" (not EOF) until write_eof() says otherwise
    BIO_set_retry_read(bio);
    BIO_set_mem_eof_return(bio, -1);
    ObjMemoryBIO *b = (ObjMemoryBIO *)obj_alloc(cls, cls->inst_size);
    b->bio = bio;
    return OBJ_VAL(b);
}

static Value bio_read(int argc, Value *argv, ObjDict *kw) {
    ObjMemoryBIO *b = BIOOBJ(argv[0]);
    if (!arg_count("read", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    long len = -1;
    if (argc > 1 && !get_long(argv[1], &len)) {
        return VAL_NULL;
    }
    size_t avail = BIO_ctrl_pending(b->bio);
    size_t n = len < 0 || (size_t)len > avail ? avail : (size_t)len;
    if (n > INT_MAX) {
        n = INT_MAX;
    }
    if (n == 0) {
        return bytes_new("", 0);
    }
    // read straight into the bytes object: the pending count is exact
    Value r = bytes_try_new(NULL, n);
    if (!r) {
        return VAL_NULL;
    }
    int got = BIO_read(b->bio, AS_BYTES(r)->data, (int)n);
    if (got < 0) {
        return set_ssl_error(NULL, L_OTHER);
    }
    return (size_t)got == n ? r : bytes_try_new(AS_BYTES(r)->data, (size_t)got);
}

static Value bio_write(int argc, Value *argv, ObjDict *kw) {
    ObjMemoryBIO *b = BIOOBJ(argv[0]);
    BufView v;
    if (!arg_count("write", argc - 1, 1, 1) || !buffer_need(argv[1], &v)) {
        return VAL_NULL;
    }
    if (v.len > INT_MAX) {
        return exc_raise(exc_OverflowError, "string longer than %d bytes", INT_MAX);
    }
    if (b->eof_written) {
        return exc_raise(SSLERR(E_SSL), "cannot write() after write_eof()");
    }
    int n = BIO_write(b->bio, v.ptr, (int)v.len);
    if (n < 0) {
        return set_ssl_error(NULL, L_OTHER);
    }
    return MK_SMALL(n);
}

static Value bio_write_eof(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("write_eof", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjMemoryBIO *b = BIOOBJ(argv[0]);
    b->eof_written = true;
    // after EOF, a read of an empty BIO says EOF
    BIO_clear_retry_flags(b->bio);
    BIO_set_mem_eof_return(b->bio, 0);
    return VAL_NONE;
}

static Value bio_pending(int argc, Value *argv, ObjDict *kw) {
    return int_from_i64((int64_t)BIO_ctrl_pending(BIOOBJ(argv[0])->bio));
}

static Value bio_eof(int argc, Value *argv, ObjDict *kw) {
    ObjMemoryBIO *b = BIOOBJ(argv[0]);
    return VAL_BOOL(BIO_ctrl_pending(b->bio) == 0 && b->eof_written);
}

// ---- _SSLSocket

static void finalize_sock(Obj *o) {
    ObjSSLSocket *s = (ObjSSLSocket *)o;
    if (s->ssl) {
        SSL_free(s->ssl);
        s->ssl = NULL;
    }
}

static void trace_sock(Obj *o) {
    ObjSSLSocket *s = (ObjSSLSocket *)o;
    gc_mark_value(s->ctx);
    gc_mark_value(s->first_ctx);
    gc_mark_value(s->sock);
    gc_mark_value(s->inbio);
    gc_mark_value(s->outbio);
    gc_mark_value(s->owner);
    gc_mark_value(s->server_hostname);
}

// CPython's _ssl_configure_hostname: SNI and the name or IP to verify.
static bool configure_hostname(ObjSSLSocket *s, ObjSSLContext *c, const char *host) {
    if (!host[0] || host[0] == '.') {
        exc_raise(exc_ValueError, "server_hostname cannot be an empty string or start with a leading dot.");
        return false;
    }
    ASN1_OCTET_STRING *ip = a2i_IPADDRESS(host);
    if (!ip) {
        ERR_clear_error();
    }
    bool ok = true;
    if (!ip && !SSL_set_tlsext_host_name(s->ssl, host)) {
        set_ssl_error(NULL, L_OTHER);
        ok = false;
    }
    if (ok && c->check_hostname) {
        X509_VERIFY_PARAM *param = SSL_get0_param(s->ssl);
        int r = ip ? X509_VERIFY_PARAM_set1_ip(param, ASN1_STRING_get0_data(ip), (size_t)ASN1_STRING_length(ip))
                   : X509_VERIFY_PARAM_set1_host(param, host, strlen(host));
        if (!r) {
            set_ssl_error(NULL, L_OTHER);
            ok = false;
        }
    }
    if (ip) {
        ASN1_OCTET_STRING_free(ip);
    }
    return ok;
}

static Value sock_timeout_of(Value sock, double *out);

// CPython's newPySSLSocket over a socket's [sock] or the BIOs [inb]/[outb].
static Value new_sslsocket(Value ctxv, Value sock, Value inb, Value outb, bool server_side, Value hostname,
                           Value owner) {
    ObjSSLContext *c = CTX(ctxv);
    if (server_side && c->protocol == PROTO_TLS_CLIENT) {
        return set_ssl_error("Cannot create a server socket with a PROTOCOL_TLS_CLIENT context", L_OTHER);
    }
    if (!server_side && c->protocol == PROTO_TLS_SERVER) {
        return set_ssl_error("Cannot create a client socket with a PROTOCOL_TLS_SERVER context", L_OTHER);
    }
    const char *host = NULL;
    if (hostname && !IS_NONE(hostname)) {
        if (IS_STR(hostname)) {
            if (AS_STR(hostname)->cplen != AS_STR(hostname)->len) {
                return exc_raise(exc_UnicodeEncodeError, "'ascii' codec can't encode characters");
            }
            host = AS_STR(hostname)->data;
        } else if (bytes_check(hostname)) {
            host = (const char *)AS_BYTES(hostname)->data;
        } else {
            return exc_raise(exc_TypeError, "argument must be str, bytes or bytearray, not %s",
                             val_type_name(hostname));
        }
        if (strlen(host) != (IS_STR(hostname) ? AS_STR(hostname)->len : AS_BYTES(hostname)->len)) {
            return exc_raise(exc_ValueError, "embedded null byte");
        }
    }
    int fd = -1;
    double timeout = -1;
    if (sock) {
        Value fv = call_method(sock, "fileno", 0, NULL);
        int64_t f;
        if (!fv || !int_to_i64(fv, &f)) {
            return VAL_NULL;
        }
        fd = (int)f;
        if (!sock_timeout_of(sock, &timeout)) {
            return VAL_NULL;
        }
    }
    SSL *ssl = SSL_new(c->ctx);
    if (!ssl) {
        return set_ssl_error(NULL, L_OTHER);
    }
    ObjSSLSocket *s = (ObjSSLSocket *)obj_alloc(cls_ssl_socket, sizeof(ObjSSLSocket));
    s->ssl = ssl;
    gc_note_alloc(SSL_NATIVE_BYTES);
    s->ctx = ctxv;
    s->first_ctx = ctxv;
    s->sock = sock;
    s->inbio = inb;
    s->outbio = outb;
    s->owner = VAL_NONE;
    s->server_hostname = VAL_NONE;
    s->server_side = server_side;
    gc_push_root(OBJ_VAL(s));
    X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(ssl), c->hostflags);
    SSL_set_app_data(ssl, s);
    if (sock) {
        SSL_set_fd(ssl, fd);
    } else {
        BIO_up_ref(BIOOBJ(inb)->bio);
        BIO_up_ref(BIOOBJ(outb)->bio);
        SSL_set_bio(ssl, BIOOBJ(inb)->bio, BIOOBJ(outb)->bio);
    }
    SSL_set_mode(ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_AUTO_RETRY);
    if (c->post_handshake_auth) {
        if (server_side) {
            int mode = SSL_get_verify_mode(ssl);
            if (mode & SSL_VERIFY_PEER) {
                SSL_set_verify(ssl, mode | SSL_VERIFY_POST_HANDSHAKE, SSL_get_verify_callback(ssl));
            }
        } else {
            SSL_set_post_handshake_auth(ssl, 1);
        }
    }
    if (host) {
        if (!configure_hostname(s, c, host)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        s->server_hostname = str_from_c(host);
    }
    if (sock && timeout >= 0) {
        BIO_set_nbio(SSL_get_rbio(ssl), 1);
        BIO_set_nbio(SSL_get_wbio(ssl), 1);
    }
    if (server_side) {
        SSL_set_accept_state(ssl);
    } else {
        SSL_set_connect_state(ssl);
    }
    if (owner && !IS_NONE(owner)) {
        s->owner = owner;
    }
    gc_pop_root(1);
    return OBJ_VAL(s);
}

// _wrap_socket(sock, server_side, server_hostname=None, *, owner=None, session=None)
static Value ctx_wrap_socket(int argc, Value *argv, ObjDict *kw) {
    if (!at_most("_wrap_socket", argc, 3, "positional arguments")) {
        return VAL_NULL;
    }
    Value sock = arg_at(argc, argv, kw, 1, "sock");
    Value side = arg_at(argc, argv, kw, 2, "server_side");
    Value host = arg_at(argc, argv, kw, 3, "server_hostname");
    if (!sock || !side) {
        return exc_raise(exc_TypeError, "_wrap_socket() missing required argument '%s'", sock ? "server_side" : "sock");
    }
    int ss = obj_truthy(side);
    if (ss < 0) {
        return VAL_NULL;
    }
    return new_sslsocket(argv[0], sock, VAL_NULL, VAL_NULL, ss, host, kw_get(kw, "owner"));
}

// _wrap_bio(incoming, outgoing, server_side, server_hostname=None, *, owner=None, session=None)
static Value ctx_wrap_bio(int argc, Value *argv, ObjDict *kw) {
    if (!at_most("_wrap_bio", argc, 4, "positional arguments")) {
        return VAL_NULL;
    }
    Value in = arg_at(argc, argv, kw, 1, "incoming");
    Value out = arg_at(argc, argv, kw, 2, "outgoing");
    Value side = arg_at(argc, argv, kw, 3, "server_side");
    Value host = arg_at(argc, argv, kw, 4, "server_hostname");
    if (!in || !out || !side) {
        return exc_raise(exc_TypeError, "_wrap_bio() missing required argument");
    }
    if (!obj_isinstance(in, cls_ssl_bio) || !obj_isinstance(out, cls_ssl_bio)) {
        return exc_raise(exc_TypeError, "_wrap_bio() argument must be _ssl.MemoryBIO, not %s",
                         val_type_name(obj_isinstance(in, cls_ssl_bio) ? out : in));
    }
    int ss = obj_truthy(side);
    if (ss < 0) {
        return VAL_NULL;
    }
    return new_sslsocket(argv[0], VAL_NULL, in, out, ss, host, kw_get(kw, "owner"));
}

// The socket's timeout: < 0 blocking (None), else seconds.
static Value sock_timeout_of(Value sock, double *out) {
    Value t = call_method(sock, "gettimeout", 0, NULL);
    if (!t) {
        return VAL_NULL;
    }
    *out = -1;
    if (!IS_NONE(t) && !val_to_double(t, out)) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

// The clock of one blocking call: the socket's timeout (-1: none; 0 over
// BIOs or non-blocking) and the deadline it sets.
typedef struct IoClock {
    double timeout;         // what is left (the socket's timeout at the start)
    double sock_timeout;    // the socket's timeout
    double deadline;        // clock_monotonic() deadline when has_timeout
    bool has_timeout;
} IoClock;

// Starts [clk] for a call on [s] (and sets its BIOs' blocking mode as the
// socket's, which may have changed); false on error.
static bool io_clock(ObjSSLSocket *s, IoClock *clk) {
    clk->timeout = 0;
    if (s->sock) {
        if (!sock_timeout_of(s->sock, &clk->timeout)) {
            return false;
        }
        int nb = clk->timeout >= 0;
        BIO_set_nbio(SSL_get_rbio(s->ssl), nb);
        BIO_set_nbio(SSL_get_wbio(s->ssl), nb);
    }
    clk->sock_timeout = clk->timeout;
    clk->has_timeout = clk->timeout > 0;
    clk->deadline = clk->has_timeout ? clock_monotonic() + clk->timeout : 0;
    return true;
}

// CPython's PySSL_select: waits up to [timeout] for the socket to be ready.
static int ssl_select(ObjSSLSocket *s, bool writing, double timeout, double sock_timeout) {
    if (!s->sock || timeout == 0) {
        return SOCK_NONBLOCKING;
    }
    if (timeout < 0) {
        return sock_timeout > 0 ? SOCK_TIMED_OUT : SOCK_BLOCKING;
    }
    int fd = SSL_get_fd(s->ssl);
    if (fd < 0) {
        return SOCK_CLOSED;
    }
    struct pollfd p = {.fd = fd, .events = writing ? POLLOUT : POLLIN};
    double ms = ceil(timeout * 1000.0);
    double t0 = clock_real_monotonic();
    int r = poll(&p, 1, ms > INT_MAX ? INT_MAX : (int)ms);
    clock_waited_since(t0);
    if (r < 0 && errno == EINTR && STATE_INTERRUPT() && vm_raise_interrupt()) {
        return SOCK_ERROR;
    }
    return r == 0 ? SOCK_TIMED_OUT : SOCK_OK;
}

// After a call on [s] that wants to read or write: waits for the socket as
// CPython's loops do. 1: call again; 0: stop there (not a want, or a
// non-blocking socket); -1: an exception is raised (TimeoutError "The
// [what] operation timed out"). [what] NULL: shutdown's rules (the want
// names the operation; a closed socket just stops).
static int io_wait(ObjSSLSocket *s, IoClock *clk, const char *what) {
    if (s->sock && s->err_ssl == SSL_ERROR_SYSCALL && s->err_c == EINTR) {
        // interrupted by a signal: run its handlers, then call again
        ERR_clear_error();
        return STATE_INTERRUPT() && vm_raise_interrupt() ? -1 : 1;
    }
    if (exc_pending()) {
        return -1;      // an sni_callback or password callback raised
    }
    bool reading = s->err_ssl == SSL_ERROR_WANT_READ;
    if (!reading && s->err_ssl != SSL_ERROR_WANT_WRITE) {
        return 0;
    }
    if (clk->has_timeout) {
        clk->timeout = clk->deadline - clock_monotonic();
    }
    // do_handshake's messages carry CPython's ERRSTR prefix ("_ssl.c:975: ")
    bool hs = what && strcmp(what, "handshake") == 0;
    switch (ssl_select(s, !reading, clk->timeout, clk->sock_timeout)) {
    case SOCK_ERROR:
        return -1;
    case SOCK_TIMED_OUT:
        exc_raise(exc_TimeoutError, "%sThe %s operation timed out", hs ? "_ssl.c:975: " : "",
                  what ? what : reading ? "read" : "write");
        return -1;
    case SOCK_CLOSED:
        if (!what) {
            return 0;
        }
        exc_raise(SSLERR(E_SSL), "%sUnderlying socket has been closed.", hs ? "_ssl.c:979: " : "");
        return -1;
    case SOCK_NONBLOCKING:
        return 0;
    default:
        return 1;
    }
}

static Value s_do_handshake(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("do_handshake", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjSSLSocket *s = SSOCK(argv[0]);
    IoClock clk;
    if (!io_clock(s, &clk)) {
        return VAL_NULL;
    }
    int ret, w;
    do {
        ret = SSL_do_handshake(s->ssl);
        record_err(s, ret < 1, ret);
    } while ((w = io_wait(s, &clk, "handshake")) == 1);
    if (w < 0) {
        return VAL_NULL;
    }
    return ret < 1 ? raise_io_error(s, ret, L_HANDSHAKE) : VAL_NONE;
}

// read(size, [buffer])
static Value s_read(int argc, Value *argv, ObjDict *kw) {
    ObjSSLSocket *s = SSOCK(argv[0]);
    if (!arg_count("read", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    long len;
    if (!get_long(argv[1], &len)) {
        return VAL_NULL;
    }
    bool has_buf = argc > 2;
    BufView buf = {0};
    if (has_buf) {
        if (!buffer_need(argv[2], &buf)) {
            return VAL_NULL;
        }
        if (buf.readonly) {
            return exc_raise(exc_TypeError, "read() argument 2 must be read-write bytes-like object, not %s",
                             val_type_name(argv[2]));
        }
        if (len <= 0 || (size_t)len > buf.len) {
            len = (long)buf.len;
            if (len == 0) {
                return MK_SMALL(0);
            }
        }
    } else if (len < 0) {
        return exc_raise(exc_ValueError, "size should not be negative");
    }
    if (len == 0) {
        return bytes_new("", 0);
    }
    if (!has_buf && len > (1L << 20)) {
        len = 1L << 20;     // a read returns one record's data (16 KiB) at most: no 2 GiB buffer for read(2**31)
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    IoClock clk;
    if (!io_clock(s, &clk)) {
        return VAL_NULL;
    }
    // without a buffer, read into the state's receive buffer (asyncio asks
    // for 256 KiB a read: a malloc of that size is an mmap, its pages
    // faulted in and unmapped again on every read) and copy out the count
    char *mem = NULL;
    size_t count = 0;
    int retval, w;
    for (;;) {
        // fetched again after io_wait: a signal handler may have used it
        if (!has_buf && !(mem = socket_scratch((size_t)len))) {
            return VAL_NULL;
        }
        retval = SSL_read_ex(s->ssl, has_buf ? (void *)buf.ptr : (void *)mem, (size_t)len, &count);
        record_err(s, retval == 0, retval);
        if (retval == 0 && s->err_ssl == SSL_ERROR_ZERO_RETURN && SSL_get_shutdown(s->ssl) == SSL_RECEIVED_SHUTDOWN) {
            count = 0;      // the peer closed the TLS layer: b''
            retval = 1;
            w = 0;
            break;
        }
        if ((w = io_wait(s, &clk, "read")) != 1) {
            break;
        }
        // a signal handler may have resized a bytearray buffer
        if (has_buf && (!buffer_need(argv[2], &buf) || buf.len < (size_t)len)) {
            return exc_pending() ? VAL_NULL : exc_raise(exc_ValueError, "buffer changed size");
        }
    }
    if (w < 0 || retval == 0) {
        return w < 0 ? VAL_NULL : raise_io_error(s, retval, L_READ);
    }
    if (has_buf) {
        return int_from_i64((int64_t)count);
    }
    return bytes_try_new(mem, count);
}

static Value s_write(int argc, Value *argv, ObjDict *kw) {
    ObjSSLSocket *s = SSOCK(argv[0]);
    BufView b;
    if (!arg_count("write", argc - 1, 1, 1) || !buffer_need(argv[1], &b)) {
        return VAL_NULL;
    }
    if (b.len > INT_MAX) {
        return exc_raise(exc_OverflowError, "string longer than %d bytes", INT_MAX);
    }
    IoClock clk;
    if (!io_clock(s, &clk)) {
        return VAL_NULL;
    }
    // first wait until the socket takes data (CPython does)
    s->err_ssl = SSL_ERROR_WANT_WRITE;
    s->err_c = 0;
    if (io_wait(s, &clk, "write") < 0) {
        return VAL_NULL;
    }
    size_t count = 0;
    int retval, w;
    do {
        if (!buffer_need(argv[1], &b)) {
            return VAL_NULL;
        }
        retval = SSL_write_ex(s->ssl, b.ptr, b.len, &count);
        record_err(s, retval == 0, retval);
    } while ((w = io_wait(s, &clk, "write")) == 1);
    if (w < 0) {
        return VAL_NULL;
    }
    return retval == 0 ? raise_io_error(s, retval, L_WRITE) : int_from_i64((int64_t)count);
}

static Value s_pending(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("pending", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    int n = SSL_pending(SSOCK(argv[0])->ssl);
    return MK_SMALL(n < 0 ? 0 : n);
}

// shutdown(): the socket (socket mode) or None once the TLS close is done
static Value s_shutdown(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("shutdown", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjSSLSocket *s = SSOCK(argv[0]);
    if (s->sock) {
        Value fv = call_method(s->sock, "fileno", 0, NULL);
        int64_t f;
        if (!fv || !int_to_i64(fv, &f)) {
            return VAL_NULL;
        }
        if (f < 0) {
            return raise_ssl(NULL, E_SSL, PYERR_NO_SOCKET, "Underlying socket connection gone", L_SHUTDOWN, 0);
        }
    }
    IoClock clk;
    if (!io_clock(s, &clk)) {
        return VAL_NULL;
    }
    int zeros = 0, ret;
    for (;;) {
        if (s->shutdown_seen_zero) {
            SSL_set_read_ahead(s->ssl, 0);  // unwrap() must not eat the plain data after close_notify
        }
        ret = SSL_shutdown(s->ssl);
        record_err(s, ret < 0, ret);
        if (ret > 0) {
            break;
        }
        if (ret == 0) {
            // close_notify sent; try once more to receive the peer's
            if (++zeros > 1) {
                break;
            }
            s->shutdown_seen_zero = true;
            continue;
        }
        int w = io_wait(s, &clk, NULL);
        if (w < 0) {
            return VAL_NULL;
        }
        if (w == 0) {
            break;
        }
    }
    if (ret < 0) {
        return raise_io_error(s, ret, L_SHUTDOWN);
    }
    return s->sock ? s->sock : VAL_NONE;
}

static Value s_cipher(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("cipher", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    const SSL_CIPHER *c = SSL_get_current_cipher(SSOCK(argv[0])->ssl);
    if (!c) {
        return VAL_NONE;
    }
    Value name = str_or_none(SSL_CIPHER_get_name(c));
    gc_push_root(name);
    Value ver = str_or_none(SSL_CIPHER_get_version(c));
    gc_push_root(ver);
    Value t = tuple_pack(3, name, ver, MK_SMALL(SSL_CIPHER_get_bits(c, NULL)));
    gc_pop_root(2);
    return t;
}

static Value s_shared_ciphers(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("shared_ciphers", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    STACK_OF(SSL_CIPHER) *sk = SSL_get_ciphers(SSOCK(argv[0])->ssl);
    if (!sk || !SSL_get_session(SSOCK(argv[0])->ssl)) {
        return VAL_NONE;
    }
    Value l = list_new((size_t)sk_SSL_CIPHER_num(sk));
    gc_push_root(l);
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
        Value name = str_or_none(SSL_CIPHER_get_name(c));
        gc_push_root(name);
        Value ver = str_or_none(SSL_CIPHER_get_version(c));
        gc_push_root(ver);
        list_append(AS_LIST(l), tuple_pack(3, name, ver, MK_SMALL(SSL_CIPHER_get_bits(c, NULL))));
        gc_pop_root(2);
    }
    gc_pop_root(1);
    return AS_LIST(l)->len ? l : VAL_NONE;
}

static Value s_version(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("version", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    SSL *ssl = SSOCK(argv[0])->ssl;
    if (!SSL_is_init_finished(ssl)) {
        return VAL_NONE;
    }
    return str_or_none(SSL_get_version(ssl));
}

static Value s_selected_alpn_protocol(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("selected_alpn_protocol", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    const unsigned char *out;
    unsigned int len;
    SSL_get0_alpn_selected(SSOCK(argv[0])->ssl, &out, &len);
    return out ? str_new((const char *)out, len) : VAL_NONE;
}

static Value s_compression(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("compression", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return VAL_NONE;    // OpenSSL 3 builds have no TLS compression
}

static Value s_getpeercert(int argc, Value *argv, ObjDict *kw) {
    ObjSSLSocket *s = SSOCK(argv[0]);
    Value bf = arg_at(argc, argv, kw, 1, "der");
    if (!bf) {
        bf = kw_get(kw, "binary_form");
    }
    int binary = bf ? obj_truthy(bf) : 0;
    if (binary < 0) {
        return VAL_NULL;
    }
    if (!SSL_is_init_finished(s->ssl)) {
        return exc_raise(exc_ValueError, "handshake not done yet");
    }
    X509 *peer = SSL_get1_peer_certificate(s->ssl);
    if (!peer) {
        return VAL_NONE;
    }
    Value r;
    if (binary) {
        r = cert_der(peer);
    } else if (!(SSL_CTX_get_verify_mode(SSL_get_SSL_CTX(s->ssl)) & SSL_VERIFY_PEER)) {
        r = dict_new();
    } else {
        r = decode_cert(peer);
    }
    X509_free(peer);
    return r;
}

static Value s_get_channel_binding(int argc, Value *argv, ObjDict *kw) {
    ObjSSLSocket *s = SSOCK(argv[0]);
    Value t = arg_at(argc, argv, kw, 1, "cb_type");
    const char *type = t ? (IS_STR(t) ? AS_STR(t)->data : NULL) : "tls-unique";
    if (!type) {
        return exc_raise(exc_TypeError, "get_channel_binding() argument 'cb_type' must be str, not %s",
                         val_type_name(t));
    }
    if (strcmp(type, "tls-unique") != 0) {
        return exc_raise(exc_ValueError, "'%s' channel binding type not implemented", type);
    }
    char buf[128];
    size_t len;
    // tls-unique: the first Finished message of the handshake
    if (SSL_session_reused(s->ssl) ^ !s->server_side) {
        len = SSL_get_finished(s->ssl, buf, sizeof buf);
    } else {
        len = SSL_get_peer_finished(s->ssl, buf, sizeof buf);
    }
    if (len == 0) {
        return VAL_NONE;
    }
    return bytes_new(buf, len);
}

static Value s_verify_client_post_handshake(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("verify_client_post_handshake", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    if (!SSL_verify_client_post_handshake(SSOCK(argv[0])->ssl)) {
        return set_ssl_error(NULL, L_OTHER);
    }
    return VAL_NONE;
}

static Value sp_context(int argc, Value *argv, ObjDict *kw) {
    return SSOCK(argv[0])->ctx;
}

static Value sp_set_context(int argc, Value *argv, ObjDict *kw) {
    ObjSSLSocket *s = SSOCK(argv[0]);
    if (!obj_isinstance(argv[1], cls_ssl_context)) {
        return exc_raise(exc_TypeError, "The value must be a SSLContext");
    }
    SSL_set_SSL_CTX(s->ssl, CTX(argv[1])->ctx);
    s->ctx = argv[1];
    return VAL_NONE;
}

static Value sp_server_side(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(SSOCK(argv[0])->server_side);
}

static Value sp_server_hostname(int argc, Value *argv, ObjDict *kw) {
    return SSOCK(argv[0])->server_hostname;
}

static Value sp_owner(int argc, Value *argv, ObjDict *kw) {
    return SSOCK(argv[0])->owner;
}

static Value sp_set_owner(int argc, Value *argv, ObjDict *kw) {
    SSOCK(argv[0])->owner = argv[1];
    return VAL_NONE;
}

static Value sp_session(int argc, Value *argv, ObjDict *kw) {
    return VAL_NONE;    // pyish: no SSLSession objects
}

static Value sp_set_session(int argc, Value *argv, ObjDict *kw) {
    if (IS_NONE(argv[1])) {
        return VAL_NONE;
    }
    return exc_raise(exc_TypeError, "Value is not a SSLSession.");
}

static Value sp_session_reused(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(SSL_session_reused(SSOCK(argv[0])->ssl));
}

// ---- certificates (CPython's _decode_certificate)

static Value cert_der(X509 *cert) {
    unsigned char *buf = NULL;
    int len = i2d_X509(cert, &buf);
    if (len < 0) {
        return set_ssl_error(NULL, L_OTHER);
    }
    Value r = bytes_try_new(buf, (size_t)len);
    OPENSSL_free(buf);
    return r;
}

// (name, value) of one name entry
static Value name_attr(ASN1_OBJECT *name, ASN1_STRING *value) {
    char nb[256];
    int n = OBJ_obj2txt(nb, sizeof nb, name, 0);
    if (n < 0) {
        return set_ssl_error(NULL, L_OTHER);
    }
    if (n >= (int)sizeof nb) {
        n = (int)sizeof nb - 1;
    }
    unsigned char *vb = NULL;
    int vn = ASN1_STRING_to_UTF8(&vb, value);
    if (vn < 0) {
        return set_ssl_error(NULL, L_OTHER);
    }
    Value k = str_new(nb, (size_t)n);
    gc_push_root(k);
    Value v = str_new((const char *)vb, (size_t)vn);
    OPENSSL_free(vb);
    gc_push_root(v);
    Value t = tuple_pack(2, k, v);
    gc_pop_root(2);
    return t;
}

// An X509_NAME as a tuple of RDNs, each a tuple of (name, value)
static Value name_tuple(X509_NAME *xname) {
    Value dn = list_new(4);
    gc_push_root(dn);
    Value rdn = list_new(2);
    gc_push_root(rdn);
    int level = -1, count = X509_NAME_entry_count(xname);
    for (int i = 0; i < count; i++) {
        X509_NAME_ENTRY *entry = X509_NAME_get_entry(xname, i);
        if (level >= 0 && level != X509_NAME_ENTRY_set(entry)) {
            Value t = seq_to_tuple(rdn);
            if (!t) {
                gc_pop_root(2);
                return VAL_NULL;
            }
            list_append(AS_LIST(dn), t);
            AS_LIST(rdn)->len = 0;
        }
        level = X509_NAME_ENTRY_set(entry);
        Value a = name_attr(X509_NAME_ENTRY_get_object(entry), X509_NAME_ENTRY_get_data(entry));
        if (!a) {
            gc_pop_root(2);
            return VAL_NULL;
        }
        list_append(AS_LIST(rdn), a);
    }
    if (AS_LIST(rdn)->len) {
        Value t = seq_to_tuple(rdn);
        if (!t) {
            gc_pop_root(2);
            return VAL_NULL;
        }
        list_append(AS_LIST(dn), t);
    }
    Value r = seq_to_tuple(dn);
    gc_pop_root(2);
    return r;
}

static Value pair_of(const char *k, Value v) {
    gc_push_root(v);
    Value ks = str_from_c(k);
    gc_push_root(ks);
    Value t = tuple_pack(2, ks, v);
    gc_pop_root(2);
    return t;
}

// subjectAltName as a tuple of (type, value), or None
static Value alt_names(X509 *cert) {
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    if (!names) {
        ERR_clear_error();
        return VAL_NONE;
    }
    Value l = list_new(4);
    gc_push_root(l);
    Value err = VAL_NONE;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        GENERAL_NAME *n = sk_GENERAL_NAME_value(names, i);
        Value item = VAL_NULL;
        char buf[256];
        switch (n->type) {
        case GEN_DIRNAME: {
            Value t = name_tuple(n->d.dirn);
            item = t ? pair_of("DirName", t) : VAL_NULL;
            break;
        }
        case GEN_EMAIL:
        case GEN_DNS:
        case GEN_URI: {
            const char *k = n->type == GEN_EMAIL ? "email" : n->type == GEN_DNS ? "DNS" : "URI";
            ASN1_STRING *as = n->d.ia5;
            item = pair_of(k, str_new((const char *)ASN1_STRING_get0_data(as), (size_t)ASN1_STRING_length(as)));
            break;
        }
        case GEN_RID: {
            int len = OBJ_obj2txt(buf, sizeof buf, n->d.rid, 0);
            if (len < 0) {
                item = set_ssl_error(NULL, L_OTHER);
            } else {
                item = pair_of("Registered ID", str_new(buf, (size_t)(len < (int)sizeof buf ? len : (int)sizeof buf - 1)));
            }
            break;
        }
        case GEN_IPADD: {
            const unsigned char *p = ASN1_STRING_get0_data(n->d.ip);
            int len = ASN1_STRING_length(n->d.ip);
            if (len == 4) {
                snprintf(buf, sizeof buf, "%d.%d.%d.%d", p[0], p[1], p[2], p[3]);
            } else if (len == 16) {
                snprintf(buf, sizeof buf, "%X:%X:%X:%X:%X:%X:%X:%X", p[0] << 8 | p[1], p[2] << 8 | p[3],
                         p[4] << 8 | p[5], p[6] << 8 | p[7], p[8] << 8 | p[9], p[10] << 8 | p[11],
                         p[12] << 8 | p[13], p[14] << 8 | p[15]);
            } else {
                snprintf(buf, sizeof buf, "<invalid>");
            }
            item = pair_of("IP Address", str_from_c(buf));
            break;
        }
        default: {
            const char *k = n->type == GEN_OTHERNAME ? "othername" : n->type == GEN_X400 ? "X400Name"
                          : n->type == GEN_EDIPARTY ? "EdiPartyName" : "othername";
            item = pair_of(k, str_from_c("<unsupported>"));
            break;
        }
        }
        if (!item) {
            err = VAL_NULL;
            break;
        }
        list_append(AS_LIST(l), item);
    }
    GENERAL_NAMES_free(names);
    Value r = err ? seq_to_tuple(l) : VAL_NULL;
    gc_pop_root(1);
    return r;
}

// the URIs of an Authority Information Access method [nid], or None
static Value aia_uris(X509 *cert, int nid) {
    AUTHORITY_INFO_ACCESS *info = X509_get_ext_d2i(cert, NID_info_access, NULL, NULL);
    if (!info) {
        ERR_clear_error();
        return VAL_NONE;
    }
    Value l = list_new(2);
    gc_push_root(l);
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(info); i++) {
        ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(info, i);
        if (OBJ_obj2nid(ad->method) != nid || ad->location->type != GEN_URI) {
            continue;
        }
        ASN1_IA5STRING *uri = ad->location->d.uniformResourceIdentifier;
        list_append(AS_LIST(l), str_new((const char *)uri->data, (size_t)uri->length));
    }
    AUTHORITY_INFO_ACCESS_free(info);
    Value r = AS_LIST(l)->len ? seq_to_tuple(l) : VAL_NONE;
    gc_pop_root(1);
    return r;
}

static Value crl_points(X509 *cert) {
    STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    if (!dps) {
        ERR_clear_error();
        return VAL_NONE;
    }
    Value l = list_new(2);
    gc_push_root(l);
    for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
        DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
        if (!dp->distpoint || dp->distpoint->type != 0) {
            continue;
        }
        GENERAL_NAMES *gns = dp->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(gns); j++) {
            GENERAL_NAME *gn = sk_GENERAL_NAME_value(gns, j);
            if (gn->type != GEN_URI) {
                continue;
            }
            ASN1_IA5STRING *uri = gn->d.uniformResourceIdentifier;
            list_append(AS_LIST(l), str_new((const char *)uri->data, (size_t)uri->length));
        }
    }
    CRL_DIST_POINTS_free(dps);
    Value r = AS_LIST(l)->len ? seq_to_tuple(l) : VAL_NONE;
    gc_pop_root(1);
    return r;
}

// text that [print] writes to a memory BIO, as a str
static Value bio_text(int (*print)(BIO *, const void *), const void *what) {
    BIO *b = BIO_new(BIO_s_mem());
    if (!b) {
        return exc_raise_nomem();
    }
    print(b, what);
    char buf[2048];
    int n = BIO_gets(b, buf, sizeof buf - 1);
    BIO_free(b);
    if (n < 0) {
        return set_ssl_error(NULL, L_OTHER);
    }
    return str_new(buf, (size_t)n);
}

static int print_serial(BIO *b, const void *v) {
    return i2a_ASN1_INTEGER(b, v);
}

static int print_time(BIO *b, const void *v) {
    return ASN1_TIME_print(b, v);
}

static Value decode_cert(X509 *cert) {
    Value d = dict_new();
    gc_push_root(d);
    ObjDict *dd = AS_DICT(d);
    Value v = name_tuple(X509_get_subject_name(cert));
    if (v) {
        dict_set_str(dd, str_intern_c("subject"), v);
        v = name_tuple(X509_get_issuer_name(cert));
    }
    if (v) {
        dict_set_str(dd, str_intern_c("issuer"), v);
        dict_set_str(dd, str_intern_c("version"), int_from_i64(X509_get_version(cert) + 1));
        v = bio_text(print_serial, X509_get_serialNumber(cert));
    }
    if (v) {
        dict_set_str(dd, str_intern_c("serialNumber"), v);
        v = bio_text(print_time, X509_get0_notBefore(cert));
    }
    if (v) {
        dict_set_str(dd, str_intern_c("notBefore"), v);
        v = bio_text(print_time, X509_get0_notAfter(cert));
    }
    if (v) {
        dict_set_str(dd, str_intern_c("notAfter"), v);
        v = alt_names(cert);
    }
    if (v && !IS_NONE(v)) {
        dict_set_str(dd, str_intern_c("subjectAltName"), v);
    }
    if (v) {
        v = aia_uris(cert, NID_ad_OCSP);
    }
    if (v && !IS_NONE(v)) {
        dict_set_str(dd, str_intern_c("OCSP"), v);
    }
    if (v) {
        v = aia_uris(cert, NID_ad_ca_issuers);
    }
    if (v && !IS_NONE(v)) {
        dict_set_str(dd, str_intern_c("caIssuers"), v);
    }
    if (v) {
        v = crl_points(cert);
    }
    if (v && !IS_NONE(v)) {
        dict_set_str(dd, str_intern_c("crlDistributionPoints"), v);
    }
    gc_pop_root(1);
    return v ? d : VAL_NULL;
}

// _test_decode_cert(path): the dict of a PEM certificate file
static Value m_test_decode_cert(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_test_decode_cert", argc, 1, 1)) {
        return VAL_NULL;
    }
    const char *path;
    Value keep;
    if (!fs_path(argv[0], &path, &keep, "expected str, bytes or os.PathLike object")) {
        return VAL_NULL;
    }
    BIO *b = BIO_new(BIO_s_file());
    if (!b) {
        return set_ssl_error("Can't malloc memory to read file", L_OTHER);
    }
    if (BIO_read_filename(b, path) <= 0) {
        BIO_free(b);
        return set_ssl_error("Can't open file", L_OTHER);
    }
    X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    if (!x) {
        return set_ssl_error("Error decoding PEM-encoded file", L_OTHER);
    }
    Value r = decode_cert(x);
    X509_free(x);
    return r;
}

// ---- module functions

static Value m_rand_status(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("RAND_status", argc, 0, 0)) {
        return VAL_NULL;
    }
    return VAL_BOOL(RAND_status() == 1);
}

static Value m_rand_add(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("RAND_add", argc, 2, 2)) {
        return VAL_NULL;
    }
    const char *p;
    size_t n;
    if (!pw_bytes(argv[0], &p, &n, "a bytes-like object is required")) {
        return VAL_NULL;
    }
    double entropy;
    if (!val_to_double(argv[1], &entropy)) {
        return VAL_NULL;
    }
    RAND_add(p, (int)(n > INT_MAX ? INT_MAX : n), entropy);
    return VAL_NONE;
}

static Value rand_bytes(int argc, Value *argv, bool pseudo) {
    long n;
    if (!arg_count(pseudo ? "RAND_pseudo_bytes" : "RAND_bytes", argc, 1, 1) || !get_long(argv[0], &n)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "num must be positive");
    }
    if (n > INT_MAX) {
        return exc_raise(exc_OverflowError, "Python int too large to convert to C int");
    }
    unsigned char *buf = malloc(n ? (size_t)n : 1);
    if (!buf) {
        return exc_raise_nomem();
    }
    int ok = RAND_bytes(buf, (int)n);
    if (ok != 1 && !pseudo) {
        free(buf);
        return raise_ssl(NULL, E_SSL, (int)ERR_get_error(), NULL, L_OTHER, ERR_peek_last_error());
    }
    Value b = bytes_try_new(buf, (size_t)n);
    free(buf);
    if (!b || !pseudo) {
        return b;
    }
    gc_push_root(b);
    Value t = tuple_pack(2, b, VAL_BOOL(ok == 1));
    gc_pop_root(1);
    return t;
}

static Value m_rand_bytes(int argc, Value *argv, ObjDict *kw) {
    return rand_bytes(argc, argv, false);
}

static Value m_rand_pseudo_bytes(int argc, Value *argv, ObjDict *kw) {
    return rand_bytes(argc, argv, true);
}

// (nid, shortname, longname, oid) of an ASN.1 object
static Value asn1obj_tuple(ASN1_OBJECT *obj) {
    int nid = OBJ_obj2nid(obj);
    char buf[256];
    int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
    if (n < 0) {
        return set_ssl_error(NULL, L_OTHER);
    }
    Value sn = nid == NID_undef ? VAL_NONE : str_or_none(OBJ_nid2sn(nid));
    gc_push_root(sn);
    Value ln = nid == NID_undef ? VAL_NONE : str_or_none(OBJ_nid2ln(nid));
    gc_push_root(ln);
    Value oid = str_new(buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
    gc_push_root(oid);
    Value t = tuple_pack(4, MK_SMALL(nid), sn, ln, oid);
    gc_pop_root(3);
    return t;
}

static Value m_txt2obj(int argc, Value *argv, ObjDict *kw) {
    Value txt = arg_at(argc, argv, kw, 0, "txt");
    Value name = arg_at(argc, argv, kw, 1, "name");
    if (!txt || !IS_STR(txt)) {
        return exc_raise(exc_TypeError, "txt2obj() argument 'txt' must be str");
    }
    int byname = name ? obj_truthy(name) : 0;
    if (byname < 0) {
        return VAL_NULL;
    }
    ASN1_OBJECT *obj = OBJ_txt2obj(AS_STR(txt)->data, byname ? 0 : 1);
    if (!obj) {
        ERR_clear_error();
        return exc_raise(exc_ValueError, "unknown object '%.100s'", AS_STR(txt)->data);
    }
    Value r = asn1obj_tuple(obj);
    ASN1_OBJECT_free(obj);
    return r;
}

static Value m_nid2obj(int argc, Value *argv, ObjDict *kw) {
    long nid;
    if (!arg_count("nid2obj", argc, 1, 1) || !get_long(argv[0], &nid)) {
        return VAL_NULL;
    }
    if (nid < NID_undef) {
        return exc_raise(exc_ValueError, "NID must be positive.");
    }
    ASN1_OBJECT *obj = OBJ_nid2obj((int)nid);
    if (!obj) {
        ERR_clear_error();
        return exc_raise(exc_ValueError, "unknown NID %ld", nid);
    }
    Value r = asn1obj_tuple(obj);
    ASN1_OBJECT_free(obj);
    return r;
}

static Value m_get_default_verify_paths(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("get_default_verify_paths", argc, 0, 0)) {
        return VAL_NULL;
    }
    Value v[4] = {str_from_c(X509_get_default_cert_file_env()), VAL_NULL, VAL_NULL, VAL_NULL};
    gc_push_root(v[0]);
    v[1] = str_from_c(X509_get_default_cert_file());
    gc_push_root(v[1]);
    v[2] = str_from_c(X509_get_default_cert_dir_env());
    gc_push_root(v[2]);
    v[3] = str_from_c(X509_get_default_cert_dir());
    gc_push_root(v[3]);
    Value t = tuple_pack(4, v[0], v[1], v[2], v[3]);
    gc_pop_root(4);
    return t;
}

// ---- module

static const MethodDef ctx_methods[] = {
    {"_wrap_socket", ctx_wrap_socket, true},
    {"_wrap_bio", ctx_wrap_bio, true},
    {"load_cert_chain", ctx_load_cert_chain, true},
    {"load_verify_locations", ctx_load_verify_locations, true},
    {"set_default_verify_paths", ctx_set_default_verify_paths},
    {"set_ciphers", ctx_set_ciphers},
    {"get_ciphers", ctx_get_ciphers},
    {"_set_alpn_protocols", ctx_set_alpn_protocols},
    {"set_ecdh_curve", ctx_set_ecdh_curve},
    {"session_stats", ctx_session_stats},
    {"cert_store_stats", ctx_cert_store_stats},
    {"get_ca_certs", ctx_get_ca_certs, true},
    {NULL, NULL},
};

static const MethodDef bio_methods[] = {
    {"read", bio_read},
    {"write", bio_write},
    {"write_eof", bio_write_eof},
    {NULL, NULL},
};

static const MethodDef sock_methods[] = {
    {"do_handshake", s_do_handshake},
    {"read", s_read},
    {"write", s_write},
    {"pending", s_pending},
    {"shutdown", s_shutdown},
    {"cipher", s_cipher},
    {"shared_ciphers", s_shared_ciphers},
    {"version", s_version},
    {"selected_alpn_protocol", s_selected_alpn_protocol},
    {"compression", s_compression},
    {"getpeercert", s_getpeercert, true},
    {"get_channel_binding", s_get_channel_binding, true},
    {"verify_client_post_handshake", s_verify_client_post_handshake},
    {NULL, NULL},
};

static const MethodDef ssl_fns[] = {
    {"RAND_status", m_rand_status},
    {"RAND_add", m_rand_add},
    {"RAND_bytes", m_rand_bytes},
    {"RAND_pseudo_bytes", m_rand_pseudo_bytes},
    {"txt2obj", m_txt2obj, true},
    {"nid2obj", m_nid2obj},
    {"get_default_verify_paths", m_get_default_verify_paths},
    {"_test_decode_cert", m_test_decode_cert},
    {NULL, NULL},
};

typedef struct PropDef {
    const char *name;
    NativeFn get, set;
} PropDef;

static void add_props(ObjClass *cls, const PropDef *defs) {
    for (const PropDef *d = defs; d->name; d++) {
        ObjProperty *p = (ObjProperty *)obj_alloc(cls_property, sizeof(ObjProperty));
        p->fget = p->fset = p->fdel = p->doc = VAL_NONE;
        gc_push_root(OBJ_VAL(p));
        p->fget = native_new(d->name, d->get, cls);
        if (d->set) {
            p->fset = native_new(d->name, d->set, cls);
        }
        dict_set_str(cls->dict, str_intern_c(d->name), OBJ_VAL(p));
        gc_pop_root(1);
    }
}

static const PropDef ctx_props[] = {
    {"protocol", p_protocol, NULL},
    {"verify_mode", p_verify_mode, p_set_verify_mode},
    {"check_hostname", p_check_hostname, p_set_check_hostname},
    {"options", p_options, p_set_options},
    {"verify_flags", p_verify_flags, p_set_verify_flags},
    {"minimum_version", p_minimum_version, p_set_minimum_version},
    {"maximum_version", p_maximum_version, p_set_maximum_version},
    {"_host_flags", p_host_flags, p_set_host_flags},
    {"post_handshake_auth", p_post_handshake_auth, p_set_post_handshake_auth},
    {"security_level", p_security_level, NULL},
    {"num_tickets", p_num_tickets, p_set_num_tickets},
    {"sni_callback", p_sni_callback, p_set_sni_callback},
    {NULL, NULL, NULL},
};

static const PropDef bio_props[] = {
    {"pending", bio_pending, NULL},
    {"eof", bio_eof, NULL},
    {NULL, NULL, NULL},
};

static const PropDef sock_props[] = {
    {"context", sp_context, sp_set_context},
    {"server_side", sp_server_side, NULL},
    {"server_hostname", sp_server_hostname, NULL},
    {"owner", sp_owner, sp_set_owner},
    {"session", sp_session, sp_set_session},
    {"session_reused", sp_session_reused, NULL},
    {NULL, NULL, NULL},
};

static void mark_ssl(void) {
    for (int i = 0; i < E_COUNT; i++) {
        gc_mark_value(ST->ssl_errors[i]);
    }
}

// An exception class of module ssl: [name] with [bases] (a tuple).
static Value make_error(const char *name, Value bases) {
    gc_push_root(bases);
    Value ns = dict_new();
    gc_push_root(ns);
    dict_set_str(AS_DICT(ns), str_intern_c("__module__"), str_from_c("ssl"));
    Value c = class_create(str_intern_c(name), AS_TUPLE(bases), AS_DICT(ns));
    gc_pop_root(2);
    return c;
}

static bool make_errors(void) {
    Value b = tuple_pack(1, OBJ_VAL(exc_OSError));
    Value e = make_error("SSLError", b);
    if (!e) {
        return false;
    }
    ST->ssl_errors[E_SSL] = e;
    gc_add_root_marker(mark_ssl);
    dict_set_str(AS_CLASS(e)->dict, str_intern_c("__str__"), native_new("__str__", sslerror_str, AS_CLASS(e)));
    class_changed();
    class_compute_slots(AS_CLASS(e));
    static const char *const names[] = {
        [E_ZERO] = "SSLZeroReturnError", [E_WANT_READ] = "SSLWantReadError", [E_WANT_WRITE] = "SSLWantWriteError",
        [E_SYSCALL] = "SSLSyscallError", [E_EOF] = "SSLEOFError",
    };
    for (int i = E_ZERO; i <= E_EOF; i++) {
        Value sub = make_error(names[i], tuple_pack(1, e));
        if (!sub) {
            return false;
        }
        ST->ssl_errors[i] = sub;
    }
    Value cv = make_error("SSLCertVerificationError", tuple_pack(2, e, OBJ_VAL(exc_ValueError)));
    if (!cv) {
        return false;
    }
    ST->ssl_errors[E_CERT] = cv;
    return true;
}

static Value session_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    return exc_raise(exc_TypeError, "cannot create '_ssl.SSLSession' instances");
}

static ObjClass *ssl_class(const char *name, size_t size, const MethodDef *methods, const PropDef *props) {
    ObjClass *c = class_new_builtin(name, NULL, size, methods);
    c->module = str_intern_c("_ssl");
    if (props) {
        add_props(c, props);
    }
    return c;
}

Value mod_ssl_init(void) {
    if (!cls_ssl_context) {
        OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
        cls_ssl_context = ssl_class("_SSLContext", sizeof(ObjSSLContext), ctx_methods, ctx_props);
        cls_ssl_context->new_ = ctx_new;
        cls_ssl_context->trace = trace_ctx;
        cls_ssl_context->finalize = finalize_ctx;
        cls_ssl_bio = ssl_class("MemoryBIO", sizeof(ObjMemoryBIO), bio_methods, bio_props);
        cls_ssl_bio->new_ = bio_new;
        cls_ssl_bio->finalize = finalize_bio;
        cls_ssl_socket = ssl_class("_SSLSocket", sizeof(ObjSSLSocket), sock_methods, sock_props);
        cls_ssl_socket->flags &= ~(uint32_t)CLS_BASETYPE;
        cls_ssl_socket->new_ = NULL;
        cls_ssl_socket->trace = trace_sock;
        cls_ssl_socket->finalize = finalize_sock;
        cls_ssl_session = ssl_class("SSLSession", sizeof(Obj), NULL, NULL);
        cls_ssl_session->flags &= ~(uint32_t)CLS_BASETYPE;
        cls_ssl_session->new_ = session_new;
        if (!make_errors()) {
            return VAL_NULL;
        }
    }
    Value m = module_new("_ssl");
    gc_push_root(m);
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "_ssl", ssl_fns);
    dict_set_str(d, str_intern_c("_SSLContext"), OBJ_VAL(cls_ssl_context));
    dict_set_str(d, str_intern_c("MemoryBIO"), OBJ_VAL(cls_ssl_bio));
    dict_set_str(d, str_intern_c("_SSLSocket"), OBJ_VAL(cls_ssl_socket));
    dict_set_str(d, str_intern_c("SSLSession"), OBJ_VAL(cls_ssl_session));
    static const char *const enames[] = {
        "SSLError", "SSLZeroReturnError", "SSLWantReadError", "SSLWantWriteError",
        "SSLSyscallError", "SSLEOFError", "SSLCertVerificationError",
    };
    for (int i = 0; i < E_COUNT; i++) {
        dict_set_str(d, str_intern_c(enames[i]), ST->ssl_errors[i]);
    }
#define C(n, v) {n, (int64_t)(v)}
    static const struct {
        const char *name;
        int64_t value;
    } consts[] = {
        C("SSL_ERROR_ZERO_RETURN", PYERR_ZERO_RETURN), C("SSL_ERROR_WANT_READ", PYERR_WANT_READ),
        C("SSL_ERROR_WANT_WRITE", PYERR_WANT_WRITE), C("SSL_ERROR_WANT_X509_LOOKUP", PYERR_WANT_X509_LOOKUP),
        C("SSL_ERROR_SYSCALL", PYERR_SYSCALL), C("SSL_ERROR_SSL", PYERR_SSL),
        C("SSL_ERROR_WANT_CONNECT", PYERR_WANT_CONNECT), C("SSL_ERROR_EOF", PYERR_EOF),
        C("SSL_ERROR_INVALID_ERROR_CODE", PYERR_INVALID),
        C("CERT_NONE", 0), C("CERT_OPTIONAL", 1), C("CERT_REQUIRED", 2),
        C("VERIFY_DEFAULT", 0), C("VERIFY_CRL_CHECK_LEAF", X509_V_FLAG_CRL_CHECK),
        C("VERIFY_CRL_CHECK_CHAIN", X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL),
        C("VERIFY_X509_STRICT", X509_V_FLAG_X509_STRICT), C("VERIFY_ALLOW_PROXY_CERTS", X509_V_FLAG_ALLOW_PROXY_CERTS),
        C("VERIFY_X509_TRUSTED_FIRST", X509_V_FLAG_TRUSTED_FIRST),
        C("VERIFY_X509_PARTIAL_CHAIN", X509_V_FLAG_PARTIAL_CHAIN),
        C("ALERT_DESCRIPTION_CLOSE_NOTIFY", SSL_AD_CLOSE_NOTIFY),
        C("ALERT_DESCRIPTION_UNEXPECTED_MESSAGE", SSL_AD_UNEXPECTED_MESSAGE),
        C("ALERT_DESCRIPTION_BAD_RECORD_MAC", SSL_AD_BAD_RECORD_MAC),
        C("ALERT_DESCRIPTION_RECORD_OVERFLOW", SSL_AD_RECORD_OVERFLOW),
        C("ALERT_DESCRIPTION_DECOMPRESSION_FAILURE", SSL_AD_DECOMPRESSION_FAILURE),
        C("ALERT_DESCRIPTION_HANDSHAKE_FAILURE", SSL_AD_HANDSHAKE_FAILURE),
        C("ALERT_DESCRIPTION_BAD_CERTIFICATE", SSL_AD_BAD_CERTIFICATE),
        C("ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE", SSL_AD_UNSUPPORTED_CERTIFICATE),
        C("ALERT_DESCRIPTION_CERTIFICATE_REVOKED", SSL_AD_CERTIFICATE_REVOKED),
        C("ALERT_DESCRIPTION_CERTIFICATE_EXPIRED", SSL_AD_CERTIFICATE_EXPIRED),
        C("ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN", SSL_AD_CERTIFICATE_UNKNOWN),
        C("ALERT_DESCRIPTION_ILLEGAL_PARAMETER", SSL_AD_ILLEGAL_PARAMETER),
        C("ALERT_DESCRIPTION_UNKNOWN_CA", SSL_AD_UNKNOWN_CA),
        C("ALERT_DESCRIPTION_ACCESS_DENIED", SSL_AD_ACCESS_DENIED),
        C("ALERT_DESCRIPTION_DECODE_ERROR", SSL_AD_DECODE_ERROR),
        C("ALERT_DESCRIPTION_DECRYPT_ERROR", SSL_AD_DECRYPT_ERROR),
        C("ALERT_DESCRIPTION_PROTOCOL_VERSION", SSL_AD_PROTOCOL_VERSION),
        C("ALERT_DESCRIPTION_INSUFFICIENT_SECURITY", SSL_AD_INSUFFICIENT_SECURITY),
        C("ALERT_DESCRIPTION_INTERNAL_ERROR", SSL_AD_INTERNAL_ERROR),
        C("ALERT_DESCRIPTION_USER_CANCELLED", SSL_AD_USER_CANCELLED),
        C("ALERT_DESCRIPTION_NO_RENEGOTIATION", SSL_AD_NO_RENEGOTIATION),
        C("ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION", SSL_AD_UNSUPPORTED_EXTENSION),
        C("ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE", SSL_AD_CERTIFICATE_UNOBTAINABLE),
        C("ALERT_DESCRIPTION_UNRECOGNIZED_NAME", SSL_AD_UNRECOGNIZED_NAME),
        C("ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE", SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE),
        C("ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE", SSL_AD_BAD_CERTIFICATE_HASH_VALUE),
        C("ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY", SSL_AD_UNKNOWN_PSK_IDENTITY),
        C("PROTOCOL_SSLv23", PROTO_TLS), C("PROTOCOL_TLS", PROTO_TLS),
        C("PROTOCOL_TLS_CLIENT", PROTO_TLS_CLIENT), C("PROTOCOL_TLS_SERVER", PROTO_TLS_SERVER),
        C("PROTOCOL_TLSv1", PROTO_TLSv1), C("PROTOCOL_TLSv1_1", PROTO_TLSv1_1),
        C("PROTOCOL_TLSv1_2", PROTO_TLSv1_2),
        C("OP_ALL", SSL_OP_ALL & ~SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS), C("OP_NO_SSLv2", SSL_OP_NO_SSLv2),
        C("OP_NO_SSLv3", SSL_OP_NO_SSLv3), C("OP_NO_TLSv1", SSL_OP_NO_TLSv1), C("OP_NO_TLSv1_1", SSL_OP_NO_TLSv1_1),
        C("OP_NO_TLSv1_2", SSL_OP_NO_TLSv1_2), C("OP_NO_TLSv1_3", SSL_OP_NO_TLSv1_3),
        C("OP_CIPHER_SERVER_PREFERENCE", SSL_OP_CIPHER_SERVER_PREFERENCE),
        C("OP_SINGLE_DH_USE", SSL_OP_SINGLE_DH_USE), C("OP_NO_TICKET", SSL_OP_NO_TICKET),
        C("OP_SINGLE_ECDH_USE", SSL_OP_SINGLE_ECDH_USE), C("OP_NO_COMPRESSION", SSL_OP_NO_COMPRESSION),
        C("OP_ENABLE_MIDDLEBOX_COMPAT", SSL_OP_ENABLE_MIDDLEBOX_COMPAT),
        C("OP_NO_RENEGOTIATION", SSL_OP_NO_RENEGOTIATION),
        C("OP_IGNORE_UNEXPECTED_EOF", SSL_OP_IGNORE_UNEXPECTED_EOF),
        C("HOSTFLAG_ALWAYS_CHECK_SUBJECT", X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT),
        C("HOSTFLAG_NEVER_CHECK_SUBJECT", X509_CHECK_FLAG_NEVER_CHECK_SUBJECT),
        C("HOSTFLAG_NO_WILDCARDS", X509_CHECK_FLAG_NO_WILDCARDS),
        C("HOSTFLAG_NO_PARTIAL_WILDCARDS", X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS),
        C("HOSTFLAG_MULTI_LABEL_WILDCARDS", X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS),
        C("HOSTFLAG_SINGLE_LABEL_SUBDOMAINS", X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS),
        C("PROTO_MINIMUM_SUPPORTED", VER_MIN_SUPPORTED), C("PROTO_MAXIMUM_SUPPORTED", VER_MAX_SUPPORTED),
        C("PROTO_SSLv3", SSL3_VERSION), C("PROTO_TLSv1", TLS1_VERSION), C("PROTO_TLSv1_1", TLS1_1_VERSION),
        C("PROTO_TLSv1_2", TLS1_2_VERSION), C("PROTO_TLSv1_3", TLS1_3_VERSION),
        C("ENCODING_PEM", 1), C("ENCODING_DER", 2),
        C("OPENSSL_VERSION_NUMBER", OPENSSL_VERSION_NUMBER),
    };
#undef C
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        dict_set_str(d, str_intern_c(consts[i].name), int_from_i64(consts[i].value));
    }
    static const struct {
        const char *name;
        bool value;
    } flags[] = {
        {"HAS_SNI", true}, {"HAS_ECDH", true}, {"HAS_NPN", false}, {"HAS_ALPN", true},
        {"HAS_SSLv2", false}, {"HAS_SSLv3", false}, {"HAS_TLSv1", true}, {"HAS_TLSv1_1", true},
        {"HAS_TLSv1_2", true}, {"HAS_TLSv1_3", true}, {"HAS_TLS_UNIQUE", true},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        dict_set_str(d, str_intern_c(flags[i].name), VAL_BOOL(flags[i].value));
    }
    // the library's version, as OPENSSL_VERSION_INFO (major, minor, fix, patch, status) reads it
    unsigned long n = OpenSSL_version_num();
    dict_set_str(d, str_intern_c("OPENSSL_VERSION_NUMBER"), int_from_u64(n));
    dict_set_str(d, str_intern_c("OPENSSL_VERSION"), str_from_c(OpenSSL_version(OPENSSL_VERSION)));
    Value info = tuple_pack(5, MK_SMALL((n >> 28) & 0xF), MK_SMALL((n >> 20) & 0xFF), MK_SMALL((n >> 12) & 0xFF),
                            MK_SMALL((n >> 4) & 0xFF), MK_SMALL(n & 0xF));
    dict_set_str(d, str_intern_c("OPENSSL_VERSION_INFO"), info);
    unsigned long an = OPENSSL_VERSION_NUMBER;
    info = tuple_pack(5, MK_SMALL((an >> 28) & 0xF), MK_SMALL((an >> 20) & 0xFF), MK_SMALL((an >> 12) & 0xFF),
                      MK_SMALL((an >> 4) & 0xFF), MK_SMALL(an & 0xF));
    dict_set_str(d, str_intern_c("_OPENSSL_API_VERSION"), info);
    dict_set_str(d, str_intern_c("_DEFAULT_CIPHERS"), str_from_c(OSSL_default_cipher_list()));
    gc_pop_root(1);
    return m;
}
