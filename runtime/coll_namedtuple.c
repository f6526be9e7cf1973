// coll_namedtuple.c: collections.namedtuple, which makes a tuple subclass
// in C; its _fields tuple (interned names) drives construction, attribute
// access and repr.
#include "containers.h"
#include "coll.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "vmapi.h"

// The fields namedtuple() made the class with: those of the nearest
// namedtuple class in the MRO (a subclass may set its own _fields, as
// platform.uname_result does, without changing __new__ or the repr).
static ObjTuple *nt_fields(ObjClass *c) {
    Value f = VAL_NULL;
    for (size_t i = 0; c->mro && i < c->mro->len && !f; i++) {
        ObjClass *k = AS_CLASS(c->mro->items[i]);
        if (k->flags & CLS_HEAPTYPE) {
            f = dict_get_str(k->dict, ST->s_fields);
        }
    }
    if (!f) {
        f = class_lookup(c, ST->s_fields);
    }
    return f && IS_TUPLE(f) ? AS_TUPLE(f) : AS_TUPLE(tuple_new(0));
}

static Value nt_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    ObjTuple *fields = nt_fields(cls);
    size_t n = fields->len;
    if ((size_t)argc > n) {
        Value d = class_lookup(cls, ST->s_defaults);
        size_t nd = d && IS_TUPLE(d) ? AS_TUPLE(d)->len : 0;
        if (nd) {  // CPython's message for a function with defaults
            return exc_raise(exc_TypeError, "%s.__new__() takes from %zu to %zu positional arguments but %d were given",
                             cls->name->data, n - nd + 1, n + 1, argc + 1);
        }
        return exc_raise(exc_TypeError, "%s.__new__() takes %zu positional arguments but %d were given",
                         cls->name->data, n + 1, argc + 1);
    }
    size_t size = sizeof(ObjTuple) + n * sizeof(Value);
    if (cls->inst_size > sizeof(ObjTuple)) {
        size += cls->inst_size - sizeof(ObjTuple);  // room for a subclass's trailing dict
    }
    ObjTuple *t = (ObjTuple *)obj_alloc(cls, size);
    t->hash = -1;
    t->len = n;
    for (int i = 0; i < argc; i++) {
        t->items[i] = argv[i];
    }
    if (kw) {
        for (size_t i = 0; i < kw->nentries; i++) {
            DictEntry *e = &kw->entries[i];
            if (!e->key) {
                continue;
            }
            size_t j = 0;
            while (j < n && !str_eq(AS_STR(fields->items[j]), AS_STR(e->key))) {
                j++;
            }
            if (j == n) {
                return exc_raise(exc_TypeError, "%s.__new__() got an unexpected keyword argument '%s'",
                                 cls->name->data, AS_STR(e->key)->data);
            }
            if (t->items[j]) {
                return exc_raise(exc_TypeError, "%s.__new__() got multiple values for argument '%s'",
                                 cls->name->data, AS_STR(e->key)->data);
            }
            t->items[j] = e->value;
        }
    }
    Value defs = class_lookup(cls, ST->s_defaults);
    size_t nd = defs && IS_TUPLE(defs) ? AS_TUPLE(defs)->len : 0;
    for (size_t j = 0; j < n; j++) {
        if (!t->items[j]) {
            if (j >= n - nd) {
                t->items[j] = AS_TUPLE(defs)->items[j - (n - nd)];
                continue;
            }
            t->items[j] = VAL_NONE;
            return exc_raise(exc_TypeError, "%s.__new__() missing 1 required positional argument: '%s'",
                             cls->name->data, AS_STR(fields->items[j])->data);
        }
    }
    return OBJ_VAL(t);
}

static Value nt_getattr(Value self, ObjStr *name) {
    ObjTuple *fields = nt_fields(AS_OBJ(self)->cls);
    ObjTuple *t = AS_TUPLE(self);
    for (size_t i = 0; i < fields->len && i < t->len; i++) {
        if (AS_STR(fields->items[i]) == name || str_eq(AS_STR(fields->items[i]), name)) {
            return t->items[i];
        }
    }
    return generic_getattr(self, name);
}

