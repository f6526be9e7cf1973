// diag.h: front-end errors as CPython 3.11 reports them: a ParseError
// turned into a SyntaxError's location attributes, and the
//   File "x.pyish", line N
//     <source line, leading whitespace stripped>
//     <spaces>^^^^
// block the uncaught-exception printer writes for a SyntaxError.
#ifndef PYISH_DIAG_H
#define PYISH_DIAG_H

#include <stdio.h>
#include "ast.h"

// A SyntaxError's location as CPython's attributes hold it: 1-based line
// numbers, 1-based code point offsets (-1 or 0: none), and the error line.
typedef struct SyntaxInfo {
    long lineno, offset, end_lineno, end_offset;
    const char *text;       // the error line in the source, or NULL (None)
    size_t text_len;        // its bytes, without line end
    bool text_nl;           // text ends with "\n"
} SyntaxInfo;

// The attributes CPython gives the SyntaxError [err] in [src] ([len]
// bytes). [no_compile_text]: the source is no file (<string>, <stdin>), so
// errors CPython finds after parsing (compiler, symtable) have no text.
// [exec_mode]: a module parse, whose text CPython ends with a newline.
void diag_syntax_info(const char *src, size_t len, const ParseError *err, bool no_compile_text,
                      bool exec_mode, SyntaxInfo *out);

// The caret run's end CPython's printer uses: an error that ends on a
// later line runs to the end of [text] (its first line).
long diag_caret_end(long lineno, long end_lineno, long end_offset, const char *text, size_t len);

// CPython's print_error_text: [text] ([len] bytes) stripped of leading
// whitespace, then the caret line for 1-based [offset] .. [end_offset]
// (no caret when the offset falls left of the stripped text).
void diag_print_error_text(FILE *out, long offset, long end_offset, const char *text, size_t len);

// The whole report for [err] in file [filename] ([src], [len] bytes):
// the block above, then "<kind>: <msg>". --check, the REPL's input checks
// and the unit tests print with it; other paths raise the exception.
void diag_print_syntax_error(FILE *out, const char *filename, const char *src, size_t len,
                             const ParseError *err);

#endif
