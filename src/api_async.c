// api_async.c: asyncio from the host (include/pyish.h): the state's event
// loop (made on first use with asyncio's C core), coroutines started as
// tasks, the loop driven until idle, for a while or one pass at a time
// (runtime/asyncio's loop_run_once / loop_next_deadline /
// loop_run_until_idle), and futures that C code resolves or rejects later.
#include <string.h>
#include "api_internal.h"
#include "gc.h"
#include "interp.h"
#include "module.h"
#include "runtime.h"

// The loop of the state's host (inside an API entry); NULL with the
// exception pending when asyncio cannot be loaded.
static ObjLoop *host_loop(pyish_State *S) {
    if (S->loop && !S->loop->closed) {
        return S->loop;
    }
    if (!import_module_value(str_intern_c("_asyncio"))) {
        return NULL;
    }
    S->loop = loop_for_host();
    return S->loop;
}

pyish_Value *pyish_task_start(pyish_State *S, pyish_Value *coro) {
    api_enter(S);
    Value r;
    ObjLoop *loop = host_loop(S);
    if (!loop) {
        r = VAL_NULL;
    } else if (!coro || !is_coroutine_like(coro->v)) {
        r = exc_raise(exc_TypeError, "a coroutine was expected, got %s", coro ? val_type_name(coro->v) : "NULL");
    } else {
        r = task_new(loop, coro->v, VAL_NONE, VAL_NULL);
    }
    return api_result(S, r);
}

static ObjFuture *as_future(pyish_Value *h) {
    if (!h || !is_future(h->v)) {
        exc_raise(exc_TypeError, "a Task or Future was expected, got %s", h ? val_type_name(h->v) : "NULL");
        return NULL;
    }
    return (ObjFuture *)AS_OBJ(h->v);
}

int pyish_task_done(pyish_State *S, pyish_Value *task) {
    api_enter(S);
    ObjFuture *f = as_future(task);
    int r = f ? f->state != FUT_PENDING : api_fail(S);
    api_leave(S);
    return r;
}

pyish_Value *pyish_task_result(pyish_State *S, pyish_Value *task) {
    api_enter(S);
    ObjFuture *f = as_future(task);
    Value r = VAL_NULL;
    if (f && f->state == FUT_PENDING) {
        r = exc_raise(exc_InvalidStateError, "Result is not set.");
    } else if (f) {
        r = future_result(f);
    }
    return api_result(S, r);
}

int pyish_loop_run_once(pyish_State *S) {
    api_enter(S);
    ObjLoop *loop = host_loop(S);
    int rc = loop && loop_run_once(loop) ? PYISH_OK : api_fail(S);
    api_leave(S);
    return rc;
}

int pyish_loop_run(pyish_State *S, double max_seconds) {
    api_enter(S);
    ObjLoop *loop = host_loop(S);
    int rc = loop && loop_run_until_idle(loop, max_seconds) >= 0 ? PYISH_OK : api_fail(S);
    api_leave(S);
    return rc;
}

double pyish_loop_next_deadline(pyish_State *S) {
    if (!S->loop) {
        return -1;
    }
    api_enter(S);
    double d = loop_next_deadline(S->loop);
    api_leave(S);
    return d;
}

int pyish_loop_backend_fd(pyish_State *S) {
    if (!S->loop) {
        return -1;
    }
    api_enter(S);
    int fd = loop_backend_fd(S->loop);
    api_leave(S);
    return fd;
}

pyish_Value *pyish_future_new(pyish_State *S) {
    api_enter(S);
    ObjLoop *loop = host_loop(S);
    return api_result(S, loop ? future_new(loop) : VAL_NULL);
}

int pyish_future_resolve(pyish_State *S, pyish_Value *fut, pyish_Value *result) {
    api_enter(S);
    ObjFuture *f = as_future(fut);
    int rc = f && result && future_set_result(f, result->v) ? PYISH_OK : PYISH_ERROR;
    if (rc != PYISH_OK) {
        if (f && !result) {
            exc_raise(exc_TypeError, "NULL result");
        }
        api_fail(S);
    }
    api_leave(S);
    return rc;
}

int pyish_future_reject(pyish_State *S, pyish_Value *fut, const char *type_name, const char *message) {
    api_enter(S);
    int rc = PYISH_ERROR;
    ObjFuture *f = as_future(fut);
    if (f) {
        ObjClass *c = api_builtin_class(type_name);
        if (!c || !class_is_subclass(c, exc_BaseException)) {
            c = exc_RuntimeError;
        }
        Value msg = str_from_c(message ? message : "");
        gc_push_root(msg);
        Value e = exc_new(c, 1, &msg);
        gc_pop_root(1);
        if (e && future_set_exception(f, e)) {
            rc = PYISH_OK;
        }
    }
    if (rc != PYISH_OK) {
        api_fail(S);
    }
    api_leave(S);
    return rc;
}
