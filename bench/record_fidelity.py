#!/usr/bin/env python3
"""record_fidelity.py - does a recording hold what the program did?

For real programs nobody here wrote (tar, cp, gzip, sort, a Python job, a
Python ThreadPoolExecutor job, `xargs -P4 md5sum`, and zstd -T0, xz and
sqlite3 where installed), in alternating rounds: the program untraced
(wall, user + system CPU of its whole tree), the program under `iobench
record` (preload recorder: its wall, and the compute it recorded), and
the trace replayed as recorded (the `recorded` strategy: each recorded
thread and process on a thread of its own) and by serial (1 trial each,
no tuning).  Prints per program the medians and, as ratios measured in
the same rounds: recording overhead (recorded wall / untraced wall),
recorded compute / measured CPU, replay as recorded / untraced wall and
serial replay / untraced wall.

    bench/record_fidelity.py [--rounds N] [--iobench ./iobench]

Issue 29's target: the replay as recorded within +-15% of the untraced
wall, recorded CPU within +-15% of the measured.
"""
import argparse
import glob
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run_cost(cmd, cwd):
    """Wall and user+system CPU of @cmd and its children, untraced."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def header(trace):
    h, comp = {}, 0
    for line in open(trace):
        f = line.split()
        if f and f[0] in ("open", "read", "write", "fsync", "close"):
            comp += int(f[3])
        elif len(f) == 2 and f[0] in ("wall_ns", "cpu_ns", "lead_ns"):
            h[f[0]] = int(f[1])
    return h, comp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iobench", default="./iobench")
    a = ap.parse_args()
    iob = os.path.abspath(a.iobench)
    work = tempfile.mkdtemp(prefix="iobench-fidelity-")
    src = os.path.join(work, "src")
    os.makedirs(src)
    rnd = open("/dev/urandom", "rb")
    for i in range(40):
        with open(os.path.join(src, "f%02d" % i), "wb") as f:
            f.write(rnd.read(256 << 10) * 4)	# 1 MiB, compressible 4x
    with open(os.path.join(src, "lines.txt"), "w") as f:
        f.writelines("%08x,%d\n" % (int.from_bytes(rnd.read(4), "little"), i) for i in range(400000))
    job = os.path.join(work, "job.py")
    with open(job, "w") as f:
        f.write("import hashlib, os, sys\n"
                "for n in sorted(os.listdir('src')):\n"
                "    if n.startswith('f'):\n"
                "        d = open('src/' + n, 'rb').read()\n"
                "        open('out-' + n, 'w').write(hashlib.sha256(d * 8).hexdigest())\n")
    pool = os.path.join(work, "pool.py")
    with open(pool, "w") as f:
        f.write("import hashlib, os\n"
                "from concurrent.futures import ThreadPoolExecutor\n"
                "def work(n):\n"
                "    d = open('src/' + n, 'rb').read()\n"
                "    open('pout-' + n, 'w').write(hashlib.sha256(d * 8).hexdigest())\n"
                "with ThreadPoolExecutor(4) as ex:\n"
                "    list(ex.map(work, [n for n in sorted(os.listdir('src')) if n[0] == 'f']))\n")
    progs = {
        "tar c": ["tar", "cf", "out.tar", "src"],
        "cp -r": ["cp", "-r", "src", "dst"],
        "gzip -k": ["sh", "-c", "cp src/f00 g && gzip -kf g"],
        "sort": ["sort", "-o", "sorted.txt", "src/lines.txt"],
        "python sha256": [sys.executable, job],
        "python pool(4)": [sys.executable, pool],
        "xargs -P4 md5": ["sh", "-c", "ls src/f* | xargs -P4 -n5 md5sum >/dev/null"],
    }
    # where installed: a multi-threaded compressor, a CPU-bound one, a database
    if shutil.which("zstd"):
        progs["zstd -T0"] = ["sh", "-c", "cat src/f0* > z && zstd -q -f -T0 -3 z"]
    if shutil.which("xz"):
        progs["xz -k"] = ["sh", "-c", "cp src/f00 x && xz -kf x"]
    if shutil.which("sqlite3"):
        progs["sqlite3"] = ["sh", "-c", "rm -f db.sqlite && sqlite3 db.sqlite "
                            "'create table t(a, b); begin; "
                            "with recursive c(x) as (select 1 union all select x + 1 from c "
                            "where x < 200000) insert into t select x, hex(randomblob(16)) from c; "
                            "commit; create index i on t(b);'"]
    res = {p: {"wall": [], "cpu": [], "rec": [], "comp": [], "asrec": [], "serial": []}
           for p in progs}
    for r in range(a.rounds):
        for name, cmd in progs.items():
            for junk in glob.glob(os.path.join(work, "pout-*")):
                os.remove(junk)
            for junk in ("out.tar", "dst", "g", "g.gz", "sorted.txt", "z", "z.zst", "x", "x.xz",
                         "db.sqlite"):
                p = os.path.join(work, junk)
                shutil.rmtree(p) if os.path.isdir(p) else os.path.exists(p) and os.remove(p)
            wall, cpu = run_cost(cmd, work)
            tr = os.path.join(work, "t.iotrace")
            t0 = time.monotonic()
            subprocess.run([iob, "record", "-o", tr, "--root", ".", "--"] + cmd, cwd=work,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rec = time.monotonic() - t0
            h, comp = header(tr)
            out = os.path.join(work, "res")
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(os.path.join(work, "data"), exist_ok=True)
            # exit 1 when a trial failed (recorded, on a shared output): said as nan
            subprocess.run([iob, "run", "--workload", "replay", "--trace", tr, "--strategy",
                            "recorded,serial", "--repeat", "1", "--warmup", "0", "--no-tune",
                            "--dir", os.path.join(work, "data"), "--results", out, "-q",
                            "--no-plot"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            d = json.load(open(glob.glob(out + "/*[0-9].json")[0]))

            def replay_wall(st):
                w = [t["wall_s"] for t in d["trials"]
                     if t["valid"] and not t.get("warmup") and t["strategy"] == st]
                return statistics.median(w) / wall if w else float("nan")
            res[name]["wall"].append(wall)
            res[name]["cpu"].append(cpu)
            res[name]["rec"].append(rec / wall)
            res[name]["comp"].append((comp + h.get("lead_ns", 0)) / 1e9 / cpu if cpu else float("nan"))
            res[name]["asrec"].append(replay_wall("recorded"))
            res[name]["serial"].append(replay_wall("serial"))
        print("round %d of %d done" % (r + 1, a.rounds), file=sys.stderr)
    print("%-15s %8s %7s %17s %22s %21s %19s" % (
        "program", "wall_s", "cpu_s", "record/untraced", "recorded CPU/measured",
        "as recorded/untraced", "serial/untraced"))
    for name, v in res.items():
        def rng(xs):
            return "%.2f [%.2f,%.2f]" % (statistics.median(xs), min(xs), max(xs))
        print("%-15s %8.3f %7.3f %17s %22s %21s %19s" % (
            name, statistics.median(v["wall"]), statistics.median(v["cpu"]), rng(v["rec"]),
            rng(v["comp"]), rng(v["asrec"]), rng(v["serial"])))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
