// check_asyncio.c: unit tests of the C core of asyncio (runtime/asyncio):
// Future states and messages, callbacks scheduled (never run inline) in
// registration order, the ready ring buffer growing while wrapped, timers
// firing by (deadline, sequence), the virtual clock jumping to the next
// timer, run_until_complete, the deadlock report, and tasks driving
// coroutines compiled from source. Expected messages are CPython 3.11's.
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "object.h"
#include "interp.h"
#include "clock.h"
#include "runtime.h"
#include "asyncio/asyncio.h"
#include "unit_support.h"

static void setup(void) {
    static bool done;
    if (done) {
        return;
    }
    done = true;
    unit_setup("check_asyncio", true);
    ck_assert(import_module_value(str_intern_c("_asyncio")) != VAL_NULL);
}

// Runs [src] in the shared globals; returns repr of global `out`, or the
// "Type: message" of the exception.
static char buf[4096];
static const char *run_out(const char *src) {
    bool syntax;
    Value r = interp_run_source(src, strlen(src), "<test>", G, false, &syntax);
    if (!r) {
        Value e = exc_take();
        Value s = e ? obj_str(e) : VAL_NULL;
        snprintf(buf, sizeof buf, "%s: %s", e ? val_type_name(e) : "?", s ? str_cstr(s) : "?");
        exc_clear();
        return buf;
    }
    Value out = dict_get_str(G, str_intern_c("out"));
    Value rs = out ? obj_repr(out) : VAL_NULL;
    snprintf(buf, sizeof buf, "%s", rs ? str_cstr(rs) : "<no out>");
    return buf;
}

START_TEST(test_future_states) {
    setup();
    ck_assert_str_eq(run_out("import asyncio\n"
                             "loop = asyncio.new_event_loop()\n"
                             "f = loop.create_future()\n"
                             "out = [repr(f), f.done(), f.cancelled()]\n"),
                     "['<Future pending>', False, False]");
    ck_assert_str_eq(run_out("f.result()\n"), "InvalidStateError: Result is not set.");
    ck_assert_str_eq(run_out("f.set_result('hello')\nout = repr(f)\n"), "\"<Future finished result='hello'>\"");
    ck_assert_str_eq(run_out("f.set_result(1)\n"), "InvalidStateError: invalid state");
    ck_assert_str_eq(run_out("g = loop.create_future()\ng.set_exception(ValueError('x'))\nout = repr(g)\n"),
                     "\"<Future finished exception=ValueError('x')>\"");
    ck_assert_str_eq(run_out("h = loop.create_future()\nout = [h.cancel('m'), h.cancel(), repr(h)]\n"),
                     "[True, False, '<Future cancelled>']");
    ck_assert_str_eq(run_out("h.result()\n"), "CancelledError: m");
    ck_assert_str_eq(run_out("out = g.exception()\n"), "ValueError('x')");
}
END_TEST

START_TEST(test_callbacks_order) {
    setup();
    ck_assert_str_eq(run_out("import asyncio\n"
                             "loop = asyncio.new_event_loop()\n"
                             "log = []\n"
                             "f = loop.create_future()\n"
                             "f.add_done_callback(lambda x: log.append(1))\n"
                             "f.add_done_callback(lambda x: log.append(2))\n"
                             "cb3 = lambda x: log.append(3)\n"
                             "f.add_done_callback(cb3)\n"
                             "n = f.remove_done_callback(cb3)\n"
                             "f.set_result(0)\n"
                             "inline = list(log)\n"
                             "f.add_done_callback(lambda x: log.append(4))\n"
                             "loop.call_soon(loop.stop)\n"
                             "loop.run_forever()\n"
                             "out = [n, inline, log]\n"),
                     "[1, [], [1, 2, 4]]");
}
END_TEST

