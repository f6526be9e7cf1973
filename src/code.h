// code.h: code objects, the compiler's output and the VM's input: 32-bit
// instructions (8-bit opcode, 24-bit argument), a line per instruction,
// constants, names, local/cell/free variable names, and the flags that make
// a function a generator, coroutine or async generator.
#ifndef PYISH_CODE_H
#define PYISH_CODE_H
#include "object.h"

typedef enum Opcode {
#define OP(name, operand, pops, pushes) OP_##name,
#include "opcodes.def"
#undef OP
    OP__COUNT
} Opcode;

#define INSTR(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))
#define INSTR_OP(i) ((i) & 0xff)
#define INSTR_ARG(i) ((i) >> 8)
#define MAX_ARG 0xffffff

enum {
    CO_VARARGS = 1,         // has *args
    CO_VARKW = 2,           // has **kwargs
    CO_GENERATOR = 4,       // calling it makes a generator
    CO_COROUTINE = 8,       // async def
    CO_ASYNC_GENERATOR = 16,// async def with yield
    CO_CLASSBODY = 32,      // a class body (names in a dict)
    CO_MODULE = 64,         // module level code
    CO_NEEDS_CLASS_CELL = 128, // class body owning the __class__ cell
};

typedef struct ObjCode {
    Obj hdr;
    uint32_t *code;         // instructions
    uint32_t ncode;
    int32_t *lines;         // source line of each instruction
    uint64_t *cache;        // per instruction: LOAD_GLOBAL's cached entry (vm.c)
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
    ObjStr *name, *qualname, *filename;
} ObjCode;

void code_init(void);
// Line of the instruction at [offset] of [code].
int code_line(ObjCode *code, uint32_t offset);
// Prints every code object's instructions reachable from [code] (--dis).
void code_disassemble(ObjCode *code, FILE *out);
const char *opcode_name(int op);
#endif