// Fields are read-only: "can't set attribute" (CPython 3.11's wording).
static bool nt_setattr(Value self, ObjStr *name, Value v) {
    ObjTuple *fields = nt_fields(AS_OBJ(self)->cls);
    for (size_t i = 0; i < fields->len; i++) {
        if (str_eq(AS_STR(fields->items[i]), name)) {
            exc_raise(exc_AttributeError, v ? "can't set attribute" : "can't delete attribute");
            return false;
        }
    }
    return generic_setattr(self, name, v);
}

static Value nt_repr(Value self) {
    ObjTuple *fields = nt_fields(AS_OBJ(self)->cls);
    ObjTuple *t = AS_TUPLE(self);
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_from_c("...") : VAL_NULL;
    }
    SBuf b;
    sb_init(&b);
    ObjClass *c = AS_OBJ(self)->cls;
    if ((c->flags & CLS_STRUCTSEQ) && c->module) {
        sb_adds(&b, c->module->data);
        sb_adds(&b, ".");
    }
    sb_adds(&b, c->name->data);
    sb_adds(&b, "(");
    for (size_t i = 0; i < t->len; i++) {
        if (i) {
            sb_adds(&b, ", ");
        }
        if (i < fields->len) {
            ct_addstr(&b, fields->items[i]);
            sb_adds(&b, "=");
        }
        if (!ct_addrepr(&b, t->items[i])) {
            sb_free(&b);
            repr_leave(AS_OBJ(self));
            return VAL_NULL;
        }
    }
    sb_adds(&b, ")");
    repr_leave(AS_OBJ(self));
    return sb_finish(&b);
}

static Value ntm_asdict(int argc, Value *argv, ObjDict *kw) {
    ObjTuple *fields = nt_fields(AS_OBJ(argv[0])->cls);
    Value d = dict_new();
    for (size_t i = 0; i < fields->len && i < AS_TUPLE(argv[0])->len; i++) {
        dict_set(AS_DICT(d), fields->items[i], AS_TUPLE(argv[0])->items[i]);
    }
    return d;
}

static Value ntm_replace(int argc, Value *argv, ObjDict *kw) {
    ObjClass *cls = AS_OBJ(argv[0])->cls;
    ObjTuple *fields = nt_fields(cls);
    ObjTuple *t = AS_TUPLE(argv[0]);
    Value d = dict_new();
    for (size_t i = 0; i < fields->len && i < t->len; i++) {
        dict_set(AS_DICT(d), fields->items[i], t->items[i]);
    }
    if (kw) {
        gc_push_root(d);
        Value bad = list_new(0); // CPython names the unexpected keys only, as a list
        gc_push_root(bad);
        for (size_t i = 0; i < kw->nentries; i++) {
            DictEntry *e = &kw->entries[i];
            if (!e->key) {
                continue;
            }
            Value old;
            if (dict_get(AS_DICT(d), e->key, &old) != 1) {
                list_append(AS_LIST(bad), e->key);
                continue;
            }
            dict_set(AS_DICT(d), e->key, e->value);
        }
        if (AS_LIST(bad)->len) {
            Value r = obj_repr(bad);
            gc_pop_root(2);
            return r ? exc_raise(exc_ValueError, "Got unexpected field names: %s",
                                 AS_STR(r)->data)
                     : VAL_NULL;
        }
        gc_pop_root(2);
    }
    gc_push_root(d);
    Value r = nt_new_(cls, 0, NULL, AS_DICT(d));
    gc_pop_root(1);
    return r;
}

static Value ntm_make(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_make", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value t = seq_to_tuple(argv[1]);
    if (!t) {
        return VAL_NULL;
    }
    gc_push_root(t);
    Value r = nt_new_(AS_CLASS(argv[0]), (int)AS_TUPLE(t)->len, AS_TUPLE(t)->items, NULL);
    gc_pop_root(1);
    return r;
}

// __getnewargs__(): tuple(self), the arguments pickle and copy give
// __new__ (CPython's namedtuple has it; object.__reduce_ex__ uses it).
static Value ntm_getnewargs(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__getnewargs__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjTuple *t = AS_TUPLE(argv[0]);
    Value r = tuple_new(t->len);
    values_copy(AS_TUPLE(r)->items, t->items, t->len);
    return r;
}

static const MethodDef nt_methods[] = {
    {"__getnewargs__", ntm_getnewargs},
    {"_asdict", ntm_asdict},
    {"_replace", ntm_replace, true},
    {NULL, NULL},
};

