// mod_pyexpat.c: the pyexpat module on Debian's libexpat (libexpat1): the
// xmlparser made by ParserCreate, with Parse/ParseFile, the handler
// attributes (StartElementHandler ... SkippedEntityHandler, each installed
// in expat only while set, since a set DefaultHandler changes what expat
// reports), buffer_text, ordered/specified_attributes, namespace_prefixes,
// intern, the Error*/Current* positions, ErrorString, ExpatError with
// code/lineno/offset and CPython's "mismatched tag: line 1, column 9", and
// the errors and model submodules, as in CPython's pyexpat.c. Handlers run
// inside XML_Parse; the first one that raises stops the parser and Parse
// hands its exception on. A parser may also build an xml.etree tree itself
// (_etree_build, the job of CPython's _elementtree XMLParser + TreeBuilder):
// start/end/character data then make the pyish Element instances in C,
// with the iterparse start/end events, and no pyish call per event.
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"
#include "vmapi.h"

// The handlers, in CPython's handler_info order.
enum {
    H_START, H_END, H_PI, H_CHARDATA, H_UNPARSED, H_NOTATION, H_STARTNS, H_ENDNS, H_COMMENT, H_STARTCDATA,
    H_ENDCDATA, H_DEFAULT, H_DEFAULTEXP, H_NOTSTANDALONE, H_EXTREF, H_STARTDOCTYPE, H_ENDDOCTYPE, H_ENTITY,
    H_XMLDECL, H_ELEMENTDECL, H_ATTLIST, H_SKIPPED, H_COUNT
};

static const char *const handler_names[H_COUNT] = {
    "StartElementHandler", "EndElementHandler", "ProcessingInstructionHandler", "CharacterDataHandler",
    "UnparsedEntityDeclHandler", "NotationDeclHandler", "StartNamespaceDeclHandler", "EndNamespaceDeclHandler",
    "CommentHandler", "StartCdataSectionHandler", "EndCdataSectionHandler", "DefaultHandler",
    "DefaultHandlerExpand", "NotStandaloneHandler", "ExternalEntityRefHandler", "StartDoctypeDeclHandler",
    "EndDoctypeDeclHandler", "EntityDeclHandler", "XmlDeclHandler", "ElementDeclHandler", "AttlistDeclHandler",
    "SkippedEntityHandler",
};

typedef struct ObjXParser {
    Obj hdr;
    XML_Parser p;
    Value handlers[H_COUNT];    // VAL_NULL: not set
    Value intern;               // dict of names, or VAL_NULL (intern=None)
    Value parent;               // ExternalEntityParserCreate's parser, or VAL_NULL
    bool buffer_text;           // character data is gathered in buf
    bool ordered_attributes;    // attributes as a flat list, not a dict
    bool specified_attributes;  // only attributes the document gives
    bool namespace_prefixes;    // XML_SetReturnNSTriplet
    bool failed;                // a handler raised: its exception is pending
    bool in_callback;           // a handler is running
    char *buf;                  // buffered character data (buffer_text)
    int buf_used, buf_size;
    // ---- the tree built in C (_etree_build); et_cls NULL: off
    ObjClass *et_cls;           // ElementTree's Element (its __slots__ give the offsets)
    uint32_t et_off[5];         // byte offsets of tag, attrib, text, tail, _children
    Value et_names;             // dict: expat name -> "{uri}local" name
    Value et_stack;             // list of the open elements
    Value et_root, et_last;     // the first element; the last one opened or closed
    Value et_append;            // the events queue's append, or VAL_NULL
    Value et_ev_start, et_ev_end; // the event names reported, or VAL_NULL
    bool et_tail;               // pending text is et_last's tail, not its text
    char *et_text;              // pending character data
    size_t et_len, et_cap;
} ObjXParser;

#define XP(v) ((ObjXParser *)AS_OBJ(v))

// A str from expat's UTF-8 (NULL: None).
static Value ustr(const XML_Char *s) {
    return s ? str_new(s, strlen(s)) : VAL_NONE;
}

// A name, through the intern dict when there is one.
static Value iname(ObjXParser *x, const XML_Char *s) {
    Value v = ustr(s);
    if (!x->intern || !s) {
        return v;
    }
    Value old;
    gc_push_root(v);
    int r = dict_get(AS_DICT(x->intern), v, &old);
    if (r == 0 && dict_set(AS_DICT(x->intern), v, v) < 0) {
        r = -1;
    }
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : r == 1 ? old : v;
}

static void stop(ObjXParser *x) {
    x->failed = true;
    XML_StopParser(x->p, XML_FALSE);
}

// Calls handler [h] with [argc] rooted [argv]; the result or VAL_NULL
// (parser stopped).
static Value call(ObjXParser *x, int h, int argc, Value *argv) {
    Value f = x->handlers[h];
    if (!f || x->failed) {
        return VAL_NULL;
    }
    x->in_callback = true;
    Value r = vm_call(f, argc, argv, NULL);
    x->in_callback = false;
    if (!r) {
        stop(x);
    }
    return r;
}

// Hands buffered character data to CharacterDataHandler; false: it raised.
static bool flush_buf(ObjXParser *x) {
    if (!x->buf || x->buf_used == 0) {
        return true;
    }
    Value s = str_new(x->buf, (size_t)x->buf_used);
    x->buf_used = 0;
    gc_push_root(s);
    bool ok = !x->handlers[H_CHARDATA] || call(x, H_CHARDATA, 1, &s);
    gc_pop_root(1);
    return ok;
}

// Flushes before another handler runs; false: stop.
static bool pre(ObjXParser *x) {
    return !x->failed && flush_buf(x) && !x->failed;
}

// Calls [h] with [n] values built from C strings (NULL: None).
static void call_strs(ObjXParser *x, int h, int n, const XML_Char *const *s) {
    if (!pre(x)) {
        return;
    }
    Value a[8];
    for (int i = 0; i < n; i++) {
        a[i] = ustr(s[i]);
        gc_push_root(a[i]);
    }
    call(x, h, n, a);
    gc_pop_root(n);
}

// ---- the expat callbacks

static bool et_add_text(ObjXParser *x, const char *s, size_t len);

