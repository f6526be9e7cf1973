// gen.c: generator, coroutine and async generator objects. Each owns the
// heap frame made when its function was called (src/vm*.c make, run and
// resume it; this side reaches it only through vmapi.h); this file
// holds their methods (send, throw, close, __next__, __await__, the async
// iteration awaitables asend/athrow/aclose), their reprs and attributes,
// and what happens when one is collected: a never-awaited coroutine warns,
// a generator suspended inside try/finally is closed so its finally runs.
#include <stdlib.h>
#include <string.h>
#include "gen.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "asyncio/asyncio.h"

int gen_line(ObjGen *g) {
    if (!g->frame) {
        return 0;
    }
    if (g->state == GEN_CREATED) {
        return frame_code(g->frame)->firstline;
    }
    return frame_line(g->frame);
}

bool gen_is_gen(Value v) {
    return IS_OBJ(v) && (AS_OBJ(v)->cls == cls_generator || AS_OBJ(v)->cls == cls_coroutine);
}

static void trace_gen(Obj *o) {
    ObjGen *g = (ObjGen *)o;
    gc_mark_obj(g->names);
    gc_mark_obj(g->created);
    gc_mark_value(g->yf);
    gc_mark_obj((Obj *)g->inner);
    // its recorded chain: gen_unchain reads these even after the chain
    // broke (a member may have finished and be otherwise unreachable)
    if (g->chain_one) {
        gc_mark_obj((Obj *)g->chain1);
    }
    for (uint32_t i = 0; g->chain && !g->chain_one && i < g->inner_depth; i++) {
        gc_mark_obj((Obj *)g->chain[i]);
    }
    if (g->frame) {
        frame_mark(g->frame);
    }
}

ObjStr *gen_created_file(ObjGen *g) {
    Obj *c = g->created;
    return !c || c->cls == cls_str ? (ObjStr *)c : AS_STR(((ObjTuple *)c)->items[0]);
}

Value gen_origin(ObjGen *g) {
    Obj *c = g->created;
    return c && c->cls == cls_tuple ? ((ObjTuple *)c)->items[1] : VAL_NULL;
}

static void warn_never_awaited(ObjGen *g) {
    if (g->hdr.cls != cls_coroutine || g->awaited || g->warned || g->state != GEN_CREATED) {
        return;
    }
    g->warned = true;
    fflush(stdout);
    fprintf(state_stderr(), "%s:%d: RuntimeWarning: coroutine '%s' was never awaited\n",
            gen_created_file(g) ? gen_created_file(g)->data : "?", g->created_line, gen_qualname(g)->data);
    if (gen_origin(g)) {
        // as CPython's warnings._warn_unawaited_coroutine with cr_origin set
        Value saved = exc_take();
        gc_push_root(saved);
        Value s = tb_format_origin(gen_origin(g), true);
        if (s && AS_STR(s)->len) {
            ObjStr *o = AS_STR(s);
            fprintf(state_stderr(), "Coroutine created at (most recent call last)\n%.*s\n", (int)(o->len - 1), o->data);
        }
        exc_clear();
        if (saved) {
            exc_raise_value(saved);
        }
        gc_pop_root(1);
    }
    char line[1024];
    ObjStr *file = gen_created_file(g);
    if (file && tb_source_line(file->data, g->created_line, line, sizeof line)) {
        fprintf(state_stderr(), "  %s\n", line);
    }
    fprintf(state_stderr(), "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n");
    fflush(state_stderr());
}

void gen_unchain(ObjGen *g) {
    ObjGen *head = g->state == GEN_CHAINED ? g->inner : g;
    for (uint32_t i = 1; i < head->inner_depth && head->chain && !head->chain_one; i++) {
        ObjGen *m = head->chain[i];
        if (m->state == GEN_CHAINED && m->inner == head) {
            m->state = head->state;
            m->inner = NULL;
        }
    }
    if (g->state == GEN_CHAINED) {     // (a member of an older recording)
        g->state = head->state;
        g->inner = NULL;
    }
}

// The chain array's slot before the generators holds its capacity (the
// generator object has no room left for it: 72 bytes). A chain of one
// needs no array (chain_one); longer ones get one sized exactly up to 8
// generators, doubled beyond.
static uint32_t chain_cap(ObjGen *g) {
    return g->chain && !g->chain_one ? (uint32_t)(uintptr_t)g->chain[-1] : 0;
}

