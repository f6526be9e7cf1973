// import.h: what the import system's files share (import.c finds and
// loads modules, modspec.c holds ModuleSpec, importlib.c the _importlib
// module); the interpreter's entry points are in interp.h.
#ifndef PYISH_IMPORT_H
#define PYISH_IMPORT_H
#include "interp.h"

// ---- modspec.c
void modspec_init(void);
// A spec for [name]: origin a str or None, [search] the package's
// __path__ list or None for a plain module.
Value spec_new(Value name, Value origin, Value search);
// The spec's attribute [name] (None if unset).
Value spec_get(Value spec, const char *name);
// spec.parent: the package name (the name itself for a package).
Value spec_parent(Value spec);
// spec._initializing (true while the module's body runs).
void spec_set_initializing(Value spec, bool on);

// ---- importlib.c
// Makes the PathFinder class (sys.meta_path's own finder).
void pathfinder_init(void);

// ---- import.c
// _find_and_load: the module [name] (absolute), from sys.modules or loaded.
Value import_find_and_load(Value name);
// The spec of the absolute [name] ([path]: the parent's __path__, VAL_NULL
// for a top-level name), or VAL_NULL (no exception) when nothing has it.
Value import_find_spec(Value name, Value path);
// The same from the finders of sys.meta_path (PathFinder there is
// import_find_spec; others' find_spec(name, path) is called).
Value import_meta_find_spec(Value name, Value path);
// The absolute name of [name] imported at [level] from [package].
Value import_resolve_name(Value name, Value package, int64_t level);
// The embedded runtime/lib module [name], or NULL.
const LibSource *import_find_embedded(const char *name);
// Raises [cls] with a formatted message and its name and path attributes.
Value import_raise_error(ObjClass *cls, Value name, Value path, const char *fmt, ...);
#endif
