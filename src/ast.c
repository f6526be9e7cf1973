// ast.c: the arena that owns every node of a parse, node and list helpers
// for the parser actions, kind names, and ast_dump, the stable text form of
// a tree that the unit tests compare against.
//
// Dump format: one S-expression per node, "(KIND attrs children)". Attrs
// are the string fields and the decoded op/flag (ctx "store"/"del",
// "async", operator symbols). Children come in field order a, b, c, list,
// list2, list3, list4, but only the fields that ast.def names for the kind;
// a missing child prints as "_" and a list as "[...]".
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontend.h"

// ---- arena

// Chunks are chained; big requests get a chunk of their own.
typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;
    max_align_t data[];
} Chunk;

struct Arena {
    Chunk *head;
};

#define CHUNK_SIZE (64 * 1024 - 64)

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (p == NULL) {
        fputs("pyish: out of memory\n", stderr);
        abort();
    }
    return p;
}

size_t src_offset(const char *src, size_t len, int line, int col) {
    size_t i = 0;
    for (int l = 1; l < line && i < len; i++) {
        if (src[i] == '\n') {
            l++;
        }
    }
    return i + (size_t)col <= len ? i + (size_t)col : len;
}

Arena *arena_new(void) {
    Arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    return a;
}

void *arena_alloc(Arena *arena, size_t size) {
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    Chunk *c = arena->head;
    if (c == NULL || c->size - c->used < size) {
        size_t cap = size > CHUNK_SIZE / 2 ? size : CHUNK_SIZE;
        c = xmalloc(sizeof(Chunk) + cap);
        c->size = cap;
        c->used = 0;
        if (size > CHUNK_SIZE / 2 && arena->head != NULL) {
            // Keep the current small chunk in front: it still has room.
            c->next = arena->head->next;
            arena->head->next = c;
        } else {
            c->next = arena->head;
            arena->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(Arena *arena, const char *s, size_t n) {
    char *d = arena_alloc(arena, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void arena_free(Arena *arena) {
    if (arena == NULL) {
        return;
    }
    Chunk *c = arena->head;
    while (c != NULL) {
        Chunk *next = c->next;
        free(c);
        c = next;
    }
    free(arena);
}

// ---- nodes

Ast *ast_new(Parser *p, AstKind kind, SrcLoc loc) {
    Ast *n = arena_alloc(p->arena, sizeof *n);
    n->kind = kind;
    n->loc = loc;
    return n;
}

void ast_list_push(Parser *p, AstList *list, Ast *item) {
    if (list->len == list->cap) {
        int cap = list->cap ? list->cap * 2 : 4;
        Ast **items = arena_alloc(p->arena, sizeof(Ast *) * (size_t)cap);
        if (list->len) {
            memcpy(items, list->items, sizeof(Ast *) * (size_t)list->len);
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->len++] = item;
}

static const char *const kind_names[] = {
#define AST(name, doc) #name,
#include "ast.def"
#undef AST
};

static const char *const kind_docs[] = {
#define AST(name, doc) doc,
#include "ast.def"
#undef AST
};

const char *ast_kind_name(AstKind kind) {
    if ((unsigned)kind >= AST__COUNT) {
        return "?";
    }
    return kind_names[kind];
}

// ---- dump

typedef struct Buf {
    char *s;
    size_t len, cap;
} Buf;

static void buf_put(Buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *ns = realloc(b->s, cap);
        if (ns == NULL) {
            fputs("pyish: out of memory\n", stderr);
            abort();
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_puts(Buf *b, const char *s) {
    buf_put(b, s, strlen(s));
}

static void buf_printf(Buf *b, const char *fmt, ...) {
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_put(b, tmp, (size_t)n);
}

// Whether the doc line of [kind] names field [field] ("a", "list2", ...).
static bool uses(AstKind kind, const char *field) {
    const char *doc = kind_docs[kind];
    size_t n = strlen(field);
    for (const char *s = doc; (s = strstr(s, field)) != NULL; s++) {
        bool start = s == doc || s[-1] == ' ' || s[-1] == ',' || s[-1] == ';';
        if (start && s[n] == '=') {
            return true;
        }
    }
    return false;
}

// Writes [s] as a single-quoted literal with C-like escapes.
static void dump_quoted(Buf *b, const char *s, size_t n) {
    buf_puts(b, "'");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\n': buf_puts(b, "\\n"); break;
        case '\t': buf_puts(b, "\\t"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\'': buf_puts(b, "\\'"); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                buf_printf(b, "\\x%02x", c);
            } else {
                buf_put(b, (const char *)&c, 1);
            }
        }
    }
    buf_puts(b, "'");
}

static void dump(Buf *b, const Ast *n);

static void dump_list(Buf *b, const AstList *l) {
    buf_puts(b, " [");
    for (int i = 0; i < l->len; i++) {
        if (i) {
            buf_puts(b, " ");
        }
        if (l->items[i] == NULL) {
            buf_puts(b, "_");
        } else {
            dump(b, l->items[i]);
        }
    }
    buf_puts(b, "]");
}

static void dump_child(Buf *b, const Ast *n) {
    buf_puts(b, " ");
    if (n == NULL) {
        buf_puts(b, "_");
    } else {
        dump(b, n);
    }
}

// Recursion depth is bounded by FE_MAX_DEPTH for trees from parse_source.
static void dump(Buf *b, const Ast *n) {
    AstKind k = n->kind;
    buf_puts(b, "(");
    buf_puts(b, ast_kind_name(k));
    switch (k) {
    case AST_CONST_STR:
    case AST_CONST_BYTES:
        buf_puts(b, " ");
        dump_quoted(b, n->str ? n->str : "", n->slen);
        break;
    case AST_IMPORT_FROM:
        buf_printf(b, " %s level=%d", n->str ? n->str : "_", n->op);
        break;
    case AST_KEYWORD:
    case AST_EXCEPT_HANDLER:
        buf_printf(b, " %s", n->str ? n->str : "_");
        break;
    case AST_ALIAS:
        buf_printf(b, " %s", n->str);
        if (n->str2) {
            buf_printf(b, " as %s", n->str2);
        }
        break;
    default:
        if (n->str && uses(k, "str")) {
            buf_printf(b, " %s", n->str);
        }
    }
    switch (k) {
    case AST_BINOP:
    case AST_AUGASSIGN:
        buf_printf(b, " %s", (unsigned)n->op < BIN__COUNT ? ops_bin_symbol[n->op] : "?");
        break;
    case AST_UNARYOP:
        buf_printf(b, " %s", ops_unary_symbol[n->op & 3]);
        break;
    case AST_BOOLOP:
        buf_puts(b, n->op == BOOL_AND ? " and" : " or");
        break;
    case AST_FORMATTED_VALUE:
        if (n->op) {
            buf_printf(b, " !%c", n->op);
        }
        break;
    default:
        break;
    }
    switch (k) {
    case AST_NAME:
    case AST_TUPLE:
    case AST_LIST:
    case AST_STARRED:
    case AST_ATTRIBUTE:
    case AST_SUBSCRIPT:
        if (n->flag == CTX_STORE) {
            buf_puts(b, " store");
        } else if (n->flag == CTX_DEL) {
            buf_puts(b, " del");
        }
        break;
    case AST_FOR:
    case AST_WITH:
    case AST_FUNCDEF:
    case AST_COMPREHENSION:
        if (n->flag) {
            buf_puts(b, " async");
        }
        break;
    case AST_EXPR_STMT:
        if (n->flag) {
            buf_puts(b, " echo");
        }
        break;
    case AST_ARGUMENTS:
        if (n->flag) {
            buf_printf(b, " posonly=%d", n->flag);
        }
        break;
    default:
        break;
    }
    if (k == AST_COMPARE) {
        dump_child(b, n->a);
        for (int i = 0; i < n->list.len; i++) {
            buf_printf(b, " %s", ops_cmp_symbol[n->ops[i]]);
            dump_child(b, n->list.items[i]);
        }
        buf_puts(b, ")");
        return;
    }
    if (uses(k, "a")) {
        dump_child(b, n->a);
    }
    if (uses(k, "b")) {
        dump_child(b, n->b);
    }
    if (uses(k, "c")) {
        dump_child(b, n->c);
    }
    if (uses(k, "list")) {
        dump_list(b, &n->list);
    }
    if (uses(k, "list2")) {
        dump_list(b, &n->list2);
    }
    if (uses(k, "list3")) {
        dump_list(b, &n->list3);
    }
    if (uses(k, "list4")) {
        dump_list(b, &n->list4);
    }
    buf_puts(b, ")");
}

char *ast_dump(const Ast *node) {
    Buf b = {0};
    buf_puts(&b, "");
    if (node == NULL) {
        buf_puts(&b, "_");
    } else {
        dump(&b, node);
    }
    return b.s;
}

bool ast_is_compound(const Ast *stmt) {
    switch (stmt->kind) {
    case AST_IF:
    case AST_WHILE:
    case AST_FOR:
    case AST_TRY:
    case AST_WITH:
    case AST_MATCH:
    case AST_FUNCDEF:
    case AST_CLASSDEF:
        return true;
    default:
        return false;
    }
}
