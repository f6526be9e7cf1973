#!/usr/bin/env python3
# compare_python3.py: types the same keystrokes into `python3 -q` and
# `pyish -q`, each in its own pseudo-terminal (80x24, TERM=xterm, a fresh
# HOME), renders what each wrote with a VT100 screen emulator (vtscreen.py)
# and compares what the user sees: the screen text (scrollback included),
# the cursor, the number of bells and the exit status. The sessions are
# in SESSIONS below; each step is sent once the program sits idle (every
# thread asleep, its terminal input consumed, no output for a moment), so
# the comparison does not depend on the machine's speed.
#
# Usage: compare_python3.py PYISH [PYTHON3] [-k SUBSTRING] [-v]
# Exits 0 when every session matched; 77 (skipped) without python3 3.11 or
# util-linux's setsid.
# A few known, intended differences (pyish's top-level await, its history
# file's name) are not compared here; tests/repl/*.repl cover them.
import fcntl
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vtscreen import Screen  # noqa: E402

QUIET = 0.05        # seconds without output before a program counts as idle
STEP_TIMEOUT = 20   # seconds a step may take (generous for loaded machines)

UP, DOWN, RIGHT, LEFT = '\x1b[A', '\x1b[B', '\x1b[C', '\x1b[D'
C_A, C_C, C_D, C_E, C_K, C_U, C_W = '\x01', '\x03', '\x04', '\x05', '\x0b', '\x15', '\x17'

# A step RUNS(keys) starts code that keeps running: it is not waited for
# (nor its screen compared), the next step (Ctrl-C) follows a moment later.
def RUNS(keys):
    return (keys,)


