// compile.h: AST -> code objects. The compiler runs the scope pass, then
// emits bytecode for the module and every nested function, class body and
// comprehension, with a line per instruction and the maximum stack depth.
#ifndef PYISH_COMPILE_H
#define PYISH_COMPILE_H
#include "ast.h"
#include "code.h"

typedef struct CompileError {
    char msg[256];
    SrcLoc loc;
} CompileError;

// Compiles [module] (from parse_source) of file [filename]. [interactive]
// allows top-level await (the code is then a coroutine body) and echoes
// expression statements. Returns NULL and fills [err] on a compile-time
// SyntaxError.
ObjCode *compile_module(Ast *module, const char *filename, bool interactive, CompileError *err);
#endif
