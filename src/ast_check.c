// ast_check.c: the checks CPython makes after parsing (in its compiler and
// symtable) that pyish reports as SyntaxErrors from parse_source:
// 'return'/'yield'/'await' outside a function, 'break'/'continue' outside a
// loop, async constructs outside async functions, duplicate parameters,
// misplaced starred expressions, yield inside comprehensions, misplaced
// or unknown `from __future__` imports.
//
// First an iterative pass bounds the depth of the tree (FE_MAX_DEPTH); the
// checking walk below and every later pass (compiler, ast_dump) recurse over
// the tree, and that bound is what keeps them off the end of the C stack.
#include <stdlib.h>
#include <string.h>

#include "frontend.h"

// ---- depth bound (iterative)

typedef struct DepthItem {
    const Ast *node;
    int depth;
} DepthItem;

typedef struct DepthStack {
    DepthItem *items;
    int len, cap;
} DepthStack;

static void depth_push(DepthStack *s, const Ast *n, int depth) {
    if (n == NULL) {
        return;
    }
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        DepthItem *items = realloc(s->items, sizeof(DepthItem) * (size_t)s->cap);
        if (items == NULL) {
            fputs("pyish: out of memory\n", stderr);
            abort();
        }
        s->items = items;
    }
    s->items[s->len++] = (DepthItem){n, depth};
}

static void depth_push_list(DepthStack *s, const AstList *l, int depth) {
    for (int i = 0; i < l->len; i++) {
        depth_push(s, l->items[i], depth);
    }
}

static bool check_depth(Parser *p, const Ast *root) {
    DepthStack s = {0};
    depth_push(&s, root, 1);
    bool ok = true;
    while (s.len > 0) {
        DepthItem it = s.items[--s.len];
        if (it.depth > FE_MAX_DEPTH) {
            fe_error(p, "SyntaxError", it.node->loc, "too many nested expressions");
            ok = false;
            break;
        }
        const Ast *n = it.node;
        depth_push(&s, n->a, it.depth + 1);
        depth_push(&s, n->b, it.depth + 1);
        depth_push(&s, n->c, it.depth + 1);
        depth_push_list(&s, &n->list, it.depth + 1);
        depth_push_list(&s, &n->list2, it.depth + 1);
        depth_push_list(&s, &n->list3, it.depth + 1);
        depth_push_list(&s, &n->list4, it.depth + 1);
    }
    free(s.items);
    return ok;
}

// ---- scope walk

// What the code being checked sits in.
typedef struct Ctx {
    bool in_func;       // inside a def or lambda body (not a class body)
    bool in_class;      // directly in a class body
    bool is_async;      // the innermost function is an async def
    bool async_gen;     // ... which also yields
    bool await_ok;      // await / async for / async with allowed here
    bool in_loop;       // break/continue allowed
    const char *comp;   // innermost comprehension ("list comprehension" ...)
    const Ast *await_comp;  // a comprehension that an await would make async
} Ctx;

typedef struct Checker {
    Parser *p;
    bool failed;
    const AstList *top;     // the module's statements: the first lead_end of them
    int lead_end;           // (docstring, future imports) may be future imports
} Checker;

static bool fail(Checker *ck, SrcLoc loc, const char *msg, const char *arg) {
    if (!ck->failed) {
        fe_error(ck->p, "SyntaxError", loc, msg, arg);
        ck->p->err->compile_stage = true;
        ck->p->err->symtable = strstr(msg, "duplicate argument") || strstr(msg, "nonlocal declaration") ||
                               strncmp(msg, "'yield' inside", 14) == 0;
        ck->failed = true;
    }
    return false;
}

static bool stmts(Checker *ck, const AstList *l, Ctx c);
static bool expr(Checker *ck, const Ast *e, Ctx c, bool star_ok);

static bool exprs(Checker *ck, const AstList *l, Ctx c, bool star_ok) {
    for (int i = 0; i < l->len; i++) {
        if (l->items[i] != NULL && !expr(ck, l->items[i], c, star_ok)) {
            return false;
        }
    }
    return true;
}

static bool opt(Checker *ck, const Ast *e, Ctx c) {
    return e == NULL || expr(ck, e, c, false);
}

// Whether function body [n] yields (nested scopes excluded).
static bool has_yield(const Ast *n) {
    if (n == NULL) {
        return false;
    }
    switch (n->kind) {
    case AST_YIELD: case AST_YIELD_FROM:
        return true;
    case AST_FUNCDEF: case AST_CLASSDEF: case AST_LAMBDA:
        return false;
    default:
        break;
    }
    if (has_yield(n->a) || has_yield(n->b) || has_yield(n->c)) {
        return true;
    }
    const AstList *ls[] = {&n->list, &n->list2, &n->list3, &n->list4};
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < ls[k]->len; i++) {
            if (has_yield(ls[k]->items[i])) {
                return true;
            }
        }
    }
    return false;
}

