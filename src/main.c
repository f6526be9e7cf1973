// main.c: the command line. `pyish [options] [FILE | -c CODE | -] [ARGS...]`
// runs a script (or the REPL when stdin is a terminal and no script is
// given), with the exit statuses of DESIGN §5: 0 success, 1 uncaught
// exception or SyntaxError, 2 usage error or unreadable file. The whole
// interpreter runs on a thread with a large stack so that deep (bounded)
// C recursion in the runtime never overflows.
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "interp.h"
#include "ast.h"
#include "compile.h"
#include "diag.h"
#include "gc.h"
#include "version.h"

void repl_run(bool show_banner);

// Keep in step with doc/pyish.1 (tests/lang/cli/cli_test.sh checks that
// both list the same options and environment variables).
static const char *usage_text =
    "usage: pyish [option] ... [FILE | -c CODE | -] [ARG] ...\n"
    "Runs FILE, CODE or standard input as a program; with no program and a\n"
    "terminal on standard input, opens the interactive REPL (top-level await\n"
    "works there, on an event loop that persists between inputs).\n"
    "Options:\n"
    "  -c CODE          run CODE as a program (sys.argv[0] is '-c')\n"
    "  -i               open the REPL after running the program, in its namespace\n"
    "  -                read the program from standard input\n"
    "  --check FILE     parse and compile FILE only: no output and status 0 when valid\n"
    "  --check FILE     parse and compile FILE only: no output and status 0 when valid\n"
    "  --dis FILE       disassemble FILE's bytecode and exit\n"
    "  --virtual-clock  time.* and the event loop read a virtual clock that only\n"
    "                   moves when the program sleeps (sleeps take no real time)\n"
    "  --clock-report   print 'pyish: clock at exit: T s' as the last line on stderr\n"
    "  -V, --version    print the version and exit\n"
    "  -h, --help       print this help and exit\n"
    "Environment:\n"
    "  PYISHPATH        ':'-separated folders searched by import after the script's folder\n"
    "  PYISH_HISTORY    REPL history file (default ~/.pyish_history; empty: no history)\n"
    "Exit status: 0 success; 1 uncaught exception or SyntaxError; 2 usage error or\n"
    "unreadable file; N for sys.exit(N); 130 (killed by SIGINT) after an uncaught\n"
    "KeyboardInterrupt (Ctrl-C); killed by SIGPIPE when stdout is a closed pipe.\n"
    "See pyish(1).\n";

typedef struct Options {
    const char *file;
    const char *code;
    bool from_stdin;
    bool interactive;
    bool dis;
    bool check;
    bool virtual_clock;
    bool clock_report;
    int argc;       // sys.argv
    char **argv;
    int status;
} Options;

static void on_sigint(int sig) {
    (void)sig;
    vm_interrupted = 1;
}

// Set when the program ended with an uncaught KeyboardInterrupt: main()
// then exits as a process killed by SIGINT (status 130 in a shell).
static volatile bool died_of_sigint;

