// compile.c: code generation. One Unit per code object being built (module,
// function, lambda, class body, comprehension); units nest as the AST does.
// Control flow uses labels patched at the end of a unit. try/except/finally
// use handler blocks (SETUP_FINALLY); a return, break or continue that
// leaves a try, with or except block first emits that block's unwinding
// (POP_BLOCK, the finally body inline, POP_EXCEPT ...) as CPython does.
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include "compile.h"
#include "scope.h"
#include "vm.h"
#include "class.h"
#include "bytes.h"
#include "numstr.h"
#include "gc.h"

enum { FB_WHILE, FB_FOR, FB_ASYNC_FOR, FB_TRY_EXCEPT, FB_TRY_FINALLY, FB_FINALLY_END, FB_HANDLER, FB_POP_VALUE,
       FB_WITH, FB_ASYNC_WITH, FB_STAR_HANDLER };

typedef struct FBlock {
    int kind;
    int start;          // label: loop continue target
    int exit;           // label: loop break target
    Ast *final;         // FB_TRY_FINALLY: the finally body owner (TRY node); FB_WITH: the with
    const char *name;   // FB_HANDLER: bound exception name or NULL
    bool close_iter;    // FB_FOR over a fresh generator (a call or genexp): leaving
                        // by break/return closes it, as CPython's refcount would
} FBlock;

#define MAX_FBLOCKS 20
// The line of an instruction that has none of its own (resolve_no_lines)
#define NO_LINE (-1)
// Value-stack slots a frame gets beyond the deepest point the compiler
// counted. Debug builds check the stack against it before every
// instruction: with 0, seven tests overflowed (a handler's exception pushed
// at the deepest point); with 1 every test and 300 generated programs pass.
// It was 4: 24 bytes more per frame, so per suspended coroutine.
#ifndef STACK_SLACK
#define STACK_SLACK 1
#endif

typedef struct Unit {
    struct Unit *parent;
    Scope *scope;
    uint32_t *code;
    int32_t *lines;
    uint32_t *spans;        // per instruction: its node's columns (code_span)
    int ncode, capcode;
    int *labels;
    int nlabels, caplabels;
    ObjList *consts;
    ObjDict *const_index;
    ObjList *names;
    ObjDict *name_index;
    ObjList *varnames;
    ObjList *cellvars;
    ObjList *freevars;
    ObjDict *var_index;     // name -> index in varnames/cellvars/freevars
    ObjDict *cell_index;
    ObjDict *free_index;
    int depth, maxdepth;
    FBlock fb[MAX_FBLOCKS];
    int nfb;
    int maxfb;          // deepest fblock nesting (bounds the handler blocks)
    int line;
    uint32_t span;          // the current node's packed columns (SPAN_UNKNOWN: none)
    char *qualname;
    int flags;
} Unit;

typedef struct Compiler {
    Unit *u;
    Scope *root;
    const char *filename;
    ObjStr *filename_str;
    CompileError *err;
    jmp_buf fail;
    bool interactive;
    bool by_name;               // module names through the locals dict (exec, eval)
    bool future_annotations;    // `from __future__ import annotations` seen
    const char *src;            // the source text (annotation strings), or NULL
    size_t srclen;
    SrcLoc pat_loc;             // the match pattern compiled last (CPython's error position)
    ObjList *fsets;             // frozenset constants made so far: [key, frozenset, ...]
} Compiler;

static void compile_expr(Compiler *c, Ast *e);

static bool has_starred(AstList *l);

// Whether [target] = [value] is a tuple or list of two or three targets
// given a tuple of as many values, none starred: CPython assigns those
// without building the tuple (no UNPACK_SEQUENCE, so no error possible).
static bool is_swap_assign(Ast *target, Ast *value) {
    return (target->kind == AST_TUPLE || target->kind == AST_LIST) && value->kind == AST_TUPLE &&
           (value->list.len == 2 || value->list.len == 3) && target->list.len == value->list.len &&
           !has_starred(&target->list) && !has_starred(&value->list);
}
static void set_line(Compiler *c, Ast *n);
static int cell_index(Compiler *c, const char *name);
static void compile_stmt(Compiler *c, Ast *s);
static void compile_body(Compiler *c, AstList *body);
static void compile_store(Compiler *c, Ast *t);

static void error(Compiler *c, SrcLoc loc, const char *msg) {
    snprintf(c->err->msg, sizeof c->err->msg, "%s", msg);
    c->err->loc = loc;
    longjmp(c->fail, 1);
}

// ---- emission
static void emit(Compiler *c, int op, int arg) {
    Unit *u = c->u;
    if (arg < 0 || arg > MAX_ARG) {
        SrcLoc loc = {u->line, 0, u->line, 0};
        error(c, loc, "too many constants or names");
    }
    if (u->ncode == u->capcode) {
        u->capcode = u->capcode ? u->capcode * 2 : 64;
        u->code = realloc(u->code, sizeof(uint32_t) * (size_t)u->capcode);
        u->lines = realloc(u->lines, sizeof(int32_t) * (size_t)u->capcode);
        u->spans = realloc(u->spans, sizeof(uint32_t) * (size_t)u->capcode);
    }
    u->code[u->ncode] = INSTR(op, arg);
    u->lines[u->ncode] = u->line;
    u->spans[u->ncode] = u->span;
    u->ncode++;
    u->depth += opcode_stack_effect(op, arg);
    if (u->depth > u->maxdepth) {
        u->maxdepth = u->depth;
    }
}

static void emit0(Compiler *c, int op) {
    emit(c, op, 0);
}

// An instruction with no line of its own (an if's jump over its else, a
// loop's back edge): it takes the line of what runs before it, as
// CPython's artificial jumps (resolve_no_lines).
static void emit_no_line(Compiler *c, int op, int arg) {
    Unit *u = c->u;
    int line = u->line;
    uint32_t span = u->span;
    u->line = NO_LINE;
    u->span = SPAN_UNKNOWN;
    emit(c, op, arg);
    u->line = line;
    u->span = span;
}

static int new_label(Compiler *c) {
    Unit *u = c->u;
    if (u->nlabels == u->caplabels) {
        u->caplabels = u->caplabels ? u->caplabels * 2 : 16;
        u->labels = realloc(u->labels, sizeof(int) * (size_t)u->caplabels);
    }
    u->labels[u->nlabels] = -1;
    return u->nlabels++;
}

static void set_label(Compiler *c, int label) {
    c->u->labels[label] = c->u->ncode;
}

static bool is_jump(int op) {
    return op == OP_JUMP || op == OP_POP_JUMP_IF_FALSE || op == OP_POP_JUMP_IF_TRUE ||
           op == OP_JUMP_IF_FALSE_OR_POP || op == OP_JUMP_IF_TRUE_OR_POP || op == OP_FOR_ITER ||
           op == OP_SEND || op == OP_SETUP_FINALLY;
}

// The key that tells constants apart as CPython's constant cache does
// (1, 1.0 and True, or 0.0 and -0.0, are equal but distinct constants), or
// VAL_NULL for values that are not keyed.
static Value const_key(Value v) {
    if (!(IS_SMALL(v) || IS_STR(v) || IS_BYTES(v) || IS_FLOAT(v) || IS_BIGINT(v))) {
        return VAL_NULL;
    }
    if (IS_FLOAT(v)) {
        return tuple_pack(3, OBJ_VAL(val_class(v)), v, str_printf("%a", AS_FLOAT(v)));
    }
    return tuple_pack(2, OBJ_VAL(val_class(v)), v);
}

static int add_const(Compiler *c, Value v) {
    Unit *u = c->u;
    Value key = const_key(v);
    bool keyable = key != VAL_NULL;
    if (keyable) {
        Value idx;
        if (dict_get(u->const_index, key, &idx) == 1) {
            return (int)AS_SMALL(idx);
        }
    }
    int i = (int)u->consts->len;
    list_append(u->consts, v);
    if (keyable) {
        dict_set(u->const_index, key, MK_SMALL(i));
    }
    return i;
}

static int add_name(Compiler *c, const char *name) {
    Unit *u = c->u;
    Value s = str_intern(name, strlen(name));
    Value idx;
    if (dict_get(u->name_index, s, &idx) == 1) {
        return (int)AS_SMALL(idx);
    }
    int i = (int)u->names->len;
    list_append(u->names, s);
    dict_set(u->name_index, s, MK_SMALL(i));
    return i;
}

// The index of [name] in the list [d] indexes, or -1.
static int index_of(ObjDict *d, const char *name) {
    Value idx;
    if (dict_get(d, str_intern(name, strlen(name)), &idx) == 1) {
        return (int)AS_SMALL(idx);
    }
    return -1;
}

// Appends interned [name] to [l], recording its index in [d].
static int append_indexed(ObjList *l, ObjDict *d, const char *name) {
    Value s = str_intern(name, strlen(name));
    int i = (int)l->len;
    list_append(l, s);
    dict_set(d, s, MK_SMALL(i));
    return i;
}

static void load_const(Compiler *c, Value v) {
    emit(c, OP_LOAD_CONST, add_const(c, v));
}

static const char *mangle(Compiler *c, const char *name, char *buf, size_t size) {
    Scope *s = c->u->scope;
    return scope_mangle(s->kind == SCOPE_CLASS ? s->name : s->class_name, name, buf, size);
}

// ---- units
static void push_unit(Compiler *c, Scope *scope, const char *qualname) {
    Unit *u = calloc(1, sizeof(Unit));
    u->span = SPAN_UNKNOWN;
    u->parent = c->u;
    u->scope = scope;
    u->consts = AS_LIST(list_new(4));
    u->const_index = AS_DICT(dict_new());
    u->names = AS_LIST(list_new(4));
    u->name_index = AS_DICT(dict_new());
    u->varnames = AS_LIST(list_new(4));
    u->cellvars = AS_LIST(list_new(0));
    u->freevars = AS_LIST(list_new(0));
    u->var_index = AS_DICT(dict_new());
    u->cell_index = AS_DICT(dict_new());
    u->free_index = AS_DICT(dict_new());
    u->qualname = strdup(qualname);
    u->line = c->u ? c->u->line : 1;
    // cells and free variables, in symbol order
    for (int i = 0; i < scope->nsyms; i++) {
        Symbol *sym = &scope->syms[i];
        if (sym->flags & SYM_CELL) {
            append_indexed(u->cellvars, u->cell_index, sym->name);
        } else if ((sym->flags & SYM_FREE) && !(scope->kind == SCOPE_CLASS && !(sym->flags & SYM_FREE))) {
            append_indexed(u->freevars, u->free_index, sym->name);
        }
    }
    c->u = u;
}

static void free_unit(Unit *u) {
    free(u->code);
    free(u->lines);
    free(u->spans);
    free(u->labels);
    free(u->qualname);
    free(u);
}

// Instructions emitted with no line (NO_LINE: the implicit `return None`,
// an if's jump over its else, a loop's back edge) take their line from the
// code that reaches them, as CPython's compiler gives them
// (propagate_line_numbers, duplicate_exits_without_lineno): an instruction
// reached from one place only has that place's line; a jump to a `return
// None` exit gets a copy of it, appended at the end, with the jump's line.
// What several places reach keeps no line (-1, co_lines' None): the trace
// reports no 'line' event for it and f_lineno stays the last line traced.
// So a function that falls off its end returns on the line that ran last.
static bool falls_through(int op) {
    return op != OP_JUMP && op != OP_RETURN_VALUE && op != OP_RERAISE && op != OP_RAISE_VARARGS;
}

static void propagate_lines(Unit *u, int firstline) {
    int n = u->ncode;
    int *npred = calloc((size_t)n + 1, sizeof(int)), *jpred = calloc((size_t)n + 1, sizeof(int));
    for (int i = 0; i < n; i++) {
        int op = INSTR_OP(u->code[i]);
        if (is_jump(op) && op != OP_SETUP_FINALLY) {
            int t = (int)INSTR_ARG(u->code[i]);
            npred[t]++;
            jpred[t] = i;
        }
    }
    for (int i = 0; i < n; i++) {
        if (u->lines[i] != NO_LINE) {
            continue;
        }
        bool ft = i == 0 || falls_through(INSTR_OP(u->code[i - 1]));
        int from = -2;  // (-2: none, -1: the code's start)
        if (npred[i] == 0 && ft) {
            from = i - 1;
        } else if (npred[i] == 1 && !ft && jpred[i] < i) {
            from = jpred[i];
        }
        if (from >= 0) {
            u->lines[i] = u->lines[from];
            u->spans[i] = u->spans[from];
        } else if (from == -1) {
            u->lines[i] = firstline;
        }
    }
    free(npred);
    free(jpred);
}

static void resolve_no_lines(Compiler *c, int firstline) {
    Unit *u = c->u;
    propagate_lines(u, firstline);
    int n = u->ncode;
    for (int i = 0; i < n; i++) {
        int op = INSTR_OP(u->code[i]);
        if (!is_jump(op) || op == OP_SETUP_FINALLY || op == OP_SEND || u->lines[i] == NO_LINE) {
            continue;
        }
        int t = (int)INSTR_ARG(u->code[i]), end = t;
        while (end < n && u->lines[end] == NO_LINE && !is_jump(INSTR_OP(u->code[end])) &&
               INSTR_OP(u->code[end]) != OP_RETURN_VALUE && end - t < 4) {
            end++;
        }
        if (t >= n || end >= n || u->lines[end] != NO_LINE || INSTR_OP(u->code[end]) != OP_RETURN_VALUE) {
            continue;
        }
        int at = u->ncode, line = u->line;
        uint32_t span = u->span;
        u->line = u->lines[i];
        u->span = u->spans[i];
        for (int k = t; k <= end; k++) {
            emit(c, INSTR_OP(u->code[k]), (int)INSTR_ARG(u->code[k]));
        }
        u->line = line;
        u->span = span;
        u->code[i] = INSTR(op, at);
    }
    propagate_lines(u, firstline);  // (an exit's fall-through is its only way in now)
}

// The implicit `return None` at the end of a body: no line of its own.
static void emit_implicit_return(Compiler *c, bool class_cell) {
    c->u->line = NO_LINE;
    c->u->span = SPAN_UNKNOWN;
    if (class_cell) {
        emit(c, OP_LOAD_CLOSURE, cell_index(c, "__class__"));
    } else {
        load_const(c, VAL_NONE);
    }
    emit0(c, OP_RETURN_VALUE);
}

