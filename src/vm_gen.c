// vm_gen.c: generator resume: generator objects' frames and their
// creation (gen_new), preparing a suspended generator (or the innermost
// delegate of its yield-from/await chain) to run, linking it above the
// running frame (link_resume, for SEND and FOR_ITER in the loop), and the
// entry points from C: gen_send, gen_throw (into the innermost delegate
// first) and gen_close.
#include "vm_internal.h"
#include "containers.h"
#include "class.h"

// ---- generator frames, as the generator objects see them (vmapi.h)
void frame_free(Frame *f) {
    mem_free(f, f->code->frame_size);
}

bool frame_in_block(Frame *f) {
    return f->nblocks > 0;
}

ObjCode *frame_code(Frame *f) {
    return f->code;
}

int frame_line(Frame *f) {
    uint32_t off = (uint32_t)(f->ip - f->code->code);
    return code_line(f->code, off ? off - 1 : 0);
}

Value frame_snapshot(Frame *f) {
    Value locals = frame_locals(f);
    if (!locals) {
        return VAL_NULL;
    }
    gc_push_root(locals);
    int line = f->ip == f->code->code ? f->code->firstline : frame_line(f);     // not started: the def line
    Value s = framesnap_new(OBJ_VAL(f->code), f->globals ? OBJ_VAL(f->globals) : VAL_NONE, line, locals, VAL_NONE);
    gc_pop_root(1);
    if (f->gen) {
        framesnap_set_generator(s, OBJ_VAL(f->gen));
    }
    return s;
}

Value gen_new(ObjFunction *func, Frame *frame) {
    int flags = func->code->flags;
    ObjClass *cls = (flags & CO_ASYNC_GENERATOR) ? cls_async_generator
                    : (flags & CO_COROUTINE)     ? cls_coroutine
                                                 : cls_generator;
    ObjGen *g = (ObjGen *)obj_alloc_small_hooked(cls, sizeof(ObjGen));
    g->frame = frame;
    frame->gen = g;
    g->state = GEN_CREATED;
    gen_set_names(g, func);
    if (cls == cls_coroutine) {
        // the caller's file and line (vm_current_file and vm_current_line,
        // inline: one coroutine is made per await in recursive code)
        Frame *cf = ST->frame;
        ObjStr *file = NULL;
        if (cf) {
            ObjCode *cc = cf->code;
            uint32_t off = (uint32_t)(cf->ip - cc->code);
            file = cc->filename;
            g->created_line = code_line(cc, off ? off - 1 : 0);
        }
        g->created = (Obj *)file;
        if (__builtin_expect(ST->coro_origin_depth > 0, 0) && file) {
            gc_push_root(OBJ_VAL(g));
            Value o = tb_capture_origin(ST->coro_origin_depth);
            gc_push_root(o);
            Value t = tuple_pack(2, OBJ_VAL(file), o);
            gc_pop_root(2);
            if (t) {
                g->created = AS_OBJ(t);
            }
        }
    }
    return OBJ_VAL(g);
}

// ---- generators: linking a suspended frame above the running one
// When a delegate deep in a `yield from`/`await` chain yields, every frame
// between it and the outermost generator only passes the value on; the VM
// suspends them all at once (YIELD_VALUE climbs the chain) and records the
// innermost frame in the outermost generator, so the next resume jumps
// straight there: a resume costs no dispatch per level of nesting (DESIGN §3).

// The frame to resume for [g]: its recorded innermost delegate when the
// chain is still intact (each frame linked to the next, all suspended),
// else g's own frame. [*extra] = frames of the chain above the innermost.
// The epoch counts every throw, and every resume of a generator that lies
// below the head of a recorded chain (flag in_chain), outside a chain's
// own fast path: a chain recorded at epoch E is known intact while the
// epoch is still E, without walking it to check. Resuming a head (a task
// stepping its coroutine) leaves the epoch alone, so many tasks with deep
// chains all keep their fast path.

