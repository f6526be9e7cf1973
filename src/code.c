// code.c: what the VM side knows about code objects beyond their layout
// (runtime/func.h): opcode names and stack effects, and the disassembler
// used by --dis (the line table lookup, code_line, is inline in code.h). The
// code, function and cell classes
// themselves are in runtime/func.c.
#include <string.h>
#include "code.h"

static const char *const op_names[] = {
#define OP(name, operand, pops, pushes) #name,
#include "opcodes.def"
#undef OP
};

static const int op_kinds[] = {
#define NONE OPK_NONE
#define CONST OPK_CONST
#define LOCAL OPK_LOCAL
#define CELL OPK_CELL
#define NAME OPK_NAME
#define JUMP OPK_JUMP
#define COUNT OPK_COUNT
#define OPARG OPK_OPARG
#define OP(name, operand, pops, pushes) operand,
#include "opcodes.def"
#undef OP
#undef NONE
#undef CONST
#undef LOCAL
#undef CELL
#undef NAME
#undef JUMP
#undef COUNT
#undef OPARG
};

static const int8_t op_pops[] = {
#define OP(name, operand, pops, pushes) pops,
#include "opcodes.def"
#undef OP
};
static const int8_t op_pushes[] = {
#define OP(name, operand, pops, pushes) pushes,
#include "opcodes.def"
#undef OP
};

int opcode_stack_effect(int op, int arg) {
    switch (op) {
    case OP_BUILD_TUPLE: case OP_BUILD_LIST: case OP_BUILD_SET: case OP_BUILD_SLICE:
    case OP_BUILD_STRING:
        return 1 - arg;
    case OP_BUILD_MAP:
        return 1 - 2 * arg;
    case OP_UNPACK_SEQUENCE:
        return arg - 1;
    case OP_UNPACK_EX:
        return (arg & 0xff) + (arg >> 8);
    case OP_FORMAT_VALUE:
        return (arg & 0x100) ? -1 : 0;
    case OP_CALL:
        return -arg - 1;
    case OP_CALL_KW:
        return -arg - 2;
    case OP_CALL_EX:
        return -(arg & 1) - 2;
    case OP_MAKE_FUNCTION:
        return -__builtin_popcount(arg);
    case OP_BUILD_CLASS:
        return -2 - (arg & 1);
    case OP_RAISE_VARARGS:
        return -arg;
    case OP_JUMP_IF_FALSE_OR_POP: case OP_JUMP_IF_TRUE_OR_POP:
        return -1;
    case OP_FOR_ITER:
        return 1;
    case OP_SEND:
        return 0;
    default:
        return op_pushes[op] - op_pops[op];
    }
}

int opcode_pops(int op) {
    return op_pops[op];
}

int opcode_pushes(int op) {
    return op_pushes[op];
}

const char *opcode_name(int op) {
    return op >= 0 && op < OP__COUNT ? op_names[op] : "?";
}

int opcode_kind(int op) {
    return op >= 0 && op < OP__COUNT ? op_kinds[op] : OPK_NONE;
}

void code_disassemble(ObjCode *code, FILE *out) {
    fprintf(out, "Disassembly of <code object %s at %p, file \"%s\", line %d>:\n", code->name->data,
            (void *)code, code->filename->data, code->firstline);
    int last_line = -1;
    for (uint32_t i = 0; i < code->ncode; i++) {
        uint32_t ins = code->code[i];
        int op = (int)INSTR_OP(ins);
        uint32_t arg = INSTR_ARG(ins);
        int line = code->lines[i];
        if (line != last_line) {
            fprintf(out, "%s%4d ", i ? "\n" : "", line);
            last_line = line;
        } else {
            fprintf(out, "     ");
        }
        fprintf(out, "%6u %-22s", i, op_names[op]);
        switch (op_kinds[op]) {
        case OPK_NONE:
            break;
        case OPK_CONST: {
            Value c = code->consts->items[arg];
            Value r = obj_repr(c);
            if (!r) {
                exc_clear();
            }
            fprintf(out, "%u (%s)", arg, r ? AS_STR(r)->data : "?");
            break;
        }
        case OPK_LOCAL:
            fprintf(out, "%u (%s)", arg, AS_STR(code->varnames->items[arg])->data);
            break;
        case OPK_CELL: {
            const char *n = (int)arg < code->ncells ? AS_STR(code->cellvars->items[arg])->data
                                                    : AS_STR(code->freevars->items[arg - (uint32_t)code->ncells])->data;
            fprintf(out, "%u (%s)", arg, n);
            break;
        }
        case OPK_NAME:
            fprintf(out, "%u (%s)", arg, AS_STR(code->names->items[arg])->data);
            break;
        case OPK_JUMP:
            fprintf(out, "%u (to %u)", arg, arg);
            break;
        default:
            if (op == OP_LOAD_FAST_LOAD_FAST || op == OP_LOAD_FAST_LOAD_CONST) {
                Value second = op == OP_LOAD_FAST_LOAD_FAST ? code->varnames->items[arg >> 12]
                                                            : obj_repr(code->consts->items[arg >> 12]);
                if (!second) {
                    exc_clear();
                }
                fprintf(out, "%u (%s, %s)", arg & 0xfff, AS_STR(code->varnames->items[arg & 0xfff])->data,
                        second ? AS_STR(second)->data : "?");
            } else {
                fprintf(out, "%u", arg);
            }
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    for (size_t i = 0; i < code->consts->len; i++) {
        Value c = code->consts->items[i];
        if (IS_A(c, cls_code)) {
            code_disassemble((ObjCode *)AS_OBJ(c), out);
        }
    }
}

