// blake2.c: BLAKE2b and BLAKE2s as RFC 7693 describes them, started from
// the full parameter block of the BLAKE2 paper (digest size, key length,
// fanout, depth, leaf size, node offset, node depth, inner size, salt,
// personalization) so that hashlib.blake2b/blake2s take every CPython
// argument. See blake2.h.
#include <string.h>
#include "blake2.h"

static const uint64_t IV_B[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static const uint32_t IV_S[8] = {
    0x6a09e667UL, 0xbb67ae85UL, 0x3c6ef372UL, 0xa54ff53aUL,
    0x510e527fUL, 0x9b05688cUL, 0x1f83d9abUL, 0x5be0cd19UL,
};

static const uint8_t SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static uint64_t load64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

static uint32_t load32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rotr64(uint64_t x, int n) {
    return (x >> n) | (x << (64 - n));
}

static uint32_t rotr32(uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}

static void compress_b(Blake2 *s, const uint8_t *block, bool last) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) {
        m[i] = load64(block + 8 * i);
    }
    for (int i = 0; i < 8; i++) {
        v[i] = s->h[i];
        v[i + 8] = IV_B[i];
    }
    v[12] ^= s->t[0];
    v[13] ^= s->t[1];
    if (last) {
        v[14] = ~v[14];
        if (s->last_node) {
            v[15] = ~v[15];
        }
    }
#define GB(a, b, c, d, x, y)                                                    \
    do {                                                                        \
        v[a] = v[a] + v[b] + (x);                                               \
        v[d] = rotr64(v[d] ^ v[a], 32);                                         \
        v[c] = v[c] + v[d];                                                     \
        v[b] = rotr64(v[b] ^ v[c], 24);                                         \
        v[a] = v[a] + v[b] + (y);                                               \
        v[d] = rotr64(v[d] ^ v[a], 16);                                         \
        v[c] = v[c] + v[d];                                                     \
        v[b] = rotr64(v[b] ^ v[c], 63);                                         \
    } while (0)
    for (int r = 0; r < 12; r++) {
        const uint8_t *z = SIGMA[r];
        GB(0, 4, 8, 12, m[z[0]], m[z[1]]);
        GB(1, 5, 9, 13, m[z[2]], m[z[3]]);
        GB(2, 6, 10, 14, m[z[4]], m[z[5]]);
        GB(3, 7, 11, 15, m[z[6]], m[z[7]]);
        GB(0, 5, 10, 15, m[z[8]], m[z[9]]);
        GB(1, 6, 11, 12, m[z[10]], m[z[11]]);
        GB(2, 7, 8, 13, m[z[12]], m[z[13]]);
        GB(3, 4, 9, 14, m[z[14]], m[z[15]]);
    }
#undef GB
    for (int i = 0; i < 8; i++) {
        s->h[i] ^= v[i] ^ v[i + 8];
    }
}

static void compress_s(Blake2 *s, const uint8_t *block, bool last) {
    uint32_t m[16], v[16];
    for (int i = 0; i < 16; i++) {
        m[i] = load32(block + 4 * i);
    }
    for (int i = 0; i < 8; i++) {
        v[i] = (uint32_t)s->h[i];
        v[i + 8] = IV_S[i];
    }
    v[12] ^= (uint32_t)s->t[0];
    v[13] ^= (uint32_t)(s->t[0] >> 32);
    if (last) {
        v[14] = ~v[14];
        if (s->last_node) {
            v[15] = ~v[15];
        }
    }
#define GS(a, b, c, d, x, y)                                                    \
    do {                                                                        \
        v[a] = v[a] + v[b] + (x);                                               \
        v[d] = rotr32(v[d] ^ v[a], 16);                                         \
        v[c] = v[c] + v[d];                                                     \
        v[b] = rotr32(v[b] ^ v[c], 12);                                         \
        v[a] = v[a] + v[b] + (y);                                               \
        v[d] = rotr32(v[d] ^ v[a], 8);                                          \
        v[c] = v[c] + v[d];                                                     \
        v[b] = rotr32(v[b] ^ v[c], 7);                                          \
    } while (0)
    for (int r = 0; r < 10; r++) {
        const uint8_t *z = SIGMA[r];
        GS(0, 4, 8, 12, m[z[0]], m[z[1]]);
        GS(1, 5, 9, 13, m[z[2]], m[z[3]]);
        GS(2, 6, 10, 14, m[z[4]], m[z[5]]);
        GS(3, 7, 11, 15, m[z[6]], m[z[7]]);
        GS(0, 5, 10, 15, m[z[8]], m[z[9]]);
        GS(1, 6, 11, 12, m[z[10]], m[z[11]]);
        GS(2, 7, 8, 13, m[z[12]], m[z[13]]);
        GS(3, 4, 9, 14, m[z[14]], m[z[15]]);
    }
#undef GS
    for (int i = 0; i < 8; i++) {
        s->h[i] = (uint32_t)s->h[i] ^ v[i] ^ v[i + 8];
    }
}

