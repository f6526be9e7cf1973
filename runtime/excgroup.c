// excgroup.c: BaseExceptionGroup and ExceptionGroup as CPython 3.11 has
// them (PEP 654): construction with its validation (and BaseExceptionGroup
// giving an ExceptionGroup when every member is an Exception), .message and
// .exceptions, str "msg (N sub-exceptions)", derive, split and subgroup by
// type, tuple of types or predicate (parts keep the original's traceback,
// cause, context and a copy of its notes), and the two helpers behind
// except*: matching a handler's type (naked exceptions are wrapped in a
// group) and combining what the handlers raised into the exception to raise.
#include <string.h>

#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "runtime.h"
#include "vmapi.h"

bool excgroup_check(Value v) {
    return IS_OBJ(v) && (AS_OBJ(v)->cls->flags & CLS_EXCEPTION) &&
           class_is_subclass(AS_OBJ(v)->cls, exc_BaseExceptionGroup);
}

// The .exceptions tuple of group [eg] (an empty tuple if it was removed).
static ObjTuple *members(Value eg) {
    Value v = dict_get_str(AS_EXC(eg)->dict, str_intern_c("exceptions"));
    return v && IS_TUPLE(v) ? AS_TUPLE(v) : AS_TUPLE(tuple_new(0));
}

// A sequence for the constructor: anything with __getitem__ and a length
// that is not a dict (PySequence_Check), as a new tuple; NULL if not one.
static Value as_sequence_tuple(Value v) {
    if (IS_TUPLE(v)) {
        return v;
    }
    ObjClass *c = val_class(v);
    if (!c->getitem || class_is_subclass(c, cls_dict)) {
        return VAL_NULL;
    }
    return seq_to_tuple(v);
}

static Value group_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    const char *cname = cls->name->data;
    if (kw && kw->used) {
        return exc_raise(exc_TypeError, "%s() takes no keyword arguments", cname);
    }
    if (argc != 2) {
        return exc_raise(exc_TypeError, "BaseExceptionGroup.__new__() takes exactly 2 arguments (%d given)",
                         argc);
    }
    if (!str_check(argv[0])) {
        return exc_raise(exc_TypeError, "BaseExceptionGroup.__new__() argument 1 must be str, not %s", val_type_name(argv[0]));
    }
    Value excs = as_sequence_tuple(argv[1]);
    if (!excs) {
        if (!exc_pending()) {
            exc_raise(exc_TypeError, "second argument (exceptions) must be a sequence");
        }
        return VAL_NULL;
    }
    ObjTuple *t = AS_TUPLE(excs);
    if (t->len == 0) {
        return exc_raise(exc_ValueError, "second argument (exceptions) must be a non-empty sequence");
    }
    bool nested_base = false;
    for (size_t i = 0; i < t->len; i++) {
        Value e = t->items[i];
        if (!IS_OBJ(e) || !(AS_OBJ(e)->cls->flags & CLS_EXCEPTION)) {
            return exc_raise(exc_ValueError, "Item %zu of second argument (exceptions) is not an exception", i);
        }
        if (!class_is_subclass(AS_OBJ(e)->cls, exc_Exception)) {
            nested_base = true;
        }
    }
    if (cls == exc_BaseExceptionGroup) {
        if (!nested_base) {
            cls = exc_ExceptionGroup;
        }
    } else if (cls == exc_ExceptionGroup) {
        if (nested_base) {
            return exc_raise(exc_TypeError, "Cannot nest BaseExceptions in an ExceptionGroup");
        }
    } else if (nested_base && class_is_subclass(cls, exc_Exception)) {
        return exc_raise(exc_TypeError, "Cannot nest BaseExceptions in '%s'", cname);
    }
    gc_push_root(excs);
    Value self = exc_BaseException->new_(cls, argc, argv, NULL);
    if (self) {
        gc_push_root(self);
        dict_set_str(AS_EXC(self)->dict, str_intern_c("message"), argv[0]);
        dict_set_str(AS_EXC(self)->dict, str_intern_c("exceptions"), excs);
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return self;
}

