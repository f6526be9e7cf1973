// future.c: asyncio.Future in C. A Future is PENDING, CANCELLED or
// FINISHED with a result or an exception; completion schedules its done
// callbacks on the loop (never inline), in registration order. A waiting
// Task is stored directly as a callback and woken by a ready-queue item,
// so awaiting a Future allocates nothing. The Future is its own await
// iterator: next() yields the Future while pending, then returns its
// result (StopIteration(result)) or raises its exception.
#include <string.h>
#include "asyncio.h"
#include "containers.h"
#include "runtime.h"
#include "gc.h"
#include "func.h"
#include "gen.h"


static void trace_future(Obj *o) {
    ObjFuture *f = (ObjFuture *)o;
    gc_mark_obj((Obj *)f->dict);
    gc_mark_obj((Obj *)f->loop);
    gc_mark_value(f->value);
    gc_mark_value(f->cb0);
    gc_mark_obj((Obj *)f->rare);
}

void fut_set_rare(ObjFuture *f, int i, Value v) {
    if (!f->rare) {
        if (IS_NONE(v)) {
            return;     // what an absent tuple says already
        }
        gc_push_root(v);
        Value t = tuple_pack(FUT_RARE_N, VAL_NONE, VAL_NONE, VAL_NONE, VAL_NONE);
        gc_pop_root(1);
        f->rare = AS_TUPLE(t);
    }
    f->rare->items[i] = v;
}

void future_init_fields(ObjFuture *f, ObjLoop *loop) {
    f->loop = loop;
    f->state = FUT_PENDING;
}

Value future_new(ObjLoop *loop) {
    ObjFuture *f = (ObjFuture *)obj_alloc(cls_future, sizeof(ObjFuture));
    // the finalizer hook only reports an exception never retrieved: a
    // pending future (10^6 tasks waiting on an Event each hold one) leaves
    // the hook's register, 8 bytes each, and joins it on set_exception
    f->unhooked = gc_unhook_last(&f->hdr);
    future_init_fields(f, loop);
    if (__builtin_expect(loop->dbg & LOOP_DBG_DEBUG, 0)) {
        future_note_origin(f);
    }
    return OBJ_VAL(f);
}

void future_note_origin(ObjFuture *f) {
    Value saved = exc_take();
    gc_push_root(saved);
    gc_push_root(OBJ_VAL(f));
    Value frames = tb_capture_origin(AIO_DEBUG_STACK_DEPTH);
    gc_push_root(frames);
    size_t n = AS_TUPLE(frames)->len;
    Value l = list_new(n);
    gc_push_root(l);
    for (size_t i = 0; i < n; i++) {
        Value *e = AS_TUPLE(AS_TUPLE(frames)->items[n - 1 - i])->items;
        Value t = tuple_pack(4, e[0], e[1], e[2], VAL_NONE);
        if (!t || !list_append(AS_LIST(l), t)) {
            break;
        }
    }
    if (!f->dict) {
        Value d = dict_new();
        f->dict = d ? AS_DICT(d) : NULL;
    }
    if (f->dict) {
        dict_set_str(f->dict, str_intern_c("_source_traceback"), l);
    }
    exc_clear();
    gc_pop_root(4);
    if (saved) {
        exc_raise_value(saved);
    }
}

Value future_origin(ObjFuture *f) {
    Value l = f->dict ? dict_get_str(f->dict, str_intern_c("_source_traceback")) : VAL_NULL;
    return l && IS_OBJ(l) && AS_OBJ(l)->cls == cls_list ? l : VAL_NULL;
}

static ObjFuture *self_fut(Value v) {
    return (ObjFuture *)AS_OBJ(v);
}

// Schedules every done callback once the future is done.
static void schedule_callbacks(ObjFuture *f) {
    Value cb0 = f->cb0;
    ObjList *cbs = fut_cbs(f);
    f->cb0 = VAL_NULL;
    if (cbs) {
        gc_push_root(OBJ_VAL(cbs));
        fut_set_rare(f, FUT_RARE_CBS, VAL_NONE);
    }
    if (cb0) {
        future_add_callback(f, cb0);
    }
    if (cbs) {
        for (size_t i = 0; i < cbs->len; i++) {
            future_add_callback(f, cbs->items[i]);
        }
        gc_pop_root(1);
    }
}

