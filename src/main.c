// main.c: the command line. `pyish [options] [FILE | -c CODE | -] [ARGS...]`
// runs a script (or the REPL when stdin is a terminal and no script is
// given), with the exit statuses of DESIGN §5: 0 success, 1 uncaught
// exception or SyntaxError, 2 usage error or unreadable file. The whole
// interpreter runs on a thread with a large stack so that deep (bounded)
// C recursion in the runtime never overflows.
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "interp.h"
#include "module.h"
#include "numstr.h"
#include "ast.h"
#include "compile.h"
#include "diag.h"
#include "gc.h"
#include "version.h"
#include "clock.h"
#include "repl.h"
#include "codeblob.h"
#include "asyncio/asyncio.h"


// Keep in step with doc/pyish.1 (tests/lang/cli/cli_test.sh checks that
// both list the same options and environment variables).
#define USAGE_LINE "usage: pyish [option] ... [FILE | -c CODE | -m MODULE | -] [ARG] ...\n"
static const char *usage_text =
    USAGE_LINE
    "Runs FILE, CODE or standard input as a program; with no program and a\n"
    "terminal on standard input, opens the interactive REPL (top-level await\n"
    "works there, on an event loop that persists between inputs).\n"
    "Options:\n"
    "  -c CODE          run CODE as a program (sys.argv[0] is '-c')\n"
    "  -m MODULE        run a library module or MODULE.pyish, else MODULE.py (current\n"
    "                   folder, then PYISHPATH) as the program (sys.argv[0] is its path)\n"
    "  -i               open the REPL after running the program, in its namespace\n"
    "  -u               unbuffered stdout and stderr (as PYTHONUNBUFFERED=1)\n"
    "  -O               skip assert statements; __debug__ is False\n"
    "  -OO              do -O changes and also discard docstrings\n"
    "  -q               no banner when the REPL starts\n"
    "  -B -E -s -S -I -b -d -v -R\n"
    "                   accepted for python3 compatibility; no effect but sys.flags\n"
    "                   (one-letter flags combine: -uO, -Wd, -Xdev, -Bc CODE)\n"
    "  -W ARG           warning control, as python3's: action:message:category:module:lineno\n"
    "                   (e.g. -W error, -W ignore::DeprecationWarning); repeatable\n"
    "  -                read the program from standard input\n"
    "  --check FILE     parse and compile FILE only: no output and status 0 when valid\n"
    "  --dis FILE       disassemble FILE's bytecode and exit\n"
    "  --virtual-clock  time.* and the event loop read a virtual clock that only\n"
    "                   moves when the program sleeps (sleeps take no real time)\n"
    "  --clock-report   print 'pyish: clock at exit: T s' as the last line on stderr\n"
    "  --schedule=fifo  run each loop iteration's ready callbacks and tasks in the\n"
    "                   order they were scheduled, as CPython does (the default)\n"
    "  --schedule=random[:SEED]\n"
    "                   run them (and timers due at the same time) in a seeded random\n"
    "                   order, to flush out races; the same SEED replays the same\n"
    "                   order; a failing run prints its seed on stderr\n"
    "  --strict-tasks   a task exception that is never retrieved ends the program\n"
    "                   with status 1 (after its traceback)\n"
    "  --trace-file FILE  write the event loop's schedule to FILE as a Chrome trace\n"
    "                   (JSON; open it in Perfetto or chrome://tracing): a track per\n"
    "                   task, its steps, who woke whom, timers, I/O, idle time\n"
    "  --dump-tasks-on-interrupt\n"
    "                   on Ctrl-C, print every pending task's call graph (who awaits\n"
    "                   whom, where each is suspended) on stderr before the\n"
    "                   KeyboardInterrupt traceback (always on in the REPL); SIGQUIT\n"
    "                   (Ctrl-\\) prints it whenever an event loop runs\n"
    "  -X dev           development mode, as python3's: asyncio debug mode for new\n"
    "                   event loops (slow steps, blocking calls in tasks, creation\n"
    "                   sites of lost coroutines and tasks, forgotten awaits,\n"
    "                   swallowed cancellations) and every warning shown once\n"
    "                   ('default' filter) and faulthandler enabled\n"
    "  -X faulthandler  faulthandler.enable() at start-up (PYTHONFAULTHANDLER too): a\n"
    "                   fatal signal prints the Python frames; other -X are ignored\n"
    "  -V, --version    print the version and exit\n"
    "  -h, --help       print this help and exit\n"
    "Environment:\n"
    "  PYISHPATH        ':'-separated folders searched by import after the script's folder\n"
    "  PYISH_HISTORY    REPL history file (default ~/.pyish_history; empty: no history)\n"
    "  PYISHASYNCIODEBUG  non-empty: new event loops start in debug mode (slow steps and\n"
    "                   blocking calls in tasks are reported); PYTHONASYNCIODEBUG too\n"
    "  PYTHONUTF8       0 or 1: UTF-8 mode off or on (-X utf8 too); a C or POSIX LC_CTYPE\n"
    "                   turns it on and, unless LC_ALL is set or PYTHONCOERCECLOCALE=0,\n"
    "                   exports LC_CTYPE=C.UTF-8 to child processes (PEP 538, 540)\n"
    "  PYTHONFAULTHANDLER  non-empty: as -X faulthandler\n"
    "Exit status: 0 success; 1 uncaught exception or SyntaxError; 2 usage error or\n"
    "unreadable file; N for sys.exit(N); 130 (killed by SIGINT) after an uncaught\n"
    "KeyboardInterrupt (Ctrl-C); 120 when stdout cannot be flushed at exit (a closed pipe).\n"
    "See pyish(1).\n";

