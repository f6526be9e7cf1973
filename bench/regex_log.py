# pyish bench (am): the re module on a generated web-server log: compiled
# patterns with groups (findall, finditer + groupdict, search), sub with a
# group reference and with a callable, split on a character class.
import re

N = 40000
ROUNDS = 6

LINE = re.compile(r'(?P<ip>\d+\.\d+\.\d+\.\d+) - - \[(?P<ts>[^\]]+)\] "(?P<method>GET|POST|PUT) (?P<path>\S+) HTTP/1\.[01]" (?P<status>\d{3}) (?P<size>\d+)')
STATUS = re.compile(r'" (\d{3}) ')
WORDS = re.compile(r'[a-z]+')
SPLIT = re.compile(r'[/?=&]+')


def make_log(n):
    methods = ["GET", "POST", "PUT"]
    lines = []
    for i in range(n):
        ip = "%d.%d.%d.%d" % (10 + i % 200, i % 256, (i * 7) % 256, (i * 13) % 256)
        path = "/api/v%d/items/%d?user=u%d&sort=name" % (i % 3, i, i % 97)
        lines.append('%s - - [05/Dec/2026:08:%02d:%02d +0000] "%s %s HTTP/1.1" %d %d' % (
            ip, i % 60, (i * 7) % 60, methods[i % 3], path, 200 + (i % 5) * 100 if i % 11 else 404, i * 17 % 5000))
    return "\n".join(lines)


def main():
    text = make_log(N)
    total = 0
    for r in range(ROUNDS):
        statuses = STATUS.findall(text)
        errors = sum(1 for s in statuses if s[0] in "45")
        size = 0
        posts = 0
        for m in LINE.finditer(text):
            d = m.groupdict()
            size += int(d["size"])
            posts += d["method"] == "POST"
        masked = re.sub(r'(\d+)\.(\d+)\.\d+\.\d+', r'\1.\2.x.x', text)
        upper = WORDS.sub(lambda m: m.group(0).upper() if len(m.group(0)) > 4 else m.group(0), text[:200000])
        parts = 0
        for line in text.splitlines()[:5000]:
            parts += len(SPLIT.split(line))
        first = re.search(r'"PUT /api/v2/items/(\d+)', text)
        total += errors + size % 1000 + posts + len(masked) % 1000 + len(upper) % 100 + parts + int(first.group(1))
    print(total)


main()
