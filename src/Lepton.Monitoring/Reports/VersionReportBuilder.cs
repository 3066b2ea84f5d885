using Lepton.Data.Profiles;
using Lepton.NN.Serialization;

namespace Lepton.Monitoring;

/// <summary>Summarizes the requests and labels of one version (or all versions pooled) into a <see cref="VersionReport"/>.</summary>
internal static class VersionReportBuilder
{
    /// <summary>The report of <paramref name="requests"/> and <paramref name="labels"/>, with the live metric <paramref name="task"/> calls for.</summary>
    public static VersionReport Build(string model, int? version, MonitorWindow window, IReadOnlyList<LoggedRequest> requests,
        IReadOnlyList<LoggedLabel> labels, ReferenceProfile? reference, MonitoredTask task, Runtime.Tables.GroupOptions? groups = null) =>
        Summarize(model, version, window, requests, labels, reference, task) with
        {
            Groups = groups is { Columns.Count: > 0 } ? LiveGroupsCalculator.Compute(requests, labels, groups, task) : [],
        };

    private static VersionReport Summarize(string model, int? version, MonitorWindow window, IReadOnlyList<LoggedRequest> requests,
        IReadOnlyList<LoggedLabel> labels, ReferenceProfile? reference, MonitoredTask task)
    {
        var live = LiveMetrics.Compute(labels, task, reference?.ClassNames);
        long errors = requests.LongCount(r => r.IsError);
        var latencies = requests.Select(r => r.LatencyMs).Order().ToArray();
        double seconds = Math.Max(1e-9, window.Duration.TotalSeconds);
        var answered = requests.Where(r => r.Label is not null).Select(r => r.Label!).ToArray();
        var inputs = requests.Where(r => r.Input is not null).Select(r => r.Input!.Value).ToArray();
        var texts = requests.Where(r => r.Text is not null).Select(r => r.Text!).ToArray();
        var textReference = reference?.Text;
        return new VersionReport(
            model,
            version,
            requests.Count,
            requests.Count / seconds,
            errors,
            requests.Count == 0 ? 0 : (double)errors / requests.Count,
            Percentiles.Of(latencies, 0.50),
            Percentiles.Of(latencies, 0.95),
            Percentiles.Of(latencies, 0.99),
            task.Kind switch
            {
                TaskKind.MultiLabel => LabelShares(answered, task.ClassNames),
                // A regressor's answers are numbers, not classes: there is no mix to show.
                TaskKind.Regression => new Dictionary<string, double>(),
                _ => ClassDistribution(answered, task.ClassNames.Count > 0 ? task.ClassNames : reference?.ClassNames),
            },
            texts.Length > 0 ? TextMeans(texts) : InputMeans(inputs),
            reference is null ? [] : [.. DriftCalculator.Inputs(reference, inputs), .. textReference is null ? [] : DriftCalculator.TextInputs(textReference, texts)],
            reference is null ? null : DriftCalculator.Predictions(reference, answered),
            live.Accuracy,
            live.Error,
            task.Name,
            live.Skipped,
            textReference is null ? null : DriftCalculator.Texts(textReference, texts),
            reference?.Table is { } table ? FeatureDriftCalculator.Columns(table, [.. requests.Where(r => r.Row is not null).Select(r => r.Row!)]) : null,
            reference?.Table is { } t2 ? FeatureDriftCalculator.Predictions(t2, [.. requests.Where(r => r.Value is not null).Select(r => r.Value!.Value)]) : null)
        {
            Calibration = LiveCalibrationCalculator.Compute(labels, task.ClassNames.Count > 0 || reference is null ? task : task with { ClassNames = reference.ClassNames }),
            Coverage = LiveCoverageCalculator.Compute(labels, task),
            Weighted = LiveWeightedCalculator.Compute(labels, task),
        };
    }

    /// <summary>Share of answered requests per predicted class: the model's classes first (0 when unseen), then any other label.</summary>
    private static IReadOnlyDictionary<string, double> ClassDistribution(IReadOnlyList<string> labels, IReadOnlyList<string>? classNames)
    {
        var distribution = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string name in classNames ?? []) distribution.TryAdd(name, 0);
        foreach (string label in labels) distribution[label] = distribution.GetValueOrDefault(label) + 1;
        foreach (string name in distribution.Keys.ToArray()) distribution[name] /= labels.Count;
        return distribution;
    }

    /// <summary>
    /// Share of answered multi-label requests that predicted each label (the shares need not sum to 1): the model's labels
    /// first (0 when unseen), then any other name; answers that are not label lists count in the denominator only.
    /// </summary>
    private static IReadOnlyDictionary<string, double> LabelShares(IReadOnlyList<string> answers, IReadOnlyList<string> labelNames)
    {
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string name in labelNames) shares.TryAdd(name, 0);
        foreach (string answer in answers)
            foreach (string label in LabelTexts.Set(answer) ?? new HashSet<string>())
                shares[label] = shares.GetValueOrDefault(label) + 1;
        foreach (string name in shares.Keys.ToArray()) shares[name] /= answers.Count;
        return shares;
    }

    /// <summary>The mean of each text statistic over the texts that recorded them.</summary>
    private static IReadOnlyDictionary<string, double> TextMeans(IReadOnlyList<TextStatistics> texts) =>
        TextStatistics.Names.ToDictionary(n => n, n => texts.Average(t => t[n]), StringComparer.Ordinal);

    /// <summary>The mean of each input statistic over the requests that recorded them (empty when none did).</summary>
    private static IReadOnlyDictionary<string, double> InputMeans(IReadOnlyList<ExampleStatistics> inputs)
    {
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        if (inputs.Count == 0) return means;
        foreach (string name in ExampleStatistics.Names) means[name] = inputs.Average(s => s[name]);
        return means;
    }
}
