// bytes.h: the binary sequence types (bytes, bytearray, memoryview), the
// small buffer protocol they share, and the codecs (str.encode,
// bytes.decode). A bytes object holds its data inline after its (class's)
// fixed layout; a bytearray owns a growable mem.c buffer; a memoryview
// names an exporter (bytes or bytearray) and a window on it (start, step,
// length) and reads the exporter's buffer at each access, so slicing a
// view copies nothing and a view of a bytearray sees its changes. Every
// user of raw bytes (bytes methods, memoryview, and later array, struct or
// socket code) asks buffer_get for (pointer, length, readonly).
#ifndef PYISH_BYTES_H
#define PYISH_BYTES_H
#include "object.h"

typedef struct ObjBytes {
    Obj hdr;
    int64_t hash;           // cached hash, -1 until computed
    size_t len;
    unsigned char *data;    // inline: just past the class's instance layout, NUL-terminated
} ObjBytes;

typedef struct ObjByteArray {
    Obj hdr;
    size_t len, cap;        // bytes in use, bytes usable from data on
    unsigned char *data;    // first byte, in a mem.c buffer of off + cap bytes (NULL when empty)
    size_t off;             // bytes deleted from the front and not yet given back: the
                            // buffer starts at data - off (CPython's ob_start), so that
                            // `del b[:n]` (a stream reader's buffer) moves nothing
} ObjByteArray;

typedef struct ObjMemoryView {
    Obj hdr;
    Value obj;              // the exporter: bytes or bytearray (None once released)
    size_t start;           // byte offset of item 0 in the exporter
    int64_t step;           // bytes from one item to the next (itemsize unless sliced with a step)
    size_t len;             // items in the view (all of them when it has a shape)
    Value shape;            // cast(fmt, shape) to other than 1 dimension: a tuple of
                            // ints (C-contiguous, step == itemsize); else VAL_NULL
    int itemsize;           // bytes per item (format's size)
    char format[3];         // struct-style format: "B" unless cast ("H", "@d" ...)
    bool readonly;
    bool released;
} ObjMemoryView;

// What buffer_get reports: [len] bytes at [ptr], contiguous.
typedef struct BufView {
    unsigned char *ptr;
    size_t len;
    bool readonly;
    char format;            // the items' struct format ('B' unless an array's)
    int itemsize;
} BufView;

#define IS_BYTES(v) IS_A(v, cls_bytes)
#define AS_BYTES(v) ((ObjBytes *)AS_OBJ(v))
#define AS_BYTEARRAY(v) ((ObjByteArray *)AS_OBJ(v))
#define AS_MEMORYVIEW(v) ((ObjMemoryView *)AS_OBJ(v))

// ---- bytes.c
// Creates the bytes, bytearray, memoryview classes and their iterators.
void bytes_init(void);
// Second step once classmethods exist: bytes.fromhex, maketrans.
void bytes_init_late(void);
// A new bytes of the [len] bytes at [s] (small sizes; never fails).
Value bytes_new(const void *s, size_t len);
// Same for sizes a program chose: VAL_NULL with MemoryError raised.
Value bytes_try_new(const void *s, size_t len);    // s NULL: the caller fills the data in
// A new bytearray holding a copy of [s, s+len); VAL_NULL + MemoryError.
Value bytearray_new(const void *s, size_t len);
// True for bytes or a bytes subclass instance / bytearray or subclass.
bool bytes_check(Value v);
bool bytearray_check(Value v);
// The buffer of [v] (bytes, bytearray, contiguous memoryview): 1 with *out
// set, 0 when [v] has no buffer (nothing raised), -1 with an error raised
// (a released or non-contiguous memoryview).
// Output of a C encoder or decoder (zlib, bz2, lzma) collected in a
// malloc'd buffer: outbuf_room gives its free room, growing it when full
// (doubling from [first] bytes, to at most [max] bytes in all when max >=
// 0); NULL with *full set when max leaves no room, or with MemoryError
// raised. outbuf_bytes makes the bytes value and frees the buffer.
typedef struct OutBuf {
    unsigned char *p;
    size_t len, cap;
} OutBuf;
unsigned char *outbuf_room(OutBuf *o, size_t first, int64_t max, size_t *room, bool *full);
Value outbuf_bytes(OutBuf *o);
int buffer_get(Value v, BufView *out);
// buffer_get that raises TypeError "a bytes-like object is required, not
// 'X'" when [v] has none; false on error.
bool buffer_need(Value v, BufView *out);
// Resizes bytearray [b] to [n] bytes (new bytes are zero); false: MemoryError.
bool bytearray_resize(ObjByteArray *b, size_t n);
// Makes room for [n] more bytes at the end of [b] (not zeroed) and returns
// where they start; the length does not change (bytearray_set_len does it
// once they are written). NULL: MemoryError raised.
unsigned char *bytearray_room(ObjByteArray *b, size_t n);
// Sets [b]'s length to [n] <= what bytearray_room made room for.
void bytearray_set_len(ObjByteArray *b, size_t n);
// Python's repr of [len] bytes at [s] as b'...' into a new str.
Value bytes_repr_data(const unsigned char *s, size_t len);
// A value of [self]'s kind (bytearray when self is one, else bytes) holding
// [s, s+len); VAL_NULL + MemoryError.
Value bytes_like(Value self, const void *s, size_t len);
// bytes(x) for an [x] CPython accepts without an encoding (a count, a
// buffer, an iterable of ints; __bytes__ is bytes()'s own step): a new
// bytes, or VAL_NULL with the error raised.
Value bytes_from_object(Value x);

// ---- bytes_methods.c: the methods bytes and bytearray share
extern const MethodDef bytes_common_methods[];

// ---- bytes_format.c
// [fmt] % [args] for a bytes or bytearray [fmt]: a value of fmt's kind.
Value bytes_percent_format(Value fmt, Value args);

// ---- memoryview.c
void memoryview_init(void);
// The bytes a memoryview [mv] shows, contiguous or not (a new bytes).
Value memoryview_tobytes(Value mv);
// memoryview(obj) of a bytes-like [obj] (format 'B'); VAL_NULL when it has no buffer.
Value memoryview_of_buffer(Value obj);

// ---- codecs.c
// str.encode(encoding, errors) of str [s]: a bytes or VAL_NULL on error.
Value codec_encode(Value s, const char *encoding, const char *errors);
// decode of [len] bytes at [p]: a str or VAL_NULL on error.
Value codec_decode(const unsigned char *p, size_t len, const char *encoding, const char *errors);
const char *codec_charmap_name(const char *encoding);  // a single-byte codec's CodecInfo name, else NULL
// Parses (encoding, errors) of encode/decode/str()/bytes() into C strings
// (defaults "utf-8", "strict"); [fname] words the TypeErrors.
bool codec_args(const char *fname, Value enc, Value errs, const char **encoding,
                const char **errors);
// ---- codecs_escape.c: unicode_escape (1) and raw_unicode_escape (2)
int codec_escape_kind(const char *encoding);    // 0: neither
Value codec_escape_encode(Value s, bool raw);
Value codec_escape_decode(const unsigned char *p, size_t len, bool raw, const char *errors);
// The message of a UnicodeDecodeError / UnicodeEncodeError [e] (exc.c's str).
Value codec_error_str(Value e);
#endif
