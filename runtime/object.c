// object.c: the abstract object protocol (obj_repr, obj_binop, obj_getattr
// ...), which dispatches through class slots, the trampolines that let a
// user class's dunder methods fill those slots, generic attribute access,
// and runtime_init, which brings the core builtin classes up in order.
#include <string.h>
#include "object.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "numstr.h"
#include "bytes.h"
#include "containers.h"


const char *val_type_name(Value v) {
    return val_class(v)->name->data;
}

// ---- calling a method found on the class
// Calls the attribute [name] of [self]'s class with self prepended; sets
// *found = false (and returns VAL_NULL without raising) when absent.
Value call_method_opt(Value self, ObjStr *name, int argc, Value *argv, bool *found) {
    Value m = class_lookup(val_class(self), name);
    if (!m) {
        *found = false;
        return VAL_NULL;
    }
    *found = true;
    return call_class_method(m, self, argc, argv, NULL);
}

Value call_class_method(Value m, Value self, int argc, Value *argv, ObjDict *kw) {
    if (IS_A(m, cls_function) || (IS_A(m, cls_native) && !((ObjNative *)AS_OBJ(m))->is_static)) {
        Value args[argc + 1];
        args[0] = self;
        values_copy(args + 1, argv, (size_t)argc);
        return vm_call(m, argc + 1, args, kw);
    }
    if (IS_NONE(m)) {
        return exc_raise(exc_TypeError, "'%s' object is not callable", "NoneType");
    }
    // another kind of attribute (staticmethod, partial, a callable
    // instance): bound through its class's __get__ as CPython's
    // lookup_maybe_method does, not through the instance's attribute
    // lookup, which may be this very method (__getattribute__) again;
    // without __get__ it is called as it is, without self
    Value bound = m;
    Value get = class_lookup(val_class(m), ST->s_descr[0]);
    if (get) {
        Value gargs[3] = {m, self, OBJ_VAL(val_class(self))};
        bound = vm_call(get, 3, gargs, NULL);
        if (!bound) {
            return VAL_NULL;
        }
    }
    gc_push_root(bound);
    Value r = vm_call(bound, argc, argv, kw);
    gc_pop_root(1);
    return r;
}

Value call_method(Value self, const char *name, int argc, Value *argv) {
    return call_method_str(self, str_intern_c(name), argc, argv);
}

Value call_attr(Value self, const char *name, int argc, Value *argv) {
    Value m = obj_getattr(self, str_intern_c(name));
    if (!m) {
        return VAL_NULL;
    }
    gc_push_root(m);
    Value r = vm_call(m, argc, argv, NULL);
    gc_pop_root(1);
    return r;
}

Value call_method_str(Value self, ObjStr *name, int argc, Value *argv) {
    bool found;
    Value r = call_method_opt(self, name, argc, argv, &found);
    if (!found) {
        return exc_raise(exc_AttributeError, "'%s' object has no attribute '%s'",
                         val_type_name(self), name->data);
    }
    return r;
}

// ---- trampolines for user dunders
// (a str subclass instance is taken, as CPython's PyUnicode_Check: it has
// str's layout)
static Value check_str_result(Value r, const char *what) {
    if (r && !IS_STR(r) && !class_is_subclass(val_class(r), cls_str)) {
        return exc_raise(exc_TypeError, "%s returned non-string (type %s)", what, val_type_name(r));
    }
    return r;
}

// A user's __repr__/__str__ may be a builtin that comes back here
// (`C.__repr__ = C.__str__`): that loop is C recursion, bounded like CPython's
static Value call_str_slot(Value self, ObjStr *name, const char *what) {
    if (!vm_enter_recursive(" while calling a Python object")) {
        return VAL_NULL;
    }
    Value r = check_str_result(call_method_str(self, name, 0, NULL), what);
    vm_leave_recursive();
    return r;
}

Value slot_repr(Value self) {
    return call_str_slot(self, ST->s_repr, "__repr__");
}

Value slot_str(Value self) {
    return call_str_slot(self, ST->s_str, "__str__");
}

bool slot_hash(Value self, int64_t *out) {
    Value m = class_lookup(val_class(self), ST->s_hash);
    if (!m || IS_NONE(m)) {
        exc_raise(exc_TypeError, "unhashable type: '%s'", val_type_name(self));
        return false;
    }
    Value r = call_method_str(self, ST->s_hash, 0, NULL);
    if (!r) {
        return false;
    }
    if (IS_SMALL(r)) {
        *out = AS_SMALL(r);
        if (*out == -1) {
            *out = -2;
        }
        return true;
    }
    if (!IS_INT(r) && !IS_A(r, cls_bool)) {
        if (!int_check(r)) {
            exc_raise(exc_TypeError, "__hash__ method should return an integer");
            return false;
        }
        r = int_binop(r, MK_SMALL(0), BIN_ADD);     // an int subclass: its int value, not its own __hash__
        if (!r) {
            return false;
        }
        if (IS_SMALL(r)) {
            *out = AS_SMALL(r) == -1 ? -2 : AS_SMALL(r);
            return true;
        }
    }
    // A result that fits 64 bits is the hash itself (hash(self.name) ==
    // hash(name), as in CPython); a bigger int is hashed.
    int64_t v;
    if (IS_BIGINT(r)) {
        if (int_to_i64(r, &v)) {
            *out = v == -1 ? -2 : v;
            return true;
        }
        exc_clear();
    }
    return obj_hash(r, out);
}

Value slot_richcompare(Value a, Value b, int op) {
    bool found;
    Value r = call_method_opt(a, ST->s_cmp[op], 1, &b, &found);
    return found ? r : VAL_NOTIMPL;
}

bool class_has_user_binop(ObjClass *c) {
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < BIN__COUNT; i++) {
            if (class_has_user_dunder(c, ST->s_binop[f][i]->data)) {
                return true;
            }
        }
    }
    return false;
}

// The interned dunder names of a binary operator (state.h's s_binop).
enum { BINOP_NAME_PLAIN, BINOP_NAME_REFLECTED, BINOP_NAME_INPLACE };

