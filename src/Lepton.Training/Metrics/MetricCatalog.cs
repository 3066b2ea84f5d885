using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>The built-in metrics by name, for options and command lines (e.g. <c>--metrics f1,roc_auc</c>).</summary>
public static class MetricCatalog
{
    /// <summary>Every built-in metric name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["accuracy", "f1", "f1_macro", "f1_micro", "roc_auc", "log_loss", "mae", "rmse", "r2"];

    /// <summary>Whether <paramref name="name"/>, with or without <c>val_</c>, is a built-in metric.</summary>
    public static bool IsBuiltIn(string name) => Names.Contains(name.StartsWith("val_", StringComparison.Ordinal) ? name[4..] : name);

    /// <summary>Whether a metric of that name is better when lower (losses and errors; <c>val_</c> allowed).</summary>
    public static bool LowerIsBetter(string name)
    {
        var bare = name.StartsWith("val_", StringComparison.Ordinal) ? name[4..] : name;
        return bare.Contains("loss", StringComparison.OrdinalIgnoreCase) || bare is "mae" or "rmse" or "mse";
    }

    /// <summary>A fresh metric for <paramref name="task"/>; throws naming the metrics that fit the task when the name is unknown or does not apply.</summary>
    public static IMetric Create(string name, TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(task);
        bool classification = task.Kind != TaskKind.Regression;
        IMetric? metric = name.ToLowerInvariant() switch
        {
            "accuracy" or "acc" when classification => new AccuracyMetric(task),
            "f1" when task.Kind == TaskKind.Binary => new F1Metric(task, F1Average.Binary),
            "f1" when classification => new F1Metric(task, task.Kind == TaskKind.Multiclass ? F1Average.Macro : F1Average.Micro),
            "f1_macro" when classification => new F1Metric(task, F1Average.Macro),
            "f1_micro" when classification => new F1Metric(task, F1Average.Micro),
            "roc_auc" or "auc" when classification => new RocAucMetric(task),
            "log_loss" when classification => new LogLossMetric(task),
            "mae" when !classification => new RegressionMetric(RegressionMeasure.Mae),
            "rmse" when !classification => new RegressionMetric(RegressionMeasure.Rmse),
            "r2" when !classification => new RegressionMetric(RegressionMeasure.R2),
            _ => null,
        };
        return metric ?? throw new ArgumentException(
            $"Metric '{name}' does not apply to a {TaskSpec.NameOf(task.Kind)} task. Use one of: {string.Join(", ", ForTask(task.Kind))}.", nameof(name));
    }

    /// <summary>The metric names that apply to a task kind.</summary>
    public static IReadOnlyList<string> ForTask(TaskKind kind) => kind == TaskKind.Regression
        ? ["mae", "rmse", "r2"]
        : ["accuracy", "f1", "f1_macro", "f1_micro", "roc_auc", "log_loss"];
}