static void on_chardata(void *ud, const XML_Char *s, int len) {
    ObjXParser *x = ud;
    if (x->failed) {
        return;
    }
    if (x->et_cls) {
        if (!et_add_text(x, s, (size_t)len)) {
            stop(x);
        }
        return;
    }
    if (!x->buffer_text) {
        Value v = str_new(s, (size_t)len);
        gc_push_root(v);
        call(x, H_CHARDATA, 1, &v);
        gc_pop_root(1);
        return;
    }
    if (x->buf_used + len > x->buf_size && !flush_buf(x)) {
        return;
    }
    if (len > x->buf_size) {
        Value v = str_new(s, (size_t)len);
        gc_push_root(v);
        call(x, H_CHARDATA, 1, &v);
        gc_pop_root(1);
        return;
    }
    memcpy(x->buf + x->buf_used, s, (size_t)len);
    x->buf_used += len;
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    ObjXParser *x = ud;
    if (!pre(x)) {
        return;
    }
    int max = 0;
    if (x->specified_attributes) {
        max = XML_GetSpecifiedAttributeCount(x->p);
    } else {
        while (atts[max]) {
            max += 2;
        }
    }
    Value a[2];
    a[0] = iname(x, name);
    if (!a[0]) {
        stop(x);
        return;
    }
    gc_push_root(a[0]);
    a[1] = x->ordered_attributes ? list_new((size_t)max) : dict_new();
    gc_push_root(a[1]);
    for (int i = 0; a[1] && i < max; i += 2) {
        Value k = iname(x, atts[i]);
        if (!k) {
            a[1] = VAL_NULL;
            break;
        }
        gc_push_root(k);
        Value v = ustr(atts[i + 1]);
        gc_push_root(v);
        bool ok = x->ordered_attributes ? list_append(AS_LIST(a[1]), k) && list_append(AS_LIST(a[1]), v)
                                        : dict_set(AS_DICT(a[1]), k, v) == 0;
        gc_pop_root(2);
        if (!ok) {
            a[1] = VAL_NULL;
        }
    }
    if (a[1]) {
        call(x, H_START, 2, a);
    } else {
        stop(x);
    }
    gc_pop_root(2);
}

static void on_name(ObjXParser *x, int h, const XML_Char *name) {
    if (!pre(x)) {
        return;
    }
    Value v = iname(x, name);
    if (!v) {
        stop(x);
        return;
    }
    gc_push_root(v);
    call(x, h, 1, &v);
    gc_pop_root(1);
}

static void on_end(void *ud, const XML_Char *name) {
    on_name(ud, H_END, name);
}

static void on_pi(void *ud, const XML_Char *target, const XML_Char *data) {
    const XML_Char *s[] = {target, data};
    call_strs(ud, H_PI, 2, s);
}

static void on_unparsed(void *ud, const XML_Char *ent, const XML_Char *base, const XML_Char *sys,
                        const XML_Char *pub, const XML_Char *nota) {
    const XML_Char *s[] = {ent, base, sys, pub, nota};
    call_strs(ud, H_UNPARSED, 5, s);
}

static void on_notation(void *ud, const XML_Char *nota, const XML_Char *base, const XML_Char *sys,
                        const XML_Char *pub) {
    const XML_Char *s[] = {nota, base, sys, pub};
    call_strs(ud, H_NOTATION, 4, s);
}

static void on_startns(void *ud, const XML_Char *prefix, const XML_Char *uri) {
    const XML_Char *s[] = {prefix, uri};
    call_strs(ud, H_STARTNS, 2, s);
}

static void on_endns(void *ud, const XML_Char *prefix) {
    const XML_Char *s[] = {prefix};
    call_strs(ud, H_ENDNS, 1, s);
}

static void on_comment(void *ud, const XML_Char *data) {
    const XML_Char *s[] = {data};
    call_strs(ud, H_COMMENT, 1, s);
}

static void on_startcdata(void *ud) {
    call_strs(ud, H_STARTCDATA, 0, NULL);
}

static void on_endcdata(void *ud) {
    call_strs(ud, H_ENDCDATA, 0, NULL);
}

static void on_default_h(ObjXParser *x, int h, const XML_Char *s, int len) {
    if (!pre(x)) {
        return;
    }
    Value v = str_new(s, (size_t)len);
    gc_push_root(v);
    call(x, h, 1, &v);
    gc_pop_root(1);
}

static void on_default(void *ud, const XML_Char *s, int len) {
    on_default_h(ud, H_DEFAULT, s, len);
}

static void on_defaultexp(void *ud, const XML_Char *s, int len) {
    on_default_h(ud, H_DEFAULTEXP, s, len);
}

// An int result of a handler (0 when it raised or gave no int).
static int int_result(Value r) {
    int64_t n = 0;
    if (r && IS_SMALL(r)) {
        n = AS_SMALL(r);
    }
    return (int)n;
}

static int on_notstandalone(void *ud) {
    ObjXParser *x = ud;
    if (!pre(x)) {
        return 0;
    }
    return int_result(call(x, H_NOTSTANDALONE, 0, NULL));
}

static int on_extref(XML_Parser p, const XML_Char *ctx, const XML_Char *base, const XML_Char *sys,
                     const XML_Char *pub) {
    ObjXParser *x = XML_GetUserData(p);
    if (!pre(x)) {
        return 0;
    }
    const XML_Char *s[] = {ctx, base, sys, pub};
    Value a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = ustr(s[i]);
        gc_push_root(a[i]);
    }
    Value r = call(x, H_EXTREF, 4, a);
    gc_pop_root(4);
    return int_result(r);
}

static void on_startdoctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub,
                            int has_internal) {
    ObjXParser *x = ud;
    if (!pre(x)) {
        return;
    }
    const XML_Char *s[] = {name, sys, pub};
    Value a[4];
    for (int i = 0; i < 3; i++) {
        a[i] = ustr(s[i]);
        gc_push_root(a[i]);
    }
    a[3] = MK_SMALL(has_internal);
    call(x, H_STARTDOCTYPE, 4, a);
    gc_pop_root(3);
}

static void on_enddoctype(void *ud) {
    call_strs(ud, H_ENDDOCTYPE, 0, NULL);
}

static void on_entity(void *ud, const XML_Char *name, int is_pe, const XML_Char *value, int vlen,
                      const XML_Char *base, const XML_Char *sys, const XML_Char *pub, const XML_Char *nota) {
    ObjXParser *x = ud;
    if (!pre(x)) {
        return;
    }
    Value a[7];
    a[0] = ustr(name);
    gc_push_root(a[0]);
    a[1] = MK_SMALL(is_pe);
    a[2] = value ? str_new(value, (size_t)vlen) : VAL_NONE;
    gc_push_root(a[2]);
    const XML_Char *s[] = {base, sys, pub, nota};
    for (int i = 0; i < 4; i++) {
        a[3 + i] = ustr(s[i]);
        gc_push_root(a[3 + i]);
    }
    call(x, H_ENTITY, 7, a);
    gc_pop_root(6);
}

