// code.h: the VM's instruction set: 32-bit instructions (8-bit opcode from
// opcodes.def, 24-bit argument), and what the VM side does with code
// objects (line lookup, disassembly). The code object's layout (constants,
// names, variables, the CO_* flags) is runtime/func.h.
#ifndef PYISH_CODE_H
#define PYISH_CODE_H
#include "object.h"
#include "func.h"

typedef enum Opcode {
#define OP(name, operand, pops, pushes) OP_##name,
#include "opcodes.def"
#undef OP
    OP__COUNT
} Opcode;

#define INSTR(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))
#define INSTR_OP(i) ((i) & 0xff)
#define INSTR_ARG(i) ((i) >> 8)
// LIST_EXTEND's argument: the list's depth, with this bit when the
// iterable is the only positional argument of a call, f(*x) (its error
// names the function, as CPython's CALL_FUNCTION_EX).
#define LIST_EXTEND_CALL_STAR 0x1000
#define MAX_ARG 0xffffff

// Line of the instruction at [offset] of [code]. An instruction with no
// line (-1 in the table: the compiler's resolve_no_lines) has the line of
// the nearest one before it that has one.
static inline int code_line(ObjCode *code, uint32_t offset) {
    if (offset >= code->ncode) {
        offset = code->ncode ? code->ncode - 1 : 0;
    }
    if (!code->ncode) {
        return code->firstline;
    }
    while (code->lines[offset] < 0 && offset > 0) {
        offset--;
    }
    return code->lines[offset] < 0 ? code->firstline : code->lines[offset];
}
// Prints every code object's instructions reachable from [code] (--dis).
void code_disassemble(ObjCode *code, FILE *out);
const char *opcode_name(int op);
// The kind of an opcode's argument (the operand column of opcodes.def).
enum { OPK_NONE, OPK_CONST, OPK_LOCAL, OPK_CELL, OPK_NAME, OPK_JUMP, OPK_COUNT, OPK_OPARG };
int opcode_kind(int op);
// The net stack effect of [op] with argument [arg] on its fall-through
// path (the compiler's depth count, the jump analysis of trace_jump.c),
// and opcodes.def's pops and pushes columns (-1: depends on the argument).
int opcode_stack_effect(int op, int arg);
int opcode_pops(int op);
int opcode_pushes(int op);
// _dis, the C side of the dis module (mod_dis.c).
Value mod_dis_init(void);
#endif
