// loop.c: the event loop (CPython's BaseEventLoop without I/O). The ready
// queue is a ring buffer of small items: user Handles, and internal task
// steps, task wake-ups and future done-callbacks that need no Handle
// object. Timers are TimerHandles in a binary heap ordered by (deadline,
// sequence number). One iteration (_run_once) moves due timers to the
// ready queue and runs exactly the items that were ready when it began.
// An idle loop sleeps until its next timer (real clock) or jumps the
// virtual clock there; with nothing ready and no timer it raises the
// deadlock report instead of hanging. Also Handle/TimerHandle and the
// lazy sleep() awaitable. The debugging features of DESIGN §8 hook in where
// a loop's dbg byte is set (schedule shuffling here; the trace in trace.c;
// strict tasks in module.c): one predictable branch each when they are off.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "asyncio.h"
#include "runtime.h"
#include "gc.h"
#include "func.h"
#include "gen.h"
#include "clock.h"
#include "numstr.h"
#include "vmapi.h"
#include "gthread.h"


// ---- handles
static void trace_handle(Obj *o) {
    ObjHandle *h = (ObjHandle *)o;
    gc_mark_value(h->callback);
    gc_mark_value(h->args);
    gc_mark_obj((Obj *)h->loop);
}

static Value handle_new(ObjLoop *loop, int kind, Value cb, Value args, bool timer) {
    ObjHandle *h = (ObjHandle *)obj_alloc(timer ? cls_timer_handle : cls_handle, sizeof(ObjHandle));
    h->kind = (uint8_t)kind;
    h->callback = cb;
    h->args = args;
    h->loop = loop;
    h->is_timer = timer;
    return OBJ_VAL(h);
}

Value loop_handle_new(ObjLoop *loop, Value cb, int argc, Value *args) {
    Value t = VAL_NULL;
    if (argc > 0) {
        t = tuple_new((size_t)argc);
        memcpy(AS_TUPLE(t)->items, args, sizeof(Value) * (size_t)argc);
    }
    gc_push_root(t);
    Value h = handle_new(loop, H_CALL, cb, t, false);
    gc_pop_root(1);
    return h;
}

static bool run_in_context(Value ctx, Value *cb, Value *args);

// The Handle of add_reader/add_writer/add_signal_handler: as CPython's, it
// runs in one copy of the context current at registration, the same copy at
// every call (a variable set by one call is seen by the next, and not by the
// code that registered it), so it always has a Context, even an empty one.
Value loop_handle_new_here(ObjLoop *loop, Value cb, int argc, Value *args) {
    ObjDict *vars = context_current_vars();
    Value ctx = context_new(vars);
    gc_push_root(ctx);
    Value t = tuple_new((size_t)argc);
    memcpy(AS_TUPLE(t)->items, args, sizeof(Value) * (size_t)argc);
    gc_push_root(t);
    bool ok = run_in_context(ctx, &cb, &t);
    gc_pop_root(2);
    if (!ok) {
        return VAL_NULL;
    }
    gc_push_root(t);
    gc_push_root(cb);
    Value h = handle_new(loop, H_CALL, cb, t, false);
    gc_pop_root(2);
    return h;
}

// ---- reprlib.repr, as CPython formats callback arguments: long reprs are
// cut in the middle ("<Task finishe...7> result='x'>"), containers show at
// most a few items and nest at most 6 levels.
static const char *cp_skip(const char *p, const char *end, size_t n) {
    while (p < end && n > 0) {
        p++;
        while (p < end && ((unsigned char)*p & 0xC0) == 0x80) {
            p++;
        }
        n--;
    }
    return p;
}

