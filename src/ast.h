// ast.h: the abstract syntax tree that the parser builds and the compiler
// reads. One generic node type serves every construct; the table in ast.def
// says, for each kind, which of the generic fields it uses. Nodes, lists and
// strings live in an arena owned by the parse, freed in one go.
#ifndef PYISH_AST_H
#define PYISH_AST_H

#include <stddef.h>
#include <stdbool.h>
#include "ops.h"

// A source span: 1-based line, 0-based byte column; end is exclusive.
typedef struct SrcLoc {
    int line, col, end_line, end_col;
} SrcLoc;

// Byte offset of [line] (1-based) / byte column [col] in the source [src]
// (clamped to [len]).
size_t src_offset(const char *src, size_t len, int line, int col);

typedef enum AstKind {
#define AST(name, doc) AST_##name,
#include "ast.def"
#undef AST
    AST__COUNT
} AstKind;

// Binary, comparison and unary operators: runtime/ops.def (BinOp, CmpOp,
// UnaryOp), shared with the VM and the runtime.
typedef enum AstBoolOp { BOOL_AND, BOOL_OR } AstBoolOp;

typedef struct Ast Ast;

// A growable array of node pointers (arena-allocated).
typedef struct AstList {
    int len, cap;
    Ast **items;
} AstList;

// Expression context of a NAME/ATTRIBUTE/SUBSCRIPT/TUPLE/LIST/STARRED node.
typedef enum AstCtx { CTX_LOAD = 0, CTX_STORE, CTX_DEL } AstCtx;

struct Ast {
    AstKind kind;
    SrcLoc loc;
    Ast *a, *b, *c;                 // child nodes (meaning per kind, ast.def)
    AstList list, list2, list3, list4;  // child lists (meaning per kind)
    char *str;                      // name, literal text or decoded string
    size_t slen;                    // byte length of str (strings may hold NUL)
    char *str2;                     // second name (ALIAS asname)
    int op;                         // operator enum / conversion char / level
    int flag;                       // is_async, ctx, posonly count ... (ast.def)
    int *ops;                       // COMPARE: one CmpOp per comparator
};

typedef struct Arena Arena;

// Parser result: either a tree, or an error with its location.
typedef struct ParseError {
    char msg[256];          // "invalid syntax", "'await' outside function" ...
    const char *kind;       // "SyntaxError" or "IndentationError" or "TabError"
    int line, col;          // 1-based line, 0-based column of the caret start
    int end_line, end_col;  // caret end (exclusive); end_col <= col means one caret
    bool incomplete;        // the input ended inside a block, bracket or string
    bool eof_block;         // "expected an indented block" at the end of input
                            // (the REPL asks for more lines)
    int bad_byte;           // nonzero: the source is not UTF-8 and this byte
                            // (on [line]) starts the first bad sequence
    bool compile_stage;     // found by the checks CPython's compiler and
                            // symtable make (no text for <string> sources)
    bool symtable;          // ... by its symtable: the exception's args are
                            // (msg,) only, its location in attributes
    char ftext[256];        // nonempty: the error is in an f-string's
                            // expression, and this is its text as CPython
                            // 3.11 shows it ("(expr)", the error's line of
                            // it), col/end_col counted in it
    bool ftext_last;        // ftext is the expression's last line
} ParseError;

typedef enum ParseMode {
    PARSE_FILE,         // a module
    PARSE_INTERACTIVE,  // one REPL input: top-level await allowed,
                        // expression statements flagged for echo
    PARSE_FILE_AWAIT,   // a module where await is allowed at top level
                        // (compile()'s PyCF_ALLOW_TOP_LEVEL_AWAIT)
    PARSE_AST           // a module for ast.parse: the grammar only, none of
                        // the compiler's checks (return outside a function...)
} ParseMode;

// Parses [len] bytes of UTF-8 [src] into a MODULE node allocated in a new
// arena stored in [*arena_out]. Returns NULL and fills [err] on a syntax
// error (also for the semantic checks of ast_check). Never overflows the C
// stack: deeply nested input is a SyntaxError.
Ast *parse_source(const char *src, size_t len, ParseMode mode, Arena **arena_out,
                  ParseError *err);

// Frees every node of a parse.
void arena_free(Arena *arena);

// Writes a readable, stable dump of [node] (for tests) into a malloc'd string.
char *ast_dump(const Ast *node);

// The name of a kind, e.g. "BINOP".
const char *ast_kind_name(AstKind kind);
// Whether [stmt] is a compound statement (if, while, for, try, with, match, def, class).
bool ast_is_compound(const Ast *stmt);

#endif
