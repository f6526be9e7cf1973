// mod_heapq.c: `_heapq`, the C half of heapq as CPython has it: heappush,
// heappop, heapify, heapreplace, heappushpop and the max-heap helpers
// _heappop_max, _heapreplace_max, _heapify_max that merge/nlargest use.
// The sift loops are those of CPython's _heapqmodule.c (the same
// comparisons in the same order, so ties and results are identical to
// python3's), with its messages: "heappush() argument 1 must be list, not
// int", IndexError "index out of range", RuntimeError "list changed size
// during iteration" when a comparison resizes the heap. runtime/lib/
// heapq.pyish imports these over its pure-Python definitions.
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"

// a < b as the sift loops ask it (max heaps swap the operands): 1/0/-1,
// both kept reachable while a user __lt__ may change the heap.
static int heap_less(Value a, Value b) {
    gc_push_root(a);
    gc_push_root(b);
    int r = obj_lt(a, b);
    gc_pop_root(2);
    return r;
}

static bool changed(ObjList *heap, size_t size) {
    if (heap->len != size) {
        exc_raise(exc_RuntimeError, "list changed size during iteration");
        return true;
    }
    return false;
}

// Moves heap[pos] up towards startpos while it is smaller than its parent.
static bool siftdown(ObjList *heap, size_t startpos, size_t pos, bool max) {
    size_t size = heap->len;
    if (pos >= size) {
        exc_raise(exc_IndexError, "index out of range");
        return false;
    }
    while (pos > startpos) {
        size_t parentpos = (pos - 1) >> 1;
        Value newitem = heap->items[pos], parent = heap->items[parentpos];
        int cmp = max ? heap_less(parent, newitem) : heap_less(newitem, parent);
        if (cmp < 0 || changed(heap, size)) {
            return false;
        }
        if (cmp == 0) {
            break;
        }
        parent = heap->items[parentpos];
        heap->items[parentpos] = heap->items[pos];
        heap->items[pos] = parent;
        pos = parentpos;
    }
    return true;
}

// Moves the smaller child up from pos to a leaf, then sifts that down.
static bool siftup(ObjList *heap, size_t pos, bool max) {
    size_t endpos = heap->len, startpos = pos;
    if (pos >= endpos) {
        exc_raise(exc_IndexError, "index out of range");
        return false;
    }
    size_t limit = endpos >> 1;
    while (pos < limit) {
        size_t childpos = 2 * pos + 1;
        if (childpos + 1 < endpos) {
            Value a = heap->items[childpos], b = heap->items[childpos + 1];
            int cmp = max ? heap_less(b, a) : heap_less(a, b);
            if (cmp < 0 || changed(heap, endpos)) {
                return false;
            }
            childpos += (size_t)(cmp ^ 1);
        }
        Value tmp = heap->items[childpos];
        heap->items[childpos] = heap->items[pos];
        heap->items[pos] = tmp;
        pos = childpos;
    }
    return siftdown(heap, startpos, pos, max);
}

// Puts [item] at the top of the non-empty [heap], sifts it to its place
// and returns the old top (VAL_NULL on error).
static Value replace_top(ObjList *heap, Value item, bool max) {
    Value top = heap->items[0];
    heap->items[0] = item;
    gc_push_root(top);
    bool ok = siftup(heap, 0, max);
    gc_pop_root(1);
    return ok ? top : VAL_NULL;
}

// The list argument [v] of [fname] (CPython's argument-clinic message).
static ObjList *heap_arg(const char *fname, const char *which, Value v) {
    if (!class_is_subclass(val_class(v), cls_list)) {
        exc_raise(exc_TypeError, "%s() argument%s must be list, not %s", fname, which,
                  IS_NONE(v) ? "None" : val_type_name(v));
        return NULL;
    }
    return AS_LIST(v);
}