Value slot_binop(Value a, Value b, int op) {
    bool found;
    int base = op % BINOP_INPLACE;
    if (op >= BINOP_INPLACE) {
        Value r = call_method_opt(a, ST->s_binop[BINOP_NAME_INPLACE][base], 1, &b, &found);
        if (found) {
            return r;
        }
        return VAL_NOTIMPL;
    }
    ObjClass *ca = val_class(a), *cb = val_class(b);
    if (ca->binop == slot_binop) {
        Value r = call_method_opt(a, ST->s_binop[BINOP_NAME_PLAIN][base], 1, &b, &found);
        if (found && r != VAL_NOTIMPL) {
            return r;
        }
    } else if (ca->binop) {
        Value r = ca->binop(a, b, base);
        if (r != VAL_NOTIMPL) {
            return r;
        }
    }
    if (cb->binop == slot_binop && cb != ca) {
        Value r = call_method_opt(b, ST->s_binop[BINOP_NAME_REFLECTED][base], 1, &a, &found);
        if (found) {
            return r;
        }
    }
    return VAL_NOTIMPL;
}

Value slot_unop(Value a, int op) {
    static const char *const names[] = {"__neg__", "__pos__", "__invert__"};
    bool found;
    if (op < 0 || op > 2) {
        return exc_raise(exc_TypeError, "bad unary op");
    }
    Value r = call_method_opt(a, str_intern_c(names[op]), 0, NULL, &found);
    if (!found) {
        ObjClass *n = val_class(a)->native_base;
        Value r2 = n->unop ? n->unop(a, op) : VAL_NOTIMPL;
        if (r2 != VAL_NOTIMPL) {
            return r2;
        }
        static const char *const sym[] = {"-", "+", "~"};
        return exc_raise(exc_TypeError, "bad operand type for unary %s: '%s'", sym[op],
                         val_type_name(a));
    }
    return r;
}

int slot_truthy(Value self) {
    bool found;
    Value r = call_method_opt(self, ST->s_bool, 0, NULL, &found);
    if (found) {
        if (!r) {
            return -1;
        }
        if (r != VAL_TRUE && r != VAL_FALSE) {
            exc_raise(exc_TypeError, "__bool__ should return bool, returned %s", val_type_name(r));
            return -1;
        }
        return r == VAL_TRUE;
    }
    int64_t n = slot_len(self);
    return n < 0 ? -1 : n > 0;
}

int64_t slot_len(Value self) {
    Value r = call_method_str(self, ST->s_len, 0, NULL);
    if (!r) {
        return -1;
    }
    if (IS_SMALL(r)) {
        if (AS_SMALL(r) < 0) {
            exc_raise(exc_ValueError, "__len__() should return >= 0");
            return -1;
        }
        return AS_SMALL(r);
    }
    // as CPython's PyNumber_Index + PyNumber_AsSsize_t: a big int (up to
    // sys.maxsize), an int subclass, or an object with __index__
    bool found = false;
    if (!int_check(r)) {
        gc_push_root(r);
        Value i = call_method_opt(r, ST->s_index, 0, NULL, &found);
        gc_pop_root(1);
        if (!found) {
            exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(r));
            return -1;
        }
        if (!i) {
            return -1;
        }
        if (!int_check(i)) {
            exc_raise(exc_TypeError, "__index__ returned non-int (type %s)", val_type_name(i));
            return -1;
        }
        r = i;
    }
    gc_push_root(r);
    int neg = obj_lt(r, MK_SMALL(0));
    gc_pop_root(1);
    if (neg != 0) {
        if (neg > 0) {
            exc_raise(exc_ValueError, "__len__() should return >= 0");
        }
        return -1;
    }
    int64_t n;
    if (!int_to_i64(r, &n)) {
        exc_clear();
        exc_raise(exc_OverflowError, "cannot fit '%s' into an index-sized integer", val_type_name(r));
        return -1;
    }
    return n;
}

Value slot_iter(Value self) {
    Value m = class_lookup(val_class(self), ST->s_iter);
    if (m && IS_NONE(m)) {      // __iter__ = None: not iterable (no __getitem__ fallback)
        return exc_raise(exc_TypeError, "'%s' object is not iterable", val_type_name(self));
    }
    Value r = call_method_str(self, ST->s_iter, 0, NULL);
    if (r && !val_class(r)->next) {
        return exc_raise(exc_TypeError, "iter() returned non-iterator of type '%s'", val_type_name(r));
    }
    return r;
}

int slot_next(Value self, Value *out) {
    Value r = call_method_str(self, ST->s_next, 0, NULL);
    if (!r) {
        if (EXC_PENDING_IS(exc_StopIteration)) {
            exc_clear();
            return 0;
        }
        return -1;
    }
    *out = r;
    return 1;
}

Value slot_getitem(Value self, Value key) {
    return call_method_str(self, ST->s_getitem, 1, &key);
}

bool slot_setitem(Value self, Value key, Value v) {
    Value args[2] = {key, v};
    Value r = v ? call_method_str(self, ST->s_setitem, 2, args) : call_method_str(self, ST->s_delitem, 1, args);
    return r != VAL_NULL;
}

int slot_contains(Value self, Value item) {
    Value r = call_method_str(self, ST->s_contains, 1, &item);
    return r ? obj_truthy(r) : -1;
}

Value slot_call(Value self, int argc, Value *argv, ObjDict *kw) {
    Value m = class_lookup(val_class(self), ST->s_call);
    if (!m) {
        return exc_raise(exc_TypeError, "'%s' object is not callable", val_type_name(self));
    }
    // __call__ may be a callable instance itself (even of this class): the
    // chain of slot_call/vm_call is C recursion, bounded like CPython's
    if (!vm_enter_recursive(" while calling a Python object")) {
        return VAL_NULL;
    }
    Value r = call_class_method(m, self, argc, argv, kw);
    vm_leave_recursive();
    return r;
}

Value slot_getattribute(Value self, ObjStr *name) {
    Value n = OBJ_VAL(name);
    return call_method_str(self, ST->s_getattribute, 1, &n);
}