typedef struct Options {
    const char *file;
    char *file_abs;     // [file] made absolute, as python3 names the main script
    const char *code;
    char *module;       // -m MODULE
    bool from_stdin;
    bool interactive;
    bool asyncio_repl;  // -m asyncio: the REPL, with asyncio imported into __main__
    bool dis;
    bool check;
    bool virtual_clock;
    bool clock_report;
    bool schedule_random;       // --schedule=random[:SEED]
    uint64_t schedule_seed;
    bool strict_tasks;
    bool dump_tasks;            // --dump-tasks-on-interrupt
    bool unbuffered, quiet, dev_mode, isolated, no_site, no_user_site, ignore_environment;
    bool faulthandler;          // -X faulthandler
    int utf8_mode;              // -X utf8[=0|1] (-1: not given)
    int optimize, verbose, bytes_warning;   // -O/-OO, -v, -b (counted)
    FILE *trace;                // --trace-file FILE, opened before the run
    const char *warnopts[64];   // -W options, in order
    int nwarn;
    const char *xopts[64];      // -X options, in order (sys._xoptions)
    int nxopt;
    bool safe_path;             // -P (and -I): no script folder in sys.path
    int argc;       // sys.argv
    char **argv;
    int status;
    // the program ended with an uncaught KeyboardInterrupt: main() then
    // exits as a process killed by SIGINT (status 130 in a shell)
    bool died_of_sigint;
} Options;

static void on_sigint(int sig) {
    (void)sig;
    ST->interrupted = 1;
}

// SIGQUIT (Ctrl-\) while an event loop runs, or in the REPL, asks for the
// dump of every pending task's call graph at the next safe point; with no
// loop running it does what it does by default (ends the process with a
// core dump), as in python3.
static void on_sigquit(int sig) {
    if (!ST || (!ST->running_loop && !ST->repl)) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    graph_request_dump();
}

