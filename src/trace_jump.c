// trace_jump.c: assigning frame.f_lineno from a trace function, the jump of
// a debugger (pdb's `jump`), with CPython 3.11's rules and messages. An
// analysis of the code (jump_analyse) gives every reachable instruction its
// value stack, as the kinds of its entries (an iterator of a for loop, an
// exception of an except block, a NULL, any other object: CPython's
// mark_stacks, same encoding), and its handler blocks (pyish keeps a block
// stack where CPython has an exception table: a block is named by the
// offset of the SETUP_FINALLY that pushes it). A jump from the current
// instruction to the first instruction of the target line whose stack is a
// prefix of the current one (CPython's compatible_stack) pops the values
// above it (an except block's saved exception becomes the handled one
// again), pops the blocks the target is not in and pushes those it is in,
// and moves the frame's ip. Allowed from 'line' events, and from the
// 'return' event of a yield: that jump is taken when the generator resumes
// (vm_trace_instr calls jump_resume).
#include <string.h>
#include "vm_internal.h"
#include "frameobj.h"

#define T (ST->trace)

enum { K_ITER = 1, K_EXCEPT = 2, K_OBJECT = 3, K_NULL = 4 };
#define KBITS 3
#define UNINIT (-2)
#define OVERFLOWED (-1)
#define MAX_ENTRIES (63 / KBITS)
#define WILL_OVERFLOW (1ULL << ((MAX_ENTRIES - 1) * KBITS))
#define NO_BLOCK (-1)

static int64_t push(int64_t st, int kind) {
    if (st < 0 || (uint64_t)st >= WILL_OVERFLOW) {
        return OVERFLOWED;
    }
    return (st << KBITS) | kind;
}

static int64_t pop(int64_t st) {
    return st < 0 ? st : st >> KBITS;
}

static int top(int64_t st) {
    return (int)(st & ((1 << KBITS) - 1));
}

// The kind [n] entries down (1: the top).
static int peek(int64_t st, int n) {
    return top(st >> (KBITS * (n - 1)));
}

static int depth(int64_t st) {
    int n = 0;
    for (; st > 0; st >>= KBITS) {
        n++;
    }
    return n;
}

typedef struct Analysis {
    int n;
    int64_t *stacks;    // per instruction: its stack, UNINIT when unreachable
    int32_t *blocks;    // per instruction: its innermost block (NO_BLOCK: none)
    int32_t *parent;    // per SETUP_FINALLY offset: the block around its block
    int32_t *level;     // per SETUP_FINALLY offset: its block's stack level
    size_t size;        // the bytes of the one allocation holding them
} Analysis;

static void analysis_free(Analysis *a) {
    mem_free(a->stacks, a->size);
}

// Records [st] and [blk] as instruction [j]'s state if it has none yet;
// [*again] when [j] was already passed in this sweep.
static void flow(Analysis *a, int j, int64_t st, int blk, int i, bool *again) {
    if (j < 0 || j >= a->n || a->stacks[j] != UNINIT) {
        return;
    }
    a->stacks[j] = st;
    a->blocks[j] = blk;
    if (j <= i) {
        *again = true;
    }
}

// Whether the conditional jump at [i] tests a constant that never takes it
// (`while True:`: CPython's compiler has no jump there, and no code after
// the loop).
static bool const_test(ObjCode *code, int i, bool jump_if) {
    if (i == 0 || INSTR_OP(code->code[i - 1]) != OP_LOAD_CONST) {
        return false;
    }
    Value c = code->consts->items[INSTR_ARG(code->code[i - 1])];
    if (c == VAL_TRUE || c == VAL_FALSE || IS_NONE(c)) {
        return (c == VAL_TRUE) != jump_if;
    }
    return false;
}

