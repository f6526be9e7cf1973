// modspec.c: ModuleSpec, the __spec__ of modules (src/import.c makes them):
// name, loader, origin, submodule_search_locations, loader_state, cached
// and _initializing kept in a dict; parent and has_location computed, and
// CPython's repr.
#include <stdlib.h>
#include <string.h>
#include "interp.h"
#include "import.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "containers.h"
#include "module.h"
#include "vm.h"

typedef struct ObjModuleSpec {
    Obj hdr;
    ObjDict *dict;
} ObjModuleSpec;

#define SPEC_DICT(v) (((ObjModuleSpec *)AS_OBJ(v))->dict)


static void spec_trace(Obj *o) {
    gc_mark_obj((Obj *)((ObjModuleSpec *)o)->dict);
}

Value spec_get(Value spec, const char *name) {
    Value v = dict_get_str(SPEC_DICT(spec), str_intern_c(name));
    return v ? v : VAL_NONE;
}

Value spec_parent(Value spec) {
    Value name = spec_get(spec, "name");
    if (!IS_STR(name) || !IS_NONE(spec_get(spec, "submodule_search_locations"))) {
        return name;
    }
    const char *dot = strrchr(AS_STR(name)->data, '.');
    return dot ? str_new(AS_STR(name)->data, (size_t)(dot - AS_STR(name)->data)) : str_from_c("");
}

static Value spec_getattr(Value self, ObjStr *name) {
    Value v = dict_get_str(SPEC_DICT(self), name);
    if (v) {
        return v;
    }
    if (strcmp(name->data, "parent") == 0) {
        return spec_parent(self);
    }
    if (strcmp(name->data, "has_location") == 0) {
        Value o = spec_get(self, "origin");
        return VAL_BOOL(IS_STR(o) && AS_STR(o)->data[0] != '<' && strcmp(AS_STR(o)->data, "built-in") != 0);
    }
    if (strcmp(name->data, "__dict__") == 0) {
        return OBJ_VAL(SPEC_DICT(self));
    }
    return generic_getattr(self, name);
}

static bool spec_setattr(Value self, ObjStr *name, Value v) {
    if (v) {
        dict_set_str(SPEC_DICT(self), name, v);
        return true;
    }
    if (dict_del(SPEC_DICT(self), OBJ_VAL(name)) <= 0) {
        exc_raise_attr(self, name, "'ModuleSpec' object has no attribute '%s'", name->data);
        return false;
    }
    return true;
}

// CPython's ModuleSpec.__repr__.
static Value spec_repr(Value self) {
    Value parts[4] = {spec_get(self, "name"), spec_get(self, "loader"), spec_get(self, "origin"),
                      spec_get(self, "submodule_search_locations")};
    Value r[4] = {0};
    for (int i = 0; i < 4; i++) {
        r[i] = obj_repr(parts[i]);
        if (!r[i]) {
            return VAL_NULL;
        }
        gc_push_root(r[i]);
    }
    Value s = str_printf("ModuleSpec(name=%s, loader=%s%s%s%s%s)", AS_STR(r[0])->data, AS_STR(r[1])->data,
                         IS_NONE(parts[2]) ? "" : ", origin=", IS_NONE(parts[2]) ? "" : AS_STR(r[2])->data,
                         IS_NONE(parts[3]) ? "" : ", submodule_search_locations=",
                         IS_NONE(parts[3]) ? "" : AS_STR(r[3])->data);
    gc_pop_root(4);
    return s;
}

// A spec for [name]: origin a str or None, [search] the package's
// __path__ list or None for a plain module.
Value spec_new(Value name, Value origin, Value search) {
    gc_push_root(name);
    gc_push_root(origin);
    gc_push_root(search);
    ObjModuleSpec *s = (ObjModuleSpec *)obj_alloc(cls_modulespec, sizeof(ObjModuleSpec));
    Value sv = OBJ_VAL(s);
    gc_push_root(sv);
    s->dict = AS_DICT(dict_new());
    dict_set_str(s->dict, str_intern_c("name"), name);
    dict_set_str(s->dict, str_intern_c("loader"), VAL_NONE);
    dict_set_str(s->dict, str_intern_c("origin"), origin);
    dict_set_str(s->dict, str_intern_c("loader_state"), VAL_NONE);
    dict_set_str(s->dict, str_intern_c("submodule_search_locations"), search);
    dict_set_str(s->dict, str_intern_c("cached"), VAL_NONE);
    gc_pop_root(4);
    return sv;
}

void spec_set_initializing(Value spec, bool on) {
    dict_set_str(SPEC_DICT(spec), str_intern_c("_initializing"), VAL_BOOL(on));
}

// ModuleSpec(name, loader, *, origin=None, loader_state=None,
// is_package=None): what importlib.util.spec_from_loader and meta path
// finders make (is_package true gives an empty __path__ list).
static Value spec_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const kwonly[] = {"origin", "loader_state", "is_package"};
    Value name = argc > 0 ? argv[0] : VAL_NULL, loader = argc > 1 ? argv[1] : VAL_NULL;
    Value opt[3] = {VAL_NONE, VAL_NONE, VAL_NONE};
    if (argc > 2) {
        return exc_raise(exc_TypeError, "ModuleSpec.__init__() takes 3 positional arguments but %d were given",
                         argc + 1);
    }
    if (kw) {
        for (size_t i = 0; i < kw->nentries; i++) {
            Value k = kw->entries[i].key;
            if (!k || !IS_STR(k)) {
                continue;
            }
            const char *ks = AS_STR(k)->data;
            int j = 0;
            while (j < 3 && strcmp(ks, kwonly[j]) != 0) {
                j++;
            }
            if (j < 3) {
                opt[j] = kw->entries[i].value;
            } else if (!name && strcmp(ks, "name") == 0) {
                name = kw->entries[i].value;
            } else if (!loader && strcmp(ks, "loader") == 0) {
                loader = kw->entries[i].value;
            } else {
                return exc_raise(exc_TypeError, "ModuleSpec.__init__() got an unexpected keyword argument '%s'", ks);
            }
        }
    }
    if (!name || !loader) {
        return exc_raise(exc_TypeError, "ModuleSpec.__init__() missing 1 required positional argument: '%s'",
                         name ? "loader" : "name");
    }
    int pkg = IS_NONE(opt[2]) ? 0 : obj_truthy(opt[2]);
    if (pkg < 0) {
        return VAL_NULL;
    }
    Value search = pkg ? list_new(0) : VAL_NONE;
    gc_push_root(search);
    gc_push_root(loader);
    gc_push_root(opt[1]);
    Value s = spec_new(name, opt[0], search);
    dict_set_str(SPEC_DICT(s), str_intern_c("loader"), loader);
    dict_set_str(SPEC_DICT(s), str_intern_c("loader_state"), opt[1]);
    gc_pop_root(3);
    return s;
}

void modspec_init(void) {
    cls_modulespec = class_new_builtin("ModuleSpec", NULL, sizeof(ObjModuleSpec), NULL);
    cls_modulespec->trace = spec_trace;
    cls_modulespec->repr = spec_repr;
    cls_modulespec->getattr = spec_getattr;
    cls_modulespec->setattr = spec_setattr;
    cls_modulespec->new_ = spec_new_;
}