static Frame *resume_target(ObjGen *g, int *extra) {
    ObjGen *ig = g->inner;
    g->inner = NULL;
    *extra = 0;
    if (ig && ig->state == GEN_SUSPENDED && ig->frame && g->inner_epoch == ST->gen_epoch) {
        *extra = (int)g->inner_depth;   // (its members follow g's state)
        ig->state = GEN_RUNNING;
        return ig->frame;
    }
    // the chain may have changed: its members get their own state back
    gen_unchain(g);
    if (!ig || ig->state != GEN_SUSPENDED || !ig->frame) {
        return g->frame;
    }
    Frame *inner = ig->frame;
    int n = 0;
    for (Frame *f = inner; f != g->frame; f = f->parent) {
        if (!f || !f->gen || gen_state(f->gen) != GEN_SUSPENDED || f->link != LINK_SEND || !f->parent ||
            !f->parent->gen || f->parent->gen->yf != OBJ_VAL(f->gen)) {
            return g->frame;
        }
        n++;
    }
    // intact after all: record it again, members chained to g
    ObjGen **chain = gen_chain_room(g, (uint32_t)n);
    int i = 0;
    for (Frame *f = inner; f != g->frame; f = f->parent, i++) {
        chain[i] = f->gen;
        if (i > 0) {
            f->gen->state = GEN_CHAINED;
            f->gen->inner = g;
        }
    }
    g->inner_depth = (uint32_t)n;
    ig->state = GEN_RUNNING;
    *extra = n;
    return inner;
}

// Prepares [g] to run with [value] sent; returns the frame to run (see
// resume_target), or NULL + exception if it can't run.
static Frame *gen_prepare(ObjGen *g, Value value, int *extra) {
    *extra = 0;
    if (gen_state(g) == GEN_RUNNING) {
        exc_raise(exc_ValueError, "%s already executing",
                  g->hdr.cls == cls_coroutine ? "coroutine" : "generator");
        return NULL;
    }
    if (g->state == GEN_CLOSED) {
        if (g->hdr.cls == cls_coroutine) {
            exc_raise(exc_RuntimeError, "cannot reuse already awaited coroutine");
        } else {
            exc_raise_value(OBJ_VAL(exc_StopIteration));
        }
        return NULL;
    }
    if (g->state == GEN_CHAINED) {
        gen_unchain(g);     // resumed on its own, not through its chain's head
    }
    Frame *target = g->frame;
    ASSERT(target && target->gen == g && target->on_heap);     // the generator owns its frame
    if (g->state == GEN_CREATED) {
        if (!IS_NONE(value)) {
            exc_raise(exc_TypeError, "can't send non-None value to a just-started %s",
                      g->hdr.cls == cls_coroutine ? "coroutine" : "generator");
            return NULL;
        }
        g->inner = NULL;
    } else {
        target = resume_target(g, extra);
        *target->sp++ = value;
    }
    g->state = GEN_RUNNING;
    g->awaited = true;
    g->yf = VAL_NULL;
    if (g->in_chain) {
        // resumed on its own, not through its chain's head
        g->in_chain = false;
        ST->gen_epoch++;
    }
    return target;
}

// The frame of a finished generator is freed by gen_finished after the
// loop has left it; these keep its values alive until then.
int gen_send_ex(ObjGen *g, Value value, Value exc, Value *out) {
    if (ST->c_depth >= C_DEPTH_LIMIT || ST->vm_depth >= ST->recursion_limit + 50 || c_stack_low()) {
        exc_raise(exc_RecursionError, "maximum recursion depth exceeded");
        return GEN_RAISED;
    }
    Frame *target = NULL;
    int extra = 0;
    if (exc) {
        if (gen_state(g) == GEN_RUNNING) {
            exc_raise(exc_ValueError, "%s already executing",
                      g->hdr.cls == cls_coroutine ? "coroutine" : "generator");
            return GEN_RAISED;
        }
        gen_unchain(g);
        g->inner = NULL;
        ST->gen_epoch++;
        if (g->state == GEN_RUNNING) {
            exc_raise(exc_ValueError, "%s already executing",
                      g->hdr.cls == cls_coroutine ? "coroutine" : "generator");
            return GEN_RAISED;
        }
        if (g->state == GEN_CLOSED) {
            exc_raise_value(exc);
            return GEN_RAISED;
        }
        if (g->state == GEN_SUSPENDED) {
            // the throw happens at the yield: nothing is pushed
        }
        g->state = GEN_RUNNING;
        g->awaited = true;
    } else if (!(target = gen_prepare(g, value, &extra))) {
        return GEN_RAISED;
    }
    Frame *f = g->frame;
    f->parent = ST->frame;
    f->is_entry = true;
    f->link = LINK_NONE;
    int status;
    ST->vm_depth += extra;
    if (extra) {
        ST->fast_head = g;
        ST->fast_inner = target->gen;
        ST->fast_epoch = ST->gen_epoch;
        ST->fast_level = 0;
    }
    Value r = vm_run(target ? target : f, &status, exc);
    *out = r;
    return status;
}

