// diag.c: CPython-style SyntaxError locations and reports. The offsets
// mirror CPython 3.11's parser (_PyPegen_raise_error_known_location: 1-based
// code point counts, the end clipped to the line), the printing its
// print_error_text (Python/pythonrun.c): leading whitespace is stripped and
// the offset shifted, the caret run spans offset..end_offset.
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

static size_t leading_ws(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f')) {
        i++;
    }
    return i;
}

void diag_syntax_info(const char *src, size_t len, const ParseError *err, bool no_compile_text,
                      bool exec_mode, SyntaxInfo *out) {
    memset(out, 0, sizeof *out);
    out->lineno = err->line;
    out->end_lineno = err->end_line >= err->line ? err->end_line : err->line;
    out->offset = err->col >= 0 ? err->col + 1 : 0;
    out->end_offset = -1;
    // Find the error line.
    const char *s = src, *end = src + len;
    for (int l = 1; l < err->line && s < end; l++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    if (err->line < 1 || s >= end) {
        return;
    }
    const char *e = memchr(s, '\n', (size_t)(end - s));
    size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
    if (n > 0 && s[n - 1] == '\r') {
        n--;
    }
    if (err->ftext[0]) {
        s = err->ftext;     // an f-string's expression, as CPython shows it
        n = strlen(s);
        e = err->ftext_last ? s + n : NULL;     // (its last line ends with "\n")
        end = s + n;
    }
    bool plain = err->kind == NULL || strcmp(err->kind, "SyntaxError") == 0;
    bool tab = err->kind != NULL && strcmp(err->kind, "TabError") == 0;
    if (err->col >= 0) {
        long line_size = chars(s, n) + (e ? 1 : 0);
        size_t c = (size_t)err->col < n ? (size_t)err->col : n;
        out->offset = chars(s, c) + 1;
        if (err->end_col < 0) {
            out->end_offset = 0;    // the error has no end (an unclosed bracket)
        } else if (err->end_line > err->line) {
            // the end on its own line (the printer runs the carets to the
            // end of the first line: diag_caret_end)
            if (err->ftext[0]) {
                out->end_offset = err->end_col + 1;
            } else {
                const char *t = s;
                for (int l = err->line; l < err->end_line && t < end; l++) {
                    const char *nl = memchr(t, '\n', (size_t)(end - t));
                    t = nl ? nl + 1 : end;
                }
                const char *te = memchr(t, '\n', (size_t)(end - t));
                size_t tn = te ? (size_t)(te - t) : (size_t)(end - t);
                out->end_offset = chars(t, (size_t)err->end_col < tn ? (size_t)err->end_col : tn) + 1;
            }
        } else if (err->end_line == err->line && err->end_col > err->col) {
            size_t ec = (size_t)err->end_col <= n ? (size_t)err->end_col : n + 1;
            out->end_offset = (ec <= n ? chars(s, ec) : chars(s, n) + 1) + 1;
        }
        if (err->end_line == err->line && out->end_offset > line_size + 1) {
            out->end_offset = line_size + 1;
        }
    } else {
        // no caret: CPython's offset points into the indentation
        long ws = chars(s, leading_ws(s, n));
        out->offset = plain ? 0 : tab ? (ws > 0) : ws;
    }
    if (!plain && (err->col < 0 || err->end_col < 0)) {
        out->end_offset = tab ? 0 : -1;
    }
    if (!(no_compile_text && err->compile_stage)) {
        out->text = s;
        out->text_len = n;
        out->text_nl = err->ftext[0] ? err->ftext_last : e != NULL || exec_mode;
    }
}

long diag_caret_end(long lineno, long end_lineno, long end_offset, const char *text, size_t len) {
    if (end_lineno <= lineno || end_offset <= 0) {
        return end_offset;
    }
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
        len--;
    }
    return chars(text, len) + 1;
}

void diag_print_error_text(FILE *out, long offset, long end_offset, const char *text, size_t len) {
    long reps = (end_offset > 0 && end_offset > offset) ? end_offset - offset : 1;
    offset--;
    size_t ws = leading_ws(text, len);
    offset -= chars(text, ws);
    text += ws;
    len -= ws;
    if (len > 0 && text[len - 1] == '\n') {
        len--;
    }
    long tlen = chars(text, len);
    if (offset > tlen) {
        offset = tlen;
    }
    // skip past newlines embedded in the text
    for (;;) {
        const char *nl = memchr(text, '\n', len);
        if (!nl || chars(text, (size_t)(nl - text)) >= offset) {
            break;
        }
        size_t skip = (size_t)(nl - text) + 1;
        offset -= chars(text, skip);
        text += skip;
        len -= skip;
    }
    fprintf(out, "    %.*s\n", (int)len, text);
    if (offset < 0) {
        return;
    }
    fputs("    ", out);
    for (long i = 0; i < offset; i++) {
        fputc(' ', out);
    }
    for (long i = 0; i < reps; i++) {
        fputc('^', out);
    }
    fputc('\n', out);
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
    SyntaxInfo info;
    diag_syntax_info(src, len, err, false, true, &info);
    fprintf(out, "  File \"%s\", line %d\n", filename, err->line);
    if (info.text) {
        // one caret for IndentationError and TabError (as the exception printer)
        bool plain = err->kind == NULL || strcmp(err->kind, "SyntaxError") == 0;
        long caret_end = diag_caret_end(info.lineno, info.end_lineno, info.end_offset, info.text, info.text_len);
        diag_print_error_text(out, info.offset, plain ? caret_end : -1, info.text, info.text_len);
    }
    fprintf(out, "%s: %s\n", err->kind ? err->kind : "SyntaxError", err->msg);
}
