// coll_counter.c: collections.Counter, a C subclass of dict (ObjDict
// first) whose missing keys count 0, with most_common, elements, update,
// subtract, total and the multiset operators (+ - & | and unary + -).
#include "containers.h"
#include "coll.h"

// ---- Counter

static Value counter_getitem(Value self, Value key) {
    Value v;
    int r = dict_get(AS_DICT(self), key, &v);
    if (r < 0) {
        return VAL_NULL;
    }
    return r ? v : MK_SMALL(0);
}

// Adds (sign +1) or subtracts counts from a mapping or an iterable.
static bool counter_add(Value self, Value src, int sign) {
    ObjDict *d = AS_DICT(self);
    if (IS_DICTISH(src)) {
        ObjDict *s = AS_DICT(src);
        for (size_t i = 0; i < s->nentries; i++) {
            if (!s->entries[i].key) {
                continue;
            }
            Value k = s->entries[i].key, n = s->entries[i].value, old;
            int r = dict_get(d, k, &old);
            if (r < 0) {
                return false;
            }
            Value nv = r ? obj_binop(old, n, sign > 0 ? BIN_ADD : BIN_SUB)
                         : (sign > 0 ? n : obj_unop(n, UN_NEG));
            if (!nv || dict_set(d, k, nv) < 0) {
                return false;
            }
        }
        return true;
    }
    Value it = obj_iter(src);
    if (!it) {
        return false;
    }
    gc_push_root(it);
    Value k;
    int r;
    while ((r = obj_next(it, &k)) == 1) {
        Value old;
        int g = dict_get(d, k, &old);
        if (g < 0) {
            r = -1;
            break;
        }
        Value nv = g ? obj_binop(old, MK_SMALL(sign), BIN_ADD) : MK_SMALL(sign);
        if (!nv || dict_set(d, k, nv) < 0) {
            r = -1;
            break;
        }
    }
    gc_pop_root(1);
    return r == 0;
}

// CPython's message for too many arguments to Counter(...) ([given] with self).
static Value init_arg_error(int given) {
    return exc_raise(exc_TypeError, "Counter.__init__() takes from 1 to 2 positional arguments but %d were given",
                     given);
}

static Value counter_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    size_t size = cls->inst_size > sizeof(ObjDict) ? cls->inst_size : sizeof(ObjDict);
    if (has_user_init(cls)) {   // a subclass's own __init__ counts (through Counter.__init__, as CPython's)
        return OBJ_VAL(obj_alloc(cls, size));
    }
    if (argc > 1) {
        return init_arg_error(argc + 1);
    }
    Value c = OBJ_VAL(obj_alloc(cls, size));
    gc_push_root(c);
    bool ok = (argc == 0 || IS_NONE(argv[0]) || counter_add(c, argv[0], 1)) &&
              (!kw || counter_add(c, OBJ_VAL(kw), 1));
    gc_pop_root(1);
    return ok ? c : VAL_NULL;
}

// Items sorted by count, largest first (stable): a list of (key, count).
// The sort key of counter_sorted_items: the count of a (key, count) item.
static Value cm_count_of(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1 || !IS_TUPLE(argv[0]) || AS_TUPLE(argv[0])->len != 2) {
        return exc_raise(exc_TypeError, "bad Counter item");
    }
    return AS_TUPLE(argv[0])->items[1];
}

static Value counter_sorted_items(Value self) {
    Value items = list_new(AS_DICT(self)->used);
    if (!items) {
        return VAL_NULL;
    }
    ObjDict *d = AS_DICT(self);
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key) {
            list_append(AS_LIST(items), tuple_pack(2, d->entries[i].key, d->entries[i].value));
        }
    }
    gc_push_root(items);
    // Sort by count descending: key = item[1], reverse = True. The key
    // function is made here, out of pyish code's reach.
    Value keyf = native_new("_count_of", cm_count_of, NULL);
    gc_push_root(keyf);
    bool ok = list_sort_inplace(AS_LIST(items), keyf, true);
    gc_pop_root(2);
    return ok ? items : VAL_NULL;
}