// SIGINT sets vm_interrupted (the VM raises KeyboardInterrupt at its next
// safe point). No SA_RESTART: a blocking sleep, select or read returns EINTR.
// A SIGINT (or SIGQUIT) ignored when pyish starts (a background job of a
// shell without job control) stays ignored, as in python3.
static void install_handler(int sig, void (*handler)(int)) {
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
        return;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static int uncaught(Options *o, Value exc) {
    if (exc_matches(exc, OBJ_VAL(exc_KeyboardInterrupt))) {
        o->died_of_sigint = true;
    }
    return interp_handle_uncaught(exc);
}

static char *dir_of(const char *path) {
    char *d = strdup(path);
    char *slash = strrchr(d, '/');
    if (slash) {
        if (slash == d) {
            slash[1] = 0;
        } else {
            *slash = 0;
        }
    } else {
        d[0] = 0;
    }
    return d;
}

// Runs a program; with [inspect] (-i) an uncaught exception, even
// SystemExit, is only printed: the REPL follows.
static int run_text(Options *o, const char *src, size_t len, const char *filename, bool inspect) {
    Value r = interp_run_source(src, len, filename, interp_main_globals(), false, NULL);
    if (!r) {
        Value exc = exc_take();
        if (inspect) {
            interp_print_exception(exc);
            return 1;
        }
        return uncaught(o, exc);
    }
    return 0;
}

// [path] made absolute by prefixing the working directory (no other
// normalisation: python3 names `./x.py` as `/cwd/./x.py`). malloc'd.
static char *absolute_path(const char *path) {
    if (path[0] == '/') {
        return strdup(path);
    }
    char *cwd = getcwd(NULL, 0);
    if (!cwd) {
        return strdup(path);
    }
    size_t n = strlen(cwd) + strlen(path) + 2;
    char *abs = malloc(n);
    snprintf(abs, n, "%s/%s", cwd, path);
    free(cwd);
    return abs;
}

// Writes [s] to [out] as python3's repr() of the str would show it:
// single quotes unless [s] holds one and no double quote, backslash
// escapes, bytes that are not UTF-8 as surrogate escapes (\udcXX).
static void put_repr(FILE *out, const char *s) {
    char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    fputc(q, out);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = utf8_valid_len((const char *)p, strlen((const char *)p));
        if (*p >= 0x80 && n > 0) {
            fwrite(p, 1, (size_t)n, out);
            p += n;
            continue;
        }
        unsigned c = *p++;
        if (c == '\\' || c == (unsigned)q) {
            fprintf(out, "\\%c", c);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\r') {
            fputs("\\r", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\x%02x", c);
        } else if (c >= 0x80) {
            fprintf(out, "\\udc%02x", c);
        } else {
            fputc((int)c, out);
        }
    }
    fputc(q, out);
}

// __main__'s __file__ [path], and its __cached__ None as CPython's for a
// script run from source (dir() at the top level lists both).
static void set_main_file(const char *path) {
    dict_set_str(interp_main_globals(), str_intern_c("__file__"), str_from_c(path));
    dict_set_str(interp_main_globals(), str_intern_c("__cached__"), VAL_NONE);
}

// Reads the main script [path] (already absolute); on failure prints
// python3's message and sets *status (2 unreadable, 1 a directory, which
// python3 would run as a package: pyish has no __main__ module support).
static char *open_script(const char *path, size_t *len, int *status) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fputs("pyish: can't find '__main__' module in ", stderr);
        put_repr(stderr, path);
        fputc('\n', stderr);
        *status = 1;
        return NULL;
    }
    errno = 0;
    char *src = interp_read_file(path, len);
    if (!src) {
        int e = errno ? errno : EIO;
        fputs("pyish: can't open file ", stderr);
        put_repr(stderr, path);
        fprintf(stderr, ": [Errno %d] %s\n", e, strerror(e));
        *status = 2;
    }
    return src;
}

// -c CODE that is not UTF-8: python3 decodes the command line with
// surrogate escapes, then fails to encode it; pyish prints the same.
static bool code_is_utf8(const char *code) {
    size_t len = strlen(code), pos = 0;
    for (size_t i = 0; i < len; pos++) {
        int n = utf8_valid_len(code + i, len - i);
        if (n == 0) {
            fprintf(stderr,
                    "Unable to decode the command from the command line:\n"
                    "UnicodeEncodeError: 'utf-8' codec can't encode character '\\udc%02x' in "
                    "position %zu: surrogates not allowed\n",
                    (unsigned char)code[i], pos);
            return false;
        }
        i += (size_t)n;
    }
    return true;
}

