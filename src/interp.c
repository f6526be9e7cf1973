// interp.c: the interpreter as a whole: start-up (interp_init owns the
// order: the runtime's core classes, then the VM-side classes, then the
// builtins and modules), the registry of builtin modules (import.c
// imports), compiling and running source text, and the exit-time work.
#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <errno.h>
#include "interp.h"
#include "ast.h"
#include "code.h"
#include "compile.h"
#include "diag.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "containers.h"
#include "module.h"
#include "asyncio/asyncio.h"
#include "bytes.h"
#include "gthread.h"

void module_register(const char *name, ModuleInit init) {
    if (ST->nregistry == ST->capregistry) {
        int cap = ST->capregistry ? ST->capregistry * 2 : 32;
        StateModule *r = realloc(ST->registry, sizeof(StateModule) * (size_t)cap);
        if (!r) {
            fputs("pyish: out of memory\n", stderr);
            abort();
        }
        ST->registry = r;
        ST->capregistry = cap;
    }
    ST->registry[ST->nregistry++] = (StateModule){name, init};
}

// ST->sys_argv: sys.argv, kept from start-up until `import sys`.

static void mark_interp(void) {
    gc_mark_obj((Obj *)ST->main_globals);
    gc_mark_obj((Obj *)ST->sys_argv);
    gc_mark_value(ST->anext_default_fn);   // builtins_vm.c's anext helper
}

ObjDict *interp_main_globals(void) {
    return ST->main_globals;
}

// The encoding a PEP 263 declaration names in line [p, end) (a comment
// with "coding:" or "coding=" then the name) into [out], else false.
static bool coding_cookie(const char *p, const char *end, char *out, size_t cap) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\f')) {
        p++;
    }
    if (p >= end || *p != '#') {
        return false;
    }
    for (; p + 7 <= end; p++) {
        if (memcmp(p, "coding", 6) == 0 && (p[6] == ':' || p[6] == '=')) {
            const char *q = p + 7;
            while (q < end && (*q == ' ' || *q == '\t')) {
                q++;
            }
            size_t n = 0;
            while (q < end && n + 1 < cap && (isalnum((unsigned char)*q) || *q == '-' || *q == '_' || *q == '.')) {
                out[n++] = *q++;
            }
            out[n] = 0;
            return n > 0;
        }
    }
    return false;
}

// A source whose first or second line declares an encoding other than
// UTF-8 (PEP 263), decoded to UTF-8 text: a new buffer (the old one freed),
// else [buf] as it is (also when the encoding is unknown or does not
// decode: the parser then reports the bytes).
char *interp_recode_source(char *buf, size_t *len) {
    if (!ST || !ST->builtins) {
        return buf;
    }
    char enc[64];
    const char *end = buf + *len, *line = buf;
    bool found = false;
    for (int i = 0; i < 2 && line < end && !found; i++) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end;
        found = coding_cookie(line, le, enc, sizeof enc);
        if (!found) {
            // (the second line counts only after a blank or comment first line)
            const char *p = line;
            while (p < le && (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\r')) {
                p++;
            }
            if (p < le && *p != '#') {
                break;
            }
        }
        line = nl ? nl + 1 : end;
    }
    if (!found) {
        return buf;
    }
    char norm[64];
    size_t k = 0;
    for (; enc[k] && k + 1 < sizeof norm; k++) {
        norm[k] = enc[k] == '_' ? '-' : (char)tolower((unsigned char)enc[k]);
    }
    norm[k] = 0;
    if (strcmp(norm, "utf-8") == 0 || strcmp(norm, "utf8") == 0 || strncmp(norm, "utf-8-", 6) == 0) {
        return buf;
    }
    Value s = codec_decode((const unsigned char *)buf, *len, enc, "strict");
    if (!s || !IS_STR(s)) {
        exc_clear();
        return buf;
    }
    char *out = malloc(AS_STR(s)->len + 1);
    memcpy(out, AS_STR(s)->data, AS_STR(s)->len + 1);
    *len = AS_STR(s)->len;
    free(buf);
    return out;
}

char *interp_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    if (ferror(f)) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return interp_recode_source(buf, len);
}

