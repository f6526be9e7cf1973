// module.c: the builtin module `_asyncio` (the C core that
// runtime/lib/asyncio.pyish re-exports): loop access functions
// (get_event_loop, new_event_loop, set_event_loop, get_running_loop),
// current_task/all_tasks, sleep, the classes and exceptions; and the
// reports CPython's loggers print: "Task exception was never retrieved"
// and "Task was destroyed but it is pending!", when a task is collected
// and at exit (asyncio_shutdown, called by interp_shutdown).
#include <stdio.h>
#include <string.h>
#include "asyncio.h"
#include "runtime.h"
#include "gc.h"
#include "func.h"
#include "gen.h"
#include "module.h"


void aio_print_exception(const char *what, Value self, Value exc) {
    fflush(stdout);
    fprintf(state_stderr(), "%s\n", what);
    if (exc) {
        Value saved = exc_take();
        interp_print_exception(exc);
        if (saved) {
            exc_raise_value(saved);
        }
    }
    fflush(state_stderr());
}

static ObjLoop *as_loop(Value v) {
    return IS_OBJ(v) && AS_OBJ(v)->cls == cls_loop ? (ObjLoop *)AS_OBJ(v) : NULL;
}

static Value m_get_event_loop(int argc, Value *argv, ObjDict *kw) {
    ObjLoop *l = loop_get_event_loop_checked();
    return l ? OBJ_VAL(l) : VAL_NULL;
}

static Value m_new_event_loop(int argc, Value *argv, ObjDict *kw) {
    return loop_new();
}

static Value m_set_event_loop(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set_event_loop", argc, 1, 1)) {
        return VAL_NULL;
    }
    ST->set_loop_called = true;
    if (IS_NONE(argv[0])) {
        ST->default_loop = NULL;
        return VAL_NONE;
    }
    ObjLoop *l = as_loop(argv[0]);
    if (!l) {
        Value r = obj_repr(argv[0]);
        return r ? exc_raise(exc_TypeError, "loop must be an instance of AbstractEventLoop or None, not '%s'",
                             val_type_name(argv[0]))
                 : VAL_NULL;
    }
    ST->default_loop = l;
    return VAL_NONE;
}

static Value m_get_running_loop(int argc, Value *argv, ObjDict *kw) {
    if (!ST->running_loop) {
        return exc_raise(exc_RuntimeError, "no running event loop");
    }
    return OBJ_VAL(ST->running_loop);
}

static Value m_get_running_loop_opt(int argc, Value *argv, ObjDict *kw) {
    return ST->running_loop ? OBJ_VAL(ST->running_loop) : VAL_NONE;
}

// _run_on_entered(coro): asyncio.run() typed at the REPL, whose loop is
// the running loop around every input (loop_enter) without running an
// iteration: coro runs as a task on that loop until done, as `await coro`
// typed there would, instead of the RuntimeError a loop running tasks
// gives. _loop_entered() says whether the running loop is such a loop.
static Value m_loop_entered(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(ST->running_loop && ST->running_loop->entered);
}

static Value m_run_on_entered(int argc, Value *argv, ObjDict *kw) {
    ObjLoop *loop = ST->running_loop;
    if (argc != 1 || !loop || !loop->entered) {
        return exc_raise(exc_RuntimeError, "asyncio.run() cannot be called from a running event loop");
    }
    loop_leave(loop);
    Value r = loop_run_coroutine(loop, argv[0]);
    if (!loop_enter(loop)) {
        // (closed by the coroutine: the input goes on without a running loop)
        ST->running_loop = NULL;
    }
    return r;
}

