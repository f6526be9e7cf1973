// traceback.c: printing an uncaught exception as CPython does: the chain of
// causes and contexts, "Traceback (most recent call last):", one
// File/line/function entry per frame with its source line, then the
// exception's type and message. Also maps SystemExit to an exit status.
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include "interp.h"
#include "ast.h"
#include "code.h"
#include "vm.h"
#include "runtime.h"
#include "gc.h"
#include "containers.h"
#include "diag.h"
#include "module.h"
#include "class.h"

// Line [line] of [file] as it is (without its newline) into [*start, *len];
// false if unavailable. The text stays valid until another file is read.
static bool source_raw(const char *file, int line, const char **start, size_t *len) {
    if (!file || file[0] == '<' || line <= 0) {
        return false;
    }
    if (!ST->tb_cached_name || strcmp(ST->tb_cached_name, file) != 0) {
        free(ST->tb_cached_name);
        free(ST->tb_cached_src);
        ST->tb_cached_name = strdup(file);
        ST->tb_cached_src = interp_read_file(file, &ST->tb_cached_len);
    }
    if (!ST->tb_cached_src) {
        return false;
    }
    const char *p = ST->tb_cached_src, *end = ST->tb_cached_src + ST->tb_cached_len;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            return false;
        }
        p = nl + 1;
    }
    if (p >= end) {
        return false;
    }
    const char *e = p;
    while (e < end && *e != '\n' && *e != '\r') {
        e++;
    }
    *start = p;
    *len = (size_t)(e - p);
    return true;
}

// Line [line] of [file] into [buf], without its indentation, and without
// trailing blanks too if [rstrip] (the traceback module's lines are
// stripped; CPython's printer of uncaught exceptions keeps trailing blanks);
// false if unavailable.
static bool source_line_into(const char *file, int line, bool rstrip, char *buf, size_t size) {
    const char *p, *e;
    size_t rawlen;
    if (!source_raw(file, line, &p, &rawlen)) {
        return false;
    }
    e = p + rawlen;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\f')) {
        p++;
    }
    while (rstrip && e > p && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    size_t n = (size_t)(e - p);
    if (n >= size) {
        n = size - 1;
    }
    memcpy(buf, p, n);
    buf[n] = 0;
    return true;
}

// Reads line [line] of [file] (stripped) into [buf]; false if unavailable.
bool tb_source_line(const char *file, int line, char *buf, size_t size) {
    return source_line_into(file, line, true, buf, size);
}

// How deep inside exception groups the printer is, as CPython's
// exception_print_context: lines inside a group get "  " per level and a
// "| " margin; [need_close] says the closing "+---" line is still owed.
typedef struct {
    int depth;
    bool need_close;
    FILE *out;
    bool no_tb;         // the traceback module's format_exception_only
    bool no_header;     // its format_tb: the entries without the header line
    Value seen[128];    // the exceptions printed so far: a cause or context
    int nseen;          // already among them is left out (a cycle prints once)
} PrintCtx;

enum { MAX_GROUP_WIDTH = 15, MAX_GROUP_DEPTH = 10 };

// Writes the indent and margin for one line at the context's depth.
static void margin(PrintCtx *ctx, const char *m) {
    fprintf(ctx->out, "%*s", 2 * ctx->depth, "");
    if (ctx->depth > 0) {
        fputs(m ? m : "| ", ctx->out);
    }
}

enum { TB_LIMIT = 1000, TB_RECURSIVE_CUTOFF = 3 };

static void print_repeated(PrintCtx *ctx, long cnt) {
    if (cnt > TB_RECURSIVE_CUTOFF) {
        cnt -= TB_RECURSIVE_CUTOFF;
        margin(ctx, NULL);
        fprintf(ctx->out, "  [Previous line repeated %ld more time%s]\n", cnt, cnt > 1 ? "s" : "");
    }
}

// ---- PEP 657 carets, as CPython 3.11's tb_displayline draws them

