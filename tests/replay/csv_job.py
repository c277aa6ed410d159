"""N small CSV files written into DIR/out: background post 001's job, small."""
import os
import random
import sys

out = os.path.join(sys.argv[1], "out")
os.makedirs(out, exist_ok=True)
rng = random.Random(1)
for i in range(int(sys.argv[2])):
    with open(os.path.join(out, f"station-{i:03d}.csv"), "w") as f:
        f.write("date,anomaly\n")
        for r in range(100):
            f.write(f"{1979 + r // 12}-{r % 12 + 1:02d}-01,{rng.uniform(-3, 3):.6f}\n")
