using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Compression.Distillation;
using Lepton.Compression.Pruning;

namespace Lepton.Compression.Measurement;

/// <summary>
/// What a compression step changed, for people and scripts: the source (teacher) and the result measured the same way on the
/// same test split (accuracy, parameters, inference time), and the ratios. Written as <c>compression.json</c> beside the model.
/// </summary>
public sealed record CompressionReport(
    string Method,
    IReadOnlyList<string> Sources,
    string Dataset,
    ModelMeasurement Before,
    ModelMeasurement After,
    double? AccuracyBeforeFineTuning = null)
{
    public const string FileName = "compression.json";

    /// <summary>What changed in the model, one line each (<c>0+3: 32 → 16 channels (l1)</c>, <c>weight sparsity 50.0%</c>).</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>How many times faster the result infers (source time / result time).</summary>
    public double Speedup => After.Speed.MillisecondsPerBatch > 0 ? Before.Speed.MillisecondsPerBatch / After.Speed.MillisecondsPerBatch : 0;

    /// <summary>Result parameters as a share of the source's.</summary>
    public double ParameterRatio => Before.Parameters > 0 ? (double)After.Parameters / Before.Parameters : 0;

    /// <summary>Accuracy change in percentage points (negative: the result is less accurate).</summary>
    public double AccuracyChangePoints => (After.Accuracy - Before.Accuracy) * 100;

    public static CompressionReport Of(PruneOutcome outcome, string source, string dataset, PruneRecipe recipe) =>
        new(recipe.Structured ? "structured-channel-pruning" : "magnitude-pruning", [source], dataset,
            outcome.Before ?? throw new ArgumentException("A cancelled pruning run has no report."), outcome.After!, outcome.AccuracyBeforeFineTuning)
        {
            Changes = outcome.Structure is { } s
                ? [.. s.Pruned.Select(g => $"{string.Join("+", g.Layers)}: {g.Before} → {g.After} channels ({g.Criterion})"),
                   .. s.Skipped.Select(g => $"{string.Join("+", g.Layers)}: {g.Channels} channels kept ({g.Reason})")]
                : [$"weight sparsity {outcome.WeightSparsity ?? 0:P1} (Conv2d and Linear weights; masks kept through fine-tuning)"],
        };

    /// <summary>For an ensemble the "before" side sums the teachers' parameters and times, and takes the ensemble's accuracy.</summary>
    public static CompressionReport Of(DistillOutcome outcome, string dataset)
    {
        var t = outcome.Teachers.Select(x => x.Measurement).ToList();
        var speed = new InferenceSpeed(t[0].Speed.BatchSize, t.Sum(m => m.Speed.MillisecondsPerBatch),
            t[0].Speed.BatchSize / (t.Sum(m => m.Speed.MillisecondsPerBatch) / 1000));
        var before = new ModelMeasurement(outcome.EnsembleAccuracy, t.Sum(m => m.Parameters), t.Sum(m => m.NonZeroParameters), speed);
        return new CompressionReport("distillation", [.. outcome.Teachers.Select(x => x.Label)], dataset, before, outcome.Student)
        {
            Changes = [$"student: {outcome.StudentDescription}", .. outcome.Teachers.Select(x => $"teacher {x.Label}: accuracy {x.Measurement.Accuracy:P2}, {x.Measurement.Parameters:N0} parameters")],
        };
    }

    /// <summary>The final metrics a run records (<c>source_*</c> for the source side).</summary>
    public Dictionary<string, double> Metrics()
    {
        var m = new Dictionary<string, double>
        {
            ["test_accuracy"] = After.Accuracy,
            ["source_test_accuracy"] = Before.Accuracy,
            ["parameters"] = After.Parameters,
            ["source_parameters"] = Before.Parameters,
            ["nonzero_parameters"] = After.NonZeroParameters,
            ["ms_per_batch"] = After.Speed.MillisecondsPerBatch,
            ["source_ms_per_batch"] = Before.Speed.MillisecondsPerBatch,
            ["speedup"] = Speedup,
        };
        if (AccuracyBeforeFineTuning is { } a) m["accuracy_before_fine_tuning"] = a;
        return m;
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["method"] = Method,
            ["sources"] = new JsonArray(Sources.Select(s => (JsonNode)s).ToArray()),
            ["dataset"] = Dataset,
            ["before"] = Side(Before),
            ["after"] = Side(After),
            ["speedup"] = Speedup,
            ["parameter_ratio"] = ParameterRatio,
            ["accuracy_change_points"] = AccuracyChangePoints,
            ["changes"] = new JsonArray(Changes.Select(c => (JsonNode)c).ToArray()),
        };
        if (AccuracyBeforeFineTuning is { } a) o["accuracy_before_fine_tuning"] = a;
        return o;
    }

    public void WriteTo(string modelDirectory) =>
        File.WriteAllText(Path.Combine(modelDirectory, FileName), ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    private static JsonObject Side(ModelMeasurement m) => new()
    {
        ["test_accuracy"] = m.Accuracy,
        ["parameters"] = m.Parameters,
        ["nonzero_parameters"] = m.NonZeroParameters,
        ["timing_batch"] = m.Speed.BatchSize,
        ["ms_per_batch"] = m.Speed.MillisecondsPerBatch,
        ["images_per_second"] = m.Speed.ImagesPerSecond,
    };
}