// A caller that is not a task's step is given the future a bare sleep()
// stands for (CLS_BARE_YIELD), as CPython's sleep yields one.
static int unbare(int st, Value *out) {
    if (st == GEN_YIELDED && IS_OBJ(*out) && (AS_OBJ(*out)->cls->flags & CLS_BARE_YIELD) && ST->aio_unbare) {
        *out = ST->aio_unbare(*out);
    }
    return st;
}

int gen_send_raw(ObjGen *gen, Value value, Value *out) {
    return gen_send_ex(gen, value, VAL_NULL, out);
}

int gen_send(ObjGen *gen, Value value, Value *out) {
    return unbare(gen_send_ex(gen, value, VAL_NULL, out), out);
}

int gen_next_into(Value it, Value *out, GenTakeFn take, void *ctx) {
    if (!take || !IS_A(it, cls_generator)) {
        return obj_next(it, out);
    }
    ObjGen *g = (ObjGen *)AS_OBJ(it);
    if (g->state == GEN_CLOSED) {
        return 0;
    }
    GenSink k = {take, ctx, g, ST->gen_sink};
    ST->gen_sink = &k;
    int st = gen_send(g, VAL_NONE, out);
    ST->gen_sink = k.prev;
    return st == GEN_YIELDED ? 1 : st == GEN_RETURNED ? 0 : -1;
}

// [gen]'s delegate finished with [value] while a throw went through it:
// resume gen after its yield-from loop (at SEND's exit) with that value.
static int resume_after_delegate(ObjGen *gen, Value value, Value *out) {
    Frame *f = gen->frame;
    f->sp[-1] = value;      // replaces the delegate on the stack
    // the SEND owning the loop precedes the YIELD_VALUE gen is suspended at
    uint32_t *p = f->ip - 1;
    while (p > f->code->code && INSTR_OP(*p) != OP_SEND) {
        p--;
    }
    f->ip = f->code->code + INSTR_ARG(*p);
    gen->yf = VAL_NULL;
    gen->inner = NULL;
    ST->gen_epoch++;
    gen->state = GEN_RUNNING;
    f->parent = ST->frame;
    f->is_entry = true;
    int status;
    *out = vm_run(f, &status, VAL_NULL);
    return status;
}

static int gen_throw_rooted(ObjGen *gen, Value exc, Value raw, Value *out);

// Throws [exc] into [gen] (at its innermost delegate first). The exception
// and the generator stay rooted while pyish code runs.
int gen_throw(ObjGen *gen, Value exc, Value *out) {
    return gen_throw_args(gen, exc, VAL_NULL, out);
}

// As gen_throw; [raw] (a tuple or VAL_NULL) holds throw()'s own arguments:
// a delegate that is not a generator gets them unchanged (as CPython), and
// [exc] is VAL_NULL when they are not a valid exception, which is then
// reported only where no such delegate takes them.
static int gen_throw_args_raw(ObjGen *gen, Value exc, Value raw, Value *out) {
    gc_push_root(exc ? exc : VAL_NONE);
    gc_push_root(raw ? raw : VAL_NONE);
    gc_push_root(OBJ_VAL(gen));
    int st = gen_throw_rooted(gen, exc, raw, out);
    gc_pop_root(3);
    return st;
}

int gen_throw_args(ObjGen *gen, Value exc, Value raw, Value *out) {
    return unbare(gen_throw_args_raw(gen, exc, raw, out), out);
}

int gen_throw_raw(ObjGen *gen, Value exc, Value *out) {
    return gen_throw_args_raw(gen, exc, VAL_NULL, out);
}

