// task.c: asyncio.Task in C: a Future that drives a coroutine (or a plain
// generator, tutorial style, or any iterator with send/throw). A step
// resumes the coroutine with gen_send/gen_throw; a yielded Future makes
// the task its waiter (the task itself is stored as the callback: no bound
// method per await); a bare yield reschedules it; return and raise finish
// it. Cancellation follows CPython 3.11 (must_cancel, the waited future is
// cancelled first). Also the weak registry behind all_tasks().
#include <string.h>
#include "asyncio.h"
#include "containers.h"
#include "runtime.h"
#include "gc.h"
#include "gen.h"
#include "class.h"
#include "vmapi.h"


static void trace_task(Obj *o) {
    ObjTask *t = (ObjTask *)o;
    cls_future->trace(o);
    gc_mark_value(t->coro);
    gc_mark_value(t->fut_waiter);
    gc_mark_value(t->context);
}

static void finalize_task(Obj *o) {
    ObjTask *t = (ObjTask *)o;
    size_t i = t->reg_index;
    if (i < ST->task_nregistry && ST->task_registry[i] == t) {
        ObjTask *last = ST->task_registry[--ST->task_nregistry];
        ST->task_registry[i] = last;
        last->reg_index = i;
    }
}

static void registry_add(ObjTask *t) {
    if (ST->task_nregistry == ST->task_capregistry) {
        size_t ncap = ST->task_capregistry ? ST->task_capregistry * 2 : 64;
        ST->task_registry = mem_realloc(ST->task_registry, sizeof(ObjTask *) * ST->task_capregistry, sizeof(ObjTask *) * ncap);
        ST->task_capregistry = ncap;
    }
    t->reg_index = ST->task_nregistry;
    ST->task_registry[ST->task_nregistry++] = t;
}

bool is_coroutine_like(Value v) {
    if (!IS_OBJ(v)) {
        return false;
    }
    ObjClass *c = AS_OBJ(v)->cls;
    return c == cls_coroutine || c == cls_generator || c == cls_sleep || c == cls_event_wait;
}

int aio_iscoroutine(Value v) {
    if (is_coroutine_like(v)) {
        return 1;
    }
    if (!IS_OBJ(v)) {
        return 0;
    }
    Value abc = vm_import("_collections_abc");
    Value coro_abc = abc ? obj_getattr(abc, str_intern_c("Coroutine")) : VAL_NULL;
    return coro_abc ? isinstance_check(v, coro_abc) : -1;
}

Value task_new(ObjLoop *loop, Value coro, Value name, Value context) {
    int is_coro = aio_iscoroutine(coro);
    if (is_coro <= 0) {
        Value r = is_coro < 0 ? VAL_NULL : obj_repr(coro);
        return r ? exc_raise(exc_TypeError, "a coroutine was expected, got %s", AS_STR(r)->data) : VAL_NULL;
    }
    ObjTask *t = (ObjTask *)obj_alloc(cls_task, sizeof(ObjTask));
    if (gen_is_gen(coro)) {
        ObjGen *g = (ObjGen *)AS_OBJ(coro);
        g->awaited = true;
    }
    future_init_fields(&t->f, loop);
    t->f.is_task = true;
    t->coro = coro;
    t->num = ++ST->task_counter;
    t->log_destroy_pending = true;
    gc_push_root(OBJ_VAL(t));
    bool ctx_ok = context_for_callback(context, &t->context);
    gc_pop_root(1);
    if (!ctx_ok) {
        return VAL_NULL;
    }
    if (name && !IS_NONE(name)) {
        if (!IS_STR(name)) {
            gc_push_root(OBJ_VAL(t));
            name = obj_str(name);
            gc_pop_root(1);
            if (!name) {
                return VAL_NULL;
            }
        }
        fut_set_rare(&t->f, FUT_RARE_NAME, name);
    }
    registry_add(t);
    loop_push(loop, R_STEP, OBJ_VAL(t), VAL_NULL);
    if (__builtin_expect(loop->dbg & LOOP_DBG_DEBUG, 0)) {
        future_note_origin(&t->f);
    }
    return OBJ_VAL(t);
}