static void on_xmldecl(void *ud, const XML_Char *version, const XML_Char *enc, int standalone) {
    ObjXParser *x = ud;
    if (!pre(x)) {
        return;
    }
    Value a[3];
    a[0] = ustr(version);
    gc_push_root(a[0]);
    a[1] = ustr(enc);
    gc_push_root(a[1]);
    a[2] = MK_SMALL(standalone);
    call(x, H_XMLDECL, 3, a);
    gc_pop_root(2);
}

// conv_content_model(): (type, quant, name, children).
static Value content_model(ObjXParser *x, XML_Content *m) {
    Value kids = tuple_new(m->numchildren);
    if (!kids) {
        return VAL_NULL;
    }
    gc_push_root(kids);
    for (unsigned i = 0; i < m->numchildren; i++) {
        Value k = content_model(x, &m->children[i]);
        if (!k) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        AS_TUPLE(kids)->items[i] = k;
    }
    Value name = ustr(m->name);
    gc_push_root(name);
    Value r = tuple_pack(4, MK_SMALL(m->type), MK_SMALL(m->quant), name, kids);
    gc_pop_root(2);
    return r;
}

static void on_elementdecl(void *ud, const XML_Char *name, XML_Content *model) {
    ObjXParser *x = ud;
    if (pre(x)) {
        Value a[2];
        a[0] = iname(x, name);
        gc_push_root(a[0]);
        a[1] = a[0] ? content_model(x, model) : VAL_NULL;
        gc_push_root(a[1]);
        if (a[1]) {
            call(x, H_ELEMENTDECL, 2, a);
        } else {
            stop(x);
        }
        gc_pop_root(2);
    }
    XML_FreeContentModel(x->p, model);
}

static void on_attlist(void *ud, const XML_Char *el, const XML_Char *att, const XML_Char *type,
                       const XML_Char *dflt, int required) {
    ObjXParser *x = ud;
    if (!pre(x)) {
        return;
    }
    const XML_Char *s[] = {el, att, type, dflt};
    Value a[5];
    for (int i = 0; i < 4; i++) {
        a[i] = ustr(s[i]);
        gc_push_root(a[i]);
    }
    a[4] = MK_SMALL(required);
    call(x, H_ATTLIST, 5, a);
    gc_pop_root(4);
}

static void on_skipped(void *ud, const XML_Char *name, int is_pe) {
    ObjXParser *x = ud;
    if (!pre(x)) {
        return;
    }
    Value a[2];
    a[0] = ustr(name);
    gc_push_root(a[0]);
    a[1] = MK_SMALL(is_pe);
    call(x, H_SKIPPED, 2, a);
    gc_pop_root(1);
}

// Installs (on) or removes expat's callback for handler [h].
static void install(ObjXParser *x, int h, bool on) {
    XML_Parser p = x->p;
    switch (h) {
    case H_START:
        XML_SetStartElementHandler(p, on ? on_start : NULL);
        break;
    case H_END:
        XML_SetEndElementHandler(p, on ? on_end : NULL);
        break;
    case H_PI:
        XML_SetProcessingInstructionHandler(p, on ? on_pi : NULL);
        break;
    case H_CHARDATA:
        XML_SetCharacterDataHandler(p, on ? on_chardata : NULL);
        break;
    case H_UNPARSED:
        XML_SetUnparsedEntityDeclHandler(p, on ? on_unparsed : NULL);
        break;
    case H_NOTATION:
        XML_SetNotationDeclHandler(p, on ? on_notation : NULL);
        break;
    case H_STARTNS:
        XML_SetStartNamespaceDeclHandler(p, on ? on_startns : NULL);
        break;
    case H_ENDNS:
        XML_SetEndNamespaceDeclHandler(p, on ? on_endns : NULL);
        break;
    case H_COMMENT:
        XML_SetCommentHandler(p, on ? on_comment : NULL);
        break;
    case H_STARTCDATA:
        XML_SetStartCdataSectionHandler(p, on ? on_startcdata : NULL);
        break;
    case H_ENDCDATA:
        XML_SetEndCdataSectionHandler(p, on ? on_endcdata : NULL);
        break;
    case H_DEFAULT:
        XML_SetDefaultHandler(p, on ? on_default : NULL);
        break;
    case H_DEFAULTEXP:
        XML_SetDefaultHandlerExpand(p, on ? on_defaultexp : NULL);
        break;
    case H_NOTSTANDALONE:
        XML_SetNotStandaloneHandler(p, on ? on_notstandalone : NULL);
        break;
    case H_EXTREF:
        XML_SetExternalEntityRefHandler(p, on ? on_extref : NULL);
        break;
    case H_STARTDOCTYPE:
        XML_SetStartDoctypeDeclHandler(p, on ? on_startdoctype : NULL);
        break;
    case H_ENDDOCTYPE:
        XML_SetEndDoctypeDeclHandler(p, on ? on_enddoctype : NULL);
        break;
    case H_ENTITY:
        XML_SetEntityDeclHandler(p, on ? on_entity : NULL);
        break;
    case H_XMLDECL:
        XML_SetXmlDeclHandler(p, on ? on_xmldecl : NULL);
        break;
    case H_ELEMENTDECL:
        XML_SetElementDeclHandler(p, on ? on_elementdecl : NULL);
        break;
    case H_ATTLIST:
        XML_SetAttlistDeclHandler(p, on ? on_attlist : NULL);
        break;
    case H_SKIPPED:
        XML_SetSkippedEntityHandler(p, on ? on_skipped : NULL);
        break;
    default:
        break;
    }
}

// ---- the xml.etree tree built in C (_etree_build)

enum { ET_TAG, ET_ATTRIB, ET_TEXT, ET_TAIL, ET_CHILDREN };

static Value *et_slot(ObjXParser *x, Value elem, int i) {
    return (Value *)((char *)AS_OBJ(elem) + x->et_off[i]);
}

// Appends character data to the pending text; false: MemoryError.
static bool et_add_text(ObjXParser *x, const char *s, size_t len) {
    if (x->et_len + len > x->et_cap) {
        size_t cap = x->et_cap ? x->et_cap : 256;
        while (cap < x->et_len + len) {
            cap *= 2;
        }
        char *b = realloc(x->et_text, cap);
        if (!b) {
            exc_raise_nomem();
            return false;
        }
        x->et_text = b;
        x->et_cap = cap;
    }
    memcpy(x->et_text + x->et_len, s, len);
    x->et_len += len;
    return true;
}