static size_t cp_len(const char *p, const char *end) {
    size_t n = 0;
    for (; p < end; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

// s[:i] + '...' + s[len-j:] when s is longer than [max] code points.
static Value cut_middle(Value s, size_t max) {
    ObjStr *st = AS_STR(s);
    const char *b = st->data, *e = st->data + st->len;
    size_t n = cp_len(b, e);
    if (n <= max) {
        return s;
    }
    size_t i = (max - 3) / 2, j = max - 3 - i;
    const char *pi = cp_skip(b, e, i);
    const char *pj = cp_skip(b, e, n - j);
    size_t len = (size_t)(pi - b) + 3 + (size_t)(e - pj);
    char *buf = mem_alloc(len + 1);
    memcpy(buf, b, (size_t)(pi - b));
    memcpy(buf + (pi - b), "...", 3);
    memcpy(buf + (pi - b) + 3, pj, (size_t)(e - pj));
    Value r = str_new(buf, len);
    mem_free(buf, len + 1);
    return r;
}

static Value short_repr(Value v, int level);

// Joins [n] items of [items] (at most [max]) as reprlib's _repr_iterable.
static Value short_repr_items(Value *items, size_t n, size_t max, int level, const char *left,
                              const char *right, const char *trail) {
    if (level <= 0 && n) {
        return str_printf("%s...%s", left, right);
    }
    Value acc = str_from_c(left);
    gc_push_root(acc);
    for (size_t i = 0; i < n && i < max; i++) {
        Value r = short_repr(items[i], level - 1);
        if (!r) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        acc = str_printf("%s%s%s", AS_STR(acc)->data, i ? ", " : "", AS_STR(r)->data);
        gc_pop_root(1);
        gc_push_root(acc);
    }
    acc = str_printf("%s%s%s%s", AS_STR(acc)->data, n > max ? ", ..." : "", n == 1 ? trail : "", right);
    gc_pop_root(1);
    return acc;
}

static Value short_repr(Value v, int level) {
    ObjClass *c = val_class(v);
    if (c == cls_str) {
        ObjStr *st = AS_STR(v);
        const char *e = cp_skip(st->data, st->data + st->len, 30);
        Value head = str_new(st->data, (size_t)(e - st->data));
        Value r = obj_repr(head);
        return r ? cut_middle(r, 30) : VAL_NULL;
    }
    if (c == cls_int) {
        Value r = obj_repr(v);
        return r ? cut_middle(r, 40) : VAL_NULL;
    }
    if (c == cls_tuple) {
        return short_repr_items(AS_TUPLE(v)->items, AS_TUPLE(v)->len, 6, level, "(", ")", ",");
    }
    if (c == cls_list) {
        // copy: the reprs may run code that changes the list
        size_t n = AS_LIST(v)->len;
        Value t = tuple_new(n);
        for (size_t i = 0; i < n; i++) {
            AS_TUPLE(t)->items[i] = AS_LIST(v)->items[i];
        }
        gc_push_root(t);
        Value r = short_repr_items(AS_TUPLE(t)->items, AS_TUPLE(t)->len, 6, level, "[", "]", "");
        gc_pop_root(1);
        return r;
    }
    Value r = obj_repr(v);
    return r ? cut_middle(r, 30) : VAL_NULL;
}

// Is [v] a functools.partial (or an instance of a subclass)?
static bool is_partial(Value v) {
    if (!IS_OBJ(v)) {
        return false;
    }
    ObjTuple *mro = val_class(v)->mro;
    for (size_t i = 0; mro && i < mro->len; i++) {
        ObjClass *c = AS_CLASS(mro->items[i]);
        if (c->module && strcmp(c->name->data, "partial") == 0 && strcmp(c->module->data, "functools") == 0) {
            return true;
        }
    }
    return false;
}

// CPython's _format_callback names [fn] by its own __qualname__, else its
// __name__, else its repr (an instance of a class has neither attribute:
// they live on the type). Rooted by the caller's list.
static Value callback_name(Value fn) {
    const char *attrs[] = {"__qualname__", "__name__"};
    for (int i = 0; i < 2; i++) {
        Value nm = obj_getattr_opt(fn, str_intern_c(attrs[i]));
        if (!nm) {
            exc_clear();
            continue;
        }
        if (!IS_STR(nm) || AS_STR(nm)->len == 0) {
            continue;
        }
        return nm;
    }
    return obj_repr(fn);
}

// Appends "(a, b, k=v)" as _format_args_and_kwargs: reprlib-short reprs.
static bool format_args(Value parts, Value args, Value kwargs) {
    list_append(AS_LIST(parts), str_from_c("("));
    size_t n = 0;
    if (args && IS_TUPLE(args)) {
        for (size_t i = 0; i < AS_TUPLE(args)->len; i++, n++) {
            Value r = short_repr(AS_TUPLE(args)->items[i], 6);
            if (!r) {
                return false;
            }
            list_append(AS_LIST(parts), n ? str_concat(str_from_c(", "), r) : r);
        }
    }
    if (kwargs && IS_A(kwargs, cls_dict)) {
        Value it = obj_iter(kwargs);
        if (!it) {
            return false;
        }
        gc_push_root(it);
        Value k;
        int more;
        while ((more = obj_next(it, &k)) == 1) {
            Value v = obj_getitem(kwargs, k);
            Value r = v && IS_STR(k) ? short_repr(v, 6) : VAL_NULL;
            if (!r) {
                gc_pop_root(1);
                return false;
            }
            list_append(AS_LIST(parts), str_printf("%s%s=%s", n ? ", " : "", AS_STR(k)->data, AS_STR(r)->data));
            n++;
        }
        gc_pop_root(1);
        if (more < 0) {
            return false;
        }
    }
    list_append(AS_LIST(parts), str_from_c(")"));
    return true;
}

// The code whose file:line _get_function_source gives for [fn]: through
// __wrapped__ (inspect.unwrap) and partials to a plain function; NULL for
// anything else (a bound method, a builtin, a callable instance).
static ObjCode *callback_source(Value fn) {
    for (int depth = 0; depth < 100; depth++) {
        if (IS_A(fn, cls_function)) {
            Value w = obj_getattr_opt(fn, str_intern_c("__wrapped__"));
            if (!w) {
                exc_clear();
                return ((ObjFunction *)AS_OBJ(fn))->code;
            }
            fn = w;
        } else if (is_partial(fn)) {
            Value f = obj_getattr_opt(fn, str_intern_c("func"));
            if (!f) {
                exc_clear();
                return NULL;
            }
            fn = f;
        } else {
            return NULL;
        }
    }
    return NULL;
}

// "name(arg, ...) at file:line" as CPython's _format_callback_source: a
// partial shows its function, its fixed arguments, then the call's.
// Reprs of the arguments may run pyish code: the pieces stay rooted.
Value aio_format_callback(Value cb, Value args) {
    if (IS_A(cb, cls_bound_method) && IS_A(((ObjBoundMethod *)AS_OBJ(cb))->self, cls_context) &&
        IS_TUPLE(args) && AS_TUPLE(args)->len >= 1) {
        // a Handle with a context calls context.run(callback, *args): shown
        // as CPython's, by the callback and its arguments
        ObjTuple *t = AS_TUPLE(args);
        Value rest = tuple_new(t->len - 1);
        memcpy(AS_TUPLE(rest)->items, t->items + 1, sizeof(Value) * (t->len - 1));
        cb = t->items[0];
        gc_push_root(rest);
        Value s = aio_format_callback(cb, rest);
        gc_pop_root(1);
        return s;
    }
    Value parts = list_new(4);
    gc_push_root(parts);
    Value fn = cb, kwargs = VAL_NULL;
    size_t insert_at = 0;  // a partial's own arguments go before the call's
    for (int depth = 0; depth < 100 && is_partial(fn); depth++) {
        Value suffix = list_new(2);
        list_append(AS_LIST(parts), suffix);
        if (!format_args(suffix, args, kwargs)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        Value f = obj_getattr_opt(fn, str_intern_c("func"));
        args = f ? obj_getattr_opt(fn, str_intern_c("args")) : VAL_NULL;
        kwargs = args ? obj_getattr_opt(fn, str_intern_c("keywords")) : VAL_NULL;
        if (!kwargs) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        list_append(AS_LIST(parts), args);
        list_append(AS_LIST(parts), kwargs);
        fn = f;
        list_append(AS_LIST(parts), fn);
        insert_at++;
    }
    // parts so far: per partial [suffix, args, kwargs, func]; the name and
    // the innermost arguments come first, then the suffixes innermost last
    Value head = list_new(4);
    list_append(AS_LIST(parts), head);
    Value nm = callback_name(fn);
    if (!nm) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    list_append(AS_LIST(head), nm);
    if (!format_args(head, args, kwargs)) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    for (size_t i = insert_at; i-- > 0;) {
        Value suffix = AS_LIST(parts)->items[i * 4];
        for (size_t j = 0; j < AS_LIST(suffix)->len; j++) {
            list_append(AS_LIST(head), AS_LIST(suffix)->items[j]);
        }
    }
    ObjCode *code = callback_source(cb);
    if (code) {
        list_append(AS_LIST(head), str_printf(" at %s:%d", code->filename->data, code->firstline));
    }
    parts = head;
    Value s = str_from_c("");
    for (size_t i = 0; i < AS_LIST(parts)->len; i++) {
        s = str_concat(s, AS_LIST(parts)->items[i]);
    }
    gc_pop_root(1);
    return s;
}

// "<Handle [cancelled] cb(args) at file:line>" as CPython's Handle.__repr__;
// a TimerHandle adds "when=T" after the state. A cancelled handle has dropped
// its callback (as one made with callback None), so its repr names none.
static Value handle_repr(Value self) {
    ObjHandle *h = (ObjHandle *)AS_OBJ(self);
    Value parts = list_new(4);
    gc_push_root(parts);
    list_append(AS_LIST(parts), str_from_c(h->is_timer ? "TimerHandle" : "Handle"));
    if (h->cancelled) {
        list_append(AS_LIST(parts), str_from_c("cancelled"));
    }
    if (h->is_timer) {
        Value w = float_repr_str(h->when);
        if (!w) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        list_append(AS_LIST(parts), str_concat(str_from_c("when="), w));
    }
    if (!(h->kind == H_CALL && IS_NONE(h->callback))) {
        Value cb = h->kind == H_CALL ? aio_format_callback(h->callback, h->args) : str_from_c("sleep");
        if (!cb) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        list_append(AS_LIST(parts), cb);
    }
    Value s = str_from_c("<");
    for (size_t i = 0; i < AS_LIST(parts)->len; i++) {
        if (i) {
            s = str_concat(s, str_from_c(" "));
        }
        s = str_concat(s, AS_LIST(parts)->items[i]);
    }
    gc_pop_root(1);
    return str_concat(s, str_from_c(">"));
}

// Handle.cancel(): as CPython, the callback and its arguments are dropped.
static Value handle_cancel(int argc, Value *argv, ObjDict *kw) {
    ObjHandle *h = (ObjHandle *)AS_OBJ(argv[0]);
    h->cancelled = true;
    if (h->kind == H_CALL) {
        h->callback = VAL_NONE;
        h->args = VAL_NONE;
    }
    return VAL_NONE;
}

static Value handle_cancelled(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(((ObjHandle *)AS_OBJ(argv[0]))->cancelled);
}

static Value handle_when(int argc, Value *argv, ObjDict *kw) {
    return float_new(((ObjHandle *)AS_OBJ(argv[0]))->when);
}

// ---- the ready ring buffer
static void trace_loop(Obj *o) {
    ObjLoop *l = (ObjLoop *)o;
    gc_mark_obj((Obj *)l->dict);
    gc_mark_value(l->exc_handler);
    gc_mark_value(l->task_factory);
    gc_mark_value(l->iter_end);
    for (size_t i = 0; i < l->rlen; i++) {
        ReadySlot *it = &l->ready[(l->rhead + i) & (l->rcap - 1)];
        gc_mark_value(it->a);
        gc_mark_value(it->bk & ~(Value)3);
    }
    for (size_t i = 0; i < l->ntimers; i++) {
        gc_mark_obj((Obj *)l->timers[i]);
    }
    gc_mark_value(l->current_task);
    io_trace(l);
}

static void finalize_loop(Obj *o) {
    ObjLoop *l = (ObjLoop *)o;
    mem_free(l->ready, sizeof(ReadySlot) * l->rcap);
    mem_free(l->rflow, sizeof(uint32_t) * l->rcap);
    mem_free(l->timers, sizeof(ObjHandle *) * l->ctimers);
    l->ready = NULL;
    l->rflow = NULL;
    l->timers = NULL;
    io_close(l);
    if (ST->running_loop == l) {
        ST->running_loop = NULL;
    }
}

// The ready item at ring position [i], without its flow (ready_flow).
static inline ReadyItem ready_at(const ObjLoop *loop, size_t i) {
    ReadySlot *sl = &loop->ready[i];
    return (ReadyItem){(int)(sl->bk & 3), 0, sl->a, sl->bk & ~(Value)3};
}

// The --trace-file flow of the item at ring position [i] (0: none).
static inline uint32_t ready_flow(const ObjLoop *loop, size_t i) {
    return loop->rflow ? loop->rflow[i] : 0;
}

// A copy of the ring (and of its flows) [ncap] items long, from the head.
static __attribute__((noinline)) void ready_regrow(ObjLoop *loop, size_t ncap) {
    ReadySlot *n = mem_alloc(sizeof(ReadySlot) * ncap);
    uint32_t *nf = loop->rflow ? mem_alloc(sizeof(uint32_t) * ncap) : NULL;
    for (size_t i = 0; i < loop->rlen; i++) {
        size_t j = (loop->rhead + i) & (loop->rcap - 1);
        n[i] = loop->ready[j];
        if (nf) {
            nf[i] = loop->rflow[j];
        }
    }
    mem_free(loop->ready, sizeof(ReadySlot) * loop->rcap);
    mem_free(loop->rflow, sizeof(uint32_t) * loop->rcap);
    loop->ready = n;
    loop->rflow = nf;
    loop->rcap = ncap;
    loop->rhead = 0;
}

// --trace-file: notes the flow of the item just queued at ring position [i]
// (out of line: loop_push's fast path keeps no stack frame).
static __attribute__((noinline)) void ready_trace_push(ObjLoop *loop, size_t i) {
    if (!loop->rflow) {
        loop->rflow = mem_alloc(sizeof(uint32_t) * loop->rcap);
        memset(loop->rflow, 0, sizeof(uint32_t) * loop->rcap);
    }
    ReadyItem it = ready_at(loop, i);
    trace_push(&it);
    loop->rflow[i] = it.flow;
}

void loop_push(ObjLoop *loop, int kind, Value a, Value b) {
    ASSERT(!b || IS_OBJ(b));
    if (loop->rlen == loop->rcap) {
        ready_regrow(loop, loop->rcap ? loop->rcap * 2 : 64);
    }
    size_t i = (loop->rhead + loop->rlen) & (loop->rcap - 1);
    loop->ready[i] = (ReadySlot){a, b | (Value)kind};
    loop->rlen++;
    if (loop->dbg & LOOP_DBG_TRACE) {
        ready_trace_push(loop, i);
    }
}

// (its flow left unset: run_once reads it only when the loop traces)
static ReadyItem ready_pop(ObjLoop *loop) {
    ReadySlot *sl = &loop->ready[loop->rhead];
    ReadyItem it;
    it.kind = (int)(sl->bk & 3);
    it.a = sl->a;
    it.b = sl->bk & ~(Value)3;
    loop->rhead = (loop->rhead + 1) & (loop->rcap - 1);
    loop->rlen--;
    return it;
}

// loop._ready (CPython's deque of ready Handles, read by tests): a tuple
// snapshot with one Handle per queued item. Internal items (task steps,
// wake-ups, done-callbacks) get a new Handle naming the task or callback
// and its argument; cancelling such a copy does not unqueue the item.
Value loop_ready_snapshot(ObjLoop *loop) {
    Value t = tuple_new(loop->rlen);
    if (!t) {
        return VAL_NULL;
    }
    gc_push_root(t);
    for (size_t i = 0; i < loop->rlen; i++) {
        ReadyItem it = ready_at(loop, (loop->rhead + i) & (loop->rcap - 1));
        Value h = it.a;
        if (it.kind != R_HANDLE) {
            Value arg = it.b ? it.b : VAL_NONE;
            Value w = it.kind == R_STEP && !it.b ? ((ObjTask *)AS_OBJ(it.a))->fut_waiter : VAL_NULL;
            if (w && AS_OBJ(w)->cls == cls_sleep) {
                // a bare sleep's wake-up: shown as its future's, as CPython has one
                arg = aio_task_waiter((ObjTask *)AS_OBJ(it.a));
            }
            h = loop_handle_new(loop, it.a, 1, &arg);
        }
        AS_TUPLE(t)->items[i] = h;
    }
    gc_pop_root(1);
    return t;
}

// ---- schedule shuffling (--schedule=random:SEED)
// splitmix64 on the state's PRNG: the same seed gives the same sequence, so
// the same schedule, on every run.
static uint64_t sched_next(void) {
    uint64_t z = (ST->aio_sched_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Fisher-Yates over the first [n] ready items: the ones this iteration runs
// (items they queue still run in the next one, as in fifo order).
static void shuffle_ready(ObjLoop *loop, size_t n) {
    size_t mask = loop->rcap - 1;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(sched_next() % i);
        size_t x = (loop->rhead + i - 1) & mask, y = (loop->rhead + j) & mask;
        ReadySlot t = loop->ready[x];
        loop->ready[x] = loop->ready[y];
        loop->ready[y] = t;
        if (loop->rflow) {
            uint32_t tf = loop->rflow[x];
            loop->rflow[x] = loop->rflow[y];
            loop->rflow[y] = tf;
        }
    }
}

// ---- the timer heap
// The deadline a timer is ordered and fired by: a NaN deadline counts as
// -inf (due at once, as in CPython, where `when >= end_time` is false for
// NaN), so that the ordering is total; when() still reports NaN.
static inline double timer_key(const ObjHandle *h) {
    return isnan(h->when) ? -INFINITY : h->when;
}

static bool timer_before(ObjHandle *a, ObjHandle *b) {
    double ka = timer_key(a), kb = timer_key(b);
    return ka < kb || (ka == kb && a->seq < b->seq);
}

static void heap_push(ObjLoop *l, ObjHandle *h) {
    if (l->ntimers == l->ctimers) {
        size_t ncap = l->ctimers ? l->ctimers * 2 : 32;
        l->timers = mem_realloc(l->timers, sizeof(ObjHandle *) * l->ctimers, sizeof(ObjHandle *) * ncap);
        l->ctimers = ncap;
    }
    size_t i = l->ntimers++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!timer_before(h, l->timers[p])) {
            break;
        }
        l->timers[i] = l->timers[p];
        i = p;
    }
    l->timers[i] = h;
    h->scheduled = true;
}

static ObjHandle *heap_pop(ObjLoop *l) {
    ObjHandle *top = l->timers[0];
    ObjHandle *last = l->timers[--l->ntimers];
    size_t n = l->ntimers, i = 0;
    if (n > 0) {
        for (;;) {
            size_t c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && timer_before(l->timers[c + 1], l->timers[c])) {
                c++;
            }
            if (!timer_before(l->timers[c], last)) {
                break;
            }
            l->timers[i] = l->timers[c];
            i = c;
        }
        l->timers[i] = last;
    }
    top->scheduled = false;
    return top;
}

// ---- scheduling API
static bool check_closed(ObjLoop *loop) {
    if (loop->closed) {
        exc_raise(exc_RuntimeError, "Event loop is closed");
        return false;
    }
    return true;
}

Value loop_call_soon(ObjLoop *loop, Value cb, Value args) {
    if (!check_closed(loop)) {
        return VAL_NULL;
    }
    Value h = handle_new(loop, H_CALL, cb, args, false);
    loop_push(loop, R_HANDLE, h, VAL_NULL);
    return h;
}

// Puts the timer [h] (kind, callback, args filled) in [loop]'s heap at
// absolute time [when].
static void timer_schedule(ObjLoop *loop, ObjHandle *h, double when) {
    h->loop = loop;
    h->is_timer = true;
    // a NaN deadline fires at the next iteration (timer_key orders it as
    // -inf); kept as NaN so that when() reports it as CPython does
    h->when = when;
    h->seq = ++loop->seq;
    if (loop->dbg) {
        if (loop->dbg & LOOP_DBG_SHUFFLE) {
            h->seq = sched_next();     // equal deadlines fire in random order
        }
        if (loop->dbg & LOOP_DBG_TRACE) {
            trace_timer(h, false);
        }
    }
    heap_push(loop, h);
}

Value loop_call_at(ObjLoop *loop, double when, int kind, Value cb, Value args) {
    if (!check_closed(loop)) {
        return VAL_NULL;
    }
    Value hv = handle_new(loop, kind, cb, args, true);
    timer_schedule(loop, (ObjHandle *)AS_OBJ(hv), when);
    return hv;
}

bool loop_env_debug(void) {
    if (ST->config.dev_mode) {
        return true;        // -X dev, as CPython's sys.flags.dev_mode
    }
    // sandboxed states read no environment
    const char *env = ST->config.sandbox ? NULL : getenv("PYISHASYNCIODEBUG");
    if (!env || !*env) {
        env = ST->config.sandbox ? NULL : getenv("PYTHONASYNCIODEBUG");
    }
    return env && *env;
}

// A new loop's debug mode, as CPython's BaseEventLoop.__init__ takes it from
// asyncio.coroutines._is_debug_mode(): the environment, unless a program
// replaced that function (mock.patch) in the loaded module. An error in the
// replacement is reported as unraisable and the environment decides.
static bool new_loop_debug(void) {
    Value mod = ST->modules ? dict_get_str(ST->modules, str_intern_c("asyncio.coroutines")) : VAL_NULL;
    Value fn = mod ? obj_getattr_opt(mod, str_intern_c("_is_debug_mode")) : VAL_NULL;
    if (!fn || (IS_A(fn, cls_native) && ((ObjNative *)AS_OBJ(fn))->fn == aio_is_debug_mode)) {
        exc_clear();
        return loop_env_debug();
    }
    Value r = vm_call(fn, 0, NULL, NULL);
    int t = r ? obj_truthy(r) : -1;
    if (t < 0) {
        Value e = exc_take();
        tb_print_unraisable(e);
        return loop_env_debug();
    }
    return t;
}

Value loop_new(void) {
    bool debug = new_loop_debug();
    ObjLoop *l = (ObjLoop *)obj_alloc(cls_loop, sizeof(ObjLoop));
    l->dbg = (uint8_t)((ST->config.schedule_random ? LOOP_DBG_SHUFFLE : 0) |
                       (ST->aio_trace ? LOOP_DBG_TRACE : 0) | (ST->config.strict_tasks ? LOOP_DBG_STRICT : 0));
    if (debug) {
        l->debug = true;
        l->dbg |= LOOP_DBG_DEBUG;
    }
    return OBJ_VAL(l);
}

ObjLoop *loop_get_event_loop(void) {
    if (ST->running_loop) {
        return ST->running_loop;
    }
    if (!ST->default_loop) {
        ST->default_loop = (ObjLoop *)AS_OBJ(loop_new());
    }
    return ST->default_loop;
}


ObjLoop *loop_get_event_loop_checked(void) {
    if (!ST->running_loop && !ST->default_loop && ST->set_loop_called) {
        exc_raise(exc_RuntimeError, "There is no current event loop in thread 'MainThread'.");
        return NULL;
    }
    return loop_get_event_loop();
}

// ---- running
static bool is_fatal(Value e) {
    return exc_matches(e, OBJ_VAL(exc_KeyboardInterrupt)) || exc_matches(e, OBJ_VAL(exc_SystemExit));
}

// Reports an exception of a callback through the loop's exception handler.
static bool callback_failed(ObjLoop *loop, Value cb, Value args, Value handle) {
    Value e = exc_take();
    if (is_fatal(e)) {
        exc_raise_value(e);
        return false;
    }
    gc_push_root(e);
    Value s = aio_format_callback(cb, args);
    if (!s) {
        exc_clear();
        s = str_from_c("?");
    }
    gc_push_root(s);
    Value msg = str_printf("Exception in callback %s", AS_STR(s)->data);
    gc_push_root(msg);
    if (handle) {
        aio_report_error(loop, AS_STR(msg)->data, e, "handle", handle);
    } else {
        // An internal done-callback has no Handle object: print what its
        // Handle's repr would be.
        Value hr = str_printf("<Handle %s>", AS_STR(s)->data);
        gc_push_root(hr);
        aio_report_error(loop, AS_STR(msg)->data, e, "handle", hr);
        gc_pop_root(1);
    }
    gc_pop_root(3);
    return true;
}

// The default exception handler: the message, the sorted extra context
// entries as "key: repr(value)", then the exception's traceback.
// asyncio's logger.error(text, exc_info=(type, exc, tb) or False), as
// CPython's default_exception_handler reports: programs and tests that
// configure or patch the 'asyncio' logger see it. false (nothing raised)
// when logging is not there (a sandbox) or failed: the caller prints.
static bool log_error(Value text, Value exc) {
    Value saved = exc_take();
    Value mod = vm_import("asyncio.log");
    Value logger = mod ? obj_getattr_opt(mod, str_intern_c("logger")) : VAL_NULL;
    bool ok = false;
    if (logger) {
        gc_push_root(logger);
        Value info = VAL_FALSE;
        if (exc) {
            Value tb = obj_getattr_opt(exc, str_intern_c("__traceback__"));
            info = tuple_pack(3, OBJ_VAL(val_class(exc)), exc, tb ? tb : VAL_NONE);
        }
        gc_push_root(info);
        Value kw = dict_new();
        gc_push_root(kw);
        dict_set_str(AS_DICT(kw), str_intern_c("exc_info"), info);
        Value m = obj_getattr_opt(logger, str_intern_c("error"));
        ok = m && vm_call(m, 1, &text, AS_DICT(kw)) != VAL_NULL;
        gc_pop_root(3);
    }
    exc_clear();
    if (saved) {
        exc_raise_value(saved);
    }
    return ok;
}

static void default_report(Value ctx) {
    ObjDict *d = AS_DICT(ctx);
    Value msg = dict_get_str(d, str_intern_c("message"));
    Value exc = dict_get_str(d, str_intern_c("exception"));
    Value keys = list_new(0);
    gc_push_root(keys);
    size_t pos = 0;
    Value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        if (IS_STR(k) && strcmp(AS_STR(k)->data, "message") != 0 && strcmp(AS_STR(k)->data, "exception") != 0) {
            list_append(AS_LIST(keys), k);
        }
    }
    // few keys: insertion sort by name
    ObjList *kl = AS_LIST(keys);
    for (size_t i = 1; i < kl->len; i++) {
        for (size_t j = i; j > 0 && strcmp(AS_STR(kl->items[j - 1])->data, AS_STR(kl->items[j])->data) > 0; j--) {
            Value t = kl->items[j];
            kl->items[j] = kl->items[j - 1];
            kl->items[j - 1] = t;
        }
    }
    Value text = msg && IS_STR(msg) && AS_STR(msg)->len ? msg : str_from_c("Unhandled exception in event loop");
    gc_push_root(text);
    for (size_t i = 0; i < kl->len; i++) {
        Value val = dict_get_str(d, AS_STR(kl->items[i]));
        const char *key = AS_STR(kl->items[i])->data;
        if (strcmp(key, "source_traceback") == 0 || strcmp(key, "handle_traceback") == 0) {
            // as CPython's: the frames, the last newline stripped
            Value s = tb_format_origin(val, false);
            if (s && AS_STR(s)->len) {
                const char *what = key[0] == 's' ? "Object" : "Handle";
                text = str_printf("%s\n%s: %s created at (most recent call last):\n%.*s", AS_STR(text)->data, key, what,
                                  (int)AS_STR(s)->len - 1, AS_STR(s)->data);
                gc_pop_root(1);
                gc_push_root(text);
            }
            exc_clear();
            continue;
        }
        Value r = IS_STR(val) && strncmp(AS_STR(val)->data, "<Handle ", 8) == 0 ? val : obj_repr(val);
        if (!r) {
            exc_clear();
            r = str_from_c("?");
        }
        text = str_printf("%s\n%s: %s", AS_STR(text)->data, AS_STR(kl->items[i])->data, AS_STR(r)->data);
        gc_pop_root(1);
        gc_push_root(text);
    }
    exc = exc && IS_OBJ(exc) && !IS_NONE(exc) ? exc : VAL_NULL;
    if (!log_error(text, exc)) {
        aio_print_exception(AS_STR(text)->data, VAL_NULL, exc);
    }
    gc_pop_root(2);
}

