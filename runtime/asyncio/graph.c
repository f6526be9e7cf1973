// graph.c: who awaits whom, the C half of asyncio's call graph (CPython
// 3.14's asyncio.graph; the pyish half is runtime/lib/asyncio.graph.pyish).
// CPython 3.14 keeps in each Future the set of what awaits it
// (_asyncio_awaited_by), updated by every Task when it starts and stops
// waiting, and by gather() for each child. pyish answers the same question
// when it is asked instead, at no cost to awaiting: a task already records
// the one future it waits on (fut_waiter), and a gather() future its
// children, so the waiters of a future are the live tasks that wait on it
// or on a gather() of it. Only what cannot be seen that way is recorded,
// by future_add_to_awaited_by in the field awaited_by (shield, TaskGroup,
// user code): one waiter as is, a second turns it into a set. Also the
// task dump printed on SIGQUIT and on Ctrl-C (--dump-tasks-on-interrupt).
#include <stdio.h>
#include <stdlib.h>
#include "asyncio.h"
#include "runtime.h"
#include "containers.h"
#include "gc.h"
#include "vmapi.h"

// The field holds a set once a second waiter came (waiters are futures, never sets).
#define IS_A_SET(v) (IS_OBJ(v) && AS_OBJ(v)->cls == cls_set)

void graph_add_waiter(ObjFuture *f, Value waiter) {
    Value cur = fut_awaited_by(f);
    if (!cur) {
        fut_set_rare(f, FUT_RARE_AWAITED_BY, waiter);
        return;
    }
    if (cur == waiter) {
        return;
    }
    if (IS_A_SET(cur)) {
        if (set_add((ObjSet *)AS_OBJ(cur), waiter) < 0) {
            exc_clear();    // bookkeeping only: a waiter that cannot be hashed is left out
        }
        return;
    }
    gc_push_root(OBJ_VAL(f));
    gc_push_root(waiter);
    Value s = set_new(cls_set);
    gc_push_root(s);
    if (set_add((ObjSet *)AS_OBJ(s), cur) < 0 || set_add((ObjSet *)AS_OBJ(s), waiter) < 0) {
        exc_clear();
    } else {
        fut_set_rare(f, FUT_RARE_AWAITED_BY, s);
    }
    gc_pop_root(3);
}

void graph_discard_waiter(ObjFuture *f, Value waiter) {
    Value cur = fut_awaited_by(f);
    if (cur == waiter) {
        fut_set_rare(f, FUT_RARE_AWAITED_BY, VAL_NONE);
    } else if (cur && IS_A_SET(cur)) {
        // an emptied set stays: _asyncio_awaited_by is then an empty frozenset, as in CPython
        if (set_discard((ObjSet *)AS_OBJ(cur), waiter) < 0) {
            exc_clear();
        }
    }
}

// The children of [w], the future a task waits on, when it is a gather():
// an instance of a Future subclass (asyncio's _GatheringFuture) with a
// _children list. NULL otherwise.
static ObjList *gathered(Value w) {
    if (!is_future(w)) {
        return NULL;    // a bare sleep (loop.c)
    }
    ObjFuture *g = (ObjFuture *)AS_OBJ(w);
    if (AS_OBJ(w)->cls == cls_future || g->is_task || !g->dict) {
        return NULL;
    }
    Value ch = dict_get_str(g->dict, str_intern_c("_children"));
    return ch && IS_LIST(ch) ? AS_LIST(ch) : NULL;
}

// Whether [w] is a gather() of [f].
static bool gathers(Value w, Value f) {
    ObjList *l = gathered(w);
    for (size_t i = 0; l && i < l->len; i++) {
        if (l->items[i] == f) {
            return true;
        }
    }
    return false;
}

static int by_task_number(const void *a, const void *b) {
    int64_t x = ((ObjTask *)AS_OBJ(*(const Value *)a))->num, y = ((ObjTask *)AS_OBJ(*(const Value *)b))->num;
    return x < y ? -1 : x > y;
}

// The tasks waiting on [f], from the dump's index: VAL_NULL when there is
// no index, else a list or VAL_NONE.
static Value indexed_waiters(Value f) {
    if (!ST->aio_graph_index) {
        return VAL_NULL;
    }
    Value l;
    int r = dict_get((ObjDict *)AS_OBJ(ST->aio_graph_index), f, &l);
    if (r < 0) {
        exc_clear();
    }
    return r == 1 ? l : VAL_NONE;
}

