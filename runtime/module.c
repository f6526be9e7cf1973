// module.c: the module object (a name and a globals dict): its class,
// repr, attribute access, and module_new, which the builtin modules and
// the importer (src/interp.c) use to make one.
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
    Value hook = dict_get_str(m->dict, str_intern_c("__getattr__"));   // PEP 562
    if (hook) {
        return vm_call(hook, 1, (Value[]){OBJ_VAL(name)}, NULL);
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
    dict_set_str(m->dict, str_intern_c("__package__"), VAL_NONE);
    dict_set_str(m->dict, str_intern_c("__loader__"), VAL_NONE);
    dict_set_str(m->dict, str_intern_c("__spec__"), VAL_NONE);
    return OBJ_VAL(m);
}

void module_init(void) {
    cls_module = class_new_builtin("module", NULL, sizeof(ObjModule), NULL);
    cls_module->trace = trace_module;
    cls_module->repr = module_repr;
    cls_module->getattr = module_getattr;
    cls_module->setattr = module_setattr;
    cls_module->new_ = NULL;
}
