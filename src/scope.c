// scope.c: the symbol-table pass. A first walk makes one Scope per
// function, lambda, class body, comprehension and module, recording which
// names each binds, declares and reads; a second walk resolves every name
// to local, cell, free or global exactly as CPython's symtable does
// (class bodies are skipped when resolving free variables of inner
// functions, except for the implicit __class__ cell that super() needs).
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdint.h>
#include "object.h"
#include "scope.h"

typedef struct ScopeBuilder {
    Scope *root;
    ScopeError *err;
    bool failed;
    // node -> scope map (open addressing)
    Ast **keys;
    Scope **vals;
    size_t cap, used;
    int comp_iter_expr;   // > 0 inside a comprehension's iterable expression
} Builder;

// The builder of the scope tree being made (not reentrant).
#define B (ST->scope_builder)

char *scope_mangle(const char *class_name, const char *name, char *buf, size_t size) {
    size_t n = strlen(name);
    if (!class_name || n < 3 || name[0] != '_' || name[1] != '_' ||
        (name[n - 1] == '_' && name[n - 2] == '_') || strchr(name, '.')) {
        return (char *)name;
    }
    while (*class_name == '_') {
        class_name++;
    }
    if (!*class_name) {
        return (char *)name;
    }
    snprintf(buf, size, "_%s%s", class_name, name);
    return buf;
}

static Scope *new_scope(ScopeKind kind, Ast *node, Scope *parent, const char *name) {
    Scope *s = calloc(1, sizeof(Scope));
    s->kind = kind;
    s->node = node;
    s->parent = parent;
    s->name = strdup(name);
    if (parent) {
        s->class_name = parent->kind == SCOPE_CLASS ? parent->name : parent->class_name;
        if (parent->nchildren == parent->capchildren) {
            parent->capchildren = parent->capchildren ? parent->capchildren * 2 : 4;
            parent->children = realloc(parent->children, sizeof(Scope *) * (size_t)parent->capchildren);
        }
        parent->children[parent->nchildren++] = s;
    }
    // map node -> scope
    if (B->used * 2 >= B->cap) {
        size_t oldcap = B->cap;
        Ast **ok = B->keys;
        Scope **ov = B->vals;
        B->cap = oldcap ? oldcap * 2 : 64;
        B->keys = calloc(B->cap, sizeof(Ast *));
        B->vals = calloc(B->cap, sizeof(Scope *));
        for (size_t i = 0; i < oldcap; i++) {
            if (ok[i]) {
                size_t h = ((uintptr_t)ok[i] >> 4) & (B->cap - 1);
                while (B->keys[h]) {
                    h = (h + 1) & (B->cap - 1);
                }
                B->keys[h] = ok[i];
                B->vals[h] = ov[i];
            }
        }
        free(ok);
        free(ov);
    }
    size_t h = ((uintptr_t)node >> 4) & (B->cap - 1);
    while (B->keys[h]) {
        h = (h + 1) & (B->cap - 1);
    }
    B->keys[h] = node;
    B->vals[h] = s;
    B->used++;
    return s;
}

static uint32_t name_hash(const char *name) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h = (h ^ *p) * 16777619u;
    }
    return h;
}

// The symtab slot holding [name], or the empty slot where it would go.
static int *sym_slot(Scope *s, const char *name) {
    uint32_t mask = (uint32_t)s->symcap - 1;
    for (uint32_t h = name_hash(name) & mask;; h = (h + 1) & mask) {
        int *slot = &s->symtab[h];
        if (!*slot || strcmp(s->syms[*slot - 1].name, name) == 0) {
            return slot;
        }
    }
}

static void symtab_grow(Scope *s) {
    free(s->symtab);
    s->symcap = s->symcap ? s->symcap * 2 : 16;
    s->symtab = calloc((size_t)s->symcap, sizeof(int));
    for (int i = 0; i < s->nsyms; i++) {
        *sym_slot(s, s->syms[i].name) = i + 1;
    }
}

Symbol *scope_lookup(Scope *s, const char *name) {
    if (!s->symcap) {
        return NULL;
    }
    int *slot = sym_slot(s, name);
    return *slot ? &s->syms[*slot - 1] : NULL;
}

