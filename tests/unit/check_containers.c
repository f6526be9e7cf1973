// check_containers.c: unit tests of the containers (tuple.c, list.c,
// dict.c, set.c, range.c), the builtins and modules that are plain C
// (random, math, collections). Expected reprs and random sequences come
// from CPython 3.11; set ordering follows pyish's insertion order.
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "containers.h"
#include "module.h"
#include "interp.h"
#include "unit_support.h"

#define CHECK(expr, want) ck_assert_str_eq(R(expr), want)

static Value I(int64_t i) {
    return int_from_i64(i);
}

static Value S(const char *s) {
    return str_intern(s, strlen(s));
}

// Calls method [name] of [self] with [n] arguments.
static Value M(Value self, const char *name, int n, ...) {
    Value f = obj_getattr(self, str_intern_c(name));
    if (!f) {
        return VAL_NULL;
    }
    Value argv[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        argv[i] = va_arg(ap, Value);
    }
    va_end(ap);
    return vm_call(f, n, argv, NULL);
}

// Calls module function [name] of [mod].
static Value F(Value mod, const char *name, int n, ...) {
    Value f = dict_get_str(((ObjModule *)AS_OBJ(mod))->dict, str_intern_c(name));
    ck_assert(f != VAL_NULL);
    Value argv[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        argv[i] = va_arg(ap, Value);
    }
    va_end(ap);
    return vm_call(f, n, argv, NULL);
}

static Value range_list(int64_t a, int64_t b) {
    Value l = list_new(0);
    for (int64_t i = a; i < b; i++) {
        list_append(AS_LIST(l), I(i));
    }
    return l;
}

static Value SL(Value a, Value b, Value c) {
    return slice_new(a ? a : VAL_NONE, b ? b : VAL_NONE, c ? c : VAL_NONE);
}

static void setup(void) {
    unit_setup("check_containers", false);
}

START_TEST(test_dict_order) {
    Value d = dict_new();
    ObjDict *dd = AS_DICT(d);
    for (int i = 0; i < 10000; i++) {
        ck_assert_int_eq(dict_set(dd, I(i), I(i * 2)), 0);
    }
    for (int i = 0; i < 10000; i += 2) {
        ck_assert_int_eq(dict_del(dd, I(i)), 1);
    }
    ck_assert_int_eq(dict_del(dd, I(0)), 0);
    for (int i = 10000; i < 11000; i++) {
        dict_set(dd, I(i), I(i * 2));
    }
    dict_set(dd, I(1), I(-1));  // replacing keeps the position
    ck_assert_uint_eq(dd->used, 6000);
    size_t pos = 0;
    Value k, v;
    int64_t expect = 1;
    size_t n = 0;
    while (dict_next(dd, &pos, &k, &v)) {
        ck_assert_int_eq(AS_SMALL(k), expect);
        ck_assert_int_eq(AS_SMALL(v), expect == 1 ? -1 : expect * 2);
        expect = expect < 9999 ? expect + 2 : expect == 9999 ? 10000 : expect + 1;
        n++;
    }
    ck_assert_uint_eq(n, 6000);
    for (int i = 0; i < 11000; i++) {
        Value out;
        int r = dict_get(dd, I(i), &out);
        ck_assert_int_eq(r, (i < 10000 && i % 2 == 0) ? 0 : 1);
    }
    // True and 1.0 find the key 1.
    Value out;
    ck_assert_int_eq(dict_get(dd, VAL_TRUE, &out), 1);
    ck_assert_int_eq(dict_get(dd, float_new(1.0), &out), 1);
    // Interned-string fast path.
    Value g = dict_new();
    for (int i = 0; i < 1000; i++) {
        char buf[16];
        snprintf(buf, sizeof buf, "k%d", i);
        dict_set_str(AS_DICT(g), str_intern_c(buf), I(i));
    }
    ck_assert_int_eq(AS_SMALL(dict_get_str(AS_DICT(g), str_intern_c("k777"))), 777);
    ck_assert(dict_get_str(AS_DICT(g), str_intern_c("nope")) == VAL_NULL);
    Value ns = str_new("k5", 2);   // not interned: found through str_eq
    ck_assert_int_eq(dict_get(AS_DICT(g), ns, &out), 1);
    ck_assert_int_eq(AS_SMALL(out), 5);
}
END_TEST

