// mod_random.c: the `random` module on a Mersenne Twister that follows
// CPython bit for bit: seed(int) uses init_by_array on the int's 32-bit
// words, random() combines two outputs into 53 bits, getrandbits takes the
// top bits of each output, and randrange/randint/choice/shuffle/sample/
// choices use CPython's _randbelow rejection sampling, so a seeded program
// draws the same numbers as python3.
#include <stdlib.h>
#include <math.h>
#include <time.h>
#include <unistd.h>
#include <openssl/sha.h>
#include "containers.h"
#include "module.h"
#include "bytes.h"
#include "runtime.h"

#define MT_N 624
#define MT_M 397

// One generator's state; the module functions use the shared one, each
// random.Random instance has its own (S points at the one in use).
typedef struct MTState {
    uint32_t mt[MT_N];
    int mti;
    double gauss_next;
    bool have_gauss_next;
} MTState;
#define S (ST->random_cur)
#define mt (S->mt)
#define mti (S->mti)
#define gauss_next (S->gauss_next)
#define have_gauss_next (S->have_gauss_next)

static void init_genrand(uint32_t s) {
    mt[0] = s;
    for (mti = 1; mti < MT_N; mti++) {
        mt[mti] = 1812433253U * (mt[mti - 1] ^ (mt[mti - 1] >> 30)) + (uint32_t)mti;
    }
}

static void init_by_array(const uint32_t *key, size_t len) {
    init_genrand(19650218U);
    size_t i = 1, j = 0;
    size_t k = MT_N > len ? MT_N : len;
    for (; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + key[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= MT_N) {
            mt[0] = mt[MT_N - 1];
            i = 1;
        }
        if (j >= len) {
            j = 0;
        }
    }
    for (k = MT_N - 1; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - (uint32_t)i;
        i++;
        if (i >= MT_N) {
            mt[0] = mt[MT_N - 1];
            i = 1;
        }
    }
    mt[0] = 0x80000000U;
}

static uint32_t genrand(void) {
    static const uint32_t mag01[2] = {0x0U, 0x9908b0dfU};
    uint32_t y;
    if (mti >= MT_N) {
        if (mti == MT_N + 1) {
            init_genrand(5489U);
        }
        int kk;
        for (kk = 0; kk < MT_N - MT_M; kk++) {
            y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
            mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 1U];
        }
        for (; kk < MT_N - 1; kk++) {
            y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
            mt[kk] = mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1U];
        }
        y = (mt[MT_N - 1] & 0x80000000U) | (mt[0] & 0x7fffffffU);
        mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1U];
        mti = 0;
    }
    y = mt[mti++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

static double random_double(void) {
    uint32_t a = genrand() >> 5, b = genrand() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

// getrandbits(k) for k <= 64.
static uint64_t randbits64(int k) {
    if (k <= 32) {
        return k == 0 ? 0 : genrand() >> (32 - k);
    }
    uint64_t lo = genrand();
    uint64_t hi = genrand() >> (64 - k);
    return lo | (hi << 32);
}

static int bit_length(uint64_t n) {
    int k = 0;
    while (n) {
        k++;
        n >>= 1;
    }
    return k;
}

// CPython's _randbelow_with_getrandbits for 0 < n.
static uint64_t randbelow(uint64_t n) {
    int k = bit_length(n);
    uint64_t r = randbits64(k);
    while (r >= n) {
        r = randbits64(k);
    }
    return r;
}

// Seeds from the mpz [z] (absolute value, 32-bit words, least first); clears z.
static bool seed_mpz(mpz_t z) {
    mpz_abs(z, z);
    size_t words = (mpz_sizeinbase(z, 2) + 31) / 32;
    if (words == 0) {
        words = 1;
    }
    uint32_t *key = mem_alloc(words * sizeof(uint32_t));
    memset(key, 0, words * sizeof(uint32_t));
    size_t count = 0;
    mpz_export(key, &count, -1, sizeof(uint32_t), 0, 0, z);
    init_by_array(key, words);
    mem_free(key, words * sizeof(uint32_t));
    mpz_clear(z);
    have_gauss_next = false;
    return true;
}

// Seeds from the int [v].
static bool seed_int(Value v) {
    mpz_t z;
    mpz_init(z);
    int_get_mpz(v, z);
    return seed_mpz(z);
}

// Seeds from str/bytes data as CPython's version 2 seeding does:
// int.from_bytes(data + sha512(data).digest()) (big-endian).
static bool seed_bytes(const unsigned char *data, size_t len) {
    size_t n = len + SHA512_DIGEST_LENGTH;
    unsigned char *buf = mem_alloc(n);
    if (len) {
        memcpy(buf, data, len);
    }
    SHA512(data, len, buf + len);
    mpz_t z;
    mpz_init(z);
    mpz_import(z, n, 1, 1, 0, 0, buf);
    mem_free(buf, n);
    return seed_mpz(z);
}

static Value m_seed(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("seed", argc, 0, 2)) {
        return VAL_NULL;
    }
    Value a = argc ? argv[0] : kw_get(kw, "a");
    if (!a || IS_NONE(a)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint32_t key[4] = {(uint32_t)ts.tv_nsec, (uint32_t)ts.tv_sec, (uint32_t)getpid(),
                           (uint32_t)((uint64_t)ts.tv_sec >> 32)};
        init_by_array(key, 4);
        have_gauss_next = false;
        return VAL_NONE;
    }
    if (a == VAL_TRUE || a == VAL_FALSE) {
        a = MK_SMALL(a == VAL_TRUE);
    }
    if (int_check(a)) {
        seed_int(a);
        return VAL_NONE;
    }
    if (IS_STR(a)) {
        return seed_bytes((const unsigned char *)AS_STR(a)->data, AS_STR(a)->len) ? VAL_NONE : VAL_NULL;
    }
    if (IS_A(a, cls_bytes) || IS_A(a, cls_bytearray)) {
        BufView b = {0};
        if (buffer_get(a, &b) <= 0) {
            return VAL_NULL;
        }
        return seed_bytes(b.ptr, b.len) ? VAL_NONE : VAL_NULL;
    }
    if (IS_FLOATISH(a)) {
        // CPython seeds from hash(a) as an unsigned 64-bit int
        int64_t h = 0;
        if (!obj_hash(a, &h)) {
            return VAL_NULL;
        }
        mpz_t z;
        mpz_init(z);
        mpz_import(z, 1, 1, sizeof(uint64_t), 0, 0, &(uint64_t){(uint64_t)h});
        return seed_mpz(z) ? VAL_NONE : VAL_NULL;
    }
    return exc_raise(exc_TypeError,
                     "The only supported seed types are: None,\n"
                     "int, float, str, bytes, and bytearray.");
}

static Value m_random(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("random", argc, 0, 0)) {
        return VAL_NULL;
    }
    return float_new(random_double());
}