void future_add_callback(ObjFuture *f, Value cb) {
    if (f->state != FUT_PENDING) {
        if (IS_OBJ(cb) && AS_OBJ(cb)->cls->native_base == cls_task && ((ObjFuture *)AS_OBJ(cb))->is_task) {
            loop_push(f->loop, R_WAKEUP, cb, OBJ_VAL(f));
        } else {
            loop_push(f->loop, R_CALLBACK, cb, OBJ_VAL(f));
        }
        return;
    }
    if (!f->cb0) {
        f->cb0 = cb;
        return;
    }
    if (!fut_cbs(f)) {
        gc_push_root(cb);
        fut_set_rare(f, FUT_RARE_CBS, list_new(2));
        gc_pop_root(1);
    }
    list_append(fut_cbs(f), cb);
}

static const char *state_name(int st) {
    return st == FUT_PENDING ? "PENDING" : st == FUT_CANCELLED ? "CANCELLED" : "FINISHED";
}

bool future_set_result(ObjFuture *f, Value v) {
    if (f->state != FUT_PENDING) {
        exc_raise(exc_InvalidStateError, "invalid state");
        return false;
    }
    f->value = v;
    f->is_exc = false;
    f->state = FUT_FINISHED;
    schedule_callbacks(f);
    return true;
}

bool future_set_exception(ObjFuture *f, Value exc) {
    if (f->state != FUT_PENDING) {
        exc_raise(exc_InvalidStateError, "invalid state");
        return false;
    }
    if (IS_CLASS(exc)) {
        exc = exc_new(AS_CLASS(exc), 0, NULL);
        if (!exc) {
            return false;
        }
    }
    if (!IS_OBJ(exc) || !(AS_OBJ(exc)->cls->flags & CLS_EXCEPTION)) {
        exc_raise(exc_TypeError, "invalid exception object");
        return false;
    }
    if (exc_matches(exc, OBJ_VAL(exc_StopIteration))) {
        exc_raise(exc_TypeError, "StopIteration interacts badly with generators and cannot be raised into a Future");
        return false;
    }
    fut_set_exc(f, exc);
    f->state = FUT_FINISHED;
    f->log_tb = true;
    if (f->unhooked) {
        f->unhooked = false;
        gc_note_hookable(&f->hdr);
    }
    schedule_callbacks(f);
    return true;
}

bool future_cancel(ObjFuture *f, Value msg) {
    f->log_tb = false;
    if (f->state != FUT_PENDING) {
        return false;
    }
    f->state = FUT_CANCELLED;
    fut_set_rare(f, FUT_RARE_CANCEL_MSG, msg ? msg : VAL_NONE);
    schedule_callbacks(f);
    return true;
}

Value future_make_cancelled_error(ObjFuture *f) {
    if (fut_exc(f)) {
        // as CPython, the CancelledError a task ended with is handed out once
        Value e = f->value;
        if (f->state == FUT_CANCELLED) {
            fut_set_exc(f, VAL_NULL);
        }
        return e;
    }
    if (IS_NONE(fut_cancel_msg(f))) {
        return exc_new(exc_CancelledError, 0, NULL);
    }
    Value msg = fut_cancel_msg(f);
    return exc_new(exc_CancelledError, 1, &msg);
}

Value future_result(ObjFuture *f) {
    if (f->state == FUT_CANCELLED) {
        Value e = future_make_cancelled_error(f);
        return e ? exc_raise_value(e) : VAL_NULL;
    }
    if (f->state != FUT_FINISHED) {
        return exc_raise(exc_InvalidStateError, "Result is not set.");
    }
    f->log_tb = false;
    if (f->is_exc) {
        return exc_raise_value(f->value);
    }
    return f->value;
}