START_TEST(test_dict_api) {
    Value d = dict_new();
    dict_set(AS_DICT(d), S("a"), I(1));
    dict_set(AS_DICT(d), S("b"), I(2));
    dict_set(AS_DICT(d), S("c"), I(3));
    dict_del(AS_DICT(d), S("a"));
    dict_set(AS_DICT(d), S("a"), I(4));
    CHECK(d, "{'b': 2, 'c': 3, 'a': 4}");
    CHECK(M(d, "keys", 0), "dict_keys(['b', 'c', 'a'])");
    CHECK(M(d, "values", 0), "dict_values([2, 3, 4])");
    CHECK(M(d, "items", 0), "dict_items([('b', 2), ('c', 3), ('a', 4)])");
    CHECK(seq_to_list(M(d, "items", 0)), "[('b', 2), ('c', 3), ('a', 4)]");
    CHECK(obj_getitem(d, S("x")), "KeyError: 'x'");
    CHECK(M(d, "pop", 1, S("b")), "2");
    CHECK(M(d, "pop", 2, S("zz"), I(9)), "9");
    CHECK(M(d, "popitem", 0), "('a', 4)");
    CHECK(d, "{'c': 3}");
    CHECK(M(d, "get", 1, S("q")), "None");
    CHECK(M(d, "setdefault", 2, S("q"), I(5)), "5");
    CHECK(d, "{'c': 3, 'q': 5}");
    Value fk = obj_getattr(OBJ_VAL(cls_dict), str_intern_c("fromkeys"));
    Value args[2] = {S("ab"), I(0)};
    CHECK(vm_call(fk, 2, args, NULL), "{'a': 0, 'b': 0}");
    Value pairs = list_new(0);
    list_append(AS_LIST(pairs), tuple_pack(2, I(1), I(2)));
    CHECK(vm_call(OBJ_VAL(cls_dict), 1, &pairs, NULL), "{1: 2}");
    Value bad = list_new(0);
    list_append(AS_LIST(bad), tuple_pack(3, I(1), I(2), I(3)));
    CHECK(vm_call(OBJ_VAL(cls_dict), 1, &bad, NULL),
          "ValueError: dictionary update sequence element #0 has length 3; 2 is required");
    // Recursion in repr.
    Value r = dict_new();
    dict_set(AS_DICT(r), I(1), r);
    CHECK(r, "{1: {...}}");
    CHECK(obj_compare(d, M(d, "copy", 0), OP_EQ), "True");
    Value e = dict_new();
    CHECK(M(e, "popitem", 0), "KeyError: 'popitem(): dictionary is empty'");
    CHECK(obj_getitem(d, list_new(0)), "TypeError: unhashable type: 'list'");
    // Iteration with a size change.
    Value it = obj_iter(d);
    Value v;
    ck_assert_int_eq(obj_next(it, &v), 1);
    dict_set(AS_DICT(d), S("new"), I(1));
    ck_assert_int_eq(obj_next(it, &v), -1);
    CHECK(VAL_NULL, "RuntimeError: dictionary changed size during iteration");
}
END_TEST

