"""SGEMM throughput of PyTorch (Debian's python3-torch on OpenBLAS), the reference for Lepton's GEMM.

Run with Debian's interpreter and the pthread OpenBLAS, once per OpenBLAS thread count:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference/gemm.py
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/reference/gemm.py
Prints GFLOP/s per size for C = A @ B (square, float32): warm-up, then the median of timed runs,
the same protocol as `dotnet run -c Release --project bench/Lepton.Bench -- gemm`.
"""
import os
import statistics
import sys
import time

import torch

SIZES = [256, 512, 1024, 2048]
SAMPLES = 9


def measure(n):
    g = torch.Generator().manual_seed(42)
    a = torch.rand(n, n, generator=g) * 2 - 1
    b = torch.rand(n, n, generator=g) * 2 - 1
    c = torch.empty(n, n)
    flop = 2.0 * n * n * n
    # Enough calls per sample for ~50 ms, as in the C# quick mode.
    reps = max(1, min(100_000, int(5e9 / flop)))
    for _ in range(max(3, reps // 4)):
        torch.mm(a, b, out=c)
    samples = []
    for _ in range(SAMPLES):
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        samples.append((time.perf_counter() - t0) / reps)
    return statistics.median(samples), min(samples)


def main():
    torch.set_num_threads(2)
    sizes = [int(s) for s in sys.argv[1:]] or SIZES
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "(unset)")
    print(f"PyTorch {torch.__version__} SGEMM, torch threads {torch.get_num_threads()}, OPENBLAS_NUM_THREADS={blas}")
    print(f"{'size':>6} {'GFLOP/s':>9} {'median ms':>10} {'best GFLOP/s':>13}")
    for n in sizes:
        median, best = measure(n)
        flop = 2.0 * n * n * n
        print(f"{n:>6} {flop / median / 1e9:>9.1f} {median * 1e3:>10.3f} {flop / best / 1e9:>13.1f}")


if __name__ == "__main__":
    main()