static Symbol *add_sym(Scope *s, const char *raw, int flags) {
    char buf[512];
    const char *name = scope_mangle(s->kind == SCOPE_CLASS ? s->name : s->class_name, raw, buf, sizeof buf);
    Symbol *sym = scope_lookup(s, name);
    if (!sym) {
        if (s->nsyms == s->capsyms) {
            s->capsyms = s->capsyms ? s->capsyms * 2 : 8;
            s->syms = realloc(s->syms, sizeof(Symbol) * (size_t)s->capsyms);
        }
        sym = &s->syms[s->nsyms++];
        sym->name = strdup(name);
        sym->flags = 0;
        if (s->nsyms * 2 > s->symcap) {
            symtab_grow(s);
        } else {
            *sym_slot(s, name) = s->nsyms;
        }
    }
    sym->flags |= flags;
    return sym;
}

static void fail(SrcLoc loc, const char *fmt, const char *name) {
    if (!B->failed) {
        B->failed = true;
        char shortname[128];
        size_t n = strlen(name);
        if (n >= sizeof shortname) {
            n = sizeof shortname - 1;
        }
        memcpy(shortname, name, n);
        shortname[n] = 0;
        snprintf(B->err->msg, sizeof B->err->msg, fmt, shortname);
        B->err->loc = loc;
    }
}

static void visit(Scope *s, Ast *n);

static void visit_list(Scope *s, AstList *l) {
    for (int i = 0; i < l->len; i++) {
        visit(s, l->items[i]);
    }
}

static void visit_args_defaults(Scope *s, Ast *args) {
    if (!args) {
        return;
    }
    for (int i = 0; i < args->list.len; i++) {
        visit(s, args->list.items[i]->a);
    }
    for (int i = 0; i < args->list2.len; i++) {
        visit(s, args->list2.items[i]->a);
    }
}

// A def's parameter and return annotations ([ret]), evaluated where the
// def is (a lambda or comprehension in one is a scope of its own there).
static void visit_annotations(Scope *s, Ast *args, Ast *ret) {
    for (int i = 0; args && i < args->list.len; i++) {
        visit(s, args->list.items[i]->b);
    }
    for (int i = 0; args && i < args->list2.len; i++) {
        visit(s, args->list2.items[i]->b);
    }
    if (args && args->a) {
        visit(s, args->a->b);
    }
    if (args && args->b) {
        visit(s, args->b->b);
    }
    visit(s, ret);
}

static void add_params(Scope *f, Ast *args) {
    if (!args) {
        return;
    }
    for (int i = 0; i < args->list.len; i++) {
        add_sym(f, args->list.items[i]->str, SYM_PARAM);
    }
    for (int i = 0; i < args->list2.len; i++) {
        add_sym(f, args->list2.items[i]->str, SYM_PARAM);
    }
    if (args->a) {
        add_sym(f, args->a->str, SYM_PARAM);
    }
    if (args->b) {
        add_sym(f, args->b->str, SYM_PARAM);
    }
}

// Marks the names bound by the comprehension target [t] as iteration
// variables, which an assignment expression may not rebind.
static void mark_iter_targets(Scope *c, Ast *t) {
    if (!t) {
        return;
    }
    if (t->kind == AST_NAME) {
        // an earlier `if (j := ...)` of the comprehension bound j outside
        Symbol *sym = scope_lookup(c, t->str);
        if (sym && (sym->flags & (SYM_NONLOCAL | SYM_GLOBAL))) {
            fail(t->loc, "comprehension inner loop cannot rebind assignment expression target '%s'", t->str);
            return;
        }
        add_sym(c, t->str, SYM_COMP_ITER);
    } else if (t->kind == AST_TUPLE || t->kind == AST_LIST) {
        for (int i = 0; i < t->list.len; i++) {
            mark_iter_targets(c, t->list.items[i]);
        }
    } else if (t->kind == AST_STARRED) {
        mark_iter_targets(c, t->a);
    }
}