START_TEST(test_set) {
    Value s = set_new(cls_set);
    set_add(AS_SET(s), I(5));
    set_add(AS_SET(s), I(3));
    set_add(AS_SET(s), I(1));
    M(s, "add", 1, I(10));
    M(s, "discard", 1, I(3));
    CHECK(s, "{1, 10, 5}");     // CPython's order (python3 prints the same)
    CHECK(M(s, "pop", 0), "1");
    CHECK(s, "{10, 5}");
    CHECK(M(s, "remove", 1, I(99)), "KeyError: 99");
    Value e = set_new(cls_set);
    CHECK(e, "set()");
    CHECK(M(e, "pop", 0), "KeyError: 'pop from an empty set'");
    // Many pops (CPython's order: slot order from a moving finger): each
    // element comes out once, also one added half-way.
    Value big = set_new(cls_set);
    static bool seen[5001];
    for (int i = 0; i < 5000; i++) {
        set_add(AS_SET(big), I(i * 7));
    }
    for (int i = 0; i < 5001; i++) {
        Value p = M(big, "pop", 0);
        int64_t v = AS_SMALL(p);
        int k = v < 0 ? 5000 : (int)(v / 7);
        ck_assert(!seen[k]);
        seen[k] = true;
        if (i == 2500) {
            set_add(AS_SET(big), I(-1));
        }
    }
    CHECK(big, "set()");
    Value a = set_from_iterable(cls_set, range_list(1, 4));
    Value b = set_from_iterable(cls_set, range_list(2, 6));
    CHECK(obj_binop(a, b, BIN_OR), "{1, 2, 3, 4, 5}");
    CHECK(obj_binop(a, b, BIN_AND), "{2, 3}");
    CHECK(obj_binop(a, b, BIN_SUB), "{1}");
    CHECK(obj_binop(a, b, BIN_XOR), "{1, 4, 5}");
    CHECK(obj_compare(obj_binop(a, b, BIN_AND), a, OP_LE), "True");
    CHECK(obj_compare(a, a, OP_LT), "False");
    Value f = set_from_iterable(cls_frozenset, range_list(1, 3));
    CHECK(f, "frozenset({1, 2})");
    CHECK(obj_compare(f, set_from_iterable(cls_set, range_list(1, 3)), OP_EQ), "True");
    int64_t h1, h2;
    ck_assert(obj_hash(f, &h1));
    ck_assert(obj_hash(set_from_iterable(cls_frozenset, range_list(1, 3)), &h2));
    ck_assert(h1 == h2);
    CHECK(M(a, "issubset", 1, range_list(0, 10)), "True");
    CHECK(M(a, "union", 2, range_list(7, 9), range_list(0, 2)), "{0, 1, 2, 3, 7, 8}");   // as python3
    CHECK(M(a, "intersection", 1, range_list(2, 9)), "{2, 3}");
    CHECK(M(a, "isdisjoint", 1, range_list(7, 9)), "True");
}
END_TEST

