// vm.c: the interpreter loop. One vm_run activation executes a chain of
// frames: a pyish call pushes a frame and keeps dispatching (no C
// recursion), a return pops back to the caller, and a generator resumed by
// FOR_ITER or SEND links its heap frame above the current one and runs in
// the same loop; its yield hands the value straight back to the frame that
// resumed it. C code enters through vm_call and gen_send, which start a
// nested activation on an entry frame. Errors go to the single `error:`
// label, which searches the frame's handler blocks, then unwinds.
// This file holds vm_run and what only it uses; frames and calls from C are
// in vm_call.c, argument binding in vm_args.c, generator resume in
// vm_gen.c, and what they share in vm_internal.h.
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include "vm_internal.h"
#include "interp.h"
#include "containers.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "ast.h"
#include "module.h"
#include "numstr.h"
#include "asyncio/asyncio.h"
#include "gthread.h"


bool vm_raise_interrupt(void) {
    if (STATE_INTERRUPT() == VM_INTERRUPT_SWITCH) {
        return false;   // only the VM's safe points switch threads (vm_safe_point_interrupt)
    }
    if (STATE_INTERRUPT() == VM_INTERRUPT_BUDGET) {
        exc_raise(exc_RuntimeError, "execution budget exceeded");
        return true;    // sticky: every later safe point raises again
    }
    if (STATE_INTERRUPT() == VM_INTERRUPT_BUDGET_SOFT) {
        STATE_SET_INTERRUPT(0);
        exc_raise(exc_RuntimeError, "execution budget exceeded");
        return true;
    }
    if (STATE_INTERRUPT() == VM_INTERRUPT_SIGNAL) {
        STATE_SET_INTERRUPT(0);
        graph_dump_if_requested();      // SIGQUIT (the dump runs code: the interrupt is cleared first)
        return !signal_run_pending();
    }
    if (STATE_INTERRUPT() == VM_INTERRUPT_EXIT) {
        STATE_SET_INTERRUPT(0);
        Value code = MK_SMALL(1);
        Value e = exc_new(exc_SystemExit, 1, &code);
        if (e) {
            exc_raise_value(e);
        }
        return true;
    }
    STATE_SET_INTERRUPT(0);
    graph_on_interrupt();           // --dump-tasks-on-interrupt: what every task was doing
    exc_raise_value(OBJ_VAL(exc_KeyboardInterrupt));
    return true;
}

// The VM's safe points: another green thread may run (VM_INTERRUPT_SWITCH),
// then the pending interrupt is handled as vm_raise_interrupt does.
static bool vm_safe_point_interrupt(void) {
    if (STATE_INTERRUPT() == VM_INTERRUPT_SWITCH) {
        gthread_tick();
        if (STATE_INTERRUPT() == VM_INTERRUPT_SWITCH || !STATE_INTERRUPT()) {
            return false;
        }
    }
    if (gthread_defer_signal()) {
        return false;
    }
    bool r = vm_raise_interrupt();
    gthread_rearm();
    return r;
}

// ---- exceptions
// Whether [f]'s frames stay out of tracebacks (frames CPython has in C): its
// module sets __tracebackhide__ to True, or to a tuple naming the
// qualnames of the functions to hide (functools' lru_cache wrapper, reduce).
static bool tb_hidden(Frame *f) {
    Value h = f->globals ? dict_get_str(f->globals, ST->s_tbhide) : VAL_NULL;
    if (!h || !IS_TUPLE(h)) {
        return h != VAL_NULL;
    }
    ObjStr *q = f->code->qualname;
    for (size_t i = 0; q && i < AS_TUPLE(h)->len; i++) {
        Value n = AS_TUPLE(h)->items[i];
        if (IS_STR(n) && str_eq(AS_STR(n), q)) {
            return true;
        }
    }
    return false;
}

// A traceback entry for [f] in front of [exc]'s (CPython's PyTraceBack_Here),
// unless tb_hidden([f]).
static void tb_add(Value exc, Frame *f) {
    if (tb_hidden(f)) {
        return;     // a library module that raises for its caller (warnings' "error" action)
    }
    ObjException *e = AS_EXC(exc);
    uint32_t off = (uint32_t)(f->ip - f->code->code);
    gc_push_root(exc);
    Value tb = traceback_new(e->traceback && IS_A(e->traceback, cls_traceback) ? e->traceback : VAL_NULL,
                             OBJ_VAL(f->code), f->globals ? OBJ_VAL(f->globals) : VAL_NONE,
                             code_line(f->code, off ? off - 1 : 0), off ? 2 * (int)(off - 1) : 0);
    e->traceback = tb;
    gc_pop_root(1);
}

static Value handled_exc(Frame *f) {
    for (; f; f = f->parent) {
        if (f->handled) {
            return f->handled;
        }
    }
    return VAL_NULL;
}

Value vm_handled_exception(void) {
    return handled_exc(ST->frame);
}

// An exception unwinds [f]'s value stack down to [level]: the generators of
// `for x in gen(...)` loops held there lose their only reference and are
// closed now, top first, as CPython's refcounting does (their finally
// blocks run before the handler). When the GeneratorExit of close() leaves
// a generator's frame, its locals die too (a genexp's iterator); other
// frames' locals live on in the traceback. [exc] is kept alive meanwhile.
static void close_dropped(Frame *f, int level, Value exc) {
    Value *low = FRAME_STACK_BASE(f) + level;
    if (level < 0) {
        low = f->gen && exc_matches(exc, OBJ_VAL(exc_GeneratorExit)) ? f->slots : FRAME_STACK_BASE(f);
    }
    for (Value *v = f->sp - 1; v >= low; v--) {
        if (IS_OBJ(*v) && AS_OBJ(*v)->cls == cls_generator) {
            ObjGen *g = (ObjGen *)AS_OBJ(*v);
            if (g->owned && gen_state(g) == GEN_SUSPENDED) {
                g->owned = false;
                gc_push_root(exc);
                gen_close_dropped(g);
                gc_pop_root(1);
            }
        }
    }
}

static void set_context(Value exc, Frame *f) {
    Value h = handled_exc(f);
    if (!h || h == exc) {
        return;
    }
    ObjException *e = AS_EXC(exc);
    if (e->context) {
        return;
    }
    // avoid cycles: cut exc out of h's context chain; the chain may have a
    // cycle of its own (user code set __context__), which the slow pointer
    // detects, as CPython's _PyErr_SetObject does
    Value slow = h;
    bool toggle = false;
    for (Value o = h; AS_EXC(o)->context;) {
        if (AS_EXC(o)->context == exc) {
            AS_EXC(o)->context = VAL_NULL;
            break;
        }
        o = AS_EXC(o)->context;
        if (o == slow) {
            break;
        }
        if (toggle) {
            slow = AS_EXC(slow)->context;
        }
        toggle = !toggle;
    }
    e->context = h;
}


// ---- the interpreter loop
#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])
#define PEEK(n) (sp[-(n)])
// Enters [callable] in this loop when it is a plain pyish function taking
// exactly [argc] positional parameters (no defaults, cells, *args, or
// generators): its new frame, whose return value the caller finds at
// [ret] (the caller's stack top while it runs); NULL when it does not
// apply (the caller then calls it the general way).
static inline __attribute__((always_inline)) Frame *enter_simple(Frame *frame, uint32_t *ip, Value *ret, Value callable, Value *args,
                                  int argc) {
    if (!callable || !IS_OBJ(callable) || AS_OBJ(callable)->cls != cls_function || ST->gc.due ||
        STATE_INTERRUPT()) {
        return NULL;
    }
    ObjFunction *f = (ObjFunction *)AS_OBJ(callable);
    ObjCode *fc = f->code;
    if (!fc->simple_call || argc != fc->argcount || ST->vm_depth >= ST->recursion_limit) {
        return NULL;
    }
    frame->ip = ip;
    frame->sp = ret;
    Frame *nf = frame_alloc_args(fc, false, args, argc);
    nf->func = callable;
    nf->globals = f->globals;
    nf->parent = frame;
    ST->frame = nf;
    ST->vm_depth++;
    return nf;
}

#define SAVE_FRAME() (frame->ip = ip, frame->sp = sp)
#define LOAD_FRAME() \
    do { \
        ip = frame->ip; \
        sp = frame->sp; \
        code = frame->code; \
        consts = code->consts->items; \
        names = code->names->items; \
        locals = frame->slots; \
    } while (0)
#define NAME(i) AS_STR(names[i])
#define CHECK(v) \
    do { \
        if (!(v)) { \
            goto error; \
        } \
    } while (0)

// Debug builds check the value stack against the code's max_stack before
// every instruction, and the temporary root stack at every safe point.
#define CHECK_STACK() \
    ASSERT(sp >= FRAME_STACK_BASE(frame) && sp <= FRAME_STACK_BASE(frame) + code->max_stack)
#define CHECK_SAFE_POINT() ASSERT(gc_root_depth() == roots_at_entry)
// A reference is dropped (del, a rebound name): __del__ soon (gc.h); only
// while instances of the program's classes with __del__ live.
#define NOTE_DROPPED(v) (ST->gc.del_alive ? gc_note_dropped(v, true) : (void)0)
#define NOTE_DROPPED_NAME(d, name) \
    (ST->gc.del_alive && (d)->hdr.cls == cls_dict ? note_dropped_name(d, name) : (void)0)

#ifdef PYISH_COMPUTED_GOTO
#define DISPATCH() \
    do { \
        CHECK_STACK(); \
        instr = *ip++; \
        arg = INSTR_ARG(instr); \
        goto *dt[INSTR_OP(instr)]; \
    } while (0)
#define CASE(name) L_##name
#else
#define DISPATCH() goto next_instr
#define CASE(name) case OP_##name
#endif


static Value unbound_local(ObjCode *code, int i) {
    return exc_raise(exc_UnboundLocalError,
                     "cannot access local variable '%s' where it is not associated with a value",
                     AS_STR(code->varnames->items[i])->data);
}

// [name] in a class body's or module's namespace [ns] into *out (VAL_NULL
// when absent): a dict's own entry, or (the namespace a metaclass's
// __prepare__ returned) ns[name], a KeyError meaning absent. false: error.
static bool ns_lookup(ObjDict *ns, ObjStr *name, Value *out) {
    if (ns->hdr.cls == cls_dict) {
        *out = dict_get_str(ns, name);
        return true;
    }
    *out = obj_getitem(OBJ_VAL(ns), OBJ_VAL(name));
    if (!*out) {
        if (!EXC_PENDING_IS(exc_KeyError)) {
            return false;
        }
        exc_clear();
    }
    return true;
}

static Value cell_name_error(ObjCode *code, int i) {
    const char *name = i < code->ncells ? AS_STR(code->cellvars->items[i])->data
                                        : AS_STR(code->freevars->items[i - code->ncells])->data;
    if (i < code->ncells) {
        return exc_raise(exc_UnboundLocalError,
                         "cannot access local variable '%s' where it is not associated with a value", name);
    }
    return exc_raise(exc_NameError,
                     "cannot access free variable '%s' where it is not associated with a value in enclosing scope",
                     name);
}

// ---- inline caches of attribute instructions (AttrCache, runtime/func.h)

// The cache of the instruction before [ip], made on first use.
static AttrCache *attr_cache_at(ObjCode *code, const uint32_t *ip) {
    if (!code->attr_cache) {
        size_t n = code->ncode ? code->ncode : 1;
        code->attr_cache = mem_alloc(sizeof(AttrCache) * n);
        memset(code->attr_cache, 0, sizeof(AttrCache) * n);
    }
    return &code->attr_cache[ip - code->code - 1];
}

// The instance dict of [o] when its class keeps it at a fixed offset.
static inline ObjDict *attr_dict(Obj *o) {
    return *(ObjDict **)((char *)o + o->cls->dict_offset);
}

// [name] in the instance dict of [o]: entry [ix] when it is that name's
// (the entry a cache remembers), else a lookup; VAL_NULL if absent.
static inline __attribute__((always_inline)) Value dict_attr(Obj *o, uint32_t ix, ObjStr *name) {
    ObjDict *d = attr_dict(o);
    if (d && ix < d->nentries && d->entries[ix].key == OBJ_VAL(name)) {
        return d->entries[ix].value;
    }
    return d ? dict_get_str(d, name) : VAL_NULL;
}

// A call's callable at base[0] with no self in base[1] (not a LOAD_METHOD
// call): a bound method becomes its function with its self in base[1],
// as LOAD_METHOD would have left them (no bound object is unwrapped by
// the callee then). True when it did.
static inline bool unbind_method(Value *base) {
    if (base[1] != VAL_NULL || !IS_A(base[0], cls_bound_method)) {
        return false;
    }
    ObjBoundMethod *bm = (ObjBoundMethod *)AS_OBJ(base[0]);
    base[0] = bm->func;
    base[1] = bm->self;
    return true;
}

// The __init__ of [k] when a call of [k] may make the instance itself (with
// [k]'s builtin __new__) and run __init__ as a frame of the VM's loop: a
// plain user class (object its only builtin base, not abstract) whose
// __init__ is a pyish function, not a generator. VAL_NULL otherwise.
static inline Value inline_init(ObjClass *k) {
    if ((k->flags & (CLS_USER | CLS_ABSTRACT)) != CLS_USER || k->native_base != cls_object) {
        return VAL_NULL;
    }
    Value newf = class_lookup(k, ST->s_new);
    if (!newf || !IS_A(newf, cls_native)) {
        return VAL_NULL;
    }
    Value init = class_lookup(k, ST->s_init);
    if (!init || !IS_A(init, cls_function) ||
        (((ObjFunction *)AS_OBJ(init))->code->flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR))) {
        return VAL_NULL;
    }
    return init;
}