// CPython's mark_stacks, on pyish's instructions and blocks.
static bool analyse(ObjCode *code, Analysis *a) {
    int n = (int)code->ncode;
    a->n = n;
    size_t m = (size_t)n + 1;
    a->size = m * (sizeof(int64_t) + 3 * sizeof(int32_t));
    a->stacks = mem_try_alloc(a->size);
    if (!a->stacks) {
        return false;
    }
    a->blocks = (int32_t *)(a->stacks + m);
    a->parent = a->blocks + m;
    a->level = a->parent + m;
    for (int i = 0; i < n; i++) {
        a->stacks[i] = UNINIT;
        a->blocks[i] = NO_BLOCK;
        a->parent[i] = NO_BLOCK;
        a->level[i] = 0;
    }
    if (n > 0) {
        a->stacks[0] = 0;
    }
    bool again = true;
    while (again) {
        again = false;
        for (int i = 0; i < n; i++) {
            int64_t st = a->stacks[i];
            if (st == UNINIT) {
                continue;
            }
            int blk = a->blocks[i];
            uint32_t instr = code->code[i];
            int op = INSTR_OP(instr);
            int arg = (int)INSTR_ARG(instr);
            switch (op) {
            case OP_JUMP:
                flow(a, arg, st, blk, i, &again);
                continue;
            case OP_POP_JUMP_IF_FALSE:
            case OP_POP_JUMP_IF_TRUE:
                st = pop(st);
                if (!const_test(code, i, op == OP_POP_JUMP_IF_TRUE)) {
                    flow(a, arg, st, blk, i, &again);
                }
                break;
            case OP_JUMP_IF_FALSE_OR_POP:
            case OP_JUMP_IF_TRUE_OR_POP:
                flow(a, arg, st, blk, i, &again);
                st = pop(st);
                break;
            case OP_FOR_ITER:
                flow(a, arg, pop(st), blk, i, &again);
                st = push(st, K_OBJECT);
                break;
            case OP_SEND:
                flow(a, arg, push(pop(pop(st)), K_OBJECT), blk, i, &again);
                st = push(pop(st), K_OBJECT);
                break;
            case OP_SETUP_FINALLY:
                // the handler runs with the stack at the block's level and
                // the exception on it, outside the block
                a->parent[i] = blk;
                a->level[i] = st < 0 ? 0 : depth(st);
                flow(a, arg, push(st, K_EXCEPT), blk, i, &again);
                blk = i;
                break;
            case OP_POP_BLOCK:
                if (blk != NO_BLOCK) {
                    blk = a->parent[blk];
                }
                break;
            case OP_RETURN_VALUE:
            case OP_RERAISE:
            case OP_RAISE_VARARGS:
                continue;
            case OP_GET_ITER:
            case OP_GET_AITER:
                st = push(pop(st), K_ITER);
                break;
            case OP_PUSH_EXC_INFO:
                st = push(push(pop(st), K_EXCEPT), K_EXCEPT);
                break;
            case OP_PUSH_NULL:
                st = push(st, K_NULL);
                break;
            case OP_LOAD_METHOD:
                st = push(push(pop(st), K_OBJECT), K_NULL);
                break;
            case OP_LOAD_FAST_LOAD_FAST:
            case OP_LOAD_FAST_LOAD_CONST:
            case OP_LOAD_FAST_ATTR:
                // (the instruction after stays in place and counts its own)
                st = push(st, K_OBJECT);
                break;
            case OP_DUP_TOP:
                st = push(st, st < 0 ? K_OBJECT : peek(st, 1));
                break;
            case OP_DUP_TOP_TWO: {
                int b = st < 0 ? K_OBJECT : peek(st, 2), c = st < 0 ? K_OBJECT : peek(st, 1);
                st = push(push(st, b), c);
                break;
            }
            case OP_COPY:
                st = push(st, st < 0 || arg < 1 ? K_OBJECT : peek(st, arg));
                break;
            case OP_ROT_TWO:
            case OP_ROT_THREE:
            case OP_ROT_FOUR:
            case OP_SWAP: {
                // the kinds move with their values
                int k = op == OP_ROT_TWO ? 2 : op == OP_ROT_THREE ? 3 : op == OP_ROT_FOUR ? 4 : arg;
                if (st < 0 || k < 2 || k > 8 || depth(st) < k) {
                    break;
                }
                int kinds[8];
                int64_t s = st;
                for (int j = 0; j < k; j++) {
                    kinds[j] = top(s);     // kinds[0] is the top
                    s = pop(s);
                }
                int out[8];
                if (op == OP_SWAP) {
                    memcpy(out, kinds, sizeof kinds);
                    out[0] = kinds[k - 1];
                    out[k - 1] = kinds[0];
                } else {
                    for (int j = 0; j + 1 < k; j++) {
                        out[j] = kinds[j + 1];
                    }
                    out[k - 1] = kinds[0];  // the top goes down k - 1
                }
                for (int j = k - 1; j >= 0; j--) {
                    s = push(s, out[j]);
                }
                st = s;
                break;
            }
            case OP_WITH_EXCEPT_START:
            case OP_GET_ANEXT:
                st = push(st, K_OBJECT);    // (what is under stays as it was)
                break;
            default: {
                int pops = opcode_pops(op), pushes = opcode_pushes(op);
                if (pops < 0 || pushes < 0) {
                    pops = 0;
                    pushes = opcode_stack_effect(op, arg);
                    if (pushes < 0) {
                        pops = -pushes;
                        pushes = 0;
                    }
                }
                for (int j = 0; j < pops; j++) {
                    st = pop(st);
                }
                for (int j = 0; j < pushes; j++) {
                    st = push(st, K_OBJECT);
                }
                break;
            }
            }
            flow(a, i + 1, st, blk, i, &again);
        }
    }
    return true;
}