// The tasks waiting on [fv] now, oldest first: counted, then listed; the
// registry holds its tasks weakly, and a collection while the list is
// made can only remove some.
static Value scan_waiters(Value fv) {
    size_t n = 0;
    for (size_t i = 0; i < ST->task_nregistry; i++) {
        ObjTask *t = ST->task_registry[i];
        Value w = t->fut_waiter;
        n += t->f.state == FUT_PENDING && w && (w == fv || gathers(w, fv));
    }
    if (n == 0) {
        return VAL_NONE;
    }
    Value waiting = list_new(n);
    if (!waiting) {
        return VAL_NULL;
    }
    ObjList *wl = AS_LIST(waiting);
    for (size_t i = 0; i < ST->task_nregistry && wl->len < n; i++) {
        ObjTask *t = ST->task_registry[i];
        Value w = t->fut_waiter;
        if (t->f.state == FUT_PENDING && w && (w == fv || gathers(w, fv))) {
            wl->items[wl->len++] = OBJ_VAL(t);
        }
    }
    qsort(wl->items, wl->len, sizeof(Value), by_task_number);
    return waiting;
}

Value graph_awaited_by(ObjFuture *f) {
    Value fv = OBJ_VAL(f);
    Value waiting = indexed_waiters(fv);
    if (!waiting) {
        waiting = scan_waiters(fv);
        if (!waiting) {
            return VAL_NULL;
        }
    }
    Value cur = fut_awaited_by(f);
    if (!cur && IS_NONE(waiting)) {
        return VAL_NONE;
    }
    gc_push_root(waiting);
    Value s = cur && IS_A_SET(cur) ? set_from_iterable(cls_frozenset, cur) : set_new(cls_frozenset);
    if (!s) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(s);
    bool ok = !cur || IS_A_SET(cur) || set_add((ObjSet *)AS_OBJ(s), cur) == 0;
    for (size_t i = 0; ok && !IS_NONE(waiting) && i < AS_LIST(waiting)->len; i++) {
        ok = set_add((ObjSet *)AS_OBJ(s), AS_LIST(waiting)->items[i]) == 0;
    }
    gc_pop_root(2);
    return ok ? s : VAL_NULL;
}

// future_add_to_awaited_by(fut, waiter, /) and
// future_discard_from_awaited_by(fut, waiter, /): [op] on fut's record,
// no effect unless both are Futures or Tasks (or of their subclasses), as
// in CPython.
static Value awaited_by_call(const char *name, void (*op)(ObjFuture *, Value), int argc, Value *argv) {
    if (!arg_count(name, argc, 2, 2)) {
        return VAL_NULL;
    }
    if (is_future(argv[0]) && is_future(argv[1])) {
        op((ObjFuture *)AS_OBJ(argv[0]), argv[1]);
    }
    return VAL_NONE;
}

static Value add_to_awaited_by(int argc, Value *argv, ObjDict *kw) {
    return awaited_by_call("future_add_to_awaited_by", graph_add_waiter, argc, argv);
}

static Value discard_from_awaited_by(int argc, Value *argv, ObjDict *kw) {
    return awaited_by_call("future_discard_from_awaited_by", graph_discard_waiter, argc, argv);
}

// _pending_tasks() -> the pending tasks of every loop, oldest first (the
// registry's order changes as tasks die). The list is made first: the
// registry holds its tasks weakly, and nothing allocates after.
static Value pending_tasks(int argc, Value *argv, ObjDict *kw) {
    Value l = list_new(ST->task_nregistry);
    if (!l) {
        return VAL_NULL;
    }
    ObjList *out = AS_LIST(l);
    for (size_t i = 0; i < ST->task_nregistry; i++) {
        if (ST->task_registry[i]->f.state == FUT_PENDING) {
            out->items[out->len++] = OBJ_VAL(ST->task_registry[i]);
        }
    }
    qsort(out->items, out->len, sizeof(Value), by_task_number);
    return l;
}

void graph_request_dump(void) {
    if (!ST) {
        return;
    }
    ST->aio_dump_requested = 1;
    int expected = 0;
    __atomic_compare_exchange_n(&ST->interrupted, &expected, VM_INTERRUPT_SIGNAL, false, __ATOMIC_RELAXED,
                                __ATOMIC_RELAXED);
}

void graph_dump_if_requested(void) {
    if (ST->aio_dump_requested) {
        ST->aio_dump_requested = 0;
        graph_dump_tasks();
    }
}