static size_t char_offset(const char *s, size_t nbytes) {
    size_t n = 0;
    for (size_t i = 0; i < nbytes; i++) {
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return n;
}

// The secondary range of a source segment (byte offsets in it): a binary
// operation's operator or a subscript's brackets, found by parsing the
// segment as a statement; false when it is neither.
static bool tb_caret_anchors(const char *seg, size_t len, size_t *left, size_t *right) {
    Arena *arena = NULL;
    ParseError perr;
    memset(&perr, 0, sizeof perr);
    Ast *tree = parse_source(seg, len, PARSE_FILE, &arena, &perr);
    bool found = false;
    if (tree && tree->list.len == 1 && tree->list.items[0]->kind == AST_EXPR_STMT) {
        Ast *e = tree->list.items[0]->a;
        if (e->kind == AST_BINOP && e->a->loc.end_line == 1 && e->b->loc.line == 1) {
            for (int i = e->a->loc.end_col; i < e->b->loc.col && (size_t)i < len; i++) {
                if (seg[i] == ' ' || seg[i] == '\t' || seg[i] == '\f' || seg[i] == '\n') {
                    continue;
                }
                *left = (size_t)i;
                *right = (size_t)i + 1;
                if (i + 1 < e->b->loc.col && seg[i + 1] != ' ' && seg[i + 1] != '\t' && seg[i + 1] != '\f') {
                    (*right)++;
                }
                found = true;
                break;
            }
        } else if (e->kind == AST_SUBSCRIPT && e->a->loc.end_line == 1 && e->b->loc.end_line == 1) {
            *left = (size_t)e->a->loc.end_col;
            *right = (size_t)e->b->loc.end_col + 1;
            found = *right <= len;
        }
    }
    if (arena) {
        arena_free(arena);
    }
    return found;
}

// The caret line under source line [line] of [code]'s file for the
// instruction at [lasti] (2 * its offset), into [out] ("" when none: the
// range is unknown or covers the whole line).
static void caret_line(ObjCode *code, int lasti, int line, char *out, size_t size) {
    out[0] = 0;
    int l0, l1, c0, c1;
    if (lasti < 0 || !code_span(code, (uint32_t)lasti / 2, &l0, &l1, &c0, &c1) || l0 != line) {
        return;
    }
    const char *raw;
    size_t len;
    if (!source_raw(code->filename->data, line, &raw, &len) || (size_t)c0 > len || (l1 == l0 && c1 < c0)) {
        return;
    }
    size_t indent = 0;
    while (indent < len && (raw[indent] == ' ' || raw[indent] == '\t' || raw[indent] == '\f')) {
        indent++;
    }
    size_t stop = len;
    while (stop > indent && (raw[stop - 1] == ' ' || raw[stop - 1] == '\t')) {
        stop--;
    }
    size_t b1 = l1 == l0 ? ((size_t)c1 < len ? (size_t)c1 : len) : stop;    // multi-line: to the line's end
    size_t start = char_offset(raw, (size_t)c0), end = char_offset(raw, b1);
    size_t left = 0, right = 0;
    bool anchors = l1 == l0 && tb_caret_anchors(raw + c0, b1 - (size_t)c0, &left, &right);
    if (anchors) {
        left = char_offset(raw + c0, left);
        right = char_offset(raw + c0, right);
    }
    // as CPython's tb_displayline: trailing blanks count as part of the line
    size_t stripped_len = char_offset(raw + indent, len - indent);
    if (end - start == stripped_len && !anchors) {
        return;
    }
    size_t ind = char_offset(raw, indent), k = 0;
    for (size_t i = ind; i < start && k + 1 < size; i++) {
        out[k++] = ' ';
    }
    for (size_t i = start; i < end && k + 1 < size; i++) {
        size_t rel = i - start;
        out[k++] = !anchors ? '^' : rel >= left && rel < right ? '^' : '~';
    }
    out[k] = 0;
}

// The entries of traceback chain [tb], outermost first, into [codes] and
// [lines] (at most [max]; the innermost ones when there are more). Returns
// how many.
static size_t tb_entries(Value tb, ObjCode **codes, int *lines, int *lastis, size_t max) {
    size_t n = 0, total = 0;
    Value code, next;
    int line, lasti;
    for (Value t = tb; t && traceback_entry(t, &code, &line, &lasti, &next); t = next) {
        if (IS_OBJ(code) && AS_OBJ(code)->cls == cls_code) {
            codes[n % max] = (ObjCode *)AS_OBJ(code);
            lines[n % max] = line;
            lastis[n % max] = lasti;
            n++;
        }
    }
    total = n;
    if (total > max) {
        // rotate the ring so that the oldest kept entry comes first
        size_t start = total % max;
        ObjCode **c2 = malloc(sizeof *c2 * max);
        int *l2 = malloc(sizeof *l2 * max), *a2 = malloc(sizeof *a2 * max);
        for (size_t i = 0; i < max; i++) {
            c2[i] = codes[(start + i) % max];
            l2[i] = lines[(start + i) % max];
            a2[i] = lastis[(start + i) % max];
        }
        memcpy(codes, c2, sizeof *c2 * max);
        memcpy(lines, l2, sizeof *l2 * max);
        memcpy(lastis, a2, sizeof *a2 * max);
        free(c2);
        free(l2);
        free(a2);
        total = max;
    }
    return total;
}

static void print_tb(PrintCtx *ctx, Value exc, bool group) {
    ObjException *e = AS_EXC(exc);
    if (!e->traceback || !IS_A(e->traceback, cls_traceback) || ctx->no_tb) {
        return;
    }
    // an int sys.tracebacklimit keeps that many innermost entries (none,
    // nor the header, when it is not positive), as CPython's PyTraceBack_Print
    size_t limit = TB_LIMIT;
    Value lv = sys_current("tracebacklimit");
    if (lv && int_check(lv)) {
        int64_t l;
        if (!int_to_i64(lv, &l)) {
            exc_clear();
            l = int_float_cmp(lv, 0.0) > 0 ? TB_LIMIT : 0;
        }
        if (l <= 0) {
            return;
        }
        if (l < TB_LIMIT) {
            limit = (size_t)l;
        }
    }
    if (!ctx->no_header) {
        margin(ctx, group && ctx->depth == 1 ? "+ " : NULL);
        fprintf(ctx->out, "%s (most recent call last):\n", group ? "Exception Group Traceback" : "Traceback");
    }
    // As CPython: only the innermost TB_LIMIT entries, and a run of more
    // than TB_RECURSIVE_CUTOFF identical entries is summarized.
    ObjCode **codes = malloc(sizeof *codes * TB_LIMIT);
    int *lines = malloc(sizeof *lines * TB_LIMIT), *lastis = malloc(sizeof *lastis * TB_LIMIT);
    size_t nentries = tb_entries(e->traceback, codes, lines, lastis, limit);
    ObjCode *last_code = NULL;
    int last_line = -1;
    long cnt = 0;
    for (size_t k = 0; k < nentries; k++) {
        ObjCode *code = codes[k];
        int line = lines[k];
        bool same = last_code && line == last_line && strcmp(code->filename->data, last_code->filename->data) == 0
                    && strcmp(code->name->data, last_code->name->data) == 0;
        if (!same) {
            print_repeated(ctx, cnt);
            last_code = code;
            last_line = line;
            cnt = 0;
        }
        cnt++;
        if (cnt > TB_RECURSIVE_CUTOFF) {
            continue;
        }
        margin(ctx, NULL);
        fprintf(ctx->out, "  File \"%s\", line %d, in %s\n", code->filename->data, line, code->name->data);
        char buf[4096];
        if (source_line_into(code->filename->data, line, false, buf, sizeof buf) && buf[0]) {
            margin(ctx, NULL);
            fprintf(ctx->out, "    %s\n", buf);
            caret_line(code, lastis[k], line, buf, sizeof buf);
            if (buf[0]) {
                margin(ctx, NULL);
                fprintf(ctx->out, "    %s\n", buf);
            }
        }
    }
    print_repeated(ctx, cnt);
    free(codes);
    free(lines);
    free(lastis);
}

// PEP 678: the strings of __notes__, one per line after the message.
static void print_notes(PrintCtx *ctx, Value exc) {
    Value notes = obj_getattr_opt(exc, AS_STR(str_from_c("__notes__")));
    if (!notes) {
        exc_clear();
        return;
    }
    Value *items = NULL;
    size_t n = 0;
    if (IS_LIST(notes)) {
        items = AS_LIST(notes)->items;
        n = AS_LIST(notes)->len;
    } else if (IS_TUPLE(notes)) {
        items = AS_TUPLE(notes)->items;
        n = AS_TUPLE(notes)->len;
    } else {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        Value s = IS_STR(items[i]) ? items[i] : obj_str(items[i]);
        if (!s) {
            exc_clear();
            continue;
        }
        const char *p = AS_STR(s)->data;
        const char *nl;
        while ((nl = strchr(p, '\n')) != NULL) {
            margin(ctx, NULL);
            fwrite(p, 1, (size_t)(nl - p + 1), ctx->out);
            p = nl + 1;
        }
        margin(ctx, NULL);
        fprintf(ctx->out, "%s\n", p);
    }
}

// ---- "Did you mean" suggestions, CPython 3.11's algorithm
// (Python/suggestions.c): a Levenshtein distance where a case change costs 1
// and any other edit 2, no more than about a third of the characters changed.
#define MOVE_COST 2
#define CASE_COST 1
#define MAX_STRING_SIZE 40
#define MAX_CANDIDATES 750

static int subst_cost(char a, char b) {
    if (a == b) {
        return 0;
    }
    if ((a | 32) == (b | 32) && ((a | 32) >= 'a' && (a | 32) <= 'z')) {
        return CASE_COST;
    }
    return MOVE_COST;
}

static int levenshtein(const char *a, size_t alen, const char *b, size_t blen, int max_cost) {
    if (alen == blen && memcmp(a, b, alen) == 0) {
        return 0;
    }
    while (alen && blen && a[0] == b[0]) {
        a++, b++, alen--, blen--;
    }
    while (alen && blen && a[alen - 1] == b[blen - 1]) {
        alen--, blen--;
    }
    if (alen == 0 || blen == 0) {
        return MOVE_COST * (int)(alen + blen);
    }
    if (alen > MAX_STRING_SIZE || blen > MAX_STRING_SIZE) {
        return max_cost + 1;
    }
    if (blen < alen) {
        const char *t = a;
        a = b;
        b = t;
        size_t tl = alen;
        alen = blen;
        blen = tl;
    }
    if ((int)(blen - alen) * MOVE_COST > max_cost) {
        return max_cost + 1;
    }
    int row[MAX_STRING_SIZE];
    for (size_t i = 0; i < alen; i++) {
        row[i] = (int)(i + 1) * MOVE_COST;
    }
    int result = 0;
    for (size_t bi = 0; bi < blen; bi++) {
        int distance = result = (int)bi * MOVE_COST;
        int minimum = 1 << 30;
        for (size_t i = 0; i < alen; i++) {
            int substitute = distance + subst_cost(b[bi], a[i]);
            distance = row[i];
            int insert_delete = (result < distance ? result : distance) + MOVE_COST;
            result = insert_delete < substitute ? insert_delete : substitute;
            row[i] = result;
            if (result < minimum) {
                minimum = result;
            }
        }
        if (minimum > max_cost) {
            return max_cost + 1;
        }
    }
    return result;
}

// The candidate closest to [wrong], or VAL_NULL (CPython's rules).
static Value suggest(ObjStr *wrong, Value *cands, size_t n) {
    if (n > MAX_CANDIDATES || wrong->len > MAX_STRING_SIZE) {
        return VAL_NULL;
    }
    int best = 1 << 30;     // C's calculate_suggestions (traceback.py's starts at len(name))
    Value suggestion = VAL_NULL;
    for (size_t i = 0; i < n; i++) {
        if (!IS_STR(cands[i])) {
            continue;
        }
        ObjStr *c = AS_STR(cands[i]);
        if (str_eq(c, wrong)) {
            continue;
        }
        int max_distance = (int)(c->len + wrong->len + 3) * MOVE_COST / 6;
        if (max_distance > best - 1) {
            max_distance = best - 1;
        }
        int d = levenshtein(wrong->data, wrong->len, c->data, c->len, max_distance);
        if (d > max_distance) {
            continue;
        }
        if (!suggestion || d < best) {
            suggestion = cands[i];
            best = d;
        }
    }
    return suggestion;
}

static void add_keys(ObjList *out, ObjDict *d) {
    size_t pos = 0;
    Value k;
    while (d && dict_next(d, &pos, &k, NULL)) {
        list_append(out, k);
    }
}

// NameError raised in [f]: what its suggestion needs later, kept cheap at
// raise time (a NameError may be caught in a loop): the names bound in the
// frame, and its globals. The Levenshtein search runs only when printing.
Value tb_name_context(Frame *f) {
    if (!f) {
        return VAL_NULL;
    }
    ObjCode *co = f->code;
    ObjList *names = AS_LIST(list_new((size_t)(co->nlocals + co->ncells + co->nfree)));
    gc_push_root(OBJ_VAL(names));
    if (f->locals_dict && f->locals_dict != f->globals && class_is_subclass(f->locals_dict->hdr.cls, cls_dict)) {
        add_keys(names, f->locals_dict);
    }
    for (int i = 0; i < co->nlocals; i++) {
        if (f->slots[i]) {
            list_append(names, co->varnames->items[i]);
        }
    }
    for (int i = 0; i < co->ncells; i++) {
        list_append(names, co->cellvars->items[i]);
    }
    for (int i = 0; i < co->nfree; i++) {
        list_append(names, co->freevars->items[i]);
    }
    Value ctx = tuple_pack(2, OBJ_VAL(names), OBJ_VAL(f->globals));
    gc_pop_root(1);
    return ctx;
}

// The suggestion for a NameError on [name] raised with context [ctx]
// (locals, then globals, then builtins, as CPython searches them).
static Value name_suggestion(Value ctx, ObjStr *name) {
    ObjList *cands = AS_LIST(list_new(64));
    gc_push_root(OBJ_VAL(cands));
    if (ctx && IS_TUPLE(ctx)) {
        ObjList *locals = AS_LIST(AS_TUPLE(ctx)->items[0]);
        for (size_t i = 0; i < locals->len; i++) {
            list_append(cands, locals->items[i]);
        }
        add_keys(cands, AS_DICT(AS_TUPLE(ctx)->items[1]));
    }
    add_keys(cands, ST->builtins);
    Value s = suggest(name, cands->items, cands->len);
    gc_pop_root(1);
    return s;
}

// AttributeError on [obj]: the suggestion among dir(obj)'s names.
static Value attr_suggestion(Value obj, ObjStr *name) {
    ObjList *cands = AS_LIST(list_new(64));
    gc_push_root(OBJ_VAL(cands));
    if (IS_A(obj, cls_module)) {
        add_keys(cands, ((ObjModule *)AS_OBJ(obj))->dict);
    } else {
        ObjDict *d = obj_instance_dict(obj);
        add_keys(cands, d);
        ObjClass *c = IS_CLASS(obj) ? AS_CLASS(obj) : val_class(obj);
        for (size_t i = 0; c->mro && i < c->mro->len; i++) {
            add_keys(cands, AS_CLASS(c->mro->items[i])->dict);
        }
    }
    // dir() is sorted: ties go to the first in that order
    bool ok = list_sort_inplace(cands, VAL_NULL, false);
    exc_clear();
    Value s = ok ? suggest(name, cands->items, cands->len) : VAL_NULL;
    gc_pop_root(1);
    return s;
}

// The "Did you mean" name for a NameError or AttributeError, or VAL_NULL.
static Value exc_hint(Value exc) {
    ObjClass *c = val_class(exc);
    if (class_is_subclass(c, exc_NameError) && AS_EXC(exc)->dict) {
        Value nm = dict_get_str(AS_EXC(exc)->dict, str_intern_c("name"));
        if (nm && IS_STR(nm)) {
            return name_suggestion(AS_EXC(exc)->suggestion, AS_STR(nm));
        }
    }
    if (class_is_subclass(c, exc_AttributeError) && AS_EXC(exc)->dict) {
        Value obj = dict_get_str(AS_EXC(exc)->dict, str_intern_c("obj"));
        Value nm = dict_get_str(AS_EXC(exc)->dict, str_intern_c("name"));
        if (obj && nm && IS_STR(nm)) {
            return attr_suggestion(obj, AS_STR(nm));
        }
    }
    return VAL_NULL;
}

// An attribute of [exc] as a C long: false when missing or not an int.
static bool attr_long(Value exc, const char *name, long *out) {
    Value v = obj_getattr_opt(exc, str_intern_c(name));
    if (!v) {
        exc_clear();
        return false;
    }
    if (!IS_SMALL(v)) {
        return false;
    }
    *out = (long)AS_SMALL(v);
    return true;
}

// CPython's print_exception_file_and_line: an exception with a
// print_file_and_line attribute (a SyntaxError) and an int lineno gets the
//   File "<filename>", line N / source line / caret line
// block; [*msg] becomes its msg attribute, the text of the last line.
static bool print_syntax_block(PrintCtx *ctx, Value exc, Value *msg) {
    if (!obj_getattr_opt(exc, str_intern_c("print_file_and_line"))) {
        exc_clear();
        return false;
    }
    Value m = obj_getattr_opt(exc, str_intern_c("msg"));
    Value fn = m ? obj_getattr_opt(exc, str_intern_c("filename")) : VAL_NULL;
    long lineno, offset = -1, end_offset = -1;
    if (!fn || !attr_long(exc, "lineno", &lineno)) {
        exc_clear();
        return false;
    }
    Value v = obj_getattr_opt(exc, str_intern_c("offset"));
    if (v && !IS_NONE(v) && !attr_long(exc, "offset", &offset)) {
        return false;
    }
    // CPython reads end_offset of SyntaxError itself only (one caret for
    // IndentationError, TabError and user subclasses)
    v = val_class(exc) == exc_SyntaxError ? obj_getattr_opt(exc, str_intern_c("end_offset")) : VAL_NULL;
    if (v && !IS_NONE(v) && !attr_long(exc, "end_offset", &end_offset)) {
        return false;
    }
    Value text = obj_getattr_opt(exc, str_intern_c("text"));
    exc_clear();
    Value fs = IS_NONE(fn) ? str_from_c("<string>") : obj_str(fn);
    if (!fs) {
        exc_clear();
        return false;
    }
    margin(ctx, NULL);
    fprintf(ctx->out, "  File \"%s\", line %ld\n", AS_STR(fs)->data, lineno);
    if (text && IS_STR(text)) {
        long end_lineno = lineno;
        if (end_offset > 0 && !attr_long(exc, "end_lineno", &end_lineno)) {
            exc_clear();
            end_lineno = lineno;
        }
        end_offset = diag_caret_end(lineno, end_lineno, end_offset, AS_STR(text)->data, AS_STR(text)->len);
        diag_print_error_text(ctx->out, offset, end_offset, AS_STR(text)->data, AS_STR(text)->len);
    }
    *msg = m;
    return true;
}

static void print_one(PrintCtx *ctx, Value exc, bool group) {
    print_tb(ctx, exc, group);
    ObjClass *c = val_class(exc);
    Value msg = VAL_NULL;
    bool syntax = print_syntax_block(ctx, exc, &msg);
    Value s = syntax ? obj_str(msg) : obj_str(exc);
    if (!s) {
        exc_clear();
        s = str_from_c("<exception str() failed>");
    }
    const char *mod = c->module ? c->module->data : "builtins";
    char name[512];
    if (strcmp(mod, "builtins") == 0 || strcmp(mod, "__main__") == 0) {
        snprintf(name, sizeof name, "%s", c->name->data);
    } else {
        snprintf(name, sizeof name, "%s.%s", mod, c->name->data);
    }
    margin(ctx, NULL);
    if (AS_STR(s)->len) {
        // A multi-line message keeps the margin on each of its lines.
        fprintf(ctx->out, "%s: ", name);
        const char *p = AS_STR(s)->data;
        const char *nl;
        while ((nl = strchr(p, '\n')) != NULL) {
            fwrite(p, 1, (size_t)(nl - p + 1), ctx->out);
            margin(ctx, NULL);
            p = nl + 1;
        }
        Value hint = syntax ? VAL_NULL : exc_hint(exc);
        if (hint) {
            fprintf(ctx->out, "%s. Did you mean: '%s'?\n", p, AS_STR(hint)->data);
        } else {
            fprintf(ctx->out, "%s\n", p);
        }
    } else {
        fprintf(ctx->out, "%s\n", name);
    }
    if (!syntax) {
        print_notes(ctx, exc);  // CPython 3.11 prints no notes after the block
    }
}

// The sub-exceptions of [exc] if it is an [Base]ExceptionGroup, else NULL.
static ObjTuple *group_members(Value exc) {
    if (!excgroup_check(exc)) {
        return NULL;
    }
    Value v = obj_getattr_opt(exc, AS_STR(str_from_c("exceptions")));
    if (!v) {
        exc_clear();
        return NULL;
    }
    if (!IS_TUPLE(v) || AS_TUPLE(v)->len == 0) {
        return NULL;
    }
    return AS_TUPLE(v);
}

static void print_recursive(PrintCtx *ctx, Value exc, int chain_depth);

// CPython's print_exception_group: the group's own traceback and line, then
// each sub-exception in a numbered box, one level deeper.
static void print_group(PrintCtx *ctx, Value exc, ObjTuple *members) {
    if (ctx->depth > MAX_GROUP_DEPTH) {
        margin(ctx, NULL);
        fprintf(ctx->out, "... (max_group_depth is %d)\n", MAX_GROUP_DEPTH);
        return;
    }
    if (ctx->depth == 0) {
        ctx->depth++;
    }
    print_one(ctx, exc, true);
    size_t num = (size_t)members->len;
    size_t n = num <= MAX_GROUP_WIDTH ? num : MAX_GROUP_WIDTH + 1;
    ctx->need_close = false;
    for (size_t i = 0; i < n; i++) {
        bool last = i == n - 1;
        if (last) {
            ctx->need_close = true;
        }
        bool truncated = i >= MAX_GROUP_WIDTH;
        fprintf(ctx->out, "%*s", 2 * ctx->depth, "");
        if (truncated) {
            fprintf(ctx->out, "%s+---------------- ... ----------------\n", i == 0 ? "+-" : "  ");
        } else {
            fprintf(ctx->out, "%s+---------------- %zu ----------------\n", i == 0 ? "+-" : "  ", i + 1);
        }
        ctx->depth++;
        if (!truncated) {
            print_recursive(ctx, members->items[i], 0);
        } else {
            size_t rest = num - MAX_GROUP_WIDTH;
            margin(ctx, NULL);
            fprintf(ctx->out, "and %zu more exception%s\n", rest, rest > 1 ? "s" : "");
        }
        if (last && ctx->need_close) {
            fprintf(ctx->out, "%*s+------------------------------------\n", 2 * ctx->depth, "");
            ctx->need_close = false;
        }
        ctx->depth--;
    }
    if (ctx->depth == 1) {
        ctx->depth--;
    }
}

static void print_chained_msg(PrintCtx *ctx, const char *msg) {
    margin(ctx, NULL);
    fputc('\n', ctx->out);
    margin(ctx, NULL);
    fprintf(ctx->out, "%s\n", msg);
    margin(ctx, NULL);
    fputc('\n', ctx->out);
}

static bool seen_before(PrintCtx *ctx, Value exc) {
    for (int i = 0; i < ctx->nseen; i++) {
        if (ctx->seen[i] == exc) {
            return true;
        }
    }
    return false;
}

// As CPython's print_exception_cause_and_context: the cause (else the
// unsuppressed context) first, unless it was printed already.
static void print_recursive(PrintCtx *ctx, Value exc, int chain_depth) {
    ObjException *e = AS_EXC(exc);
    if (ctx->nseen < (int)(sizeof ctx->seen / sizeof ctx->seen[0])) {
        ctx->seen[ctx->nseen++] = exc;
    }
    if (chain_depth < 100) {
        Value cause = e->cause && IS_OBJ(e->cause) ? e->cause : VAL_NULL;
        Value ctxt = e->context && IS_OBJ(e->context) && !e->suppress_context ? e->context : VAL_NULL;
        Value prev = cause ? cause : ctxt;
        if (prev && !seen_before(ctx, prev)) {
            bool need_close = ctx->need_close;
            print_recursive(ctx, prev, chain_depth + 1);
            ctx->need_close = need_close;
            print_chained_msg(ctx, cause ? "The above exception was the direct cause of the following exception:"
                                         : "During handling of the above exception, another exception occurred:");
        }
    }
    ObjTuple *members = group_members(exc);
    if (members) {
        print_group(ctx, exc, members);
    } else {
        print_one(ctx, exc, false);
    }
}

void interp_print_exception(Value exc) {
    fflush(stdout);
    interp_format_exception(exc, state_stderr());
    fflush(state_stderr());
}

void interp_format_exception(Value exc, FILE *out) {
    PrintCtx ctx = {0, false, out};
    print_recursive(&ctx, exc, 0);
}

// As CPython's default unraisable hook ("Exception ignored in: ..."): [exc]
// with its own traceback only, no __cause__/__context__ chain.
void tb_print_unraisable(Value exc) {
    fflush(stdout);
    PrintCtx ctx = {0, false, state_stderr()};
    print_one(&ctx, exc, false);
    fflush(state_stderr());
}

int interp_handle_uncaught(Value exc) {
    if (exc_matches(exc, OBJ_VAL(exc_SystemExit))) {
        ObjException *e = AS_EXC(exc);
        Value code = e->args->len == 1 ? e->args->items[0] : (e->args->len == 0 ? VAL_NONE : OBJ_VAL(e->args));
        if (IS_NONE(code)) {
            return 0;
        }
        if (IS_SMALL(code)) {
            return (int)(AS_SMALL(code) & 0xff);
        }
        if (code == VAL_TRUE || code == VAL_FALSE) {
            return code == VAL_TRUE;
        }
        Value s = obj_str(code);
        fflush(stdout);
        if (s) {
            fprintf(state_stderr(), "%s\n", AS_STR(s)->data);
        }
        return 1;
    }
    // a sys.excepthook the program installed reports it (CPython's sys_excepthook)
    Value sys = dict_get_str(ST->modules, str_intern_c("sys"));
    Value hook = sys ? obj_getattr_opt(sys, str_intern_c("excepthook")) : VAL_NULL;
    exc_take();     // a missing attribute: no hook
    if (hook && !IS_NONE(hook) &&
        !(IS_OBJ(hook) && AS_OBJ(hook)->cls == cls_native && strstr(((ObjNative *)AS_OBJ(hook))->name, "excepthook"))) {
        gc_push_root(exc);
        gc_push_root(hook);
        Value tb = obj_getattr_opt(exc, str_intern_c("__traceback__"));
        Value args[3] = {OBJ_VAL(AS_OBJ(exc)->cls), exc, tb ? tb : VAL_NONE};
        gc_push_root(args[2]);
        Value r = vm_call(hook, 3, args, NULL);
        gc_pop_root(3);
        if (r) {
            return 1;
        }
        Value err = exc_take();
        fflush(stdout);
        fprintf(state_stderr(), "Error in sys.excepthook:\n");
        interp_print_exception(err);
        fprintf(state_stderr(), "\nOriginal exception was:\n");
    }
    interp_print_exception(exc);
    return 1;
}

// ---- _traceback: the C side of runtime/lib/traceback.pyish, so that its
// output is the interpreter's own (the same text as an uncaught exception)
static bool is_exc(Value v) {
    return IS_OBJ(v) && (AS_OBJ(v)->cls->flags & CLS_EXCEPTION);
}

// Runs the printer on [exc] into a str.
static Value format_with(Value exc, bool chain, bool no_tb, bool no_header) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        return exc_raise_nomem();
    }
    PrintCtx ctx = {0, false, f, no_tb, no_header};
    if (chain) {
        print_recursive(&ctx, exc, 0);
    } else if (no_header) {
        print_tb(&ctx, exc, false);
    } else {
        print_one(&ctx, exc, false);
    }
    fclose(f);
    Value r = str_try_new(buf ? buf : "", len);
    free(buf);
    return r;
}