static ObjCode *finish_unit(Compiler *c, const char *name, int firstline) {
    Unit *u = c->u;
    for (int i = 0; i < u->ncode; i++) {
        int op = INSTR_OP(u->code[i]);
        if (is_jump(op)) {
            int target = u->labels[INSTR_ARG(u->code[i])];
            u->code[i] = INSTR(op, target);
        }
    }
    // A jump to an unconditional JUMP that only ends the code before it
    // (an if's branch: it has that code's line) goes to where that one
    // goes, as CPython's compiler threads them: passing through it
    // reported that line again to trace functions. A JUMP starting a line
    // of its own (`continue`, `break`) stays a step, as in CPython.
    // Conditional jumps only forwards (a backward JUMP is the loop's safe
    // point: it stays on the back edge). A JUMP with no line (NO_LINE) is
    // always passed through, as CPython threads its artificial jumps.
    for (int i = 0; i < u->ncode; i++) {
        int op = INSTR_OP(u->code[i]);
        if (op != OP_JUMP && op != OP_POP_JUMP_IF_FALSE && op != OP_POP_JUMP_IF_TRUE) {
            continue;
        }
        int target = (int)INSTR_ARG(u->code[i]);
        for (int hops = 0; hops < 8 && target > 0 && target < u->ncode && INSTR_OP(u->code[target]) == OP_JUMP &&
                           (u->lines[target - 1] == u->lines[target] || u->lines[i] == u->lines[target] ||
                            u->lines[target] == NO_LINE);
             hops++) {
            int next = (int)INSTR_ARG(u->code[target]);
            if (next == target || (op != OP_JUMP && next <= i)) {
                break;
            }
            target = next;
        }
        u->code[i] = INSTR(op, target);
    }
    resolve_no_lines(c, firstline);
    // Superinstructions: LOAD_FAST followed by LOAD_FAST or LOAD_CONST does
    // both and skips the second, which stays in place (a jump to it, the
    // line table and --dis still see it); followed by LOAD_ATTR, it does the
    // attribute load too when the LOAD_ATTR's cache hits (vm.c).
    for (int i = 0; i + 1 < u->ncode; i++) {
        uint32_t a = u->code[i], b = u->code[i + 1];
        if (INSTR_OP(a) == OP_LOAD_FAST && INSTR_OP(b) == OP_LOAD_ATTR) {
            u->code[i] = INSTR(OP_LOAD_FAST_ATTR, INSTR_ARG(a));
            continue;
        }
        if (INSTR_OP(a) != OP_LOAD_FAST || INSTR_ARG(a) >= 4096 || INSTR_ARG(b) >= 4096) {
            continue;
        }
        if (INSTR_OP(b) == OP_LOAD_FAST) {
            u->code[i] = INSTR(OP_LOAD_FAST_LOAD_FAST, INSTR_ARG(a) | (INSTR_ARG(b) << 12));
        } else if (INSTR_OP(b) == OP_LOAD_CONST) {
            u->code[i] = INSTR(OP_LOAD_FAST_LOAD_CONST, INSTR_ARG(a) | (INSTR_ARG(b) << 12));
        }
    }
    ObjCode *code = (ObjCode *)obj_alloc(cls_code, sizeof(ObjCode));
    code->ncode = (uint32_t)u->ncode;
    code->code = mem_alloc(sizeof(uint32_t) * (size_t)(u->ncode ? u->ncode : 1));
    memcpy(code->code, u->code, sizeof(uint32_t) * (size_t)u->ncode);
    code->lines = mem_alloc(sizeof(int32_t) * (size_t)(u->ncode ? u->ncode : 1));
    memcpy(code->lines, u->lines, sizeof(int32_t) * (size_t)u->ncode);
    code->spans = mem_alloc(sizeof(uint32_t) * (size_t)(u->ncode ? u->ncode : 1));
    memcpy(code->spans, u->spans, sizeof(uint32_t) * (size_t)u->ncode);
    code->cache = mem_alloc(sizeof(uint64_t) * (size_t)(u->ncode ? u->ncode : 1));
    memset(code->cache, 0, sizeof(uint64_t) * (size_t)(u->ncode ? u->ncode : 1));
    code->consts = AS_TUPLE(seq_to_tuple(OBJ_VAL(u->consts)));
    code->names = AS_TUPLE(seq_to_tuple(OBJ_VAL(u->names)));
    code->varnames = AS_TUPLE(seq_to_tuple(OBJ_VAL(u->varnames)));
    code->cellvars = AS_TUPLE(seq_to_tuple(OBJ_VAL(u->cellvars)));
    code->freevars = AS_TUPLE(seq_to_tuple(OBJ_VAL(u->freevars)));
    code->nlocals = (int)u->varnames->len;
    code->ncells = (int)u->cellvars->len;
    code->nfree = (int)u->freevars->len;
    code->cell2arg = mem_alloc(sizeof(int32_t) * (size_t)(code->ncells + 1));
    for (int i = 0; i < code->ncells; i++) {
        // a cell that is also a parameter starts with the argument's value
        code->cell2arg[i] = index_of(u->var_index, AS_STR(u->cellvars->items[i])->data);
    }
    code->max_stack = u->maxdepth + STACK_SLACK;
    // one block per fblock, plus the cleanup block of a with/async-for
    // handler; and at most one per SETUP_FINALLY of the code (the compiler's
    // structured blocks never nest one instruction's block in itself): none
    // when it sets up no handler, as in most functions and in a coroutine
    // that only awaits (16 bytes less in every suspended task's frame,
    // issue 11)
    int nsetup = 0;
    for (int i = 0; i < u->ncode; i++) {
        nsetup += INSTR_OP(u->code[i]) == OP_SETUP_FINALLY;
    }
    code->max_blocks = u->maxfb + 2 < nsetup ? u->maxfb + 2 : nsetup;
    code->flags = u->flags;
    code->firstline = firstline;
    code->name = AS_STR(str_intern(name, strlen(name)));
    code->qualname = AS_STR(str_from_c(u->qualname));
    code->filename = c->filename_str;
    c->u = u->parent;
    free_unit(u);
    return code;
}

// ---- names
static int cell_index(Compiler *c, const char *name) {
    Unit *u = c->u;
    int i = index_of(u->cell_index, name);
    if (i >= 0) {
        return i;
    }
    i = index_of(u->free_index, name);
    if (i >= 0) {
        return (int)u->cellvars->len + i;
    }
    return -1;
}

static int local_index(Compiler *c, const char *name) {
    int i = index_of(c->u->var_index, name);
    if (i < 0) {
        i = append_indexed(c->u->varnames, c->u->var_index, name);
    }
    return i;
}

// CPython's "cannot assign to __debug__" (and "cannot delete"), for every
// kind of binding; [name] is bound at [loc]
static void check_debug_name(Compiler *c, const char *name, SrcLoc loc, bool del) {
    if (name && strcmp(name, "__debug__") == 0) {
        error(c, loc, del ? "cannot delete __debug__" : "cannot assign to __debug__");
    }
}

static void name_op(Compiler *c, const char *raw, AstCtx ctx) {
    char buf[512];
    const char *name = mangle(c, raw, buf, sizeof buf);
    Scope *s = c->u->scope;
    Symbol *sym = scope_lookup(s, name);
    int flags = sym ? sym->flags : SYM_GLOBAL_IMPLICIT;
    static const int fast[] = {OP_LOAD_FAST, OP_STORE_FAST, OP_DELETE_FAST};
    static const int deref[] = {OP_LOAD_DEREF, OP_STORE_DEREF, OP_DELETE_DEREF};
    static const int global[] = {OP_LOAD_GLOBAL, OP_STORE_GLOBAL, OP_DELETE_GLOBAL};
    static const int byname[] = {OP_LOAD_NAME, OP_STORE_NAME, OP_DELETE_NAME};
    if (flags & SYM_GLOBAL) {
        emit(c, global[ctx], add_name(c, name));
        return;
    }
    if (s->kind == SCOPE_MODULE) {
        emit(c, c->by_name ? byname[ctx] : global[ctx], add_name(c, name));
        return;
    }
    if (s->kind == SCOPE_CLASS) {
        if ((flags & SYM_FREE) && !(flags & (SYM_ASSIGNED))) {
            if (ctx == CTX_LOAD) {
                emit(c, OP_LOAD_CLASSDEREF, cell_index(c, name));
                return;
            }
        }
        if ((flags & SYM_FREE) && (flags & SYM_NONLOCAL)) {
            emit(c, deref[ctx], cell_index(c, name));
            return;
        }
        if ((flags & SYM_GLOBAL_IMPLICIT) && !(flags & SYM_ASSIGNED)) {
            emit(c, byname[ctx], add_name(c, name));
            return;
        }
        emit(c, byname[ctx], add_name(c, name));
        return;
    }
    if (flags & (SYM_CELL | SYM_FREE)) {
        int idx = cell_index(c, name);
        if (idx >= 0) {
            emit(c, deref[ctx], idx);
            return;
        }
    }
    if (flags & (SYM_LOCAL | SYM_PARAM | SYM_ASSIGNED)) {
        emit(c, ctx == CTX_LOAD && (flags & SYM_CONCAT) ? OP_LOAD_FAST_ESC : fast[ctx], local_index(c, name));
        return;
    }
    emit(c, global[ctx], add_name(c, name));
}

// The fast local [raw] when `raw += e` / `raw = raw + e` compiles to
// ADD_FAST_STORE (a function's plain local marked SYM_CONCAT), else -1.
static int concat_local(Compiler *c, const char *raw) {
    char buf[512];
    const char *name = mangle(c, raw, buf, sizeof buf);
    Scope *s = c->u->scope;
    Symbol *sym = scope_lookup(s, name);
    if (s->kind != SCOPE_FUNCTION || !sym || !(sym->flags & SYM_CONCAT) ||
        (sym->flags & (SYM_GLOBAL | SYM_CELL | SYM_FREE | SYM_NONLOCAL)) ||
        !(sym->flags & (SYM_LOCAL | SYM_PARAM | SYM_ASSIGNED))) {
        return -1;
    }
    return local_index(c, name);
}

// `x = x + e` (inplace false) or `x += e` for a local x that ADD_FAST_STORE
// serves: its own load of x does not make the str leave the local.
static void compile_concat(Compiler *c, int local, Ast *name, Ast *value, Ast *at, bool inplace) {
    set_line(c, name);
    emit(c, OP_LOAD_FAST, local);
    compile_expr(c, value);
    set_line(c, at);
    emit(c, OP_ADD_FAST_STORE, (local << 1) | (inplace ? 1 : 0));
}

// ---- fblocks (unwinding for return/break/continue)
static void push_fb(Compiler *c, int kind, int start, int exit, Ast *final, const char *name) {
    Unit *u = c->u;
    if (u->nfb == MAX_FBLOCKS) {
        SrcLoc loc = {u->line, 0, u->line, 0};
        error(c, loc, "too many statically nested blocks");
    }
    u->fb[u->nfb++] = (FBlock){kind, start, exit, final, name, false};
    if (u->nfb > u->maxfb) {
        u->maxfb = u->nfb;
    }
}

static void pop_fb(Compiler *c) {
    c->u->nfb--;
}

static void clear_handler_name(Compiler *c, const char *name) {
    if (name) {
        load_const(c, VAL_NONE);
        name_op(c, name, CTX_STORE);
        name_op(c, name, CTX_DEL);
    }
}

// Emits the code that leaves fblock [fb]; [preserve] keeps TOS (a return
// value) on top.
static void unwind_fb(Compiler *c, FBlock *fb, bool preserve) {
    switch (fb->kind) {
    case FB_WHILE:
        return;
    case FB_FOR:
        if (preserve) {
            emit0(c, OP_ROT_TWO);
        }
        emit0(c, fb->close_iter ? OP_CLOSE_ITER : OP_POP_TOP);
        return;
    case FB_ASYNC_FOR:
        if (preserve) {
            emit0(c, OP_ROT_TWO);
        }
        emit0(c, OP_POP_TOP);
        return;
    case FB_TRY_EXCEPT:
        emit0(c, OP_POP_BLOCK);
        return;
    case FB_TRY_FINALLY: {
        emit0(c, OP_POP_BLOCK);
        // the finally body runs outside this fblock
        FBlock saved = *fb;
        Unit *u = c->u;
        int idx = (int)(fb - u->fb);
        int n = u->nfb;
        FBlock stash[MAX_FBLOCKS];
        int nstash = n - idx;
        memcpy(stash, u->fb + idx, sizeof(FBlock) * (size_t)nstash);
        u->nfb = idx;
        // a break/continue in the inlined body drops the preserved value
        if (preserve) {
            push_fb(c, FB_POP_VALUE, -1, -1, NULL, NULL);
        }
        compile_body(c, &saved.final->list4);
        memcpy(u->fb + idx, stash, sizeof(FBlock) * (size_t)nstash);
        u->nfb = n;
        return;
    }
    case FB_POP_VALUE:
        if (preserve) {
            emit0(c, OP_ROT_TWO);
        }
        emit0(c, OP_POP_TOP);
        return;
    case FB_FINALLY_END:
        emit0(c, OP_POP_BLOCK);
        if (preserve) {
            emit0(c, OP_ROT_THREE);
        }
        emit0(c, OP_POP_TOP);
        emit0(c, OP_POP_EXCEPT);
        return;
    case FB_STAR_HANDLER:   // check_not_in_star refuses to leave one
        return;
    case FB_HANDLER:
        emit0(c, OP_POP_BLOCK);
        if (preserve) {
            emit0(c, OP_ROT_TWO);
        }
        emit0(c, OP_POP_EXCEPT);
        clear_handler_name(c, fb->name);
        return;
    case FB_WITH:
    case FB_ASYNC_WITH:
        set_line(c, fb->final);     // the exit runs on the with's line (and what follows, as CPython's)
        emit0(c, OP_POP_BLOCK);
        if (preserve) {
            emit0(c, OP_ROT_TWO);
        }
        emit0(c, OP_WITH_EXIT);
        if (fb->kind == FB_ASYNC_WITH) {
            emit(c, OP_GET_AWAITABLE, 2);
            load_const(c, VAL_NONE);
            int loop = new_label(c), done = new_label(c);
            set_label(c, loop);
            emit(c, OP_SEND, done);
            emit(c, OP_YIELD_VALUE, 1);
            emit(c, OP_JUMP, loop);
            set_label(c, done);
        }
        emit0(c, OP_POP_TOP);
        return;
    }
}

// A break or continue that leaves a with block: a NOP with its own line
// first (the with's exit runs on the with's line), as CPython's.
static void nop_before_with_exit(Compiler *c, int stop) {
    for (int i = c->u->nfb - 1; i >= stop; i--) {
        if (c->u->fb[i].kind == FB_WITH || c->u->fb[i].kind == FB_ASYNC_WITH) {
            emit0(c, OP_NOP);
            return;
        }
    }
}

// Unwinds every fblock down to (not including) index [stop].
static void unwind_to(Compiler *c, int stop, bool preserve) {
    Unit *u = c->u;
    int saved_depth = u->depth;
    for (int i = u->nfb - 1; i >= stop; i--) {
        unwind_fb(c, &u->fb[i], preserve);
    }
    u->depth = saved_depth;
}

// ---- expressions
static Value const_of_literal(Compiler *c, Ast *e) {
    switch (e->kind) {
    case AST_CONST_INT: {
        Value v = int_from_str(e->str, 0);
        if (!v && EXC_PENDING_IS(exc_ValueError) && strncmp(e->str, "0x", 2) && strncmp(e->str, "0X", 2)) {
            // a decimal literal past sys.get_int_max_str_digits(), as CPython words it
            exc_clear();
            size_t nd = 0;
            for (const char *p = e->str; *p; p++) {
                nd += *p != '_';
            }
            char msg[320];
            snprintf(msg, sizeof msg, "Exceeds the limit (%d digits) for integer string conversion: "
                     "value has %zu digits; use sys.set_int_max_str_digits() to increase the limit "
                     "- Consider hexadecimal for huge integer literals to avoid decimal conversion limits.",
                     ST->int_max_str_digits, nd);
            error(c, e->loc, msg);
        }
        if (!v) {
            exc_clear();
            error(c, e->loc, "invalid integer literal");
        }
        return v;
    }
    case AST_CONST_FLOAT: {
        size_t n = strlen(e->str);
        if (n && (e->str[n - 1] == 'j' || e->str[n - 1] == 'J')) {
            return complex_new(0.0, strtod(e->str, NULL));     // imaginary literal
        }
        return float_new(strtod(e->str, NULL));
    }
    case AST_CONST_STR: {
        // identifier-like constants are interned, as CPython's compiler
        // interns them: getattr(x, "name") needs no lookup of its own, and
        // equal ones are the same object
        bool name_like = e->slen > 0;
        for (size_t i = 0; i < e->slen && name_like; i++) {
            char ch = e->str[i];
            name_like = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
        }
        return name_like ? str_intern(e->str, e->slen) : str_new(e->str ? e->str : "", e->slen);
    }
    case AST_CONST_BYTES:
        return bytes_new(e->str ? e->str : "", e->slen);
    default:
        return VAL_NULL;
    }
}

static bool has_starred(AstList *l);

static Value const_value(Compiler *c, Ast *e);

// CPython's AST optimizer's limits on folding (ast_opt.c): no int of more
// than 128 bits, no sequence of more than 256 items or str/bytes of more
// than 4096 from *, ** or <<.
#define FOLD_MAX_INT_BITS 128
#define FOLD_MAX_ITEMS 256
#define FOLD_MAX_STR 4096

// Whether CPython folds [a] OP [b] (both constants): its safe_multiply,
// safe_power, safe_lshift and safe_mod checks; @ is never folded.
static bool fold_binop_ok(Value a, Value b, int op) {
    // (bools are ints here, as PyLong_Check says: True << 10**9 is not folded)
#define FOLD_INT(v) (IS_INT(v) || (v) == VAL_TRUE || (v) == VAL_FALSE)
    switch (op) {
    case BIN_MUL: {
        if (FOLD_INT(a) && FOLD_INT(b)) {
            return int_bit_length(a) + int_bit_length(b) <= FOLD_MAX_INT_BITS ||
                   int_bit_length(a) == 0 || int_bit_length(b) == 0;
        }
        Value n = FOLD_INT(a) ? a : b, seq = FOLD_INT(a) ? b : a;
        if (!FOLD_INT(n)) {
            return true;
        }
        size_t limit = IS_TUPLE(seq) || IS_A(seq, cls_frozenset) ? FOLD_MAX_ITEMS
                       : IS_STR(seq) || IS_A(seq, cls_bytes) ? FOLD_MAX_STR : 0;
        if (!limit) {
            return true;
        }
        Value len = obj_len(seq);
        if (!len) {
            exc_clear();
            return false;
        }
        int64_t size = AS_SMALL(len), k;
        if (size == 0) {
            return true;
        }
        if (!int_to_i64(n, &k)) {
            exc_clear();
            return false;
        }
        return k >= 0 && (uint64_t)k <= limit / (uint64_t)size;
    }
    case BIN_POW:
    case BIN_LSHIFT: {
        if (!FOLD_INT(a) || !FOLD_INT(b) || int_bit_length(a) == 0) {
            return true;
        }
        int64_t w;
        if (!int_to_i64(b, &w)) {
            exc_clear();
            return false;
        }
        if (w <= 0) {
            return true;
        }
        size_t vbits = int_bit_length(a);
        return op == BIN_POW ? vbits <= FOLD_MAX_INT_BITS / (uint64_t)w
                             : (uint64_t)w <= FOLD_MAX_INT_BITS && vbits <= FOLD_MAX_INT_BITS - (uint64_t)w;
    }
    case BIN_MOD:
        return !IS_STR(a) && !IS_A(a, cls_bytes);   // '%' formatting is left to run time
    case BIN_MATMUL:
        return false;
    default:
        return true;
    }
#undef FOLD_INT
}