// Splits "x, y" / "x y" / an iterable of names into a tuple of interned strs.
static Value nt_parse_fields(Value spec) {
    Value names = list_new(0);
    gc_push_root(names);
    if (IS_STR(spec)) {
        const char *p = AS_STR(spec)->data;
        while (*p) {
            while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n') {
                p++;
            }
            const char *q = p;
            while (*q && *q != ' ' && *q != ',' && *q != '\t' && *q != '\n') {
                q++;
            }
            if (q > p) {
                list_append(AS_LIST(names), str_intern(p, (size_t)(q - p)));
            }
            p = q;
        }
    } else {
        Value l = seq_to_list(spec);
        if (!l) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        gc_push_root(l);
        for (size_t i = 0; i < AS_LIST(l)->len; i++) {
            Value s = AS_LIST(l)->items[i];
            if (!IS_STR(s)) {    // list(map(str, field_names)), as CPython
                s = obj_str(s);
                if (!s) {
                    gc_pop_root(2);
                    return VAL_NULL;
                }
            }
            gc_push_root(s);
            list_append(AS_LIST(names), str_intern(AS_STR(s)->data, AS_STR(s)->len));
            gc_pop_root(1);
        }
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return seq_to_tuple(names);
}

static bool nt_is_keyword(ObjStr *s) {
    static const char *const kws[] = {"False", "None", "True", "and", "as", "assert", "async", "await",
                                      "break", "class", "continue", "def", "del", "elif", "else", "except",
                                      "finally", "for", "from", "global", "if", "import", "in", "is",
                                      "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
                                      "while", "with", "yield", NULL};
    for (const char *const *k = kws; *k; k++) {
        if (strcmp(s->data, *k) == 0) {
            return true;
        }
    }
    return false;
}

// 1 when [s] is an identifier (str.isidentifier), 0 not, -1 error.
static int nt_is_identifier(Value s) {
    Value r = call_method(s, "isidentifier", 0, NULL);
    return r ? r == VAL_TRUE : -1;
}

static Value nt_bad_name(const char *fmt, Value name) {
    Value r = obj_repr(name);
    return r ? exc_raise(exc_ValueError, fmt, AS_STR(r)->data) : VAL_NULL;
}

// CPython's checks of the type and field names, with rename=True's renaming
// (a bad or duplicate field becomes _INDEX); the tuple of fields or VAL_NULL.
static Value nt_check_names(Value typename, Value fields, bool rename) {
    ObjTuple *f = AS_TUPLE(fields);
    if (rename) {
        Value seen = set_new(cls_set);
        gc_push_root(seen);
        for (size_t i = 0; i < f->len; i++) {
            Value name = f->items[i];
            int id = nt_is_identifier(name);
            int dup = set_contains((ObjSet *)AS_OBJ(seen), name);
            if (id < 0 || dup < 0) {
                gc_pop_root(1);
                return VAL_NULL;
            }
            if (!id || nt_is_keyword(AS_STR(name)) || AS_STR(name)->data[0] == '_' || dup) {
                char buf[32];
                snprintf(buf, sizeof buf, "_%zu", i);
                f->items[i] = str_intern(buf, strlen(buf));
            }
            if (set_add((ObjSet *)AS_OBJ(seen), name) < 0) {
                gc_pop_root(1);
                return VAL_NULL;
            }
        }
        gc_pop_root(1);
    }
    for (size_t i = 0; i <= f->len; i++) {
        Value name = i == 0 ? typename : f->items[i - 1];
        int id = nt_is_identifier(name);
        if (id < 0) {
            return VAL_NULL;
        }
        if (!id) {
            return nt_bad_name("Type names and field names must be valid identifiers: %s", name);
        }
        if (nt_is_keyword(AS_STR(name))) {
            return nt_bad_name("Type names and field names cannot be a keyword: %s", name);
        }
    }
    for (size_t i = 0; i < f->len; i++) {
        if (AS_STR(f->items[i])->data[0] == '_' && !rename) {
            return nt_bad_name("Field names cannot start with an underscore: %s", f->items[i]);
        }
        for (size_t j = 0; j < i; j++) {
            if (str_eq(AS_STR(f->items[j]), AS_STR(f->items[i]))) {
                return nt_bad_name("Encountered duplicate field name: %s", f->items[i]);
            }
        }
    }
    return fields;
}