# Each session: (name, [keys sent one step at a time], optional dict of
# options: 'args' extra command-line words ('{dir}' is the session's
# folder), 'files' {name: text} written there first, 'history' text of
# the history file).
SESSIONS = [
    ('expressions', ['1 + 2\r', "'a' + 'b'\r", '_ * 2\r', 'None\r', '[1, 2][0]\r',
                     'x = 5\r', 'x\r', '_\r', '\r', '# comment\r', '   \r', C_D]),
    ('def_block', ['def f(x):\r', '    return x * 2\r', '\r', 'f(21)\r', C_D]),
    ('class_block', ['class A:\r', '    x = 1\r', '    def m(self):\r', '        return self.x\r',
                     '\r', 'A().m()\r', 'A\r', C_D]),
    ('if_for_while', ['if 1:\r', "    print('yes')\r", 'else:\r', "    print('no')\r", '\r',
                      'for i in range(3): i\r', '\r', 'n = 0\r', 'while n < 2:\r', '    n += 1\r',
                      '\r', 'n\r', C_D]),
    ('try_with', ['try:\r', '    1/0\r', 'except ZeroDivisionError as e:\r', '    print(e)\r',
                  'finally:\r', "    print('fin')\r", '\r',
                  'import contextlib\r', 'with contextlib.suppress(KeyError):\r',
                  '    {}[1]\r', '\r', C_D]),
    ('decorator_async_def', ['def deco(f):\r', '    return f\r', '\r', '@deco\r',
                             'def g(): return 3\r', '\r', 'g()\r',
                             'async def co():\r', '    return 7\r', '\r',
                             'import asyncio\r', 'asyncio.run(co())\r', C_D]),
    ('statement_after_block', ['if True:\r', '    pass\r', 'x = 1\r', 'x\r', C_D]),
    ('syntax_errors', ['1 +* 2\r', 'def f(:\r', 'x = (1,\r', '2)\r', 'x\r', "'abc\r",
                       'print "hi"\r', '  1\r', 'f(x for x in y, 1)\r', C_D]),
    ('tracebacks', ['[][1]\r', 'def f():\r', '    raise ValueError("bad")\r', '\r', 'f()\r',
                    '{}["k"]\r', 'undefined_name\r', C_D]),
    ('print_no_newline', ["print('abc', end='')\r", "import sys; sys.stdout.write('xy')\r",
                          C_D]),
    ('exit_quit_text', ['exit\r', 'quit\r', C_D]),
    ('exit_call', ['exit()\r']),
    ('exit_status', ['import sys; sys.exit(3)\r']),
    ('exit_string', ["raise SystemExit('bye')\r"]),
    ('ctrl_c_prompt', ['abc', C_C, '1\r', C_C, 'if 1:\r', C_C, '2\r', C_D]),
    ('ctrl_c_loop', ['while True: pass\r', RUNS('\r'), C_C, '3\r', C_D]),
    ('ctrl_d_eof', ['x = 1\r', C_D]),
    ('ctrl_d_continuation', ['if 1:\r', '  5\r', C_D, C_D]),
    ('ctrl_d_delete', ['abcd' + LEFT + LEFT + C_D + '\r', C_D]),
    ('long_line', ["'" + 'x' * 150 + "'\r", 'len(_)\r', 'y = ' + '1 + ' * 30 + '1\r', 'y\r', C_D]),
    ('unicode', ["'héllo wörld'\r", "len('日本語')\r", "'日本語'\r", "print('ünïcødé')\r",
                 "s = 'æøå'\r", 's' + LEFT + RIGHT + '\r', C_D]),
    ('history_keys', ['1 + 1\r', '2 + 2\r', UP + '\r', UP + UP + UP + '\r', UP + DOWN + '\r',
                      C_D]),
    ('editing_keys', ['23' + LEFT + LEFT + '1' + '\r', 'abc' + C_A + '"' + C_E + '"\r',
                      '12345' + LEFT + LEFT + C_K + '\r', 'foo bar' + C_U + '7\r',
                      '1 + foo' + C_W + '2\r', '1234' + LEFT + LEFT + C_U + '\r',
                      '9 + 8' + LEFT + LEFT + C_W + '\r', '55' + C_A + C_K + '6\r',
                      '1 + 2' + C_A + RIGHT + C_D + '\r', C_D]),
    ('tab_indent', ['def f():\r', '\treturn 1\r', '\r', 'f()\r', 'if 1:\r', '\t\tx = 3\r',
                    '\r', 'x\r', 'x = (\t1)\r', C_D]),
    ('tab_complete_name', ['pri\t', "'z')\r", 'my_long_name = 1\r', 'my_lo\t\r', 'whi\t', C_U,
                           'isinst\t', C_U, 'Fal\t\r', C_D]),
    ('tab_complete_list', ['pr\t\t', C_U, 'import os\r', 'os.pat\t', C_U, 'os.path.jo\t', C_U,
                           'in\t\t', C_U, C_D]),
    ('tab_complete_attr', ['class K:\r', '    alpha = 1\r', '    beta = 2\r', '    def gamma(self): pass\r',
                           '\r', 'k = K()\r', 'k.\t\t', C_U, 'k.al\t\r', 'k.ga\t\t', C_U,
                           'k.zz\t', C_U, C_D]),
    ('tab_complete_many', ['class Big: pass\r', '\r', 'for i in range(120): setattr(Big, f"a{i}", i)\r', '\r',
                           'Big.\t\t', C_U, 'import itertools\r', 'itertools.com\t',
                           '\t', '\t', C_U, 'café_au_lait = 1\r', 'caf\t\r', '__bu\t\r', C_U,
                           'len(my\t', C_U, 'pri\t' + LEFT + LEFT + 'x\t', C_U, C_D]),
    ('more_keys', ['abc def' + '\x1bb' + 'X' + '\x1bf' + 'Y' + C_U + '1\r',
                   '12' + '\x1b[H' + '3' + '\x1b[F' + '4\r', '56' + '\x1b[1~' + '7' + '\x1b[4~' + '8\r',
                   '123' + LEFT + LEFT + '\x1b[3~' + '\r', 'ab' + '\x14' + C_U + '9\r',
                   'xyz' + C_U + '\x19' + '\r', '1 + 1\r', '\x12' + '1 +', '\r', C_D]),
    ('reverse_search', ['a = 1\r', 'b = 22\r', 'a + b\r', '\x12b', '\r', '\x12= ', '\x12', '\r',
                        '\x12zz', '\x07', '1\r', '\x12a\x05 + 1\r', '\x12b =\x7f\x7f2\r', C_D]),
    ('ctrl_c_sleep', ['import time\r', 'time.sleep(30)\r', C_C, 'for i in range(3):\r',
                      '    print(i)\r', '    time.sleep(30)\r', '\r', C_C, C_D]),
    ('continuations', ["s = '''one\r", 'two\r', "'''\r", 's\r', 'x = 1 + \\\r', '2\r', 'x\r',
                       'def outer():\r', '    def inner():\r', '        return 5\r',
                       '    return inner()\r', '\r', 'outer()\r', '[1,\r', ' 2]\r', C_D]),
    ('tab_complete_misc', ['import a\t\t', C_U, 'nosuch.\t\t', C_U, '"abc".up\t', C_U,
                           'str.up\t\r', 'x = [1]\r', 'x.co\t\t', C_U, 'x._\t\t', C_U, C_D]),
    ('long_line_edit', ["'" + 'y' * 100 + "'" + C_A + 'len(' + C_E + ')\r', 'z = ' + '2' * 90 + LEFT * 85 + C_K + '\r',
                        'z\r', UP + UP + '\r', C_D]),
    ('paste_block', ['def pasted(a):\r    b = a + 1\r    return b\r\rpasted(1)\r', C_D]),
    ('paste_lines', ['x = 1\ry = 2\rx + y\r', C_D]),
    ('help_text', ['help\r', C_D]),
    ('asyncio_run', ['import asyncio\r', 'async def main():\r', '    await asyncio.sleep(0)\r',
                     "    return 'done'\r", '\r', 'asyncio.run(main())\r', C_D]),
    ('dash_i_script', ['x\r', 'f()\r', C_D],
     {'args': ['-i', '{dir}/script.py'], 'files': {'script.py': "x = 42\ndef f():\n    return x + 1\nprint('ran')\n"}}),
    ('dash_i_script_error', ['y\r', C_D],
     {'args': ['-i', '{dir}/bad.py'], 'files': {'bad.py': 'y = 1\nraise ValueError("boom")\n'}}),
    ('history_file', [UP + '\r', UP + UP + '\r', C_D], {'history': 'a = 10\na * 3\n'}),
]