// The loop argument of current_task()/all_tasks(): the running loop when
// none is given. Any other object is no error, as in CPython (no task runs
// on it): *[other] is set and NULL returned, with no exception.
static ObjLoop *loop_arg(int argc, Value *argv, ObjDict *kw, bool *other) {
    Value lv = argc > 0 ? argv[0] : kw_get(kw, "loop");
    *other = false;
    if (lv && !IS_NONE(lv)) {
        ObjLoop *l = as_loop(lv);
        if (!l) {
            *other = true;
        }
        return l;
    }
    if (!ST->running_loop) {
        exc_raise(exc_RuntimeError, "no running event loop");
        return NULL;
    }
    return ST->running_loop;
}

static Value m_current_task(int argc, Value *argv, ObjDict *kw) {
    bool other;
    ObjLoop *l = loop_arg(argc, argv, kw, &other);
    if (!l) {
        return other ? VAL_NONE : VAL_NULL;
    }
    return l->current_task ? l->current_task : VAL_NONE;
}

static Value m_all_tasks(int argc, Value *argv, ObjDict *kw) {
    bool other;
    ObjLoop *l = loop_arg(argc, argv, kw, &other);
    if (!l) {
        return other ? set_new(cls_set) : VAL_NULL;
    }
    Value s = set_new(cls_set);
    for (size_t i = 0; i < ST->task_nregistry; i++) {
        ObjTask *t = ST->task_registry[i];
        if (t->f.loop == l && t->f.state == FUT_PENDING) {
            if (set_add(AS_SET(s), OBJ_VAL(t)) < 0) {
                return VAL_NULL;
            }
        }
    }
    return s;
}

static Value m_iscoroutine(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("iscoroutine", argc, 1, 1)) {
        return VAL_NULL;
    }
    int r = aio_iscoroutine(argv[0]);
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

int aio_isfuture(Value v) {
    if (is_future(v)) {
        return 1;
    }
    ObjStr *blocking = str_intern_c("_asyncio_future_blocking");
    Value cls = obj_getattr_opt(v, str_intern_c("__class__"));
    Value has = cls ? obj_getattr_opt(cls, blocking) : VAL_NULL;
    Value b = has ? obj_getattr_opt(v, blocking) : VAL_NULL;
    if (!b) {
        return exc_pending() ? -1 : 0;
    }
    return !IS_NONE(b);
}

static Value m_isfuture(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("isfuture", argc, 1, 1)) {
        return VAL_NULL;
    }
    int r = aio_isfuture(argv[0]);
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

static Value m_create_task(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("create_task", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!ST->running_loop) {
        if (gen_is_gen(argv[0])) {
            // the coroutine is dropped unawaited, as in CPython
        }
        return exc_raise(exc_RuntimeError, "no running event loop");
    }
    return loop_create_task(ST->running_loop, argv[0], kw_get(kw, "name"), kw_get(kw, "context"));
}

static Value m_run_until_complete(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_run_until_complete", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjLoop *l = as_loop(argv[0]);
    if (!l) {
        return exc_raise(exc_TypeError, "loop expected");
    }
    return loop_run_until_complete(l, argv[1]);
}

// _task_describe(task): the deadlock-report line of a task.
static Value m_task_describe(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1 || !IS_OBJ(argv[0]) || AS_OBJ(argv[0])->cls->native_base != cls_task) {
        return exc_raise(exc_TypeError, "task expected");
    }
    return task_describe_wait((ObjTask *)AS_OBJ(argv[0]));
}

// _set_log_destroy_pending(task, flag)
static Value m_set_log_destroy(int argc, Value *argv, ObjDict *kw) {
    if (argc == 2 && IS_OBJ(argv[0]) && AS_OBJ(argv[0])->cls->native_base == cls_task) {
        ((ObjTask *)AS_OBJ(argv[0]))->log_destroy_pending = obj_truthy(argv[1]) == 1;
    }
    return VAL_NONE;
}

// _asyncgens(): the async generators started and not finished, suspended
// at a yield or at an await (their aclose() then fails with "already
// running", which shutdown_asyncgens() reports): what CPython's loop tracks
// from their first iteration, including the unreachable ones it would have
// finalized already.