// ---- methods
// Future.__init__'s refusal of [npos] positional arguments, in CPython's words.
static Value positional_error(int npos, ObjDict *kw) {
    if (kw && kw->used) {
        return exc_raise(exc_TypeError, "Future() takes at most 1 argument (%d given)", npos + (int)kw->used);
    }
    return exc_raise(exc_TypeError, "Future() takes no positional arguments");
}

static Value fut_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    ObjStr *init = str_intern_c("__init__");
    if (argc > 0 && class_lookup(cls, init) == class_lookup(cls_future, init)) {
        // what Future.__init__ would say, before looking for a loop
        return positional_error(argc, kw);
    }
    Value lv = kw_get(kw, "loop");
    ObjLoop *loop;
    if (lv && !IS_NONE(lv)) {
        if (!IS_OBJ(lv) || AS_OBJ(lv)->cls != cls_loop) {
            return exc_raise(exc_TypeError, "loop must be an event loop");
        }
        loop = (ObjLoop *)AS_OBJ(lv);
    } else {
        loop = loop_get_event_loop_checked();
        if (!loop) {
            return VAL_NULL;
        }
    }
    ObjFuture *f = (ObjFuture *)obj_alloc(cls, cls->inst_size);
    future_init_fields(f, loop);
    if (__builtin_expect(loop->dbg & LOOP_DBG_DEBUG, 0)) {
        future_note_origin(f);
    }
    return OBJ_VAL(f);
}

static Value fut_init(int argc, Value *argv, ObjDict *kw) {
    // a Task inherits this __init__: Task.__new__ took its arguments
    if (argc > 1 && !self_fut(argv[0])->is_task) {
        return positional_error(argc - 1, kw);
    }
    Value lv = kw_get(kw, "loop");
    if (lv && IS_OBJ(lv) && AS_OBJ(lv)->cls == cls_loop) {
        self_fut(argv[0])->loop = (ObjLoop *)AS_OBJ(lv);
    }
    return VAL_NONE;
}

static Value fut_result(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("result", argc, 1, 1)) {
        return VAL_NULL;
    }
    return future_result(self_fut(argv[0]));
}

static Value fut_exception(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("exception", argc, 1, 1)) {
        return VAL_NULL;
    }
    ObjFuture *f = self_fut(argv[0]);
    if (f->state == FUT_CANCELLED) {
        Value e = future_make_cancelled_error(f);
        return e ? exc_raise_value(e) : VAL_NULL;
    }
    if (f->state != FUT_FINISHED) {
        return exc_raise(exc_InvalidStateError, "Exception is not set.");
    }
    f->log_tb = false;
    return fut_exc(f) ? f->value : VAL_NONE;
}

static Value fut_set_result(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_result", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjFuture *f = self_fut(argv[0]);
    return future_set_result(f, argv[1]) ? VAL_NONE : VAL_NULL;
}

static Value fut_set_exception(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_exception", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjFuture *f = self_fut(argv[0]);
    return future_set_exception(f, argv[1]) ? VAL_NONE : VAL_NULL;
}

// add_done_callback(fn, *, context=None): fn runs in [context], or in a copy
// of the current context, as CPython's; stored as the pair (fn, context)
// (future_callback_fn), or as fn alone when no context variable was ever
// set (nothing to copy).
static Value fut_add_done_callback(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"context", NULL};
    if (!arg_count("add_done_callback", argc, 2, 2) || !kw_only("add_done_callback", kw, allowed)) {
        return VAL_NULL;
    }
    Value ctx;
    if (!context_for_callback(kw_get(kw, "context"), &ctx)) {
        return VAL_NULL;
    }
    Value cb = argv[1];
    if (ctx) {
        gc_push_root(ctx);
        cb = tuple_pack(2, argv[1], ctx);
        gc_pop_root(1);
    }
    future_add_callback(self_fut(argv[0]), cb);
    return VAL_NONE;
}

Value future_callback_fn(Value cb) {
    if (IS_TUPLE(cb) && AS_TUPLE(cb)->len == 2 && IS_A(AS_TUPLE(cb)->items[1], cls_context)) {
        return AS_TUPLE(cb)->items[0];
    }
    return cb;
}

