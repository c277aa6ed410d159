#!/usr/bin/env python3
"""md5_job.py - the md5 workload as a Python program: MD5 of each file.

    md5_job.py MODE WORKERS BLOCK FILE...

MODE: none (start-up and imports only, for the bench to subtract),
serial (a plain loop), threads (ThreadPoolExecutor), processes
(multiprocessing.Pool), asyncio (the loop hashes, reads go through
run_in_executor to a pool of WORKERS threads).  Prints the digests, in
file order, and nothing else.  hashlib lets the interpreter lock go while
it hashes 2 KiB or more, so threads can hash on every core.
"""
import asyncio
import hashlib
import sys
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool


def digest(path, block):
    h = hashlib.md5()
    with open(path, "rb", buffering=0) as f:
        while True:
            b = f.read(block)
            if not b:
                return h.hexdigest()
            h.update(b)


async def digest_async(loop, pool, path, block):
    h = hashlib.md5()
    with open(path, "rb", buffering=0) as f:
        while True:
            b = await loop.run_in_executor(pool, f.read, block)
            if not b:
                return h.hexdigest()
            h.update(b)


async def all_async(paths, block, workers):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(workers) as pool:
        return await asyncio.gather(*(digest_async(loop, pool, p, block) for p in paths))


def main():
    mode, workers, block, paths = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    if mode == "none":	# the interpreter's start-up and imports alone
        return
    if mode == "serial":
        out = [digest(p, block) for p in paths]
    elif mode == "threads":
        with ThreadPoolExecutor(workers) as ex:
            out = list(ex.map(digest, paths, [block] * len(paths)))
    elif mode == "processes":
        with Pool(workers) as pool:
            out = pool.starmap(digest, [(p, block) for p in paths])
    else:
        out = asyncio.run(all_async(paths, block, workers))
    print("\n".join(out))


if __name__ == "__main__":
    main()
