# pyish bench (ap): pathlib and os.path on a directory of 2000 files, as
# pyperformance's bm_pathlib: Path.iterdir(), Path.glob("*.py"), .name,
# .suffix, str(), .stat(), joining with /, and os.path.join/split/splitext/
# basename/dirname/normpath/abspath/exists/isdir; results checked.
import os
import os.path
import pathlib
import shutil
import tempfile

N = 2000
ROUNDS = 20


def setup():
    tmp = tempfile.mkdtemp()
    for i in range(N):
        name = "file%d.py" % i if i % 4 else "data%d.txt" % i
        with open(os.path.join(tmp, name), "w"):
            pass
    return tmp


def rounds(tmp):
    base = pathlib.Path(tmp)
    total = 0
    for r in range(ROUNDS):
        count = 0
        for p in base.iterdir():
            count += 1
        assert count == N
        py = 0
        for p in base.glob("*.py"):
            py += 1
        assert py == N - N // 4
        chars = 0
        for p in base.iterdir():
            s = p.suffix
            chars += len(s) + len(p.name) + len(str(p)) - len(tmp)
        if r % 5 == 0:
            for p in base.iterdir():
                chars += p.stat().st_size
        for i in range(0, N, 4):
            q = base / "sub" / ("x%d" % i) / "y.py"
            chars += len(q.parts) + len(q.stem)
        for i in range(N // 2):
            j = os.path.join("usr", "lib%d" % (i % 7), "mod%d.py" % i)
            d, b = os.path.split(j)
            root, ext = os.path.splitext(b)
            chars += len(os.path.basename(j)) + len(os.path.dirname(j)) + len(root) + len(ext)
            chars += len(os.path.normpath("a/b/../c/./%s//e/" % d))
            chars += len(os.path.abspath(j)) - len(os.getcwd())
        chars += os.path.exists(tmp) + os.path.isdir(tmp) + os.path.isdir(j)
        total = (total * 31 + count + py + chars) % 1000000007
    return total


def main():
    tmp = setup()
    try:
        total = rounds(tmp)
    finally:
        shutil.rmtree(tmp)
    print("pathlib_ops", N, ROUNDS)
    print(total)


main()