// The dump, when at least [min] tasks are pending; the running task's
// stack starts [skip] pyish frames above the caller of _dump_tasks (-1:
// above the library's frames there).
// Appends task [t] to [d][key], a list made when missing.
static bool index_add(ObjDict *d, Value key, Value t) {
    Value l;
    int r = dict_get(d, key, &l);
    if (r < 0) {
        return false;
    }
    if (r == 0) {
        l = list_new(1);
        if (!l) {
            return false;
        }
        gc_push_root(l);
        r = dict_set(d, key, l);
        gc_pop_root(1);
        if (r < 0) {
            return false;
        }
    }
    return list_append(AS_LIST(l), t);
}

// {future: [the tasks waiting on it, oldest first]}: graph_awaited_by
// reads it during the dump instead of walking every task for each future.
static Value build_index(void) {
    Value tasks = pending_tasks(0, NULL, NULL);
    if (!tasks) {
        return VAL_NULL;
    }
    gc_push_root(tasks);
    Value d = dict_new();
    gc_push_root(d);
    ObjList *tl = AS_LIST(tasks);
    bool ok = true;
    for (size_t i = 0; ok && i < tl->len; i++) {
        Value t = tl->items[i];
        Value w = ((ObjTask *)AS_OBJ(t))->fut_waiter;
        if (!w) {
            continue;
        }
        ok = index_add((ObjDict *)AS_OBJ(d), w, t);
        ObjList *ch = gathered(w);
        for (size_t j = 0; ok && ch && j < ch->len; j++) {
            ok = index_add((ObjDict *)AS_OBJ(d), ch->items[j], t);
        }
    }
    gc_pop_root(2);
    if (!ok) {
        exc_clear();
        return VAL_NULL;
    }
    return d;
}

static void dump_tasks(int skip, size_t min) {
    if (!ST->aio_initialized) {
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < ST->task_nregistry && n < min; i++) {
        n += ST->task_registry[i]->f.state == FUT_PENDING;
    }
    if (n == 0 || n < min) {
        return;
    }
    Value saved = exc_take();
    gc_push_root(saved ? saved : VAL_NONE);
    Value m = vm_import("asyncio.graph");
    Value fn = m ? obj_getattr(m, str_intern_c("_dump_tasks")) : VAL_NULL;
    Value arg = MK_SMALL(skip);
    Value r = VAL_NULL;
    if (fn) {
        gc_push_root(fn);
        Value index = build_index();    // nothing steps a task while the dump runs
        gc_push_root(index ? index : VAL_NONE);
        Value outer = ST->aio_graph_index;
        ST->aio_graph_index = index;
        r = vm_call(fn, 1, &arg, NULL);
        ST->aio_graph_index = outer;
        gc_pop_root(2);
    }
    if (!r) {
        Value e = exc_take();
        fflush(stdout);
        fputs("pyish: the task dump failed:\n", state_stderr());
        interp_print_exception(e);
    }
    gc_pop_root(1);
    if (saved) {
        exc_raise_value(saved);
    }
}

void graph_dump_tasks(void) {
    dump_tasks(0, 1);
}

// Ctrl-C's dump shows nothing when one task only is pending: the
// KeyboardInterrupt traceback that follows shows where it was.
#define INTERRUPT_MIN_TASKS 2

void graph_on_interrupt(void) {
    if (ST->config.dump_tasks_on_interrupt) {
        ST->aio_dump_requested = 0;
        dump_tasks(0, INTERRUPT_MIN_TASKS);
    } else {
        graph_dump_if_requested();  // a SIGQUIT that came with this SIGINT
    }
}

void graph_interrupt_dump(void) {
    if (ST->config.dump_tasks_on_interrupt) {
        dump_tasks(-1, INTERRUPT_MIN_TASKS);    // the interrupted frame is below the handler's frames
    }
}

// _interrupt_dump(): that dump; asyncio.Runner's SIGINT handler calls it
// before it cancels the main task.
static Value interrupt_dump(int argc, Value *argv, ObjDict *kw) {
    graph_interrupt_dump();
    return VAL_NONE;
}

static const MethodDef graph_fns[] = {
    {"future_add_to_awaited_by", add_to_awaited_by},
    {"future_discard_from_awaited_by", discard_from_awaited_by},
    {"_pending_tasks", pending_tasks},
    {"_interrupt_dump", interrupt_dump},
    {NULL, NULL},
};

void graph_install(ObjDict *d) {
    native_add_functions(d, NULL, graph_fns);
}
