// str_intern.c: the intern table of str: one ObjStr per distinct content
// for names and other strings the runtime compares by identity (str_intern,
// str_intern_c), an open-addressing set in the state, marked as a GC root
// by str_mark_interned (the interned strings live as long as the state).
#define _GNU_SOURCE     // memmem (str_internal.h)
#include "gc.h"
#include "numstr.h"
#include "str_internal.h"
#include "runtime.h"

// The intern table: open addressing, linear probing, load <= 1/2.

static void intern_insert(ObjStr *s) {
    size_t m = ST->icap - 1;
    size_t i = (size_t)str_hash(s) & m;
    while (ST->itab[i]) {
        i = (i + 1) & m;
    }
    ST->itab[i] = s;
    ST->icount++;
}

Value str_intern(const char *s, size_t len) {
    if ((ST->icount + 1) * 2 > ST->icap) {
        ObjStr **old = ST->itab;
        size_t oldcap = ST->icap;
        ST->icap = ST->icap ? ST->icap * 2 : 1024;
        ST->itab = mem_alloc(ST->icap * sizeof(ObjStr *));
        memset(ST->itab, 0, ST->icap * sizeof(ObjStr *));
        ST->icount = 0;
        for (size_t k = 0; k < oldcap; k++) {
            if (old[k]) {
                intern_insert(old[k]);
            }
        }
        if (old) {
            mem_free(old, oldcap * sizeof(ObjStr *));
        }
    }
    int64_t h = hash_bytes(s, len);
    size_t m = ST->icap - 1;
    size_t i = (size_t)h & m;
    while (ST->itab[i]) {
        ObjStr *e = ST->itab[i];
        if (e->hash == h && e->len == len && memcmp(e->data, s, len) == 0) {
            return OBJ_VAL(e);
        }
        i = (i + 1) & m;
    }
    Value v = str_new(s, len);
    ObjStr *o = AS_STR(v);
    o->hash = h;
    o->interned = true;
    ST->itab[i] = o;
    ST->icount++;
    return v;
}

ObjStr *str_intern_c(const char *s) {
    return AS_STR(str_intern(s, strlen(s)));
}

void str_mark_interned(void) {
    for (size_t k = 0; k < ST->icap; k++) {
        if (ST->itab[k]) {
            gc_mark_obj(&ST->itab[k]->hdr);
        }
    }
}
