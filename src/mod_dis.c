// mod_dis.c: _dis, the C side of the dis module (runtime/lib/dis.pyish):
// pyish's own instruction set, not CPython's. opname is the tuple of opcode
// names (opcodes.def order), kinds their operand kinds (code.h's OPK_*
// order: none, const, local, cell, name, jump, count, oparg); instructions(code) lists each instruction of
// a code object as (opcode, opname, arg, argval, argrepr, line), arg None
// for opcodes without an argument, jump targets and offsets counted as
// CPython's (two per instruction).
#include <string.h>
#include "code.h"
#include "interp.h"
#include "module.h"
#include "runtime.h"

static Value name_at(ObjTuple *t, uint32_t i) {
    return t && i < t->len ? t->items[i] : VAL_NONE;
}

static Value repr_or_q(Value v) {
    Value r = obj_repr(v);
    if (!r) {
        exc_clear();
        r = str_from_c("?");
    }
    return r;
}

// One instruction's (arg, argval, argrepr) by its operand kind.
static Value describe(ObjCode *c, int op, uint32_t arg) {
    Value a = MK_SMALL(arg), val = a, rep = str_from_c("");
    switch (opcode_kind(op)) {
    case OPK_NONE:
        return tuple_pack(3, VAL_NONE, VAL_NONE, rep);
    case OPK_CONST:
        val = name_at(c->consts, arg);
        rep = repr_or_q(val);
        break;
    case OPK_LOCAL:
        val = rep = name_at(c->varnames, arg);
        break;
    case OPK_CELL:
        val = rep = (int)arg < c->ncells ? name_at(c->cellvars, arg)
                                         : name_at(c->freevars, arg - (uint32_t)c->ncells);
        break;
    case OPK_NAME:
        val = rep = name_at(c->names, arg);
        break;
    case OPK_JUMP:
        val = int_from_i64(2 * (int64_t)arg);
        rep = str_printf("to %u", 2 * arg);
        break;
    default:
        if (op == OP_LOAD_FAST_LOAD_FAST || op == OP_LOAD_FAST_LOAD_CONST) {
            Value first = name_at(c->varnames, arg & 0xfff);
            Value second = op == OP_LOAD_FAST_LOAD_FAST ? name_at(c->varnames, arg >> 12)
                                                        : name_at(c->consts, arg >> 12);
            Value srep = op == OP_LOAD_FAST_LOAD_FAST ? second : repr_or_q(second);
            val = tuple_pack(2, first, second);
            rep = str_printf("%s, %s", IS_STR(first) ? AS_STR(first)->data : "?",
                             IS_STR(srep) ? AS_STR(srep)->data : "?");
        }
    }
    if (!IS_STR(rep)) {
        rep = repr_or_q(rep);
    }
    return tuple_pack(3, a, val, rep);
}

// instructions(code, /)
static Value d_instructions(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("instructions", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_A(argv[0], cls_code)) {
        return exc_raise(exc_TypeError, "instructions() argument must be code, not %s", val_type_name(argv[0]));
    }
    ObjCode *c = (ObjCode *)AS_OBJ(argv[0]);
    Value l = list_new(c->ncode);
    if (!l) {
        return VAL_NULL;
    }
    gc_push_root(l);    // a constant's repr may run code
    for (uint32_t i = 0; i < c->ncode; i++) {
        int op = (int)INSTR_OP(c->code[i]);
        Value d = describe(c, op, INSTR_ARG(c->code[i]));
        ObjTuple *t = AS_TUPLE(d);
        list_append(AS_LIST(l), tuple_pack(6, MK_SMALL(op), str_from_c(opcode_name(op)), t->items[0],
                                           t->items[1], t->items[2], MK_SMALL(c->lines[i])));
    }
    gc_pop_root(1);
    return l;
}

static const MethodDef dis_fns[] = {
    {"instructions", d_instructions, false},
    {NULL, NULL, false},
};

Value mod_dis_init(void) {
    Value m = module_new("_dis");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "_dis", dis_fns);
    Value names = tuple_new(OP__COUNT);
    for (int i = 0; i < OP__COUNT; i++) {
        AS_TUPLE(names)->items[i] = str_from_c(opcode_name(i));
    }
    dict_set_str(d, str_intern_c("opname"), names);
    Value kinds = tuple_new(OP__COUNT);
    for (int i = 0; i < OP__COUNT; i++) {
        AS_TUPLE(kinds)->items[i] = MK_SMALL(opcode_kind(i));
    }
    dict_set_str(d, str_intern_c("kinds"), kinds);   // OPK_* of each opcode
    return m;
}
