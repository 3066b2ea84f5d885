#!/usr/bin/env python3
"""PyTorch half of bench/quantize/run.sh: the reference CNN with the weights Lepton trained, in float32 and as PyTorch's own
post-training static int8 model (fused conv+relu and linear+relu, per-channel weights, histogram observers, the first
`calibration` training images), batch-256 images/s over the Fashion-MNIST test split and top-1 on all 10,000 test images.

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
    /usr/bin/python3 bench/quantize/torch_int8.py bench/results/quantize/cnn-float --engine onednn

Prints one `RESULT {json}` line with the keys of `Lepton.Bench quantize`.
"""
import argparse, copy, json, os, struct, sys, time
import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from cnn_train import model as reference_model  # noqa: E402
from engine_compare import load, quantile  # noqa: E402

DTYPES = {"F32": np.float32, "I8": np.int8, "I32": np.int32, "I64": np.int64}


def read_safetensors(path):
    """name -> tensor, from the 8-byte header length, the JSON header and the raw little-endian data."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(raw[8 + n + start:8 + n + end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(array.copy())
    return out


class Quantizable(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.quant = torch.ao.quantization.QuantStub()
        self.net = net
        self.dequant = torch.ao.quantization.DeQuantStub()

    def forward(self, x):
        return self.dequant(self.net(self.quant(x)))


def images_per_s(net, x, batches, batch):
    per_pass = x.shape[0] // batch
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(batches):
            net(x[(i % per_pass) * batch:(i % per_pass + 1) * batch])
    return batches * batch / (time.perf_counter() - start)


def accuracy(net, x, y):
    with torch.no_grad():
        predicted = torch.cat([net(x[i:i + 256]).argmax(1) for i in range(0, x.shape[0], 256)])
    return (predicted == y).double().mean().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("--engine", default="onednn")
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--calibration", type=int, default=512)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.engine not in torch.backends.quantized.supported_engines:
        sys.exit(f"quantized engine {args.engine} is not in this PyTorch ({torch.backends.quantized.supported_engines})")
    torch.backends.quantized.engine = args.engine

    net = reference_model("cnn")
    net.load_state_dict(read_safetensors(os.path.join(args.model_dir, "weights.safetensors")))
    net.eval()

    q = Quantizable(copy.deepcopy(net)).eval()
    torch.ao.quantization.fuse_modules(q.net, [["0", "1"], ["3", "4"], ["7", "8"]], inplace=True)
    q.qconfig = torch.ao.quantization.get_default_qconfig(args.engine)
    torch.ao.quantization.prepare(q, inplace=True)
    calib, _ = load(True, args.calibration)
    t0 = time.perf_counter()
    with torch.no_grad():
        for i in range(0, calib.shape[0], 256):
            q(calib[i:i + 256])
    torch.ao.quantization.convert(q, inplace=True)
    quantize_seconds = time.perf_counter() - t0

    x, y = load(False, 10_000)
    float_accuracy, int8_accuracy = accuracy(net, x, y), accuracy(q, x, y)
    images_per_s(net, x, args.batches, 256)
    images_per_s(q, x, args.batches, 256)
    float_rates, int8_rates = [], []
    for _ in range(args.passes):
        float_rates.append(images_per_s(net, x, args.batches, 256))
        int8_rates.append(images_per_s(q, x, args.batches, 256))
    f, i8 = quantile(sorted(float_rates), 0.5), quantile(sorted(int8_rates), 0.5)
    print("RESULT " + json.dumps({
        "mode": "quantize-cnn", "engine": args.engine, "threads": torch.get_num_threads(), "batch": 256,
        "calibration_images": args.calibration, "quantize_seconds": quantize_seconds,
        "float_images_per_s": f, "int8_images_per_s": i8, "speedup": i8 / f,
        "float_images_per_s_all": float_rates, "int8_images_per_s_all": int8_rates,
        "float_accuracy": float_accuracy, "int8_accuracy": int8_accuracy,
        "drop_points": (float_accuracy - int8_accuracy) * 100, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
