// mod_gc.c: the `gc` module, for pyish's collector (one generation, no
// reference counts): collect() runs a full collection now, including the
// finalizers it makes due (__del__, closing abandoned generators), and
// returns how many objects it freed (CPython counts the unreachable objects
// found; the numbers differ, so tests should not print them).
// disable() makes automatic collections rarer (the heap may grow to three
// times the live data instead of one and a half: without reference counts
// nothing would be freed at all); enable/isenabled, get_count,
// get/set_threshold, freeze/unfreeze/get_freeze_count, is_tracked,
// get_objects (every live object CPython would track),
// is_finalized, get_stats, garbage and callbacks are there as CPython's,
// with what this collector can honestly report.
#include "object.h"
#include "gc.h"
#include "runtime.h"
#include "module.h"
#include "containers.h"
#include "vmapi.h"

// Calls each of gc.callbacks (a copy of the list) with (phase, info), as
// CPython does around a collection; only gc.collect() runs them here.
static bool run_gc_callbacks(const char *phase, int64_t gen, int64_t collected) {
    Value mod = dict_get_str(ST->modules, str_intern_c("gc"));
    Value cbs = mod ? obj_getattr_opt(mod, str_intern_c("callbacks")) : VAL_NULL;
    if (!cbs || !IS_OBJ(cbs) || AS_OBJ(cbs)->cls != cls_list || AS_LIST(cbs)->len == 0) {
        exc_clear();
        return true;
    }
    Value copy = list_from_array(AS_LIST(cbs)->len, AS_LIST(cbs)->items);
    if (!copy) {
        return false;
    }
    gc_push_root(copy);
    Value info = dict_new();
    gc_push_root(info);
    dict_set_str(AS_DICT(info), str_intern_c("generation"), MK_SMALL(gen));
    dict_set_str(AS_DICT(info), str_intern_c("collected"), MK_SMALL(collected));
    dict_set_str(AS_DICT(info), str_intern_c("uncollectable"), MK_SMALL(0));
    Value args[2] = {str_from_c(phase), info};
    gc_push_root(args[0]);
    bool ok = true;
    for (size_t i = 0; ok && i < AS_LIST(copy)->len; i++) {
        ok = vm_call(AS_LIST(copy)->items[i], 2, args, NULL) != VAL_NULL;
    }
    gc_pop_root(3);
    return ok;
}

static Value gc_collect_fn(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"generation", NULL};
    if (!kw_only("collect", kw, allowed) || !arg_count("collect", argc, 0, 1)) {
        return VAL_NULL;
    }
    Value g = argc > 0 ? argv[0] : kw_get(kw, "generation");
    int64_t gen = 2;
    if (g && !index_value(g, NULL, &gen)) {
        return VAL_NULL;
    }
    if (gen < 0 || gen > 2) {
        return exc_raise(exc_ValueError, "invalid generation");
    }
    if (!run_gc_callbacks("start", gen, 0)) {
        return VAL_NULL;
    }
    size_t before = gc_live_objects();
    gc_collect();
    size_t after = gc_live_objects();
    int64_t n = before > after ? (int64_t)(before - after) : 0;
    if (!run_gc_callbacks("stop", gen, n)) {
        return VAL_NULL;
    }
    return MK_SMALL(n);
}

static Value gc_enable(int argc, Value *argv, ObjDict *kw) {
    ST->gc.disabled = false;
    return VAL_NONE;
}

static Value gc_disable(int argc, Value *argv, ObjDict *kw) {
    ST->gc.disabled = true;
    return VAL_NONE;
}

static Value gc_isenabled(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(!ST->gc.disabled);
}

// (bytes allocated since the last collection / 1 KiB, 0, 0): generation 0's
// count, in the collector's own unit
static Value gc_get_count(int argc, Value *argv, ObjDict *kw) {
    return tuple_pack(3, MK_SMALL((int64_t)(ST->gc.since / 1024)), MK_SMALL(0), MK_SMALL(0));
}

static Value gc_get_threshold(int argc, Value *argv, ObjDict *kw) {
    return tuple_pack(3, MK_SMALL(ST->gc_threshold[0]), MK_SMALL(ST->gc_threshold[1]),
                      MK_SMALL(ST->gc_threshold[2]));
}

static Value gc_set_threshold(int argc, Value *argv, ObjDict *kw) {
    if (argc < 1 || argc > 3) {     // CPython's words (an old-style argument parser)
        return exc_raise(exc_TypeError, argc < 1 ? "set_threshold() takes at least 1 argument (%d given)"
                                                 : "set_threshold() takes at most 3 arguments (%d given)", argc);
    }
    for (int i = 0; i < argc; i++) {
        int64_t v;
        if (!int_to_i64(argv[i], &v)) {
            return VAL_NULL;
        }
        ST->gc_threshold[i] = v;
    }
    return VAL_NONE;
}

static Value gc_none(int argc, Value *argv, ObjDict *kw) {
    return VAL_NONE;
}

static Value gc_zero(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(0);
}

