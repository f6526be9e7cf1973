// mod_collections.c: the `collections` module: its classes, one per file
// (coll_deque.c, coll_defaultdict.c, coll_counter.c, coll_ordereddict.c)
// and the namedtuple function (coll_namedtuple.c), declared in coll.h.
#include <string.h>
#include "containers.h"
#include "module.h"
#include "coll.h"
#include "vmapi.h"


static void put(ObjDict *d, const char *name, Value v) {
    dict_set_str(d, str_intern_c(name), v);
}

// Creates the collections module.
// collections.__getattr__ (PEP 562): ChainMap and the User* classes come
// from CPython's pyish code (runtime/lib/_collections_py.pyish), loaded
// when first asked for.
static Value coll_getattr(int argc, Value *argv, ObjDict *kw) {
    static const char *const lazy = " ChainMap UserDict UserList UserString ";
    char key[40];
    if (argc == 1 && IS_STR(argv[0]) && AS_STR(argv[0])->len < 30 &&
        (snprintf(key, sizeof key, " %s ", AS_STR(argv[0])->data), strstr(lazy, key))) {
        Value m = vm_import("_collections_py");
        if (!m) {
            return VAL_NULL;
        }
        Value v = obj_getattr(m, AS_STR(argv[0]));
        Value coll;
        if (v && dict_get(ST->modules, str_from_c("collections"), &coll) == 1 && IS_A(coll, cls_module)) {
            dict_set_str(((ObjModule *)AS_OBJ(coll))->dict, AS_STR(argv[0]), v);
        }
        return v;
    }
    return exc_raise(exc_AttributeError, "module 'collections' has no attribute '%s'",
                     argc == 1 && IS_STR(argv[0]) ? AS_STR(argv[0])->data : "?");
}

Value mod_collections_init(void) {
    if (!cls_deque) {
        ObjStr *modname = str_intern_c("collections");
        coll_deque_init(modname);
        coll_defaultdict_init(modname);
        coll_counter_init(modname);
        coll_ordereddict_init(modname);
    }
    Value m = module_new("collections");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    put(d, "deque", OBJ_VAL(cls_deque));
    put(d, "defaultdict", OBJ_VAL(cls_defaultdict));
    put(d, "Counter", OBJ_VAL(cls_counter));
    put(d, "OrderedDict", OBJ_VAL(cls_ordereddict));
    Value nt = native_new("namedtuple", coll_namedtuple, NULL);
    ((ObjNative *)AS_OBJ(nt))->takes_kw = true;
    put(d, "namedtuple", nt);
    put(d, "__getattr__", native_new("__getattr__", coll_getattr, NULL));
    return m;
}