// The handler blocks from the outermost to [blk]: their count, in [out].
static int block_chain(Analysis *a, int blk, int32_t *out, int max) {
    int n = 0;
    for (int b = blk; b != NO_BLOCK; b = a->parent[b]) {
        n++;
    }
    if (n > max) {
        return -1;
    }
    int i = n;
    for (int b = blk; b != NO_BLOCK; b = a->parent[b]) {
        out[--i] = b;
    }
    return n;
}

static bool compatible_kind(int from, int to) {
    if (to == 0) {
        return false;
    }
    if (to == K_OBJECT) {
        return from != K_NULL;
    }
    if (to == K_NULL) {
        return true;
    }
    return from == to;
}

static bool compatible_stack(int64_t from, int64_t to) {
    if (from < 0 || to < 0) {
        return false;
    }
    while (from > to) {
        from = pop(from);
    }
    while (from) {
        if (!compatible_kind(top(from), top(to))) {
            return false;
        }
        from = pop(from);
        to = pop(to);
    }
    return to == 0;
}

static const char *explain_incompatible(int64_t to) {
    if (to == OVERFLOWED) {
        return "stack is too deep to analyze";
    }
    if (to == UNINIT) {
        return "can't jump into an exception handler, or code may be unreachable";
    }
    switch (top(to)) {
    case K_EXCEPT:
        return "can't jump into an 'except' block as there's no exception";
    case K_ITER:
        return "can't jump into the body of a for loop";
    default:
        return "incompatible stacks";
    }
}

// Whether [i] is a copy of the implicit `return None` that the compiler
// appended for a jump of the same line (resolve_no_lines): CPython inlines
// it after that jump, so it starts no line of its own.
static bool exit_copy(ObjCode *code, int i) {
    if (i == 0 || (uint32_t)i + 1 >= code->ncode || INSTR_OP(code->code[i - 1]) != OP_RETURN_VALUE ||
        INSTR_OP(code->code[i + 1]) != OP_RETURN_VALUE) {
        return false;
    }
    for (uint32_t j = 0; j < code->ncode; j++) {
        int op = INSTR_OP(code->code[j]);
        if (opcode_kind(op) == OPK_JUMP && op != OP_SETUP_FINALLY && (int)INSTR_ARG(code->code[j]) == i &&
            code->lines[j] == code->lines[i]) {
            return true;
        }
    }
    return false;
}

// Whether instruction [i] starts a run of its line (CPython's marklines).
static bool line_start(ObjCode *code, int i) {
    int line = code->lines[i];
    return line > 0 && (i == 0 || code->lines[i - 1] != line) && !exit_copy(code, i);
}

// Moves [f], at instruction [from] (its state as the analysis has it), to
// instruction [to]: the values above the target's stack go (an except
// block's saved exception is the handled one again), then the blocks.
static bool apply(Frame *f, Analysis *a, int from, int to) {
    int64_t st = a->stacks[from], best = a->stacks[to];
    Value *base = FRAME_STACK_BASE(f);
    int32_t have[256], want[256];
    int nhave = block_chain(a, a->blocks[from], have, 256);
    int nwant = block_chain(a, a->blocks[to], want, 256);
    if (st < 0 || best < 0 || depth(st) != (int)(f->sp - base) || nhave != f->nblocks || nwant < 0 ||
        nwant > f->code->max_blocks) {
        // (the analysis disagrees with the frame: refuse rather than guess)
        exc_raise(exc_ValueError, "cannot jump from this point");
        return false;
    }
    while (st > best) {
        Value v = *--f->sp;
        if (top(st) == K_EXCEPT) {
            f->handled = !v || IS_NONE(v) ? VAL_NULL : v;
        }
        st = pop(st);
    }
    int common = 0;
    while (common < nhave && common < nwant && have[common] == want[common]) {
        common++;
    }
    Block *blocks = FRAME_BLOCKS(f);
    f->nblocks = (uint8_t)common;
    for (int i = common; i < nwant; i++) {
        Block *b = &blocks[f->nblocks++];
        b->handler = INSTR_ARG(f->code->code[want[i]]);
        b->level = (uint32_t)a->level[want[i]];
    }
    f->ip = f->code->code + to + 1;     // (ip is past the instruction running: [to] runs next)
    return true;
}