// Resumes a non-generator awaitable iterator (the sleep object, user
// iterators with send/throw): same results as gen_send/gen_throw.
static int generic_step(Value coro, Value exc, Value *out) {
    if (!exc) {
        ObjClass *c = val_class(coro);
        int r;
        if (c->am_send) {
            r = c->am_send(coro, out);
            return r == 1 ? GEN_YIELDED : r == 0 ? GEN_RETURNED : GEN_RAISED;
        }
        if (c->next && c->next != slot_next) {
            r = c->next(coro, out);
        } else {
            // a duck-typed coroutine: send(None), as CPython's task step
            Value none = VAL_NONE;
            *out = call_method(coro, "send", 1, &none);
            r = *out ? 1 : -1;
        }
        if (r == 1) {
            return GEN_YIELDED;
        }
        if (r == 0) {
            *out = VAL_NONE;
            return GEN_RETURNED;
        }
    } else {
        *out = call_method(coro, "throw", 1, &exc);
        if (*out) {
            return GEN_YIELDED;
        }
    }
    if (EXC_PENDING_IS(exc_StopIteration)) {
        Value e = exc_take();
        ObjTuple *args = AS_EXC(e)->args;
        *out = args && args->len ? args->items[0] : VAL_NONE;
        return GEN_RETURNED;
    }
    return GEN_RAISED;
}

static bool cancel_any(Value fut, Value msg) {
    ObjFuture *w = (ObjFuture *)AS_OBJ(fut);
    if (w->is_task && AS_OBJ(fut)->cls->native_base == cls_task) {
        return task_cancel((ObjTask *)w, msg);
    }
    if (AS_OBJ(fut)->cls == cls_future) {
        return future_cancel(w, msg);
    }
    // a user subclass may override cancel()
    Value r = call_method(fut, "cancel", 1, &msg);
    if (!r) {
        exc_clear();
        return false;
    }
    return obj_truthy(r) == 1;
}

static void schedule_error(ObjTask *t, const char *fmt, Value a, Value b) {
    gc_push_root(a);
    gc_push_root(b);
    Value ra = obj_repr(a);
    gc_push_root(ra);
    Value rb = b && ra ? obj_repr(b) : VAL_NULL;
    gc_pop_root(3);
    if (!ra || (b && !rb)) {
        exc_clear();
        return;
    }
    Value msg = b ? str_printf(fmt, AS_STR(ra)->data, AS_STR(rb)->data) : str_printf(fmt, AS_STR(ra)->data);
    Value e = exc_new(exc_RuntimeError, 1, &msg);
    if (e) {
        loop_push(t->f.loop, R_STEP, OBJ_VAL(t), e);
    }
}

// CPython reports "Task exception was never retrieved" as soon as a failed
// task nobody holds is freed, usually right after its last step. To report
// it about then (before later output on stderr, e.g. main's traceback), a
// task that fails with no done callback (nobody awaits it) asks for a
// collection at the next safe point; at most MAX_FORCED times, so programs
// where thousands of tasks fail stay fast.
#define MAX_FORCED 64

static void request_collection(void) {
    if (ST->nforced < MAX_FORCED) {
        ST->nforced++;
        ST->gc.due = true;
    }
}

// A step of a task finished from outside (Future.set_result(task, v)):
// CPython's step raises InvalidStateError, which the loop reports.
static bool step_done_task(ObjTask *t, Value exc) {
    Value tr = obj_repr(OBJ_VAL(t));
    gc_push_root(tr ? tr : VAL_NONE);
    Value er = tr ? obj_repr(exc ? exc : VAL_NONE) : VAL_NULL;
    gc_pop_root(1);
    if (!er) {
        return false;
    }
    Value msg = str_printf("_step(): already done: %s %s", AS_STR(tr)->data, AS_STR(er)->data);
    Value e = exc_new(exc_InvalidStateError, 1, &msg);
    if (!e) {
        return false;
    }
    gc_push_root(e);
    Value h = str_from_c("<Handle Task.task_step()>");
    gc_push_root(h);
    aio_report_error(t->f.loop, "Exception in callback Task.task_step()", e, "handle", h);
    gc_pop_root(2);
    return true;
}

// ---- swallowed cancellations (debug mode)
// A task that was cancel()ed, caught the CancelledError and returned
// normally (no uncancel() either, as asyncio.timeout and TaskGroup do for
// their own requests) lost its caller's cancellation: reported on the
// asyncio logger, "Task-3 swallowed CancelledError (cancel() called at
// app.pyish:20) and returned normally". The first request's site (the
// innermost user frame) waits in the task's __dict__ meanwhile.

static Value task_name(ObjTask *t);