static void chain_free(ObjGen *g) {
    if (g->chain && !g->chain_one) {
        mem_free(g->chain - 1, sizeof(ObjGen *) * (chain_cap(g) + 1));
    }
    g->chain = NULL;
    g->chain_one = false;
}

ObjGen **gen_chain_room(ObjGen *head, uint32_t n) {
    if (n <= 1 && !chain_cap(head)) {
        head->chain_one = true;
        return &head->chain1;
    }
    if (chain_cap(head) < n) {
        uint32_t cap = n <= 8 ? n : n * 2;
        ObjGen **a = mem_alloc(sizeof(ObjGen *) * ((size_t)cap + 1));
        a[0] = (ObjGen *)(uintptr_t)cap;
        chain_free(head);
        head->chain = a + 1;
    }
    return head->chain;
}

static void finalize_gen(Obj *o) {
    ObjGen *g = (ObjGen *)o;
    if (g->frame) {
        frame_free(g->frame);
        g->frame = NULL;
    }
    chain_free(g);
    if (ST->fast_head == g || ST->fast_inner == g) {
        ST->fast_head = ST->fast_inner = NULL;
    }
}

// ---- collection of suspended generators

// Abandoned async generators kept for the event loop to close; those that
// have finished are dropped at each collection.

static void mark_to_close(void) {
    for (size_t i = 0; i < ST->gen.nclose; i++) {
        gc_mark_obj((Obj *)ST->gen.to_close[i]);
    }
    size_t keep = 0;
    for (size_t i = 0; i < ST->gen.nagens; i++) {
        if (ST->gen.agens[i]->state != GEN_CLOSED) {
            ST->gen.agens[keep++] = ST->gen.agens[i];
            gc_mark_obj((Obj *)ST->gen.agens[i]);
        }
    }
    ST->gen.nagens = keep;
}

static bool gc_hook(Obj *o) {
    if (o->cls != cls_generator && o->cls != cls_coroutine && o->cls != cls_async_generator) {
        return false;
    }
    ObjGen *g = (ObjGen *)o;
    warn_never_awaited(g);
    if (o->cls == cls_async_generator) {
        // An abandoned async generator is closed by the event loop (its
        // finally may await): keep it until asyncio's shutdown_asyncgens
        // finds it, as CPython's loop does, instead of closing it here.
        if (gen_state(g) == GEN_SUSPENDED && g->frame && frame_in_block(g->frame)) {
            if (ST->gen.nagens == ST->gen.capagens) {
                ST->gen.capagens = ST->gen.capagens ? ST->gen.capagens * 2 : 16;
                ST->gen.agens = realloc(ST->gen.agens, sizeof(ObjGen *) * ST->gen.capagens);
            }
            ST->gen.agens[ST->gen.nagens++] = g;
            return true;
        }
        return false;
    }
    if (gen_state(g) == GEN_SUSPENDED && g->frame && frame_in_block(g->frame)) {
        if (ST->gen.nclose == ST->gen.capclose) {
            ST->gen.capclose = ST->gen.capclose ? ST->gen.capclose * 2 : 16;
            ST->gen.to_close = realloc(ST->gen.to_close, sizeof(ObjGen *) * ST->gen.capclose);
        }
        ST->gen.to_close[ST->gen.nclose++] = g;
        return true;
    }
    return false;
}

static Value gen_repr(Value self);

// A generator closed by the collector or at exit whose cleanup failed: as
// CPython's unraisable hook, "Exception ignored in: <generator ...>" and the
// error on stderr. The error is taken (cleared).
static void report_ignored(ObjGen *g) {
    Value e = exc_take();
    if (!e) {
        return;
    }
    gc_push_root(e);
    Value r = gen_repr(OBJ_VAL(g));
    if (!r) {
        exc_clear();
    }
    fflush(stdout);
    fprintf(state_stderr(), "Exception ignored in: %s\n", r ? AS_STR(r)->data : "<generator>");
    tb_print_unraisable(e);
    gc_pop_root(1);
}

