// ptydrive.c: runs a program in a pseudo-terminal and drives it from a
// script, as a person at the keyboard would: the REPL tests (tests/repl/
// *.repl). Usage: ptydrive SCRIPT PROGRAM [ARGS...]. Script lines:
//   spawn [WORDS...]    start PROGRAM ARGS WORDS in a new pty (80x24, TERM=xterm);
//                       WORDS are split at spaces ($TMP: the fresh folder)
//   send TEXT           type TEXT; escapes \n \r \t \e \\ \xHH (\x03 = Ctrl-C)
//   expect TEXT         wait (5 s max) until the output, with escape sequences
//                       and CRs removed, holds TEXT after the previous match
//   absent TEXT         the session's output so far (escapes and CRs
//                       removed) does not hold TEXT
//   sleep SECONDS       wait, reading output
//   exit N              wait (5 s max) for the program to exit with status N
//   setenv NAME VALUE   for the next spawn; $TMP in VALUE is a fresh folder
//   # comment, blank lines: ignored
// PTYDRIVE_SHOW=1 prints each session's output.
// HOME is the fresh folder too (so ~/.pyish_history is private to the test).
// Exits 0 when every step passed; else prints the failing step, the output
// seen so far, and exits 1.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static pid_t child = -1;
static char *out;       // cleaned output of the current session
static size_t nout, cout, mark;
static int esc_state;   // 0 text, 1 after ESC, 2 inside CSI
static char tmpdir[] = "/tmp/ptydrive.XXXXXX";
static const char *script_name;
static int lineno;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_out(char c) {
    if (nout + 2 >= cout) {
        cout = cout ? cout * 2 : 4096;
        out = realloc(out, cout);
    }
    out[nout++] = c;
    out[nout] = 0;
}

// Appends raw terminal output minus escape sequences and CRs.
static void absorb(const char *buf, ssize_t n) {
    for (ssize_t i = 0; i < n; i++) {
        char c = buf[i];
        if (esc_state == 1) {
            esc_state = c == '[' ? 2 : 0;
            continue;
        }
        if (esc_state == 2) {
            if (c >= 0x40 && c <= 0x7e) {
                esc_state = 0;
            }
            continue;
        }
        if (c == 27) {
            esc_state = 1;
        } else if (c == '\b') {
            // ignore: cursor movement
        } else if (c != '\r' && c != 7) {
            add_out(c);
        }
    }
}

// Reads output for up to [secs] seconds; returns early when [want] appears
// after the mark (then moves the mark past it). True if found.
static bool pump(double secs, const char *want) {
    double end = now() + secs;
    for (;;) {
        if (want) {
            char *p = strstr(out ? out + mark : "", want);
            if (p) {
                mark = (size_t)(p - out) + strlen(want);
                return true;
            }
        }
        double left = end - now();
        if (left <= 0 || master < 0) {
            return false;
        }
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(master, &fds);
        struct timeval tv = {(time_t)left, (suseconds_t)((left - (double)(time_t)left) * 1e6)};
        int r = select(master + 1, &fds, NULL, NULL, &tv);
        if (r > 0) {
            char buf[4096];
            ssize_t n = read(master, buf, sizeof buf);
            if (n <= 0) {
                if (want) {
                    return false;
                }
                // the program closed the terminal: keep waiting only for time
                struct timespec ts = {0, 10000000};
                nanosleep(&ts, NULL);
                continue;
            }
            absorb(buf, n);
        }
    }
}

static void fail(const char *what, const char *arg) {
    fprintf(stderr, "%s:%d: %s%s%s\n--- output so far (escapes removed):\n%s\n--- end of output\n",
            script_name, lineno, what, arg ? " " : "", arg ? arg : "", out ? out : "");
    if (child > 0) {
        kill(child, SIGKILL);
    }
    exit(1);
}

static size_t unescape(const char *s, char *dst) {
    size_t n = 0;
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) {
            dst[n++] = *s;
            continue;
        }
        s++;
        switch (*s) {
        case 'n':
            dst[n++] = '\n';
            break;
        case 'r':
            dst[n++] = '\r';
            break;
        case 't':
            dst[n++] = '\t';
            break;
        case 'e':
            dst[n++] = 27;
            break;
        case 'x': {
            char hex[3] = {s[1], s[1] ? s[2] : 0, 0};
            dst[n++] = (char)strtol(hex, NULL, 16);
            s += 2;
            break;
        }
        default:
            dst[n++] = *s;
        }
    }
    dst[n] = 0;
    return n;
}