// Removes every callback equal to the argument; returns how many.
static Value fut_remove_done_callback(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("remove_done_callback", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjFuture *f = self_fut(argv[0]);
    int64_t removed = 0;
    // the survivors in order (user __eq__ may run: keep the list rooted)
    Value keep = list_new(4);
    gc_push_root(keep);
    if (f->cb0) {
        list_append(AS_LIST(keep), f->cb0);
    }
    ObjList *cbs = fut_cbs(f);
    for (size_t i = 0; cbs && i < cbs->len; i++) {
        list_append(AS_LIST(keep), cbs->items[i]);
    }
    ObjList *k = AS_LIST(keep);
    size_t j = 0;
    for (size_t i = 0; i < k->len; i++) {
        Value fn = future_callback_fn(k->items[i]);
        int eq = fn == argv[1] ? 1 : obj_eq(fn, argv[1]);
        if (eq < 0) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        if (eq) {
            removed++;
        } else {
            k->items[j++] = k->items[i];
        }
    }
    k->len = j;
    if (removed) {
        f->cb0 = VAL_NULL;
        fut_set_rare(f, FUT_RARE_CBS, VAL_NONE);
        for (size_t i = 0; i < k->len; i++) {
            if (!f->cb0) {
                f->cb0 = k->items[i];
            } else {
                if (!fut_cbs(f)) {
                    fut_set_rare(f, FUT_RARE_CBS, list_new(2));
                }
                list_append(fut_cbs(f), k->items[i]);
            }
        }
    }
    gc_pop_root(1);
    return MK_SMALL(removed);
}

static Value fut_cancel(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("cancel", argc, 1, 2)) {
        return VAL_NULL;
    }
    Value msg = argc > 1 ? argv[1] : kw_get(kw, "msg");
    ObjFuture *f = self_fut(argv[0]);
    if (f->is_task) {
        return VAL_BOOL(task_cancel((ObjTask *)f, msg));
    }
    return VAL_BOOL(future_cancel(f, msg));
}

static Value fut_cancelled(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(self_fut(argv[0])->state == FUT_CANCELLED);
}

static Value fut_done(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(self_fut(argv[0])->state != FUT_PENDING);
}

static Value fut_get_loop(int argc, Value *argv, ObjDict *kw) {
    ObjFuture *f = self_fut(argv[0]);
    return f->loop ? OBJ_VAL(f->loop) : VAL_NONE;
}

// The await iterator: yield self while pending, then the result. Resumed
// while still pending and still blocking (no Task took the future and reset
// _asyncio_future_blocking: a plain 'yield from fut' driven by hand), it
// raises, as CPython's FutureIter does.
// One step of awaiting [self]: 1 yields it (pending), 0 gives its result
// in *out, -1 raised (its exception, or misuse).
static int fut_step(Value self, Value *out) {
    ObjFuture *f = self_fut(self);
    if (f->state == FUT_PENDING) {
        if (f->blocking) {
            exc_raise(exc_RuntimeError, "await wasn't used with future");
            return -1;
        }
        f->blocking = true;
        *out = self;
        return 1;
    }
    *out = future_result(f);
    return *out ? 0 : -1;
}

// A next slot's end from an am_send slot's result: a return value other
// than None travels in a StopIteration, as from any iterator.
int aio_next_from_send(int r, Value *out) {
    if (r != 0 || IS_NONE(*out)) {
        return r;
    }
    Value e = exc_new(exc_StopIteration, 1, out);
    if (e) {
        exc_raise_value(e);
    }
    return -1;
}

// The send() method of an awaitable's iterator, from its next slot's result
// [r] (1 yielded [out], 0 exhausted, -1 error).
Value aio_send_result(int r, Value out) {
    if (r == 1) {
        return out;
    }
    if (r == 0) {
        return exc_raise_value(OBJ_VAL(exc_StopIteration));
    }
    return VAL_NULL;
}

// ---- FutureIter: what Future.__await__/__iter__ return (CPython's
// _asyncio.FutureIter), so that the future itself has no send/__next__.

