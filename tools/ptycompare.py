# ptycompare.py: runs python3 and pyish side by side in pseudo-terminals, types
# the same keystrokes into each (with small delays, as a person would), renders
# what each shows on an 80-column screen (tests/repl/vtscreen.py, the
# emulator of the REPL comparison test) and prints a diff of
# the two screens. A developer tool for the REPL, not run by ctest (the .repl
# tests in tests/repl/ are). Usage:
#   python3 tools/ptycompare.py [--pyish build/pyish] [--python /usr/bin/python3] [--show] [--stripped] CASES.txt [NAME...]
# (--stripped: compare the raw output minus escapes and CRs, not the screens).
# A cases file holds blocks separated by lines '=== NAME [ARGS...]' (ARGS are
# given to both interpreters, e.g. '-q -i x.py'; default '-q'; '{py}' in ARGS
# is the interpreter, for '-c' programs that pipe). Each following line is
# typed followed by Enter, with these escapes: \r \n \t \e \xHH \\, and a line
# ending in '\' is typed without Enter; '@sleep S' waits S seconds; '@raw TEXT'
# types TEXT as is (escapes decoded, no Enter).
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "repl"))
import vtscreen  # the screen emulator the REPL comparison test uses

WIDTH, HEIGHT = 80, 24


def strip(raw):
    """The output with escape sequences, CRs and BELs removed, not rendered."""
    text = raw.decode("utf-8", "replace")
    text = re.sub(r"\x1b\[[0-9;?>]*[\x40-\x7e]|\x1b\][^\x07]*\x07|\x1b[^\[\]]", "", text)
    return text.replace("\r", "").replace("\x07", "")


def decode(s):
    """The keys a case line names: \\r \\n \\t \\e \\xHH \\\\ decoded, as bytes."""
    out = bytearray()
    i = 0
    simple = {"r": 13, "n": 10, "t": 9, "e": 27, "\\": 92}
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            c = s[i + 1]
            if c in simple:
                out.append(simple[c])
                i += 2
                continue
            if c == "x" and i + 3 < len(s) + 0 and len(s) >= i + 4:
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
        out.extend(s[i].encode())
        i += 1
    return bytes(out)


def run(argv, steps, cwd, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execvpe(argv[0], argv, env)
    import fcntl
    import struct
    import termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
    raw = bytearray()

    def drain(secs):
        end = time.time() + secs
        while True:
            left = end - time.time()
            if left <= 0:
                return True
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                raw.extend(data)

    drain(0.6)
    alive = True
    for kind, arg in steps:
        if not alive:
            break
        if kind == "sleep":
            alive = drain(arg)
            continue
        for i in range(0, len(arg), 64):
            try:
                os.write(fd, arg[i:i + 64])
            except OSError:
                alive = False
                break
            alive = drain(0.02)
        alive = alive and drain(0.25)
    if alive:
        drain(1.0)
    status = None
    for _ in range(30):
        p, st = os.waitpid(pid, os.WNOHANG)
        if p:
            status = os.waitstatus_to_exitcode(st)
            break
        time.sleep(0.05)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        status = "killed (still running)"
    try:
        os.close(fd)
    except OSError:
        pass
    scr = vtscreen.Screen(WIDTH, HEIGHT)
    scr.feed(bytes(raw))
    return scr.text(), status, bytes(raw)


def parse(path):
    cases = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("=== "):
            parts = line[4:].split(None, 1)
            cases.append((parts[0], parts[1] if len(parts) > 1 else "-q", []))
            continue
        if not cases or line.startswith("##"):
            continue
        steps = cases[-1][2]
        if line.startswith("@sleep "):
            steps.append(("sleep", float(line[7:])))
        elif line.startswith("@raw "):
            steps.append(("keys", decode(line[5:])))
        elif line.endswith("\\") and not line.endswith("\\\\"):
            steps.append(("keys", decode(line[:-1])))
        else:
            steps.append(("keys", decode(line) + b"\r"))
    return cases


def main():
    args = sys.argv[1:]
    pyish = "build/pyish"
    python = "/usr/bin/python3"
    show = False
    stripped = False
    while args and args[0].startswith("--"):
        if args[0] == "--pyish":
            pyish = args[1]
            args = args[2:]
        elif args[0] == "--python":
            python = args[1]
            args = args[2:]
        elif args[0] == "--stripped":
            stripped = True
            args = args[1:]
        elif args[0] == "--show":
            show = True
            args = args[1:]
    pyish = os.path.abspath(pyish)
    cases = parse(args[0])
    only = set(args[1:])
    import difflib
    import shlex
    import tempfile
    failures = 0
    for name, argstr, steps in cases:
        if only and name not in only:
            continue
        results = []
        for interp in (python, pyish):
            home = tempfile.mkdtemp(prefix="ptycmp.")
            env = dict(os.environ, TERM="xterm", HOME=home, PYTHONSTARTUP="",
                       LANG="C.UTF-8", LC_ALL="C.UTF-8")
            env.pop("PYTHONSTARTUP")
            words = [w.replace("{py}", interp) for w in shlex.split(argstr)]
            if words and words[0] == "sh":
                argv = words
            else:
                argv = [interp] + words
            results.append(run(argv, steps, os.getcwd(), env))
        (pt, ps, praw), (it, st, iraw) = results
        if stripped:
            pt, it = strip(praw), strip(iraw)
        it = it.replace(pyish, python)
        same = pt == it and ps == st
        print(f"--- {name}: {'same' if same else 'DIFFERENT'}")
        if not same:
            failures += 1
            if ps != st:
                print(f"  exit status: python3 {ps}, pyish {st}")
            for l in difflib.unified_diff(pt.splitlines(), it.splitlines(), "python3", "pyish", lineterm="", n=2):
                print("  " + l)
        if show:
            print(it)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