static bool body_has_yield(const AstList *body) {
    for (int i = 0; i < body->len; i++) {
        if (has_yield(body->items[i])) {
            return true;
        }
    }
    return false;
}

// Parameters: defaults and annotations belong to the enclosing scope;
// names must be distinct.
static bool arguments(Checker *ck, const Ast *args, Ctx c) {
    const Ast *all[4096];
    int n = 0;
    const AstList *ls[] = {&args->list, &args->list2};
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < ls[k]->len; i++) {
            const Ast *a = ls[k]->items[i];
            if (!opt(ck, a->a, c) || !opt(ck, a->b, c)) {
                return false;
            }
            if (n < 4096) {
                all[n++] = a;
            }
        }
    }
    if (args->a != NULL) {
        // `*args: *Ts` (PEP 646): the one annotation that may be starred
        if (args->a->b && !expr(ck, args->a->b, c, true)) {
            return false;
        }
        if (n < 4096) {
            all[n++] = args->a;
        }
    }
    if (args->b != NULL) {
        if (!opt(ck, args->b->b, c)) {
            return false;
        }
        if (n < 4096) {
            all[n++] = args->b;
        }
    }
    for (int i = 1; i < n; i++) {
        for (int j = 0; j < i; j++) {
            if (strcmp(all[i]->str, all[j]->str) == 0) {
                return fail(ck, all[i]->loc, "duplicate argument '%s' in function definition",
                            all[i]->str);
            }
        }
    }
    return true;
}

static Ctx func_ctx(Ctx outer, bool is_async, bool async_gen) {
    Ctx c = outer;
    c.in_func = true;
    c.in_class = false;
    c.is_async = is_async;
    c.async_gen = async_gen;
    c.await_ok = is_async;
    c.in_loop = false;
    c.comp = NULL;
    c.await_comp = NULL;
    return c;
}

static bool comprehension(Checker *ck, const Ast *e, Ctx c) {
    const char *what = e->kind == AST_LISTCOMP ? "list comprehension"
                       : e->kind == AST_SETCOMP ? "set comprehension"
                       : e->kind == AST_DICTCOMP ? "dict comprehension"
                                                 : "generator expression";
    // The first iterable is evaluated in the enclosing scope.
    const AstList *gens = &e->list;
    if (gens->len > 0 && !expr(ck, gens->items[0]->b, c, false)) {
        return false;
    }
    // A generator expression may always be asynchronous; the others only
    // where await is allowed.
    bool async_ok = e->kind == AST_GENEXP || c.await_ok;
    Ctx in = c;
    in.comp = what;
    in.await_ok = async_ok;
    in.await_comp = async_ok ? NULL : e;
    for (int i = 0; i < gens->len; i++) {
        const Ast *g = gens->items[i];
        if (g->flag && !async_ok) {
            return fail(ck, e->loc, "asynchronous comprehension outside of an asynchronous function",
                        NULL);
        }
        if (!expr(ck, g->a, in, true) || (i > 0 && !expr(ck, g->b, in, false)) ||
            !exprs(ck, &g->list, in, false)) {
            return false;
        }
    }
    return expr(ck, e->a, in, false) && opt(ck, e->b, in);
}

