// repl.c: the interactive prompt. Reads lines (libedit on a terminal, with
// persistent history and tab completion of keywords, names and attributes),
// gathers one complete input (a compound statement until a blank line, an
// unclosed bracket or string until it closes), compiles it in interactive
// mode (expression statements echo their repr and bind `_`) and runs it in
// __main__. As `python3 -m asyncio` does, the REPL owns an event loop that
// persists between inputs: every input runs with it as the running loop, an
// input holding a top-level `await` runs as a task on it, and while the
// prompt waits for keystrokes the loop keeps running the tasks that are due.
// An exception prints its traceback and the session goes on; Ctrl-C clears
// the line or interrupts the running code; Ctrl-D or exit() leaves.
#include <errno.h>
#include <stdio_ext.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#include "interp.h"
#include "ast.h"
#include "compile.h"
#include "diag.h"
#include "gc.h"
#include "runtime.h"
#include "version.h"
#include "asyncio/asyncio.h"
#include "clock.h"
#include "repl.h"

#ifdef PYISH_HAVE_LIBEDIT
#include <editline/readline.h>
#endif


// The session's state, a field of the interpreter state (ST->repl): the
// line editor's callbacks take no argument, and they run on the thread
// that runs the state.
typedef struct Repl {
    ObjLoop *loop;              // the persistent loop (NULL if asyncio failed)
    bool show_prompts;          // terminal, or -i: prompts (to stderr off a terminal)
    bool line_interrupted;      // Ctrl-C while reading a line
    const char *inject;         // keys editline_getc hands libedit before reading
    bool session_over;          // a task raised SystemExit at the prompt
    bool use_editline;          // libedit on a terminal
    char *history_path;         // NULL: no history
    const char *filename;       // of inputs: "<stdin>", "<console>" for -m asyncio
    bool asyncio_console;       // -m asyncio: as python3's console
    char **cands;               // completion candidates
    size_t ncands, ccands;
    size_t cand_idx;            // the next candidate to hand libedit
} Repl;

static void mark_repl(void) {
    if (ST->repl) {
        gc_mark_obj((Obj *)ST->repl->loop);
    }
}

// ---- the event loop while waiting for input

// Runs what the loop has due now; false when that raised SystemExit or
// KeyboardInterrupt (pending). *next: seconds until more is due, -1 never.
static bool run_due(double *next) {
    *next = -1;
    if (loop_unusable(ST->repl->loop)) {
        return true;
    }
    bool ok = loop_run_once(ST->repl->loop);
    *next = loop_next_deadline(ST->repl->loop);
    return ok;
}

// An exception raised by a task while the prompt waited: SystemExit ends the
// session (left pending, returns false), anything else is printed.
static bool report_background_error(void) {
    Value exc = exc_take();
    if (exc_matches(exc, OBJ_VAL(exc_SystemExit))) {
        exc_raise_value(exc);
        return false;
    }
    fflush(stdout);
    interp_print_exception(exc);
    return true;
}


// Whether the loop has something to run now.
static bool due_now(void) {
    return loop_next_deadline(ST->repl->loop) == 0;
}