START_TEST(test_list_slices) {
    Value l = range_list(0, 10);
    CHECK(obj_getitem(l, SL(I(2), I(8), I(2))), "[2, 4, 6]");
    CHECK(obj_getitem(l, SL(0, 0, I(-1))), "[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]");
    CHECK(obj_getitem(l, SL(I(-3), 0, 0)), "[7, 8, 9]");
    CHECK(obj_getitem(l, SL(I(8), I(2), I(-3))), "[8, 5]");
    CHECK(obj_getitem(l, SL(I(100), 0, 0)), "[]");
    CHECK(obj_getitem(l, SL(I(-100), I(2), 0)), "[0, 1]");
    CHECK(obj_getitem(l, SL(0, 0, I(0))), "ValueError: slice step cannot be zero");
    Value ab = list_new(0);
    list_append(AS_LIST(ab), S("a"));
    list_append(AS_LIST(ab), S("b"));
    ck_assert(obj_setitem(l, SL(I(2), I(5), 0), ab));
    CHECK(l, "[0, 1, 'a', 'b', 5, 6, 7, 8, 9]");
    ck_assert(obj_setitem(l, SL(0, 0, I(3)), tuple_pack(3, I(0), I(0), I(0))));
    CHECK(l, "[0, 1, 'a', 0, 5, 6, 0, 8, 9]");
    ck_assert(obj_delitem(l, SL(I(1), 0, I(2))));
    CHECK(l, "[0, 'a', 5, 0, 9]");
    ck_assert(obj_setitem(l, SL(I(1), I(1), 0), range_list(7, 10)));
    CHECK(l, "[0, 7, 8, 9, 'a', 5, 0, 9]");
    ck_assert(!obj_setitem(l, SL(0, 0, I(2)), range_list(0, 1)));
    CHECK(VAL_NULL, "ValueError: attempt to assign sequence of size 1 to extended slice of size 4");
    Value m = range_list(1, 4);
    ck_assert(obj_setitem(m, SL(I(5), 0, 0), range_list(4, 5)));
    ck_assert(obj_setitem(m, SL(0, I(0), 0), m));
    CHECK(m, "[1, 2, 3, 4, 1, 2, 3, 4]");
    CHECK(obj_getitem(m, I(8)), "IndexError: list index out of range");
    CHECK(obj_getitem(m, S("x")), "TypeError: list indices must be integers or slices, not str");
    CHECK(obj_binop(range_list(1, 3), I(3), BIN_MUL), "[1, 2, 1, 2, 1, 2]");
    CHECK(obj_binop(range_list(1, 2), I(1), BIN_ADD),
          "TypeError: can only concatenate list (not \"int\") to list");
    Value x = range_list(0, 2);
    ck_assert(obj_binop(x, tuple_pack(1, I(5)), BIN_ADD + BINOP_INPLACE) == x);
    CHECK(x, "[0, 1, 5]");
    list_append(AS_LIST(x), x);
    CHECK(x, "[0, 1, 5, [...]]");
    Value e = list_new(0);
    CHECK(M(e, "pop", 0), "IndexError: pop from empty list");
    CHECK(M(x, "pop", 1, I(9)), "IndexError: pop index out of range");
    CHECK(M(x, "remove", 1, I(9)), "ValueError: list.remove(x): x not in list");
    CHECK(M(x, "index", 1, I(9)), "ValueError: 9 is not in list");
    CHECK(M(x, "index", 1, I(5)), "2");
    M(x, "insert", 2, I(-100), S("z"));
    CHECK(obj_getitem(x, SL(0, I(3), 0)), "['z', 0, 1]");
    CHECK(obj_compare(range_list(1, 3), range_list(1, 4), OP_LT), "True");
    CHECK(obj_compare(tuple_pack(2, I(1), I(2)), tuple_pack(2, I(1), I(2)), OP_EQ), "True");
    // Iteration sees appends.
    Value y = range_list(0, 1);
    Value it = obj_iter(y);
    Value v;
    int count = 0;
    while (obj_next(it, &v) == 1) {
        if (count < 5) {
            list_append(AS_LIST(y), I(count));
        }
        count++;
    }
    ck_assert_int_eq(count, 6);
}
END_TEST

START_TEST(test_tuple) {
    Value t = tuple_pack(4, I(1), I(2), I(3), I(4));
    CHECK(obj_getitem(t, SL(I(1), I(3), 0)), "(2, 3)");
    CHECK(obj_getitem(t, SL(0, 0, I(-2))), "(4, 2)");
    CHECK(tuple_pack(1, I(1)), "(1,)");
    CHECK(tuple_new(0), "()");
    CHECK(obj_binop(I(3), tuple_pack(1, I(1)), BIN_MUL), "(1, 1, 1)");
    CHECK(obj_binop(tuple_pack(1, I(1)), list_new(0), BIN_ADD),
          "TypeError: can only concatenate tuple (not \"list\") to tuple");
    CHECK(obj_getitem(t, I(4)), "IndexError: tuple index out of range");
    int64_t h;
    ck_assert(obj_hash(tuple_pack(2, I(1), I(2)), &h));
    ck_assert(h == -3550055125485641917LL);
    ck_assert(obj_hash(tuple_new(0), &h));
    ck_assert(h == 5740354900026072187LL);
    CHECK(M(t, "index", 1, I(3)), "2");
    CHECK(M(t, "count", 1, I(3)), "1");
}
END_TEST

static Value key_first(int argc, Value *argv, ObjDict *kw) {
    return AS_TUPLE(argv[0])->items[0];
}