// [in] with its first "$TMP" replaced by the session's fresh folder.
static void subst_tmp(const char *in, char *buf, size_t size) {
    const char *t = strstr(in, "$TMP");
    if (t) {
        snprintf(buf, size, "%.*s%s%s", (int)(t - in), in, tmpdir, t + 4);
    } else {
        snprintf(buf, size, "%s", in);
    }
}

static void spawn(char **prog, const char *words) {
    char *argv[64];
    int n = 0;
    while (*prog && n < 32) {
        argv[n++] = *prog++;
    }
    char buf[4096];
    subst_tmp(words, buf, sizeof buf);
    for (char *w = strtok(buf, " "); w && n < 63; w = strtok(NULL, " ")) {
        argv[n++] = w;
    }
    argv[n] = NULL;
    struct winsize ws = {24, 80, 0, 0};
    nout = mark = 0;
    esc_state = 0;
    if (out) {
        out[0] = 0;
    }
    child = forkpty(&master, NULL, NULL, &ws);
    if (child < 0) {
        perror("forkpty");
        exit(1);
    }
    if (child == 0) {
        setenv("TERM", "xterm", 1);
        setenv("HOME", tmpdir, 1);
        execvp(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
}

// PTYDRIVE_SHOW=1 in the environment: print each session's output.
static void show(void) {
    if (getenv("PTYDRIVE_SHOW") && out) {
        fprintf(stderr, "--- session output:\n%s\n--- end\n", out);
    }
}

static void wait_exit(int want) {
    double end = now() + 5;
    int st;
    for (;;) {
        pid_t r = waitpid(child, &st, WNOHANG);
        if (r == child) {
            break;
        }
        if (now() > end) {
            fail("timeout waiting for exit", NULL);
        }
        pump(0.02, NULL);
    }
    pump(0.05, NULL);
    show();
    child = -1;
    close(master);
    master = -1;
    int got = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (got != want) {
        char msg[64];
        snprintf(msg, sizeof msg, "%d, want %d", got, want);
        fail("exit status", msg);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: ptydrive SCRIPT PROGRAM [ARGS...]\n");
        return 2;
    }
    script_name = argv[1];
    FILE *f = fopen(argv[1], "r");
    if (!f || !mkdtemp(tmpdir)) {
        perror(argv[1]);
        return 2;
    }
    unsetenv("PYISH_HISTORY");
    char line[4096], text[4096];
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = 0;
        if (!line[0] || line[0] == '#') {
            continue;
        }
        char *arg = strchr(line, ' ');
        if (arg) {
            *arg++ = 0;
        } else {
            arg = line + strlen(line);
        }
        if (strcmp(line, "spawn") == 0) {
            spawn(argv + 2, arg);
        } else if (strcmp(line, "send") == 0) {
            size_t n = unescape(arg, text);
            pump(0.01, NULL);
            if (write(master, text, n) != (ssize_t)n) {
                fail("write failed", NULL);
            }
        } else if (strcmp(line, "expect") == 0) {
            unescape(arg, text);
            if (!pump(5, text)) {
                fail("timeout: expected", arg);
            }
        } else if (strcmp(line, "absent") == 0) {
            unescape(arg, text);
            if (out && strstr(out, text)) {
                fail("unwanted output:", arg);
            }
        } else if (strcmp(line, "sleep") == 0) {
            pump(atof(arg), NULL);
        } else if (strcmp(line, "exit") == 0) {
            wait_exit(atoi(arg));
        } else if (strcmp(line, "setenv") == 0) {
            char *val = strchr(arg, ' ');
            if (!val) {
                fail("setenv needs NAME VALUE", NULL);
            }
            *val++ = 0;
            char buf[4096];
            subst_tmp(val, buf, sizeof buf);
            setenv(arg, buf, 1);
        } else {
            fail("unknown command", line);
        }
    }
    fclose(f);
    if (child > 0) {
        show();
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) {
        return 1;
    }
    return 0;
}