static Value h_heappush(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("heappush", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjList *heap = heap_arg("heappush", " 1", argv[0]);
    if (!heap || !list_append(heap, argv[1]) || !siftdown(heap, 0, heap->len - 1, false)) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

// heappop and _heappop_max: the last item moved to the top and sifted.
static Value heappop_impl(const char *fname, Value arg, bool max) {
    ObjList *heap = heap_arg(fname, "", arg);
    if (!heap) {
        return VAL_NULL;
    }
    if (heap->len == 0) {
        return exc_raise(exc_IndexError, "index out of range");
    }
    Value last = heap->items[--heap->len];
    if (heap->len == 0) {
        return last;
    }
    return replace_top(heap, last, max);
}

static Value h_heappop(int argc, Value *argv, ObjDict *kw) {
    return arg_count("heappop", argc, 1, 1) ? heappop_impl("heappop", argv[0], false) : VAL_NULL;
}

static Value h_heappop_max(int argc, Value *argv, ObjDict *kw) {
    return arg_count("_heappop_max", argc, 1, 1) ? heappop_impl("_heappop_max", argv[0], true) : VAL_NULL;
}

// heapreplace and _heapreplace_max: the top returned, item sifted in.
static Value heapreplace_impl(const char *fname, int argc, Value *argv, bool max) {
    if (!arg_count(fname, argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjList *heap = heap_arg(fname, " 1", argv[0]);
    if (!heap) {
        return VAL_NULL;
    }
    if (heap->len == 0) {
        return exc_raise(exc_IndexError, "index out of range");
    }
    return replace_top(heap, argv[1], max);
}

static Value h_heapreplace(int argc, Value *argv, ObjDict *kw) {
    return heapreplace_impl("heapreplace", argc, argv, false);
}

static Value h_heapreplace_max(int argc, Value *argv, ObjDict *kw) {
    return heapreplace_impl("_heapreplace_max", argc, argv, true);
}

static Value h_heappushpop(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("heappushpop", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjList *heap = heap_arg("heappushpop", " 1", argv[0]);
    if (!heap) {
        return VAL_NULL;
    }
    Value item = argv[1];
    if (heap->len == 0) {
        return item;
    }
    int cmp = heap_less(heap->items[0], item);
    if (cmp < 0) {
        return VAL_NULL;
    }
    if (cmp == 0) {
        return item;
    }
    if (heap->len == 0) {
        return exc_raise(exc_IndexError, "index out of range");
    }
    return replace_top(heap, item, false);
}

// heapify and _heapify_max: every parent sifted, the last one first.
static Value heapify_impl(const char *fname, int argc, Value *argv, bool max) {
    if (!arg_count(fname, argc, 1, 1)) {
        return VAL_NULL;
    }
    ObjList *heap = heap_arg(fname, "", argv[0]);
    if (!heap) {
        return VAL_NULL;
    }
    for (size_t i = heap->len / 2; i-- > 0;) {
        if (!siftup(heap, i, max)) {
            return VAL_NULL;
        }
    }
    return VAL_NONE;
}

static Value h_heapify(int argc, Value *argv, ObjDict *kw) {
    return heapify_impl("heapify", argc, argv, false);
}

static Value h_heapify_max(int argc, Value *argv, ObjDict *kw) {
    return heapify_impl("_heapify_max", argc, argv, true);
}

static const MethodDef heapq_fns[] = {
    {"heappush", h_heappush, false},
    {"heappop", h_heappop, false},
    {"heapreplace", h_heapreplace, false},
    {"heappushpop", h_heappushpop, false},
    {"heapify", h_heapify, false},
    {"_heappop_max", h_heappop_max, false},
    {"_heapreplace_max", h_heapreplace_max, false},
    {"_heapify_max", h_heapify_max, false},
    {NULL, NULL, false},
};

Value mod_heapq_init(void) {
    Value m = module_new("_heapq");
    native_add_functions(((ObjModule *)AS_OBJ(m))->dict, NULL, heapq_fns);
    return m;
}
