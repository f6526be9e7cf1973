// vm_args.c: argument binding: making the frame of a call to a pyish
// function (make_call_frame), with its positional, keyword, default, *args
// and **kwargs arguments bound to the parameters and its cells made, and
// CPython's TypeError messages for arguments that do not fit.
#include <string.h>
#include "vm_internal.h"
#include "containers.h"

// ---- calls
static const char *func_qualname(ObjFunction *f) {
    return f->qualname->data;
}

static void missing_args(ObjFunction *f, Value *locals, int from, int to, const char *kind) {
    ObjCode *co = f->code;
    const char *names[64];
    int n = 0;
    for (int i = from; i < to && n < 64; i++) {
        if (!locals[i]) {
            names[n++] = AS_STR(co->varnames->items[i])->data;
        }
    }
    char buf[512];
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : (i == n - 1 ? (n == 2 ? " and " : ", and ") : ", ");
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s'%s'", sep, names[i]);
        if (len >= sizeof buf) {
            break;
        }
    }
    exc_raise(exc_TypeError, "%s() missing %d required %s argument%s: %s", func_qualname(f), n, kind,
              n == 1 ? "" : "s", buf);
}

// Binds [argc] positional [args] and [nkw] keyword arguments ([kwnames],
// [kwvalues]) into [fr]'s locals, with defaults, *args and **kwargs.
// When keywords name positional-only parameters of [f] (which has no
// **kwargs), raises CPython's TypeError listing all of them in parameter
// order and returns true.
static bool posonly_passed_by_keyword(ObjFunction *f, ObjCode *co, ObjTuple *kwnames, int nkw) {
    Value names = list_new(0);
    gc_push_root(names);
    for (int i = 0; i < co->posonlycount; i++) {
        ObjStr *pn = AS_STR(co->varnames->items[i]);
        for (int k = 0; k < nkw; k++) {
            if (str_eq(AS_STR(kwnames->items[k]), pn)) {
                list_append(AS_LIST(names), OBJ_VAL(pn));
                break;
            }
        }
    }
    bool found = AS_LIST(names)->len > 0;
    if (found) {
        Value joined = str_join_list(str_from_c(", "), names);
        if (joined) {
            exc_raise(exc_TypeError,
                      "%s() got some positional-only arguments passed as keyword arguments: '%s'",
                      func_qualname(f), AS_STR(joined)->data);
        }
    }
    gc_pop_root(1);
    return found;
}

// CPython's too_many_positional: "f() takes 2 positional arguments but 3
// were given", naming the keyword-only arguments given too.
static void too_many_positional(ObjFunction *f, int argc, Value *locals) {
    ObjCode *co = f->code;
    int n = co->argcount, kwonly_given = 0;
    for (int i = n; i < n + co->kwonlycount; i++) {
        kwonly_given += locals[i] != VAL_NULL;
    }
    int ndef = f->defaults ? (int)f->defaults->len : 0;
    char sig[64], kwsig[96] = "";
    if (ndef) {
        snprintf(sig, sizeof sig, "from %d to %d", n - ndef, n);
    } else {
        snprintf(sig, sizeof sig, "%d", n);
    }
    if (kwonly_given) {
        snprintf(kwsig, sizeof kwsig, " positional argument%s (and %d keyword-only argument%s)",
                 argc != 1 ? "s" : "", kwonly_given, kwonly_given != 1 ? "s" : "");
    }
    exc_raise(exc_TypeError, "%s() takes %s positional argument%s but %d%s %s given", func_qualname(f), sig,
              (ndef || n != 1) ? "s" : "", argc, kwsig, argc == 1 && !kwonly_given ? "was" : "were");
}