void gen_close_dropped(ObjGen *g) {
    Value saved = exc_take();
    if (saved) {
        gc_push_root(saved);
    }
    if (!gen_close(g)) {
        report_ignored(g);
    }
    if (saved) {
        gc_pop_root(1);
        exc_raise_value(saved);
    }
}

static void after_collect(void) {
    if (ST->gen.running) {
        return;     // a collection inside a finalizer: the outer loop goes on
    }
    ST->gen.running = true;
    while (ST->gen.nclose > 0) {
        ObjGen *g = ST->gen.to_close[--ST->gen.nclose];
        Value saved = exc_take();
        if (!gen_close(g)) {
            report_ignored(g);
        }
        if (saved) {
            exc_raise_value(saved);
        }
    }
    ST->gen.running = false;
}

static void exit_warning(Obj *o) {
    if (o->cls == cls_coroutine) {
        warn_never_awaited((ObjGen *)o);
    }
}


static void exit_collect(Obj *o) {
    if (o->cls != cls_generator && o->cls != cls_coroutine) {
        return;
    }
    ObjGen *g = (ObjGen *)o;
    if (gen_state(g) == GEN_SUSPENDED && g->frame && frame_in_block(g->frame)) {
        list_append(AS_LIST(ST->gen.exit_close_list), OBJ_VAL(o));
    }
}

// At exit: warns about never-awaited coroutines, then closes the generators
// and coroutines still suspended inside try/finally or with, so their
// cleanup runs as at CPython's shutdown (errors there are reported as
// "Exception ignored in: ...").
void gen_exit_warnings(void) {
    gc_each_hookable(exit_warning);
    ST->gen.exit_close_list = list_new(0);
    gc_push_root(ST->gen.exit_close_list);
    gc_each_hookable(exit_collect);
    ObjList *l = AS_LIST(ST->gen.exit_close_list);
    for (size_t i = 0; i < l->len; i++) {
        ObjGen *g = (ObjGen *)AS_OBJ(l->items[i]);
        if (gen_state(g) != GEN_SUSPENDED) {
            continue;
        }
        Value saved = exc_take();
        if (!gen_close(g)) {
            report_ignored(g);
        }
        if (saved) {
            exc_raise_value(saved);
        }
    }
    gc_pop_root(1);
    ST->gen.exit_close_list = VAL_NULL;
}

// ---- methods
static Value stop_iteration(Value v) {
    if (IS_NONE(v)) {
        return exc_raise_value(OBJ_VAL(exc_StopIteration));
    }
    Value e = exc_new(exc_StopIteration, 1, &v);
    return e ? exc_raise_value(e) : VAL_NULL;
}

static Value result_of(int st, Value out) {
    if (st == GEN_YIELDED) {
        return out;
    }
    if (st == GEN_RETURNED) {
        return stop_iteration(out);
    }
    return VAL_NULL;
}

static Value gen_send_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("send", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value out;
    int st = gen_send((ObjGen *)AS_OBJ(argv[0]), argv[1], &out);
    return result_of(st, out);
}

// Calls exception class [typ] as throw() does; a __new__ returning
// something other than an exception is a TypeError, as in CPython.
static Value throw_exc_call(Value typ, int argc, Value *argv) {
    Value e = exc_new(AS_CLASS(typ), argc, argv);
    if (e && !(IS_OBJ(e) && (AS_OBJ(e)->cls->flags & CLS_EXCEPTION))) {
        gc_push_root(e);
        Value r = obj_repr(typ);
        gc_pop_root(1);
        if (!r) {
            return VAL_NULL;
        }
        return exc_raise(exc_TypeError,
                         "calling %s should have returned an instance of BaseException, not %s",
                         AS_STR(r)->data, val_type_name(e));
    }
    return e;
}