static Value m_getrandbits(int argc, Value *argv, ObjDict *kw) {
    int64_t k;
    if (!arg_count("getrandbits", argc, 1, 1) || !index_value(argv[0], NULL, &k)) {
        return VAL_NULL;
    }
    if (k < 0) {
        return exc_raise(exc_ValueError, "number of bits must be non-negative");
    }
    if (k <= 32) {
        return VAL_INT(k == 0 ? 0 : genrand() >> (32 - k));
    }
    size_t words = (size_t)((k - 1) / 32 + 1);
    uint32_t *w = mem_alloc(words * sizeof(uint32_t));
    int64_t left = k;
    for (size_t i = 0; i < words; i++, left -= 32) {
        uint32_t r = genrand();
        if (left < 32) {
            r >>= (32 - left);
        }
        w[i] = r;
    }
    mpz_t z;
    mpz_init(z);
    mpz_import(z, words, -1, sizeof(uint32_t), 0, 0, w);
    mem_free(w, words * sizeof(uint32_t));
    Value r = int_from_mpz(z);
    mpz_clear(z);
    return r;
}

// An int argument as int64 (bools allowed); false with TypeError.
static bool int_arg(Value v, int64_t *out) {
    if (IS_FLOAT(v)) {
        double d = AS_FLOAT(v);
        if (d == floor(d) && fabs(d) < 9e18) {
            *out = (int64_t)d;   // 3.11 accepts integral floats (deprecated)
            return true;
        }
        exc_raise(exc_ValueError, "non-integer arg 1 for randrange()");
        return false;
    }
    return index_value(v, NULL, out);
}

static Value randrange(int64_t start, Value stopv, int64_t step) {
    if (!stopv || IS_NONE(stopv)) {
        if (start > 0) {
            return VAL_INT((int64_t)randbelow((uint64_t)start));
        }
        return exc_raise(exc_ValueError, "empty range for randrange()");
    }
    int64_t stop;
    if (!int_arg(stopv, &stop)) {
        return VAL_NULL;
    }
    int64_t width = stop - start;
    if (step == 1) {
        if (width > 0) {
            return VAL_INT(start + (int64_t)randbelow((uint64_t)width));
        }
        return exc_raise(exc_ValueError, "empty range for randrange() (%lld, %lld, %lld)",
                         (long long)start, (long long)stop, (long long)width);
    }
    int64_t n;
    if (step > 0) {
        n = (width + step - 1) / step;
        if ((width + step - 1) % step != 0 && (width + step - 1) < 0) {
            n--;    // floor division
        }
    } else if (step < 0) {
        int64_t num = width + step + 1;
        n = num / step;
        if (num % step != 0 && ((num < 0) != (step < 0))) {
            n--;
        }
    } else {
        return exc_raise(exc_ValueError, "zero step for randrange()");
    }
    if (n <= 0) {
        return exc_raise(exc_ValueError, "empty range for randrange()");
    }
    return VAL_INT(start + step * (int64_t)randbelow((uint64_t)n));
}