START_TEST(test_sort) {
    // Stability: sort pairs by their first element only.
    Value l = list_new(0);
    for (int i = 0; i < 2000; i++) {
        list_append(AS_LIST(l), tuple_pack(2, I((i * 7919) % 13), I(i)));
    }
    Value key = native_new("key", key_first, NULL);
    ck_assert(list_sort_inplace(AS_LIST(l), key, false));
    for (size_t i = 1; i < AS_LIST(l)->len; i++) {
        ObjTuple *a = AS_TUPLE(AS_LIST(l)->items[i - 1]), *b = AS_TUPLE(AS_LIST(l)->items[i]);
        ck_assert(AS_SMALL(a->items[0]) <= AS_SMALL(b->items[0]));
        if (a->items[0] == b->items[0]) {
            ck_assert(AS_SMALL(a->items[1]) < AS_SMALL(b->items[1]));
        }
    }
    ck_assert(list_sort_inplace(AS_LIST(l), key, true));
    for (size_t i = 1; i < AS_LIST(l)->len; i++) {
        ObjTuple *a = AS_TUPLE(AS_LIST(l)->items[i - 1]), *b = AS_TUPLE(AS_LIST(l)->items[i]);
        ck_assert(AS_SMALL(a->items[0]) >= AS_SMALL(b->items[0]));
        if (a->items[0] == b->items[0]) {
            ck_assert(AS_SMALL(a->items[1]) < AS_SMALL(b->items[1]));
        }
    }
    Value s = list_new(0);
    const char *words[] = {"pear", "apple", "fig", "banana", "apple"};
    for (int i = 0; i < 5; i++) {
        list_append(AS_LIST(s), S(words[i]));
    }
    ck_assert(list_sort_inplace(AS_LIST(s), VAL_NULL, false));
    CHECK(s, "['apple', 'apple', 'banana', 'fig', 'pear']");
    Value mixed = list_new(0);
    list_append(AS_LIST(mixed), I(1));
    list_append(AS_LIST(mixed), S("a"));
    ck_assert(!list_sort_inplace(AS_LIST(mixed), VAL_NULL, false));
    CHECK(VAL_NULL, "TypeError: '<' not supported between instances of 'str' and 'int'");
    CHECK(mixed, "[1, 'a']");
    Value fl = list_new(0);
    double ds[] = {3.5, -1.0, 2.25, 0.0};
    for (int i = 0; i < 4; i++) {
        list_append(AS_LIST(fl), float_new(ds[i]));
    }
    list_append(AS_LIST(fl), I(1));
    ck_assert(list_sort_inplace(AS_LIST(fl), VAL_NULL, false));
    CHECK(fl, "[-1.0, 0.0, 1, 2.25, 3.5]");
}
END_TEST

START_TEST(test_range) {
    Value r10 = range_new(0, 10, 1);
    CHECK(obj_getitem(r10, SL(I(2), I(8), I(3))), "range(2, 8, 3)");
    CHECK(obj_getitem(range_new(0, -10, -2), SL(I(1), 0, 0)), "range(-2, -10, -2)");
    CHECK(obj_len(range_new(0, 10, 3)), "4");
    CHECK(obj_getitem(range_new(5, 0, -1), SL(0, 0, I(-1))), "range(1, 6)");
    CHECK(seq_to_list(range_new(10, 0, -3)), "[10, 7, 4, 1]");
    ck_assert_int_eq(obj_contains(range_new(0, 10, 3), I(9)), 1);
    ck_assert_int_eq(obj_contains(range_new(0, 10, 3), I(8)), 0);
    ck_assert_int_eq(obj_contains(range_new(0, 10, 3), float_new(3.0)), 1);
    CHECK(obj_compare(range_new(0, 3, 1), range_new(0, 3, 1), OP_EQ), "True");
    CHECK(r10, "range(0, 10)");
    CHECK(range_new(1, 10, 2), "range(1, 10, 2)");
    CHECK(obj_getitem(r10, I(10)), "IndexError: range object index out of range");
    CHECK(obj_getitem(r10, I(-1)), "9");
    CHECK(SL(I(1), I(2), 0), "slice(1, 2, None)");
    CHECK(M(SL(0, I(5), 0), "indices", 1, I(3)), "(0, 3, 1)");
    Value args[3] = {I(1), I(2), I(0)};
    CHECK(vm_call(OBJ_VAL(cls_range), 3, args, NULL), "ValueError: range() arg 3 must not be zero");
    Value rv = obj_getattr(r10, str_intern_c("__reversed__"));
    Value rit = vm_call(rv, 0, NULL, NULL);
    CHECK(seq_to_list(rit), "[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]");
    int64_t a, b, st, n;
    ObjSlice *s = (ObjSlice *)AS_OBJ(SL(I(-1), I(-20), I(-4)));
    ck_assert(slice_indices(s, 10, &a, &b, &st, &n));
    ck_assert(a == 9 && b == -1 && st == -4 && n == 3);
}
END_TEST