bool slot_setattr(Value self, ObjStr *name, Value v) {
    Value args[2] = {OBJ_VAL(name), v};
    if (!v) {
        return call_method_str(self, ST->s_delattr, 1, args) != VAL_NULL;
    }
    return call_method_str(self, ST->s_setattr, 2, args) != VAL_NULL;
}

// ---- abstract protocol
Value obj_repr(Value v) {
    ObjClass *c = val_class(v);
    return c->repr ? c->repr(v) : generic_repr(v);
}

Value obj_str(Value v) {
    if (IS_STR(v)) {
        return v;
    }
    ObjClass *c = val_class(v);
    if (!c->str && c->repr == slot_repr) {
        // object.__str__ runs the user's __repr__; str() checks what it gave
        return call_str_slot(v, ST->s_repr, "__str__");
    }
    return c->str ? c->str(v) : obj_repr(v);
}

bool obj_hash(Value v, int64_t *out) {
    if (IS_SMALL(v)) {
        *out = small_int_hash(AS_SMALL(v));
        return true;
    }
    ObjClass *c = val_class(v);
    if (IS_STR(v)) {
        *out = str_hash(AS_STR(v));
        return true;
    }
    if (!c->hash) {
        exc_raise(exc_TypeError, "unhashable type: '%s'", c->name->data);
        return false;
    }
    if (IS_OBJ(v) && !vm_stack_ok(" while hashing")) {
        return false;
    }
    return c->hash(v, out);
}

static int swapped_op(int op) {
    static const int sw[6] = {OP_GT, OP_GE, OP_EQ, OP_NE, OP_LT, OP_LE};
    return sw[op];
}

static Value compare(Value a, Value b, int op);

// Comparisons of containers recurse through here: one guard bounds them all.
Value obj_compare(Value a, Value b, int op) {
    if (!vm_enter_recursive(" in comparison")) {
        return VAL_NULL;
    }
    Value r = compare(a, b, op);
    vm_leave_recursive();
    return r;
}

static Value compare(Value a, Value b, int op) {
    ObjClass *ca = val_class(a), *cb = val_class(b);
    // CPython's do_richcompare: a subclass on the right gets the first say,
    // whether or not it overrides the reflected method (its slot looks it up)
    bool reflect_first = ca != cb && class_is_subclass(cb, ca);
    Value r;
    if (reflect_first && cb->richcompare) {
        r = cb->richcompare(b, a, swapped_op(op));
        if (r != VAL_NOTIMPL) {
            return r;
        }
    }
    if (ca->richcompare) {
        r = ca->richcompare(a, b, op);
        if (r != VAL_NOTIMPL) {
            return r;
        }
    }
    if (!reflect_first && cb->richcompare) {
        r = cb->richcompare(b, a, swapped_op(op));
        if (r != VAL_NOTIMPL) {
            return r;
        }
    }
    if (op == OP_EQ) {
        return VAL_BOOL(a == b);
    }
    if (op == OP_NE) {
        return VAL_BOOL(a != b);
    }
    return exc_raise(exc_TypeError, "'%s' not supported between instances of '%s' and '%s'",
                     ops_cmp_symbol[op], ca->name->data, cb->name->data);
}

int obj_eq(Value a, Value b) {
    int q = obj_eq_quick(a, b);
    if (q != OBJ_EQ_UNKNOWN) {
        return q;
    }
    ObjClass *c = val_class(a);
    if (c == val_class(b) && c->richcompare == cls_object->richcompare) {
        return 0;   // identity equality (classes, plain instances): `typ in (str, int)`
    }
    Value r = obj_compare(a, b, OP_EQ);
    if (!r) {
        return -1;
    }
    return obj_truthy(r);
}

int obj_lt(Value a, Value b) {
    if (IS_SMALL(a) && IS_SMALL(b)) {
        return AS_SMALL(a) < AS_SMALL(b);
    }
    Value r = obj_compare(a, b, OP_LT);
    if (!r) {
        return -1;
    }
    return obj_truthy(r);
}

int obj_truthy(Value v) {
    if (v == VAL_TRUE) {
        return 1;
    }
    if (v == VAL_FALSE || v == VAL_NONE) {
        return 0;
    }
    if (IS_SMALL(v)) {
        return AS_SMALL(v) != 0;
    }
    ObjClass *c = val_class(v);
    if (c->truthy) {
        return c->truthy(v);
    }
    if (c->len) {
        int64_t n = c->len(v);
        return n < 0 ? -1 : n > 0;
    }
    return 1;
}

// The builtin sequence class (str, list, tuple) [c] repeats as, or NULL.
static ObjClass *repeat_base(ObjClass *c) {
    ObjClass *seqs[] = {cls_str, cls_list, cls_tuple};
    for (int i = 0; i < 3; i++) {
        if (c == seqs[i] || class_is_subclass(c, seqs[i])) {
            return seqs[i];
        }
    }
    return NULL;
}

// CPython's sq_repeat, tried when no __mul__/__rmul__ took seq * n or
// n * seq: a count with __index__ repeats the sequence, anything else is
// "can't multiply sequence by non-int"; VAL_NOTIMPL when neither operand
// is a str, list or tuple (bytes and bytearray handle this themselves).
static Value seq_repeat_fallback(Value a, Value b, int op) {
    ObjClass *base = repeat_base(val_class(a));
    Value seq = a, n = b;
    if (!base) {
        base = repeat_base(val_class(b));
        seq = b;
        n = a;
    }
    if (!base || !base->binop) {
        return VAL_NOTIMPL;
    }
    // A subclass's own __mul__ (seq on the left) or __rmul__ (on the right)
    // that declined has the last word (CPython reaches the inherited
    // method only through it); and `x *= seq` repeats seq only when x's
    // type has no sequence slots (an int, not an instance of a class statement)
    if (class_has_user_dunder(val_class(seq), seq == a ? "__mul__" : "__rmul__") ||
        (op >= BINOP_INPLACE && seq == b && (val_class(a)->flags & CLS_USER))) {
        return VAL_NOTIMPL;
    }
    if (!int_check(n) && !(IS_OBJ(n) && class_lookup(AS_OBJ(n)->cls, ST->s_index))) {
        return exc_raise(exc_TypeError, "can't multiply sequence by non-int of type '%s'", val_type_name(n));
    }
    int64_t k;
    if (!index_value(n, NULL, &k)) {
        if (EXC_PENDING_IS(exc_IndexError)) {
            exc_clear();
            exc_raise(exc_OverflowError, "cannot fit '%s' into an index-sized integer", val_type_name(n));
        }
        return VAL_NULL;
    }
    return base->binop(seq, int_from_i64(k), op);
}

