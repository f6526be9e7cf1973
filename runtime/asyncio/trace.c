// trace.c: `pyish --trace-file FILE`: the event loop's schedule as a Chrome
// trace event file (JSON object format, loads in Perfetto and
// chrome://tracing). Track (tid) 1 is the loop: its callbacks and timer
// wake-ups as slices, its idle time as "idle" slices, fired timers and I/O
// as instants. Each task gets its own track, named "Task-N (coro)" when it
// first runs; each of its steps is a complete ("X") slice named by its
// coroutine and the file:line it resumed at. A ready item queued while a
// slice runs (a task created or woken, a callback scheduled) starts a flow
// ("s") there that ends ("f") at the slice that runs it, so Perfetto draws
// who woke whom. Timestamps are microseconds on the clock in use (virtual
// under --virtual-clock) since the trace started.
//
// Invariant: within a track, events appear in the file in the order of
// their timestamps. A slice is written when it ends (its duration is known
// then), so whatever happens inside it (flows out, timers it schedules) is
// held back in [deferred] and written right after it. Slices never nest:
// items run one at a time, and a run inside an item (impossible for a
// running loop) would get no slice of its own.
//
// Only cold code: the loop calls in here when its dbg byte has
// LOOP_DBG_TRACE. Nothing here allocates on the pyish heap, so nothing here
// can collect; the writer's own buffers are malloc'd and belong to the state.
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "asyncio.h"
#include "runtime.h"
#include "gen.h"
#include "func.h"
#include "clock.h"
#include "numstr.h"

#define TRACE_PID 1
#define TRACE_TID_LOOP 1

typedef struct TBuf {
    char *p;
    size_t len, cap;
} TBuf;

struct AioTrace {
    FILE *out;
    double t0;              // clock_monotonic() when the trace began: ts 0
    bool first;             // nothing written after "[" yet (no comma)
    uint32_t flows;         // the last flow id given out
    bool open;              // a slice is running
    int64_t tid;            // its track
    double start;           // its start (clock_monotonic())
    TBuf name;              // its name, as a JSON string
    TBuf deferred;          // events inside it, each after ",\n"
    TBuf ev;                // the event being built
};

// ---- buffers
static void tb_reserve(TBuf *b, size_t more) {
    if (b->len + more + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 256;
        while (ncap < b->len + more + 1) {
            ncap *= 2;
        }
        char *p = realloc(b->p, ncap);
        if (!p) {
            abort();
        }
        b->p = p;
        b->cap = ncap;
    }
}

static void tb_put(TBuf *b, const char *s, size_t n) {
    tb_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void tb_printf(TBuf *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        tb_reserve(b, (size_t)n);
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

// [s] as a JSON string: quotes, backslashes and control characters escaped;
// bytes that are not UTF-8 become U+FFFD, so the file always parses.
static void tb_json(TBuf *b, const char *s) {
    tb_put(b, "\"", 1);
    size_t left = strlen(s);
    while (left > 0) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80) {
            int n = utf8_valid_len(s, left);
            if (n > 0) {
                tb_put(b, s, (size_t)n);
                s += n;
                left -= (size_t)n;
            } else {
                tb_put(b, "\\ufffd", 6);
                s++;
                left--;
            }
            continue;
        }
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            tb_put(b, esc, 2);
        } else if (c < 0x20) {
            tb_printf(b, "\\u%04x", c);
        } else {
            tb_put(b, s, 1);
        }
        s++;
        left--;
    }
    tb_put(b, "\"", 1);
}

// ---- writing events
static double ts_of(struct AioTrace *tr, double t) {
    double us = (t - tr->t0) * 1e6;
    return us > 0 ? us : 0;
}

static void write_raw(struct AioTrace *tr, const char *s, size_t n) {
    fputs(tr->first ? "\n" : ",\n", tr->out);
    fwrite(s, 1, n, tr->out);
    tr->first = false;
}

// Writes the event built in tr->ev: held back while a slice runs.
static void emit(struct AioTrace *tr) {
    if (tr->open) {
        tb_put(&tr->deferred, ",\n", 2);
        tb_put(&tr->deferred, tr->ev.p, tr->ev.len);
    } else {
        write_raw(tr, tr->ev.p, tr->ev.len);
    }
    tr->ev.len = 0;
}