// Raises the SyntaxError (IndentationError, TabError) [err] found in
// [src] of [filename], with CPython's attributes.
static void raise_syntax_error(const char *filename, const char *src, size_t len,
                               const ParseError *err, bool exec_mode) {
    if (err->bad_byte) {
        // CPython reads a file's bytes before tokenizing: a message only
        exc_raise(exc_SyntaxError,
                  "Non-UTF-8 code starting with '\\x%02x' in file %s on line %d, "
                  "but no encoding declared; see https://peps.python.org/pep-0263/ for details",
                  err->bad_byte, filename, err->line);
        return;
    }
    ObjClass *cls = exc_SyntaxError;
    if (err->kind && strcmp(err->kind, "IndentationError") == 0) {
        cls = exc_IndentationError;
    } else if (err->kind && strcmp(err->kind, "TabError") == 0) {
        cls = exc_TabError;
    }
    SyntaxInfo info;
    diag_syntax_info(src, len, err, filename[0] == '<', exec_mode, &info);
    Value text = VAL_NONE;
    if (info.lineno == 0) {
        text = str_from_c("");  // eval(""): CPython's empty line 0
        info.end_offset = 0;
    } else if (info.text) {
        text = info.text_nl ? str_printf("%.*s\n", (int)info.text_len, info.text)
                            : str_new(info.text, info.text_len);
    }
    gc_push_root(text);
    Value fn = str_from_c(filename);
    gc_push_root(fn);
    Value loc = tuple_pack(6, fn, int_from_i64(info.lineno), int_from_i64(info.offset), text,
                           int_from_i64(info.end_lineno), int_from_i64(info.end_offset));
    gc_push_root(loc);
    Value argv[2] = {str_from_c(err->msg), loc};
    gc_push_root(argv[0]);
    // a symtable error: CPython sets the location attributes after making
    // the exception from its message alone
    Value e = exc_new(cls, err->symtable ? 1 : 2, argv);
    if (e && err->symtable) {
        static const char *const names[] = {"filename", "lineno", "offset", "text", "end_lineno", "end_offset"};
        for (int i = 0; i < 6; i++) {
            dict_set_str(AS_EXC(e)->dict, str_intern_c(names[i]), AS_TUPLE(loc)->items[i]);
        }
    }
    gc_pop_root(4);
    if (e) {
        exc_raise_value(e);
    }
}

// The token at [line]/[col] in [src] (spaces skipped) as [err]'s location:
// "invalid syntax" where CPython's parser stops (eval, single).
static void error_at_token(const char *src, size_t len, int line, int col, ParseError *err) {
    size_t i = src_offset(src, len, line, col);
    size_t bol = i - (size_t)col;
    while (i < len && (src[i] == ' ' || src[i] == '\t')) {
        i++;
    }
    size_t j = i;
    unsigned char ch = i < len ? (unsigned char)src[i] : 0;
    if (ch == '_' || ch >= 0x80 || ((ch | 32) >= 'a' && (ch | 32) <= 'z')) {
        while (j < len && ((unsigned char)src[j] >= 0x80 || src[j] == '_' ||
                           ((src[j] | 32) >= 'a' && (src[j] | 32) <= 'z') || (src[j] >= '0' && src[j] <= '9'))) {
            j++;
        }
    } else if (i < len && ch != '\n') {
        j = i + 1;
        while (j < len && j < i + 3 && strchr("=*/<>", src[j]) && src[j - 1] != '=' ) {
            j++;
        }
    }
    memset(err, 0, sizeof *err);
    snprintf(err->msg, sizeof err->msg, "invalid syntax");
    err->kind = "SyntaxError";
    err->line = err->end_line = line;
    err->col = (int)(i - bol);
    err->end_col = (int)(j - bol);
}

