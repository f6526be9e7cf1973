// module.c: the module object (a name and a globals dict): its class,
// repr, attribute access, and module_new, which the builtin modules and
// the importer (src/interp.c) use to make one.
#include <stdio.h>
#include <string.h>
#include "module.h"
#include "gc.h"
#include "vmapi.h"

static void trace_module(Obj *o) {
    ObjModule *m = (ObjModule *)o;
    gc_mark_obj((Obj *)m->dict);
    gc_mark_obj((Obj *)m->name);
}

static Value module_repr(Value self) {
    ObjModule *m = (ObjModule *)AS_OBJ(self);
    Value f = dict_get_str(m->dict, str_intern_c("__file__"));
    if (f && IS_STR(f)) {
        return str_printf("<module '%s' from '%s'>", m->name->data, AS_STR(f)->data);
    }
    Value spec = dict_get_str(m->dict, str_intern_c("__spec__"));
    if (spec && IS_NONE(spec)) {    // types.ModuleType('m'): CPython's catch-all
        return str_printf("<module '%s'>", m->name->data);
    }
    Value origin = spec ? obj_getattr_opt(spec, str_intern_c("origin")) : VAL_NULL;
    exc_clear();
    if (origin && IS_NONE(origin)) {
        return str_printf("<module '%s' (namespace)>", m->name->data);
    }
    return str_printf("<module '%s' (built-in)>", m->name->data);
}

// A class attribute of a ModuleType subclass that takes precedence over
// the module's dict (a property or another data descriptor), as in
// CPython's generic lookup.
static bool subclass_data_descr(Value self, ObjStr *name, Value *descr) {
    ObjClass *c = AS_OBJ(self)->cls;
    *descr = c == cls_module ? VAL_NULL : class_lookup(c, name);
    if (!*descr || !IS_OBJ(*descr)) {
        return false;
    }
    ObjClass *dc = AS_OBJ(*descr)->cls;
    return dc == cls_property || dc == cls_getset ||
           ((dc->flags & CLS_USER) && (class_lookup(dc, ST->s_descr[1]) || class_lookup(dc, ST->s_descr[2])));
}

static Value module_getattr(Value self, ObjStr *name) {
    ObjModule *m = (ObjModule *)AS_OBJ(self);
    Value descr;
    if (name->data[0] == '_' && strcmp(name->data, "__dict__") == 0) {
        return OBJ_VAL(m->dict);    // also for a subclass: the module's globals
    }
    if (subclass_data_descr(self, name, &descr)) {
        return generic_getattr(self, name);
    }
    Value v = dict_get_str(m->dict, name);
    if (v) {
        return v;
    }
    if (descr) {
        return generic_getattr(self, name);     // a subclass's method or class attribute
    }
    if (class_lookup(AS_OBJ(self)->cls, name) || strcmp(name->data, "__class__") == 0) {
        // the type's attributes (__class__, __dir__, ...) come before the
        // PEP 562 hook, as in CPython's generic lookup
        return generic_getattr(self, name);
    }
    Value hook = dict_get_str(m->dict, str_intern_c("__getattr__"));   // PEP 562
    if (hook) {
        Value r = vm_call(hook, 1, (Value[]){OBJ_VAL(name)}, NULL);
        if (!r && EXC_PENDING_IS(exc_AttributeError)) {
            // as CPython 3.11's PyObject_GetAttr: name and obj for "Did you mean"
            Value e = ST->exc_pending;
            ObjDict *ed = IS_OBJ(e) && class_is_subclass(val_class(e), exc_AttributeError) ? AS_EXC(e)->dict : NULL;
            Value cur = ed ? dict_get_str(ed, str_intern_c("name")) : VAL_NULL;
            if (ed && (!cur || IS_NONE(cur))) {
                dict_set_str(ed, str_intern_c("name"), OBJ_VAL(name));
                dict_set_str(ed, str_intern_c("obj"), self);
            }
        }
        return r;
    }
    Value mn = dict_get_str(m->dict, str_intern_c("__name__"));
    const char *n = mn && IS_STR(mn) ? AS_STR(mn)->data : m->name->data;
    Value spec = dict_get_str(m->dict, str_intern_c("__spec__"));
    Value init = spec && !IS_NONE(spec) ? obj_getattr_opt(spec, str_intern_c("_initializing")) : VAL_NULL;
    int t = init ? obj_truthy(init) : 0;
    exc_clear();
    if (t > 0) {
        return exc_raise_attr(self, name,
                              "partially initialized module '%s' has no attribute '%s' "
                              "(most likely due to a circular import)", n, name->data);
    }
    return exc_raise_attr(self, name, "module '%s' has no attribute '%s'", n, name->data);
}

