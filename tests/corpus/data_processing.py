"""Data processing: parsing a CSV-like text by hand, grouping and
aggregating records, statistics, joins, pivot tables and a histogram."""

import math
from collections import defaultdict, deque

SALES = """\
date,region,product,units,unit_price
2024-01-03,north,apples,12,0.50
2024-01-03,south,pears,7,0.80
2024-01-04,north,pears,3,0.80
2024-01-05,east,apples,20,0.45
2024-01-05,south,apples,5,0.50
2024-01-06,west,figs,2,2.10
2024-01-07,north,figs,4,2.00
2024-01-07,east,pears,9,0.75
2024-01-08,west,apples,15,0.48
2024-01-09,south,figs,1,2.20
"""

REGIONS = """\
region;manager;target
north;Alice;15.0
south;Bob;10.0
east;Chen;20.0
"""


class Record:
    __slots__ = ("date", "region", "product", "units", "unit_price")

    def __init__(self, date, region, product, units, unit_price):
        self.date = date
        self.region = region
        self.product = product
        self.units = int(units)
        self.unit_price = float(unit_price)

    @property
    def revenue(self):
        return self.units * self.unit_price

    def __repr__(self):
        return "Record(%s, %s, %s, %d x %.2f)" % (
            self.date, self.region, self.product, self.units, self.unit_price)


def parse_table(text, sep=","):
    lines = [line for line in text.splitlines() if line.strip()]
    header = [h.strip() for h in lines[0].split(sep)]
    for line in lines[1:]:
        values = [v.strip() for v in line.split(sep)]
        if len(values) != len(header):
            raise ValueError(f"bad row: {line!r}")
        yield dict(zip(header, values))


def group_by(items, key):
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)


def mean(values):
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("median of empty data")
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def stdev(values):
    values = list(values)
    if len(values) < 2:
        return 0.0
    m = mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def moving_average(values, window):
    buf = deque(maxlen=window)
    out = []
    for v in values:
        buf.append(v)
        out.append(round(sum(buf) / len(buf), 2))
    return out


def pivot(records, row_key, col_key, value):
    rows = sorted({row_key(r) for r in records})
    cols = sorted({col_key(r) for r in records})
    table = {(row, col): 0.0 for row in rows for col in cols}
    for r in records:
        table[row_key(r), col_key(r)] += value(r)
    return rows, cols, table


def format_pivot(rows, cols, table):
    width = max(len(c) for c in cols) + 2
    out = [" " * 8 + "".join(c.rjust(width) for c in cols)]
    for row in rows:
        cells = "".join(f"{table[row, col]:{width}.2f}" for col in cols)
        out.append(f"{row:<8}{cells}")
    return "\n".join(out)


def histogram(values, bins=4, width=20):
    lo, hi = min(values), max(values)
    size = (hi - lo) / bins or 1
    counts = [0] * bins
    for v in values:
        index = min(int((v - lo) / size), bins - 1)
        counts[index] += 1
    peak = max(counts)
    lines = []
    for i, count in enumerate(counts):
        start = lo + i * size
        bar = "#" * (count * width // peak)
        lines.append(f"{start:6.2f} - {start + size:6.2f} | {bar} {count}")
    return lines


def left_join(left, right, key):
    index = {row[key]: row for row in right}
    for row in left:
        match_ = index.get(row[key], {})
        merged = dict(row)
        for k, v in match_.items():
            merged.setdefault(k, v)
        yield merged


def top_n(items, n, key):
    return sorted(items, key=key, reverse=True)[:n]


def main():
    records = [Record(**row) for row in parse_table(SALES)]
    print(len(records), records[0], f"{records[0].revenue:.2f}")

    by_region = group_by(records, lambda r: r.region)
    for region, rows in sorted(by_region.items()):
        revenue = sum(r.revenue for r in rows)
        units = [r.units for r in rows]
        print(f"{region:>6}: {len(rows)} sales, revenue {revenue:7.2f}, "
              f"mean units {mean(units):5.2f}, median {median(units)}")

    by_product = group_by(records, key=lambda r: r.product)
    summary = {
        product: {
            "units": sum(r.units for r in rows),
            "avg_price": round(mean(r.unit_price for r in rows), 3),
        }
        for product, rows in by_product.items()
    }
    print(summary)

    daily = defaultdict(float)
    for r in records:
        daily[r.date] += r.revenue
    series = [daily[d] for d in sorted(daily)]
    print("daily:", [round(x, 2) for x in series])
    print("moving avg:", moving_average(series, 3))
    print("stdev: %.4f" % stdev(series))

    rows, cols, table = pivot(records, lambda r: r.region, lambda r: r.product,
                              lambda r: r.revenue)
    print(format_pivot(rows, cols, table))

    for line in histogram([r.revenue for r in records]):
        print(line)

    regions = list(parse_table(REGIONS, sep=";"))
    totals = [{"region": k, "revenue": sum(r.revenue for r in v)} for k, v in by_region.items()]
    for row in sorted(left_join(totals, regions, "region"), key=lambda row: row["region"]):
        target = float(row.get("target", "nan"))
        status = "n/a" if math.isnan(target) else ("met" if row["revenue"] >= target else "missed")
        print(f"{row['region']:<6} {row.get('manager', '-'):<6} {row['revenue']:6.2f} {status}")

    best = top_n(records, 3, key=lambda r: r.revenue)
    print([(r.region, r.product, round(r.revenue, 2)) for r in best])
    counts = defaultdict(int)
    for r in records:
        counts[r.product, r.region] += 1
    print(sorted(counts.items())[:4])
    try:
        list(parse_table("a,b\n1,2,3"))
    except ValueError as exc:
        print("error:", exc)
    print(math.isnan(mean([])), median([5, 1, 3, 2]))


if __name__ == "__main__":
    main()