// An int (or integral float) argument as an mpz; false with the error raised.
static bool mpz_arg(Value v, mpz_t out) {
    if (IS_FLOAT(v)) {
        double d = AS_FLOAT(v);
        if (d != floor(d) || !isfinite(d)) {
            exc_raise(exc_ValueError, "non-integer arg 1 for randrange()");
            return false;
        }
        mpz_set_d(out, d);
        return true;
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        mpz_set_si(out, v == VAL_TRUE);
        return true;
    }
    if (!int_check(v)) {
        if (!class_lookup(val_class(v), str_intern_c("__index__"))) {
            exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(v));
            return false;
        }
        Value i = call_method(v, "__index__", 0, NULL);
        if (!i) {
            return false;
        }
        v = i;
    }
    int_get_mpz(v, out);
    return true;
}

// CPython's _randbelow_with_getrandbits for an mpz n > 0, into r.
static bool randbelow_mpz(mpz_t r, const mpz_t n) {
    Value k = VAL_INT((int64_t)mpz_sizeinbase(n, 2));
    do {
        Value bits = m_getrandbits(1, &k, NULL);
        if (!bits) {
            return false;
        }
        int_get_mpz(bits, r);
    } while (mpz_cmp(r, n) >= 0);
    return true;
}

// randrange with arguments beyond the small ints (CPython's code on big ints).
static Value randrange_big(Value startv, Value stopv, Value stepv) {
    mpz_t start, stop, step, width, n, r;
    mpz_inits(start, stop, step, width, n, r, NULL);
    Value res = VAL_NULL;
    if (!mpz_arg(startv, start)) {
        goto done;
    }
    if (!stopv || IS_NONE(stopv)) {
        if (mpz_sgn(start) > 0) {
            if (randbelow_mpz(r, start)) {
                res = int_from_mpz(r);
            }
        } else {
            exc_raise(exc_ValueError, "empty range for randrange()");
        }
        goto done;
    }
    if (!mpz_arg(stopv, stop) || (stepv && !mpz_arg(stepv, step))) {
        goto done;
    }
    if (!stepv) {
        mpz_set_si(step, 1);
    }
    mpz_sub(width, stop, start);
    if (mpz_cmp_si(step, 1) == 0) {
        if (mpz_sgn(width) > 0) {
            if (randbelow_mpz(r, width)) {
                mpz_add(r, r, start);
                res = int_from_mpz(r);
            }
        } else {
            Value a = int_from_mpz(start), b = int_from_mpz(stop), c = int_from_mpz(width);
            Value ra = a ? obj_str(a) : VAL_NULL, rb = b ? obj_str(b) : VAL_NULL, rc = c ? obj_str(c) : VAL_NULL;
            if (ra && rb && rc) {
                exc_raise(exc_ValueError, "empty range for randrange() (%s, %s, %s)", AS_STR(ra)->data,
                          AS_STR(rb)->data, AS_STR(rc)->data);
            }
        }
        goto done;
    }
    if (mpz_sgn(step) == 0) {
        exc_raise(exc_ValueError, "zero step for randrange()");
        goto done;
    }
    mpz_add(n, width, step);
    if (mpz_sgn(step) > 0) {
        mpz_sub_ui(n, n, 1);
    } else {
        mpz_add_ui(n, n, 1);
    }
    mpz_fdiv_q(n, n, step);
    if (mpz_sgn(n) <= 0) {
        exc_raise(exc_ValueError, "empty range for randrange()");
        goto done;
    }
    if (randbelow_mpz(r, n)) {
        mpz_mul(r, r, step);
        mpz_add(r, r, start);
        res = int_from_mpz(r);
    }
done:
    mpz_clears(start, stop, step, width, n, r, NULL);
    return res;
}

// Whether the randrange/randint arguments all fit the int64 fast path.
static bool small_args(int argc, Value *argv) {
    for (int i = 0; i < argc; i++) {
        Value v = argv[i];
        if (!(IS_SMALL(v) || v == VAL_TRUE || v == VAL_FALSE || IS_NONE(v) ||
              (IS_FLOAT(v) && fabs(AS_FLOAT(v)) < 1e18))) {
            return !int_check(v) && !IS_FLOAT(v) && !class_lookup(val_class(v), str_intern_c("__index__"));
        }
    }
    return true;
}

static Value m_randrange(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("randrange", argc, 1, 3)) {
        return VAL_NULL;
    }
    if (!small_args(argc, argv)) {
        return randrange_big(argv[0], argc > 1 ? argv[1] : VAL_NULL, argc > 2 ? argv[2] : VAL_NULL);
    }
    int64_t start, step = 1;
    if (!int_arg(argv[0], &start) || (argc > 2 && !int_arg(argv[2], &step))) {
        return VAL_NULL;
    }
    return randrange(start, argc > 1 ? argv[1] : VAL_NULL, step);
}

static Value m_randint(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("randint", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!small_args(argc, argv)) {    // randrange(a, b + 1) on big ints
        Value b1 = obj_binop(argv[1], MK_SMALL(1), BIN_ADD);
        if (!b1) {
            return VAL_NULL;
        }
        gc_push_root(b1);
        Value r = randrange_big(argv[0], b1, VAL_NULL);
        gc_pop_root(1);
        return r;
    }
    int64_t a, b;
    if (!int_arg(argv[0], &a) || !int_arg(argv[1], &b)) {
        return VAL_NULL;
    }
    return randrange(a, VAL_INT(b + 1), 1);
}

