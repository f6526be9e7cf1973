// compile.h: AST -> code objects. The compiler runs the scope pass, then
// emits bytecode for the module and every nested function, class body and
// comprehension, with a line per instruction and the maximum stack depth.
#ifndef PYISH_COMPILE_H
#define PYISH_COMPILE_H
#include "ast.h"
#include "code.h"

#define COMPILE_MAX_WARNINGS 64

typedef struct CompileError {
    char msg[256];
    SrcLoc loc;
    bool symtable;      // found by the scope pass (CPython's symtable)
    // SyntaxWarnings found on the way (CPython's compiler_warn), for the
    // caller to issue: [nwarn] of them, in source order
    int nwarn;
    struct {
        SrcLoc loc;
        char msg[200];
    } warn[COMPILE_MAX_WARNINGS];
} CompileError;

// Compiles [module] (from parse_source) of file [filename]. [interactive]
// allows top-level await (the code is then a coroutine body) and echoes
// expression statements. Returns NULL and fills [err] on a compile-time
// SyntaxError.
ObjCode *compile_module(Ast *module, const char *filename, bool interactive, CompileError *err);
// compile_module with flags: CF_INTERACTIVE as [interactive] above;
// CF_BY_NAME: module-level names go through the frame's locals dict (code
// for exec() with separate locals); CF_EVAL: [module] is one expression
// statement whose value the code returns (eval()); CF_TOP_AWAIT: code with
// a top-level await is a coroutine body (compile()'s flag 0x2000).
enum { CF_INTERACTIVE = 1, CF_BY_NAME = 2, CF_EVAL = 4, CF_TOP_AWAIT = 8 };
ObjCode *compile_module_flags(Ast *module, const char *filename, int flags, CompileError *err);
// compile_module_flags given the source text [module] was parsed from:
// under `from __future__ import annotations` the annotations are stored as
// their source text, as CPython stores them (without it they are left out).
ObjCode *compile_module_src(Ast *module, const char *filename, int flags, const char *src, size_t len,
                            CompileError *err);
#endif