// namedtuple(typename, field_names, *, rename=False, defaults=None, module=None)
Value coll_namedtuple(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"rename", "defaults", "module", NULL};
    if (!kw_only("namedtuple", kw, allowed) || !arg_count("namedtuple", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "Type names and field names must be strings");
    }
    Value fields = nt_parse_fields(argv[1]);
    if (!fields) {
        return VAL_NULL;
    }
    gc_push_root(fields);
    Value ren = kw_get(kw, "rename");
    int rename = ren ? obj_truthy(ren) : 0;
    if (rename < 0 || !nt_check_names(argv[0], fields, rename)) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    Value defs = kw_get(kw, "defaults");
    Value dt = VAL_NULL;
    if (defs && !IS_NONE(defs)) {
        dt = seq_to_tuple(defs);
        if (!dt) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        if (AS_TUPLE(dt)->len > AS_TUPLE(fields)->len) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError, "Got more default values than field names");
        }
    }
    if (dt) {
        gc_push_root(dt);
    }
    ObjClass *c = class_new_builtin(AS_STR(argv[0])->data, cls_tuple, sizeof(ObjTuple), nt_methods);
    c->name = AS_STR(str_intern(AS_STR(argv[0])->data, AS_STR(argv[0])->len));
    Value mod = kw_get(kw, "module");
    if (!mod || IS_NONE(mod)) {
        // the calling code's module, as CPython's sys._getframe(1).f_globals['__name__']
        ObjDict *g = vm_current_globals();
        mod = g ? dict_get_str(g, ST->s_name) : VAL_NULL;
    }
    c->module = mod && IS_STR(mod) ? AS_STR(mod) : str_intern_c("__main__");
    c->flags |= CLS_BASETYPE | CLS_HEAPTYPE;
    c->new_ = nt_new_;
    c->getattr = nt_getattr;
    c->setattr = nt_setattr;
    c->repr = nt_repr;
    dict_set_str(c->dict, ST->s_fields, fields);
    {   // __doc__: 'Name(a, b)', as CPython's
        SBuf b = {0};
        sb_adds(&b, AS_STR(argv[0])->data);
        sb_adds(&b, "(");
        for (size_t i = 0; i < AS_TUPLE(fields)->len; i++) {
            sb_adds(&b, i ? ", " : "");
            sb_adds(&b, AS_STR(AS_TUPLE(fields)->items[i])->data);
        }
        sb_adds(&b, ")");
        Value doc = sb_finish(&b);
        if (doc) {
            dict_set_str(c->dict, str_intern_c("__doc__"), doc);
        }
    }
    dict_set_str(c->dict, str_intern_c("__match_args__"), fields);
    // Class.field: a documented read-only attribute, as CPython's _tuplegetter
    for (size_t i = 0; i < AS_TUPLE(fields)->len; i++) {
        Value doc = str_printf("Alias for field number %zu", i);
        gc_push_root(doc);
        Value prop = property_doc_only(doc);
        gc_pop_root(1);
        dict_set_str(c->dict, AS_STR(AS_TUPLE(fields)->items[i]), prop);
    }
    if (dt) {
        dict_set_str(c->dict, ST->s_defaults, dt);
    }
    // _field_defaults: {field: default} for the fields that have one, as CPython's
    Value fd = dict_new();
    gc_push_root(fd);
    if (dt) {
        size_t n = AS_TUPLE(fields)->len, nd = AS_TUPLE(dt)->len;
        for (size_t i = 0; i < nd; i++) {
            dict_set(AS_DICT(fd), AS_TUPLE(fields)->items[n - nd + i], AS_TUPLE(dt)->items[i]);
        }
    }
    dict_set_str(c->dict, str_intern_c("_field_defaults"), fd);
    gc_pop_root(1);
    class_add_classmethod(c, "_make", ntm_make);
    // __new__, __repr__... in the class dict as CPython's namedtuple has them
    // (super().__new__(cls, ...) in a subclass must find this __new__, not tuple's)
    class_finish_builtins();
    gc_pop_root(dt ? 2 : 1);
    return OBJ_VAL(c);
}
