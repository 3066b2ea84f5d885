using Lepton.Data;
using Lepton.Engine;
using Lepton.Factory.Loop;

namespace Lepton.Factory.Tests.Loop;

/// <summary>
/// 8x8 one-channel "images" of 3 classes in the raw 0..255 domain: a dark noisy background with a bright band of rows
/// (class 0: rows 0-2, class 1: rows 3-5, class 2: rows 6-7). Drifted traffic inverts the brightness (255 - x).
/// </summary>
internal static class SyntheticImages
{
    public static readonly string[] Classes = ["top", "middle", "bottom"];
    public static readonly int[] ExampleShape = [1, 8, 8];
    public static readonly Preprocessing Preprocessing = new(1f / 255, [0.3f], [0.3f]);

    public static (float[] Pixels, int Label) One(Generator rng, int label, bool inverted)
    {
        var pixels = new float[64];
        var (from, to) = label switch { 0 => (0, 3), 1 => (3, 6), _ => (6, 8) };
        for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++)
        {
            bool band = r >= from && r < to;
            float v = band ? 170 + 85 * (float)rng.NextDouble() : 60 * (float)rng.NextDouble();
            pixels[r * 8 + c] = MathF.Round(inverted ? 255 - v : v);
        }
        return (pixels, label);
    }

    /// <summary>n raw examples with labels cycling through the classes, as a data set of raw pixels.</summary>
    public static InMemoryDataset Raw(int n, ulong seed, bool inverted = false)
    {
        var rng = new Generator(seed);
        var inputs = new float[n * 64];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            var (pixels, label) = One(rng, i % 3, inverted);
            pixels.CopyTo(inputs, i * 64);
            labels[i] = label;
        }
        return new InMemoryDataset(Tensor.FromArray(inputs, n, 1, 8, 8), Tensor.FromArray(labels, n), Classes);
    }

    public static InMemoryDataset Preprocessed(InMemoryDataset raw) => new(Preprocessing.Apply(raw.Inputs), raw.Targets, raw.ClassNames);
}

/// <summary>The synthetic images as the loop's base data (undrifted train and test splits, preprocessed).</summary>
internal sealed class SyntheticBaseData : IBaseData
{
    private readonly BaseDataSplits _splits = new(
        SyntheticImages.Preprocessed(SyntheticImages.Raw(300, 1)), SyntheticImages.Preprocessed(SyntheticImages.Raw(150, 2)), SyntheticImages.Preprocessing);

    public string Name => "synthetic";

    public BaseDataSplits Load() => _splits;
}
