// repl.c: the interactive prompt: reads lines (libedit when available),
// gathers a complete input (a compound statement until a blank line, or an
// unclosed bracket/string), compiles it in interactive mode (expression
// statements echo their repr) and runs it in __main__; an exception prints
// its traceback and the session goes on.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "interp.h"
#include "ast.h"
#include "runtime.h"

#ifdef PYISH_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

static char *read_line(const char *prompt, bool tty) {
#ifdef PYISH_HAVE_LIBEDIT
    if (tty) {
        char *l = readline(prompt);
        if (l && *l) {
            add_history(l);
        }
        return l;
    }
#endif
    if (tty) {
        fputs(prompt, stdout);
        fflush(stdout);
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
    if (ch == EOF && n == 0) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

// True when [src] needs more lines: the parser hit the end inside a block,
// bracket or string, or the input opened a compound statement that has not
// been ended by a blank line.
static bool needs_more(const char *src, size_t len, const char *last_line) {
    Arena *arena = NULL;
    ParseError err;
    memset(&err, 0, sizeof err);
    Ast *t = parse_source(src, len, PARSE_INTERACTIVE, &arena, &err);
    if (arena) {
        arena_free(arena);
    }
    if (!t) {
        return err.incomplete;
    }
    // a compound statement continues until a blank line
    const char *p = src;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    bool compound = false;
    size_t first_len = strcspn(src, "\n");
    for (size_t i = first_len; i > 0; i--) {
        char c = src[i - 1];
        if (c == ' ' || c == '\t') {
            continue;
        }
        compound = c == ':';
        break;
    }
    if (strchr(src, '\n') && strchr(src, '\n')[1]) {
        compound = true;
    }
    if (p[0] == '@') {
        compound = true;
    }
    return compound && last_line[0] != 0;
}

void repl_run(bool show_banner) {
    bool tty = isatty(0);
    if (show_banner && tty) {
        printf("pyish 0.1.0 on linux\nType \"help\", \"exit()\" or Ctrl-D to leave.\n");
    }
    ObjDict *globals = interp_main_globals();
    for (;;) {
        char *line = read_line(">>> ", tty);
        if (!line) {
            if (tty) {
                fputc('\n', stdout);
            }
            return;
        }
        size_t cap = strlen(line) + 2, len = 0;
        char *src = malloc(cap);
        len = (size_t)snprintf(src, cap, "%s\n", line);
        bool blank = line[strspn(line, " \t")] == 0 || line[strspn(line, " \t")] == '#';
        if (blank) {
            free(line);
            free(src);
            continue;
        }
        char *last = line;
        while (needs_more(src, len, last)) {
            free(last);
            last = read_line("... ", tty);
            if (!last) {
                break;
            }
            size_t l = strlen(last);
            src = realloc(src, len + l + 2);
            memcpy(src + len, last, l);
            len += l;
            src[len++] = '\n';
            src[len] = 0;
        }
        free(last);
        bool syntax_error;
        Value r = interp_run_source(src, len, "<stdin>", globals, true, &syntax_error);
        free(src);
        if (!r && !syntax_error) {
            Value exc = exc_take();
            if (exc_matches(exc, OBJ_VAL(exc_SystemExit))) {
                exc_raise_value(exc);
                return;
            }
            interp_print_exception(exc);
        }
        fflush(stdout);
    }
}
