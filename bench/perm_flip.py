# pyish bench: permutation flipping.  For every permutation of 0..N-1
# (generated in place by a counting scheme), count prefix reversals
# until 0 comes first; list slicing, slice assignment, reversal.
N = 9
REPEAT = 2


def fannkuch(n):
    perm1 = list(range(n))
    count = [0] * n
    max_flips = 0
    checksum = 0
    sign = 1
    r = n
    nperm = 0
    while True:
        while r != 1:
            count[r - 1] = r
            r -= 1
        perm = perm1[:]
        flips = 0
        k = perm[0]
        while k:
            perm[:k + 1] = perm[k::-1]
            flips += 1
            k = perm[0]
        if flips > max_flips:
            max_flips = flips
        checksum += sign * flips
        sign = -sign
        nperm += 1
        while True:
            if r == n:
                return max_flips, checksum, nperm
            first = perm1[0]
            perm1[0:r] = perm1[1:r + 1]
            perm1[r] = first
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1


def rotations(n):
    # a second pass over the same permutations using reversed() and
    # list.reverse() instead of slice assignment
    base = list(range(n))
    total = 0
    for i in range(n):
        p = base[i:] + base[:i]
        q = list(reversed(p))
        q.reverse()
        total += q[0] * (i + 1)
    return total


def main():
    for k in range(REPEAT):
        m, c, np = fannkuch(N)
    print("perm_flip", N, np)
    print(m, c, rotations(N))


main()
