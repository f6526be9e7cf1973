// mod_unicodedata.c: the unicodedata module's name() and lookup(), over the
// character-name tables of unicode_names.c (the same \N{...} uses).
#include "object.h"
#include "module.h"
#include "numstr.h"
#include "containers.h"
#include "unicode_names.h"

// unicodedata.name(chr[, default]).
static Value u_name(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("name", argc, 1, 2)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0]) || AS_STR(argv[0])->cplen != 1) {
        return exc_raise(exc_TypeError, "name() argument 1 must be a unicode character, not %s",
                         val_type_name(argv[0]));
    }
    size_t i = 0;
    uint32_t cp = utf8_decode(AS_STR(argv[0])->data, AS_STR(argv[0])->len, &i);
    char buf[160];
    if (uname_name(cp, buf, sizeof buf)) {
        return str_from_c(buf);
    }
    if (argc > 1) {
        return argv[1];
    }
    return exc_raise(exc_ValueError, "no such name");
}

// unicodedata.lookup(name): the character of a name or alias.
static Value u_lookup(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("lookup", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "a bytes-like object is required, not '%s'",
                         val_type_name(argv[0]));
    }
    ObjStr *s = AS_STR(argv[0]);
    uint32_t cp;
    if (!uname_lookup(s->data, s->len, &cp)) {
        if (s->len > 256) {
            return exc_raise(exc_KeyError, "name too long");
        }
        Value r = str_printf("undefined character name '%s'", s->data);
        return r ? exc_raise_value(exc_new(exc_KeyError, 1, &r)) : VAL_NULL;
    }
    char enc[4];
    return str_new(enc, (size_t)utf8_encode(cp, enc));
}

static const MethodDef unicodedata_fns[] = {
    {"name", u_name},
    {"lookup", u_lookup},
    {NULL, NULL},
};

Value mod_unicodedata_init(void) {
    Value m = module_new("unicodedata");
    native_add_functions(((ObjModule *)AS_OBJ(m))->dict, "unicodedata", unicodedata_fns);
    return m;
}