void aio_report_error(ObjLoop *loop, const char *msg, Value exc, const char *key, Value val) {
    Value saved = exc_take();
    if (saved) {
        gc_push_root(saved);
    }
    Value ctx = dict_new();
    gc_push_root(ctx);
    dict_set_str(AS_DICT(ctx), str_intern_c("message"), str_from_c(msg));
    if (exc) {
        dict_set_str(AS_DICT(ctx), str_intern_c("exception"), exc);
    }
    if (key) {
        dict_set_str(AS_DICT(ctx), str_intern_c(key), val);
        // debug mode: where the future or task was made, as CPython's
        // Future.__del__ passes it
        ObjClass *c = IS_OBJ(val) ? AS_OBJ(val)->cls : NULL;
        if (c && (c == cls_future || c == cls_task || c->native_base == cls_future || c->native_base == cls_task)) {
            Value tb = future_origin((ObjFuture *)AS_OBJ(val));
            if (tb && AS_LIST(tb)->len) {
                dict_set_str(AS_DICT(ctx), str_intern_c("source_traceback"), tb);
            }
        }
    }
    // an instance's own call_exception_handler (CPython's loop calls it
    // through self) takes the context
    Value own = loop && loop->dict ? dict_get_str(loop->dict, str_intern_c("call_exception_handler")) : VAL_NULL;
    if (own) {
        if (!vm_call(own, 1, &ctx, NULL)) {
            tb_print_unraisable(exc_take());
        }
    } else if (loop && loop->exc_handler) {
        Value args[2] = {OBJ_VAL(loop), ctx};
        if (!vm_call(loop->exc_handler, 2, args, NULL)) {
            Value e = exc_take();
            gc_push_root(e);
            Value ctx2 = dict_new();
            gc_push_root(ctx2);
            dict_set_str(AS_DICT(ctx2), str_intern_c("message"),
                         str_from_c("Unhandled error in exception handler"));
            dict_set_str(AS_DICT(ctx2), str_intern_c("exception"), e);
            dict_set_str(AS_DICT(ctx2), str_intern_c("context"), ctx);
            default_report(ctx2);
            gc_pop_root(2);
        }
    } else {
        default_report(ctx);
    }
    exc_clear();
    gc_pop_root(1);
    if (saved) {
        gc_pop_root(1);
        exc_raise_value(saved);
    }
}

