// diag.h: printing front-end errors the way CPython 3.11 does.
#ifndef PYISH_DIAG_H
#define PYISH_DIAG_H

#include <stdio.h>
#include "ast.h"

// Prints [err] for file [filename] whose text is [src] ([len] bytes):
//   File "x.pyish", line N
//     <source line, leading whitespace stripped>
//     <spaces>^^^^
//   SyntaxError: <msg>
// The caret line is left out when err->col < 0 (CPython does that for
// IndentationError "unexpected indent", TabError, and errors at end of file).
void diag_print_syntax_error(FILE *out, const char *filename, const char *src, size_t len,
                             const ParseError *err);

#endif