static Value m_set_run_in_executor(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_set_run_in_executor", argc, 1, 1)) {
        return VAL_NULL;
    }
    ST->aio_run_in_executor_fn = argv[0];
    return VAL_NONE;
}

static Value m_set_shutdown_asyncgens(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_set_shutdown_asyncgens", argc, 1, 1)) {
        return VAL_NULL;
    }
    ST->aio_shutdown_asyncgens_fn = argv[0];
    return VAL_NONE;
}

static void collect_agen(Obj *o) {
    if (o->cls == cls_async_generator) {
        ObjGen *g = (ObjGen *)o;
        if (gen_state(g) == GEN_SUSPENDED) {
            list_append(AS_LIST(ST->aio_agen_list), OBJ_VAL(o));
        }
    }
}

static Value m_asyncgens(int argc, Value *argv, ObjDict *kw) {
    ST->aio_agen_list = list_new(0);
    gc_each_hookable(collect_agen);
    Value r = ST->aio_agen_list;
    ST->aio_agen_list = VAL_NULL;
    return r;
}

// _asyncio._install_task_methods(namespace): Task methods written in pyish
// (get_stack, print_stack: asyncio.pyish).
static Value m_install_task_methods(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_install_task_methods", argc, 1, 1)) {
        return VAL_NULL;
    }
    return aio_install_methods(cls_task, argv[0], "_install_task_methods") ? VAL_NONE : VAL_NULL;
}

// asyncio.coroutines._is_debug_mode(): whether new loops start in debug mode.
Value aio_is_debug_mode(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_is_debug_mode", argc, 0, 0)) {
        return VAL_NULL;
    }
    return VAL_BOOL(loop_env_debug());
}

