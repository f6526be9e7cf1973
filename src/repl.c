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
#include <sys/ioctl.h>
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
    char *inject_buf;           // what inject points into (malloc'd)
    Value completer;            // completions(text), on rlcompleter (VAL_NULL: not yet)
    unsigned long keys;         // keys read from the terminal so far
    bool bind_pending;          // bind_keys again once readline() reads
    unsigned long tab_key_serial; // [keys] at the last Tab
    bool tab_changed;           // the last Tab changed the line
} Repl;

static void mark_repl(void) {
    if (ST->repl) {
        gc_mark_obj((Obj *)ST->repl->loop);
        if (ST->repl->completer) {
            gc_mark_value(ST->repl->completer);
        }
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
// Keys handed to libedit as if typed (inserting text through libedit's own
// commands keeps its display right).
static void inject(const char *keys) {
    Repl *r = ST->repl;
    size_t n = strlen(keys);
    r->inject_buf = realloc(r->inject_buf, n + 1);
    memcpy(r->inject_buf, keys, n + 1);
    r->inject = r->inject_buf;
}

static void bell(void) {
    fflush(stdout);
    fputc('\a', stdout);
    fflush(stdout);
}

// One byte of input: injected keys first, else the terminal's. -1: EOF.
static int next_byte(bool wait) {
    if (ST->repl->inject && *ST->repl->inject) {
        return (unsigned char)*ST->repl->inject++;
    }
    if (wait && !wait_input(true)) {
        return -1;
    }
    unsigned char c;
    ssize_t n;
    while ((n = read(0, &c, 1)) < 0 && errno == EINTR) {
        if (STATE_INTERRUPT() && STATE_INTERRUPT() != VM_INTERRUPT_SWITCH) {
            STATE_SET_INTERRUPT(0);
            ST->repl->line_interrupted = true;
            return -1;
        }
    }
    return n == 1 ? c : -1;
}

static void bind_keys(void);

static int editline_getc(FILE *f) {
    (void)f;
    if (ST->repl->bind_pending) {
        // libedit binds the terminal's kill character (^U) to its own
        // em-kill-line when it puts the terminal in raw mode, in readline()
        ST->repl->bind_pending = false;
        bind_keys();
    }
    if (!(ST->repl->inject && *ST->repl->inject)) {
        ST->repl->keys++;
    }
    int c = next_byte(true);
    if (c < 0x80) {
        return c < 0 ? EOF : c;
    }
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    int cp = more == 3 ? c & 7 : more == 2 ? c & 15 : c & 31;
    for (int i = 0; i < more; i++) {
        int d = next_byte(false);
        if (d < 0) {
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
        ST->repl->inject = "\033[3~";     // (static: not inject's buffer)
    }
    return 0;
}

// Ctrl-W as GNU readline's unix-word-rubout: cuts back to the previous
// white space (libedit's emacs ^W cuts back to the mark, the line's start
// when none is set): keys handed to libedit move the cursor to the word's
// start, set the mark there, move back and cut the region (Ctrl-Y pastes
// it back). The two private sequences are bound in bind_keys.
// Ctrl-U: readline's unix-line-discard, libedit's vi-kill-line-prev
// (bound to a private sequence), but a bell at the line's start.
static int ctrl_u(int count, int key) {
    (void)count;
    (void)key;
    if (rl_point == 0) {
        bell();
    } else {
        inject("\033[9903~");
    }
    return 0;
}

static int ctrl_w(int count, int key) {
    (void)count;
    (void)key;
    const char *line = rl_line_buffer ? rl_line_buffer : "";
    size_t point = (size_t)rl_point <= strlen(line) ? (size_t)rl_point : strlen(line);
    size_t start = point;
    while (start > 0 && (line[start - 1] == ' ' || line[start - 1] == '\t')) {
        start--;
    }
    while (start > 0 && line[start - 1] != ' ' && line[start - 1] != '\t') {
        start--;
    }
    size_t chars = 0;
    for (size_t i = start; i < point; i++) {
        chars += ((unsigned char)line[i] & 0xC0) != 0x80;
    }
    if (chars == 0) {
        bell();     // (at the line's start, as readline)
        return 0;
    }
    char *keys = malloc(6 * chars + 16);
    char *w = keys;
    for (size_t i = 0; i < chars; i++, w += 3) {
        memcpy(w, "\033[D", 3);
    }
    w = stpcpy(w, "\033[9901~");
    for (size_t i = 0; i < chars; i++, w += 3) {
        memcpy(w, "\033[C", 3);
    }
    strcpy(w, "\033[9902~");
    inject(keys);
    free(keys);
    return 0;
}

// Ctrl-R as GNU readline's reverse-i-search: the line shows
// "(reverse-i-search)`QUERY': MATCH" while the query is typed; Ctrl-R
// again finds an older match, Backspace shortens the query, Ctrl-G
// restores the line, any other key takes the match into the line and then
// acts (Enter runs it). libedit's own ^R searches on a line below ("bck:").
// The history line at [*idx] (the line being edited past the newest
// entry) holding [q] at or before [*pos]; false (unchanged) when none.
static bool search_back(const char *q, const char *orig, int *idx, size_t *pos) {
    for (int i = *idx; i >= 0; i--) {
        HIST_ENTRY *e = i < history_length ? history_get(history_base + i) : NULL;
        const char *l = i == history_length ? orig : e ? e->line : NULL;
        if (!l) {
            continue;
        }
        size_t limit = i == *idx ? *pos : strlen(l);
        const char *best = NULL;
        for (const char *f = strstr(l, q); f && (size_t)(f - l) <= limit; f = strstr(f + 1, q)) {
            best = f;
        }
        if (best) {
            *idx = i;
            *pos = (size_t)(best - l);
            return true;
        }
    }
    return false;
}

static const char *search_line(int idx, const char *orig) {
    HIST_ENTRY *e = idx < history_length ? history_get(history_base + idx) : NULL;
    return idx == history_length ? orig : e ? e->line : "";
}

static int ctrl_r(int count, int key) {
    (void)count;
    (void)key;
    Repl *r = ST->repl;
    char *orig = strdup(rl_line_buffer ? rl_line_buffer : "");
    char query[512] = "";
    size_t qn = 0;
    int idx = history_length;
    size_t pos = (size_t)rl_point <= strlen(orig) ? (size_t)rl_point : strlen(orig);
    bool failed = false;
    int c;
    for (;;) {
        const char *l = search_line(idx, orig);
        const char *head = failed ? "(failed reverse-i-search)`" : "(reverse-i-search)`";
        printf("\r%s%s': %s\033[K\r%s%s': %.*s", head, query, l, head, query, (int)pos, l);
        fflush(stdout);
        r->keys++;
        c = next_byte(true);
        if (c < 0) {
            break;
        }
        if (c == 'R' - '@' && qn > 0) {
            int i = idx;
            size_t p = pos;
            if (p > 0) {
                p--;
            } else if (i > 0) {
                i--;
                p = strlen(search_line(i, orig));
            } else {
                i = -1;
            }
            failed = i < 0 || !search_back(query, orig, &i, &p);
            if (!failed) {
                idx = i;
                pos = p;
            }
        } else if (c == 0x7f || c == '\b') {
            while (qn > 0 && ((unsigned char)query[qn - 1] & 0xC0) == 0x80) {
                qn--;
            }
            query[qn > 0 ? --qn : 0] = 0;
            int i = idx;        // (from the match, as readline)
            size_t p = pos;
            failed = qn > 0 && !search_back(query, orig, &i, &p);
            if (!failed) {
                idx = i;
                pos = p;
            }
        } else if (c == 'G' - '@') {
            idx = history_length;
            pos = (size_t)rl_point <= strlen(orig) ? (size_t)rl_point : strlen(orig);
            c = -1;
            break;
        } else if (c >= ' ' && c != 0x7f && qn + 2 < sizeof query) {
            query[qn++] = (char)c;
            query[qn] = 0;
            int i = idx;
            size_t p = pos + qn - 1 <= strlen(search_line(idx, orig)) ? pos + qn - 1 : pos;
            failed = !search_back(query, orig, &i, &p);
            if (!failed) {
                idx = i;
                pos = p;
            }
        } else {
            break;
        }
        if (failed) {
            bell();
        }
    }
    // libedit redraws the prompt and the old line, then the keys that
    // replace it with the match (tabs quoted with ^V), put the cursor at
    // the match, and the key that ended the search
    fputs("\r\033[K", stdout);
    fflush(stdout);
    rl_forced_update_display();
    const char *l = search_line(idx, orig);
    size_t n = strlen(l);
    char *keys = malloc(2 * n + 3 * n + 24);
    char *w = stpcpy(keys, "\005\033[9903~");
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)l[i] < ' ') {
            *w++ = '\026';
        }
        *w++ = l[i];
    }
    *w++ = '\001';
    for (size_t i = 0; i < pos; i++) {
        if (((unsigned char)l[i] & 0xC0) != 0x80) {
            w = stpcpy(w, "\033[C");
        }
    }
    if (c > 0) {
        *w++ = (char)c;
    }
    *w = 0;
    inject(keys);
    free(keys);
    free(orig);
    if (r->line_interrupted) {
        rl_done = 1;
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
        ST->repl->bind_pending = true;
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
    FILE *f = ST->repl->history_path ? fopen(ST->repl->history_path, "r") : NULL;
    if (!f) {
        return;
    }
    // GNU readline's format (python3's ~/.python_history): a line per
    // entry; or libedit's own ("_HiStOrY_V2_" first, characters escaped as
    // \ooo), which pyish wrote before
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool escaped = false;
    for (bool first = true; (n = getline(&line, &cap, f)) >= 0; first = false) {
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = 0;
        }
        if (first && strcmp(line, "_HiStOrY_V2_") == 0) {
            escaped = true;
            continue;
        }
        if (escaped) {
            char *w = line;
            for (const char *r = line; *r; r++) {
                if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
                    r[3] >= '0' && r[3] <= '7') {
                    *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
                    r += 3;
                } else if (r[0] == '\\' && r[1] == '\\') {
                    *w++ = '\\';
                    r++;
                } else {
                    *w++ = *r;
                }
            }
            *w = 0;
        }
        add_history(line);
    }
    free(line);
    fclose(f);
}
#endif