def idle(pid, slave):
    """Every thread of [pid] sleeps and its terminal holds no unread input."""
    n = struct.unpack('i', fcntl.ioctl(slave, termios.FIONREAD, b'\0\0\0\0'))[0]
    if n:
        return False
    try:
        for tid in os.listdir(f'/proc/{pid}/task'):
            with open(f'/proc/{pid}/task/{tid}/stat') as f:
                state = f.read().rsplit(')', 1)[1].split()[0]
            if state not in 'SDTtZXI':
                return False
            if state == 'D':
                return False
    except (FileNotFoundError, ProcessLookupError):
        return True
    return True


class Session:
    def __init__(self, argv, home, history_name=None, history=None):
        if history is not None:
            with open(os.path.join(home, history_name), 'w') as f:
                f.write(history)
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('PYTHON') and not k.startswith('PYISH') and k not in ('INPUTRC', 'EDITRC')}
        env.update(TERM='xterm', HOME=home, LANG='C.UTF-8', LC_ALL='C.UTF-8', COLUMNS='80', LINES='24')
        env.pop('COLUMNS')
        env.pop('LINES')

        # the terminal becomes the program's controlling one (Ctrl-C sends
        # SIGINT) through util-linux's setsid, which then execs the program
        # (no preexec_fn: the sessions run on threads)
        self.proc = subprocess.Popen(['setsid', '-c'] + argv, stdin=self.slave, stdout=self.slave,
                                     stderr=self.slave, env=env, cwd=home, close_fds=True)
        self.screen = Screen()
        self.raw = b''
        self.status = None

    def pump(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        self.raw += data
        self.screen.feed(data)
        return True

    def settle(self):
        """Reads output until the program is idle (or has exited)."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            if self.pump(QUIET):
                continue
            if self.proc.poll() is not None:
                while self.pump(0.01):
                    pass
                return True
            if idle(self.proc.pid, self.slave) and not self.pump(QUIET):
                return True
        return False

    def send(self, keys):
        os.write(self.master, keys.encode())

    def finish(self):
        deadline = time.monotonic() + 5
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.pump(0.02)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            self.status = 'killed (still running after the last step)'
        else:
            self.status = self.proc.returncode
        while self.pump(0.01):
            pass
        os.close(self.master)
        os.close(self.slave)


def visible(screen):
    """The screen text from the first prompt on (the banners differ)."""
    text = screen.text()
    i = text.find('>>> ')
    return text if i < 0 else text[i:]


def run(argv, steps, opts, history_name):
    with tempfile.TemporaryDirectory(prefix='replcmp.') as home:
        for name, text in opts.get('files', {}).items():
            with open(os.path.join(home, name), 'w') as f:
                f.write(text)
        args = [a.replace('{dir}', home) for a in opts.get('args', [])]
        s = Session(argv + args, home, history_name, opts.get('history'))
        shots = []
        ok = s.settle()
        for keys in steps:
            if s.proc.poll() is not None:
                break
            if isinstance(keys, tuple):
                s.send(keys[0])
                s.pump(0.2)
                shots.append((keys[0], None, None, None))
                continue
            s.send(keys)
            ok = s.settle() and ok
            shots.append((keys, visible(s.screen), s.screen.cursor(), s.screen.bells))
        s.finish()
        return shots, s, ok


def main():
    args = sys.argv[1:]
    verbose = '-v' in args
    only = None
    if '-k' in args:
        only = args[args.index('-k') + 1]
        del args[args.index('-k'):args.index('-k') + 2]
    args = [a for a in args if a != '-v']
    pyish = os.path.abspath(args[0])
    python = args[1] if len(args) > 1 else '/usr/bin/python3'
    if not os.access(python, os.X_OK) or not shutil.which('setsid'):
        print(f'no {python} or no setsid: skipped')
        return 77
    version = subprocess.run([python, '-c', 'import sys; print(sys.version_info[:2] == (3, 11))'],
                             capture_output=True, text=True).stdout.strip()
    if version != 'True':
        print(f'{python} is not Python 3.11 (the behaviour compared): skipped')
        return 77
    failed = []
    chosen = [e for e in SESSIONS if not only or only in e[0]]
    jobs = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        for entry in chosen:
            opts = entry[2] if len(entry) > 2 else {}
            jobs.append((entry[0],
                         pool.submit(run, [python, '-q'], entry[1], opts, '.python_history'),
                         pool.submit(run, [pyish, '-q'], entry[1], opts, '.pyish_history')))
    for name, pj, gj in jobs:
        want, ps, _ = pj.result()
        got, gs, _ = gj.result()
        problems = []
        for i, (w, g) in enumerate(zip(want, got)):
            if w[1] is None:
                continue
            # python3 3.11 reports "line 0" for a Ctrl-C that lands on the
            # jump of a one-line loop at some moments, "line 1" at others.
            if w[1].replace('"<stdin>", line 0,', '"<stdin>", line 1,') != g[1]:
                problems.append(f'after step {i} {w[0]!r}: screens differ')
                break
            if w[2] != g[2]:
                problems.append(f'after step {i} {w[0]!r}: cursor at {g[2]}, python3 {w[2]}')
                break
            if w[3] != g[3]:
                problems.append(f'after step {i} {w[0]!r}: {g[3]} bells, python3 {w[3]}')
                break
        if len(want) != len(got):
            problems.append(f'python3 took {len(want)} steps, pyish {len(got)}')
        if ps.status != gs.status:
            problems.append(f'exit status {gs.status}, python3 {ps.status}')
        if problems:
            failed.append(name)
            print(f'FAIL {name}: ' + '; '.join(problems))
            print('--- python3 screen:\n' + visible(ps.screen))
            print('--- pyish screen:\n' + visible(gs.screen))
            if verbose:
                print('--- python3 raw:', repr(ps.raw))
                print('--- pyish raw:', repr(gs.raw))
        else:
            print(f'ok   {name}')
    print(f'{len(failed)} of {len(chosen)} sessions differ' if failed
          else 'all sessions match python3')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