static Value counter_repr(Value self) {
    if (AS_DICT(self)->used == 0) {
        return str_printf("%s()", AS_OBJ(self)->cls->name->data);
    }
    Value items = counter_sorted_items(self);
    if (!items) {
        return VAL_NULL;
    }
    gc_push_root(items);
    SBuf b;
    sb_init(&b);
    sb_adds(&b, AS_OBJ(self)->cls->name->data);
    sb_adds(&b, "({");
    bool ok = true;
    for (size_t i = 0; i < AS_LIST(items)->len && ok; i++) {
        ObjTuple *t = AS_TUPLE(AS_LIST(items)->items[i]);
        if (i) {
            sb_adds(&b, ", ");
        }
        ok = ct_addrepr(&b, t->items[0]);
        if (ok) {
            sb_adds(&b, ": ");
            ok = ct_addrepr(&b, t->items[1]);
        }
    }
    gc_pop_root(1);
    if (!ok) {
        sb_free(&b);
        return VAL_NULL;
    }
    sb_adds(&b, "})");
    return sb_finish(&b);
}

static Value cm_most_common(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("most_common", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    Value items = counter_sorted_items(argv[0]);
    if (!items) {
        return VAL_NULL;
    }
    if (argc > 1 && !IS_NONE(argv[1])) {
        int64_t n;
        if (!index_value(argv[1], NULL, &n)) {
            return VAL_NULL;
        }
        if (n < 0) {
            n = 0;
        }
        if ((size_t)n < AS_LIST(items)->len) {
            AS_LIST(items)->len = (size_t)n;
        }
    }
    return items;
}

static Value cm_elements(int argc, Value *argv, ObjDict *kw) {
    ObjDict *d = AS_DICT(argv[0]);
    // (eager, unlike CPython's lazy chain: the total is sized first, so a
    // huge count is a MemoryError at once rather than a hang)
    size_t total = 0;
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key && IS_SMALL(d->entries[i].value) && AS_SMALL(d->entries[i].value) > 0 &&
            __builtin_add_overflow(total, (size_t)AS_SMALL(d->entries[i].value), &total)) {
            return exc_raise_nomem();
        }
    }
    Value l = list_new(total);
    if (!l) {
        return VAL_NULL;
    }
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key && IS_SMALL(d->entries[i].value)) {
            for (int64_t k = 0; k < AS_SMALL(d->entries[i].value); k++) {
                list_append(AS_LIST(l), d->entries[i].key);     // room made above
            }
        }
    }
    return obj_iter(l);
}

static Value cm_update(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("update", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    bool ok = (argc < 2 || IS_NONE(argv[1]) || counter_add(argv[0], argv[1], 1)) &&     // (None: nothing)
              (!kw || counter_add(argv[0], OBJ_VAL(kw), 1));
    return ok ? VAL_NONE : VAL_NULL;
}

// Counter.__init__(iterable=None, /, **kwds): counts them (a subclass's
// __init__ calls it; Counter(...) itself counts in counter_new_).
static Value cm_init(int argc, Value *argv, ObjDict *kw) {
    if (argc > 2) {
        return init_arg_error(argc);
    }
    return cm_update(argc, argv, kw);
}

// del c[key]: no KeyError for a missing key (CPython's Counter.__delitem__).
static bool counter_setitem(Value self, Value key, Value v) {
    if (!v) {
        Value old;
        int r = dict_get(AS_DICT(self), key, &old);
        if (r <= 0) {
            return r == 0;
        }
    }
    return cls_dict->setitem(self, key, v);
}

static Value cm_subtract(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("subtract", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    bool ok = (argc < 2 || IS_NONE(argv[1]) || counter_add(argv[0], argv[1], -1)) &&
              (!kw || counter_add(argv[0], OBJ_VAL(kw), -1));
    return ok ? VAL_NONE : VAL_NULL;
}

static Value cm_total(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1) {
        return exc_raise(exc_TypeError, "Counter.total() takes 1 positional argument but %d were given", argc);
    }
    ObjDict *d = AS_DICT(argv[0]);
    Value acc = MK_SMALL(0);
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key) {
            acc = obj_binop(acc, d->entries[i].value, BIN_ADD);
            if (!acc) {
                return VAL_NULL;
            }
        }
    }
    return acc;
}

