"""The PyTorch half of bench/text/train-speed.sh: tokens/s of the training step of the two small text classifiers that
`Lepton.Bench text-train` builds (same shapes, random ids, Adam 1e-3, cross-entropy, training mode).

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
        /usr/bin/python3 bench/text/text_train.py lstm 20 10 32 128 [dropout=0.1]
Prints one `RESULT {json}` line with the keys the Lepton side prints."""
import json
import statistics
import sys
import time

import torch

VOCAB, EMBED, CLASSES = 8000, 128, 4


class TextClassifier(torch.nn.Module):
    def __init__(self, kind, seq, dropout):
        super().__init__()
        self.kind = kind
        self.embedding = torch.nn.Embedding(VOCAB, EMBED)
        if kind == "lstm":
            self.lstm = torch.nn.LSTM(EMBED, EMBED, num_layers=2, batch_first=True)
        else:
            self.positions = torch.nn.Parameter(torch.randn(seq, EMBED) * 0.02)
            layer = torch.nn.TransformerEncoderLayer(EMBED, 4, dim_feedforward=512, dropout=dropout, batch_first=True)
            self.encoder = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = torch.nn.Linear(EMBED, CLASSES)

    def forward(self, ids):
        x = self.embedding(ids)
        if self.kind == "lstm":
            x, _ = self.lstm(x)
        else:
            x = self.encoder(x + self.positions[: x.shape[1]])
        return self.head(x.mean(1))


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "lstm"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    seq = int(sys.argv[5]) if len(sys.argv) > 5 else 128
    dropout = float(sys.argv[6]) if len(sys.argv) > 6 else 0.1
    torch.set_num_threads(2)
    torch.manual_seed(0)
    net = TextClassifier(kind, seq, dropout)
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(1)
    data = [(torch.randint(0, VOCAB, (batch, seq), generator=g), torch.randint(0, CLASSES, (batch,), generator=g))
            for _ in range(warmup + steps)]
    times = []
    for i, (x, y) in enumerate(data):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    print("RESULT " + json.dumps({"side": "pytorch", "model": kind, "threads": torch.get_num_threads(), "batch": batch,
                                  "seq": seq, "dropout": dropout if kind == "transformer" else 0, "steps": steps, "median_step_ms": median * 1e3,
                                  "tokens_per_s": batch * seq / median}))


if __name__ == "__main__":
    main()