// run_until_complete()'s done callback on future [f]: stops its loop. Not
// when [f] ended with SystemExit or KeyboardInterrupt: that exception
// already ended run_forever(), and the callback, still queued, would stop
// the next run at once (CPython's _run_until_complete_cb, issue #22429).
static void stop_for(ObjFuture *f) {
    Value e = f->state == FUT_FINISHED ? fut_exc(f) : VAL_NULL;
    if (!e || !is_fatal(e)) {
        f->loop->stopping = true;
    }
}

static void sleep_fire(ObjHandle *h);

static bool run_item(ObjLoop *loop, ReadyItem it) {
    switch (it.kind) {
    case R_STEP:
        return task_step((ObjTask *)AS_OBJ(it.a), it.b);
    case R_WAKEUP: {
        gc_push_root(it.b);
        bool ok = task_wakeup((ObjTask *)AS_OBJ(it.a), (ObjFuture *)AS_OBJ(it.b));
        gc_pop_root(1);
        return ok;
    }
    case R_CALLBACK: {
        if (it.a == ST->stop_cb) {
            stop_for((ObjFuture *)AS_OBJ(it.b));
            return true;
        }
        gc_push_root(it.a);
        gc_push_root(it.b);
        Value fn = future_callback_fn(it.a);
        Value r;
        if (fn != it.a) {
            // added with a context: context.run(fn, future)
            Value run = obj_getattr(AS_TUPLE(it.a)->items[1], str_intern_c("run"));
            Value args2[2] = {fn, it.b};
            r = run ? vm_call(run, 2, args2, NULL) : VAL_NULL;
        } else {
            // added where the context was empty: an empty one of its own
            Value own = VAL_NULL, *saved_slot;
            Value prev_ctx = context_enter(VAL_NULL, &own, &saved_slot);
            gc_push_root(prev_ctx);
            r = vm_call(it.a, 1, &it.b, NULL);
            context_leave(prev_ctx, saved_slot);
            gc_pop_root(1);
        }
        bool ok = true;
        if (!r) {
            Value args = tuple_pack(1, it.b);
            ok = callback_failed(((ObjFuture *)AS_OBJ(it.b))->loop, fn, args, VAL_NULL);
        }
        gc_pop_root(2);
        return ok;
    }
    default: {
        ObjHandle *h = (ObjHandle *)AS_OBJ(it.a);
        if (aio_handle_dead(h)) {
            return true;
        }
        if (h->kind == H_SLEEP) {
            future_set_result((ObjFuture *)AS_OBJ(h->callback), h->args);
            return true;
        }
        if (h->kind == H_SLEEP_TASK) {
            sleep_fire(h);
            return true;
        }
        gc_push_root(it.a);
        ObjTuple *args = IS_TUPLE(h->args) ? AS_TUPLE(h->args) : NULL;
        // a Handle made where the context was empty runs in an empty
        // context of its own (CPython's copy): what it sets stays there
        Value own = VAL_NULL, *saved_slot;
        Value prev_ctx = context_enter(VAL_NULL, &own, &saved_slot);
        gc_push_root(prev_ctx);
        Value r = vm_call(h->callback, args ? (int)args->len : 0, args ? args->items : NULL, NULL);
        context_leave(prev_ctx, saved_slot);
        gc_pop_root(1);
        bool ok = r ? true : callback_failed(h->loop, h->callback, h->args, it.a);
        gc_pop_root(1);
        return ok;
    }
    }
}

// The deadlock report: every pending task, where it is and what it awaits.
static void raise_deadlock(ObjLoop *loop) {
    Value lines = list_new(8);
    gc_push_root(lines);
    list_append(AS_LIST(lines), VAL_NONE);     // the first line, made last
    for (size_t i = 0; i < ST->task_nregistry; i++) {
        ObjTask *t = ST->task_registry[i];
        if (t->f.loop != loop || t->f.state != FUT_PENDING) {
            continue;
        }
        Value d = task_describe_wait(t);
        if (!d) {
            gc_pop_root(1);
            return;
        }
        list_append(AS_LIST(lines), d);
    }
    Value what;
    if (ST->deadlock_target) {
        Value r = obj_repr(ST->deadlock_target);
        if (!r) {
            gc_pop_root(1);
            return;
        }
        what = str_printf("run_until_complete() waits for %s", AS_STR(r)->data);
    } else {
        what = str_from_c("run_forever() is running");
    }
    Value head = str_printf("deadlock: %s, but nothing is ready to run and no timer is scheduled; "
                            "%zu pending task%s:",
                            AS_STR(what)->data, AS_LIST(lines)->len - 1, AS_LIST(lines)->len == 2 ? "" : "s");
    AS_LIST(lines)->items[0] = head;
    // one join: concatenating line by line copied the message once per
    // task (quadratic: 20000 pending tasks ran out of memory)
    Value msg = str_join_list(str_from_c("\n"), lines);
    gc_pop_root(1);
    if (!msg) {
        return;
    }
    Value e = exc_new(exc_RuntimeError, 1, &msg);
    if (e) {
        exc_raise_value(e);
    }
}

// A real clock always wakes a little after the deadline; the virtual clock
// overshoots by this much too, so that elapsed times that are exact halves
// (0.25 s, 2.5 s) round the way they do under CPython (round(0.2503, 1) ==
// 0.3, not round(0.25, 1) == 0.2).
#define VIRTUAL_OVERSHOOT 1e-6

static bool idle_sleep(double until) {
    if (ST->clock_virtual) {
        clock_advance_to(until + VIRTUAL_OVERSHOOT);
        return true;
    }
    for (;;) {
        double left = until - clock_monotonic();
        if (left <= 0) {
            return true;
        }
        if (left > 0.05) {
            left = 0.05;
        }
        struct timespec ts;
        ts.tv_sec = (time_t)left;
        ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
        nanosleep(&ts, NULL);
        if (STATE_INTERRUPT() && vm_raise_interrupt()) {
            return false;
        }
    }
}

// --strict-tasks and debug mode, at the start of an iteration (a safe point): a task that
// failed unobserved in the last one is found now, before the loop waits,
// even when no pyish code would run (and collect) before the next timer.
// false with SystemExit raised when one was found.
static bool strict_check(void) {
    if (ST->gc.due) {
        gc_collect();
        if (STATE_INTERRUPT() && vm_raise_interrupt()) {
            return false;
        }
    }
    return true;
}

static bool report_slow_step(ObjLoop *loop, const ReadyItem *it, double t0, Value site0);

// One iteration: wait for I/O or the next timer (unless [may_block] is
// false, as when a host or the REPL drives the loop), then run what is ready.
static bool run_once(ObjLoop *loop, bool may_block) {
    if ((loop->dbg & (LOOP_DBG_STRICT | LOOP_DBG_DEBUG)) && !strict_check()) {
        return false;
    }
    while (loop->ntimers && aio_handle_dead(loop->timers[0])) {
        heap_pop(loop);
    }
    double until = INFINITY;
    if (may_block && !loop->rlen && !loop->stopping && gthread_active()) {
        // the loop would wait: other green threads run first (they may
        // schedule callbacks), and it waits no longer than until one of
        // them may run again
        until = gthread_loop_idle(loop->ntimers ? timer_key(loop->timers[0]) : INFINITY);
        while (loop->ntimers && aio_handle_dead(loop->timers[0])) {
            heap_pop(loop);
        }
    }
    double next = loop->ntimers ? timer_key(loop->timers[0]) : INFINITY;
    next = until < next ? until : next;
    if (io_could_wake(loop)) {
        // poll without blocking while something is ready, else until an
        // event or the next timer
        bool block = may_block && !(loop->rlen || loop->stopping);
        double t0 = (loop->dbg & LOOP_DBG_TRACE) ? clock_monotonic() : 0;
        size_t before = loop->rlen;
        if (!io_wait(loop, block ? next : -INFINITY)) {
            return false;
        }
        if (loop->dbg & LOOP_DBG_TRACE) {
            trace_idle_end(t0, block, true, loop->rlen - before);
        }
    } else if (loop->rlen == 0 && !loop->stopping) {
        // a timer at +inf never fires: nothing could wake the loop
        if (next == INFINITY) {
            raise_deadlock(loop);
            return false;
        }
        double t0 = (loop->dbg & LOOP_DBG_TRACE) ? clock_monotonic() : 0;
        if (!idle_sleep(next)) {
            return false;
        }
        if (loop->dbg & LOOP_DBG_TRACE) {
            trace_idle_end(t0, true, false, 0);
        }
    }
    double end = clock_monotonic() + 1e-9;
    while (loop->ntimers && timer_key(loop->timers[0]) < end) {
        ObjHandle *h = heap_pop(loop);
        if (!aio_handle_dead(h)) {
            if (loop->dbg & LOOP_DBG_TRACE) {
                trace_timer(h, true);
            }
            loop_push(loop, R_HANDLE, OBJ_VAL(h), VAL_NULL);
        }
    }
    size_t ntodo = loop->rlen;
    if (loop->dbg & LOOP_DBG_SHUFFLE) {
        shuffle_ready(loop, ntodo);
    }
    for (size_t i = 0; i < ntodo && loop->rlen > 0; i++) {
        ReadyItem it = ready_pop(loop);
        // one call site, so that run_item stays inlined (two cost ~20
        // instructions per item); [slice] is false when not tracing
        bool slice = false;
        if (loop->dbg & LOOP_DBG_TRACE) {
            it.flow = ready_flow(loop, (loop->rhead - 1) & (loop->rcap - 1));
            slice = trace_item_begin(&it);
        }
        double t0 = 0;
        Value site0 = VAL_NULL;     // debug mode: where a task's step starts
        if (__builtin_expect(loop->dbg & LOOP_DBG_DEBUG, 0)) {
            site0 = (it.kind == R_STEP || it.kind == R_WAKEUP) ? task_step_site(it.a) : VAL_NULL;
            gc_push_root(site0);
            t0 = clock_real_monotonic();
        }
        bool ok = run_item(loop, it);
        if (__builtin_expect(slice, 0)) {
            trace_item_end(&it);
        }
        if (__builtin_expect(t0 != 0, 0)) {
            if (!report_slow_step(loop, &it, t0, site0)) {
                ok = false;
            }
            gc_pop_root(1);
        }
        if (!ok) {
            return false;
        }
        if (STATE_INTERRUPT() && vm_raise_interrupt()) {
            return false;
        }
    }
    if (loop->iter_end) {
        // one-shot: the I/O layer arms it again when it has more to do
        Value fn = loop->iter_end;
        loop->iter_end = VAL_NULL;
        gc_push_root(fn);
        Value r = vm_call(fn, 0, NULL, NULL);
        gc_pop_root(1);
        if (!r) {
            return false;
        }
    }
    return true;
}