Value obj_binop(Value a, Value b, int op) {
    ObjClass *ca = val_class(a), *cb = val_class(b);
    Value r;
    int base = op % BINOP_INPLACE;
    if (op >= BINOP_INPLACE) {
        if (ca->binop) {
            r = ca->binop(a, b, op);
            if (r != VAL_NOTIMPL) {
                return r;
            }
        }
    }
    // A C subclass with its own binop slot (defaultdict's |) goes first too:
    // dict(s) | defaultdict(...) is a defaultdict, as in CPython.
    if (ca != cb && cb->binop && cb->binop != ca->binop && cb->binop != slot_binop &&
        class_is_subclass(cb, ca)) {
        r = cb->binop(a, b, op);
        if (r != VAL_NOTIMPL) {
            return r;
        }
    }
    // A subclass's reflected method goes first (Python's rule): only that
    // method, so 6 & IntFlagMember reaches __rand__ before int's own &.
    if (ca != cb && cb->binop == slot_binop && class_is_subclass(cb, ca)) {
        ObjStr *rname = ST->s_binop[BINOP_NAME_REFLECTED][base];
        if (class_has_user_dunder(cb, rname->data)) {
            bool found;
            r = call_method_opt(b, rname, 1, &a, &found);
            if (found && r != VAL_NOTIMPL) {
                return r;
            }
        }
    }
    if (ca->binop) {
        r = ca->binop(a, b, base);
        if (r != VAL_NOTIMPL) {
            return r;
        }
    }
    if (cb != ca && cb->binop && !(ca->binop == slot_binop && cb->binop == slot_binop)) {
        r = cb->binop(a, b, base);
        if (r != VAL_NOTIMPL) {
            return r;
        }
    }
    if (base == BIN_MUL) {
        r = seq_repeat_fallback(a, b, op);
        if (r != VAL_NOTIMPL) {
            return r;
        }
    }
    if (op >= BINOP_INPLACE) {
        return exc_raise(exc_TypeError, "unsupported operand type(s) for %s=: '%s' and '%s'",
                         ops_bin_symbol[base], ca->name->data, cb->name->data);
    }
    if (base == 6) {
        return exc_raise(exc_TypeError, "unsupported operand type(s) for ** or pow(): '%s' and '%s'",
                         ca->name->data, cb->name->data);
    }
    // `print >> sys.stderr, x` (Python 2): CPython adds a hint
    bool py2_print = base == BIN_RSHIFT && IS_A(a, cls_native) && !((ObjNative *)AS_OBJ(a))->owner &&
                     strcmp(((ObjNative *)AS_OBJ(a))->name, "print") == 0;
    return exc_raise(exc_TypeError, "unsupported operand type(s) for %s: '%s' and '%s'%s",
                     ops_bin_symbol[base], ca->name->data, cb->name->data,
                     py2_print ? ". Did you mean \"print(<message>, file=<output_stream>)\"?" : "");
}

Value obj_unop(Value a, int op) {
    ObjClass *c = val_class(a);
    if (c->unop) {
        Value r = c->unop(a, op);
        // a user dunder's NotImplemented is an ordinary result (only binary
        // operators treat it specially); slot_unop raises itself
        if (r != VAL_NOTIMPL || c->unop == slot_unop) {
            return r;
        }
    }
    static const char *const sym[] = {"-", "+", "~"};
    return exc_raise(exc_TypeError, "bad operand type for unary %s: '%s'", sym[op],
                     c->name->data);
}

int64_t obj_length(Value v) {
    ObjClass *c = val_class(v);
    if (!c->len) {
        exc_raise(exc_TypeError, "object of type '%s' has no len()", c->name->data);
        return -1;
    }
    return c->len(v);
}

Value obj_len(Value v) {
    int64_t n = obj_length(v);
    return n < 0 ? VAL_NULL : MK_SMALL(n);
}

Value generic_repr(Value self) {
    ObjClass *c = val_class(self);
    if (c->module && strcmp(c->module->data, "builtins") != 0) {
        return str_printf("<%s.%s object at %p>", c->module->data, class_qualname(c)->data, (void *)self);
    }
    return str_printf("<%s object at %p>", class_qualname(c)->data, (void *)self);
}

static ObjDict *instance_dict(Value self) {
    if (!IS_OBJ(self)) {
        return NULL;
    }
    ObjClass *c = AS_OBJ(self)->cls;
    if (!c->dict_offset) {
        return NULL;
    }
    ObjDict **slot = c->dict_offset == DICT_OFFSET_TRAILING
                         ? class_trailing_dict_slot(AS_OBJ(self))
                         : (ObjDict **)((char *)AS_OBJ(self) + c->dict_offset);
    if (!*slot) {
        *slot = AS_DICT(dict_new());    // builtin new_ left it empty
    }
    return *slot;
}

ObjDict *obj_instance_dict(Value self) {
    return instance_dict(self);
}

ObjDict *obj_instance_dict_peek(Value self) {
    if (!IS_OBJ(self) || !AS_OBJ(self)->cls->dict_offset) {
        return NULL;
    }
    ObjClass *c = AS_OBJ(self)->cls;
    return *(c->dict_offset == DICT_OFFSET_TRAILING ? class_trailing_dict_slot(AS_OBJ(self))
                                                    : (ObjDict **)((char *)AS_OBJ(self) + c->dict_offset));
}

