#!/usr/bin/env python3
"""bench/md5_seed.py - the serial MD5 script of background post 002, as its author wrote it.

Reads each file in pieces of 64 file-system blocks (os.fstatvfs's f_bsize
times 64) and feeds them to hashlib's MD5; prints each file's digest.  The
bench records it with `iobench record` and sets the serial replay of that
trace against the script's own run time.
"""
import hashlib
import os
import sys


def calculate_md5(fname):
    with open(fname, "rb") as f:
        rdsize = os.fstatvfs(f.fileno()).f_bsize * 64
        h = hashlib.md5()
        while True:
            data = f.read(rdsize)
            if not data:
                break
            h.update(data)
    return h.hexdigest()


for path in sys.argv[1:]:
    print(calculate_md5(path), path)