Value interp_format_exception_str(Value exc) {
    return format_with(exc, true, false, false);
}

// format(exc, chain=True, only=False, tb_only=False) -> str
static Value tbm_format(int argc, Value *argv, ObjDict *kw) {
    if (argc < 1 || !is_exc(argv[0])) {
        return exc_raise(exc_TypeError, "format() needs an exception instance");
    }
    bool chain = argc < 2 || argv[1] == OBJ_VAL(obj_true);
    bool only = argc > 2 && argv[2] == OBJ_VAL(obj_true);
    bool tb_only = argc > 3 && argv[3] == OBJ_VAL(obj_true);
    return format_with(argv[0], chain && !only && !tb_only, only, tb_only);
}

static Value entry_tuple(ObjCode *code, int line) {
    char buf[4096];
    Value src = tb_source_line(code->filename->data, line, buf, sizeof buf) ? str_from_c(buf) : VAL_NONE;
    gc_push_root(src);
    Value t = tuple_pack(4, OBJ_VAL(code->filename), MK_SMALL(line), OBJ_VAL(code->name), src);
    gc_pop_root(1);
    return t;
}

// extract(tb) -> [(filename, lineno, name, line)], outermost first
static Value tbm_extract(int argc, Value *argv, ObjDict *kw) {
    Value l = list_new(4);
    if (argc < 1) {
        return l;
    }
    gc_push_root(l);
    Value code, next;
    int line, lasti;
    for (Value t = argv[0]; traceback_entry(t, &code, &line, &lasti, &next) && next != t; t = next ? next : VAL_NONE) {
        if (IS_OBJ(code) && AS_OBJ(code)->cls == cls_code) {
            list_append(AS_LIST(l), entry_tuple((ObjCode *)AS_OBJ(code), line));
        }
    }
    gc_pop_root(1);
    return l;
}