// Whether CPython's collector would track [o]: containers and instances.
static bool tracked(Obj *o) {
    ObjClass *c = o->cls;
    return c && !(c == cls_str || c == cls_int || c == cls_float || c == cls_bool || c == cls_none ||
                  c == cls_range || c == cls_ellipsis || c == cls_notimplemented || c == cls_bytes);
}

static Value gc_is_tracked(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("is_tracked", argc, 1, 1)) {
        return VAL_NULL;
    }
    return VAL_BOOL(IS_OBJ(argv[0]) && tracked(AS_OBJ(argv[0])));
}

typedef struct Gather {
    size_t n;
    ObjList *into;      // NULL: only count
} Gather;

static void gather(Obj *o, void *ctx) {
    Gather *g = ctx;
    if (!tracked(o) || (g->into && OBJ_VAL(o) == OBJ_VAL(g->into))) {
        return;
    }
    if (g->into && g->into->len < g->into->cap) {
        g->into->items[g->into->len++] = OBJ_VAL(o);
    }
    g->n++;
}

// get_objects(generation=None): every live tracked object, after a full
// collection (so nothing unreachable comes back to life). The list is
// sized first; filling it allocates nothing.
static Value gc_get_objects(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"generation", NULL};
    if (!kw_only("get_objects", kw, allowed)) {
        return VAL_NULL;
    }
    if (argc > 1) {
        return exc_raise(exc_TypeError, "get_objects() takes at most 1 argument (%d given)", argc);
    }
    Value g = argc > 0 ? argv[0] : kw_get(kw, "generation");
    int64_t gen = 2;
    if (g && g != VAL_NONE) {
        if (!IS_INT(g)) {
            return exc_raise(exc_TypeError, "argument should be integer or None, not '%s'", val_type_name(g));
        }
        if (!index_value(g, NULL, &gen)) {
            return VAL_NULL;
        }
    }
    if (gen >= 3) {
        return exc_raise(exc_ValueError, "generation parameter must be less than the number of available generations (3)");
    }
    if (gen < -1) {
        return exc_raise(exc_ValueError, "generation parameter cannot be negative");
    }
    gc_collect();
    Gather count = {0, NULL};
    gc_each_object_ctx(gather, &count);
    Value l = list_new(count.n + 16);
    if (!l) {
        return VAL_NULL;
    }
    Gather fill = {0, AS_LIST(l)};
    gc_each_object_ctx(gather, &fill);
    return l;
}

static Value gc_is_finalized(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("is_finalized", argc, 1, 1)) {
        return VAL_NULL;
    }
    return VAL_BOOL(IS_OBJ(argv[0]) && finalize_done(AS_OBJ(argv[0])));
}

static Value gc_get_stats(int argc, Value *argv, ObjDict *kw) {
    Value l = list_new(3);
    gc_push_root(l);
    for (int i = 0; i < 3; i++) {
        Value d = dict_new();
        list_append(AS_LIST(l), d);
        dict_set_str(AS_DICT(d), str_intern_c("collections"),
                     MK_SMALL(i == 2 ? (int64_t)ST->gc.ncollections : 0));
        dict_set_str(AS_DICT(d), str_intern_c("collected"), MK_SMALL(0));
        dict_set_str(AS_DICT(d), str_intern_c("uncollectable"), MK_SMALL(0));
    }
    gc_pop_root(1);
    return l;
}

static const MethodDef gc_fns[] = {
    {"collect", gc_collect_fn, true},
    {"enable", gc_enable},
    {"disable", gc_disable},
    {"isenabled", gc_isenabled},
    {"get_count", gc_get_count},
    {"get_threshold", gc_get_threshold},
    {"set_threshold", gc_set_threshold},
    {"freeze", gc_none},
    {"unfreeze", gc_none},
    {"get_freeze_count", gc_zero},
    {"is_tracked", gc_is_tracked},
    {"get_objects", gc_get_objects, true},
    {"is_finalized", gc_is_finalized},
    {"get_stats", gc_get_stats},
    {NULL, NULL},
};

Value mod_gc_init(void) {
    if (!ST->gc_threshold[0]) {
        ST->gc_threshold[0] = 700;
        ST->gc_threshold[1] = 10;
        ST->gc_threshold[2] = 10;
    }
    Value m = module_new("gc");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "gc", gc_fns);
    dict_set_str(d, str_intern_c("garbage"), list_new(0));
    dict_set_str(d, str_intern_c("callbacks"), list_new(0));
    dict_set_str(d, str_intern_c("DEBUG_STATS"), MK_SMALL(1));
    dict_set_str(d, str_intern_c("DEBUG_COLLECTABLE"), MK_SMALL(2));
    dict_set_str(d, str_intern_c("DEBUG_UNCOLLECTABLE"), MK_SMALL(4));
    dict_set_str(d, str_intern_c("DEBUG_SAVEALL"), MK_SMALL(32));
    dict_set_str(d, str_intern_c("DEBUG_LEAK"), MK_SMALL(38));
    return m;
}
