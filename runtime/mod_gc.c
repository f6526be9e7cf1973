// mod_gc.c: a minimal `gc` module: collect() runs a full collection now,
// including the finalizers it makes due (__del__, closing abandoned
// generators), and returns how many objects it freed (CPython counts the
// unreachable objects found; the numbers differ, so tests should not print
// them).
#include "object.h"
#include "gc.h"
#include "runtime.h"
#include "module.h"

static Value gc_collect_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv;
    if (!arg_count("collect", argc, 0, 1)) {
        return VAL_NULL;
    }
    if (kw && kw->used > 0) {
        return exc_raise(exc_TypeError, "collect() takes no keyword arguments");
    }
    size_t before = gc_live_objects();
    gc_collect();
    size_t after = gc_live_objects();
    return MK_SMALL(before > after ? (int64_t)(before - after) : 0);
}

Value mod_gc_init(void) {
    Value m = module_new("gc");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("collect"), native_new("collect", gc_collect_fn, NULL));
    return m;
}
