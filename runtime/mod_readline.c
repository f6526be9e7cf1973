// mod_readline.c: `readline`, CPython's interface to the line editor, on
// libedit's readline emulation (the library the REPL edits with; the
// module's docstring says "libedit", which programs test to pick their
// parse_and_bind syntax): the history (shared with the REPL's), the
// completer and hooks, bindings. Once it is imported, input() edits its
// line with libedit when stdin and stdout are terminals (readline_input),
// as CPython's input() does with its readline. The Python-level state
// (completer, hooks) is the interpreter state's; libedit's own is the
// process's, as for CPython. Not registered without libedit.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "vmapi.h"

#ifdef PYISH_HAVE_LIBEDIT
#include <editline/readline.h>

static const char default_delims[] = " \t\n`~!@#$%^&*()-=+[{]}\\|;:'\",<>/?";

static void mark_readline(void) {
    gc_mark_value(ST->rl_completer);
    gc_mark_value(ST->rl_startup_hook);
    gc_mark_value(ST->rl_pre_input_hook);
    gc_mark_value(ST->rl_display_hook);
    gc_mark_value(ST->rl_delims);
}

static bool one_str(const char *fn, int argc, Value *argv, int min) {
    if (!arg_count(fn, argc, min, 1)) {
        return false;
    }
    if (argc && !IS_STR(argv[0])) {
        exc_raise(exc_TypeError, "%s() argument must be str, not %s", fn, val_type_name(argv[0]));
        return false;
    }
    return true;
}

static bool one_int(const char *fn, int argc, Value *argv, int *out) {
    int64_t v;
    if (!arg_count(fn, argc, 1, 1) || !int_to_i64(argv[0], &v)) {
        return false;
    }
    *out = (int)v;
    return true;
}

// A file name argument (str or os.PathLike) or NULL for the default.
static const char *path_arg(const char *fn, int argc, Value *argv, Value *keep) {
    *keep = VAL_NULL;
    if (argc == 0 || IS_NONE(argv[0])) {
        return NULL;
    }
    Value p = argv[0];
    bool found = false;
    if (!IS_STR(p)) {
        p = call_method_opt(p, str_intern_c("__fspath__"), 0, NULL, &found);
        if (!p) {
            return NULL;
        }
    }
    if (!IS_STR(p)) {
        exc_raise(exc_TypeError, "%s() argument must be str, not %s", fn, val_type_name(p));
        return NULL;
    }
    *keep = p;
    return AS_STR(p)->data;
}

// CPython's default history file, ~/.history, into [buf].
static const char *history_file(char *buf, size_t size) {
    const char *home = getenv("HOME");
    snprintf(buf, size, "%s/.history", home ? home : ".");
    return buf;
}

static Value errno_error(const char *path, int err) {
    if (err == 0) {
        return VAL_NONE;
    }
    Value p = str_from_c(path);
    gc_push_root(p);
    exc_raise_oserror(err, p, VAL_NULL);
    gc_pop_root(1);
    return VAL_NULL;
}

static Value rl_parse_and_bind_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!one_str("parse_and_bind", argc, argv, 1)) {
        return VAL_NULL;
    }
    rl_parse_and_bind(AS_STR(argv[0])->data);
    return VAL_NONE;
}

static Value rl_read_init_file_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    Value keep;
    const char *p = path_arg("read_init_file", argc, argv, &keep);
    if (exc_pending()) {
        return VAL_NULL;
    }
    rl_read_init_file(p);
    return VAL_NONE;
}

static Value rl_read_history_file_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    Value keep;
    char buf[4096];
    const char *p = path_arg("read_history_file", argc, argv, &keep);
    if (exc_pending()) {
        return VAL_NULL;
    }
    p = p ? p : history_file(buf, sizeof buf);
    if (access(p, R_OK) != 0) {
        return errno_error(p, errno);
    }
    return errno_error(p, read_history(p));
}

static Value rl_write_history_file_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    Value keep;
    char buf[4096];
    const char *p = path_arg("write_history_file", argc, argv, &keep);
    if (exc_pending()) {
        return VAL_NULL;
    }
    p = p ? p : history_file(buf, sizeof buf);
    FILE *f = fopen(p, "a");
    if (!f) {
        return errno_error(p, errno);
    }
    fclose(f);
    return errno_error(p, write_history(p));
}

