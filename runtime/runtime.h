// runtime.h: start-up of the runtime (each file's init function; the core
// classes in order by runtime_init in object.c, which interp_init in
// src/interp.c calls first, then the rest) and helpers shared across runtime files
// that do not belong to one object kind.
#ifndef PYISH_RUNTIME_H
#define PYISH_RUNTIME_H
#include "object.h"

// Brings up the core classes (object, type, str, dict, tuple, int, bool,
// float, list, set, range, the exceptions). The interpreter's start-up
// (interp_init) calls it first, then brings up the rest and finally calls
// class_finish_builtins().
void runtime_init(void);

void str_init(void);
void dict_init(void);
void tuple_init(void);
void int_init(void);
void float_init(void);
void complex_init(void);
void list_init(void);
void set_init(void);
void range_init(void);
void exc_init(void);
void excgroup_init(void);

// ---- excgroup.c
// True if [v] is a BaseExceptionGroup (or subclass) instance.
bool excgroup_check(Value v);
// BaseExceptionGroup([msg], [excs]): an ExceptionGroup when all are Exceptions.
Value excgroup_new(Value msg, Value excs);
// except* matching of [exc] (or None) against [type]: sets *match (the
// matching part, a naked exception wrapped in a group, or None) and *rest
// (the unmatched part or None); false with TypeError for a bad [type].
bool excgroup_match(Value exc, Value type, Value *match, Value *rest);
// After the except* handlers of a try on [orig]: what to raise (None: nothing)
// from list [excs] of exceptions the handlers raised plus the unmatched rest.
Value excgroup_prep_reraise(Value orig, Value excs);
void mappingproxy_init(void);
void frameobj_init(void);
// ---- contextvars.c
void contextvars_init(void);
// A Context whose variables are [vars] (NULL: none; shared, never mutated).
Value context_new(ObjDict *vars);
// The current context's variables (NULL: none).
ObjDict *context_current_vars(void);
// The context a task or callback runs in: [given] (context=; None or
// VAL_NULL: not given) when it is a Context, else a copy of the current
// one, or VAL_NULL when no context variable was ever set (nothing to copy).
// false with TypeError raised for a [given] that is not a Context.
bool context_for_callback(Value given, Value *out);
// Makes [ctx] (VAL_NULL: an empty one made on demand and stored at [slot])
// current; returns the previous context, and the previous slot in
// [*saved_slot], for context_leave.
Value context_enter(Value ctx, Value *slot, Value **saved_slot);
void context_leave(Value prev, Value *saved_slot);
// ---- weakref.c
void weakref_init_class(void);
// obj.__weakref__: the oldest live weak reference to [obj], else None.
Value weakref_first(Value obj);
// ---- genericalias.c
void generic_alias_init(void);
// list[int]: a types.GenericAlias of [origin] and [args] (a tuple, or one
// argument).
Value generic_alias_new(Value origin, Value args);
// cls[key] for a class without __class_getitem__: an alias for the
// builtin generics, TypeError "type 'X' is not subscriptable" otherwise.
Value generic_alias_class_getitem(Value cls, Value key);
Value generic_alias_cgi_method(int argc, Value *argv, ObjDict *kw);
bool generic_alias_check(Value v);
// A class, None, ... or any value as a type expression prints it.
Value type_expr_repr(Value v);

// Calls method [name] of [self]'s class with [self] prepended.
Value call_method(Value self, const char *name, int argc, Value *argv);
Value call_method_opt(Value self, ObjStr *name, int argc, Value *argv, bool *found);
// Calls [m], found as a method name in [self]'s class, as CPython's slots do:
// a function or builtin method with [self] first, another object bound by
// its class's __get__, else called as it is (a callable instance).
Value call_class_method(Value m, Value self, int argc, Value *argv, ObjDict *kw);
Value call_method_str(Value self, ObjStr *name, int argc, Value *argv);   // name interned
// self.name(*argv) through the instance's attribute lookup (__getattr__,
// instance dict), as Python code's method calls.
Value call_attr(Value self, const char *name, int argc, Value *argv);
ObjDict *obj_instance_dict(Value self);
// The same, NULL while it has not been made (no dict is made for a read).
ObjDict *obj_instance_dict_peek(Value self);
// object.__getstate__() of [obj] (CPython 3.11's object_getstate_default,
// class.c): the instance dict itself, None when it is empty, or (that,
// {slot name: value}) when __slots__ hold values; VAL_NULL on error.
Value object_state(Value obj);
// object.__reduce_ex__(2+) of [obj] when it is a plain instance of a
// program's class (object's reduction, no __getnewargs__, object or an
// unchanged list or dict as builtin base): ([newobj], (cls,), state,
// listitems, dictitems); None for any other object; VAL_NULL on error.
Value object_reduce_plain(Value obj, Value newobj);
// self.__dict__ = v (v VAL_NULL: del, a new empty dict), as object.__dict__'s
// setter; false with TypeError for a v that is not a dict.
bool obj_replace_instance_dict(Value self, Value v);
// The sorted names dir(v) gives when v's class defines no __dir__, which
// object.__dir__ returns too (builtins.c).
Value dir_default(Value v);
// ascii(v): repr(v) with non-ASCII characters escaped (builtins.c).
Value obj_ascii(Value v);
#endif
