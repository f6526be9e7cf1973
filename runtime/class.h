// class.h: class machinery shared by class.c, object.c and the VM: user
// class creation, slot computation, the slot trampolines that call user
// dunders, and the ids of slot-wrapper natives.
#ifndef PYISH_CLASS_H
#define PYISH_CLASS_H
#include "object.h"

enum {
    SLOT_NONE, SLOT_REPR, SLOT_STR, SLOT_HASH,
    SLOT_LT, SLOT_LE, SLOT_EQ, SLOT_NE, SLOT_GT, SLOT_GE,
    SLOT_LEN, SLOT_ITER, SLOT_NEXT, SLOT_GETITEM, SLOT_SETITEM, SLOT_DELITEM,
    SLOT_CONTAINS, SLOT_GETATTRIBUTE, SLOT_SETATTR, SLOT_DELATTR, SLOT_CALL,
    SLOT_BOOL, SLOT_NEW, SLOT_NEG, SLOT_POS, SLOT_INVERT, SLOT_ABS, SLOT_DIVMOD, SLOT_RDIVMOD,
    SLOT_BINOP   // SLOT_BINOP + op: __op__; + BIN__COUNT + op: __rop__
};

// dict_offset of a user subclass of str or tuple (variable-size layouts):
// the instance dict pointer follows the characters / items, at
// class_trailing_dict_slot(); such classes reserve CLASS_TRAILING_EXTRA
// bytes in inst_size beyond the builtin's fixed header for it.
#define DICT_OFFSET_TRAILING 0xFFFFFFFFu
#define CLASS_TRAILING_EXTRA 16
ObjDict **class_trailing_dict_slot(Obj *o);

// The version of all classes: it changes whenever any class is made or
// changed, which invalidates the method cache and the VM's inline caches.
static inline uint32_t class_version(void) {
    return ST->cls.version;
}

void class_bootstrap(void);
void class_ready(void);
void class_finish_builtins(void);
void class_set_bases(ObjClass *c, ObjClass *base);
// Creates a user class from a class statement or type(name, bases, ns).
Value class_create(ObjStr *name, ObjTuple *bases, ObjDict *ns);
// The same, the class an instance of [meta] (type or a metaclass).
Value class_create_in(ObjClass *meta, ObjStr *name, ObjTuple *bases, ObjDict *ns);
// A property with no accessor, only [doc] (namedtuple's Class.field).
Value property_doc_only(Value doc);
// classmethod [cm] bound to [owner]: a bound method of its function, or,
// when it wraps a descriptor of a user class, that descriptor's
// __get__(owner, owner) (CPython 3.9-3.12's chaining).
Value classmethod_bind(Value cm, Value owner);

// ---- classbuild.c
// The most derived of [meta] and the metaclasses of [bases] (NULL + TypeError
// on a conflict).
ObjClass *class_winner(ObjClass *meta, ObjTuple *bases);
// Makes the class [name] as type.__new__(meta, name, bases, ns, **kw) does.
Value class_build(ObjClass *meta, ObjStr *name, ObjTuple *bases, ObjDict *ns, ObjDict *kw);
// [name] looked up in the metaclass of the class [self]: a data descriptor
// (which wins over the class's own attributes), or any attribute; VAL_NULL
// with *found false when the metaclass has none (or is type).
Value class_meta_data_attr(Value self, ObjStr *name, bool *found);
Value class_meta_attr(Value self, ObjStr *name, bool *found);
// getattr(cls, name, None) without formatting an AttributeError: VAL_NULL
// and no exception when [cls] (a class whose metaclass uses type's own
// __getattribute__, no __getattr__: obj_getattr_opt checks) has no
// attribute [name].
Value class_getattr_opt(Value cls, ObjStr *name);
// The metaclass's own __instancecheck__/__subclasscheck__ [hook], or VAL_NULL.
Value class_check_hook(Value cls, ObjStr *hook);
// Methods of type: __init__, __prepare__, __subclasses__, __instancecheck__,
// __subclasscheck__.
Value type_init_fn(int argc, Value *argv, ObjDict *kw);
Value type_prepare_fn(int argc, Value *argv, ObjDict *kw);
Value type_subclasses_fn(int argc, Value *argv, ObjDict *kw);
Value type_instancecheck_fn(int argc, Value *argv, ObjDict *kw);
Value type_subclasscheck_fn(int argc, Value *argv, ObjDict *kw);

// Recomputes [c]'s slots from its MRO (after creation or a dunder assignment).
void class_compute_slots(ObjClass *c);
// Invalidates the MRO lookup cache (call after changing any class dict).
void class_changed(void);
bool class_has_user_dunder(ObjClass *c, const char *name);
bool class_has_user_binop(ObjClass *c);
Value type_call(ObjClass *cls, int argc, Value *argv, ObjDict *kw);
// The member classes of an `int | None` union value, or NULL if [v] is not one.
ObjTuple *class_union_members(Value v);
// Checks the self (argv[0]) of builtin method [n] reached through its class
// (list.append(x, 1)): false with CPython's TypeError if it does not apply.
bool native_check_self(ObjNative *n, int argc, Value *argv);
// Calls a slot-wrapper native ([n]->slot != 0).
Value native_call_slot(ObjNative *n, int argc, Value *argv, ObjDict *kw);

// Trampolines (object.c): a user class's slot that calls its dunder.
Value slot_repr(Value self);
Value slot_str(Value self);
bool slot_hash(Value self, int64_t *out);
Value slot_richcompare(Value a, Value b, int op);
Value slot_binop(Value a, Value b, int op);
Value slot_unop(Value a, int op);
int slot_truthy(Value self);
int64_t slot_len(Value self);
Value slot_iter(Value self);
int slot_next(Value self, Value *out);
Value slot_getitem(Value self, Value key);
bool slot_setitem(Value self, Value key, Value v);
int slot_contains(Value self, Value item);
Value slot_call(Value self, int argc, Value *argv, ObjDict *kw);
Value slot_getattribute(Value self, ObjStr *name);
bool slot_setattr(Value self, ObjStr *name, Value v);
#endif