Value excgroup_new(Value msg, Value excs) {
    Value args[2] = {msg, excs};
    return type_call(exc_BaseExceptionGroup, 2, args, NULL);
}

static Value group_str(Value self) {
    Value msg = dict_get_str(AS_EXC(self)->dict, str_intern_c("message"));
    Value s = obj_str(msg ? msg : str_from_c(""));
    if (!s) {
        return VAL_NULL;
    }
    size_t n = members(self)->len;
    return str_printf("%s (%zu sub-exception%s)", AS_STR(s)->data, n, n == 1 ? "" : "s");
}

static Value m_derive(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("derive", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value msg = dict_get_str(AS_EXC(argv[0])->dict, str_intern_c("message"));
    return excgroup_new(msg ? msg : str_from_c(""), argv[1]);
}

// ---- split

typedef enum { MATCH_TYPE, MATCH_PREDICATE, MATCH_LEAVES } MatchKind;

typedef struct Matcher {
    MatchKind kind;
    Value value;        // type or tuple, callable, or a list of leaf exceptions
} Matcher;

static int matches(Value exc, Matcher *m) {
    switch (m->kind) {
    case MATCH_TYPE:
        return exc_matches(exc, m->value);
    case MATCH_PREDICATE: {
        Value r = obj_call(m->value, 1, &exc, NULL);
        if (!r) {
            return -1;
        }
        return obj_truthy(r);     // -1 on error too
    }
    default: {
        ObjList *l = AS_LIST(m->value);
        for (size_t i = 0; i < l->len; i++) {
            if (l->items[i] == exc) {
                return 1;
            }
        }
        return 0;
    }
    }
}

// orig.derive(excs) with orig's traceback, cause, context and notes.
static Value subset(Value orig, Value excs) {
    Value d = obj_getattr(orig, str_intern_c("derive"));
    if (!d) {
        return VAL_NULL;
    }
    gc_push_root(d);
    Value eg = obj_call(d, 1, &excs, NULL);
    gc_pop_root(1);
    if (!eg) {
        return VAL_NULL;
    }
    if (!excgroup_check(eg)) {
        return exc_raise(exc_TypeError, "derive must return an instance of BaseExceptionGroup");
    }
    gc_push_root(eg);
    ObjException *o = AS_EXC(orig), *e = AS_EXC(eg);
    e->traceback = o->traceback;    // entries are never changed in place: shared
    e->context = o->context;
    e->cause = o->cause;
    e->suppress_context = true;     // CPython sets the cause, which sets this too
    Value notes = dict_get_str(o->dict, str_intern_c("__notes__"));
    if (notes) {
        Value copy = IS_LIST(notes) || IS_TUPLE(notes) ? seq_to_list(notes) : VAL_NULL;
        if (copy) {
            dict_set_str(e->dict, str_intern_c("__notes__"), copy);
        }
    }
    gc_pop_root(1);
    return eg;
}

// Splits [exc] by [m] into *match and *rest (VAL_NULL for none; rest only
// when [want_rest]); false with an exception raised.
static bool split_rec(Value exc, Matcher *m, bool want_rest, Value *match, Value *rest) {
    *match = *rest = VAL_NULL;
    int r = matches(exc, m);
    if (r < 0) {
        return false;
    }
    if (r) {
        *match = exc;
        return true;
    }
    if (!excgroup_check(exc)) {
        if (want_rest) {
            *rest = exc;
        }
        return true;
    }
    if (!vm_enter_recursive(" in split")) {
        return false;
    }
    ObjTuple *t = members(exc);
    gc_push_root(OBJ_VAL(t));
    Value ml = list_new(0);
    gc_push_root(ml);
    Value rl = list_new(0);
    gc_push_root(rl);
    bool ok = true;
    for (size_t i = 0; i < t->len && ok; i++) {
        Value a, b;
        ok = split_rec(t->items[i], m, want_rest, &a, &b);
        if (ok && a) {
            list_append(AS_LIST(ml), a);
        }
        if (ok && b) {
            list_append(AS_LIST(rl), b);
        }
    }
    if (ok && AS_LIST(ml)->len) {
        *match = subset(exc, ml);
        ok = *match != VAL_NULL;
    }
    if (ok && want_rest && AS_LIST(rl)->len) {
        gc_push_root(*match);
        *rest = subset(exc, rl);
        gc_pop_root(1);
        ok = *rest != VAL_NULL;
    }
    gc_pop_root(3);
    vm_leave_recursive();
    return ok;
}

static bool get_matcher(Value cond, Matcher *m) {
    if (IS_CLASS(cond) && (AS_CLASS(cond)->flags & CLS_EXCEPTION)) {
        m->kind = MATCH_TYPE;
    } else if (IS_TUPLE(cond)) {
        ObjTuple *t = AS_TUPLE(cond);
        for (size_t i = 0; i < t->len; i++) {
            if (!IS_CLASS(t->items[i]) || !(AS_CLASS(t->items[i])->flags & CLS_EXCEPTION)) {
                goto bad;
            }
        }
        m->kind = MATCH_TYPE;
    } else if (!IS_CLASS(cond) && (val_class(cond)->call || IS_A(cond, cls_function) || IS_A(cond, cls_native) ||
               IS_A(cond, cls_bound_method))) {
        m->kind = MATCH_PREDICATE;
    } else {
        goto bad;
    }
    m->value = cond;
    return true;
bad:
    exc_raise(exc_TypeError, "expected a function, exception type or tuple of exception types");
    return false;
}

static Value m_split(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("split", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Matcher m;
    Value a, b;
    if (!get_matcher(argv[1], &m) || !split_rec(argv[0], &m, true, &a, &b)) {
        return VAL_NULL;
    }
    return tuple_pack(2, a ? a : VAL_NONE, b ? b : VAL_NONE);
}

static Value m_subgroup(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("subgroup", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Matcher m;
    Value a, b;
    if (!get_matcher(argv[1], &m) || !split_rec(argv[0], &m, false, &a, &b)) {
        return VAL_NULL;
    }
    return a ? a : VAL_NONE;
}

static Value m_init(int argc, Value *argv, ObjDict *kw) {
    if (kw && kw->used) {
        return exc_raise(exc_TypeError, "%s() takes no keyword arguments",
                         AS_OBJ(argv[0])->cls->name->data);
    }
    ObjException *e = AS_EXC(argv[0]);
    ObjTuple *args = AS_TUPLE(tuple_new((size_t)argc - 1));
    values_copy(args->items, argv + 1, (size_t)(argc - 1));
    e->args = args;
    return VAL_NONE;
}

// ---- except*

bool excgroup_match(Value exc, Value type, Value *match, Value *rest) {
    *match = *rest = VAL_NONE;
    if (IS_NONE(exc)) {
        return true;
    }
    Value types = type;
    size_t n = IS_TUPLE(type) ? AS_TUPLE(type)->len : 1;
    for (size_t i = 0; i < n; i++) {
        Value t = IS_TUPLE(types) ? AS_TUPLE(types)->items[i] : types;
        if (!IS_CLASS(t) || !(AS_CLASS(t)->flags & CLS_EXCEPTION)) {
            exc_raise(exc_TypeError, "catching classes that do not inherit from BaseException is not allowed");
            return false;
        }
        if (class_is_subclass(AS_CLASS(t), exc_BaseExceptionGroup)) {
            exc_raise(exc_TypeError,
                      "catching ExceptionGroup with except* is not allowed. Use except instead.");
            return false;
        }
    }
    if (exc_matches(exc, type)) {
        if (excgroup_check(exc)) {
            *match = exc;
        } else {
            Value one = tuple_pack(1, exc);
            gc_push_root(one);
            Value w = excgroup_new(str_from_c(""), one);
            gc_pop_root(1);
            if (!w) {
                return false;
            }
            *match = w;
        }
        *rest = VAL_NONE;
        return true;
    }
    if (excgroup_check(exc)) {
        Matcher m = {MATCH_TYPE, type};
        Value a, b;
        if (!split_rec(exc, &m, true, &a, &b)) {
            return false;
        }
        *match = a ? a : VAL_NONE;
        *rest = b ? b : VAL_NONE;
        return true;
    }
    *rest = exc;
    return true;
}

// Appends the leaf exceptions of [exc] to [out].
static void leaves(Value exc, ObjList *out, int depth) {
    if (excgroup_check(exc) && depth < 1000) {
        ObjTuple *t = members(exc);
        for (size_t i = 0; i < t->len; i++) {
            leaves(t->items[i], out, depth + 1);
        }
    } else {
        list_append(out, exc);
    }
}

// A part of [orig] handed back unchanged (a split of it): same traceback
// entries, cause and context.
static bool same_metadata(Value e, Value orig) {
    ObjException *a = AS_EXC(e), *b = AS_EXC(orig);
    if (a->cause != b->cause || a->context != b->context) {
        return false;
    }
    return a->traceback == b->traceback;
}

Value excgroup_prep_reraise(Value orig, Value excs) {
    ObjList *l = AS_LIST(excs);
    if (l->len == 0) {
        return VAL_NONE;
    }
    if (!excgroup_check(orig)) {
        // a naked exception: at most one handler ran
        return l->items[0];
    }
    Value raised = list_new(0);
    gc_push_root(raised);
    Value kept = list_new(0);
    gc_push_root(kept);
    for (size_t i = 0; i < l->len; i++) {
        Value e = l->items[i];
        if (IS_NONE(e)) {
            continue;
        }
        if (e == orig || (excgroup_check(e) && same_metadata(e, orig))) {
            leaves(e, AS_LIST(kept), 0);
        } else {
            list_append(AS_LIST(raised), e);
        }
    }
    Value result = VAL_NONE;
    Value reraised = VAL_NULL;
    if (AS_LIST(kept)->len) {
        Matcher m = {MATCH_LEAVES, kept};
        Value b;
        if (!split_rec(orig, &m, false, &reraised, &b)) {
            gc_pop_root(2);
            return VAL_NULL;
        }
    }
    if (AS_LIST(raised)->len == 0) {
        result = reraised ? reraised : VAL_NONE;
    } else {
        // what the handlers raised, then the re-raised part, in a new group
        if (reraised) {
            list_append(AS_LIST(raised), reraised);
        }
        result = excgroup_new(str_from_c(""), raised);
    }
    gc_pop_root(2);
    return result;
}

static const MethodDef group_methods[] = {
    {"__init__", m_init, true},
    {"derive", m_derive},
    {"split", m_split},
    {"subgroup", m_subgroup},
    {NULL, NULL},
};

// message and exceptions are read-only members in CPython (they live in
// the instance dict here, written by __init__ only)
static bool group_setattr(Value self, ObjStr *name, Value v) {
    if (strcmp(name->data, "message") == 0 || strcmp(name->data, "exceptions") == 0) {
        exc_raise(exc_AttributeError, "readonly attribute");
        return false;
    }
    return exc_BaseException->setattr(self, name, v);
}

void excgroup_init(void) {
    ObjClass *b = class_new_builtin("BaseExceptionGroup", exc_BaseException, sizeof(ObjException),
                                    group_methods);
    b->new_ = group_new;
    b->str = group_str;
    b->setattr = group_setattr;
    class_add_classmethod(b, "__class_getitem__", generic_alias_cgi_method);
    exc_BaseExceptionGroup = b;
    ObjClass *g = class_new_builtin("ExceptionGroup", b, sizeof(ObjException), NULL);
    g->bases = AS_TUPLE(tuple_pack(2, OBJ_VAL(b), OBJ_VAL(exc_Exception)));
    ObjTuple *mro = AS_TUPLE(tuple_new(5));
    mro->items[0] = OBJ_VAL(g);
    mro->items[1] = OBJ_VAL(b);
    mro->items[2] = OBJ_VAL(exc_Exception);
    mro->items[3] = OBJ_VAL(exc_BaseException);
    mro->items[4] = OBJ_VAL(cls_object);
    g->mro = mro;
    exc_ExceptionGroup = g;
}