// SIGINT sets vm_interrupted (the VM raises KeyboardInterrupt at its next
// safe point). No SA_RESTART: a blocking sleep, select or read returns EINTR.
static void install_sigint(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

static int uncaught(Value exc) {
    if (exc_matches(exc, OBJ_VAL(exc_KeyboardInterrupt))) {
        died_of_sigint = true;
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
static int run_text(const char *src, size_t len, const char *filename, bool inspect) {
    bool syntax_error;
    Value r = interp_run_source(src, len, filename, interp_main_globals(), false, &syntax_error);
    if (!r) {
        if (syntax_error) {
            return 1;
        }
        Value exc = exc_take();
        if (inspect) {
            interp_print_exception(exc);
            return 1;
        }
        return uncaught(exc);
    }
    return 0;
}

// --check and --dis: parse and compile [path] without running it; print
// the bytecode when [dis]. Exit status 0, 1 (SyntaxError) or 2 (unreadable).
static int compile_file(const char *path, bool dis) {
    size_t len;
    char *src = interp_read_file(path, &len);
    if (!src) {
        fprintf(stderr, "pyish: can't open file '%s': [Errno 2] No such file or directory\n", path);
        return 2;
    }
    bool syntax_error;
    ObjCode *code = interp_compile(src, len, path, false, &syntax_error);
    free(src);
    if (!code) {
        return 1;
    }
    if (dis) {
        code_disassemble(code, stdout);
    }
    return 0;
}

static void *interp_main(void *arg) {
    Options *o = arg;
    const char *script_dir = "";
    char *dir = NULL;
    if (o->file) {
        dir = dir_of(o->file);
        script_dir = dir;
    }
    clock_init(o->virtual_clock);
    interp_init(o->argc, o->argv, script_dir);
    install_sigint();
    if (o->dis || o->check) {
        o->status = compile_file(o->file, o->dis);
    } else if (o->code) {
        o->status = run_text(o->code, strlen(o->code), "<string>", o->interactive);
    } else if (o->file) {
        size_t len;
        char *src = interp_read_file(o->file, &len);
        if (!src) {
            fprintf(stderr, "pyish: can't open file '%s': [Errno 2] No such file or directory\n", o->file);
            o->status = 2;
            o->interactive = false;
        } else {
            o->status = run_text(src, len, o->file, o->interactive);
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
        o->status = run_text(buf, n, "<stdin>", false);
        free(buf);
    } else {
        o->interactive = true;
    }
    if (o->interactive && !o->dis && !o->check) {
        died_of_sigint = false;
        repl_run(!o->file && !o->code);
        o->status = 0;
        Value exc = exc_take();
        if (exc) {
            o->status = uncaught(exc);
        }
    }
    fflush(stdout);
    interp_shutdown();
    fflush(stdout);
    if (o->clock_report) {
        fprintf(stderr, "pyish: clock at exit: %.6f s\n", clock_elapsed());
    }
    fflush(stderr);
    free(dir);
    return NULL;
}

int main(int argc, char **argv) {
    Options o;
    memset(&o, 0, sizeof o);
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
        } else if (strcmp(a, "-i") == 0) {
            o.interactive = true;
        } else if (strcmp(a, "--dis") == 0) {
            o.dis = true;
        } else if (strcmp(a, "--check") == 0) {
            o.check = true;
        } else if (strcmp(a, "-c") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "Argument expected for the -c option\n%s", usage_text);
                return 2;
            }
            o.code = argv[i + 1];
            i++;
            break;
        } else if (strcmp(a, "-") == 0) {
            o.from_stdin = true;
            break;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "pyish: unknown option %s\n%s", a, usage_text);
            return 2;
        } else {
            o.file = a;
            break;
        }
    }
    if ((o.dis || o.check) && !o.file) {
        fprintf(stderr, "pyish: %s needs a FILE\n", o.dis ? "--dis" : "--check");
        return 2;
    }
    // sys.argv: FILE and ARGS ('-c' or '-' for those forms; '' for the REPL)
    static char empty[] = "";
    static char dash_c[] = "-c";
    static char dash[] = "-";
    int first = i < argc ? i : argc;
    int nargs = argc - first;
    char **av = calloc((size_t)(nargs + 2), sizeof(char *));
    if (o.code) {
        av[0] = dash_c;
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

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, (size_t)1 << 30);
    pthread_t th;
    if (pthread_create(&th, &attr, interp_main, &o) != 0) {
        interp_main(&o);
    } else {
        // SIGINT goes to the interpreter thread, so its blocking calls see EINTR
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        pthread_join(th, NULL);
        if (died_of_sigint) {
            fflush(stdout);
            fflush(stderr);
            signal(SIGINT, SIG_DFL);
            pthread_sigmask(SIG_UNBLOCK, &set, NULL);
            raise(SIGINT);
        }
    }
    if (died_of_sigint) {
        signal(SIGINT, SIG_DFL);
        raise(SIGINT);
    }
    free(av);
    return o.status;
}