// Debug mode: a step or callback that ran at least the loop's
// slow_callback_duration (0.1 s unless set) is reported as CPython does,
// on the asyncio logger: "Executing <Task ...> took 0.150 seconds". The
// Task's repr names where it is suspended now; for a task's step pyish
// adds where the step started ([site0]) and ended, in user code: "(step
// from app.pyish:14 in crunch() to app.pyish:16 in crunch())". false: raised.
static bool report_slow_step(ObjLoop *loop, const ReadyItem *it, double t0, Value site0) {
    double dt = clock_real_monotonic() - t0;
    Value saved = exc_take();       // a step that failed: its exception waits
    gc_push_root(saved);
    double lim = 0.1, d;
    Value v = obj_getattr_opt(OBJ_VAL(loop), str_intern_c("slow_callback_duration"));
    if (v && val_to_double(v, &d)) {
        lim = d;
    }
    exc_clear();
    bool ok = true;
    if (dt >= lim) {
        Value log = vm_import("asyncio.log");
        Value logger = log ? obj_getattr_opt(log, str_intern_c("logger")) : VAL_NULL;
        Value warn = logger ? obj_getattr_opt(logger, str_intern_c("warning")) : VAL_NULL;
        if (warn) {
            gc_push_root(warn);
            Value site1 = site0 ? task_step_site(it->a) : VAL_NULL;
            Value fmt = site1 ? str_printf("Executing %%s took %%.3f seconds (step from %s to %s)",
                                           AS_STR(site0)->data, AS_STR(site1)->data)
                              : str_from_c("Executing %s took %.3f seconds");
            Value args[3] = {fmt, it->a, float_new(dt)};
            gc_push_root(args[0]);
            gc_push_root(args[2]);
            ok = vm_call(warn, 3, args, NULL) != VAL_NULL;
            gc_pop_root(3);
        } else {
            ok = false;
        }
    }
    if (saved) {
        exc_clear();
        exc_raise_value(saved);
        ok = false;
    }
    gc_pop_root(1);
    return ok;
}

// Debug mode: a blocking call made inside a task of a running loop
// (time.sleep, input, a blocking socket's recv/accept/connect, a read of a
// pipe or tty, subprocess.run and its kin, a Lock.acquire that would
// block) is reported on the asyncio logger with the user's line: "blocking
// call time.sleep(2.0) in task 'Task-3' at app.pyish:41: use await
// asyncio.sleep()". The first call made at a line of a task is reported,
// not the ones after it there (a loop of reads, or subprocess.run()'s own
// reads of its pipes). Reporting failures are ignored: the call goes on.
static void report_blocking_call(const char *call, Value arg, const char *hint) {
    ObjLoop *loop = ST->running_loop;
    if (!loop || !(loop->dbg & LOOP_DBG_DEBUG) || !loop->current_task) {
        return;
    }
    Value saved = exc_take();
    gc_push_root(saved);
    gc_push_root(arg);
    ObjTask *t = (ObjTask *)AS_OBJ(loop->current_task);
    Value site = tb_capture_origin(1);
    gc_push_root(site);
    Value *fr = AS_TUPLE(site)->len ? AS_TUPLE(AS_TUPLE(site)->items[0])->items : NULL;
    int line = fr ? (int)AS_SMALL(fr[1]) : 0;
    const void *file = fr ? (const void *)AS_OBJ(fr[0]) : NULL;
    if (ST->aio_block_last_task != (const void *)t || ST->aio_block_last_file != file ||
        ST->aio_block_last_line != line) {
        ST->aio_block_last_task = t;
        ST->aio_block_last_file = file;
        ST->aio_block_last_line = line;
        Value name = task_set_name_value(t);
        name = name ? name : str_printf("Task-%lld", (long long)t->num);
        gc_push_root(name);
        Value ar = arg ? obj_repr(arg) : VAL_NULL;
        exc_clear();
        gc_push_root(ar);
        Value msg = str_printf("blocking call %s%s%s%s in task '%s' at %s:%d: %s", call, ar ? "(" : "",
                               ar ? AS_STR(ar)->data : "", ar ? ")" : "", IS_STR(name) ? AS_STR(name)->data : "?",
                               fr ? AS_STR(fr[0])->data : "?", line, hint);
        gc_push_root(msg);
        aio_log_warning(msg);
        gc_pop_root(3);
    }
    exc_clear();
    gc_pop_root(2);
    if (saved) {
        exc_raise_value(saved);
    }
    gc_pop_root(1);
}

// _report_blocking(call, hint, up): the same report for a blocking
// function of pyish's library (subprocess.run, Lock.acquire) when the
// user's code called it directly, [up] frames above the caller of
// _report_blocking (1: its caller; 2 through a helper): calls made inside
// the library stay quiet (run() -> wait()).
Value aio_report_blocking_m(int argc, Value *argv, ObjDict *kw) {
    int64_t up = 0;
    if (!arg_count("_report_blocking", argc, 3, 3)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0]) || !IS_STR(argv[1]) || !IS_INT(argv[2]) || !int_to_i64(argv[2], &up)) {
        return exc_raise(exc_TypeError, "_report_blocking(call, hint, up) takes two str and an int");
    }
    if (ST->aio_debug_running && up >= 0 && up < 64 && tb_caller_is_user((int)up)) {
        report_blocking_call(AS_STR(argv[0])->data, VAL_NULL, AS_STR(argv[1])->data);
    }
    return VAL_NONE;
}

void aio_log_warning(Value msg) {
    Value saved = exc_take();
    gc_push_root(saved);
    gc_push_root(msg);
    Value log = vm_import("asyncio.log");
    Value logger = log ? obj_getattr_opt(log, str_intern_c("logger")) : VAL_NULL;
    Value warn = logger ? obj_getattr_opt(logger, str_intern_c("warning")) : VAL_NULL;
    if (warn) {
        vm_call(warn, 1, &msg, NULL);
    }
    exc_clear();
    gc_pop_root(2);
    if (saved) {
        exc_raise_value(saved);
    }
}

static bool check_can_run(ObjLoop *loop) {
    if (!check_closed(loop)) {
        return false;
    }
    if (loop->running) {
        exc_raise(exc_RuntimeError, "This event loop is already running");
        return false;
    }
    if (ST->running_loop && ST->running_loop != loop) {
        exc_raise(exc_RuntimeError, "Cannot run the event loop while another loop is running");
        return false;
    }
    return true;
}

static bool run_forever(ObjLoop *loop) {
    if (!check_can_run(loop)) {
        return false;
    }
    ObjLoop *prev = ST->running_loop;
    ST->running_loop = loop;
    loop->running = true;
    // debug mode: coroutines record where they were made (CPython's
    // DEBUG_STACK_DEPTH), for the never-awaited warning
    int depth = ST->coro_origin_depth;
    if (loop->debug && depth == 0) {
        ST->coro_origin_depth = AIO_DEBUG_STACK_DEPTH;
    }
    bool dbg_was = ST->aio_debug_running;
    ST->aio_debug_running = loop->debug;
    bool ok = true;
    for (;;) {
        if (!run_once(loop, true)) {
            ok = false;
            break;
        }
        if (loop->stopping) {
            break;
        }
    }
    loop->stopping = false;
    loop->running = false;
    ST->running_loop = prev;
    ST->coro_origin_depth = depth;
    ST->aio_debug_running = dbg_was;
    return ok;
}

// ---- the loop driven from outside (the REPL, the embedding API)

static void drop_cancelled_timers(ObjLoop *loop) {
    while (loop->ntimers && aio_handle_dead(loop->timers[0])) {
        heap_pop(loop);
    }
}

int loop_backend_fd(ObjLoop *loop) {
    return loop && !loop->closed && io_could_wake(loop) ? io_backend_fd(loop) : -1;
}

double loop_next_deadline(ObjLoop *loop) {
    drop_cancelled_timers(loop);
    if (loop->closed) {
        return -1;
    }
    if (loop->rlen > 0) {
        return 0;
    }
    if (loop->ntimers) {
        double t = timer_key(loop->timers[0]);
        if (t == INFINITY) {
            return -1;
        }
        double d = t - clock_monotonic();
        return d > 0 ? d : 0;
    }
    return -1;
}

const char *loop_unusable(ObjLoop *loop) {
    if (!loop) {
        return "missing";
    }
    if (loop->closed) {
        return "closed";
    }
    if (loop->running || (ST->running_loop && ST->running_loop != loop)) {
        return "busy";
    }
    return NULL;
}

bool loop_enter(ObjLoop *loop) {
    if (loop_unusable(loop)) {
        return false;
    }
    ST->running_loop = loop;
    ST->aio_debug_running = loop->debug;
    loop->running = true;
    loop->entered = true;
    return true;
}

void loop_leave(ObjLoop *loop) {
    loop->entered = false;
    loop->running = false;
    loop->stopping = false;
    ST->running_loop = NULL;
    ST->aio_debug_running = false;
}

bool loop_run_once(ObjLoop *loop) {
    drop_cancelled_timers(loop);
    bool due = loop->rlen > 0 || (loop->ntimers && timer_key(loop->timers[0]) <= clock_monotonic()) ||
               io_could_wake(loop);
    if (!due || loop->closed) {
        return true;
    }
    if (!check_can_run(loop)) {
        return false;
    }
    ObjLoop *prev = ST->running_loop;
    ST->running_loop = loop;
    bool dbg_was = ST->aio_debug_running;
    ST->aio_debug_running = loop->debug;
    loop->running = true;
    bool ok = run_once(loop, false);
    loop->stopping = false;
    loop->running = false;
    ST->running_loop = prev;
    ST->aio_debug_running = dbg_was;
    return ok;
}

int loop_run_until_idle(ObjLoop *loop, double max_seconds) {
    double end = max_seconds >= 0 ? clock_monotonic() + max_seconds : INFINITY;
    for (;;) {
        if (!loop_run_once(loop)) {
            return -1;
        }
        double next = loop_next_deadline(loop);
        bool io = io_could_wake(loop);
        if (next < 0 && !io) {
            return 1;
        }
        double now = clock_monotonic();
        double until = next < 0 ? INFINITY : now + next;
        if (until > end) {
            if (end > now && !(io ? io_wait(loop, end) : idle_sleep(end))) {
                return -1;
            }
            if (!io || loop->rlen == 0) {
                return 0;
            }
        } else if (next != 0 && !(io ? io_wait(loop, until) : idle_sleep(until))) {
            return -1;
        }
    }
}