// stack() -> the running frames as extract() gives them, outermost first
static Value tbm_stack(int argc, Value *argv, ObjDict *kw) {
    Value l = list_new(8);
    gc_push_root(l);
    for (Frame *f = ST->frame; f; f = f->parent) {
        list_append(AS_LIST(l), entry_tuple(f->code, frame_line(f)));
    }
    AS_LIST(l)->len = AS_LIST(l)->len;
    // reverse: outermost first
    ObjList *ll = AS_LIST(l);
    for (size_t i = 0, j = ll->len ? ll->len - 1 : 0; i < j; i++, j--) {
        Value t = ll->items[i];
        ll->items[i] = ll->items[j];
        ll->items[j] = t;
    }
    gc_pop_root(1);
    return l;
}

// ---- creation sites (asyncio debug mode, sys.set_coroutine_origin_tracking_depth)
// Only the user's frames count: those of pyish's own library ("<pyish
// asyncio>", ...) are left out, so a report names the user's lines.

static bool user_frame(Frame *f) {
    return strncmp(f->code->filename->data, "<pyish ", 7) != 0;
}

Value tb_capture_origin(int depth) {
    size_t n = 0;
    for (Frame *f = ST->frame; f && n < (size_t)depth; f = f->parent) {
        n += user_frame(f);
    }
    Value t = tuple_new(n);
    gc_push_root(t);
    size_t i = 0;
    for (Frame *f = ST->frame; f && i < n; f = f->parent) {
        if (user_frame(f)) {
            Value e = tuple_pack(3, OBJ_VAL(f->code->filename), MK_SMALL(frame_line(f)), OBJ_VAL(f->code->name));
            AS_TUPLE(t)->items[i++] = e;
        }
    }
    gc_pop_root(1);
    return t;
}

