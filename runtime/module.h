// module.h: module objects (module.c; the ObjModule layout is in
// object.h) and the init functions of the builtin modules written in C,
// each returning its new module (VAL_NULL on error). The importer
// (src/interp.c) registers them by name.
#ifndef PYISH_MODULE_H
#define PYISH_MODULE_H
#include "object.h"

// Brings up the module class.
void module_init(void);
// A new module [name] with __name__ and __doc__ set.
Value module_new(const char *name);
// A C module's __getattr__ (PEP 562) for the names it takes from pyish code:
// when [name] is one of [names] (" A B C ", space-separated and padded), the
// attribute of module [pymod] (imported then), also stored in module
// [modname] so that the next access finds it; else AttributeError.
Value module_lazy_attr(const char *modname, const char *pymod, const char *names, Value name);

Value mod_sys_init(void);           // mod_sys.c
Value mod_testing_init(void);       // mod_sys.c (_testing)
Value mod_time_init(void);          // mod_time.c
Value mod_gc_init(void);            // mod_gc.c
Value mod_math_init(void);          // mod_math.c
Value mod_random_init(void);        // mod_random.c
Value mod_contextvars_init(void);   // contextvars.c
Value mod_weakref_init(void);       // weakref.c (_weakref)
Value mod_json_init(void);          // mod_json.c (_json, json's accelerators)
Value mod_pickle_init(void);        // mod_pickle.c (_pickle_fast, pickle's dumps/loads fast path)
Value mod_re_init(void);            // mod_re.c (_re, on PCRE2)
void re_state_free(void);           // mod_re.c: frees the state's PCRE2 match context
Value mod_errno_init(void);         // mod_errno.c
Value mod_binascii_init(void);      // mod_binascii.c
Value mod_array_init(void);         // mod_array.c
Value mod_io_init(void);            // builtins_file.c (_io)
Value mod_struct_init(void);        // mod_struct.c
Value mod_hashlib_init(void);       // mod_hashlib.c (OpenSSL libcrypto)
Value mod_zlib_init(void);          // mod_zlib.c (zlib1g)
Value mod_pyexpat_init(void);       // mod_pyexpat.c (libexpat1)
Value mod_elementtree_init(void);   // mod_elementtree.c (_pyish_etree, Element.iter in C)
Value mod_bz2_init(void);           // mod_bz2.c (_bz2, libbz2)
Value mod_lzma_init(void);          // mod_lzma.c (_lzma, liblzma)
Value mod_posix_init(void);         // mod_posix.c (_posix, the core of os)
Value mod_socket_init(void);        // mod_socket.c (_socket, the core of socket)
struct addrinfo;
// getaddrinfo's six arguments as malloc'd C strings and hints (false: raised),
// and its outcome as socket.getaddrinfo's list (or gaierror raised);
// shared by _socket.getaddrinfo and the loop's (libuv's thread pool).
bool socket_gai_args(const Value *argv, char **host, char **port, struct addrinfo *hints);
Value socket_gai_result(int r, int sys_errno, struct addrinfo *res);
// The state's receive buffer grown to at least [n] bytes (NULL: MemoryError
// raised); valid until the next call that may receive into it.
char *socket_scratch(size_t n);
Value mod_resource_init(void);      // mod_resource.c (_resource, the core of resource)
Value mod_heapq_init(void);         // mod_heapq.c (_heapq, the C half of heapq)
Value mod_bisect_init(void);        // mod_bisect.c (_bisect, the C half of bisect)
Value mod_faulthandler_init(void);  // mod_faulthandler.c
void faulthandler_state_free(State *s);
bool faulthandler_enable_at_start(void);   // -X faulthandler, PYTHONFAULTHANDLER
// write(2) until all [n] bytes of [s] are written or it fails (async-signal-safe).
void fd_write_all(int fd, const char *s, size_t n);
Value mod_readline_init(void);      // mod_readline.c (readline, on libedit)
Value mod_charmap_init(void);       // codecs.c (_charmap: the single-byte codecs' names)
Value mod_sqlite_init(void);        // mod_sqlite.c (_sqlite3, the core of sqlite3, on libsqlite3)
Value mod_pwd_init(void);           // mod_pwd.c (_pwd, the core of pwd and grp)
Value mod_ssl_init(void);           // mod_ssl.c (_ssl, the core of ssl, on OpenSSL libssl)
Value mod_signal_init(void);        // mod_signal.c (_signal, the core of signal)
// Runs the Python handlers of the signals that arrived; false: one raised.
bool signal_run_pending(void);
Value mod_select_init(void);        // mod_select.c (select.select, select.poll)
// The fd of an int or of an object with fileno() (CPython's
// PyObject_AsFileDescriptor); -1 with the error raised. mod_select.c
int fd_of(Value v);
Value mod_fcntl_init(void);         // mod_fcntl.c (fcntl, ioctl, flock, lockf)
Value mod_termios_init(void);       // mod_termios.c (termios)
Value mod_mmap_init(void);          // mod_mmap.c (mmap)
Value mod_posixsubprocess_init(void);   // mod_select.c (_posixsubprocess.fork_exec)
Value mod_collections_init(void);   // mod_collections.c
Value mod_itertools_init(void);     // mod_itertools.c (itertools.h)
Value mod_unicodedata_init(void);   // mod_unicodedata.c
#endif