static Value rl_append_history_file_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int64_t n;
    if (!arg_count("append_history_file", argc, 1, 2) || !int_to_i64(argv[0], &n)) {
        return VAL_NULL;
    }
    Value keep;
    char buf[4096];
    const char *p = path_arg("append_history_file", argc - 1, argv + 1, &keep);
    if (exc_pending()) {
        return VAL_NULL;
    }
    p = p ? p : history_file(buf, sizeof buf);
    FILE *f = fopen(p, "a");
    if (!f) {
        return errno_error(p, errno);
    }
    int len = history_length;
    for (int i = (int)(len - n < 0 ? 0 : len - n); i < len; i++) {
        HIST_ENTRY *h = history_get(history_base + i);
        if (h && h->line) {
            fprintf(f, "%s\n", h->line);
        }
    }
    fclose(f);
    return VAL_NONE;
}

static Value rl_get_history_length_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    if (!arg_count("get_history_length", argc, 0, 0)) {
        return VAL_NULL;
    }
    return MK_SMALL(ST->rl_history_length - 1);
}

static Value rl_set_history_length_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int n;
    if (!one_int("set_history_length", argc, argv, &n)) {
        return VAL_NULL;
    }
    if (n < 0) {
        unstifle_history();
    } else {
        stifle_history(n);
    }
    ST->rl_history_length = n < 0 ? 0 : n + 1;
    return VAL_NONE;
}

static Value rl_get_current_history_length_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    if (!arg_count("get_current_history_length", argc, 0, 0)) {
        return VAL_NULL;
    }
    return MK_SMALL(history_length);
}

static Value rl_get_history_item_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int i;
    if (!one_int("get_history_item", argc, argv, &i)) {
        return VAL_NULL;
    }
    HIST_ENTRY *h = i >= 1 && i <= history_length ? history_get(history_base + i - 1) : NULL;
    return h && h->line ? str_from_c(h->line) : VAL_NONE;
}

static Value rl_remove_history_item_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int i;
    if (!one_int("remove_history_item", argc, argv, &i)) {
        return VAL_NULL;
    }
    if (i < 0) {
        return exc_raise(exc_ValueError, "History index cannot be negative");
    }
    HIST_ENTRY *h = remove_history(i);
    if (!h) {
        return exc_raise(exc_ValueError, "No history item at position %d", i);
    }
    free_history_entry(h);
    return VAL_NONE;
}

static Value rl_replace_history_item_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int64_t i;
    if (!arg_count("replace_history_item", argc, 2, 2) || !int_to_i64(argv[0], &i)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "replace_history_item() argument 2 must be str, not %s",
                         val_type_name(argv[1]));
    }
    if (i < 0) {
        return exc_raise(exc_ValueError, "History index cannot be negative");
    }
    // (libedit counts this one from 1, as CPython's readline.c notes)
    HIST_ENTRY *h = replace_history_entry((int)i + 1, AS_STR(argv[1])->data, NULL);
    if (!h) {
        return exc_raise(exc_ValueError, "No history item at position %d", (int)i);
    }
    free_history_entry(h);
    return VAL_NONE;
}

static Value rl_add_history_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!one_str("add_history", argc, argv, 1)) {
        return VAL_NULL;
    }
    add_history(AS_STR(argv[0])->data);
    return VAL_NONE;
}

static Value rl_clear_history_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    if (!arg_count("clear_history", argc, 0, 0)) {
        return VAL_NULL;
    }
    clear_history();
    return VAL_NONE;
}

static Value rl_set_auto_history_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("set_auto_history", argc, 1, 1)) {
        return VAL_NULL;
    }
    int t = obj_truthy(argv[0]);
    if (t < 0) {
        return VAL_NULL;
    }
    ST->rl_no_auto_history = !t;
    return VAL_NONE;
}

static Value rl_get_line_buffer_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    if (!arg_count("get_line_buffer", argc, 0, 0)) {
        return VAL_NULL;
    }
    return str_from_c(rl_line_buffer ? rl_line_buffer : "");
}

static Value rl_insert_text_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!one_str("insert_text", argc, argv, 1)) {
        return VAL_NULL;
    }
    rl_insert_text(AS_STR(argv[0])->data);
    return VAL_NONE;
}

static Value rl_redisplay_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    if (!arg_count("redisplay", argc, 0, 0)) {
        return VAL_NULL;
    }
    rl_redisplay();
    return VAL_NONE;
}