// eval's input must be one expression; false with [err] filled if not.
static bool check_eval(const char *src, size_t len, const Ast *tree, ParseError *err) {
    if (tree->list.len == 0) {
        memset(err, 0, sizeof *err);
        snprintf(err->msg, sizeof err->msg, "invalid syntax");
        err->kind = "SyntaxError";
        err->col = err->end_col = -1;
        return false;
    }
    const Ast *st = tree->list.items[0];
    const Ast *target = NULL;
    if (st->kind == AST_ASSIGN) {
        target = st->list.items[0];
    } else if (st->kind == AST_AUGASSIGN || st->kind == AST_ANNASSIGN) {
        target = st->a;
    }
    if (target) {
        error_at_token(src, len, target->loc.end_line, target->loc.end_col, err);
        return false;
    }
    if (st->kind != AST_EXPR_STMT) {
        error_at_token(src, len, st->loc.line, st->loc.col, err);
        return false;
    }
    if (tree->list.len > 1) {
        error_at_token(src, len, st->loc.end_line, st->loc.end_col, err);
        if (err->end_col == err->col) {     // a newline: the next statement
            const Ast *next = tree->list.items[1];
            error_at_token(src, len, next->loc.line, next->loc.col, err);
        }
        return false;
    }
    return true;
}

// "expected an indented block" at the end of the input: CPython's file
// parser gives no column (no caret); compiled from a string (compile(),
// the REPL) it points after the header's colon, or at the start of the
// last line when blank lines follow it.
static void eof_block_location(const char *src, size_t len, bool file, ParseError *err) {
    if (file) {
        err->col = err->end_col = -1;
        return;
    }
    int lines = 0;
    for (size_t i = 0; i < len; i++) {
        lines += src[i] == '\n';
    }
    if (lines > err->line) {
        err->line = err->end_line = lines;
        err->col = 0;
    }
    err->end_col = -1;
}

// 'single' input must be one statement (simple statements on one line).
static bool check_single(const Ast *tree, ParseError *err) {
    for (int i = 1; i < tree->list.len; i++) {
        const Ast *first = tree->list.items[0], *st = tree->list.items[i];
        if (st->loc.line > first->loc.end_line) {
            memset(err, 0, sizeof *err);
            snprintf(err->msg, sizeof err->msg, "multiple statements found while compiling a single statement");
            err->kind = "SyntaxError";
            err->line = err->end_line = first->loc.line;
            err->col = err->end_col = first->loc.end_col;
            return false;
        }
    }
    return true;
}

// Issues the SyntaxWarnings the compiler found in [filename]: through
// warnings.warn_explicit when the program has the warnings module (its
// filters apply), else printed as its default action prints them. False
// with the exception raised when a filter turned one into an error; [*at]
// is then that warning (CPython reports it as a SyntaxError).
static bool issue_syntax_warnings(const char *filename, CompileError *cerr, int *at) {
    for (int i = 0; i < cerr->nwarn; i++) {
        Value wm = dict_get_str(ST->modules, str_intern_c("warnings"));
        Value fn = wm && IS_A(wm, cls_module) ? obj_getattr_opt(wm, str_intern_c("warn_explicit")) : VAL_NULL;
        if (fn) {
            gc_push_root(fn);
            Value args[4] = {str_from_c(cerr->warn[i].msg), OBJ_VAL(exc_SyntaxWarning), VAL_NONE,
                             MK_SMALL(cerr->warn[i].loc.line)};
            gc_push_root(args[0]);
            args[2] = str_from_c(filename);
            gc_push_root(args[2]);
            Value r = vm_call(fn, 4, args, NULL);
            gc_pop_root(3);
            if (!r) {
                *at = i;
                return false;
            }
            continue;
        }
        FILE *err = state_stderr();
        char line[4096];
        if (stdout_unbuffered()) {
            fflush(stdout);
        }
        fprintf(err, "%s:%d: SyntaxWarning: %s\n", filename, cerr->warn[i].loc.line, cerr->warn[i].msg);
        if (tb_source_line(filename, cerr->warn[i].loc.line, line, sizeof line) && line[0]) {
            fprintf(err, "  %s\n", line);
        }
        fflush(err);
    }
    return true;
}

