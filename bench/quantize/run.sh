#!/usr/bin/env bash
# Int8 quantization of the reference CNN on Fashion-MNIST (issue 18): Lepton int8 against Lepton float32 at batch 256
# (images/s, median of alternating passes) and top-1 on the 10,000 test images, and in the same run PyTorch's static int8
# (onednn engine; Debian's torch has no fbgemm) of the same network with the same weights. The float CNN is trained once
# (1 epoch, Adam 1e-3) into bench/results/quantize/cnn-float and reused; both sides calibrate on the first 512 training
# images. Rounds alternate Lepton and PyTorch so both see the same load.
#   bench/quantize/run.sh [rounds (2)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds="${1:-2}"
model=bench/results/quantize/cnn-float
export LEPTON_THREADS=2
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
echo "== $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(date -u +'%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
dotnet build -c Release bench/Lepton.Bench -v quiet -nologo > /dev/null
for run in $(seq 1 "$rounds"); do
  echo "== round $run of $rounds" >&2
  dotnet bench/Lepton.Bench/bin/Release/net10.0/Lepton.Bench.dll quantize "$model" 1 5 20 512 percentile | sed "s/^RESULT /RESULT lepton /"
  LD_LIBRARY_PATH="$openblas" OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/quantize/torch_int8.py "$model" --passes 3 --batches 4 \
    | sed "s/^RESULT /RESULT pytorch /"
  echo "   load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