// Waits until fd 0 is readable, running the loop's due work (timers, and
// I/O through libuv's backend fd) meanwhile.
// false: Ctrl-C (line_interrupted set) or the session is over.
static bool wait_input(bool redraw) {
    for (;;) {
        if (ST->repl->session_over) {
            return false;
        }
        if (STATE_INTERRUPT() && STATE_INTERRUPT() != VM_INTERRUPT_SWITCH) {
            STATE_SET_INTERRUPT(0);
            ST->repl->line_interrupted = true;
            return false;
        }
        double next = -1;
        if (ST->repl->loop && !ST->repl->session_over) {
            // task output goes above the line being edited: it is buffered
            // while the tasks run, then the line is cleared, the output
            // written and the line redrawn
            bool capture = redraw && (due_now() || loop_backend_fd(ST->repl->loop) >= 0);
            if (capture) {
                fflush(stdout);
                setvbuf(stdout, NULL, _IOFBF, 1 << 16);
            }
            bool ok = run_due(&next);
            bool printed = false;
            if (capture) {
                printed = __fpending(stdout) > 0 || !ok;
                if (printed) {
                    fputs("\r\033[K", stderr);
                }
                fflush(stdout);
                setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
            }
            if (!ok) {
                if (!report_background_error()) {
                    ST->repl->session_over = true;
                    return false;
                }
                next = 0;
            }
#ifdef PYISH_HAVE_LIBEDIT
            if (printed) {
                rl_forced_update_display();
            }
#endif
        }
        // I/O the loop waits for (a server socket, a pipe) wakes us too
        int iofd = ST->repl->loop && !ST->repl->session_over ? loop_backend_fd(ST->repl->loop) : -1;
        if (iofd >= 0) {
            next = loop_next_deadline(ST->repl->loop);
        }
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(0, &fds);
        if (iofd >= 0) {
            FD_SET(iofd, &fds);
        }
        struct timeval tv, *tvp = NULL;
        if (next >= 0) {
            if (next > 1) {
                next = 1;
            }
            tv.tv_sec = (time_t)next;
            tv.tv_usec = (suseconds_t)((next - (double)tv.tv_sec) * 1e6) + 1000;
            tvp = &tv;
        }
        int r = select(iofd >= 0 ? iofd + 1 : 1, &fds, NULL, NULL, tvp);
        if (r > 0 && FD_ISSET(0, &fds)) {
            return true;
        }
        if (r < 0 && errno != EINTR) {
            return true;    // let the read report the problem
        }
    }
}

#ifdef PYISH_HAVE_LIBEDIT
// libedit's character source: waits with the loop running, then reads one
// UTF-8 character and returns its code point; EOF (-1) on Ctrl-C or end.
static int editline_getc(FILE *f) {
    (void)f;
    if (ST->repl->inject && *ST->repl->inject) {
        return (unsigned char)*ST->repl->inject++;
    }
    if (!wait_input(true)) {
        return EOF;
    }
    unsigned char c;
    ssize_t n;
    while ((n = read(0, &c, 1)) < 0 && errno == EINTR) {
        if (STATE_INTERRUPT() && STATE_INTERRUPT() != VM_INTERRUPT_SWITCH) {
            STATE_SET_INTERRUPT(0);
            ST->repl->line_interrupted = true;
            return EOF;
        }
    }
    if (n <= 0) {
        return EOF;
    }
    if (c < 0x80) {
        return c;
    }
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    int cp = more == 3 ? c & 7 : more == 2 ? c & 15 : c & 31;
    for (int i = 0; i < more; i++) {
        unsigned char d;
        if (read(0, &d, 1) != 1) {
            return EOF;
        }
        cp = (cp << 6) | (d & 0x3F);
    }
    return cp;
}

// Ctrl-D as GNU readline's delete-char: on an empty line it ends the input
// (readline() returns NULL) without echoing anything, where libedit's own
// em-delete-or-list writes "^D" (and on a line with text lists completions
// at its end). With text it deletes the character under the cursor: the
// Delete key's sequence, bound to ed-delete-next-char, is handed to libedit
// as the next keys.
static int ctrl_d(int count, int key) {
    (void)count;
    (void)key;
    if (rl_end == 0) {
        rl_done = 1;
    } else {
        ST->repl->inject = "\033[3~";
    }
    return 0;
}
#endif