static void note_cancel_site(ObjTask *t) {
    Value saved = exc_take();
    gc_push_root(saved);
    Value frames = tb_capture_origin(1);
    gc_push_root(frames);
    if (AS_TUPLE(frames)->len) {
        if (!t->f.dict) {
            Value d = dict_new();
            t->f.dict = d ? AS_DICT(d) : NULL;
        }
        if (t->f.dict) {
            dict_set_str(t->f.dict, str_intern_c("_cancel_site"), AS_TUPLE(frames)->items[0]);
        }
    }
    exc_clear();
    gc_pop_root(2);
    if (saved) {
        exc_raise_value(saved);
    }
}

static void report_swallowed(ObjTask *t) {
    Value site = t->f.dict ? dict_get_str(t->f.dict, str_intern_c("_cancel_site")) : VAL_NULL;
    Value where = VAL_NULL;
    if (site && IS_OBJ(site) && AS_OBJ(site)->cls == cls_tuple && AS_TUPLE(site)->len >= 2 &&
        IS_STR(AS_TUPLE(site)->items[0]) && IS_INT(AS_TUPLE(site)->items[1])) {
        int64_t line = 0;
        int_to_i64(AS_TUPLE(site)->items[1], &line);
        where = str_printf(" (cancel() called at %s:%lld)", AS_STR(AS_TUPLE(site)->items[0])->data, (long long)line);
    } else {
        where = str_from_c("");
    }
    gc_push_root(where);
    Value name = task_name(t);
    Value msg = str_printf("%s swallowed CancelledError%s and returned normally", IS_STR(name) ? AS_STR(name)->data : "?",
                           AS_STR(where)->data);
    gc_push_root(msg);
    aio_log_warning(msg);
    gc_pop_root(2);
}

bool task_step(ObjTask *t, Value exc) {
    ObjFuture *f = &t->f;
    if (f->state != FUT_PENDING) {
        return step_done_task(t, exc);
    }
    if (t->must_cancel) {
        if (!exc || !exc_matches(exc, OBJ_VAL(exc_CancelledError))) {
            exc = future_make_cancelled_error(f);
            if (!exc) {
                return false;
            }
        }
        t->must_cancel = false;
    }
    t->fut_waiter = VAL_NULL;
    ObjLoop *loop = f->loop;
    Value prev = loop->current_task;
    loop->current_task = OBJ_VAL(t);
    Value coro = t->coro;
    Value out = VAL_NULL;
    int st;
    gc_push_root(OBJ_VAL(t));
    gc_push_root(exc);
    Value *saved_slot;
    Value prev_ctx = context_enter(t->context, &t->context, &saved_slot);
    gc_push_root(prev_ctx);
    if (gen_is_gen(coro)) {
        ObjGen *g = (ObjGen *)AS_OBJ(coro);
        st = exc ? gen_throw_raw(g, exc, &out) : gen_send_raw(g, VAL_NONE, &out);
    } else {
        st = generic_step(coro, exc, &out);
    }
    context_leave(prev_ctx, saved_slot);
    gc_pop_root(1);
    loop->current_task = prev;
    bool ok = true;
    if (st == GEN_RETURNED) {
        if (t->must_cancel) {
            t->must_cancel = false;
            future_cancel(f, fut_cancel_msg(f));
        } else {
            future_set_result(f, out);
            if (__builtin_expect(t->num_cancels > 0, 0) && (loop->dbg & LOOP_DBG_DEBUG)) {
                report_swallowed(t);
            }
        }
    } else if (st == GEN_RAISED) {
        Value e = exc_take();
        if (exc_matches(e, OBJ_VAL(exc_CancelledError))) {
            // the message lives on in [e] only (CPython forgets it)
            fut_set_exc(f, e);
            future_cancel(f, VAL_NULL);
        } else if (exc_matches(e, OBJ_VAL(exc_KeyboardInterrupt)) || exc_matches(e, OBJ_VAL(exc_SystemExit))) {
            future_set_exception(f, e);
            f->log_tb = false;
            exc_raise_value(e);
            ok = false;
        } else {
            bool watched = f->cb0 != VAL_NULL;
            future_set_exception(f, e);
            if (!watched) {
                request_collection();
            }
        }
    } else if (is_future(out)) {
        ObjFuture *w = (ObjFuture *)AS_OBJ(out);
        if (w->loop != loop) {
            schedule_error(t, "Task %s got Future %s attached to a different loop", OBJ_VAL(t), out);
        } else if (w->blocking) {
            if (w == f) {
                schedule_error(t, "Task cannot await on itself: %s", OBJ_VAL(t), VAL_NULL);
            } else {
                w->blocking = false;
                future_add_callback(w, OBJ_VAL(t));
                t->fut_waiter = out;
                if (t->must_cancel) {
                    if (cancel_any(out, fut_cancel_msg(f))) {
                        t->must_cancel = false;
                    }
                }
            }
        } else {
            schedule_error(t, "yield was used instead of yield from in task %s with %s", OBJ_VAL(t), out);
        }
    } else if (aio_sleep_bind(out, t)) {
        t->fut_waiter = out;    // a bare sleep (loop.c): no future unless asked for
        if (t->must_cancel && cancel_any(aio_task_waiter(t), fut_cancel_msg(f))) {
            t->must_cancel = false;
        }
    } else if (IS_NONE(out)) {
        loop_push(loop, R_STEP, OBJ_VAL(t), VAL_NULL);
    } else if (IS_A(out, cls_generator)) {
        schedule_error(t, "yield was used instead of yield from for generator in task %s with %s", OBJ_VAL(t),
                       out);
    } else {
        schedule_error(t, "Task got bad yield: %s", out, VAL_NULL);
    }
    gc_pop_root(2);
    return ok;
}

