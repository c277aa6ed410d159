#!/usr/bin/env python3
"""csv_seed.py OUTDIR FILES ROWS [--pool N] [--fsync]

The csv workload as such scripts are usually written (background post 001):
one CSV per station, a header and one "YYYY-MM-01,value" row per month,
value printed with %.6f; one process, or a multiprocessing pool with one
task per station.  Prints the seconds it took.
"""
import multiprocessing
import os
import random
import sys
import time


def write_station(args):
    outdir, station, rows, sync = args
    rnd = random.Random(station)
    lines = ["date,anomaly\n"]
    for r in range(rows):
        lines.append("%d-%02d-01,%.6f\n" % (1979 + r // 12, r % 12 + 1, rnd.uniform(-3, 3)))
    path = os.path.join(outdir, "station-%05d.csv" % station)
    with open(path, "w") as f:
        f.write("".join(lines))
        if sync:
            f.flush()
            os.fsync(f.fileno())


def main():
    outdir, files, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    pool = int(sys.argv[sys.argv.index("--pool") + 1]) if "--pool" in sys.argv else 0
    sync = "--fsync" in sys.argv
    jobs = [(outdir, s, rows, sync) for s in range(files)]
    t0 = time.monotonic()
    if pool:
        with multiprocessing.Pool(pool) as p:
            p.map(write_station, jobs, chunksize=16)
    else:
        for j in jobs:
            write_station(j)
    print("%.6f" % (time.monotonic() - t0))


if __name__ == "__main__":
    main()