// The value of [e] when CPython's AST optimizer makes it a constant: a
// literal, None/True/False/..., a signed or inverted number, a tuple of
// constants, a binary operator on constants within the folding limits
// (1 << 10, 2 ** 64, 'ab' * 3; an operation that raises is left to run
// time); else VAL_NULL. (Set displays of constants are built from a
// frozenset constant as in CPython, which fixes their iteration order.)
static Value const_value(Compiler *c, Ast *e) {
    switch (e->kind) {
    case AST_CONST_INT:
    case AST_CONST_FLOAT:
    case AST_CONST_STR:
    case AST_CONST_BYTES:
        return const_of_literal(c, e);
    case AST_CONST_NONE: return VAL_NONE;
    case AST_CONST_TRUE: return VAL_TRUE;
    case AST_CONST_FALSE: return VAL_FALSE;
    case AST_ELLIPSIS: return OBJ_VAL(obj_ellipsis);
    case AST_UNARYOP: {
        if (e->op == UN_NOT || (e->a->kind != AST_CONST_INT && e->a->kind != AST_CONST_FLOAT &&
                                e->a->kind != AST_UNARYOP)) {
            return VAL_NULL;
        }
        Value v = const_value(c, e->a);
        if (!v) {
            return VAL_NULL;
        }
        gc_push_root(v);
        Value r = obj_unop(v, e->op);
        gc_pop_root(1);
        if (!r) {
            exc_clear();    // (~1.5: left to raise at run time)
        }
        return r;
    }
    case AST_BINOP: {
        Value a = const_value(c, e->a);
        if (!a) {
            return VAL_NULL;
        }
        gc_push_root(a);
        Value b = const_value(c, e->b);
        Value r = VAL_NULL;
        if (b) {
            gc_push_root(b);
            if (fold_binop_ok(a, b, e->op)) {
                r = obj_binop(a, b, e->op);
                if (!r) {
                    exc_clear();    // (1 / 0: left to raise at run time)
                }
            }
            gc_pop_root(1);
        }
        gc_pop_root(1);
        return r;
    }
    case AST_TUPLE: {
        if (has_starred(&e->list)) {
            return VAL_NULL;
        }
        Value t = tuple_new((size_t)e->list.len);
        gc_push_root(t);
        for (int i = 0; i < e->list.len; i++) {
            Value v = const_value(c, e->list.items[i]);
            if (!v) {
                gc_pop_root(1);
                return VAL_NULL;
            }
            AS_TUPLE(t)->items[i] = v;
        }
        gc_pop_root(1);
        return t;
    }
    default:
        return VAL_NULL;
    }
}

// The frozenset of the set display [e] when all its elements are
// constants (built from their tuple, in order, as CPython's optimizer
// does), else VAL_NULL.
static Value const_frozenset(Compiler *c, Ast *e) {
    if (e->kind != AST_SET) {
        return VAL_NULL;
    }
    Ast tuple = *e;
    tuple.kind = AST_TUPLE;
    Value t = const_value(c, &tuple);
    if (!t) {
        return VAL_NULL;
    }
    // CPython builds frozenset(t), then its constant merging rebuilds the
    // frozenset from that one's iteration order: so do we
    gc_push_root(t);
    Value f = VAL_NULL;
    for (int pass = 0; pass < 2; pass++) {
        Value it = obj_iter(t);
        f = it ? set_new(cls_frozenset) : VAL_NULL;
        Value x;
        int r = -1;
        if (f) {
            gc_push_root(it);
            gc_push_root(f);
            while ((r = obj_next(it, &x)) == 1 && set_add(AS_SET(f), x) == 0) {
            }
            gc_pop_root(2);
        }
        if (r != 0) {
            exc_clear();    // an unhashable constant: built at run time, where it raises
            f = VAL_NULL;
            break;
        }
        gc_pop_root(1);
        t = f;
        gc_push_root(t);
    }
    gc_pop_root(1);
    if (!f) {
        return f;
    }
    // an equal frozenset constant made before in this module is used
    // instead, as CPython's constant cache does (its iteration order may
    // differ: it was built from other source)
    Value key = set_new(cls_frozenset);
    Value it = obj_iter(f), x;
    while (obj_next(it, &x) == 1) {
        Value k = const_key(x);
        set_add(AS_SET(key), k ? k : x);
    }
    if (!c->fsets) {
        c->fsets = AS_LIST(list_new(0));
    }
    for (size_t i = 0; i + 1 < c->fsets->len; i += 2) {
        int eq = obj_eq(c->fsets->items[i], key);
        if (eq == 1) {
            return c->fsets->items[i + 1];
        }
        if (eq < 0) {
            exc_clear();
        }
    }
    list_append(c->fsets, key);
    list_append(c->fsets, f);
    return f;
}

// Compiles the iterable of a for loop, a comprehension or an `in` test: a
// set display of constants is loaded as a frozenset constant, as CPython.
static void compile_iterable(Compiler *c, Ast *e) {
    Value f = const_frozenset(c, e);
    if (f) {
        load_const(c, f);
    } else {
        compile_expr(c, e);
    }
}

// The node [n] is the current one: its line, and its columns for the
// carets of tracebacks (PEP 657).
static void set_line(Compiler *c, Ast *n) {
    if (n->loc.line > 0) {
        c->u->line = n->loc.line;
        c->u->span = span_pack(n->loc.line, n->loc.end_line, n->loc.col, n->loc.end_col);
    }
}

static bool has_starred(AstList *l) {
    for (int i = 0; i < l->len; i++) {
        if (l->items[i] && l->items[i]->kind == AST_STARRED) {
            return true;
        }
    }
    return false;
}

// Pushes the elements of [l] as a list (handles *x), leaving one list.
// [call]: they are a call's positional arguments (f(*x) alone says "f()
// argument after * must be an iterable": LIST_EXTEND_CALL_STAR).
static void build_list_starred_in(Compiler *c, AstList *l, bool call) {
    int pending = 0;
    bool built = false;
    for (int i = 0; i < l->len; i++) {
        Ast *e = l->items[i];
        if (e->kind == AST_STARRED) {
            if (!built) {
                emit(c, OP_BUILD_LIST, pending);
                built = true;
            } else if (pending) {
                emit(c, OP_BUILD_LIST, pending);
                emit(c, OP_LIST_EXTEND, 1);
            }
            pending = 0;
            compile_expr(c, e->a);
            emit(c, OP_LIST_EXTEND, 1 | (call && l->len == 1 ? LIST_EXTEND_CALL_STAR : 0));
        } else {
            compile_expr(c, e);
            pending++;
        }
    }
    if (!built) {
        emit(c, OP_BUILD_LIST, pending);
    } else if (pending) {
        emit(c, OP_BUILD_LIST, pending);
        emit(c, OP_LIST_EXTEND, 1);
    }
}

static void build_list_starred(Compiler *c, AstList *l) {
    build_list_starred_in(c, l, false);
}

static void compile_await_loop(Compiler *c) {
    load_const(c, VAL_NONE);
    int loop = new_label(c), done = new_label(c);
    set_label(c, loop);
    emit(c, OP_SEND, done);
    emit(c, OP_YIELD_VALUE, 1);
    emit(c, OP_JUMP, loop);
    set_label(c, done);
}

// Where a failed assert's AssertionError points, as CPython 3.11's: the
// last comparison its test jumps on (through not, and/or and the
// parts of a conditional expression), else (NULL) the whole assert statement.
static Ast *assert_raise_at(Ast *test) {
    Ast *at = NULL;
    switch (test->kind) {
    case AST_COMPARE:
        return test;
    case AST_UNARYOP:
        return test->op == UN_NOT ? assert_raise_at(test->a) : NULL;
    case AST_BOOLOP:
        for (int i = 0; i < test->list.len; i++) {
            Ast *a = assert_raise_at(test->list.items[i]);
            at = a ? a : at;
        }
        return at;
    case AST_IFEXP: {
        Ast *parts[3] = {test->a, test->b, test->c};
        for (int i = 0; i < 3; i++) {
            Ast *a = assert_raise_at(parts[i]);
            at = a ? a : at;
        }
        return at;
    }
    default:
        return NULL;
    }
}

// ---- SyntaxWarnings (CPython 3.11's compiler_warn checks)

static void warn(Compiler *c, Ast *at, const char *fmt, const char *a, const char *b) {
    CompileError *err = c->err;
    if (err->nwarn >= COMPILE_MAX_WARNINGS) {
        return;
    }
    err->warn[err->nwarn].loc = at->loc;
    snprintf(err->warn[err->nwarn].msg, sizeof err->warn[0].msg, fmt, a, b);
    err->nwarn++;
}

// The constant [e] folds to (CPython's AST optimizer): its type name, or
// NULL when [e] is no constant.
static const char *const_type(Ast *e) {
    switch (e->kind) {
    case AST_CONST_INT:
        return "int";
    case AST_CONST_FLOAT: {
        size_t n = strlen(e->str);
        return n && (e->str[n - 1] == 'j' || e->str[n - 1] == 'J') ? "complex" : "float";
    }
    case AST_CONST_STR:
        return "str";
    case AST_CONST_BYTES:
        return "bytes";
    case AST_CONST_NONE:
        return "NoneType";
    case AST_CONST_TRUE:
    case AST_CONST_FALSE:
        return "bool";
    case AST_ELLIPSIS:
        return "ellipsis";
    case AST_UNARYOP:
        return e->op != UN_NOT && const_type(e->a) && strcmp(const_type(e->a), "str") != 0 ? const_type(e->a) : NULL;
    case AST_TUPLE:
        for (int i = 0; i < e->list.len; i++) {
            if (!const_type(e->list.items[i])) {
                return NULL;
            }
        }
        return "tuple";
    default:
        return NULL;
    }
}

// The type of literal [e] (CPython's infer_type), or NULL.
static const char *literal_type(Ast *e) {
    switch (e->kind) {
    case AST_TUPLE:
        return "tuple";
    case AST_LIST:
    case AST_LISTCOMP:
        return "list";
    case AST_DICT:
    case AST_DICTCOMP:
        return "dict";
    case AST_SET:
    case AST_SETCOMP:
        return "set";
    case AST_GENEXP:
        return "generator";
    case AST_LAMBDA:
        return "function";
    case AST_FSTRING:
    case AST_FORMATTED_VALUE:
        return "str";
    default:
        return const_type(e);
    }
}

// `x is 1`: "is" with a literal (not None, True, False or ...).
static bool is_literal_arg(Ast *e) {
    const char *t = const_type(e);
    return t && strcmp(t, "NoneType") && strcmp(t, "bool") && strcmp(t, "ellipsis");
}

static void check_compare(Compiler *c, Ast *e) {
    Ast *left = e->a;
    for (int i = 0; i < e->list.len; i++) {
        Ast *right = e->list.items[i];
        int op = e->ops[i];
        if ((op == CMP_IS || op == CMP_IS_NOT) && (is_literal_arg(left) || is_literal_arg(right))) {
            warn(c, e, op == CMP_IS ? "\"is\" with a literal. Did you mean \"==\"?%s%s"
                                    : "\"is not\" with a literal. Did you mean \"!=\"?%s%s", "", "");
            return;
        }
        left = right;
    }
}

// `(1, 2) (3, 4)`: a call of a literal that is never callable.
static void check_caller(Compiler *c, Ast *call) {
    Ast *f = call->a;
    if (f->kind != AST_LAMBDA && literal_type(f)) {
        warn(c, call, "'%s' object is not callable; perhaps you missed a comma?%s", literal_type(f), "");
    }
}

// `[1, 2] [0, 1]`: subscripting a literal that has no items, or a sequence
// literal with an index of a type it never takes.
static void check_subscript(Compiler *c, Ast *e) {
    const char *t = literal_type(e->a);
    if (!t) {
        return;
    }
    bool sequence = !strcmp(t, "str") || !strcmp(t, "bytes") || !strcmp(t, "tuple") || !strcmp(t, "list");
    if (!sequence && strcmp(t, "dict") != 0) {
        warn(c, e, "'%s' object is not subscriptable; perhaps you missed a comma?", t, "");
        return;
    }
    const char *it = e->b->kind == AST_SLICE ? NULL : literal_type(e->b);
    if (sequence && it && strcmp(it, "int") && strcmp(it, "bool")) {
        warn(c, e, "%s indices must be integers or slices, not %s; perhaps you missed a comma?", t, it);
    }
}

static void compile_call(Compiler *c, Ast *e) {
    Ast *f = e->a;
    check_caller(c, e);
    AstList *args = &e->list;
    AstList *kws = &e->list2;
    bool star = has_starred(args);
    for (int i = 0; i < kws->len; i++) {
        Ast *k = kws->items[i];
        if (!k->str) {
            star = true;
            continue;
        }
        check_debug_name(c, k->str, e->loc, false);
        for (int j = 0; j < i; j++) {     // CPython's validate_keywords
            if (kws->items[j]->str && strcmp(kws->items[j]->str, k->str) == 0) {
                char msg[300];
                snprintf(msg, sizeof msg, "keyword argument repeated: %s", k->str);
                error(c, k->loc, msg);
            }
        }
    }
    // obj.method(positional...) -> LOAD_METHOD / CALL
    if (f->kind == AST_ATTRIBUTE && !star) {
        compile_expr(c, f->a);
        char buf[512];
        set_line(c, f);
        emit(c, OP_LOAD_METHOD, add_name(c, mangle(c, f->str, buf, sizeof buf)));
    } else {
        compile_expr(c, f);
        emit0(c, OP_PUSH_NULL);
    }
    if (star) {
        build_list_starred_in(c, args, true);
        emit0(c, OP_LIST_TO_TUPLE);
        if (kws->len) {
            emit(c, OP_BUILD_MAP, 0);
            int pending = 0;
            for (int i = 0; i < kws->len; i++) {
                Ast *k = kws->items[i];
                if (k->str) {
                    load_const(c, str_intern(k->str, strlen(k->str)));
                    compile_expr(c, k->a);
                    pending++;
                } else {
                    if (pending) {
                        emit(c, OP_BUILD_MAP, pending);
                        emit(c, OP_DICT_MERGE, 1);
                        pending = 0;
                    }
                    compile_expr(c, k->a);
                    emit(c, OP_DICT_MERGE, 1);
                }
            }
            if (pending) {
                emit(c, OP_BUILD_MAP, pending);
                emit(c, OP_DICT_MERGE, 1);
            }
            set_line(c, e);
            emit(c, OP_CALL_EX, 1);
        } else {
            set_line(c, e);
            emit(c, OP_CALL_EX, 0);
        }
        return;
    }
    for (int i = 0; i < args->len; i++) {
        compile_expr(c, args->items[i]);
    }
    if (kws->len) {
        ObjTuple *names = AS_TUPLE(tuple_new((size_t)kws->len));
        for (int i = 0; i < kws->len; i++) {
            Ast *k = kws->items[i];
            names->items[i] = str_intern(k->str, strlen(k->str));
            compile_expr(c, k->a);
        }
        load_const(c, OBJ_VAL(names));
        set_line(c, e);
        emit(c, OP_CALL_KW, args->len + kws->len);
    } else {
        set_line(c, e);
        emit(c, OP_CALL, args->len);
    }
}

static void compile_compare(Compiler *c, Ast *e) {
    check_compare(c, e);
    compile_expr(c, e->a);
    int n = e->list.len;
    bool in_test = e->ops[n - 1] == CMP_IN || e->ops[n - 1] == CMP_NOT_IN;
    if (n == 1) {
        if (in_test) {
            compile_iterable(c, e->list.items[0]);
        } else {
            compile_expr(c, e->list.items[0]);
        }
        set_line(c, e);
        emit(c, OP_COMPARE_OP, e->ops[0]);
        return;
    }
    int cleanup = new_label(c), end = new_label(c);
    for (int i = 0; i < n - 1; i++) {
        compile_expr(c, e->list.items[i]);
        emit0(c, OP_DUP_TOP);
        emit0(c, OP_ROT_THREE);
        emit(c, OP_COMPARE_OP, e->ops[i]);
        emit(c, OP_JUMP_IF_FALSE_OR_POP, cleanup);
    }
    if (in_test) {
        compile_iterable(c, e->list.items[n - 1]);
    } else {
        compile_expr(c, e->list.items[n - 1]);
    }
    emit(c, OP_COMPARE_OP, e->ops[n - 1]);
    emit(c, OP_JUMP, end);
    int d = c->u->depth;
    set_label(c, cleanup);
    c->u->depth = d + 1;
    emit0(c, OP_ROT_TWO);
    emit0(c, OP_POP_TOP);
    set_label(c, end);
    c->u->depth = d;
}

