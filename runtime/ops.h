// ops.h: Python's operators as enums and tables, all generated from the
// one list in ops.def: binary operators (BIN_*), comparison operators
// (CMP_*, whose first six are the rich comparisons OP_LT..OP_GE of the
// richcompare slots) and unary operators (UN_*). The parser, compiler, VM
// and runtime share them; ops.c holds the tables.
#ifndef PYISH_OPS_H
#define PYISH_OPS_H

typedef enum BinOp {
#define BINOP(name, sym, stem) BIN_##name,
#include "ops.def"
#undef BINOP
    BIN__COUNT
} BinOp;

typedef enum CmpOp {
#define RICHCMP(name, sym, dunder) CMP_##name,
#define CMPOP(name, sym) CMP_##name,
#include "ops.def"
#undef RICHCMP
#undef CMPOP
    CMP__COUNT
} CmpOp;

// Rich comparison ops of richcompare slots: the first CMP_* values.
enum {
#define RICHCMP(name, sym, dunder) OP_##name = CMP_##name,
#include "ops.def"
#undef RICHCMP
    OP__RICH_COUNT
};

typedef enum UnaryOp {
#define UNOP(name, sym) UN_##name,
#include "ops.def"
#undef UNOP
    UN__COUNT
} UnaryOp;

// "+", "//" ... by BinOp.
extern const char *const ops_bin_symbol[BIN__COUNT];
// "add", "floordiv" ... (the dunder without underscores) by BinOp.
extern const char *const ops_bin_stem[BIN__COUNT];
// "<", "not in" ... by CmpOp.
extern const char *const ops_cmp_symbol[CMP__COUNT];
// "__lt__" ... by rich comparison op (OP_LT..OP_GE).
extern const char *const ops_cmp_dunder[OP__RICH_COUNT];
// "-", "not" ... by UnaryOp.
extern const char *const ops_unary_symbol[UN__COUNT];
#endif