static Value m_choice(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("choice", argc, 1, 1)) {
        return VAL_NULL;
    }
    int64_t n = obj_length(argv[0]);
    if (n < 0) {
        return VAL_NULL;
    }
    if (n == 0) {
        return exc_raise(exc_IndexError, "Cannot choose from an empty sequence");
    }
    return obj_getitem(argv[0], VAL_INT((int64_t)randbelow((uint64_t)n)));
}

static Value m_shuffle(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("shuffle", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value x = argv[0];
    int64_t n = obj_length(x);
    if (n < 0) {
        return VAL_NULL;
    }
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)randbelow((uint64_t)i + 1);
        if (IS_LIST(x)) {
            ObjList *l = AS_LIST(x);
            if ((size_t)i < l->len) {
                Value t = l->items[i];
                l->items[i] = l->items[j];
                l->items[j] = t;
            }
            continue;
        }
        Value a = obj_getitem(x, VAL_INT(i));
        if (!a) {
            return VAL_NULL;
        }
        gc_push_root(a);
        Value b = obj_getitem(x, VAL_INT(j));
        bool ok = b && obj_setitem(x, VAL_INT(i), b) && obj_setitem(x, VAL_INT(j), a);
        gc_pop_root(1);
        if (!ok) {
            return VAL_NULL;
        }
    }
    return VAL_NONE;
}

static Value m_uniform(int argc, Value *argv, ObjDict *kw) {
    double a, b;
    if (!arg_count("uniform", argc, 2, 2) || !val_to_double(argv[0], &a) ||
        !val_to_double(argv[1], &b)) {
        return VAL_NULL;
    }
    return float_new(a + (b - a) * random_double());
}

// The indices 0..n-1 that CPython's Random.sample picks, in its order and
// with its calls to _randbelow (a pool for small populations, a set of the
// chosen ones for large): out[0..k-1]. False: MemoryError raised.
static bool sample_indices(int64_t n, int64_t k, int64_t *out) {
    int64_t setsize = 21;
    if (k > 5) {
        setsize += (int64_t)pow(4, ceil(log((double)(k * 3)) / log(4.0)));
    }
    if (n <= setsize) {
        int64_t *pool = malloc((size_t)(n > 0 ? n : 1) * sizeof *pool);
        if (!pool) {
            exc_raise(exc_MemoryError, "");
            return false;
        }
        for (int64_t i = 0; i < n; i++) {
            pool[i] = i;
        }
        for (int64_t i = 0; i < k; i++) {
            int64_t j = (int64_t)randbelow((uint64_t)(n - i));
            out[i] = pool[j];
            pool[j] = pool[n - i - 1];
        }
        free(pool);
        return true;
    }
    Value selected = set_new(cls_set);
    if (!selected) {
        return false;
    }
    gc_push_root(selected);
    for (int64_t i = 0; i < k; i++) {
        int64_t j = (int64_t)randbelow((uint64_t)n);
        while (set_contains(AS_SET(selected), MK_SMALL(j)) == 1) {
            j = (int64_t)randbelow((uint64_t)n);
        }
        set_add(AS_SET(selected), MK_SMALL(j));
        out[i] = j;
    }
    gc_pop_root(1);
    return true;
}

// counts= of sample: the running totals of the counts (cum[0..n-1]), as
// CPython's accumulate, with its messages. False: an exception is raised.
static bool sample_cum_counts(Value counts, int64_t n, int64_t *cum) {
    Value l = seq_to_list(counts);
    if (!l) {
        return false;
    }
    if ((int64_t)AS_LIST(l)->len != n) {
        exc_raise(exc_ValueError, "The number of counts does not match the population");
        return false;
    }
    int64_t total = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t c;
        Value v = AS_LIST(l)->items[i];
        if (!(IS_INT(v) || v == VAL_TRUE || v == VAL_FALSE) || !index_value(v, NULL, &c)) {
            exc_clear();
            exc_raise(exc_TypeError, "Counts must be integers");
            return false;
        }
        total += c;
        cum[i] = total;
    }
    if (total <= 0) {
        exc_raise(exc_ValueError, "Total of counts must be greater than zero");
        return false;
    }
    return true;
}