// throw(type[, value[, tb]]) or throw(instance)
Value gen_make_throw_exc(int argc, Value *argv) {
    Value typ = argv[0];
    Value val = argc > 1 ? argv[1] : VAL_NONE;
    if (IS_CLASS(typ) && (AS_CLASS(typ)->flags & CLS_EXCEPTION)) {
        if (IS_OBJ(val) && (AS_OBJ(val)->cls->flags & CLS_EXCEPTION)) {
            return val;
        }
        if (IS_NONE(val)) {
            return throw_exc_call(typ, 0, NULL);
        }
        if (IS_TUPLE(val)) {
            return throw_exc_call(typ, (int)AS_TUPLE(val)->len, AS_TUPLE(val)->items);
        }
        return throw_exc_call(typ, 1, &val);
    }
    if (IS_OBJ(typ) && (AS_OBJ(typ)->cls->flags & CLS_EXCEPTION)) {
        if (!IS_NONE(val)) {
            return exc_raise(exc_TypeError, "instance exception may not have a separate value");
        }
        return typ;
    }
    return exc_raise(exc_TypeError, "exceptions must be classes or instances deriving from BaseException, not %s",
                     val_type_name(typ));
}

static Value gen_throw_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("throw", argc, 2, 4)) {
        return VAL_NULL;
    }
    Value exc = gen_make_throw_exc(argc - 1, argv + 1);
    if (!exc) {
        if (IS_CLASS(argv[1]) && (AS_CLASS(argv[1])->flags & CLS_EXCEPTION)) {
            // As CPython, an error calling the class (bad arguments, a
            // __new__ returning a non-exception) is what the generator
            // gets thrown at its yield; a delegate with a throw method
            // that is not a generator still gets the arguments themselves.
            exc = exc_take();
        } else {
            exc_clear();    // a delegate with a throw method may still take them
        }
    }
    gc_push_root(exc ? exc : VAL_NONE);
    Value raw = tuple_new((size_t)(argc - 1));
    values_copy(AS_TUPLE(raw)->items, argv + 1, (size_t)(argc - 1));
    Value out;
    int st = gen_throw_args((ObjGen *)AS_OBJ(argv[0]), exc, raw, &out);
    gc_pop_root(1);
    return result_of(st, out);
}

static Value gen_close_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("close", argc, 1, 1)) {
        return VAL_NULL;
    }
    return gen_close((ObjGen *)AS_OBJ(argv[0])) ? VAL_NONE : VAL_NULL;
}

static Value gen_iter(Value self) {
    return self;
}

static int gen_next(Value self, Value *out) {
    ObjGen *g = (ObjGen *)AS_OBJ(self);
    if (g->state == GEN_CLOSED && g->hdr.cls == cls_generator) {
        return 0;
    }
    int st = gen_send(g, VAL_NONE, out);
    if (st == GEN_YIELDED) {
        return 1;
    }
    return st == GEN_RETURNED ? 0 : -1;
}

// __next__ called as a method keeps the return value in StopIteration.
static Value gen_next_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__next__", argc, 1, 1)) {
        return VAL_NULL;
    }
    ObjGen *g = (ObjGen *)AS_OBJ(argv[0]);
    if (g->state == GEN_CLOSED) {
        return exc_raise_value(OBJ_VAL(exc_StopIteration));
    }
    Value out;
    int st = gen_send(g, VAL_NONE, &out);
    return result_of(st, out);
}

static Value coro_await(int argc, Value *argv, ObjDict *kw) {
    ((ObjGen *)AS_OBJ(argv[0]))->awaited = true;
    return coro_wrapper_new(argv[0]);
}

static Value gen_repr(Value self) {
    ObjGen *g = (ObjGen *)AS_OBJ(self);
    return str_printf("<%s object %s at %p>", g->hdr.cls->name->data, gen_qualname(g)->data, (void *)g);
}

// ---- forgotten awaits at the use site (asyncio debug mode)
// A coroutine that was never started and is truth-tested (`if fetch():`),
// formatted into a string or compared is almost always a missing await:
// while a loop in debug mode runs, it warns at that line, once (the
// collector then says nothing more). Off debug mode these slots cost one
// test, and only on coroutine objects.

static void warn_use_site(Value self) {
    ObjGen *g = (ObjGen *)AS_OBJ(self);
    ObjLoop *loop = ST->running_loop;
    if (__builtin_expect(!loop || !(loop->dbg & LOOP_DBG_DEBUG), 1) || g->awaited || g->warned ||
        g->state != GEN_CREATED) {
        return;
    }
    g->warned = true;
    ObjStr *file = vm_current_file();
    int line = vm_current_line();
    fflush(stdout);
    fprintf(state_stderr(), "%s:%d: RuntimeWarning: coroutine '%s' was never awaited\n", file ? file->data : "?",
            line, gen_qualname(g)->data);
    char src[1024];
    if (file && tb_source_line(file->data, line, src, sizeof src)) {
        fprintf(state_stderr(), "  %s\n", src);
    }
    fflush(state_stderr());
}

