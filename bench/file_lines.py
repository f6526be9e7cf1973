# pyish bench (an): file I/O: writing a CSV-like text file line by line,
# reading it back by iteration, readlines and read().splitlines(), in text
# mode with str methods (split, strip, int/float), and in binary mode.
import os
import tempfile

N = 200000
ROUNDS = 4


def main():
    fd, path = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    total = 0
    try:
        for r in range(ROUNDS):
            with open(path, "w") as f:
                f.write("id,name,score,city\n")
                for i in range(N):
                    f.write("%d,name%d,%.2f,city%d\n" % (i, i % 1000, i * 0.5, i % 37))
            with open(path) as f:
                header = f.readline().rstrip("\n").split(",")
                score = 0.0
                for line in f:
                    fields = line.rstrip("\n").split(",")
                    score += float(fields[2])
                    total += int(fields[0]) % 7
            with open(path) as f:
                lines = f.readlines()
            with open(path) as f:
                text_lines = f.read().splitlines()
            with open(path, "rb") as f:
                data = f.read()
            total += len(header) + int(score) % 1000 + len(lines) + len(text_lines) + data.count(b"\n")
    finally:
        os.remove(path)
    print(total)


main()