ObjCode *interp_compile_mode(const char *src, size_t len, const char *filename, CompileMode mode) {
    bool top_await = ((int)mode & COMPILE_TOP_AWAIT) != 0;
    bool incomplete_ok = ((int)mode & COMPILE_INCOMPLETE) != 0;
    bool no_dedent = ((int)mode & COMPILE_NO_DEDENT) != 0;
    mode = (CompileMode)((int)mode & ~(COMPILE_TOP_AWAIT | COMPILE_INCOMPLETE | COMPILE_NO_DEDENT));
    Arena *arena = NULL;
    ParseError perr;
    memset(&perr, 0, sizeof perr);
    bool interactive = mode == COMPILE_INTERACTIVE || mode == COMPILE_SINGLE;
    bool exec_mode = mode == COMPILE_FILE || mode == COMPILE_EXEC;
    Ast *tree = parse_source(src, len, interactive ? PARSE_INTERACTIVE : top_await ? PARSE_FILE_AWAIT : PARSE_FILE,
                             &arena, &perr);
    if (!tree && perr.eof_block) {
        eof_block_location(src, len, mode == COMPILE_FILE, &perr);
    }
    if (tree && ((mode == COMPILE_EVAL && !check_eval(src, len, tree, &perr)) ||
                 (mode == COMPILE_SINGLE && !check_single(tree, &perr)))) {
        tree = NULL;
    }
    if (incomplete_ok) {
        bool open_block = tree && no_dedent && mode == COMPILE_SINGLE && tree->list.len > 0 &&
                          ast_is_compound(tree->list.items[tree->list.len - 1]) && len > 0 && src[len - 1] != '\n';
        if (open_block || (!tree && perr.incomplete)) {
            if (open_block) {
                arena_free(arena);
                arena = NULL;
                tree = NULL;
                perr.line = perr.end_line = 1;
                perr.col = perr.end_col = -1;
            }
            perr.kind = "SyntaxError";
            snprintf(perr.msg, sizeof perr.msg, "incomplete input");
        }
    }
    if (!tree) {
        if (arena) {
            arena_free(arena);
        }
        if (mode == COMPILE_EVAL && perr.line >= 1 && perr.col >= 0 &&
            src_offset(src, len, perr.line, perr.col) >= len) {
            perr.col = perr.end_col = -1;   // CPython's eval: the end marker has no column
        }
        raise_syntax_error(filename, src, len, &perr, exec_mode);
        return NULL;
    }
    int flags = (interactive ? CF_INTERACTIVE : 0) | (mode == COMPILE_EVAL ? CF_EVAL : 0) |
                (top_await ? CF_TOP_AWAIT : 0) |
                (mode == COMPILE_EXEC || mode == COMPILE_SINGLE ? CF_BY_NAME : 0);
    CompileError cerr;
    memset(&cerr, 0, sizeof cerr);
    ObjCode *code = compile_module_src(tree, filename, flags, src, len, &cerr);
    arena_free(arena);
    if (code) {
        gc_push_root(OBJ_VAL(code));
    }
    int at = -1;
    bool warned = issue_syntax_warnings(filename, &cerr, &at);
    if (code) {
        gc_pop_root(1);
    }
    if (!warned) {
        if (EXC_PENDING_IS(exc_SyntaxWarning)) {
            // a SyntaxWarning made an error: a SyntaxError there, as CPython's compiler_warn
            exc_clear();
            memset(&perr, 0, sizeof perr);
            snprintf(perr.msg, sizeof perr.msg, "%s", cerr.warn[at].msg);
            perr.kind = "SyntaxError";
            perr.line = cerr.warn[at].loc.line;
            perr.col = cerr.warn[at].loc.col;
            perr.end_line = cerr.warn[at].loc.end_line;
            perr.end_col = cerr.warn[at].loc.end_col;
            perr.compile_stage = true;
            raise_syntax_error(filename, src, len, &perr, exec_mode);
        }
        return NULL;
    }
    if (!code) {
        memset(&perr, 0, sizeof perr);
        snprintf(perr.msg, sizeof perr.msg, "%s", cerr.msg);
        perr.kind = "SyntaxError";
        perr.line = cerr.loc.line;
        perr.col = cerr.loc.col;
        perr.end_line = cerr.loc.end_line;
        perr.end_col = cerr.loc.end_col;
        perr.compile_stage = true;
        perr.symtable = cerr.symtable;
        raise_syntax_error(filename, src, len, &perr, exec_mode);
        return NULL;
    }
    return code;
}