// --check and --dis: parse and compile [path] without running it; print
// the bytecode when [dis]. Exit status 0, 1 (SyntaxError) or 2 (unreadable).
static int compile_file(const char *path, bool dis) {
    size_t len;
    int status;
    char *src = open_script(path, &len, &status);
    if (!src) {
        return status;
    }
    ObjCode *code = interp_compile(src, len, path, false, NULL);
    free(src);
    if (!code) {
        interp_print_exception(exc_take());
        return 1;
    }
    if (dis) {
        code_disassemble(code, stdout);
    }
    return 0;
}

// PEP 538 and 540, as python3 does at start-up: when the LC_CTYPE locale
// the environment selects is C or POSIX, UTF-8 mode is on (sys.flags.utf8_mode;
// pyish's text I/O is UTF-8 in any case) and, unless LC_ALL is set or
// PYTHONCOERCECLOCALE=0, LC_CTYPE=C.UTF-8 is exported so child processes get
// a UTF-8 locale too. PYTHONUTF8 and -X utf8 decide UTF-8 mode explicitly.
static void coerce_c_locale(Options *o) {
    const char *env_utf8 = o->ignore_environment ? NULL : getenv("PYTHONUTF8");
    if (o->utf8_mode < 0 && env_utf8 && (strcmp(env_utf8, "0") == 0 || strcmp(env_utf8, "1") == 0)) {
        o->utf8_mode = env_utf8[0] - '0';
    }
    const char *cur = setlocale(LC_CTYPE, "");
    bool c_locale = !cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0;
    setlocale(LC_CTYPE, "C");
    if (!c_locale) {
        if (o->utf8_mode < 0) o->utf8_mode = 0;
        return;
    }
    if (o->utf8_mode < 0) o->utf8_mode = 1;
    const char *all = getenv("LC_ALL");
    const char *coerce = o->ignore_environment ? NULL : getenv("PYTHONCOERCECLOCALE");
    if ((!all || !*all) && !(coerce && strcmp(coerce, "0") == 0)) {
        setenv("LC_CTYPE", "C.UTF-8", 1);
    }
}

// "<pyish json.tool>" -> "<pyish>/json/tool.py"
static Value embedded_argv0(const char *path) {
    size_t n = strlen(path);
    char *buf = malloc(n + 16);
    size_t k = 0;
    k += (size_t)sprintf(buf, "<pyish>/");
    for (const char *p = path + 7; *p && *p != '>'; p++) {
        buf[k++] = *p == '.' ? '/' : *p;
    }
    strcpy(buf + k, ".py");
    Value v = str_from_c(buf);
    free(buf);
    return v;
}