// TreeBuilder._flush: the pending text becomes the last element's text or
// tail (dropped before the first element); false: error.
static bool et_flush(ObjXParser *x) {
    size_t n = x->et_len;
    if (!n) {
        return true;
    }
    x->et_len = 0;
    if (!x->et_last) {
        return true;
    }
    Value s = str_new(x->et_text, n);
    if (!s) {
        return false;
    }
    Value *slot = et_slot(x, x->et_last, x->et_tail ? ET_TAIL : ET_TEXT);
    gc_note_removed(*slot);
    *slot = s;
    return true;
}

// An element or attribute name as XMLParser._fixname makes it: expat's
// "uri}local" becomes "{uri}local", through the names memo.
static Value et_name(ObjXParser *x, const XML_Char *s) {
    Value raw = ustr(s);
    if (!raw) {
        return VAL_NULL;
    }
    gc_push_root(raw);
    Value v;
    int r = dict_get(AS_DICT(x->et_names), raw, &v);
    if (r == 0) {
        v = strchr(s, '}') ? str_printf("{%s", s) : raw;
        if (v) {
            gc_push_root(v);
            if (dict_set(AS_DICT(x->et_names), raw, v) < 0) {
                v = VAL_NULL;
            }
            gc_pop_root(1);
        }
    } else if (r < 0) {
        v = VAL_NULL;
    }
    gc_pop_root(1);
    return v;
}

// Appends (event, elem) to the events queue; false: it raised.
static bool et_event(ObjXParser *x, Value ev, Value elem) {
    Value t = tuple_pack(2, ev, elem);
    if (!t) {
        return false;
    }
    gc_push_root(t);
    x->in_callback = true;
    Value r = vm_call(x->et_append, 1, &t, NULL);
    x->in_callback = false;
    gc_pop_root(1);
    return r != VAL_NULL;
}

// Adds [child] to [parent]'s children: its list, else parent.append(child).
static bool et_add_child(ObjXParser *x, Value parent, Value child) {
    Value ch = *et_slot(x, parent, ET_CHILDREN);
    if (IS_LIST(ch)) {
        return list_append(AS_LIST(ch), child);
    }
    Value f = obj_getattr(parent, str_intern_c("append"));
    if (!f) {
        return false;
    }
    gc_push_root(f);
    x->in_callback = true;
    Value r = vm_call(f, 1, &child, NULL);
    x->in_callback = false;
    gc_pop_root(1);
    return r != VAL_NULL;
}

// TreeBuilder.start with the default Element factory.
static bool et_start(ObjXParser *x, const XML_Char *name, const XML_Char **atts) {
    if (!et_flush(x)) {
        return false;
    }
    Value tag = et_name(x, name);
    if (!tag) {
        return false;
    }
    gc_push_root(tag);
    Value attrib = dict_new();
    gc_push_root(attrib);
    bool ok = attrib != VAL_NULL;
    for (int i = 0; ok && atts[i]; i += 2) {
        Value k = et_name(x, atts[i]);
        if (!k) {
            ok = false;
            break;
        }
        gc_push_root(k);
        Value v = ustr(atts[i + 1]);
        ok = v && dict_set(AS_DICT(attrib), k, v) == 0;
        gc_pop_root(1);
    }
    Value ch = ok ? list_new(0) : VAL_NULL;
    gc_push_root(ch);
    Value elem = VAL_NULL;
    if (ch) {
        elem = OBJ_VAL(obj_alloc(x->et_cls, x->et_cls->inst_size));
        *et_slot(x, elem, ET_TAG) = tag;
        *et_slot(x, elem, ET_ATTRIB) = attrib;
        *et_slot(x, elem, ET_TEXT) = VAL_NONE;
        *et_slot(x, elem, ET_TAIL) = VAL_NONE;
        *et_slot(x, elem, ET_CHILDREN) = ch;
    }
    gc_pop_root(3);
    if (!elem) {
        return false;
    }
    gc_push_root(elem);
    ObjList *st = AS_LIST(x->et_stack);
    x->et_last = elem;
    x->et_tail = false;
    ok = true;
    if (st->len) {
        ok = et_add_child(x, st->items[st->len - 1], elem);
    } else if (!x->et_root) {
        x->et_root = elem;
    }
    ok = ok && list_append(st, elem);
    if (ok && x->et_ev_start) {
        ok = et_event(x, x->et_ev_start, elem);
    }
    gc_pop_root(1);
    return ok;
}

static void et_on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    ObjXParser *x = ud;
    if (!x->failed && !et_start(x, name, atts)) {
        stop(x);
    }
}

// TreeBuilder.end: expat has checked that the tags match.
static void et_on_end(void *ud, const XML_Char *name) {
    (void)name;
    ObjXParser *x = ud;
    if (x->failed) {
        return;
    }
    ObjList *st = AS_LIST(x->et_stack);
    if (!et_flush(x)) {
        stop(x);
        return;
    }
    if (!st->len) {
        exc_raise(exc_RuntimeError, "_etree_build: the open elements were changed");
        stop(x);
        return;
    }
    x->et_last = st->items[--st->len];
    x->et_tail = true;
    if (x->et_ev_end && !et_event(x, x->et_ev_end, x->et_last)) {
        stop(x);
    }
}

// _etree_build(Element, names): this parser builds the tree itself, with
// Element's slots; start, end and character data no longer reach handlers.
static Value xp_etree_build(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 3 || !IS_CLASS(argv[1]) || !IS_DICT(argv[2])) {
        return exc_raise(exc_TypeError, "_etree_build(Element, names)");
    }
    ObjXParser *x = XP(argv[0]);
    ObjClass *c = AS_CLASS(argv[1]);
    static const char *const names[5] = {"tag", "attrib", "text", "tail", "_children"};
    for (int i = 0; i < 5; i++) {
        Value m = class_lookup(c, str_intern_c(names[i]));
        if (!m || !IS_A(m, cls_member) || ((ObjMember *)AS_OBJ(m))->owner != c ||
            !((ObjMember *)AS_OBJ(m))->offset) {
            return exc_raise(exc_TypeError, "_etree_build: Element has no slot %s", names[i]);
        }
        x->et_off[i] = ((ObjMember *)AS_OBJ(m))->offset;
    }
    Value st = list_new(8);
    if (!st) {
        return VAL_NULL;
    }
    x->et_stack = st;
    x->et_names = argv[2];
    x->et_cls = c;
    x->et_root = x->et_last = VAL_NULL;
    x->et_tail = false;
    x->et_len = 0;
    XML_SetStartElementHandler(x->p, et_on_start);
    XML_SetEndElementHandler(x->p, et_on_end);
    XML_SetCharacterDataHandler(x->p, on_chardata);
    return VAL_NONE;
}