static int coro_truthy(Value self) {
    warn_use_site(self);
    return 1;
}

static Value coro_repr(Value self) {
    warn_use_site(self);
    return gen_repr(self);
}

static Value coro_richcompare(Value a, Value b, int op) {
    if (op == OP_EQ || op == OP_NE) {
        warn_use_site(IS_OBJ(a) && AS_OBJ(a)->cls == cls_coroutine ? a : b);
    }
    return VAL_NOTIMPL;
}

// The attributes of generators, coroutines and async generators, as
// CPython's getset descriptors: getters in each class's dict (no getattr
// hook, so that method loads such as g.send take the VM's cached path).
// gi_* on generators, cr_* on coroutines, ag_* on async generators only, as
// in CPython (asyncio.graph tells a frame's kind by which one exists).
#define GEN_SELF ((ObjGen *)AS_OBJ(argv[0]))

ObjStr *gen_qualname(ObjGen *g) {
    return g->names->cls == cls_str ? (ObjStr *)g->names : AS_STR(((ObjTuple *)g->names)->items[1]);
}

// [g]'s __name__ (VAL_NULL on memory error).
static Value gen_name(ObjGen *g) {
    if (g->names->cls != cls_str) {
        return ((ObjTuple *)g->names)->items[0];
    }
    ObjStr *q = (ObjStr *)g->names;
    const char *dot = strrchr(q->data, '.');
    return dot ? str_from_c(dot + 1) : OBJ_VAL(q);
}

// Stores [name] and [qualname] as g->names (a tuple only when [name] is not
// the qualname's last part). False on memory error.
static bool store_names(ObjGen *g, ObjStr *name, ObjStr *qualname) {
    size_t n = name->len, q = qualname->len;
    if (n <= q && memcmp(qualname->data + q - n, name->data, n) == 0 &&
        (n == q || qualname->data[q - n - 1] == '.') && !memchr(name->data, '.', n)) {
        g->names = (Obj *)qualname;
        return true;
    }
    Value t = tuple_pack(2, OBJ_VAL(name), OBJ_VAL(qualname));
    if (!t) {
        return false;
    }
    g->names = AS_OBJ(t);
    return true;
}

void gen_set_names(ObjGen *g, ObjFunction *func) {
    g->names = (Obj *)func->qualname;
    gc_push_root(OBJ_VAL(g));
    if (!store_names(g, func->name, func->qualname)) {
        exc_clear();    // out of memory: the qualname alone
    }
    gc_pop_root(1);
}

static Value gg_name(int argc, Value *argv, ObjDict *kw) {
    return gen_name(GEN_SELF);
}

static Value gg_qualname(int argc, Value *argv, ObjDict *kw) {
    return OBJ_VAL(gen_qualname(GEN_SELF));
}

static Value gg_running(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(gen_state(GEN_SELF) == GEN_RUNNING);
}

static Value gg_frame(int argc, Value *argv, ObjDict *kw) {
    ObjGen *g = GEN_SELF;
    return g->frame && g->state != GEN_CLOSED ? frame_snapshot(g->frame) : VAL_NONE;
}

ObjCode *gen_code(ObjGen *g) {
    if (g->frame) {
        return frame_code(g->frame);
    }
    return g->yf && IS_A(g->yf, cls_code) ? (ObjCode *)AS_OBJ(g->yf) : NULL;
}

static Value gg_code(int argc, Value *argv, ObjDict *kw) {
    ObjCode *c = gen_code(GEN_SELF);
    return c ? OBJ_VAL(c) : VAL_NONE;
}

static Value gg_yieldfrom(int argc, Value *argv, ObjDict *kw) {
    ObjGen *g = GEN_SELF;
    if (gen_state(g) != GEN_SUSPENDED || !g->yf) {
        return VAL_NONE;
    }
    // an awaited future is its own delegate (CLS_AWAIT_SELF): the iterator
    // its __await__ gives stands for it, as in CPython
    return (val_class(g->yf)->flags & CLS_AWAIT_SELF) ? call_method(g->yf, "__await__", 0, NULL) : g->yf;
}