bool obj_replace_instance_dict(Value self, Value v) {
    ObjClass *c = val_class(self);
    if (!IS_OBJ(self) || !c->dict_offset) {
        exc_raise(exc_AttributeError, "'%s' object has no attribute '__dict__'", c->name->data);
        return false;
    }
    ObjDict **slot = c->dict_offset == DICT_OFFSET_TRAILING ? class_trailing_dict_slot(AS_OBJ(self))
                                                             : (ObjDict **)((char *)AS_OBJ(self) + c->dict_offset);
    if (!v) {
        *slot = AS_DICT(dict_new());
        return true;
    }
    if (!IS_OBJ(v) || !class_is_subclass(AS_OBJ(v)->cls, cls_dict)) {
        exc_raise(exc_TypeError, "__dict__ must be set to a dictionary, not a '%s'", val_type_name(v));
        return false;
    }
    *slot = AS_DICT(v);
    return true;
}

// For a class attribute DESCR that is an instance of a user class, returns
// that class's descriptor method (0 __get__, 1 __set__, 2 __delete__), else
// VAL_NULL.
Value user_descr(Value descr, int which) {
    if (!IS_OBJ(descr) || !(AS_OBJ(descr)->cls->flags & CLS_USER)) {
        return VAL_NULL;
    }
    return class_lookup(AS_OBJ(descr)->cls, ST->s_descr[which]);
}


// object.__getattribute__; [raise] false: a missing attribute gives
// VAL_NULL without an exception (no message to format: getattr() with a
// default and hasattr() ask for many names that are not there).
static Value getattr_generic(Value self, ObjStr *name, bool raise) {
    ObjClass *c = val_class(self);
    Value descr = class_lookup(c, name);
    if (descr && IS_PROPERTY(descr)) {
        ObjProperty *p = (ObjProperty *)AS_OBJ(descr);
        if (!p->fget || IS_NONE(p->fget)) {
            return property_missing(p, self, "getter");
        }
        return vm_call(p->fget, 1, &self, NULL);
    }
    if (descr && IS_A(descr, cls_member) && ((ObjMember *)AS_OBJ(descr))->offset) {
        // a __slots__ value kept in the instance: a data descriptor, before any dict
        return member_get((ObjMember *)AS_OBJ(descr), self, raise);
    }
    Value dget = descr ? user_descr(descr, 0) : VAL_NULL;
    if (dget && (user_descr(descr, 1) || user_descr(descr, 2))) {
        Value args[3] = {descr, self, OBJ_VAL(c)};
        return vm_call(dget, 3, args, NULL);
    }
    // (not made by a read: a class whose __slots__ name __dict__ may never need it)
    ObjDict *d = obj_instance_dict_peek(self);
    if (d) {
        Value v = dict_get_str(d, name);
        if (v) {
            return v;
        }
    }
    if (dget) {
        Value args[3] = {descr, self, OBJ_VAL(c)};
        return vm_call(dget, 3, args, NULL);
    }
    if (descr) {
        ObjClass *dc = val_class(descr);
        if (dc == cls_function) {
            return bound_method_new(self, descr);
        }
        if (dc == cls_member) {     // an unset __slots__ member of a builtin's subclass (set ones are in its dict)
            return exc_raise_attr(self, name, "'%s' object has no attribute '%s'", c->name->data, name->data);
        }
        if (dc == cls_native) {
            ObjNative *n = (ObjNative *)AS_OBJ(descr);
            if (n->is_static) {
                return bound_method_new(OBJ_VAL(c), descr);
            }
            return n->owner ? bound_method_new(self, descr) : descr;
        }
        if (dc == cls_classmethod) {
            return classmethod_bind(descr, OBJ_VAL(c));
        }
        if (dc == cls_staticmethod) {
            return ((ObjWrapper *)AS_OBJ(descr))->func;
        }
        if (dc == cls_super) {
            // an unbound super as a class attribute (self.__super): its __get__ binds it
            Value g = class_lookup(dc, ST->s_descr[0]);
            Value args[3] = {descr, self, OBJ_VAL(c)};
            return g ? vm_call(g, 3, args, NULL) : descr;
        }
        return descr;
    }
    // (the length first: an optimizing compiler may read both bytes at
    // once, past the end of an empty name)
    if (name->len >= 2 && name->data[0] == '_' && name->data[1] == '_') {
        if (strcmp(name->data, "__class__") == 0) {
            return OBJ_VAL(c);
        }
        if (strcmp(name->data, "__doc__") == 0) {
            return class_default_doc(c);    // no docstring in the class or its bases
        }
        // (no __dict__ when every user class declares __slots__ without it)
        if (strcmp(name->data, "__dict__") == 0 && c->dict_offset &&
            (!(c->flags & CLS_HAS_SLOTS) || slots_allow(c, name))) {
            return OBJ_VAL(instance_dict(self));
        }
    }
    if (!raise) {
        return VAL_NULL;
    }
    return exc_raise_attr(self, name, "'%s' object has no attribute '%s'", c->name->data,
                     name->data);
}

Value generic_getattr(Value self, ObjStr *name) {
    return getattr_generic(self, name, true);
}

// Whether the __slots__ entry [slot] of class [k] is [name] or "__dict__".
// A private name is mangled with the class's name, as CPython stores it
// (`__slots__ = ('__p',)` in class A makes the attribute _A__p).
// The class name that mangles the private __slots__ entry [slot] of [k]
// (its leading underscores dropped), or NULL when [slot] is no private
// name (__p__, p) or the class name is all underscores (_Py_Mangle).
static const char *slot_mangler(ObjClass *k, ObjStr *slot) {
    if (slot->len > 2 && slot->data[0] == '_' && slot->data[1] == '_' &&
        !(slot->data[slot->len - 1] == '_' && slot->data[slot->len - 2] == '_')) {
        const char *cn = k->name->data;
        while (*cn == '_') {
            cn++;
        }
        return *cn ? cn : NULL;
    }
    return NULL;
}

Value slot_stored_name(ObjClass *k, ObjStr *slot) {
    const char *cn = slot_mangler(k, slot);
    return cn ? str_printf("_%s%s", cn, slot->data) : OBJ_VAL(slot);
}

Value *slots_items(Value *sl, size_t *n) {
    if (IS_STR(*sl)) {
        *n = 1;
        return sl;
    }
    if (IS_TUPLE(*sl) || IS_LIST(*sl)) {
        *n = IS_TUPLE(*sl) ? AS_TUPLE(*sl)->len : AS_LIST(*sl)->len;
        return IS_TUPLE(*sl) ? AS_TUPLE(*sl)->items : AS_LIST(*sl)->items;
    }
    *n = 0;
    return NULL;
}