static bool expr(Checker *ck, const Ast *e, Ctx c, bool star_ok) {
    switch (e->kind) {
    case AST_STARRED:
        if (!star_ok) {
            return fail(ck, e->loc, "can't use starred expression here", NULL);
        }
        return expr(ck, e->a, c, false);
    case AST_TUPLE: case AST_LIST: case AST_SET:
        return exprs(ck, &e->list, c, true);
    case AST_CALL:
        return expr(ck, e->a, c, false) && exprs(ck, &e->list, c, true) &&
               exprs(ck, &e->list2, c, false);
    case AST_KEYWORD:
        return expr(ck, e->a, c, false);
    case AST_SUBSCRIPT:
        return expr(ck, e->a, c, false) && expr(ck, e->b, c, true);
    case AST_DICT:
        return exprs(ck, &e->list, c, false) && exprs(ck, &e->list2, c, false);
    case AST_AWAIT:
        if (!c.await_ok && c.await_comp != NULL) {
            return fail(ck, c.await_comp->loc,
                        "asynchronous comprehension outside of an asynchronous function", NULL);
        }
        if (!c.await_ok) {
            return fail(ck, e->loc,
                        c.in_func ? "'await' outside async function" : "'await' outside function",
                        NULL);
        }
        return expr(ck, e->a, c, false);
    case AST_YIELD: case AST_YIELD_FROM:
        if (c.comp != NULL) {
            return fail(ck, e->loc, "'yield' inside %s", c.comp);
        }
        if (!c.in_func) {
            return fail(ck, e->loc, "'yield' outside function", NULL);
        }
        if (e->kind == AST_YIELD_FROM && c.is_async) {
            return fail(ck, e->loc, "'yield from' inside async function", NULL);
        }
        return opt(ck, e->a, c);
    case AST_LAMBDA: {
        if (!arguments(ck, e->b, c)) {
            return false;
        }
        Ctx in = func_ctx(c, false, false);
        return expr(ck, e->a, in, false);
    }
    case AST_LISTCOMP: case AST_SETCOMP: case AST_DICTCOMP: case AST_GENEXP:
        return comprehension(ck, e, c);
    case AST_FSTRING:
        return exprs(ck, &e->list, c, false);
    default:
        // Every other expression: plain children.
        return opt(ck, e->a, c) && opt(ck, e->b, c) && opt(ck, e->c, c) &&
               exprs(ck, &e->list, c, false);
    }
}

// The expressions inside a match pattern (values, class names, keys).
static bool pattern(Checker *ck, const Ast *p, Ctx c) {
    switch (p->kind) {
    case AST_PAT_VALUE: case AST_PAT_SINGLETON:
        return expr(ck, p->a, c, false);
    case AST_PAT_CLASS:
        if (!expr(ck, p->a, c, false)) {
            return false;
        }
        for (int i = 0; i < p->list2.len; i++) {
            if (!pattern(ck, p->list2.items[i]->a, c)) {
                return false;
            }
        }
        break;
    case AST_PAT_MAPPING:
        if (!exprs(ck, &p->list, c, false)) {
            return false;
        }
        for (int i = 0; i < p->list2.len; i++) {
            if (!pattern(ck, p->list2.items[i], c)) {
                return false;
            }
        }
        return true;
    case AST_PAT_AS:
        return p->a == NULL || pattern(ck, p->a, c);
    default:
        break;
    }
    for (int i = 0; i < p->list.len; i++) {
        if (!pattern(ck, p->list.items[i], c)) {
            return false;
        }
    }
    return true;
}

// ---- `from __future__ import`, as CPython's future.c: only at the top of
// the module (after its docstring and other future imports), only of the
// features it knows

static const char *const future_features[] = {
    "nested_scopes", "generators", "division", "absolute_import", "with_statement", "print_function",
    "unicode_literals", "barry_as_FLUFL", "generator_stop", "annotations", NULL,
};

static bool is_future_import(const Ast *s) {
    return s->kind == AST_IMPORT_FROM && s->str && strcmp(s->str, "__future__") == 0;
}

static bool check_future(Checker *ck, const Ast *s) {
    bool lead = false;
    for (int i = 0; ck->top && i < ck->lead_end; i++) {
        lead |= ck->top->items[i] == s;
    }
    if (!lead) {
        return fail(ck, s->loc, "from __future__ imports must occur at the beginning of the file", NULL);
    }
    for (int i = 0; i < s->list.len; i++) {
        const char *name = s->list.items[i]->str;
        if (!name) {
            continue;
        }
        if (strcmp(name, "braces") == 0) {
            return fail(ck, s->loc, "not a chance", NULL);
        }
        bool known = false;
        for (int k = 0; future_features[k]; k++) {
            known |= strcmp(name, future_features[k]) == 0;
        }
        if (!known) {
            return fail(ck, s->loc, "future feature %s is not defined", name);
        }
    }
    return true;
}