// inline_init's __init__ when it also takes exactly [argc] positional
// arguments (counting the instance) as enter_simple requires.
static inline Value simple_init(ObjClass *k, int argc) {
    Value init = inline_init(k);
    if (!init) {
        return VAL_NULL;
    }
    ObjCode *ic = ((ObjFunction *)AS_OBJ(init))->code;
    return ic->simple_call && ic->argcount == argc ? init : VAL_NULL;
}

// A user class whose instances keep their attributes in a dict at a fixed
// offset, without __getattribute__: where the attribute caches apply.
static inline bool plain_attr_class(ObjClass *c) {
    return (c->flags & CLS_USER) && !c->getattr && c->dict_offset && c->dict_offset != DICT_OFFSET_TRAILING;
}

// True when [name] on an instance of [c] is plainly the instance dict's
// entry, as attr_cache_fill decides before caching one class: how a site
// whose cache holds another class (a base method's self.x over instances of
// several subclasses) still skips the generic lookup. [store]: for
// STORE_ATTR (no __setattr__ and no __slots__ either).
static inline bool plain_instance_attr(ObjClass *c, ObjStr *name, bool store) {
    return plain_attr_class(c) && !(store && (c->setattr || (c->flags & CLS_HAS_SLOTS))) &&
           class_lookup(c, name) == VAL_NULL;
}

// After a LOAD_ATTR or STORE_ATTR of [name] on [obj] went the slow way:
// when the attribute is plainly in the instance dict (a user class without
// __getattribute__/__setattr__, whose __slots__ allow it, and without a class attribute of
// that name, so no descriptor can be involved), the next execution reads or
// writes that dict entry directly while the class version is unchanged.
// AttrCache.ix of a LOAD_ATTR entry for a plain class attribute read
// through an instance (the value in AttrCache.method).
#define ATTR_IX_CLASS_VALUE UINT32_MAX
// ... and one for a pyish function of the class, bound to the instance
// (obj.method not called at once: a callback, a call with * or **).
#define ATTR_IX_BIND_METHOD (UINT32_MAX - 1)
// ... and one for a property (AttrCache.method) of the class: its getter,
// a pyish function, runs in the reading loop like a call.
#define ATTR_IX_PROPERTY (UINT32_MAX - 2)
// ... and one for a __slots__ member (ATTR_IX_SLOT.method) whose value is
// in the instance, for LOAD_ATTR and STORE_ATTR alike.
#define ATTR_IX_SLOT (UINT32_MAX - 3)

// Whether a class attribute is given as is when read through an instance
// (no descriptor: not a function, method, property, class/staticmethod,
// super or an instance of a user class with __get__).
static bool plain_class_value(Value v) {
    ObjClass *vc = val_class(v);
    if (vc == cls_function || vc == cls_native || vc == cls_property || vc == cls_getset || vc == cls_classmethod ||
        vc == cls_staticmethod || vc == cls_super) {
        return false;
    }
    return !user_descr(v, 0);
}

static void attr_cache_fill(ObjCode *code, const uint32_t *ip, Value obj, ObjStr *name, bool store) {
    if (!IS_OBJ(obj) || !name->interned) {
        return;
    }
    ObjClass *c = AS_OBJ(obj)->cls;
    if (c == cls_module && !store) {
        // a module's attribute is its dict's entry (module_getattr looks
        // there first): LOAD_ATTR remembers where it is
        int64_t ix = dict_index_str(((ObjModule *)AS_OBJ(obj))->dict, name);
        if (ix >= 0 && ix <= (int64_t)UINT32_MAX) {
            AttrCache *ac = attr_cache_at(code, ip);
            ac->cls = c;
            ac->version = class_version();
            ac->ix = (uint32_t)ix;
            ac->method = VAL_NULL;
        }
        return;
    }
    if ((c->flags & CLS_USER) && !c->getattr && !(store && c->setattr) && (c->flags & CLS_HAS_SLOTS)) {
        Value m = class_lookup(c, name);
        if (m && IS_A(m, cls_member) && ((ObjMember *)AS_OBJ(m))->offset &&
            class_is_subclass(c, ((ObjMember *)AS_OBJ(m))->owner)) {
            AttrCache *ac = attr_cache_at(code, ip);
            ac->cls = c;
            ac->version = class_version();
            ac->ix = ATTR_IX_SLOT;
            ac->method = m;
            return;
        }
    }
    if (!plain_attr_class(c) || (store && (c->setattr || ((c->flags & CLS_HAS_SLOTS) && !slots_allow(c, name))))) {
        return;
    }
    Value cv = class_lookup(c, name);
    if (cv && IS_A(cv, cls_member)) {
        cv = VAL_NULL;  // a builtin subclass's __slots__ member: its value is the instance dict's entry
    }
    if (cv && store && plain_class_value(cv) && !user_descr(cv, 1) && !user_descr(cv, 2)) {
        // a class default the instance shadows (CONST = None in the class,
        // self.CONST = v): nothing runs on the store, it is the dict's entry
        cv = VAL_NULL;
    }
    if (cv) {
        if (!store && plain_class_value(cv)) {
            // self.CONST: the instance dict if it has the name, else this value
            AttrCache *ac = attr_cache_at(code, ip);
            ac->cls = c;
            ac->version = class_version();
            ac->ix = ATTR_IX_CLASS_VALUE;
            ac->method = cv;
        } else if (!store && IS_OBJ(cv) &&
                   (AS_OBJ(cv)->cls == cls_function ||
                    // (with __getattr__, a getter's AttributeError goes there)
                    (IS_PROPERTY(cv) && !(c->flags & CLS_USER_GETATTR)))) {
            AttrCache *ac = attr_cache_at(code, ip);
            ac->cls = c;
            ac->version = class_version();
            ac->ix = AS_OBJ(cv)->cls == cls_function ? ATTR_IX_BIND_METHOD : ATTR_IX_PROPERTY;
            ac->method = cv;
        }
        return;
    }
    ObjDict *d = attr_dict(AS_OBJ(obj));
    int64_t ix = d ? dict_index_str(d, name) : -1;
    if (ix < 0 || ix > (int64_t)UINT32_MAX) {
        return;
    }
    AttrCache *ac = attr_cache_at(code, ip);
    ac->cls = c;
    ac->version = class_version();
    ac->ix = (uint32_t)ix;
    ac->method = VAL_NULL;
}

// After LOAD_ATTR of [name] on the class [cls] (whose metaclass is type)
// gave [v]: when [v] is the class attribute itself (no binding, no
// descriptor's __get__ involved: a constant, a function, a nested class),
// the next execution gives it again while no class changed (the version
// covers every class dict, the metaclass's included).
static void class_attr_cache_fill(ObjCode *code, const uint32_t *ip, Value cls, ObjStr *name, Value v) {
    if (!name->interned || !v || class_lookup(AS_CLASS(cls), name) != v) {
        return;
    }
    ObjClass *vc = val_class(v);
    if ((vc->flags & CLS_USER) && class_lookup(vc, ST->s_descr[0])) {
        return;     // a user descriptor: its __get__ runs every time
    }
    if (dict_get_str(cls_type->dict, name)) {
        return;     // type's own attributes (__name__, mro ...) come first for some names
    }
    AttrCache *ac = attr_cache_at(code, ip);
    ac->cls = AS_CLASS(cls);
    ac->version = class_version();
    ac->ix = 0;
    ac->method = v;
}

// CPython's _PyObject_FunctionStr for a call's messages: "mod.qualname()",
// or "qualname()" for a builtin, into [buf].
static const char *call_func_str(Value fn, char *buf, size_t cap) {
    if (fn && IS_A(fn, cls_function) && (((ObjFunction *)AS_OBJ(fn))->code->flags & CO_CLASSBODY)) {
        snprintf(buf, cap, "__build_class__()");    // a class statement's keywords
        return buf;
    }
    Value fname = fn ? obj_getattr_opt(fn, ST->s_qualname) : VAL_NULL;
    Value fmod = fn ? obj_getattr_opt(fn, ST->s_module) : VAL_NULL;
    exc_clear();
    bool qual = fmod && IS_STR(fmod) && strcmp(AS_STR(fmod)->data, "builtins") != 0;
    snprintf(buf, cap, "%s%s%s()", qual ? AS_STR(fmod)->data : "", qual ? "." : "",
             fname && IS_STR(fname) ? AS_STR(fname)->data : "function");
    return buf;
}

static Value name_error(ObjStr *name) {
    Value msg = str_printf("name '%s' is not defined", name->data);
    Value e = exc_new(exc_NameError, 1, &msg);
    if (e) {
        gc_push_root(e);
        AS_EXC(e)->suggestion = tb_name_context(ST->frame);
        gc_pop_root(1);
        dict_set_str(AS_EXC(e)->dict, str_intern_c("name"), OBJ_VAL(name));
        exc_raise_value(e);
    }
    return VAL_NULL;
}

static int compare_op(Value a, Value b, int op, Value *out) {
    switch (op) {
    case CMP_IS:
        *out = VAL_BOOL(a == b);
        return 1;
    case CMP_IS_NOT:
        *out = VAL_BOOL(a != b);
        return 1;
    case CMP_IN:
    case CMP_NOT_IN: {
        int r = obj_contains(b, a);
        if (r < 0) {
            return 0;
        }
        *out = VAL_BOOL(op == CMP_IN ? r : !r);
        return 1;
    }
    default:
// x op y for two C numbers (op one of the first six CmpOp).
#define COMPARE_NUMS(x, y, op) \
    ((op) == CMP_LT ? (x) < (y) : (op) == CMP_LE ? (x) <= (y) : (op) == CMP_EQ ? (x) == (y) \
     : (op) == CMP_NE ? (x) != (y) : (op) == CMP_GT ? (x) > (y) : (x) >= (y))
        if (IS_SMALL(a) && IS_SMALL(b)) {
            *out = VAL_BOOL(COMPARE_NUMS(AS_SMALL(a), AS_SMALL(b), op));
            return 1;
        }
        if (IS_FLOAT(a) && IS_FLOAT(b)) {
            // C's comparisons with NaN are Python's too
            *out = VAL_BOOL(COMPARE_NUMS(AS_FLOAT(a), AS_FLOAT(b), op));
            return 1;
        }
        *out = obj_compare(a, b, op);
        return *out != VAL_NULL;
    }
}

static Value small_binop(Value a, Value b, int op) {
    int64_t x = AS_SMALL(a), y = AS_SMALL(b), r;
    switch (op % BINOP_INPLACE) {
    case BIN_ADD:
        r = x + y;
        break;
    case BIN_SUB:
        r = x - y;
        break;
    case BIN_MUL:
        if (__builtin_mul_overflow(x, y, &r)) {
            return VAL_NULL;
        }
        break;
    case BIN_FLOORDIV:
        if (y == 0) {
            return VAL_NULL;
        }
        r = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) {
            r--;
        }
        break;
    case BIN_MOD:
        if (y == 0) {
            return VAL_NULL;
        }
        r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) {
            r += y;
        }
        break;
    case BIN_AND:
        r = x & y;
        break;
    case BIN_OR:
        r = x | y;
        break;
    case BIN_XOR:
        r = x ^ y;
        break;
    case BIN_LSHIFT:
        if (y < 0 || y > 62) {
            return x == 0 && y >= 0 ? a : VAL_NULL;    // the general path raises or grows
        }
        r = (int64_t)((uint64_t)x << y);
        if ((r >> y) != x) {
            return VAL_NULL;
        }
        break;
    case BIN_RSHIFT:
        if (y < 0) {
            return VAL_NULL;    // ValueError: negative shift count
        }
        r = x >> (y > 63 ? 63 : y);
        break;
    default:
        return VAL_NULL;
    }
    if (!FITS_SMALL(r)) {
        return VAL_NULL;
    }
    return MK_SMALL(r);
}

// The value a store to or del of [name] in [d] drops (NOTE_DROPPED_NAME).
static void note_dropped_name(ObjDict *d, ObjStr *name) {
    Value old = dict_get_str(d, name);
    if (old) {
        gc_note_dropped(old, true);
    }
}

// A new float (float_new inlined for the arithmetic fast paths).
static inline Value vm_float(double d) {
    Value imm;
    if (immf_encode(d, &imm)) {
        return imm;
    }
    ObjFloat *f = (ObjFloat *)obj_alloc_small(cls_float, sizeof(ObjFloat));
    f->value = d;
    return OBJ_VAL(f);
}

// Float arithmetic without the generic dispatch: + - * / on float/float
// and float/small-int operands. False when another path must handle it.
static inline bool float_fast(Value a, Value b, int op, Value *out) {
    double x, y;
    if (IS_SMALL(a)) {
        x = (double)AS_SMALL(a);
    } else if (IS_FLOAT(a)) {
        x = AS_FLOAT(a);
    } else {
        return false;
    }
    if (IS_SMALL(b)) {
        if (IS_SMALL(a)) {
            return false;
        }
        y = (double)AS_SMALL(b);
    } else if (IS_FLOAT(b)) {
        y = AS_FLOAT(b);
    } else {
        return false;
    }
    double r;
    switch (op % BINOP_INPLACE) {
    case BIN_ADD:
        r = x + y;
        break;
    case BIN_SUB:
        r = x - y;
        break;
    case BIN_MUL:
        r = x * y;
        break;
    case BIN_TRUEDIV:
        if (y == 0.0) {
            return false;
        }
        r = x / y;
        break;
    case BIN_POW:
        // the common case only: positive finite base, finite result
        if (!(x > 0.0) || !isfinite(x) || !isfinite(y) || IS_SMALL(b)) {
            return false;
        }
        r = pow(x, y);
        if (!isfinite(r)) {
            return false;
        }
        break;
    default:
        return false;
    }
    *out = vm_float(r);     // (one allocation site: the function stays small)
    return true;
}