// set_completer([function]) and the hooks: a callable or None (cleared).
static Value set_hook(const char *fn, Value *slot, int argc, Value *argv) {
    if (!arg_count(fn, argc, 0, 1)) {
        return VAL_NULL;
    }
    if (argc == 0 || IS_NONE(argv[0])) {
        *slot = VAL_NULL;
        return VAL_NONE;
    }
    if (!obj_is_callable(argv[0])) {
        return exc_raise(exc_TypeError, "%s(func): argument not callable", fn);
    }
    *slot = argv[0];
    return VAL_NONE;
}

static Value rl_set_completer_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return set_hook("set_completer", &ST->rl_completer, argc, argv);
}

static Value rl_get_completer_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    if (!arg_count("get_completer", argc, 0, 0)) {
        return VAL_NULL;
    }
    return ST->rl_completer ? ST->rl_completer : VAL_NONE;
}

static Value rl_set_startup_hook_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return set_hook("set_startup_hook", &ST->rl_startup_hook, argc, argv);
}

static Value rl_set_pre_input_hook_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return set_hook("set_pre_input_hook", &ST->rl_pre_input_hook, argc, argv);
}

static Value rl_set_display_hook_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return set_hook("set_completion_display_matches_hook", &ST->rl_display_hook, argc, argv);
}

static Value rl_set_completer_delims_fn(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!one_str("set_completer_delims", argc, argv, 1)) {
        return VAL_NULL;
    }
    // libedit keeps the pointer: the state keeps the str alive
    ST->rl_delims = argv[0];
    rl_basic_word_break_characters = AS_STR(argv[0])->data;
    return VAL_NONE;
}

static Value rl_get_completer_delims_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    if (!arg_count("get_completer_delims", argc, 0, 0)) {
        return VAL_NULL;
    }
    const char *d = rl_basic_word_break_characters;
    return str_from_c(d ? d : default_delims);
}

static Value rl_get_begidx_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    return arg_count("get_begidx", argc, 0, 0) ? MK_SMALL(ST->rl_begidx) : VAL_NULL;
}

static Value rl_get_endidx_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    return arg_count("get_endidx", argc, 0, 0) ? MK_SMALL(ST->rl_endidx) : VAL_NULL;
}

static Value rl_get_completion_type_fn(int argc, Value *argv, ObjDict *kw) {
    (void)argv; (void)kw;
    return arg_count("get_completion_type", argc, 0, 0) ? MK_SMALL('\t') : VAL_NULL;
}

// ---- input() through libedit

// A hook's call; its exception is printed, as CPython's on_hook does.
static int call_hook(Value hook) {
    if (!hook) {
        return 0;
    }
    Value r = obj_call(hook, 0, NULL, NULL);
    if (!r) {
        interp_print_exception(exc_take());
    }
    return 0;
}

static int startup_hook(void) {
    return call_hook(ST->rl_startup_hook);
}

static int pre_input_hook(void) {
    return call_hook(ST->rl_pre_input_hook);
}

// completer(text, state) for state 0, 1, ... until it gives None.
static char *completion_generator(const char *text, int state) {
    Value args[2] = {str_from_c(text), MK_SMALL(state)};
    gc_push_root(args[0]);
    Value r = obj_call(ST->rl_completer, 2, args, NULL);
    gc_pop_root(1);
    if (!r) {
        exc_clear();    // CPython: an error ends the completion silently
        return NULL;
    }
    return IS_STR(r) ? strdup(AS_STR(r)->data) : NULL;
}

static char **attempted_completion(const char *text, int start, int end) {
    ST->rl_begidx = start;
    ST->rl_endidx = end;
    rl_attempted_completion_over = 1;
    return rl_completion_matches(text, completion_generator);
}

static int input_getc(FILE *f) {
    (void)f;
    unsigned char c;
    for (;;) {
        ssize_t n = read(0, &c, 1);
        if (n == 1) {
            ST->rl_last_eof = c == 4;
            return c;
        }
        if (n < 0 && errno == EINTR && !STATE_INTERRUPT()) {
            continue;
        }
        return EOF;
    }
}

bool readline_active(void) {
    return dict_get_str(ST->modules, str_intern_c("readline")) != VAL_NULL && isatty(0) && isatty(1);
}

