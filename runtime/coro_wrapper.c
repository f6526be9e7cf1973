// coro_wrapper.c: what coroutine.__await__() returns, CPython's
// coroutine_wrapper: an iterator over the coroutine's await protocol, so
// that `for x in coro.__await__()`, next() on it and an __await__ method
// returning `other.__await__()` work. next/send/throw/close go to the
// coroutine itself (the VM still awaits a coroutine directly, never
// through a wrapper).
#include "gen.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"

typedef struct ObjCoroWrapper {
    Obj hdr;
    Value coro;
} ObjCoroWrapper;

#define CORO_OF(v) (((ObjCoroWrapper *)AS_OBJ(v))->coro)

Value coro_wrapper_new(Value coro) {
    gc_push_root(coro);
    ObjCoroWrapper *w = (ObjCoroWrapper *)obj_alloc(cls_coro_wrapper, sizeof(ObjCoroWrapper));
    gc_pop_root(1);
    w->coro = coro;
    return OBJ_VAL(w);
}

Value coro_wrapper_coro(Value v) {
    return IS_OBJ(v) && AS_OBJ(v)->cls == cls_coro_wrapper ? CORO_OF(v) : VAL_NULL;
}

static void cw_trace(Obj *o) {
    gc_mark_value(((ObjCoroWrapper *)o)->coro);
}

static Value cw_self(Value self) {
    return self;
}

// __next__(): the coroutine's send(None). The next slot is slot_next over
// this method, so that list() or a for loop ends at the StopIteration and
// a yield-from (which calls __next__ when the slot is slot_next) gets the
// return value it carries.
static Value cw_next_m(int argc, Value *argv, ObjDict *kw) {
    Value none = VAL_NONE;
    return call_method(CORO_OF(argv[0]), "send", 1, &none);
}

// send/throw/close: the coroutine's own methods.
static Value cw_forward(const char *name, int argc, Value *argv) {
    return call_method(CORO_OF(argv[0]), name, argc - 1, argv + 1);
}

static Value cw_send(int argc, Value *argv, ObjDict *kw) {
    return cw_forward("send", argc, argv);
}

static Value cw_throw(int argc, Value *argv, ObjDict *kw) {
    return cw_forward("throw", argc, argv);
}

static Value cw_close(int argc, Value *argv, ObjDict *kw) {
    return cw_forward("close", argc, argv);
}

static const MethodDef cw_methods[] = {
    {"__next__", cw_next_m},
    {"send", cw_send},
    {"throw", cw_throw},
    {"close", cw_close},
    {NULL, NULL},
};

void coro_wrapper_init(void) {
    cls_coro_wrapper = class_new_builtin("coroutine_wrapper", NULL, sizeof(ObjCoroWrapper), cw_methods);
    cls_coro_wrapper->trace = cw_trace;
    cls_coro_wrapper->iter = cw_self;
    cls_coro_wrapper->next = slot_next;
    cls_coro_wrapper->new_ = NULL;
    cls_coro_wrapper->flags &= ~(uint32_t)CLS_BASETYPE;
}
