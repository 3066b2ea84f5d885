using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.Reports.Tests;

/// <summary>
/// Test-made images (1, side, side) whose class is the cell of a grid holding a bright patch, over noise; a patch's brightness
/// is drawn per image, so dim patches get confused with the noise and a model makes mistakes with every kind of confidence.
/// The matching tiny model (Flatten, Linear) scores each class by the mean pixel of its cell.
/// </summary>
internal static class PatchImages
{
    public static IReadOnlyList<string> Names(int classes, string prefix = "class-") => [.. Enumerable.Range(0, classes).Select(c => $"{prefix}{c}")];

    /// <summary><paramref name="n"/> raw images (0..255 values), class i % classes.</summary>
    public static InMemoryDataset Make(int n, int classes, int side, ulong seed, string prefix = "class-")
    {
        var rng = new Generator(seed);
        var x = new float[n * side * side];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % classes;
            y[i] = label;
            var (r0, c0, size) = Cell(label, classes, side);
            float patch = 60 + rng.NextInt(196);
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++)
                {
                    bool inPatch = r >= r0 && r < r0 + size && c >= c0 && c < c0 + size;
                    x[i * side * side + r * side + c] = inPatch ? Math.Min(255, patch + rng.NextInt(20)) : rng.NextInt(150);
                }
        }
        return new InMemoryDataset(Tensor.FromArray(x, n, 1, side, side), Tensor.FromArray(y.Select(v => (float)v).ToArray(), n).To(DType.Int32), Names(classes, prefix));
    }

    /// <summary>
    /// Writes the tiny model: logit k = <paramref name="sharpness"/> × mean of cell <c>cellOf[k]</c> (default k) of the image scaled
    /// to [0,1], its class named after that cell, so a permutation gives the same model with its classes in another order.
    /// </summary>
    /// <param name="marker">When positive, logit k also gains this much per unit of pixel (side-1, k), a bottom-row pixel no cell
    /// covers: a bright marker there makes this model answer k whatever the patch (see <see cref="Mark"/>).</param>
    public static string WriteModel(string dir, int classes, int side, double sharpness = 12, int[]? cellOf = null, string prefix = "class-", double marker = 0)
    {
        var linear = new Linear(side * side, classes, rng: new Generator(1));
        var w = new float[classes * side * side];
        for (int k = 0; k < classes; k++)
        {
            var (r0, c0, size) = Cell(cellOf?[k] ?? k, classes, side);
            for (int r = r0; r < r0 + size; r++)
                for (int c = c0; c < c0 + size; c++) w[k * side * side + r * side + c] = (float)(sharpness / (size * size));
        }
        if (marker > 0)
            for (int k = 0; k < classes; k++) w[k * side * side + (side - 1) * side + k] = (float)marker;
        linear.Weight.Assign(Tensor.FromArray(w, classes, side * side));
        linear.Bias!.Assign(Tensor.FromArray(Enumerable.Repeat((float)(-sharpness * 0.3), classes).ToArray(), classes));
        ModelFile.Save(dir, new Sequential(new Flatten(), linear), new ModelSpec
        {
            Input = InputSpec.ForImage("image", 1, side, side),
            Preprocessing = new PreprocessingSpec(Scale: 1.0 / 255),
            ClassNames = [.. Enumerable.Range(0, classes).Select(k => $"{prefix}{cellOf?[k] ?? k}")],
        });
        return dir;
    }

    /// <summary>Lights the marker pixel of class <paramref name="k"/> in image <paramref name="i"/>: only a model written with a marker weight sees it.</summary>
    public static void Mark(float[] pixels, int i, int side, int k) => pixels[i * side * side + (side - 1) * side + k] = 255;

    /// <summary>The tiny model's answer without markers: the class whose cell has the brightest mean.</summary>
    public static int Brightest(ReadOnlySpan<float> image, int classes, int side)
    {
        int best = 0;
        double bestMean = double.MinValue;
        for (int k = 0; k < classes; k++)
        {
            var (r0, c0, size) = Cell(k, classes, side);
            double sum = 0;
            for (int r = r0; r < r0 + size; r++)
                for (int c = c0; c < c0 + size; c++) sum += image[r * side + c];
            if (sum / (size * size) > bestMean) (best, bestMean) = (k, sum / (size * size));
        }
        return best;
    }

    // The grid cell of class k: top-left corner and side.
    private static (int Row, int Col, int Size) Cell(int k, int classes, int side)
    {
        int grid = (int)Math.Ceiling(Math.Sqrt(classes));
        int size = side / grid;
        return (k / grid * size, k % grid * size, size);
    }
}
