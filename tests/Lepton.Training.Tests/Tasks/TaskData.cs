using Lepton.Data;
using Lepton.Engine;

namespace Lepton.Training.Tests.Tasks;

/// <summary>Small seeded problems for the binary, multi-label and regression tasks.</summary>
internal static class TaskData
{
    /// <summary>Two Gaussian blobs at (±1.2, ±1.2), spread 0.5: separable but for a few stragglers. Targets float (N, 1).</summary>
    public static InMemoryDataset Blobs(int count, ulong seed)
    {
        var rng = new Generator(seed);
        var x = new float[count * 2];
        var y = new float[count];
        for (int i = 0; i < count; i++)
        {
            int c = rng.NextInt(2);
            double center = c == 1 ? 1.2 : -1.2;
            x[2 * i] = (float)(center + 0.5 * rng.NextGaussian());
            x[2 * i + 1] = (float)(center + 0.5 * rng.NextGaussian());
            y[i] = c;
        }
        return new InMemoryDataset(Tensor.FromArray(x, count, 2), Tensor.FromArray(y, count, 1), ["no", "yes"]);
    }

    /// <summary>Inputs in R^4; labels x0 &gt; 0, x1 &gt; 0 and x2 + x3 &gt; 0, as multi-hot float (N, 3).</summary>
    public static InMemoryDataset MultiHot(int count, ulong seed)
    {
        var rng = new Generator(seed);
        var x = new float[count * 4];
        var y = new float[count * 3];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < 4; j++) x[4 * i + j] = (float)rng.NextGaussian();
            y[3 * i] = x[4 * i] > 0 ? 1 : 0;
            y[3 * i + 1] = x[4 * i + 1] > 0 ? 1 : 0;
            y[3 * i + 2] = x[4 * i + 2] + x[4 * i + 3] > 0 ? 1 : 0;
        }
        return new InMemoryDataset(Tensor.FromArray(x, count, 4), Tensor.FromArray(y, count, 3), ["first", "second", "sum"]);
    }

    /// <summary>Inputs in R^3; targets (2x0 - x1 + 0.5, x2 - 3) plus noise of 0.05, float (N, 2).</summary>
    public static InMemoryDataset Linear(int count, ulong seed)
    {
        var rng = new Generator(seed);
        var x = new float[count * 3];
        var y = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < 3; j++) x[3 * i + j] = (float)rng.NextGaussian();
            y[2 * i] = (float)(2 * x[3 * i] - x[3 * i + 1] + 0.5 + 0.05 * rng.NextGaussian());
            y[2 * i + 1] = (float)(x[3 * i + 2] - 3 + 0.05 * rng.NextGaussian());
        }
        return new InMemoryDataset(Tensor.FromArray(x, count, 3), Tensor.FromArray(y, count, 2));
    }
}
