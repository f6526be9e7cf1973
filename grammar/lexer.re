// lexer.re: the pyish tokenizer (re2c input) and string literal decoding.
//
// lexer_run turns a whole source text into the token array p->toks before
// the parser starts. Around the re2c scanner, C code keeps the two stacks
// that make Python lexing context-sensitive:
//   - the indentation stack (columns, plus "alt" columns where a tab counts
//     as 1, to detect inconsistent tabs/spaces as CPython does), turned into
//     INDENT/DEDENT tokens at the start of each logical line;
//   - the bracket stack: inside brackets newlines and indentation are
//     ignored (implicit line joining); unmatched or mismatched brackets are
//     errors, and an unclosed one at the end of input makes the parse
//     "incomplete" for the REPL.
// Blank and comment-only lines produce no token. `async` is lexed as a NAME
// and becomes ASYNC only when directly followed by def/for/with.
//
// The first lexical error ends the array with a TOK_LEXERROR token and the
// message in p->lexerr: the parser reports it when it gets there, so a
// syntax error earlier in the file wins, as in CPython.
//
// The second half decodes STRING tokens (escapes, raw strings, adjacent
// literal concatenation) and splits f-strings into literal parts and
// replacement fields, whose expressions are parsed by a nested parse.
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "frontend.h"
#include "parser.h"
#include "unicode_names.h"

/*!re2c
    re2c:define:YYCTYPE = "unsigned char";
    re2c:define:YYCURSOR = "L->cur";
    re2c:define:YYMARKER = "L->mark";
    re2c:yyfill:enable = 0;
*/

typedef struct Lexer {
    Parser *p;
    const unsigned char *cur, *mark, *tok;
    const unsigned char *start;         // text[0]
    const unsigned char *lim;           // the NUL sentinel
    const unsigned char *line_start;    // first byte of the current line
    int line;
    int base_col;                       // column of text[0] (first line only)
    const unsigned char *base_line_start;
    int indents[FE_MAX_INDENT + 1];     // indentation stack (columns)
    int altindents[FE_MAX_INDENT + 1];  // same with tabs counted as 1
    int nindent;
    struct {
        char ch;
        SrcLoc loc;
    } parens[FE_MAX_PARENS];            // open brackets
    int level;
    bool line_has_tokens;               // a token was made on this logical line
} Lexer;

// ---- token array

static int col_of(const Lexer *L, const unsigned char *ptr, const unsigned char *line_start) {
    int c = (int)(ptr - line_start);
    if (line_start == L->base_line_start) {
        c += L->base_col;
    }
    return c;
}

static Token *push(Lexer *L, int kind, const unsigned char *start, const unsigned char *end,
                   int line, const unsigned char *line_start) {
    Parser *p = L->p;
    if (p->ntok == p->cap) {
        int cap = p->cap ? p->cap * 2 : 256;
        Token *t = realloc(p->toks, sizeof(Token) * (size_t)cap);
        if (t == NULL) {
            fputs("pyish: out of memory\n", stderr);
            abort();
        }
        p->toks = t;
        p->cap = cap;
    }
    Token *t = &p->toks[p->ntok++];
    t->kind = kind;
    t->text = (const char *)start;
    t->len = (int)(end - start);
    t->loc.line = line;
    t->loc.col = col_of(L, start, line_start);
    t->loc.end_line = L->line;
    t->loc.end_col = col_of(L, end, L->line_start);
    t->at_eof = false;
    if (kind != TOK_NEWLINE && kind != TOK_INDENT && kind != TOK_DEDENT) {
        L->line_has_tokens = true;
    }
    return t;
}

// Ends the token array with an error token; [loc] is the caret.
static void lex_error(Lexer *L, const char *kind, SrcLoc loc, bool incomplete,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void lex_error(Lexer *L, const char *kind, SrcLoc loc, bool incomplete,
                      const char *fmt, ...) {
    Parser *p = L->p;
    ParseError *e = &p->lexerr;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->kind = kind;
    e->line = loc.line;
    e->col = loc.col;
    e->end_line = loc.end_line;
    e->end_col = loc.end_col;
    e->incomplete = incomplete;
    p->has_lexerr = true;
    p->lexerr_class = strcmp(kind, "SyntaxError") != 0 ? LEXERR_NEVER : LEXERR_ALWAYS;
    Token *t = push(L, TOK_LEXERROR, L->tok, L->tok, L->line, L->line_start);
    t->loc = loc;
}

static SrcLoc here(const Lexer *L, const unsigned char *a, const unsigned char *b) {
    SrcLoc loc;
    loc.line = loc.end_line = L->line;
    loc.col = col_of(L, a, L->line_start);
    loc.end_col = col_of(L, b, L->line_start);
    return loc;
}

// ---- UTF-8

// Decodes one UTF-8 sequence at [s]; returns its length, or 0 if invalid.
static int utf8_decode(const unsigned char *s, unsigned *cp) {
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || c > 0xF4) {
        return 0;
    }
    unsigned v = c & (0x3F >> (n - 1));
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return n;
}