Value loop_run_coroutine(ObjLoop *loop, Value coro) {
    Value task = task_new(loop, coro, VAL_NONE, VAL_NULL);
    if (!task) {
        return VAL_NULL;
    }
    gc_push_root(task);
    ObjTask *t = (ObjTask *)AS_OBJ(task);
    t->log_destroy_pending = false;
    Value r = loop_run_until_complete(loop, task);
    if (!r) {
        // Ctrl-C (or SystemExit) left it pending: cancel it, as python does
        Value exc = exc_take();
        gc_push_root(exc);
        if (t->f.state == FUT_PENDING) {
            task_cancel(t, VAL_NULL);
        }
        t->f.log_tb = false;
        exc_raise_value(exc);
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return r;
}

void loop_forget_tasks(ObjLoop *loop) {
    for (size_t i = 0; loop && i < ST->task_nregistry; i++) {
        if (ST->task_registry[i]->f.loop == loop) {
            ST->task_registry[i]->log_destroy_pending = false;
        }
    }
}

ObjLoop *loop_for_host(void) {
    ObjLoop *loop = loop_get_event_loop();
    if (loop->closed) {
        loop = (ObjLoop *)AS_OBJ(loop_new());
        ST->default_loop = loop;
    }
    return loop;
}

static Value ensure_future_c(ObjLoop *loop, Value v, bool *new_task) {
    *new_task = false;
    if (is_future(v)) {
        if (((ObjFuture *)AS_OBJ(v))->loop != loop) {
            return exc_raise(exc_ValueError,
                             "The future belongs to a different loop than the one specified as the loop argument");
        }
        return v;
    }
    int duck = is_coroutine_like(v) ? 0 : aio_isfuture(v);
    if (duck) {
        return duck > 0 ? v : VAL_NULL;
    }
    int coro = aio_iscoroutine(v);
    if (coro) {
        if (coro < 0 || !check_closed(loop)) {
            return VAL_NULL;
        }
        *new_task = true;
        return loop_create_task(loop, v, VAL_NULL, VAL_NULL);
    }
    bool found;
    Value aw = call_method_opt(v, str_intern_c("__await__"), 0, NULL, &found);
    if (found && aw) {
        Value inner = coro_wrapper_coro(aw);  // an __await__ returning other.__await__()
        aw = inner ? inner : aw;
        if (is_future(aw)) {
            return aw;
        }
        if (is_coroutine_like(aw)) {
            *new_task = true;
            return loop_create_task(loop, aw, VAL_NULL, VAL_NULL);
        }
        return exc_raise(exc_TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
    }
    if (found) {
        return VAL_NULL;
    }
    return exc_raise(exc_TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
}

// run_until_complete() of a duck-typed future, through its methods as
// CPython's does for any future.
static Value run_until_duck_complete(ObjLoop *loop, Value fut) {
    gc_push_root(fut);
    Value stop = ST->stop_cb;
    Value r = call_attr(fut, "add_done_callback", 1, &stop);
    bool ok = r && run_forever(loop);
    if (r) {
        Value saved = exc_take();
        gc_push_root(saved ? saved : VAL_NONE);
        r = call_attr(fut, "remove_done_callback", 1, &stop);
        gc_pop_root(1);
        if (saved) {
            exc_raise_value(saved);
        }
    }
    if (r && ok) {
        r = call_attr(fut, "done", 0, NULL);
        int done = r ? obj_truthy(r) : -1;
        r = done < 0 ? VAL_NULL
            : done   ? call_attr(fut, "result", 0, NULL)
                     : exc_raise(exc_RuntimeError, "Event loop stopped before Future completed.");
    }
    gc_pop_root(1);
    return ok ? r : VAL_NULL;
}

Value loop_run_until_complete(ObjLoop *loop, Value fut) {
    if (!check_can_run(loop)) {
        return VAL_NULL;
    }
    bool new_task;
    fut = ensure_future_c(loop, fut, &new_task);
    if (!fut) {
        return VAL_NULL;
    }
    if (!is_future(fut)) {
        // a duck-typed future (or a task factory's such result)
        int duck = aio_isfuture(fut);
        if (duck <= 0) {
            Value r = duck < 0 ? VAL_NULL : obj_repr(fut);
            return r ? exc_raise(exc_TypeError, "An asyncio.Future, a coroutine or an awaitable is required, the task factory gave %s", AS_STR(r)->data) : VAL_NULL;
        }
        return run_until_duck_complete(loop, fut);
    }
    ObjFuture *f = (ObjFuture *)AS_OBJ(fut);
    if (new_task && f->is_task) {
        ((ObjTask *)f)->log_destroy_pending = false;
    }
    gc_push_root(fut);
    future_add_callback(f, ST->stop_cb);
    Value prev_target = ST->deadlock_target;
    ST->deadlock_target = fut;
    bool ok = run_forever(loop);
    ST->deadlock_target = prev_target;
    // remove our callback if it is still registered
    ObjList *cbs = fut_cbs(f);
    if (f->cb0 == ST->stop_cb) {
        f->cb0 = VAL_NULL;
        if (cbs && cbs->len) {
            f->cb0 = cbs->items[0];
            memmove(cbs->items, cbs->items + 1, sizeof(Value) * (cbs->len - 1));
            cbs->len--;
        }
    } else if (cbs) {
        for (size_t i = 0; i < cbs->len; i++) {
            if (cbs->items[i] == ST->stop_cb) {
                memmove(cbs->items + i, cbs->items + i + 1, sizeof(Value) * (cbs->len - i - 1));
                cbs->len--;
                break;
            }
        }
    }
    gc_pop_root(1);
    if (!ok) {
        if (new_task && f->state == FUT_FINISHED) {
            f->log_tb = false;
        }
        return VAL_NULL;
    }
    if (f->state == FUT_PENDING) {
        return exc_raise(exc_RuntimeError, "Event loop stopped before Future completed.");
    }
    return future_result(f);
}

// ---- loop methods
static ObjLoop *self_loop(Value v) {
    return (ObjLoop *)AS_OBJ(v);
}

static Value rest_tuple(int argc, Value *argv, int from) {
    int n = argc - from;
    if (n <= 0) {
        return VAL_NULL;
    }
    Value t = tuple_new((size_t)n);
    for (int i = 0; i < n; i++) {
        AS_TUPLE(t)->items[i] = argv[from + i];
    }
    return t;
}

static bool check_callback(Value cb, const char *method) {
    if (is_coroutine_like(cb)) {
        exc_raise(exc_TypeError, "coroutines cannot be used with %s()", method);
        return false;
    }
    ObjClass *c = val_class(cb);
    if (!c->call && c != cls_type && !IS_A(cb, cls_native) && !IS_A(cb, cls_function) &&
        !IS_A(cb, cls_bound_method)) {
        Value r = obj_repr(cb);
        if (r) {
            exc_raise(exc_TypeError, "a callable object was expected by %s(), got %s", method, AS_STR(r)->data);
        }
        return false;
    }
    return true;
}

// Makes *[cb](*[args]) a call of ctx.run(cb, *args).
static bool run_in_context(Value ctx, Value *cb, Value *args) {
    Value run = obj_getattr(ctx, str_intern_c("run"));
    if (!run) {
        return false;
    }
    gc_push_root(run);
    size_t n = *args ? AS_TUPLE(*args)->len : 0;
    Value t = tuple_new(n + 1);
    AS_TUPLE(t)->items[0] = *cb;
    for (size_t i = 0; i < n; i++) {
        AS_TUPLE(t)->items[i + 1] = AS_TUPLE(*args)->items[i];
    }
    gc_pop_root(1);
    *cb = run;
    *args = t;
    return true;
}

// call_soon(..., context=ctx): the handle calls ctx.run(callback, *args);
// without context=, in a copy of the current context, as CPython's handles
// (when no context variable was ever set, there is nothing to copy: the
// callback is called as it is).
static bool with_context(ObjDict *kw, Value *cb, Value *args) {
    Value ctx;
    if (!context_for_callback(kw_get(kw, "context"), &ctx)) {
        return false;
    }
    if (!ctx) {
        return true;
    }
    gc_push_root(ctx);
    bool ok = run_in_context(ctx, cb, args);
    gc_pop_root(1);
    return ok;
}

static Value loop_call_soon_m(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2) {
        return exc_raise(exc_TypeError, "call_soon() missing 1 required positional argument: 'callback'");
    }
    ObjLoop *loop = self_loop(argv[0]);
    if (!check_closed(loop) || (loop->debug && !check_callback(argv[1], "call_soon"))) {
        return VAL_NULL;
    }
    Value cb = argv[1], args = rest_tuple(argc, argv, 2);
    gc_push_root(args);
    bool ok = with_context(kw, &cb, &args);
    gc_pop_root(1);
    return ok ? loop_call_soon(loop, cb, args) : VAL_NULL;
}

// A call_later delay: CPython computes self.time() + delay.
static bool get_delay(Value v, double *out) {
    if (IS_NONE(v)) {
        exc_raise(exc_TypeError, "delay must not be None");
        return false;
    }
    if (!val_to_double(v, out)) {
        exc_clear();
        exc_raise(exc_TypeError, "unsupported operand type(s) for +: 'float' and '%s'", val_type_name(v));
        return false;
    }
    return true;
}

static Value loop_call_later_m(int argc, Value *argv, ObjDict *kw) {
    if (argc < 3) {
        return exc_raise(exc_TypeError, "call_later() missing required positional arguments");
    }
    ObjLoop *loop = self_loop(argv[0]);
    double d;
    if (!get_delay(argv[1], &d) || !check_closed(loop) || (loop->debug && !check_callback(argv[2], "call_later"))) {
        return VAL_NULL;
    }
    Value cb = argv[2], args = rest_tuple(argc, argv, 3);
    gc_push_root(args);
    bool ok = with_context(kw, &cb, &args);
    gc_pop_root(1);
    return ok ? loop_call_at(loop, clock_monotonic() + d, H_CALL, cb, args) : VAL_NULL;
}

static Value loop_call_at_m(int argc, Value *argv, ObjDict *kw) {
    if (argc < 3) {
        return exc_raise(exc_TypeError, "call_at() missing required positional arguments");
    }
    ObjLoop *loop = self_loop(argv[0]);
    double w;
    if (!val_to_double(argv[1], &w) || !check_closed(loop) || (loop->debug && !check_callback(argv[2], "call_at"))) {
        return VAL_NULL;
    }
    Value cb = argv[2], args = rest_tuple(argc, argv, 3);
    gc_push_root(args);
    bool ok = with_context(kw, &cb, &args);
    gc_pop_root(1);
    return ok ? loop_call_at(loop, w, H_CALL, cb, args) : VAL_NULL;
}

static Value loop_time_m(int argc, Value *argv, ObjDict *kw) {
    return float_new(clock_monotonic());
}

static Value loop_create_future_m(int argc, Value *argv, ObjDict *kw) {
    return future_new(self_loop(argv[0]));
}

Value loop_create_task(ObjLoop *loop, Value coro, Value name, Value context) {
    if (!loop->task_factory) {
        return task_new(loop, coro, name ? name : VAL_NONE, context);
    }
    // as CPython's BaseEventLoop.create_task: factory(loop, coro), with
    // context= only when one is given, then the name through set_name()
    Value args[2] = {OBJ_VAL(loop), coro};
    Value task;
    if (context && !IS_NONE(context)) {
        Value kwd = dict_new();
        gc_push_root(kwd);
        dict_set_str(AS_DICT(kwd), str_intern_c("context"), context);
        task = vm_call(loop->task_factory, 2, args, AS_DICT(kwd));
        gc_pop_root(1);
    } else {
        task = vm_call(loop->task_factory, 2, args, NULL);
    }
    if (!task || !name || IS_NONE(name)) {
        return task;
    }
    gc_push_root(task);
    bool found;
    Value r = call_method_opt(task, str_intern_c("set_name"), 1, &name, &found);
    gc_pop_root(1);
    if (found && !r) {
        return VAL_NULL;
    }
    return task;
}

static Value loop_create_task_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("create_task", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjLoop *loop = self_loop(argv[0]);
    if (!check_closed(loop)) {
        return VAL_NULL;
    }
    return loop_create_task(loop, argv[1], kw_get(kw, "name"), kw_get(kw, "context"));
}

static Value loop_set_task_factory_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_task_factory", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value f = argv[1];
    ObjClass *c = val_class(f);
    if (!IS_NONE(f) && !(c->call || c == cls_function || c == cls_native || c == cls_bound_method || IS_CLASS(f))) {
        return exc_raise(exc_TypeError, "task factory must be a callable or None");
    }
    self_loop(argv[0])->task_factory = IS_NONE(f) ? VAL_NULL : f;
    return VAL_NONE;
}

static Value loop_get_task_factory_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("get_task_factory", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value f = self_loop(argv[0])->task_factory;
    return f ? f : VAL_NONE;
}

static Value loop_run_forever_m(int argc, Value *argv, ObjDict *kw) {
    Value prev_target = ST->deadlock_target;
    ST->deadlock_target = VAL_NULL;
    bool ok = run_forever(self_loop(argv[0]));
    ST->deadlock_target = prev_target;
    return ok ? VAL_NONE : VAL_NULL;
}

static Value loop_run_until_complete_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("run_until_complete", argc, 2, 2)) {
        return VAL_NULL;
    }
    return loop_run_until_complete(self_loop(argv[0]), argv[1]);
}

