// blake2.h: BLAKE2b and BLAKE2s (RFC 7693) with the whole parameter block
// (digest size, key, salt, personalization, tree parameters), for hashlib's
// blake2b()/blake2s(): OpenSSL 3.0's BLAKE2 digests take none of them.
#ifndef PYISH_BLAKE2_H
#define PYISH_BLAKE2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Blake2Params {
    size_t digest_size;             // 1..64 (b), 1..32 (s)
    const uint8_t *key, *salt, *person;
    size_t key_len, salt_len, person_len;   // at most 64/16/16 (b), 32/8/8 (s)
    unsigned fanout, depth, node_depth, inner_size;
    uint32_t leaf_size;
    uint64_t node_offset;
    bool last_node;
} Blake2Params;

typedef struct Blake2 {
    bool is_b;              // BLAKE2b (64-bit words, 128-byte blocks), else BLAKE2s (32, 64)
    bool last_node;
    uint64_t h[8];          // chain value (BLAKE2s: the low 32 bits)
    uint64_t t[2];          // bytes compressed so far
    uint8_t buf[128];       // the pending block, never compressed before more input comes
    size_t buflen;
    size_t outlen;
} Blake2;

void blake2_init(Blake2 *s, bool is_b, const Blake2Params *p);
void blake2_update(Blake2 *s, const uint8_t *in, size_t n);
// The digest (s->outlen bytes) of a copy of [s]: the state goes on.
void blake2_final(const Blake2 *s, uint8_t *out);

#endif
