#!/usr/bin/python3
"""Reference for bench/audio/train-kws.sh: PyTorch 1.13 (Debian's python3-torch) trains the same keyword network as
Lepton's preset (kws-cnn or kws-ds-cnn, same layers, same shapes) with AdamW, batch 64, on random features of the
training set's shape, and prints the median seconds per epoch of 3 epochs. It measures the network's training step
only: no feature computation, no augmentation, no loading (Lepton's epoch time includes those).

    /usr/bin/python3 bench/audio/kws_torch.py MODEL CLIPS FRAMES BINS CLASSES [THREADS=2]
prints RESULT {"seconds_per_epoch": ..., "clips": CLIPS}"""
import json
import statistics
import sys
import time

import torch
from torch import nn


def kws_cnn(classes):
    layers, c = [nn.BatchNorm2d(1)], 1
    for i, w in enumerate([32, 64, 128, 128]):
        layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
        if i < 3:
            layers.append(nn.MaxPool2d(2))
        c = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(c, classes))


def kws_ds_cnn(classes):
    def separable(stride):
        return [nn.Conv2d(64, 64, 3, stride=stride, padding=1, groups=64, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                nn.Conv2d(64, 64, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
    layers = [nn.BatchNorm2d(1), nn.Conv2d(1, 64, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
    for s in [1, 2, 1, 1]:
        layers += separable(s)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(64, classes))


def main():
    model_name, clips, frames, bins, classes = sys.argv[1], *map(int, sys.argv[2:6])
    torch.set_num_threads(int(sys.argv[6]) if len(sys.argv) > 6 else 2)
    torch.manual_seed(0)
    model = (kws_cnn if model_name == "kws-cnn" else kws_ds_cnn)(classes)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
    x = torch.randn(clips, 1, frames, bins)
    y = torch.randint(0, classes, (clips,))
    loss_fn = nn.CrossEntropyLoss()
    times = []
    model.train()
    for _ in range(3):
        start = time.perf_counter()
        order = torch.randperm(clips)
        for b in range(0, clips, 64):
            idx = order[b:b + 64]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
        print(f"epoch {len(times)}: {times[-1]:.2f} s", file=sys.stderr)
    print("RESULT " + json.dumps({"seconds_per_epoch": statistics.median(times), "clips": clips}))


if __name__ == "__main__":
    main()
