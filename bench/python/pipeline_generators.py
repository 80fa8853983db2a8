#!/usr/bin/env python3
"""The seed's way: a chain of generators (read → parse → filter → transform → batch → process →
aggregate → sink) over FILE, with the same per-sensor model and statistics as lesson 09."""
import math, sys


def source(path):
    with open(path) as f:
        next(f)  # header
        yield from enumerate(f, start=2)


def parse(lines):
    for n, line in lines:
        parts = line.rstrip("\n").split(",")
        if len(parts) != 3:
            continue
        try:
            yield n, int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
            continue


def valid(rows):
    return (r for r in rows if r[2] >= 0 and math.isfinite(r[3]))


def transform(rows):
    stats = {}
    for n, ts, s, v in rows:
        c, mean, m2 = stats.get(s, (0, 0.0, 0.0))
        z = (v - mean) / math.sqrt(m2 / (c - 1)) if c >= 2 and m2 > 0 else 0.0
        c += 1
        d = v - mean
        mean += d / c
        m2 += d * (v - mean)
        stats[s] = (c, mean, m2)
        yield n, ts, s, v, z


def batch(rows, size=1000):
    b = []
    for r in rows:
        b.append(r)
        if len(b) == size:
            yield b
            b = []
    if b:
        yield b


def process(batches):
    models = {}
    for b in batches:
        out = []
        for n, ts, s, v, z in b:
            level, ec, emean, em2 = models.get(s, (None, 0, 0.0, 0.0))
            pred, anomaly = None, False
            if level is not None:
                pred = level
                e = v - pred
                anomaly = ec >= 30 and abs(e) > 5.0 * math.sqrt(em2 / (ec - 1))
                if not anomaly:
                    ec += 1
                    d = e - emean
                    emean += d / ec
                    em2 += d * (e - emean)
            if not anomaly:
                level = v if level is None else level + 0.3 * (v - level)
            models[s] = (level, ec, emean, em2)
            out.append((n, ts, s, v, z, pred, anomaly))
        yield out


def main():
    path, out_path = sys.argv[1], sys.argv[2]
    agg = {}
    written = 0
    with open(out_path, "w") as out:
        for b in process(batch(transform(valid(parse(source(path)))))):
            for n, ts, s, v, z, pred, anomaly in b:
                c, total, lo, hi, an = agg.get(s, (0, 0.0, math.inf, -math.inf, 0))
                agg[s] = (c + 1, total + v, min(lo, v), max(hi, v), an + anomaly)
            out.write("".join(f"{n},{ts},{s},{v},{z:.4f},{'' if p is None else f'{p:.4f}'},{int(a)}\n"
                              for n, ts, s, v, z, p, a in b))
            written += len(b)
    print(written)


main()