static bool slot_names(ObjClass *k, ObjStr *slot, ObjStr *name) {
    // (the length before the bytes: every attribute set on an instance of
    // a class with __slots__ and a __dict__ comes here for each slot)
    if (str_eq(slot, name) || (slot->len == 8 && memcmp(slot->data, "__dict__", 8) == 0)) {
        return true;
    }
    const char *cn = slot_mangler(k, slot);
    if (!cn) {
        return false;
    }
    size_t cl = strlen(cn);
    return name->len == 1 + cl + slot->len && name->data[0] == '_' && memcmp(name->data + 1, cn, cl) == 0 &&
           memcmp(name->data + 1 + cl, slot->data, slot->len) == 0;
}

// __slots__: when every user class of the MRO declares __slots__ (without
// "__dict__"), only the declared names may be set on instances.
bool slots_allow(ObjClass *c, ObjStr *name) {
    ObjStr *s_slots = ST->s_slots;
    for (size_t i = 0; i < c->mro->len; i++) {
        ObjClass *k = AS_CLASS(c->mro->items[i]);
        if (!(k->flags & CLS_USER)) {
            break;
        }
        Value sl = dict_get_str(k->dict, s_slots);
        if (!sl) {
            return true;
        }
        if (!IS_STR(sl) && !IS_TUPLE(sl) && !IS_LIST(sl)) {
            return true;    // another iterable: not checked
        }
        size_t n;
        Value *items = slots_items(&sl, &n);
        for (size_t j = 0; j < n; j++) {
            if (IS_STR(items[j]) && slot_names(k, AS_STR(items[j]), name)) {
                return true;
            }
        }
    }
    return false;
}

// ---- __class__ assignment (CPython's object_set_class rules)
// Layout of a user class's instances: the builtin base, whether they have a
// __dict__, and the __slots__ each user class of the MRO declares.
static bool slots_seq(Value sl, size_t *n, Value **items) {
    if (IS_TUPLE(sl)) {
        *n = AS_TUPLE(sl)->len;
        *items = AS_TUPLE(sl)->items;
        return true;
    }
    if (IS_LIST(sl)) {
        *n = AS_LIST(sl)->len;
        *items = AS_LIST(sl)->items;
        return true;
    }
    return false;
}

static bool is_layout_free_slot(Value v) {
    return IS_STR(v) && (strcmp(AS_STR(v)->data, "__dict__") == 0 ||
                         strcmp(AS_STR(v)->data, "__weakref__") == 0);
}

// The i-th user class of [c]'s MRO declaring non-empty __slots__ (other than
// __dict__/__weakref__) and its slots value, or false past the last.
static bool nth_slots(ObjClass *c, int i, Value *out) {
    ObjStr *s_slots = str_intern_c("__slots__");
    for (size_t k = 0; k < c->mro->len; k++) {
        ObjClass *m = AS_CLASS(c->mro->items[k]);
        if (!(m->flags & CLS_USER)) {
            break;
        }
        Value sl = dict_get_str(m->dict, s_slots);
        if (!sl) {
            continue;
        }
        size_t n = 1;
        Value *items = &sl;
        slots_seq(sl, &n, &items);
        size_t real = 0;
        for (size_t j = 0; j < n; j++) {
            real += !is_layout_free_slot(items[j]);
        }
        if (real == 0) {
            continue;
        }
        if (i-- == 0) {
            *out = sl;
            return true;
        }
    }
    return false;
}

static bool same_layout(ObjClass *a, ObjClass *b) {
    if (a->native_base != b->native_base || a->inst_size != b->inst_size ||
        (a->dict_offset != 0) != (b->dict_offset != 0)) {
        return false;
    }
    bool a_dict = !(a->flags & CLS_HAS_SLOTS) || slots_allow(a, str_intern_c("__dict__"));
    bool b_dict = !(b->flags & CLS_HAS_SLOTS) || slots_allow(b, str_intern_c("__dict__"));
    if (a_dict != b_dict) {
        return false;
    }
    for (int i = 0;; i++) {
        Value sa, sb;
        bool ha = nth_slots(a, i, &sa), hb = nth_slots(b, i, &sb);
        if (ha != hb) {
            return false;
        }
        if (!ha) {
            return true;
        }
        size_t na = 1, nb = 1;
        Value *ia = &sa, *ib = &sb;
        slots_seq(sa, &na, &ia);
        slots_seq(sb, &nb, &ib);
        if (na != nb) {
            return false;
        }
        for (size_t j = 0; j < na; j++) {
            if (!IS_STR(ia[j]) || !IS_STR(ib[j]) || !str_eq(AS_STR(ia[j]), AS_STR(ib[j]))) {
                return false;
            }
        }
    }
}

static bool set_class(Value self, Value v) {
    if (!v) {
        exc_raise(exc_TypeError, "can't delete __class__ attribute");
        return false;
    }
    if (!IS_CLASS(v)) {
        exc_raise(exc_TypeError, "__class__ must be set to a class, not '%s' object", val_type_name(v));
        return false;
    }
    ObjClass *old = val_class(self), *to = AS_CLASS(v);
    if (!IS_OBJ(self) || !(old->flags & CLS_USER) || !(to->flags & CLS_USER)) {
        exc_raise(exc_TypeError, "__class__ assignment only supported for mutable types "
                                 "or ModuleType subclasses");
        return false;
    }
    if (!same_layout(old, to)) {
        exc_raise(exc_TypeError, "__class__ assignment: '%s' object layout differs from '%s'",
                  to->name->data, old->name->data);
        return false;
    }
    AS_OBJ(self)->cls = to;
    gc_note_class_change(AS_OBJ(self), old);
    return true;
}

// Whether builtin [self]'s getattr (of class [c]) gives [name]: a field it
// serves itself (any error it raised is dropped).
static bool readable_field(Value self, ObjClass *c, ObjStr *name) {
    Value r = c->getattr(self, name);
    if (!r) {
        exc_clear();
    }
    return r != VAL_NULL;
}