static Value m_sample(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"k", "counts", NULL};
    if (!kw_only("sample", kw, allowed) || !arg_count("sample", argc, 1, 2)) {
        return VAL_NULL;
    }
    Value kv = argc > 1 ? argv[1] : kw_get(kw, "k");
    int64_t k;
    if (!kv) {
        return exc_raise(exc_TypeError, "Random.sample() missing 1 required positional argument: 'k'");
    }
    if (!index_value(kv, NULL, &k)) {
        return VAL_NULL;
    }
    Value pop = argv[0];
    if (IS_SETISH(pop) || IS_DICTISH(pop)) {
        return exc_raise(exc_TypeError,
                         "Population must be a sequence.  For dicts or sets, use sorted(d).");
    }
    Value pool = seq_to_list(pop);
    if (!pool) {
        return VAL_NULL;
    }
    gc_push_root(pool);
    int64_t n = (int64_t)AS_LIST(pool)->len;
    Value counts = kw_get(kw, "counts");
    int64_t *cum = NULL;
    int64_t total = n;
    if (counts && !IS_NONE(counts)) {
        cum = malloc((size_t)(n > 0 ? n : 1) * sizeof *cum);
        if (!cum) {
            gc_pop_root(1);
            return exc_raise(exc_MemoryError, "");
        }
        if (!sample_cum_counts(counts, n, cum)) {
            free(cum);
            gc_pop_root(1);
            return VAL_NULL;
        }
        total = cum[n - 1];
    }
    if (k < 0 || k > total) {
        free(cum);
        gc_pop_root(1);
        return exc_raise(exc_ValueError, "Sample larger than population or is negative");
    }
    int64_t *picks = malloc((size_t)(k > 0 ? k : 1) * sizeof *picks);
    Value result = picks ? list_new((size_t)k) : VAL_NULL;
    if (!result || !sample_indices(total, k, picks)) {
        free(picks);
        free(cum);
        gc_pop_root(1);
        return picks && result ? VAL_NULL : exc_raise(exc_MemoryError, "");
    }
    gc_push_root(result);
    Value *items = AS_LIST(pool)->items;
    for (int64_t i = 0; i < k; i++) {
        int64_t j = picks[i];
        if (cum) {  // bisect_right(cum, j): the first running total above j
            int64_t lo = 0, hi = n;
            while (lo < hi) {
                int64_t mid = (lo + hi) / 2;
                if (j < cum[mid]) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            j = lo;
        }
        list_append(AS_LIST(result), items[j]);
    }
    free(picks);
    free(cum);
    gc_pop_root(2);
    return result;
}

static Value m_choices(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"weights", "cum_weights", "k", NULL};
    if (!kw_only("choices", kw, allowed) || !arg_count("choices", argc, 1, 2)) {
        return VAL_NULL;
    }
    Value pop = seq_to_list(argv[0]);
    if (!pop) {
        return VAL_NULL;
    }
    gc_push_root(pop);
    Value weights = argc > 1 ? argv[1] : kw_get(kw, "weights");
    Value cum = kw_get(kw, "cum_weights");
    Value kv = kw_get(kw, "k");
    int64_t k = 1;
    if (weights && !IS_NONE(weights) && cum && !IS_NONE(cum)) {
        gc_pop_root(1);
        return exc_raise(exc_TypeError, "Cannot specify both weights and cumulative weights");
    }
    if (kv && !index_value(kv, NULL, &k)) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    size_t n = AS_LIST(pop)->len;
    Value result = list_new(k > 0 ? (size_t)k : 0);
    if (!result) {
        return VAL_NULL;
    }
    gc_push_root(result);
    Value ret = VAL_NULL;
    if ((!weights || IS_NONE(weights)) && (!cum || IS_NONE(cum))) {
        for (int64_t i = 0; i < k; i++) {
            if (n == 0) {
                exc_raise(exc_IndexError, "list index out of range");
                goto done;
            }
            list_append(AS_LIST(result), AS_LIST(pop)->items[(size_t)floor(random_double() * (double)n)]);
        }
        ret = result;
        goto done;
    }
    {
        Value wl = seq_to_list(cum && !IS_NONE(cum) ? cum : weights);
        if (!wl) {
            goto done;
        }
        gc_push_root(wl);
        size_t m = AS_LIST(wl)->len;
        double *cw = mem_alloc((m + 1) * sizeof(double));
        double acc = 0;
        bool ok = true;
        for (size_t i = 0; i < m && ok; i++) {
            double w;
            ok = val_to_double(AS_LIST(wl)->items[i], &w);
            acc = (cum && !IS_NONE(cum)) ? w : acc + w;
            cw[i] = acc;
        }
        if (ok && m != n) {
            exc_raise(exc_ValueError, "The number of weights does not match the population");
            ok = false;
        }
        if (ok && (m == 0 || cw[m - 1] <= 0)) {
            exc_raise(exc_ValueError, m == 0 ? "list index out of range" : "Total of weights must be greater than zero");
            ok = false;
        }
        if (ok && !isfinite(cw[m - 1])) {
            exc_raise(exc_ValueError, "Total of weights must be finite");
            ok = false;
        }
        for (int64_t i = 0; i < k && ok; i++) {
            double x = random_double() * cw[m - 1];
            // bisect_right(cw, x, 0, m - 1)
            size_t lo = 0, hi = m - 1;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (x < cw[mid]) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            list_append(AS_LIST(result), AS_LIST(pop)->items[lo]);
        }
        mem_free(cw, (m + 1) * sizeof(double));
        gc_pop_root(1);
        if (ok) {
            ret = result;
        }
    }
done:
    gc_pop_root(2);
    return ret;
}