static bool module_setattr(Value self, ObjStr *name, Value v) {
    ObjModule *m = (ObjModule *)AS_OBJ(self);
    Value descr;
    if (subclass_data_descr(self, name, &descr)) {
        return generic_setattr(self, name, v);
    }
    if (v) {
        dict_set_str(m->dict, name, v);
        return true;
    }
    if (dict_del(m->dict, OBJ_VAL(name)) <= 0) {
        exc_raise(exc_AttributeError, "module '%s' has no attribute '%s'", m->name->data, name->data);
        return false;
    }
    return true;
}

static Value module_new_in(ObjClass *cls, const char *name) {
    ObjModule *m = (ObjModule *)obj_alloc(cls, cls->inst_size);
    m->name = AS_STR(str_intern(name, strlen(name)));
    m->dict = AS_DICT(dict_new());
    dict_set_str(m->dict, str_intern_c("__name__"), OBJ_VAL(m->name));
    dict_set_str(m->dict, str_intern_c("__doc__"), VAL_NONE);  // the docstring, if any, replaces it
    dict_set_str(m->dict, str_intern_c("__package__"), VAL_NONE);
    dict_set_str(m->dict, str_intern_c("__loader__"), VAL_NONE);
    dict_set_str(m->dict, str_intern_c("__spec__"), VAL_NONE);
    return OBJ_VAL(m);
}

Value module_new(const char *name) {
    return module_new_in(cls_module, name);
}

Value module_lazy_attr(const char *modname, const char *pymod, const char *names, Value name) {
    char key[64];
    if (IS_STR(name) && AS_STR(name)->len < sizeof key - 2) {
        snprintf(key, sizeof key, " %s ", AS_STR(name)->data);
        if (strstr(names, key)) {
            Value m = vm_import(pymod);
            if (!m) {
                return VAL_NULL;
            }
            Value v = obj_getattr(m, AS_STR(name));
            Value home;
            if (v && dict_get(ST->modules, str_from_c(modname), &home) == 1 && IS_A(home, cls_module)) {
                dict_set_str(((ObjModule *)AS_OBJ(home))->dict, AS_STR(name), v);    // asked once
            }
            return v;
        }
    }
    return exc_raise(exc_AttributeError, "module '%s' has no attribute '%s'", modname,
                     IS_STR(name) ? AS_STR(name)->data : "?");
}

// module(name, doc=None), types.ModuleType.
static Value module_new_slot(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value name = argc > 0 ? argv[0] : VAL_NULL, doc = argc > 1 ? argv[1] : VAL_NONE;
    if (argc > 2) {
        return exc_raise(exc_TypeError, "module() takes at most 2 arguments (%d given)", argc);
    }
    size_t pos = 0;
    Value k, v;
    while (kw && dict_next(kw, &pos, &k, &v)) {
        if (strcmp(AS_STR(k)->data, "name") == 0 && !name) {
            name = v;
        } else if (strcmp(AS_STR(k)->data, "doc") == 0 && argc < 2) {
            doc = v;
        } else {
            return exc_raise(exc_TypeError, "module() got an unexpected keyword argument '%s'", AS_STR(k)->data);
        }
    }
    if (!name) {
        return exc_raise(exc_TypeError, "module() missing required argument 'name' (pos 1)");
    }
    if (!IS_STR(name)) {
        return exc_raise(exc_TypeError, "module() argument 'name' must be str, not %s",
                         val_class(name)->name->data);
    }
    gc_push_root(doc);
    Value m = module_new_in(cls, AS_STR(name)->data);
    dict_set_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("__doc__"), doc);
    gc_pop_root(1);
    return m;
}

void module_init(void) {
    cls_module = class_new_builtin("module", NULL, sizeof(ObjModule), NULL);
    cls_module->trace = trace_module;
    cls_module->repr = module_repr;
    cls_module->getattr = module_getattr;
    cls_module->setattr = module_setattr;
    cls_module->new_ = module_new_slot;
}
