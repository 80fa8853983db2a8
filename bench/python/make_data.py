#!/usr/bin/env python3
"""make_data.py ROWS FILE: a sensor CSV (timestamp_ms,sensor_id,value) like lesson 09's, for benchmarks."""
import math, random, sys

rows, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
with open(path, "w") as out:
    out.write("timestamp_ms,sensor_id,value\n")
    lines = []
    for i in range(rows):
        s, t = i % 16, i // 16
        v = 20.0 + 2.5 * s + 5.0 * math.sin(t / 150.0 + s) + rng.gauss(0.0, 0.5)
        lines.append(f"{1700000000000 + i * 10},{s},{v:.3f}\n")
        if len(lines) == 100000:
            out.writelines(lines)
            lines.clear()
    out.writelines(lines)
