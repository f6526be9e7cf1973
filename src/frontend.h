// frontend.h: internals shared by the lexer (grammar/lexer.re), the parser
// (grammar/parser.y), the AST helpers (ast.c) and the checks (ast_check.c).
// Nobody outside the front end includes it; the public API is in ast.h.
//
// Flow: parse_source copies the text into the arena with a NUL sentinel,
// lexer_run turns all of it into a token array (stopping at the first
// lexical error, which becomes a TOK_LEXERROR token holding the message),
// bison pulls tokens from the array, actions build nodes in the arena, then
// ast_check walks the finished tree. Nesting is capped (parentheses, indent
// levels, total tree depth) so that every later recursive walk is bounded.
#ifndef PYISH_FRONTEND_H
#define PYISH_FRONTEND_H

#include <stdio.h>
#include "ast.h"

// CPython's limits: 200 nested brackets, 100 indentation levels.
#define FE_MAX_PARENS 200
#define FE_MAX_INDENT 100
// Deepest tree that parse_source accepts; later passes recurse over the
// tree, so this bounds their C stack use (CPython accepts ~1000 unary ops).
#define FE_MAX_DEPTH 2000
// Nesting of f-strings inside f-string replacement fields.
#define FE_MAX_FSTRING 8

// One token. [text] points into the parse's NUL-terminated source copy.
typedef struct Token {
    int kind;           // bison token number (gen/parser.h)
    SrcLoc loc;
    const char *text;
    int len;
    bool at_eof;        // a DEDENT or end marker made at the end of input
} Token;

// Like CPython, a tokenizer error later in the input replaces a generic
// "invalid syntax" error: always (bad strings, characters, numbers,
// brackets), only when it is an unclosed bracket opened on an earlier line
// than the syntax error, or never (indentation, continuation lines).
enum { LEXERR_ALWAYS, LEXERR_UNCLOSED, LEXERR_NEVER };

// State of one parse (one per parse_source call, and one per f-string
// replacement field, sharing the arena and the error).
typedef struct Parser {
    Arena *arena;
    const char *src;        // start of the whole source copy (line lookups)
    ParseMode mode;
    bool expr_mode;         // parsing an f-string replacement field
    int fdepth;             // f-string nesting depth
    Token *toks;            // token array (malloc'd, freed after the parse)
    int ntok, cap, pos;
    int lasttok;            // index of the token yylex returned last
    int with_rpar;          // 1 + index of the ')' closing a parenthesized
                            // with-items list (yylex's WITH_RPAR), 0: none
    ParseError *err;
    bool failed;            // err is filled
    ParseError lexerr;      // the lexical error that ends the token array
    bool has_lexerr;
    int lexerr_class;       // LEXERR_* : whether it overrides a generic error
    Ast *result;
} Parser;

// Arena: bump allocation in chunks, freed at once by arena_free.
Arena *arena_new(void);
void *arena_alloc(Arena *arena, size_t size);   // zeroed
char *arena_strndup(Arena *arena, const char *s, size_t n);

// Node helpers used by the parser actions.
Ast *ast_new(Parser *p, AstKind kind, SrcLoc loc);
void ast_list_push(Parser *p, AstList *list, Ast *item);

// Tokenizes [len] bytes at [text] (NUL at text[len]) into p->toks. [line]
// and [col] give the position of text[0] in the file. In p->expr_mode the
// text is one f-string field: newlines are ignored and no INDENT/NEWLINE
// tokens are made. Returns false only when out of memory.
bool lexer_run(Parser *p, const char *text, size_t len, int line, int col);

// Builds the CONST_STR or FSTRING node for the adjacent STRING tokens
// p->toks[first..last]; NULL on error (p->err filled).
Ast *fe_strings(Parser *p, int first, int last);

// Runs bison over p->toks (token array already filled). Returns 0 on success.
int parser_run(Parser *p);

// Fills p->err (first error wins) with a SyntaxError of [kind] at [loc].
void fe_error(Parser *p, const char *kind, SrcLoc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

// Parses an f-string field expression [text, text+len) at [line]/[col]
// inside the parse [p]; NULL on error (p->err filled).
Ast *fe_parse_fexpr(Parser *p, const char *text, size_t len, int line, int col);

// The semantic checks (ast_check.c): depth cap, then the scope walk.
bool ast_check(Parser *p, Ast *module);

#endif
