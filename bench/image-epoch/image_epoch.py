#!/usr/bin/env python3
"""PyTorch side of the image-epoch comparison (issue 15): one training epoch on a 64x64 RGB folder data set with
torchvision's ImageFolder + DataLoader, horizontal flip + rotation + zoom, and the small CNN of model.json.

  /usr/bin/python3 bench/image-epoch/image_epoch.py make --out DIR [--classes 10 --per-class 500 --test-per-class 50]
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
    /usr/bin/python3 bench/image-epoch/image_epoch.py train --data DIR/train [--epochs 1 --workers 1]

`make` writes DIR/train/cK/*.jpg and DIR/test/cK/*.jpg (Keras layout, class per subfolder): each class is one shape
(ellipse, box, triangle, cross, ring...) in its own hue range, random size and position, on a noisy background, saved
as JPEG quality 90. `train` prints one JSON line per epoch and a summary line with images/s.
"""
import argparse, json, math, os, random, time

# The augmentation `lepton train --augment "flip,rotate=15,zoom=0.2"` applies: flip with p=1/2, rotation uniform in
# +-15 degrees, one zoom factor uniform in [0.8, 1.2] for both axes, nearest-edge fill (torchvision fills with 0; the
# difference costs nothing measurable).
ROTATE, ZOOM = 15, 0.2
MEAN, STD = [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]


def make(args):
    from PIL import Image, ImageDraw
    import numpy as np
    rng = random.Random(args.seed)
    nrng = np.random.default_rng(args.seed)
    size = args.size
    for split, count in (("train", args.per_class), ("test", args.test_per_class)):
        for k in range(args.classes):
            folder = os.path.join(args.out, split, f"c{k}")
            os.makedirs(folder, exist_ok=True)
            for i in range(count):
                base = nrng.integers(0, 90, 3)
                noise = nrng.integers(0, 60, (size, size, 3))
                im = Image.fromarray((base + noise).clip(0, 255).astype("uint8"), "RGB")
                d = ImageDraw.Draw(im)
                hue = (k * 36 + rng.uniform(-12, 12)) % 360
                colour = tuple(int(255 * c) for c in hsv(hue / 360, 0.8, rng.uniform(0.7, 1.0)))
                r = rng.uniform(size * 0.18, size * 0.35)
                cx, cy = rng.uniform(r, size - r), rng.uniform(r, size - r)
                shape(d, k % 5, cx, cy, r, colour)
                im.save(os.path.join(folder, f"{i:05d}.jpg"), quality=90)
    print(json.dumps({"made": args.out, "classes": args.classes, "train": args.classes * args.per_class,
                      "test": args.classes * args.test_per_class, "size": size}))


def hsv(h, s, v):
    import colorsys
    return colorsys.hsv_to_rgb(h, s, v)


def shape(d, kind, cx, cy, r, colour):
    if kind == 0:
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    elif kind == 1:
        d.rectangle([cx - r, cy - r * 0.7, cx + r, cy + r * 0.7], fill=colour)
    elif kind == 2:
        d.polygon([(cx, cy - r), (cx + r, cy + r), (cx - r, cy + r)], fill=colour)
    elif kind == 3:
        w = r / 3
        d.rectangle([cx - r, cy - w, cx + r, cy + w], fill=colour)
        d.rectangle([cx - w, cy - r, cx + w, cy + r], fill=colour)
    else:
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=colour, width=max(2, int(r / 3)))


def model():
    import torch.nn as nn
    # Exactly bench/image-epoch/model.json.
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4096, 128), nn.ReLU(), nn.Linear(128, 10))


def train(args):
    import torch
    import torch.nn.functional as F
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    augment = transforms.Compose([
        transforms.RandomHorizontalFlip(),
        transforms.RandomAffine(degrees=ROTATE, scale=(1 - ZOOM, 1 + ZOOM), interpolation=transforms.InterpolationMode.BILINEAR),
        transforms.ToTensor(),
        transforms.Normalize(MEAN, STD),
    ])
    data = datasets.ImageFolder(args.data, transform=augment)
    # Two cores: one loader process decodes and augments while the main process trains on two threads (num_workers=0
    # serializes the two; 2 or more oversubscribes the cores; measured, 1 is the fastest here).
    loader = DataLoader(data, batch_size=args.batch_size, shuffle=True, num_workers=args.workers,
                        persistent_workers=args.workers > 0, generator=torch.Generator().manual_seed(args.seed))
    net = model()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    total_time, total_images = 0.0, 0
    for epoch in range(1, args.epochs + 1):
        net.train()
        t0 = time.perf_counter()
        seen = 0
        for x, y in loader:
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            seen += len(y)
        dt = time.perf_counter() - t0
        total_time += dt
        total_images += seen
        print(json.dumps({"epoch": epoch, "seconds": round(dt, 3), "images": seen, "images_per_s": round(seen / dt, 1),
                          "loss": round(loss.item(), 4)}), flush=True)
    print(json.dumps({"summary": True, "torch": torch.__version__, "workers": args.workers, "threads": args.threads,
                      "images_per_s": round(total_images / total_time, 1), "seconds_per_epoch": round(total_time / args.epochs, 3)}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("--out", required=True)
    m.add_argument("--classes", type=int, default=10)
    m.add_argument("--per-class", type=int, default=500)
    m.add_argument("--test-per-class", type=int, default=50)
    m.add_argument("--size", type=int, default=64)
    m.add_argument("--seed", type=int, default=0)
    t = sub.add_parser("train")
    t.add_argument("--data", required=True)
    t.add_argument("--epochs", type=int, default=1)
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--workers", type=int, default=1)
    t.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    make(args) if args.cmd == "make" else train(args)


if __name__ == "__main__":
    main()