static Value m_gauss(int argc, Value *argv, ObjDict *kw) {
    double mu = 0, sigma = 1;
    if (!arg_count("gauss", argc, 0, 2) || (argc > 0 && !val_to_double(argv[0], &mu)) ||
        (argc > 1 && !val_to_double(argv[1], &sigma))) {
        return VAL_NULL;
    }
    double z;
    if (have_gauss_next) {
        z = gauss_next;
        have_gauss_next = false;
    } else {
        double x2pi = random_double() * 2 * M_PI;
        double g2rad = sqrt(-2.0 * log(1.0 - random_double()));
        z = cos(x2pi) * g2rad;
        gauss_next = sin(x2pi) * g2rad;
        have_gauss_next = true;
    }
    return float_new(mu + z * sigma);
}

static Value m_expovariate(int argc, Value *argv, ObjDict *kw) {
    double l;
    if (argc == 0) {    // 3.11's lambd has no default yet
        return exc_raise(exc_TypeError,
                         "Random.expovariate() missing 1 required positional argument: 'lambd'");
    }
    if (!arg_count("expovariate", argc, 1, 1) || !val_to_double(argv[0], &l)) {
        return VAL_NULL;
    }
    if (l == 0) {
        return exc_raise(exc_ZeroDivisionError, "float division by zero");
    }
    return float_new(-log(1.0 - random_double()) / l);
}

// getstate(): CPython's (VERSION 3, (the 624 state words, index), gauss_next or None)
static Value m_getstate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getstate", argc, 0, 0)) {
        return VAL_NULL;
    }
    Value words = tuple_new(MT_N + 1);
    for (int i = 0; i < MT_N; i++) {
        AS_TUPLE(words)->items[i] = MK_SMALL(mt[i]);
    }
    AS_TUPLE(words)->items[MT_N] = MK_SMALL(mti);
    gc_push_root(words);
    Value g = have_gauss_next ? float_new(gauss_next) : VAL_NONE;
    gc_push_root(g);
    Value r = tuple_pack(3, MK_SMALL(3), words, g);
    gc_pop_root(2);
    return r;
}

// setstate(state): what getstate() gave, with CPython's errors
static Value m_setstate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("setstate", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value st = argv[0];
    Value version = obj_getitem(st, MK_SMALL(0));
    if (!version) {
        return VAL_NULL;
    }
    int v = IS_SMALL(version) && (AS_SMALL(version) == 3 || AS_SMALL(version) == 2) ? (int)AS_SMALL(version) : 0;
    if (!v) {
        gc_push_root(version);
        Value vr = obj_str(version);
        gc_pop_root(1);
        if (!vr) {
            return VAL_NULL;
        }
        return exc_raise(exc_ValueError, "state with version %s passed to Random.setstate() of version 3",
                         AS_STR(vr)->data);
    }
    if (!IS_TUPLE(st) || AS_TUPLE(st)->len != 3) {
        return exc_raise(exc_ValueError, IS_TUPLE(st) && AS_TUPLE(st)->len < 3
                                             ? "not enough values to unpack (expected 3, got %zu)"
                                             : "too many values to unpack (expected 3)",
                         IS_TUPLE(st) ? AS_TUPLE(st)->len : (size_t)0);
    }
    Value words = AS_TUPLE(st)->items[1], g = AS_TUPLE(st)->items[2];
    if (!IS_TUPLE(words)) {
        return exc_raise(exc_TypeError, "state vector must be a tuple");
    }
    if (AS_TUPLE(words)->len != MT_N + 1) {
        return exc_raise(exc_ValueError, "state vector is the wrong size");
    }
    uint32_t newmt[MT_N];
    for (int i = 0; i <= MT_N; i++) {
        Value w = AS_TUPLE(words)->items[i];
        if (v == 2 && IS_SMALL(w)) {  // version 2 (Python 2's) words: x % 2**32
            w = MK_SMALL(AS_SMALL(w) & 0xFFFFFFFFLL);
        }
        if (!IS_SMALL(w) || AS_SMALL(w) < 0 || AS_SMALL(w) > 0xFFFFFFFFLL) {
            return exc_raise(IS_SMALL(w) ? exc_OverflowError : exc_TypeError,
                             IS_SMALL(w) ? "Python int too large to convert to C unsigned long"
                                         : "an integer is required");
        }
        if (i < MT_N) {
            newmt[i] = (uint32_t)AS_SMALL(w);
        } else if (AS_SMALL(w) > MT_N) {
            return exc_raise(exc_ValueError, "invalid state");
        }
    }
    double gn = 0;
    if (!IS_NONE(g) && !val_to_double(g, &gn)) {
        return VAL_NULL;
    }
    memcpy(mt, newmt, sizeof newmt);
    mti = (int)AS_SMALL(AS_TUPLE(words)->items[MT_N]);
    have_gauss_next = !IS_NONE(g);
    gauss_next = gn;
    return VAL_NONE;
}