ObjCode *interp_compile(const char *src, size_t len, const char *filename, bool interactive,
                        bool *syntax_error) {
    ObjCode *code = interp_compile_mode(src, len, filename,
                                        interactive ? COMPILE_INTERACTIVE : COMPILE_FILE);
    if (syntax_error) {
        *syntax_error = code == NULL;
    }
    return code;
}

Value interp_run_source(const char *src, size_t len, const char *filename, ObjDict *globals,
                        bool interactive, bool *syntax_error) {
    ObjCode *code = interp_compile(src, len, filename, interactive, syntax_error);
    if (!code) {
        return VAL_NULL;
    }
    gc_push_root(OBJ_VAL(code));
    Value r = vm_run_module(code, globals);
    gc_pop_root(1);
    return r;
}

// ---- start-up
// The classes brought up after the runtime's core ones.
static void init_after_core(void) {
    module_init();
    import_init();
    func_init();
    gen_init();
    finalize_init();
    vm_init();
    gc_add_root_marker(mark_interp);
}


// ---- the sandbox (StateConfig.sandbox): no file, OS, process, socket or
// environment access. open(), input() and breakpoint() raise
// PermissionError, import searches no folder (only builtin and embedded
// modules), and sys.stdin is None (mod_sys.c).

static Value sandbox_refuse(int argc, Value *argv, ObjDict *kw) {
    return exc_raise(exc_PermissionError, "file and console access is disabled in the sandbox");
}

static void sandbox_init(void) {
    static const char *const refused[] = {"open", "input", "breakpoint", NULL};
    for (int i = 0; refused[i]; i++) {
        dict_set_str(ST->builtins, str_intern_c(refused[i]), native_new(refused[i], sandbox_refuse, NULL));
    }
    free(ST->search_path);
    ST->search_path = strdup("");
}

void interp_init(int argc, char **argv, const char *script_dir) {
    ST->script_dir = strdup(script_dir ? script_dir : "");
    runtime_init();
    init_after_core();
    class_finish_builtins();
    builtins_init(ST->builtins);
    builtins_vm_init(ST->builtins);
    if (stdout_unbuffered() && !ST->config.write && !isatty(fileno(stdout))) {
        // -u: every write reaches the OS at once, as python3 -u's (a
        // server's "listening" line must reach a harness reading a pipe);
        // a terminal stays line-buffered (the REPL draws task output above
        // its prompt by buffering it for a moment)
        setvbuf(stdout, NULL, _IONBF, 0);
        setvbuf(stderr, NULL, _IONBF, 0);
    }
    module_register("sys", mod_sys_init);
    module_register("_time", mod_time_init);
    module_register("gc", mod_gc_init);
    module_register("math", mod_math_init);
    module_register("random", mod_random_init);
    module_register("_weakref", mod_weakref_init);
    module_register("contextvars", mod_contextvars_init);
    module_register("_re", mod_re_init);
    module_register("_json", mod_json_init);
    module_register("_pickle_fast", mod_pickle_init);
    module_register("_traceback", mod_traceback_init);
    module_register("_pyish_ast", mod_pyish_ast_init);
    module_register("_dis", mod_dis_init);
    module_register("_gthread", mod_gthread_init);
    module_register("errno", mod_errno_init);
    module_register("binascii", mod_binascii_init);
    module_register("_charmap", mod_charmap_init);
    module_register("faulthandler", mod_faulthandler_init);
#ifdef PYISH_HAVE_LIBEDIT
    module_register("readline", mod_readline_init);
#endif
    module_register("array", mod_array_init);
    module_register("_io", mod_io_init);
    module_register("struct", mod_struct_init);
    module_register("_heapq", mod_heapq_init);
    module_register("_bisect", mod_bisect_init);
    module_register("hashlib", mod_hashlib_init);
    module_register("zlib", mod_zlib_init);
    module_register("pyexpat", mod_pyexpat_init);
    module_register("_pyish_etree", mod_elementtree_init);
    module_register("_bz2", mod_bz2_init);
    module_register("_lzma", mod_lzma_init);
    if (!ST->config.sandbox) {
        module_register("_posix", mod_posix_init);
        module_register("_socket", mod_socket_init);
        module_register("_resource", mod_resource_init);
        module_register("_pwd", mod_pwd_init);
        module_register("_sqlite3", mod_sqlite_init);
        module_register("_ssl", mod_ssl_init);
        module_register("select", mod_select_init);
        module_register("fcntl", mod_fcntl_init);
        module_register("termios", mod_termios_init);
        module_register("mmap", mod_mmap_init);
        module_register("_signal", mod_signal_init);
        module_register("_posixsubprocess", mod_posixsubprocess_init);
    }
    module_register("collections", mod_collections_init);
    module_register("itertools", mod_itertools_init);
    module_register("unicodedata", mod_unicodedata_init);
    module_register("_testing", mod_testing_init);
    module_register("_asyncio", aio_module_init);   // runtime/asyncio/module.c
    module_register("_importlib", mod_importlib_init);  // import.c (runtime/lib/importlib)
    ST->sys_argv = AS_LIST(list_new((size_t)argc));
    for (int i = 0; i < argc; i++) {
        list_append(ST->sys_argv, str_from_c(argv[i]));
    }
    Value bm = module_new("builtins");
    ((ObjModule *)AS_OBJ(bm))->dict = ST->builtins;
    dict_set(ST->modules, str_from_c("builtins"), bm);
    Value m = module_new("__main__");
    ST->main_globals = ((ObjModule *)AS_OBJ(m))->dict;
    // __main__'s __builtins__ is the builtins module (other modules get its dict), as CPython's
    dict_set_str(ST->main_globals, str_intern_c("__builtins__"), bm);
    // and an empty __annotations__ in every mode (-c, a file, the REPL), as CPython's
    dict_set_str(ST->main_globals, str_intern_c("__annotations__"), dict_new());
    dict_set(ST->modules, str_from_c("__main__"), m);
    if (ST->config.sandbox) {
        sandbox_init();
    }
}

