"""PyTorch's training step of a Lepton graph preset (the same structure: tools/fixtures/preset_modules.py), the reference
for `Lepton.Bench preset-step PRESET BATCH STEPS`: Adam, cross-entropy, random 1x28x28 inputs and labels, one-thread
OpenBLAS with torch.set_num_threads(THREADS). Prints one JSON line: median and best step in ms, images/s.

  /usr/bin/python3 bench/presets/torch_step.py PRESET [BATCH=64] [STEPS=20] [THREADS=2]"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "fixtures"))
from preset_modules import MobileNet, ResNet  # noqa: E402

preset = sys.argv[1]
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 64
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
model = {"mobilenet": MobileNet, "resnet": ResNet}[preset]()
model.train()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randn(batch, 1, 28, 28)
y = torch.randint(0, 10, (batch,))
times = []
for i in range(steps + 3):
    t0 = time.perf_counter()
    opt.zero_grad()
    F.cross_entropy(model(x), y).backward()
    opt.step()
    if i >= 3:
        times.append((time.perf_counter() - t0) * 1e3)
times.sort()
median = times[len(times) // 2]
print(json.dumps({"side": "pytorch", "preset": preset, "batch": batch, "threads": threads, "torch": torch.__version__,
                  "step_median_ms": round(median, 2), "step_best_ms": round(times[0], 2),
                  "images_per_s": round(batch * 1e3 / median, 1)}))
