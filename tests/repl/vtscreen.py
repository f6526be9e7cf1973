# vtscreen.py: a small VT100/xterm screen emulator for the REPL comparison
# (tests/repl/compare_python3.py): it renders what a terminal shows from the
# bytes a program writes, so pyish's libedit and python3's GNU readline,
# which redraw a line with different escape sequences, can be compared by
# what the user sees. Lines scrolled off the top are kept (the scrollback).
# Handled: printable text (wide characters take two cells), CR, LF, BS, TAB,
# BEL (counted), auto-wrap with xterm's deferred wrap, and the CSI
# sequences line editors use (cursor moves, erase, insert/delete
# characters); modes, colours and OSC strings are ignored.
import unicodedata


class Screen:
    def __init__(self, cols=80, rows=24):
        self.cols, self.rows = cols, rows
        self.lines = [[] for _ in range(rows)]
        self.scrollback = []
        self.x = self.y = 0
        self.wrap_pending = False
        self.bells = 0
        self.state = 0          # 0 text, 1 after ESC, 2 CSI, 3 OSC, 4 ESC+charset
        self.params = ''
        self.utf8 = b''

    # ---- cells
    def _line(self, y):
        line = self.lines[y]
        return line

    def _put_cell(self, ch):
        line = self.lines[self.y]
        while len(line) <= self.x:
            line.append(' ')
        line[self.x] = ch

    def _newline(self):
        if self.y == self.rows - 1:
            self.scrollback.append(self.lines.pop(0))
            self.lines.append([])
        else:
            self.y += 1

    def _print(self, ch):
        w = 2 if unicodedata.east_asian_width(ch) in 'WF' else 1
        if unicodedata.combining(ch):
            w = 0
        if w == 0:
            return
        if self.wrap_pending or self.x + w > self.cols:
            self.x = 0
            self._newline()
            self.wrap_pending = False
        self._put_cell(ch)
        if w == 2:
            self.x += 1
            self._put_cell('')
        self.x += 1
        if self.x >= self.cols:
            self.x = self.cols - 1
            self.wrap_pending = True

    # ---- input
    def feed(self, data):
        data = self.utf8 + data
        self.utf8 = b''
        i = 0
        while i < len(data):
            b = data[i]
            if b >= 0x80 and self.state == 0:
                n = 4 if b >= 0xF0 else 3 if b >= 0xE0 else 2 if b >= 0xC0 else 1
                if i + n > len(data):
                    self.utf8 = data[i:]
                    return
                self._print(data[i:i + n].decode('utf-8', 'replace'))
                i += n
                continue
            self._byte(chr(b))
            i += 1

    def _byte(self, c):
        if self.state == 1:
            if c == '[':
                self.state, self.params = 2, ''
            elif c == ']':
                self.state, self.params = 3, ''
            elif c in '()':
                self.state = 4
            else:
                self.state = 0      # ESC = , ESC > , ESC 7/8 ...
            return
        if self.state == 4:
            self.state = 0
            return
        if self.state == 3:
            if c == '\a':
                self.state = 0
            elif c == '\x1b':
                self.state = 1      # ST (ESC \) ends it
            return
        if self.state == 2:
            if '\x40' <= c <= '\x7e':
                self.state = 0
                self._csi(self.params, c)
            else:
                self.params += c
            return
        if c == '\x1b':
            self.state = 1
        elif c == '\r':
            self.x, self.wrap_pending = 0, False
        elif c == '\n':
            self._newline()
            self.wrap_pending = False
        elif c == '\b':
            if self.wrap_pending:
                self.wrap_pending = False
            elif self.x > 0:
                self.x -= 1
        elif c == '\t':
            self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)
        elif c == '\a':
            self.bells += 1
        elif c >= ' ' and c != '\x7f':
            self._print(c)

    def _csi(self, params, final):
        private = params.startswith('?') or params.startswith('>')
        nums = [int(p) if p.isdigit() else 0 for p in params.lstrip('?>').split(';')]
        n = nums[0] if nums and nums[0] else 1
        self.wrap_pending = False if final not in 'mhl' else self.wrap_pending
        line = self.lines[self.y]
        if private or final in 'mhlrt':
            return
        if final == 'A':
            self.y = max(0, self.y - n)
        elif final == 'B':
            self.y = min(self.rows - 1, self.y + n)
        elif final == 'C':
            self.x = min(self.cols - 1, self.x + n)
        elif final == 'D':
            self.x = max(0, self.x - n)
        elif final == 'G':
            self.x = min(self.cols - 1, n - 1)
        elif final in 'Hf':
            row = nums[0] if nums and nums[0] else 1
            col = nums[1] if len(nums) > 1 and nums[1] else 1
            self.y, self.x = min(self.rows, row) - 1, min(self.cols, col) - 1
        elif final == 'K':
            mode = nums[0] if nums else 0
            if mode == 0:
                del line[self.x:]
            elif mode == 1:
                for i in range(min(self.x + 1, len(line))):
                    line[i] = ' '
            else:
                line.clear()
        elif final == 'J':
            mode = nums[0] if nums else 0
            if mode == 0:
                del line[self.x:]
                for y in range(self.y + 1, self.rows):
                    self.lines[y] = []
            elif mode == 2:
                self.lines = [[] for _ in range(self.rows)]
        elif final == 'P':
            del line[self.x:self.x + n]
        elif final == '@':
            while len(line) < self.x:
                line.append(' ')
            line[self.x:self.x] = [' '] * n
            del line[self.cols:]
        elif final == 'X':
            for i in range(self.x, min(self.x + n, len(line))):
                line[i] = ' '

    def text(self):
        """The scrollback and the screen, trailing blank lines dropped."""
        out = [''.join(l).rstrip() for l in self.scrollback + self.lines]
        while out and not out[-1]:
            out.pop()
        return '\n'.join(out)

    def cursor(self):
        return (len(self.scrollback) + self.y, self.x)
