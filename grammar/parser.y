// parser.y: the pyish grammar (bison). Actions only build AST nodes (in the
// parse's arena) and validate what an LR grammar cannot express directly:
// assignment targets (parsed as expressions, then given CTX_STORE/CTX_DEL),
// parameter order, call argument order, keyword argument names.
//
// The grammar follows CPython's pre-PEG Grammar/Grammar (3.8), which is
// LL(1) and therefore LALR(1)-friendly; each rule sits under its EBNF line.
// Lists with optional trailing commas use the "x_comma" pattern:
//   list: item | item_comma | item_comma item ; item_comma: item ',' | item_comma item ','
// which needs no lookahead tricks.
//
// Tokens come from the array built by lexer_run; yylex just walks it. A
// first token START_FILE or START_EXPR selects the start symbol (a module or
// an f-string replacement field). Syntax errors are worded like CPython's in
// yyreport_syntax_error; errors found in actions go through fe_error and
// YYABORT. Bison's stack is capped (YYMAXDEPTH) and its exhaustion is
// reported as a SyntaxError, so deep input never overflows anything.

%code requires {
#include "frontend.h"
}

%code provides {
int yyparse(Parser *p);
}

%code {
#include <stdarg.h>
#include "numstr.h"
#include <stdlib.h>
#include <string.h>

#define YYMAXDEPTH 10000

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                   \
    do {                                                              \
        if (N) {                                                      \
            (Cur).line = YYRHSLOC(Rhs, 1).line;                       \
            (Cur).col = YYRHSLOC(Rhs, 1).col;                         \
            (Cur).end_line = YYRHSLOC(Rhs, N).end_line;               \
            (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                 \
        } else {                                                      \
            (Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line;  \
            (Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col;     \
        }                                                             \
    } while (0)

static int yylex(YYSTYPE *lval, SrcLoc *lloc, Parser *p);
static void yyerror(SrcLoc *loc, Parser *p, const char *msg);

// Aborts the parse if [cond] failed (the action already reported).
#define CHECK(cond) do { if (!(cond)) { YYABORT; } } while (0)

static SrcLoc span2(SrcLoc a, SrcLoc b) {
    a.end_line = b.end_line;
    a.end_col = b.end_col;
    return a;
}

static Ast *node(Parser *p, AstKind kind, SrcLoc loc) {
    return ast_new(p, kind, loc);
}

static Ast *node1(Parser *p, AstKind kind, SrcLoc loc, Ast *a) {
    Ast *n = ast_new(p, kind, loc);
    n->a = a;
    return n;
}

static Ast *binop(Parser *p, SrcLoc loc, Ast *a, int op, Ast *b) {
    Ast *n = ast_new(p, AST_BINOP, loc);
    n->a = a;
    n->op = op;
    n->b = b;
    return n;
}

static AstList list1(Parser *p, Ast *item) {
    AstList l = {0};
    ast_list_push(p, &l, item);
    return l;
}

static char *tokstr(Parser *p, const Token *t) {
    return arena_strndup(p->arena, t->text, (size_t)t->len);
}

static Ast *name_node(Parser *p, const Token *t) {
    Ast *n = ast_new(p, AST_NAME, t->loc);
    n->str = tokstr(p, t);
    return n;
}

// A number literal without its '_' separators.
static Ast *number(Parser *p, AstKind kind, const Token *t) {
    Ast *n = ast_new(p, kind, t->loc);
    char *s = arena_alloc(p->arena, (size_t)t->len + 1);
    int j = 0;
    for (int i = 0; i < t->len; i++) {
        if (t->text[i] != '_') {
            s[j++] = t->text[i];
        }
    }
    s[j] = '\0';
    n->str = s;
    return n;
}

static Ast *tuple_of(Parser *p, SrcLoc loc, AstList l) {
    Ast *n = ast_new(p, AST_TUPLE, loc);
    n->list = l;
    return n;
}

// The empty location just after [loc] (where CPython reports a token
// that cannot follow).
static SrcLoc after(SrcLoc loc) {
    loc.line = loc.end_line;
    loc.col = loc.end_col;
    loc.end_col++;
    return loc;
}

// A capture name in a pattern: NULL for the wildcard '_'.
static char *pat_name(Parser *p, const Token *t) {
    return t->len == 1 && t->text[0] == '_' ? NULL : tokstr(p, t);
}

// The name of a mapping pattern's **rest: '_' is not allowed.
static char *rest_name(Parser *p, const Token *t) {
    char *s = pat_name(p, t);
    if (s == NULL) {
        fe_error(p, "SyntaxError", t->loc, "invalid syntax");
    }
    return s;
}

// The right operand of a complex literal pattern must be imaginary.
static bool imaginary(Parser *p, const Token *t) {
    if (t->text[t->len - 1] != 'j' && t->text[t->len - 1] != 'J') {
        fe_error(p, "SyntaxError", t->loc, "imaginary number required in complex literal");
        return false;
    }
    return true;
}

// Splits a class pattern's arguments into positional patterns (list) and
// KEYWORD nodes (list2), with CPython's errors.
static bool class_pattern(Parser *p, Ast *n, AstList *args) {
    for (int i = 0; i < args->len; i++) {
        Ast *a = args->items[i];
        if (a->kind == AST_KEYWORD) {
            for (int j = 0; j < n->list2.len; j++) {
                if (strcmp(n->list2.items[j]->str, a->str) == 0) {
                    fe_error(p, "SyntaxError", a->a->loc, "attribute name repeated in class pattern: %s", a->str);
                    return false;
                }
            }
            ast_list_push(p, &n->list2, a);
        } else if (n->list2.len) {
            fe_error(p, "SyntaxError", a->loc, "positional patterns follow keyword patterns");
            return false;
        } else {
            ast_list_push(p, &n->list, a);
        }
    }
    return true;
}

// CPython's name for an expression kind in error messages.
static const char *expr_name(const Ast *e) {
    switch (e->kind) {
    case AST_ATTRIBUTE: return "attribute";
    case AST_SUBSCRIPT: return "subscript";
    case AST_STARRED: return "starred";
    case AST_NAME: return "name";
    case AST_LIST: return "list";
    case AST_TUPLE: return "tuple";
    case AST_LAMBDA: return "lambda";
    case AST_CALL: return "function call";
    case AST_BOOLOP: case AST_BINOP: case AST_UNARYOP: return "expression";
    case AST_GENEXP: return "generator expression";
    case AST_YIELD: case AST_YIELD_FROM: return "yield expression";
    case AST_AWAIT: return "await expression";
    case AST_LISTCOMP: return "list comprehension";
    case AST_SETCOMP: return "set comprehension";
    case AST_DICTCOMP: return "dict comprehension";
    case AST_DICT: return "dict literal";
    case AST_SET: return "set display";
    case AST_FSTRING: case AST_FORMATTED_VALUE: return "f-string expression";
    case AST_CONST_NONE: return "None";
    case AST_CONST_TRUE: return "True";
    case AST_CONST_FALSE: return "False";
    case AST_ELLIPSIS: return "ellipsis";
    case AST_COMPARE: return "comparison";
    case AST_IFEXP: return "conditional expression";
    case AST_NAMEDEXPR: return "named expression";
    default: return "literal";
    }
}

// The first part of target [e] that cannot be assigned (deleted), or NULL.
// Recursion follows tuple/list/starred nesting, which needs brackets, so
// its depth is bounded by FE_MAX_PARENS.
static const Ast *invalid_target(const Ast *e, AstCtx ctx) {
    switch (e->kind) {
    case AST_NAME: case AST_ATTRIBUTE: case AST_SUBSCRIPT:
        return NULL;
    case AST_STARRED:
        return ctx == CTX_DEL ? e : invalid_target(e->a, ctx);
    case AST_TUPLE: case AST_LIST:
        for (int i = 0; i < e->list.len; i++) {
            const Ast *bad = invalid_target(e->list.items[i], ctx);
            if (bad != NULL) {
                return bad;
            }
        }
        return NULL;
    default:
        return e;
    }
}

static void set_ctx(Ast *e, AstCtx ctx) {
    switch (e->kind) {
    case AST_NAME: case AST_ATTRIBUTE: case AST_SUBSCRIPT:
        e->flag = ctx;
        break;
    case AST_STARRED:
        e->flag = ctx;
        set_ctx(e->a, ctx);
        break;
    case AST_TUPLE: case AST_LIST:
        e->flag = ctx;
        for (int i = 0; i < e->list.len; i++) {
            set_ctx(e->list.items[i], ctx);
        }
        break;
    default:
        break;
    }
}

// At most one starred element per tuple/list target level.
static const Ast *double_star(const Ast *e) {
    if (e->kind == AST_STARRED) {
        return double_star(e->a);
    }
    if (e->kind != AST_TUPLE && e->kind != AST_LIST) {
        return NULL;
    }
    int stars = 0;
    for (int i = 0; i < e->list.len; i++) {
        const Ast *it = e->list.items[i];
        stars += it->kind == AST_STARRED;
        const Ast *bad = double_star(it);
        if (bad != NULL) {
            return bad;
        }
    }
    return stars > 1 ? e : NULL;
}

typedef enum TargetUse { T_ASSIGN, T_FOR, T_DEL } TargetUse;

// Validates [e] as an assignment (T_ASSIGN, T_FOR) or del target and sets
// its context. [value] is the assigned value of a plain '=' statement (for
// CPython's "Maybe you meant '=='" hint), else NULL.
static bool target(Parser *p, Ast *e, TargetUse use, const Ast *value) {
    AstCtx ctx = use == T_DEL ? CTX_DEL : CTX_STORE;
    if (use == T_ASSIGN && (e->kind == AST_YIELD || e->kind == AST_YIELD_FROM)) {
        fe_error(p, "SyntaxError", e->loc, "assignment to yield expression not possible");
        return false;
    }
    if (use != T_DEL && e->kind == AST_STARRED) {
        fe_error(p, "SyntaxError", e->loc, "starred assignment target must be in a list or tuple");
        return false;
    }
    const Ast *bad = invalid_target(e, ctx);
    if (bad != NULL) {
        if (use == T_DEL) {
            fe_error(p, "SyntaxError", bad->loc, "cannot delete %s", expr_name(bad));
            return false;
        }
        bool hint = use == T_ASSIGN && value != NULL && bad == e;
        switch (value ? value->kind : AST_PASS) {
        case AST_YIELD: case AST_YIELD_FROM: case AST_COMPARE: case AST_BOOLOP: case AST_IFEXP:
        case AST_LAMBDA: case AST_NAMEDEXPR:
            hint = false;
            break;
        case AST_UNARYOP:
            hint = hint && value->op != UN_NOT;
            break;
        default:
            break;
        }
        switch (bad->kind) {
        case AST_COMPARE: case AST_BOOLOP: case AST_IFEXP: case AST_LAMBDA: case AST_GENEXP:
        case AST_CONST_TRUE: case AST_CONST_FALSE: case AST_CONST_NONE:
            hint = false;
            break;
        case AST_UNARYOP:
            hint = hint && bad->op != UN_NOT;
            break;
        default:
            break;
        }
        if (hint) {
            fe_error(p, "SyntaxError", bad->loc,
                     "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                     expr_name(bad));
        } else {
            fe_error(p, "SyntaxError", bad->loc, "cannot assign to %s", expr_name(bad));
        }
        return false;
    }
    const Ast *dbl = double_star(e);
    if (dbl != NULL) {
        fe_error(p, "SyntaxError", dbl->loc, "multiple starred expressions in assignment");
        return false;
    }
    set_ctx(e, ctx);
    return true;
}

static bool aug_target(Parser *p, Ast *e) {
    if (e->kind != AST_NAME && e->kind != AST_ATTRIBUTE && e->kind != AST_SUBSCRIPT) {
        fe_error(p, "SyntaxError", e->loc, "'%s' is an illegal expression for augmented assignment",
                 expr_name(e));
        return false;
    }
    e->flag = CTX_STORE;
    return true;
}

// Parameter items are ARG nodes with a temporary marker in op: 0 plain,
// '/' , '*' (str NULL for a bare star) or 'd' for **.
static Ast *param(Parser *p, SrcLoc loc, int marker, const Token *name, Ast *ann, Ast *def) {
    Ast *n = ast_new(p, AST_ARG, loc);
    n->op = marker;
    n->str = name ? tokstr(p, name) : NULL;
    n->b = ann;
    n->a = def;
    return n;
}

// Builds ARGUMENTS from parameter items, checking their order.
static Ast *arguments(Parser *p, SrcLoc loc, AstList items) {
    Ast *args = ast_new(p, AST_ARGUMENTS, loc);
    bool seen_default = false, seen_star = false, seen_slash = false;
    Ast *kwarg = NULL, *bare = NULL;
    for (int i = 0; i < items.len; i++) {
        Ast *it = items.items[i];
        int marker = it->op;
        it->op = 0;
        if (kwarg != NULL) {
            fe_error(p, "SyntaxError", it->loc, "arguments cannot follow var-keyword argument");
            return NULL;
        }
        switch (marker) {
        case '/':
            if (seen_slash) {
                fe_error(p, "SyntaxError", it->loc, "/ may appear only once");
                return NULL;
            }
            if (seen_star) {
                fe_error(p, "SyntaxError", it->loc, "/ must be ahead of *");
                return NULL;
            }
            if (args->list.len == 0) {
                fe_error(p, "SyntaxError", it->loc, "at least one argument must precede /");
                return NULL;
            }
            seen_slash = true;
            args->flag = args->list.len;
            break;
        case '*':
            if (seen_star) {
                fe_error(p, "SyntaxError", it->loc, "* argument may appear only once");
                return NULL;
            }
            seen_star = true;
            if (it->str != NULL) {
                args->a = it;
            } else {
                bare = it;
            }
            break;
        case 'd':
            kwarg = it;
            args->b = it;
            break;
        default:
            if (seen_star) {
                ast_list_push(p, &args->list2, it);
            } else {
                if (it->a != NULL) {
                    seen_default = true;
                } else if (seen_default) {
                    fe_error(p, "SyntaxError", it->loc,
                             "non-default argument follows default argument");
                    return NULL;
                }
                ast_list_push(p, &args->list, it);
            }
        }
    }
    if (bare != NULL && args->list2.len == 0) {
        fe_error(p, "SyntaxError", bare->loc, "named arguments must follow bare *");
        return NULL;
    }
    return args;
}

// Call argument items: expressions, STARRED, KEYWORD nodes; an
// unparenthesized generator expression is marked with op = 1.
static bool call_args(Parser *p, Ast *call, AstList items, SrcLoc close) {
    bool seen_kw = false, seen_dstar = false;
    for (int i = 0; i < items.len; i++) {
        Ast *it = items.items[i];
        if (it->kind == AST_GENEXP && it->op == 1) {
            it->op = 0;
            if (items.len > 1) {
                fe_error(p, "SyntaxError", it->loc, "Generator expression must be parenthesized");
                return false;
            }
        }
        if (it->kind == AST_KEYWORD) {
            if (it->str == NULL) {
                seen_dstar = true;
            } else {
                seen_kw = true;
            }
            ast_list_push(p, &call->list2, it);
        } else if (it->kind == AST_STARRED) {
            if (seen_dstar) {
                SrcLoc star = it->loc;
                star.end_line = star.line;
                star.end_col = star.col + 1;
                fe_error(p, "SyntaxError", star,
                         "iterable argument unpacking follows keyword argument unpacking");
                return false;
            }
            ast_list_push(p, &call->list, it);
        } else {
            if (seen_dstar) {
                fe_error(p, "SyntaxError", close,
                         "positional argument follows keyword argument unpacking");
                return false;
            }
            if (seen_kw) {
                fe_error(p, "SyntaxError", close, "positional argument follows keyword argument");
                return false;
            }
            ast_list_push(p, &call->list, it);
        }
    }
    return true;
}

static Ast *compare_add(Parser *p, Ast *cmp, int op, Ast *right) {
    int n = cmp->list.len;
    if (n == 0 || (n & (n - 1)) == 0) {
        int *ops = arena_alloc(p->arena, sizeof(int) * (size_t)(n ? n * 2 : 1));
        if (n) {
            memcpy(ops, cmp->ops, sizeof(int) * (size_t)n);
        }
        cmp->ops = ops;
    }
    cmp->ops[n] = op;
    ast_list_push(p, &cmp->list, right);
    return cmp;
}

static Ast *comp(Parser *p, AstKind kind, SrcLoc loc, Ast *elt, AstList gens) {
    if (elt->kind == AST_STARRED) {
        fe_error(p, "SyntaxError", elt->loc, "iterable unpacking cannot be used in comprehension");
        return NULL;
    }
    Ast *n = ast_new(p, kind, loc);
    n->a = elt;
    n->list = gens;
    return n;
}

static char *dotted(Parser *p, const char *a, const Token *b) {
    size_t la = strlen(a);
    char *s = arena_alloc(p->arena, la + (size_t)b->len + 2);
    memcpy(s, a, la);
    s[la] = '.';
    memcpy(s + la + 1, b->text, (size_t)b->len);
    return s;
}

static Ast *alias(Parser *p, SrcLoc loc, char *name, const Token *as) {
    Ast *n = ast_new(p, AST_ALIAS, loc);
    n->str = name;
    n->str2 = as ? tokstr(p, as) : NULL;
    return n;
}
}

%define api.pure full
%define api.token.prefix {TOK_}
%define api.location.type {SrcLoc}
%define parse.error custom
%define parse.lac full
%locations
%param {Parser *p}
%expect 0

%union {
    Ast *node;
    AstList list;
    int op;
    Token *tok;
    char *str;
    struct { int first, last; } span;
    struct { Ast *head, *tail; } chain;
}

%token START_FILE START_EXPR LEXERROR BANG
%token <tok> NAME "identifier" INT "integer" FLOAT "float" STRING "string"
%token NEWLINE "newline" INDENT "indent" DEDENT "dedent"
%token FALSE "'False'" NONE "'None'" TRUE "'True'" AND "'and'" AS "'as'"
%token ASSERT "'assert'" ASYNC "'async'" AWAIT "'await'" BREAK "'break'"
%token CLASS "'class'" CONTINUE "'continue'" DEF "'def'" DEL "'del'"
%token ELIF "'elif'" ELSE "'else'" EXCEPT "'except'" FINALLY "'finally'"
%token FOR "'for'" FROM "'from'" GLOBAL "'global'" IF "'if'" IMPORT "'import'"
%token IN "'in'" IS "'is'" LAMBDA "'lambda'" NONLOCAL "'nonlocal'" NOT "'not'"
%token OR "'or'" PASS "'pass'" RAISE "'raise'" RETURN "'return'" TRY "'try'"
%token WHILE "'while'" WITH "'with'" YIELD "'yield'"
%token WITH_LPAR "'(' of with-items" WITH_RPAR "')' of with-items"
%token MATCH "'match'" CASE "'case'"
%token LPAR "'('" RPAR "')'" LSQB "'['" RSQB "']'" LBRACE "'{'" RBRACE "'}'"
%token COMMA "','" COLON "':'" SEMI "';'" DOT "'.'" ELLIPSIS "'...'"
%token ARROW "'->'" EQUAL "'='" COLONEQ "':='"
%token PLUSEQ "'+='" MINUSEQ "'-='" STAREQ "'*='" SLASHEQ "'/='"
%token DSLASHEQ "'//='" PERCENTEQ "'%='" DSTAREQ "'**='" LSHIFTEQ "'<<='"
%token RSHIFTEQ "'>>='" AMPEQ "'&='" VBAREQ "'|='" CIRCEQ "'^='" ATEQ "'@='"
%token EQEQ "'=='" NOTEQ "'!='" LESS "'<'" GREATER "'>'" LESSEQ "'<='"
%token GREATEREQ "'>='" PLUS "'+'" MINUS "'-'" STAR "'*'" SLASH "'/'"
%token DSLASH "'//'" PERCENT "'%'" DSTAR "'**'" LSHIFT "'<<'" RSHIFT "'>>'"
%token AMP "'&'" VBAR "'|'" CIRC "'^'" TILDE "'~'" AT "'@'"

%type <list> stmts stmt simple_stmt small_stmts suite else_opt finally_opt
%type <list> handlers with_items decorators names params lparams params_opt lparams_opt
%type <list> comp_fors comp_ifs tse_comma ex_comma nstar_comma set_items dict_items
%type <list> arglist arglist_opt subscript_comma assign_chain
%type <list> dotted_as_names import_as_names import_targets
%type <node> small_stmt expr_stmt rhs compound_stmt if_stmt while_stmt for_stmt try_stmt
%type <node> with_stmt with_item funcdef classdef decorated async_stmt handler decorator
%type <node> param lparam ret_opt namedexpr_test test test_opt or_test and_test not_test
%type <node> comparison expr xor_expr and_expr shift_expr arith_expr term factor power
%type <node> await_primary primary atom star_expr test_or_star expr_or_star named_or_star
%type <node> testlist_star_expr exprlist lambdef yield_expr comp_for argument subscript
%type <node> subscriptlist slice dict_item dotted_as_name import_as_name or_chain and_chain
%type <node> cmp_chain fparams
%type <op> augassign comp_op dots
%type <str> dotted_name
%type <span> strings
%type <chain> if_chain
%type <node> match_stmt subject case_block pattern patterns or_pattern closed_pattern
%type <node> maybe_star signed_number literal_expr name_or_attr attr class_arg
%type <list> case_blocks pattern_items or_alts key_patterns class_args

%%

// start: START_FILE file_input | START_EXPR fexpr
start
    : START_FILE file_input
    | START_EXPR fexpr
    ;

// file_input: stmt* ENDMARKER
file_input
    : %empty    { p->result = node(p, AST_MODULE, @$); }
    | stmts     { p->result = node(p, AST_MODULE, @$); p->result->list = $1; }
    ;

// fexpr: (testlist_star_expr | yield_expr) ENDMARKER     (an f-string field)
fexpr
    : testlist_star_expr    { p->result = $1; }
    | yield_expr            { p->result = $1; }
    ;

// stmts: stmt+
stmts
    : stmt
    | stmts stmt
        {
            $$ = $1;
            for (int i = 0; i < $2.len; i++) {
                ast_list_push(p, &$$, $2.items[i]);
            }
        }
    ;

// stmt: simple_stmt | compound_stmt
stmt
    : simple_stmt
    | compound_stmt     { $$ = list1(p, $1); }
    ;

// simple_stmt: small_stmt (';' small_stmt)* [';'] NEWLINE
simple_stmt
    : small_stmts NEWLINE           { @$ = @1; }
    | small_stmts SEMI NEWLINE      { @$ = @1; }
    ;

small_stmts
    : small_stmt                    { $$ = list1(p, $1); }
    | small_stmts SEMI small_stmt   { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

// small_stmt: expr_stmt | del_stmt | pass_stmt | flow_stmt | import_stmt
//           | global_stmt | nonlocal_stmt | assert_stmt
small_stmt
    : expr_stmt
    // del_stmt: 'del' exprlist      (each element is one target)
    | DEL expr_or_star
        {
            CHECK(target(p, $2, T_DEL, NULL));
            $$ = node(p, AST_DEL, @$);
            $$->list = list1(p, $2);
        }
    | DEL ex_comma
        {
            $$ = node(p, AST_DEL, @$);
            $$->list = $2;
            for (int i = 0; i < $2.len; i++) {
                CHECK(target(p, $2.items[i], T_DEL, NULL));
            }
        }
    | DEL ex_comma expr_or_star
        {
            ast_list_push(p, &$2, $3);
            $$ = node(p, AST_DEL, @$);
            $$->list = $2;
            for (int i = 0; i < $2.len; i++) {
                CHECK(target(p, $2.items[i], T_DEL, NULL));
            }
        }
    // pass_stmt: 'pass'
    | PASS              { $$ = node(p, AST_PASS, @$); }
    // flow_stmt: break_stmt | continue_stmt | return_stmt | raise_stmt | yield_stmt
    | BREAK             { $$ = node(p, AST_BREAK, @$); }
    | CONTINUE          { $$ = node(p, AST_CONTINUE, @$); }
    // return_stmt: 'return' [testlist_star_expr]
    | RETURN            { $$ = node(p, AST_RETURN, @$); }
    | RETURN testlist_star_expr { $$ = node1(p, AST_RETURN, @$, $2); }
    // raise_stmt: 'raise' [test ['from' test]]
    | RAISE             { $$ = node(p, AST_RAISE, @$); }
    | RAISE test        { $$ = node1(p, AST_RAISE, @$, $2); }
    | RAISE test FROM test { $$ = node1(p, AST_RAISE, @$, $2); $$->b = $4; }
    // global_stmt: 'global' NAME (',' NAME)*
    | GLOBAL names      { $$ = node(p, AST_GLOBAL, @$); $$->list = $2; }
    // nonlocal_stmt: 'nonlocal' NAME (',' NAME)*
    | NONLOCAL names    { $$ = node(p, AST_NONLOCAL, @$); $$->list = $2; }
    // assert_stmt: 'assert' test [',' test]
    | ASSERT test       { $$ = node1(p, AST_ASSERT, @$, $2); }
    | ASSERT test COMMA test { $$ = node1(p, AST_ASSERT, @$, $2); $$->b = $4; }
    // import_name: 'import' dotted_as_names
    | IMPORT dotted_as_names { $$ = node(p, AST_IMPORT, @$); $$->list = $2; }
    // import_from: 'from' (('.' | '...')* dotted_name | ('.' | '...')+)
    //              'import' ('*' | '(' import_as_names ')' | import_as_names)
    | FROM dotted_name IMPORT import_targets
        { $$ = node(p, AST_IMPORT_FROM, @$); $$->str = $2; $$->list = $4; }
    | FROM dots dotted_name IMPORT import_targets
        { $$ = node(p, AST_IMPORT_FROM, @$); $$->str = $3; $$->op = $2; $$->list = $5; }
    | FROM dots IMPORT import_targets
        { $$ = node(p, AST_IMPORT_FROM, @$); $$->op = $2; $$->list = $4; }
    ;

names
    : NAME              { $$ = list1(p, name_node(p, $1)); }
    | names COMMA NAME  { $$ = $1; ast_list_push(p, &$$, name_node(p, $3)); }
    ;

// dotted_as_names: dotted_as_name (',' dotted_as_name)*
dotted_as_names
    : dotted_as_name                        { $$ = list1(p, $1); }
    | dotted_as_names COMMA dotted_as_name  { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

// dotted_as_name: dotted_name ['as' NAME]
dotted_as_name
    : dotted_name           { $$ = alias(p, @$, $1, NULL); }
    | dotted_name AS NAME   { $$ = alias(p, @$, $1, $3); }
    ;

// dotted_name: NAME ('.' NAME)*
dotted_name
    : NAME                  { $$ = tokstr(p, $1); }
    | dotted_name DOT NAME  { $$ = dotted(p, $1, $3); }
    ;

dots
    : DOT               { $$ = 1; }
    | ELLIPSIS          { $$ = 3; }
    | dots DOT          { $$ = $1 + 1; }
    | dots ELLIPSIS     { $$ = $1 + 3; }
    ;

import_targets
    : STAR              { $$ = list1(p, alias(p, @$, arena_strndup(p->arena, "*", 1), NULL)); }
    | LPAR import_as_names RPAR         { $$ = $2; }
    | LPAR import_as_names COMMA RPAR   { $$ = $2; }
    | import_as_names
    | import_as_names COMMA
        {
            SrcLoc loc = {@2.end_line, @2.end_col, @2.end_line, @2.end_col + 1};
            fe_error(p, "SyntaxError", loc, "trailing comma not allowed without surrounding parentheses");
            YYABORT;
        }
    ;

// import_as_names: import_as_name (',' import_as_name)*
import_as_names
    : import_as_name                        { $$ = list1(p, $1); }
    | import_as_names COMMA import_as_name  { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

// import_as_name: NAME ['as' NAME]
import_as_name
    : NAME          { $$ = alias(p, @$, tokstr(p, $1), NULL); }
    | NAME AS NAME  { $$ = alias(p, @$, tokstr(p, $1), $3); }
    ;

// expr_stmt: testlist_star_expr (annassign | augassign (yield_expr|testlist_star_expr)
//            | ('=' (yield_expr|testlist_star_expr))*)
// annassign: ':' test ['=' (yield_expr|testlist_star_expr)]
expr_stmt
    : testlist_star_expr    { $$ = node1(p, AST_EXPR_STMT, @$, $1); }
    | yield_expr            { $$ = node1(p, AST_EXPR_STMT, @$, $1); }
    | testlist_star_expr COLON test
        {
            if ($1->kind == AST_TUPLE || $1->kind == AST_LIST) {
                fe_error(p, "SyntaxError", $1->loc, "only single target (not %s) can be annotated",
                         $1->kind == AST_TUPLE ? "tuple" : "list");
                YYABORT;
            }
            if ($1->kind != AST_NAME && $1->kind != AST_ATTRIBUTE && $1->kind != AST_SUBSCRIPT) {
                fe_error(p, "SyntaxError", $1->loc, "illegal target for annotation");
                YYABORT;
            }
            $1->flag = CTX_STORE;
            $$ = node1(p, AST_ANNASSIGN, @$, $1);
            $$->b = $3;
        }
    | testlist_star_expr COLON test EQUAL rhs
        {
            if ($1->kind == AST_TUPLE || $1->kind == AST_LIST) {
                fe_error(p, "SyntaxError", $1->loc, "only single target (not %s) can be annotated",
                         $1->kind == AST_TUPLE ? "tuple" : "list");
                YYABORT;
            }
            if ($1->kind != AST_NAME && $1->kind != AST_ATTRIBUTE && $1->kind != AST_SUBSCRIPT) {
                fe_error(p, "SyntaxError", $1->loc, "illegal target for annotation");
                YYABORT;
            }
            $1->flag = CTX_STORE;
            $$ = node1(p, AST_ANNASSIGN, @$, $1);
            $$->b = $3;
            $$->c = $5;
        }
    | testlist_star_expr augassign rhs
        {
            CHECK(aug_target(p, $1));
            $$ = node1(p, AST_AUGASSIGN, @$, $1);
            $$->op = $2;
            $$->b = $3;
        }
    | assign_chain rhs
        {
            $$ = node1(p, AST_ASSIGN, @$, $2);
            $$->list = $1;
            for (int i = 0; i < $1.len; i++) {
                CHECK(target(p, $1.items[i], T_ASSIGN, $1.len == 1 ? $2 : NULL));
            }
        }
    ;

assign_chain
    : testlist_star_expr EQUAL  { $$ = list1(p, $1); }
    | yield_expr EQUAL          { $$ = list1(p, $1); }
    | assign_chain rhs EQUAL    { $$ = $1; ast_list_push(p, &$$, $2); }
    ;

rhs
    : testlist_star_expr
    | yield_expr
    ;

// augassign: ('+=' | '-=' | '*=' | '@=' | '/=' | '%=' | '&=' | '|=' | '^=' |
//             '<<=' | '>>=' | '**=' | '//=')
augassign
    : PLUSEQ    { $$ = BIN_ADD; }
    | MINUSEQ   { $$ = BIN_SUB; }
    | STAREQ    { $$ = BIN_MUL; }
    | ATEQ      { $$ = BIN_MATMUL; }
    | SLASHEQ   { $$ = BIN_TRUEDIV; }
    | PERCENTEQ { $$ = BIN_MOD; }
    | AMPEQ     { $$ = BIN_AND; }
    | VBAREQ    { $$ = BIN_OR; }
    | CIRCEQ    { $$ = BIN_XOR; }
    | LSHIFTEQ  { $$ = BIN_LSHIFT; }
    | RSHIFTEQ  { $$ = BIN_RSHIFT; }
    | DSTAREQ   { $$ = BIN_POW; }
    | DSLASHEQ  { $$ = BIN_FLOORDIV; }
    ;

// compound_stmt: if_stmt | while_stmt | for_stmt | try_stmt | with_stmt
//              | funcdef | classdef | decorated | async_stmt
compound_stmt
    : if_stmt
    | while_stmt
    | for_stmt
    | try_stmt
    | with_stmt
    | match_stmt
    | funcdef
    | classdef
    | decorated
    | async_stmt
    ;

// async_stmt: 'async' (funcdef | with_stmt | for_stmt)
async_stmt
    : ASYNC funcdef     { $$ = $2; $$->flag = 1; $$->loc = @$; }
    | ASYNC with_stmt   { $$ = $2; $$->flag = 1; $$->loc = @$; }
    | ASYNC for_stmt    { $$ = $2; $$->flag = 1; $$->loc = @$; }
    ;

// if_stmt: 'if' namedexpr_test ':' suite ('elif' namedexpr_test ':' suite)* ['else' ':' suite]
if_stmt
    : if_chain                      { $$ = $1.head; }
    | if_chain ELSE COLON suite     { $$ = $1.head; $1.tail->list2 = $4; $$->loc = @$; }
    ;

if_chain
    : IF namedexpr_test COLON suite
        {
            $$.head = $$.tail = node1(p, AST_IF, @$, $2);
            $$.head->list = $4;
        }
    | if_chain ELIF namedexpr_test COLON suite
        {
            Ast *n = node1(p, AST_IF, span2(@2, @5), $3);
            n->list = $5;
            $1.tail->list2 = list1(p, n);
            $$.head = $1.head;
            $$.tail = n;
            $$.head->loc = @$;
        }
    ;

// while_stmt: 'while' namedexpr_test ':' suite ['else' ':' suite]
while_stmt
    : WHILE namedexpr_test COLON suite else_opt
        { $$ = node1(p, AST_WHILE, @$, $2); $$->list = $4; $$->list2 = $5; }
    ;

else_opt
    : %empty                { $$ = (AstList){0}; }
    | ELSE COLON suite      { $$ = $3; }
    ;

// for_stmt: 'for' exprlist 'in' testlist_star_expr ':' suite ['else' ':' suite]
for_stmt
    : FOR exprlist IN testlist_star_expr COLON suite else_opt
        {
            CHECK(target(p, $2, T_FOR, NULL));
            $$ = node1(p, AST_FOR, @$, $2);
            $$->b = $4;
            $$->list = $6;
            $$->list2 = $7;
        }
    ;

// try_stmt: ('try' ':' suite
//            ((except_clause ':' suite)+ ['else' ':' suite] ['finally' ':' suite]
//            | 'finally' ':' suite))
try_stmt
    : TRY COLON suite handlers else_opt finally_opt
        {
            $$ = node(p, AST_TRY, @$);
            $$->list = $3;
            $$->list2 = $4;
            $$->list3 = $5;
            $$->list4 = $6;
        }
    | TRY COLON suite FINALLY COLON suite
        { $$ = node(p, AST_TRY, @$); $$->list = $3; $$->list4 = $6; }
    ;

finally_opt
    : %empty                { $$ = (AstList){0}; }
    | FINALLY COLON suite   { $$ = $3; }
    ;

handlers
    : handler               { $$ = list1(p, $1); }
    | handlers handler
        {
            if ($2->flag != $1.items[0]->flag) {
                SrcLoc loc = $2->loc;
                loc.end_line = loc.line;
                loc.end_col = loc.col + ($2->flag ? 7 : 6);
                fe_error(p, "SyntaxError", loc, "cannot have both 'except' and 'except*' on the same 'try'");
                YYABORT;
            }
            $$ = $1;
            ast_list_push(p, &$$, $2);
        }
    ;

// except_clause: 'except' [test ['as' NAME]]
handler
    : EXCEPT COLON suite
        { $$ = node(p, AST_EXCEPT_HANDLER, @$); $$->list = $3; }
    | EXCEPT test COLON suite
        { $$ = node1(p, AST_EXCEPT_HANDLER, @$, $2); $$->list = $4; }
    | EXCEPT test AS NAME COLON suite
        { $$ = node1(p, AST_EXCEPT_HANDLER, @$, $2); $$->str = tokstr(p, $4); $$->list = $6; }
    // CPython's invalid_except_stmt: 'except A, B:' (Python 2's form)
    | EXCEPT test COMMA testlist_star_expr except_as_opt COLON
        {
            fe_error(p, "SyntaxError", span2(@2, @5), "multiple exception types must be parenthesized");
            YYABORT;
        }
// except_star_clause: 'except' '*' test ['as' NAME]
    | EXCEPT STAR test COLON suite
        { $$ = node1(p, AST_EXCEPT_HANDLER, @$, $3); $$->flag = 1; $$->list = $5; }
    | EXCEPT STAR test AS NAME COLON suite
        {
            $$ = node1(p, AST_EXCEPT_HANDLER, @$, $3);
            $$->flag = 1;
            $$->str = tokstr(p, $5);
            $$->list = $7;
        }
    | EXCEPT STAR COLON
        {
            fe_error(p, "SyntaxError", @3, "expected one or more exception types");
            YYABORT;
        }
    ;

// with_stmt: 'with' '(' with_item (',' with_item)* [','] ')' ':' suite
//          | 'with' with_item (',' with_item)* ':' suite
// (yylex turns the parentheses into WITH_LPAR/WITH_RPAR when they hold
// with-items rather than one expression: see with_parens)
with_stmt
    : WITH with_items COLON suite
        { $$ = node(p, AST_WITH, @$); $$->list = $2; $$->list2 = $4; }
    | WITH WITH_LPAR with_items WITH_RPAR COLON suite
        { $$ = node(p, AST_WITH, @$); $$->list = $3; $$->list2 = $6; }
    | WITH WITH_LPAR with_items COMMA WITH_RPAR COLON suite
        { $$ = node(p, AST_WITH, @$); $$->list = $3; $$->list2 = $7; }
    ;

with_items
    : with_item                     { $$ = list1(p, $1); }
    | with_items COMMA with_item    { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

// with_item: test ['as' expr]
with_item
    : test              { $$ = node1(p, AST_WITHITEM, @$, $1); }
    | test AS expr
        {
            CHECK(target(p, $3, T_FOR, NULL));
            $$ = node1(p, AST_WITHITEM, @$, $1);
            $$->b = $3;
        }
    ;

// match_stmt: "match" subject_expr ':' NEWLINE INDENT case_block+ DEDENT
// (yylex makes 'match' and 'case' keywords only at the start of a line that
// ends with ':', as CPython's soft keywords.)
match_stmt
    : MATCH subject COLON NEWLINE INDENT case_blocks DEDENT
        { $$ = node1(p, AST_MATCH, @$, $2); $$->list = $6; }
    ;

subject
    : named_or_star
        {
            if ($1->kind == AST_STARRED) {
                // CPython reads "match *x:" as the expression match * x
                fe_error(p, "SyntaxError", after(@1), "invalid syntax");
                YYABORT;
            }
            $$ = $1;
        }
    | nstar_comma                   { $$ = tuple_of(p, @$, $1); }
    | nstar_comma named_or_star     { ast_list_push(p, &$1, $2); $$ = tuple_of(p, @$, $1); }
    ;

case_blocks
    : case_block                { $$ = list1(p, $1); }
    | case_blocks case_block    { $$ = $1; ast_list_push(p, &$$, $2); }
    ;

// case_block: "case" patterns guard? ':' block
case_block
    : CASE patterns COLON suite
        { $$ = node1(p, AST_MATCH_CASE, @$, $2); $$->list = $4; }
    | CASE patterns IF namedexpr_test COLON suite
        { $$ = node1(p, AST_MATCH_CASE, @$, $2); $$->b = $4; $$->list = $6; }
    ;

// patterns: open_sequence_pattern | pattern
patterns
    : pattern_items
        {
            if ($1.len == 1 && $1.items[0]->kind != AST_PAT_STAR) {
                $$ = $1.items[0];
            } else if ($1.len == 1) {
                fe_error(p, "SyntaxError", after(@$), "invalid syntax");
                YYABORT;
            } else {
                $$ = node(p, AST_PAT_SEQUENCE, @$);
                $$->list = $1;
            }
        }
    | pattern_items COMMA   { $$ = node(p, AST_PAT_SEQUENCE, @$); $$->list = $1; }
    ;

pattern_items
    : maybe_star                        { $$ = list1(p, $1); }
    | pattern_items COMMA maybe_star    { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

maybe_star
    : pattern
    | STAR NAME     { $$ = node(p, AST_PAT_STAR, @$); $$->str = pat_name(p, $2); }
    ;

// pattern: or_pattern ['as' NAME]
pattern
    : or_pattern
    | or_pattern AS NAME
        {
            if ($3->len == 1 && $3->text[0] == '_') {
                fe_error(p, "SyntaxError", $3->loc, "cannot use '_' as a target");
                YYABORT;
            }
            $$ = node1(p, AST_PAT_AS, @$, $1);
            $$->str = tokstr(p, $3);
        }
    ;

or_pattern
    : closed_pattern
    | or_alts VBAR closed_pattern
        { $$ = node(p, AST_PAT_OR, @$); $$->list = $1; ast_list_push(p, &$$->list, $3); }
    ;

or_alts
    : closed_pattern                { $$ = list1(p, $1); }
    | or_alts VBAR closed_pattern   { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

closed_pattern
    : literal_expr
        {
            int k = $1->kind;
            $$ = node1(p, k == AST_CONST_NONE || k == AST_CONST_TRUE || k == AST_CONST_FALSE
                              ? AST_PAT_SINGLETON : AST_PAT_VALUE, @$, $1);
        }
    | NAME
        {
            $$ = node(p, AST_PAT_AS, @$);
            $$->str = pat_name(p, $1);
        }
    | attr                          { $$ = node1(p, AST_PAT_VALUE, @$, $1); }
    | LPAR RPAR                     { $$ = node(p, AST_PAT_SEQUENCE, @$); }
    | LPAR pattern_items RPAR
        {
            if ($2.len == 1 && $2.items[0]->kind == AST_PAT_STAR) {
                fe_error(p, "SyntaxError", @3, "invalid syntax");
                YYABORT;
            }
            if ($2.len == 1) {
                $$ = $2.items[0];
            } else {
                $$ = node(p, AST_PAT_SEQUENCE, @$);
                $$->list = $2;
            }
        }
    | LPAR pattern_items COMMA RPAR { $$ = node(p, AST_PAT_SEQUENCE, @$); $$->list = $2; }
    | LSQB RSQB                     { $$ = node(p, AST_PAT_SEQUENCE, @$); }
    | LSQB pattern_items RSQB       { $$ = node(p, AST_PAT_SEQUENCE, @$); $$->list = $2; }
    | LSQB pattern_items COMMA RSQB { $$ = node(p, AST_PAT_SEQUENCE, @$); $$->list = $2; }
    | LBRACE RBRACE                 { $$ = node(p, AST_PAT_MAPPING, @$); }
    | LBRACE DSTAR NAME RBRACE
        { $$ = node(p, AST_PAT_MAPPING, @$); $$->str = rest_name(p, $3); CHECK($$->str); }
    | LBRACE DSTAR NAME COMMA RBRACE
        { $$ = node(p, AST_PAT_MAPPING, @$); $$->str = rest_name(p, $3); CHECK($$->str); }
    | LBRACE key_patterns RBRACE        { $$ = $2.items[0]; $$->loc = @$; }
    | LBRACE key_patterns COMMA RBRACE  { $$ = $2.items[0]; $$->loc = @$; }
    | LBRACE key_patterns COMMA DSTAR NAME RBRACE
        { $$ = $2.items[0]; $$->loc = @$; $$->str = rest_name(p, $5); CHECK($$->str); }
    | LBRACE key_patterns COMMA DSTAR NAME COMMA RBRACE
        { $$ = $2.items[0]; $$->loc = @$; $$->str = rest_name(p, $5); CHECK($$->str); }
    | name_or_attr LPAR RPAR        { $$ = node1(p, AST_PAT_CLASS, @$, $1); }
    | name_or_attr LPAR class_args RPAR
        { $$ = node1(p, AST_PAT_CLASS, @$, $1); CHECK(class_pattern(p, $$, &$3)); }
    | name_or_attr LPAR class_args COMMA RPAR
        { $$ = node1(p, AST_PAT_CLASS, @$, $1); CHECK(class_pattern(p, $$, &$3)); }
    ;

// The mapping pattern node rides as the list's first item: keys in list,
// patterns in list2.
key_patterns
    : literal_expr COLON pattern
        { Ast *m = node(p, AST_PAT_MAPPING, @$); ast_list_push(p, &m->list, $1);
          ast_list_push(p, &m->list2, $3); $$ = list1(p, m); }
    | attr COLON pattern
        { Ast *m = node(p, AST_PAT_MAPPING, @$); ast_list_push(p, &m->list, $1);
          ast_list_push(p, &m->list2, $3); $$ = list1(p, m); }
    | key_patterns COMMA literal_expr COLON pattern
        { $$ = $1; ast_list_push(p, &$$.items[0]->list, $3); ast_list_push(p, &$$.items[0]->list2, $5); }
    | key_patterns COMMA attr COLON pattern
        { $$ = $1; ast_list_push(p, &$$.items[0]->list, $3); ast_list_push(p, &$$.items[0]->list2, $5); }
    ;

class_args
    : class_arg                     { $$ = list1(p, $1); }
    | class_args COMMA class_arg    { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

class_arg
    : pattern
    | NAME EQUAL pattern    { $$ = node1(p, AST_KEYWORD, @$, $3); $$->str = tokstr(p, $1); }
    ;

name_or_attr
    : NAME      { $$ = name_node(p, $1); }
    | attr
    ;

attr
    : name_or_attr DOT NAME
        { $$ = node1(p, AST_ATTRIBUTE, @$, $1); $$->str = tokstr(p, $3); }
    ;

// literal_expr: signed_number ['+'|'-' imaginary] | strings | None | True | False
literal_expr
    : signed_number
    | signed_number PLUS FLOAT
        { CHECK(imaginary(p, $3)); $$ = binop(p, @$, $1, BIN_ADD, number(p, AST_CONST_FLOAT, $3)); }
    | signed_number MINUS FLOAT
        { CHECK(imaginary(p, $3)); $$ = binop(p, @$, $1, BIN_SUB, number(p, AST_CONST_FLOAT, $3)); }
    | signed_number PLUS INT    { CHECK(imaginary(p, $3)); $$ = NULL; }
    | signed_number MINUS INT   { CHECK(imaginary(p, $3)); $$ = NULL; }
    | strings
        {
            $$ = fe_strings(p, $1.first, $1.last);
            CHECK($$ != NULL);
            if ($$->kind == AST_FSTRING) {
                fe_error(p, "SyntaxError", @1, "patterns may only match literals and attribute lookups");
                YYABORT;
            }
        }
    | NONE      { $$ = node(p, AST_CONST_NONE, @$); }
    | TRUE      { $$ = node(p, AST_CONST_TRUE, @$); }
    | FALSE     { $$ = node(p, AST_CONST_FALSE, @$); }
    ;

signed_number
    : INT           { $$ = number(p, AST_CONST_INT, $1); }
    | FLOAT         { $$ = number(p, AST_CONST_FLOAT, $1); }
    | MINUS INT     { $$ = node1(p, AST_UNARYOP, @$, number(p, AST_CONST_INT, $2)); $$->op = UN_NEG; }
    | MINUS FLOAT   { $$ = node1(p, AST_UNARYOP, @$, number(p, AST_CONST_FLOAT, $2)); $$->op = UN_NEG; }
    ;

// suite: simple_stmt | NEWLINE INDENT stmt+ DEDENT
suite
    : simple_stmt
    | NEWLINE INDENT stmts DEDENT   { $$ = $3; @$ = @3; }
    ;

// decorated: decorators (classdef | funcdef | async_funcdef)
decorated
    : decorators classdef       { $$ = $2; $$->list4 = $1; }
    | decorators funcdef        { $$ = $2; $$->list2 = $1; }
    | decorators ASYNC funcdef  { $$ = $3; $$->list2 = $1; $$->flag = 1; $$->loc = span2(@2, @3); }
    ;

// decorators: decorator+
decorators
    : decorator             { $$ = list1(p, $1); }
    | decorators decorator  { $$ = $1; ast_list_push(p, &$$, $2); }
    ;

// decorator: '@' namedexpr_test NEWLINE
decorator
    : AT namedexpr_test NEWLINE     { $$ = $2; }
    ;

// funcdef: 'def' NAME '(' [parameters] ')' ['->' test] ':' suite
funcdef
    : DEF NAME fparams ret_opt COLON suite
        {
            $$ = node(p, AST_FUNCDEF, @$);
            $$->str = tokstr(p, $2);
            $$->a = $3;
            $$->c = $4;
            $$->list = $6;
        }
    ;

// Checked here, before the body, so errors come in source order.
fparams
    : LPAR params_opt RPAR  { $$ = arguments(p, @$, $2); CHECK($$ != NULL); }
    ;

ret_opt
    : %empty        { $$ = NULL; }
    | ARROW test    { $$ = $2; }
    ;

params_opt
    : %empty        { $$ = (AstList){0}; }
    | params
    | params COMMA
    ;

params
    : param                 { $$ = list1(p, $1); }
    | params COMMA param    { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

// param: NAME [':' test] ['=' test] | '*' [NAME [':' test]] | '**' NAME [':' test] | '/'
param
    : NAME                          { $$ = param(p, @$, 0, $1, NULL, NULL); }
    | NAME COLON test               { $$ = param(p, @$, 0, $1, $3, NULL); }
    | NAME EQUAL test               { $$ = param(p, @$, 0, $1, NULL, $3); }
    | NAME COLON test EQUAL test    { $$ = param(p, @$, 0, $1, $3, $5); }
    | STAR                          { $$ = param(p, @$, '*', NULL, NULL, NULL); }
    | STAR NAME                     { $$ = param(p, @$, '*', $2, NULL, NULL); }
    | STAR NAME COLON test          { $$ = param(p, @$, '*', $2, $4, NULL); }
    | STAR NAME COLON star_expr     { $$ = param(p, @$, '*', $2, $4, NULL); }
    | DSTAR NAME                    { $$ = param(p, @$, 'd', $2, NULL, NULL); }
    | DSTAR NAME COLON test         { $$ = param(p, @$, 'd', $2, $4, NULL); }
    | SLASH                         { $$ = param(p, @$, '/', NULL, NULL, NULL); }
    // CPython's invalid_star_etc / invalid_kwds: a default for *args or **kw
    | STAR NAME EQUAL test              { fe_error(p, "SyntaxError", @3, "var-positional argument cannot have default value"); YYABORT; }
    | STAR NAME COLON test EQUAL test   { fe_error(p, "SyntaxError", @5, "var-positional argument cannot have default value"); YYABORT; }
    | DSTAR NAME EQUAL test             { fe_error(p, "SyntaxError", @3, "var-keyword argument cannot have default value"); YYABORT; }
    | DSTAR NAME COLON test EQUAL test  { fe_error(p, "SyntaxError", @5, "var-keyword argument cannot have default value"); YYABORT; }
    ;

lparams_opt
    : %empty        { $$ = (AstList){0}; }
    | lparams
    | lparams COMMA
    ;

lparams
    : lparam                { $$ = list1(p, $1); }
    | lparams COMMA lparam  { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

// lparam: NAME ['=' test] | '*' [NAME] | '**' NAME | '/'
lparam
    : NAME              { $$ = param(p, @$, 0, $1, NULL, NULL); }
    | NAME EQUAL test   { $$ = param(p, @$, 0, $1, NULL, $3); }
    | STAR              { $$ = param(p, @$, '*', NULL, NULL, NULL); }
    | STAR NAME         { $$ = param(p, @$, '*', $2, NULL, NULL); }
    | DSTAR NAME        { $$ = param(p, @$, 'd', $2, NULL, NULL); }
    | SLASH             { $$ = param(p, @$, '/', NULL, NULL, NULL); }
    | STAR NAME EQUAL test      { fe_error(p, "SyntaxError", @3, "var-positional argument cannot have default value"); YYABORT; }
    | DSTAR NAME EQUAL test     { fe_error(p, "SyntaxError", @3, "var-keyword argument cannot have default value"); YYABORT; }
    ;

// classdef: 'class' NAME ['(' [arglist] ')'] ':' suite
classdef
    : CLASS NAME COLON suite
        { $$ = node(p, AST_CLASSDEF, @$); $$->str = tokstr(p, $2); $$->list3 = $4; }
    | CLASS NAME LPAR arglist_opt RPAR COLON suite
        {
            Ast *call = node(p, AST_CALL, @$);
            for (int i = 0; i < $4.len; i++) {
                if ($4.items[i]->kind == AST_GENEXP && $4.items[i]->op == 1) {
                    SrcLoc loc = $4.items[i]->list.items[0]->loc;
                    loc.end_line = loc.line;
                    loc.end_col = loc.col + 3;
                    fe_error(p, "SyntaxError", loc, "invalid syntax");
                    YYABORT;
                }
            }
            CHECK(call_args(p, call, $4, @5));
            $$ = node(p, AST_CLASSDEF, @$);
            $$->str = tokstr(p, $2);
            $$->list = call->list;
            $$->list2 = call->list2;
            $$->list3 = $7;
        }
    ;

// ---- expressions

// namedexpr_test: test [':=' test]
namedexpr_test
    : test
    | test COLONEQ test
        {
            if ($1->kind != AST_NAME) {
                fe_error(p, "SyntaxError", $1->loc, "cannot use assignment expressions with %s",
                         expr_name($1));
                YYABORT;
            }
            $1->flag = CTX_STORE;
            $$ = node1(p, AST_NAMEDEXPR, @$, $1);
            $$->b = $3;
        }
    ;

// test: or_test ['if' or_test 'else' test] | lambdef
test
    : or_test
    | or_test IF or_test ELSE test
        { $$ = node1(p, AST_IFEXP, @$, $3); $$->b = $1; $$->c = $5; }
    | lambdef
    ;

test_opt
    : %empty    { $$ = NULL; }
    | test
    ;

// lambdef: 'lambda' [varargslist] ':' test
lambdef
    : LAMBDA lparams_opt COLON test
        {
            Ast *args = arguments(p, @2, $2);
            CHECK(args != NULL);
            $$ = node1(p, AST_LAMBDA, @$, $4);
            $$->b = args;
        }
    ;

// or_test: and_test ('or' and_test)*
or_test
    : and_test
    | or_chain
    ;

or_chain
    : and_test OR and_test
        {
            $$ = node(p, AST_BOOLOP, @$);
            $$->op = BOOL_OR;
            ast_list_push(p, &$$->list, $1);
            ast_list_push(p, &$$->list, $3);
        }
    | or_chain OR and_test  { $$ = $1; $$->loc = @$; ast_list_push(p, &$$->list, $3); }
    ;

// and_test: not_test ('and' not_test)*
and_test
    : not_test
    | and_chain
    ;

and_chain
    : not_test AND not_test
        {
            $$ = node(p, AST_BOOLOP, @$);
            $$->op = BOOL_AND;
            ast_list_push(p, &$$->list, $1);
            ast_list_push(p, &$$->list, $3);
        }
    | and_chain AND not_test { $$ = $1; $$->loc = @$; ast_list_push(p, &$$->list, $3); }
    ;

// not_test: 'not' not_test | comparison
not_test
    : NOT not_test      { $$ = node1(p, AST_UNARYOP, @$, $2); $$->op = UN_NOT; }
    | comparison
    ;

// comparison: expr (comp_op expr)*
comparison
    : expr
    | cmp_chain
    ;

cmp_chain
    : expr comp_op expr
        {
            $$ = node1(p, AST_COMPARE, @$, $1);
            compare_add(p, $$, $2, $3);
        }
    | cmp_chain comp_op expr    { $$ = compare_add(p, $1, $2, $3); $$->loc = @$; }
    ;

// comp_op: '<'|'>'|'=='|'>='|'<='|'!='|'in'|'not' 'in'|'is'|'is' 'not'
comp_op
    : LESS          { $$ = CMP_LT; }
    | GREATER       { $$ = CMP_GT; }
    | EQEQ          { $$ = CMP_EQ; }
    | GREATEREQ     { $$ = CMP_GE; }
    | LESSEQ        { $$ = CMP_LE; }
    | NOTEQ         { $$ = CMP_NE; }
    | IN            { $$ = CMP_IN; }
    | NOT IN        { $$ = CMP_NOT_IN; }
    | IS            { $$ = CMP_IS; }
    | IS NOT        { $$ = CMP_IS_NOT; }
    ;

// star_expr: '*' expr
star_expr
    : STAR expr     { $$ = node1(p, AST_STARRED, @$, $2); }
    ;

// expr: xor_expr ('|' xor_expr)*
expr
    : xor_expr
    | expr VBAR xor_expr    { $$ = binop(p, @$, $1, BIN_OR, $3); }
    ;

// xor_expr: and_expr ('^' and_expr)*
xor_expr
    : and_expr
    | xor_expr CIRC and_expr    { $$ = binop(p, @$, $1, BIN_XOR, $3); }
    ;

// and_expr: shift_expr ('&' shift_expr)*
and_expr
    : shift_expr
    | and_expr AMP shift_expr   { $$ = binop(p, @$, $1, BIN_AND, $3); }
    ;

// shift_expr: arith_expr (('<<'|'>>') arith_expr)*
shift_expr
    : arith_expr
    | shift_expr LSHIFT arith_expr  { $$ = binop(p, @$, $1, BIN_LSHIFT, $3); }
    | shift_expr RSHIFT arith_expr  { $$ = binop(p, @$, $1, BIN_RSHIFT, $3); }
    ;

// arith_expr: term (('+'|'-') term)*
arith_expr
    : term
    | arith_expr PLUS term      { $$ = binop(p, @$, $1, BIN_ADD, $3); }
    | arith_expr MINUS term     { $$ = binop(p, @$, $1, BIN_SUB, $3); }
    ;

// term: factor (('*'|'@'|'/'|'%'|'//') factor)*
term
    : factor
    | term STAR factor      { $$ = binop(p, @$, $1, BIN_MUL, $3); }
    | term AT factor        { $$ = binop(p, @$, $1, BIN_MATMUL, $3); }
    | term SLASH factor     { $$ = binop(p, @$, $1, BIN_TRUEDIV, $3); }
    | term PERCENT factor   { $$ = binop(p, @$, $1, BIN_MOD, $3); }
    | term DSLASH factor    { $$ = binop(p, @$, $1, BIN_FLOORDIV, $3); }
    ;

// factor: ('+'|'-'|'~') factor | power
factor
    : PLUS factor   { $$ = node1(p, AST_UNARYOP, @$, $2); $$->op = UN_POS; }
    | MINUS factor  { $$ = node1(p, AST_UNARYOP, @$, $2); $$->op = UN_NEG; }
    | TILDE factor  { $$ = node1(p, AST_UNARYOP, @$, $2); $$->op = UN_INVERT; }
    | power
    ;

// power: await_primary ['**' factor]
power
    : await_primary
    | await_primary DSTAR factor    { $$ = binop(p, @$, $1, BIN_POW, $3); }
    ;

// await_primary: ['await'] primary
await_primary
    : AWAIT primary     { $$ = node1(p, AST_AWAIT, @$, $2); }
    | primary
    ;

// primary: atom trailer*
// trailer: '(' [arglist] ')' | '[' subscriptlist ']' | '.' NAME
primary
    : atom
    | primary DOT NAME
        { $$ = node1(p, AST_ATTRIBUTE, @$, $1); $$->str = tokstr(p, $3); }
    | primary LPAR arglist_opt RPAR
        {
            $$ = node1(p, AST_CALL, @$, $1);
            CHECK(call_args(p, $$, $3, @4));
        }
    | primary LSQB subscriptlist RSQB
        { $$ = node1(p, AST_SUBSCRIPT, @$, $1); $$->b = $3; }
    ;

// atom: '(' [yield_expr|testlist_comp] ')' | '[' [testlist_comp] ']'
//     | '{' [dictorsetmaker] '}' | NAME | NUMBER | STRING+ | '...'
//     | 'None' | 'True' | 'False'
// testlist_comp: (namedexpr_test|star_expr) ( comp_for | (',' (namedexpr_test|star_expr))* [','] )
atom
    : LPAR RPAR                         { $$ = tuple_of(p, @$, (AstList){0}); }
    | LPAR yield_expr RPAR              { $$ = $2; }
    | LPAR named_or_star RPAR
        {
            if ($2->kind == AST_STARRED) {
                fe_error(p, "SyntaxError", $2->loc, "cannot use starred expression here");
                YYABORT;
            }
            $$ = $2;
        }
    | LPAR nstar_comma RPAR             { $$ = tuple_of(p, @$, $2); }
    | LPAR nstar_comma named_or_star RPAR
        { ast_list_push(p, &$2, $3); $$ = tuple_of(p, @$, $2); }
    | LPAR named_or_star comp_fors RPAR
        { $$ = comp(p, AST_GENEXP, @$, $2, $3); CHECK($$ != NULL); }
    | LSQB RSQB                         { $$ = node(p, AST_LIST, @$); }
    | LSQB named_or_star RSQB           { $$ = node(p, AST_LIST, @$); $$->list = list1(p, $2); }
    | LSQB nstar_comma RSQB             { $$ = node(p, AST_LIST, @$); $$->list = $2; }
    | LSQB nstar_comma named_or_star RSQB
        { $$ = node(p, AST_LIST, @$); ast_list_push(p, &$2, $3); $$->list = $2; }
    | LSQB named_or_star comp_fors RSQB
        { $$ = comp(p, AST_LISTCOMP, @$, $2, $3); CHECK($$ != NULL); }
    // dictorsetmaker: ( ((test ':' test | '**' expr) (comp_for | (',' (test ':' test | '**' expr))* [','])) |
    //                   ((test | star_expr) (comp_for | (',' (test | star_expr))* [','])) )
    | LBRACE RBRACE                     { $$ = node(p, AST_DICT, @$); }
    | LBRACE dict_items RBRACE          { $$ = $2.items[0]; $$->loc = @$; }
    | LBRACE dict_items COMMA RBRACE    { $$ = $2.items[0]; $$->loc = @$; }
    | LBRACE test COLON test comp_fors RBRACE
        {
            $$ = node(p, AST_DICTCOMP, @$);
            $$->a = $2;
            $$->b = $4;
            $$->list = $5;
        }
    | LBRACE set_items RBRACE           { $$ = node(p, AST_SET, @$); $$->list = $2; }
    | LBRACE set_items COMMA RBRACE     { $$ = node(p, AST_SET, @$); $$->list = $2; }
    | LBRACE named_or_star comp_fors RBRACE
        { $$ = comp(p, AST_SETCOMP, @$, $2, $3); CHECK($$ != NULL); }
    | NAME          { $$ = name_node(p, $1); }
    | INT           { $$ = number(p, AST_CONST_INT, $1); }
    | FLOAT         { $$ = number(p, AST_CONST_FLOAT, $1); }
    | strings       { $$ = fe_strings(p, $1.first, $1.last); CHECK($$ != NULL); }
    | ELLIPSIS      { $$ = node(p, AST_ELLIPSIS, @$); }
    | NONE          { $$ = node(p, AST_CONST_NONE, @$); }
    | TRUE          { $$ = node(p, AST_CONST_TRUE, @$); }
    | FALSE         { $$ = node(p, AST_CONST_FALSE, @$); }
    ;

strings
    : STRING            { $$.first = $$.last = (int)($1 - p->toks); }
    | strings STRING    { $$.first = $1.first; $$.last = (int)($2 - p->toks); }
    ;

named_or_star
    : namedexpr_test
    | star_expr
    ;

nstar_comma
    : named_or_star COMMA               { $$ = list1(p, $1); }
    | nstar_comma named_or_star COMMA   { $$ = $1; ast_list_push(p, &$$, $2); }
    ;

// The DICT node under construction travels as the only item of the list.
dict_items
    : dict_item
        {
            Ast *d = node(p, AST_DICT, @$);
            ast_list_push(p, &d->list, $1->a);
            ast_list_push(p, &d->list2, $1->b);
            $$ = list1(p, d);
        }
    | dict_items COMMA dict_item
        {
            $$ = $1;
            ast_list_push(p, &$$.items[0]->list, $3->a);
            ast_list_push(p, &$$.items[0]->list2, $3->b);
        }
    ;

// A key/value pair as a temporary KEYWORD-shaped node: a=key (NULL for **), b=value.
dict_item
    : test COLON test   { $$ = node1(p, AST_KEYWORD, @$, $1); $$->b = $3; }
    | DSTAR expr        { $$ = node(p, AST_KEYWORD, @$); $$->b = $2; }
    | test COLON star_expr
        {
            fe_error(p, "SyntaxError", @3, "cannot use a starred expression in a dictionary value");
            YYABORT;
        }
    ;

set_items
    : named_or_star                         { $$ = list1(p, $1); }
    | set_items COMMA named_or_star         { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

// subscriptlist: subscript (',' subscript)* [',']
subscriptlist
    : subscript
        // a[*b] subscripts with the tuple (*b,), as CPython (PEP 646)
        { $$ = $1->kind == AST_STARRED ? tuple_of(p, @$, list1(p, $1)) : $1; }
    | subscript_comma               { $$ = tuple_of(p, @$, $1); }
    | subscript_comma subscript     { ast_list_push(p, &$1, $2); $$ = tuple_of(p, @$, $1); }
    ;

subscript_comma
    : subscript COMMA                   { $$ = list1(p, $1); }
    | subscript_comma subscript COMMA   { $$ = $1; ast_list_push(p, &$$, $2); }
    ;

// subscript: namedexpr_test | star_expr | [test] ':' [test] [':' [test]]
subscript
    : namedexpr_test
    | star_expr
    | slice
    ;

slice
    : test_opt COLON test_opt
        { $$ = node(p, AST_SLICE, @$); $$->a = $1; $$->b = $3; }
    | test_opt COLON test_opt COLON test_opt
        { $$ = node(p, AST_SLICE, @$); $$->a = $1; $$->b = $3; $$->c = $5; }
    ;

// an optional 'as NAME' (only in the error rule of except_clause)
except_as_opt
    : %empty
    | AS NAME
    ;

// exprlist: (expr|star_expr) (',' (expr|star_expr))* [',']
exprlist
    : expr_or_star
    | ex_comma                  { $$ = tuple_of(p, @$, $1); }
    | ex_comma expr_or_star     { ast_list_push(p, &$1, $2); $$ = tuple_of(p, @$, $1); }
    ;

ex_comma
    : expr_or_star COMMA                { $$ = list1(p, $1); }
    | ex_comma expr_or_star COMMA       { $$ = $1; ast_list_push(p, &$$, $2); }
    ;

expr_or_star
    : expr
    | star_expr
    ;

// testlist_star_expr: (test|star_expr) (',' (test|star_expr))* [',']
testlist_star_expr
    : test_or_star
    | tse_comma                 { $$ = tuple_of(p, @$, $1); }
    | tse_comma test_or_star    { ast_list_push(p, &$1, $2); $$ = tuple_of(p, @$, $1); }
    ;

tse_comma
    : test_or_star COMMA                { $$ = list1(p, $1); }
    | tse_comma test_or_star COMMA      { $$ = $1; ast_list_push(p, &$$, $2); }
    ;

test_or_star
    : test
    | star_expr
    ;

// arglist: argument (',' argument)* [',']
arglist_opt
    : %empty            { $$ = (AstList){0}; }
    | arglist
    | arglist COMMA
    ;

arglist
    : argument                  { $$ = list1(p, $1); }
    | arglist COMMA argument    { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

// argument: ( test [comp_for] | test ':=' test | test '=' test | '**' test | '*' test )
argument
    : namedexpr_test
    | test comp_fors
        {
            $$ = comp(p, AST_GENEXP, @$, $1, $2);
            CHECK($$ != NULL);
            $$->op = 1;     // unparenthesized: must be the only argument
        }
    | test EQUAL test
        {
            if ($1->kind != AST_NAME) {
                fe_error(p, "SyntaxError", span2($1->loc, @2),
                         "expression cannot contain assignment, perhaps you meant \"==\"?");
                YYABORT;
            }
            $$ = node1(p, AST_KEYWORD, @$, $3);
            $$->str = $1->str;
        }
    | DSTAR test    { $$ = node1(p, AST_KEYWORD, @$, $2); }
    | STAR test     { $$ = node1(p, AST_STARRED, @$, $2); }
    ;

// comp_for: ['async'] 'for' exprlist 'in' or_test ('if' or_test)*
comp_fors
    : comp_for              { $$ = list1(p, $1); }
    | comp_fors comp_for    { $$ = $1; ast_list_push(p, &$$, $2); }
    ;

comp_for
    : FOR exprlist IN or_test
        {
            CHECK(target(p, $2, T_FOR, NULL));
            $$ = node1(p, AST_COMPREHENSION, @$, $2);
            $$->b = $4;
        }
    | FOR exprlist IN or_test comp_ifs
        {
            CHECK(target(p, $2, T_FOR, NULL));
            $$ = node1(p, AST_COMPREHENSION, @$, $2);
            $$->b = $4;
            $$->list = $5;
        }
    | ASYNC comp_for    { $$ = $2; $$->flag = 1; $$->loc = @$; }
    ;

comp_ifs
    : IF or_test            { $$ = list1(p, $2); }
    | comp_ifs IF or_test   { $$ = $1; ast_list_push(p, &$$, $3); }
    ;

// yield_expr: 'yield' [yield_arg]
// yield_arg: 'from' test | testlist_star_expr
yield_expr
    : YIELD                         { $$ = node(p, AST_YIELD, @$); }
    | YIELD FROM test               { $$ = node1(p, AST_YIELD_FROM, @$, $3); }
    | YIELD testlist_star_expr      { $$ = node1(p, AST_YIELD, @$, $2); }
    ;

%%

// True if the '(' at [i], just after 'with', opens a list of with-items
// ("with (a as b, c):"), as CPython's grammar tries first: the matching ')'
// is followed by ':', the parentheses are not empty and hold no
// comprehension, walrus or yield at their level (those make them an atom:
// "with (x for x in y):"). Sets p->with_rpar to the ')'.
static bool with_parens(Parser *p, int i) {
    int depth = 0;
    for (int j = i; j < p->ntok; j++) {
        int k = p->toks[j].kind;
        if (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE) {
            depth++;
        } else if (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) {
            if (--depth == 0) {
                if (k != TOK_RPAR || j == i + 1 || j + 1 >= p->ntok || p->toks[j + 1].kind != TOK_COLON) {
                    return false;
                }
                p->with_rpar = j + 1;
                return true;
            }
        } else if (depth == 1 && (k == TOK_FOR || k == TOK_COLONEQ || k == TOK_YIELD)) {
            return false;
        } else if (k == TOK_NEWLINE || k == TOK_YYEOF || k == TOK_LEXERROR) {
            return false;
        }
    }
    return false;
}

// 'match' and 'case' are soft keywords. A NAME 'match' at [i] is one when
// it starts a logical line that ends with ':' at bracket depth 0 (no other
// statement starting with a name ends so); the lines of the indented block
// after it that start with the NAME 'case' are its case clauses. The
// tokens are rewritten in place.
static void soft_keyword(Parser *p, int i) {
    Token *t = &p->toks[i];
    if (t->len != 5 || memcmp(t->text, "match", 5) != 0 ||
        (i > 0 && p->toks[i - 1].kind != TOK_NEWLINE && p->toks[i - 1].kind != TOK_INDENT &&
         p->toks[i - 1].kind != TOK_DEDENT) ||
        i + 1 >= p->ntok || p->toks[i + 1].kind == TOK_COLON) {
        return;
    }
    int depth = 0, j = i + 1;
    for (; j < p->ntok; j++) {
        int k = p->toks[j].kind;
        if (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE) {
            depth++;
        } else if (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) {
            depth--;
        } else if (k == TOK_NEWLINE || k == TOK_YYEOF || k == TOK_LEXERROR) {
            break;
        }
    }
    if (j >= p->ntok || p->toks[j].kind != TOK_NEWLINE || depth != 0 || p->toks[j - 1].kind != TOK_COLON) {
        return;
    }
    t->kind = TOK_MATCH;
    // the block: a clause starts after its INDENT, and after each NEWLINE
    // or DEDENT that leaves the block's own level
    int level = 0;
    for (int k = j + 1; k < p->ntok - 1 && level >= 0; k++) {
        int kind = p->toks[k].kind;
        level += kind == TOK_INDENT ? (k > j + 1) : kind == TOK_DEDENT ? -1 : 0;
        Token *n = &p->toks[k + 1];
        if (level == 0 && (kind == TOK_NEWLINE || kind == TOK_DEDENT || kind == TOK_INDENT) &&
            n->kind == TOK_NAME && n->len == 4 && memcmp(n->text, "case", 4) == 0) {
            n->kind = TOK_CASE;
        }
    }
}

static int yylex(YYSTYPE *lval, SrcLoc *lloc, Parser *p) {
    if (p->pos < 0) {
        p->pos = 0;
        *lloc = p->toks[0].loc;
        return p->expr_mode ? TOK_START_EXPR : TOK_START_FILE;
    }
    Token *t = &p->toks[p->pos];
    p->lasttok = p->pos;
    if (p->pos < p->ntok - 1) {
        p->pos++;
    }
    lval->tok = t;
    *lloc = t->loc;
    int i = (int)(t - p->toks);
    if (t->kind == TOK_NAME) {
        soft_keyword(p, i);
    }
    if (t->kind == TOK_LPAR && i > 0 && p->toks[i - 1].kind == TOK_WITH && with_parens(p, i)) {
        return TOK_WITH_LPAR;
    }
    if (t->kind == TOK_RPAR && p->with_rpar == i + 1) {
        p->with_rpar = 0;
        return TOK_WITH_RPAR;
    }
    return t->kind;
}

static void yyerror(SrcLoc *loc, Parser *p, const char *msg) {
    // Only bison's own failures get here: its stack is full.
    fe_error(p, "SyntaxError", *loc, "too many nested expressions");
}

void fe_error(Parser *p, const char *kind, SrcLoc loc, const char *fmt, ...) {
    if (p->failed) {
        return;
    }
    ParseError *e = p->err;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->kind = kind;
    e->line = loc.line;
    e->col = loc.col;
    e->end_line = loc.end_line;
    e->end_col = loc.end_col;
    e->incomplete = false;
    p->failed = true;
}

// The statement keyword that starts the logical line ending at token
// [nl] (a NEWLINE), for "expected an indented block after ...".
static const char *header_name(Parser *p, int nl, int *line) {
    int i = nl;
    while (i > 0) {
        int k = p->toks[i - 1].kind;
        if (k == TOK_NEWLINE || k == TOK_INDENT || k == TOK_DEDENT) {
            break;
        }
        i--;
    }
    if (i < nl && p->toks[i].kind == TOK_ASYNC) {
        i++;
    }
    *line = p->toks[i].loc.line;
    switch (p->toks[i].kind) {
    case TOK_IF: return "'if' statement";
    case TOK_ELIF: return "'elif' statement";
    case TOK_ELSE: return "'else' statement";
    case TOK_WHILE: return "'while' statement";
    case TOK_FOR: return "'for' statement";
    case TOK_TRY: return "'try' statement";
    case TOK_EXCEPT: return "'except' statement";
    case TOK_FINALLY: return "'finally' statement";
    case TOK_WITH: return "'with' statement";
    case TOK_MATCH: return "'match' statement";
    case TOK_CASE: return "'case' statement";
    case TOK_DEF: return "function definition";
    case TOK_CLASS: return "class definition";
    default: return NULL;
    }
}

static bool ends_expr(int k) {
    return k == TOK_NAME || k == TOK_INT || k == TOK_FLOAT || k == TOK_STRING || k == TOK_RPAR ||
           k == TOK_RSQB || k == TOK_RBRACE || k == TOK_NONE || k == TOK_TRUE || k == TOK_FALSE ||
           k == TOK_ELLIPSIS;
}

static bool starts_expr(int k) {
    return k == TOK_NAME || k == TOK_INT || k == TOK_FLOAT || k == TOK_STRING || k == TOK_LBRACE ||
           k == TOK_NONE || k == TOK_TRUE || k == TOK_FALSE || k == TOK_ELLIPSIS ||
           k == TOK_LAMBDA || k == TOK_AWAIT || k == TOK_TILDE || k == TOK_NOT;
}

static bool unary_op(int k) {
    return k == TOK_MINUS || k == TOK_PLUS || k == TOK_TILDE || k == TOK_NOT || k == TOK_AWAIT;
}

static bool binary_op(int k) {
    switch (k) {
    case TOK_PLUS: case TOK_MINUS: case TOK_STAR: case TOK_SLASH: case TOK_DSLASH: case TOK_PERCENT:
    case TOK_DSTAR: case TOK_LSHIFT: case TOK_RSHIFT: case TOK_AMP: case TOK_VBAR: case TOK_CIRC:
    case TOK_AT: case TOK_EQEQ: case TOK_NOTEQ: case TOK_LESS: case TOK_GREATER: case TOK_LESSEQ:
    case TOK_GREATEREQ: case TOK_IN: case TOK_IS: case TOK_AND: case TOK_OR:
        return true;
    default:
        return false;
    }
}

// The first token of the primary (a name or literal with its trailers,
// calls, subscripts and attributes) that ends at token [j].
static int primary_start(const Token *tk, int j) {
    for (;;) {
        int k = tk[j].kind;
        if (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) {
            int depth = 0;
            for (; j > 0; j--) {
                int kk = tk[j].kind;
                depth += (kk == TOK_RPAR || kk == TOK_RSQB || kk == TOK_RBRACE) -
                         (kk == TOK_LPAR || kk == TOK_LSQB || kk == TOK_LBRACE);
                if (depth == 0) {
                    break;
                }
            }
            if (j > 0 && ends_expr(tk[j - 1].kind) && tk[j].kind != TOK_LBRACE) {
                j--;
                continue;
            }
            return j;
        }
        if (j >= 2 && tk[j - 1].kind == TOK_DOT && ends_expr(tk[j - 2].kind)) {
            j -= 2;
            continue;
        }
        if (k == TOK_STRING && j > 0 && tk[j - 1].kind == TOK_STRING) {
            j--;
            continue;
        }
        return j;
    }
}

// CPython's "Perhaps you forgot a comma?": two expressions side by side
// inside brackets. The caret runs from the start of the disjunction before
// token [ti] to the end of the expression starting at [ti] (approximated
// by scanning tokens).
static bool forgot_comma(Parser *p, int ti) {
    const Token *tk = p->toks;
    int prev = tk[ti - 1].kind, cur = tk[ti].kind;
    if (!ends_expr(prev) || !starts_expr(cur) || (prev == TOK_NAME && cur == TOK_STRING)) {
        return false;
    }
    int level = p->expr_mode ? 1 : 0;
    for (int i = 0; i < ti; i++) {
        int k = tk[i].kind;
        level += (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE) -
                 (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE);
    }
    if (level <= 0) {
        return false;
    }
    int hline;
    const char *header = header_name(p, ti, &hline);
    if (header != NULL && strcmp(header, "function definition") == 0) {
        return false;   // a parameter list is not an expression list
    }
    // Start: CPython's is the whole disjunction before [ti] (`1 + 2 3`
    // from the '1'): primaries joined by binary operators, with their
    // unary prefixes.
    int j = primary_start(tk, ti - 1);
    for (;;) {
        while (j > 0 && unary_op(tk[j - 1].kind) &&
               !(j >= 2 && (ends_expr(tk[j - 2].kind) || tk[j - 2].kind == TOK_IS))) {
            j--;
        }
        int o = j - 1;      // the operator's first token
        if (o >= 1 && ((tk[o].kind == TOK_IN && tk[o - 1].kind == TOK_NOT) ||
                       (tk[o].kind == TOK_NOT && tk[o - 1].kind == TOK_IS))) {
            o--;            // 'not in', 'is not'
        }
        if (o >= 1 && (o < j - 1 || binary_op(tk[o].kind)) && ends_expr(tk[o - 1].kind)) {
            j = primary_start(tk, o - 1);
            continue;
        }
        break;
    }
    // End: the rest of the expression at this bracket depth.
    int e = ti, depth = 0;
    for (int i = ti; i < p->ntok; i++) {
        int k = tk[i].kind;
        if (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE) {
            depth++;
        } else if (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) {
            if (depth == 0) {
                break;
            }
            depth--;
        } else if (depth == 0 && (k == TOK_COMMA || k == TOK_COLON || k == TOK_NEWLINE ||
                                  k == TOK_YYEOF || k == TOK_FOR || k == TOK_ASYNC ||
                                  k == TOK_IF || k == TOK_ELSE || k == TOK_EQUAL ||
                                  k == TOK_COLONEQ || k == TOK_LEXERROR || k == TOK_BANG ||
                                  (i > ti && ends_expr(tk[i - 1].kind) && starts_expr(k)))) {
            break;
        }
        e = i;
    }
    SrcLoc loc = tk[j].loc;
    loc.end_line = tk[e].loc.end_line;
    loc.end_col = tk[e].loc.end_col;
    fe_error(p, "SyntaxError", loc, "invalid syntax. Perhaps you forgot a comma?");
    return true;
}


// Whether token [ti] is directly inside a '{' display (not a lambda's or
// comprehension's part of it).
static bool in_dict_display(Parser *p, int ti) {
    int depth = 0;
    for (int j = ti - 1; j >= 0; j--) {
        int k = p->toks[j].kind;
        depth += (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) -
                 (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE);
        if (depth < 0) {
            return k == TOK_LBRACE;
        }
        if (depth == 0 && (k == TOK_FOR || k == TOK_LAMBDA || k == TOK_NEWLINE)) {
            return false;
        }
    }
    return false;
}

// `{'a': 1, 'b'}`: a dictionary display's key without its ':' before token
// [ti] (CPython's invalid_kvpair), the caret on the key's last character.
static bool dict_key_without_colon(Parser *p, int ti) {
    int depth = 0;
    bool comma = false, colon = false;
    for (int j = ti - 1; j >= 0; j--) {
        int k = p->toks[j].kind;
        depth += (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) -
                 (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE);
        if (depth < 0) {
            if (k != TOK_LBRACE || !comma || !colon) {
                return false;
            }
            const Token *last = &p->toks[ti - 1];
            SrcLoc loc = {last->loc.end_line, last->loc.end_col - 1, last->loc.end_line, -1};
            fe_error(p, "SyntaxError", loc, "':' expected after dictionary key");
            return true;
        }
        if (depth == 0 && k == TOK_COMMA) {
            comma = true;
        }
        if (depth == 0 && k == TOK_COLON) {
            if (!comma) {
                return false;   // `{k: v` then something else: another error
            }
            colon = true;
        }
        if (depth == 0 && (k == TOK_FOR || k == TOK_LAMBDA || k == TOK_NEWLINE)) {
            return false;
        }
    }
    return false;
}

// `a if b` not followed by 'else' (the parser wants one before token [ti]):
// CPython's "expected 'else' after 'if' expression", spanning "a if b".
// False when the 'if' is not an expression's (a statement's, a
// comprehension's condition).
static bool if_expression_error(Parser *p, int ti) {
    int depth = 0, j = ti - 1;
    for (; j >= 0; j--) {
        int k = p->toks[j].kind;
        depth += (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) -
                 (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE);
        if (depth < 0 || (depth == 0 && (k == TOK_FOR || k == TOK_NEWLINE || k == TOK_INDENT ||
                                          k == TOK_DEDENT || k == TOK_SEMI || k == TOK_COMMA))) {
            return false;
        }
        if (depth == 0 && k == TOK_IF) {
            break;
        }
    }
    if (j <= 0 || j == ti - 1) {
        return false;
    }
    int k0 = p->toks[j - 1].kind;
    if (k0 == TOK_NEWLINE || k0 == TOK_INDENT || k0 == TOK_DEDENT || k0 == TOK_SEMI || k0 == TOK_START_FILE ||
        k0 == TOK_ELSE || k0 == TOK_COLON || k0 == TOK_COMMA || k0 == TOK_LPAR || k0 == TOK_LSQB ||
        k0 == TOK_LBRACE || k0 == TOK_EQUAL) {
        return false;   // a statement's if (or nothing before it)
    }
    int a = j - 1;
    depth = 0;
    for (; a >= 0; a--) {
        int k = p->toks[a].kind;
        depth += (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) -
                 (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE);
        if (depth < 0 || (depth == 0 && (k == TOK_COMMA || k == TOK_EQUAL || k == TOK_COLON ||
                                          k == TOK_NEWLINE || k == TOK_INDENT || k == TOK_DEDENT ||
                                          k == TOK_SEMI || k == TOK_START_FILE || k == TOK_RETURN ||
                                          k == TOK_YIELD || k == TOK_ASSERT || k == TOK_ELSE ||
                                          k == TOK_LAMBDA || k == TOK_IF || k == TOK_COLONEQ ||
                                          k == TOK_ARROW || k == TOK_IN || k == TOK_WHILE || k == TOK_ELIF))) {
            break;
        }
    }
    a++;
    if (a >= j) {
        return false;
    }
    if (p->toks[a].kind == TOK_LPAR && p->toks[j - 1].kind == TOK_RPAR) {
        // `(x + 1) if c`: a parenthesized expression's node starts inside
        // the parentheses (a tuple's includes them)
        int d = 0, b = a;
        bool comma = false;
        for (; b < j; b++) {
            int k = p->toks[b].kind;
            d += (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE) - (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE);
            comma |= d == 1 && k == TOK_COMMA;
            if (d == 0) {
                break;
            }
        }
        if (b == j - 1 && !comma && a + 1 < j - 1) {
            a++;
        }
    }
    const Token *first = &p->toks[a], *last = &p->toks[ti - 1];
    if (first->loc.line != last->loc.end_line) {
        return false;
    }
    SrcLoc loc = {first->loc.line, first->loc.col, last->loc.end_line, last->loc.end_col};
    fe_error(p, "SyntaxError", loc, "expected 'else' after 'if' expression");
    return true;
}

// `[a, b for a, b in x]`: a list or set display's items then 'for' at token
// [ti] (CPython's invalid_comprehension), spanning the items (the last
// one's trailing comma only when it is the only item).
static bool comprehension_target_error(Parser *p, int ti) {
    int depth = 0, commas = 0, j = ti - 1;
    for (; j >= 0; j--) {
        int k = p->toks[j].kind;
        depth += (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) -
                 (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE);
        if (depth < 0) {
            break;
        }
        if (depth > 0) {
            continue;
        }
        if (k == TOK_COMMA) {
            commas++;
        } else if (k == TOK_COLON || k == TOK_FOR || k == TOK_NEWLINE || k == TOK_SEMI ||
                   k == TOK_YIELD || k == TOK_LEXERROR ||
                   (k == TOK_DSTAR && j > 0 && (p->toks[j - 1].kind == TOK_LBRACE ||
                                                p->toks[j - 1].kind == TOK_COMMA))) {
            return false;   // a dict display, a lambda, another comprehension...
        }
    }
    if (j < 0 || (p->toks[j].kind != TOK_LSQB && p->toks[j].kind != TOK_LBRACE) || commas == 0 ||
        j + 1 >= ti - 1) {
        return false;
    }
    int end = ti - 1;
    if (p->toks[end].kind == TOK_COMMA && commas > 1) {
        end--;
    }
    fe_error(p, "SyntaxError", span2(p->toks[j + 1].loc, p->toks[end].loc),
             "did you forget parentheses around the comprehension target?");
    return true;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, Parser *p) {
    if (p->failed) {
        return 0;
    }
    yysymbol_kind_t tok = yypcontext_token(ctx);
    int ti = p->lasttok;
    const Token *t = &p->toks[ti];
    ParseError *e = p->err;
    if (tok == YYSYMBOL_LEXERROR) {
        *e = p->lexerr;
        p->failed = true;
        return 0;
    }
    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
    bool want_indent = false, want_colon = false, want_except = false, want_else = false;
    for (int i = 0; i < n; i++) {
        want_indent |= exp[i] == YYSYMBOL_INDENT;
        want_colon |= exp[i] == YYSYMBOL_COLON;
        want_except |= exp[i] == YYSYMBOL_EXCEPT;
        want_else |= exp[i] == YYSYMBOL_ELSE;
    }
    if ((tok == YYSYMBOL_RBRACE || tok == YYSYMBOL_COMMA) && ti > 1 && p->toks[ti - 1].kind == TOK_COLON &&
        in_dict_display(p, ti - 1)) {
        // `{'a': }`: CPython's "expression expected after dictionary key and ':'"
        fe_error(p, "SyntaxError", p->toks[ti - 1].loc, "expression expected after dictionary key and ':'");
        return 0;
    }
    if (want_colon && (tok == YYSYMBOL_RBRACE || tok == YYSYMBOL_COMMA) && ti > 0 && dict_key_without_colon(p, ti)) {
        return 0;
    }
    if (want_else && tok != YYSYMBOL_ELSE && tok != YYSYMBOL_LEXERROR && if_expression_error(p, ti)) {
        return 0;
    }
    if ((tok == YYSYMBOL_FOR || (tok == YYSYMBOL_ASYNC && ti + 1 < p->ntok && p->toks[ti + 1].kind == TOK_FOR)) &&
        comprehension_target_error(p, ti)) {
        return 0;
    }
    if (want_indent) {
        int line = 0;
        const char *what = ti > 0 ? header_name(p, ti - 1, &line) : NULL;
        if (what != NULL) {
            SrcLoc loc = t->loc;
            if (t->at_eof) {
                // at the NEWLINE; interp_compile_mode moves it where CPython has it
                SrcLoc nl = p->toks[ti - 1].loc;
                loc = (SrcLoc){nl.line, nl.col, nl.line, -1};
            }
            fe_error(p, "IndentationError", loc, "expected an indented block after %s on line %d",
                     what, line);
            e->incomplete = t->at_eof;
            e->eof_block = t->at_eof;
            return 0;
        }
    }
    if (tok == YYSYMBOL_INDENT) {
        fe_error(p, "IndentationError", (SrcLoc){t->loc.line, -1, t->loc.line, -1},
                 "unexpected indent");
        return 0;
    }
    // "match x" + NEWLINE: a match statement without its ':' (CPython's
    // invalid_match_stmt), when the error is at the subject's first token
    if (ti >= 1 && p->toks[ti - 1].kind == TOK_NAME && p->toks[ti - 1].len == 5 &&
        memcmp(p->toks[ti - 1].text, "match", 5) == 0 &&
        (ti == 1 || p->toks[ti - 2].kind == TOK_NEWLINE || p->toks[ti - 2].kind == TOK_INDENT ||
         p->toks[ti - 2].kind == TOK_DEDENT)) {
        int depth = 0, j = ti;
        for (; j < p->ntok && p->toks[j].kind != TOK_NEWLINE; j++) {
            int k = p->toks[j].kind;
            depth += (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE) -
                     (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE);
            if (depth == 0 && (k == TOK_EQUAL || k == TOK_COLON || k == TOK_SEMI || k == TOK_LEXERROR)) {
                break;
            }
        }
        if (j < p->ntok && p->toks[j].kind == TOK_NEWLINE && depth == 0) {
            fe_error(p, "SyntaxError", p->toks[j].loc, "expected ':'");
            return 0;
        }
    }
    if (p->has_lexerr && (p->lexerr_class == LEXERR_ALWAYS ||
                          (p->lexerr_class == LEXERR_UNCLOSED && t->loc.line > p->lexerr.line))) {
        // CPython reports a tokenizer error anywhere later in the input
        // rather than a generic syntax error.
        *e = p->lexerr;
        p->failed = true;
        return 0;
    }
    // A def header must go on with ':' (CPython's forced token).
    bool def_header = false;
    if (want_colon && ti > 0) {
        int line = 0;
        const char *what = header_name(p, ti, &line);
        def_header = what != NULL && strcmp(what, "function definition") == 0 &&
                     p->toks[ti - 1].kind != TOK_ARROW;
        // ... and only after its parameter list.
        int depth = 0;
        for (int i = ti - 1; def_header && i >= 0 && p->toks[i].kind != TOK_DEF; i--) {
            int k = p->toks[i].kind;
            depth += (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE) -
                     (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE);
            def_header = depth <= 0;
        }
        def_header = def_header && depth == 0;
    }
    if (want_colon && !t->at_eof &&
        (tok == YYSYMBOL_NEWLINE || tok == YYSYMBOL_YYEOF || def_header)) {
        fe_error(p, "SyntaxError", t->loc, "expected ':'");
        return 0;
    }
    if (tok == YYSYMBOL_EQUAL && ti >= 2 && p->toks[ti - 1].kind == TOK_NAME &&
        (p->toks[ti - 2].kind == TOK_IF || p->toks[ti - 2].kind == TOK_ELIF ||
         p->toks[ti - 2].kind == TOK_WHILE)) {
        // if x = 1: -- CPython spans "x = 1".
        int j = ti, depth = 0;
        while (j + 1 < p->ntok) {
            int k = p->toks[j + 1].kind;
            depth += (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE) -
                     (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE);
            if (depth < 0 || (depth == 0 && (k == TOK_COLON || k == TOK_NEWLINE)) ||
                k == TOK_YYEOF || k == TOK_LEXERROR) {
                break;
            }
            j++;
        }
        fe_error(p, "SyntaxError", span2(p->toks[ti - 1].loc, p->toks[j].loc),
                 "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
        return 0;
    }
    if (n == 1 && exp[0] == YYSYMBOL_LPAR && ti >= 2 && p->toks[ti - 2].kind == TOK_DEF) {
        fe_error(p, "SyntaxError", t->loc, "expected '('");
        return 0;
    }
    if (want_except && tok != YYSYMBOL_FINALLY) {
        SrcLoc eloc = t->loc;
        if (t->at_eof) {
            // CPython blames the file's last line, without a caret: the line
            // before the end-of-file token's, or the last token's when the
            // file does not end with a newline
            int line = t->loc.line > 1 ? t->loc.line - 1 : 1;
            int j = ti - 1;
            while (j > 0 && (p->toks[j].kind == TOK_NEWLINE || p->toks[j].kind == TOK_DEDENT ||
                             p->toks[j].kind == TOK_INDENT)) {
                j--;
            }
            if (j >= 0 && p->toks[j].loc.line > line) {
                line = p->toks[j].loc.line;
            }
            eloc = (SrcLoc){line, -1, line, -1};
        }
        fe_error(p, "SyntaxError", eloc, "expected 'except' or 'finally' block");
        e->incomplete = t->at_eof;
        return 0;
    }
    // print "x" / exec "code": CPython's invalid_legacy_expression, spanning
    // the name and the expressions after it
    if (ti > 0 && p->toks[ti - 1].kind == TOK_NAME && starts_expr(t->kind) &&
        ((p->toks[ti - 1].len == 5 && memcmp(p->toks[ti - 1].text, "print", 5) == 0) ||
         (p->toks[ti - 1].len == 4 && memcmp(p->toks[ti - 1].text, "exec", 4) == 0))) {
        int end = ti, depth = 0;
        for (int i = ti; i < p->ntok; i++) {
            int k = p->toks[i].kind;
            if (k == TOK_LPAR || k == TOK_LSQB || k == TOK_LBRACE) {
                depth++;
            } else if (k == TOK_RPAR || k == TOK_RSQB || k == TOK_RBRACE) {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (k == TOK_NEWLINE || k == TOK_YYEOF || k == TOK_LEXERROR ||
                       (depth == 0 && (k == TOK_SEMI || k == TOK_EQUAL || k == TOK_COLON))) {
                break;
            }
            end = i;
        }
        int n = (int)p->toks[ti - 1].len;
        fe_error(p, "SyntaxError", span2(p->toks[ti - 1].loc, p->toks[end].loc),
                 "Missing parentheses in call to '%.*s'. Did you mean %.*s(...)?", n, p->toks[ti - 1].text, n,
                 p->toks[ti - 1].text);
        return 0;
    }
    if (ti > 0 && forgot_comma(p, ti)) {
        return 0;
    }
    SrcLoc loc = t->loc;
    if (loc.end_line != loc.line) {
        loc.end_line = loc.line;
        loc.end_col = loc.col + 1;
    }
    if (t->at_eof && ti > 0) {
        // CPython blames the last line, without a caret.
        int line = p->toks[ti - 1].loc.line;
        loc = (SrcLoc){line, -1, line, -1};
    }
    fe_error(p, "SyntaxError", loc, "invalid syntax");
    e->incomplete = t->at_eof;
    return 0;
}

int parser_run(Parser *p) {
    p->pos = -1;
    int rc = yyparse(p);
    if (rc != 0 && !p->failed) {
        fe_error(p, "SyntaxError", p->toks[p->ntok - 1].loc, "invalid syntax");
    }
    return p->failed ? 1 : rc;
}

// CPython 3.11 parses an f-string's expression as "(expr)": its syntax
// errors show that text (the line of it the error is on) with the caret
// counted in it, and an error at the end of the expression is at the ')'.
// [e] is located in the source; the expression [text] starts at [line]/[col].
static void fexpr_error_text(ParseError *e, const char *text, size_t len, int line, int col) {
    if (e->ftext[0]) {
        return;     // (a nested f-string's expression: the innermost one)
    }
    int nlines = 1;
    for (size_t i = 0; i < len; i++) {
        nlines += text[i] == '\n';
    }
    bool at_end = e->col < 0;
    int k = at_end ? nlines - 1 : e->line - line;
    if (k < 0 || k >= nlines) {
        return;
    }
    const char *s = text, *end = text + len;
    for (int i = 0; i < k; i++) {
        s = memchr(s, '\n', (size_t)(end - s)) + 1;
    }
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
    if (n + 3 > sizeof e->ftext) {
        return;
    }
    int shift = k == 0 ? 1 - col : 0;   // the first line gains the '('
    snprintf(e->ftext, sizeof e->ftext, "%s%.*s%s", k == 0 ? "(" : "", (int)n, s, k == nlines - 1 ? ")" : "");
    e->ftext_last = k == nlines - 1;
    if (at_end) {
        e->line = e->end_line = line + k;
        e->col = (int)strlen(e->ftext) - 1;
        e->end_col = e->col + 1;
        return;
    }
    if (e->end_line == e->line && e->end_col >= 0) {
        e->end_col += shift;
    }
    e->col += shift;
}

Ast *fe_parse_fexpr(Parser *p, const char *text, size_t len, int line, int col) {
    if (p->fdepth >= FE_MAX_FSTRING) {
        fe_error(p, "SyntaxError", (SrcLoc){line, col, line, col + 1},
                 "f-string: expressions nested too deeply");
        return NULL;
    }
    Parser sub;
    memset(&sub, 0, sizeof sub);
    sub.arena = p->arena;
    sub.src = p->src;
    sub.mode = p->mode;
    sub.expr_mode = true;
    sub.fdepth = p->fdepth + 1;
    sub.err = p->err;
    char *copy = arena_strndup(p->arena, text, len);
    lexer_run(&sub, copy, len, line, col);
    int rc = parser_run(&sub);
    free(sub.toks);
    if (rc != 0) {
        p->failed = true;
        ParseError *e = p->err;
        if (strncmp(e->msg, "f-string", 8) != 0) {
            char tmp[sizeof e->msg];
            snprintf(tmp, sizeof tmp, "f-string: %.*s", (int)sizeof tmp - 11, e->msg);
            memcpy(e->msg, tmp, sizeof tmp);
        }
        e->incomplete = false;
        fexpr_error_text(e, text, len, line, col);
        return NULL;
    }
    if (sub.result != NULL && sub.result->kind == AST_STARRED) {
        fe_error(p, "SyntaxError", sub.result->loc, "f-string: cannot use starred expression here");
        fexpr_error_text(p->err, text, len, line, col);
        p->failed = true;
        return NULL;
    }
    return sub.result;
}

// Source text must be UTF-8 without NUL bytes anywhere (strings and
// comments included), as CPython checks while reading a file, before any
// token is made. Fills [err] and returns false at the first bad byte.
static bool source_check(const char *src, size_t len, ParseError *err) {
    int line = 1;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)src[i];
        if (c == '\n') {
            line++;
        } else if (c == 0) {
            err->line = line;
            err->col = -1;
            snprintf(err->msg, sizeof err->msg, "source code cannot contain null bytes");
            return false;
        } else if (c >= 0x80) {
            int n = utf8_valid_len(src + i, len - i);
            if (n == 0) {
                err->line = line;
                err->bad_byte = c;
                snprintf(err->msg, sizeof err->msg, "Non-UTF-8 code starting with '\\x%02x'", c);
                return false;
            }
            i += (size_t)n;
            continue;
        }
        i++;
    }
    return true;
}

Ast *parse_source(const char *src, size_t len, ParseMode mode, Arena **arena_out,
                  ParseError *err) {
    memset(err, 0, sizeof *err);
    err->kind = "SyntaxError";
    if (!source_check(src, len, err)) {
        *arena_out = NULL;
        return NULL;
    }
    Arena *arena = arena_new();
    char *copy = arena_alloc(arena, len + 1);
    // Universal newlines, as CPython's tokenizer reads source: "\r\n" and a
    // lone "\r" both end a line, so the lexer only ever sees "\n".
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] == '\r') {
            copy[n++] = '\n';
            if (i + 1 < len && src[i + 1] == '\n') {
                i++;
            }
        } else {
            copy[n++] = src[i];
        }
    }
    len = n;
    copy[len] = '\0';
    Parser p;
    memset(&p, 0, sizeof p);
    p.arena = arena;
    p.src = copy;
    p.mode = mode;
    p.err = err;
    lexer_run(&p, copy, len, 1, 0);
    int rc = parser_run(&p);
    free(p.toks);
    p.toks = NULL;
    if (rc == 0 && !ast_check(&p, p.result)) {
        rc = 1;
    }
    if (rc != 0) {
        arena_free(arena);
        *arena_out = NULL;
        return NULL;
    }
    if (mode == PARSE_INTERACTIVE) {
        for (int i = 0; i < p.result->list.len; i++) {
            if (p.result->list.items[i]->kind == AST_EXPR_STMT) {
                p.result->list.items[i]->flag = 1;
            }
        }
    }
    *arena_out = arena;
    return p.result;
}
