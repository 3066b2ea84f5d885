using Lepton.Data;
using Lepton.Engine;

namespace Lepton.Compression.Tests.Support;

/// <summary>
/// A tiny seeded image classification set: 1x8x8 noise with a bright 3x3 patch whose corner says the class (3 classes), easy
/// enough that a small CNN learns it in a few epochs.
/// </summary>
internal static class SyntheticImages
{
    public static readonly string[] Classes = ["top-left", "top-right", "bottom"];

    public static InMemoryDataset Create(int n, ulong seed)
    {
        var rng = new Generator(seed);
        var noise = Tensor.Randn(new Shape(n, 1, 8, 8), rng, std: 0.3).ToArray();
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % 3;
            labels[i] = label;
            var (r0, c0) = label switch { 0 => (0, 0), 1 => (0, 5), _ => (5, 2) };
            for (int r = r0; r < r0 + 3; r++)
                for (int c = c0; c < c0 + 3; c++) noise[i * 64 + r * 8 + c] += 1.5f;
        }
        return new InMemoryDataset(Tensor.FromArray(noise, n, 1, 8, 8), Tensor.FromArray(labels, n), Classes);
    }
}