// Resumes native generator [g] from the running loop: links its frame above
// [frame] with [link] and the parent's continuation [target].
static bool is_native_gen(Value v) {
    return IS_OBJ(v) && (AS_OBJ(v)->cls == cls_generator || AS_OBJ(v)->cls == cls_coroutine);
}

Value vm_run(Frame *entry, int *status, Value throw_exc) {
#ifdef PYISH_COMPUTED_GOTO
    static void *const dispatch_table[] = {
#define OP(name, operand, pops, pushes) &&L_##name,
#include "opcodes.def"
#undef OP
    };
#endif
    Frame *frame = entry;
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
    register uint32_t *ip __asm__("r15");  // keep ip out of memory in the dispatch loop
#else
    uint32_t *ip;
#endif
    Value *sp;
    ObjCode *code;
    Value *consts, *names, *locals;
    uint32_t instr, arg;
    int roots_at_entry = gc_root_depth();
    (void)roots_at_entry;
    bool reraise = false;
    Value result = VAL_NULL;

#ifdef PYISH_COMPUTED_GOTO
    if (__builtin_expect(!ST->dispatch_normal, 0)) {
        // the state's table (trace.c switches it to the tracing label)
        ST->dispatch_normal = (const void *const *)dispatch_table;
        ST->dispatch_trace = &&L_TRACE;
        memcpy(ST->dispatch, dispatch_table, sizeof dispatch_table);
    }
    // (the state's table: its entries change when tracing starts or stops)
    void *const *dt = ST->dispatch;
#endif
    ST->c_depth++;
    ST->vm_depth++;
    ST->frame = frame;
    LOAD_FRAME();
    if (throw_exc) {
        exc_raise_value(throw_exc);
        goto error;
    }

#ifdef PYISH_COMPUTED_GOTO
    DISPATCH();
L_TRACE:
    // a trace or profile function is set (trace.c): its events first
    SAVE_FRAME();
    if (vm_trace_instr(frame, instr, sp) != TRACE_OK) {
        goto error;     // (or a jump: the error path sees ST->trace.jumped)
    }
    goto *dispatch_table[INSTR_OP(instr)];
#else
next_instr:
    CHECK_STACK();
    instr = *ip++;
    arg = INSTR_ARG(instr);
    if (__builtin_expect(ST->dispatch_tracing, 0)) {
        // a trace or profile function is set (trace.c): its events first
        SAVE_FRAME();
        if (vm_trace_instr(frame, instr, sp) != TRACE_OK) {
            goto error;     // (or a jump: the error path sees ST->trace.jumped)
        }
    }
    switch (INSTR_OP(instr)) {
#endif

    CASE(NOP):
        DISPATCH();
    CASE(POP_TOP):
        sp--;
        DISPATCH();
    CASE(ROT_TWO): {
        Value t = sp[-1];
        sp[-1] = sp[-2];
        sp[-2] = t;
        DISPATCH();
    }
    CASE(ROT_THREE): {
        Value t = sp[-1];
        sp[-1] = sp[-2];
        sp[-2] = sp[-3];
        sp[-3] = t;
        DISPATCH();
    }
    CASE(ROT_FOUR): {
        Value t = sp[-1];
        sp[-1] = sp[-2];
        sp[-2] = sp[-3];
        sp[-3] = sp[-4];
        sp[-4] = t;
        DISPATCH();
    }
    CASE(DUP_TOP):
        sp[0] = sp[-1];
        sp++;
        DISPATCH();
    CASE(DUP_TOP_TWO):
        sp[0] = sp[-2];
        sp[1] = sp[-1];
        sp += 2;
        DISPATCH();
    CASE(PUSH_NULL):
        PUSH(VAL_NULL);
        DISPATCH();
    CASE(LOAD_CONST):
        PUSH(consts[arg]);
        DISPATCH();
    CASE(LOAD_FAST): {
        Value v = locals[arg];
        if (!v) {
            SAVE_FRAME();
            unbound_local(code, (int)arg);
            goto error;
        }
        PUSH(v);
        DISPATCH();
    }
    CASE(LOAD_FAST_ATTR): {
        // LOAD_FAST obj; LOAD_ATTR name where the LOAD_ATTR's cache has obj's
        // class with no class attribute of that name: the instance dict's
        // entry, as LOAD_ATTR's first cached case; anything else is left to
        // the LOAD_ATTR that follows
        Value obj = locals[arg];
        if (!obj) {
            SAVE_FRAME();
            unbound_local(code, (int)arg);
            goto error;
        }
        PUSH(obj);
        if (code->attr_cache && IS_OBJ(obj)) {
            AttrCache *ac = &code->attr_cache[ip - code->code];
            if (ac->cls == AS_OBJ(obj)->cls && ac->version == class_version() && !ac->method &&
                ac->cls != cls_module) {
                Value v = dict_attr(AS_OBJ(obj), ac->ix, NAME(INSTR_ARG(*ip)));
                if (v) {
                    TOP() = v;
                    ip++;
                }
            }
        }
        DISPATCH();
    }
    CASE(LOAD_FAST_LOAD_FAST): {
        Value v = locals[arg & 0xfff];
        if (!v) {
            SAVE_FRAME();
            unbound_local(code, (int)(arg & 0xfff));
            goto error;
        }
        ip++;
        Value w = locals[arg >> 12];
        if (!w) {
            SAVE_FRAME();
            unbound_local(code, (int)(arg >> 12));
            goto error;
        }
        sp[0] = v;
        sp[1] = w;
        sp += 2;
        DISPATCH();
    }
    CASE(LOAD_FAST_LOAD_CONST): {
        Value v = locals[arg & 0xfff];
        if (!v) {
            SAVE_FRAME();
            unbound_local(code, (int)(arg & 0xfff));
            goto error;
        }
        ip++;
        sp[0] = v;
        sp[1] = consts[arg >> 12];
        sp += 2;
        DISPATCH();
    }
    CASE(LOAD_FAST_ESC): {
        Value v = locals[arg];
        if (!v) {
            SAVE_FRAME();
            unbound_local(code, (int)arg);
            goto error;
        }
        if (IS_STR(v)) {
            AS_STR(v)->owned = false;   // it leaves the local: no more appends in place
        }
        PUSH(v);
        DISPATCH();
    }
    CASE(ADD_FAST_STORE): {
        Value a = sp[-2], b = sp[-1], r;
        uint32_t x = arg >> 1;
        if (IS_SMALL(a) && IS_SMALL(b) && (r = small_binop(a, b, BIN_ADD))) {
            sp -= 2;
            locals[x] = r;
            DISPATCH();
        }
        if (float_fast(a, b, BIN_ADD, &r)) {
            sp -= 2;
            locals[x] = r;
            DISPATCH();
        }
        SAVE_FRAME();
        if (IS_STR(a) && IS_STR(b)) {
            r = locals[x] == a ? str_concat_owned(a, b) : str_concat(a, b);
        } else {
            r = obj_binop(a, b, (arg & 1) ? BIN_ADD + BINOP_INPLACE : BIN_ADD);
        }
        CHECK(r);
        sp -= 2;
        locals[x] = r;
        DISPATCH();
    }
    CASE(STORE_FAST):
        locals[arg] = POP();
        DISPATCH();
    CASE(DELETE_FAST):
        if (!locals[arg]) {
            SAVE_FRAME();
            unbound_local(code, (int)arg);
            goto error;
        }
        NOTE_DROPPED(locals[arg]);
        locals[arg] = VAL_NULL;
        DISPATCH();
    CASE(LOAD_DEREF): {
        ObjCell *cell = (ObjCell *)AS_OBJ(locals[code->nlocals + arg]);
        if (!cell->value) {
            SAVE_FRAME();
            cell_name_error(code, (int)arg);
            goto error;
        }
        PUSH(cell->value);
        DISPATCH();
    }
    CASE(STORE_DEREF): {
        ObjCell *cell = (ObjCell *)AS_OBJ(locals[code->nlocals + arg]);
        cell->value = POP();
        DISPATCH();
    }
    CASE(DELETE_DEREF): {
        ObjCell *cell = (ObjCell *)AS_OBJ(locals[code->nlocals + arg]);
        if (!cell->value) {
            SAVE_FRAME();
            cell_name_error(code, (int)arg);
            goto error;
        }
        cell->value = VAL_NULL;
        DISPATCH();
    }
    CASE(LOAD_CLOSURE):
        PUSH(locals[code->nlocals + arg]);
        DISPATCH();
    CASE(LOAD_CLASSDEREF): {
        ObjCell *cell = (ObjCell *)AS_OBJ(locals[code->nlocals + arg]);
        int idx = (int)arg - code->ncells;
        ObjStr *name = AS_STR(idx >= 0 ? code->freevars->items[idx] : code->cellvars->items[arg]);
        Value v = VAL_NULL;
        if (frame->locals_dict) {
            SAVE_FRAME();
            if (!ns_lookup(frame->locals_dict, name, &v)) {
                goto error;
            }
        }
        if (!v) {
            v = cell->value;
        }
        if (!v) {
            SAVE_FRAME();
            cell_name_error(code, (int)arg);
            goto error;
        }
        PUSH(v);
        DISPATCH();
    }
    CASE(LOAD_GLOBAL): {
        // The cache remembers where the name was found: an entry index of
        // the globals (checked by key identity), or of the builtins while
        // the globals' key set is unchanged (checked by its version).
        ObjStr *name = NAME(arg);
        ObjDict *g = frame->globals;
        uint64_t *cp = &code->cache[ip - code->code - 1];
        uint64_t c = *cp;
        uint32_t ix = (uint32_t)c;
        if ((c >> 62) == 1) {
            if (ix < g->nentries && g->entries[ix].key == OBJ_VAL(name)) {
                PUSH(g->entries[ix].value);
                DISPATCH();
            }
        } else if ((c >> 62) == 2) {
            if (((c >> 32) & 0x3fffffff) == (g->version & 0x3fffffff) && ix < ST->builtins->nentries &&
                ST->builtins->entries[ix].key == OBJ_VAL(name)) {
                PUSH(ST->builtins->entries[ix].value);
                DISPATCH();
            }
        }
        int64_t gi = dict_index_str(g, name);
        if (gi >= 0) {
            *cp = ((uint64_t)1 << 62) | (uint64_t)gi;
            PUSH(g->entries[gi].value);
            DISPATCH();
        }
        int64_t bi = dict_index_str(ST->builtins, name);
        if (bi >= 0) {
            *cp = ((uint64_t)2 << 62) | ((uint64_t)(g->version & 0x3fffffff) << 32) | (uint64_t)bi;
            PUSH(ST->builtins->entries[bi].value);
            DISPATCH();
        }
        SAVE_FRAME();
        name_error(name);
        goto error;
    }
    CASE(STORE_GLOBAL):
        NOTE_DROPPED_NAME(frame->globals, NAME(arg));
        dict_set_str(frame->globals, NAME(arg), POP());
        DISPATCH();
    CASE(DELETE_GLOBAL): {
        SAVE_FRAME();
        NOTE_DROPPED_NAME(frame->globals, NAME(arg));
        int r = dict_del(frame->globals, OBJ_VAL(NAME(arg)));
        if (r <= 0) {
            if (r == 0) {
                name_error(NAME(arg));
            }
            goto error;
        }
        DISPATCH();
    }
    CASE(LOAD_NAME): {
        ObjStr *name = NAME(arg);
        Value v = VAL_NULL;
        if (frame->locals_dict) {
            SAVE_FRAME();
            if (!ns_lookup(frame->locals_dict, name, &v)) {
                goto error;
            }
        }
        if (!v) {
            v = dict_get_str(frame->globals, name);
        }
        if (!v) {
            v = dict_get_str(ST->builtins, name);
        }
        if (!v) {
            SAVE_FRAME();
            name_error(name);
            goto error;
        }
        PUSH(v);
        DISPATCH();
    }
    CASE(STORE_NAME):
        if (frame->locals_dict && frame->locals_dict->hdr.cls != cls_dict) {
            SAVE_FRAME();
            Value v = POP();
            if (!obj_setitem(OBJ_VAL(frame->locals_dict), OBJ_VAL(NAME(arg)), v)) {
                goto error;
            }
            DISPATCH();
        }
        NOTE_DROPPED_NAME(frame->locals_dict ? frame->locals_dict : frame->globals, NAME(arg));
        dict_set_str(frame->locals_dict ? frame->locals_dict : frame->globals, NAME(arg), POP());
        DISPATCH();
    CASE(DELETE_NAME): {
        SAVE_FRAME();
        if (frame->locals_dict && frame->locals_dict->hdr.cls != cls_dict) {
            // (CPython turns any failure of the mapping's __delitem__ into the NameError)
            if (!obj_delitem(OBJ_VAL(frame->locals_dict), OBJ_VAL(NAME(arg)))) {
                exc_clear();
                name_error(NAME(arg));
                goto error;
            }
            DISPATCH();
        }
        NOTE_DROPPED_NAME(frame->locals_dict ? frame->locals_dict : frame->globals, NAME(arg));
        int r = dict_del(frame->locals_dict ? frame->locals_dict : frame->globals, OBJ_VAL(NAME(arg)));
        if (r <= 0) {
            if (r == 0) {
                name_error(NAME(arg));
            }
            goto error;
        }
        DISPATCH();
    }
    CASE(LOAD_ATTR): {
        Value obj = TOP();
        ObjStr *name = NAME(arg);
        if (code->attr_cache && IS_OBJ(obj)) {
            AttrCache *ac = &code->attr_cache[ip - code->code - 1];
            // (an entry with a method is class_attr_cache_fill's, for the class object)
            if (ac->cls == AS_OBJ(obj)->cls && ac->version == class_version() && !ac->method) {
                if (ac->cls == cls_module) {
                    // a module's global: its dict entry, while it is still that name's
                    ObjDict *md = ((ObjModule *)AS_OBJ(obj))->dict;
                    if (ac->ix < md->nentries && md->entries[ac->ix].key == OBJ_VAL(name)) {
                        TOP() = md->entries[ac->ix].value;
                        DISPATCH();
                    }
                    goto load_attr_slow;
                }
                // the class has no attribute of that name: the instance dict decides
                Value v = dict_attr(AS_OBJ(obj), ac->ix, name);
                if (v) {
                    TOP() = v;
                    DISPATCH();
                }
            } else if (!ac->method && ac->cls && ac->cls != cls_module && ac->cls != AS_OBJ(obj)->cls &&
                       plain_instance_attr(AS_OBJ(obj)->cls, name, false)) {
                // another class at a site cached for one: its own dict, where
                // the cached class keeps it (a shared base __init__) or by name
                Value v = dict_attr(AS_OBJ(obj), ac->ix, name);
                if (v) {
                    TOP() = v;
                    DISPATCH();
                }
            } else if (ac->method && ac->version == class_version()) {
                if (ac->ix == ATTR_IX_SLOT) {
                    // a __slots__ value in the instance (unset: the slow way raises or asks __getattr__)
                    Value v = ac->cls == AS_OBJ(obj)->cls ? *member_slot((ObjMember *)AS_OBJ(ac->method), AS_OBJ(obj))
                                                          : VAL_NULL;
                    if (v) {
                        TOP() = v;
                        DISPATCH();
                    }
                    goto load_attr_slow;
                }
                if (OBJ_VAL(ac->cls) == obj && ac->ix != ATTR_IX_BIND_METHOD) {
                    TOP() = ac->method;     // a plain class attribute read on the class itself
                    DISPATCH();
                }
                if (ac->cls == AS_OBJ(obj)->cls && ac->ix == ATTR_IX_PROPERTY) {
                    // a data descriptor: before the instance dict
                    Frame *nf = enter_simple(frame, ip, sp - 1, ((ObjProperty *)AS_OBJ(ac->method))->fget,
                                             sp - 1, 1);
                    if (nf) {
                        frame = nf;
                        LOAD_FRAME();
                        DISPATCH();
                    }
                    goto load_attr_slow;
                }
                if (ac->cls == AS_OBJ(obj)->cls && (ac->ix == ATTR_IX_BIND_METHOD || ac->ix == ATTR_IX_CLASS_VALUE)) {
                    // the class's value through an instance, whose own attribute
                    // comes first; a method bound to the instance
                    Value v = dict_attr(AS_OBJ(obj), ac->ix, name);
                    TOP() = v                               ? v
                            : ac->ix == ATTR_IX_BIND_METHOD ? bound_method_new(obj, ac->method)
                                                            : ac->method;
                    DISPATCH();
                }
            }
        }
    load_attr_slow:
        SAVE_FRAME();
        Value v = obj_getattr(obj, name);
        CHECK(v);
        if (IS_OBJ(obj) && AS_OBJ(obj)->cls == cls_type) {
            class_attr_cache_fill(code, ip, obj, name, v);
        } else {
            attr_cache_fill(code, ip, obj, name, false);
        }
        TOP() = v;
        DISPATCH();
    }
    CASE(STORE_ATTR): {
        Value obj = sp[-1], v = sp[-2];
        ObjStr *name = NAME(arg);
        if (code->attr_cache && IS_OBJ(obj)) {
            AttrCache *ac = &code->attr_cache[ip - code->code - 1];
            if (ac->cls == AS_OBJ(obj)->cls && ac->version == class_version() && ac->method) {
                // a __slots__ value in the instance (ATTR_IX_SLOT)
                Value *slot = member_slot((ObjMember *)AS_OBJ(ac->method), AS_OBJ(obj));
                NOTE_DROPPED(*slot);
                *slot = v;
                sp -= 2;
                DISPATCH();
            }
            if (ac->cls == AS_OBJ(obj)->cls && ac->version == class_version()) {
                // no descriptor, __setattr__ or __slots__: a plain dict store
                // (into a new dict for an instance's first attribute)
                ObjClass *c = AS_OBJ(obj)->cls;
                ObjDict *d = attr_dict(AS_OBJ(obj));
                if (!d) {
                    SAVE_FRAME();
                    Value nd = dict_new_sized(c->attr_hint < 32 ? c->attr_hint : 32);
                    CHECK(nd);
                    d = AS_DICT(nd);
                    *(ObjDict **)((char *)AS_OBJ(obj) + c->dict_offset) = d;
                }
                {
                    if (ac->ix < d->nentries && d->entries[ac->ix].key == OBJ_VAL(name)) {
                        NOTE_DROPPED(d->entries[ac->ix].value);
                        d->entries[ac->ix].value = v;
                    } else {
                        dict_set_str(d, name, v);
                        if (d->used > c->attr_hint) {
                            c->attr_hint = (uint32_t)d->used;
                        }
                    }
                    sp -= 2;
                    DISPATCH();
                }
            }
            ObjDict *d;
            if (ac->cls && ac->cls != cls_module && ac->cls != AS_OBJ(obj)->cls &&
                plain_instance_attr(AS_OBJ(obj)->cls, name, true) && (d = attr_dict(AS_OBJ(obj)))) {
                // another class at a site cached for one (see LOAD_ATTR)
                dict_set_str(d, name, v);
                sp -= 2;
                DISPATCH();
            }
        }
        SAVE_FRAME();
        CHECK(obj_setattr(obj, name, v));
        attr_cache_fill(code, ip, obj, name, true);
        sp -= 2;
        DISPATCH();
    }
    CASE(DELETE_ATTR): {
        SAVE_FRAME();
        CHECK(obj_delattr(TOP(), NAME(arg)));
        sp--;
        DISPATCH();
    }
    CASE(LOAD_METHOD): {
        Value obj = TOP();
        ObjStr *name = NAME(arg);
        ObjClass *c = val_class(obj);
        if (code->attr_cache) {
            // the class gave this method while its version was this one; an
            // instance attribute of that name could still shadow it
            AttrCache *ac = &code->attr_cache[ip - code->code - 1];
            if (c == cls_module && ac->cls == c && ac->version == class_version()) {
                // a module's function: as LOAD_ATTR's module entries
                ObjDict *md = ((ObjModule *)AS_OBJ(obj))->dict;
                if (ac->ix < md->nentries && md->entries[ac->ix].key == OBJ_VAL(name)) {
                    sp[-1] = md->entries[ac->ix].value;
                    PUSH(VAL_NULL);
                    DISPATCH();
                }
            }
            if (ac->cls == c && ac->version == class_version() && ac->method) {
                ObjDict *d = !c->dict_offset || !IS_OBJ(obj)         ? NULL
                             : c->dict_offset != DICT_OFFSET_TRAILING ? attr_dict(AS_OBJ(obj))
                                                                      : obj_instance_dict_peek(obj);
                if (!d || !dict_has_str(d, name)) {
                    sp[-1] = ac->method;
                    PUSH(obj);
                    DISPATCH();
                }
            }
        }
        SAVE_FRAME();
        // (a __getattr__ is only asked when the lookup fails, so a method
        // found here is the answer with or without one)
        if (!c->getattr) {
            Value descr = class_lookup(c, name);
            if (descr && (IS_A(descr, cls_function) ||
                          (IS_A(descr, cls_native) && ((ObjNative *)AS_OBJ(descr))->owner &&
                           !((ObjNative *)AS_OBJ(descr))->is_static))) {
                ObjDict *d = obj_instance_dict_peek(obj);
                if (!d || !dict_get_str(d, name)) {
                    if (name->interned) {
                        AttrCache *ac = attr_cache_at(code, ip);
                        ac->cls = c;
                        ac->version = class_version();
                        ac->method = descr;
                    }
                    sp[-1] = descr;
                    PUSH(obj);
                    DISPATCH();
                }
            }
        }
        Value v = obj_getattr(obj, name);
        CHECK(v);
        if (c == cls_module) {
            attr_cache_fill(code, ip, obj, name, false);
        }
        sp[-1] = v;
        PUSH(VAL_NULL);
        DISPATCH();
    }
    CASE(BINARY_SUBSCR): {
        Value obj = sp[-2], key = sp[-1];
        Value v;
        if ((IS_LIST(obj) || IS_TUPLE(obj)) && IS_SMALL(key)) {
            // an exact list or tuple at an int index
            bool list = IS_LIST(obj);
            size_t len = list ? AS_LIST(obj)->len : AS_TUPLE(obj)->len;
            int64_t i = AS_SMALL(key);
            if (i < 0) {
                i += (int64_t)len;
            }
            if (i >= 0 && (size_t)i < len) {
                sp--;
                sp[-1] = list ? AS_LIST(obj)->items[i] : AS_TUPLE(obj)->items[i];
                DISPATCH();
            }
        } else if (IS_OBJ(obj) && AS_OBJ(obj)->cls->getitem == slot_getitem) {
            // a user __getitem__ written in pyish runs in this loop, as a call
            Frame *nf = enter_simple(frame, ip, sp - 2, class_lookup(AS_OBJ(obj)->cls, ST->s_getitem),
                                     sp - 2, 2);
            if (nf) {
                frame = nf;
                LOAD_FRAME();
                DISPATCH();
            }
        }
        SAVE_FRAME();
        v = obj_getitem(obj, key);
        CHECK(v);
        sp--;
        sp[-1] = v;
        DISPATCH();
    }
    CASE(STORE_SUBSCR): {
        Value key = sp[-1], obj = sp[-2], v = sp[-3];
        if (IS_LIST(obj) && IS_SMALL(key)) {
            ObjList *l = AS_LIST(obj);
            int64_t i = AS_SMALL(key);
            if (i < 0) {
                i += (int64_t)l->len;
            }
            if (i >= 0 && (size_t)i < l->len) {
                NOTE_DROPPED(l->items[i]);
                l->items[i] = v;
                sp -= 3;
                DISPATCH();
            }
        } else if (IS_OBJ(obj) && AS_OBJ(obj)->cls->setitem == slot_setitem) {
            // a user __setitem__ written in pyish runs in this loop, its
            // result dropped
            Value args[3] = {obj, key, v};
            Frame *nf = enter_simple(frame, ip, sp - 3, class_lookup(AS_OBJ(obj)->cls, ST->s_setitem),
                                     args, 3);
            if (nf) {
                nf->link = LINK_DISCARD;
                frame = nf;
                LOAD_FRAME();
                DISPATCH();
            }
        }
        SAVE_FRAME();
        CHECK(obj_setitem(obj, key, v));
        sp -= 3;
        DISPATCH();
    }
    CASE(DELETE_SUBSCR): {
        SAVE_FRAME();
        CHECK(obj_delitem(sp[-2], sp[-1]));
        sp -= 2;
        DISPATCH();
    }
    CASE(BINARY_OP): {
        Value a = sp[-2], b = sp[-1];
        if (IS_SMALL(a) && IS_SMALL(b)) {
            Value r = small_binop(a, b, (int)arg);
            if (r) {
                sp--;
                sp[-1] = r;
                DISPATCH();
            }
        }
        if (IS_IMMF(a) && IS_IMMF(b)) {
            // two immediate floats: + - * in place, when the result is
            // immediate too (else float_fast boxes it)
            double x = immf_decode(a), y = immf_decode(b), z;
            uint32_t o = arg % BINOP_INPLACE;
            Value w;
            if (o == BIN_ADD || o == BIN_SUB || o == BIN_MUL) {
                z = o == BIN_ADD ? x + y : o == BIN_SUB ? x - y : x * y;
                if (immf_encode(z, &w)) {
                    sp--;
                    sp[-1] = w;
                    DISPATCH();
                }
            }
        }
        if (IS_STR(a) && IS_STR(b) && arg % BINOP_INPLACE == BIN_ADD) {
            SAVE_FRAME();
            Value r = str_concat(a, b);     // VAL_NULL: MemoryError
            CHECK(r);
            sp--;
            sp[-1] = r;
            DISPATCH();
        }
        {
            Value fr;
            if (float_fast(a, b, (int)arg, &fr)) {
                sp--;
                sp[-1] = fr;
                DISPATCH();
            }
        }
        SAVE_FRAME();
        Value r = obj_binop(a, b, (int)arg);
        CHECK(r);
        sp--;
        sp[-1] = r;
        DISPATCH();
    }
    CASE(UNARY_OP): {
        SAVE_FRAME();
        Value a = TOP();
        if (IS_SMALL(a) && arg == UN_NEG && AS_SMALL(a) != SMALL_MIN) {
            TOP() = MK_SMALL(-AS_SMALL(a));
            DISPATCH();
        }
        if (IS_IMMF(a) && arg == UN_NEG) {
            TOP() = a ^ 4;      // an immediate float's sign is bit 2 (0.0 and -0.0 too)
            DISPATCH();
        }
        Value r = obj_unop(a, (int)arg);
        CHECK(r);
        TOP() = r;
        DISPATCH();
    }
    CASE(UNARY_NOT): {
        SAVE_FRAME();
        int t = obj_truthy(TOP());
        CHECK(t >= 0);
        TOP() = VAL_BOOL(!t);
        DISPATCH();
    }
    CASE(COMPARE_OP): {
        Value r;
        if (IS_SMALL(sp[-2]) && IS_SMALL(sp[-1]) && arg <= CMP_GE) {
            r = VAL_BOOL(COMPARE_NUMS(AS_SMALL(sp[-2]), AS_SMALL(sp[-1]), (int)arg));
        } else if (IS_IMMF(sp[-2]) && IS_IMMF(sp[-1]) && arg <= CMP_GE) {
            // (never nan: nan is boxed)
            r = VAL_BOOL(COMPARE_NUMS(immf_decode(sp[-2]), immf_decode(sp[-1]), (int)arg));
        } else if (arg == CMP_IS || arg == CMP_IS_NOT) {
            r = VAL_BOOL((sp[-2] == sp[-1]) == (arg == CMP_IS));
        } else if ((arg == CMP_EQ || arg == CMP_NE) && IS_STR(sp[-2]) && IS_STR(sp[-1])) {
            // two exact strs (kind == "text")
            r = VAL_BOOL(str_eq(AS_STR(sp[-2]), AS_STR(sp[-1])) == (arg == CMP_EQ));
        } else {
            SAVE_FRAME();
            CHECK(compare_op(sp[-2], sp[-1], (int)arg, &r));
        }
        // fused with a following conditional jump (loop and if tests)
        uint32_t next = *ip;
        if ((r == VAL_TRUE || r == VAL_FALSE) &&
            (INSTR_OP(next) == OP_POP_JUMP_IF_FALSE || INSTR_OP(next) == OP_POP_JUMP_IF_TRUE)) {
            sp -= 2;
            ip++;
            if ((r == VAL_TRUE) == (INSTR_OP(next) == OP_POP_JUMP_IF_TRUE)) {
                ip = code->code + INSTR_ARG(next);
            }
            DISPATCH();
        }
        sp--;
        sp[-1] = r;
        DISPATCH();
    }
    CASE(JUMP):
        if (code->code + arg < ip) {
            // backward jump: a safe point
            CHECK_SAFE_POINT();
            if (ST->gc.due || STATE_INTERRUPT()) {
                SAVE_FRAME();
                if (STATE_INTERRUPT() && vm_safe_point_interrupt()) {
                    goto error;
                }
                if (ST->gc.due) {
                    gc_collect();
                }
                if (mem_exhausted()) {
                    exc_raise_nomem();
                    goto error;
                }
            }
        }
        ip = code->code + arg;
        DISPATCH();
    CASE(POP_JUMP_IF_FALSE): {
        Value v = POP();
        if (v == VAL_FALSE) {
            ip = code->code + arg;
        } else if (v != VAL_TRUE) {
            SAVE_FRAME();
            int t = obj_truthy(v);
            CHECK(t >= 0);
            if (!t) {
                ip = code->code + arg;
            }
        }
        DISPATCH();
    }
    CASE(POP_JUMP_IF_TRUE): {
        Value v = POP();
        if (v == VAL_TRUE) {
            ip = code->code + arg;
        } else if (v != VAL_FALSE) {
            SAVE_FRAME();
            int t = obj_truthy(v);
            CHECK(t >= 0);
            if (t) {
                ip = code->code + arg;
            }
        }
        DISPATCH();
    }
    CASE(JUMP_IF_FALSE_OR_POP): {
        SAVE_FRAME();
        int t = obj_truthy(TOP());
        CHECK(t >= 0);
        if (!t) {
            ip = code->code + arg;
        } else {
            sp--;
        }
        DISPATCH();
    }
    CASE(JUMP_IF_TRUE_OR_POP): {
        SAVE_FRAME();
        int t = obj_truthy(TOP());
        CHECK(t >= 0);
        if (t) {
            ip = code->code + arg;
        } else {
            sp--;
        }
        DISPATCH();
    }
    CASE(GET_ITER): {
        SAVE_FRAME();
        Value it = obj_iter(TOP());
        CHECK(it);
        TOP() = it;
        if (arg && IS_OBJ(it) && AS_OBJ(it)->cls == cls_generator &&
            ((ObjGen *)AS_OBJ(it))->state == GEN_CREATED) {
            ((ObjGen *)AS_OBJ(it))->owned = true;   // for x in gen(...)
        }
        DISPATCH();
    }
    CASE(FOR_ITER): {
        Value it = TOP();
        if (IS_OBJ(it) && AS_OBJ(it)->cls == cls_generator) {
            ObjGen *g = (ObjGen *)AS_OBJ(it);
            if (g->state == GEN_CLOSED) {
                sp--;
                ip = code->code + arg;
                DISPATCH();
            }
            SAVE_FRAME();
            Frame *target = link_resume(g, VAL_NONE, frame, LINK_FOR, arg);
            CHECK(target);
            frame = target;
            LOAD_FRAME();
            DISPATCH();
        }
        Value v;
        SAVE_FRAME();
        int r = val_class(it)->next ? val_class(it)->next(it, &v) : obj_next(it, &v);
        if (r == 1) {
            PUSH(v);
            DISPATCH();
        }
        CHECK(r == 0);
        sp--;
        ip = code->code + arg;
        DISPATCH();
    }
    CASE(CLOSE_ITER): {
        Value it = TOP();
        if (IS_OBJ(it) && AS_OBJ(it)->cls == cls_generator &&
            gen_state((ObjGen *)AS_OBJ(it)) == GEN_SUSPENDED) {
            SAVE_FRAME();
            CHECK(gen_close((ObjGen *)AS_OBJ(it)));
        }
        sp--;
        DISPATCH();
    }
    CASE(BUILD_TUPLE): {
        Value t = tuple_new(arg);
        sp -= arg;
        memcpy(AS_TUPLE(t)->items, sp, sizeof(Value) * arg);
        PUSH(t);
        DISPATCH();
    }
    CASE(BUILD_LIST): {
        Value l = list_from_array(arg, sp - arg);   // small: never fails
        sp -= arg;
        PUSH(l);
        DISPATCH();
    }
    CASE(BUILD_SET): {
        SAVE_FRAME();
        Value s = set_new(cls_set);
        sp[0] = s;              // rooted while user __hash__/__eq__ run
        frame->sp = sp + 1;
        for (uint32_t i = 0; i < arg; i++) {
            CHECK(set_add(AS_SET(s), sp[-(int)arg + (int)i]) == 0);
        }
        frame->sp = sp;
        sp -= arg;
        PUSH(s);
        DISPATCH();
    }
    CASE(BUILD_MAP): {
        SAVE_FRAME();
        Value d = dict_new();
        sp[0] = d;              // rooted while user __hash__/__eq__ run
        frame->sp = sp + 1;
        for (uint32_t i = 0; i < arg; i++) {
            Value *p = sp - 2 * (int)arg + 2 * (int)i;
            CHECK(dict_set(AS_DICT(d), p[0], p[1]) == 0);
        }
        frame->sp = sp;
        sp -= 2 * arg;
        PUSH(d);
        DISPATCH();
    }
    CASE(BUILD_SLICE): {
        uint32_t next = INSTR_OP(*ip);
        if (next == OP_BINARY_SUBSCR || next == OP_STORE_SUBSCR) {
            // x[a:b] or x[a:b] = v on a builtin sequence: the slice lives
            // on the C stack (their getitem/setitem only read it), saving
            // an allocation per slicing
            Value obj = sp[-(int)arg - 1];
            if (IS_OBJ(obj) && (AS_OBJ(obj)->cls == cls_list || AS_OBJ(obj)->cls == cls_str ||
                                AS_OBJ(obj)->cls == cls_tuple || AS_OBJ(obj)->cls == cls_bytes ||
                                AS_OBJ(obj)->cls == cls_bytearray)) {
                ObjSlice tmp = {.hdr = {.cls = cls_slice}};
                tmp.step = arg == 3 ? POP() : VAL_NONE;
                tmp.stop = POP();
                tmp.start = POP();
                // the popped values stay in place above sp: nothing reuses
                // those slots before the call returns, so they stay rooted
                ip++;
                SAVE_FRAME();
                frame->sp = sp + arg;
                if (next == OP_BINARY_SUBSCR) {
                    Value v = obj_getitem(obj, OBJ_VAL(&tmp));
                    frame->sp = sp;
                    CHECK(v);
                    sp[-1] = v;
                } else {
                    bool ok = obj_setitem(obj, OBJ_VAL(&tmp), sp[-2]);
                    frame->sp = sp;
                    CHECK(ok);
                    sp -= 2;
                }
                DISPATCH();
            }
        }
        ObjSlice *s = (ObjSlice *)obj_alloc(cls_slice, sizeof(ObjSlice));
        if (arg == 3) {
            s->step = POP();
        } else {
            s->step = VAL_NONE;
        }
        s->stop = POP();
        s->start = POP();
        PUSH(OBJ_VAL(s));
        DISPATCH();
    }
    CASE(BUILD_STRING): {
        if (arg == 1) {
            DISPATCH();     // one field: its str (a subclass stays one, as CPython)
        }
        SAVE_FRAME();
        Value r = str_join_items(NULL, sp - (int)arg, arg);
        CHECK(r);
        sp -= arg;
        PUSH(r);
        DISPATCH();
    }
    CASE(LIST_APPEND):
        if (!list_append(AS_LIST(sp[-(int)arg - 1]), sp[-1])) {
            SAVE_FRAME();
            goto error;
        }
        sp--;
        DISPATCH();
    CASE(SET_ADD):
        SAVE_FRAME();
        CHECK(set_add(AS_SET(sp[-(int)arg - 1]), sp[-1]) == 0);
        sp--;
        DISPATCH();
    CASE(MAP_ADD):
        SAVE_FRAME();
        CHECK(dict_set(AS_DICT(sp[-(int)arg - 2]), sp[-2], sp[-1]) == 0);
        sp -= 2;
        DISPATCH();
    CASE(LIST_EXTEND): {
        SAVE_FRAME();
        Value src = sp[-1];
        int depth = (int)(arg & ~(uint32_t)LIST_EXTEND_CALL_STAR);
        ObjList *l = AS_LIST(sp[-depth - 1]);
        if (IS_LIST(src) || IS_TUPLE(src)) {
            CHECK(list_extend(l, src));     // [*a, *b], f(*args): copied as a block
            sp--;
            DISPATCH();
        }
        Value it = obj_iter(src);
        if (!it && EXC_PENDING_IS(exc_TypeError) && !val_class(src)->iter && !val_class(src)->getitem &&
            !class_lookup(val_class(src), ST->s_iter)) {
            exc_clear();
            if (arg & LIST_EXTEND_CALL_STAR) {
                // Stack: fn, NULL, list, src
                char fs[300];
                exc_raise(exc_TypeError, "%s argument after * must be an iterable, not %s",
                          call_func_str(sp[-depth - 3], fs, sizeof fs), val_type_name(src));
            } else {
                exc_raise(exc_TypeError, "Value after * must be an iterable, not %s", val_type_name(src));
            }
        }
        CHECK(it);
        sp[-1] = it;
        frame->sp = sp;
        Value x;
        int r;
        while ((r = obj_next(it, &x)) == 1) {
            if (!list_append(l, x)) {
                r = -1;
                break;
            }
        }
        CHECK(r == 0);
        sp--;
        DISPATCH();
    }
    CASE(SET_UPDATE): {
        SAVE_FRAME();
        frame->sp = sp;
        CHECK(set_update(AS_SET(sp[-(int)arg - 1]), sp[-1]) == 0);
        sp--;
        DISPATCH();
    }
    CASE(DICT_UPDATE):
    CASE(DICT_MERGE): {
        SAVE_FRAME();
        ObjDict *d = AS_DICT(sp[-(int)arg - 1]);
        Value src = sp[-1];
        bool merge = INSTR_OP(instr) == OP_DICT_MERGE;
        if (IS_DICT(src)) {
            size_t pos = 0;
            Value k, v;
            while (dict_next(AS_DICT(src), &pos, &k, &v)) {
                if (merge) {
                    Value old;
                    if (dict_get(d, k, &old) == 1) {
                        // Stack: fn, NULL, args tuple, map, src (as CPython:
                        // "module.qualname()" unless a builtin).
                        char fs[300];
                        call_func_str(sp[-(int)arg - 4], fs, sizeof fs);
                        exc_raise(exc_TypeError, "%s got multiple values for keyword argument '%s'", fs,
                                  IS_STR(k) ? AS_STR(k)->data : "?");
                        goto error;
                    }
                }
                CHECK(dict_set(d, k, v) == 0);
            }
        } else {
            Value keys = call_method(src, "keys", 0, NULL);
            if (!keys) {
                exc_clear();
                if (merge) {    // a call's **src
                    char fs[300];
                    exc_raise(exc_TypeError, "%s argument after ** must be a mapping, not %s",
                              call_func_str(sp[-(int)arg - 4], fs, sizeof fs), val_type_name(src));
                } else {
                    exc_raise(exc_TypeError, "'%s' object is not a mapping", val_type_name(src));
                }
                goto error;
            }
            gc_push_root(keys);
            Value kl = seq_to_list(keys);
            gc_pop_root(1);
            CHECK(kl);
            gc_push_root(kl);
            for (size_t i = 0; i < AS_LIST(kl)->len; i++) {
                Value k = AS_LIST(kl)->items[i];
                Value v = obj_getitem(src, k);
                if (!v || dict_set(d, k, v) != 0) {
                    gc_pop_root(1);
                    goto error;
                }
            }
            gc_pop_root(1);
        }
        sp--;
        DISPATCH();
    }
    CASE(LIST_TO_TUPLE): {
        ObjList *l = AS_LIST(TOP());
        Value t = tuple_new(l->len);
        if (!t) {
            SAVE_FRAME();
            goto error;
        }
        if (l->len) {
            memcpy(AS_TUPLE(t)->items, l->items, sizeof(Value) * l->len);
        }
        TOP() = t;
        DISPATCH();
    }
    CASE(UNPACK_SEQUENCE): {
        Value seq = TOP();
        Value *items;
        size_t n;
        if (IS_TUPLE(seq) || IS_LIST(seq)) {
            if (IS_TUPLE(seq)) {
                items = AS_TUPLE(seq)->items;
                n = AS_TUPLE(seq)->len;
            } else {
                items = AS_LIST(seq)->items;
                n = AS_LIST(seq)->len;
            }
            if (n == arg && !ST->trace.func) {
                // `a, b, c = t` in a function: a run of STORE_FASTs follows
                // (nothing between them can fail); store straight into the
                // locals, left to right as they would, and skip the run
                size_t k = 0;
                while (k < n && INSTR_OP(ip[k]) == OP_STORE_FAST) {
                    k++;
                }
                if (k == n) {
                    sp--;
                    for (size_t i = 0; i < n; i++) {
                        locals[INSTR_ARG(ip[i])] = items[i];
                    }
                    ip += n;
                    DISPATCH();
                }
            }
            SAVE_FRAME();
            if (n != arg) {
                if (n > arg) {
                    exc_raise(exc_ValueError, "too many values to unpack (expected %u)", arg);
                } else {
                    exc_raise(exc_ValueError, "not enough values to unpack (expected %u, got %zu)", arg, n);
                }
                goto error;
            }
            sp--;
            for (size_t i = n; i > 0; i--) {
                PUSH(items[i - 1]);
            }
            DISPATCH();
        }
        SAVE_FRAME();
        Value l = seq_to_list(seq);
        if (!l) {
            if (EXC_PENDING_IS(exc_TypeError) && !val_class(seq)->iter && !val_class(seq)->getitem) {
                exc_clear();
                exc_raise(exc_TypeError, "cannot unpack non-iterable %s object", val_type_name(seq));
            }
            goto error;
        }
        n = AS_LIST(l)->len;
        if (n != arg) {
            if (n > arg) {
                exc_raise(exc_ValueError, "too many values to unpack (expected %u)", arg);
            } else {
                exc_raise(exc_ValueError, "not enough values to unpack (expected %u, got %zu)", arg, n);
            }
            goto error;
        }
        sp--;
        for (size_t i = n; i > 0; i--) {
            PUSH(AS_LIST(l)->items[i - 1]);
        }
        DISPATCH();
    }
    CASE(UNPACK_EX): {
        uint32_t before = arg & 0xff, after = arg >> 8;
        SAVE_FRAME();
        Value seq = TOP();
        Value l = seq_to_list(seq);
        if (!l) {
            if (EXC_PENDING_IS(exc_TypeError) && !val_class(seq)->iter && !val_class(seq)->getitem) {
                exc_clear();
                exc_raise(exc_TypeError, "cannot unpack non-iterable %s object", val_type_name(seq));
            }
            goto error;
        }
        ObjList *lst = AS_LIST(l);
        if (lst->len < before + after) {
            exc_raise(exc_ValueError, "not enough values to unpack (expected at least %u, got %zu)",
                      before + after, lst->len);
            goto error;
        }
        sp--;
        size_t mid = lst->len - before - after;
        for (size_t i = 0; i < after; i++) {
            PUSH(lst->items[lst->len - 1 - i]);
        }
        Value m = list_from_array(mid, mid ? lst->items + before : NULL);     // an empty list has no items array
        if (!m) {
            SAVE_FRAME();
            goto error;
        }
        PUSH(m);
        for (size_t i = before; i > 0; i--) {
            PUSH(lst->items[i - 1]);
        }
        DISPATCH();
    }
    CASE(FORMAT_VALUE): {
        SAVE_FRAME();
        Value spec = (arg & 0x100) ? POP() : VAL_NULL;
        Value v = TOP();
        int conv = (int)(arg & 0xff);
        frame->sp = sp;
        if (conv == 'r' || conv == 'a') {
            v = conv == 'a' ? obj_ascii(v) : obj_repr(v);
        } else if (conv == 's') {
            v = obj_str(v);
        }
        CHECK(v);
        TOP() = v;
        Value r;
        if (!spec && IS_STR(v)) {
            r = v;
        } else {
            r = vm_format_value(v, spec);
        }
        CHECK(r);
        TOP() = r;
        DISPATCH();
    }
    CASE(CALL): {
        // fast path: a plain pyish function called with exactly its
        // positional parameters (no defaults, cells, *args or generators)
        Value *base = sp - (int)arg - 2;
        Value callable = base[0];
        if (unbind_method(base)) {
            callable = base[0];     // f = obj.method; f(x)
        } else if (base[1] == VAL_NULL && IS_A(callable, cls_native) && ((ObjNative *)AS_OBJ(callable))->self &&
                   !((ObjNative *)AS_OBJ(callable))->slot) {
            base[1] = ((ObjNative *)AS_OBJ(callable))->self;   // a builtin bound to its object
        }
        int argc = (int)arg + (base[1] != VAL_NULL);
        Value *args = base[1] != VAL_NULL ? base + 1 : base + 2;
        Frame *nf = enter_simple(frame, ip, base, callable, args, argc);
        if (nf) {
            frame = nf;
            LOAD_FRAME();
            DISPATCH();
        }
        if (IS_OBJ(callable) && AS_OBJ(callable)->cls == cls_function && !ST->gc.due && !STATE_INTERRUPT()) {
            // a generator or coroutine function given exactly its positional
            // parameters: its heap frame and its object are made here, as
            // make_call_frame and gen_new would make them (perf: the
            // coroutines benchmark makes one per await)
            ObjFunction *f = (ObjFunction *)AS_OBJ(callable);
            ObjCode *fc = f->code;
            if (fc->simple_args && !fc->simple_call && argc == fc->argcount) {
                SAVE_FRAME();   // (gen_new reads the line the call is on)
                Frame *gf = frame_alloc_args(fc, true, args, argc);
                gf->func = callable;
                gf->globals = f->globals;
                Value g = gen_new(f, gf);
                sp = base;
                PUSH(g);
                DISPATCH();
            }
        }
        if (IS_OBJ(callable) && AS_OBJ(callable)->cls == cls_native && !ST->gc.due && !STATE_INTERRUPT()) {
            // a builtin function or method (argv[0] is self for methods)
            ObjNative *n = (ObjNative *)AS_OBJ(callable);
            // (self is checked as the general path does, but for an instance
            // of exactly the defining class reached by LOAD_METHOD)
            if (!n->slot) {
                SAVE_FRAME();
                if (n->owner && !n->is_static && !n->self &&
                    !(base[1] != VAL_NULL && val_class(args[0]) == n->owner) &&
                    !native_check_self(n, argc, args)) {
                    goto error;
                }
                Value r = n->fn(argc, args, NULL);
                CHECK(r);
                sp = base;
                PUSH(r);
                DISPATCH();
            }
        }
        if (base[1] == VAL_NULL && IS_OBJ(callable) && AS_OBJ(callable)->cls == cls_type && !ST->gc.due &&
            !STATE_INTERRUPT() && ST->vm_depth < ST->recursion_limit) {
            // Cls(args) of a class with a simple __init__: the instance is
            // made as call_general's init_call makes it, and __init__ is
            // entered as a simple frame (no make_call_frame, no argument
            // binding by name); its result slot holds the instance
            Value init = simple_init(AS_CLASS(callable), argc + 1);
            if (init) {
                SAVE_FRAME();
                Value inst = AS_CLASS(callable)->new_(AS_CLASS(callable), 0, NULL, NULL);
                CHECK(inst);
                base[0] = inst;
                base[1] = inst;
                nf = enter_simple(frame, ip, base + 1, init, base + 1, argc + 1);
                if (nf) {
                    nf->link = LINK_INIT;
                    frame = nf;
                    LOAD_FRAME();
                    DISPATCH();
                }
                base[0] = callable;     // (a collection became due: the general way)
                base[1] = VAL_NULL;
            }
        }
        goto call_general;
    }
    CASE(CALL_KW):
    CASE(CALL_EX):
    call_general: {
        int op = INSTR_OP(instr);
        int argc, nkw = 0;
        Value *args;
        ObjTuple *kwnames = NULL;
        Value callable;
        Value *base;    // where the result goes
        ObjDict *kwdict = NULL;
        Value exargs = VAL_NULL;
        SAVE_FRAME();
        CHECK_SAFE_POINT();
        if (ST->gc.due || STATE_INTERRUPT()) {
            if (STATE_INTERRUPT() && vm_safe_point_interrupt()) {
                goto error;
            }
            if (ST->gc.due) {
                gc_collect();
            }
            if (mem_exhausted()) {
                exc_raise_nomem();
                goto error;
            }
        }
        if (op == OP_CALL) {
            argc = (int)arg;
            base = sp - argc - 2;
        } else if (op == OP_CALL_KW) {
            kwnames = AS_TUPLE(sp[-1]);
            nkw = (int)kwnames->len;
            argc = (int)arg - nkw;
            base = sp - 1 - (int)arg - 2;
        } else {
            int has_kw = arg & 1;
            base = sp - 3 - has_kw;
            exargs = base[2];
            if (has_kw) {
                kwdict = AS_DICT(base[3]);
            }
            if (!IS_TUPLE(exargs)) {
                exargs = seq_to_tuple(exargs);
                CHECK(exargs);
                base[2] = exargs;
            }
            argc = (int)AS_TUPLE(exargs)->len;
        }
        callable = base[0];
        bool has_self = base[1] != VAL_NULL;
        if (op == OP_CALL_EX) {
            args = AS_TUPLE(exargs)->items;
            // CALL_EX never has a self slot filled
        } else {
            args = has_self ? base + 1 : base + 2;
            if (has_self) {
                argc++;
            }
        }
        // unwrap bound methods of pyish functions without allocating
        if (op != OP_CALL_EX && unbind_method(base)) {
            callable = base[0];
            args = base + 1;
            argc++;
            has_self = true;
        }
        // a plain user class with a pyish __init__: the instance is made
        // here and __init__ runs as a frame of this loop (no C recursion)
        bool init_call = false;
        if (op != OP_CALL_EX && !has_self && IS_OBJ(callable) && AS_OBJ(callable)->cls == cls_type) {
            ObjClass *k = AS_CLASS(callable);
            Value init = inline_init(k);
            if (init) {
                Value inst = k->new_(k, 0, NULL, NULL);
                CHECK(inst);
                base[0] = inst;
                base[1] = inst;
                callable = init;
                args = base + 1;
                argc++;
                has_self = true;
                init_call = true;
            }
        }
        if (IS_A(callable, cls_function)) {
            ObjFunction *f = (ObjFunction *)AS_OBJ(callable);
            Value *kwvalues = NULL;
            if (kwnames) {
                kwvalues = sp - 1 - nkw;
            } else if (kwdict && kwdict->used) {
                // no VLA here: DISPATCH() leaves this scope by a computed
                // goto, which would not release it (C stack leak per call)
                // one tuple holds the names, then the values (the callee
                // reads only the first nkw names): one allocation, not two
                size_t nused = kwdict->used;
                kwnames = AS_TUPLE(tuple_new(2 * nused));
                CHECK(OBJ_VAL(kwnames));
                sp[0] = OBJ_VAL(kwnames);   // kept rooted above the stack
                Value *kwbuf = kwnames->items + nused;
                frame->sp = sp + 1;
                size_t pos = 0;
                Value k, v;
                while (dict_next(kwdict, &pos, &k, &v)) {
                    if (!IS_STR(k)) {
                        exc_raise(exc_TypeError, "keywords must be strings");
                        goto error;
                    }
                    kwnames->items[nkw] = k;
                    kwbuf[nkw++] = v;
                }
                kwvalues = kwbuf;
            }
            if (f->code->flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)) {
                Frame *gf = make_call_frame(f, args, argc, kwnames, kwvalues, nkw, true);
                CHECK(gf);
                Value g = gen_new(f, gf);
                sp = base;
                PUSH(g);
                DISPATCH();
            }
            if (ST->vm_depth >= ST->recursion_limit) {
                exc_raise(exc_RecursionError, "maximum recursion depth exceeded");
                goto error;
            }
            Frame *nf = make_call_frame(f, args, argc, kwnames, kwvalues, nkw, false);
            CHECK(nf);
            frame->sp = base;   // the call's operands are consumed
            if (init_call) {
                frame->sp = base + 1;   // but for the new instance
                nf->link = LINK_INIT;
            }
            nf->parent = frame;
            frame = nf;
            ST->frame = frame;
            ST->vm_depth++;
            LOAD_FRAME();
            DISPATCH();
        }
        // C callables
        Value r;
        if (kwnames) {
            kwdict = AS_DICT(dict_new());
            sp[0] = OBJ_VAL(kwdict);
            frame->sp = sp + 1;
            for (int i = 0; i < nkw; i++) {
                dict_set(kwdict, kwnames->items[i], sp[-1 - nkw + i]);
            }
        }
        if (kwdict && kwdict->used == 0) {
            kwdict = NULL;
        } else if (kwdict && !kwnames) {
            // f(**mapping) of a C callable: its keys must be strings too
            size_t pos = 0;
            Value k, v;
            while (dict_next(kwdict, &pos, &k, &v)) {
                if (!IS_STR(k)) {
                    exc_raise(exc_TypeError, "keywords must be strings");
                    goto error;
                }
            }
        }
        r = vm_call(callable, argc, args, kwdict);
        CHECK(r);
        sp = base;
        PUSH(r);
        DISPATCH();
    }
    CASE(MAKE_FUNCTION): {
        ObjCode *fcode = (ObjCode *)AS_OBJ(POP());
        ObjFunction *f = (ObjFunction *)obj_alloc(cls_function, sizeof(ObjFunction));
        f->code = fcode;
        f->globals = frame->globals;
        f->name = fcode->name;
        f->qualname = fcode->qualname;
        if (arg & 8) {
            f->closure = AS_TUPLE(POP());
        }
        if (arg & 2) {
            f->kwdefaults = AS_DICT(POP());
        }
        if (arg & 1) {
            f->defaults = AS_TUPLE(POP());
        }
        Value mod = dict_get_str(frame->globals, ST->s_name);
        f->module = mod ? mod : VAL_NONE;
        PUSH(OBJ_VAL(f));
        DISPATCH();
    }
    CASE(BUILD_CLASS): {
        SAVE_FRAME();
        Value kw = (arg & 1) ? sp[-1] : VAL_NULL;
        Value *b = sp - 3 - (arg & 1);
        Value cls = build_class_op(b[0], b[1], b[2], kw);
        CHECK(cls);
        sp = b;
        PUSH(cls);
        DISPATCH();
    }
    CASE(RETURN_VALUE): {
        result = POP();
        if (ST->gc.del_alive) {
            for (int i = 0; i < code->nlocals; i++) {
                if (locals[i]) {
                    gc_note_dropped(locals[i], false);    // (its locals die with the frame)
                }
            }
        }
        frame->sp = sp;
        Frame *f = frame;
        ObjGen *g = f->gen;
        if (f->is_entry) {
            ST->frame = f->parent;
            f->parent = NULL;
            *status = GEN_RETURNED;
            if (g) {
                gen_finished(g);
            } else {
                frame_release(f);
            }
            goto done;
        }
        Frame *parent = f->parent;
        ST->vm_depth--;
        if (g) {
            int link = f->link;
            uint32_t target = f->ret_target;
            f->parent = NULL;
            bool fast = link == LINK_SEND && g == ST->fast_inner && ST->fast_epoch == ST->gen_epoch;
            gen_finished(g);
            if (fast) {
                fast_chain_returned(parent);
            }
            frame = parent;
            ST->frame = frame;
            LOAD_FRAME();
            if (link == LINK_SEND) {
                sp[-1] = result;      // (sub -- ret)
            } else {
                sp--;                 // FOR_ITER: drop the exhausted generator
            }
            ip = code->code + target;
            DISPATCH();
        }
        int link = f->link;
        bool init_done = link == LINK_INIT;
        frame_release(f);
        frame = parent;
        ST->frame = frame;
        LOAD_FRAME();
        if (link == LINK_DISCARD) {
            DISPATCH();
        }
        if (init_done) {
            // the instance is already in the call's result slot
            if (!IS_NONE(result)) {
                exc_raise(exc_TypeError, "__init__() should return None, not '%s'", val_type_name(result));
                goto error;
            }
            DISPATCH();
        }
        PUSH(result);
        DISPATCH();
    }
    CASE(YIELD_VALUE): {
        GenSink *sink = ST->gen_sink;
        if (__builtin_expect(sink != NULL, 0) && sink->gen == frame->gen && !arg && frame->is_entry) {
            // a consumer draining this generator takes the value (vm_internal.h)
            SAVE_FRAME();
            if (sink->take(sink->ctx, TOP())) {
                TOP() = VAL_NONE;
                DISPATCH();
            }
        }
        result = POP();
        SAVE_FRAME();
        Frame *f = frame;
        ObjGen *g = f->gen;
        if (g->state == GEN_CHAINED) {
            g->inner = NULL;    // no longer a member: it yields on its own
        }
        g->state = GEN_SUSPENDED;
        g->yf = arg ? sp[-1] : VAL_NULL;
        g->yield_kind = (uint8_t)arg;
        Frame *hf;
        if (f->link == LINK_SEND && !f->is_entry && g == ST->fast_inner && !ST->fast_level &&
            ST->fast_epoch == ST->gen_epoch) {
            // the chain gen_send_ex fast-resumed, unchanged: every frame
            // above is still suspended past its YIELD_VALUE, and its
            // members (GEN_CHAINED) follow the head's state
            ObjGen *head = ST->fast_head;
            uint32_t n = head->inner_depth;
            f = head->frame;
            head->state = GEN_SUSPENDED;
            head->yf = f->sp[-1];
            head->yield_kind = 1;
            head->inner = g;
            head->inner_epoch = ST->gen_epoch;
            ST->vm_depth -= (int)n;
            ST->fast_inner = NULL;  // suspended: the next resume records it again
        } else if (f->link == LINK_SEND && !f->is_entry && ST->fast_inner && ST->fast_epoch == ST->gen_epoch &&
                   (hf = fast_chain_suspend(f))) {
            // the same, changed below its running member since: only the
            // levels linked since were walked (vm_gen.c)
            f = hf;
        } else if (f->link == LINK_SEND && !f->is_entry) {
            // the delegating frames above would only pass the value on:
            // suspend them as if each had executed its YIELD_VALUE 1
            Frame *inner = f;
            int skipped = 0;
            Frame *top = f;
            for (; top->link == LINK_SEND && !top->is_entry; top = top->parent) {
                skipped++;
            }
            ObjGen **chain = gen_chain_room(top->gen, (uint32_t)skipped);
            for (int i = 0; i < skipped; i++) {
                Frame *p = f->parent;
                f->gen->in_chain = true;
                chain[i] = f->gen;
                if (INSTR_OP(*p->ip) == OP_YIELD_VALUE) {
                    p->ip++;    // else it is already past it (fast-resumed before)
                }
                p->gen->state = GEN_SUSPENDED;
                p->gen->yf = p->sp[-1];
                p->gen->yield_kind = 1;
                f = p;
            }
            for (int i = 1; i < skipped; i++) {
                chain[i]->state = GEN_CHAINED;    // from now on, the head's state
                chain[i]->inner = f->gen;
            }
            f->gen->inner = inner->gen;
            f->gen->inner_epoch = ST->gen_epoch;
            f->gen->inner_depth = (uint32_t)skipped;
            if (f->gen == ST->fast_head) {
                ST->fast_inner = NULL;  // recorded anew: fast_level no longer counts in it
            }
            ST->vm_depth -= skipped;
        } else {
            g->inner = NULL;
        }
        if (f->is_entry) {
            ST->frame = f->parent;
            f->parent = NULL;
            f->is_entry = false;
            *status = GEN_YIELDED;
            goto done;
        }
        Frame *parent = f->parent;
        f->parent = NULL;
        ST->vm_depth--;
        frame = parent;
        ST->frame = frame;
        LOAD_FRAME();
        PUSH(result);
        DISPATCH();
    }
    CASE(GET_YIELD_FROM_ITER): {
        Value v = TOP();
        if (!is_native_gen(v)) {
            SAVE_FRAME();
            Value it = obj_iter(v);
            CHECK(it);
            TOP() = it;
        }
        DISPATCH();
    }
    CASE(GET_AWAITABLE): {
        Value v = TOP();
        SAVE_FRAME();
        if (is_native_gen(v)) {
            ObjGen *g = (ObjGen *)AS_OBJ(v);
            if (g->hdr.cls == cls_coroutine && g->state == GEN_CLOSED) {
                exc_raise(exc_RuntimeError, "cannot reuse already awaited coroutine");
                goto error;
            }
            g->awaited = true;
            DISPATCH();
        }
        if (val_class(v)->flags & CLS_AWAIT_SELF) {
            DISPATCH();     // SEND resumes it through its am_send slot
        }
        bool found;
        Value it = call_method_opt(v, ST->s_await, 0, NULL, &found);
        if (!found) {
            if (arg == 1) {
                exc_raise(exc_TypeError,
                          "'async with' received an object from __aenter__ that does not implement __await__: %s",
                          val_type_name(v));
            } else if (arg == 2) {
                exc_raise(exc_TypeError,
                          "'async with' received an object from __aexit__ that does not implement __await__: %s",
                          val_type_name(v));
            } else {
                exc_raise(exc_TypeError, "object %s can't be used in 'await' expression", val_type_name(v));
            }
            goto error;
        }
        CHECK(it);
        if (!val_class(it)->next) {
            exc_raise(exc_TypeError, "__await__() returned non-iterator of type '%s'", val_type_name(it));
            goto error;
        }
        TOP() = it;
        DISPATCH();
    }
    CASE(SEND): {
        Value sub = sp[-2], v = sp[-1];
        if (is_native_gen(sub)) {
            ObjGen *g = (ObjGen *)AS_OBJ(sub);
            SAVE_FRAME();
            if (g->state == GEN_CLOSED && g->hdr.cls == cls_generator) {
                sp--;
                sp[-1] = VAL_NONE;
                ip = code->code + arg;
                DISPATCH();
            }
            sp--;
            frame->sp = sp;
            if (g->state == GEN_CREATED && v == VAL_NONE && ST->vm_depth < ST->recursion_limit) {
                // `await coro(...)` of a coroutine just made: its frame runs
                // above this one as a call's would (link_resume's steps for
                // a generator that never ran)
                Frame *gf = g->frame;
                g->inner = NULL;
                g->state = GEN_RUNNING;
                g->awaited = true;
                g->yf = VAL_NULL;
                gf->parent = frame;
                gf->link = LINK_SEND;
                gf->ret_target = arg;
                gf->is_entry = false;
                ST->frame = gf;
                ST->vm_depth++;
                frame = gf;
                LOAD_FRAME();
                DISPATCH();
            }
            Frame *target = link_resume(g, v, frame, LINK_SEND, arg);
            if (!target) {
                sp++;
                frame->sp = sp;
                goto error;
            }
            frame = target;
            LOAD_FRAME();
            DISPATCH();
        }
        SAVE_FRAME();
        Value out;
        int r;
        if (val_class(sub)->am_send && (IS_NONE(v) || val_class(sub) != cls_agen_await)) {
            // an awaited future or sleep (which ignore a value sent in, as
            // their send methods do), or an async generator's asend
            // awaitable resumed with None: the result needs no StopIteration
            r = val_class(sub)->am_send(sub, &out);
            if (r == 1) {
                sp[-1] = out;
                DISPATCH();
            }
            if (r < 0) {
                goto error;
            }
            sp--;
            sp[-1] = out;
            ip = code->code + arg;
            DISPATCH();
        }
        // a user __next__ is called directly: its StopIteration's value is
        // the expression's value (slot_next would drop it)
        if (IS_NONE(v) && val_class(sub)->next && val_class(sub)->next != slot_next) {
            r = val_class(sub)->next(sub, &out);
        } else {
            out = call_method(sub, IS_NONE(v) ? "__next__" : "send", IS_NONE(v) ? 0 : 1, &v);
            r = out ? 1 : -1;
        }
        if (r == 1) {
            sp[-1] = out;
            DISPATCH();
        }
        if (r == 0) {
            sp--;
            sp[-1] = VAL_NONE;
            ip = code->code + arg;
            DISPATCH();
        }
        if (EXC_PENDING_IS(exc_StopIteration)) {
            Value e = exc_take();
            gc_push_root(e);
            Value val = obj_getattr(e, str_intern_c("value"));
            gc_pop_root(1);
            CHECK(val);
            sp--;
            sp[-1] = val;
            ip = code->code + arg;
            DISPATCH();
        }
        goto error;
    }
    CASE(GET_AITER): {
        SAVE_FRAME();
        Value v = TOP();
        bool found;
        Value it = call_method_opt(v, ST->s_aiter, 0, NULL, &found);
        if (!found) {
            exc_raise(exc_TypeError, "'async for' requires an object with __aiter__ method, got %s",
                      val_type_name(v));
            goto error;
        }
        CHECK(it);
        TOP() = it;
        DISPATCH();
    }
    CASE(GET_ANEXT): {
        SAVE_FRAME();
        Value v = TOP();
        if (IS_OBJ(v) && AS_OBJ(v)->cls == cls_async_generator) {
            // the builtin's __anext__ (the class can't be subclassed)
            Value aw = gen_agen_anext(v);
            CHECK(aw);
            PUSH(aw);
            DISPATCH();
        }
        bool found;
        Value aw = call_method_opt(v, ST->s_anext, 0, NULL, &found);
        if (!found) {
            exc_raise(exc_TypeError, "'async for' requires an iterator with __anext__ method, got %s",
                      val_type_name(v));
            goto error;
        }
        CHECK(aw);
        PUSH(aw);
        DISPATCH();
    }
    CASE(END_ASYNC_FOR): {
        Value exc = POP();
        sp--;
        if (exc_matches(exc, OBJ_VAL(exc_StopAsyncIteration))) {
            DISPATCH();
        }
        SAVE_FRAME();
        exc_raise_value(exc);
        reraise = true;
        goto error;
    }
    CASE(SETUP_FINALLY): {
        if (frame->nblocks == code->max_blocks) {
            SAVE_FRAME();
            exc_raise(exc_RuntimeError, "too many nested blocks");
            goto error;
        }
        Block *b = &FRAME_BLOCKS(frame)[frame->nblocks++];
        b->handler = arg;
        b->level = (uint32_t)(sp - FRAME_STACK_BASE(frame));
        DISPATCH();
    }
    CASE(POP_BLOCK):
        frame->nblocks--;
        DISPATCH();
    CASE(PUSH_EXC_INFO): {
        Value exc = TOP();
        TOP() = frame->handled ? frame->handled : VAL_NONE;
        PUSH(exc);
        frame->handled = exc;
        DISPATCH();
    }
    CASE(POP_EXCEPT): {
        Value prev = POP();
        if (frame->handled) {
            NOTE_DROPPED(frame->handled);    // the exception just handled
        }
        frame->handled = IS_NONE(prev) ? VAL_NULL : prev;
        DISPATCH();
    }
    CASE(CHECK_EXC_MATCH): {
        Value type = POP();
        Value exc = TOP();
        SAVE_FRAME();
        if (IS_TUPLE(type)) {
            for (size_t i = 0; i < AS_TUPLE(type)->len; i++) {
                Value t = AS_TUPLE(type)->items[i];
                if (!IS_CLASS(t) || !(AS_CLASS(t)->flags & CLS_EXCEPTION)) {
                    exc_raise(exc_TypeError,
                              "catching classes that do not inherit from BaseException is not allowed");
                    goto error;
                }
            }
        } else if (!IS_CLASS(type) || !(AS_CLASS(type)->flags & CLS_EXCEPTION)) {
            exc_raise(exc_TypeError, "catching classes that do not inherit from BaseException is not allowed");
            goto error;
        }
        TOP() = VAL_BOOL(exc_matches(exc, type));
        DISPATCH();
    }
    CASE(CHECK_EG_MATCH): {
        // both operands stay on the stack (GC roots) while derive() may run
        Value type = TOP();
        Value rest = PEEK(2);
        SAVE_FRAME();
        Value match, newrest;
        if (!excgroup_match(rest, type, &match, &newrest)) {
            goto error;
        }
        PEEK(2) = newrest;
        TOP() = match;
        if (!IS_NONE(match)) {
            frame->handled = match;
        }
        DISPATCH();
    }
    CASE(PREP_RERAISE_STAR): {
        Value raised = TOP();
        Value orig = PEEK(2);
        SAVE_FRAME();
        Value r = excgroup_prep_reraise(orig, raised);
        if (!r) {
            goto error;
        }
        sp--;
        TOP() = r;
        DISPATCH();
    }
    CASE(RERAISE): {
        Value exc = POP();
        Value prev = POP();
        frame->handled = IS_NONE(prev) ? VAL_NULL : prev;
        SAVE_FRAME();
        exc_raise_value(exc);
        reraise = true;
        goto error;
    }
    CASE(RAISE_VARARGS): {
        SAVE_FRAME();
        if (arg == 0) {
            Value h = handled_exc(frame);
            if (!h) {
                exc_raise(exc_RuntimeError, "No active exception to reraise");
                goto error;
            }
            exc_raise_value(h);
            reraise = true;
            goto error;
        }
        Value cause = arg == 2 ? POP() : VAL_NULL;
        Value exc = POP();
        if (IS_CLASS(exc) && (AS_CLASS(exc)->flags & CLS_EXCEPTION)) {
            frame->sp = sp;
            exc = exc_from_class(AS_CLASS(exc));
            CHECK(exc);
        } else if (!IS_OBJ(exc) || !(AS_OBJ(exc)->cls->flags & CLS_EXCEPTION)) {
            exc_raise(exc_TypeError, "exceptions must derive from BaseException");
            goto error;
        }
        if (cause) {
            if (IS_NONE(cause)) {
                AS_EXC(exc)->cause = VAL_NULL;
            } else if (IS_CLASS(cause) && (AS_CLASS(cause)->flags & CLS_EXCEPTION)) {
                cause = exc_new(AS_CLASS(cause), 0, NULL);
                CHECK(cause);
                AS_EXC(exc)->cause = cause;
            } else if (IS_OBJ(cause) && (AS_OBJ(cause)->cls->flags & CLS_EXCEPTION)) {
                AS_EXC(exc)->cause = cause;
            } else {
                exc_raise(exc_TypeError, "exception causes must derive from BaseException");
                goto error;
            }
            AS_EXC(exc)->suppress_context = true;
        }
        exc_raise_value(exc);
        goto error;
    }
    CASE(BEFORE_WITH):
    CASE(BEFORE_ASYNC_WITH): {
        bool async = INSTR_OP(instr) == OP_BEFORE_ASYNC_WITH;
        Value mgr = TOP();
        SAVE_FRAME();
        ObjStr *enter_name = async ? ST->s_aenter : ST->s_enter;
        ObjStr *exit_name = async ? ST->s_aexit : ST->s_exit;
        Value enter = class_lookup(val_class(mgr), enter_name);
        Value exitm = class_lookup(val_class(mgr), exit_name);
        if (!enter || !exitm) {
            // CPython 3.11.7 names the missing __exit__/__aexit__ when
            // only that one is missing
            const char *missed = !enter ? "" : async ? " (missed __aexit__ method)" : " (missed __exit__ method)";
            exc_raise(exc_TypeError, "'%s' object does not support the %scontext manager protocol%s",
                      val_type_name(mgr), async ? "asynchronous " : "", missed);
            goto error;
        }
        Value bound_exit = obj_getattr(mgr, exit_name);
        CHECK(bound_exit);
        sp[-1] = bound_exit;
        PUSH(mgr);
        frame->sp = sp;
        Value r = call_method(mgr, enter_name->data, 0, NULL);
        CHECK(r);
        sp[-1] = r;
        DISPATCH();
    }
    CASE(WITH_EXIT): {
        SAVE_FRAME();
        Value args[3] = {VAL_NONE, VAL_NONE, VAL_NONE};
        Value r = vm_call(TOP(), 3, args, NULL);
        CHECK(r);
        TOP() = r;
        DISPATCH();
    }
    CASE(WITH_EXCEPT_START): {
        SAVE_FRAME();
        Value exc = sp[-1];
        Value exitf = sp[-3];
        Value tb = AS_EXC(exc)->traceback ? AS_EXC(exc)->traceback : VAL_NONE;
        Value args[3] = {OBJ_VAL(val_class(exc)), exc, tb};
        Value r = vm_call(exitf, 3, args, NULL);
        CHECK(r);
        PUSH(r);
        DISPATCH();
    }
    CASE(IMPORT_NAME): {
        SAVE_FRAME();
        Value m = import_name_op(NAME(arg), frame->globals, frame->locals_dict, sp[-1], sp[-2]);
        CHECK(m);
        sp -= 2;
        PUSH(m);
        DISPATCH();
    }
    CASE(IMPORT_FROM): {
        SAVE_FRAME();
        Value v = import_from(TOP(), NAME(arg));
        CHECK(v);
        PUSH(v);
        DISPATCH();
    }
    CASE(IMPORT_STAR): {
        SAVE_FRAME();
        CHECK(import_star(TOP(), OBJ_VAL(frame->locals_dict ? frame->locals_dict : frame->globals)));
        sp--;
        DISPATCH();
    }
    CASE(LOAD_ASSERTION_ERROR):
        PUSH(OBJ_VAL(exc_AssertionError));
        DISPATCH();
    CASE(PRINT_EXPR): {
        SAVE_FRAME();
        CHECK(vm_print_expr(TOP()));
        sp--;
        DISPATCH();
    }
    CASE(SETUP_ANNOTATIONS):
        DISPATCH();
    CASE(COPY):
        sp[0] = sp[-(int)arg];
        sp++;
        DISPATCH();
    CASE(SWAP): {
        Value t = sp[-1];
        sp[-1] = sp[-(int)arg];
        sp[-(int)arg] = t;
        DISPATCH();
    }
    CASE(GET_LEN): {
        SAVE_FRAME();
        Value n = obj_len(TOP());
        CHECK(n);
        PUSH(n);
        DISPATCH();
    }
    CASE(MATCH_SEQUENCE): {
        SAVE_FRAME();
        int r = match_is_sequence(TOP());
        CHECK(r >= 0);
        PUSH(VAL_BOOL(r));
        DISPATCH();
    }
    CASE(MATCH_MAPPING): {
        SAVE_FRAME();
        int r = match_is_mapping(TOP());
        CHECK(r >= 0);
        PUSH(VAL_BOOL(r));
        DISPATCH();
    }
    CASE(MATCH_KEYS): {
        SAVE_FRAME();
        Value r = match_keys(PEEK(2), TOP());
        CHECK(r);
        PUSH(r);
        DISPATCH();
    }
    CASE(MATCH_CLASS): {
        SAVE_FRAME();
        Value r = match_class(PEEK(3), PEEK(2), TOP(), (int)arg);
        CHECK(r);
        sp -= 2;
        TOP() = r;
        DISPATCH();
    }

#ifndef PYISH_COMPUTED_GOTO
    default:
        abort();
    }