static void visit_comprehension(Scope *s, Ast *n, const char *name) {
    // The first iterable is evaluated in the enclosing scope.
    // No assignment expression may appear in an iterable, even in a lambda
    // or comprehension nested in it (CPython's ste_comp_iter_expr).
    Ast *first = n->list.items[0];
    B->comp_iter_expr++;
    visit(s, first->b);
    B->comp_iter_expr--;
    Scope *c = new_scope(SCOPE_COMPREHENSION, n, s, name);
    add_sym(c, ".0", SYM_PARAM);
    for (int i = 0; i < n->list.len; i++) {
        Ast *gen = n->list.items[i];
        if (i > 0) {
            B->comp_iter_expr++;
            visit(c, gen->b);
            B->comp_iter_expr--;
        }
        visit(c, gen->a);
        mark_iter_targets(c, gen->a);
        visit_list(c, &gen->list);
        if (gen->flag) {
            c->is_coroutine = true;
        }
    }
    visit(c, n->a);
    visit(c, n->b);
    if (n->kind == AST_GENEXP) {
        c->is_generator = true;
    }
}

bool scope_is_concat_assign(Ast *n) {
    if (n->kind != AST_ASSIGN || n->list.len != 1 || n->list.items[0]->kind != AST_NAME) {
        return false;
    }
    Ast *v = n->a;
    return v->kind == AST_BINOP && v->op == BIN_ADD && v->a->kind == AST_NAME &&
           strcmp(v->a->str, n->list.items[0]->str) == 0;
}

