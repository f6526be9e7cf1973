// mod_collections.c: the `collections` module: its classes, one per file
// (coll_deque.c, coll_defaultdict.c, coll_counter.c, coll_ordereddict.c)
// and the namedtuple function (coll_namedtuple.c), declared in coll.h.
#include "containers.h"
#include "module.h"
#include "coll.h"


static void put(ObjDict *d, const char *name, Value v) {
    dict_set_str(d, str_intern_c(name), v);
}

// Creates the collections module.
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
    return m;
}
