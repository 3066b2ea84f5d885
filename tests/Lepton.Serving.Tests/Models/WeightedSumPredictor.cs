using System.Collections.Concurrent;
using System.Text.Json;
using Lepton.Engine;
using Lepton.Runtime;

namespace Lepton.Serving.Tests.Models;

/// <summary>
/// A predictor that is not a neural network: for each row of int32 values of any length (like token ids, padded with 0 in a
/// batch) it answers weight * sum(values), with the weight read from the folder's <c>weighted-sum.json</c>. It records every
/// batch it runs, and can be held at the start of a batch so that requests queue up behind it.
/// </summary>
internal sealed class WeightedSumPredictor(float weight, WeightedSumKind kind) : IPredictor
{
    public string Kind => WeightedSumKind.KindName;

    public PredictorSignature Signature { get; } = new(
        [new TensorSignature("values", DType.Int32, [-1], new PaddingRule(0, 0))],
        [new TensorSignature("total", DType.Float32, [1])],
        OutputKind.Tensors);

    public float Weight => weight;

    public bool Disposed { get; private set; }

    public Tensor Preprocess(int input, Tensor raw) => raw;

    public TensorSet Predict(TensorSet inputs)
    {
        kind.Hold.Wait();
        var x = inputs[0].Contiguous();
        int rows = x.Shape[0], length = x.Shape[1];
        kind.Batches.Enqueue((weight, rows, length));
        var values = x.Span<int>();
        var totals = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            long sum = 0;
            foreach (int v in values.Slice(r * length, length)) sum += v;
            totals[r] = weight * sum;
        }
        return Tensor.FromArray(totals, rows, 1);
    }

    public void Dispose() => Disposed = true;
}

/// <summary>The kind behind <see cref="WeightedSumPredictor"/>: a folder holding <c>weighted-sum.json</c> ({"weight": w}).</summary>
internal sealed class WeightedSumKind : IPredictorKind
{
    public const string KindName = "weighted-sum";
    public const string Marker = "weighted-sum.json";

    /// <summary>Set: batches run. Reset: every batch waits at its start.</summary>
    public ManualResetEventSlim Hold { get; } = new(true);

    /// <summary>Every batch run: the weight of the version that ran it, its rows and its (padded) length.</summary>
    public ConcurrentQueue<(float Weight, int Rows, int Length)> Batches { get; } = new();

    public string Name => KindName;

    public string MarkerFile => Marker;

    public IPredictor Load(string folder, PredictorLoadOptions options)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, Marker)));
        return new WeightedSumPredictor(doc.RootElement.GetProperty("weight").GetSingle(), this);
    }

    public static string WriteFolder(string dir, float weight)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, Marker), $"{{\"weight\": {weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}");
        return dir;
    }
}