START_TEST(test_ring_and_timers) {
    setup();
    // 1000 call_soon from inside a callback: the ring wraps and grows.
    ck_assert_str_eq(run_out("import asyncio\n"
                             "loop = asyncio.new_event_loop()\n"
                             "log = []\n"
                             "def burst():\n"
                             "    for i in range(1000):\n"
                             "        loop.call_soon(log.append, i)\n"
                             "for i in range(40):\n"
                             "    loop.call_soon(log.append, -1)\n"
                             "loop.call_soon(burst)\n"
                             "loop.call_soon(loop.stop)\n"
                             "loop.run_forever()\n"
                             "loop.call_soon(loop.stop)\n"
                             "loop.run_forever()\n"
                             "out = [len(log), log[39], log[40], log[-1]]\n"),
                     "[1040, -1, 0, 999]");
    ck_assert_str_eq(run_out("t0 = loop.time()\n"
                             "log = []\n"
                             "loop.call_at(t0 + 2, log.append, 'b')\n"
                             "loop.call_at(t0 + 1, log.append, 'a')\n"
                             "loop.call_at(t0 + 2, log.append, 'c')\n"
                             "h = loop.call_at(t0 + 1.5, log.append, 'x')\n"
                             "h.cancel()\n"
                             "loop.call_at(t0 + 3, loop.stop)\n"
                             "loop.run_forever()\n"
                             "out = [log, round(loop.time() - t0, 3)]\n"),
                     "[['a', 'b', 'c'], 3.0]");
}
END_TEST

START_TEST(test_tasks) {
    setup();
    ck_assert_str_eq(run_out("import asyncio\n"
                             "async def child(n):\n"
                             "    await asyncio.sleep(n)\n"
                             "    return n * 10\n"
                             "async def main():\n"
                             "    t = asyncio.create_task(child(1))\n"
                             "    r = await asyncio.gather(t, child(2))\n"
                             "    return [r, t.done(), t.get_name().startswith('Task-')]\n"
                             "out = asyncio.run(main())\n"),
                     "[[10, 20], True, True]");
    ck_assert_str_eq(run_out("async def bad():\n"
                             "    yield_ = 1\n"
                             "    raise KeyError('k')\n"
                             "out = asyncio.run(bad())\n"),
                     "KeyError: 'k'");
    ck_assert_str_eq(run_out("async def sleeper():\n"
                             "    try:\n"
                             "        await asyncio.sleep(5)\n"
                             "    except asyncio.CancelledError:\n"
                             "        return 'swallowed'\n"
                             "async def main():\n"
                             "    t = asyncio.create_task(sleeper())\n"
                             "    await asyncio.sleep(0)\n"
                             "    t.cancel()\n"
                             "    return [await t, t.cancelled()]\n"
                             "out = asyncio.run(main())\n"),
                     "['swallowed', False]");
}
END_TEST

START_TEST(test_deadlock) {
    setup();
    const char *r = run_out("import asyncio\n"
                            "async def stuck():\n"
                            "    await asyncio.get_running_loop().create_future()\n"
                            "loop = asyncio.new_event_loop()\n"
                            "loop.run_until_complete(stuck())\n");
    ck_assert_msg(strstr(r, "RuntimeError: deadlock: run_until_complete() waits for <Task pending") != NULL, "%s", r);
    ck_assert_msg(strstr(r, "suspended at <test>:3 in stuck(), awaiting <Future pending") != NULL, "%s", r);
}
END_TEST

START_TEST(test_no_running_loop) {
    setup();
    ck_assert_str_eq(run_out("import asyncio\nasyncio.get_running_loop()\n"), "RuntimeError: no running event loop");
    ck_assert_str_eq(run_out("loop = asyncio.new_event_loop()\nloop.close()\nloop.call_soon(print)\n"),
                     "RuntimeError: Event loop is closed");
}
END_TEST

int main(void) {
    Suite *s = suite_create("asyncio");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_future_states);
    tcase_add_test(tc, test_callbacks_order);
    tcase_add_test(tc, test_ring_and_timers);
    tcase_add_test(tc, test_tasks);
    tcase_add_test(tc, test_deadlock);
    tcase_add_test(tc, test_no_running_loop);
    suite_add_tcase(s, tc);
    return unit_run(s, true);
}