bool vm_frame_set_lineno(Value snap, Value v) {
    ObjFrameSnap *o = SNAP(snap);
    if (!v) {
        exc_raise(exc_AttributeError, "cannot delete attribute");
        return false;
    }
    if (!IS_SMALL(v) && !(IS_OBJ(v) && AS_OBJ(v)->cls == cls_int)) {
        exc_raise(exc_ValueError, "lineno must be an integer");
        return false;
    }
    Frame *f = o->live ? framesnap_running(snap) : NULL;
    if (!T.busy || !f || f != T.event_frame) {
        exc_raise(exc_ValueError, "f_lineno can only be set by a trace function");
        return false;
    }
    switch (T.event) {
    case EV_CALL:
        exc_raise(exc_ValueError, "can't jump from the 'call' trace event of a new frame");
        return false;
    case EV_LINE:
        break;
    case EV_RETURN:
        if (T.event_yield) {
            break;
        }
        // fall through
    default:
        exc_raise(exc_ValueError, "can only jump from a 'line' trace event");
        return false;
    }
    if (!o->trace) {
        exc_raise(exc_ValueError, "f_lineno can only be set by a trace function");
        return false;
    }
    int64_t want;
    if (!int_to_i64(v, &want) || want > INT32_MAX || want < INT32_MIN) {
        exc_clear();
        exc_raise(exc_ValueError, "lineno out of range");
        return false;
    }
    ObjCode *code = f->code;
    if (want < code->firstline) {
        exc_raise(exc_ValueError, "line %d comes before the current code block", (int)want);
        return false;
    }
    int n = (int)code->ncode;
    Analysis a;
    if (!analyse(code, &a)) {
        return false;
    }
    // (the lines of code no path reaches are not there: CPython's compiler
    // drops that code)
    int line = -1;
    for (int i = 0; i < n; i++) {
        if (line_start(code, i) && a.stacks[i] != UNINIT && code->lines[i] >= want &&
            (line < 0 || code->lines[i] < line)) {
            line = code->lines[i];
        }
    }
    if (line < 0) {
        analysis_free(&a);
        exc_raise(exc_ValueError, "line %d comes after the current code block", (int)want);
        return false;
    }
    int from = (int)(f->ip - 1 - code->code);
    if (T.event_yield) {
        from++;     // (it goes on after the yield, with the value sent)
    }
    int64_t start = from >= 0 && from < n ? a.stacks[from] : UNINIT;
    int64_t best_stack = OVERFLOWED;
    int best = -1;
    int err = -1;
    const char *msg = "cannot find bytecode for specified line";
    for (int i = 0; i < n; i++) {
        if (!line_start(code, i) || code->lines[i] != line || a.stacks[i] == UNINIT) {
            continue;
        }
        int64_t target = a.stacks[i];
        if (compatible_stack(start, target)) {
            err = 0;
            if (target > best_stack) {
                best_stack = target;
                best = i;
            }
        } else if (err < 0) {
            if (start == OVERFLOWED) {
                msg = "stack to deep to analyze";
            } else if (start == UNINIT) {
                msg = "can't jump from unreachable code";
            } else {
                msg = explain_incompatible(target);
                err = 1;
            }
        }
    }
    if (err) {
        analysis_free(&a);
        exc_raise(exc_ValueError, "%s", msg);
        return false;
    }
    if (T.event_yield) {
        analysis_free(&a);
        o->pending_jump = best + 1;
        return true;
    }
    bool ok = apply(f, &a, from, best);
    analysis_free(&a);
    if (ok) {
        T.jumped = true;
        o->last_off = best;
        o->last_line = code->lines[best];
    }
    return ok;
}

bool jump_resume(Frame *f, ObjFrameSnap *o) {
    int to = o->pending_jump - 1;
    o->pending_jump = 0;
    Analysis a;
    if (!analyse(f->code, &a)) {
        return false;
    }
    int from = (int)(f->ip - 1 - f->code->code);
    bool ok = from >= 0 && from < a.n && to >= 0 && to < a.n && compatible_stack(a.stacks[from], a.stacks[to]);
    if (!ok) {
        exc_raise(exc_ValueError, "%s", explain_incompatible(to >= 0 && to < a.n ? a.stacks[to] : UNINIT));
    } else {
        ok = apply(f, &a, from, to);
    }
    analysis_free(&a);
    if (ok) {
        o->last_off = to;
        o->last_line = f->code->lines[to];
    }
    return ok;
}