static size_t block_len(const Blake2 *s) {
    return s->is_b ? 128 : 64;
}

static void count(Blake2 *s, size_t n) {
    s->t[0] += n;
    if (s->t[0] < n) {
        s->t[1]++;
    }
}

static void compress(Blake2 *s, const uint8_t *block, bool last) {
    if (s->is_b) {
        compress_b(s, block, last);
    } else {
        compress_s(s, block, last);
    }
}

void blake2_init(Blake2 *s, bool is_b, const Blake2Params *p) {
    memset(s, 0, sizeof *s);
    s->is_b = is_b;
    s->outlen = p->digest_size;
    s->last_node = p->last_node;
    uint8_t pb[64] = {0};
    pb[0] = (uint8_t)p->digest_size;
    pb[1] = (uint8_t)p->key_len;
    pb[2] = (uint8_t)p->fanout;
    pb[3] = (uint8_t)p->depth;
    for (int i = 0; i < 4; i++) {
        pb[4 + i] = (uint8_t)(p->leaf_size >> (8 * i));
    }
    if (is_b) {
        for (int i = 0; i < 8; i++) {
            pb[8 + i] = (uint8_t)(p->node_offset >> (8 * i));
        }
        pb[16] = (uint8_t)p->node_depth;
        pb[17] = (uint8_t)p->inner_size;
        memcpy(pb + 32, p->salt, p->salt_len);
        memcpy(pb + 48, p->person, p->person_len);
        for (int i = 0; i < 8; i++) {
            s->h[i] = IV_B[i] ^ load64(pb + 8 * i);
        }
    } else {
        for (int i = 0; i < 6; i++) {
            pb[8 + i] = (uint8_t)(p->node_offset >> (8 * i));
        }
        pb[14] = (uint8_t)p->node_depth;
        pb[15] = (uint8_t)p->inner_size;
        memcpy(pb + 16, p->salt, p->salt_len);
        memcpy(pb + 24, p->person, p->person_len);
        for (int i = 0; i < 8; i++) {
            s->h[i] = IV_S[i] ^ load32(pb + 4 * i);
        }
    }
    if (p->key_len) {
        uint8_t block[128] = {0};
        memcpy(block, p->key, p->key_len);
        blake2_update(s, block, block_len(s));
    }
}

void blake2_update(Blake2 *s, const uint8_t *in, size_t n) {
    size_t bl = block_len(s);
    while (n > 0) {
        if (s->buflen == bl) {      // a full block and more input: it is not the last
            count(s, bl);
            compress(s, s->buf, false);
            s->buflen = 0;
        }
        size_t take = bl - s->buflen < n ? bl - s->buflen : n;
        memcpy(s->buf + s->buflen, in, take);
        s->buflen += take;
        in += take;
        n -= take;
    }
}

void blake2_final(const Blake2 *s, uint8_t *out) {
    Blake2 c = *s;
    size_t bl = block_len(&c);
    count(&c, c.buflen);
    memset(c.buf + c.buflen, 0, bl - c.buflen);
    compress(&c, c.buf, true);
    for (size_t i = 0; i < c.outlen; i++) {
        out[i] = c.is_b ? (uint8_t)(c.h[i / 8] >> (8 * (i % 8))) : (uint8_t)(c.h[i / 4] >> (8 * (i % 4)));
    }
}