// As python3's readline module: every non-empty line, but not the same
// line twice in a row.
static void history_add(const char *line) {
#ifdef PYISH_HAVE_LIBEDIT
    if (ST->repl->use_editline && *line) {
        HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
        if (!last || strcmp(last->line, line) != 0) {
            add_history(line);
        }
    }
#endif
}

// Writes the history as GNU readline does (a line per entry), so the file
// reads like python3's ~/.python_history; unwritable: silently none.
static void history_save(void) {
#ifdef PYISH_HAVE_LIBEDIT
    if (!ST->repl->use_editline || !ST->repl->history_path) {
        return;
    }
    FILE *f = fopen(ST->repl->history_path, "w");
    if (!f) {
        return;
    }
    for (int i = 0; i < history_length; i++) {
        HIST_ENTRY *e = history_get(history_base + i);
        if (e && e->line) {
            fprintf(f, "%s\n", e->line);
        }
    }
    fclose(f);
#endif
}

// ---- tab completion
// Tab as python3's (GNU readline calling rlcompleter): the word before the
// cursor (up to a delimiter) is completed with rlcompleter's matches
// (runtime/lib/rlcompleter.pyish: keywords, names, attributes, "(" after a
// callable); one match is inserted silently, several insert their common
// prefix and ring the bell, a second Tab in a row lists them in readline's
// columns. A Tab with no word before the cursor inserts a tab (indents).
// libedit's own completion rings the bell even for a single match and
// lists in its own layout, so Tab is bound to tab_key instead.
#ifdef PYISH_HAVE_LIBEDIT
static const char complete_src[] =
    "def completions(text, completer):\n"
    "    if completer is None:\n"
    "        import rlcompleter\n"
    "        completer = rlcompleter.Completer().complete\n"
    "    found = []\n"
    "    while isinstance(m := completer(text, len(found)), str):\n"
    "        found.append(m)\n"
    "    if '.' in text:\n"
    "        import keyword\n"   // (asyncio.async, the old alias, is no name)
    "        found = [m for m in found if not keyword.iskeyword(m.rpartition('.')[2].rstrip('()'))]\n"
    "    return sorted(set(found))\n";