// _etree_events(append, start, end): report (start, elem) and (end, elem)
// through append (an event name None: not reported).
static Value xp_etree_events(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 4) {
        return exc_raise(exc_TypeError, "_etree_events(append, start, end)");
    }
    ObjXParser *x = XP(argv[0]);
    x->et_append = argv[1];
    x->et_ev_start = IS_NONE(argv[2]) ? VAL_NULL : argv[2];
    x->et_ev_end = IS_NONE(argv[3]) ? VAL_NULL : argv[3];
    return VAL_NONE;
}

// _etree_data(text): character data for the tree (undefined entities).
static Value xp_etree_data(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2 || !IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "_etree_data(str)");
    }
    ObjXParser *x = XP(argv[0]);
    if (!x->et_cls) {
        return exc_raise(exc_RuntimeError, "_etree_data: no tree is being built");
    }
    return et_add_text(x, AS_STR(argv[1])->data, AS_STR(argv[1])->len) ? VAL_NONE : VAL_NULL;
}

// _etree_state(): (root, open elements, last, tail, pending text) for the
// TreeBuilder to take over.
static Value xp_etree_state(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 1) {
        return exc_raise(exc_TypeError, "_etree_state() takes no arguments");
    }
    ObjXParser *x = XP(argv[0]);
    if (!x->et_cls) {
        return exc_raise(exc_RuntimeError, "_etree_state: no tree is being built");
    }
    Value text = x->et_len ? str_new(x->et_text, x->et_len) : VAL_NONE;
    if (!text) {
        return VAL_NULL;
    }
    gc_push_root(text);
    Value st = x->et_stack ? x->et_stack : VAL_NONE;
    Value r = tuple_pack(5, x->et_root ? x->et_root : VAL_NONE, st, x->et_last ? x->et_last : VAL_NONE,
                         VAL_BOOL(x->et_tail), text);
    gc_pop_root(1);
    return r;
}

// ---- errors

// set_error(): ExpatError("MSG: line L, column C") with code, lineno, offset.
static Value raise_expat(ObjXParser *x) {
    enum XML_Error code = XML_GetErrorCode(x->p);
    int line = (int)XML_GetErrorLineNumber(x->p);
    int col = (int)XML_GetErrorColumnNumber(x->p);
    Value m = str_printf("%s: line %d, column %d", XML_ErrorString(code), line, col);
    if (!m) {
        return VAL_NULL;
    }
    gc_push_root(m);
    Value e = exc_new(AS_CLASS(ST->expat_error), 1, &m);
    gc_pop_root(1);
    if (!e) {
        return VAL_NULL;
    }
    gc_push_root(e);
    bool ok = obj_setattr(e, str_intern_c("code"), MK_SMALL(code)) &&
              obj_setattr(e, str_intern_c("offset"), MK_SMALL(col)) &&
              obj_setattr(e, str_intern_c("lineno"), MK_SMALL(line));
    gc_pop_root(1);
    return ok ? exc_raise_value(e) : VAL_NULL;
}

// ---- parser methods

// Feeds [len] bytes at [s] to expat; Parse's result.
static Value feed(ObjXParser *x, const char *s, size_t len, bool final) {
    if (x->in_callback) {
        return exc_raise(exc_RuntimeError, "cannot be called recursively");
    }
    // after a handler raised, expat was stopped: it now reports
    // "parsing finished", as CPython's parser does after a final Parse
    x->failed = false;
    while (len > INT_MAX) {
        if (!XML_Parse(x->p, s, INT_MAX, 0)) {
            return x->failed ? VAL_NULL : raise_expat(x);
        }
        s += INT_MAX;
        len -= INT_MAX;
    }
    int rv = XML_Parse(x->p, s, (int)len, final);
    if (x->failed) {
        return VAL_NULL;
    }
    if (!rv) {
        return raise_expat(x);
    }
    if (!flush_buf(x)) {
        return VAL_NULL;
    }
    return MK_SMALL(rv);
}

// Parse(data, isfinal=False, /): a str is parsed as UTF-8.
static Value xp_parse(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc < 2 || argc > 3) {
        return exc_raise(exc_TypeError, "Parse expected at least 1 argument, got %d", argc - 1);
    }
    ObjXParser *x = XP(argv[0]);
    int fin = 0;
    if (argc == 3 && (fin = obj_truthy(argv[2])) < 0) {
        return VAL_NULL;
    }
    if (IS_STR(argv[1])) {
        XML_SetEncoding(x->p, "utf-8");
        ObjStr *s = AS_STR(argv[1]);
        return feed(x, s->data, s->len, fin);
    }
    BufView in = {0};
    if (!buffer_need(argv[1], &in)) {
        return VAL_NULL;
    }
    return feed(x, (const char *)in.ptr, in.len, fin);
}

// ParseFile(file, /): read(2048) until it gives nothing.
static Value xp_parsefile(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "ParseFile() takes exactly one argument (%d given)", argc - 1);
    }
    ObjXParser *x = XP(argv[0]);
    Value rd = obj_getattr(argv[1], str_intern_c("read"));
    if (!rd) {
        return VAL_NULL;
    }
    gc_push_root(rd);
    Value r = VAL_NULL;
    for (;;) {
        Value n = MK_SMALL(2048);
        Value data = vm_call(rd, 1, &n, NULL);
        if (!data) {
            break;
        }
        gc_push_root(data);
        BufView in = {0};
        if (IS_STR(data)) {
            in.ptr = (unsigned char *)AS_STR(data)->data;
            in.len = AS_STR(data)->len;
        } else if (!IS_A(data, cls_bytes) && !IS_A(data, cls_bytearray)) {
            exc_raise(exc_TypeError, "read() did not return a bytes object (type=%s)", val_type_name(data));
            gc_pop_root(1);
            break;
        } else if (!buffer_need(data, &in)) {
            gc_pop_root(1);
            break;
        }
        r = feed(x, (const char *)in.ptr, in.len, in.len == 0);
        gc_pop_root(1);
        if (!r || in.len == 0) {
            break;
        }
    }
    gc_pop_root(1);
    return r;
}

static Value xp_setparam(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int64_t flag = 0;
    if (argc != 2 || !int_to_i64(argv[1], &flag)) {
        return argc != 2 ? exc_raise(exc_TypeError, "SetParamEntityParsing() takes exactly one argument")
                         : VAL_NULL;
    }
    return MK_SMALL(XML_SetParamEntityParsing(XP(argv[0])->p, (enum XML_ParamEntityParsing)flag));
}

