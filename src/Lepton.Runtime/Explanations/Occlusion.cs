using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;

namespace Lepton.Runtime.Explanations;

/// <summary>
/// Occlusion sensitivity (Zeiler and Fergus 2014): a square window slides over the preprocessed image (stride half its side);
/// each position is set to 0, the channel mean after normalization; a pixel's value is the mean drop of the class probability
/// over the windows covering it. Needs only forward passes, run in batches.
/// </summary>
public static class Occlusion
{
    /// <summary>Windows per forward pass, so a large image's occluded copies never all sit in memory.</summary>
    public const int BatchSize = 32;

    /// <summary>The default window: an eighth of the shorter side, at least 2 pixels.</summary>
    public static int DefaultWindow(int height, int width) => Math.Max(2, Math.Min(height, width) / 8);

    // input: (1,C,H,W), already preprocessed.
    public static ExplanationMap Compute(Module model, Tensor input, int cls, int? window = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (input.Rank != 4 || input.Shape[0] != 1)
            throw new ArgumentException($"Occlusion expected one preprocessed image (1,C,H,W), got {input.Shape}.");
        int channels = input.Shape[1], height = input.Shape[2], width = input.Shape[3], plane = height * width;
        int side = window ?? DefaultWindow(height, width);
        if (side < 1 || side > Math.Min(height, width))
            throw new ArgumentOutOfRangeException(nameof(window), $"The occlusion window must be 1..{Math.Min(height, width)} pixels, got {side}.");
        int stride = Math.Max(1, side / 2);
        var positions = new List<(int Row, int Col)>();
        for (int r = 0; ; r += stride)
        {
            int row = Math.Min(r, height - side);
            for (int c = 0; ; c += stride)
            {
                int col = Math.Min(c, width - side);
                positions.Add((row, col));
                if (col == width - side) break;
            }
            if (row == height - side) break;
        }
        var x = input.Detach().Contiguous().To(DType.Float32).ToArray();
        double baseline = Probability(model, Tensor.FromArray(x, 1, channels, height, width), cls)[0];
        var drop = new double[plane];
        var covered = new int[plane];
        for (int start = 0; start < positions.Count; start += BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(BatchSize, positions.Count - start);
            var batch = new float[count * x.Length];
            for (int i = 0; i < count; i++)
            {
                x.CopyTo(batch, i * x.Length);
                var (row, col) = positions[start + i];
                for (int c = 0; c < channels; c++)
                    for (int r = row; r < row + side; r++)
                        Array.Clear(batch, i * x.Length + c * plane + r * width + col, side);
            }
            var p = Probability(model, Tensor.FromArray(batch, count, channels, height, width), cls);
            for (int i = 0; i < count; i++)
            {
                var (row, col) = positions[start + i];
                for (int r = row; r < row + side; r++)
                    for (int c = col; c < col + side; c++)
                    {
                        drop[r * width + c] += baseline - p[i];
                        covered[r * width + c]++;
                    }
            }
        }
        var map = new float[plane];
        for (int i = 0; i < plane; i++) map[i] = covered[i] == 0 ? 0 : (float)(drop[i] / covered[i]);
        return ExplanationMap.Normalized("occlusion", height, width, map);
    }

    private static double[] Probability(Module model, Tensor batch, int cls)
    {
        using var _ = new NoGrad();
        var logits = model.Forward(batch).Contiguous().To(DType.Float32);
        int n = logits.Shape[0], k = logits.Shape[1];
        if (cls < 0 || cls >= k) throw new ArgumentException($"Occlusion: the network answers {k} classes; class {cls} is not one of them.");
        var l = logits.ToArray();
        var p = new double[n];
        var row = new double[k];
        for (int i = 0; i < n; i++)
        {
            Lepton.NN.Tasks.ScoreMath.Softmax(l.AsSpan(i * k, k), row);
            p[i] = row[cls];
        }
        return p;
    }
}
