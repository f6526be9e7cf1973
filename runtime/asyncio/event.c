// event.c: asyncio.Event.wait()'s coroutine in C (_asyncio._event_wait,
// called by asyncio.pyish's Event.wait). It does what CPython's
// 'async def wait' does (True at once when the event is set, else a future
// appended to the event's _waiters, awaited, and removed again however the
// wait ends) without a generator and its frame: a task suspended in
// Event.wait() holds this 48-byte object instead of a 72-byte coroutine and
// a 176-byte frame (issue 11). Like the sleep() object (loop.c) it is a
// "coroutine" to asyncio (iscoroutine, create_task, the never-awaited
// warning) and has no frame of its own in tracebacks.
#include <stdio.h>
#include "asyncio.h"
#include "runtime.h"
#include "gc.h"
#include "vmapi.h"

enum { EW_NEW, EW_WAITING, EW_DONE };

typedef struct ObjEventWait {
    OBJ_HEADER_OWN(
        uint8_t state;      // EW_*
        bool warned : 1;    // its never-awaited warning was given
    );
    int32_t line;           // where Event.wait() was called (the warning)
    Value event;
    Value fut;              // EW_WAITING: the future in the event's _waiters
    ObjStr *created_file;
} ObjEventWait;
_Static_assert(sizeof(ObjEventWait) <= 48, "ObjEventWait fits the 48-byte size class");

bool aio_event_wait_warn(Obj *o) {
    if (o->cls != cls_event_wait) {
        return false;
    }
    ObjEventWait *w = (ObjEventWait *)o;
    if (w->state == EW_NEW && !w->warned) {
        w->warned = true;
        aio_warn_never_awaited("Event.wait", w->created_file, w->line);
    }
    return true;
}

bool aio_event_wait_done(Value v) {
    return ((ObjEventWait *)AS_OBJ(v))->state == EW_DONE;
}

static void trace_event_wait(Obj *o) {
    ObjEventWait *w = (ObjEventWait *)o;
    gc_mark_value(w->event);
    gc_mark_value(w->fut);
    gc_mark_obj((Obj *)w->created_file);
}

// asyncio.pyish's _remove_waiter(self._waiters, fut): popleft() when it is
// the first (waiters are woken in order), else remove(). false: raised.
static bool remove_waiter(ObjEventWait *w) {
    Value fut = w->fut;
    w->fut = VAL_NULL;
    w->state = EW_DONE;
    gc_push_root(fut);
    Value waiters = obj_getattr(w->event, str_intern_c("_waiters"));
    bool ok = waiters != VAL_NULL;
    if (ok) {
        gc_push_root(waiters);
        int t = obj_truthy(waiters);
        Value first = t > 0 ? obj_getitem(waiters, MK_SMALL(0)) : VAL_NULL;
        ok = t >= 0 && (t == 0 || first != VAL_NULL);
        if (ok) {
            ok = (first == fut ? call_method(waiters, "popleft", 0, NULL) : call_method(waiters, "remove", 1, &fut)) !=
                 VAL_NULL;
        }
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return ok;
}

// Resumes the wait (its am_send slot): 1 yields *out, 0 returns it, -1 raised.
static int event_wait_step(Value self, Value *out) {
    ObjEventWait *w = (ObjEventWait *)AS_OBJ(self);
    switch (w->state) {
    case EW_NEW: {
        gc_unhook_last(&w->hdr);    // started: never warned about (before future_new registers one)
        w->state = EW_DONE;
        Value v = obj_getattr(w->event, str_intern_c("_value"));
        int set = v ? obj_truthy(v) : -1;
        if (set != 0) {
            *out = VAL_TRUE;
            return set > 0 ? 0 : -1;
        }
        ObjLoop *loop = ST->running_loop;
        if (!loop) {
            exc_raise(exc_RuntimeError, "no running event loop");
            return -1;
        }
        Value fut = future_new(loop);
        gc_push_root(fut);
        Value waiters = obj_getattr(w->event, str_intern_c("_waiters"));
        Value r = waiters ? call_method(waiters, "append", 1, &fut) : VAL_NULL;
        gc_pop_root(1);
        if (!r) {
            return -1;
        }
        w->fut = fut;
        w->state = EW_WAITING;
        ((ObjFuture *)AS_OBJ(fut))->blocking = true;
        *out = fut;
        return 1;
    }
    case EW_WAITING: {
        // 'await fut' goes on: the future yielded again while pending, else
        // its result (or exception), then the finally's _remove_waiter
        Value fut = w->fut;
        int r = val_class(fut)->am_send(fut, out);
        if (r == 1) {
            return 1;
        }
        Value exc = r < 0 ? exc_take() : VAL_NULL;
        gc_push_root(exc);
        bool ok = remove_waiter(w);
        gc_pop_root(1);
        if (!ok) {
            return -1;      // the finally's exception replaces the wait's
        }
        if (exc) {
            exc_raise_value(exc);
            return -1;
        }
        *out = VAL_TRUE;
        return 0;
    }
    default:
        exc_raise(exc_RuntimeError, "cannot reuse already awaited coroutine");
        return -1;
    }
}

static int event_wait_next(Value self, Value *out) {
    return aio_next_from_send(event_wait_step(self, out), out);
}

static Value event_wait_iter(Value self) {
    return self;
}

static Value event_wait_self(int argc, Value *argv, ObjDict *kw) {
    return argv[0];
}

static Value event_wait_send(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "send() takes exactly one argument (%d given)", argc - 1);
    }
    ObjEventWait *w = (ObjEventWait *)AS_OBJ(argv[0]);
    if (w->state == EW_NEW && !IS_NONE(argv[1])) {
        return exc_raise(exc_TypeError, "can't send non-None value to a just-started coroutine");
    }
    Value out = VAL_NULL;
    int r = event_wait_next(argv[0], &out);
    return aio_send_result(r, out);
}