// Keyword arguments by CPython's parameter names (Random's methods are
// Python functions there: random.randint(a=1, b=6), choices(population=...)).
// [names]: the positional-or-keyword parameters of [fname], in order; a
// function's own keyword-only ones (choices' k, sample's counts...) stay in
// the dict passed on when [kwonly] (else they are refused). Calls fn with
// the merged arguments.
static Value call_by_name(NativeFn fn, const char *fname, const char *const *names, bool kwonly, int argc,
                          Value *argv, ObjDict *kw) {
    int n = 0;
    while (names[n]) {
        n++;
    }
    if (!kw || kw->used == 0 || (argc >= n && kwonly)) {
        return fn(argc, argv, kw);
    }
    if (argc > n) {
        return fn(argc, argv, NULL);     // its own count error
    }
    Value args[4] = {VAL_NULL, VAL_NULL, VAL_NULL, VAL_NULL};
    for (int i = 0; i < argc; i++) {
        args[i] = argv[i];
    }
    Value rest = dict_new();     // the keywords that are not in names
    if (!rest) {
        return VAL_NULL;
    }
    gc_push_root(rest);
    Value k, v;
    size_t it = 0;
    while (dict_next(kw, &it, &k, &v)) {
        int i = 0;
        while (i < n && !(IS_STR(k) && strcmp(AS_STR(k)->data, names[i]) == 0)) {
            i++;
        }
        if (i == n && !kwonly) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError, "Random.%s() got an unexpected keyword argument '%s'", fname,
                             IS_STR(k) ? AS_STR(k)->data : "?");
        }
        if (i == n) {
            if (dict_set(AS_DICT(rest), k, v) < 0) {
                gc_pop_root(1);
                return VAL_NULL;
            }
            continue;
        }
        if (args[i]) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError, "Random.%s() got multiple values for argument '%s'", fname, names[i]);
        }
        args[i] = v;
    }
    int m = n;
    while (m > argc && !args[m - 1]) {
        m--;
    }
    if (fn == m_gauss && !args[0]) {
        args[0] = float_new(0.0);       // gauss(sigma=...): mu's default
    }
    for (int i = 0; i < m; i++) {
        if (!args[i]) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError, "Random.%s() missing 1 required positional argument: '%s'", fname,
                             names[i]);
        }
    }
    for (int i = 0; i < m; i++) {
        gc_push_root(args[i]);
    }
    Value r = fn(m, args, AS_DICT(rest)->used ? AS_DICT(rest) : NULL);
    gc_pop_root(m + 1);
    return r;
}

#define BY_NAME(name, kwonly, ...) \
    static Value k_##name(int argc, Value *argv, ObjDict *kw) { \
        static const char *const names[] = {__VA_ARGS__, NULL}; \
        return call_by_name(m_##name, #name, names, kwonly, argc, argv, kw); \
    }
BY_NAME(randrange, false, "start", "stop", "step")
BY_NAME(randint, false, "a", "b")
BY_NAME(choice, false, "seq")
BY_NAME(choices, true, "population", "weights")
BY_NAME(shuffle, false, "x")
BY_NAME(uniform, false, "a", "b")
BY_NAME(sample, true, "population", "k")
BY_NAME(gauss, false, "mu", "sigma")
BY_NAME(expovariate, false, "lambd")
BY_NAME(setstate, false, "state")

static const MethodDef random_functions[] = {
    {"seed", m_seed, true},
    {"random", m_random},
    {"getrandbits", m_getrandbits},
    {"randrange", k_randrange, true},
    {"randint", k_randint, true},
    {"choice", k_choice, true},
    {"choices", k_choices, true},
    {"shuffle", k_shuffle, true},
    {"uniform", k_uniform, true},
    {"sample", k_sample, true},
    {"gauss", k_gauss, true},
    {"expovariate", k_expovariate, true},
    {"getstate", m_getstate},
    {"setstate", k_setstate, true},
    {NULL, NULL},
};

#undef mt
#undef mti
#undef gauss_next
#undef have_gauss_next

// ---- random.Random: the same functions on an instance's own state
typedef struct ObjRandom {
    Obj hdr;
    ObjDict *dict;
    MTState state;
} ObjRandom;


// Runs module function [fn] on [self]'s state (argv[0] is self).
static Value with_state(NativeFn fn, int argc, Value *argv, ObjDict *kw) {
    MTState *saved = S;
    S = &((ObjRandom *)AS_OBJ(argv[0]))->state;
    Value r = fn(argc - 1, argv + 1, kw);
    S = saved;
    return r;
}

#define RANDOM_METHOD(name) \
    static Value r_##name(int argc, Value *argv, ObjDict *kw) { \
        return with_state(m_##name, argc, argv, kw); \
    }
#define RANDOM_METHOD_K(name) \
    static Value r_##name(int argc, Value *argv, ObjDict *kw) { \
        return with_state(k_##name, argc, argv, kw); \
    }
RANDOM_METHOD(seed)
RANDOM_METHOD(random)
RANDOM_METHOD(getrandbits)
RANDOM_METHOD_K(randrange)
RANDOM_METHOD_K(randint)
RANDOM_METHOD_K(choice)
RANDOM_METHOD_K(choices)
RANDOM_METHOD_K(shuffle)
RANDOM_METHOD_K(uniform)
RANDOM_METHOD_K(sample)
RANDOM_METHOD_K(gauss)
RANDOM_METHOD_K(expovariate)
RANDOM_METHOD(getstate)
RANDOM_METHOD_K(setstate)