// Jumps to [label] when [e] is [cond] (short-circuits and/or/not).
static void compile_jump_if(Compiler *c, Ast *e, bool cond, int label) {
    if (e->kind == AST_UNARYOP && e->op == UN_NOT) {
        compile_jump_if(c, e->a, !cond, label);
        return;
    }
    if (e->kind == AST_BOOLOP) {
        bool is_and = e->op == BOOL_AND;
        if (is_and == cond) {
            // and + jump-if-true / or + jump-if-false: all must hold
            int skip = new_label(c);
            for (int i = 0; i < e->list.len - 1; i++) {
                compile_jump_if(c, e->list.items[i], !cond, skip);
            }
            compile_jump_if(c, e->list.items[e->list.len - 1], cond, label);
            set_label(c, skip);
        } else {
            for (int i = 0; i < e->list.len; i++) {
                compile_jump_if(c, e->list.items[i], cond, label);
            }
        }
        return;
    }
    compile_expr(c, e);
    emit(c, cond ? OP_POP_JUMP_IF_TRUE : OP_POP_JUMP_IF_FALSE, label);
}

static void compile_function_code(Compiler *c, Ast *node, Ast *args, const char *name, bool is_lambda);
static void compile_comprehension(Compiler *c, Ast *e);

static void compile_fstring(Compiler *c, Ast *e) {
    int n = 0;
    for (int i = 0; i < e->list.len; i++) {
        Ast *p = e->list.items[i];
        if (p->kind == AST_CONST_STR) {
            if (p->slen == 0) {
                continue;
            }
            load_const(c, str_new(p->str, p->slen));
        } else {
            compile_expr(c, p->a);
            int arg = p->op & 0xff;
            if (p->b) {
                compile_fstring(c, p->b);
                arg |= 0x100;
            }
            emit(c, OP_FORMAT_VALUE, arg);
        }
        n++;
    }
    if (n == 0) {
        load_const(c, str_new("", 0));
    } else if (n > 1) {
        emit(c, OP_BUILD_STRING, n);
    } else if (e->list.items[0]->kind == AST_CONST_STR) {
        // a lone literal part is already a str
    } else {
        emit(c, OP_BUILD_STRING, 1);
    }
}

static void compile_subscript_index(Compiler *c, Ast *idx) {
    if (idx->kind == AST_SLICE) {
        if (idx->a) {
            compile_expr(c, idx->a);
        } else {
            load_const(c, VAL_NONE);
        }
        if (idx->b) {
            compile_expr(c, idx->b);
        } else {
            load_const(c, VAL_NONE);
        }
        if (idx->c) {
            compile_expr(c, idx->c);
            emit(c, OP_BUILD_SLICE, 3);
        } else {
            emit(c, OP_BUILD_SLICE, 2);
        }
        return;
    }
    compile_expr(c, idx);
}

// Loads [e]'s value as one constant when CPython's AST optimizer folds it
// (a tuple of constants, -1, 2 ** 10, 'ab' * 3: const_value); false when
// it is not a constant.
static bool try_fold(Compiler *c, Ast *e) {
    Value v = const_value(c, e);
    if (!v) {
        return false;
    }
    load_const(c, v);
    return true;
}

static void compile_expr(Compiler *c, Ast *e) {
    int saved_line = c->u->line;
    uint32_t saved_span = c->u->span;
    set_line(c, e);
    switch (e->kind) {
    case AST_NAME:
        name_op(c, e->str, CTX_LOAD);
        break;
    case AST_CONST_INT:
    case AST_CONST_FLOAT:
    case AST_CONST_STR:
    case AST_CONST_BYTES:
        load_const(c, const_of_literal(c, e));
        break;
    case AST_CONST_NONE:
        load_const(c, VAL_NONE);
        break;
    case AST_CONST_TRUE:
        load_const(c, VAL_TRUE);
        break;
    case AST_CONST_FALSE:
        load_const(c, VAL_FALSE);
        break;
    case AST_ELLIPSIS:
        load_const(c, OBJ_VAL(obj_ellipsis));
        break;
    case AST_FSTRING:
        compile_fstring(c, e);
        break;
    case AST_TUPLE:
        if (has_starred(&e->list)) {
            build_list_starred(c, &e->list);
            emit0(c, OP_LIST_TO_TUPLE);
        } else if (!try_fold(c, e)) {
            for (int i = 0; i < e->list.len; i++) {
                compile_expr(c, e->list.items[i]);
            }
            emit(c, OP_BUILD_TUPLE, e->list.len);
        }
        break;
    case AST_LIST:
        if (has_starred(&e->list)) {
            build_list_starred(c, &e->list);
        } else {
            for (int i = 0; i < e->list.len; i++) {
                compile_expr(c, e->list.items[i]);
            }
            emit(c, OP_BUILD_LIST, e->list.len);
        }
        break;
    case AST_SET: {
        // as CPython: three or more constants come from a frozenset
        // constant; with a starred item, the items before it are built
        // into the set, then each star is merged and each item added
        Value f = e->list.len > 2 ? const_frozenset(c, e) : VAL_NULL;
        if (f) {
            emit(c, OP_BUILD_SET, 0);
            load_const(c, f);
            emit(c, OP_SET_UPDATE, 1);
            break;
        }
        bool built = false;
        for (int i = 0; i < e->list.len; i++) {
            Ast *x = e->list.items[i];
            if (x->kind == AST_STARRED) {
                if (!built) {
                    emit(c, OP_BUILD_SET, i);
                    built = true;
                }
                compile_expr(c, x->a);
                emit(c, OP_SET_UPDATE, 1);
            } else {
                compile_expr(c, x);
                if (built) {
                    emit(c, OP_SET_ADD, 1);
                }
            }
        }
        if (!built) {
            emit(c, OP_BUILD_SET, e->list.len);
        }
        break;
    }
    case AST_DICT: {
        int pending = 0;
        bool built = false;
        for (int i = 0; i < e->list.len; i++) {
            Ast *k = e->list.items[i];
            if (!k) {
                if (!built) {
                    emit(c, OP_BUILD_MAP, pending);
                    built = true;
                } else if (pending) {
                    emit(c, OP_BUILD_MAP, pending);
                    emit(c, OP_DICT_UPDATE, 1);
                }
                pending = 0;
                compile_expr(c, e->list2.items[i]);
                emit(c, OP_DICT_UPDATE, 1);
            } else {
                compile_expr(c, k);
                compile_expr(c, e->list2.items[i]);
                pending++;
            }
        }
        if (!built) {
            emit(c, OP_BUILD_MAP, pending);
        } else if (pending) {
            emit(c, OP_BUILD_MAP, pending);
            emit(c, OP_DICT_UPDATE, 1);
        }
        break;
    }
    case AST_STARRED:
        error(c, e->loc, "can't use starred expression here");
        break;
    case AST_BINOP:
        if (try_fold(c, e)) {
            break;
        }
        compile_expr(c, e->a);
        compile_expr(c, e->b);
        set_line(c, e);
        emit(c, OP_BINARY_OP, e->op);
        break;
    case AST_UNARYOP:
        if (e->op != UN_NOT && try_fold(c, e)) {
            break;
        }
        compile_expr(c, e->a);
        set_line(c, e);
        if (e->op == UN_NOT) {
            emit0(c, OP_UNARY_NOT);
        } else {
            emit(c, OP_UNARY_OP, e->op);
        }
        break;
    case AST_BOOLOP: {
        int end = new_label(c);
        int op = e->op == BOOL_AND ? OP_JUMP_IF_FALSE_OR_POP : OP_JUMP_IF_TRUE_OR_POP;
        for (int i = 0; i < e->list.len - 1; i++) {
            compile_expr(c, e->list.items[i]);
            emit(c, op, end);
        }
        compile_expr(c, e->list.items[e->list.len - 1]);
        set_label(c, end);
        break;
    }
    case AST_COMPARE:
        compile_compare(c, e);
        break;
    case AST_CALL:
        compile_call(c, e);
        break;
    case AST_ATTRIBUTE: {
        compile_expr(c, e->a);
        char buf[512];
        set_line(c, e);
        emit(c, OP_LOAD_ATTR, add_name(c, mangle(c, e->str, buf, sizeof buf)));
        break;
    }
    case AST_SUBSCRIPT:
        check_subscript(c, e);
        compile_expr(c, e->a);
        compile_subscript_index(c, e->b);
        set_line(c, e);
        emit0(c, OP_BINARY_SUBSCR);
        break;
    case AST_SLICE:
        compile_subscript_index(c, e);
        break;
    case AST_LAMBDA:
        compile_function_code(c, e, e->b, "<lambda>", true);
        break;
    case AST_IFEXP: {
        int orelse = new_label(c), end = new_label(c);
        compile_jump_if(c, e->a, false, orelse);
        compile_expr(c, e->b);
        emit(c, OP_JUMP, end);
        c->u->depth--;
        set_label(c, orelse);
        compile_expr(c, e->c);
        set_label(c, end);
        break;
    }
    case AST_LISTCOMP:
    case AST_SETCOMP:
    case AST_DICTCOMP:
    case AST_GENEXP:
        compile_comprehension(c, e);
        break;
    case AST_AWAIT:
        compile_expr(c, e->a);
        set_line(c, e);
        emit(c, OP_GET_AWAITABLE, 0);
        compile_await_loop(c);
        break;
    case AST_YIELD:
        if (e->a) {
            compile_expr(c, e->a);
        } else {
            load_const(c, VAL_NONE);
        }
        set_line(c, e);
        emit(c, OP_YIELD_VALUE, 0);
        break;
    case AST_YIELD_FROM:
        compile_expr(c, e->a);
        set_line(c, e);
        emit0(c, OP_GET_YIELD_FROM_ITER);
        compile_await_loop(c);
        break;
    case AST_NAMEDEXPR:
        compile_expr(c, e->b);
        emit0(c, OP_DUP_TOP);
        check_debug_name(c, e->a->str, e->a->loc, false);
        name_op(c, e->a->str, CTX_STORE);
        break;
    default:
        error(c, e->loc, "invalid syntax");
    }
    c->u->line = saved_line;
    c->u->span = saved_span;
}

// ---- comprehensions
static void comp_generator(Compiler *c, Ast *e, int gen_index, int depth_elt) {
    Ast *gen = e->list.items[gen_index];
    int start = new_label(c), end = new_label(c), anext_end = new_label(c);
    bool is_async = gen->flag != 0;
    if (gen_index == 0) {
        emit(c, OP_LOAD_FAST, local_index(c, ".0"));
    } else {
        compile_iterable(c, gen->b);
        emit0(c, is_async ? OP_GET_AITER : OP_GET_ITER);
    }
    int d0 = c->u->depth;
    set_label(c, start);
    if (is_async) {
        emit(c, OP_SETUP_FINALLY, anext_end);
        emit0(c, OP_GET_ANEXT);
        emit(c, OP_GET_AWAITABLE, 0);
        compile_await_loop(c);
        emit0(c, OP_POP_BLOCK);
    } else {
        emit(c, OP_FOR_ITER, end);
    }
    compile_store(c, gen->a);
    for (int i = 0; i < gen->list.len; i++) {
        compile_jump_if(c, gen->list.items[i], false, start);
    }
    if (gen_index + 1 < e->list.len) {
        comp_generator(c, e, gen_index + 1, depth_elt + 1);
    } else {
        switch (e->kind) {
        case AST_LISTCOMP:
            compile_expr(c, e->a);
            emit(c, OP_LIST_APPEND, depth_elt + 2);
            break;
        case AST_SETCOMP:
            compile_expr(c, e->a);
            emit(c, OP_SET_ADD, depth_elt + 2);
            break;
        case AST_DICTCOMP:
            compile_expr(c, e->a);
            compile_expr(c, e->b);
            emit(c, OP_MAP_ADD, depth_elt + 2);
            break;
        default:
            compile_expr(c, e->a);
            emit(c, OP_YIELD_VALUE, 0);
            emit0(c, OP_POP_TOP);
        }
    }
    emit(c, OP_JUMP, start);
    if (is_async) {
        set_label(c, anext_end);
        c->u->depth = d0 + 1;
        emit0(c, OP_END_ASYNC_FOR);
    } else {
        set_label(c, end);
        c->u->depth = d0 - 1;
    }
}

static void make_closure(Compiler *c, ObjCode *code, int flags_so_far) {
    int flags = flags_so_far;
    if (code->nfree > 0) {
        for (int i = 0; i < code->nfree; i++) {
            const char *name = AS_STR(code->freevars->items[i])->data;
            int idx = cell_index(c, name);
            if (idx < 0) {
                SrcLoc loc = {c->u->line, 0, c->u->line, 0};
                error(c, loc, "internal error: free variable not found");
            }
            emit(c, OP_LOAD_CLOSURE, idx);
        }
        emit(c, OP_BUILD_TUPLE, code->nfree);
        flags |= 8;
    }
    load_const(c, OBJ_VAL(code));
    emit(c, OP_MAKE_FUNCTION, flags);
}

// The __qualname__ of a function or class [name] defined in the current
// unit; as CPython's compiler_set_qualname, a name declared `global` in the
// enclosing function or class is qualified as at module level.
static char *child_qualname(Compiler *c, const char *name) {
    Unit *u = c->u;
    char buf[1024];
    Symbol *sym = NULL;
    if (u->scope->kind != SCOPE_MODULE) {
        char mbuf[512];
        sym = scope_lookup(u->scope, mangle(c, name, mbuf, sizeof mbuf));
    }
    if (u->scope->kind == SCOPE_MODULE || (sym && (sym->flags & SYM_GLOBAL))) {
        snprintf(buf, sizeof buf, "%s", name);
    } else if (u->scope->kind == SCOPE_CLASS) {
        snprintf(buf, sizeof buf, "%s.%s", u->qualname, name);
    } else {
        snprintf(buf, sizeof buf, "%s.<locals>.%s", u->qualname, name);
    }
    return strdup(buf);
}

static void compile_comprehension(Compiler *c, Ast *e) {
    Scope *s = scope_of(c->root, e);
    const char *name = s->name;
    // outermost iterable, evaluated here
    char *qn = child_qualname(c, name);
    int line = e->loc.line;
    push_unit(c, s, qn);
    free(qn);
    Unit *u = c->u;
    u->line = line;
    local_index(c, ".0");
    bool is_async = s->is_coroutine;
    if (e->kind == AST_GENEXP) {
        u->flags |= is_async ? CO_ASYNC_GENERATOR : CO_GENERATOR;
    } else if (is_async) {
        u->flags |= CO_COROUTINE;
    }
    // parameters first: .0 is the only one
    if (e->kind == AST_LISTCOMP) {
        emit(c, OP_BUILD_LIST, 0);
    } else if (e->kind == AST_SETCOMP) {
        emit(c, OP_BUILD_SET, 0);
    } else if (e->kind == AST_DICTCOMP) {
        emit(c, OP_BUILD_MAP, 0);
    }
    comp_generator(c, e, 0, 0);
    if (e->kind == AST_GENEXP) {
        load_const(c, VAL_NONE);
    }
    emit0(c, OP_RETURN_VALUE);
    ObjCode *code = finish_unit(c, name, line);
    code->argcount = 1;
    make_closure(c, code, 0);
    emit0(c, OP_PUSH_NULL);
    Ast *first = e->list.items[0];
    compile_iterable(c, first->b);
    if (first->flag) {
        emit0(c, OP_GET_AITER);
    } else {
        // a generator expression's fresh iterator dies with it (a list
        // comprehension's lives on in the traceback, as in CPython)
        emit(c, OP_GET_ITER,
             e->kind == AST_GENEXP && (first->b->kind == AST_CALL || first->b->kind == AST_GENEXP));
    }
    set_line(c, e);
    emit(c, OP_CALL, 1);
    if (is_async && e->kind != AST_GENEXP) {
        emit(c, OP_GET_AWAITABLE, 0);
        compile_await_loop(c);
    }
}

// ---- functions and classes
static bool is_docstring(AstList *body) {
    return body->len > 0 && body->items[0]->kind == AST_EXPR_STMT &&
           body->items[0]->a->kind == AST_CONST_STR;
}

// -OO drops docstrings (their statement still does nothing): __doc__ is None
static bool keep_docstrings(void) { return ST->config.optimize < 2; }

