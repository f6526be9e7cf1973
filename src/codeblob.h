// codeblob.h: the embedded library's modules (runtime/lib/*.pyish)
// compiled at build time. tools/libcode_gen.c (linked with no blob)
// compiles every module and writes gen/libcode.c: one serialized code
// object per module, in the format of codeblob.c. The pyish program
// links that file and hands the table to the state (StateConfig.libcode),
// so importing an embedded module loads its code instead of parsing and
// compiling its source each time. The source stays embedded too
// (tracebacks, inspect.getsource).
#ifndef PYISH_CODEBLOB_H
#define PYISH_CODEBLOB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "object.h"
#include "func.h"

typedef struct LibCode {
    const char *name;               // as LibSource.name; NULL ends the table
    const unsigned char *data;      // the module's code object, serialized
    size_t len;
} LibCode;
// gen/libcode.c's table: linked only into the pyish program (src/main.c).
extern const LibCode pyish_libcode[];

// [code] and its constants serialized (malloc'd, *[len] bytes), or NULL
// with a message on stderr if a constant is of a kind the format lacks.
unsigned char *codeblob_write(ObjCode *code, size_t *len);
// The code object codeblob_write made, its code objects' filename
// [filename]; NULL if [data] is not one.
ObjCode *codeblob_read(const unsigned char *data, size_t len, ObjStr *filename);
// The module code of embedded module [name] from the state's table, its
// code objects' filename [filename]; NULL when there is no table, it has
// no entry for [name] or the state compiles differently (-O).
ObjCode *codeblob_lib(const char *name, ObjStr *filename);
// Compiles every embedded module and writes them as C source (the table
// pyish_libcode) to [out]. False, with a message on stderr, if one cannot
// be serialized.
bool codeblob_dump_lib(FILE *out);
#endif