bool task_wakeup(ObjTask *t, ObjFuture *fut) {
    if (fut->state == FUT_FINISHED && !fut->is_exc) {
        return task_step(t, VAL_NULL);
    }
    Value r = future_result(fut);
    if (r) {
        return task_step(t, VAL_NULL);
    }
    Value e = exc_take();
    return task_step(t, e);
}

bool task_cancel(ObjTask *t, Value msg) {
    ObjFuture *f = &t->f;
    f->log_tb = false;
    if (f->state != FUT_PENDING) {
        return false;
    }
    if (!msg) {
        msg = VAL_NONE;
    }
    if (t->num_cancels < INT16_MAX) {
        t->num_cancels++;
    }
    if (__builtin_expect(f->loop->dbg & LOOP_DBG_DEBUG, 0) && t->num_cancels == 1) {
        note_cancel_site(t);
    }
    if (t->fut_waiter) {
        if (cancel_any(aio_task_waiter(t), msg)) {
            return true;
        }
    }
    t->must_cancel = true;
    fut_set_rare(f, FUT_RARE_CANCEL_MSG, msg);
    return true;
}

// ---- reprs and descriptions
Value task_format_coro(Value coro) {
    if (gen_is_gen(coro)) {
        ObjGen *g = (ObjGen *)AS_OBJ(coro);
        if (g->frame && g->state != GEN_CLOSED) {
            return str_printf("%s() running at %s:%d", gen_qualname(g)->data, frame_code(g->frame)->filename->data,
                              gen_line(g));
        }
        ObjCode *c = gen_code(g);
        if (c) {
            return str_printf("%s() done, defined at %s:%d", gen_qualname(g)->data, c->filename->data, c->firstline);
        }
        return str_printf("%s() done", gen_qualname(g)->data);
    }
    if (IS_OBJ(coro) && AS_OBJ(coro)->cls == cls_sleep) {
        // CPython's sleep() is a coroutine of asyncio/tasks.py (3.11: defined
        // at line 627, suspended at line 649)
        return str_from_c(aio_sleep_done(coro) ? "sleep() done, defined at <pyish asyncio>:627"
                                               : "sleep() running at <pyish asyncio>:649");
    }
    if (IS_OBJ(coro) && AS_OBJ(coro)->cls == cls_event_wait) {
        // asyncio.pyish's Event.wait (a C object: event.c)
        return aio_event_wait_done(coro)
                   ? str_printf("Event.wait() done, defined at <pyish asyncio>:%d", AIO_EVENT_WAIT_LINE - 1)
                   : str_printf("Event.wait() running at <pyish asyncio>:%d", AIO_EVENT_WAIT_LINE);
    }
    Value r = obj_repr(coro);
    return r;
}

// get_name(): the default name is made once, so each call gives the same str.
static Value task_name(ObjTask *t) {
    Value name = task_set_name_value(t);
    if (!name) {
        name = str_printf("Task-%lld", (long long)t->num);
        fut_set_rare(&t->f, FUT_RARE_NAME, name);
    }
    return name;
}

