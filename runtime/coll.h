// coll.h: the types of the `collections` module (mod_collections.c), one
// per file: each file makes its class once per state, the module puts them
// in its namespace.
#ifndef PYISH_COLL_H
#define PYISH_COLL_H
#include "object.h"

// Make the classes of module [modname] (cls_deque and its iterator,
// cls_defaultdict, cls_counter, cls_ordereddict).
void coll_deque_init(ObjStr *modname);
void coll_defaultdict_init(ObjStr *modname);
void coll_counter_init(ObjStr *modname);
void coll_ordereddict_init(ObjStr *modname);
// collections.namedtuple(typename, field_names, *, rename=False,
// defaults=None, module=None): a new tuple subclass.
Value coll_namedtuple(int argc, Value *argv, ObjDict *kw);
#endif
