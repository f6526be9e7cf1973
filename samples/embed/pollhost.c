// pollhost.c: a host with its own poll() loop that drives pyish tasks while
// reading lines from stdin. Each input line becomes the argument of a
// pyish coroutine started as a task; the tasks sleep on asyncio timers and
// await a Future the host resolves when it reads "go". poll() waits for
// stdin or until pyish's next timer deadline, then the host runs one
// iteration of pyish's loop. At end of input it runs the loop until idle.
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "pyish.h"

static const char *program =
    "import asyncio\n"
    "done = []\n"
    "async def job(name, delay, gate):\n"
    "    await asyncio.sleep(delay)\n"
    "    print(f'{name}: slept {delay}s, waiting for the gate')\n"
    "    word = await gate\n"
    "    print(f'{name}: gate opened with {word!r}')\n"
    "    done.append(name)\n"
    "    return len(name)\n";

static void check(pyish_State *S, int rc) {
    if (rc != PYISH_OK) {
        fprintf(stderr, "%s", pyish_error_traceback(S));
        _exit(1);
    }
}

int main(void) {
    pyish_State *S = pyish_new(NULL);
    check(S, pyish_run_string(S, program, "jobs.py"));
    pyish_Value *job = pyish_get_global(S, "job");
    pyish_Value *gate = pyish_future_new(S);
    pyish_Value *tasks[16];
    int ntasks = 0;
    char line[256];
    size_t used = 0;
    for (bool eof = false; !eof;) {
        double next = pyish_loop_next_deadline(S);
        struct pollfd p = {0, POLLIN, 0};
        int timeout = next < 0 ? -1 : (int)(next * 1000) + 1;
        int r = poll(&p, 1, timeout);
        if (r > 0) {
            ssize_t n = read(0, line + used, sizeof line - 1 - used);
            if (n <= 0) {
                eof = true;
            } else {
                used += (size_t)n;
                char *nl;
                while ((nl = memchr(line, '\n', used))) {
                    *nl = 0;
                    if (strcmp(line, "go") == 0) {
                        pyish_Value *word = pyish_str(S, "go", 2);
                        check(S, pyish_future_resolve(S, gate, word));
                        pyish_release(S, word);
                        printf("host: gate opened\n");
                    } else if (line[0] && ntasks < 16) {
                        pyish_Value *args[3] = {pyish_str(S, line, (size_t)-1),
                                                pyish_float(S, 0.01 * (ntasks + 1)), gate};
                        pyish_Value *coro = pyish_call(S, job, 3, args);
                        tasks[ntasks++] = pyish_task_start(S, coro);
                        printf("host: started a task for %s\n", line);
                        pyish_release(S, coro);
                        pyish_release(S, args[0]);
                        pyish_release(S, args[1]);
                    }
                    used -= (size_t)(nl + 1 - line);
                    memmove(line, nl + 1, used);
                }
            }
        }
        fflush(stdout);
        check(S, pyish_loop_run_once(S));
        fflush(stdout);
    }
    check(S, pyish_loop_run(S, -1));
    for (int i = 0; i < ntasks; i++) {
        pyish_Value *r = pyish_task_result(S, tasks[i]);
        int64_t n = -1;
        if (r) {
            pyish_to_int64(S, r, &n);
        }
        printf("task %d: %s %lld\n", i, r ? "result" : "pending or failed", (long long)n);
        pyish_release(S, r);
        pyish_release(S, tasks[i]);
    }
    pyish_release(S, gate);
    pyish_release(S, job);
    pyish_free(S);
    return 0;
}
