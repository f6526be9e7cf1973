// check_gc.c: unit tests of the collector (runtime/gc.c) together with the
// VM's roots and the generator finalizer hook (src/gen.c): a suspended
// generator survives collections with its locals intact, an unreachable one
// is reclaimed (its finally block runs at collection, even when the
// generator is part of a cycle or resurrects itself there), reference cycles
// (lists, dicts, instances, self-referring closures) are freed so that the
// heap stays bounded, interned strings survive, and the C root stack and
// the _testing module behave.
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "object.h"
#include "gc.h"
#include "interp.h"
#include "unit_support.h"
#include "vm.h"

// Iterations of the churn rounds: the GC stress build collects at every
// safe point, so it gets far fewer.
#ifdef PYISH_GC_STRESS
#define CHURN 300
#else
#define CHURN 20000
#endif

static void setup(void) {
    unit_setup("check_gc", false);
}

// Collects until the heap size stops shrinking (finalizers of suspended
// generators run after one collection; their memory goes at the next).
static size_t settle(void) {
    size_t b = SIZE_MAX;
    for (int i = 0; i < 5; i++) {
        gc_collect();
        size_t nb = gc_bytes_allocated();
        if (nb >= b) {
            return nb;
        }
        b = nb;
    }
    return b;
}

START_TEST(test_suspended_gen_survives) {
    setup();
    run("def holder(n):\n"
        "    data = [i * i for i in range(n)]\n"
        "    s = 'x' * n\n"
        "    d = {'k': [n]}\n"
        "    total = yield len(data)\n"
        "    yield sum(data) + total\n"
        "    yield (len(s), d)\n"
        "g = holder(100)\n");
    ObjGen *g = (ObjGen *)AS_OBJ(global("g"));
    Value out;
    ck_assert_int_eq(gen_send(g, VAL_NONE, &out), GEN_YIELDED);
    ck_assert(out == MK_SMALL(100));
    size_t count = gc_count();
    for (int i = 0; i < 3; i++) {
        gc_collect();
        run("junk = [[i, str(i)] for i in range(5000)]\njunk = None\n");
    }
    gc_collect();
    ck_assert_uint_ge(gc_count(), count + 4);
    ck_assert_int_eq(g->state, GEN_SUSPENDED);
    ck_assert_int_eq(gen_send(g, MK_SMALL(5), &out), GEN_YIELDED);
    ck_assert_int_eq(AS_SMALL(out), 328350 + 5);
    gc_collect();
    ck_assert_int_eq(gen_send(g, VAL_NONE, &out), GEN_YIELDED);
    ck_assert_str_eq(repr(out), "(100, {'k': [100]})");
    // a generator rooted only from C (gc_push_root) survives too
    run("g2 = holder(10)\n");
    Value v2 = global("g2");
    gc_push_root(v2);
    run("del g2\n");
    ObjGen *g2 = (ObjGen *)AS_OBJ(v2);
    ck_assert_int_eq(gen_send(g2, VAL_NONE, &out), GEN_YIELDED);
    gc_collect();
    gc_collect();
    ck_assert_int_eq(gen_send(g2, MK_SMALL(0), &out), GEN_YIELDED);
    ck_assert_int_eq(AS_SMALL(out), 285);
    gc_pop_root(1);
    // collecting from inside the running generator itself
    run("import _testing\n"
        "def inner():\n"
        "    a = [1, 2, 3]\n"
        "    _testing.gc_collect()\n"
        "    x = yield a\n"
        "    _testing.gc_collect()\n"
        "    yield a + [x]\n"
        "gi = inner()\n"
        "r1 = next(gi)\n"
        "_testing.gc_collect()\n"
        "out = gi.send([4])\n");
    ck_assert_str_eq(repr(global("out")), "[1, 2, 3, [4]]");
}
END_TEST

