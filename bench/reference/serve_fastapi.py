#!/usr/bin/env python3
"""Python reference server for bench/serve-compare.sh: FastAPI + uvicorn + PyTorch, the way Photon and BentoML serve.

Serves a Lepton model folder (model.json + weights.safetensors) with the same weights, the same preprocessing
and the same Open Inference Protocol v2 JSON request and response shapes as `lepton serve`:
  POST /v2/models/{name}/infer   {"inputs":[{"name":"image","shape":[1,1,28,28],"datatype":"FP32","data":[784 floats]}]}
  -> {"model_name", "model_version", "id"?, "outputs": [logits, probabilities, label]}
plus GET /v2/health/live, /v2/health/ready and /v2/models/{name}.

Run with Debian's PyTorch in its fastest setting here:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
    /usr/bin/python3 bench/reference/serve_fastapi.py --model-dir out/cnn --name fashion --port 8081 [--workers 1 --threads 1]
Needs python3-fastapi and python3-uvicorn (apt-get install python3-fastapi python3-uvicorn).
The safetensors file is read by the small reader below (no extra package), like Lepton's own.
"""
import argparse
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64}


def read_safetensors(path):
    """name -> torch tensor, from the 8-byte header length, the JSON header and the little-endian data."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(blob, dtype=DTYPES[entry["dtype"]], count=(end - begin) // np.dtype(DTYPES[entry["dtype"]]).itemsize,
                              offset=base + begin).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def build_layer(layer):
    kind, o = layer["type"], layer.get("options", {})
    if kind == "Conv2d":
        return nn.Conv2d(o["in_channels"], o["out_channels"], o["kernel_size"], stride=o.get("stride", 1),
                         padding=o.get("padding", 0), bias=o.get("bias", True))
    if kind == "Linear":
        return nn.Linear(o["in_features"], o["out_features"], bias=o.get("bias", True))
    if kind == "MaxPool2d":
        return nn.MaxPool2d(o["kernel_size"], stride=o.get("stride"), padding=o.get("padding", 0))
    if kind == "Flatten":
        return nn.Flatten(o.get("start_dim", 1), o.get("end_dim", -1))
    if kind == "ReLU":
        return nn.ReLU()
    if kind == "Dropout":
        return nn.Dropout(o.get("p", 0.5))
    raise SystemExit(f"serve_fastapi.py: layer type {kind} is not supported by this reference server")


def load_model(folder):
    spec = json.load(open(os.path.join(folder, "model.json")))
    net = nn.Sequential(*[build_layer(l) for l in spec["architecture"]])
    net.load_state_dict(read_safetensors(os.path.join(folder, "weights.safetensors")), strict=True)
    net.eval()
    return net, spec


def make_app(net, spec, name, version):
    app = FastAPI(title="PyTorch reference server")
    pre = spec.get("preprocessing") or {}
    scale = float(pre.get("scale", 1.0))
    mean = torch.tensor(pre.get("mean", [0.0]), dtype=torch.float32).view(1, -1, 1, 1)
    std = torch.tensor(pre.get("std", [1.0]), dtype=torch.float32).view(1, -1, 1, 1)
    example = spec["input"]["shape"][1:]
    classes = spec.get("class_names") or [str(i) for i in range(1000)]

    @app.get("/v2/health/live")
    async def live():
        return {"live": True}

    @app.get("/v2/health/ready")
    async def ready():
        return {"ready": True}

    @app.get("/v2/models/{model}")
    async def metadata(model: str):
        if model != name:
            return JSONResponse({"error": f"unknown model '{model}'"}, status_code=404)
        return {"name": name, "versions": [version], "platform": "pytorch",
                "inputs": [{"name": spec["input"].get("name", "input"), "datatype": "FP32", "shape": [-1, *example]}]}

    @app.post("/v2/models/{model}/infer")
    @app.post("/v2/models/{model}/versions/{v}/infer")
    async def infer(model: str, request: Request, v: str = version):
        if model != name:
            return JSONResponse({"error": f"unknown model '{model}'"}, status_code=404)
        try:
            body = await request.json()
            tensor = body["inputs"][0]
            x = torch.from_numpy(np.asarray(tensor["data"], dtype=np.float32)).reshape(tensor["shape"])
        except (ValueError, KeyError, IndexError, TypeError, RuntimeError) as error:
            return JSONResponse({"error": f"bad request: {error}"}, status_code=400)
        if list(x.shape[1:]) != example:
            return JSONResponse({"error": f"expected shape [-1, {example}], got {list(x.shape)}"}, status_code=400)
        with torch.inference_mode():
            logits = net((x * scale - mean) / std)
            probabilities = torch.softmax(logits, dim=1)
        rows, k = logits.shape
        top = probabilities.argmax(1).tolist()
        response = {"model_name": name, "model_version": version,
                    "outputs": [
                        {"name": "logits", "shape": [rows, k], "datatype": "FP32", "data": logits.flatten().tolist()},
                        {"name": "probabilities", "shape": [rows, k], "datatype": "FP32", "data": probabilities.flatten().tolist()},
                        {"name": "label", "shape": [rows], "datatype": "BYTES", "data": [classes[i] for i in top]},
                    ]}
        if "id" in body:
            response["id"] = body["id"]
        return response

    return app


def create_app():
    """uvicorn's app factory: each worker process loads the model from the settings main() put in the environment."""
    torch.set_num_threads(int(os.environ["LEPTON_REF_THREADS"]))
    net, spec = load_model(os.environ["LEPTON_REF_MODEL_DIR"])
    with torch.inference_mode():  # warm up before accepting requests, as lepton serve does
        net(torch.zeros(1, *spec["input"]["shape"][1:]))
    return make_app(net, spec, os.environ["LEPTON_REF_NAME"], os.environ["LEPTON_REF_VERSION"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--name", default="fashion")
    ap.add_argument("--version", default="1")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8081)
    # The reference's fastest setting here, measured: one intra-op thread (0.6 ms per one-image forward, against 6 ms
    # with 2 threads while the cores are busy) and one uvicorn worker (with --workers 2, uvicorn 0.17's multi-process
    # mode answers one connection every ~44 ms instead of every ~2 ms).
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    os.environ.update(LEPTON_REF_MODEL_DIR=os.path.abspath(args.model_dir), LEPTON_REF_NAME=args.name, LEPTON_REF_VERSION=args.version,
                      LEPTON_REF_THREADS=str(args.threads))
    load_model(args.model_dir)  # fail fast, before the workers start, when the folder is wrong
    uvicorn.run("serve_fastapi:create_app", factory=True, app_dir=os.path.dirname(os.path.abspath(__file__)), host=args.host,
                port=args.port, workers=args.workers, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