static int gen_throw_rooted(ObjGen *gen, Value exc, Value raw, Value *out) {
    // Throw into the innermost delegate first (yield from / await).
    if (gen_state(gen) == GEN_SUSPENDED) {
        gen_unchain(gen);   // each level handles the throw on its own
    }
    if (gen->state == GEN_SUSPENDED && gen->yf && IS_OBJ(gen->yf)) {
        Value yf = gen->yf;
        ObjClass *yc = AS_OBJ(yf)->cls;
        bool is_gen_exit = exc && exc_matches(exc, OBJ_VAL(exc_GeneratorExit));
        if (yc == cls_generator || yc == cls_coroutine) {
            ObjGen *sub = (ObjGen *)AS_OBJ(yf);
            Value r;
            int st;
            gc_push_root(OBJ_VAL(gen));
            if (is_gen_exit) {
                bool ok = gen_close(sub);
                gc_pop_root(1);
                if (!ok) {
                    exc = exc_take();
                    goto throw_here;
                }
                goto throw_here;
            }
            st = gen_throw_args(sub, exc, raw, &r);
            gc_pop_root(1);
            if (st == GEN_YIELDED) {
                *out = r;
                return GEN_YIELDED;
            }
            if (st == GEN_RETURNED) {
                return resume_after_delegate(gen, r, out);
            }
            exc = exc_take();
            goto throw_here;
        }
        if (!is_gen_exit) {
            bool found;
            Value r;
            Value meth = obj_getattr(yf, str_intern_c("throw"));
            found = meth != VAL_NULL;
            if (!found) {
                if (!EXC_PENDING_IS(exc_AttributeError)) {
                    exc = exc_take();
                    goto throw_here;
                }
                exc_clear();
                r = VAL_NULL;
            } else if (raw) {
                gc_push_root(meth);
                r = vm_call(meth, (int)AS_TUPLE(raw)->len, AS_TUPLE(raw)->items, NULL);
                gc_pop_root(1);
            } else {
                gc_push_root(meth);
                r = vm_call(meth, 1, &exc, NULL);
                gc_pop_root(1);
            }
            if (found) {
                if (r) {
                    *out = r;
                    return GEN_YIELDED;
                }
                if (EXC_PENDING_IS(exc_StopIteration)) {
                    Value e = exc_take();
                    Value v = obj_getattr(e, str_intern_c("value"));
                    return resume_after_delegate(gen, v ? v : VAL_NONE, out);
                }
                exc = exc_take();
            }
        } else {
            bool found;
            Value r = call_method_opt(yf, str_intern_c("close"), 0, NULL, &found);
            if (found && !r) {
                exc = exc_take();
            }
        }
    }
    if (!exc) {
        // throw()'s arguments are not an exception and no delegate took them
        gen_make_throw_exc((int)AS_TUPLE(raw)->len, AS_TUPLE(raw)->items);
        return GEN_RAISED;
    }
throw_here:
    if (IS_CLASS(exc)) {
        exc = exc_new(AS_CLASS(exc), 0, NULL);
        if (!exc) {
            return GEN_RAISED;
        }
    }
    if (gen->state == GEN_CREATED) {
        // never started: the exception is raised without running it, at
        // the def line (as CPython's traceback shows it)
        if (gen->frame && IS_OBJ(exc) && obj_isinstance(exc, exc_BaseException)) {
            ObjException *e = AS_EXC(exc);
            gc_push_root(exc);
            Value tb = traceback_new(e->traceback && IS_A(e->traceback, cls_traceback) ? e->traceback : VAL_NULL,
                                     OBJ_VAL(gen->frame->code),
                                     gen->frame->globals ? OBJ_VAL(gen->frame->globals) : VAL_NONE,
                                     gen->frame->code->firstline, -1);
            e->traceback = tb;
            gc_pop_root(1);
        }
        gen_finished(gen);
        exc_raise_value(exc);
        return GEN_RAISED;
    }
    return gen_send_ex(gen, VAL_NONE, exc, out);
}

bool gen_close(ObjGen *gen) {
    if (gen->state == GEN_CLOSED) {
        return true;
    }
    if (gen->state == GEN_CREATED) {
        gen_finished(gen);
        return true;
    }
    Value exc = exc_new(exc_GeneratorExit, 0, NULL);
    Value out;
    int st = gen_throw(gen, exc, &out);
    if (st == GEN_YIELDED) {
        exc_raise(exc_RuntimeError, "%s ignored GeneratorExit",
                  gen->hdr.cls == cls_coroutine ? "coroutine" : "generator");
        return false;
    }
    if (st == GEN_RAISED) {
        if (EXC_PENDING_IS(exc_GeneratorExit) || EXC_PENDING_IS(exc_StopIteration)) {
            exc_clear();
            return true;
        }
        return false;
    }
    return true;
}

// ---- the fast-resumed chain as it changes below its running member
// A chain gen_send_ex fast-resumed stays known while it runs: when its
// running member (ST->fast_inner) returns into the next one, that one runs
// (fast_chain_returned), and when a delegate that member linked since
// yields, only the new levels are walked (fast_chain_suspend). So `await
// x()` in a loop at depth N costs the same as at depth 1 (DESIGN §3).