static Value loop_stop_m(int argc, Value *argv, ObjDict *kw) {
    self_loop(argv[0])->stopping = true;
    return VAL_NONE;
}

static Value loop_close_m(int argc, Value *argv, ObjDict *kw) {
    ObjLoop *l = self_loop(argv[0]);
    if (l->running) {
        return exc_raise(exc_RuntimeError, "Cannot close a running event loop");
    }
    if (l->closed) {
        return VAL_NONE;
    }
    if (l->dbg & LOOP_DBG_DEBUG) {
        // debug mode: what died unobserved (never-awaited coroutines,
        // unretrieved task exceptions, pending tasks) is reported now, at
        // run()'s exit, not whenever the collector next runs
        gc_collect();
    }
    l->closed = true;
    l->rlen = 0;
    l->rhead = 0;
    for (size_t i = 0; i < l->ntimers; i++) {
        l->timers[i]->scheduled = false;
    }
    l->ntimers = 0;
    io_close(l);
    return VAL_NONE;
}

static Value loop_is_running_m(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(self_loop(argv[0])->running);
}

static Value loop_is_closed_m(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(self_loop(argv[0])->closed);
}

static Value loop_get_debug_m(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(self_loop(argv[0])->debug);
}

static Value loop_set_debug_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_debug", argc, 2, 2)) {
        return VAL_NULL;
    }
    int t = obj_truthy(argv[1]);
    if (t < 0) {
        return VAL_NULL;
    }
    ObjLoop *l = self_loop(argv[0]);
    l->debug = t;
    l->dbg = (uint8_t)(t ? l->dbg | LOOP_DBG_DEBUG : l->dbg & ~LOOP_DBG_DEBUG);
    if (ST->running_loop == l) {
        // switched while it runs: blocking calls and coroutine origins
        // follow at once, as CPython's set_debug does
        ST->aio_debug_running = t;
        ST->coro_origin_depth = t ? AIO_DEBUG_STACK_DEPTH : 0;
    }
    return VAL_NONE;
}

static Value loop_repr(Value self) {
    ObjLoop *l = self_loop(self);
    return str_printf("<_UnixSelectorEventLoop running=%s closed=%s debug=%s>", l->running ? "True" : "False",
                      l->closed ? "True" : "False", l->debug ? "True" : "False");
}

static Value loop_call_exception_handler_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("call_exception_handler", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjLoop *l = self_loop(argv[0]);
    Value ctx = argv[1];
    if (!IS_DICT(ctx)) {
        return exc_raise(exc_TypeError, "context must be a dict");
    }
    if (l->exc_handler) {
        Value args[2] = {argv[0], ctx};
        if (vm_call(l->exc_handler, 2, args, NULL)) {
            return VAL_NONE;
        }
        Value e = exc_take();
        gc_push_root(e);
        Value ctx2 = dict_new();
        gc_push_root(ctx2);
        dict_set_str(AS_DICT(ctx2), str_intern_c("message"), str_from_c("Unhandled error in exception handler"));
        dict_set_str(AS_DICT(ctx2), str_intern_c("exception"), e);
        dict_set_str(AS_DICT(ctx2), str_intern_c("context"), ctx);
        default_report(ctx2);
        gc_pop_root(2);
        return VAL_NONE;
    }
    default_report(ctx);
    return VAL_NONE;
}

static Value loop_default_exception_handler_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("default_exception_handler", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!IS_DICT(argv[1])) {
        return exc_raise(exc_TypeError, "context must be a dict");
    }
    default_report(argv[1]);
    return VAL_NONE;
}

// shutdown_asyncgens(): a coroutine that acloses the suspended async
// generators (asyncio._shutdown_asyncgens).
static Value loop_shutdown_asyncgens_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("shutdown_asyncgens", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!ST->aio_shutdown_asyncgens_fn) {
        return exc_raise(exc_RuntimeError, "asyncio is not initialized");
    }
    return vm_call(ST->aio_shutdown_asyncgens_fn, 1, argv, NULL);
}

// run_in_executor(executor, func, *args): asyncio._run_in_executor.
static Value loop_run_in_executor_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("run_in_executor", argc, 3, 255)) {
        return VAL_NULL;
    }
    // the default executor after shutdown_default_executor()
    ObjLoop *l = self_loop(argv[0]);
    Value down = IS_NONE(argv[1]) && l->dict
                     ? dict_get_str(l->dict, str_intern_c("_executor_shutdown_called")) : VAL_NULL;
    if (down && obj_truthy(down) == 1) {
        return exc_raise(exc_RuntimeError, "Executor shutdown has been called");
    }
    if (!ST->aio_run_in_executor_fn) {
        return exc_raise(exc_RuntimeError, "asyncio is not initialized");
    }
    return vm_call(ST->aio_run_in_executor_fn, argc, argv, kw);
}

static Value loop_set_exception_handler_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_exception_handler", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value h = argv[1];
    if (!IS_NONE(h) && !val_class(h)->call && !IS_A(h, cls_function) && !IS_A(h, cls_native)
        && !IS_A(h, cls_bound_method) && !IS_A(h, cls_type) && val_class(h) != cls_type) {
        Value r = obj_repr(h);
        return r ? exc_raise(exc_TypeError, "A callable object or None is expected, got %s", AS_STR(r)->data)
                 : VAL_NULL;
    }
    self_loop(argv[0])->exc_handler = IS_NONE(h) ? VAL_NULL : h;
    return VAL_NONE;
}

static Value loop_get_exception_handler_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("get_exception_handler", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value h = self_loop(argv[0])->exc_handler;
    return h ? h : VAL_NONE;
}

// _at_iteration_end(fn) -> bool: fn() runs once, after the ready items of
// the current iteration (asyncio.selector_events' socket transports send
// the writes of one iteration together there); False, and nothing is
// armed, when the loop is not running.
static Value loop_at_iteration_end_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_at_iteration_end", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjLoop *loop = self_loop(argv[0]);
    if (!loop->running) {
        return VAL_BOOL(false);
    }
    loop->iter_end = argv[1];
    return VAL_BOOL(true);
}

static const MethodDef loop_methods[] = {
    {"_at_iteration_end", loop_at_iteration_end_m},
    {"call_soon", loop_call_soon_m, true},
    {"call_soon_threadsafe", loop_call_soon_m, true},
    {"call_later", loop_call_later_m, true},
    {"call_at", loop_call_at_m, true},
    {"time", loop_time_m},
    {"create_future", loop_create_future_m},
    {"create_task", loop_create_task_m, true},
    {"run_forever", loop_run_forever_m},
    {"run_until_complete", loop_run_until_complete_m},
    {"stop", loop_stop_m},
    {"close", loop_close_m},
    {"is_running", loop_is_running_m},
    {"is_closed", loop_is_closed_m},
    {"get_debug", loop_get_debug_m},
    {"set_debug", loop_set_debug_m},
    {"call_exception_handler", loop_call_exception_handler_m},
    {"default_exception_handler", loop_default_exception_handler_m},
    {"set_exception_handler", loop_set_exception_handler_m},
    {"shutdown_asyncgens", loop_shutdown_asyncgens_m},
    {"run_in_executor", loop_run_in_executor_m, true},
    {"get_exception_handler", loop_get_exception_handler_m},
    {"set_task_factory", loop_set_task_factory_m},
    {"get_task_factory", loop_get_task_factory_m},
    {NULL, NULL},
};

static const MethodDef handle_methods[] = {
    {"cancel", handle_cancel},
    {"cancelled", handle_cancelled},
    {NULL, NULL},
};

static const MethodDef timer_methods[] = {
    {"when", handle_when},
    {NULL, NULL},
};

// ---- sleep(): a lazy awaitable (the timer starts when it is awaited)
// It is its own timer: an H_SLEEP handle (callback: the future it waits
// on, args: the result) that the heap holds while it waits, so a sleeping
// task costs no TimerHandle object.
// Its delay waits in h.when until the timer starts (72 bytes in all).
//
// Bare sleeps: a task's sleep needs no future either. On a loop without
// debugging features (dbg == 0) the sleep yields itself (SL_ARMED, an
// H_SLEEP_TASK timer); the task's step binds it (SL_BOUND: h.callback is
// the task, its fut_waiter the sleep) and the timer wakes the task directly
// (SL_FIRED). Whoever else gets it yielded (gen_send and gen_throw's other
// callers, its own send and __next__), or asks the task what it waits on
// (reprs, cancel(), _fut_waiter, the call graph: aio_task_waiter), gets the
// future made then, and the sleep goes on as SL_FUTURE, as if it had made
// it at the start: a 64-byte Future less per sleeping task, whose timer
// is this 56-byte object.
enum { SL_NEW, SL_FUTURE, SL_YIELDED, SL_DONE, SL_ARMED, SL_BOUND, SL_FIRED };
typedef struct ObjSleep {
    ObjHandle h;            // first: the heap and the ready queue take it as a handle;
                            // h.sleep_state is its SL_* (SL_FUTURE waits on h.callback,
                            // SL_YIELDED yielded once: delay <= 0), (SL_NEW) h.sleep_line
                            // and h.sleep_file where sleep() was called (never-awaited
                            // warning), in the places of h.seq and h.loop, set when it starts
} ObjSleep;
_Static_assert(sizeof(ObjSleep) <= 56, "ObjSleep fits the 56-byte size class");

// "FILE:LINE: RuntimeWarning: coroutine 'sleep' was never awaited", as for
// a coroutine, when an unstarted sleep() is collected or left at exit.
bool aio_sleep_warn(Obj *o) {
    if (o->cls != cls_sleep) {
        return false;
    }
    ObjSleep *s = (ObjSleep *)o;
    if (s->h.sleep_state != SL_NEW || s->h.sleep_warned) {
        return true;
    }
    s->h.sleep_warned = true;
    aio_warn_never_awaited("sleep", s->h.sleep_file, s->h.sleep_line);
    return true;
}

void aio_warn_never_awaited(const char *name, ObjStr *file, int lineno) {
    fflush(stdout);
    fprintf(state_stderr(), "%s:%d: RuntimeWarning: coroutine '%s' was never awaited\n", file ? file->data : "?",
            lineno, name);
    char line[1024];
    if (file && tb_source_line(file->data, lineno, line, sizeof line)) {
        fprintf(state_stderr(), "  %s\n", line);
    }
    fprintf(state_stderr(), "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n");
    fflush(state_stderr());
}

bool aio_sleep_done(Value v) {
    return ((ObjSleep *)AS_OBJ(v))->h.sleep_state == SL_DONE;
}

static void trace_sleep(Obj *o) {
    ObjSleep *s = (ObjSleep *)o;
    gc_mark_value(s->h.callback);
    gc_mark_value(s->h.args);
    gc_mark_obj((Obj *)s->h.loop);     // (or, SL_NEW, h.sleep_file)
}

