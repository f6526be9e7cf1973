// scope.h: scope analysis (symbol tables) run before code generation: for
// each function, lambda, class body, comprehension and the module, which
// names are local, global, cells (captured by inner scopes) or free
// (captured from outer scopes), as Python defines them.
#ifndef PYISH_SCOPE_H
#define PYISH_SCOPE_H
#include <stdbool.h>
#include "ast.h"

typedef enum ScopeKind { SCOPE_MODULE, SCOPE_FUNCTION, SCOPE_CLASS, SCOPE_COMPREHENSION } ScopeKind;

enum {
    SYM_ASSIGNED = 1,   // bound here (assignment, def, import, for target ...)
    SYM_PARAM = 2,      // a parameter
    SYM_USED = 4,       // read here
    SYM_GLOBAL = 8,     // declared global
    SYM_NONLOCAL = 16,  // declared nonlocal
    // resolution (one of):
    SYM_LOCAL = 32,     // fast local (function) or namespace name (class)
    SYM_CELL = 64,      // local captured by an inner scope
    SYM_FREE = 128,     // captured from an enclosing scope
    SYM_GLOBAL_IMPLICIT = 256,
    SYM_CONCAT = 512,   // target of `x += e` or `x = x + e`: a fast local compiled with ADD_FAST_STORE
    SYM_COMP_ITER = 1024,   // a comprehension's iteration variable (`for x in` of the comprehension)
    SYM_BARE = 2048,    // named by an expression other than the `**name` of a call (compile.c's CO_KW_SHARED)
};

typedef struct Symbol {
    char *name;         // mangled name
    int flags;
} Symbol;

typedef struct Scope Scope;
struct Scope {
    ScopeKind kind;
    Ast *node;
    Scope *parent;
    char *name;                 // function/class name, "<module>", "<listcomp>" ...
    char *class_name;           // innermost enclosing class (for mangling), or NULL
    Symbol *syms;
    int nsyms, capsyms;
    int *symtab;                // name hash table: index into syms + 1, 0 = empty
    int symcap;                 // its size (a power of two), kept over twice nsyms
    Scope **children;
    int nchildren, capchildren;
    bool is_generator;          // contains yield (or is a genexp)
    bool is_coroutine;          // async def (or async comprehension)
    bool needs_class_cell;      // class body whose methods use super/__class__
    bool interactive;           // REPL module (top-level await allowed)
    void *map;                  // root only: node -> scope table
};

typedef struct ScopeError {
    char msg[200];
    SrcLoc loc;
} ScopeError;

// Builds the scope tree for [module]. Returns NULL and fills [err] on a
// scope error (e.g. "no binding for nonlocal 'x' found").
Scope *scope_build(Ast *module, bool interactive, ScopeError *err);
// Whether [n] is an assignment `x = x + e` (a single name target).
bool scope_is_concat_assign(Ast *n);
// The scope made for [node] (a FUNCDEF, LAMBDA, CLASSDEF, comprehension or
// the MODULE).
Scope *scope_of(Scope *root, Ast *node);
Symbol *scope_lookup(Scope *s, const char *name);
// Python's private name mangling: "__x" in class C -> "_C__x".
char *scope_mangle(const char *class_name, const char *name, char *buf, size_t size);
void scope_free(Scope *root);
#endif