static Value gg_suspended(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(gen_state(GEN_SELF) == GEN_SUSPENDED);
}

static Value gg_origin(int argc, Value *argv, ObjDict *kw) {
    ObjGen *g = GEN_SELF;
    return gen_origin(g) ? gen_origin(g) : VAL_NONE;
}

// __name__ and __qualname__ are writable (strings only), as CPython's getsets.
static bool gen_setattr(Value self, ObjStr *name, Value v) {
    bool is_name = strcmp(name->data, "__name__") == 0;
    if (is_name || strcmp(name->data, "__qualname__") == 0) {
        if (!v || !IS_STR(v)) {
            exc_raise(exc_TypeError, "%s must be set to a string object", name->data);
            return false;
        }
        ObjGen *g = (ObjGen *)AS_OBJ(self);
        Value other = is_name ? OBJ_VAL(gen_qualname(g)) : gen_name(g);
        if (!other) {
            return false;
        }
        gc_push_root(v);
        gc_push_root(other);
        bool ok = is_name ? store_names(g, AS_STR(v), AS_STR(other)) : store_names(g, AS_STR(other), AS_STR(v));
        gc_pop_root(2);
        return ok;
    }
    return generic_setattr(self, name, v);
}

// [names]: the class's _running, _frame, _code, _yieldfrom/_await and
// _suspended names (stored, so static; async generators have no
// ag_suspended in 3.11: NULL).
static void add_gen_getters(ObjClass *c, const char *const names[5]) {
    static const NativeFn fns[5] = {gg_running, gg_frame, gg_code, gg_yieldfrom, gg_suspended};
    class_add_getter(c, "__name__", gg_name);
    class_add_getter(c, "__qualname__", gg_qualname);
    for (int i = 0; i < 5 && names[i]; i++) {
        class_add_getter(c, names[i], fns[i]);
    }
}

// ---- async generators: __anext__/asend/athrow/aclose return an awaitable
typedef struct ObjAGenAwait {
    Obj hdr;
    ObjGen *gen;
    Value send_value;   // asend's value
    Value throw_exc;    // athrow's exception, or VAL_NULL
    bool is_close;      // aclose()
    int state;          // 0 init, 1 iterating, 2 done
} ObjAGenAwait;

static void trace_agen_await(Obj *o) {
    ObjAGenAwait *a = (ObjAGenAwait *)o;
    gc_mark_obj((Obj *)a->gen);
    gc_mark_value(a->send_value);
    gc_mark_value(a->throw_exc);
}

static Value agen_await_new(ObjGen *g, Value v, Value exc, bool is_close) {
    ObjAGenAwait *a = (ObjAGenAwait *)obj_alloc(cls_agen_await, sizeof(ObjAGenAwait));
    a->gen = g;
    a->send_value = v;
    a->throw_exc = exc;
    a->is_close = is_close;
    return OBJ_VAL(a);
}

// One step of the awaitable: returns 1 with *out to pass to the event
// loop, or -1 with StopIteration(value)/StopAsyncIteration/an error; with
// [raw] (the am_send slot) a value that would end in StopIteration(value)
// is returned as 0 with *out instead, so `async for` makes no exception
// object per item (as CPython's async_gen_asend_send).
static int agen_step_inner(ObjAGenAwait *a, Value v, Value exc, Value *out, bool raw);

// As CPython's ag_running_async: only one asend/athrow/aclose of a
// generator may be in progress at a time (an abandoned one keeps it set).
static int agen_step(ObjAGenAwait *a, Value v, Value exc, Value *out, bool raw) {
    ObjGen *g = a->gen;
    if (a->state == 0 && g->running_async) {
        a->state = 2;
        exc_raise(exc_RuntimeError, "%s(): asynchronous generator is already running",
                  a->is_close ? "aclose" : a->throw_exc ? "athrow" : "anext");
        return -1;
    }
    bool was_done = a->state == 2;
    if (a->state == 0) {
        g->running_async = true;
    }
    int r = agen_step_inner(a, v, exc, out, raw);
    if (!was_done && a->state == 2) {
        g->running_async = false;   // as CPython's unwrap: any completed step clears it
    }
    return r;
}