static bool stmt(Checker *ck, const Ast *s, Ctx c) {
    switch (s->kind) {
    case AST_EXPR_STMT:
        return expr(ck, s->a, c, false);
    case AST_ASSIGN:
        return exprs(ck, &s->list, c, true) && expr(ck, s->a, c, false);
    case AST_AUGASSIGN:
        return expr(ck, s->a, c, false) && expr(ck, s->b, c, false);
    case AST_ANNASSIGN:
        return expr(ck, s->a, c, false) && expr(ck, s->b, c, false) && opt(ck, s->c, c);
    case AST_DEL:
        return exprs(ck, &s->list, c, true);
    case AST_IMPORT_FROM:
        return !is_future_import(s) || check_future(ck, s);
    case AST_PASS: case AST_GLOBAL: case AST_IMPORT:
        return true;
    case AST_BREAK:
        return c.in_loop || fail(ck, s->loc, "'break' outside loop", NULL);
    case AST_CONTINUE:
        return c.in_loop || fail(ck, s->loc, "'continue' not properly in loop", NULL);
    case AST_RETURN:
        if (!c.in_func) {
            return fail(ck, s->loc, "'return' outside function", NULL);
        }
        if (s->a != NULL && c.async_gen) {
            return fail(ck, s->loc, "'return' with value in async generator", NULL);
        }
        return opt(ck, s->a, c);
    case AST_RAISE:
        return opt(ck, s->a, c) && opt(ck, s->b, c);
    case AST_NONLOCAL:
        if (!c.in_func && !c.in_class) {
            return fail(ck, s->loc, "nonlocal declaration not allowed at module level", NULL);
        }
        return true;
    case AST_ASSERT:
        return expr(ck, s->a, c, false) && opt(ck, s->b, c);
    case AST_IF: case AST_WHILE: {
        Ctx body = c;
        body.in_loop = c.in_loop || s->kind == AST_WHILE;
        return expr(ck, s->a, c, false) && stmts(ck, &s->list, body) && stmts(ck, &s->list2, c);
    }
    case AST_FOR: {
        if (s->flag && !c.await_ok) {
            return fail(ck, s->loc, "'async for' outside async function", NULL);
        }
        Ctx body = c;
        body.in_loop = true;
        return expr(ck, s->a, c, true) && expr(ck, s->b, c, false) && stmts(ck, &s->list, body) &&
               stmts(ck, &s->list2, c);
    }
    case AST_TRY:
        if (!stmts(ck, &s->list, c)) {
            return false;
        }
        for (int i = 0; i < s->list2.len; i++) {
            const Ast *h = s->list2.items[i];
            if (!opt(ck, h->a, c) || !stmts(ck, &h->list, c)) {
                return false;
            }
        }
        return stmts(ck, &s->list3, c) && stmts(ck, &s->list4, c);
    case AST_WITH:
        if (s->flag && !c.await_ok) {
            return fail(ck, s->loc, "'async with' outside async function", NULL);
        }
        for (int i = 0; i < s->list.len; i++) {
            const Ast *w = s->list.items[i];
            if (!expr(ck, w->a, c, false) || (w->b != NULL && !expr(ck, w->b, c, true))) {
                return false;
            }
        }
        return stmts(ck, &s->list2, c);
    case AST_MATCH:
        if (!expr(ck, s->a, c, false)) {
            return false;
        }
        for (int i = 0; i < s->list.len; i++) {
            const Ast *m = s->list.items[i];
            if (!pattern(ck, m->a, c) || !opt(ck, m->b, c) || !stmts(ck, &m->list, c)) {
                return false;
            }
        }
        return true;
    case AST_FUNCDEF: {
        if (!exprs(ck, &s->list2, c, false) || !arguments(ck, s->a, c) || !opt(ck, s->c, c)) {
            return false;
        }
        Ctx in = func_ctx(c, s->flag != 0, s->flag && body_has_yield(&s->list));
        return stmts(ck, &s->list, in);
    }
    case AST_CLASSDEF: {
        if (!exprs(ck, &s->list4, c, false) || !exprs(ck, &s->list, c, true) ||
            !exprs(ck, &s->list2, c, false)) {
            return false;
        }
        Ctx in = c;
        in.in_func = false;
        in.in_class = true;
        in.is_async = false;
        in.async_gen = false;
        in.await_ok = false;
        in.in_loop = false;
        in.comp = NULL;
        in.await_comp = NULL;
        return stmts(ck, &s->list3, in);
    }
    default:
        return true;
    }
}

static bool stmts(Checker *ck, const AstList *l, Ctx c) {
    for (int i = 0; i < l->len; i++) {
        if (!stmt(ck, l->items[i], c)) {
            return false;
        }
    }
    return true;
}

bool ast_check(Parser *p, Ast *module) {
    if (!check_depth(p, module)) {
        return false;
    }
    if (p->mode == PARSE_AST) {
        return true;
    }
    Checker ck = {p, false, &module->list, 0};
    const AstList *top = &module->list;
    if (top->len && top->items[0]->kind == AST_EXPR_STMT && top->items[0]->a->kind == AST_CONST_STR) {
        ck.lead_end = 1;    // the docstring
    }
    while (ck.lead_end < top->len && is_future_import(top->items[ck.lead_end])) {
        ck.lead_end++;
    }
    Ctx c = {0};
    c.await_ok = p->mode == PARSE_INTERACTIVE || p->mode == PARSE_FILE_AWAIT;
    return stmts(&ck, &module->list, c);
}
