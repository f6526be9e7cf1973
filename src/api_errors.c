// api_errors.c: the embedding API's errors (include/pyish.h): the VM's
// pending exception moved into the state when an API call fails, its type
// name, message and traceback text (exactly what the pyish program prints,
// formatted into memory) made when the host asks, SystemExit's exit status,
// and raising from C.
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_internal.h"
#include "class.h"
#include "gc.h"
#include "interp.h"
#include "module.h"
#include "runtime.h"
#include "vm.h"

// ---- errors

static void forget_texts(pyish_State *S) {
    free(S->err_type);
    free(S->err_msg);
    free(S->err_tb);
    S->err_type = S->err_msg = S->err_tb = NULL;
}

static void set_error(pyish_State *S, Value exc) {
    forget_texts(S);
    S->error = exc;
}

int api_fail(pyish_State *S) {
    Value exc = exc_take();
    if (!exc) {
        exc = exc_new(exc_SystemError, 0, NULL);
        exc_clear();
    }
    set_error(S, exc);
    if (exc_matches(exc, OBJ_VAL(exc_MemoryError))) {
        S->collect_on_leave = true;
    }
    return PYISH_ERROR;
}

void api_reraise(pyish_State *S) {
    Value exc = S->error;
    set_error(S, VAL_NULL);
    if (!exc) {
        exc_raise(exc_SystemError, "error return without exception set");
    } else {
        exc_raise_value(exc);
    }
}

ObjClass *api_builtin_class(const char *name) {
    Value c = dict_get_str(ST->builtins, str_intern_c(name));
    return c && IS_CLASS(c) ? AS_CLASS(c) : NULL;
}

bool pyish_error_pending(pyish_State *S) {
    return S->error != VAL_NULL;
}

void pyish_error_clear(pyish_State *S) {
    set_error(S, VAL_NULL);
}

// Text written to a memory stream by [fn]; malloc'd.
static char *capture(pyish_State *S, void (*fn)(pyish_State *S, FILE *out)) {
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    if (!out) {
        return NULL;
    }
    fn(S, out);
    fclose(out);
    return buf;
}

static void write_traceback(pyish_State *S, FILE *out) {
    interp_format_exception(S->error, out);
}

const char *pyish_error_type(pyish_State *S) {
    if (!S->error) {
        return NULL;
    }
    if (!S->err_type) {
        api_enter(S);
        S->err_type = strdup(val_class(S->error)->name->data);
        api_leave(S);
    }
    return S->err_type;
}

const char *pyish_error_message(pyish_State *S) {
    if (!S->error) {
        return NULL;
    }
    if (!S->err_msg) {
        api_enter(S);
        Value saved = exc_take();
        Value s = obj_str(S->error);
        S->err_msg = strdup(s ? AS_STR(s)->data : "<exception str() failed>");
        exc_clear();
        if (saved) {
            exc_raise_value(saved);
        }
        api_leave(S);
    }
    return S->err_msg;
}

const char *pyish_error_traceback(pyish_State *S) {
    if (!S->error) {
        return NULL;
    }
    if (!S->err_tb) {
        api_enter(S);
        S->err_tb = capture(S, write_traceback);
        exc_clear();
        api_leave(S);
    }
    return S->err_tb;
}

pyish_Value *pyish_error_value(pyish_State *S) {
    if (!S->error) {
        return NULL;
    }
    api_enter(S);
    pyish_Value *h = api_handle(S, S->error);
    api_leave(S);
    return h;
}

bool pyish_error_matches(pyish_State *S, const char *type_name) {
    if (!S->error) {
        return false;
    }
    api_enter(S);
    ObjClass *c = api_builtin_class(type_name);
    bool r = c && exc_matches(S->error, OBJ_VAL(c));
    api_leave(S);
    return r;
}

static int exit_status(Value exc) {
    if (!exc_matches(exc, OBJ_VAL(exc_SystemExit))) {
        return 1;
    }
    ObjException *e = AS_EXC(exc);
    Value code = e->args->len == 1 ? e->args->items[0] : e->args->len == 0 ? VAL_NONE : VAL_TRUE;
    if (IS_NONE(code) || code == VAL_FALSE) {
        return 0;
    }
    if (IS_SMALL(code)) {
        return (int)(AS_SMALL(code) & 0xff);
    }
    return 1;
}

int pyish_error_exit_status(pyish_State *S) {
    if (!S->error) {
        return 0;
    }
    api_enter(S);
    int r = exit_status(S->error);
    api_leave(S);
    return r;
}

int pyish_raise(pyish_State *S, const char *type_name, const char *fmt, ...) {
    api_enter(S);
    ObjClass *c = api_builtin_class(type_name);
    if (!c || !class_is_subclass(c, exc_BaseException)) {
        c = exc_RuntimeError;
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    exc_raise(c, "%s", buf);
    api_fail(S);
    api_leave(S);
    return PYISH_ERROR;
}

int pyish_raise_value(pyish_State *S, pyish_Value *exc) {
    api_enter(S);
    if (!exc_raise_value(api_val(exc)) && !exc_pending()) {
        exc_raise(exc_TypeError, "exceptions must derive from BaseException");
    }
    api_fail(S);
    api_leave(S);
    return PYISH_ERROR;
}

void pyish_interrupt(pyish_State *S) {
    __atomic_store_n(S->intr, VM_INTERRUPT_SIGINT, __ATOMIC_RELAXED);
}

void pyish_set_memory_limit(pyish_State *S, size_t bytes) {
    S->cfg.memory_limit = bytes;
    api_enter(S);
    mem_set_heap_cap(bytes);
    api_leave(S);
}

void pyish_set_time_budget(pyish_State *S, double cpu_seconds) {
    S->budget = cpu_seconds > 0 ? cpu_seconds : 0;
}