typedef struct ObjFutIter {
    Obj hdr;
    Value fut;          // VAL_NULL once finished or closed
} ObjFutIter;


static Value futiter_new(Value fut) {
    gc_push_root(fut);
    ObjFutIter *it = (ObjFutIter *)obj_alloc(cls_future_iter, sizeof(ObjFutIter));
    gc_pop_root(1);
    it->fut = fut;
    return OBJ_VAL(it);
}

static Value fut_await(int argc, Value *argv, ObjDict *kw) {
    return futiter_new(argv[0]);
}

static Value fut_iter(Value self) {
    return futiter_new(self);
}

static int futiter_send(Value self, Value *out) {
    ObjFutIter *it = (ObjFutIter *)AS_OBJ(self);
    if (!it->fut) {
        *out = VAL_NONE;
        return 0;
    }
    int r = fut_step(it->fut, out);
    if (r != 1) {
        it->fut = VAL_NULL;
    }
    return r;
}

static int futiter_next(Value self, Value *out) {
    return aio_next_from_send(futiter_send(self, out), out);
}

static Value futiter_send_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("send", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    // the value is ignored, as CPython 3.11's FutureIter does
    Value out = VAL_NULL;
    int r = futiter_next(argv[0], &out);
    return aio_send_result(r, out);
}

// throw(type[, value[, tb]]): raises the exception they mean, as a
// generator's throw() does (a traceback argument must be one or None).
static Value futiter_throw(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("throw", argc - 1, 1, 3)) {
        return VAL_NULL;
    }
    ((ObjFutIter *)AS_OBJ(argv[0]))->fut = VAL_NULL;
    if (argc > 3 && !IS_NONE(argv[3]) && !IS_A(argv[3], cls_traceback)) {
        return exc_raise(exc_TypeError, "throw() third argument must be a traceback");
    }
    Value t = argv[1];
    bool is_exc = IS_CLASS(t) ? (AS_CLASS(t)->flags & CLS_EXCEPTION) != 0
                              : IS_OBJ(t) && (AS_OBJ(t)->cls->flags & CLS_EXCEPTION);
    if (!is_exc) {
        return exc_raise(exc_TypeError, "exceptions must be classes deriving BaseException or "
                                        "instances of such a class");
    }
    Value e = gen_make_throw_exc(argc - 1, argv + 1);
    return e ? exc_raise_value(e) : VAL_NULL;
}

static Value futiter_close(int argc, Value *argv, ObjDict *kw) {
    ((ObjFutIter *)AS_OBJ(argv[0]))->fut = VAL_NULL;
    return VAL_NONE;
}

static Value futiter_self(Value self) {
    return self;
}

static void futiter_trace(Obj *o) {
    gc_mark_value(((ObjFutIter *)o)->fut);
}

static const MethodDef futiter_methods[] = {
    {"send", futiter_send_m},
    {"throw", futiter_throw},
    {"close", futiter_close},
    {NULL, NULL},
};

// The C fields Python code reads, as CPython's getset descriptors: getters
// in the class dict (not a getattr hook, so that method loads on futures
// and tasks take the VM's cached path).
static Value fg_blocking(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(self_fut(argv[0])->blocking);
}

static Value fg_loop(int argc, Value *argv, ObjDict *kw) {
    ObjFuture *f = self_fut(argv[0]);
    return f->loop ? OBJ_VAL(f->loop) : VAL_NONE;
}

static Value fg_state(int argc, Value *argv, ObjDict *kw) {
    return str_from_c(state_name(self_fut(argv[0])->state));
}

static Value fg_log_traceback(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(self_fut(argv[0])->log_tb);
}

// Debug mode's record (future_note_origin), else None as in CPython.
static Value fg_source_traceback(int argc, Value *argv, ObjDict *kw) {
    Value l = future_origin(self_fut(argv[0]));
    return l ? l : VAL_NONE;
}

static Value fg_exception(int argc, Value *argv, ObjDict *kw) {
    ObjFuture *f = self_fut(argv[0]);
    return fut_exc(f) ? f->value : VAL_NONE;
}