Value interp_sys_argv(void) {
    return OBJ_VAL(ST->sys_argv);
}

bool interp_warnoptions(const char *const *opts, int n) {
    if (n == 0) {
        return true;
    }
    Value sys = vm_import("sys");
    if (!sys) {
        return false;
    }
    Value l = obj_getattr(sys, str_intern_c("warnoptions"));
    if (!l || !IS_LIST(l)) {
        return false;
    }
    for (int i = 0; i < n; i++) {
        list_append(AS_LIST(l), str_from_c(opts[i]));
    }
    return vm_import("warnings") != VAL_NULL;   // applies them, as CPython at start-up
}

// atexit's functions (last registered first), when a program imported the
// module; an exception is reported as CPython's atexit does and the rest run.
static void run_atexit(void) {
    Value m;
    if (dict_get(ST->modules, str_from_c("atexit"), &m) != 1 || !IS_A(m, cls_module)) {
        return;
    }
    Value hl = dict_get_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("_exithandlers"));
    if (!hl || !IS_LIST(hl)) {
        return;
    }
    gc_push_root(hl);
    while (AS_LIST(hl)->len > 0) {
        ObjList *l = AS_LIST(hl);
        Value h = l->items[--l->len];
        if (!IS_TUPLE(h) || AS_TUPLE(h)->len != 3 || !IS_TUPLE(AS_TUPLE(h)->items[1])) {
            continue;
        }
        gc_push_root(h);
        ObjTuple *args = AS_TUPLE(AS_TUPLE(h)->items[1]);
        Value kw = AS_TUPLE(h)->items[2];
        Value r = vm_call(AS_TUPLE(h)->items[0], (int)args->len, args->items,
                          IS_DICT(kw) && AS_DICT(kw)->used ? AS_DICT(kw) : NULL);
        if (!r) {
            Value e = exc_take();
            if (!exc_matches(e, OBJ_VAL(exc_SystemExit))) {
                gc_push_root(e);
                Value fr = obj_repr(AS_TUPLE(h)->items[0]);
                if (!fr) {
                    exc_clear();
                }
                fflush(stdout);
                fprintf(state_stderr(), "Exception ignored in atexit callback: %s\n",
                        fr ? AS_STR(fr)->data : "<callback>");
                interp_print_exception(e);
                gc_pop_root(1);
            }
        }
        gc_pop_root(1);
    }
    gc_pop_root(1);
}