static void compile_function_code(Compiler *c, Ast *node, Ast *args, const char *name, bool is_lambda) {
    Scope *s = scope_of(c->root, node);
    int flags = 0;
    // defaults and keyword-only defaults, evaluated in the enclosing scope
    int ndefaults = 0;
    if (args) {
        for (int i = 0; i < args->list.len; i++) {
            check_debug_name(c, args->list.items[i]->str, node->loc, false);
        }
        for (int i = 0; i < args->list2.len; i++) {
            check_debug_name(c, args->list2.items[i]->str, node->loc, false);
        }
        check_debug_name(c, args->a ? args->a->str : NULL, node->loc, false);
        check_debug_name(c, args->b ? args->b->str : NULL, node->loc, false);
        for (int i = 0; i < args->list.len; i++) {
            if (args->list.items[i]->a) {
                compile_expr(c, args->list.items[i]->a);
                ndefaults++;
            }
        }
        if (ndefaults) {
            emit(c, OP_BUILD_TUPLE, ndefaults);
            flags |= 1;
        }
        int nkw = 0;
        for (int i = 0; i < args->list2.len; i++) {
            Ast *a = args->list2.items[i];
            if (a->a) {
                char buf[512];
                const char *mn = mangle(c, a->str, buf, sizeof buf);
                load_const(c, str_intern(mn, strlen(mn)));
                compile_expr(c, a->a);
                nkw++;
            }
        }
        if (nkw) {
            emit(c, OP_BUILD_MAP, nkw);
            flags |= 2;
        }
    }
    char *qn = child_qualname(c, name);
    push_unit(c, s, qn);
    free(qn);
    Unit *u = c->u;
    u->line = node->loc.line;
    int argcount = 0, kwonly = 0;
    if (args) {
        for (int i = 0; i < args->list.len; i++) {
            char buf[512];
            local_index(c, mangle(c, args->list.items[i]->str, buf, sizeof buf));
            argcount++;
        }
        for (int i = 0; i < args->list2.len; i++) {
            char buf[512];
            local_index(c, mangle(c, args->list2.items[i]->str, buf, sizeof buf));
            kwonly++;
        }
        if (args->a) {
            char buf[512];
            local_index(c, mangle(c, args->a->str, buf, sizeof buf));
            u->flags |= CO_VARARGS;
        }
        if (args->b) {
            char buf[512];
            const char *kwname = mangle(c, args->b->str, buf, sizeof buf);
            local_index(c, kwname);
            u->flags |= CO_VARKW;
            Symbol *ks = scope_lookup(s, kwname);
            if (ks && !(ks->flags & (SYM_BARE | SYM_ASSIGNED | SYM_CELL | SYM_FREE | SYM_GLOBAL | SYM_NONLOCAL))) {
                u->flags |= CO_KW_SHARED;
            }
        }
    }
    bool is_async = !is_lambda && node->flag;
    if (s->is_generator) {
        u->flags |= is_async ? CO_ASYNC_GENERATOR : CO_GENERATOR;
    } else if (is_async) {
        u->flags |= CO_COROUTINE;
    }
    // every other local of the scope gets a slot too
    for (int i = 0; i < s->nsyms; i++) {
        if ((s->syms[i].flags & SYM_LOCAL) && !(s->syms[i].flags & (SYM_CELL | SYM_FREE))) {
            local_index(c, s->syms[i].name);
        }
    }
    Value doc = VAL_NONE;
    if (is_lambda) {
        compile_expr(c, node->a);
        emit0(c, OP_RETURN_VALUE);
    } else {
        AstList *body = &node->list;
        int start = 0;
        if (is_docstring(body)) {
            Ast *d = body->items[0]->a;
            if (keep_docstrings()) doc = str_new(d->str, d->slen);
            start = 1;
        }
        for (int i = start; i < body->len; i++) {
            compile_stmt(c, body->items[i]);
        }
        emit_implicit_return(c, false);
    }
    // the docstring is const 0 when present (func.__doc__); a decorated
    // function's first line is its first decorator's, as CPython's
    int firstline = node->loc.line;
    if (!is_lambda && node->kind == AST_FUNCDEF && node->list2.len > 0 && node->list2.items[0]->loc.line > 0) {
        firstline = node->list2.items[0]->loc.line;
    }
    ObjCode *code = finish_unit(c, name, firstline);
    code->argcount = argcount;
    code->kwonlycount = kwonly;
    code->posonlycount = args ? args->flag : 0;
    if (!IS_NONE(doc)) {
        // keep the doc reachable as the last constant
        ObjTuple *old = code->consts;
        ObjTuple *nc = AS_TUPLE(tuple_new(old->len + 1));
        memcpy(nc->items, old->items, sizeof(Value) * old->len);
        nc->items[old->len] = doc;
        code->consts = nc;
        code->flags |= 0x1000;  // CO_HAS_DOC: last const is the docstring
    }
    make_closure(c, code, flags);
}

static void compile_decorators(Compiler *c, AstList *decos) {
    for (int i = 0; i < decos->len; i++) {
        compile_expr(c, decos->items[i]);
        emit0(c, OP_PUSH_NULL);
    }
}

static void apply_decorators(Compiler *c, AstList *decos) {
    for (int i = 0; i < decos->len; i++) {
        emit(c, OP_CALL, 1);
    }
}

// Whether annotations are stored as strings (`from __future__ import
// annotations`) and the source is at hand to give them.
static bool annotations_as_text(Compiler *c) {
    return c->future_annotations && c->src;
}

// ---- unparse: an annotation's text under `from __future__ import
// annotations`, as CPython's ast_unparse.c gives it (operator spacing,
// ", " separators, string literals as their repr, only the parentheses
// precedence needs). Kinds it does not know make it give up (ub->bad).
enum {
    PR_TUPLE, PR_TEST, PR_OR, PR_AND, PR_NOT, PR_CMP, PR_EXPR, PR_BOR = PR_EXPR,
    PR_BXOR, PR_BAND, PR_SHIFT, PR_ARITH, PR_TERM, PR_FACTOR, PR_POWER, PR_AWAIT, PR_ATOM
};

typedef struct UBuf {
    char *p;
    size_t n, cap;
    bool bad;
} UBuf;

static void ub_putn(UBuf *u, const char *s, size_t n) {
    if (u->n + n + 1 > u->cap) {
        size_t cap = (u->n + n + 1) * 2;
        char *p = realloc(u->p, cap);
        if (!p) {
            u->bad = true;  // (the annotation keeps its source text)
            return;
        }
        u->p = p;
        u->cap = cap;
    }
    memcpy(u->p + u->n, s, n);
    u->n += n;
}

static void ub_puts(UBuf *u, const char *s) {
    ub_putn(u, s, strlen(s));
}

static void ub_repr(UBuf *u, Value v) {
    Value r = VAL_NULL;
    if (v) {
        gc_push_root(v);
        r = obj_repr(v);
        gc_pop_root(1);
    }
    if (!r || !IS_STR(r)) {
        exc_clear();
        u->bad = true;
        return;
    }
    ub_putn(u, AS_STR(r)->data, AS_STR(r)->len);
}

static void unparse(UBuf *u, Ast *e, int level);

static void unparse_list(UBuf *u, AstList *l, int level) {
    for (int i = 0; i < l->len; i++) {
        if (i) {
            ub_puts(u, ", ");
        }
        unparse(u, l->items[i], level);
    }
}

static int binop_prec(int op) {
    switch (op) {
    case BIN_ADD: case BIN_SUB: return PR_ARITH;
    case BIN_MUL: case BIN_TRUEDIV: case BIN_FLOORDIV: case BIN_MOD: case BIN_MATMUL: return PR_TERM;
    case BIN_POW: return PR_POWER;
    case BIN_LSHIFT: case BIN_RSHIFT: return PR_SHIFT;
    case BIN_AND: return PR_BAND;
    case BIN_XOR: return PR_BXOR;
    default: return PR_BOR;
    }
}

static void unparse(UBuf *u, Ast *e, int level) {
    if (!e || u->bad) {
        u->bad = true;
        return;
    }
    switch (e->kind) {
    case AST_NAME:
        ub_puts(u, e->str);
        return;
    case AST_CONST_NONE: ub_puts(u, "None"); return;
    case AST_CONST_TRUE: ub_puts(u, "True"); return;
    case AST_CONST_FALSE: ub_puts(u, "False"); return;
    case AST_ELLIPSIS: ub_puts(u, "..."); return;
    case AST_CONST_INT:
        if (e->str[0] == '0' && e->str[1] && e->str[1] != '0') {
            u->bad = true;      // 0x.. 0o.. 0b..: CPython gives the decimal value
            return;
        }
        ub_puts(u, e->str);
        return;
    case AST_CONST_STR:
        ub_repr(u, str_new(e->str, e->slen));
        return;
    case AST_CONST_BYTES:
        ub_repr(u, bytes_new(e->str, e->slen));
        return;
    case AST_ATTRIBUTE:
        unparse(u, e->a, PR_ATOM);
        ub_puts(u, ".");
        ub_puts(u, e->str);
        return;
    case AST_SUBSCRIPT:
        unparse(u, e->a, PR_ATOM);
        ub_puts(u, "[");
        if (e->b->kind == AST_TUPLE && e->b->list.len > 0) {
            unparse_list(u, &e->b->list, PR_TEST);
            if (e->b->list.len == 1) {
                ub_puts(u, ",");
            }
        } else {
            unparse(u, e->b, PR_TUPLE);
        }
        ub_puts(u, "]");
        return;
    case AST_SLICE:
        if (e->a) {
            unparse(u, e->a, PR_TEST);
        }
        ub_puts(u, ":");
        if (e->b) {
            unparse(u, e->b, PR_TEST);
        }
        if (e->c) {
            ub_puts(u, ":");
            unparse(u, e->c, PR_TEST);
        }
        return;
    case AST_TUPLE:
        if (e->list.len == 0) {
            ub_puts(u, "()");
            return;
        }
        if (level > PR_TUPLE) {
            ub_puts(u, "(");
        }
        unparse_list(u, &e->list, PR_TEST);
        if (e->list.len == 1) {
            ub_puts(u, ",");
        }
        if (level > PR_TUPLE) {
            ub_puts(u, ")");
        }
        return;
    case AST_LIST:
        ub_puts(u, "[");
        unparse_list(u, &e->list, PR_TEST);
        ub_puts(u, "]");
        return;
    case AST_SET:
        ub_puts(u, "{");
        unparse_list(u, &e->list, PR_TEST);
        ub_puts(u, "}");
        return;
    case AST_DICT:
        ub_puts(u, "{");
        for (int i = 0; i < e->list2.len; i++) {
            if (i) {
                ub_puts(u, ", ");
            }
            if (e->list.items[i]) {
                unparse(u, e->list.items[i], PR_TEST);
                ub_puts(u, ": ");
                unparse(u, e->list2.items[i], PR_TEST);
            } else {
                ub_puts(u, "**");
                unparse(u, e->list2.items[i], PR_EXPR);
            }
        }
        ub_puts(u, "}");
        return;
    case AST_STARRED:
        ub_puts(u, "*");
        unparse(u, e->a, PR_EXPR);
        return;
    case AST_BINOP: {
        int pr = binop_prec(e->op);
        bool rassoc = e->op == BIN_POW;
        if (level > pr) {
            ub_puts(u, "(");
        }
        unparse(u, e->a, pr + rassoc);
        ub_puts(u, " ");
        ub_puts(u, ops_bin_symbol[e->op]);
        ub_puts(u, " ");
        unparse(u, e->b, pr + !rassoc);
        if (level > pr) {
            ub_puts(u, ")");
        }
        return;
    }
    case AST_UNARYOP: {
        int pr = e->op == UN_NOT ? PR_NOT : PR_FACTOR;
        if (level > pr) {
            ub_puts(u, "(");
        }
        ub_puts(u, ops_unary_symbol[e->op]);
        if (e->op == UN_NOT) {
            ub_puts(u, " ");
        }
        unparse(u, e->a, pr);
        if (level > pr) {
            ub_puts(u, ")");
        }
        return;
    }
    case AST_BOOLOP: {
        int pr = e->op == BOOL_AND ? PR_AND : PR_OR;
        if (level > pr) {
            ub_puts(u, "(");
        }
        for (int i = 0; i < e->list.len; i++) {
            if (i) {
                ub_puts(u, e->op == BOOL_AND ? " and " : " or ");
            }
            unparse(u, e->list.items[i], pr + 1);
        }
        if (level > pr) {
            ub_puts(u, ")");
        }
        return;
    }
    case AST_COMPARE:
        if (level > PR_CMP) {
            ub_puts(u, "(");
        }
        unparse(u, e->a, PR_CMP + 1);
        for (int i = 0; i < e->list.len; i++) {
            ub_puts(u, " ");
            ub_puts(u, ops_cmp_symbol[e->ops[i]]);
            ub_puts(u, " ");
            unparse(u, e->list.items[i], PR_CMP + 1);
        }
        if (level > PR_CMP) {
            ub_puts(u, ")");
        }
        return;
    case AST_IFEXP:
        if (level > PR_TEST) {
            ub_puts(u, "(");
        }
        unparse(u, e->b, PR_TEST + 1);
        ub_puts(u, " if ");
        unparse(u, e->a, PR_TEST + 1);
        ub_puts(u, " else ");
        unparse(u, e->c, PR_TEST);
        if (level > PR_TEST) {
            ub_puts(u, ")");
        }
        return;
    case AST_CALL:
        unparse(u, e->a, PR_ATOM);
        ub_puts(u, "(");
        if (e->list.len == 1 && e->list2.len == 0 && e->list.items[0]->kind == AST_GENEXP) {
            u->bad = true;
            return;
        }
        unparse_list(u, &e->list, PR_TEST);
        for (int i = 0; i < e->list2.len; i++) {
            Ast *k = e->list2.items[i];
            if (i || e->list.len) {
                ub_puts(u, ", ");
            }
            if (k->str) {
                ub_puts(u, k->str);
                ub_puts(u, "=");
            } else {
                ub_puts(u, "**");
            }
            unparse(u, k->a, PR_TEST);
        }
        ub_puts(u, ")");
        return;
    default:
        u->bad = true;
        return;
    }
}

// Pushes annotation [e]: its value, or under `from __future__ import
// annotations` its text, as CPython's unparse gives it (unparse above; for
// the kinds it does not know, the source text with runs of whitespace made
// one space).
static void annotation_value(Compiler *c, Ast *e) {
    if (!c->future_annotations) {
        if (e->kind == AST_STARRED) {
            // `*args: *Ts` (PEP 646): CPython's compiler_visit_argannotation
            // unpacks the one item the value yields (Unpack[Ts])
            compile_expr(c, e->a);
            emit(c, OP_UNPACK_SEQUENCE, 1);
            return;
        }
        compile_expr(c, e);
        return;
    }
    UBuf u = {0};
    unparse(&u, e, PR_TEST);
    if (!u.bad) {
        load_const(c, str_new(u.p ? u.p : "", u.n));
        free(u.p);
        return;
    }
    free(u.p);
    size_t a = src_offset(c->src, c->srclen, e->loc.line, e->loc.col);
    size_t b = src_offset(c->src, c->srclen, e->loc.end_line, e->loc.end_col);
    char *t = malloc(b > a ? b - a + 1 : 1);
    size_t n = 0;
    for (size_t i = a; i < b; i++) {
        char ch = c->src[i];
        if (ch == '\\' && i + 1 < b && c->src[i + 1] == '\n') {
            continue;   // a line continuation
        }
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            if (n && t[n - 1] != ' ') {
                t[n++] = ' ';
            }
            continue;
        }
        t[n++] = ch;
    }
    while (n && t[n - 1] == ' ') {
        n--;
    }
    load_const(c, str_new(t, n));
    free(t);
}

// Pushes `name, annotation` for [arg] if annotated; returns 1 if it did.
static int annotation_pair(Compiler *c, Ast *arg) {
    if (!arg || !arg->b) {
        return 0;
    }
    char buf[512];
    const char *name = mangle(c, arg->str, buf, sizeof buf);
    load_const(c, str_intern(name, strlen(name)));
    annotation_value(c, arg->b);
    return 1;
}

// With the new function on the stack, evaluates its parameter and return
// annotations into f.__annotations__ (as CPython does at def time). Under
// `from __future__ import annotations` they are their source text
// (annotation_value); without the source at hand, __annotations__ stays {}.
static void compile_annotations(Compiler *c, Ast *s) {
    Ast *args = s->a;
    bool any = s->c != NULL;
    for (int i = 0; args && i < args->list.len; i++) {
        any = any || args->list.items[i]->b;
    }
    for (int i = 0; args && i < args->list2.len; i++) {
        any = any || args->list2.items[i]->b;
    }
    any = any || (args && args->a && args->a->b) || (args && args->b && args->b->b);
    if (!any || (c->future_annotations && !annotations_as_text(c))) {
        return;
    }
    emit0(c, OP_DUP_TOP);
    int n = 0;
    for (int i = 0; i < args->list.len; i++) {
        n += annotation_pair(c, args->list.items[i]);
    }
    n += annotation_pair(c, args->a);
    for (int i = 0; i < args->list2.len; i++) {
        n += annotation_pair(c, args->list2.items[i]);
    }
    n += annotation_pair(c, args->b);
    if (s->c) {
        load_const(c, OBJ_VAL(str_intern_c("return")));
        annotation_value(c, s->c);
        n++;
    }
    emit(c, OP_BUILD_MAP, n);
    emit0(c, OP_ROT_TWO);
    emit(c, OP_STORE_ATTR, add_name(c, "__annotations__"));
}

static void compile_funcdef(Compiler *c, Ast *s) {
    compile_decorators(c, &s->list2);
    compile_function_code(c, s, s->a, s->str, false);
    compile_annotations(c, s);
    apply_decorators(c, &s->list2);
    check_debug_name(c, s->str, s->loc, false);
    name_op(c, s->str, CTX_STORE);
}