static const char word_breaks[] = " \t\n`~!@#$%^&*()-=+[{]}\\|;:'\",<>/?";

// The sorted, distinct matches for [text] (NULL on error): rlcompleter's,
// or those of a completer set with readline.set_completer, which python3's
// REPL uses too.
static Value completions(const char *text) {
    if (!ST->repl->completer) {
        Value ns = dict_new();
        gc_push_root(ns);
        dict_set_str(AS_DICT(ns), str_intern_c("__builtins__"), OBJ_VAL(ST->builtins));
        dict_set_str(AS_DICT(ns), str_intern_c("__name__"), str_from_c("_pyish_completer"));
        if (interp_run_source(complete_src, sizeof complete_src - 1, "<pyish completer>",
                              AS_DICT(ns), false, NULL)) {
            ST->repl->completer = dict_get_str(AS_DICT(ns), str_intern_c("completions"));
        }
        gc_pop_root(1);
        if (!ST->repl->completer) {
            exc_clear();
            return VAL_NULL;
        }
    }
    Value args[2] = {str_from_c(text), ST->rl_completer ? ST->rl_completer : VAL_NONE};
    gc_push_root(args[0]);
    Value r = vm_call(ST->repl->completer, 2, args, NULL);
    gc_pop_root(1);
    if (!r || !IS_LIST(r)) {
        exc_clear();    // as readline: a failing completer completes nothing
        return VAL_NULL;
    }
    for (size_t i = 0; i < AS_LIST(r)->len; i++) {
        if (!IS_STR(AS_LIST(r)->items[i])) {
            return VAL_NULL;
        }
    }
    return r;
}

