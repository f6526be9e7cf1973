// astexport.c: the _pyish_ast module: parse(source, mode) runs the
// interpreter's own parser and hands the tree to Python as nested tuples,
// one per node: (kind, (line, col, end_line, end_col), a, b, c, list, list2,
// list3, list4, str, str2, op, flag, ops). Kinds are ast.def's names, lists
// are tuples (None for a dict's ** key), str is the decoded value of string
// and bytes literals, op of operators their symbol ("+", "not in", "and").
// runtime/lib/ast.pyish turns these into CPython's ast node classes.
#include <string.h>
#include "interp.h"
#include "ast.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"
#include "gc.h"

static Value export_node(const Ast *n);

static Value export_list(const AstList *l) {
    Value t = tuple_new((size_t)l->len);
    if (!t) {
        return VAL_NULL;
    }
    gc_push_root(t);
    for (int i = 0; i < l->len; i++) {
        Value v = l->items[i] ? export_node(l->items[i]) : VAL_NONE;
        if (!v) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        AS_TUPLE(t)->items[i] = v;
    }
    gc_pop_root(1);
    return t;
}

static Value op_name(const Ast *n) {
    switch (n->kind) {
    case AST_BINOP:
    case AST_AUGASSIGN:
        return (unsigned)n->op < BIN__COUNT ? str_from_c(ops_bin_symbol[n->op]) : VAL_NONE;
    case AST_UNARYOP:
        return (unsigned)n->op < UN__COUNT ? str_from_c(ops_unary_symbol[n->op]) : VAL_NONE;
    case AST_BOOLOP:
        return str_from_c(n->op == BOOL_AND ? "and" : "or");
    default:
        return MK_SMALL(n->op);
    }
}

static Value export_node(const Ast *n) {
    if (!n) {
        return VAL_NONE;
    }
    Value t = tuple_new(14);
    if (!t) {
        return VAL_NULL;
    }
    gc_push_root(t);
    Value *it = AS_TUPLE(t)->items;
    for (int i = 0; i < 14; i++) {
        it[i] = VAL_NONE;
    }
    it[0] = str_from_c(ast_kind_name(n->kind));
    it[1] = tuple_pack(4, MK_SMALL(n->loc.line), MK_SMALL(n->loc.col), MK_SMALL(n->loc.end_line),
                       MK_SMALL(n->loc.end_col));
    Value kids[3] = {VAL_NONE, VAL_NONE, VAL_NONE};
    const Ast *ch[3] = {n->a, n->b, n->c};
    for (int i = 0; i < 3; i++) {
        kids[i] = export_node(ch[i]);
        if (!kids[i]) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        it[2 + i] = kids[i];
    }
    const AstList *ls[4] = {&n->list, &n->list2, &n->list3, &n->list4};
    for (int i = 0; i < 4; i++) {
        Value l = export_list(ls[i]);
        if (!l) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        it[5 + i] = l;
    }
    if (n->str) {
        if (n->kind == AST_CONST_BYTES) {
            it[9] = bytes_new(n->str, n->slen);
        } else {
            it[9] = str_new(n->str, n->kind == AST_CONST_STR ? n->slen : strlen(n->str));
        }
    } else if (n->kind == AST_CONST_STR) {
        it[9] = str_new("", 0);
    } else if (n->kind == AST_CONST_BYTES) {
        it[9] = bytes_new("", 0);
    }
    if (n->str2) {
        it[10] = str_from_c(n->str2);
    }
    it[11] = op_name(n);
    it[12] = MK_SMALL(n->flag);
    if (n->kind == AST_COMPARE && n->ops) {
        Value ops = tuple_new((size_t)n->list.len);
        if (!ops) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        for (int i = 0; i < n->list.len; i++) {
            AS_TUPLE(ops)->items[i] = str_from_c(ops_cmp_symbol[n->ops[i]]);
        }
        it[13] = ops;
    }
    gc_pop_root(1);
    return t;
}

// parse(source, mode): the tree of [source] ('exec', 'eval' or 'single')
// as nested tuples; SyntaxError as compile() raises it.
static Value ast_parse(int argc, Value *argv, ObjDict *kw) {
    for (int i = 0; i < argc; i++) {    // str subclasses (chameleon's sources) read as their str
        if (!IS_OBJ(argv[i]) || !class_is_subclass(val_class(argv[i]), cls_str)) {
            argc = -1;
            break;
        }
    }
    if (argc != 3) {
        return exc_raise(exc_TypeError, "parse(source, filename, mode) takes three str");
    }
    const char *mode = AS_STR(argv[2])->data;
    if (strcmp(mode, "exec") && strcmp(mode, "eval") && strcmp(mode, "single")) {
        return exc_raise(exc_ValueError, "compile() mode must be 'exec', 'eval' or 'single'");
    }
    ObjStr *src = AS_STR(argv[0]);
    CompileMode cm = !strcmp(mode, "eval") ? COMPILE_EVAL : !strcmp(mode, "single") ? COMPILE_SINGLE : COMPILE_EXEC;
    Arena *arena = NULL;
    ParseError perr;
    memset(&perr, 0, sizeof perr);
    Ast *tree = parse_source(src->data, src->len, !strcmp(mode, "single") ? PARSE_INTERACTIVE : PARSE_AST,
                             &arena, &perr);
    bool bad = !tree || (cm == COMPILE_EVAL && (tree->list.len != 1 || tree->list.items[0]->kind != AST_EXPR_STMT));
    if (bad) {
        if (arena) {
            arena_free(arena);
        }
        // compile() raises the same SyntaxError, with its attributes
        if (!interp_compile_mode(src->data, src->len, AS_STR(argv[1])->data, cm)) {
            return VAL_NULL;
        }
        return exc_raise(exc_SyntaxError, "%s", perr.msg[0] ? perr.msg : "invalid syntax");
    }
    Value r = export_node(tree);
    arena_free(arena);
    return r;
}

Value mod_pyish_ast_init(void) {
    Value m = module_new("_pyish_ast");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("parse"), native_new("parse", ast_parse, NULL));
    return m;
}
