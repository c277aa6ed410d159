#!/usr/bin/env python3
"""python_model.py - iobench's --model python against real Python programs.

For md5, csv and array, in alternating rounds: the real Python programs of
bench/python/ (a plain loop, ThreadPoolExecutor, multiprocessing.Pool,
asyncio with run_in_executor; wall time of the whole interpreter run,
start-up included), then `iobench run --model python` on the same work
(one trial each of serial, threaded, forked and epoll, the same number of
workers, a warm cache).  Prints per workload and construct the medians of
both, predicted / real, and the two rankings.

    bench/python_model.py [--rounds N] [--iobench ./iobench] [--workers N] [--dir DIR]

DIR (default /dev/shm) holds the datasets and the csv output of both.

Issue 31's target: the same ranking wherever the real difference is
significant, predicted / real within 0.75-1.33 for every construct.
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
CONSTRUCTS = [("serial", "serial"), ("threads", "threaded"), ("processes", "forked"),
              ("asyncio", "epoll")]


def timed(cmd):
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iobench", default="./iobench")
    ap.add_argument("--workers", type=int, default=2)
    # tmpfs by default: the model is about CPU and the lock, and ext4's
    # creates after deletions (csv) swing by 1.5x from round to round
    ap.add_argument("--dir", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    a = ap.parse_args()
    iob = os.path.abspath(a.iobench)
    work = tempfile.mkdtemp(prefix="iobench-pymodel-", dir=a.dir)
    data, out = os.path.join(work, "data"), os.path.join(work, "out")
    os.makedirs(data)
    os.makedirs(out)
    md5_args = ["--workload", "md5", "--files", "4", "--file-size", "64M", "--block", "1M"]
    csv_args = ["--workload", "csv", "--files", "500", "--rows", "500"]
    # 512 MiB of float64, 8 KiB rows; 20,000 random rows in iobench's 64 jobs
    array_args = ["--workload", "array", "--rows", "65536", "--cols", "1024", "--reads", "20000"]
    wls = (("md5", md5_args), ("csv", csv_args), ("array", array_args))
    common = ["--strategy", "serial,threaded,forked,epoll", "--model", "python", "--python", PY, "--workers",
              str(a.workers), "--no-tune", "--cache", "warm", "--repeat", "1", "--warmup", "0",
              "--dir", data, "-q", "--no-plot"]
    # the md5 and array datasets, generated once, outside any timing
    for args in (md5_args, array_args):
        subprocess.run([iob, "run"] + args + common + ["--python", "none", "--results",
                                                       os.path.join(work, "gen")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    files = sorted(glob.glob(os.path.join(data, "md5-*", "file-*.bin")))
    npy = glob.glob(os.path.join(data, "array-*", "array.npy"))[0]
    real = {w: {c: [] for c, _ in CONSTRUCTS + [("none", None)]} for w, _ in wls}
    pred = {w: {s: [] for _, s in CONSTRUCTS} for w, _ in wls}
    for r in range(a.rounds):
        for mode, _ in CONSTRUCTS + [("none", None)]:
            real["md5"][mode].append(timed([PY, os.path.join(HERE, "python", "md5_job.py"), mode,
                                            str(a.workers), str(1 << 20)] + files))
            for f in glob.glob(os.path.join(out, "*")):
                os.remove(f)
            real["csv"][mode].append(timed([PY, os.path.join(HERE, "python", "csv_job.py"), mode,
                                            str(a.workers), out, "500", "500"]))
            real["array"][mode].append(timed([PY, os.path.join(HERE, "python", "array_job.py"),
                                              mode, str(a.workers), npy, "20000", "64"]))
        for wl, args in wls:
            res = os.path.join(work, "r-%s-%d" % (wl, r))
            subprocess.run([iob, "run"] + args + common + ["--results", res], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            d = json.load(open(glob.glob(res + "/*[0-9].json")[0]))
            for t in d["trials"]:
                if t["valid"] and not t["warmup"]:
                    pred[wl][t["strategy"]].append(t["wall_s"])
        print("round %d of %d done" % (r + 1, a.rounds), file=sys.stderr)
    for wl, _ in wls:
        start = statistics.median(real[wl]["none"])
        print("\n%s (%d workers, %d rounds; medians, [min, max]; the interpreter's start-up "
              "and imports, %.3f s, subtracted from the real times: iobench models the "
              "work, not the interpreter's start)" % (wl, a.workers, a.rounds, start))
        print("%-24s %22s %8s %22s %15s" % ("construct", "real s", "net s", "predicted s",
                                           "predicted/net"))
        rm, pm = {}, {}
        for mode, st in CONSTRUCTS:
            rv, pv = real[wl][mode], pred[wl][st]
            rm[mode], pm[st] = statistics.median(rv) - start, statistics.median(pv)
            print("%-24s %8.3f [%.3f, %.3f] %8.3f %8.3f [%.3f, %.3f] %15.2f" % (
                mode + " (" + st + ")", rm[mode] + start, min(rv), max(rv), rm[mode], pm[st],
                min(pv), max(pv), pm[st] / rm[mode]))
        print("real ranking:      " + " < ".join(sorted(rm, key=rm.get)))
        print("predicted ranking: " + " < ".join(
            sorted(rm, key=lambda m: pm[dict(CONSTRUCTS)[m]])))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