// True if a class body holds an annotated assignment to a simple name, at
// any depth of if/for/while/try/with blocks (not in nested defs/classes).
static bool has_annotation(AstList *body) {
    for (int i = 0; i < body->len; i++) {
        Ast *s = body->items[i];
        switch (s->kind) {
        case AST_ANNASSIGN:
            if (s->a->kind == AST_NAME) {
                return true;
            }
            break;
        case AST_IF: case AST_WHILE: case AST_FOR:
            if (has_annotation(&s->list) || has_annotation(&s->list2)) {
                return true;
            }
            break;
        case AST_TRY:
            if (has_annotation(&s->list) || has_annotation(&s->list3) || has_annotation(&s->list4)) {
                return true;
            }
            for (int j = 0; j < s->list2.len; j++) {
                if (has_annotation(&s->list2.items[j]->list)) {
                    return true;
                }
            }
            break;
        case AST_WITH:
            if (has_annotation(&s->list2)) {
                return true;
            }
            break;
        case AST_MATCH:
            for (int j = 0; j < s->list.len; j++) {
                if (has_annotation(&s->list.items[j]->list)) {
                    return true;
                }
            }
            break;
        default:
            break;
        }
    }
    return false;
}

static void compile_classdef(Compiler *c, Ast *s) {
    Scope *cs = scope_of(c->root, s);
    compile_decorators(c, &s->list4);
    char *qn = child_qualname(c, s->str);
    push_unit(c, cs, qn);
    Unit *u = c->u;
    u->line = s->loc.line;
    u->flags |= CO_CLASSBODY;
    // __module__ = __name__; __qualname__ = "..."
    emit(c, OP_LOAD_GLOBAL, add_name(c, "__name__"));
    emit(c, OP_STORE_NAME, add_name(c, "__module__"));
    load_const(c, str_from_c(qn));
    emit(c, OP_STORE_NAME, add_name(c, "__qualname__"));
    free(qn);
    AstList *body = &s->list3;
    int start = 0;
    if (is_docstring(body)) {
        if (keep_docstrings()) {
            set_line(c, body->items[0]);    // (its line is traced, as CPython's)
            compile_expr(c, body->items[0]->a);
            emit(c, OP_STORE_NAME, add_name(c, "__doc__"));
        }
        start = 1;
    }
    if (has_annotation(body)) {
        // __annotations__ = {} (filled by AST_ANNASSIGN statements)
        emit(c, OP_BUILD_MAP, 0);
        emit(c, OP_STORE_NAME, add_name(c, "__annotations__"));
    }
    for (int i = start; i < body->len; i++) {
        compile_stmt(c, body->items[i]);
    }
    if (cs->needs_class_cell) {
        u->flags |= CO_NEEDS_CLASS_CELL;
    }
    emit_implicit_return(c, cs->needs_class_cell);
    ObjCode *code = finish_unit(c, s->str, s->loc.line);
    make_closure(c, code, 0);
    load_const(c, str_intern(s->str, strlen(s->str)));
    if (has_starred(&s->list)) {
        build_list_starred(c, &s->list);
        emit0(c, OP_LIST_TO_TUPLE);
    } else {
        for (int i = 0; i < s->list.len; i++) {
            compile_expr(c, s->list.items[i]);
        }
        emit(c, OP_BUILD_TUPLE, s->list.len);
    }
    int flags = 0;
    if (s->list2.len) {
        // class A(**kw, flag=1): the keywords, **mappings merged in order
        // (so a metaclass given through ** is seen, as CPython)
        emit(c, OP_BUILD_MAP, 0);
        int pending = 0;
        for (int i = 0; i < s->list2.len; i++) {
            Ast *k = s->list2.items[i];
            if (k->str) {
                load_const(c, str_intern(k->str, strlen(k->str)));
                compile_expr(c, k->a);
                pending++;
                continue;
            }
            if (pending) {
                emit(c, OP_BUILD_MAP, pending);
                emit(c, OP_DICT_MERGE, 1);
                pending = 0;
            }
            compile_expr(c, k->a);
            emit(c, OP_DICT_MERGE, 1);
        }
        if (pending) {
            emit(c, OP_BUILD_MAP, pending);
            emit(c, OP_DICT_MERGE, 1);
        }
        flags |= 1;
    }
    set_line(c, s);
    emit(c, OP_BUILD_CLASS, flags);
    apply_decorators(c, &s->list4);
    check_debug_name(c, s->str, s->loc, false);
    name_op(c, s->str, CTX_STORE);
}

// ---- assignment targets
static void compile_unpack(Compiler *c, Ast *t) {
    AstList *l = &t->list;
    int star = -1;
    for (int i = 0; i < l->len; i++) {
        if (l->items[i]->kind == AST_STARRED) {
            if (star >= 0) {
                error(c, l->items[i]->loc, "multiple starred expressions in assignment");
            }
            star = i;
        }
    }
    if (star >= 0) {
        int after = l->len - star - 1;
        if (star > 255 || after > 255) {
            error(c, t->loc, "too many expressions in star-unpacking assignment");
        }
        emit(c, OP_UNPACK_EX, star | (after << 8));
    } else {
        emit(c, OP_UNPACK_SEQUENCE, l->len);
    }
    for (int i = 0; i < l->len; i++) {
        Ast *x = l->items[i];
        compile_store(c, x->kind == AST_STARRED ? x->a : x);
    }
}

// Stores TOS into target [t] (ctx CTX_STORE), or deletes [t] (CTX_DEL).
static void compile_target(Compiler *c, Ast *t, AstCtx ctx) {
    bool del = ctx == CTX_DEL;
    set_line(c, t);
    switch (t->kind) {
    case AST_NAME:
        check_debug_name(c, t->str, t->loc, del);
        name_op(c, t->str, ctx);
        break;
    case AST_ATTRIBUTE: {
        if (!del) {
            check_debug_name(c, t->str, t->loc, false);   // (del x.__debug__ compiles)
        }
        compile_expr(c, t->a);
        char buf[512];
        emit(c, del ? OP_DELETE_ATTR : OP_STORE_ATTR, add_name(c, mangle(c, t->str, buf, sizeof buf)));
        break;
    }
    case AST_SUBSCRIPT:
        compile_expr(c, t->a);
        compile_subscript_index(c, t->b);
        emit0(c, del ? OP_DELETE_SUBSCR : OP_STORE_SUBSCR);
        break;
    case AST_TUPLE:
    case AST_LIST:
        if (del) {
            for (int i = 0; i < t->list.len; i++) {
                compile_target(c, t->list.items[i], CTX_DEL);
            }
        } else {
            compile_unpack(c, t);
        }
        break;
    case AST_STARRED:
        if (!del) {
            error(c, t->loc, "starred assignment target must be in a list or tuple");
        }
        // fall through
    default:
        error(c, t->loc, del ? "cannot delete expression" : "cannot assign to expression");
    }
}

static void compile_store(Compiler *c, Ast *t) {
    compile_target(c, t, CTX_STORE);
}

static void compile_delete(Compiler *c, Ast *t) {
    compile_target(c, t, CTX_DEL);
}

// ---- statements
static void compile_body(Compiler *c, AstList *body) {
    for (int i = 0; i < body->len; i++) {
        compile_stmt(c, body->items[i]);
    }
}

static int find_loop(Compiler *c) {
    for (int i = c->u->nfb - 1; i >= 0; i--) {
        int k = c->u->fb[i].kind;
        if (k == FB_WHILE || k == FB_FOR || k == FB_ASYNC_FOR) {
            return i;
        }
    }
    return -1;
}

// The except* handlers of a try: [orig] is on the stack. Each handler
// takes the part of what is left that matches its type (CHECK_EG_MATCH);
// what handlers raise is collected in a list together with the unmatched
// rest, and PREP_RERAISE_STAR makes the one exception to raise, if any.
static void compile_star_handlers(Compiler *c, Ast *s, int after, int d0) {
    emit0(c, OP_PUSH_EXC_INFO);     // [prev, orig]
    emit0(c, OP_DUP_TOP);
    emit(c, OP_BUILD_LIST, 0);
    emit0(c, OP_ROT_TWO);           // [prev, orig, raised, rest]
    for (int i = 0; i < s->list2.len; i++) {
        Ast *h = s->list2.items[i];
        set_line(c, h);
        int nomatch = new_label(c), next = new_label(c), cleanup = new_label(c);
        compile_expr(c, h->a);
        emit0(c, OP_CHECK_EG_MATCH);    // [prev, orig, raised, rest, match]
        emit0(c, OP_DUP_TOP);
        load_const(c, VAL_NONE);
        emit(c, OP_COMPARE_OP, CMP_IS);
        emit(c, OP_POP_JUMP_IF_TRUE, nomatch);
        if (h->str) {
            check_debug_name(c, h->str, h->loc, false);
            name_op(c, h->str, CTX_STORE);
        } else {
            emit0(c, OP_POP_TOP);
        }
        emit(c, OP_SETUP_FINALLY, cleanup);
        push_fb(c, FB_STAR_HANDLER, -1, -1, NULL, h->str);
        compile_body(c, &h->list);
        pop_fb(c);
        emit0(c, OP_POP_BLOCK);
        clear_handler_name(c, h->str);
        emit(c, OP_JUMP, next);
        // the handler raised: [prev, orig, raised, rest, newexc]
        set_label(c, cleanup);
        c->u->depth = d0 + 5;
        clear_handler_name(c, h->str);
        emit(c, OP_LIST_APPEND, 2);
        emit(c, OP_JUMP, next);
        set_label(c, nomatch);
        c->u->depth = d0 + 5;
        emit0(c, OP_POP_TOP);
        set_label(c, next);
        c->u->depth = d0 + 4;
    }
    emit(c, OP_LIST_APPEND, 1);     // [prev, orig, raised + [rest]]
    emit0(c, OP_PREP_RERAISE_STAR); // [prev, exc or None]
    int reraise = new_label(c);
    emit0(c, OP_DUP_TOP);
    load_const(c, VAL_NONE);
    emit(c, OP_COMPARE_OP, CMP_IS);
    emit(c, OP_POP_JUMP_IF_FALSE, reraise);
    emit0(c, OP_POP_TOP);
    emit0(c, OP_POP_EXCEPT);
    emit(c, OP_JUMP, after);
    set_label(c, reraise);
    c->u->depth = d0 + 2;
    emit0(c, OP_RERAISE);
}

// break and continue (up to their loop, [loop_only]) and return may not
// leave an except* handler.
static void check_not_in_star(Compiler *c, SrcLoc loc, bool loop_only) {
    for (int i = c->u->nfb - 1; i >= 0; i--) {
        int k = c->u->fb[i].kind;
        if (loop_only && (k == FB_WHILE || k == FB_FOR || k == FB_ASYNC_FOR)) {
            return;
        }
        if (k == FB_STAR_HANDLER) {
            error(c, loc, "'break', 'continue' and 'return' cannot appear in an except* block");
        }
    }
}

static void compile_try(Compiler *c, Ast *s) {
    bool has_finally = s->list4.len > 0;
    bool has_except = s->list2.len > 0;
    int fin_handler = new_label(c), end = new_label(c);
    int d0 = c->u->depth;
    if (has_finally) {
        emit(c, OP_SETUP_FINALLY, fin_handler);
        push_fb(c, FB_TRY_FINALLY, -1, -1, s, NULL);
    }
    if (has_except) {
        int handler = new_label(c), after = new_label(c);
        emit(c, OP_SETUP_FINALLY, handler);
        push_fb(c, FB_TRY_EXCEPT, -1, -1, NULL, NULL);
        compile_body(c, &s->list);
        pop_fb(c);
        emit_no_line(c, OP_POP_BLOCK, 0);
        compile_body(c, &s->list3);
        emit_no_line(c, OP_JUMP, after);
        // handler: [exc]
        set_label(c, handler);
        c->u->depth = d0 + 1;
        if (s->list2.items[0]->flag) {
            compile_star_handlers(c, s, after, d0);
            set_label(c, after);
            c->u->depth = d0;
            goto finally;
        }
        emit_no_line(c, OP_PUSH_EXC_INFO, 0);   // [prev, exc]
        for (int i = 0; i < s->list2.len; i++) {
            Ast *h = s->list2.items[i];
            set_line(c, h);
            int next = new_label(c);
            if (h->a) {
                emit0(c, OP_DUP_TOP);
                compile_expr(c, h->a);
                emit0(c, OP_CHECK_EXC_MATCH);
                emit(c, OP_POP_JUMP_IF_FALSE, next);
            } else if (i != s->list2.len - 1) {
                error(c, h->loc, "default 'except:' must be last");
            }
            if (h->str) {
                check_debug_name(c, h->str, h->loc, false);
                name_op(c, h->str, CTX_STORE);  // [prev]
            } else {
                emit0(c, OP_POP_TOP);
            }
            int cleanup = new_label(c);
            emit(c, OP_SETUP_FINALLY, cleanup);
            push_fb(c, FB_HANDLER, -1, -1, NULL, h->str);
            compile_body(c, &h->list);
            pop_fb(c);
            // leaving the handler: no line of its own (CPython's artificial cleanup)
            c->u->line = NO_LINE;
            c->u->span = SPAN_UNKNOWN;
            emit0(c, OP_POP_BLOCK);
            emit0(c, OP_POP_EXCEPT);
            clear_handler_name(c, h->str);
            emit(c, OP_JUMP, after);
            // cleanup: [prev, newexc]
            set_label(c, cleanup);
            c->u->depth = d0 + 2;
            clear_handler_name(c, h->str);
            emit0(c, OP_RERAISE);
            set_line(c, h);
            set_label(c, next);
            c->u->depth = d0 + 2;
        }
        // no clause matched: [prev, exc]
        emit0(c, OP_RERAISE);
        set_label(c, after);
        c->u->depth = d0;
    } else {
        compile_body(c, &s->list);
    }
finally:
    if (has_finally) {
        pop_fb(c);
        emit_no_line(c, OP_POP_BLOCK, 0);
        compile_body(c, &s->list4);
        emit_no_line(c, OP_JUMP, end);
        set_label(c, fin_handler);
        c->u->depth = d0 + 1;
        emit_no_line(c, OP_PUSH_EXC_INFO, 0);     // [prev, exc]
        int cleanup = new_label(c);
        emit_no_line(c, OP_SETUP_FINALLY, cleanup);
        push_fb(c, FB_FINALLY_END, -1, -1, NULL, NULL);
        compile_body(c, &s->list4);
        pop_fb(c);
        emit0(c, OP_POP_BLOCK);
        emit0(c, OP_RERAISE);
        set_label(c, cleanup);          // [prev, exc, newexc]
        c->u->depth = d0 + 3;
        emit0(c, OP_ROT_TWO);
        emit0(c, OP_POP_TOP);
        emit0(c, OP_RERAISE);
        set_label(c, end);
        c->u->depth = d0;
    }
}

static void compile_with_items(Compiler *c, Ast *s, int item) {
    Ast *it = s->list.items[item];
    bool is_async = s->flag != 0;
    int d0 = c->u->depth;
    set_line(c, it);
    compile_expr(c, it->a);
    set_line(c, s);
    if (is_async) {
        emit0(c, OP_BEFORE_ASYNC_WITH);  // [aexit, awaitable]
        emit(c, OP_GET_AWAITABLE, 1);
        compile_await_loop(c);
    } else {
        emit0(c, OP_BEFORE_WITH);        // [exit, entered]
    }
    int handler = new_label(c), end = new_label(c);
    if (it->b) {
        compile_store(c, it->b);
    } else {
        emit0(c, OP_POP_TOP);
    }
    emit(c, OP_SETUP_FINALLY, handler);
    push_fb(c, is_async ? FB_ASYNC_WITH : FB_WITH, -1, -1, s, NULL);
    if (item + 1 < s->list.len) {
        compile_with_items(c, s, item + 1);
    } else {
        compile_body(c, &s->list2);
    }
    pop_fb(c);
    // normal exit
    set_line(c, s);
    emit0(c, OP_POP_BLOCK);
    emit0(c, OP_WITH_EXIT);
    if (is_async) {
        emit(c, OP_GET_AWAITABLE, 2);
        compile_await_loop(c);
    }
    emit0(c, OP_POP_TOP);
    emit(c, OP_JUMP, end);
    // exceptional exit: [exit, exc]
    set_label(c, handler);
    c->u->depth = d0 + 2;
    emit0(c, OP_PUSH_EXC_INFO);          // [exit, prev, exc]
    int cleanup = new_label(c), suppress = new_label(c);
    emit(c, OP_SETUP_FINALLY, cleanup);
    emit0(c, OP_WITH_EXCEPT_START);      // [exit, prev, exc, res]
    if (is_async) {
        emit(c, OP_GET_AWAITABLE, 2);
        compile_await_loop(c);
    }
    emit(c, OP_POP_JUMP_IF_TRUE, suppress);
    emit0(c, OP_POP_BLOCK);
    emit0(c, OP_RERAISE);                // [exit]
    set_label(c, suppress);
    c->u->depth = d0 + 3;
    emit0(c, OP_POP_BLOCK);
    emit0(c, OP_POP_TOP);                // [exit, prev]
    emit0(c, OP_POP_EXCEPT);             // [exit]
    emit0(c, OP_POP_TOP);
    emit(c, OP_JUMP, end);
    set_label(c, cleanup);               // [exit, prev, exc, newexc]
    c->u->depth = d0 + 4;
    emit0(c, OP_ROT_TWO);
    emit0(c, OP_POP_TOP);
    emit0(c, OP_RERAISE);
    set_label(c, end);
    c->u->depth = d0;
}