bool generic_setattr(Value self, ObjStr *name, Value v) {
    ObjClass *c = val_class(self);
    Value descr = class_lookup(c, name);
    if (!descr && name->data[0] == '_' && strcmp(name->data, "__class__") == 0) {
        return set_class(self, v);
    }
    if (descr && IS_PROPERTY(descr)) {
        ObjProperty *p = (ObjProperty *)AS_OBJ(descr);
        Value f = v ? p->fset : p->fdel;
        if (!f || IS_NONE(f)) {
            ObjNative *field = property_field_getter(AS_OBJ(descr));
            if (field && field->is_member) {
                exc_raise(exc_AttributeError, "readonly attribute");
            } else if (field) {
                // a builtin's read-only field (class_add_getter): CPython's getset message
                Value owner = class_dotted_name(field->owner);
                if (owner) {
                    exc_raise(exc_AttributeError, "attribute '%s' of '%s' objects is not writable", name->data,
                              AS_STR(owner)->data);
                }
            } else {
                property_missing(p, self, v ? "setter" : "deleter");
            }
            return false;
        }
        Value args[2] = {self, v};
        return vm_call(f, v ? 2 : 1, args, NULL) != VAL_NULL;
    }
    if (descr && IS_A(descr, cls_member) && ((ObjMember *)AS_OBJ(descr))->offset) {
        return member_set((ObjMember *)AS_OBJ(descr), self, v);
    }
    Value dset = descr ? user_descr(descr, v ? 1 : 2) : VAL_NULL;
    if (dset) {
        Value args[3] = {descr, self, v};
        return vm_call(dset, v ? 3 : 2, args, NULL) != VAL_NULL;
    }
    if (descr && user_descr(descr, v ? 2 : 1)) {
        // a data descriptor without the other half (CPython's slot_tp_descr_set)
        exc_raise(exc_AttributeError, v ? "__set__" : "__delete__");
        return false;
    }
    if ((c->flags & CLS_HAS_SLOTS) && !slots_allow(c, name)) {
        if (descr) {
            exc_raise(exc_AttributeError, "'%s' object attribute '%s' is read-only", c->name->data, name->data);
        } else {
            exc_raise(exc_AttributeError, "'%s' object has no attribute '%s'", c->name->data, name->data);
        }
        return false;
    }
    if (!descr && c->dict_offset && !(c->flags & CLS_HAS_SLOTS) && name->data[0] == '_' &&
        strcmp(name->data, "__dict__") == 0) {
        // (not for classes with __slots__: their slot values live in that
        // dict too, a difference from CPython that replacing it would show)
        return obj_replace_instance_dict(self, v);
    }
    ObjDict *d = instance_dict(self);
    if (!d) {
        if (descr) {
            exc_raise(exc_AttributeError, "'%s' object attribute '%s' is read-only", c->name->data,
                      name->data);
        } else if (!(c->flags & CLS_USER) && c->getattr && readable_field(self, c, name)) {
            // a builtin's field its own getattr serves (slice.start, property.fget):
            // CPython's READONLY member message
            exc_raise(exc_AttributeError, "readonly attribute");
        } else {
            exc_raise(exc_AttributeError, "'%s' object has no attribute '%s'", c->name->data,
                      name->data);
        }
        return false;
    }
    if (ST->gc.del_alive && name->interned) {
        Value old = dict_get_str(d, name);
        if (old) {
            gc_note_dropped(old, true);     // __del__ soon, as CPython's refcount would
        }
    }
    if (v) {
        dict_set_str(d, name, v);
        return true;
    }
    int r = dict_del(d, OBJ_VAL(name));
    if (r == 0) {
        if (descr && IS_A(descr, cls_member)) {
            exc_raise(exc_AttributeError, "%s", name->data);    // CPython's member_delete words
        } else {
            exc_raise(exc_AttributeError, "'%s' object has no attribute '%s'", c->name->data, name->data);
        }
    }
    return r > 0;
}

Value obj_getattr(Value v, ObjStr *name) {
    ObjClass *c = val_class(v);
    Value r = c->getattr ? c->getattr(v, name) : generic_getattr(v, name);
    if (!r && (c->flags & CLS_USER_GETATTR) && EXC_PENDING_IS(exc_AttributeError)) {
        exc_clear();
        Value n = OBJ_VAL(name);
        return call_method_str(v, ST->s_getattr, 1, &n);
    }
    if (!r && c->getattr_missing && EXC_PENDING_IS(exc_AttributeError)) {
        return c->getattr_missing(v, name);
    }
    return r;
}

Value obj_getattr_opt(Value v, ObjStr *name) {
    ObjClass *c = val_class(v);
    if (c->getattr == cls_type->getattr && c->getattr && !(c->flags & CLS_USER_GETATTR)) {
        return class_getattr_opt(v, name);
    }
    Value r = !c->getattr && !(c->flags & CLS_USER_GETATTR) && !c->getattr_missing ? getattr_generic(v, name, false)
                                                                                    : obj_getattr(v, name);
    if (!r && EXC_PENDING_IS(exc_AttributeError)) {
        exc_clear();
    }
    return r;
}

bool obj_setattr(Value v, ObjStr *name, Value value) {
    ObjClass *c = val_class(v);
    // object's __class__ descriptor comes before a builtin type's own setattr
    // (classes, modules, functions ...); a user __setattr__ runs first
    if (c->setattr && c->setattr != slot_setattr && name->data[0] == '_' &&
        strcmp(name->data, "__class__") == 0) {
        return set_class(v, value);
    }
    return c->setattr ? c->setattr(v, name, value) : generic_setattr(v, name, value);
}

bool obj_delattr(Value v, ObjStr *name) {
    return obj_setattr(v, name, VAL_NULL);
}

