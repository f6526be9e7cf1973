// interp.h: the interpreter as a whole, as main.c and the REPL see it:
// start-up, running source text as a module, imports, printing uncaught
// exceptions.
#ifndef PYISH_INTERP_H
#define PYISH_INTERP_H
#include "object.h"
#include "vm.h"

// ---- interpreter states (src/state.c; the struct is runtime/state.h)
// Brings a new runtime up from [cfg] (NULL: defaults); it becomes current.
State *state_new(const StateConfig *cfg);
// Frees [s] and everything it owns; no state is current afterwards if it was.
void state_free(State *s);
// Makes [s] (may be NULL) current on this thread; returns the previous one.
State *state_swap(State *s);

// Brings the whole runtime up; [argv] becomes sys.argv.
void interp_init(int argc, char **argv, const char *script_dir);
// Parses, compiles and runs [src] as module [globals]. VAL_NULL with the
// exception pending on error; *syntax_error (unless NULL) says whether it
// is the SyntaxError of compiling [src].
Value interp_run_source(const char *src, size_t len, const char *filename, ObjDict *globals,
                        bool interactive, bool *syntax_error);
// Parses and compiles [src] (a REPL input when [interactive]); NULL with a
// SyntaxError (IndentationError, TabError) raised, and *syntax_error set
// unless NULL. Nothing is printed.
ObjCode *interp_compile(const char *src, size_t len, const char *filename, bool interactive,
                        bool *syntax_error);
// What source text compiles to, as compile()'s mode argument says.
typedef enum CompileMode {
    COMPILE_FILE,           // a module run with its globals as names ('exec')
    COMPILE_INTERACTIVE,    // one REPL input
    COMPILE_EXEC,           // compile(..., 'exec'), exec(str): names through a locals dict
    COMPILE_EVAL,           // compile(..., 'eval'), eval(str): one expression, its value returned
    COMPILE_SINGLE,         // compile(..., 'single'): one statement, expressions echoed
} CompileMode;
// A bit or-ed into a CompileMode: await allowed at top level, the code is
// then a coroutine body (compile()'s ast.PyCF_ALLOW_TOP_LEVEL_AWAIT).
#define COMPILE_TOP_AWAIT 0x100
// compile()'s PyCF_ALLOW_INCOMPLETE_INPUT: input that ends inside a block,
// bracket or string raises SyntaxError('incomplete input'); with
// PyCF_DONT_IMPLY_DEDENT too, so does 'single' input whose last compound
// statement has no newline after it (codeop's rules).
#define COMPILE_INCOMPLETE 0x200
#define COMPILE_NO_DEDENT 0x400
// Parses and compiles [src] of [filename] in [mode]; NULL with a SyntaxError raised.
ObjCode *interp_compile_mode(const char *src, size_t len, const char *filename, CompileMode mode);
// The __main__ module's globals.
ObjDict *interp_main_globals(void);
// -W options: appended to sys.warnoptions, then the warnings module is
// imported to apply them (as CPython does at start-up); false on error.
bool interp_warnoptions(const char *const *opts, int n);
// Handles an uncaught exception at top level: SystemExit gives its exit
// status; anything else is printed and gives 1.
int interp_handle_uncaught(Value exc);
// Exit-time work: unawaited-coroutine warnings, pending-task reports.
void interp_shutdown(void);
// Flushes stdout at exit, as CPython's flush_std_files: a failure now or
// an earlier one ([err], an errno; 0: none) is printed as an ignored
// exception (a closed pipe's BrokenPipeError); false then (exit status 120).
bool interp_flush_stdout(int err);
// __del__ of user classes (finalize.c): the collector hooks, set up once,
// and the exit-time run for objects not finalized yet.
void finalize_init(void);
void finalize_at_exit(void);
// The pyish library modules (runtime/lib/*.pyish) embedded at build time
// (gen/libsrc.c, written by cmake/embed.cmake); a NULL name ends the table.
typedef struct LibSource {
    const char *name;       // dotted: "pkg.mod" for runtime/lib/pkg/mod.pyish
    bool package;           // runtime/lib/NAME/__init__.pyish
    const char *src;
    size_t len;
} LibSource;
extern const LibSource pyish_libsrc[];
// Reads a source file into a malloc'd buffer; NULL if unreadable.
char *interp_read_file(const char *path, size_t *len);
// Source bytes [buf] (malloc'd, NUL-terminated, *len bytes) decoded to UTF-8
// when its first or second line declares another encoding (PEP 263): a new
// buffer with [buf] freed, else [buf] itself.
char *interp_recode_source(char *buf, size_t *len);

// ---- modules
typedef Value (*ModuleInit)(void);
void module_register(const char *name, ModuleInit init);
// ---- import.c: the import system
// The ModuleSpec class and the root of sys.path.
void import_init(void);
Value mod_importlib_init(void);
// The module [name] (absolute): sys.modules, else found and loaded
// (builtin C modules, embedded runtime/lib modules, then sys.path), with
// its parent packages.
Value import_module_value(ObjStr *name);
// __import__(name, globals, fromlist, level) as CPython's: the top package
// for `import a.b` (no fromlist), else the module itself.
Value import_name(Value name, Value globals, Value fromlist, int64_t level);
// The builtin __import__ (a NativeFn).
Value import_builtin(int argc, Value *argv, ObjDict *kw);
// IMPORT_NAME: through builtins.__import__ when a program replaced it.
Value import_name_op(ObjStr *name, ObjDict *globals, ObjDict *locals, Value fromlist, Value level);
// `from module import name`: the attribute, or the submodule in
// sys.modules; else CPython's ImportError.
Value import_from(Value module, ObjStr *name);
// `from module import *` into [into] (__all__, else the public names); false on error.
bool import_star(Value module, Value into);
// The traceback module's C side, _traceback (traceback.c).
Value mod_traceback_init(void);
// _pyish_ast: the parser's tree as nested tuples for ast.pyish (astexport.c).
Value mod_pyish_ast_init(void);

// `pyish -m NAME`: the source of module NAME (an embedded runtime/lib
// module, or NAME.pyish / NAME/__main__.pyish in the current folder or a
// PYISHPATH folder), malloc'd, with its path in *path; NULL if none.
char *interp_module_source(const char *name, size_t *len, char **path);

#endif