START_TEST(test_dropped_gen_reclaimed) {
    setup();
    run("def big():\n"
        "    data = [0] * 200000\n"
        "    yield 1\n"
        "    yield len(data)\n"
        "g = big()\n"
        "next(g)\n");
    size_t before = settle();
    run("del g\n");
    size_t after = settle();
    ck_assert_msg(before > after + 190000 * sizeof(Value), "heap %zu -> %zu", before, after);
    // inside try/finally: the collector closes it, the finally runs
    run("log = []\n"
        "def fin():\n"
        "    data = [0] * 200000\n"
        "    try:\n"
        "        yield 1\n"
        "    finally:\n"
        "        log.append('closed %d' % len(data))\n"
        "g = fin()\n"
        "next(g)\n");
    before = settle();
    run("del g\n");
#ifndef PYISH_GC_STRESS
    ck_assert_str_eq(repr(global("log")), "[]");     // nothing ran yet
#endif
    gc_collect();
    ck_assert_str_eq(repr(global("log")), "['closed 200000']");
    after = settle();
    ck_assert_msg(before > after + 190000 * sizeof(Value), "heap %zu -> %zu", before, after);
    ck_assert_str_eq(repr(global("log")), "['closed 200000']");
    // a generator that is its own local (a cycle through its frame)
    run("log = []\n"
        "def selfref():\n"
        "    me = yield\n"
        "    try:\n"
        "        yield 1\n"
        "    finally:\n"
        "        log.append(me.__name__)\n"
        "g = selfref()\n"
        "next(g)\n"
        "g.send(g)\n"
        "del g\n");
    gc_collect();
    ck_assert_str_eq(repr(global("log")), "['selfref']");
    // a finally that makes the generator reachable again (resurrection):
    // it stays a valid, closed generator
    run("keep = []\n"
        "def resurrect(box):\n"
        "    try:\n"
        "        yield 1\n"
        "    finally:\n"
        "        keep.append(box)\n"
        "box = []\n"
        "g = resurrect(box)\n"
        "box.append(g)\n"
        "next(g)\n"
        "del g, box\n");
    gc_collect();
    gc_collect();
    gc_collect();
    run("r = keep[0][0]\n"
        "try:\n"
        "    next(r)\n"
        "    out = 'resumed?'\n"
        "except StopIteration:\n"
        "    out = 'closed'\n"
        "out = (out, r.gi_frame is None if hasattr(r, 'gi_frame') else True)\n"
        "del r\n");
    ck_assert_str_eq(repr(global("out")), "('closed', True)");
    // without a try block nothing needs to run: freed at once
    run("def plain():\n    yield 1\n    yield 2\ng = plain()\nnext(g)\n");
    size_t c = gc_count();
    run("del g\n");
    gc_collect();
    ck_assert_uint_ge(gc_count(), c + 1);
}
END_TEST

START_TEST(test_cycles_reclaimed) {
    setup();
    run("class Node:\n"
        "    def __init__(self):\n"
        "        self.me = self\n"
        "        self.payload = [0] * 10\n"
        "def mk():\n"
        "    def rec(n):\n"
        "        return rec(n - 1) if n else 0\n"
        "    return rec\n"
        "def churn(n):\n"
        "    for i in range(n):\n"
        "        a = [i, str(i)]\n"
        "        a.append(a)\n"
        "        d = {}\n"
        "        d['self'] = d\n"
        "        f = mk()\n"
        "        f(3)\n"
        "        node = Node()\n"
        "        x = [[i], (a, d)]\n"
        "        x[0].append(x)\n"
        "    return n\n");
    Value churn = global("churn");
    // The heap counts whole object slabs, which are kept for reuse: warm up
    // to the high-water mark first (two rounds), then the heap must not grow
    // by more than 1 MiB over 100 000 more iterations (a leak of one small
    // object per iteration would exceed it).
    for (int i = 0; i < 2; i++) {
        ck_assert(vm_call(churn, 1, (Value[]){MK_SMALL(CHURN)}, NULL) == MK_SMALL(CHURN));
    }
    size_t base = settle();
    for (int round = 0; round < 5; round++) {
        ck_assert(vm_call(churn, 1, (Value[]){MK_SMALL(CHURN)}, NULL) == MK_SMALL(CHURN));
        size_t settled = settle();
        ck_assert_msg(settled < base + 1024 * 1024, "round %d: heap %zu, base %zu", round, settled, base);
    }
    // 10x more garbage than that, with no explicit collection: the
    // automatic ones (16 MiB trigger) keep the heap bounded.
    size_t c = gc_count();
    (void)c;
    size_t peak = 0;
    for (int i = 0; i < 10; i++) {
        ck_assert(vm_call(churn, 1, (Value[]){MK_SMALL(CHURN)}, NULL) == MK_SMALL(CHURN));
        if (gc_bytes_allocated() > peak) {
            peak = gc_bytes_allocated();
        }
    }
#ifndef PYISH_GC_STRESS
    ck_assert_uint_gt(gc_count(), c);
#endif
    ck_assert_msg(peak < base + 40 * 1024 * 1024, "peak heap %zu, base %zu", peak, base);
    // a list holding itself is printable and then freed
    run("a = [1]\na.append(a)\nout = repr(a)\n");
    ck_assert_str_eq(str_cstr(global("out")), "[1, [...]]");
}
END_TEST