Value readline_input(const char *prompt) {
    int (*old_getc)(FILE *) = rl_getc_function;
    rl_completion_func_t *old_complete = rl_attempted_completion_function;
    rl_hook_func_t *old_startup = rl_startup_hook, *old_pre = rl_pre_input_hook;
    rl_getc_function = input_getc;      // (the REPL's own is put back after)
    if (ST->rl_completer) {
        rl_attempted_completion_function = attempted_completion;
    }
    rl_startup_hook = ST->rl_startup_hook ? startup_hook : NULL;
    rl_pre_input_hook = ST->rl_pre_input_hook ? pre_input_hook : NULL;
    fflush(stdout);
    char *line = readline(prompt);
    rl_getc_function = old_getc;
    rl_attempted_completion_function = old_complete;
    rl_startup_hook = old_startup;
    rl_pre_input_hook = old_pre;
    if (STATE_INTERRUPT()) {
        free(line);
        return vm_raise_interrupt() ? VAL_NULL : readline_input(prompt);    // KeyboardInterrupt
    }
    if (!line) {
        if (ST->rl_last_eof) {
            fputs("\b\b  \b\b", stdout);    // libedit's "^D" echo (see repl.c)
        }
        return exc_raise_value(OBJ_VAL(exc_EOFError));  // (CPython's readline EOF has no message)
    }
    if (*line && !ST->rl_no_auto_history) {
        add_history(line);
    }
    Value r = str_new(line, strlen(line));
    free(line);
    return r;
}

static const MethodDef readline_fns[] = {
    {"parse_and_bind", rl_parse_and_bind_fn, false},
    {"read_init_file", rl_read_init_file_fn, false},
    {"read_history_file", rl_read_history_file_fn, false},
    {"write_history_file", rl_write_history_file_fn, false},
    {"append_history_file", rl_append_history_file_fn, false},
    {"get_history_length", rl_get_history_length_fn, false},
    {"set_history_length", rl_set_history_length_fn, false},
    {"get_current_history_length", rl_get_current_history_length_fn, false},
    {"get_history_item", rl_get_history_item_fn, false},
    {"remove_history_item", rl_remove_history_item_fn, false},
    {"replace_history_item", rl_replace_history_item_fn, false},
    {"add_history", rl_add_history_fn, false},
    {"clear_history", rl_clear_history_fn, false},
    {"set_auto_history", rl_set_auto_history_fn, false},
    {"get_line_buffer", rl_get_line_buffer_fn, false},
    {"insert_text", rl_insert_text_fn, false},
    {"redisplay", rl_redisplay_fn, false},
    {"set_completer", rl_set_completer_fn, false},
    {"get_completer", rl_get_completer_fn, false},
    {"set_startup_hook", rl_set_startup_hook_fn, false},
    {"set_pre_input_hook", rl_set_pre_input_hook_fn, false},
    {"set_completion_display_matches_hook", rl_set_display_hook_fn, false},
    {"set_completer_delims", rl_set_completer_delims_fn, false},
    {"get_completer_delims", rl_get_completer_delims_fn, false},
    {"get_begidx", rl_get_begidx_fn, false},
    {"get_endidx", rl_get_endidx_fn, false},
    {"get_completion_type", rl_get_completion_type_fn, false},
    {NULL, NULL, false},
};

Value mod_readline_init(void) {
    Value m = module_new("readline");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, NULL, readline_fns);
    dict_set_str(d, str_intern_c("__doc__"),
                 str_from_c("Importing this module enables command line editing using libedit readline."));
    dict_set_str(d, str_intern_c("_READLINE_VERSION"), MK_SMALL(RL_READLINE_VERSION));
    dict_set_str(d, str_intern_c("_READLINE_RUNTIME_VERSION"), MK_SMALL(rl_readline_version));
    dict_set_str(d, str_intern_c("_READLINE_LIBRARY_VERSION"), str_from_c(rl_library_version ? rl_library_version : "EditLine wrapper"));
    gc_add_root_marker(mark_readline);
    if (!ST->repl) {
        // before libedit initializes: it installs the character source then
        rl_getc_function = input_getc;
    }
    using_history();
    if (!rl_basic_word_break_characters) {
        rl_basic_word_break_characters = (char *)default_delims;
    }
    return m;
}
#else
bool readline_active(void) {
    return false;
}

Value readline_input(const char *prompt) {
    (void)prompt;
    return VAL_NULL;
}
#endif