static Value fg_cancel_message(int argc, Value *argv, ObjDict *kw) {
    ObjFuture *f = self_fut(argv[0]);
    return fut_cancel_msg(f);
}

static Value fg_awaited_by(int argc, Value *argv, ObjDict *kw) {
    return graph_awaited_by(self_fut(argv[0]));
}

// The writable C fields, as CPython's getset descriptors: none can be
// deleted, and _log_traceback can only be cleared.
static bool fut_setattr(Value self, ObjStr *name, Value v) {
    ObjFuture *f = self_fut(self);
    const char *n = name->data;
    bool blocking = strcmp(n, "_asyncio_future_blocking") == 0;
    bool log_tb = !blocking && strcmp(n, "_log_traceback") == 0;
    bool cancel_msg = !blocking && !log_tb && strcmp(n, "_cancel_message") == 0;
    if (!blocking && !log_tb && !cancel_msg) {
        return generic_setattr(self, name, v);
    }
    if (!v) {
        exc_raise(exc_AttributeError, "cannot delete attribute");
        return false;
    }
    if (cancel_msg) {
        fut_set_rare(f, FUT_RARE_CANCEL_MSG, v);
        return true;
    }
    int t = obj_truthy(v);
    if (t < 0) {
        return false;
    }
    if (blocking) {
        f->blocking = t;
    } else if (t) {
        exc_raise(exc_ValueError, "_log_traceback can only be set to False");
        return false;
    } else {
        f->log_tb = false;
    }
    return true;
}

Value future_created_at(ObjFuture *f) {
    Value l = future_origin(f);
    if (!l || AS_LIST(l)->len == 0) {
        return str_from_c("");
    }
    Value e = AS_LIST(l)->items[AS_LIST(l)->len - 1];
    if (!IS_OBJ(e) || AS_OBJ(e)->cls != cls_tuple || AS_TUPLE(e)->len < 2) {
        return str_from_c("");
    }
    Value file = obj_str(AS_TUPLE(e)->items[0]);
    gc_push_root(file ? file : VAL_NONE);
    Value line = file ? obj_str(AS_TUPLE(e)->items[1]) : VAL_NULL;
    gc_pop_root(1);
    return line ? str_printf(" created at %s:%s", AS_STR(file)->data, AS_STR(line)->data) : VAL_NULL;
}

Value future_repr_info(ObjFuture *f) {
    if (f->state == FUT_FINISHED) {
        Value r = obj_repr(f->value);
        if (!r) {
            return VAL_NULL;
        }
        return str_printf(" %s=%s", f->is_exc ? "exception" : "result", AS_STR(r)->data);
    }
    return str_from_c("");
}

// One callback as CPython's _format_callbacks shows it.
static Value format_cb(Value cb) {
    if (IS_OBJ(cb) && AS_OBJ(cb)->cls->native_base == cls_task && ((ObjFuture *)AS_OBJ(cb))->is_task) {
        return str_from_c("Task.task_wakeup()");
    }
    Value none = tuple_new(0);
    gc_push_root(none);
    Value r = aio_format_callback(future_callback_fn(cb), none);
    gc_pop_root(1);
    return r;
}

// " cb=[...]" for a pending future with callbacks: the first and the last,
// with "<N more>" between when there are more than two.
static Value cb_info(ObjFuture *f) {
    if (f->state != FUT_PENDING || !f->cb0) {
        return str_from_c("");
    }
    ObjList *cbs = fut_cbs(f);
    size_t n = 1 + (cbs ? cbs->len : 0);
    Value first = format_cb(f->cb0);
    if (!first) {
        return VAL_NULL;
    }
    if (n == 1) {
        return str_printf(" cb=[%s]", AS_STR(first)->data);
    }
    gc_push_root(first);
    Value last = format_cb(cbs->items[n - 2]);
    gc_pop_root(1);
    if (!last) {
        return VAL_NULL;
    }
    if (n == 2) {
        return str_printf(" cb=[%s, %s]", AS_STR(first)->data, AS_STR(last)->data);
    }
    return str_printf(" cb=[%s, <%zu more>, %s]", AS_STR(first)->data, n - 2, AS_STR(last)->data);
}

