// trace.c: sys.settrace and sys.setprofile, and the frame objects of running
// frames. While a trace or profile function is set, every entry of the
// state's dispatch table (ST->dispatch) is the loop's tracing label, which
// calls vm_trace_instr before each instruction: a frame that was not the
// last one traced is a call (or a generator's resume), a new line or a
// backward jump to a line's start is a 'line' event, RETURN_VALUE and
// YIELD_VALUE are 'return' events, and a call of a builtin is a 'c_call'
// whose 'c_return' comes with the frame's next instruction. The loop's
// error path reports 'exception' and the 'return' of a frame an exception
// leaves (vm_trace_exception, vm_trace_unwind). When neither function is
// set the table is the loop's own and nothing here runs: no cost.
//
// Frame objects: pyish's frames are not objects, so the object of a
// running frame is kept in ST->trace.frames (its address -> the object) for
// as long as it runs, so that the debugger's and the profiler's
// `frame is other` tests hold; the object reads f_lineno, f_locals and
// f_back from the frame while it runs (framesnap_running checks that it
// still does) and keeps what it last saw once it has finished.
#include "vm_internal.h"
#include "frameobj.h"
#include "containers.h"

#define T (ST->trace)

static Value frame_key(Frame *f) {
    return MK_SMALL((intptr_t)f >> 3);
}

static bool tracing(void) {
    return T.func || T.prof;
}

Frame *framesnap_running(Value snap) {
    ObjFrameSnap *s = SNAP(snap);
    Frame *f = s->live;
    if (!f) {
        return NULL;
    }
    if (s->gen) {
        return ((ObjGen *)AS_OBJ(s->gen))->frame == f ? f : NULL;
    }
    for (Frame *g = ST->frame; g; g = g->parent) {
        if (g == f) {
            return OBJ_VAL(f->code) == s->code ? f : NULL;
        }
    }
    return NULL;
}

int vm_frame_lineno(Frame *f) {
    if (f->ip == f->code->code) {
        return f->code->firstline;
    }
    if (f->code->lines[f->ip - 1 - f->code->code] < 0 && T.frames) {
        // no line of its own (a shared exit): the last line traced, as CPython's
        Value s;
        if (dict_get(AS_DICT(T.frames), frame_key(f), &s) == 1 && SNAP(s)->live == f && SNAP(s)->last_line > 0) {
            return SNAP(s)->last_line;
        }
    }
    return frame_line(f);
}

int vm_frame_lasti(Frame *f) {
    return 2 * (int)(f->ip - 1 - f->code->code);
}