// Fills r with min (a & b) or max (a | b) counts, as CPython's Counter
// __and__/__or__ do (only positive results are kept by the caller).
static bool counter_minmax(Value r, Value a, Value b, bool is_max) {
    ObjDict *da = AS_DICT(a), *db = AS_DICT(b);
    for (size_t i = 0; i < da->nentries; i++) {
        if (!da->entries[i].key) {
            continue;
        }
        Value k = da->entries[i].key, n = da->entries[i].value, o;
        int g = dict_get(db, k, &o);
        if (g < 0) {
            return false;
        }
        if (!g) {
            if (!is_max) {
                continue;
            }
            o = MK_SMALL(0);
        }
        int lt = obj_lt(n, o);
        if (lt < 0) {
            return false;
        }
        Value v = (lt != 0) == is_max ? o : n;
        if (dict_set(AS_DICT(r), k, v) < 0) {
            return false;
        }
    }
    if (is_max) {
        for (size_t i = 0; i < db->nentries; i++) {
            Value k = db->entries[i].key, o;
            if (!k) {
                continue;
            }
            int g = dict_get(da, k, &o);
            if (g < 0) {
                return false;
            }
            if (!g && dict_set(AS_DICT(r), k, db->entries[i].value) < 0) {
                return false;
            }
        }
    }
    return true;
}

// +c and -c: the positive counts (of c, or of its negation), as CPython does.
static Value counter_unop(Value a, int op) {
    if (op != UN_POS && op != UN_NEG) {
        return VAL_NOTIMPL;
    }
    Value r = counter_new_(cls_counter, 0, NULL, NULL);
    gc_push_root(r);
    ObjDict *d = AS_DICT(a);
    bool ok = true;
    for (size_t i = 0; i < d->nentries && ok; i++) {
        if (!d->entries[i].key) {
            continue;
        }
        Value n = d->entries[i].value;
        int keep = op == UN_POS ? obj_lt(MK_SMALL(0), n) : obj_lt(n, MK_SMALL(0));
        if (keep < 0) {
            ok = false;
        } else if (keep) {
            Value v = op == UN_POS ? n : obj_unop(n, UN_NEG);
            ok = v && dict_set(AS_DICT(r), d->entries[i].key, v) >= 0;
        }
    }
    gc_pop_root(1);
    return ok ? r : VAL_NULL;
}

// Counter + Counter, Counter - Counter, & and | (keeping positive counts).
static Value counter_binop(Value a, Value b, int op) {
    if (op >= BINOP_INPLACE) {
        op -= BINOP_INPLACE;
    }
    if ((op != BIN_ADD && op != BIN_SUB && op != BIN_AND && op != BIN_OR) ||
        !IS_KIND(a, cls_counter) || !IS_KIND(b, cls_counter)) {
        return VAL_NOTIMPL;
    }
    Value r = counter_new_(cls_counter, 0, NULL, NULL);
    gc_push_root(r);
    bool ok = op == BIN_AND || op == BIN_OR
                  ? counter_minmax(r, a, b, op == BIN_OR)
                  : counter_add(r, a, 1) && counter_add(r, b, op == BIN_ADD ? 1 : -1);
    if (ok) {
        ObjDict *d = AS_DICT(r);
        for (size_t i = 0; i < d->nentries; i++) {
            if (d->entries[i].key) {
                int pos = obj_lt(MK_SMALL(0), d->entries[i].value);
                if (pos < 0) {
                    ok = false;
                    break;
                }
                if (!pos) {
                    dict_del(d, d->entries[i].key);
                }
            }
        }
    }
    gc_pop_root(1);
    return ok ? r : VAL_NULL;
}

