// diag.c: CPython-style SyntaxError reports. The caret logic mirrors
// CPython 3.11's print_error_text (Python/pythonrun.c): offsets are 1-based
// code point counts, leading whitespace is stripped and the offset shifted,
// the caret run spans offset..end_offset on the error's first line.
#include <string.h>

#include "diag.h"

// Number of code points in [s, s+n).
static long chars(const char *s, size_t n) {
    long c = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    return c;
}

void diag_print_syntax_error(FILE *out, const char *filename, const char *src, size_t len,
                             const ParseError *err) {
    if (err->bad_byte) {
        // CPython reads a file's bytes before tokenizing: no location lines
        fprintf(out,
                "SyntaxError: Non-UTF-8 code starting with '\\x%02x' in file %s on line %d, "
                "but no encoding declared; see https://peps.python.org/pep-0263/ for details\n",
                err->bad_byte, filename, err->line);
        return;
    }
    fprintf(out, "  File \"%s\", line %d\n", filename, err->line);
    // Find the error line.
    const char *s = src, *end = src + len;
    for (int l = 1; l < err->line && s < end; l++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    if (err->line >= 1 && s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
        if (n > 0 && s[n - 1] == '\r') {
            n--;
        }
        long line_size = chars(s, n) + (e ? 1 : 0);
        long offset = 0, end_offset = -1;
        if (err->col >= 0) {
            size_t c = (size_t)err->col < n ? (size_t)err->col : n;
            offset = chars(s, c) + 1;
            if (err->end_line > err->line) {
                end_offset = line_size;
            } else if (err->end_line == err->line && err->end_col > err->col) {
                size_t ec = (size_t)err->end_col <= n ? (size_t)err->end_col : n + 1;
                end_offset = (ec <= n ? chars(s, ec) : chars(s, n) + 1) + 1;
            }
        }
        if (end_offset > line_size + 1) {
            end_offset = line_size + 1;
        }
        long reps = (end_offset > 0 && end_offset > offset) ? end_offset - offset : 1;
        if (err->kind != NULL && strcmp(err->kind, "SyntaxError") != 0) {
            reps = 1;   // CPython shows one caret for IndentationError/TabError
        }
        offset--;
        while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\f')) {
            s++;
            n--;
            offset--;
        }
        long tlen = chars(s, n);
        if (offset > tlen) {
            offset = tlen;
        }
        fprintf(out, "    %.*s\n", (int)n, s);
        if (offset >= 0) {
            fputs("    ", out);
            for (long i = 0; i < offset; i++) {
                fputc(' ', out);
            }
            for (long i = 0; i < reps; i++) {
                fputc('^', out);
            }
            fputc('\n', out);
        }
    }
    fprintf(out, "%s: %s\n", err->kind ? err->kind : "SyntaxError", err->msg);
}
