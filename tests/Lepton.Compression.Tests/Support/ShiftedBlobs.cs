using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Formats;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training;
using Lepton.Training.Optimizers;

namespace Lepton.Compression.Tests.Support;

/// <summary>
/// Three classes of 8 features, centred on a circle in the first two features, as tensor data set folders: the original
/// distribution, and a shifted one whose first two features are negated (a rank-2 change a LoRA adapter on the first layer can
/// undo). <see cref="TrainBase"/> fits a small MLP on the original and saves it as a model folder.
/// </summary>
internal static class ShiftedBlobs
{
    public const int Features = 8;

    public static IReadOnlyList<string> Classes { get; } = ["0", "1", "2"];

    /// <summary>Writes train/ and test/ (input.npy, targets.npy) under <paramref name="root"/>; returns it.</summary>
    public static string Write(string root, bool shifted, ulong seed, int train = 480, int test = 240)
    {
        foreach (var (split, n, s) in new[] { ("train", train, seed), ("test", test, seed + 100) })
        {
            var (x, y) = Make(n, shifted, new Generator(s));
            var dir = Path.Combine(root, split);
            Directory.CreateDirectory(dir);
            Npy.Write(Path.Combine(dir, "input.npy"), x);
            Npy.Write(Path.Combine(dir, "targets.npy"), y);
        }
        File.WriteAllText(Path.Combine(root, TensorFolder.DescriptionFile), new JsonObject { ["class_names"] = new JsonArray("0", "1", "2") }.ToJsonString());
        return root;
    }

    public static (Tensor X, Tensor Y) Make(int n, bool shifted, Generator g)
    {
        var x = new float[n * Features];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = g.NextInt(3);
            y[i] = c;
            double angle = 2 * Math.PI * c / 3;
            for (int f = 0; f < Features; f++)
            {
                double centre = f == 0 ? 2.5 * Math.Cos(angle) : f == 1 ? 2.5 * Math.Sin(angle) : 0;
                double v = centre + 0.6 * g.NextGaussian();
                x[i * Features + f] = (float)(shifted && f < 2 ? -v : v);
            }
        }
        return (Tensor.FromArray(x, n, Features), Tensor.FromArray(y, n));
    }

    /// <summary>An MLP (8 → 32 → 3) trained on the original distribution, saved to <paramref name="dir"/>.</summary>
    public static string TrainBase(string dir, ulong seed = 1)
    {
        var rng = new Generator(seed);
        var model = new Sequential(new Linear(Features, 32, rng: rng), new ReLU(), new Linear(32, 3, rng: rng));
        var (x, y) = Make(600, shifted: false, new Generator(seed + 7));
        var trainer = new Trainer(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 0.01)), new CrossEntropyLoss());
        trainer.Fit(new InMemoryDataset(x, y, Classes), null, new FitOptions(Epochs: 15, BatchSize: 32, Seed: seed));
        model.Eval();
        ModelFile.Save(dir, model, new ModelSpec { Input = new InputSpec("input", [-1, Features]), ClassNames = Classes });
        return dir;
    }
}