static int agen_step_inner(ObjAGenAwait *a, Value v, Value exc, Value *out, bool raw) {
    ObjGen *g = a->gen;
    if (a->state == 2) {
        exc_raise(exc_RuntimeError, "cannot reuse already awaited __anext__()/asend()");
        return -1;
    }
    int st;
    if (a->state == 0) {
        a->state = 1;
        if (a->is_close) {
            if (g->state == GEN_CREATED || g->state == GEN_CLOSED) {
                g->state = GEN_CLOSED;
                a->state = 2;
                *out = VAL_NONE;
                return raw ? 0 : (stop_iteration(VAL_NONE), -1);
            }
            exc = exc_new(exc_GeneratorExit, 0, NULL);
        } else if (a->throw_exc) {
            if (g->state == GEN_CLOSED) {   // CPython's athrow of a finished generator: None
                a->state = 2;
                *out = VAL_NONE;
                return raw ? 0 : (stop_iteration(VAL_NONE), -1);
            }
            exc = a->throw_exc;
        } else {
            v = a->send_value;
        }
        if (g->state == GEN_CLOSED && !exc) {
            a->state = 2;
            exc_raise_value(OBJ_VAL(exc_StopAsyncIteration));
            return -1;
        }
    }
    if (exc) {
        st = gen_throw(g, exc, out);
    } else {
        st = gen_send(g, v, out);
    }
    if (st == GEN_YIELDED) {
        if (g->yield_kind == 0) {
            a->state = 2;
            if (a->is_close) {
                exc_raise(exc_RuntimeError, "async generator ignored GeneratorExit");
                return -1;
            }
            return raw ? 0 : (stop_iteration(*out), -1);
        }
        return 1;
    }
    a->state = 2;
    if (st == GEN_RETURNED) {
        if (a->is_close) {
            *out = VAL_NONE;
            return raw ? 0 : (stop_iteration(VAL_NONE), -1);
        } else {
            exc_raise_value(OBJ_VAL(exc_StopAsyncIteration));
        }
        return -1;
    }
    if (a->is_close && (EXC_PENDING_IS(exc_GeneratorExit) || EXC_PENDING_IS(exc_StopAsyncIteration))) {
        exc_clear();
        *out = VAL_NONE;
        return raw ? 0 : (stop_iteration(VAL_NONE), -1);
    }
    return -1;
}

static int agen_await_next(Value self, Value *out) {
    return agen_step((ObjAGenAwait *)AS_OBJ(self), VAL_NONE, VAL_NULL, out, false);
}

// The am_send slot: the VM's await of it (SEND) takes a value yielded by
// the generator from 0 with *out, no StopIteration made
static int agen_await_am_send(Value self, Value *out) {
    return agen_step((ObjAGenAwait *)AS_OBJ(self), VAL_NONE, VAL_NULL, out, true);
}

static Value agen_await_send(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("send", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value out;
    return agen_step((ObjAGenAwait *)AS_OBJ(argv[0]), argv[1], VAL_NULL, &out, false) == 1 ? out : VAL_NULL;
}

static Value agen_await_throw(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("throw", argc, 2, 4)) {
        return VAL_NULL;
    }
    Value exc = gen_make_throw_exc(argc - 1, argv + 1);
    if (!exc) {
        return VAL_NULL;
    }
    ObjAGenAwait *a = (ObjAGenAwait *)AS_OBJ(argv[0]);
    if (a->state == 0) {
        a->state = 1;
    }
    Value out;
    return agen_step(a, VAL_NONE, exc, &out, false) == 1 ? out : VAL_NULL;
}

static Value agen_await_close(int argc, Value *argv, ObjDict *kw) {
    ((ObjAGenAwait *)AS_OBJ(argv[0]))->state = 2;
    return VAL_NONE;
}

static Value agen_await_self(int argc, Value *argv, ObjDict *kw) {
    return argv[0];
}

static Value agen_aiter(int argc, Value *argv, ObjDict *kw) {
    return argv[0];
}

Value gen_agen_anext(Value agen) {
    return agen_await_new((ObjGen *)AS_OBJ(agen), VAL_NONE, VAL_NULL, false);
}

