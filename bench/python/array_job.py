#!/usr/bin/env python3
"""array_job.py - the array workload as a Python program: rows out of a .npy.

    array_job.py MODE WORKERS FILE.npy READS JOBS [slab]

READS rows of the array, chosen at random with a fixed seed (or, with
"slab", READS contiguous rows from a random start), are split into JOBS
tasks as iobench splits them; each task opens the file, reads its rows
one os.pread per row, as iobench's array workload does, and sums each
row with NumPy.  Prints the sum.  The rows are not the ones iobench's
generator picks (the same count, the same pattern: on a warm cache which
rows does not matter).  MODE as in md5_job.py (none: start-up only);
with asyncio every row's pread goes to the pool and the loop sums.
"""
import asyncio
import os
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool

import numpy as np


def shape(path):
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        s, fortran, dtype = np.lib.format._read_array_header(f, version)
        return f.tell(), s[0], int(np.prod(s[1:])) * dtype.itemsize


def task(path, offset, row_bytes, rows):
    fd = os.open(path, os.O_RDONLY)
    try:
        total = 0.0
        for r in rows:
            total += np.frombuffer(os.pread(fd, row_bytes, offset + r * row_bytes), "<f8").sum()
        return total
    finally:
        os.close(fd)


async def task_async(loop, pool, path, offset, row_bytes, rows):
    fd = os.open(path, os.O_RDONLY)
    try:
        total = 0.0
        for r in rows:
            b = await loop.run_in_executor(pool, os.pread, fd, row_bytes, offset + r * row_bytes)
            total += np.frombuffer(b, "<f8").sum()
        return total
    finally:
        os.close(fd)


async def all_async(args, workers):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(workers) as pool:
        return await asyncio.gather(*(task_async(loop, pool, *a) for a in args))


def main():
    mode, workers, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    reads, jobs = int(sys.argv[4]), int(sys.argv[5])
    slab = len(sys.argv) > 6 and sys.argv[6] == "slab"
    if mode == "none":	# the interpreter's start-up and imports alone
        return
    offset, nrows, row_bytes = shape(path)
    rng = random.Random(1)
    if slab:
        start = rng.randrange(nrows - reads + 1)
        rows = list(range(start, start + reads))
    else:
        rows = rng.sample(range(nrows), reads)
    per = -(-reads // jobs)
    args = [(path, offset, row_bytes, rows[i:i + per]) for i in range(0, reads, per)]
    if mode == "serial":
        out = [task(*a) for a in args]
    elif mode == "threads":
        with ThreadPoolExecutor(workers) as ex:
            out = list(ex.map(task, *zip(*args)))
    elif mode == "processes":
        with Pool(workers) as pool:
            out = pool.starmap(task, args)
    else:
        out = asyncio.run(all_async(args, workers))
    print(sum(out))


if __name__ == "__main__":
    main()