START_TEST(test_random) {
    Value r = mod_random_init();
    F(r, "seed", 1, I(42));
    CHECK(F(r, "random", 0), "0.6394267984578837");
    CHECK(F(r, "random", 0), "0.025010755222666936");
    CHECK(F(r, "random", 0), "0.27502931836911926");
    Value ints = list_new(0);
    for (int i = 0; i < 5; i++) {
        list_append(AS_LIST(ints), F(r, "randint", 2, I(1), I(100)));
    }
    CHECK(ints, "[29, 18, 95, 14, 87]");
    Value l = range_list(0, 10);
    F(r, "shuffle", 1, l);
    CHECK(l, "[3, 2, 4, 9, 5, 7, 0, 6, 1, 8]");
    CHECK(F(r, "choice", 1, S("abcdefg")), "'e'");
    CHECK(F(r, "getrandbits", 1, I(70)), "769524737557976778281");
    CHECK(F(r, "randrange", 3, I(0), I(100), I(7)), "77");
    CHECK(F(r, "randrange", 3, I(10), I(0), I(-3)), "1");
    CHECK(F(r, "sample", 2, range_new(0, 100, 1), I(5)), "[28, 57, 75, 35, 0]");
    CHECK(F(r, "sample", 2, range_new(0, 1000, 1), I(8)), "[777, 825, 163, 714, 432, 348, 284, 159]");
    CHECK(F(r, "uniform", 2, I(1), I(2)), "1.2153137621075887");
    F(r, "seed", 1, obj_binop(obj_binop(I(2), I(70), BIN_POW), I(5), BIN_ADD));
    CHECK(F(r, "random", 0), "0.46679953776226335");
    F(r, "seed", 1, I(-7));
    CHECK(F(r, "random", 0), "0.32383276483316237");
    F(r, "seed", 1, I(0));
    CHECK(F(r, "randrange", 1, I(1000000000000LL)), "424533559245");
    CHECK(F(r, "getrandbits", 1, I(40)), "978212965548");
    CHECK(F(r, "gauss", 2, I(0), I(1)), "-0.6797144480784211");
    CHECK(F(r, "gauss", 2, I(0), I(1)), "0.3705035674606598");
    CHECK(F(r, "choice", 1, list_new(0)), "IndexError: Cannot choose from an empty sequence");
}
END_TEST

START_TEST(test_math) {
    Value m = mod_math_init();
    CHECK(F(m, "sqrt", 1, I(16)), "4.0");
    CHECK(F(m, "sqrt", 1, I(-1)), "ValueError: math domain error");
    CHECK(F(m, "floor", 1, float_new(-2.5)), "-3");
    CHECK(F(m, "ceil", 1, float_new(2.1)), "3");
    CHECK(F(m, "factorial", 1, I(25)), "15511210043330985984000000");
    CHECK(F(m, "factorial", 1, I(-1)), "ValueError: factorial() not defined for negative values");
    CHECK(F(m, "gcd", 2, I(12), I(18)), "6");
    CHECK(F(m, "isqrt", 1, I(99)), "9");
    CHECK(F(m, "log", 2, I(8), I(2)), "3.0");
    CHECK(F(m, "log", 1, I(0)), "ValueError: math domain error");
    CHECK(F(m, "comb", 2, I(10), I(3)), "120");
    CHECK(F(m, "perm", 2, I(10), I(3)), "720");
    Value fl = list_new(0);
    for (int i = 0; i < 10; i++) {
        list_append(AS_LIST(fl), float_new(0.1));
    }
    CHECK(F(m, "fsum", 1, fl), "1.0");
    CHECK(F(m, "exp", 1, I(1000)), "OverflowError: math range error");
    CHECK(F(m, "hypot", 2, I(3), I(4)), "5.0");
}
END_TEST

