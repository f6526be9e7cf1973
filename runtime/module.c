// module.c: the module object (a name and a globals dict): its class,
// repr, attribute access, and module_new, which the builtin modules and
// the importer (src/interp.c) use to make one.
#include <string.h>
#include "module.h"
#include "gc.h"

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
    return str_printf("<module '%s' (built-in)>", m->name->data);
}

static Value module_getattr(Value self, ObjStr *name) {
    ObjModule *m = (ObjModule *)AS_OBJ(self);
    Value v = dict_get_str(m->dict, name);
    if (v) {
        return v;
    }
    if (strcmp(name->data, "__dict__") == 0) {
        return OBJ_VAL(m->dict);
    }
    return exc_raise_attr(self, name, "module '%s' has no attribute '%s'", m->name->data, name->data);
}

static bool module_setattr(Value self, ObjStr *name, Value v) {
    ObjModule *m = (ObjModule *)AS_OBJ(self);
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

Value module_new(const char *name) {
    ObjModule *m = (ObjModule *)obj_alloc(cls_module, sizeof(ObjModule));
    m->name = AS_STR(str_intern(name, strlen(name)));
    m->dict = AS_DICT(dict_new());
    dict_set_str(m->dict, str_intern_c("__name__"), OBJ_VAL(m->name));
    dict_set_str(m->dict, str_intern_c("__doc__"), VAL_NONE);  // the docstring, if any, replaces it
    return OBJ_VAL(m);
}

// module(name, doc=None): types.ModuleType, for modules made at run time.
static Value module_type_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value name = argc > 0 ? argv[0] : kw_get(kw, "name");
    Value doc = argc > 1 ? argv[1] : kw_get(kw, "doc");
    if (argc > 2) {
        return exc_raise(exc_TypeError, "module() takes at most 2 arguments (%d given)", argc);
    }
    if (!name) {
        return exc_raise(exc_TypeError,
                         "module() missing required argument 'name' (pos 1)");
    }
    if (!IS_STR(name)) {
        return exc_raise(exc_TypeError, "module() argument 'name' must be str, not %s",
                         val_type_name(name));
    }
    Value m = module_new(AS_STR(name)->data);
    if (doc) {
        dict_set_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("__doc__"), doc);
    }
    return m;
}

void module_init(void) {
    cls_module = class_new_builtin("module", NULL, sizeof(ObjModule), NULL);
    cls_module->trace = trace_module;
    cls_module->repr = module_repr;
    cls_module->getattr = module_getattr;
    cls_module->setattr = module_setattr;
    cls_module->new_ = module_type_new;
}
