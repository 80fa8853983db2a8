#!/usr/bin/env python3
"""pandas read_csv(chunksize=10000): the seed's "pandas chunks" way, vectorised per chunk where it
can be (parse, filter, statistics, output); the per-sensor model is sequential by nature."""
import math, sys
import numpy as np
import pandas as pd


def main():
    path, out_path = sys.argv[1], sys.argv[2]
    models, stats = {}, {}
    written = 0
    first = True
    for chunk in pd.read_csv(path, chunksize=10000):
        chunk = chunk.apply(pd.to_numeric, errors="coerce")
        chunk = chunk[np.isfinite(chunk["value"]) & (chunk["sensor_id"] >= 0)].copy()
        preds = np.full(len(chunk), np.nan)
        anomalies = np.zeros(len(chunk), dtype=bool)
        for i, (s, v) in enumerate(zip(chunk["sensor_id"].to_numpy(), chunk["value"].to_numpy())):
            level, ec, emean, em2 = models.get(s, (None, 0, 0.0, 0.0))
            if level is not None:
                preds[i] = level
                e = v - level
                anomalies[i] = ec >= 30 and abs(e) > 5.0 * math.sqrt(em2 / (ec - 1))
                if not anomalies[i]:
                    ec += 1
                    d = e - emean
                    emean += d / ec
                    em2 += d * (e - emean)
            if not anomalies[i]:
                level = v if level is None else level + 0.3 * (v - level)
            models[s] = (level, ec, emean, em2)
        chunk["prediction"] = preds
        chunk["anomaly"] = anomalies.astype(int)
        for s, g in chunk.groupby("sensor_id")["value"]:
            c, total, lo, hi = stats.get(s, (0, 0.0, math.inf, -math.inf))
            stats[s] = (c + len(g), total + g.sum(), min(lo, g.min()), max(hi, g.max()))
        chunk.to_csv(out_path, mode="w" if first else "a", header=first, index=False, float_format="%.4f")
        first = False
        written += len(chunk)
    print(written)


main()
