// graph.c: who awaits whom, the C half of asyncio's call graph (CPython
// 3.14's asyncio.graph; the pyish half is runtime/lib/asyncio.graph.pyish).
// Each Future and Task keeps the set of futures awaiting it in its field
// awaited_by, as CPython's fut_awaited_by: a Task adds itself when it
// starts waiting on a future (task.c) and leaves when woken; gather, shield
// and TaskGroup record their children with future_add_to_awaited_by. One
// waiter is stored as is, so the common case costs one store and no
// allocation; a second waiter turns the field into a set (pyish sets keep
// insertion order, so waiters are listed in the order they came). Also the
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
    Value cur = f->awaited_by;
    if (!cur) {
        f->awaited_by = waiter;
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
        f->awaited_by = s;
    }
    gc_pop_root(3);
}

void graph_discard_waiter(ObjFuture *f, Value waiter) {
    Value cur = f->awaited_by;
    if (cur == waiter) {
        f->awaited_by = VAL_NULL;
    } else if (cur && IS_A_SET(cur)) {
        // an emptied set stays: _asyncio_awaited_by is then an empty frozenset, as in CPython
        if (set_discard((ObjSet *)AS_OBJ(cur), waiter) < 0) {
            exc_clear();
        }
    }
}

Value graph_awaited_by(ObjFuture *f) {
    Value cur = f->awaited_by;
    if (!cur) {
        return VAL_NONE;
    }
    if (IS_A_SET(cur)) {
        return set_from_iterable(cls_frozenset, cur);
    }
    Value s = set_new(cls_frozenset);
    gc_push_root(s);
    int r = set_add((ObjSet *)AS_OBJ(s), cur);
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : s;
}

// future_add_to_awaited_by(fut, waiter, /) and
// future_discard_from_awaited_by(fut, waiter, /): no effect unless both are
// Futures or Tasks (or of their subclasses), as in CPython.
static Value add_to_awaited_by(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("future_add_to_awaited_by", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (is_future(argv[0]) && is_future(argv[1])) {
        graph_add_waiter((ObjFuture *)AS_OBJ(argv[0]), argv[1]);
    }
    return VAL_NONE;
}

static Value discard_from_awaited_by(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("future_discard_from_awaited_by", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (is_future(argv[0]) && is_future(argv[1])) {
        graph_discard_waiter((ObjFuture *)AS_OBJ(argv[0]), argv[1]);
    }
    return VAL_NONE;
}

static int by_number(const void *a, const void *b) {
    int64_t x = ((ObjTask *)AS_OBJ(*(const Value *)a))->num, y = ((ObjTask *)AS_OBJ(*(const Value *)b))->num;
    return x < y ? -1 : x > y;
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
    qsort(out->items, out->len, sizeof(Value), by_number);
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
    Value r = fn ? vm_call(fn, 1, &arg, NULL) : VAL_NULL;
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