// Starts an event in tr->ev: {"name":NAME,"cat":CAT,"ph":PH,"ts":T,"pid":1,"tid":TID
// (the caller adds its fields and the closing brace).
static void ev_begin(struct AioTrace *tr, const char *name, const char *cat, const char *ph, double t, int64_t tid) {
    tr->ev.len = 0;
    tb_put(&tr->ev, "{\"name\":", 8);
    tb_json(&tr->ev, name);
    tb_printf(&tr->ev, ",\"cat\":\"%s\",\"ph\":\"%s\",\"ts\":%.3f,\"pid\":%d,\"tid\":%lld", cat, ph, ts_of(tr, t),
              TRACE_PID, (long long)tid);
}

static void metadata(struct AioTrace *tr, const char *what, int64_t tid, const char *name, int sort) {
    tr->ev.len = 0;
    tb_printf(&tr->ev, "{\"name\":\"%s\",\"ph\":\"M\",\"ts\":0,\"pid\":%d,\"tid\":%lld,\"args\":{", what, TRACE_PID,
              (long long)tid);
    if (name) {
        tb_put(&tr->ev, "\"name\":", 7);
        tb_json(&tr->ev, name);
    } else {
        tb_printf(&tr->ev, "\"sort_index\":%d", sort);
    }
    tb_put(&tr->ev, "}}", 2);
    emit(tr);
}

// The track events happen on now: the running slice's, else the loop's.
static int64_t cur_tid(struct AioTrace *tr) {
    return tr->open ? tr->tid : TRACE_TID_LOOP;
}

static void instant(struct AioTrace *tr, const char *name, const char *cat, int64_t tid, const char *args) {
    ev_begin(tr, name, cat, "i", clock_monotonic(), tid);
    tb_put(&tr->ev, ",\"s\":\"t\"", 8);
    if (args) {
        tb_printf(&tr->ev, ",\"args\":{%s}", args);
    }
    tb_put(&tr->ev, "}", 1);
    emit(tr);
}

void trace_start(FILE *out) {
    struct AioTrace *tr = calloc(1, sizeof *tr);
    if (!tr) {
        return;
    }
    tr->out = out;
    tr->t0 = clock_monotonic();
    tr->first = true;
    ST->aio_trace = tr;
    fprintf(out, "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"clock\":\"%s\"},\"traceEvents\":[",
            ST->clock_virtual ? "virtual" : "real");
    metadata(tr, "process_name", TRACE_TID_LOOP, "pyish", 0);
    metadata(tr, "thread_name", TRACE_TID_LOOP, "event loop", 0);
    metadata(tr, "thread_sort_index", TRACE_TID_LOOP, NULL, 0);
}

static void close_slice(struct AioTrace *tr, const char *args);

void trace_finish(void) {
    struct AioTrace *tr = ST->aio_trace;
    if (!tr) {
        return;
    }
    if (tr->open) {
        close_slice(tr, "\"then\":\"the program ended\"");
    }
    fputs("\n]}\n", tr->out);
    fflush(tr->out);
    free(tr->name.p);
    free(tr->deferred.p);
    free(tr->ev.p);
    free(tr);
    ST->aio_trace = NULL;
}

// ---- names
static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

// "coro file:line": [t]'s coroutine and where it stands now (where the step
// resumes, or where it suspended); a non-coroutine by its type.
static void where(TBuf *b, ObjTask *t, bool with_coro) {
    if (!gen_is_gen(t->coro)) {
        tb_put(b, val_type_name(t->coro), strlen(val_type_name(t->coro)));
        return;
    }
    ObjGen *g = (ObjGen *)AS_OBJ(t->coro);
    ObjGen *u = task_user_gen(g, NULL);
    if (with_coro) {
        tb_printf(b, "%s ", gen_qualname(g)->data);
    }
    if (u->frame) {
        tb_printf(b, "%s:%d", base_name(frame_code(u->frame)->filename->data), gen_line(u));
    } else {
        tb_put(b, "?", 1);
    }
}