#endif

error:
    if (__builtin_expect(ST->trace.jumped, 0)) {
        // not an exception: the trace function moved the frame (a jump,
        // vm_trace_instr), whose ip is past the instruction to run now
        ST->trace.jumped = false;
        LOAD_FRAME();
#ifdef PYISH_COMPUTED_GOTO
        instr = ip[-1];
        arg = INSTR_ARG(instr);
        goto L_TRACE;
#else
        ip--;
        goto next_instr;
#endif
    }
    {
    // ip points after the failing instruction; sp is saved in the frame
    Value exc = exc_take();
    if (!exc) {
        exc = exc_new(exc_RuntimeError, 0, NULL);   // a C function failed without raising
    }
    if (!reraise) {
        tb_add(exc, frame);
        set_context(exc, frame);
        if (__builtin_expect(ST->trace.func || ST->trace.prof, 0)) {
            exc = vm_trace_exception(frame, exc);
        }
    }
    reraise = false;
    for (;;) {
        if (frame->nblocks > 0) {
            Block *b = &FRAME_BLOCKS(frame)[--frame->nblocks];
            close_dropped(frame, b->level, exc);
            sp = FRAME_STACK_BASE(frame) + b->level;
            PUSH(exc);
            ip = code->code + b->handler;
            DISPATCH();
        }
        // leave the frame
        close_dropped(frame, -1, exc);
        if (__builtin_expect(ST->trace.func || ST->trace.prof, 0)) {
            exc = vm_trace_unwind(frame, exc);
        }
        Frame *f = frame;
        ObjGen *g = f->gen;
        if (g) {
            // PEP 479: StopIteration escaping a generator
            if (exc_matches(exc, OBJ_VAL(exc_StopIteration)) ||
                (g->hdr.cls == cls_async_generator && exc_matches(exc, OBJ_VAL(exc_StopAsyncIteration)))) {
                bool se = exc_matches(exc, OBJ_VAL(exc_StopIteration));
                const char *kind = g->hdr.cls == cls_coroutine ? "coroutine"
                                   : g->hdr.cls == cls_async_generator ? "async generator" : "generator";
                Value msg = str_printf("%s raised %s", kind, se ? "StopIteration" : "StopAsyncIteration");
                Value ne = exc_new(exc_RuntimeError, 1, &msg);
                AS_EXC(ne)->cause = exc;
                AS_EXC(ne)->context = exc;
                AS_EXC(ne)->suppress_context = true;
                // its traceback starts in the caller (the StopIteration's
                // list must not be shared: it would grow with the new one)
                exc = ne;
            }
        }
        if (f->is_entry) {
            ST->frame = f->parent;
            f->parent = NULL;
            if (g) {
                gen_finished(g);
            } else {
                frame_release(f);
            }
            exc_raise_value(exc);
            *status = GEN_RAISED;
            result = VAL_NULL;
            goto done;
        }
        Frame *parent = f->parent;
        f->parent = NULL;
        ST->vm_depth--;
        if (g) {
            gen_finished(g);
            // the SEND/FOR_ITER that resumed it pops the dead generator
        } else {
            frame_release(f);
        }
        frame = parent;
        ST->frame = frame;
        LOAD_FRAME();
        if (g) {
            // the exception surfaces at SEND/FOR_ITER: its operand stays
        }
        tb_add(exc, frame);
        if (__builtin_expect(ST->trace.func || ST->trace.prof, 0)) {
            exc = vm_trace_exception(frame, exc);
        }
    }
}

done:
    ST->c_depth--;
    ST->vm_depth--;
    return result;
}