static void visit(Scope *s, Ast *n) {
    if (!n || B->failed) {
        return;
    }
    switch (n->kind) {
    case AST_NAME:
        add_sym(s, n->str, n->flag == CTX_LOAD ? SYM_USED | SYM_BARE : SYM_ASSIGNED);
        if (n->flag == CTX_LOAD && strcmp(n->str, "super") == 0 && s->kind == SCOPE_FUNCTION) {
            add_sym(s, "__class__", SYM_USED);
        }
        return;
    case AST_NAMEDEXPR: {
        if (B->comp_iter_expr > 0) {
            fail(n->loc, "assignment expression cannot be used in a comprehension iterable expression%s", "");
            return;
        }
        // The target binds in the nearest non-comprehension scope.
        Scope *t = s;
        while (t->kind == SCOPE_COMPREHENSION && t->parent) {
            Symbol *it = scope_lookup(t, n->a->str);
            if (it && (it->flags & SYM_COMP_ITER)) {
                fail(n->a->loc, "assignment expression cannot rebind comprehension iteration variable '%s'", n->a->str);
                return;
            }
            t = t->parent;
        }
        if (t != s && t->kind == SCOPE_CLASS) {
            fail(n->a->loc, "assignment expression within a comprehension cannot be used in a class body%s", "");
            return;
        }
        add_sym(t, n->a->str, SYM_ASSIGNED);
        if (t != s) {
            add_sym(s, n->a->str, SYM_NONLOCAL | SYM_USED);
            // a name the function declares global stays global in here
            Symbol *ts = scope_lookup(t, n->a->str);
            if (t->kind == SCOPE_MODULE || (ts && (ts->flags & SYM_GLOBAL))) {
                Symbol *sym = scope_lookup(s, n->a->str);
                sym->flags = (sym->flags & ~SYM_NONLOCAL) | SYM_GLOBAL;
            }
        }
        visit(s, n->b);
        return;
    }
    case AST_FUNCDEF: {
        add_sym(s, n->str, SYM_ASSIGNED);
        visit_list(s, &n->list2);
        visit_args_defaults(s, n->a);
        visit_annotations(s, n->a, n->c);
        Scope *f = new_scope(SCOPE_FUNCTION, n, s, n->str);
        f->is_coroutine = n->flag != 0;
        add_params(f, n->a);
        visit_list(f, &n->list);
        return;
    }
    case AST_LAMBDA: {
        visit_args_defaults(s, n->b);
        Scope *f = new_scope(SCOPE_FUNCTION, n, s, "<lambda>");
        add_params(f, n->b);
        visit(f, n->a);
        return;
    }
    case AST_CLASSDEF: {
        add_sym(s, n->str, SYM_ASSIGNED);
        visit_list(s, &n->list4);
        visit_list(s, &n->list);
        for (int i = 0; i < n->list2.len; i++) {
            visit(s, n->list2.items[i]->a);
        }
        Scope *c = new_scope(SCOPE_CLASS, n, s, n->str);
        visit_list(c, &n->list3);
        return;
    }
    case AST_LISTCOMP:
        visit_comprehension(s, n, "<listcomp>");
        return;
    case AST_SETCOMP:
        visit_comprehension(s, n, "<setcomp>");
        return;
    case AST_DICTCOMP:
        visit_comprehension(s, n, "<dictcomp>");
        return;
    case AST_GENEXP:
        visit_comprehension(s, n, "<genexpr>");
        return;
    case AST_YIELD:
    case AST_YIELD_FROM:
        s->is_generator = true;
        visit(s, n->a);
        return;
    case AST_GLOBAL:
    case AST_NONLOCAL:
        for (int i = 0; i < n->list.len; i++) {
            Ast *nm = n->list.items[i];
            Symbol *old = scope_lookup(s, nm->str);
            if (old && (old->flags & (SYM_ASSIGNED | SYM_USED | SYM_PARAM))) {
                if (old->flags & SYM_PARAM) {
                    fail(n->loc, n->kind == AST_GLOBAL ? "name '%s' is parameter and global"
                                                       : "name '%s' is parameter and nonlocal",
                         nm->str);
                } else {
                    fail(n->loc, n->kind == AST_GLOBAL
                                     ? ((old->flags & SYM_ASSIGNED) ? "name '%s' is assigned to before global declaration"
                                                                    : "name '%s' is used prior to global declaration")
                                     : ((old->flags & SYM_ASSIGNED) ? "name '%s' is assigned to before nonlocal declaration"
                                                                    : "name '%s' is used prior to nonlocal declaration"),
                         nm->str);
                }
            }
            add_sym(s, nm->str, n->kind == AST_GLOBAL ? SYM_GLOBAL : SYM_NONLOCAL);
            if (n->kind == AST_GLOBAL && s->parent) {
                // CPython's symtable also marks the name global in the
                // module block (st_global): there it is then read and
                // stored as a global, which exec(code, globals, locals) shows
                Scope *root = s;
                while (root->parent) {
                    root = root->parent;
                }
                char buf[512];
                const char *mangled = scope_mangle(s->kind == SCOPE_CLASS ? s->name : s->class_name, nm->str,
                                                   buf, sizeof buf);
                add_sym(root, mangled, SYM_GLOBAL);
            }
        }
        return;
    case AST_IMPORT:
        for (int i = 0; i < n->list.len; i++) {
            Ast *al = n->list.items[i];
            if (al->str2) {
                add_sym(s, al->str2, SYM_ASSIGNED);
            } else {
                char buf[256];
                snprintf(buf, sizeof buf, "%s", al->str);
                char *dot = strchr(buf, '.');
                if (dot) {
                    *dot = 0;
                }
                add_sym(s, buf, SYM_ASSIGNED);
            }
        }
        return;
    case AST_IMPORT_FROM:
        for (int i = 0; i < n->list.len; i++) {
            Ast *al = n->list.items[i];
            if (strcmp(al->str, "*") != 0) {
                add_sym(s, al->str2 ? al->str2 : al->str, SYM_ASSIGNED);
            }
        }
        return;
    case AST_FOR:
    case AST_WITH:
        if (n->flag) {
            s->is_coroutine = true;
        }
        break;
    case AST_EXCEPT_HANDLER:
        if (n->str) {
            add_sym(s, n->str, SYM_ASSIGNED);
        }
        visit(s, n->a);
        visit_list(s, &n->list);
        return;
    case AST_AWAIT:
        s->is_coroutine = true;
        visit(s, n->a);
        return;
    case AST_KEYWORD:
        // `f(**name)`: the name is read, its value copied into the call's
        // new dict; not a bare use (so a **kwargs only passed on may be shared)
        if (!n->str && n->a && n->a->kind == AST_NAME && n->a->flag == CTX_LOAD) {
            add_sym(s, n->a->str, SYM_USED);
            return;
        }
        break;
    case AST_AUGASSIGN:
        // `x += e`: in a function, compiled with ADD_FAST_STORE (compile.c)
        if (n->op == BIN_ADD && n->a->kind == AST_NAME && s->kind == SCOPE_FUNCTION) {
            add_sym(s, n->a->str, SYM_CONCAT);
        }
        break;
    case AST_ASSIGN:
        // `x = x + e` likewise
        if (scope_is_concat_assign(n) && s->kind == SCOPE_FUNCTION) {
            add_sym(s, n->list.items[0]->str, SYM_CONCAT);
        }
        break;
    case AST_PAT_AS:
    case AST_PAT_STAR:
    case AST_PAT_MAPPING:
        if (n->str) {
            add_sym(s, n->str, SYM_ASSIGNED);
        }
        break;
    default:
        break;
    }
    visit(s, n->a);
    visit(s, n->b);
    visit(s, n->c);
    visit_list(s, &n->list);
    visit_list(s, &n->list2);
    visit_list(s, &n->list3);
    visit_list(s, &n->list4);
}

