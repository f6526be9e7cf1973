// unicode_names.h: Unicode character names (\N{...} escapes, unicodedata):
// the tables come from the Unicode Character Database at build time
// (tools/gen_unames.c).
#ifndef PYISH_UNICODE_NAMES_H
#define PYISH_UNICODE_NAMES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// The code point named [name] ([len] bytes; a name or an alias, letters in
// any case; CJK UNIFIED IDEOGRAPH-XXXX and HANGUL SYLLABLE X by rule), as
// CPython 3.11's \N{...} finds it: false if there is none.
bool uname_lookup(const char *name, size_t len, uint32_t *cp);
// Writes the name of [cp] into [buf] ([cap] bytes); false if it has none.
bool uname_name(uint32_t cp, char *buf, size_t cap);

#endif
