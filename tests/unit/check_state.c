// check_state.c: interpreter states share nothing. Two states used one
// after the other on one thread keep their own globals, classes and
// modules; states run in parallel threads (this suite runs under
// ThreadSanitizer in CI); a state is created and freed many times; a
// memory limit gives MemoryError and the state stays usable.
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "interp.h"
#include "gc.h"
#include "unit_support.h"

// Runs [src] in the current state's __main__; "" or "Type: message".
static const char *run_text(const char *src) {
    static _Thread_local char buf[256];
    bool syntax_error;
    Value r = interp_run_source(src, strlen(src), "<test>", interp_main_globals(), false, &syntax_error);
    if (r) {
        return "";
    }
    if (syntax_error) {
        return "SyntaxError";
    }
    Value e = exc_take();
    Value s = obj_str(e);
    snprintf(buf, sizeof buf, "%s: %s", AS_OBJ(e)->cls->name->data, s ? AS_STR(s)->data : "?");
    return buf;
}

// The repr of global [name] of the current state.
static const char *global_repr(const char *name) {
    static _Thread_local char buf[256];
    Value v = dict_get_str(interp_main_globals(), str_intern_c(name));
    if (!v) {
        return "<unset>";
    }
    Value r = obj_repr(v);
    snprintf(buf, sizeof buf, "%s", r ? AS_STR(r)->data : "?");
    return buf;
}

START_TEST(two_states_alternately) {
    State *a = state_new(NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(run_text("x = 'a'\nclass C: pass\nimport math\nmath.tau = 1"), "");
    State *b = state_new(NULL);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_eq(ST, b);
    ck_assert_str_eq(global_repr("x"), "<unset>");
    ck_assert_str_eq(run_text("x = 'b'\nimport math\nt = math.tau"), "");
    ck_assert_str_eq(global_repr("t"), "6.283185307179586");
    state_swap(a);
    ck_assert_str_eq(global_repr("x"), "'a'");
    ck_assert_str_eq(run_text("y = C.__name__ + str(math.tau)"), "");
    ck_assert_str_eq(global_repr("y"), "'C1'");
    state_swap(b);
    ck_assert_str_eq(global_repr("x"), "'b'");
    ck_assert_str_eq(run_text("C"), "NameError: name 'C' is not defined");
    state_free(b);
    ck_assert_ptr_null(ST);
    state_swap(a);
    ck_assert_str_eq(global_repr("x"), "'a'");
    state_free(a);
    ck_assert_ptr_null(ST);
}
END_TEST

static const char *busy_program =
    "import asyncio\n"
    "class P:\n"
    "    def __init__(self, x): self.x = x\n"
    "def work(n):\n"
    "    d = {}\n"
    "    for i in range(n):\n"
    "        d[str(i)] = P(i * 0.5)\n"
    "    return sum(p.x for p in d.values())\n"
    "async def tick(k):\n"
    "    await asyncio.sleep(0.001 * k)\n"
    "    return k\n"
    "async def main():\n"
    "    return sum(await asyncio.gather(*(tick(k) for k in range(20))))\n"
    "total = work(20000) + asyncio.run(main()) + 2 ** 200 % 7\n";

static void *thread_main(void *arg) {
    int *ok = arg;
    for (int round = 0; round < 3; round++) {
        State *s = state_new(&(StateConfig){.virtual_clock = true});
        if (!s) {
            return NULL;
        }
        const char *r = run_text(busy_program);
        if (strcmp(r, "") == 0 && strcmp(global_repr("total"), "99995194.0") == 0) {
            (*ok)++;
        } else {
            fprintf(stderr, "thread run: %s, total %s\n", r, global_repr("total"));
        }
        gc_collect();
        state_free(s);
    }
    return NULL;
}

START_TEST(states_in_parallel_threads) {
    pthread_t th[2];
    int ok[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_main, &ok[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
    }
    ck_assert_int_eq(ok[0], 3);
    ck_assert_int_eq(ok[1], 3);
}
END_TEST

START_TEST(create_and_free_many) {
    for (int i = 0; i < 30; i++) {
        State *s = state_new(NULL);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(run_text("import collections, random\nd = collections.deque(range(100))\nr = random.random()"), "");
        state_free(s);
    }
}
END_TEST

START_TEST(memory_limit) {
    State *s = state_new(&(StateConfig){.memory_limit = 64u << 20});
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(run_text("big = 'x' * (200 << 20)"), "MemoryError: ");
    ck_assert_str_eq(run_text("l = []\nwhile True: l.append([0] * 1000)"), "MemoryError: ");
    ck_assert_str_eq(run_text("del l\nok = sum(range(1000))"), "");
    ck_assert_str_eq(global_repr("ok"), "499500");
    state_free(s);
}
END_TEST

int main(void) {
    Suite *s = suite_create("state");
    TCase *tc = tcase_create("state");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, two_states_alternately);
    tcase_add_test(tc, states_in_parallel_threads);
    tcase_add_test(tc, create_and_free_many);
    tcase_add_test(tc, memory_limit);
    suite_add_tcase(s, tc);
    return unit_run(s, true);
}