static int utf8_encode(char *out, unsigned cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

// Rough test for non-ASCII identifier characters: letters of every script
// are accepted; Latin-1 punctuation, general punctuation, symbols, arrows,
// math operators, box drawing, CJK punctuation, fullwidth ASCII punctuation
// and emoji are not (enough to reject '€' like CPython).
static bool is_id_cp(unsigned cp) {
    if (cp < 0x80) {
        return false;
    }
    if (cp < 0xC0) {
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    }
    if (cp == 0xD7 || cp == 0xF7) {
        return false;
    }
    if (cp >= 0x2000 && cp <= 0x2BFF) {
        return (cp >= 0x2070 && cp <= 0x209F) || (cp >= 0x2100 && cp <= 0x214F &&
                                                  cp != 0x2118 && cp != 0x212E);
    }
    if ((cp >= 0x3000 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3020) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
        (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
        (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0xFFF0 && cp <= 0xFFFF) ||
        (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp == 0xFEFF || (cp >= 0xE000 && cp <= 0xF8FF)) {
        return false;
    }
    return cp <= 0x10FFFF;
}

// Reports the character at [s] as invalid, CPython style.
static void bad_char(Lexer *L, const unsigned char *s) {
    unsigned cp;
    int n = utf8_decode(s, &cp);
    SrcLoc loc = here(L, s, s + (n ? n : 1));
    if (n == 0) {
        lex_error(L, "SyntaxError", loc, false,
                  "Non-UTF-8 code starting with '\\x%02x' in file, but no encoding declared",
                  s[0]);
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFEFF ||
               (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F)) {
        lex_error(L, "SyntaxError", loc, false, "invalid non-printable character U+%04X", cp);
    } else {
        lex_error(L, "SyntaxError", loc, false, "invalid character '%.*s' (U+%04X)", n,
                  (const char *)s, cp);
    }
}

// ---- the scanner

static void newline_seen(Lexer *L) {
    L->line++;
    L->line_start = L->cur;
}

// Scans the body of a string literal whose opening quote(s) end at L->cur.
// Returns false after reporting an unterminated literal.
static bool scan_string(Lexer *L, unsigned char q) {
    bool triple = L->cur[0] == q && L->cur[1] == q;
    int start_line = L->line;
    const unsigned char *start_ls = L->line_start;
    if (triple) {
        L->cur += 2;
    }
    for (;;) {
        unsigned char c = *L->cur;
        if (c == '\0' && L->cur >= L->lim) {
            break;
        }
        if (c == '\\') {
            L->cur++;
            if (*L->cur == '\0' && L->cur >= L->lim) {
                break;
            }
            if (*L->cur == '\r' && L->cur[1] == '\n') {
                L->cur++;
            }
            if (*L->cur == '\n') {
                L->cur++;
                newline_seen(L);
            } else {
                L->cur++;
            }
            continue;
        }
        if (c == '\n' || (c == '\r' && L->cur[1] == '\n')) {
            if (!triple) {
                break;
            }
            L->cur += c == '\r' ? 2 : 1;
            newline_seen(L);
            continue;
        }
        L->cur++;
        if (c == q) {
            if (!triple) {
                return true;
            }
            if (L->cur[0] == q && L->cur[1] == q) {
                L->cur += 2;
                return true;
            }
        }
    }
    SrcLoc loc;
    loc.line = loc.end_line = start_line;
    loc.col = loc.end_col = col_of(L, L->tok, start_ls);
    loc.end_col++;
    if (triple) {
        // CPython counts lines, so a final newline does not start one.
        int last = L->line;
        if (L->cur > L->start && L->cur[-1] == '\n') {
            last--;
        }
        lex_error(L, "SyntaxError", loc, true,
                  "unterminated triple-quoted string literal (detected at line %d)", last);
    } else {
        lex_error(L, "SyntaxError", loc, false,
                  "unterminated string literal (detected at line %d)", L->line);
    }
    return false;
}

// Checks that no identifier character follows a number literal.
static bool number_end(Lexer *L, const char *what) {
    unsigned cp;
    bool octal = what[0] == 'o', binary = what[0] == 'b';
    // CPython still accepts a keyword glued to a number ("1if x else y").
    static const char *const kws[] = {"and", "else", "for", "if", "in", "is", "not", "or"};
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
        if (strncmp((const char *)L->cur, kws[i], strlen(kws[i])) == 0) {
            return true;
        }
    }
    if ((octal || binary) && *L->cur >= '0' && *L->cur <= '9') {
        lex_error(L, "SyntaxError", here(L, L->cur, L->cur + 1), false,
                  "invalid digit '%c' in %s literal", *L->cur, what);
        return false;
    }
    int n = utf8_decode(L->cur, &cp);
    if ((n == 1 && (cp == '_' || (cp >= '0' && cp <= '9') || ((cp | 32) >= 'a' && (cp | 32) <= 'z'))) ||
        (n > 1 && is_id_cp(cp))) {
        const unsigned char *at = *L->cur == '_' && what[0] != 'i' ? L->cur : L->cur - 1;
        lex_error(L, "SyntaxError", here(L, at, at + 1), false, "invalid %s literal", what);
        return false;
    }
    return true;
}

static void open_paren(Lexer *L, char ch) {
    if (L->level >= FE_MAX_PARENS) {
        lex_error(L, "SyntaxError", here(L, L->tok, L->cur), false, "too many nested parentheses");
        return;
    }
    L->parens[L->level].ch = ch;
    L->parens[L->level].loc = here(L, L->tok, L->cur);
    L->level++;
    push(L, ch == '(' ? TOK_LPAR : ch == '[' ? TOK_LSQB : TOK_LBRACE, L->tok, L->cur, L->line,
         L->line_start);
}

static void close_paren(Lexer *L, char ch) {
    SrcLoc loc = here(L, L->tok, L->cur);
    if (L->level == 0) {
        lex_error(L, "SyntaxError", loc, false, "unmatched '%c'", ch);
        return;
    }
    char open = L->parens[L->level - 1].ch;
    char want = open == '(' ? ')' : open == '[' ? ']' : '}';
    if (want != ch) {
        int oline = L->parens[L->level - 1].loc.line;
        if (oline != L->line) {
            lex_error(L, "SyntaxError", loc, false,
                      "closing parenthesis '%c' does not match opening parenthesis '%c' on line %d",
                      ch, open, oline);
        } else {
            lex_error(L, "SyntaxError", loc, false,
                      "closing parenthesis '%c' does not match opening parenthesis '%c'", ch, open);
        }
        return;
    }
    L->level--;
    push(L, ch == ')' ? TOK_RPAR : ch == ']' ? TOK_RSQB : TOK_RBRACE, L->tok, L->cur, L->line,
         L->line_start);
}

// Handles indentation at the start of a logical line. Returns false after
// an error. Sets *blank for blank and comment-only lines.
static bool indentation(Lexer *L, bool *blank) {
    int col = 0, alt = 0;
    const unsigned char *s = L->cur;
    for (;; s++) {
        if (*s == ' ') {
            col++;
            alt++;
        } else if (*s == '\t') {
            col = (col / 8 + 1) * 8;
            alt++;
        } else if (*s == '\f') {
            col = alt = 0;
        } else {
            break;
        }
    }
    L->cur = s;
    L->tok = s;
    *blank = *s == '#' || *s == '\n' || (*s == '\r' && s[1] == '\n') ||
             (*s == '\\' && (s[1] == '\n' || (s[1] == '\r' && s[2] == '\n'))) ||
             (*s == '\0' && s >= L->lim);
    if (*blank) {
        return true;
    }
    SrcLoc noc = {L->line, -1, L->line, -1};
    int top = L->indents[L->nindent];
    int alttop = L->altindents[L->nindent];
    if (col == top) {
        if (alt != alttop) {
            lex_error(L, "TabError", noc, false, "inconsistent use of tabs and spaces in indentation");
            return false;
        }
    } else if (col > top) {
        if (L->nindent + 1 >= FE_MAX_INDENT) {
            lex_error(L, "IndentationError", noc, false, "too many levels of indentation");
            return false;
        }
        if (alt <= alttop) {
            lex_error(L, "TabError", noc, false, "inconsistent use of tabs and spaces in indentation");
            return false;
        }
        L->nindent++;
        L->indents[L->nindent] = col;
        L->altindents[L->nindent] = alt;
        push(L, TOK_INDENT, L->line_start, s, L->line, L->line_start);
    } else {
        while (L->nindent > 0 && col < L->indents[L->nindent]) {
            L->nindent--;
            push(L, TOK_DEDENT, s, s, L->line, L->line_start);
        }
        if (col != L->indents[L->nindent]) {
            const unsigned char *e = s;
            while (*e != '\n' && *e != '\r' && !(*e == '\0' && e >= L->lim)) {
                e++;
            }
            SrcLoc loc = here(L, e, e);
            lex_error(L, "IndentationError", loc, false,
                      "unindent does not match any outer indentation level");
            return false;
        }
        if (alt != L->altindents[L->nindent]) {
            lex_error(L, "TabError", noc, false, "inconsistent use of tabs and spaces in indentation");
            return false;
        }
    }
    return true;
}

// Emits NEWLINE, DEDENTs and the end marker at the end of input.
static void at_end(Lexer *L) {
    Parser *p = L->p;
    if (L->level > 0 && !p->expr_mode) {
        L->tok = L->cur;
        SrcLoc loc = L->parens[L->level - 1].loc;
        loc.end_col = -1;   // no end: CPython's end_offset 0
        lex_error(L, "SyntaxError", loc, true, "'%c' was never closed", L->parens[L->level - 1].ch);
        p->lexerr_class = LEXERR_UNCLOSED;
        return;
    }
    if (!p->expr_mode) {
        if (L->line_has_tokens) {
            push(L, TOK_NEWLINE, L->cur, L->cur, L->line, L->line_start);
        }
        while (L->nindent > 0) {
            L->nindent--;
            push(L, TOK_DEDENT, L->cur, L->cur, L->line, L->line_start)->at_eof = true;
        }
    }
    push(L, TOK_YYEOF, L->cur, L->cur, L->line, L->line_start)->at_eof = true;
}

bool lexer_run(Parser *p, const char *text, size_t len, int line, int col) {
    Lexer lx;
    Lexer *L = &lx;
    memset(L, 0, sizeof *L);
    L->p = p;
    L->cur = (const unsigned char *)text;
    L->lim = L->cur + len;
    L->start = L->cur;
    L->line_start = L->cur;
    L->base_line_start = L->cur;
    L->base_col = col;
    L->line = line;
    bool bol = !p->expr_mode;
    if (bol && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        L->cur += 3;
        L->line_start = L->cur;
        L->base_line_start = L->cur;
    }
    int first = p->ntok;
    for (;;) {
        if (bol && L->level == 0) {
            bool blank;
            if (!indentation(L, &blank)) {
                break;
            }
            bol = false;
            (void)blank;
        }
        L->tok = L->cur;
        int kw;
        /*!re2c
            digit = [0-9];
            digitpart = digit ("_"? digit)*;
            decint = [1-9] ("_"? digit)* | "0"+ ("_"? "0")*;
            badzero = "0"+ ("_"? "0")* "_"? [1-9] ("_"? digit)*;
            hexint = "0" [xX] ("_"? [0-9a-fA-F])+;
            octint = "0" [oO] ("_"? [0-7])+;
            binint = "0" [bB] ("_"? [01])+;
            pointfloat = digitpart? "." digitpart | digitpart ".";
            exponent = [eE] [+-]? digitpart;
            floatnum = pointfloat exponent? | digitpart exponent;
            idstart = [a-zA-Z_] | [\u0080-\U0010FFFF];
            ident = idstart (idstart | digit)*;
            strprefix = [rRuUfFbB] | [rR][bBfF] | [bBfF][rR];

            [\x00] {
                if (L->cur - 1 >= L->lim) {
                    L->cur--;
                    at_end(L);
                    break;
                }
                L->tok = L->line_start;
                lex_error(L, "SyntaxError", (SrcLoc){L->line, -1, L->line, -1}, false,
                          "source code cannot contain null bytes");
                p->lexerr_class = LEXERR_NEVER;
                break;
            }
            [ \t\f]+ { continue; }
            "#" [^\n\r\x00]* { continue; }
            "\r"? "\n" {
                if (L->level == 0 && !p->expr_mode) {
                    if (L->line_has_tokens) {
                        push(L, TOK_NEWLINE, L->tok, L->tok + 1, L->line, L->line_start);
                        L->line_has_tokens = false;
                    }
                    bol = true;
                }
                newline_seen(L);
                continue;
            }
            "\r" { continue; }
            "\\" "\r"? "\n" {
                const unsigned char *ls = L->line_start;
                int ln = L->line;
                newline_seen(L);
                if (*L->cur == '\0' && L->cur >= L->lim) {
                    int c = col_of(L, L->tok + 1, ls);
                    lex_error(L, "SyntaxError", (SrcLoc){ln, c, ln, c}, true,
                              "unexpected EOF while parsing");
                    p->lexerr_class = LEXERR_NEVER;
                    break;
                }
                continue;
            }
            "\\" {
                lex_error(L, "SyntaxError", here(L, L->cur, L->cur + 1), false,
                          "unexpected character after line continuation character");
                p->lexerr_class = LEXERR_NEVER;
                break;
            }

            "False"    { kw = TOK_FALSE; goto keyword; }
            "None"     { kw = TOK_NONE; goto keyword; }
            "True"     { kw = TOK_TRUE; goto keyword; }
            "and"      { kw = TOK_AND; goto keyword; }
            "as"       { kw = TOK_AS; goto keyword; }
            "assert"   { kw = TOK_ASSERT; goto keyword; }
            "await"    { kw = TOK_AWAIT; goto keyword; }
            "break"    { kw = TOK_BREAK; goto keyword; }
            "class"    { kw = TOK_CLASS; goto keyword; }
            "continue" { kw = TOK_CONTINUE; goto keyword; }
            "def"      { kw = TOK_DEF; goto keyword; }
            "del"      { kw = TOK_DEL; goto keyword; }
            "elif"     { kw = TOK_ELIF; goto keyword; }
            "else"     { kw = TOK_ELSE; goto keyword; }
            "except"   { kw = TOK_EXCEPT; goto keyword; }
            "finally"  { kw = TOK_FINALLY; goto keyword; }
            "for"      { kw = TOK_FOR; goto keyword; }
            "from"     { kw = TOK_FROM; goto keyword; }
            "global"   { kw = TOK_GLOBAL; goto keyword; }
            "if"       { kw = TOK_IF; goto keyword; }
            "import"   { kw = TOK_IMPORT; goto keyword; }
            "in"       { kw = TOK_IN; goto keyword; }
            "is"       { kw = TOK_IS; goto keyword; }
            "lambda"   { kw = TOK_LAMBDA; goto keyword; }
            "nonlocal" { kw = TOK_NONLOCAL; goto keyword; }
            "not"      { kw = TOK_NOT; goto keyword; }
            "or"       { kw = TOK_OR; goto keyword; }
            "pass"     { kw = TOK_PASS; goto keyword; }
            "raise"    { kw = TOK_RAISE; goto keyword; }
            "return"   { kw = TOK_RETURN; goto keyword; }
            "try"      { kw = TOK_TRY; goto keyword; }
            "while"    { kw = TOK_WHILE; goto keyword; }
            "with"     { kw = TOK_WITH; goto keyword; }
            "yield"    { kw = TOK_YIELD; goto keyword; }

            strprefix? ['"] {
                int sline = L->line;
                const unsigned char *sls = L->line_start;
                if (!scan_string(L, L->cur[-1])) {
                    break;
                }
                push(L, TOK_STRING, L->tok, L->cur, sline, sls);
                continue;
            }

            ident {
                // Validate non-ASCII characters of the identifier.
                for (const unsigned char *s = L->tok; s < L->cur;) {
                    unsigned cp;
                    int n = utf8_decode(s, &cp);
                    if (n == 0 || (n > 1 && !is_id_cp(cp))) {
                        bad_char(L, s);
                        goto done;
                    }
                    s += n;
                }
                push(L, TOK_NAME, L->tok, L->cur, L->line, L->line_start);
                continue;
            }

            decint {
                if (!number_end(L, "decimal")) {
                    break;
                }
                push(L, TOK_INT, L->tok, L->cur, L->line, L->line_start);
                continue;
            }
            badzero {
                if (*L->cur == '_') {
                    lex_error(L, "SyntaxError", here(L, L->cur, L->cur + 1), false,
                              "invalid decimal literal");
                    break;
                }
                lex_error(L, "SyntaxError", here(L, L->tok, L->tok + 1), false,
                          "leading zeros in decimal integer literals are not permitted; "
                          "use an 0o prefix for octal integers");
                break;
            }
            hexint { if (!number_end(L, "hexadecimal")) break; push(L, TOK_INT, L->tok, L->cur, L->line, L->line_start); continue; }
            octint { if (!number_end(L, "octal")) break; push(L, TOK_INT, L->tok, L->cur, L->line, L->line_start); continue; }
            binint { if (!number_end(L, "binary")) break; push(L, TOK_INT, L->tok, L->cur, L->line, L->line_start); continue; }
            "0" [xX] { lex_error(L, "SyntaxError", here(L, L->cur - 1, L->cur), false, "invalid hexadecimal literal"); break; }
            "0" [oO] { if (number_end(L, "octal")) lex_error(L, "SyntaxError", here(L, L->cur - 1, L->cur), false, "invalid octal literal"); break; }
            "0" [bB] { if (number_end(L, "binary")) lex_error(L, "SyntaxError", here(L, L->cur - 1, L->cur), false, "invalid binary literal"); break; }
            floatnum {
                if (!number_end(L, "decimal")) {
                    break;
                }
                push(L, TOK_FLOAT, L->tok, L->cur, L->line, L->line_start);
                continue;
            }
            (floatnum | digitpart) [jJ] {
                // an imaginary literal: a FLOAT token whose text ends in j
                if (!number_end(L, "imaginary")) {
                    break;
                }
                push(L, TOK_FLOAT, L->tok, L->cur, L->line, L->line_start);
                continue;
            }

            "(" { open_paren(L, '('); if (p->has_lexerr) break; continue; }
            "[" { open_paren(L, '['); if (p->has_lexerr) break; continue; }
            "{" { open_paren(L, '{'); if (p->has_lexerr) break; continue; }
            ")" { close_paren(L, ')'); if (p->has_lexerr) break; continue; }
            "]" { close_paren(L, ']'); if (p->has_lexerr) break; continue; }
            "}" { close_paren(L, '}'); if (p->has_lexerr) break; continue; }

            ","   { kw = TOK_COMMA; goto op; }
            ":"   { kw = TOK_COLON; goto op; }
            ";"   { kw = TOK_SEMI; goto op; }
            "."   { kw = TOK_DOT; goto op; }
            "..." { kw = TOK_ELLIPSIS; goto op; }
            "->"  { kw = TOK_ARROW; goto op; }
            "="   { kw = TOK_EQUAL; goto op; }
            "+="  { kw = TOK_PLUSEQ; goto op; }
            "-="  { kw = TOK_MINUSEQ; goto op; }
            "*="  { kw = TOK_STAREQ; goto op; }
            "/="  { kw = TOK_SLASHEQ; goto op; }
            "//=" { kw = TOK_DSLASHEQ; goto op; }
            "%="  { kw = TOK_PERCENTEQ; goto op; }
            "**=" { kw = TOK_DSTAREQ; goto op; }
            "<<=" { kw = TOK_LSHIFTEQ; goto op; }
            ">>=" { kw = TOK_RSHIFTEQ; goto op; }
            "&="  { kw = TOK_AMPEQ; goto op; }
            "|="  { kw = TOK_VBAREQ; goto op; }
            "^="  { kw = TOK_CIRCEQ; goto op; }
            "@="  { kw = TOK_ATEQ; goto op; }
            "=="  { kw = TOK_EQEQ; goto op; }
            "!="  { kw = TOK_NOTEQ; goto op; }
            "<"   { kw = TOK_LESS; goto op; }
            ">"   { kw = TOK_GREATER; goto op; }
            "<="  { kw = TOK_LESSEQ; goto op; }
            ">="  { kw = TOK_GREATEREQ; goto op; }
            "+"   { kw = TOK_PLUS; goto op; }
            "-"   { kw = TOK_MINUS; goto op; }
            "*"   { kw = TOK_STAR; goto op; }
            "/"   { kw = TOK_SLASH; goto op; }
            "//"  { kw = TOK_DSLASH; goto op; }
            "%"   { kw = TOK_PERCENT; goto op; }
            "**"  { kw = TOK_DSTAR; goto op; }
            "<<"  { kw = TOK_LSHIFT; goto op; }
            ">>"  { kw = TOK_RSHIFT; goto op; }
            "&"   { kw = TOK_AMP; goto op; }
            "|"   { kw = TOK_VBAR; goto op; }
            "^"   { kw = TOK_CIRC; goto op; }
            "~"   { kw = TOK_TILDE; goto op; }
            "@"   { kw = TOK_AT; goto op; }
            ":="  { kw = TOK_COLONEQ; goto op; }
            "!"   { kw = TOK_BANG; goto op; }

            * {
                const unsigned char *s = L->tok;
                unsigned char c = *s;
                if (c == '$' || c == '?' || c == '`') {
                    // CPython reports these as plain syntax errors.
                    kw = TOK_BANG;
                    goto op;
                }
                bad_char(L, s);
                break;
            }
        */
    keyword:
    op:
        push(L, kw, L->tok, L->cur, L->line, L->line_start);
    }
done:
    // async is a keyword only right before def, for and with.
    for (int i = first; i + 1 < p->ntok; i++) {
        Token *t = &p->toks[i];
        if (t->kind == TOK_NAME && t->len == 5 && memcmp(t->text, "async", 5) == 0) {
            int k = p->toks[i + 1].kind;
            if (k == TOK_DEF || k == TOK_FOR || k == TOK_WITH) {
                t->kind = TOK_ASYNC;
            }
        }
    }
    return true;
}

// ---- string literals

// A malloc'd scratch buffer for decoded text.
typedef struct StrBuf {
    char *s;
    size_t len, cap;
} StrBuf;

static void sb_put(StrBuf *b, const char *s, size_t n) {
    if (n == 0) {
        return;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n) {
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
}

// Parts of one FSTRING under construction: finished parts plus the literal
// text not yet turned into a CONST_STR part.
typedef struct Builder {
    AstList parts;
    StrBuf lit;
    SrcLoc loc;
} Builder;

// Position of [ptr] inside the text of token [t].
static SrcLoc pos_in(const Token *t, const char *ptr) {
    SrcLoc loc = {t->loc.line, t->loc.col, 0, 0};
    for (const char *s = t->text; s < ptr; s++) {
        if (*s == '\n') {
            loc.line++;
            loc.col = 0;
        } else {
            loc.col++;
        }
    }
    loc.end_line = loc.line;
    loc.end_col = loc.col + 1;
    return loc;
}

// Where CPython 3.11 reports errors inside a string literal: just past it.
static SrcLoc after(const Token *t) {
    SrcLoc loc = {t->loc.end_line, t->loc.end_col, t->loc.end_line, t->loc.end_col + 1};
    return loc;
}

static SrcLoc span(SrcLoc a, SrcLoc b) {
    a.end_line = b.end_line;
    a.end_col = b.end_col;
    return a;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 32;
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

// Decodes the escapes of [s, e) into [b] (copies verbatim when [raw]).
// [body] is the start of the literal body, for error positions. A [bytes]
// literal takes \x and octal escapes as single bytes and keeps \u, \U, \N.
static bool decode(Parser *p, const Token *t, StrBuf *b, const char *s, const char *e, bool raw,
                   const char *body, bool bytes) {
    while (s < e) {
        const char *run = s;
        while (s < e && (*s != '\\' || raw) && *s != '\r') {
            s++;
        }
        sb_put(b, run, (size_t)(s - run));
        if (s >= e) {
            break;
        }
        if (*s == '\r') {
            // Source newlines read as "\n" whatever the file uses.
            sb_put(b, "\n", 1);
            s += s + 1 < e && s[1] == '\n' ? 2 : 1;
            continue;
        }
        const char *bs = s++;
        if (s >= e) {
            sb_put(b, "\\", 1);
            break;
        }
        char c = *s++;
        char ch;
        switch (c) {
        case '\n': continue;
        case '\r':
            if (s < e && *s == '\n') {
                s++;
            }
            continue;
        case '\\': ch = '\\'; break;
        case '\'': ch = '\''; break;
        case '"': ch = '"'; break;
        case 'a': ch = '\a'; break;
        case 'b': ch = '\b'; break;
        case 'f': ch = '\f'; break;
        case 'n': ch = '\n'; break;
        case 'r': ch = '\r'; break;
        case 't': ch = '\t'; break;
        case 'v': ch = '\v'; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            unsigned v = (unsigned)(c - '0');
            for (int i = 0; i < 2 && s < e && *s >= '0' && *s <= '7'; i++) {
                v = v * 8 + (unsigned)(*s++ - '0');
            }
            if (bytes) {
                char byte = (char)(v & 0xFF);
                sb_put(b, &byte, 1);
                continue;
            }
            char tmp[4];
            sb_put(b, tmp, (size_t)utf8_encode(tmp, v));
            continue;
        }
        case 'u': case 'U':
            if (bytes) {
                sb_put(b, bs, (size_t)(s - bs));
                continue;
            }
            // fall through
        case 'x': {
            int n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            unsigned v = 0;
            int i = 0;
            for (; i < n && s < e && hexval(*s) >= 0; i++) {
                v = v * 16 + (unsigned)hexval(*s++);
            }
            int pos = (int)(bs - body);
            if (bytes) {
                if (i < n) {
                    fe_error(p, "SyntaxError", after(t),
                             "(value error) invalid \\x escape at position %d", pos);
                    return false;
                }
                char byte = (char)v;
                sb_put(b, &byte, 1);
                continue;
            }
            if (i < n) {
                fe_error(p, "SyntaxError", after(t),
                         "(unicode error) 'unicodeescape' codec can't decode bytes in position "
                         "%d-%d: truncated \\%s escape",
                         pos, pos + 1 + i,
                         c == 'x' ? "xXX" : c == 'u' ? "uXXXX" : "UXXXXXXXX");
                return false;
            }
            if (v > 0x10FFFF) {
                fe_error(p, "SyntaxError", after(t),
                         "(unicode error) 'unicodeescape' codec can't decode bytes in position "
                         "%d-%d: illegal Unicode character", pos, pos + 1 + n);
                return false;
            }
            char tmp[4];
            sb_put(b, tmp, (size_t)utf8_encode(tmp, v));
            continue;
        }
        case 'N': {
            if (bytes) {    // no \N in bytes: it stays as written
                sb_put(b, bs, (size_t)(s - bs));
                continue;
            }
            // \N{NAME}: errors name the bytes from the backslash to where
            // the scan stopped, as CPython's unicodeescape codec does
            int pos = (int)(bs - body);
            const char *msg = "malformed \\N character escape";
            const char *q = s;
            if (q < e && *q == '{') {
                const char *start = ++q;
                while (q < e && *q != '}') {
                    q++;
                }
                if (q < e && q > start) {
                    uint32_t cp;
                    q++;
                    if (uname_lookup(start, (size_t)(q - 1 - start), &cp)) {
                        char tmp[4];
                        sb_put(b, tmp, (size_t)utf8_encode(tmp, cp));
                        s = q;
                        continue;
                    }
                    msg = "unknown Unicode character name";
                }
            }
            fe_error(p, "SyntaxError", after(t),
                     "(unicode error) 'unicodeescape' codec can't decode bytes in position "
                     "%d-%d: %s", pos, (int)(q - body) - 1, msg);
            return false;
        }
        default:
            // Unknown escapes stay as written.
            sb_put(b, bs, (size_t)(s - bs));
            continue;
        }
        sb_put(b, &ch, 1);
    }
    return true;
}

// Moves the pending literal text of [bd] into a CONST_STR part.
static void flush_lit(Parser *p, Builder *bd, SrcLoc loc) {
    if (bd->lit.len == 0) {
        return;
    }
    Ast *n = ast_new(p, AST_CONST_STR, loc);
    n->str = arena_strndup(p->arena, bd->lit.s ? bd->lit.s : "", bd->lit.len);
    n->slen = bd->lit.len;
    ast_list_push(p, &bd->parts, n);
    bd->lit.len = 0;
}

static const char *fs_parse(Parser *p, const Token *t, Builder *bd, const char *s, const char *e,
                            bool raw, int nest, bool spec, const char *body);

enum { FS_MAX_PARENS = 200 };  // CPython's MAXLEVEL for a replacement field

// Parses the replacement field starting at '{' [q]; returns the position
// after its '}' or NULL on error.
static const char *fs_field(Parser *p, const Token *t, Builder *bd, const char *q, const char *e,
                            bool raw, int nest, const char *body) {
    if (nest >= 2) {
        fe_error(p, "SyntaxError", after(t), "f-string: expressions nested too deeply");
        return NULL;
    }
    const char *ex = q + 1, *r = ex, *exend = NULL;
    int depth = 0;
    char parens[FS_MAX_PARENS];
    bool debug = false;
    while (r < e) {
        char ch = *r;
        if (ch == '\'' || ch == '"') {
            bool triple = r + 2 < e && r[1] == ch && r[2] == ch;
            r += triple ? 3 : 1;
            for (;;) {
                if (r >= e) {
                    fe_error(p, "SyntaxError", after(t), "f-string: unterminated string");
                    return NULL;
                }
                if (*r == ch && (!triple || (r + 2 < e && r[1] == ch && r[2] == ch))) {
                    r += triple ? 3 : 1;
                    break;
                }
                if (*r == '\\') {
                    // 3.11 refuses a backslash anywhere in the expression,
                    // inside its string literals too
                    fe_error(p, "SyntaxError", after(t), "f-string expression part cannot include a backslash");
                    return NULL;
                }
                r++;
            }
            continue;
        }
        if (ch == '\\') {
            fe_error(p, "SyntaxError", after(t),
                     "f-string expression part cannot include a backslash");
            return NULL;
        }
        if (ch == '#') {
            fe_error(p, "SyntaxError", after(t), "f-string expression part cannot include '#'");
            return NULL;
        }
        if (ch == '(' || ch == '[' || ch == '{') {
            if (depth >= FS_MAX_PARENS) {
                fe_error(p, "SyntaxError", after(t), "f-string: too many nested parenthesis");
                return NULL;
            }
            parens[depth++] = ch;
        } else if (ch == ')' || ch == ']' || ch == '}') {
            if (depth == 0) {
                if (ch == '}') {
                    break;
                }
                fe_error(p, "SyntaxError", after(t), "f-string: unmatched '%c'", ch);
                return NULL;
            }
            char open = parens[--depth];
            if ((open == '(') != (ch == ')') || (open == '[') != (ch == ']')) {
                fe_error(p, "SyntaxError", after(t),
                         "f-string: closing parenthesis '%c' does not match opening parenthesis '%c'",
                         ch, open);
                return NULL;
            }
        } else if (depth == 0) {
            if (ch == '!' && (r + 1 >= e || r[1] != '=')) {
                break;
            }
            if (ch == ':') {
                break;
            }
            if (ch == '=' || ch == '!' || ch == '<' || ch == '>') {
                if (r + 1 < e && r[1] == '=') {
                    r += 2;
                    continue;
                }
                if (ch == '=') {
                    // f"{x=}": the text up to here is printed before the value.
                    debug = true;
                    exend = r;
                    r++;
                    while (r < e && (*r == ' ' || *r == '\t' || *r == '\n')) {
                        r++;
                    }
                    break;
                }
            }
        }
        r++;
    }
    if (depth > 0) {
        fe_error(p, "SyntaxError", after(t), "f-string: unmatched '%c'", parens[depth - 1]);
        return NULL;
    }
    if (exend == NULL) {
        exend = r;
    }
    if (r >= e && !debug) {
        fe_error(p, "SyntaxError", after(t), "f-string: expecting '}'");
        return NULL;
    }
    // CPython compiles the expression before it looks at what follows it
    // (string_parser.c's fstring_compile_expr), so these come first
    const char *w = ex;
    while (w < exend && (*w == ' ' || *w == '\t' || *w == '\n' || *w == '\r' || *w == '\f')) {
        w++;
    }
    if (w == exend) {
        if (*exend == '!' || *exend == ':' || *exend == '=') {
            fe_error(p, "SyntaxError", after(t), "f-string: expression required before '%c'", *exend);
        } else {
            fe_error(p, "SyntaxError", after(t), "f-string: empty expression not allowed");
        }
        return NULL;
    }
    SrcLoc eloc = pos_in(t, ex);
    Ast *value = fe_parse_fexpr(p, ex, (size_t)(exend - ex), eloc.line, eloc.col);
    if (value == NULL) {
        return NULL;
    }
    const char *debug_end = r;
    int conv = 0;
    if (r >= e) {
        fe_error(p, "SyntaxError", after(t), "f-string: expecting '}'");
        return NULL;
    }
    if (*r == '!') {
        r++;
        if (r >= e) {
            fe_error(p, "SyntaxError", after(t), "f-string: expecting '}'");
            return NULL;
        }
        if (*r == 'r' || *r == 's' || *r == 'a') {
            conv = *r++;
        } else {
            fe_error(p, "SyntaxError", after(t),
                     "f-string: invalid conversion character: expected 's', 'r', or 'a'");
            return NULL;
        }
        if (r >= e || (*r != ':' && *r != '}')) {
            fe_error(p, "SyntaxError", after(t), "f-string: expecting '}'");
            return NULL;
        }
    }
    Ast *specnode = NULL;
    if (r < e && *r == ':') {
        Builder sb = {0};
        sb.loc = pos_in(t, r + 1);
        const char *stop = fs_parse(p, t, &sb, r + 1, e, raw, nest + 1, true, body);
        if (stop != NULL) {
            flush_lit(p, &sb, sb.loc);
            specnode = ast_new(p, AST_FSTRING, span(sb.loc, pos_in(t, stop)));
            specnode->list = sb.parts;
        }
        free(sb.lit.s);
        if (stop == NULL) {
            return NULL;
        }
        r = stop;
    }
    if (r >= e || *r != '}') {
        fe_error(p, "SyntaxError", after(t), "f-string: expecting '}'");
        return NULL;
    }
    r++;
    if (debug) {
        sb_put(&bd->lit, ex, (size_t)(debug_end - ex));
        if (conv == 0 && specnode == NULL) {
            conv = 'r';
        }
    }
    SrcLoc floc = span(pos_in(t, q), pos_in(t, r - 1));
    flush_lit(p, bd, bd->loc);
    Ast *fv = ast_new(p, AST_FORMATTED_VALUE, floc);
    fv->a = value;
    fv->op = conv;
    fv->b = specnode;
    ast_list_push(p, &bd->parts, fv);
    return r;
}

// Splits the f-string text [s, e) into parts of [bd]. In a format [spec]
// it stops at the closing '}' and returns its position; at top level it
// returns [e]. NULL on error.
static const char *fs_parse(Parser *p, const Token *t, Builder *bd, const char *s, const char *e,
                            bool raw, int nest, bool spec, const char *body) {
    const char *q = s, *run = s;
    while (q < e) {
        char ch = *q;
        if (ch == '{') {
            if (!decode(p, t, &bd->lit, run, q, raw, body, false)) {
                return NULL;
            }
            if (!spec && q + 1 < e && q[1] == '{') {
                sb_put(&bd->lit, "{", 1);
                q += 2;
            } else {
                q = fs_field(p, t, bd, q, e, raw, nest, body);
                if (q == NULL) {
                    return NULL;
                }
            }
            run = q;
            continue;
        }
        if (ch == '}') {
            if (!decode(p, t, &bd->lit, run, q, raw, body, false)) {
                return NULL;
            }
            if (spec) {
                return q;
            }
            if (q + 1 < e && q[1] == '}') {
                sb_put(&bd->lit, "}", 1);
                q += 2;
                run = q;
                continue;
            }
            fe_error(p, "SyntaxError", after(t), "f-string: single '}' is not allowed");
            return NULL;
        }
        if (ch == '\\' && !raw && q + 2 < e && q[1] == 'N' && q[2] == '{') {
            // \N{NAME}: its braces are no replacement field
            const char *close = memchr(q + 3, '}', (size_t)(e - q - 3));
            if (close) {
                q = close + 1;
                continue;
            }
        }
        if (ch == '\\' && !raw && q + 1 < e && q[1] != '{' && q[1] != '}') {
            q += 2;
            continue;
        }
        q++;
    }
    if (!decode(p, t, &bd->lit, run, q, raw, body, false)) {
        return NULL;
    }
    if (spec) {
        fe_error(p, "SyntaxError", after(t), "f-string: expecting '}'");
        return NULL;
    }
    return q;
}

Ast *fe_strings(Parser *p, int first, int last) {
    Builder bd = {0};
    bool any_f = false, ok = true;
    SrcLoc loc = span(p->toks[first].loc, p->toks[last].loc);
    bd.loc = loc;
    int first_bytes = -1;   // 1: the first literal is bytes
    for (int i = first; i <= last && ok; i++) {
        const Token *t = &p->toks[i];
        bool raw = false, fstr = false, bytes = false;
        int pl = 0;
        while (t->text[pl] != '\'' && t->text[pl] != '"') {
            char c = (char)(t->text[pl] | 32);
            raw |= c == 'r';
            fstr |= c == 'f';
            bytes |= c == 'b';
            pl++;
        }
        if (first_bytes < 0) {
            first_bytes = bytes;
        } else if (first_bytes != bytes) {
            fe_error(p, "SyntaxError", after(&p->toks[last]), "cannot mix bytes and nonbytes literals");
            ok = false;
            break;
        }
        char q = t->text[pl];
        int ql = (t->len - pl >= 6 && t->text[pl + 1] == q && t->text[pl + 2] == q) ? 3 : 1;
        const char *body = t->text + pl + ql;
        const char *end = t->text + t->len - ql;
        if (fstr) {
            any_f = true;
            ok = fs_parse(p, t, &bd, body, end, raw, 0, false, body) != NULL;
        } else {
            if (bytes) {
                for (const char *c = body; c < end; c++) {
                    if ((unsigned char)*c >= 0x80) {
                        fe_error(p, "SyntaxError", t->loc, "bytes can only contain ASCII literal characters");
                        ok = false;
                        break;
                    }
                }
            }
            ok = ok && decode(p, t, &bd.lit, body, end, raw, body, bytes);
        }
    }
    Ast *n = NULL;
    if (ok && !any_f) {
        n = ast_new(p, first_bytes == 1 ? AST_CONST_BYTES : AST_CONST_STR, loc);
        n->str = arena_strndup(p->arena, bd.lit.s ? bd.lit.s : "", bd.lit.len);
        n->slen = bd.lit.len;
    } else if (ok) {
        flush_lit(p, &bd, loc);
        n = ast_new(p, AST_FSTRING, loc);
        n->list = bd.parts;
    }
    free(bd.lit.s);
    return n;
}