static Value m_iscoroutinefunction(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("iscoroutinefunction", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value f = argv[0];
    if (IS_A(f, cls_bound_method)) {
        f = ((ObjBoundMethod *)AS_OBJ(f))->func;
    }
    if (IS_A(f, cls_function)) {
        return VAL_BOOL(((ObjFunction *)AS_OBJ(f))->code->flags & CO_COROUTINE);
    }
    return VAL_FALSE;
}

// _asyncio._gather_seen(arg, fn): how gather() knows a future passed twice
// without CPython's dict of every argument (issue 11: 40-60 bytes per
// task): True when [arg], a pending Future or Task of this module's own
// classes (whose callbacks nothing can hide), carries done callback [fn]
// (this gather's own, added at arg's first occurrence), False when it does
// not; None for anything else (a coroutine, a subclass, a done future),
// which gather() looks up in its dict as CPython does.
static Value m_gather_seen(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_gather_seen", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value v = argv[0];
    if (!IS_OBJ(v) || (AS_OBJ(v)->cls != cls_future && AS_OBJ(v)->cls != cls_task)) {
        return VAL_NONE;
    }
    ObjFuture *f = (ObjFuture *)AS_OBJ(v);
    if (f->state != FUT_PENDING) {
        return VAL_NONE;
    }
    if (f->cb0 && future_callback_fn(f->cb0) == argv[1]) {
        return VAL_TRUE;
    }
    ObjList *cbs = fut_cbs(f);
    for (size_t i = 0; cbs && i < cbs->len; i++) {
        if (future_callback_fn(cbs->items[i]) == argv[1]) {
            return VAL_TRUE;
        }
    }
    return VAL_FALSE;
}

static const MethodDef module_fns[] = {
    {"_gather_seen", m_gather_seen},
    {"_iscoroutinefunction", m_iscoroutinefunction},
    {"_is_debug_mode", aio_is_debug_mode},
    {"get_event_loop", m_get_event_loop},
    {"new_event_loop", m_new_event_loop},
    {"set_event_loop", m_set_event_loop},
    {"get_running_loop", m_get_running_loop},
    {"_get_running_loop", m_get_running_loop_opt},
    {"_loop_entered", m_loop_entered},
    {"_run_on_entered", m_run_on_entered},
    {"get_running_loop", m_get_running_loop},
    {"current_task", m_current_task, true},
    {"all_tasks", m_all_tasks, true},
    {"iscoroutine", m_iscoroutine},
    {"isfuture", m_isfuture},
    {"sleep", aio_sleep, true},
    {"create_task", m_create_task, true},
    {"_run_until_complete", m_run_until_complete},
    {"_task_describe", m_task_describe},
    {"_set_log_destroy_pending", m_set_log_destroy},
    {"_asyncgens", m_asyncgens},
    {"_set_shutdown_asyncgens", m_set_shutdown_asyncgens},
    {"_set_run_in_executor", m_set_run_in_executor},
    {"_report_blocking", aio_report_blocking_m},
    {"_install_loop_methods", io_install_methods},
    {"_install_task_methods", m_install_task_methods},
    {NULL, NULL},
};

// ---- reports for tasks and futures that die unobserved

static void report_add(Obj *o) {
    if (ST->aio_nreport == ST->aio_capreport) {
        size_t ncap = ST->aio_capreport ? ST->aio_capreport * 2 : 16;
        ST->aio_to_report = mem_realloc(ST->aio_to_report, sizeof(Value) * ST->aio_capreport, sizeof(Value) * ncap);
        ST->aio_capreport = ncap;
    }
    ST->aio_to_report[ST->aio_nreport++] = OBJ_VAL(o);
}

static bool wants_report(Obj *o) {
    ObjClass *c = o->cls;
    if (c != cls_future && c != cls_task && !(c->native_base == cls_future || c->native_base == cls_task)) {
        return false;
    }
    ObjFuture *f = (ObjFuture *)o;
    if (f->log_tb) {
        return true;
    }
    if (f->is_task && f->state == FUT_PENDING && ((ObjTask *)f)->log_destroy_pending) {
        return true;
    }
    return false;
}

// --strict-tasks: the report just printed ends the program with status 1:
// SystemExit(1) at the next safe point (tasks' finally blocks and
// asyncio.run's clean-up run, as after sys.exit(1)); at exit, only the
// status changes (the host reads aio_strict_failed).
static void strict_fail(void) {
    if (ST->aio_strict_failed) {
        return;
    }
    ST->aio_strict_failed = true;
    fprintf(state_stderr(), "pyish: --strict-tasks: a task exception was never retrieved; exiting with status 1\n");
    fflush(state_stderr());
    if (!ST->finalizing) {
        STATE_SET_INTERRUPT(VM_INTERRUPT_EXIT);
    }
}

static void report_one(Value v) {
    ObjFuture *f = (ObjFuture *)AS_OBJ(v);
    Value saved = exc_take();
    if (f->log_tb) {
        f->log_tb = false;
        aio_report_error(f->loop, f->is_task ? "Task exception was never retrieved"
                                             : "Future exception was never retrieved",
                         fut_exc(f), "future", v);
        if (f->is_task && ST->config.strict_tasks) {
            strict_fail();
        }
    } else if (f->is_task && f->state == FUT_PENDING && ((ObjTask *)f)->log_destroy_pending) {
        ((ObjTask *)f)->log_destroy_pending = false;
        aio_report_error(f->loop, "Task was destroyed but it is pending!", VAL_NULL, "task", v);
    }
    exc_clear();
    if (saved) {
        exc_raise_value(saved);
    }
}

static void collect_exit(Obj *o) {
    if (aio_sleep_warn(o) || aio_event_wait_warn(o)) {
        return;
    }
    if (wants_report(o)) {
        report_add(o);
    }
}

static void mark_reports(void) {
    for (size_t i = 0; i < ST->aio_nreport; i++) {
        gc_mark_value(ST->aio_to_report[i]);
    }
    gc_mark_value(ST->aio_module);
    gc_mark_value(ST->aio_shutdown_asyncgens_fn);
    gc_mark_value(ST->aio_run_in_executor_fn);
}

// Finalizer hook: an unreachable task/future that must report is kept
// one more cycle and reported after the collection.
static bool gc_hook(Obj *o) {
    if (aio_sleep_warn(o) || aio_event_wait_warn(o)) {
        return false;
    }
    if (wants_report(o)) {
        report_add(o);
        return true;
    }
    return false;
}

static void after_collect(void) {
    // reports may allocate but never collect: the list stays put
    for (size_t i = 0; i < ST->aio_nreport; i++) {
        report_one(ST->aio_to_report[i]);
    }
    ST->aio_nreport = 0;
}


// The error of closing [obj] at exit, as CPython's unraisable hook prints it.
static void report_unraisable(Value obj) {
    Value e = exc_take();
    if (!e) {
        return;
    }
    gc_push_root(e);
    Value r = obj_repr(obj);
    if (!r) {
        exc_clear();
    }
    fflush(stdout);
    fprintf(state_stderr(), "Exception ignored in: %s\n", r ? AS_STR(r)->data : "<coroutine>");
    tb_print_unraisable(e);
    gc_pop_root(1);
}

void asyncio_shutdown(void) {
    if (!ST->aio_initialized) {
        return;
    }
    ST->aio_nreport = 0;
    gc_each_hookable(collect_exit);
    // As at CPython's exit, the coroutine of a task still pending is closed
    // (its finally blocks run) before the task reports it was destroyed.
    for (size_t i = 0; i < ST->aio_nreport; i++) {
        ObjFuture *f = (ObjFuture *)AS_OBJ(ST->aio_to_report[i]);
        if (f->is_task && f->state == FUT_PENDING && ((ObjTask *)f)->log_destroy_pending) {
            Value coro = ((ObjTask *)f)->coro;
            if (gen_is_gen(coro) && gen_state((ObjGen *)AS_OBJ(coro)) == GEN_SUSPENDED) {
                Value saved = exc_take();
                if (!gen_close((ObjGen *)AS_OBJ(coro))) {
                    report_unraisable(coro);
                }
                if (saved) {
                    exc_raise_value(saved);
                }
            }
        }
    }
    // report in creation order is not tracked: report tasks by number
    for (size_t i = 0; i < ST->aio_nreport; i++) {
        report_one(ST->aio_to_report[i]);
    }
    ST->aio_nreport = 0;
}

Value aio_module_init(void) {
    if (!ST->aio_initialized) {
        ST->aio_initialized = true;
        future_init();
        task_init();
        loop_init();
        gc_add_root_marker(mark_reports);
        cls_future->flags |= CLS_GC_HOOK;
        cls_task->flags |= CLS_GC_HOOK;
        gc_set_finalizer_hook(gc_hook);
        gc_set_after_hook(after_collect);
    }
    Value m = module_new("_asyncio");
    ST->aio_module = m;
    ObjModule *mod = (ObjModule *)AS_OBJ(m);
    native_add_functions(mod->dict, NULL, module_fns);
    graph_install(mod->dict);
    event_install(mod->dict);
    dict_set_str(mod->dict, str_intern_c("Future"), OBJ_VAL(cls_future));
    dict_set_str(mod->dict, str_intern_c("Task"), OBJ_VAL(cls_task));
    dict_set_str(mod->dict, str_intern_c("Handle"), OBJ_VAL(cls_handle));
    dict_set_str(mod->dict, str_intern_c("AbstractEventLoop"), OBJ_VAL(cls_loop));
    dict_set_str(mod->dict, str_intern_c("CancelledError"), OBJ_VAL(exc_CancelledError));
    dict_set_str(mod->dict, str_intern_c("InvalidStateError"), OBJ_VAL(exc_InvalidStateError));
    dict_set_str(mod->dict, str_intern_c("TimeoutError"), OBJ_VAL(exc_TimeoutError));
    return m;
}
