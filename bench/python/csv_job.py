#!/usr/bin/env python3
"""csv_job.py - the csv workload as a Python program: one CSV per station.

    csv_job.py MODE WORKERS OUTDIR FILES ROWS

Each station's file: a header "date,anomaly" and ROWS lines
"YYYY-MM-01,%.6f" from 1979-01, written in one write and closed, as the
csv workload does.  The values here are a cheap deterministic function of
the station and the row, not iobench's PRNG: the same bytes per line, the
Python formatting cost, not the same digits.  MODE as in md5_job.py (none:
start-up only); with
asyncio the loop formats and each file's write goes to the pool.
"""
import asyncio
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool


def text(station, rows):
    lines = ["date,anomaly\n"]
    for r in range(rows):
        y, m = 1979 + r // 12, r % 12 + 1
        lines.append("%d-%02d-01,%.6f\n" % (y, m, ((station * 7919 + r * 104729) % 6000) / 1000 - 3))
    return "".join(lines).encode()


def write(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def station(outdir, i, rows):
    write(os.path.join(outdir, "station-%05d.csv" % i), text(i, rows))


async def all_async(outdir, files, rows, workers):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(workers) as pool:
        pending = []
        for i in range(files):
            data = text(i, rows)
            pending.append(loop.run_in_executor(
                pool, write, os.path.join(outdir, "station-%05d.csv" % i), data))
        await asyncio.gather(*pending)


def main():
    mode, workers, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    files, rows = int(sys.argv[4]), int(sys.argv[5])
    if mode == "none":	# the interpreter's start-up and imports alone
        return
    if mode == "serial":
        for i in range(files):
            station(outdir, i, rows)
    elif mode == "threads":
        with ThreadPoolExecutor(workers) as ex:
            list(ex.map(station, [outdir] * files, range(files), [rows] * files))
    elif mode == "processes":
        with Pool(workers) as pool:
            pool.starmap(station, [(outdir, i, rows) for i in range(files)])
    else:
        asyncio.run(all_async(outdir, files, rows, workers))


if __name__ == "__main__":
    main()