// Characters (code points) in UTF-8 [s]: a match's width in the listing.
static size_t char_count(const char *s) {
    size_t n = 0;
    for (; *s; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

// readline's listing of [m] (sorted): columns of the longest match plus 2,
// filled downwards, across 80 columns (the terminal's width); past 100
// matches it first asks "Display all N possibilities?", and a "--More--"
// every screenful, both of which python3 (readline in callback mode)
// answers itself at once.
static void list_matches(ObjList *m) {
    size_t len = m->len, max = 0;
    for (size_t i = 0; i < len; i++) {
        size_t w = char_count(AS_STR(m->items[i])->data);
        max = w > max ? w : max;
    }
    int cols = 80, rows = 24;
#ifdef TIOCGWINSZ
    struct winsize ws;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        cols = ws.ws_col;
        rows = ws.ws_row;
    }
#endif
    fflush(stdout);
    if (len >= 100) {
        printf("\r\nDisplay all %zu possibilities? (y or n)", len);
    }
    max += 2;
    size_t limit = (size_t)cols / max;
    if (limit != 1 && limit * max == (size_t)cols) {
        limit--;
    }
    if (limit == 0) {
        limit = 1;
    }
    size_t count = (len + limit - 1) / limit;
    fputs("\r\n", stdout);
    int lines = 0;
    for (size_t i = 0; i < count; i++) {
        for (size_t j = 0, l = i; j < limit && l < len; j++, l += count) {
            const char *s = AS_STR(m->items[l])->data;
            fputs(s, stdout);
            if (j + 1 < limit) {
                for (size_t k = char_count(s); k < max; k++) {
                    fputc(' ', stdout);
                }
            }
        }
        fputs("\r\n", stdout);
        if (++lines >= rows - 1 && i + 1 < count) {
            fputs("--More--\r\033[K\r", stdout);
            lines = 0;
        }
    }
    fflush(stdout);
    rl_forced_update_display();
}

static int tab_key(int count, int key) {
    (void)count;
    (void)key;
    if (!ST->repl || rl_getc_function != editline_getc) {
        return rl_complete(0, key);     // input() after `import readline`: libedit's
    }
    Repl *r = ST->repl;
    bool again = r->tab_key_serial && r->keys == r->tab_key_serial + 1 && !r->tab_changed;
    r->tab_key_serial = r->keys;
    r->tab_changed = false;
    const char *line = rl_line_buffer ? rl_line_buffer : "";
    size_t point = (size_t)rl_point;
    if (point > strlen(line)) {
        point = strlen(line);
    }
    size_t start = point;
    while (start > 0 && !strchr(word_breaks, line[start - 1])) {
        start--;
    }
    char *text = strndup(line + start, point - start);
    ST->rl_begidx = (int)start;
    ST->rl_endidx = (int)point;
    if (!*text) {
        // nothing to complete: a tab, typed literally (^V quotes it)
        free(text);
        inject("\026\t");
        r->tab_changed = true;
        return 0;
    }
    Value m = completions(text);
    size_t n = m ? AS_LIST(m)->len : 0;
    size_t tl = strlen(text);
    if (n == 0) {
        bell();
        free(text);
        return 0;
    }
    gc_push_root(m);
    const char *first = AS_STR(AS_LIST(m)->items[0])->data;
    size_t lcp = strlen(first);
    for (size_t i = 1; i < n; i++) {
        const char *s = AS_STR(AS_LIST(m)->items[i])->data;
        size_t k = 0;
        while (k < lcp && s[k] == first[k]) {
            k++;
        }
        lcp = k;
    }
    while (lcp > 0 && ((unsigned char)first[lcp] & 0xC0) == 0x80) {
        lcp--;      // not inside a character
    }
    if (lcp > tl && strncmp(first, text, tl) == 0) {
        char *add = strndup(first + tl, lcp - tl);
        inject(add);
        free(add);
        r->tab_changed = true;
        if (n > 1) {
            bell();
        }
    } else if (n > 1 && again) {
        list_matches(AS_LIST(m));
    } else if (n > 1) {
        bell();
    }
    gc_pop_root(1);
    free(text);
    return 0;
}
#endif

#ifdef PYISH_HAVE_LIBEDIT
// The keys that behave as GNU readline's, not libedit's.
static void bind_keys(void) {
    rl_add_defun("pyish-eof-or-delete", ctrl_d, 'D' - '@');
    rl_add_defun("pyish-complete", tab_key, '\t');
    rl_add_defun("pyish-unix-word-rubout", ctrl_w, 'W' - '@');
    rl_add_defun("pyish-reverse-search", ctrl_r, 'R' - '@');
    rl_parse_and_bind("bind ^[[9901~ em-set-mark");
    rl_parse_and_bind("bind ^[[9902~ em-kill-region");
    // Ctrl-U as readline's unix-line-discard: cuts from the line's start to
    // the cursor (libedit's emacs ^U cuts the whole line)
    rl_parse_and_bind("bind ^[[9903~ vi-kill-line-prev");
    rl_add_defun("pyish-unix-line-discard", ctrl_u, 'U' - '@');
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
        rl_initialize();
        rl_parse_and_bind("bind ^[[3~ ed-delete-next-char");
        bind_keys();
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
    free(ST->repl->inject_buf);
#ifdef PYISH_HAVE_LIBEDIT
    free(ST->repl->history_path);
#endif
    ST->repl = NULL;
    return last_interrupted && !asyncio_console;
}