// throw() and close(): the wait ends (the finally removes its future from
// the waiters), then throw() raises its exception.
static bool event_wait_end(Value self) {
    ObjEventWait *w = (ObjEventWait *)AS_OBJ(self);
    if (w->state != EW_WAITING) {
        w->state = EW_DONE;
        return true;
    }
    return remove_waiter(w);
}

static Value event_wait_throw(int argc, Value *argv, ObjDict *kw) {
    if (!event_wait_end(argv[0])) {
        return VAL_NULL;
    }
    return exc_raise_value(argc > 1 ? argv[1] : OBJ_VAL(exc_Exception));
}

static Value event_wait_close(int argc, Value *argv, ObjDict *kw) {
    return event_wait_end(argv[0]) ? VAL_NONE : VAL_NULL;
}

static Value event_wait_repr(Value self) {
    return str_printf("<coroutine object Event.wait at %p>", (void *)AS_OBJ(self));
}

static const MethodDef event_wait_methods[] = {
    {"__await__", event_wait_self},
    {"send", event_wait_send},
    {"throw", event_wait_throw},
    {"close", event_wait_close},
    {NULL, NULL},
};

// cr_await, cr_running, cr_suspended and cr_frame, as a coroutine's (so
// inspect.getcoroutinestate and walks of cr_await chains see it; it has no
// frame: cr_frame is None)
static Value event_wait_cr_await(int argc, Value *argv, ObjDict *kw) {
    ObjEventWait *w = (ObjEventWait *)AS_OBJ(argv[0]);
    return w->state == EW_WAITING ? w->fut : VAL_NONE;
}

static Value event_wait_cr_suspended(int argc, Value *argv, ObjDict *kw) {
    return ((ObjEventWait *)AS_OBJ(argv[0]))->state == EW_WAITING ? VAL_TRUE : VAL_FALSE;
}

static Value event_wait_false(int argc, Value *argv, ObjDict *kw) {
    return VAL_FALSE;
}

static Value event_wait_none(int argc, Value *argv, ObjDict *kw) {
    return VAL_NONE;
}

static const MethodDef event_wait_getters[] = {
    {"cr_await", event_wait_cr_await},
    {"cr_running", event_wait_false},
    {"cr_suspended", event_wait_cr_suspended},
    {"cr_frame", event_wait_none},
    {NULL, NULL},
};

// _asyncio._event_wait(event): Event.wait()'s coroutine for [event].
static Value event_wait_new(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_event_wait", argc, 1, 1)) {
        return VAL_NULL;
    }
    ObjEventWait *w = (ObjEventWait *)obj_alloc(cls_event_wait, sizeof(ObjEventWait));
    w->event = argv[0];
    int line;
    w->created_file = vm_caller_file(&line);     // Event.wait's caller
    w->line = line;
    return OBJ_VAL(w);
}

void event_install(ObjDict *d) {
    if (!cls_event_wait) {
        cls_event_wait = class_new_builtin("coroutine", NULL, sizeof(ObjEventWait), event_wait_methods);
        cls_event_wait->module = str_intern_c("asyncio");
        cls_event_wait->trace = trace_event_wait;
        cls_event_wait->flags |= CLS_GC_HOOK;
        cls_event_wait->iter = event_wait_iter;
        cls_event_wait->next = event_wait_next;
        cls_event_wait->am_send = event_wait_step;
        cls_event_wait->repr = event_wait_repr;
        cls_event_wait->new_ = NULL;
        class_add_fields(cls_event_wait, event_wait_getters, NULL);
    }
    dict_set_str(d, str_intern_c("_event_wait"), native_new("_event_wait", event_wait_new, NULL));
}