static void task_label(TBuf *b, ObjTask *t) {
    Value name = task_set_name_value(t);
    if (name && IS_STR(name)) {
        tb_put(b, AS_STR(name)->data, AS_STR(name)->len);
    } else {
        tb_printf(b, "Task-%lld", (long long)t->num);
    }
}

// A callable as "qualname file:line" (pyish functions) or its name.
static void callable_label(TBuf *b, Value cb) {
    if (IS_A(cb, cls_bound_method)) {
        cb = ((ObjBoundMethod *)AS_OBJ(cb))->func;
    }
    if (IS_A(cb, cls_function)) {
        ObjFunction *fn = (ObjFunction *)AS_OBJ(cb);
        tb_printf(b, "%s %s:%d", fn->qualname->data, base_name(fn->code->filename->data), fn->code->firstline);
    } else if (IS_A(cb, cls_native)) {
        tb_printf(b, "%s", ((ObjNative *)AS_OBJ(cb))->name);
    } else {
        tb_printf(b, "%s", val_type_name(cb));
    }
}

static ObjTask *item_task(const ReadyItem *it) {
    return it->kind == R_STEP || it->kind == R_WAKEUP ? (ObjTask *)AS_OBJ(it->a) : NULL;
}

// A flow's name, the same at both ends: "create" (a task's first step),
// "wake" (a later step) or "call" (a callback).
static const char *flow_name(const ReadyItem *it) {
    ObjTask *t = item_task(it);
    if (!t) {
        return "call";
    }
    bool fresh = gen_is_gen(t->coro) && ((ObjGen *)AS_OBJ(t->coro))->state == GEN_CREATED;
    return fresh ? "create" : "wake";
}

// ---- hooks
void trace_push(ReadyItem *it) {
    struct AioTrace *tr = ST->aio_trace;
    it->flow = 0;
    if (!tr || !tr->open) {
        return;     // queued by the loop itself (timers, I/O) or the main program
    }
    it->flow = ++tr->flows;
    ev_begin(tr, flow_name(it), "flow", "s", clock_monotonic(), tr->tid);
    tb_printf(&tr->ev, ",\"id\":%u}", it->flow);
    emit(tr);
}

bool trace_item_begin(ReadyItem *it) {
    struct AioTrace *tr = ST->aio_trace;
    if (!tr || tr->open) {
        return false;
    }
    ObjTask *t = item_task(it);
    int64_t tid = TRACE_TID_LOOP;
    tr->name.len = 0;
    TBuf label = {0};
    if (t) {
        if (t->f.state != FUT_PENDING) {
            return false;   // task_step does nothing
        }
        tid = TRACE_TID_LOOP + t->num;
        if (!t->traced) {
            t->traced = true;
            task_label(&label, t);
            tb_put(&label, " (", 2);
            if (gen_is_gen(t->coro)) {
                tb_printf(&label, "%s", gen_qualname((ObjGen *)AS_OBJ(t->coro))->data);
            } else {
                tb_printf(&label, "%s", val_type_name(t->coro));
            }
            tb_put(&label, ")", 1);
            metadata(tr, "thread_name", tid, label.p, 0);
            metadata(tr, "thread_sort_index", tid, NULL, (int)(t->num < 1000000 ? t->num : 1000000));
            label.len = 0;
        }
        where(&label, t, true);
    } else if (it->kind == R_CALLBACK) {
        if (it->a == ST->stop_cb) {
            tb_printf(&label, "stop (run_until_complete's future is done)");
        } else {
            tb_printf(&label, "callback ");
            callable_label(&label, it->a);
        }
    } else {
        ObjHandle *h = (ObjHandle *)AS_OBJ(it->a);
        if (aio_handle_dead(h)) {
            free(label.p);
            return false;
        }
        if (h->kind == H_SLEEP) {
            tb_printf(&label, "sleep timer");
        } else {
            tb_printf(&label, h->is_timer ? "timer " : "callback ");
            callable_label(&label, h->callback);
        }
    }
    tb_json(&tr->name, label.p ? label.p : "?");
    free(label.p);
    tr->open = true;
    tr->tid = tid;
    tr->start = clock_monotonic();
    tr->deferred.len = 0;
    if (it->flow) {
        ev_begin(tr, flow_name(it), "flow", "f", tr->start, tid);
        tb_printf(&tr->ev, ",\"bp\":\"e\",\"id\":%u}", it->flow);
        emit(tr);
    }
    return true;
}

