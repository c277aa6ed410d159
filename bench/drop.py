#!/usr/bin/env python3
"""drop.py FILE...: write back and drop FILEs from the page cache, as
iobench's --cache cold does (fdatasync, then POSIX_FADV_DONTNEED)."""
import os
import sys

for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
