"""Files hashed by threads at once, each file opened and read by its own thread."""
import hashlib
import sys
import threading

paths = sys.argv[1:]
start = threading.Barrier(len(paths))
digests = [None] * len(paths)


def md5(i):
    start.wait()  # all at once: the threads' I/O interleaves
    with open(paths[i], "rb") as f:
        digests[i] = hashlib.md5(f.read()).hexdigest()


threads = [threading.Thread(target=md5, args=(i,)) for i in range(len(paths))]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("\n".join(digests))