START_TEST(test_interned_strings_survive) {
    setup();
    ObjStr *s = str_intern_c("zz_check_gc_interned_name");
    Value made = str_concat(str_from_c("zz_check_gc_"), str_from_c("interned_name"));
    ck_assert(str_intern(AS_STR(made)->data, AS_STR(made)->len) == OBJ_VAL(s));
    for (int i = 0; i < 3; i++) {
        gc_collect();
        run("junk = ['zz_' + str(i) for i in range(3000)]\njunk = None\n");
    }
    gc_collect();
    ObjStr *again = str_intern_c("zz_check_gc_interned_name");
    ck_assert_ptr_eq(again, s);
    ck_assert_str_eq(again->data, "zz_check_gc_interned_name");
    ck_assert(again->interned);
    ck_assert(again->hdr.cls == cls_str);
    // names used by compiled code are interned and still usable
    run("zz_check_gc_interned_name = 41\n");
    gc_collect();
    ck_assert(dict_get_str(G, s) == MK_SMALL(41));
    run("zz_check_gc_interned_name += 1\n");
    ck_assert(dict_get_str(G, s) == MK_SMALL(42));
}
END_TEST

START_TEST(test_roots_and_testing_module) {
    setup();
    // gc_push_root keeps an otherwise unreachable object
    Value l = list_new(4);
    list_append(AS_LIST(l), str_from_c("rooted"));
    gc_push_root(l);
    gc_collect();
    run("junk = [str(i) for i in range(3000)]\njunk = None\n");
    gc_collect();
    ck_assert_str_eq(repr(l), "['rooted']");
    gc_pop_root(1);
    // _testing.heap_bytes / gc_count agree with the C view
    size_t c = gc_count();
    run("import _testing\n"
        "_testing.gc_collect()\n"
        "n = _testing.gc_count()\n"
        "h = _testing.heap_bytes()\n");
    ck_assert_int_ge(AS_SMALL(global("n")), (int64_t)c + 1);   // stress builds collect more
    int64_t h = AS_SMALL(global("h"));
    ck_assert_int_gt(h, 0);
    ck_assert_int_le((int64_t)gc_bytes_allocated() - h, 64 * 1024);
}
END_TEST

START_TEST(test_fallible_allocation) {
    setup();
    size_t out = 0;
    // overflowing and over-the-limit sizes: false + MemoryError, no allocation
    ck_assert(!mem_size(SIZE_MAX / 2, 3, 0, &out));
    ck_assert(EXC_PENDING_IS(exc_MemoryError));
    exc_clear();
    ck_assert(!mem_size(1, SIZE_MAX, 1, &out));
    exc_clear();
    ck_assert(!mem_size(mem_limit(), 1, 1, &out));
    exc_clear();
    ck_assert(mem_size(1000, 8, 16, &out) && out == 8016);
    ck_assert(mem_try_alloc((size_t)1 << 62) == NULL);
    ck_assert(EXC_PENDING_IS(exc_MemoryError));
    exc_clear();
    // a failed realloc keeps the block
    char *p = mem_try_alloc(100000);
    ck_assert(p != NULL);
    p[99999] = 7;
    ck_assert(mem_try_realloc(p, 100000, (size_t)1 << 62) == NULL);
    exc_clear();
    ck_assert_int_eq(p[99999], 7);
    mem_free(p, 100000);
    // containers and strs report it the same way
    ck_assert(list_new((size_t)1 << 61) == VAL_NULL);
    exc_clear();
    ck_assert(tuple_new((size_t)1 << 61) == VAL_NULL);
    exc_clear();
    ck_assert(!mem_exhausted());    // the reserve was never needed
    ck_assert(!mem_is_low());
    run("try:\n    x = 'ab' * 10**15\nexcept MemoryError as e:\n    r = repr(e)\n");
    ck_assert_str_eq(AS_STR(global("r"))->data, "MemoryError()");
}
END_TEST

static Suite *gc_suite(void) {
    Suite *s = suite_create("gc");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_suspended_gen_survives);
    tcase_add_test(tc, test_dropped_gen_reclaimed);
    tcase_add_test(tc, test_cycles_reclaimed);
    tcase_add_test(tc, test_interned_strings_survive);
    tcase_add_test(tc, test_roots_and_testing_module);
    tcase_add_test(tc, test_fallible_allocation);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(gc_suite)
