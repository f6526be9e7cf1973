// callback.c: a host calling into pyish and called back from it. It
// registers the C function `host_log` (with a userdata counter), runs a
// pyish program that defines `score()` and calls host_log, then calls
// score() from C with positional and keyword arguments and reads the
// results back (an int, a big int, a list), and shows an error's traceback.
#include <stdio.h>
#include <stdlib.h>
#include "pyish.h"

static pyish_Value *host_log(pyish_State *S, int argc, pyish_Value *const *argv, pyish_Value *kwargs,
                             void *userdata) {
    int *calls = userdata;
    (*calls)++;
    for (int i = 0; i < argc; i++) {
        pyish_Value *s = pyish_to_str(S, argv[i]);
        if (!s) {
            return NULL;
        }
        printf("%s%s", i ? " " : "[host] ", pyish_to_string(S, s, NULL));
        pyish_release(S, s);
    }
    printf("\n");
    return pyish_none(S);
}

static const char *program =
    "def score(word, bonus=0):\n"
    "    host_log('scoring', word)\n"
    "    return sum(ord(c) for c in word) + bonus\n"
    "def fail():\n"
    "    return {}['missing']\n";

int main(void) {
    pyish_State *S = pyish_new(NULL);
    int calls = 0;
    if (!S || pyish_register_function(S, "host_log", host_log, &calls) != PYISH_OK ||
        pyish_run_string(S, program, "game.py") != PYISH_OK) {
        fprintf(stderr, "set-up failed: %s\n", S ? pyish_error_traceback(S) : pyish_new_error());
        return 1;
    }
    pyish_Value *score = pyish_get_global(S, "score");
    pyish_Value *word = pyish_str(S, "pyish", (size_t)-1);
    pyish_Value *kw = pyish_dict(S);
    pyish_Value *bonus = pyish_int(S, 1000);
    pyish_dict_set(S, kw, "bonus", bonus);
    pyish_Value *r = pyish_call_kw(S, score, 1, &word, kw);
    int64_t n = 0;
    if (!r || pyish_to_int64(S, r, &n) != PYISH_OK) {
        fprintf(stderr, "%s", pyish_error_traceback(S));
        return 1;
    }
    printf("score('pyish', bonus=1000) = %lld\n", (long long)n);
    pyish_Value *big = pyish_eval(S, "[score(w) ** 9 for w in ('a', 'bc')]");
    for (int64_t i = 0; big && i < pyish_len(S, big); i++) {
        pyish_Value *item = pyish_get_index(S, big, i);
        char *digits = pyish_to_int_string(S, item);
        printf("big[%lld] = %s\n", (long long)i, digits);
        free(digits);
        pyish_release(S, item);
    }
    pyish_Value *fail = pyish_get_global(S, "fail");
    if (!pyish_call(S, fail, 0, NULL)) {
        printf("fail() raised %s: %s\n%s", pyish_error_type(S), pyish_error_message(S),
               pyish_error_traceback(S));
        pyish_error_clear(S);
    }
    printf("host_log was called %d times\n", calls);
    pyish_Value *hs[] = {score, word, kw, bonus, r, big, fail};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
        pyish_release(S, hs[i]);
    }
    pyish_free(S);
    return 0;
}
