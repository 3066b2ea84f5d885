using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Memory;
using Lepton.NN;
using Lepton.NN.Layers;

namespace Lepton.Bench;

/// <summary>
/// Where a text-train step's time goes: forward + backward of each part of the models alone, at the text-train shapes
/// (batch 32, 128 tokens, width 128): the LSTM stack, self-attention, the feed-forward block, LayerNorm and dropout.
/// </summary>
public static class TextOps
{
    /// <summary>`text-ops [reps=10]`: one line per part with the median milliseconds of forward and of backward.</summary>
    public static int Run(string[] args)
    {
        int reps = args.Length > 0 ? int.Parse(args[0]) : 10;
        const int n = 32, t = 128, e = 128;
        var g = new Generator(0);
        var x = Tensor.Randn(new Shape(n, t, e), g);
        var parts = new (string Name, Module Layer)[]
        {
            ("lstm 2 layers", new LSTM(e, e, new RecurrentOptions(NumLayers: 2), g)),
            ("self-attention (4 heads)", new MultiheadAttention(e, 4, rng: g)),
            ("self-attention, dropout 0.1", new MultiheadAttention(e, 4, new MultiheadAttentionOptions(Dropout: 0.1), g)),
            ("linear 128->512", new Linear(e, 512, rng: g)),
            ("layer norm", new LayerNorm(e)),
            ("dropout 0.1 on (32,128,128)", new Dropout(0.1, g)),
            ("encoder layer, dropout 0", new TransformerEncoderLayer(e, 4, new TransformerEncoderLayerOptions(512, Dropout: 0), g)),
            ("encoder layer, dropout 0.1", new TransformerEncoderLayer(e, 4, new TransformerEncoderLayerOptions(512, Dropout: 0.1), g)),
        };
        var pool = new TensorPool();
        foreach (var (name, layer) in parts)
        {
            var fwd = new double[reps];
            var bwd = new double[reps];
            for (int i = -2; i < reps; i++)
            {
                using var scope = pool.BeginScope();
                var input = x.Detach().RequireGrad();
                long t0 = Stopwatch.GetTimestamp();
                var y = layer.Forward(input);
                double f = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                var up = Tensor.OnesLike(y);
                long t1 = Stopwatch.GetTimestamp();
                y.Backward(seed: up);
                double b = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                if (i < 0) continue;
                fwd[i] = f;
                bwd[i] = b;
            }
            Array.Sort(fwd);
            Array.Sort(bwd);
            Console.WriteLine($"{name,-30} forward {BenchResult.Quantile(fwd, 0.5),8:F2} ms   backward {BenchResult.Quantile(bwd, 0.5),8:F2} ms");
        }
        AttentionSteps(x, reps);
        return 0;
    }

    // The forward steps of self-attention one by one (no gradient recorded), to see which dominates.
    private static void AttentionSteps(Tensor x, int reps)
    {
        const int n = 32, t = 128, e = 128, heads = 4, d = 32;
        var g = new Generator(1);
        var w = Tensor.Randn(new Shape(3 * e, e), g, std: 0.1);
        var steps = new (string Name, Func<Tensor[], Tensor> Run)[]
        {
            ("in-projection (N,T,3E)", s => x.Linear(w)),
            ("split heads + scale q", s => s[0].Reshape(n, t, 3, heads, d).Permute(2, 0, 3, 1, 4).Select(0, 0).Mul(0.17)),
            ("k transposed, dense", s => s[0].Reshape(n, t, 3, heads, d).Permute(2, 0, 3, 1, 4).Select(0, 1).Transpose(-2, -1).Contiguous()),
            ("scores q·kᵀ", s => s[1].Matmul(s[2])),
            ("softmax", s => s[3].Softmax(-1)),
            ("v dense", s => s[0].Reshape(n, t, 3, heads, d).Permute(2, 0, 3, 1, 4).Select(0, 2).Contiguous()),
            ("weights·v", s => s[4].Matmul(s[5])),
            ("merge heads", s => s[6].Permute(0, 2, 1, 3).Reshape(n, t, e)),
        };
        using var _ = new Lepton.Engine.Autograd.NoGrad();
        var times = steps.Select(_ => new double[reps]).ToArray();
        for (int r = -1; r < reps; r++)
        {
            var outs = new Tensor[steps.Length];
            for (int k = 0; k < steps.Length; k++)
            {
                long t0 = Stopwatch.GetTimestamp();
                outs[k] = steps[k].Run(outs);
                if (r >= 0) times[k][r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        }
        for (int k = 0; k < steps.Length; k++)
        {
            Array.Sort(times[k]);
            Console.WriteLine($"  attention: {steps[k].Name,-26} {BenchResult.Quantile(times[k], 0.5),8:F2} ms");
        }
    }
}
