using Lepton.NN.Serialization;

namespace Lepton.Monitoring;

/// <summary>
/// The task of a monitored version as its <c>model.json</c> records it: the kind, the class or label names in model order
/// (binary: negative, positive), and the regression target names. It decides which live metric feedback is scored with.
/// </summary>
internal sealed record MonitoredTask(TaskKind Kind, IReadOnlyList<string> ClassNames, IReadOnlyList<string> TargetNames)
{
    /// <summary>What monitoring assumes without a readable model.json: a multiclass classifier, as before tasks were recorded.</summary>
    public static MonitoredTask Multiclass { get; } = new(TaskKind.Multiclass, [], []);

    /// <summary>The task name as model.json writes it, e.g. <c>multilabel</c>.</summary>
    public string Name => TaskSpec.NameOf(Kind);

    /// <summary>The class that counts as positive for a binary model: the second class name, or "positive" as the server names it.</summary>
    public string PositiveClass => ClassNames.Count == 2 ? ClassNames[1] : "positive";

    /// <summary>A regressor's loss when not squared error (model.json's task.loss): live error adds that loss's metric.</summary>
    public string? Loss { get; init; }

    /// <summary>The version's conformal intervals or prediction sets (its <c>intervals.json</c>), whose live coverage is scored; null without.</summary>
    public Lepton.Runtime.Conformal.ConformalIntervals? Intervals { get; init; }

    /// <summary>The column a table model's rows were weighted by in training (model.json's <c>metadata.weight_column</c>); null without.</summary>
    public string? WeightColumn { get; init; }

    public static MonitoredTask From(ModelSpec spec) => new(spec.Task.Kind, spec.ClassNames, spec.Task.TargetNames ?? [])
    {
        Loss = spec.Task.Loss,
        WeightColumn = spec.Metadata?["weight_column"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out string? column) ? column : null,
    };

    /// <summary>
    /// The task in <paramref name="folder"/>'s model.json; multiclass when there is none (a LightGBM or ONNX folder) or it
    /// cannot be read, so a damaged file costs task-aware scoring but never the rest of the report.
    /// </summary>
    public static MonitoredTask Load(string folder)
    {
        string path = Path.Combine(folder, "model.json");
        if (!File.Exists(path)) return Multiclass;
        try
        {
            return From(ModelSpec.FromJson(File.ReadAllText(path), path)) with { Intervals = IntervalsIn(folder) };
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            return Multiclass;
        }
    }

    // A damaged intervals.json costs the coverage figure only (the server refuses to load such a version anyway).
    private static Lepton.Runtime.Conformal.ConformalIntervals? IntervalsIn(string folder)
    {
        try
        {
            return Lepton.Runtime.Conformal.ConformalIntervals.Load(folder);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
