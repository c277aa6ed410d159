"""Random rows of a .npy: numpy.load(mmap_mode='r') or f.seek/f.read (argv[2])."""
import sys

import numpy as np

path, how, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(1)
total = 0.0
if how == "mmap":
    a = np.load(path, mmap_mode="r")
    for i in rng.integers(0, a.shape[0], n):
        total += float(a[i].sum())
else:
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        shape, _, dtype = np.lib.format._read_array_header(f, version)
        start, row = f.tell(), dtype.itemsize * shape[1]
        for i in rng.integers(0, shape[0], n):
            f.seek(start + int(i) * row)
            total += float(np.frombuffer(f.read(row), dtype=dtype).sum())
print(total)