static Value agen_anext(int argc, Value *argv, ObjDict *kw) {
    return gen_agen_anext(argv[0]);
}

static Value agen_asend(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("asend", argc, 2, 2)) {
        return VAL_NULL;
    }
    return agen_await_new((ObjGen *)AS_OBJ(argv[0]), argv[1], VAL_NULL, false);
}

static Value agen_athrow(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("athrow", argc, 2, 4)) {
        return VAL_NULL;
    }
    Value exc = gen_make_throw_exc(argc - 1, argv + 1);
    if (!exc) {
        return VAL_NULL;
    }
    return agen_await_new((ObjGen *)AS_OBJ(argv[0]), VAL_NONE, exc, false);
}

static Value agen_aclose(int argc, Value *argv, ObjDict *kw) {
    return agen_await_new((ObjGen *)AS_OBJ(argv[0]), VAL_NONE, VAL_NULL, true);
}

static const MethodDef gen_methods[] = {
    {"__next__", gen_next_m},
    {"send", gen_send_m},
    {"throw", gen_throw_m},
    {"close", gen_close_m},
    {NULL, NULL},
};

static const MethodDef coro_methods[] = {
    {"send", gen_send_m},
    {"throw", gen_throw_m},
    {"close", gen_close_m},
    {"__await__", coro_await},
    {NULL, NULL},
};

static const MethodDef agen_methods[] = {
    {"__aiter__", agen_aiter},
    {"__anext__", agen_anext},
    {"asend", agen_asend},
    {"athrow", agen_athrow},
    {"aclose", agen_aclose},
    {NULL, NULL},
};

static const MethodDef agen_await_methods[] = {
    {"send", agen_await_send},
    {"throw", agen_await_throw},
    {"close", agen_await_close},
    {"__await__", agen_await_self},
    {NULL, NULL},
};

static void setup_gen_class(ObjClass *c) {
    c->trace = trace_gen;
    c->finalize = finalize_gen;
    c->repr = gen_repr;
    c->setattr = gen_setattr;
    c->new_ = NULL;
    c->flags &= ~(uint32_t)CLS_BASETYPE;
    c->flags |= CLS_GC_HOOK;
}

void gen_init(void) {
    cls_generator = class_new_builtin("generator", NULL, sizeof(ObjGen), gen_methods);
    setup_gen_class(cls_generator);
    cls_generator->iter = gen_iter;
    cls_generator->next = gen_next;
    cls_coroutine = class_new_builtin("coroutine", NULL, sizeof(ObjGen), coro_methods);
    setup_gen_class(cls_coroutine);
    cls_coroutine->repr = coro_repr;
    cls_coroutine->truthy = coro_truthy;
    cls_coroutine->richcompare = coro_richcompare;
    cls_async_generator = class_new_builtin("async_generator", NULL, sizeof(ObjGen), agen_methods);
    setup_gen_class(cls_async_generator);
    static const char *const gi[5] = {"gi_running", "gi_frame", "gi_code", "gi_yieldfrom", "gi_suspended"};
    static const char *const cr[5] = {"cr_running", "cr_frame", "cr_code", "cr_await", "cr_suspended"};
    static const char *const ag[5] = {"ag_running", "ag_frame", "ag_code", "ag_await", NULL};
    add_gen_getters(cls_generator, gi);
    add_gen_getters(cls_coroutine, cr);
    add_gen_getters(cls_async_generator, ag);
    class_add_getter(cls_coroutine, "cr_origin", gg_origin);
    cls_agen_await = class_new_builtin("async_generator_asend", NULL, sizeof(ObjAGenAwait), agen_await_methods);
    cls_agen_await->trace = trace_agen_await;
    cls_agen_await->iter = gen_iter;
    cls_agen_await->next = agen_await_next;
    cls_agen_await->am_send = agen_await_am_send;
    cls_agen_await->flags |= CLS_AWAIT_SELF;    // __await__ is itself: await skips the call
    cls_agen_await->new_ = NULL;
    coro_wrapper_init();
    gc_set_finalizer_hook(gc_hook);
    gc_set_after_hook(after_collect);
    gc_add_root_marker(mark_to_close);
}