static const MethodDef random_methods[] = {
    {"seed", r_seed, true},
    {"random", r_random},
    {"getrandbits", r_getrandbits},
    {"randrange", r_randrange, true},
    {"randint", r_randint, true},
    {"choice", r_choice, true},
    {"choices", r_choices, true},
    {"shuffle", r_shuffle, true},
    {"uniform", r_uniform, true},
    {"sample", r_sample, true},
    {"gauss", r_gauss, true},
    {"expovariate", r_expovariate, true},
    {"getstate", r_getstate},
    {"setstate", r_setstate, true},
    {NULL, NULL},
};

static void random_trace(Obj *o) {
    gc_mark_obj((Obj *)((ObjRandom *)o)->dict);
}

static Value random_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (argc > 1) {
        return exc_raise(exc_TypeError, "Random() takes at most 1 argument (%d given)", argc);
    }
    ObjRandom *r = (ObjRandom *)obj_alloc(cls, cls->inst_size);
    r->dict = AS_DICT(dict_new());
    r->state.mti = MT_N + 1;
    Value self = OBJ_VAL(r);
    Value args[2] = {self, argc ? argv[0] : VAL_NONE};
    if (!r_seed(2, args, NULL)) {
        return VAL_NULL;
    }
    return self;
}

// The distributions written in Python (runtime/lib/_random_dist.pyish, CPython's code)
#define DIST_NAMES " triangular normalvariate lognormvariate vonmisesvariate gammavariate" \
                   " betavariate paretovariate weibullvariate randbytes "

// random.__getattr__: SystemRandom is CPython's (runtime/lib/_random_py.pyish),
// the distributions and constants are _random_dist's
static Value random_getattr(int argc, Value *argv, ObjDict *kw) {
    Value name = argc == 1 ? argv[0] : VAL_NONE;
    if (IS_STR(name) && strcmp(AS_STR(name)->data, "SystemRandom") == 0) {
        return module_lazy_attr("random", "_random_py", " SystemRandom ", name);
    }
    return module_lazy_attr("random", "_random_dist",
                            DIST_NAMES "NV_MAGICCONST TWOPI LOG4 SG_MAGICCONST BPF RECIP_BPF ", name);
}

// A Random instance's attributes: its class's and its own, then the
// distributions of _random_dist._Dist, bound to it (they call self.random()).
static Value random_inst_getattr_missing(Value self, ObjStr *name) {
    if (name->len > 20) {
        return VAL_NULL;
    }
    char key[32];
    snprintf(key, sizeof key, " %s ", name->data);
    if (!strstr(DIST_NAMES, key)) {
        return VAL_NULL;
    }
    exc_clear();
    Value m = vm_import("_random_dist");
    if (!m) {
        return VAL_NULL;
    }
    Value dist = obj_getattr(m, str_intern_c("_Dist"));
    if (!dist) {
        return VAL_NULL;
    }
    Value f = IS_CLASS(dist) ? dict_get_str(AS_CLASS(dist)->dict, name) : VAL_NULL;
    if (!f) {
        return exc_raise(exc_AttributeError, "'%s' object has no attribute '%s'", val_type_name(self), name->data);
    }
    return bound_method_new(self, f);
}

// Creates the random module, seeded from the clock.

Value mod_random_init(void) {
    if (!ST->random_shared) {
        ST->random_shared = calloc(1, sizeof(MTState));
        if (!ST->random_shared) {
            return exc_raise_nomem();
        }
        ST->random_shared->mti = MT_N + 1;
        ST->random_cur = ST->random_shared;
    }
    Value m = module_new("random");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "Random", random_functions);
    if (!cls_random) {
        cls_random = class_new_builtin("Random", NULL, sizeof(ObjRandom), random_methods);
        cls_random->module = str_intern_c("random");
        cls_random->new_ = random_new;
        cls_random->trace = random_trace;
        cls_random->getattr_missing = random_inst_getattr_missing;
        cls_random->dict_offset = offsetof(ObjRandom, dict);
    }
    dict_set_str(d, str_intern_c("Random"), OBJ_VAL(cls_random));
    dict_set_str(d, str_intern_c("__getattr__"), native_new("__getattr__", random_getattr, NULL));
    static const char *const all[] = {
        "Random", "SystemRandom", "betavariate", "choice", "choices", "expovariate", "gammavariate", "gauss",
        "getrandbits", "getstate", "lognormvariate", "normalvariate", "paretovariate", "randbytes", "randint",
        "random", "randrange", "sample", "seed", "setstate", "shuffle", "triangular", "uniform",
        "vonmisesvariate", "weibullvariate", NULL,
    };
    Value names = list_new(0);      // CPython's __all__ (the lazy distributions included)
    if (!names) {
        return VAL_NULL;
    }
    dict_set_str(d, str_intern_c("__all__"), names);
    for (int i = 0; all[i]; i++) {
        list_append(AS_LIST(names), OBJ_VAL(str_intern_c(all[i])));
    }
    m_seed(0, NULL, NULL);
    return m;
}