static void *interp_main(void *arg) {
    Options *o = arg;
    const char *script_dir = "";
    char *dir = NULL;
    if (o->file) {
        dir = dir_of(o->file_abs);
        script_dir = dir;
    }
    StateConfig cfg = {.argc = o->argc, .argv = o->argv, .script_dir = script_dir,
                       .virtual_clock = o->virtual_clock, .schedule_random = o->schedule_random,
                       .schedule_seed = o->schedule_seed, .strict_tasks = o->strict_tasks,
                       .trace_file = o->trace, .dump_tasks_on_interrupt = o->dump_tasks,
                       .unbuffered = o->unbuffered, .optimize = o->optimize, .dev_mode = o->dev_mode,
                       .utf8_mode = o->utf8_mode > 0, .quiet = o->quiet, .no_site = o->no_site, .no_user_site = o->no_user_site,
                       .ignore_environment = o->ignore_environment, .isolated = o->isolated,
                       .verbose = o->verbose > 0, .bytes_warning = o->bytes_warning > 2 ? 2 : o->bytes_warning,
                       .xoptions = o->xopts, .nxoptions = o->nxopt, .safe_path = o->safe_path,
                       .libcode = pyish_libcode};
    if (!state_new(&cfg)) {
        fputs("pyish: out of memory\n", stderr);
        o->status = 1;
        return NULL;
    }
    install_handler(SIGINT, on_sigint);
    install_handler(SIGQUIT, on_sigquit);
    // as python3: a write to a closed pipe or socket raises BrokenPipeError
    // instead of killing the process (children get SIG_DFL back)
    signal(SIGPIPE, SIG_IGN);
    const char *env_fh = o->ignore_environment ? NULL : getenv("PYTHONFAULTHANDLER");
    if (o->faulthandler || o->dev_mode || (env_fh && *env_fh)) {
        faulthandler_enable_at_start();
    }
    // sys.warnoptions in python3's order, lowest precedence first: the dev
    // mode's 'default', PYTHONWARNINGS' entries, the -W options, -b/-bb's
    const char *wopts[64 + 32 + 2];
    int nw = 0;
    char *envw = o->ignore_environment || !getenv("PYTHONWARNINGS") ? NULL : strdup(getenv("PYTHONWARNINGS"));
    if (o->dev_mode) {
        wopts[nw++] = "default";
    }
    for (char *save = NULL, *t = envw ? strtok_r(envw, ",", &save) : NULL; t && nw < 32;
         t = strtok_r(NULL, ",", &save)) {
        if (*t) {
            wopts[nw++] = t;
        }
    }
    for (int k = 0; k < o->nwarn; k++) {
        wopts[nw++] = o->warnopts[k];
    }
    if (o->bytes_warning) {
        wopts[nw++] = o->bytes_warning > 1 ? "error::BytesWarning" : "default::BytesWarning";
    }
    bool wok = interp_warnoptions(wopts, nw);
    free(envw);
    if (!wok) {
        Value exc = exc_take();
        if (exc) {
            interp_print_exception(exc);
        }
        o->status = 1;
    } else if (o->dis || o->check) {
        o->status = compile_file(o->file_abs, o->dis);
    } else if (o->code && !code_is_utf8(o->code)) {
        o->status = 1;
        o->interactive = false;
    } else if (o->code) {
        o->status = run_text(o, o->code, strlen(o->code), "<string>", o->interactive);
    } else if (o->module) {
        size_t len;
        char *path = NULL;
        char *src = interp_module_source(o->module, &len, &path);
        if (!src) {
            fprintf(stderr, "pyish: No module named %s\n", o->module);
            o->status = 1;
            o->interactive = false;
        } else {
            if (path[0] != '<') {
                char *abs = absolute_path(path);
                free(path);
                path = abs;
            }
            Value argv0 = interp_sys_argv();
            if (IS_LIST(argv0) && AS_LIST(argv0)->len > 0) {
                // sys.argv[0]: the module's path; an embedded module's
                // ("<pyish json.tool>") as a path whose last part is
                // CPython's ("tool.py"), which argparse and optparse take
                // for the program's name in usage lines
                AS_LIST(argv0)->items[0] = path[0] == '<' ? embedded_argv0(path) : str_from_c(path);
            }
            set_main_file(path);
            // its package, as runpy gives it (relative imports work): the
            // module itself when it ran as MODULE/__main__.pyish
            size_t n = strlen(o->module), pl = strlen(path);
            bool is_pkg = (pl > 15 && strcmp(path + pl - 15, "/__main__.pyish") == 0) ||
                          (pl > 12 && strcmp(path + pl - 12, "/__main__.py") == 0) ||
                          (pl > 10 && strcmp(path + pl - 10, ".__main__>") == 0);
            const char *dot = strrchr(o->module, '.');
            size_t plen = is_pkg ? n : dot ? (size_t)(dot - o->module) : 0;
            dict_set_str(interp_main_globals(), str_intern_c("__package__"), str_new(o->module, plen));
            o->status = run_text(o, src, len, path, o->interactive);
            free(src);
        }
        free(path);
    } else if (o->file) {
        size_t len;
        char *src = open_script(o->file_abs, &len, &o->status);
        if (!src) {
            o->interactive = false;
        } else {
            set_main_file(o->file_abs);
            o->status = run_text(o, src, len, o->file_abs, o->interactive);
            free(src);
        }
    } else if (o->from_stdin || (!isatty(0) && !o->interactive)) {
        size_t cap = 4096, n = 0, r;
        char *buf = malloc(cap);
        while ((r = fread(buf + n, 1, cap - n - 1, stdin)) > 0) {
            n += r;
            if (n + 1 >= cap) {
                cap *= 2;
                buf = realloc(buf, cap);
            }
        }
        buf[n] = 0;
        set_main_file("<stdin>");
        o->status = run_text(o, buf, n, "<stdin>", false);
        free(buf);
    } else {
        o->interactive = true;
    }
    if (o->interactive && !o->dis && !o->check) {
        o->died_of_sigint = false;
        ST->config.dump_tasks_on_interrupt = true;     // on by default in the REPL
        if (o->asyncio_repl) {
            // python3 -m asyncio's console starts with `asyncio` in its namespace
            Value aio = import_module_value(str_intern_c("asyncio"));
            if (aio) {
                dict_set_str(interp_main_globals(), str_intern_c("asyncio"), aio);
            } else {
                exc_clear();
            }
        }
        bool interrupted = repl_run(!o->file && !o->code && !o->quiet, o->asyncio_repl);
        o->status = 0;
        Value exc = exc_take();
        if (exc) {
            o->status = uncaught(o, exc);
        } else if (interrupted) {
            o->died_of_sigint = true;
        }
    }
    int out_err = fflush(stdout) != 0 ? errno : 0;
    interp_shutdown();
    if (!interp_flush_stdout(out_err)) {
        o->status = 120;    // as python3 when its stdout cannot be flushed
    }
    if (ST->aio_strict_failed && o->status == 0) {
        o->status = 1;      // found at exit: no code was left to stop
    }
    if (o->schedule_random && o->status != 0) {
        fprintf(stderr, "pyish: schedule random:%llu (rerun with --schedule=random:%llu)\n",
                (unsigned long long)o->schedule_seed, (unsigned long long)o->schedule_seed);
    }
    if (o->clock_report) {
        fprintf(stderr, "pyish: clock at exit: %.6f s\n", clock_elapsed());
    }
    fflush(stderr);
    free(dir);
    return NULL;
}