// Finds [name] bound in an enclosing function scope of [s]; marks it a
// cell there and free in every function scope in between. Returns true if
// found.
static bool resolve_free(Scope *s, const char *name) {
    for (Scope *p = s->parent; p; p = p->parent) {
        if (p->kind == SCOPE_MODULE) {
            return false;
        }
        if (p->kind == SCOPE_CLASS) {
            if (strcmp(name, "__class__") == 0) {
                p->needs_class_cell = true;
                Symbol *sym = add_sym(p, "__class__", 0);
                sym->flags |= SYM_CELL;
                goto found;
            }
            continue;
        }
        Symbol *sym = scope_lookup(p, name);
        if (sym && (sym->flags & (SYM_ASSIGNED | SYM_PARAM | SYM_NONLOCAL | SYM_FREE | SYM_CELL)) &&
            !(sym->flags & SYM_GLOBAL)) {
            if (sym->flags & (SYM_NONLOCAL | SYM_FREE)) {
                sym->flags |= SYM_FREE;
            } else {
                sym->flags = (sym->flags & ~SYM_LOCAL) | SYM_CELL;
            }
        found:
            // every scope strictly between s and p passes the variable through
            // (a class body too: its methods' closures load it from there)
            for (Scope *q = s->parent; q != p; q = q->parent) {
                Symbol *qs = add_sym(q, name, 0);
                if (!(qs->flags & (SYM_CELL))) {
                    qs->flags |= SYM_FREE;
                }
            }
            return true;
        }
        if (sym && (sym->flags & SYM_GLOBAL)) {
            return false;
        }
    }
    return false;
}

// The `nonlocal` statement naming [name] in statements [l] (not inside
// nested functions or classes), or NULL.
static Ast *find_nonlocal(AstList *l, const char *name) {
    for (int i = 0; i < l->len; i++) {
        Ast *n = l->items[i];
        if (!n || n->kind == AST_FUNCDEF || n->kind == AST_CLASSDEF || n->kind == AST_LAMBDA) {
            continue;
        }
        if (n->kind == AST_NONLOCAL) {
            for (int k = 0; k < n->list.len; k++) {
                if (strcmp(n->list.items[k]->str, name) == 0) {
                    return n;
                }
            }
            continue;
        }
        AstList *subs[4] = {&n->list, &n->list2, &n->list3, &n->list4};
        for (int k = 0; k < 4; k++) {
            Ast *found = find_nonlocal(subs[k], name);
            if (found) {
                return found;
            }
        }
    }
    return NULL;
}