static bool bind_args(ObjFunction *f, Frame *fr, Value *args, int argc, ObjTuple *kwnames,
                      Value *kwvalues, int nkw) {
    ObjCode *co = f->code;
    Value *locals = fr->slots;
    int n = co->argcount;
    int total = n + co->kwonlycount;
    if (argc <= n && nkw == 0 && !(co->flags & (CO_VARARGS | CO_VARKW))) {
        if (argc) {
            memcpy(locals, args, sizeof(Value) * (size_t)argc);
        }
        if (argc < n) {
            int ndef = f->defaults ? (int)f->defaults->len : 0;
            bool missing = false;
            for (int i = argc; i < n; i++) {
                int d = i - (n - ndef);
                if (d < 0) {
                    missing = true;
                } else {
                    locals[i] = f->defaults->items[d];
                }
            }
            if (missing) {
                missing_args(f, locals, argc, n, "positional");
                return false;
            }
        }
        if (co->kwonlycount) {
            goto kwonly;
        }
        return true;
    }
    int npos = argc < n ? argc : n;
    values_copy(locals, args, (size_t)npos);
    int slot = total;
    if (co->flags & CO_VARARGS) {
        int extra = argc > n ? argc - n : 0;
        // (perf: no allocation for an empty *args, as logger.debug(msg) gets)
        Value t = extra ? tuple_new((size_t)extra) : ST->empty_args;
        if (!t) {
            return false;
        }
        if (extra) {
            values_copy(AS_TUPLE(t)->items, args + n, (size_t)extra);
        }
        locals[slot++] = t;
    }
    // **kwargs: made at the first keyword no parameter takes, sized for
    // the keywords left (a small one holds its table inline: no second
    // allocation, no resize); empty when none is left over. (Nothing
    // collects here: allocation only makes a collection due.)
    ObjDict *kwdict = NULL;
    int kwslot = -1;
    if (co->flags & CO_VARKW) {
        kwslot = slot++;
    }
    for (int k = 0; k < nkw; k++) {
        ObjStr *name = AS_STR(kwnames->items[k]);
        int idx = -1;
        for (int i = co->posonlycount; i < total; i++) {
            ObjStr *vn = AS_STR(co->varnames->items[i]);
            if (vn == name || str_eq(vn, name)) {
                idx = i;
                break;
            }
        }
        if (idx < 0) {
            if (kwslot >= 0) {
                if (!kwdict) {
                    Value d = dict_new_sized((size_t)(nkw - k));
                    if (!d) {
                        return false;
                    }
                    kwdict = AS_DICT(d);
                    locals[kwslot] = d;
                }
                if (dict_set(kwdict, OBJ_VAL(name), kwvalues[k]) < 0) {
                    return false;
                }
                continue;
            }
            if (posonly_passed_by_keyword(f, co, kwnames, nkw)) {
                return false;
            }
            exc_raise(exc_TypeError, "%s() got an unexpected keyword argument '%s'", func_qualname(f),
                      name->data);
            return false;
        }
        if (locals[idx]) {
            exc_raise(exc_TypeError, "%s() got multiple values for argument '%s'", func_qualname(f),
                      name->data);
            return false;
        }
        locals[idx] = kwvalues[k];
    }
    if (kwslot >= 0 && !kwdict) {
        // (perf: no allocation when the function only passes it on, as
        // logger.debug(msg, *args, **kwargs) does; frame_locals makes it real)
        locals[kwslot] = (co->flags & CO_KW_SHARED) ? ST->empty_kwargs : dict_new();
    }
    if (argc > n && !(co->flags & CO_VARARGS)) {
        // (after the keywords, as CPython: their errors come first)
        too_many_positional(f, argc, locals);
        return false;
    }
    if (argc < n) {
        int ndef = f->defaults ? (int)f->defaults->len : 0;
        for (int i = argc; i < n; i++) {
            if (!locals[i]) {
                int d = i - (n - ndef);
                if (d >= 0) {
                    locals[i] = f->defaults->items[d];
                }
            }
        }
        for (int i = argc; i < n; i++) {
            if (!locals[i]) {
                missing_args(f, locals, argc, n, "positional");
                return false;
            }
        }
    }
kwonly:
    for (int i = n; i < total; i++) {
        if (!locals[i]) {
            Value d = f->kwdefaults ? dict_get_str(f->kwdefaults, AS_STR(co->varnames->items[i])) : VAL_NULL;
            if (d) {
                locals[i] = d;
            }
        }
    }
    for (int i = n; i < total; i++) {
        if (!locals[i]) {
            missing_args(f, locals, n, total, "keyword-only");
            return false;
        }
    }
    return true;
}

static void init_cells(ObjFunction *f, Frame *fr) {
    ObjCode *co = f->code;
    Value *cells = fr->slots + co->nlocals;
    for (int i = 0; i < co->ncells; i++) {
        ObjCell *cell = (ObjCell *)obj_alloc(cls_cell, sizeof(ObjCell));
        int a = co->cell2arg[i];
        if (a >= 0) {
            cell->value = fr->slots[a];
        }
        cells[i] = OBJ_VAL(cell);
    }
    for (int i = 0; i < co->nfree; i++) {
        cells[co->ncells + i] = f->closure->items[i];
    }
}

// Makes the frame for calling [f]; heap-allocated for generators.
Frame *make_call_frame(ObjFunction *f, Value *args, int argc, ObjTuple *kwnames,
                       Value *kwvalues, int nkw, bool heap) {
    ObjCode *co = f->code;
    if (co->simple_args && nkw == 0 && argc == co->argcount) {
        // every parameter given by position: nothing to bind
        Frame *fr = frame_alloc_args(co, heap, args, argc);
        fr->func = OBJ_VAL(f);
        fr->globals = f->globals;
        return fr;
    }
    Frame *fr = frame_alloc(co, heap);
    fr->func = OBJ_VAL(f);
    fr->globals = f->globals;
    // protect the frame's partial contents: it is not linked yet
    if (!bind_args(f, fr, args, argc, kwnames, kwvalues, nkw)) {
        if (heap) {
            mem_free(fr, fr->code->frame_size);
        } else {
            frame_release(fr);
        }
        return NULL;
    }
    if (f->code->ncells || f->code->nfree) {
        init_cells(f, fr);
    }
    fr->sp = FRAME_STACK_BASE(fr);
    return fr;
}