Value task_repr(Value self) {
    ObjTask *t = (ObjTask *)AS_OBJ(self);
    ObjFuture *f = &t->f;
    const char *st = f->state == FUT_PENDING ? (t->num_cancels > 0 ? "cancelling" : "pending")
                     : f->state == FUT_CANCELLED ? "cancelled"
                                                 : "finished";
    Value nr = obj_repr(task_name(t));
    if (!nr) {
        return VAL_NULL;
    }
    gc_push_root(nr);
    Value coro = task_format_coro(t->coro);
    if (!coro) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(coro);
    Value info = future_repr_info(f);
    if (!info) {
        gc_pop_root(2);
        return VAL_NULL;
    }
    gc_push_root(info);
    Value wait = str_from_c("");
    if (t->fut_waiter && f->state == FUT_PENDING) {
        Value wr = obj_repr(aio_task_waiter(t));
        if (!wr) {
            gc_pop_root(3);
            return VAL_NULL;
        }
        wait = str_printf(" wait_for=%s", AS_STR(wr)->data);
    }
    gc_push_root(wait);
    Value at = future_created_at(f);
    gc_pop_root(4);
    if (!at) {
        return VAL_NULL;
    }
    return str_printf("<%s %s name=%s coro=<%s>%s%s%s>", f->hdr.cls->name->data, st, AS_STR(nr)->data,
                      AS_STR(coro)->data, AS_STR(wait)->data, AS_STR(info)->data, AS_STR(at)->data);
}

ObjGen *task_user_gen(ObjGen *g, ObjGen **inner) {
    ObjGen *user = g, *in = g;
    for (;;) {
        if (in->frame && frame_code(in->frame)->filename->data[0] != '<') {
            user = in;
        }
        if (gen_state(in) == GEN_SUSPENDED && in->yf && gen_is_gen(in->yf)) {
            in = (ObjGen *)AS_OBJ(in->yf);
        } else {
            break;
        }
    }
    if (inner) {
        *inner = in;
    }
    return user;
}

// Debug mode's slow-step report: where task [t] stands, "file:line in f()"
// for the innermost generator of user code in its await chain ("f()
// finished" once it is done); NULL when its coroutine is not a generator.
Value task_step_site(Value t) {
    Value coro = ((ObjTask *)AS_OBJ(t))->coro;
    if (!gen_is_gen(coro)) {
        return VAL_NULL;
    }
    ObjGen *g = task_user_gen((ObjGen *)AS_OBJ(coro), NULL);
    if (!g->frame || g->state == GEN_CLOSED) {
        return str_printf("%s() finished", gen_qualname(g)->data);
    }
    return str_printf("%s:%d in %s()", frame_code(g->frame)->filename->data, gen_line(g), gen_qualname(g)->data);
}

// "name (coro) suspended at file:line in f(), awaiting X" for the
// deadlock report: the innermost frame of user code, then the library
// frame (asyncio.pyish) it waits in, if any.
Value task_describe_wait(ObjTask *t) {
    Value nm = task_name(t);
    if (!gen_is_gen(t->coro)) {
        Value r = obj_repr(t->coro);
        return r ? str_printf("  task '%s' (%s)", AS_STR(nm)->data, AS_STR(r)->data) : VAL_NULL;
    }
    ObjGen *g = (ObjGen *)AS_OBJ(t->coro);
    ObjGen *in;
    ObjGen *user = task_user_gen(g, &in);
    Value what = t->fut_waiter ? obj_repr(aio_task_waiter(t)) : str_from_c("nothing (it is not suspended on a future)");
    if (!what) {
        return VAL_NULL;
    }
    const char *file = user->frame ? frame_code(user->frame)->filename->data : "?";
    Value lib = str_from_c("");
    if (in != user && in->frame) {
        lib = str_printf(" (inside %s() at %s:%d)", gen_qualname(in)->data, frame_code(in->frame)->filename->data, gen_line(in));
    } else if (in->yf && IS_OBJ(in->yf) && AS_OBJ(in->yf)->cls == cls_event_wait) {
        lib = str_printf(" (inside Event.wait() at <pyish asyncio>:%d)", AIO_EVENT_WAIT_LINE);
    }
    return str_printf("  task '%s' (coroutine %s()) suspended at %s:%d in %s()%s, awaiting %s", AS_STR(nm)->data,
                      gen_qualname(g)->data, file, gen_line(user), gen_qualname(user)->data, AS_STR(lib)->data,
                      AS_STR(what)->data);
}

