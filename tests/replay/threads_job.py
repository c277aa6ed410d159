"""Files hashed by a pool of threads, each file opened and read by one thread."""
import hashlib
import sys
from concurrent.futures import ThreadPoolExecutor


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


with ThreadPoolExecutor(max_workers=2) as pool:
    for d in pool.map(md5, sys.argv[1:]):
        print(d)