bool tb_caller_is_user(int up) {
    Frame *f = ST->frame;
    for (int i = 0; i < up && f; i++) {
        f = f->parent;
    }
    return f && user_frame(f);
}

Value tb_format_origin(Value frames, bool innermost_first) {
    Value out = str_from_c("");
    gc_push_root(out);
    size_t n = 0;
    Value *items = NULL;
    if (IS_OBJ(frames) && AS_OBJ(frames)->cls == cls_tuple) {
        n = AS_TUPLE(frames)->len;
        items = AS_TUPLE(frames)->items;
    } else if (IS_OBJ(frames) && AS_OBJ(frames)->cls == cls_list) {
        n = AS_LIST(frames)->len;
        items = AS_LIST(frames)->items;
    }
    for (size_t k = 0; k < n; k++) {
        Value e = items[innermost_first ? n - 1 - k : k];
        if (!IS_OBJ(e) || AS_OBJ(e)->cls != cls_tuple || AS_TUPLE(e)->len < 3) {
            continue;
        }
        Value *it = AS_TUPLE(e)->items;
        int64_t line = 0;
        if (!IS_STR(it[0]) || !IS_STR(it[2]) || !IS_INT(it[1]) || !int_to_i64(it[1], &line)) {
            exc_clear();
            continue;
        }
        char buf[4096];
        bool src = tb_source_line(AS_STR(it[0])->data, (int)line, buf, sizeof buf) && buf[0];
        Value s = str_printf("%s  File \"%s\", line %lld, in %s\n%s%s%s", AS_STR(out)->data, AS_STR(it[0])->data,
                             (long long)line, AS_STR(it[2])->data, src ? "    " : "", src ? buf : "", src ? "\n" : "");
        gc_pop_root(1);
        out = s;
        gc_push_root(out);
    }
    gc_pop_root(1);
    return out;
}

