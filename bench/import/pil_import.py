#!/usr/bin/python3
"""The reference for `lepton data import`: the same work with Pillow (Debian python3-pil). Every .jpg under ROOT/<class>/
is decoded, converted to RGB and resized to 64x64 with Image.BILINEAR (Pillow's antialiased bilinear, the filter Lepton
matches), and its raw bytes are written into ~32 MiB shards (a 32-byte header, then images back to back).
Usage: pil_import.py ROOT OUT [WORKERS]  (WORKERS 1 = one process, else a multiprocessing pool of that size)."""
import os
import struct
import sys
from multiprocessing import Pool

from PIL import Image

SIZE = 64
PER_SHARD = (32 << 20) // (SIZE * SIZE * 3)


def load(path):
    with Image.open(path) as im:
        return im.convert("RGB").resize((SIZE, SIZE), Image.BILINEAR).tobytes()


def main():
    root, out = sys.argv[1], sys.argv[2]
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".jpg"))
    os.makedirs(out, exist_ok=True)
    pool = Pool(workers) if workers > 1 else None
    images = pool.imap(load, files, chunksize=64) if pool else map(load, files)
    shard, count, handle = 0, 0, None
    for pixels in images:
        if handle is None:
            handle = open(os.path.join(out, f"shard-{shard:05d}.bin"), "wb")
            handle.write(b"\0" * 32)
        handle.write(pixels)
        count += 1
        if count == PER_SHARD:
            handle.seek(0)
            handle.write(b"LPXS" + struct.pack("<5I", 1, count, SIZE, SIZE, 3) + b"\0" * 8)
            handle.close()
            handle, count, shard = None, 0, shard + 1
    if handle is not None:
        handle.seek(0)
        handle.write(b"LPXS" + struct.pack("<5I", 1, count, SIZE, SIZE, 3) + b"\0" * 8)
        handle.close()
    if pool:
        pool.close()
    print(len(files))


if __name__ == "__main__":
    main()
