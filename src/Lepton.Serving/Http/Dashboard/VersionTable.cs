using System.Globalization;
using System.Text.Json;
using Lepton.Registry.Store;
using Lepton.Serving.Models;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>Joins a model's registered versions and aliases with what the server holds of it, newest version first.</summary>
public static class VersionTable
{
    /// <summary>Metric keys read as a version's accuracy, best first.</summary>
    public static IReadOnlyList<string> AccuracyKeys { get; } = ["test_accuracy", "accuracy", "val_accuracy"];

    public static IReadOnlyList<VersionInfo> Build(ModelStatus? served, IReadOnlyList<ModelVersion> registered, IReadOnlyList<AliasRecord> aliases)
    {
        var loaded = served?.Versions.Where(v => v.State != ModelVersionState.Draining || v.IsPrimary || v.IsCanary).ToList() ?? [];
        bool canaryReady = loaded.Any(v => v.IsCanary && v.State == ModelVersionState.Ready);
        double fraction = canaryReady ? served!.CanaryFraction : 0;
        var rows = new List<VersionInfo>();
        foreach (var v in registered.OrderByDescending(v => v.Version))
        {
            var live = loaded.Where(l => l.Version == v.Version).OrderByDescending(l => l.IsPrimary || l.IsCanary).FirstOrDefault();
            rows.Add(Row(v.Version, v.Version.ToString(CultureInfo.InvariantCulture), v, live));
        }
        // Served versions the registry does not list: folder models, or a server running without the registry.
        foreach (var l in loaded.Where(l => l.Version is null || registered.All(r => r.Version != l.Version)).OrderByDescending(l => l.Version))
            rows.Add(Row(l.Version, l.VersionLabel, null, l));
        return rows;

        VersionInfo Row(int? number, string label, ModelVersion? record, ModelVersionStatus? live)
        {
            var names = aliases.Where(a => number is not null && a.Version == number).Select(a => a.Alias).Order(StringComparer.Ordinal).ToList();
            double share = live is null || live.State != ModelVersionState.Ready ? 0 : live.IsCanary ? fraction : live.IsPrimary ? 1 - fraction : 0;
            return new VersionInfo(number, label, names, record?.CreatedAt, record is null ? null : Accuracy(record.MetricsJson),
                record?.RunId, record?.DatasetRef, live?.State.ToString(), live?.IsPrimary ?? false, live?.IsCanary ?? false, share, live?.Error);
        }
    }

    /// <summary>The first of <see cref="AccuracyKeys"/> found in a version's metrics JSON; null when none or the JSON is not an object.</summary>
    public static double? Accuracy(string metricsJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(metricsJson) ? "{}" : metricsJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var key in AccuracyKeys)
            {
                if (doc.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number) return value.GetDouble();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