// As CPython before the atexit handlers: threading._shutdown() waits for
// the threads that are not daemons (green threads, gthread.c).
static void threading_shutdown(void) {
    Value m;
    if (!gthread_active() || dict_get(ST->modules, str_from_c("threading"), &m) != 1 || !IS_A(m, cls_module)) {
        return;
    }
    Value fn = dict_get_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("_shutdown"));
    if (!fn) {
        return;
    }
    gc_push_root(m);
    Value r = vm_call(fn, 0, NULL, NULL);
    if (!r) {
        Value e = exc_take();
        gc_push_root(e);
        fflush(stdout);
        fprintf(state_stderr(), "Exception ignored in: <module 'threading' from '%s'>\n", "<pyish threading>");
        interp_print_exception(e);
        gc_pop_root(1);
    }
    gc_pop_root(1);
}

void interp_shutdown(void) {
    threading_shutdown();
    run_atexit();
    ST->finalizing = true;
    asyncio_shutdown();
    gen_exit_warnings();
    finalize_at_exit();
    trace_finish();     // after the last task could run (finalizers)
}

bool interp_flush_stdout(int err) {
    if (fflush(stdout) != 0 && !err) {
        err = errno;
    }
    if (!err) {
        return true;
    }
    clearerr(stdout);
    exc_raise_oserror(err, VAL_NULL, VAL_NULL);
    Value e = exc_take();
    gc_push_root(e);
    // sys.stdout, or (sys never imported) the object it would have been
    Value out = ST->sys_stdout ? ST->sys_stdout : builtins_file_new(stdout, "<stdout>", "w");
    gc_push_root(out);
    Value r = obj_repr(out);
    if (!r) {
        exc_clear();
    }
    fprintf(state_stderr(), "Exception ignored in: %s\n", r ? AS_STR(r)->data : "<stdout>");
    gc_pop_root(1);
    tb_print_unraisable(e);
    gc_pop_root(1);
    fflush(state_stderr());
    return false;
}

// ---- pyish -m NAME
static char *module_file(const char *dir, const char *rel, const char *suffix, size_t *len, char **path) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s%s%s", dir, *dir ? "/" : "", rel, suffix);
    char *src = interp_read_file(buf, len);
    if (src) {
        *path = strdup(buf);
    }
    return src;
}

char *interp_module_source(const char *name, size_t *len, char **path) {
    // an embedded package runs as its NAME.__main__ module
    char main_name[256];
    snprintf(main_name, sizeof main_name, "%s.__main__", name);
    for (int i = 0; pyish_libsrc[i].name; i++) {
        if (strcmp(pyish_libsrc[i].name, main_name) == 0) {
            name = pyish_libsrc[i].name;
            break;
        }
    }
    for (int i = 0; pyish_libsrc[i].name; i++) {
        if (strcmp(pyish_libsrc[i].name, name) == 0) {
            char buf[256];
            snprintf(buf, sizeof buf, "<pyish %s>", name);
            *path = strdup(buf);
            *len = pyish_libsrc[i].len;
            char *src = malloc(*len + 1);
            memcpy(src, pyish_libsrc[i].src, *len);
            src[*len] = 0;
            return src;
        }
    }
    char rel[1024];
    snprintf(rel, sizeof rel, "%s", name);
    for (char *p = rel; *p; p++) {
        if (*p == '.') {
            *p = '/';
        }
    }
    const char *env = getenv("PYISHPATH");
    char *dirs = strdup(env && *env ? env : "");
    // NAME.pyish, NAME/__main__.pyish, then a Python program's NAME.py,
    // NAME/__main__.py (python3 -m NAME runs those)
    static const char *const suffixes[] = {".pyish", "/__main__.pyish", ".py", "/__main__.py"};
    char *src = NULL;
    for (int k = 0; k < 4 && !src; k++) {
        src = module_file("", rel, suffixes[k], len, path);
    }
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d && !src; d = strtok_r(NULL, ":", &save)) {
        for (int k = 0; k < 4 && !src; k++) {
            src = module_file(d, rel, suffixes[k], len, path);
        }
    }
    free(dirs);
    return src;
}
