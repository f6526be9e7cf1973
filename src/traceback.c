// traceback.c: printing an uncaught exception as CPython does: the chain of
// causes and contexts, "Traceback (most recent call last):", one
// File/line/function entry per frame with its source line, then the
// exception's type and message. Also maps SystemExit to an exit status.
#include <string.h>
#include <stdlib.h>
#include "interp.h"
#include "vm.h"
#include "runtime.h"

// Reads line [line] of [file] (stripped) into [buf]; false if unavailable.
bool tb_source_line(const char *file, int line, char *buf, size_t size) {
    static char *cached_name;
    static char *cached_src;
    static size_t cached_len;
    if (!file || file[0] == '<' || line <= 0) {
        return false;
    }
    if (!cached_name || strcmp(cached_name, file) != 0) {
        free(cached_name);
        free(cached_src);
        cached_name = strdup(file);
        cached_src = interp_read_file(file, &cached_len);
    }
    if (!cached_src) {
        return false;
    }
    const char *p = cached_src, *end = cached_src + cached_len;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            return false;
        }
        p = nl + 1;
    }
    if (p >= end) {
        return false;
    }
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\f')) {
        p++;
    }
    const char *e = p;
    while (e < end && *e != '\n' && *e != '\r') {
        e++;
    }
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    size_t n = (size_t)(e - p);
    if (n >= size) {
        n = size - 1;
    }
    memcpy(buf, p, n);
    buf[n] = 0;
    return true;
}

static void print_tb(Value exc) {
    ObjException *e = AS_EXC(exc);
    if (!e->traceback || !IS_LIST(e->traceback) || AS_LIST(e->traceback)->len == 0) {
        return;
    }
    ObjList *tb = AS_LIST(e->traceback);
    fprintf(stderr, "Traceback (most recent call last):\n");
    for (size_t i = tb->len; i >= 2; i -= 2) {
        ObjCode *code = (ObjCode *)AS_OBJ(tb->items[i - 2]);
        int line = (int)AS_SMALL(tb->items[i - 1]);
        fprintf(stderr, "  File \"%s\", line %d, in %s\n", code->filename->data, line, code->name->data);
        char buf[4096];
        if (tb_source_line(code->filename->data, line, buf, sizeof buf) && buf[0]) {
            fprintf(stderr, "    %s\n", buf);
        }
    }
}

static void print_one(Value exc) {
    print_tb(exc);
    ObjClass *c = val_class(exc);
    Value s = obj_str(exc);
    if (!s) {
        exc_clear();
        s = str_from_c("<exception str() failed>");
    }
    const char *mod = c->module ? c->module->data : "builtins";
    char name[512];
    if (strcmp(mod, "builtins") == 0) {
        snprintf(name, sizeof name, "%s", c->name->data);
    } else {
        snprintf(name, sizeof name, "%s.%s", mod, c->name->data);
    }
    if (AS_STR(s)->len) {
        fprintf(stderr, "%s: %s\n", name, AS_STR(s)->data);
    } else {
        fprintf(stderr, "%s\n", name);
    }
}

static void print_chain(Value exc, int depth) {
    ObjException *e = AS_EXC(exc);
    if (depth < 100) {
        if (e->cause && IS_OBJ(e->cause)) {
            print_chain(e->cause, depth + 1);
            fprintf(stderr, "\nThe above exception was the direct cause of the following exception:\n\n");
        } else if (e->context && IS_OBJ(e->context) && !e->suppress_context) {
            print_chain(e->context, depth + 1);
            fprintf(stderr, "\nDuring handling of the above exception, another exception occurred:\n\n");
        }
    }
    print_one(exc);
}

void interp_print_exception(Value exc) {
    fflush(stdout);
    print_chain(exc, 0);
    fflush(stderr);
}

int interp_handle_uncaught(Value exc) {
    if (exc_matches(exc, OBJ_VAL(exc_SystemExit))) {
        ObjException *e = AS_EXC(exc);
        Value code = e->args->len == 1 ? e->args->items[0] : (e->args->len == 0 ? VAL_NONE : OBJ_VAL(e->args));
        if (IS_NONE(code)) {
            return 0;
        }
        if (IS_SMALL(code)) {
            return (int)(AS_SMALL(code) & 0xff);
        }
        if (code == VAL_TRUE || code == VAL_FALSE) {
            return code == VAL_TRUE;
        }
        Value s = obj_str(code);
        fflush(stdout);
        if (s) {
            fprintf(stderr, "%s\n", AS_STR(s)->data);
        }
        return 1;
    }
    interp_print_exception(exc);
    return 1;
}
