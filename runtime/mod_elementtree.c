// mod_elementtree.c: _pyish_etree, the C half of xml.etree.ElementTree's
// Element (a pyish class with __slots__): iter(elem, tag), the tree walk
// CPython's C Element does for Element.iter() -- depth first, in document
// order, reading each parent's children list afresh at every step (so
// children appended or removed while walking are seen as CPython's
// _element_iterator sees them), with no pyish frame per element.
#include <stdlib.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "vmapi.h"

typedef struct ObjETIter {
    Obj hdr;
    ObjMember *tag_m, *children_m;  // Element's tag and _children slots
    Value root;                     // VAL_NULL once its turn has passed
    Value tag;                      // VAL_NULL: every element
    Value *parents;                 // the elements whose children are being walked
    size_t *index;                  // the next child of each
    size_t depth, cap;
} ObjETIter;

#define ETI(v) ((ObjETIter *)AS_OBJ(v))

static void eti_trace(Obj *o) {
    ObjETIter *it = (ObjETIter *)o;
    gc_mark_obj((Obj *)it->tag_m);
    gc_mark_obj((Obj *)it->children_m);
    gc_mark_value(it->root);
    gc_mark_value(it->tag);
    for (size_t i = 0; i < it->depth; i++) {
        gc_mark_value(it->parents[i]);
    }
}

static void eti_finalize(Obj *o) {
    ObjETIter *it = (ObjETIter *)o;
    free(it->parents);
    free(it->index);
    it->parents = NULL;
    it->index = NULL;
    it->depth = it->cap = 0;
}

static Value eti_iter(Value self) {
    return self;
}

// Whether [e]'s tag matches: 1 yes, 0 no, -1 error.
static int eti_match(ObjETIter *it, Value e) {
    if (!it->tag) {
        return 1;
    }
    Value t = member_get(it->tag_m, e, true);
    if (!t) {
        return -1;
    }
    return obj_eq(t, it->tag);
}

// Pushes [e] as a parent whose children come next; false: error.
static bool eti_push(ObjETIter *it, Value e) {
    if (it->depth == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 16;
        Value *p = realloc(it->parents, cap * sizeof(Value));
        if (!p) {
            exc_raise_nomem();
            return false;
        }
        it->parents = p;
        size_t *ix = realloc(it->index, cap * sizeof(size_t));
        if (!ix) {
            exc_raise_nomem();
            return false;
        }
        it->index = ix;
        it->cap = cap;
    }
    it->parents[it->depth] = e;
    it->index[it->depth] = 0;
    it->depth++;
    return true;
}

static int eti_next(Value self, Value *out) {
    ObjETIter *it = ETI(self);
    if (it->root) {
        Value r = it->root;
        it->root = VAL_NULL;
        if (!eti_push(it, r)) {
            return -1;
        }
        int m = eti_match(it, r);
        if (m) {
            *out = r;
            return m;
        }
    }
    while (it->depth) {
        Value parent = it->parents[it->depth - 1];
        Value ch = member_get(it->children_m, parent, true);
        if (!ch) {
            return -1;
        }
        if (!IS_LISTISH(ch)) {
            exc_raise(exc_TypeError, "Element._children must be a list, not %s", val_type_name(ch));
            return -1;
        }
        ObjList *l = AS_LIST(ch);
        size_t i = it->index[it->depth - 1];
        if (i >= l->len) {
            it->depth--;
            continue;
        }
        it->index[it->depth - 1] = i + 1;
        Value e = l->items[i];
        // pushed even when childless: children added to it later are seen
        if (!eti_push(it, e)) {
            return -1;
        }
        gc_push_root(e);
        int m = eti_match(it, e);
        gc_pop_root(1);
        if (m) {
            *out = e;
            return m;
        }
    }
    return 0;
}

// iter(elem, tag=None): the elements of elem's tree, elem first, whose tag
// equals tag (None: all).
static Value et_iter(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc < 1 || argc > 2) {
        return exc_raise(exc_TypeError, "iter() takes 1 or 2 arguments (%d given)", argc);
    }
    ObjClass *c = val_class(argv[0]);
    Value tm = class_lookup(c, str_intern_c("tag"));
    Value cm = class_lookup(c, str_intern_c("_children"));
    if (!tm || !cm || !IS_A(tm, cls_member) || !IS_A(cm, cls_member)) {
        return exc_raise(exc_TypeError, "iter() needs an Element, not %s", val_type_name(argv[0]));
    }
    ObjETIter *it = (ObjETIter *)obj_alloc(ST->cls_etree_iter, sizeof(ObjETIter));
    it->tag_m = (ObjMember *)AS_OBJ(tm);
    it->children_m = (ObjMember *)AS_OBJ(cm);
    it->root = argv[0];
    it->tag = argc == 2 && !IS_NONE(argv[1]) ? argv[1] : VAL_NULL;
    return OBJ_VAL(it);
}

static const MethodDef etree_fns[] = {
    {"iter", et_iter},
    {NULL, NULL},
};

Value mod_elementtree_init(void) {
    if (!ST->cls_etree_iter) {
        ObjClass *c = class_new_builtin("_element_iterator", NULL, sizeof(ObjETIter), NULL);
        c->module = str_intern_c("_pyish_etree");
        c->flags &= ~(uint32_t)CLS_BASETYPE;
        c->new_ = NULL;
        c->trace = eti_trace;
        c->finalize = eti_finalize;
        c->iter = eti_iter;
        c->next = eti_next;
        ST->cls_etree_iter = c;
    }
    Value m = module_new("_pyish_etree");
    gc_push_root(m);
    native_add_functions(((ObjModule *)AS_OBJ(m))->dict, NULL, etree_fns);
    gc_pop_root(1);
    return m;
}