Value vm_frame_locals(Value snap, Frame *f) {
    if (f->locals_dict) {
        return OBJ_VAL(f->locals_dict);
    }
    Value fresh = frame_locals(f);
    ObjFrameSnap *o = SNAP(snap);
    if (!fresh || !o->locals || !IS_A(o->locals, cls_dict)) {
        o->locals = fresh ? fresh : o->locals;
        return fresh;
    }
    // as CPython's: one dict per frame, brought up to date (keys a debugger
    // added, like bdb's __return__, stay)
    gc_push_root(fresh);
    ObjDict *d = AS_DICT(o->locals);
    ObjCode *co = f->code;
    ObjTuple *groups[3] = {co->varnames, co->cellvars, co->freevars};
    for (int g = 0; g < 3; g++) {
        for (size_t i = 0; groups[g] && i < groups[g]->len; i++) {
            Value v;
            if (dict_get(AS_DICT(fresh), groups[g]->items[i], &v) == 0 && dict_del(d, groups[g]->items[i]) < 0) {
                exc_clear();
            }
        }
    }
    size_t pos = 0;
    Value k, v;
    while (dict_next(AS_DICT(fresh), &pos, &k, &v)) {
        if (dict_set(d, k, v) < 0) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return o->locals;
}

static void mark_trace(void);

// The frame object of running frame [f]: the one it already has, else a
// new one (NULL on MemoryError).
static Value frame_object(Frame *f) {
    Value key = frame_key(f), s;
    if (!T.frames) {
        T.frames = dict_new();
        if (!T.frames) {
            return VAL_NULL;
        }
        gc_add_root_marker(mark_trace);
    }
    ObjDict *map = AS_DICT(T.frames);
    if (dict_get(map, key, &s) == 1) {
        // (while tracing, every frame that finishes drops its entry: one
        // with the frame's address and code is its own)
        ObjFrameSnap *o = SNAP(s);
        if (o->live == f && o->code == OBJ_VAL(f->code) && (tracing() || framesnap_running(s) == f)) {
            return s;
        }
    }
    if (!tracing() && map->used >= 64) {
        table_clear(map);   // sys._getframe's, untraced: they may have finished unseen
    }
    s = framesnap_new(OBJ_VAL(f->code), f->globals ? OBJ_VAL(f->globals) : VAL_NONE, vm_frame_lineno(f), VAL_NULL,
                      VAL_NULL);
    if (!s) {
        return VAL_NULL;
    }
    ObjFrameSnap *o = SNAP(s);
    o->live = f;
    o->back = VAL_NULL;
    if (f->gen) {
        o->gen = OBJ_VAL(f->gen);
    }
    if (f->ip > f->code->code) {
        // already running: its last instruction was the one before ip
        o->last_off = (int)(f->ip - 1 - f->code->code);
        o->last_line = code_line(f->code, (uint32_t)o->last_off);
    }
    gc_push_root(s);
    int r = dict_set(map, key, s);
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : s;
}

Value vm_frame_back(Frame *f) {
    if (!f->parent) {
        return VAL_NONE;
    }
    Value s = frame_object(f->parent);
    return s ? s : VAL_NULL;
}

// [f] has finished (or is about to): its object keeps its last line and
// no longer shows it.
static void detach(Frame *f) {
    Value key = frame_key(f), s;
    if (!T.frames || dict_get(AS_DICT(T.frames), key, &s) != 1) {
        return;
    }
    ObjFrameSnap *o = SNAP(s);
    if (o->live == f) {
        if (T.func && !T.busy) {
            // a debugger may look at it later: its last locals (not for
            // the profiler, which never does)
            gc_push_root(s);
            if (!vm_frame_locals(s, f)) {
                exc_clear();
            }
            gc_pop_root(1);
        }
        o->line = vm_frame_lineno(f);
        o->live = NULL;
        o->at_call = false;
        Value back;
        if (f->parent && dict_get(AS_DICT(T.frames), frame_key(f->parent), &back) == 1 &&
            SNAP(back)->live == f->parent) {
            o->back = back;
        }
    }
    dict_del(AS_DICT(T.frames), key);
    if (T.last_snap == s) {
        T.last_snap = VAL_NULL;
    }
}

// Drops the objects of frames that no longer run.
static void prune(void) {
    if (!T.frames) {
        return;
    }
    ObjDict *map = AS_DICT(T.frames);
    Value dead = list_new(0);
    if (!dead) {
        exc_clear();
        return;
    }
    gc_push_root(dead);
    size_t pos = 0;
    Value k, v;
    while (dict_next(map, &pos, &k, &v)) {
        if (!framesnap_running(v)) {
            list_append(AS_LIST(dead), k);
        }
    }
    for (size_t i = 0; i < AS_LIST(dead)->len; i++) {
        dict_del(map, AS_LIST(dead)->items[i]);
    }
    gc_pop_root(1);
}

// ---- calling the trace and profile functions

static Value event_name(int ev) {
    static const char *const names[] = {"call",   "line",     "return",      "exception",
                                        "c_call", "c_return", "c_exception", "opcode"};
    ObjStr **slot = &ST->s_trace_event[ev];     // interned once per state
    if (!*slot) {
        *slot = str_intern_c(names[ev]);
    }
    return OBJ_VAL(*slot);
}

static void set_dispatch(void) {
    ST->dispatch_tracing = tracing();
    if (!ST->dispatch_normal) {
        return;     // no loop ran yet: vm_run fills the table
    }
    if (tracing()) {
        for (int i = 0; i < 256; i++) {
            ST->dispatch[i] = ST->dispatch_trace;
        }
    } else {
        for (int i = 0; i < OP__COUNT; i++) {
            ST->dispatch[i] = (void *)ST->dispatch_normal[i];
        }
    }
}

// Calls [fn](frame, event, arg) with tracing off; the result, or VAL_NULL
// with the exception pending (the function is then unset, as CPython does).
// A trace function (not a profiler) may set the frame's f_lineno meanwhile
// (trace_jump.c: T.event_frame, T.event).
static Value call_hook(Value fn, Value snap, int ev, Value arg, bool profile) {
    Value argv[3] = {snap, event_name(ev), arg ? arg : VAL_NONE};
    T.busy = true;
    T.event_frame = profile ? NULL : SNAP(snap)->live;
    T.event = ev;
    gc_push_root(snap);
    Value r = vm_call(fn, 3, argv, NULL);
    gc_pop_root(1);
    T.busy = false;
    T.event_frame = NULL;
    if (!r) {
        if (profile) {
            T.prof = VAL_NULL;
        } else {
            T.func = VAL_NULL;
            SNAP(snap)->trace = VAL_NULL;
        }
        set_dispatch();
    }
    return r;
}

// The profile function's [ev] (not line, exception and opcode events), then
// the frame's local trace function's.
static bool report(Value snap, int ev, Value arg) {
    bool profiled = ev != EV_LINE && ev != EV_EXCEPTION && ev != EV_OPCODE;
    if (T.prof && profiled && !call_hook(T.prof, snap, ev, arg, true)) {
        return false;
    }
    if (ev >= EV_C_CALL && ev <= EV_C_EXCEPTION) {
        return true;    // (the trace function does not see builtins)
    }
    ObjFrameSnap *o = SNAP(snap);
    if (ev == EV_CALL) {
        if (!T.func) {
            return true;
        }
        Value r = call_hook(T.func, snap, ev, arg, false);
        if (!r) {
            return false;
        }
        o->trace = IS_NONE(r) ? VAL_NULL : r;
        return true;
    }
    if (!T.func || !o->trace) {
        return true;
    }
    Value r = call_hook(o->trace, snap, ev, arg, false);
    if (!r) {
        return false;
    }
    if (!IS_NONE(r) && ev != EV_RETURN) {
        o->trace = r;
    }
    return true;
}

// The c_call awaiting its c_return in [f], if the innermost one is there.
static Value pending_c_call(Frame *f) {
    if (!T.c_pending || AS_LIST(T.c_pending)->len == 0) {
        return VAL_NULL;
    }
    ObjList *l = AS_LIST(T.c_pending);
    Value e = l->items[l->len - 1];
    if (AS_TUPLE(e)->items[0] != frame_key(f)) {
        return VAL_NULL;
    }
    l->len--;
    return AS_TUPLE(e)->items[1];
}

static Value current_object(Frame *f) {
    if (f == T.last && T.last_snap) {
        return T.last_snap;
    }
    Value s = frame_object(f);
    if (s && f == T.last) {
        T.last_snap = s;
    }
    return s;
}

int vm_trace_instr(Frame *frame, uint32_t instr, Value *sp) {
    int op = INSTR_OP(instr);
    if (T.busy) {
        if (op == OP_RETURN_VALUE) {
            detach(frame);
        }
        return TRACE_OK;
    }
    Value cfn = T.prof ? pending_c_call(frame) : VAL_NULL;
    Value snap;
    T.jumped = false;
    if (frame != T.last) {
        // a new frame, or a generator resumed: a call
        snap = frame_object(frame);
        if (!snap) {
            return TRACE_ERROR;
        }
        T.last = frame;
        T.last_snap = snap;
        ObjFrameSnap *o = SNAP(snap);
        if (frame->ip - 1 == frame->code->code) {
            o->last_line = -1;
            o->line = frame->code->firstline;
            o->at_call = true;
        }
        bool ok = report(snap, EV_CALL, VAL_NONE);
        o->at_call = false;
        if (!ok) {
            return TRACE_ERROR;
        }
        if (o->pending_jump) {
            // a jump set at its yield's 'return' event: it goes on there
            T.jumped = jump_resume(frame, o);
            return T.jumped ? TRACE_JUMPED : TRACE_ERROR;
        }
    } else {
        snap = current_object(frame);
        if (!snap) {
            return TRACE_ERROR;
        }
        if (cfn && !call_hook(T.prof, snap, EV_C_RETURN, cfn, true)) {
            return TRACE_ERROR;
        }
    }
    ObjFrameSnap *o = SNAP(snap);
    ObjCode *code = frame->code;
    int off = (int)(frame->ip - 1 - code->code);
    int line = off < (int)code->ncode ? code->lines[off] : code_line(code, (uint32_t)off);
    bool noline = line < 0;     // no line of its own: no 'line' event
    if (noline) {
        line = o->last_line;
    }
    bool newline = !noline && (line != o->last_line ||
                               (off < o->last_off && (off == 0 || code_line(code, (uint32_t)off - 1) != line)));
    o->last_line = line;
    o->last_off = off;
    if (newline && line > 0 && o->trace && o->trace_lines && T.func) {
        gc_push_root(snap);
        bool ok = report(snap, EV_LINE, VAL_NONE);
        gc_pop_root(1);
        if (!ok) {
            T.jumped = false;   // (a jump, then an exception: it stops at the old place)
            return TRACE_ERROR;
        }
        if (T.jumped) {
            return TRACE_JUMPED;    // (its target's events are not reported again; the loop clears jumped)
        }
    }
    if (o->trace_opcodes && o->trace && T.func) {
        gc_push_root(snap);
        bool ok = report(snap, EV_OPCODE, VAL_NONE);
        gc_pop_root(1);
        if (!ok) {
            return TRACE_ERROR;
        }
    }
    if (op == OP_RETURN_VALUE || op == OP_YIELD_VALUE) {
        gc_push_root(snap);
        T.event_yield = op == OP_YIELD_VALUE;
        bool ok = report(snap, EV_RETURN, sp[-1]);
        T.event_yield = false;
        gc_pop_root(1);
        if (!ok) {
            return TRACE_ERROR;
        }
        Frame *next = frame;
        if (op == OP_YIELD_VALUE) {
            while (next->link == LINK_SEND && !next->is_entry && next->parent) {
                next = next->parent;    // the awaiting frames yield with it (vm.c)
            }
        } else {
            detach(frame);
        }
        T.last = next->parent;
        T.last_snap = VAL_NULL;
        return TRACE_OK;
    }
    if (T.prof && (op == OP_CALL || op == OP_CALL_KW)) {
        Value *base = op == OP_CALL ? sp - INSTR_ARG(instr) - 2 : sp - 1 - INSTR_ARG(instr) - 2;
        Value fn = base[0];
        if (IS_OBJ(fn) && AS_OBJ(fn)->cls == cls_native) {
            if (base[1]) {
                fn = bound_method_new(base[1], fn);     // the builtin as CPython passes it: bound
                if (!fn) {
                    return TRACE_ERROR;
                }
            }
            gc_push_root(fn);
            Value e = tuple_pack(2, frame_key(frame), fn);
            gc_pop_root(1);
            if (!e) {
                return TRACE_ERROR;
            }
            if (!T.c_pending) {
                T.c_pending = list_new(4);
                if (!T.c_pending) {
                    return TRACE_ERROR;
                }
            }
            gc_push_root(e);
            bool ok = list_append(AS_LIST(T.c_pending), e) && call_hook(T.prof, snap, EV_C_CALL, fn, true);
            gc_pop_root(1);
            if (!ok) {
                if (T.c_pending && AS_LIST(T.c_pending)->len) {
                    AS_LIST(T.c_pending)->len--;
                }
                return TRACE_ERROR;
            }
        }
    }
    return TRACE_OK;
}

// A hook failed while an exception was on its way: the hook's exception
// replaces it (as in CPython).
static Value hook_failed(Value exc) {
    Value e = exc_take();
    return e ? e : exc;
}

Value vm_trace_exception(Frame *frame, Value exc) {
    if (T.busy) {
        return exc;
    }
    gc_push_root(exc);
    Value cfn = T.prof ? pending_c_call(frame) : VAL_NULL;
    Value snap = current_object(frame);
    if (!snap) {
        gc_pop_root(1);
        return hook_failed(exc);
    }
    gc_push_root(snap);
    if (cfn && !call_hook(T.prof, snap, EV_C_EXCEPTION, cfn, true)) {
        exc = hook_failed(exc);
    } else if (T.func && SNAP(snap)->trace) {
        Value tb = obj_getattr(exc, str_intern_c("__traceback__"));
        Value info = tb ? tuple_pack(3, OBJ_VAL(val_class(exc)), exc, tb) : VAL_NULL;
        gc_push_root(info ? info : VAL_NONE);
        if (!info || !report(snap, EV_EXCEPTION, info)) {
            exc = hook_failed(exc);
        }
        gc_pop_root(1);
    }
    gc_pop_root(2);
    return exc;
}

Value vm_trace_unwind(Frame *frame, Value exc) {
    if (T.busy) {
        detach(frame);
        return exc;
    }
    gc_push_root(exc);
    Value snap = current_object(frame);
    if (snap) {
        gc_push_root(snap);
        if (!report(snap, EV_RETURN, VAL_NONE)) {
            exc = hook_failed(exc);
        }
        gc_pop_root(1);
    } else {
        exc = hook_failed(exc);
    }
    gc_pop_root(1);
    detach(frame);
    T.last = frame->parent;
    T.last_snap = VAL_NULL;
    return exc;
}

// ---- sys

void vm_trace_switched(void) {
    T.last_snap = VAL_NULL;
    set_dispatch();
}

static void mark_trace(void) {
    gc_mark_value(T.func);
    gc_mark_value(T.prof);
    gc_mark_value(T.frames);
    gc_mark_value(T.c_pending);
    gc_mark_value(T.last_snap);
}

static void hooks_changed(bool was_on) {
    gc_add_root_marker(mark_trace);
    if (tracing() && !was_on) {
        prune();
        T.last = ST->frame;     // the caller goes on: no call event for it
        T.last_snap = VAL_NULL;
        if (T.c_pending) {
            AS_LIST(T.c_pending)->len = 0;
        }
    }
    if (!tracing() && T.frames) {
        table_clear(AS_DICT(T.frames));
    }
    set_dispatch();
}

// sys.settrace / sys.setprofile: store the hook (None clears it) in *slot.
static Value set_hook(const char *name, Value *slot, int argc, Value *argv) {
    if (!arg_count(name, argc, 1, 1)) {
        return VAL_NULL;
    }
    bool was = tracing();
    *slot = IS_NONE(argv[0]) ? VAL_NULL : argv[0];
    hooks_changed(was);
    return VAL_NONE;
}

Value vm_settrace(int argc, Value *argv, ObjDict *kw) {
    return set_hook("settrace", &T.func, argc, argv);
}

Value vm_gettrace(int argc, Value *argv, ObjDict *kw) {
    return T.func ? T.func : VAL_NONE;
}

Value vm_setprofile(int argc, Value *argv, ObjDict *kw) {
    return set_hook("setprofile", &T.prof, argc, argv);
}

Value vm_getprofile(int argc, Value *argv, ObjDict *kw) {
    return T.prof ? T.prof : VAL_NONE;
}

// sys.call_tracing(func, args): func(*args) traced even from inside a
// trace function (the debugger's `debug` command).
Value vm_call_tracing(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("call_tracing", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!IS_A(argv[1], cls_tuple)) {
        return exc_raise(exc_TypeError, "call_tracing() argument 2 must be tuple, not %s", val_type_name(argv[1]));
    }
    bool busy = T.busy;
    Frame *last = T.last;
    T.busy = false;
    Value r = vm_call(argv[0], (int)AS_TUPLE(argv[1])->len, AS_TUPLE(argv[1])->items, NULL);
    T.busy = busy;
    T.last = last;
    T.last_snap = VAL_NULL;
    return r;
}

Value vm_getframe(int argc, Value *argv, ObjDict *kw) {
    int64_t depth = 0;
    if (argc > 1) {
        return exc_raise(exc_TypeError, "_getframe expected at most 1 argument, got %d", argc);
    }
    if (argc == 1 && !int_to_i64(argv[0], &depth)) {
        return VAL_NULL;
    }
    Frame *f = ST->frame;
    for (int64_t i = 0; i < depth && f; i++) {
        f = f->parent;
    }
    if (!f) {
        return exc_raise(exc_ValueError, "call stack is not deep enough");
    }
    Value s = frame_object(f);
    if (!s) {
        return VAL_NULL;
    }
    gc_push_root(s);
    Value locals = vm_frame_locals(s, f);   // (also what f_locals shows once the frame has finished)
    gc_pop_root(1);
    if (!locals) {
        return VAL_NULL;
    }
    SNAP(s)->line = vm_frame_lineno(f);
    return s;
}