// Resumes a sleep (its am_send slot): 0 gives its result in *out.
static int sleep_step(Value self, Value *out) {
    ObjSleep *s = (ObjSleep *)AS_OBJ(self);
    switch (s->h.sleep_state) {
    case SL_NEW: {
        double delay = s->h.when;
        if (delay <= 0) {
            gc_unhook_last(&s->h.hdr);     // past SL_NEW: never warned about
            s->h.sleep_file = NULL;
            s->h.sleep_state = SL_YIELDED;
            *out = VAL_NONE;
            return 1;
        }
        if (!ST->running_loop) {
            exc_raise(exc_RuntimeError, "no running event loop");
            return -1;
        }
        ObjLoop *loop = ST->running_loop;
        if (!check_closed(loop)) {
            return -1;
        }
        gc_unhook_last(&s->h.hdr);     // (before future_new registers a future)
        if (!loop->dbg) {
            s->h.callback = VAL_NULL;
            s->h.kind = H_SLEEP_TASK;
            timer_schedule(loop, &s->h, clock_monotonic() + delay);
            s->h.sleep_state = SL_ARMED;
            *out = self;
            return 1;
        }
        Value fut = future_new(loop);
        s->h.callback = fut;
        s->h.kind = H_SLEEP;
        timer_schedule(loop, &s->h, clock_monotonic() + delay);
        ((ObjFuture *)AS_OBJ(fut))->blocking = true;
        s->h.sleep_state = SL_FUTURE;
        *out = fut;
        return 1;
    }
    case SL_FUTURE: {
        ObjFuture *f = (ObjFuture *)AS_OBJ(s->h.callback);
        if (f->state == FUT_PENDING) {
            f->blocking = true;
            *out = s->h.callback;
            return 1;
        }
        s->h.sleep_state = SL_DONE;
        Value r = future_result(f);
        s->h.callback = VAL_NULL;
        s->h.args = VAL_NULL;
        *out = r;
        return r ? 0 : -1;
    }
    case SL_YIELDED:
        s->h.sleep_state = SL_DONE;
        *out = s->h.args;
        return 0;
    case SL_ARMED:
    case SL_BOUND:
        // resumed before its time: yielded again, for its task to bind again
        s->h.sleep_state = SL_ARMED;
        s->h.callback = VAL_NULL;
        *out = self;
        return 1;
    case SL_FIRED:
        s->h.sleep_state = SL_DONE;
        *out = s->h.args;
        s->h.callback = VAL_NULL;
        s->h.args = VAL_NULL;
        return 0;
    default:
        exc_raise(exc_RuntimeError, "cannot reuse already awaited coroutine");
        return -1;
    }
}

// The future [s] stands for from now on (SL_FUTURE): a pending one, or
// (SL_FIRED) one done with its result.
static Value sleep_make_future(ObjSleep *s) {
    gc_push_root(OBJ_VAL(s));
    Value fut = future_new(s->h.loop);
    gc_pop_root(1);
    if (s->h.sleep_state == SL_FIRED) {
        ObjFuture *f = (ObjFuture *)AS_OBJ(fut);
        f->state = FUT_FINISHED;
        f->value = s->h.args;
    }
    s->h.callback = fut;
    s->h.kind = H_SLEEP;
    s->h.sleep_state = SL_FUTURE;
    return fut;
}

// ST->aio_unbare: a bare sleep yielded to a caller other than a task's step.
static Value sleep_unbare(Value v) {
    ObjSleep *s = (ObjSleep *)AS_OBJ(v);
    if (s->h.sleep_state != SL_ARMED) {
        return v;
    }
    Value fut = sleep_make_future(s);
    ((ObjFuture *)AS_OBJ(fut))->blocking = true;
    return fut;
}

bool aio_sleep_bind(Value v, ObjTask *t) {
    if (!IS_OBJ(v) || AS_OBJ(v)->cls != cls_sleep) {
        return false;
    }
    ObjSleep *s = (ObjSleep *)AS_OBJ(v);
    if (s->h.sleep_state != SL_ARMED || s->h.loop != t->f.loop) {
        return false;
    }
    s->h.sleep_state = SL_BOUND;
    s->h.callback = OBJ_VAL(t);
    return true;
}

Value aio_task_waiter(ObjTask *t) {
    Value w = t->fut_waiter;
    if (!w || AS_OBJ(w)->cls != cls_sleep) {
        return w;
    }
    ObjSleep *s = (ObjSleep *)AS_OBJ(w);
    if (s->h.sleep_state != SL_BOUND && s->h.sleep_state != SL_FIRED) {
        return w;   // (cannot be: a task only waits on a bound or fired one)
    }
    bool bound = s->h.sleep_state == SL_BOUND;
    gc_push_root(OBJ_VAL(t));
    Value fut = sleep_make_future(s);
    gc_pop_root(1);
    if (bound) {
        future_add_callback((ObjFuture *)AS_OBJ(fut), OBJ_VAL(t));
    }
    t->fut_waiter = fut;
    return fut;
}

// An H_SLEEP_TASK timer fired: its task (if it has one yet) steps next.
static void sleep_fire(ObjHandle *h) {
    ObjSleep *s = (ObjSleep *)h;
    Value t = h->callback;
    s->h.sleep_state = SL_FIRED;
    if (t) {
        loop_push(h->loop, R_STEP, t, VAL_NULL);
    }
}

// Its send() and __next__ (Python's, next()): never bare.
static int sleep_step_unbare(Value self, Value *out) {
    int r = sleep_step(self, out);
    if (r == 1 && *out == self) {
        *out = sleep_unbare(self);
    }
    return r;
}

static int sleep_next(Value self, Value *out) {
    return aio_next_from_send(sleep_step_unbare(self, out), out);
}

static Value sleep_self(int argc, Value *argv, ObjDict *kw) {
    return argv[0];
}

static Value sleep_iter(Value self) {
    return self;
}

static Value sleep_send(int argc, Value *argv, ObjDict *kw) {
    Value out = VAL_NULL;
    int r = sleep_next(argv[0], &out);
    return aio_send_result(r, out);
}

// throw() and close(): the sleep ends, its timer (if still in the heap) cancelled.
static void sleep_end(Value self) {
    ObjSleep *s = (ObjSleep *)AS_OBJ(self);
    if (s->h.sleep_state == SL_FUTURE || s->h.sleep_state == SL_ARMED || s->h.sleep_state == SL_BOUND) {
        s->h.cancelled = true;      // (a timer that fired already is out of the heap)
    }
    s->h.sleep_state = SL_DONE;
}

static Value sleep_throw(int argc, Value *argv, ObjDict *kw) {
    sleep_end(argv[0]);
    return exc_raise_value(argc > 1 ? argv[1] : OBJ_VAL(exc_Exception));
}

static Value sleep_close(int argc, Value *argv, ObjDict *kw) {
    sleep_end(argv[0]);
    return VAL_NONE;
}

static Value sleep_repr(Value self) {
    return str_printf("<coroutine object sleep at %p>", (void *)AS_OBJ(self));
}

static const MethodDef sleep_methods[] = {
    {"__await__", sleep_self},
    {"send", sleep_send},
    {"throw", sleep_throw},
    {"close", sleep_close},
    {NULL, NULL},
};

// asyncio.sleep(delay, result=None)
Value aio_sleep(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("sleep", argc, 1, 2)) {
        return VAL_NULL;
    }
    double d;
    if (!val_to_double(argv[0], &d)) {
        // CPython's sleep() starts with "if delay <= 0"
        exc_clear();
        return exc_raise(exc_TypeError, "'<=' not supported between instances of '%s' and 'int'",
                         val_type_name(argv[0]));
    }
    Value result = argc > 1 ? argv[1] : kw_get(kw, "result");
    ObjSleep *s = (ObjSleep *)obj_alloc(cls_sleep, sizeof(ObjSleep));
    s->h.when = d;          // the delay, until the timer starts
    s->h.kind = H_SLEEP;
    s->h.args = result ? result : VAL_NONE;
    s->h.sleep_file = vm_current_file();
    s->h.sleep_line = vm_current_line();
    return OBJ_VAL(s);
}

// run_until_complete()'s done callback as a callable (stop_for; a duck
// future's loop is its get_loop()).
static Value stop_cb_fn(int argc, Value *argv, ObjDict *kw) {
    if (argc >= 1 && is_future(argv[0])) {
        stop_for((ObjFuture *)AS_OBJ(argv[0]));
    } else if (argc >= 1) {
        Value l = call_attr(argv[0], "get_loop", 0, NULL);
        if (!l) {
            return VAL_NULL;
        }
        if (IS_A(l, cls_loop)) {
            ((ObjLoop *)AS_OBJ(l))->stopping = true;
        }
    }
    return VAL_NONE;
}

static void mark_loops(void) {
    gc_mark_obj((Obj *)ST->running_loop);
    gc_mark_obj((Obj *)ST->default_loop);
    gc_mark_value(ST->stop_cb);
    gc_mark_value(ST->deadlock_target);
}

// BaseEventLoop(): a new loop, as asyncio.new_event_loop() gives (the class
// itself only: a subclass of the C loop cannot be instantiated).
static Value loop_new_m(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (cls != cls_loop) {
        return exc_raise(exc_TypeError, "cannot create '%s' instances", cls->name->data);
    }
    if (argc > 0 || (kw && kw->used)) {
        return exc_raise(exc_TypeError, "%s() takes no arguments", cls->name->data);
    }
    return loop_new();
}

// Creates the loop, handle and sleep classes.
void loop_init(void) {
    // the modules CPython's classes live in (code tells asyncio's loop from
    // others by type(loop).__module__.startswith('asyncio.'))
    ObjStr *mod = str_intern_c("asyncio.events");
    cls_loop = class_new_builtin("_UnixSelectorEventLoop", NULL, sizeof(ObjLoop), loop_methods);
    cls_loop->module = str_intern_c("asyncio.unix_events");
    cls_loop->trace = trace_loop;
    cls_loop->finalize = finalize_loop;
    cls_loop->repr = loop_repr;
    cls_loop->new_ = loop_new_m;
    cls_loop->dict_offset = offsetof(ObjLoop, dict);
    ST->aio_blocking_hook = report_blocking_call;
    // debug mode reports steps at least this long (seconds), as CPython's
    dict_set_str(cls_loop->dict, str_intern_c("slow_callback_duration"), float_new(0.1));
    cls_handle = class_new_builtin("Handle", NULL, sizeof(ObjHandle), handle_methods);
    cls_handle->module = mod;
    cls_handle->trace = trace_handle;
    cls_handle->repr = handle_repr;
    cls_handle->new_ = NULL;
    cls_timer_handle = class_new_builtin("TimerHandle", cls_handle, sizeof(ObjHandle), timer_methods);
    cls_timer_handle->module = mod;
    io_init();
    cls_sleep = class_new_builtin("coroutine", NULL, sizeof(ObjSleep), sleep_methods);
    cls_sleep->module = str_intern_c("asyncio");
    cls_sleep->trace = trace_sleep;
    cls_sleep->flags |= CLS_GC_HOOK;
    cls_sleep->iter = sleep_iter;
    cls_sleep->next = sleep_next;
    cls_sleep->am_send = sleep_step;
    cls_sleep->flags |= CLS_BARE_YIELD;
    ST->aio_unbare = sleep_unbare;
    cls_sleep->repr = sleep_repr;
    cls_sleep->new_ = NULL;
    ST->stop_cb = native_new("_run_until_complete_cb", stop_cb_fn, NULL);
    gc_add_root_marker(mark_loops);
}
