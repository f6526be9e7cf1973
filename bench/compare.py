#!/usr/bin/env python3
# bench/compare.py: the same programs under several interpreters (two pyish
# builds, say, or pyish and python3), interleaved so that a busy machine
# slows them alike; for each program, the minimum user CPU time over the
# runs of each interpreter and its ratio to the first one.
#   python3 bench/compare.py OLD_PYISH,NEW_PYISH[,python3] PROG.py ... [--runs N] [--cwd DIR]
# Example (a change measured against the build before it):
#   python3 bench/compare.py /tmp/old/pyish,build/pyish bench/nqueens.py bench/puzzle.py
import argparse
import os
import resource
import subprocess


def user_time(cmd, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before


def main():
    ap = argparse.ArgumentParser(description="min user time of interleaved runs")
    ap.add_argument("binaries", help="comma-separated interpreters; the first is the baseline")
    ap.add_argument("programs", nargs="+")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cwd", default=None, help="folder to run the programs from")
    a = ap.parse_args()
    bins = a.binaries.split(",")
    print("program".ljust(28) + "".join(os.path.basename(b)[:12].rjust(13) for b in bins) + "  ratios to the first")
    for prog in a.programs:
        path = prog if a.cwd is None else os.path.join(a.cwd, prog)
        best = [float("inf")] * len(bins)
        for _ in range(a.runs):
            for i, b in enumerate(bins):
                best[i] = min(best[i], user_time([b, os.path.abspath(path) if a.cwd is None else prog], a.cwd))
        ratios = " ".join("%.2f" % (t / best[0]) for t in best[1:])
        print(os.path.basename(prog).ljust(28) + "".join(("%.3f" % t).rjust(13) for t in best) + "  " + ratios)


if __name__ == "__main__":
    main()
