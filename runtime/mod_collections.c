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
// collections.__getattr__ (PEP 562): ChainMap, the User* classes and
// _count_elements (Counter's helper, which CPython's tests import) come
// from CPython's pyish code (runtime/lib/_collections_py.pyish), loaded
// when first asked for.
static Value coll_getattr(int argc, Value *argv, ObjDict *kw) {
    return module_lazy_attr("collections", "_collections_py", " ChainMap UserDict UserList UserString _count_elements ",
                            argc == 1 ? argv[0] : VAL_NONE);
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
