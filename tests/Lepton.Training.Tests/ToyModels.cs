using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;

namespace Lepton.Training.Tests;

/// <summary>Small synthetic problems and models shared by the training tests.</summary>
internal static class ToyModels
{
    /// <summary>A 2-16-2 MLP with seeded weights.</summary>
    public static Sequential Mlp(ulong seed = 7, int hidden = 16, int classes = 2)
    {
        var rng = new Generator(seed);
        return new Sequential(new Linear(2, hidden, rng: rng), new ReLU(), new Linear(hidden, classes, rng: rng));
    }

    /// <summary>Four Gaussian blobs in the plane labelled XOR-fashion (opposite corners share a class), so a linear model cannot solve it.</summary>
    public static InMemoryDataset XorBlobs(int count, ulong seed, double spread = 0.35)
    {
        var rng = new Generator(seed);
        var x = new float[count * 2];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            int corner = rng.NextInt(4);
            double cx = (corner & 1) == 0 ? -1 : 1, cy = (corner & 2) == 0 ? -1 : 1;
            x[2 * i] = (float)(cx + spread * rng.NextGaussian());
            x[2 * i + 1] = (float)(cy + spread * rng.NextGaussian());
            y[i] = cx * cy > 0 ? 1 : 0;
        }
        return new InMemoryDataset(Tensor.FromArray(x, count, 2), Tensor.FromArray(y, count), ["same", "opposite"]);
    }

    public static float[] Weights(Module m) => m.Parameters().SelectMany(p => p.Value.ToArray()).ToArray();
}