static void close_slice(struct AioTrace *tr, const char *args) {
    double end = clock_monotonic();
    tr->open = false;
    tr->ev.len = 0;
    tb_put(&tr->ev, "{\"name\":", 8);
    tb_put(&tr->ev, tr->name.p, tr->name.len);
    tb_printf(&tr->ev, ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":%d,\"tid\":%lld",
              tr->tid == TRACE_TID_LOOP ? "callback" : "step", ts_of(tr, tr->start),
              end > tr->start ? (end - tr->start) * 1e6 : 0.0, TRACE_PID, (long long)tr->tid);
    if (args) {
        tb_printf(&tr->ev, ",\"args\":{%s}", args);
    }
    tb_put(&tr->ev, "}", 1);
    write_raw(tr, tr->ev.p, tr->ev.len);
    tr->ev.len = 0;
    if (tr->deferred.len) {
        fwrite(tr->deferred.p, 1, tr->deferred.len, tr->out);
        tr->deferred.len = 0;
    }
}

void trace_item_end(ReadyItem *it) {
    struct AioTrace *tr = ST->aio_trace;
    if (!tr || !tr->open) {
        return;
    }
    ObjTask *t = item_task(it);
    if (!t) {
        close_slice(tr, NULL);
        return;
    }
    TBuf args = {0}, s = {0};
    tb_put(&args, "\"task\":", 7);
    task_label(&s, t);
    tb_json(&args, s.p);
    s.len = 0;
    if (t->f.state == FUT_PENDING) {
        tb_put(&s, "suspended at ", 13);
        where(&s, t, false);
    } else if (t->f.state == FUT_CANCELLED) {
        tb_put(&s, "cancelled", 9);
    } else if (fut_exc(&t->f)) {
        tb_printf(&s, "raised %s", val_type_name(fut_exc(&t->f)));
    } else {
        tb_put(&s, "returned", 8);
    }
    tb_put(&args, ",\"then\":", 8);
    tb_json(&args, s.p);
    close_slice(tr, args.p);
    free(args.p);
    free(s.p);
}

void trace_timer(ObjHandle *h, bool fired) {
    struct AioTrace *tr = ST->aio_trace;
    if (!tr) {
        return;
    }
    TBuf name = {0};
    double now = clock_monotonic();
    if (fired) {
        tb_put(&name, "timer fired: ", 13);
    }
    if (h->kind == H_SLEEP && fired) {
        tb_put(&name, "sleep", 5);
    } else if (h->kind == H_SLEEP) {
        tb_printf(&name, "sleep(%g)", h->when - now);
    } else {
        if (!fired) {
            tb_printf(&name, "call_at(+%g) ", h->when - now);
        }
        callable_label(&name, h->callback);
    }
    char args[64];
    snprintf(args, sizeof args, fired ? "\"late_ms\":%.3f" : "\"deadline_ms\":%.3f",
             fired ? (now - h->when) * 1e3 : (h->when - tr->t0) * 1e3);
    instant(tr, name.p, "timer", fired ? TRACE_TID_LOOP : cur_tid(tr), args);
    free(name.p);
}

void trace_idle_end(double start, bool blocked, bool io, size_t nready) {
    struct AioTrace *tr = ST->aio_trace;
    if (!tr || tr->open) {
        return;
    }
    double end = clock_monotonic();
    if (io && blocked) {
        ev_begin(tr, "I/O wait", "io", "i", start, TRACE_TID_LOOP);
        tb_put(&tr->ev, ",\"s\":\"t\"}", 9);
        emit(tr);
    }
    if (blocked && end > start) {
        ev_begin(tr, io ? "idle (waiting for I/O or a timer)" : "idle (waiting for a timer)", "idle", "X", start,
                 TRACE_TID_LOOP);
        tb_printf(&tr->ev, ",\"dur\":%.3f}", (end - start) * 1e6);
        emit(tr);
    }
    if (nready) {
        char args[48];
        snprintf(args, sizeof args, "\"handles\":%zu", nready);
        instant(tr, "I/O ready", "io", TRACE_TID_LOOP, args);
    }
}