static Value xp_useforeign(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int flag = 1;
    if (argc > 1 && (flag = obj_truthy(argv[1])) < 0) {
        return VAL_NULL;
    }
    XML_UseForeignDTD(XP(argv[0])->p, (XML_Bool)flag);
    return VAL_NONE;
}

static Value xp_getbase(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    (void)argc;
    return ustr(XML_GetBase(XP(argv[0])->p));
}

static Value xp_setbase(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2 || !IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "SetBase() argument must be str");
    }
    if (!XML_SetBase(XP(argv[0])->p, AS_STR(argv[1])->data)) {
        return exc_raise_nomem();
    }
    return VAL_NONE;
}

static int handler_index(ObjStr *name) {
    for (int i = 0; i < H_COUNT; i++) {
        if (strcmp(name->data, handler_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

static Value xp_getattr(Value self, ObjStr *name) {
    ObjXParser *x = XP(self);
    const char *n = name->data;
    int h = handler_index(name);
    if (h >= 0) {
        return x->handlers[h] ? x->handlers[h] : VAL_NONE;
    }
    if (strcmp(n, "ErrorCode") == 0) {
        return MK_SMALL(XML_GetErrorCode(x->p));
    }
    if (strcmp(n, "ErrorLineNumber") == 0 || strcmp(n, "CurrentLineNumber") == 0) {
        return MK_SMALL(XML_GetCurrentLineNumber(x->p));
    }
    if (strcmp(n, "ErrorColumnNumber") == 0 || strcmp(n, "CurrentColumnNumber") == 0) {
        return MK_SMALL(XML_GetCurrentColumnNumber(x->p));
    }
    if (strcmp(n, "ErrorByteIndex") == 0 || strcmp(n, "CurrentByteIndex") == 0) {
        return MK_SMALL(XML_GetCurrentByteIndex(x->p));
    }
    if (strcmp(n, "buffer_text") == 0) {
        return x->buffer_text ? VAL_TRUE : VAL_FALSE;
    }
    if (strcmp(n, "buffer_size") == 0) {
        return MK_SMALL(x->buf_size);
    }
    if (strcmp(n, "buffer_used") == 0) {
        return MK_SMALL(x->buf_used);
    }
    if (strcmp(n, "ordered_attributes") == 0) {
        return x->ordered_attributes ? VAL_TRUE : VAL_FALSE;
    }
    if (strcmp(n, "specified_attributes") == 0) {
        return x->specified_attributes ? VAL_TRUE : VAL_FALSE;
    }
    if (strcmp(n, "namespace_prefixes") == 0) {
        return x->namespace_prefixes ? VAL_TRUE : VAL_FALSE;
    }
    if (strcmp(n, "intern") == 0) {
        return x->intern ? x->intern : VAL_NONE;
    }
    return generic_getattr(self, name);
}

static bool xp_setattr(Value self, ObjStr *name, Value v) {
    ObjXParser *x = XP(self);
    const char *n = name->data;
    if (!v) {
        exc_raise(exc_AttributeError, "Cannot delete attribute");
        return false;
    }
    int h = handler_index(name);
    if (h >= 0) {
        if (h == H_CHARDATA && !flush_buf(x)) {
            return false;
        }
        x->handlers[h] = IS_NONE(v) ? VAL_NULL : v;
        install(x, h, !IS_NONE(v));
        return true;
    }
    if (strcmp(n, "buffer_size") == 0) {
        int64_t sz;
        if (!IS_SMALL(v) && !obj_isinstance(v, cls_int)) {
            exc_raise(exc_TypeError, "buffer_size must be an integer");
            return false;
        }
        if (!int_to_i64(v, &sz)) {
            return false;
        }
        if (sz <= 0 || sz > INT_MAX) {
            exc_raise(exc_ValueError, sz <= 0 ? "buffer_size must be greater than zero"
                                              : "buffer_size must not be greater than %d", INT_MAX);
            return false;
        }
        if (!flush_buf(x)) {
            return false;
        }
        char *b = x->buf ? realloc(x->buf, (size_t)sz) : NULL;
        if (x->buf && !b) {
            exc_raise_nomem();
            return false;
        }
        x->buf = b;
        x->buf_size = (int)sz;
        return true;
    }
    bool *flag = strcmp(n, "buffer_text") == 0            ? &x->buffer_text
                 : strcmp(n, "ordered_attributes") == 0   ? &x->ordered_attributes
                 : strcmp(n, "specified_attributes") == 0 ? &x->specified_attributes
                 : strcmp(n, "namespace_prefixes") == 0   ? &x->namespace_prefixes
                                                          : NULL;
    if (!flag) {
        exc_raise_attr(self, name, "'pyexpat.xmlparser' object has no attribute '%s'", n);
        return false;
    }
    int t = obj_truthy(v);
    if (t < 0) {
        return false;
    }
    if (flag == &x->buffer_text) {
        if (t && !x->buf) {
            x->buf = malloc((size_t)x->buf_size);
            if (!x->buf) {
                exc_raise_nomem();
                return false;
            }
        } else if (!t && x->buf) {
            if (!flush_buf(x)) {
                return false;
            }
            free(x->buf);
            x->buf = NULL;
        }
    }
    if (flag == &x->namespace_prefixes) {
        XML_SetReturnNSTriplet(x->p, t);
    }
    *flag = t;
    return true;
}

static void xp_trace(Obj *o) {
    ObjXParser *x = (ObjXParser *)o;
    for (int i = 0; i < H_COUNT; i++) {
        gc_mark_value(x->handlers[i]);
    }
    gc_mark_value(x->intern);
    gc_mark_value(x->parent);
    gc_mark_obj((Obj *)x->et_cls);
    gc_mark_value(x->et_names);
    gc_mark_value(x->et_stack);
    gc_mark_value(x->et_root);
    gc_mark_value(x->et_last);
    gc_mark_value(x->et_append);
    gc_mark_value(x->et_ev_start);
    gc_mark_value(x->et_ev_end);
}

static void xp_finalize(Obj *o) {
    ObjXParser *x = (ObjXParser *)o;
    if (x->p) {
        XML_ParserFree(x->p);
        x->p = NULL;
    }
    free(x->buf);
    x->buf = NULL;
    free(x->et_text);
    x->et_text = NULL;
}

// ExternalEntityParserCreate(context, encoding=None): a parser for an
// external entity the document refers to (from ExternalEntityRefHandler),
// with this parser's handlers, intern dict and options, as CPython's.
static Value xp_extparser(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("ExternalEntityParserCreate", kw) || !arg_count("ExternalEntityParserCreate", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    const char *s[2] = {NULL, NULL};
    for (int i = 0; i < 2 && i + 1 < argc; i++) {
        Value v = argv[i + 1];
        if (IS_NONE(v)) {
            continue;
        }
        if (!IS_STR(v)) {
            return exc_raise(exc_TypeError, "ExternalEntityParserCreate() argument %d must be str or None, not %s",
                             i + 1, val_type_name(v));
        }
        s[i] = AS_STR(v)->data;
    }
    ObjXParser *parent = XP(argv[0]);
    if (!parent->p) {
        return exc_raise(exc_RuntimeError, "parser is closed");
    }
    ObjXParser *x = (ObjXParser *)obj_alloc(ST->cls_xparser, sizeof(ObjXParser));
    x->intern = parent->intern;
    x->parent = argv[0];
    x->buf_size = parent->buf_size;
    x->buffer_text = parent->buffer_text;
    x->ordered_attributes = parent->ordered_attributes;
    x->specified_attributes = parent->specified_attributes;
    x->namespace_prefixes = parent->namespace_prefixes;
    x->p = XML_ExternalEntityParserCreate(parent->p, s[0], s[1]);
    if (!x->p) {
        return exc_raise_nomem();
    }
    XML_SetUserData(x->p, x);
    XML_SetReturnNSTriplet(x->p, x->namespace_prefixes);
    for (int h = 0; h < H_COUNT; h++) {
        x->handlers[h] = parent->handlers[h];
        if (x->handlers[h]) {
            install(x, h, true);
        }
    }
    return OBJ_VAL(x);
}

static const MethodDef parser_methods[] = {
    {"Parse", xp_parse},
    {"ExternalEntityParserCreate", xp_extparser},
    {"ParseFile", xp_parsefile},
    {"SetParamEntityParsing", xp_setparam},
    {"UseForeignDTD", xp_useforeign},
    {"GetBase", xp_getbase},
    {"SetBase", xp_setbase},
    {"_etree_build", xp_etree_build},
    {"_etree_events", xp_etree_events},
    {"_etree_data", xp_etree_data},
    {"_etree_state", xp_etree_state},
    {NULL, NULL},
};

// ---- module functions

// An optional str argument (None or absent: NULL).
static bool opt_str(Value v, const char *what, const char **out) {
    *out = NULL;
    if (!v || IS_NONE(v)) {
        return true;
    }
    if (!IS_STR(v)) {
        exc_raise(exc_TypeError, "ParserCreate() argument '%s' must be str or None, not %s", what,
                  val_type_name(v));
        return false;
    }
    *out = AS_STR(v)->data;
    return true;
}

// ParserCreate(encoding=None, namespace_separator=None, intern=<new dict>)
static Value px_create(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"encoding", "namespace_separator", "intern"};
    Value a[3] = {VAL_NULL, VAL_NULL, VAL_NULL};
    if (argc > 3) {
        return exc_raise(exc_TypeError, "ParserCreate() takes at most 3 arguments (%d given)", argc);
    }
    for (int i = 0; i < argc; i++) {
        a[i] = argv[i];
    }
    if (kw) {
        for (size_t k = 0; k < kw->nentries; k++) {
            DictEntry *e = &kw->entries[k];
            if (!e->key) {
                continue;
            }
            int i = 0;
            while (i < 3 && strcmp(names[i], AS_STR(e->key)->data) != 0) {
                i++;
            }
            if (i == 3) {
                return exc_raise(exc_TypeError, "ParserCreate() got an unexpected keyword argument '%s'",
                                 AS_STR(e->key)->data);
            }
            a[i] = e->value;
        }
    }
    const char *enc, *sep;
    if (!opt_str(a[0], "encoding", &enc) || !opt_str(a[1], "namespace_separator", &sep)) {
        return VAL_NULL;
    }
    if (sep && strlen(sep) > 1) {
        return exc_raise(exc_ValueError, "namespace_separator must be at most one character, omitted, or None");
    }
    if (a[2] && !IS_NONE(a[2]) && !IS_A(a[2], cls_dict)) {
        return exc_raise(exc_TypeError, "intern must be a dictionary");
    }
    Value intern = a[2] ? (IS_NONE(a[2]) ? VAL_NULL : a[2]) : dict_new();
    gc_push_root(intern);
    ObjXParser *x = (ObjXParser *)obj_alloc(ST->cls_xparser, sizeof(ObjXParser));
    x->intern = intern;
    gc_pop_root(1);
    x->buf_size = 8192;
    x->p = sep ? XML_ParserCreateNS(enc, sep[0]) : XML_ParserCreate(enc);
    if (!x->p) {
        return exc_raise_nomem();
    }
    XML_SetUserData(x->p, x);
    XML_SetUnknownEncodingHandler(x->p, NULL, NULL);
    return OBJ_VAL(x);
}

static Value px_errorstring(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int64_t code;
    if (argc != 1 || !int_to_i64(argv[0], &code)) {
        return argc != 1 ? exc_raise(exc_TypeError, "ErrorString() takes exactly one argument (%d given)", argc)
                         : VAL_NULL;
    }
    return ustr(XML_ErrorString((enum XML_Error)code));
}

static const MethodDef pyexpat_fns[] = {
    {"ParserCreate", px_create, true},
    {"ErrorString", px_errorstring},
    {NULL, NULL},
};

#define ERR(n) {#n, n}
static const struct {
    const char *name;
    int code;
} xml_errors[] = {
    ERR(XML_ERROR_NO_MEMORY), ERR(XML_ERROR_SYNTAX), ERR(XML_ERROR_NO_ELEMENTS), ERR(XML_ERROR_INVALID_TOKEN),
    ERR(XML_ERROR_UNCLOSED_TOKEN), ERR(XML_ERROR_PARTIAL_CHAR), ERR(XML_ERROR_TAG_MISMATCH),
    ERR(XML_ERROR_DUPLICATE_ATTRIBUTE), ERR(XML_ERROR_JUNK_AFTER_DOC_ELEMENT), ERR(XML_ERROR_PARAM_ENTITY_REF),
    ERR(XML_ERROR_UNDEFINED_ENTITY), ERR(XML_ERROR_RECURSIVE_ENTITY_REF), ERR(XML_ERROR_ASYNC_ENTITY),
    ERR(XML_ERROR_BAD_CHAR_REF), ERR(XML_ERROR_BINARY_ENTITY_REF), ERR(XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF),
    ERR(XML_ERROR_MISPLACED_XML_PI), ERR(XML_ERROR_UNKNOWN_ENCODING), ERR(XML_ERROR_INCORRECT_ENCODING),
    ERR(XML_ERROR_UNCLOSED_CDATA_SECTION), ERR(XML_ERROR_EXTERNAL_ENTITY_HANDLING), ERR(XML_ERROR_NOT_STANDALONE),
    ERR(XML_ERROR_UNEXPECTED_STATE), ERR(XML_ERROR_ENTITY_DECLARED_IN_PE), ERR(XML_ERROR_FEATURE_REQUIRES_XML_DTD),
    ERR(XML_ERROR_CANT_CHANGE_FEATURE_ONCE_PARSING), ERR(XML_ERROR_UNBOUND_PREFIX),
    ERR(XML_ERROR_UNDECLARING_PREFIX), ERR(XML_ERROR_INCOMPLETE_PE), ERR(XML_ERROR_XML_DECL),
    ERR(XML_ERROR_TEXT_DECL), ERR(XML_ERROR_PUBLICID), ERR(XML_ERROR_SUSPENDED), ERR(XML_ERROR_NOT_SUSPENDED),
    ERR(XML_ERROR_ABORTED), ERR(XML_ERROR_FINISHED), ERR(XML_ERROR_SUSPEND_PE), ERR(XML_ERROR_RESERVED_PREFIX_XML),
    ERR(XML_ERROR_RESERVED_PREFIX_XMLNS), ERR(XML_ERROR_RESERVED_NAMESPACE_URI), ERR(XML_ERROR_INVALID_ARGUMENT),
    ERR(XML_ERROR_NO_BUFFER), ERR(XML_ERROR_AMPLIFICATION_LIMIT_BREACH),
};

static const struct {
    const char *name;
    int value;
} model_consts[] = {
    ERR(XML_CTYPE_EMPTY), ERR(XML_CTYPE_ANY), ERR(XML_CTYPE_MIXED), ERR(XML_CTYPE_NAME), ERR(XML_CTYPE_CHOICE),
    ERR(XML_CTYPE_SEQ), ERR(XML_CQUANT_NONE), ERR(XML_CQUANT_OPT), ERR(XML_CQUANT_REP), ERR(XML_CQUANT_PLUS),
};

static void set(ObjDict *d, const char *name, Value v) {
    gc_push_root(v);
    dict_set_str(d, AS_STR(str_intern_c(name)), v);
    gc_pop_root(1);
}

// pyexpat.errors: the messages by name, codes (message -> code) and
// messages (code -> message).
static Value errors_module(void) {
    Value m = module_new("pyexpat.errors");
    gc_push_root(m);
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    Value codes = dict_new();
    set(d, "codes", codes);
    Value msgs = dict_new();
    set(d, "messages", msgs);
    set(d, "__doc__", str_from_c("Constants used to describe error conditions."));
    for (size_t i = 0; i < sizeof xml_errors / sizeof xml_errors[0]; i++) {
        Value s = ustr(XML_ErrorString((enum XML_Error)xml_errors[i].code));
        set(d, xml_errors[i].name, s);
        if (dict_set(AS_DICT(codes), s, MK_SMALL(xml_errors[i].code)) < 0 ||
            dict_set(AS_DICT(msgs), MK_SMALL(xml_errors[i].code), s) < 0) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return m;
}

static Value model_module(void) {
    Value m = module_new("pyexpat.model");
    gc_push_root(m);
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    set(d, "__doc__", str_from_c("Constants used to interpret content model information."));
    for (size_t i = 0; i < sizeof model_consts / sizeof model_consts[0]; i++) {
        set(d, model_consts[i].name, MK_SMALL(model_consts[i].value));
    }
    gc_pop_root(1);
    return m;
}

static void mark_pyexpat(void) {
    gc_mark_value(ST->expat_error);
}

Value mod_pyexpat_init(void) {
    if (!ST->cls_xparser) {
        ObjClass *c = class_new_builtin("xmlparser", NULL, sizeof(ObjXParser), parser_methods);
        c->module = str_intern_c("pyexpat");
        c->flags &= ~(uint32_t)CLS_BASETYPE;
        c->new_ = NULL;
        c->finalize = xp_finalize;
        c->trace = xp_trace;
        c->getattr = xp_getattr;
        c->setattr = xp_setattr;
        ST->cls_xparser = c;
    }
    if (!ST->expat_error) {
        ObjTuple *bases = AS_TUPLE(tuple_pack(1, OBJ_VAL(exc_Exception)));
        gc_push_root(OBJ_VAL(bases));
        Value ns = dict_new();
        gc_push_root(ns);
        dict_set_str(AS_DICT(ns), str_intern_c("__module__"), str_from_c("xml.parsers.expat"));
        ST->expat_error = class_create(str_intern_c("ExpatError"), bases, AS_DICT(ns));
        gc_pop_root(2);
        gc_add_root_marker(mark_pyexpat);
    }
    Value m = module_new("pyexpat");
    gc_push_root(m);
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, NULL, pyexpat_fns);
    set(d, "error", ST->expat_error);
    set(d, "ExpatError", ST->expat_error);
    set(d, "XMLParserType", OBJ_VAL(ST->cls_xparser));
    set(d, "EXPAT_VERSION", str_from_c(XML_ExpatVersion()));
    XML_Expat_Version ver = XML_ExpatVersionInfo();
    set(d, "version_info", tuple_pack(3, MK_SMALL(ver.major), MK_SMALL(ver.minor), MK_SMALL(ver.micro)));
    set(d, "native_encoding", str_from_c("UTF-8"));
    set(d, "XML_PARAM_ENTITY_PARSING_NEVER", MK_SMALL(XML_PARAM_ENTITY_PARSING_NEVER));
    set(d, "XML_PARAM_ENTITY_PARSING_UNLESS_STANDALONE", MK_SMALL(XML_PARAM_ENTITY_PARSING_UNLESS_STANDALONE));
    set(d, "XML_PARAM_ENTITY_PARSING_ALWAYS", MK_SMALL(XML_PARAM_ENTITY_PARSING_ALWAYS));
    Value feats = list_new(8);
    set(d, "features", feats);
    for (const XML_Feature *f = XML_GetFeatureList(); f && f->feature != XML_FEATURE_END; f++) {
        Value n = str_from_c(f->name);
        gc_push_root(n);
        Value t = tuple_pack(2, n, MK_SMALL(f->value));
        gc_pop_root(1);
        if (!t || !list_append(AS_LIST(feats), t)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    Value em = errors_module();
    if (!em) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    set(d, "errors", em);
    set(d, "model", model_module());
    gc_pop_root(1);
    return m;
}
