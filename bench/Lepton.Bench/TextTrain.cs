using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Memory;
using Lepton.Engine.Threading;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Losses;
using Lepton.Training.Optimizers;

namespace Lepton.Bench;

/// <summary>
/// Training throughput of two small text classifiers, the Lepton half of bench/text/train-speed.sh (bench/text/text_train.py is
/// the PyTorch half, with the same models, data and optimizer): <c>lstm</c> is Embedding(8000,128) → LSTM(128,128,
/// 2 layers) → mean over time → Linear(128,4); <c>transformer</c> is Embedding + learned positions → TransformerEncoder
/// (2 post-norm layers, 4 heads, feed-forward 512, dropout 0.1 unless given) → mean over time → Linear(128,4). Random token ids, Adam 1e-3,
/// cross-entropy; reports tokens/s at the median step, and the median forward and backward times. The warm-up steps also let
/// the JIT's tiered compilation reach its optimized code (a kernel called a few times a step needs about 30 calls).
/// </summary>
public static class TextTrain
{
    private const int Vocab = 8000, Embed = 128, Classes = 4;

    /// <summary>`text-train [lstm|transformer] [steps=20] [warmup=10] [batch=32] [seq=128] [dropout=0.1]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string model = args.Length > 0 ? args[0] : "lstm";
        int steps = args.Length > 1 ? int.Parse(args[1]) : 20;
        int warmup = args.Length > 2 ? int.Parse(args[2]) : 10;
        int batch = args.Length > 3 ? int.Parse(args[3]) : 32;
        int seq = args.Length > 4 ? int.Parse(args[4]) : 128;
        double dropout = args.Length > 5 ? double.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 0.1;
        var net = new TextClassifier(model, seq, dropout, new Generator(0));
        var adam = new Adam(net.Parameters(), new AdamOptions(LearningRate: 1e-3));
        var g = new Generator(1);
        var batches = Enumerable.Range(0, warmup + steps).Select(_ => (
            Tensor.FromArray(Enumerable.Range(0, batch * seq).Select(_ => g.NextInt(Vocab)).ToArray(), batch, seq),
            Tensor.FromArray(Enumerable.Range(0, batch).Select(_ => g.NextInt(Classes)).ToArray(), batch))).ToArray();
        var pool = new TensorPool();
        var times = new double[steps];
        var forward = new double[steps];
        var backward = new double[steps];
        for (int i = 0; i < warmup + steps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            double f, b;
            using (pool.BeginScope())
            {
                var (x, y) = batches[i];
                var loss = CrossEntropyLoss.Apply(net.Forward(x), y);
                f = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                var grads = loss.Backward();
                b = Stopwatch.GetElapsedTime(t0).TotalSeconds - f;
                adam.Step(grads);
            }
            if (i < warmup) continue;
            times[i - warmup] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            forward[i - warmup] = f;
            backward[i - warmup] = b;
        }
        Array.Sort(times);
        Array.Sort(forward);
        Array.Sort(backward);
        double median = BenchResult.Quantile(times, 0.5);
        BenchResult.Print(new
        {
            Side = "lepton",
            Model = model,
            Threads = CpuParallel.ThreadCount,
            Batch = batch,
            Seq = seq,
            Dropout = model == "transformer" ? dropout : 0,
            Steps = steps,
            MedianStepMs = median * 1e3,
            MedianForwardMs = BenchResult.Quantile(forward, 0.5) * 1e3,
            MedianBackwardMs = BenchResult.Quantile(backward, 0.5) * 1e3,
            TokensPerS = batch * seq / median,
        });
        return 0;
    }

    // The two classifiers, built from Lepton's layers as bench/text/text_train.py builds them from torch.nn.
    private sealed class TextClassifier : Module
    {
        private readonly Embedding _embedding;
        private readonly LearnedPositionalEmbedding? _positions;
        private readonly LSTM? _lstm;
        private readonly TransformerEncoder? _encoder;
        private readonly Linear _head;

        public TextClassifier(string kind, int seq, double dropout, Generator rng)
        {
            _embedding = RegisterModule("embedding", new Embedding(Vocab, Embed, rng));
            if (kind == "lstm")
                _lstm = RegisterModule("lstm", new LSTM(Embed, Embed, new RecurrentOptions(NumLayers: 2), rng));
            else if (kind == "transformer")
            {
                _positions = RegisterModule("positions", new LearnedPositionalEmbedding(seq, Embed, rng));
                _encoder = RegisterModule("encoder", new TransformerEncoder(2, Embed, 4, new TransformerEncoderLayerOptions(DimFeedforward: 512, Dropout: dropout), rng: rng));
            }
            else throw new ArgumentException($"text-train model must be lstm or transformer, got '{kind}'.");
            _head = RegisterModule("head", new Linear(Embed, Classes, rng: rng));
        }

        // ids: (N,T) → logits (N,4)
        public override Tensor Forward(Tensor ids)
        {
            var x = _embedding.Forward(ids);
            x = _lstm is not null ? _lstm.Forward(x) : _encoder!.Forward(_positions!.Forward(x));
            return _head.Forward(MaskedMeanPool.Pool(x));
        }
    }
}
