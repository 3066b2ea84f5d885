"""PyTorch side of `Lepton.Bench vision-ops`: the same convolutions (forward + backward for input, weight and bias
gradients) and global average pooling, batch 64, medians in ms. Run:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference/vision_ops.py [reps] [threads]
Wall time with `threads` intra-op threads (default 2), or with 1 thread the process CPU time (as the Lepton side with
LEPTON_THREADS=1 measures its thread's CPU time)."""
import sys
import time
import torch
import torch.nn.functional as F

reps = int(sys.argv[1]) if len(sys.argv) > 1 else 9
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(threads)
clock = time.process_time if threads == 1 else time.perf_counter
print("torch %s, %d threads, medians of %d (ms, %s, forward + backward)" % (
    torch.__version__, threads, reps, "process CPU time" if threads == 1 else "wall time"))

CASES = [
    ("depthwise 3x3 s1 C=32 32x32", 32, 32, 32, 3, 1, 1, 32),
    ("depthwise 3x3 s2 C=64 32x32", 64, 32, 64, 3, 2, 1, 64),
    ("depthwise 3x3 s1 C=128 16x16", 128, 16, 128, 3, 1, 1, 128),
    ("depthwise 3x3 s2 C=128 16x16", 128, 16, 128, 3, 2, 1, 128),
    ("pointwise 1x1 s1 32->64 32x32", 32, 32, 64, 1, 1, 0, 1),
    ("pointwise 1x1 s1 128->128 16x16", 128, 16, 128, 1, 1, 0, 1),
    ("projection 1x1 s2 32->64 32x32", 32, 32, 64, 1, 2, 0, 1),
    ("projection 1x1 s2 64->128 16x16", 64, 16, 128, 1, 2, 0, 1),
    ("3x3 s2 32->64 32x32", 32, 32, 64, 3, 2, 1, 1),
    ("3x3 s2 64->128 16x16", 64, 16, 128, 3, 2, 1, 1),
]


def median_ms(step):
    for _ in range(2):
        step()
    ts = []
    for _ in range(reps):
        t0 = clock()
        step()
        ts.append((clock() - t0) * 1e3)
    ts.sort()
    return ts[reps // 2]


torch.manual_seed(1)
for name, c, hw, o, k, s, p, g in CASES:
    x = torch.randn(64, c, hw, hw, requires_grad=True)
    w = torch.randn(o, c // g, k, k, requires_grad=True)
    b = torch.randn(o, requires_grad=True)

    def step():
        y = F.conv2d(x, w, b, stride=s, padding=p, groups=g)
        y.backward(torch.ones_like(y))

    print("%-44s %9.2f" % (name, median_ms(step)))

xg = torch.randn(64, 128, 8, 8, requires_grad=True)
print("%-44s %9.2f" % ("global avg pool C=128 8x8", median_ms(lambda: xg.mean((2, 3)).sum().backward())))
