using Lepton.Data.Profiles;

namespace Lepton.Monitoring;

/// <summary>Summarizes the requests and labels of one version (or all versions pooled) into a <see cref="VersionReport"/>.</summary>
internal static class VersionReportBuilder
{
    public static VersionReport Build(string model, int? version, MonitorWindow window, IReadOnlyList<LoggedRequest> requests,
        IReadOnlyList<LoggedLabel> labels, ReferenceProfile? reference)
    {
        long errors = requests.LongCount(r => r.IsError);
        var latencies = requests.Select(r => r.LatencyMs).Order().ToArray();
        double seconds = Math.Max(1e-9, window.Duration.TotalSeconds);
        var answered = requests.Where(r => r.Label is not null).Select(r => r.Label!).ToArray();
        var inputs = requests.Where(r => r.Input is not null).Select(r => r.Input!.Value).ToArray();
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
            ClassDistribution(answered, reference?.ClassNames),
            InputMeans(inputs),
            reference is null ? [] : DriftCalculator.Inputs(reference, inputs),
            reference is null ? null : DriftCalculator.Predictions(reference, answered),
            LiveAccuracyCalculator.Compute(labels, reference?.ClassNames));
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

    /// <summary>The mean of each input statistic over the requests that recorded them (empty when none did).</summary>
    private static IReadOnlyDictionary<string, double> InputMeans(IReadOnlyList<ExampleStatistics> inputs)
    {
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        if (inputs.Count == 0) return means;
        foreach (string name in ExampleStatistics.Names) means[name] = inputs.Average(s => s[name]);
        return means;
    }
}