// ---- the frames of traceback entries: snapshots of the running frames (frameobj.c)
static Value frame_chain(Frame *f, bool with_locals);

// The f_back of a traceback entry's frame: when a frame running [code] is
// still on the stack (the entry of the frame handling the exception, as
// logging's handleError walks it), the snapshots of that frame's callers;
// else None (the frame has finished).
Value vm_running_frame_back(Value code) {
    for (Frame *g = ST->frame; g; g = g->parent) {
        if (OBJ_VAL(g->code) == code) {
            return g->parent ? frame_chain(g->parent, false) : VAL_NONE;
        }
    }
    return VAL_NONE;
}

// Snapshots of running frame [f] and its callers (f_back), outermost made
// first; [f]'s own snapshot has its locals when [with_locals].
static Value frame_chain(Frame *f, bool with_locals) {
    size_t n = 0;
    for (Frame *g = f; g; g = g->parent) {
        n++;
    }
    Value back = VAL_NONE;
    for (size_t k = n; k-- > 0;) {
        Frame *g = f;
        for (size_t j = 0; j < k; j++) {
            g = g->parent;
        }
        gc_push_root(back);
        Value locals = k == 0 && with_locals ? frame_locals(g) : VAL_NULL;
        back = framesnap_new(OBJ_VAL(g->code), g->globals ? OBJ_VAL(g->globals) : VAL_NONE, frame_line(g), locals,
                             back);
        gc_pop_root(1);
        if (g->gen) {
            framesnap_set_generator(back, OBJ_VAL(g->gen));
        }
    }
    return back;
}