Value future_repr(Value self) {
    ObjFuture *f = self_fut(self);
    const char *st = f->state == FUT_PENDING ? "pending" : f->state == FUT_CANCELLED ? "cancelled" : "finished";
    Value info = future_repr_info(f);
    if (!info) {
        return VAL_NULL;
    }
    gc_push_root(info);
    Value cb = cb_info(f);
    gc_push_root(cb ? cb : VAL_NONE);
    Value at = cb ? future_created_at(f) : VAL_NULL;
    gc_pop_root(2);
    if (!at) {
        return VAL_NULL;
    }
    return str_printf("<%s %s%s%s%s>", f->hdr.cls->name->data, st, AS_STR(cb)->data, AS_STR(info)->data,
                      AS_STR(at)->data);
}

static Value fut_repr_m(int argc, Value *argv, ObjDict *kw) {
    return future_repr(argv[0]);
}

static Value fut_make_cancelled_error_m(int argc, Value *argv, ObjDict *kw) {
    return future_make_cancelled_error(self_fut(argv[0]));
}

static const MethodDef fut_fields[] = {
    {"_asyncio_future_blocking", fg_blocking},
    {"_loop", fg_loop},
    {"_state", fg_state},
    {"_log_traceback", fg_log_traceback},
    {"_source_traceback", fg_source_traceback},
    {"_exception", fg_exception},
    {"_cancel_message", fg_cancel_message},
    {"_asyncio_awaited_by", fg_awaited_by},
    {NULL, NULL},
};

static const MethodDef fut_methods[] = {
    {"_make_cancelled_error", fut_make_cancelled_error_m},
    {"__init__", fut_init, true},
    {"result", fut_result},
    {"exception", fut_exception},
    {"set_result", fut_set_result},
    {"set_exception", fut_set_exception},
    {"add_done_callback", fut_add_done_callback, true},
    {"remove_done_callback", fut_remove_done_callback},
    {"cancel", fut_cancel, true},
    {"cancelled", fut_cancelled},
    {"done", fut_done},
    {"get_loop", fut_get_loop},
    {"__await__", fut_await},
    {"__iter__", fut_await},
    {"__repr__", fut_repr_m},
    {NULL, NULL},
};

// Creates Future, CancelledError and InvalidStateError.
void future_init(void) {
    ObjStr *mod_exc = str_intern_c("asyncio.exceptions");
    exc_CancelledError = class_new_builtin("CancelledError", exc_BaseException, sizeof(ObjException), NULL);
    exc_CancelledError->module = mod_exc;
    exc_InvalidStateError = class_new_builtin("InvalidStateError", exc_Exception, sizeof(ObjException), NULL);
    exc_InvalidStateError->module = mod_exc;
    cls_future = class_new_builtin("Future", NULL, sizeof(ObjFuture), fut_methods);
    cls_future->module = str_intern_c("_asyncio");
    cls_future->trace = trace_future;
    cls_future->new_ = fut_new;
    class_add_classmethod(cls_future, "__class_getitem__", generic_alias_cgi_method);
    cls_future->repr = future_repr;
    cls_future->iter = fut_iter;
    cls_future_iter = class_new_builtin("FutureIter", NULL, sizeof(ObjFutIter), futiter_methods);
    cls_future_iter->module = str_intern_c("_asyncio");
    cls_future_iter->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_future_iter->new_ = NULL;
    cls_future_iter->trace = futiter_trace;
    cls_future_iter->iter = futiter_self;
    cls_future_iter->next = futiter_next;
    cls_future_iter->am_send = futiter_send;
    cls_future->flags |= CLS_AWAIT_SELF;        // await makes no FutureIter
    cls_future->am_send = fut_step;
    cls_future->setattr = fut_setattr;
    cls_future->dict_offset = offsetof(ObjFuture, dict);
    // on the class too, as CPython's descriptors (isfuture()'s duck test
    // looks for _asyncio_future_blocking there); fut_setattr writes the
    // writable ones
    class_add_fields(cls_future, fut_fields, NULL);
}