// ST->fast_inner finished (its epoch bump already counted) and returned
// into [parent]: the chain's next member runs, or (the head) the record ends.
void fast_chain_returned(Frame *parent) {
    ObjGen *head = ST->fast_head;
    uint32_t level = ST->fast_level + 1;
    if (level < head->inner_depth && !head->chain_one && parent->gen == head->chain[level]) {
        ST->fast_inner = parent->gen;
        ST->fast_level = level;
        ST->fast_epoch = ST->gen_epoch;
    } else {
        ST->fast_inner = NULL;
    }
}

// Frame [f] (linked by SEND) yields while the chain is known: when it is
// ST->fast_inner or lies above it through SEND links only, suspends the
// whole chain as YIELD_VALUE's walk would, and returns the head's frame;
// else NULL (nothing changed).
Frame *fast_chain_suspend(Frame *f) {
    uint32_t k = 0;
    for (Frame *p = f; p->gen != ST->fast_inner; p = p->parent, k++) {
        if (!p->gen || p->link != LINK_SEND || p->is_entry || !p->parent) {
            return NULL;
        }
    }
    ObjGen *head = ST->fast_head;
    uint32_t n = head->inner_depth, level = ST->fast_level, keep = n - level, n2 = keep + k;
    ObjGen **chain = head->chain_one ? &head->chain1 : head->chain;
    if (k != level) {
        // the members still suspended (from fast_inner on) move to [k]
        ObjGen *one, **save = keep <= 1 ? &one : mem_alloc(sizeof(ObjGen *) * keep);
        memcpy(save, chain + level, sizeof(ObjGen *) * keep);
        chain = gen_chain_room(head, n2);
        memcpy(chain + k, save, sizeof(ObjGen *) * keep);
        if (save != &one) {
            mem_free(save, sizeof(ObjGen *) * keep);
        }
    }
    Frame *p = f;
    for (uint32_t i = 0; i < k; i++, p = p->parent) {
        ObjGen *m = p->gen;
        Frame *q = p->parent;
        chain[i] = m;
        m->in_chain = true;
        if (i > 0) {
            m->state = GEN_CHAINED;     // from now on, the head's state
            m->inner = head;
        }
        if (INSTR_OP(*q->ip) == OP_YIELD_VALUE) {
            q->ip++;    // as if it had executed its YIELD_VALUE 1
        }
        q->gen->yf = q->sp[-1];
        q->gen->yield_kind = 1;
    }
    if (k > 0 && level == 0) {
        p->gen->state = GEN_CHAINED;    // the innermost before: a member now
        p->gen->inner = head;
    }
    Frame *hf = head->frame;
    head->state = GEN_SUSPENDED;
    head->yf = hf->sp[-1];
    head->yield_kind = 1;
    head->inner = chain[0];
    head->inner_epoch = ST->gen_epoch;
    head->inner_depth = n2;
    ST->vm_depth -= (int)n2;
    ST->fast_inner = NULL;      // suspended: the next gen_send_ex records it again
    return hf;
}

// Resumes generator [g] with [v] from the running loop: links its frame
// above [parent] ([link] says how its return continues the parent, at
// [target]) and returns the frame to run next (see resume_target); NULL
// with an exception pending if it cannot run.
Frame *link_resume(ObjGen *g, Value v, Frame *parent, uint8_t link, uint32_t target) {
    if (ST->vm_depth >= ST->recursion_limit) {
        exc_raise(exc_RecursionError, "maximum recursion depth exceeded");
        return NULL;
    }
    int extra;
    Frame *run_frame = gen_prepare(g, v, &extra);
    if (!run_frame) {
        return NULL;
    }
    Frame *gf = g->frame;
    ASSERT(gf->gen == g && gf->on_heap);
    gf->parent = parent;
    gf->link = link;
    gf->ret_target = target;
    gf->is_entry = false;
    ST->frame = run_frame;
    ST->vm_depth += 1 + extra;
    if (extra) {
        ST->fast_head = g;      // (as gen_send_ex: a `for` over a yield-from chain)
        ST->fast_inner = run_frame->gen;
        ST->fast_epoch = ST->gen_epoch;
        ST->fast_level = 0;
    }
    return run_frame;
}