static void resolve(Scope *s) {
    for (int i = 0; i < s->nsyms && !B->failed; i++) {
        Symbol *sym = &s->syms[i];
        int f = sym->flags;
        if (f & SYM_GLOBAL) {
            continue;
        }
        if (f & SYM_NONLOCAL) {
            if (s->kind == SCOPE_MODULE) {
                continue;   // ast_check reports it
            }
            char name[512];
            snprintf(name, sizeof name, "%s", sym->name);
            if (!resolve_free(s, name)) {
                // CPython points at the nonlocal statement
                Ast *at = s->node->kind == AST_FUNCDEF ? find_nonlocal(&s->node->list, sym->name)
                          : s->node->kind == AST_CLASSDEF ? find_nonlocal(&s->node->list3, sym->name) : NULL;
                fail(at ? at->loc : s->node->loc, "no binding for nonlocal '%s' found", name);
                return;
            }
            sym = scope_lookup(s, name);
            sym->flags |= SYM_FREE;
            continue;
        }
        if (f & (SYM_ASSIGNED | SYM_PARAM)) {
            if (s->kind != SCOPE_MODULE && !(f & SYM_CELL)) {
                sym->flags |= SYM_LOCAL;
            }
            continue;
        }
    }
    for (int i = 0; i < s->nchildren; i++) {
        resolve(s->children[i]);
    }
    // Names only read here: free if an enclosing function binds them.
    for (int i = 0; i < s->nsyms && !B->failed; i++) {
        Symbol *sym = &s->syms[i];
        if (sym->flags & (SYM_ASSIGNED | SYM_PARAM | SYM_GLOBAL | SYM_NONLOCAL | SYM_FREE | SYM_CELL)) {
            continue;
        }
        if (s->kind == SCOPE_MODULE) {
            continue;
        }
        char name[512];
        snprintf(name, sizeof name, "%s", sym->name);
        if (resolve_free(s, name)) {
            sym = scope_lookup(s, name);
            sym->flags |= SYM_FREE;
        } else {
            sym = scope_lookup(s, name);
            sym->flags |= SYM_GLOBAL_IMPLICIT;
        }
    }
}

// Children resolve after parents' bindings are known; cells found while
// resolving a child must reach grandchildren that read the same name, so a
// second pass fixes free variables introduced by pass-through.
static void fix_passthrough(Scope *s) {
    for (int i = 0; i < s->nsyms; i++) {
        Symbol *sym = &s->syms[i];
        if ((sym->flags & SYM_FREE) && (sym->flags & SYM_CELL)) {
            sym->flags &= ~SYM_CELL;
        }
        if ((sym->flags & SYM_FREE) && (sym->flags & SYM_LOCAL)) {
            sym->flags &= ~SYM_LOCAL;
        }
        if ((sym->flags & SYM_CELL) && (sym->flags & SYM_LOCAL)) {
            sym->flags &= ~SYM_LOCAL;
        }
    }
    for (int i = 0; i < s->nchildren; i++) {
        fix_passthrough(s->children[i]);
    }
}

Scope *scope_build(Ast *module, bool interactive, ScopeError *err) {
    Builder b = {0};
    b.err = err;
    B = &b;
    Scope *root = new_scope(SCOPE_MODULE, module, NULL, "<module>");
    root->interactive = interactive;
    b.root = root;
    visit_list(root, &module->list);
    if (!b.failed) {
        resolve(root);
        fix_passthrough(root);
    }
    B = NULL;
    // keep the map with the root for scope_of
    root->node = module;
    if (b.failed) {
        free(b.keys);
        free(b.vals);
        scope_free(root);
        return NULL;
    }
    Builder *keep = malloc(sizeof(Builder));
    *keep = b;
    root->map = keep;
    return root;
}

Scope *scope_of(Scope *root, Ast *node) {
    Builder *b = root->map;
    size_t h = ((uintptr_t)node >> 4) & (b->cap - 1);
    while (b->keys[h]) {
        if (b->keys[h] == node) {
            return b->vals[h];
        }
        h = (h + 1) & (b->cap - 1);
    }
    return NULL;
}

static void free_scope(Scope *s) {
    for (int i = 0; i < s->nchildren; i++) {
        free_scope(s->children[i]);
    }
    for (int i = 0; i < s->nsyms; i++) {
        free(s->syms[i].name);
    }
    free(s->syms);
    free(s->symtab);
    free(s->children);
    free(s->name);
    free(s);
}

void scope_free(Scope *root) {
    Builder *b = root->map;
    if (b) {
        free(b->keys);
        free(b->vals);
        free(b);
    }
    free_scope(root);
}