static void compile_for(Compiler *c, Ast *s) {
    bool is_async = s->flag != 0;
    int start = new_label(c), exit = new_label(c), orelse = new_label(c);
    compile_iterable(c, s->b);
    set_line(c, s);
    int d0 = c->u->depth;   // iterator on the stack
    if (is_async) {
        emit0(c, OP_GET_AITER);
        int stop = new_label(c);
        set_label(c, start);
        emit(c, OP_SETUP_FINALLY, stop);
        emit0(c, OP_GET_ANEXT);
        emit(c, OP_GET_AWAITABLE, 0);
        compile_await_loop(c);
        emit0(c, OP_POP_BLOCK);
        compile_store(c, s->a);
        push_fb(c, FB_ASYNC_FOR, start, exit, NULL, NULL);
        compile_body(c, &s->list);
        pop_fb(c);
        emit(c, OP_JUMP, start);
        set_label(c, stop);                 // [aiter, exc]
        c->u->depth = d0 + 1;
        emit0(c, OP_END_ASYNC_FOR);
        c->u->depth = d0 - 1;
    } else {
        bool fresh = s->b->kind == AST_CALL || s->b->kind == AST_GENEXP;
        emit(c, OP_GET_ITER, fresh);
        set_label(c, start);
        emit(c, OP_FOR_ITER, orelse);
        compile_store(c, s->a);
        push_fb(c, FB_FOR, start, exit, NULL, NULL);
        c->u->fb[c->u->nfb - 1].close_iter = fresh;
        compile_body(c, &s->list);
        pop_fb(c);
        emit_no_line(c, OP_JUMP, start);
        set_label(c, orelse);
        c->u->depth = d0 - 1;
    }
    compile_body(c, &s->list2);
    set_label(c, exit);
}

// The level and fromlist operands of IMPORT_NAME, as CPython pushes them:
// level as an int, fromlist None (import a.b) or a tuple of names.
static void emit_import_operands(Compiler *c, int level, Ast *s) {
    emit(c, OP_LOAD_CONST, add_const(c, MK_SMALL(level)));
    if (!s) {
        emit(c, OP_LOAD_CONST, add_const(c, VAL_NONE));
        return;
    }
    Value t = tuple_new((size_t)s->list.len);
    gc_push_root(t);
    for (int i = 0; i < s->list.len; i++) {
        const char *n = s->list.items[i]->str;
        AS_TUPLE(t)->items[i] = str_intern(n, strlen(n));
    }
    int k = add_const(c, t);
    gc_pop_root(1);
    emit(c, OP_LOAD_CONST, k);
}

static void compile_import(Compiler *c, Ast *s) {
    for (int i = 0; i < s->list.len; i++) {
        Ast *al = s->list.items[i];
        emit_import_operands(c, 0, NULL);
        emit(c, OP_IMPORT_NAME, add_name(c, al->str));
        char buf[256];
        snprintf(buf, sizeof buf, "%s", al->str);
        char *dot = strchr(buf, '.');
        if (al->str2) {
            // import a.b.c as x: IMPORT_NAME gives a; walk down to c as
            // CPython does (IMPORT_FROM falls back on sys.modules)
            while (dot) {
                char *part = dot + 1;
                dot = strchr(part, '.');
                if (dot) {
                    *dot = 0;
                }
                emit(c, OP_IMPORT_FROM, add_name(c, part));
                emit0(c, OP_ROT_TWO);
                emit0(c, OP_POP_TOP);
            }
            check_debug_name(c, al->str2, s->loc, false);
            name_op(c, al->str2, CTX_STORE);
        } else {
            if (dot) {
                *dot = 0;   // import a.b binds a (what IMPORT_NAME gives)
            }
            name_op(c, buf, CTX_STORE);
        }
    }
}

static void compile_import_from(Compiler *c, Ast *s) {
    const char *mod = s->str ? s->str : "";
    emit_import_operands(c, s->op, s);
    emit(c, OP_IMPORT_NAME, add_name(c, mod));
    for (int i = 0; i < s->list.len; i++) {
        Ast *al = s->list.items[i];
        if (strcmp(al->str, "*") == 0) {
            if (c->u->scope->kind != SCOPE_MODULE) {
                error(c, s->loc, "import * only allowed at module level");
            }
            emit0(c, OP_IMPORT_STAR);
            return;
        }
        emit(c, OP_IMPORT_FROM, add_name(c, al->str));
        check_debug_name(c, al->str2 ? al->str2 : al->str, s->loc, false);
        name_op(c, al->str2 ? al->str2 : al->str, CTX_STORE);
    }
    emit0(c, OP_POP_TOP);
}

// ---- match statements (PEP 634), compiled as CPython 3.11 does. A pattern
// consumes its subject from the top of the stack. Captured values are not
// stored at once: each is rotated under the [on_top] items still needed,
// and the names are bound only when the whole case has matched. A failed
// test jumps to fail_pop[n], which pops the n items above the case's base.
#define MAX_FAIL_POP 128

typedef struct PatCtx {
    const char *stores[MAX_FAIL_POP];
    int nstores;
    bool allow_irrefutable;
    int fail_pop[MAX_FAIL_POP];
    int nfail;          // fail_pop labels made so far
    int on_top;         // items above the subject that must survive
    int base;           // stack depth at fail_pop[0]
} PatCtx;

static void compile_pattern(Compiler *c, Ast *p, PatCtx *pc);

static void pat_start(Compiler *c, PatCtx *pc, bool allow_irrefutable) {
    pc->nstores = 0;
    pc->allow_irrefutable = allow_irrefutable;
    pc->nfail = 0;
    pc->on_top = 0;
    pc->base = c->u->depth - 1;
}

static void ensure_fail_pop(Compiler *c, PatCtx *pc, int n, SrcLoc loc) {
    if (n >= MAX_FAIL_POP) {
        error(c, loc, "too many sub-patterns in pattern");
    }
    while (pc->nfail <= n) {
        pc->fail_pop[pc->nfail++] = new_label(c);
    }
}

// Emits [op] to the fail_pop label that pops what is on the stack now.
static void jump_to_fail_pop(Compiler *c, PatCtx *pc, int op, SrcLoc loc) {
    int pops = pc->on_top + pc->nstores;
    ensure_fail_pop(c, pc, pops, loc);
    emit(c, op, pc->fail_pop[pops]);
}

static void emit_fail_pop(Compiler *c, PatCtx *pc) {
    if (pc->nfail == 0) {
        return;
    }
    for (int i = pc->nfail - 1; i > 0; i--) {
        set_label(c, pc->fail_pop[i]);
        c->u->depth = pc->base + i;
        emit0(c, OP_POP_TOP);
    }
    set_label(c, pc->fail_pop[0]);
    c->u->depth = pc->base;
    pc->nfail = 0;
}

// Moves the top of the stack [count] items down (SWAP count, ..., SWAP 2).
static void rotate(Compiler *c, int count) {
    while (count > 1) {
        emit(c, OP_SWAP, count--);
    }
}

static bool pat_stored(PatCtx *pc, const char *name) {
    for (int i = 0; i < pc->nstores; i++) {
        if (strcmp(pc->stores[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static void duplicate_store(Compiler *c, SrcLoc loc, const char *name) {
    char msg[300];
    snprintf(msg, sizeof msg, "multiple assignments to name '%s' in pattern", name);
    error(c, loc, msg);
}

// Captures the top of the stack as [name] (NULL: the wildcard pops it).
static void store_name(Compiler *c, PatCtx *pc, const char *name, SrcLoc loc) {
    if (name == NULL) {
        emit0(c, OP_POP_TOP);
        return;
    }
    if (strcmp(name, "__debug__") == 0) {
        error(c, loc, "cannot assign to __debug__");
    }
    if (pat_stored(pc, name)) {
        duplicate_store(c, loc, name);
    }
    if (pc->nstores >= MAX_FAIL_POP - 1) {
        error(c, loc, "too many sub-patterns in pattern");
    }
    rotate(c, pc->on_top + pc->nstores + 1);
    pc->stores[pc->nstores++] = name;
}

static bool is_wildcard(const Ast *p) {
    return p->kind == AST_PAT_AS && p->a == NULL && p->str == NULL;
}

static void compile_subpattern(Compiler *c, Ast *p, PatCtx *pc) {
    bool allow = pc->allow_irrefutable;
    pc->allow_irrefutable = true;
    compile_pattern(c, p, pc);
    pc->allow_irrefutable = allow;
}

// The value of a literal pattern (numbers, -numbers, complex sums, strings,
// None/True/False), folded at compile time; VAL_NULL for a dotted name.
static Value pattern_const(Compiler *c, Ast *e) {
    switch (e->kind) {
    case AST_CONST_NONE: return VAL_NONE;
    case AST_CONST_TRUE: return VAL_TRUE;
    case AST_CONST_FALSE: return VAL_FALSE;
    case AST_UNARYOP: {
        Value v = pattern_const(c, e->a);
        return v ? obj_unop(v, e->op) : VAL_NULL;
    }
    case AST_BINOP: {
        Value a = pattern_const(c, e->a), b = pattern_const(c, e->b);
        return a && b ? obj_binop(a, b, e->op) : VAL_NULL;
    }
    default:
        return const_of_literal(c, e);
    }
}

static void load_pattern_value(Compiler *c, Ast *e) {
    Value v = pattern_const(c, e);
    if (v) {
        load_const(c, v);
    } else {
        compile_expr(c, e);
    }
}

static void pattern_sequence(Compiler *c, Ast *p, PatCtx *pc) {
    int size = p->list.len, star = -1;
    bool only_wildcard = true, star_wildcard = false;
    for (int i = 0; i < size; i++) {
        Ast *q = p->list.items[i];
        if (q->kind == AST_PAT_STAR) {
            if (star >= 0) {
                error(c, p->loc, "multiple starred names in sequence pattern");
            }
            star_wildcard = q->str == NULL;
            only_wildcard &= star_wildcard;
            star = i;
            continue;
        }
        only_wildcard &= is_wildcard(q);
    }
    pc->on_top++;
    emit0(c, OP_MATCH_SEQUENCE);
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE, p->loc);
    if (star < 0 || size > 1) {
        // len(subject) == size, or >= size - 1 with a star
        emit0(c, OP_GET_LEN);
        load_const(c, MK_SMALL(star < 0 ? size : size - 1));
        emit(c, OP_COMPARE_OP, star < 0 ? CMP_EQ : CMP_GE);
        jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE, p->loc);
    }
    pc->on_top--;
    if (only_wildcard) {
        emit0(c, OP_POP_TOP);
    } else if (star_wildcard) {
        // [a, *_, b]: subscripts, without building the middle
        pc->on_top++;
        for (int i = 0; i < size; i++) {
            Ast *q = p->list.items[i];
            if (i == star || is_wildcard(q)) {
                continue;
            }
            emit(c, OP_COPY, 1);
            if (i < star) {
                load_const(c, MK_SMALL(i));
            } else {
                emit0(c, OP_GET_LEN);
                load_const(c, MK_SMALL(size - i));
                emit(c, OP_BINARY_OP, BIN_SUB);
            }
            emit0(c, OP_BINARY_SUBSCR);
            compile_subpattern(c, q, pc);
        }
        pc->on_top--;
        emit0(c, OP_POP_TOP);
    } else {
        if (star >= 0) {
            if (star >= 256 || size - star - 1 >= 256) {
                error(c, p->loc, "too many expressions in star-unpacking sequence pattern");
            }
            emit(c, OP_UNPACK_EX, star | (size - star - 1) << 8);
        } else {
            emit(c, OP_UNPACK_SEQUENCE, size);
        }
        pc->on_top += size;
        for (int i = 0; i < size; i++) {
            pc->on_top--;
            compile_subpattern(c, p->list.items[i], pc);
        }
    }
}

static void pattern_mapping(Compiler *c, Ast *p, PatCtx *pc) {
    int size = p->list.len;
    pc->on_top++;
    emit0(c, OP_MATCH_MAPPING);
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE, p->loc);
    if (size == 0 && p->str == NULL) {
        pc->on_top--;
        emit0(c, OP_POP_TOP);
        return;
    }
    if (size) {
        emit0(c, OP_GET_LEN);
        load_const(c, MK_SMALL(size));
        emit(c, OP_COMPARE_OP, CMP_GE);
        jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE, p->loc);
    }
    ObjDict *seen = AS_DICT(dict_new());
    for (int i = 0; i < size; i++) {
        Ast *key = p->list.items[i];
        Value v = pattern_const(c, key);
        if (v) {
            Value dummy;
            if (dict_get(seen, v, &dummy) == 1) {
                Value r = obj_repr(v);
                char msg[300];
                snprintf(msg, sizeof msg, "mapping pattern checks duplicate key (%s)", r ? AS_STR(r)->data : "?");
                exc_clear();
                error(c, p->loc, msg);
            }
            dict_set(seen, v, VAL_TRUE);
            load_const(c, v);
        } else {
            compile_expr(c, key);
        }
    }
    emit(c, OP_BUILD_TUPLE, size);
    emit0(c, OP_MATCH_KEYS);
    // the keys and a tuple of their values (or None) on the subject
    pc->on_top += 2;
    emit(c, OP_COPY, 1);
    load_const(c, VAL_NONE);
    emit(c, OP_COMPARE_OP, CMP_IS_NOT);
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE, p->loc);
    emit(c, OP_UNPACK_SEQUENCE, size);
    pc->on_top += size - 1;
    for (int i = 0; i < size; i++) {
        pc->on_top--;
        compile_subpattern(c, p->list2.items[i], pc);
    }
    pc->on_top -= 2;
    if (p->str) {
        // rest = dict(subject); del rest[key] for each key
        emit(c, OP_BUILD_MAP, 0);
        emit(c, OP_SWAP, 3);
        emit(c, OP_DICT_UPDATE, 2);
        emit(c, OP_UNPACK_SEQUENCE, size);
        for (int n = size; n > 0; n--) {
            emit(c, OP_COPY, 1 + n);
            emit(c, OP_SWAP, 2);
            emit0(c, OP_DELETE_SUBSCR);
        }
        store_name(c, pc, p->str, p->loc);
    } else {
        emit0(c, OP_POP_TOP);
        emit0(c, OP_POP_TOP);
    }
}

static void pattern_class(Compiler *c, Ast *p, PatCtx *pc) {
    int nargs = p->list.len, nattrs = p->list2.len;
    compile_expr(c, p->a);
    Value names = tuple_new((size_t)nattrs);
    for (int i = 0; i < nattrs; i++) {
        const char *a = p->list2.items[i]->str;
        if (strcmp(a, "__debug__") == 0) {
            error(c, p->list2.items[i]->loc, "cannot assign to __debug__");
        }
        AS_TUPLE(names)->items[i] = str_intern(a, strlen(a));
    }
    load_const(c, names);
    set_line(c, p);
    emit(c, OP_MATCH_CLASS, nargs);
    emit(c, OP_COPY, 1);
    load_const(c, VAL_NONE);
    emit(c, OP_COMPARE_OP, CMP_IS_NOT);
    pc->on_top++;
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE, p->loc);
    emit(c, OP_UNPACK_SEQUENCE, nargs + nattrs);
    pc->on_top += nargs + nattrs - 1;
    for (int i = 0; i < nargs + nattrs; i++) {
        pc->on_top--;
        Ast *q = i < nargs ? p->list.items[i] : p->list2.items[i - nargs]->a;
        if (is_wildcard(q)) {
            emit0(c, OP_POP_TOP);
        } else {
            compile_subpattern(c, q, pc);
        }
    }
}

// Moves alt->stores[0..is] to start at [ic] (the names captured by an
// alternative in another order than the first one's), and the stack with it.
static void reorder_stores(Compiler *c, PatCtx *alt, int is, int ic) {
    int rotations = is + 1;
    const char *moved[MAX_FAIL_POP];
    memcpy(moved, alt->stores, sizeof(char *) * (size_t)rotations);
    memmove(alt->stores, alt->stores + rotations, sizeof(char *) * (size_t)(alt->nstores - rotations));
    int at = ic - is;
    memmove(alt->stores + at + rotations, alt->stores + at, sizeof(char *) * (size_t)(alt->nstores - rotations - at));
    memcpy(alt->stores + at, moved, sizeof(char *) * (size_t)rotations);
    while (rotations--) {
        rotate(c, ic + 1);
    }
}