START_TEST(test_collections) {
    Value c = mod_collections_init();
    ObjDict *md = ((ObjModule *)AS_OBJ(c))->dict;
    Value deque = dict_get_str(md, str_intern_c("deque"));
    Value args[2] = {range_list(1, 4), I(3)};
    Value d = vm_call(deque, 1, args, NULL);
    CHECK(d, "deque([1, 2, 3])");
    M(d, "appendleft", 1, I(0));
    M(d, "append", 1, I(4));
    CHECK(d, "deque([0, 1, 2, 3, 4])");
    M(d, "rotate", 1, I(2));
    CHECK(d, "deque([3, 4, 0, 1, 2])");
    M(d, "rotate", 1, I(-1));
    CHECK(d, "deque([4, 0, 1, 2, 3])");
    CHECK(M(d, "popleft", 0), "4");
    CHECK(M(d, "pop", 0), "3");
    CHECK(obj_getitem(d, I(-1)), "2");
    CHECK(obj_getitem(d, I(5)), "IndexError: deque index out of range");
    Value dm = vm_call(deque, 2, args, NULL);
    M(dm, "append", 1, I(9));
    CHECK(dm, "deque([2, 3, 9], maxlen=3)");
    Value e = vm_call(deque, 0, NULL, NULL);
    CHECK(M(e, "pop", 0), "IndexError: pop from an empty deque");
    Value dd = dict_get_str(md, str_intern_c("defaultdict"));
    Value lc = OBJ_VAL(cls_list);
    Value x = vm_call(dd, 1, &lc, NULL);
    Value item = obj_getitem(x, S("k"));
    list_append(AS_LIST(item), I(1));
    CHECK(x, "defaultdict(<class 'list'>, {'k': [1]})");
    CHECK(obj_getitem(x, S("k")), "[1]");
    ck_assert_int_eq(obj_contains(x, S("zz")), 0);
    Value none = VAL_NONE;
    Value y = vm_call(dd, 1, &none, NULL);
    CHECK(obj_getitem(y, S("q")), "KeyError: 'q'");
    Value counter = dict_get_str(md, str_intern_c("Counter"));
    Value word = S("abracadabra");
    Value ct = vm_call(counter, 1, &word, NULL);
    CHECK(ct, "Counter({'a': 5, 'b': 2, 'r': 2, 'c': 1, 'd': 1})");
    CHECK(M(ct, "most_common", 1, I(2)), "[('a', 5), ('b', 2)]");
    CHECK(obj_getitem(ct, S("z")), "0");
    Value nt = dict_get_str(md, str_intern_c("namedtuple"));
    Value ntargs[2] = {S("Point"), S("x, y")};
    Value point = vm_call(nt, 2, ntargs, NULL);
    Value xy[2] = {I(1), I(2)};
    Value p = vm_call(point, 2, xy, NULL);
    CHECK(p, "Point(x=1, y=2)");
    CHECK(obj_getattr(p, str_intern_c("y")), "2");
    CHECK(obj_getitem(p, I(0)), "1");
    CHECK(obj_compare(p, tuple_pack(2, I(1), I(2)), OP_EQ), "True");
    CHECK(M(p, "_asdict", 0), "{'x': 1, 'y': 2}");
    CHECK(vm_call(point, 1, xy, NULL), "TypeError: Point.__new__() missing 1 required positional argument: 'y'");
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("containers");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_dict_order);
    tcase_add_test(tc, test_dict_api);
    tcase_add_test(tc, test_set);
    tcase_add_test(tc, test_list_slices);
    tcase_add_test(tc, test_tuple);
    tcase_add_test(tc, test_sort);
    tcase_add_test(tc, test_range);
    tcase_add_test(tc, test_random);
    tcase_add_test(tc, test_math);
    tcase_add_test(tc, test_collections);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(suite)