// anchors(segment) -> (left, right) character offsets of a binary
// operator or subscript in a source segment, or None (traceback.pyish).
static Value tbm_anchors(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1 || !IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "anchors() takes one str");
    }
    ObjStr *s = AS_STR(argv[0]);
    size_t left, right;
    if (!tb_caret_anchors(s->data, s->len, &left, &right)) {
        return VAL_NONE;
    }
    return tuple_pack(2, MK_SMALL((int64_t)char_offset(s->data, left)), MK_SMALL((int64_t)char_offset(s->data, right)));
}

Value mod_traceback_init(void) {
    Value m = module_new("_traceback");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("format"), native_new("format", tbm_format, NULL));
    dict_set_str(d, str_intern_c("extract"), native_new("extract", tbm_extract, NULL));
    dict_set_str(d, str_intern_c("stack"), native_new("stack", tbm_stack, NULL));
    dict_set_str(d, str_intern_c("anchors"), native_new("anchors", tbm_anchors, NULL));
    return m;
}

// ---- faulthandler's dump (runtime/mod_faulthandler.c)

// Writes the frames running on [s] as faulthandler does ("  File "f.py",
// line 3 in name"), most recent first, at most 100, with write(2) alone
// and no allocation: a fatal signal's handler and the watchdog thread of
// dump_traceback_later call it.
void vm_dump_frames_fd(int fd, State *s) {
    Frame *f = s ? s->frame : NULL;
    if (!f) {
        fd_write_all(fd, "  <no Python frame>\n", 20);
        return;
    }
    for (int depth = 0; f; f = f->parent, depth++) {
        if (depth == 100) {
            fd_write_all(fd, "  ...\n", 6);
            break;
        }
        const ObjStr *file = f->code ? f->code->filename : NULL, *name = f->code ? f->code->name : NULL;
        fd_write_all(fd, "  File \"", 8);
        if (file) {
            fd_write_all(fd, file->data, file->len > 500 ? 500 : file->len);
            if (file->len > 500) {
                fd_write_all(fd, "...", 3);
            }
        } else {
            fd_write_all(fd, "???", 3);
        }
        char num[24];
        int line = f->code ? frame_line(f) : -1, k = (int)sizeof num;
        unsigned v = line < 0 ? 0 : (unsigned)line;
        do {
            num[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v && k > 0);
        fd_write_all(fd, "\", line ", 8);
        if (line < 0) {
            fd_write_all(fd, "???", 3);
        } else {
            fd_write_all(fd, num + k, sizeof num - (size_t)k);
        }
        fd_write_all(fd, " in ", 4);
        if (name) {
            fd_write_all(fd, name->data, name->len > 500 ? 500 : name->len);
        } else {
            fd_write_all(fd, "???", 3);
        }
        fd_write_all(fd, "\n", 1);
    }
}
