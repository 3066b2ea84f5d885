using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.Serving.Tests.Models;

/// <summary>Tiny model folders written with ModelFile.Save in a temporary directory deleted on dispose.</summary>
internal sealed class TestModelFolders : IDisposable
{
    /// <summary>Shape of one example; the models flatten it to 8 features.</summary>
    public static readonly int[] ExampleDims = [2, 4];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-serving-tests", Guid.NewGuid().ToString("N"));
    private int _next;

    public TestModelFolders() => Directory.CreateDirectory(_root);

    public string Root => _root;

    /// <summary>A model whose first logit is always <paramref name="mark"/> (zero weights, bias [mark, 0, 0]): results name their version.</summary>
    public string Marked(float mark, string? folder = null)
    {
        var linear = new Linear(8, 3, rng: new Generator(1));
        linear.Weight.Assign(Tensor.Zeros(3, 8));
        linear.Bias!.Assign(Tensor.FromArray([mark, 0f, 0f], 3));
        return Save(new Sequential(new Flatten(), linear), folder);
    }

    /// <summary>A small MLP with random weights, for comparing batched and direct results.</summary>
    public string Mlp(ulong seed) =>
        Save(new Sequential(new Flatten(), new Linear(8, 16, rng: new Generator(seed)), new ReLU(), new Linear(16, 3, rng: new Generator(seed + 1))));

    /// <summary>A marked model whose weights file is cut in half.</summary>
    public string Truncated(float mark)
    {
        var dir = Marked(mark);
        var weights = Path.Combine(dir, ModelFile.WeightsFileName);
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        return dir;
    }

    /// <summary>A marked model whose weights come from a model with 4 outputs instead of 3: shapes that do not fit the architecture.</summary>
    public string WrongShape(float mark)
    {
        var dir = Marked(mark);
        var other = Save(new Sequential(new Flatten(), new Linear(8, 4, rng: new Generator(2))));
        File.Copy(Path.Combine(other, ModelFile.WeightsFileName), Path.Combine(dir, ModelFile.WeightsFileName), overwrite: true);
        return dir;
    }

    /// <summary>A model whose model.json input (N,5) does not fit its first layer (8 features): only a warm-up finds out.</summary>
    public string InputMismatch()
    {
        var model = new Sequential(new Flatten(), new Linear(8, 3, rng: new Generator(3)));
        return Save(model, null, [-1, 5]);
    }

    /// <summary>The Sequential a folder holds, for direct (unbatched) reference results.</summary>
    public static Module LoadNetwork(string dir) => ModelFile.Load(dir).Model;

    /// <summary>Deterministic inputs (rows, 2, 4).</summary>
    public static Tensor Inputs(int rows, int seed) => Tensor.Randn(new Shape(rows, 2, 4), new Generator((ulong)seed));

    private string Save(Sequential model, string? folder = null, int[]? input = null)
    {
        var dir = folder ?? Path.Combine(_root, $"m{Interlocked.Increment(ref _next)}");
        ModelFile.Save(dir, model, new ModelSpec
        {
            Input = new InputSpec("x", input ?? [-1, .. ExampleDims]),
            ClassNames = ["a", "b", "c"],
        });
        return dir;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