static void pattern_or(Compiler *c, Ast *p, PatCtx *pc) {
    int end = new_label(c);
    PatCtx alt;
    const char *control[MAX_FAIL_POP];
    int ncontrol = 0, d_end = 0;
    for (int i = 0; i < p->list.len; i++) {
        Ast *q = p->list.items[i];
        emit(c, OP_COPY, 1);
        pat_start(c, &alt, i == p->list.len - 1 && pc->allow_irrefutable);
        compile_pattern(c, q, &alt);
        if (i == 0) {
            ncontrol = alt.nstores;
            memcpy(control, alt.stores, sizeof(char *) * (size_t)ncontrol);
        } else if (alt.nstores != ncontrol) {
            error(c, c->pat_loc, "alternative patterns bind different names");
        } else {
            // the same names, maybe captured in another order
            for (int ic = ncontrol - 1; ic >= 0; ic--) {
                int is = -1;
                for (int k = 0; k < alt.nstores; k++) {
                    if (strcmp(alt.stores[k], control[ic]) == 0) {
                        is = k;
                    }
                }
                if (is < 0) {
                    error(c, c->pat_loc, "alternative patterns bind different names");
                }
                if (is != ic) {
                    reorder_stores(c, &alt, is, ic);
                }
            }
        }
        d_end = c->u->depth;
        emit(c, OP_JUMP, end);
        emit_fail_pop(c, &alt);
    }
    // no alternative matched: pop the subject and fail
    emit0(c, OP_POP_TOP);
    jump_to_fail_pop(c, pc, OP_JUMP, p->loc);
    set_label(c, end);
    c->u->depth = d_end;
    int nrots = ncontrol + 1 + pc->on_top + pc->nstores;
    for (int i = 0; i < ncontrol; i++) {
        rotate(c, nrots);
        if (pat_stored(pc, control[i])) {
            duplicate_store(c, p->loc, control[i]);
        }
        if (pc->nstores >= MAX_FAIL_POP - 1) {
            error(c, p->loc, "too many sub-patterns in pattern");
        }
        pc->stores[pc->nstores++] = control[i];
    }
    emit0(c, OP_POP_TOP);
}

static void compile_pattern(Compiler *c, Ast *p, PatCtx *pc) {
    set_line(c, p);
    c->pat_loc = p->loc;
    switch (p->kind) {
    case AST_PAT_VALUE:
        load_pattern_value(c, p->a);
        emit(c, OP_COMPARE_OP, CMP_EQ);
        jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE, p->loc);
        break;
    case AST_PAT_SINGLETON:
        load_pattern_value(c, p->a);
        emit(c, OP_COMPARE_OP, CMP_IS);
        jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE, p->loc);
        break;
    case AST_PAT_AS:
        if (p->a == NULL) {
            if (!pc->allow_irrefutable) {
                char msg[300];
                if (p->str) {
                    snprintf(msg, sizeof msg, "name capture '%s' makes remaining patterns unreachable", p->str);
                } else {
                    snprintf(msg, sizeof msg, "wildcard makes remaining patterns unreachable");
                }
                error(c, p->loc, msg);
            }
            store_name(c, pc, p->str, p->loc);
            break;
        }
        pc->on_top++;
        emit(c, OP_COPY, 1);
        compile_pattern(c, p->a, pc);
        pc->on_top--;
        store_name(c, pc, p->str, p->loc);
        break;
    case AST_PAT_STAR:
        store_name(c, pc, p->str, p->loc);
        break;
    case AST_PAT_SEQUENCE:
        pattern_sequence(c, p, pc);
        break;
    case AST_PAT_MAPPING:
        pattern_mapping(c, p, pc);
        break;
    case AST_PAT_CLASS:
        pattern_class(c, p, pc);
        break;
    case AST_PAT_OR:
        pattern_or(c, p, pc);
        break;
    default:
        error(c, p->loc, "invalid pattern");
    }
}

static void compile_match(Compiler *c, Ast *s) {
    compile_expr(c, s->a);
    int end = new_label(c);
    int d0 = c->u->depth - 1;     // the depth without the subject
    int ncases = s->list.len;
    Ast *last = s->list.items[ncases - 1];
    bool has_default = ncases > 1 && is_wildcard(last->a);
    PatCtx ctx, *pc = &ctx;
    for (int i = 0; i < ncases - has_default; i++) {
        Ast *m = s->list.items[i];
        set_line(c, m->a);
        bool keep = i != ncases - has_default - 1;      // the subject for the next case
        if (keep) {
            emit(c, OP_COPY, 1);
        }
        pat_start(c, pc, m->b != NULL || i == ncases - 1);
        compile_pattern(c, m->a, pc);
        for (int n = 0; n < pc->nstores; n++) {
            name_op(c, pc->stores[n], CTX_STORE);
        }
        if (m->b) {
            ensure_fail_pop(c, pc, 0, m->loc);
            compile_jump_if(c, m->b, false, pc->fail_pop[0]);
        }
        if (keep) {
            emit0(c, OP_POP_TOP);
        }
        compile_body(c, &m->list);
        emit(c, OP_JUMP, end);
        set_line(c, m->a);
        emit_fail_pop(c, pc);
    }
    if (has_default) {
        set_line(c, last->a);
        emit0(c, OP_NOP);
        if (last->b) {
            compile_jump_if(c, last->b, false, end);
        }
        compile_body(c, &last->list);
    }
    set_label(c, end);
    c->u->depth = d0;
}

static void compile_stmt(Compiler *c, Ast *s) {
    set_line(c, s);
    Unit *u = c->u;
    switch (s->kind) {
    case AST_EXPR_STMT:
        if (c->interactive && (s->flag || (u->flags & CO_MODULE))) {
            // the REPL echoes expression statements anywhere in its input's
            // own code (inside if/for/while/try/with too), not in functions
            compile_expr(c, s->a);
            emit0(c, OP_PRINT_EXPR);
        } else if (s->a->kind == AST_CONST_STR || s->a->kind == AST_CONST_INT ||
                   s->a->kind == AST_CONST_BYTES) {
            // a bare constant (docstring): nothing to run but its line
            emit0(c, OP_NOP);
        } else {
            compile_expr(c, s->a);
            emit0(c, OP_POP_TOP);
        }
        break;
    case AST_ASSIGN:
        if (scope_is_concat_assign(s)) {
            int local = concat_local(c, s->list.items[0]->str);
            if (local >= 0) {
                compile_concat(c, local, s->a->a, s->a->b, s->a, false);
                break;
            }
        }
        if (s->list.len == 1 && is_swap_assign(s->list.items[0], s->a)) {
            // a, b = b, a (two or three items on each side, as CPython):
            // the values, reversed by one SWAP, stored left to right
            // without a tuple
            AstList *vals = &s->a->list, *tgts = &s->list.items[0]->list;
            for (int i = 0; i < vals->len; i++) {
                compile_expr(c, vals->items[i]);
            }
            set_line(c, s);
            emit(c, OP_SWAP, vals->len);
            for (int i = 0; i < tgts->len; i++) {
                compile_store(c, tgts->items[i]);
            }
            break;
        }
        compile_expr(c, s->a);
        for (int i = 0; i < s->list.len; i++) {
            if (i < s->list.len - 1) {
                emit0(c, OP_DUP_TOP);
            }
            compile_store(c, s->list.items[i]);
        }
        break;
    case AST_AUGASSIGN: {
        Ast *t = s->a;
        int op = s->op + BINOP_INPLACE;
        int local = t->kind == AST_NAME && s->op == BIN_ADD ? concat_local(c, t->str) : -1;
        if (local >= 0) {
            compile_concat(c, local, t, s->b, s, true);
        } else if (t->kind == AST_NAME) {
            name_op(c, t->str, CTX_LOAD);
            compile_expr(c, s->b);
            set_line(c, s);
            emit(c, OP_BINARY_OP, op);
            check_debug_name(c, t->str, t->loc, false);
            name_op(c, t->str, CTX_STORE);
        } else if (t->kind == AST_ATTRIBUTE) {
            char buf[512];
            int name = add_name(c, mangle(c, t->str, buf, sizeof buf));
            compile_expr(c, t->a);
            emit0(c, OP_DUP_TOP);
            emit(c, OP_LOAD_ATTR, name);
            compile_expr(c, s->b);
            set_line(c, s);
            emit(c, OP_BINARY_OP, op);
            emit0(c, OP_ROT_TWO);
            emit(c, OP_STORE_ATTR, name);
        } else if (t->kind == AST_SUBSCRIPT) {
            compile_expr(c, t->a);
            compile_subscript_index(c, t->b);
            emit0(c, OP_DUP_TOP_TWO);
            emit0(c, OP_BINARY_SUBSCR);
            compile_expr(c, s->b);
            set_line(c, s);
            emit(c, OP_BINARY_OP, op);
            emit0(c, OP_ROT_THREE);
            emit0(c, OP_STORE_SUBSCR);
        } else {
            error(c, t->loc, "illegal expression for augmented assignment");
        }
        break;
    }
    case AST_ANNASSIGN:
        if (s->c) {
            compile_expr(c, s->c);
            compile_store(c, s->a);
        }
        // Class bodies record `name: T` as __annotations__['name'] = T (as
        // CPython does; dataclasses reads it). compile_classdef created the
        // dict. Elsewhere annotations are not evaluated.
        if (c->u->scope->kind == SCOPE_CLASS && s->a->kind == AST_NAME &&
            (!c->future_annotations || annotations_as_text(c))) {
            char buf[512];
            const char *name = mangle(c, s->a->str, buf, sizeof buf);
            annotation_value(c, s->b);
            emit(c, OP_LOAD_NAME, add_name(c, "__annotations__"));
            load_const(c, str_intern(name, strlen(name)));
            emit0(c, OP_STORE_SUBSCR);
        } else if (c->u->scope->kind == SCOPE_MODULE && s->a->kind == AST_NAME && !c->interactive &&
                   (!c->future_annotations || annotations_as_text(c))) {
            // the module's too
            annotation_value(c, s->b);
            name_op(c, "__annotations__", CTX_LOAD);
            load_const(c, str_intern(s->a->str, strlen(s->a->str)));
            emit0(c, OP_STORE_SUBSCR);
        }
        break;
    case AST_DEL:
        for (int i = 0; i < s->list.len; i++) {
            compile_delete(c, s->list.items[i]);
        }
        break;
    case AST_PASS:
        emit0(c, OP_NOP);   // its line is traced, as CPython's
        break;
    case AST_BREAK: {
        check_not_in_star(c, s->loc, true);
        int loop = find_loop(c);
        if (loop < 0) {
            error(c, s->loc, "'break' outside loop");
        }
        nop_before_with_exit(c, loop + 1);
        unwind_to(c, loop + 1, false);
        FBlock *fb = &u->fb[loop];
        if (fb->kind == FB_FOR || fb->kind == FB_ASYNC_FOR) {
            emit0(c, fb->close_iter ? OP_CLOSE_ITER : OP_POP_TOP);
            u->depth++;
        }
        emit(c, OP_JUMP, fb->exit);
        break;
    }
    case AST_CONTINUE: {
        check_not_in_star(c, s->loc, true);
        int loop = find_loop(c);
        if (loop < 0) {
            error(c, s->loc, "'continue' not properly in loop");
        }
        nop_before_with_exit(c, loop + 1);
        unwind_to(c, loop + 1, false);
        emit(c, OP_JUMP, u->fb[loop].start);
        break;
    }
    case AST_RETURN:
        check_not_in_star(c, s->a ? s->a->loc : s->loc, false);
        if (s->a) {
            compile_expr(c, s->a);
        } else {
            load_const(c, VAL_NONE);
        }
        set_line(c, s);
        unwind_to(c, 0, true);
        emit0(c, OP_RETURN_VALUE);
        u->depth++;
        break;
    case AST_RAISE:
        if (s->a) {
            compile_expr(c, s->a);
            if (s->b) {
                compile_expr(c, s->b);
                set_line(c, s);
                emit(c, OP_RAISE_VARARGS, 2);
            } else {
                set_line(c, s);
                emit(c, OP_RAISE_VARARGS, 1);
            }
        } else {
            emit(c, OP_RAISE_VARARGS, 0);
        }
        break;
    case AST_GLOBAL:
    case AST_NONLOCAL:
        break;
    case AST_ASSERT: {
        if (s->a->kind == AST_TUPLE && s->a->list.len > 0) {
            warn(c, s, "assertion is always true, perhaps remove parentheses?%s%s", "", "");
        }
        if (ST->config.optimize) {
            break;      // -O: asserts are not compiled, as CPython's
        }
        int ok = new_label(c);
        compile_jump_if(c, s->a, true, ok);
        Ast *at = assert_raise_at(s->a);
        set_line(c, at ? at : s);
        emit0(c, OP_LOAD_ASSERTION_ERROR);
        if (s->b) {
            emit0(c, OP_PUSH_NULL);
            compile_expr(c, s->b);
            emit(c, OP_CALL, 1);
        }
        emit(c, OP_RAISE_VARARGS, 1);
        set_label(c, ok);
        break;
    }
    case AST_IMPORT:
        compile_import(c, s);
        break;
    case AST_IMPORT_FROM:
        if (s->str && strcmp(s->str, "__future__") == 0) {
            for (int i = 0; i < s->list.len; i++) {
                if (strcmp(s->list.items[i]->str, "annotations") == 0) {
                    c->future_annotations = true;
                }
            }
        }
        compile_import_from(c, s);
        break;
    case AST_IF: {
        int orelse = new_label(c), end = new_label(c);
        compile_jump_if(c, s->a, false, orelse);
        compile_body(c, &s->list);
        if (s->list2.len) {
            emit_no_line(c, OP_JUMP, end);
        }
        set_label(c, orelse);
        compile_body(c, &s->list2);
        set_label(c, end);
        break;
    }
    case AST_WHILE: {
        int start = new_label(c), orelse = new_label(c), exit = new_label(c);
        set_label(c, start);
        compile_jump_if(c, s->a, false, orelse);
        push_fb(c, FB_WHILE, start, exit, NULL, NULL);
        compile_body(c, &s->list);
        pop_fb(c);
        emit_no_line(c, OP_JUMP, start);
        set_label(c, orelse);
        compile_body(c, &s->list2);
        set_label(c, exit);
        break;
    }
    case AST_FOR:
        compile_for(c, s);
        break;
    case AST_TRY:
        compile_try(c, s);
        break;
    case AST_WITH:
        compile_with_items(c, s, 0);
        break;
    case AST_MATCH:
        compile_match(c, s);
        break;
    case AST_FUNCDEF:
        compile_funcdef(c, s);
        break;
    case AST_CLASSDEF:
        compile_classdef(c, s);
        break;
    default:
        error(c, s->loc, "invalid syntax");
    }
}

ObjCode *compile_module(Ast *module, const char *filename, bool interactive, CompileError *err) {
    return compile_module_flags(module, filename, interactive ? CF_INTERACTIVE : 0, err);
}

ObjCode *compile_module_flags(Ast *module, const char *filename, int flags, CompileError *err) {
    return compile_module_src(module, filename, flags, NULL, 0, err);
}

ObjCode *compile_module_src(Ast *module, const char *filename, int flags, const char *src, size_t len,
                            CompileError *err) {
    bool interactive = flags & CF_INTERACTIVE;
    Compiler comp = {0};
    Compiler *c = &comp;
    c->src = src;
    c->srclen = len;
    c->filename = filename;
    c->filename_str = AS_STR(str_from_c(filename));
    c->err = err;
    c->interactive = interactive;
    c->by_name = flags & (CF_BY_NAME | CF_EVAL);
    ScopeError serr;
    c->root = scope_build(module, interactive, &serr);
    if (!c->root) {
        snprintf(err->msg, sizeof err->msg, "%s", serr.msg);
        err->loc = serr.loc;
        err->symtable = true;
        return NULL;
    }
    int root_depth = gc_root_depth();
    if (setjmp(c->fail)) {
        gc_pop_root(gc_root_depth() - root_depth);     // (an error inside constant folding)
        while (c->u) {
            Unit *u = c->u;
            c->u = u->parent;
            free_unit(u);
        }
        scope_free(c->root);
        return NULL;
    }
    push_unit(c, c->root, "<module>");
    c->u->flags |= CO_MODULE;
    if ((interactive || (flags & CF_TOP_AWAIT)) && c->root->is_coroutine) {
        c->u->flags |= CO_COROUTINE;
    }
    if (flags & CF_EVAL) {
        // one expression statement (interp_compile_mode checked): its value
        set_line(c, module->list.items[0]);
        compile_expr(c, module->list.items[0]->a);
        emit0(c, OP_RETURN_VALUE);
        ObjCode *code = finish_unit(c, "<module>", 1);
        scope_free(c->root);
        return code;
    }
    if (!interactive && is_docstring(&module->list) && keep_docstrings()) {
        // the module docstring becomes __doc__
        compile_expr(c, module->list.items[0]->a);
        emit(c, c->by_name ? OP_STORE_NAME : OP_STORE_GLOBAL, add_name(c, "__doc__"));
    }
    if (!interactive && has_annotation(&module->list)) {
        // __annotations__ = {} (CPython's SETUP_ANNOTATIONS), filled by the
        // module's `name: T` statements
        emit(c, OP_BUILD_MAP, 0);
        emit(c, c->by_name ? OP_STORE_NAME : OP_STORE_GLOBAL, add_name(c, "__annotations__"));
    }
    compile_body(c, &module->list);
    emit_implicit_return(c, false);
    ObjCode *code = finish_unit(c, "<module>", 1);
    scope_free(c->root);
    return code;
}
