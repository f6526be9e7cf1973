// ops.c: the operator tables of ops.h, generated from ops.def.
#include "ops.h"

const char *const ops_bin_symbol[BIN__COUNT] = {
#define BINOP(name, sym, stem) sym,
#include "ops.def"
#undef BINOP
};

const char *const ops_bin_stem[BIN__COUNT] = {
#define BINOP(name, sym, stem) stem,
#include "ops.def"
#undef BINOP
};

const char *const ops_cmp_symbol[CMP__COUNT] = {
#define RICHCMP(name, sym, dunder) sym,
#define CMPOP(name, sym) sym,
#include "ops.def"
#undef RICHCMP
#undef CMPOP
};

const char *const ops_cmp_dunder[OP__RICH_COUNT] = {
#define RICHCMP(name, sym, dunder) dunder,
#include "ops.def"
#undef RICHCMP
};

const char *const ops_unary_symbol[UN__COUNT] = {
#define UNOP(name, sym) sym,
#include "ops.def"
#undef UNOP
};