Value obj_getitem(Value v, Value key) {
    ObjClass *c = val_class(v);
    if (!c->getitem) {
        if (IS_CLASS(v)) {
            // A user class's __class_getitem__ (an implicit classmethod)
            Value cg = (AS_CLASS(v)->flags & CLS_USER)
                           ? class_lookup(AS_CLASS(v), str_intern_c("__class_getitem__"))
                           : VAL_NULL;
            if (cg) {
                if (IS_A(cg, cls_classmethod) || IS_A(cg, cls_staticmethod)) {
                    cg = ((ObjWrapper *)AS_OBJ(cg))->func;
                }
                Value args[2] = {v, key};
                return vm_call(cg, 2, args, NULL);
            }
            return generic_alias_class_getitem(v, key);
        }
        return exc_raise(exc_TypeError, "'%s' object is not subscriptable", c->name->data);
    }
    return c->getitem(v, key);
}

bool obj_setitem(Value v, Value key, Value value) {
    ObjClass *c = val_class(v);
    if (!c->setitem) {
        exc_raise(exc_TypeError, "'%s' object does not support item assignment", c->name->data);
        return false;
    }
    return c->setitem(v, key, value);
}

bool obj_delitem(Value v, Value key) {
    ObjClass *c = val_class(v);
    if (!c->setitem) {
        // CPython says "doesn't" from its sequence protocol (types with one,
        // given an int index), "does not" otherwise (int, float, None...).
        bool seq = (c->flags & CLS_USER) || c->len || c->contains || c->getitem;
        bool index = IS_SMALL(key) || IS_A(key, cls_int);
        exc_raise(exc_TypeError, "'%s' object %s support item deletion", c->name->data,
                  seq && index ? "doesn't" : "does not");
        return false;
    }
    return c->setitem(v, key, VAL_NULL);
}

int obj_contains(Value container, Value item) {
    ObjClass *c = val_class(container);
    if (c->contains) {
        return c->contains(container, item);
    }
    if (!c->iter && !c->getitem) {
        exc_raise(exc_TypeError, "argument of type '%s' is not iterable", c->name->data);
        return -1;
    }
    Value it = obj_iter(container);
    if (!it) {
        return -1;
    }
    gc_push_root(it);
    Value x;
    int r;
    while ((r = obj_next(it, &x)) == 1) {
        int eq = obj_eq(x, item);
        if (eq != 0) {
            gc_pop_root(1);
            return eq;
        }
    }
    gc_pop_root(1);
    return r;
}

// ---- the sequence iterator for classes with only __getitem__
typedef struct ObjSeqIter {
    Obj hdr;
    Value seq;
    int64_t index;
} ObjSeqIter;


static void trace_seqiter(Obj *o) {
    gc_mark_value(((ObjSeqIter *)o)->seq);
}

static Value seqiter_iter(Value self) {
    return self;
}

static int seqiter_next(Value self, Value *out) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(self);
    if (!it->seq) {
        return 0;
    }
    Value r = obj_getitem(it->seq, MK_SMALL(it->index));
    if (!r) {
        if (EXC_PENDING_IS(exc_IndexError) || EXC_PENDING_IS(exc_StopIteration)) {
            exc_clear();
            it->seq = VAL_NULL;
            return 0;
        }
        return -1;
    }
    it->index++;
    *out = r;
    return 1;
}

// iterator.__length_hint__(): the items left by the sequence's length
// (NotImplemented without __len__), 0 once exhausted, as CPython's iter_len.
static Value m_seqiter_length_hint(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__length_hint__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    if (!it->seq) {
        return MK_SMALL(0);
    }
    if (!val_class(it->seq)->len) {
        return VAL_NOTIMPL;
    }
    int64_t n = obj_length(it->seq);
    if (n < 0) {
        return VAL_NULL;
    }
    return int_from_i64(n - it->index >= 0 ? n - it->index : 0);
}

// iterator.__reduce__(): (iter, (seq,), index), or (iter, ((),)) once
// exhausted; __setstate__(index) takes a negative index as 0 (CPython's).
static Value m_seqiter_reduce(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    return iter_reduce_at("iter", it->seq, it->index, it->seq ? VAL_NULL : tuple_new(0));
}

static Value m_seqiter_setstate(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    int64_t i;
    if (!iter_setstate_at(argc, argv, 0, INT64_MAX, &i)) {
        return VAL_NULL;
    }
    if (it->seq) {
        it->index = i;
    }
    return VAL_NONE;
}

Value obj_iter(Value v) {
    ObjClass *c = val_class(v);
    if (c->iter) {
        return c->iter(v);
    }
    if (c->getitem && !IS_CLASS(v)) {
        ObjSeqIter *it = (ObjSeqIter *)obj_alloc(cls_seqiter, sizeof(ObjSeqIter));
        it->seq = v;
        return OBJ_VAL(it);
    }
    return exc_raise(exc_TypeError, "'%s' object is not iterable", c->name->data);
}

int obj_next(Value it, Value *out) {
    ObjClass *c = val_class(it);
    if (!c->next) {
        exc_raise(exc_TypeError, "'%s' object is not an iterator", c->name->data);
        return -1;
    }
    return c->next(it, out);
}

Value obj_call(Value f, int argc, Value *argv, ObjDict *kw) {
    return vm_call(f, argc, argv, kw);
}

bool obj_isinstance(Value v, ObjClass *cls) {
    return class_is_subclass(val_class(v), cls);
}

// ---- start-up
void runtime_init(void) {
    class_bootstrap();
    str_init();
    dict_init();
    tuple_init();
    class_ready();
    int_init();
    obj_true = obj_alloc(cls_bool, sizeof(Obj));
    obj_false = obj_alloc(cls_bool, sizeof(Obj));
    float_init();
    complex_init();
    list_init();
    set_init();
    mappingproxy_init();
    frameobj_init();
    generic_alias_init();
    weakref_init_class();
    contextvars_init();
    range_init();
    bytes_init();
    bytes_init_late();
    static const MethodDef seqiter_methods[] = {{"__length_hint__", m_seqiter_length_hint},
                                                {"__reduce__", m_seqiter_reduce},
                                                {"__setstate__", m_seqiter_setstate},
                                                {NULL, NULL}};
    cls_seqiter = class_new_builtin("iterator", NULL, sizeof(ObjSeqIter), seqiter_methods);
    cls_seqiter->trace = trace_seqiter;
    cls_seqiter->iter = seqiter_iter;
    cls_seqiter->next = seqiter_next;
    cls_seqiter->new_ = NULL;
    exc_init();
    excgroup_init();
}
