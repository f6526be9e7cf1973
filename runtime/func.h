// func.h: the layouts of code objects (the compiler's output, the VM's
// input), functions and cells, and the start-up of their classes (func.c).
// A code object holds 32-bit instructions (src/code.h), a line per
// instruction, constants, names, local/cell/free variable names, and the
// flags that make a function a generator, coroutine or async generator.
#ifndef PYISH_FUNC_H
#define PYISH_FUNC_H
#include "object.h"

enum {
    CO_VARARGS = 1,         // has *args
    CO_VARKW = 2,           // has **kwargs
    CO_GENERATOR = 4,       // calling it makes a generator
    CO_COROUTINE = 8,       // async def
    CO_ASYNC_GENERATOR = 16,// async def with yield
    CO_CLASSBODY = 32,      // a class body (names in a dict)
    CO_MODULE = 64,         // module level code
    CO_NEEDS_CLASS_CELL = 128, // class body owning the __class__ cell
    CO_KW_SHARED = 256,     // its **kwargs is only passed on (`f(**kw)`) or unused: an empty one is
                            // the shared ST->empty_kwargs, not a new dict (vm_args.c, frame_locals)
};

// The inline cache of one attribute instruction (src/vm.c): the class it
// was filled for and the class version then (any class change invalidates
// it), the entry of the instance dict where the attribute was (LOAD_ATTR,
// STORE_ATTR) or the method the class gave (LOAD_METHOD).
typedef struct AttrCache {
    ObjClass *cls;
    uint32_t version;
    uint32_t ix;
    Value method;
} AttrCache;

typedef struct ObjCode {
    Obj hdr;
    uint32_t *code;         // instructions
    uint32_t ncode;
    int32_t *lines;         // source line of each instruction
    uint32_t *spans;        // columns of each instruction's node (span_pack), for tracebacks' carets
    uint64_t *cache;        // per instruction: LOAD_GLOBAL's cached entry (vm.c)
    AttrCache *attr_cache;  // per instruction, made at the first attribute access; or NULL
    ObjTuple *consts;       // constants (ints, strs, code objects, kwnames tuples)
    ObjTuple *names;        // interned names for *_GLOBAL, *_NAME, *_ATTR, IMPORT_*
    ObjTuple *varnames;     // locals: parameters first
    ObjTuple *cellvars;     // variables of this scope captured by inner scopes
    ObjTuple *freevars;     // variables captured from enclosing scopes
    int32_t *cell2arg;      // per cellvar: the parameter it starts as, or -1
    int argcount;           // positional parameters (incl. positional-only)
    int posonlycount;
    int kwonlycount;
    int flags;              // CO_*
    int nlocals, ncells, nfree;
    int max_stack;
    int max_blocks;         // handler blocks that can be active at once
    int firstline;
    // Set at the first call (frame_alloc; 0 before) from the fields above: the
    // bytes of a frame running this code, its variable slots (locals,
    // cells, free), whether a call with exactly argcount positional
    // arguments just copies them in (simple_args: no keyword-only
    // parameters, cells, free variables, *args, **kwargs), and whether
    // such a call also just runs it (simple_call: nor a generator or coroutine).
    uint32_t frame_size, nvars;
    bool simple_args, simple_call;
    ObjStr *name, *qualname, *filename;
} ObjCode;

typedef struct ObjFunction {
    Obj hdr;
    ObjCode *code;
    ObjDict *globals;
    ObjTuple *defaults;     // or NULL
    ObjDict *kwdefaults;    // or NULL
    ObjTuple *closure;      // cells, or NULL
    ObjStr *name, *qualname;
    ObjDict *dict;          // function attributes (__doc__, user ones)
    ObjDict *annotations;   // __annotations__ (a getset in CPython, not in __dict__):
                            // NULL until set, or read (then an empty dict)
    Value doc;              // __doc__ once assigned or deleted (None); VAL_NULL: the
                            // code's docstring
    Value module;           // __module__ (str)
} ObjFunction;

typedef struct ObjCell {
    Obj hdr;
    Value value;            // VAL_NULL: empty
} ObjCell;

// Brings up the code, function and cell classes.
void func_init(void);
// An instruction's source range beyond its line: the end line's distance
// (8 bits), the start and end columns (UTF-8 byte offsets, 12 bits each).
#define SPAN_UNKNOWN UINT32_MAX
static inline uint32_t span_pack(int line, int end_line, int col, int end_col) {
    if (end_line < line || end_line - line > 255 || col < 0 || col > 4095 || end_col < 0 || end_col > 4095) {
        return SPAN_UNKNOWN;
    }
    return (uint32_t)(end_line - line) | (uint32_t)col << 8 | (uint32_t)end_col << 20;
}
// The range of instruction [offset] of [code]; false when unknown.
static inline bool code_span(ObjCode *code, uint32_t offset, int *line, int *end_line, int *col, int *end_col) {
    if (offset >= code->ncode || !code->spans || code->spans[offset] == SPAN_UNKNOWN) {
        return false;
    }
    uint32_t s = code->spans[offset];
    *line = code->lines[offset];
    *end_line = *line + (int)(s & 0xff);
    *col = (int)(s >> 8 & 0xfff);
    *end_col = (int)(s >> 20);
    return true;
}
#endif