// ---- methods
static ObjTask *self_task(Value v) {
    return (ObjTask *)AS_OBJ(v);
}

static Value task_new_m(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (argc < 1) {
        return exc_raise(exc_TypeError, "Task.__init__() missing 1 required positional argument: 'coro'");
    }
    Value lv = kw_get(kw, "loop");
    ObjLoop *loop = lv && IS_OBJ(lv) && AS_OBJ(lv)->cls == cls_loop ? (ObjLoop *)AS_OBJ(lv) : loop_get_event_loop_checked();
    if (!loop) {
        return VAL_NULL;
    }
    Value name = kw_get(kw, "name");
    if (loop->closed) {
        return exc_raise(exc_RuntimeError, "Event loop is closed");
    }
    Value t = task_new(loop, argv[0], name ? name : VAL_NONE, kw_get(kw, "context"));
    if (t && cls != cls_task) {
        AS_OBJ(t)->cls = cls;
    }
    return t;
}

static Value task_get_name(int argc, Value *argv, ObjDict *kw) {
    return task_name(self_task(argv[0]));
}

static Value task_set_name(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_name", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value s = obj_str(argv[1]);
    if (!s) {
        return VAL_NULL;
    }
    fut_set_rare(&self_task(argv[0])->f, FUT_RARE_NAME, s);
    return VAL_NONE;
}

static Value task_get_coro(int argc, Value *argv, ObjDict *kw) {
    return self_task(argv[0])->coro;
}

static Value task_cancelling(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(self_task(argv[0])->num_cancels);
}

static Value task_uncancel(int argc, Value *argv, ObjDict *kw) {
    ObjTask *t = self_task(argv[0]);
    if (t->num_cancels > 0) {
        t->num_cancels--;
    }
    return MK_SMALL(t->num_cancels);
}

// Task's own set_result/set_exception refuse; Future.set_result(task, v)
// still finishes a task, as in CPython.
static Value task_set_result(int argc, Value *argv, ObjDict *kw) {
    return exc_raise(exc_RuntimeError, "Task does not support set_result operation");
}

static Value task_set_exception(int argc, Value *argv, ObjDict *kw) {
    return exc_raise(exc_RuntimeError, "Task does not support set_exception operation");
}

static Value task_repr_m(int argc, Value *argv, ObjDict *kw) {
    return task_repr(argv[0]);
}

// Task's C fields Python code reads, read-only as CPython's getsets.
static Value tg_coro(int argc, Value *argv, ObjDict *kw) {
    return self_task(argv[0])->coro;
}

static Value tg_fut_waiter(int argc, Value *argv, ObjDict *kw) {
    ObjTask *t = self_task(argv[0]);
    return t->fut_waiter ? aio_task_waiter(t) : VAL_NONE;
}

static Value tg_must_cancel(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(self_task(argv[0])->must_cancel);
}

static Value task_hash_dummy(int argc, Value *argv, ObjDict *kw) {
    return VAL_NONE;
}

static const MethodDef task_fields[] = {
    {"_coro", tg_coro},
    {"_fut_waiter", tg_fut_waiter},
    {"_must_cancel", tg_must_cancel},
    {NULL, NULL},
};

static const MethodDef task_methods[] = {
    {"get_name", task_get_name},
    {"set_name", task_set_name},
    {"get_coro", task_get_coro},
    {"cancelling", task_cancelling},
    {"uncancel", task_uncancel},
    {"set_result", task_set_result},
    {"set_exception", task_set_exception},
    {"__repr__", task_repr_m},
    {NULL, NULL},
};

// Creates the Task class (after Future).
void task_init(void) {
    (void)task_hash_dummy;
    cls_task = class_new_builtin("Task", cls_future, sizeof(ObjTask), task_methods);
    cls_task->module = str_intern_c("_asyncio");
    class_add_classmethod(cls_task, "__class_getitem__", generic_alias_cgi_method);
    cls_task->trace = trace_task;
    cls_task->finalize = finalize_task;
    cls_task->new_ = task_new_m;
    cls_task->repr = task_repr;
    cls_task->flags |= CLS_AWAIT_SELF;
    cls_task->am_send = cls_future->am_send;
    class_add_fields(cls_task, task_fields, NULL);
    cls_task->dict_offset = offsetof(ObjFuture, dict);
}