// A usage error as python3 reports it: [msg] (if any), the usage line and
// a pointer to -h, on stderr; status 2.
static int usage_error(const char *msg) {
    if (msg) {
        fprintf(stderr, "%s\n", msg);
    }
    fputs(USAGE_LINE "Try `pyish -h' for more information.\n", stderr);
    return 2;
}

// --schedule=MODE: fifo, random (a seed from the time and pid) or
// random:SEED (decimal). false: not one of those.
static bool parse_schedule(Options *o, const char *mode) {
    if (strcmp(mode, "fifo") == 0) {
        o->schedule_random = false;
        return true;
    }
    if (strcmp(mode, "random") == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
        x ^= x >> 31;
        x *= 0x9E3779B97F4A7C15ull;
        o->schedule_random = true;
        o->schedule_seed = (x >> 16) % 1000000000u;   // short enough to type back
        return true;
    }
    if (strncmp(mode, "random:", 7) == 0 && mode[7] >= '0' && mode[7] <= '9') {
        char *end;
        errno = 0;
        unsigned long long seed = strtoull(mode + 7, &end, 10);
        if (*end || errno) {
            return false;
        }
        o->schedule_random = true;
        o->schedule_seed = seed;
        return true;
    }
    return false;
}

// Applies the one-letter flags of argv[*i] (python3's: -c -m -W -X take an
// argument, the rest or the next word). 0: go on with the next word; 1: -c or
// -m ends the options; -1: a usage error (printed).
static int short_flags(Options *o, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    for (int j = 1; a[j]; j++) {
        char f = a[j];
        if (f == 'c' || f == 'm' || f == 'W' || f == 'X') {
            const char *arg = a[j + 1] ? a + j + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
            if (!arg) {
                char msg[64];
                snprintf(msg, sizeof msg, "Argument expected for the -%c option", f);
                return usage_error(msg), -1;
            }
            if (f == 'c') {
                o->code = arg;
                return 1;
            }
            if (f == 'm') {
                o->module = (char *)arg;
                return 1;
            }
            if (f == 'W') {
                if (o->nwarn < (int)(sizeof o->warnopts / sizeof *o->warnopts)) {
                    o->warnopts[o->nwarn++] = arg;
                }
                return 0;
            }
            if (o->nxopt < (int)(sizeof o->xopts / sizeof *o->xopts)) {
                o->xopts[o->nxopt++] = arg;     // sys._xoptions has them all
            }
            if (strcmp(arg, "utf8") == 0 || strcmp(arg, "utf8=1") == 0) {
                o->utf8_mode = 1;
            } else if (strcmp(arg, "utf8=0") == 0) {
                o->utf8_mode = 0;
            } else if (strcmp(arg, "faulthandler") == 0) {
                o->faulthandler = true;
            } else if (strcmp(arg, "dev") == 0) {
                // the development mode (other -X options are accepted and
                // ignored, as python3's implementation-specific ones); its
                // 'default' warnings filter comes before the -W ones (interp_main)
                o->dev_mode = true;
            }
            return 0;
        }
        switch (f) {
        case 'i':
            o->interactive = true;
            break;
        case 'u':
            o->unbuffered = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'O':
            o->optimize++;
            break;
        case 'I':   // python3's -I: -E, -s and -P
            o->isolated = o->ignore_environment = o->no_user_site = o->safe_path = true;
            break;
        case 'P':
            o->safe_path = true;
            break;
        case 's':
            o->no_user_site = true;
            break;
        case 'S':
            o->no_site = true;
            break;
        case 'E':
            o->ignore_environment = true;
            break;
        case 'v':
            o->verbose++;
            break;
        case 'b':
            o->bytes_warning++;
            break;
        case 'B':   // no bytecode files to write anyway
        case 'd':
        case 'R':
            break;
        default:
            fprintf(stderr, "Unknown option: -%c\n", f);
            return usage_error(NULL), -1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    Options o;
    memset(&o, 0, sizeof o);
    o.utf8_mode = -1;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf("pyish %s\n", PYISH_VERSION);
            return 0;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (strcmp(a, "--virtual-clock") == 0) {
            o.virtual_clock = true;
        } else if (strcmp(a, "--clock-report") == 0) {
            o.clock_report = true;
        } else if (strcmp(a, "--strict-tasks") == 0) {
            o.strict_tasks = true;
        } else if (strcmp(a, "--dump-tasks-on-interrupt") == 0) {
            o.dump_tasks = true;
        } else if (strcmp(a, "--schedule") == 0 || strncmp(a, "--schedule=", 11) == 0) {
            const char *mode = a[10] ? a + 11 : (i + 1 < argc ? argv[++i] : NULL);
            if (!mode) {
                return usage_error("Argument expected for the --schedule option");
            }
            if (!parse_schedule(&o, mode)) {
                fprintf(stderr, "pyish: --schedule: expected fifo, random or random:SEED (SEED a decimal "
                                "number), not '%s'\n", mode);
                return usage_error(NULL);
            }
        } else if (strcmp(a, "--trace-file") == 0 || strncmp(a, "--trace-file=", 13) == 0) {
            const char *path = a[12] ? a + 13 : (i + 1 < argc ? argv[++i] : NULL);
            if (!path || !*path) {
                return usage_error("Argument expected for the --trace-file option");
            }
            if (o.trace) {
                fclose(o.trace);
            }
            o.trace = fopen(path, "w");
            if (!o.trace) {
                fprintf(stderr, "pyish: --trace-file: cannot open '%s': %s\n", path, strerror(errno));
                return usage_error(NULL);
            }
        } else if (strcmp(a, "--dis") == 0) {
            o.dis = true;
        } else if (strcmp(a, "--check") == 0) {
            o.check = true;
        } else if (a[0] == '-' && a[1] && a[1] != '-') {
            // a group of python3's one-letter flags (-uB, -OO, -Wd, -Xdev,
            // -c CODE, -m MOD): a letter taking an argument ends the group
            int r = short_flags(&o, argc, argv, &i);
            if (r == 1) {
                break;      // -c / -m: the rest is the program's argv
            }
            if (r < 0) {
                return 2;
            }
        } else if (strcmp(a, "-") == 0) {
            o.from_stdin = true;
            break;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, a[1] == '-' ? "unknown option %s\n" : "Unknown option: %s\n", a);
            return usage_error(NULL);
        } else {
            o.file = a;
            break;
        }
    }
    if ((o.dis || o.check) && !o.file) {
        fprintf(stderr, "pyish: %s needs a FILE\n", o.dis ? "--dis" : "--check");
        return 2;
    }
    if (o.module && strcmp(o.module, "asyncio") == 0 && i + 1 >= argc) {
        // python3 -m asyncio: a REPL where await works at top level, as pyish's own
        o.module = NULL;
        o.interactive = true;
        o.asyncio_repl = true;
        i = argc;
    }
    // sys.argv: FILE and ARGS ('-c' or '-' for those forms; '' for the REPL)
    char empty[] = "";
    char dash_c[] = "-c";
    char dash[] = "-";
    int first = i < argc ? i : argc;
    int nargs = argc - first;
    char **av = calloc((size_t)(nargs + 2), sizeof(char *));
    if (o.code || o.module) {
        av[0] = o.code ? dash_c : o.module;   // -m: the module's path, set once found
        for (int k = first + 1; k < argc; k++) {
            av[k - first] = argv[k];
        }
        o.argc = argc - first > 0 ? argc - first : 1;
    } else if (nargs > 0) {
        for (int k = 0; k < nargs; k++) {
            av[k] = argv[first + k];
        }
        if (o.from_stdin) {
            av[0] = dash;
        }
        o.argc = nargs;
    } else {
        av[0] = empty;
        o.argc = 1;
    }
    o.argv = av;
    coerce_c_locale(&o);
    if (o.file) {
        o.file_abs = absolute_path(o.file);
    }

    // One malloc arena: the interpreter runs on a thread of its own (for its
    // 1 GiB stack), and glibc gave that thread a second arena, which grows
    // and shrinks a page at a time with mprotect (one call every 7 requests
    // of a 1 KiB echo server); the main arena grows by brk with padding.
    mallopt(M_ARENA_MAX, 1);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, (size_t)1 << 30);
    pthread_t th;
    if (pthread_create(&th, &attr, interp_main, &o) != 0) {
        interp_main(&o);
    } else {
        // signals go to the interpreter thread, so its blocking calls see
        // EINTR and its handlers (signal.signal) run there
        sigset_t set;
        sigfillset(&set);
        sigdelset(&set, SIGSEGV);
        sigdelset(&set, SIGBUS);
        sigdelset(&set, SIGFPE);
        sigdelset(&set, SIGILL);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        pthread_join(th, NULL);
        if (o.died_of_sigint) {
            fflush(stdout);
            fflush(stderr);
            signal(SIGINT, SIG_DFL);
            pthread_sigmask(SIG_UNBLOCK, &set, NULL);
            raise(SIGINT);
        }
    }
    if (o.died_of_sigint) {
        signal(SIGINT, SIG_DFL);
        raise(SIGINT);
    }
    free(av);
    free(o.file_abs);
    if (o.trace && fclose(o.trace) != 0) {
        fprintf(stderr, "pyish: --trace-file: could not write the trace: %s\n", strerror(errno));
    }
    return o.status;
}