// Counter comparisons (3.10+): multiset equality and inclusion, a missing
// key counting as zero: all(self[e] OP other[e] for c in (self, other) for e in c).
// [op] is OP_LE, OP_GE or OP_EQ; 1, 0 or -1.
static int counter_all(Value a, Value b, int op) {
    for (int side = 0; side < 2; side++) {
        ObjDict *d = AS_DICT(side ? b : a);
        for (size_t i = 0; i < d->nentries; i++) {
            Value k = d->entries[i].key;
            if (!k) {
                continue;
            }
            Value x, y;
            int r = dict_get(AS_DICT(a), k, &x);
            if (r < 0) {
                return -1;
            }
            if (!r) {
                x = MK_SMALL(0);
            }
            r = dict_get(AS_DICT(b), k, &y);
            if (r < 0) {
                return -1;
            }
            if (!r) {
                y = MK_SMALL(0);
            }
            Value c = obj_compare(x, y, op);
            if (!c) {
                return -1;
            }
            int t = obj_truthy(c);
            if (t <= 0) {
                return t;
            }
            d = AS_DICT(side ? b : a);    // a comparison may have run code
            if (i >= d->nentries) {
                break;
            }
        }
    }
    return 1;
}

static Value counter_richcompare(Value a, Value b, int op) {
    if (!IS_KIND(a, cls_counter) || !IS_KIND(b, cls_counter)) {
        return op == OP_EQ || op == OP_NE ? cls_dict->richcompare(a, b, op) : VAL_NOTIMPL;
    }
    int r;
    switch (op) {
    case OP_EQ:
    case OP_NE:
        r = counter_all(a, b, OP_EQ);
        return r < 0 ? VAL_NULL : VAL_BOOL((r == 1) == (op == OP_EQ));
    case OP_LE:
    case OP_GE:
        r = counter_all(a, b, op);
        return r < 0 ? VAL_NULL : VAL_BOOL(r == 1);
    default:    // < and >: <= (>=) and !=
        r = counter_all(a, b, op == OP_LT ? OP_LE : OP_GE);
        if (r == 1) {
            r = counter_all(a, b, OP_EQ);
            return r < 0 ? VAL_NULL : VAL_BOOL(r == 0);
        }
        return r < 0 ? VAL_NULL : VAL_FALSE;
    }
}

// Counter.copy(): self.__class__(self), as CPython's (a Counter, not a dict).
static Value cm_copy(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1) {
        return exc_raise(exc_TypeError, "Counter.copy() takes 1 positional argument but %d were given", argc);
    }
    return vm_call(OBJ_VAL(val_class(argv[0])), 1, argv, NULL);
}

// Counter.fromkeys(): refused, as CPython's.
static Value cm_fromkeys(int argc, Value *argv, ObjDict *kw) {
    return exc_raise(exc_NotImplementedError, "Counter.fromkeys() is undefined.  Use Counter(iterable) instead.");
}

static const MethodDef counter_methods[] = {
    {"copy", cm_copy},
    {"most_common", cm_most_common},
    {"elements", cm_elements},
    {"__init__", cm_init, true},
    {"update", cm_update, true},
    {"subtract", cm_subtract, true},
    {"total", cm_total},
    {NULL, NULL},
};

// Makes the Counter class, of module [modname].
void coll_counter_init(ObjStr *modname) {
    cls_counter = class_new_builtin("Counter", cls_dict, sizeof(ObjDict), counter_methods);
    cls_counter->module = modname;
    cls_counter->native_base = cls_dict;
    cls_counter->new_ = counter_new_;
    cls_counter->getitem = counter_getitem;
    cls_counter->setitem = counter_setitem;
    cls_counter->repr = counter_repr;
    cls_counter->binop = counter_binop;
    cls_counter->unop = counter_unop;
    cls_counter->richcompare = counter_richcompare;
    class_add_classmethod(cls_counter, "fromkeys", cm_fromkeys)->takes_kw = true;
}