// Reads one line without its newline (malloc'd); NULL at end of input or
// on Ctrl-C (line_interrupted set).
static char *read_line(const char *prompt) {
    ST->repl->line_interrupted = false;
#ifdef PYISH_HAVE_LIBEDIT
    if (ST->repl->use_editline) {
        char *l = readline(prompt);
        if (ST->repl->line_interrupted) {
            free(l);
            return NULL;
        }
        return l;
    }
#endif
    if (ST->repl->show_prompts) {
        // off a terminal python3 -i prompts on stderr, its asyncio console
        // (input()) on stdout
        FILE *out = isatty(0) || ST->repl->asyncio_console ? stdout : stderr;
        fputs(prompt, out);
        fflush(out);
    }
    fflush(stdout);
    if (isatty(0) && !wait_input(false)) {
        return NULL;
    }
    size_t cap = 256, n = 0;
    char *buf = malloc(cap);
    int ch;
    while ((ch = fgetc(stdin)) != EOF && ch != '\n') {
        if (n + 2 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        buf[n++] = (char)ch;
    }
    if (ch == EOF && STATE_INTERRUPT() && STATE_INTERRUPT() != VM_INTERRUPT_SWITCH) {
        STATE_SET_INTERRUPT(0);
        ST->repl->line_interrupted = true;
        clearerr(stdin);
        free(buf);
        return NULL;
    }
    if (ch == EOF && n == 0) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

// ---- prompts, banner, history

// str(sys.ps1) or str(sys.ps2) into [buf].
static const char *prompt_text(const char *which, const char *dflt, char *buf, size_t size) {
    snprintf(buf, size, "%s", dflt);
    Value sys;
    if (dict_get(ST->modules, str_from_c("sys"), &sys) != 1) {
        return buf;
    }
    Value v = obj_getattr(sys, str_intern_c(which));
    Value s = v ? obj_str(v) : VAL_NULL;
    if (s) {
        snprintf(buf, size, "%s", AS_STR(s)->data);
    } else {
        exc_clear();
    }
    return buf;
}

#ifdef PYISH_HAVE_LIBEDIT
static void history_open(void) {
    const char *p = getenv("PYISH_HISTORY");
    if (p) {
        ST->repl->history_path = *p ? strdup(p) : NULL;
    } else if (getenv("HOME")) {
        size_t n = strlen(getenv("HOME")) + 32;
        ST->repl->history_path = malloc(n);
        snprintf(ST->repl->history_path, n, "%s/.pyish_history", getenv("HOME"));
    }
    using_history();
    stifle_history(1000);
    if (ST->repl->history_path) {
        read_history(ST->repl->history_path);
    }
}
#endif

static void history_add(const char *line) {
#ifdef PYISH_HAVE_LIBEDIT
    if (ST->repl->use_editline && line[strspn(line, " \t")]) {
        add_history(line);
    }
#endif
}

static void history_save(void) {
#ifdef PYISH_HAVE_LIBEDIT
    if (ST->repl->use_editline && ST->repl->history_path) {
        write_history(ST->repl->history_path);   // unwritable: silently no history
    }
#endif
}

// ---- tab completion
#ifdef PYISH_HAVE_LIBEDIT
static const char *const keywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield", NULL};


static void cand_add(const char *prefix, const char *name, const char *suffix) {
    for (size_t i = 0; i < ST->repl->ncands; i++) {
        size_t pl = strlen(prefix);
        if (strncmp(ST->repl->cands[i], prefix, pl) == 0 && strncmp(ST->repl->cands[i] + pl, name, strlen(name)) == 0) {
            const char *rest = ST->repl->cands[i] + pl + strlen(name);
            if (!*rest || strcmp(rest, "(") == 0 || strcmp(rest, " ") == 0 || strcmp(rest, ":") == 0) {
                return;     // a name shadowed in globals or builtins
            }
        }
    }
    if (ST->repl->ncands == ST->repl->ccands) {
        ST->repl->ccands = ST->repl->ccands ? ST->repl->ccands * 2 : 64;
        ST->repl->cands = realloc(ST->repl->cands, ST->repl->ccands * sizeof(char *));
    }
    size_t n = strlen(prefix) + strlen(name) + strlen(suffix) + 1;
    ST->repl->cands[ST->repl->ncands] = malloc(n);
    snprintf(ST->repl->cands[ST->repl->ncands], n, "%s%s%s", prefix, name, suffix);
    ST->repl->ncands++;
}

static bool is_callable(Value v) {
    Value f = dict_get_str(ST->builtins, str_intern_c("callable"));
    Value r = f ? vm_call(f, 1, &v, NULL) : VAL_NULL;
    if (!r) {
        exc_clear();
        return false;
    }
    return r == VAL_TRUE;
}

// Python's rlcompleter rule: `_` names only when the prefix starts with `_`,
// `__` names only when it starts with `__`.
static bool shown(const char *name, const char *want) {
    if (name[0] == '_' && want[0] != '_') {
        return false;
    }
    if (name[0] == '_' && name[1] == '_' && want[1] != '_') {
        return false;
    }
    return strncmp(name, want, strlen(want)) == 0;
}

static void add_dict_names(ObjDict *d, const char *want) {
    size_t pos = 0;
    Value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        if (IS_STR(k) && shown(AS_STR(k)->data, want) && strcmp(AS_STR(k)->data, "__builtins__") != 0) {
            gc_push_root(v);
            cand_add("", AS_STR(k)->data, is_callable(v) ? "(" : "");
            gc_pop_root(1);
        }
    }
}

// Resolves a dotted name (no calls, no subscripts) in __main__ or builtins.
static Value resolve_dotted(const char *expr) {
    char *copy = strdup(expr);
    Value v = VAL_NULL;
    char *save = NULL;
    for (char *part = strtok_r(copy, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
        for (char *c = part; *c; c++) {
            unsigned char u = (unsigned char)*c;
            if (!(u == '_' || (u >= '0' && u <= '9') || ((u | 32) >= 'a' && (u | 32) <= 'z') || u >= 0x80)) {
                v = VAL_NULL;
                goto done;
            }
        }
        ObjStr *name = str_intern_c(part);
        if (!v) {
            v = dict_get_str(interp_main_globals(), name);
            if (!v) {
                v = dict_get_str(ST->builtins, name);
            }
        } else {
            v = obj_getattr(v, name);
        }
        if (!v) {
            exc_clear();
            goto done;
        }
    }
done:
    free(copy);
    return v;
}

static bool is_keyword(const char *name) {
    for (int i = 0; keywords[i]; i++) {
        if (strcmp(keywords[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static void complete_attributes(const char *text) {
    const char *dot = strrchr(text, '.');
    size_t elen = (size_t)(dot - text);
    char *expr = malloc(elen + 2);
    memcpy(expr, text, elen);
    expr[elen] = 0;
    const char *want = dot + 1;
    Value obj = elen ? resolve_dotted(expr) : VAL_NULL;
    Value dir = dict_get_str(ST->builtins, str_intern_c("dir"));
    Value names = obj && dir ? vm_call(dir, 1, &obj, NULL) : VAL_NULL;
    if (!names || !IS_LIST(names)) {
        exc_clear();
        free(expr);
        return;
    }
    gc_push_root(obj);
    gc_push_root(names);
    expr[elen] = '.';
    expr[elen + 1] = 0;
    for (size_t i = 0; i < AS_LIST(names)->len; i++) {
        Value k = AS_LIST(names)->items[i];
        if (!IS_STR(k) || !shown(AS_STR(k)->data, want) || is_keyword(AS_STR(k)->data)) {
            continue;   // (asyncio.async, the old alias, is no Python name)
        }
        Value a = obj_getattr(obj, AS_STR(k));
        bool call = false;
        if (a) {
            gc_push_root(a);
            call = is_callable(a);
            gc_pop_root(1);
        } else {
            exc_clear();
        }
        cand_add(expr, AS_STR(k)->data, call ? "(" : "");
    }
    gc_pop_root(2);
    free(expr);
}

static void collect(const char *text) {
    for (size_t i = 0; i < ST->repl->ncands; i++) {
        free(ST->repl->cands[i]);
    }
    ST->repl->ncands = 0;
    if (strchr(text, '.')) {
        complete_attributes(text);
        return;
    }
    for (int i = 0; keywords[i]; i++) {
        if (strncmp(keywords[i], text, strlen(text)) == 0) {
            const char *k = keywords[i];
            const char *suffix = " ";
            if (strcmp(k, "finally") == 0 || strcmp(k, "try") == 0) {
                suffix = ":";
            } else if (strcmp(k, "False") == 0 || strcmp(k, "None") == 0 || strcmp(k, "True") == 0 ||
                       strcmp(k, "break") == 0 || strcmp(k, "continue") == 0 || strcmp(k, "pass") == 0 ||
                       strcmp(k, "else") == 0) {
                suffix = "";
            }
            cand_add("", k, suffix);
        }
    }
    add_dict_names(interp_main_globals(), text);
    add_dict_names(ST->builtins, text);
}

static char *next_candidate(const char *text, int state) {
    if (state == 0) {
        collect(text);
        ST->repl->cand_idx = 0;
    }
    return ST->repl->cand_idx < ST->repl->ncands ? strdup(ST->repl->cands[ST->repl->cand_idx++]) : NULL;
}

static char **complete(const char *text, int start, int end) {
    rl_attempted_completion_over = 1;
    // TAB with no word before the cursor inserts a tab, as CPython's
    // rlcompleter (`if not text.strip()`): it indents a block's lines and
    // types a tab after "(" instead of listing every name
    bool blank = true;
    for (const char *p = text; *p; p++) {
        if (*p != ' ' && *p != '\t') {
            blank = false;
        }
    }
    if (blank) {
        // the tab as the one match: libedit inserts and redraws it in place
        // (inserting it here needed a full redraw, which libedit starts at
        // the cursor, not the line's start: "... ..." on the screen)
        // (the substitution, then the one match: an exact match, no beep)
        char **m = malloc(3 * sizeof *m);
        m[0] = strdup("\t");
        m[1] = strdup("\t");
        m[2] = NULL;
        return m;
    }
    char **m = rl_completion_matches(text, next_candidate);
    fflush(stdout);
    return m;
}
#endif

// ---- gathering and running one input

enum { INPUT_DONE, INPUT_MORE, INPUT_BAD };

// Whether [src] (ending with [last_line]) is a complete input: INPUT_MORE
// when the parser hit the end inside a block, bracket or string, or the
// input is a compound statement not yet ended by a blank line; INPUT_BAD
// (SyntaxError printed) when a statement follows a compound one, as
// python's single-statement REPL input rule says.
static int input_state(const char *src, size_t len, const char *last_line) {
    Arena *arena = NULL;
    ParseError err;
    memset(&err, 0, sizeof err);
    Ast *t = parse_source(src, len, PARSE_INTERACTIVE, &arena, &err);
    int state = INPUT_DONE;
    if (!t) {
        state = err.incomplete ? INPUT_MORE : INPUT_DONE;
    } else if (t->list.len > 0) {
        bool compound = false;
        for (int i = 0; i < t->list.len; i++) {
            compound = compound || ast_is_compound(t->list.items[i]);
        }
        if (compound && t->list.len > 1) {
            const Ast *second = t->list.items[1];
            memset(&err, 0, sizeof err);
            snprintf(err.msg, sizeof err.msg, "invalid syntax");
            err.kind = "SyntaxError";
            err.line = err.end_line = second->loc.line;
            err.col = err.end_col = second->loc.col;
            fflush(stdout);
            diag_print_syntax_error(stderr, ST->repl->filename, src, len, &err);
            state = INPUT_BAD;
        } else if (compound && last_line[strspn(last_line, " \t")] != 0) {
            state = INPUT_MORE;
        }
    }
    if (arena) {
        arena_free(arena);
    }
    return state;
}

// Parses and compiles one input; prints its SyntaxError.
static ObjCode *compile_input(const char *src, size_t len) {
    ObjCode *code = interp_compile(src, len, ST->repl->filename, true, NULL);
    if (!code) {
        interp_print_exception(exc_take());
    }
    return code;
}

// Runs [code] in [globals] with the REPL's loop as the running loop; a
// coroutine (top-level await) runs as a task on it until done. VAL_NULL
// with the exception pending on error.
static Value run_code(ObjCode *code, ObjDict *globals) {
    const char *why = loop_unusable(ST->repl->loop);
    if (why) {
        if (code->flags & CO_COROUTINE) {
            return exc_raise(exc_RuntimeError, "top-level await needs the REPL's event loop, which is %s", why);
        }
        return vm_run_module(code, globals);
    }
    if (!(code->flags & CO_COROUTINE)) {
        loop_enter(ST->repl->loop);
        Value r = vm_run_module(code, globals);
        loop_leave(ST->repl->loop);
        return r;
    }
    Value coro = vm_module_coroutine(code, globals);
    gc_push_root(coro);
    Value r = loop_run_coroutine(ST->repl->loop, coro);
    gc_pop_root(1);
    return r;
}

// Reads one complete input into a malloc'd string (*len bytes). NULL at
// end of input; "" (empty, not NULL) when Ctrl-C cancelled it or the line
// was blank.
static char *read_input(size_t *len) {
    char pbuf[256];
    char *line = read_line(prompt_text("ps1", ">>> ", pbuf, sizeof pbuf));
    if (!line) {
        if (ST->repl->line_interrupted) {
            *len = 0;
            return strdup("");
        }
        return NULL;
    }
    history_add(line);
    size_t n = strlen(line);
    char *src = malloc(n + 2);
    memcpy(src, line, n);
    src[n++] = '\n';
    src[n] = 0;
    const char *p = line + strspn(line, " \t");
    if (*p == 0 || *p == '#') {
        free(line);
        *len = 0;
        src[0] = 0;
        return src;
    }
    char *last = line;
    int state;
    while ((state = input_state(src, n, last)) == INPUT_MORE) {
        free(last);
        last = read_line(prompt_text("ps2", "... ", pbuf, sizeof pbuf));
        if (!last) {
            if (ST->repl->line_interrupted) {
                free(src);
                *len = 0;
                return strdup("");
            }
            if (ST->repl->show_prompts) {
                // end of input: run what we have, on a new line as CPython
                FILE *out = ST->repl->use_editline || isatty(0) ? stdout : stderr;
                fputc('\n', out);
                fflush(out);
            }
            break;
        }
        history_add(last);
        size_t l = strlen(last);
        src = realloc(src, n + l + 2);
        memcpy(src + n, last, l);
        n += l;
        src[n++] = '\n';
        src[n] = 0;
    }
    free(last);
    if (state == INPUT_BAD) {
        src[0] = 0;
        n = 0;
    }
    *len = n;
    return src;
}

// `help`, as python's site module gives its REPL: help(obj) prints
// pydoc's text (runtime/lib/pydoc.pyish); help() a short orientation. And
// `copyright`, `credits`, `license`, which the asyncio REPL's banner names.
static const char help_src[] =
    "class _Helper:\n"
    "    def __repr__(self):\n"
    "        return 'Type help() for interactive help, or help(object) for help about object.'\n"
    "    def __call__(self, *args):\n"
    "        if not args:\n"
    "            print(\"pyish runs a subset of Python 3 with asyncio; see `man pyish`.\\n\"\n"
    "                  \"In this REPL: help(object) shows an object's documentation,\\n\"\n"
    "                  \"top-level 'await' works, Tab completes, exit() or Ctrl-D leaves.\")\n"
    "            return\n"
    "        import pydoc\n"
    "        return pydoc.help(*args)\n"
    "help = _Helper()\n"
    "class _Printer:\n"
    "    def __init__(self, text):\n"
    "        self._text = text\n"
    "    def __repr__(self):\n"
    "        return self._text\n"
    "    def __call__(self):\n"
    "        print(self._text)\n"
    "copyright = _Printer('Copyright (c) the pyish authors.')\n"
    "credits = _Printer('pyish: an interpreter for Python 3.11 with asyncio on libuv, in C11.')\n"
    "license = _Printer('pyish comes with no license text of its own; see its README.')\n";

static void install_help(void) {
    Value have = dict_get_str(ST->builtins, str_intern_c("help"));
    if (have && !IS_A(have, cls_native)) {
        return;     // already the REPL's (scripts have the plain builtin)
    }
    Value ns = dict_new();
    gc_push_root(ns);
    dict_set_str(AS_DICT(ns), str_intern_c("__builtins__"), OBJ_VAL(ST->builtins));
    dict_set_str(AS_DICT(ns), str_intern_c("__name__"), str_from_c("builtins"));
    if (interp_run_source(help_src, sizeof help_src - 1, "<pyish help>", AS_DICT(ns), false, NULL)) {
        static const char *const names[] = {"help", "copyright", "credits", "license"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            Value h = dict_get_str(AS_DICT(ns), str_intern_c(names[i]));
            if (h) {
                dict_set_str(ST->builtins, str_intern_c(names[i]), h);
            }
        }
    } else {
        exc_clear();
    }
    gc_pop_root(1);
}

// python3 -m asyncio's banner (printed even with -q) on stderr: its first
// line shows sys.version; the last, the import its console runs first.
static void asyncio_banner(void) {
    Value sys;
    Value v = dict_get(ST->modules, str_from_c("sys"), &sys) == 1
        ? obj_getattr(sys, str_intern_c("version")) : VAL_NULL;
    if (!v || !IS_STR(v)) {
        exc_clear();
    }
    char ps1[256];
    fprintf(stderr, "asyncio REPL %s on linux\n"
            "Use \"await\" directly instead of \"asyncio.run()\".\n"
            "Type \"help\", \"copyright\", \"credits\" or \"license\" for more information.\n"
            "%simport asyncio\n",
            v && IS_STR(v) ? AS_STR(v)->data : PYISH_VERSION,
            prompt_text("ps1", ">>> ", ps1, sizeof ps1));
    fflush(stderr);
}

// Runs the REPL in __main__ until end of input or SystemExit (left pending
// for the caller, which turns it into the exit status).
bool repl_run(bool show_banner, bool asyncio_console) {
    bool last_interrupted = false;  // the last input run raised KeyboardInterrupt
    bool tty = isatty(0);
    Repl session;
    memset(&session, 0, sizeof session);
    ST->repl = &session;
    ST->repl->show_prompts = true;
    ST->repl->filename = asyncio_console ? "<console>" : "<stdin>";
    ST->repl->asyncio_console = asyncio_console;
    // the asyncio core and the REPL's persistent loop
    Value m = import_module_value(str_intern_c("_asyncio"));
    if (m) {
        ST->repl->loop = loop_for_host();   // a new one if a -i script closed the default loop
        gc_add_root_marker(mark_repl);
    } else {
        exc_clear();
    }
    if (!import_module_value(str_intern_c("sys"))) {
        exc_clear();
    }
    install_help();
#ifdef PYISH_HAVE_LIBEDIT
    if (tty && isatty(1)) {
        ST->repl->use_editline = true;
        setlocale(LC_CTYPE, "");
        rl_catch_signals = 0;
        rl_getc_function = editline_getc;
        rl_readline_name = "pyish";
        rl_attempted_completion_function = complete;
        rl_completion_append_character = 0;
        rl_basic_word_break_characters = " \t\n`~!@#$%^&*()-=+[{]}\\|;:'\",<>/?";
        rl_initialize();
        rl_parse_and_bind("bind ^[[3~ ed-delete-next-char");
        rl_add_defun("pyish-eof-or-delete", ctrl_d, 4);
        history_open();
    }
#endif
    if (asyncio_console) {
        asyncio_banner();
    } else if (show_banner) {
        // on stderr, and also for -i off a terminal, as python3's banner
        fprintf(stderr, "pyish " PYISH_VERSION " (" __DATE__ ") on linux\n"
                "Use \"await\" directly instead of \"asyncio.run()\".\n"
                "Type \"help\", \"exit()\" or Ctrl-D to leave.\n");
        fflush(stderr);
    }
    ObjDict *globals = interp_main_globals();
    for (;;) {
        fflush(stdout);
        size_t len;
        char *src = read_input(&len);
        if (ST->repl->session_over) {
            free(src);
            break;      // a task raised SystemExit at the prompt
        }
        if (!src) {
            if (ST->repl->show_prompts) {
                FILE *out = tty ? stdout : stderr;
                fputc('\n', out);
                fflush(out);
            }
            if (asyncio_console) {
                fputs("exiting asyncio REPL...\n", stderr);
            }
            break;
        }
        if (ST->repl->line_interrupted) {
            free(src);
            fflush(stdout);
            fputs("\nKeyboardInterrupt\n", stderr);
            fflush(stderr);
            continue;
        }
        history_save();
        if (len == 0) {
            free(src);
            continue;
        }
        ObjCode *code = compile_input(src, len);
        free(src);
        if (!code) {
            continue;
        }
        gc_push_root(OBJ_VAL(code));
        Value r = run_code(code, globals);
        gc_pop_root(1);
        fflush(stdout);
        last_interrupted = false;
        if (!r) {
            Value exc = exc_take();
            last_interrupted = exc_matches(exc, OBJ_VAL(exc_KeyboardInterrupt));
            if (exc_matches(exc, OBJ_VAL(exc_SystemExit))) {
                exc_raise_value(exc);
                break;
            }
            if ((code->flags & CO_COROUTINE) && exc_matches(exc, OBJ_VAL(exc_KeyboardInterrupt))) {
                // Ctrl-C during a top-level await: python -m asyncio prints
                // no traceback, the word on a line of its own after the ^C
                fputs("\nKeyboardInterrupt\n", stderr);
                fflush(stderr);
            } else {
                interp_print_exception(exc);
            }
        }
        STATE_SET_INTERRUPT(0);
    }
    history_save();
    // tasks still pending on the loop end with the session, silently (as
    // with python -m asyncio)
    loop_forget_tasks(ST->repl->loop);
    for (size_t i = 0; i < ST->repl->ncands; i++) {
        free(ST->repl->cands[i]);
    }
    free(ST->repl->cands);
#ifdef PYISH_HAVE_LIBEDIT
    free(ST->repl->history_path);
#endif
    ST->repl = NULL;
    return last_interrupted && !asyncio_console;
}
