// itertools.h: the itertools module in C (CPython's itertoolsmodule.c):
// every name is a class whose instances are their own iterators, with
// CPython's argument parsing, messages and reprs. mod_itertools.c holds the
// module, the argument helpers below and the simple iterators;
// itertools_group.c groupby/_grouper, tee/_tee/_tee_dataobject and
// zip_longest; itertools_comb.c the combinatoric iterators.
#ifndef PYISH_ITERTOOLS_H
#define PYISH_ITERTOOLS_H
#include "object.h"

// The module's classes, made once per state (State.itertools_cls).
enum {
    IT_COUNT, IT_CYCLE, IT_REPEAT, IT_ACCUMULATE, IT_CHAIN, IT_COMPRESS, IT_DROPWHILE,
    IT_TAKEWHILE, IT_FILTERFALSE, IT_STARMAP, IT_ISLICE, IT_PAIRWISE, IT_GROUPBY, IT_GROUPER,
    IT_TEE, IT_TEEDATA, IT_ZIP_LONGEST, IT_PRODUCT, IT_PERMUTATIONS, IT_COMBINATIONS, IT_CWR,
    IT__COUNT
};

// Argument Clinic's parsing of [argc] positional arguments and [kw] for
// function [fname] with parameters [names] (NULL-terminated; the first
// [npos] may be positional, the rest are keyword-only), of which the first
// [nreq] are required; fills out[i] (VAL_NULL when absent). False with
// CPython's TypeError ("missing required argument 'r' (pos 2)", "'x' is an
// invalid keyword argument for f()", "takes at most 2 arguments (3 given)").
bool itertools_parse(const char *fname, int argc, Value *argv, ObjDict *kw, const char *const *names,
                     int npos, int nreq, Value *out);
// _PyArg_CheckPositional and _PyArg_NoKeywords for the classes that take no
// keywords: "cycle expected 1 argument, got 0", "cycle() takes no keyword
// arguments" (keywords are left to the __init__ of a subclass defining one).
bool itertools_positional(ObjClass *cls, const char *fname, int argc, ObjDict *kw, int min, int max);
// The iterator protocol's __iter__ (returns [self]).
Value itertools_iter_self(Value self);
// A builtin class [name] of module itertools with instances of [size]
// bytes, traced by [trace], stepped by [next] and made by [new_].
ObjClass *itertools_class(const char *name, size_t size, void (*trace)(Obj *), int (*next)(Value, Value *),
                          Value (*new_)(ObjClass *, int, Value *, ObjDict *));

// Make their classes into State.itertools_cls (itertools_group.c, itertools_comb.c).
void itertools_group_init(void);
void itertools_comb_init(void);
// itertools.tee(iterable, n=2) (itertools_group.c).
Value itertools_tee(int argc, Value *argv, ObjDict *kw);
#endif
