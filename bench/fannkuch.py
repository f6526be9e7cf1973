# pyish bench (o): permutation flipping (fannkuch): list slicing, reversal
# by slice assignment, max().
N = 9

def fannkuch(n):
    maxflips = 0
    checksum = 0
    perm1 = list(range(n))
    count = [0] * n
    r = n
    sign = 1
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
        maxflips = max(maxflips, flips)
        checksum += flips * sign
        sign = -sign
        while True:
            if r == n:
                return checksum, maxflips
            p0 = perm1[0]
            for i in range(r):
                perm1[i] = perm1[i + 1]
            perm1[r] = p0
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1

c, m = fannkuch(N)
print("fannkuch: n=%d checksum=%d maxflips=%d" % (N, c, m))
