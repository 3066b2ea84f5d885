#!/usr/bin/python3
"""Makes the import benchmark's folder: N JPEGs (default 20,000) in 10 class folders, 200..300 px a side, varied content
(gradients, shapes and noise, seeded), quality 90, some progressive. Usage: make_images.py OUT [N]"""
import os
import random
import sys

from PIL import Image, ImageDraw

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
rng = random.Random(15)
noise = [Image.effect_noise((300, 300), 40 + 10 * k).convert("RGB") for k in range(4)]
for i in range(n):
    cls = f"class{i % 10}"
    os.makedirs(os.path.join(out, cls), exist_ok=True)
    w, h = rng.randint(200, 300), rng.randint(200, 300)
    base = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    tint = Image.new("RGB", (w, h), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    im = Image.blend(base, tint, 0.5)
    im = Image.blend(im, noise[i % 4].crop((0, 0, w, h)), 0.25)
    d = ImageDraw.Draw(im)
    for _ in range(6):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        box = [x0, y0, x0 + rng.randint(10, 80), y0 + rng.randint(10, 80)]
        fill = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (d.ellipse if rng.random() < 0.5 else d.rectangle)(box, fill=fill)
    im.save(os.path.join(out, cls, f"{i:05d}.jpg"), quality=90, progressive=(i % 5 == 0))
