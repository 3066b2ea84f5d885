using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lepton.Registry.Store;

namespace Lepton.Factory.Loop;

/// <summary>
/// Gathers a model's labelled feedback from the store into training examples: pages through every feedback record joined
/// to its logged prediction, keeps those whose raw input was sampled and whose label is one of the champion's classes,
/// deduplicates identical inputs (the newest label wins a conflict) and splits train/holdout by a stable hash of the input.
/// </summary>
/// <remarks>
/// Keying the split on the content rather than the prediction id keeps an input that comes back on both sides of the
/// split, and makes the same feedback give the same split (and so the same challenger) on every run.
/// </remarks>
public static class FeedbackCollector
{
    private const int PageSize = 1000;

    public static async Task<FeedbackData> CollectAsync(IRegistryStore store, string model, IReadOnlyList<string> classNames, int[] exampleShape,
        double holdoutFraction, CancellationToken ct = default)
    {
        var labelled = await ReadAllAsync(store, model, PageSize, ct);
        int row = exampleShape.Aggregate(1, (a, b) => a * b);
        var classIndex = classNames.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        int withoutRaw = 0, unknownLabel = 0, wrongShape = 0;
        var candidates = new List<FeedbackExample>();
        foreach (var item in labelled)
        {
            if (string.IsNullOrEmpty(item.Prediction.RawInputJson)) { withoutRaw++; continue; }
            if (!classIndex.TryGetValue(item.Feedback.Label, out int label)) { unknownLabel++; continue; }
            var input = ParseInput(item.Prediction.RawInputJson);
            if (input is null || input.Length != row) { wrongShape++; continue; }
            candidates.Add(new FeedbackExample(item.Prediction.Id, input, label, item.Feedback.Label, item.Feedback.ReceivedAt,
                item.Prediction.CreatedAt, item.Prediction.Version));
        }
        var groups = ByInput(candidates);
        var train = new List<FeedbackExample>();
        var holdout = new List<FeedbackExample>();
        foreach (var g in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
            (IsHoldout(g.Key, holdoutFraction) ? holdout : train).Add(Newest(g));
        return new FeedbackData(train, holdout, exampleShape, classNames,
            new FeedbackCounts(labelled.Count, withoutRaw, unknownLabel, wrongShape, candidates.Count - groups.Count, Conflicts(groups)));
    }

    /// <summary>
    /// One example per distinct input (SHA-256 of its float bytes): the one with the newest feedback, so a corrected label
    /// replaces an older one. Conflicts count inputs that were given more than one label.
    /// </summary>
    public static (IReadOnlyList<FeedbackExample> Unique, int Duplicates, int Conflicts) Deduplicate(IReadOnlyList<FeedbackExample> examples)
    {
        var groups = ByInput(examples);
        return (groups.Select(Newest).ToList(), examples.Count - groups.Count, Conflicts(groups));
    }

    // The examples by input, keyed by InputHash (each hashed once).
    private static List<IGrouping<string, FeedbackExample>> ByInput(IEnumerable<FeedbackExample> examples) =>
        examples.GroupBy(e => InputHash(e.Input), StringComparer.Ordinal).ToList();

    private static FeedbackExample Newest(IEnumerable<FeedbackExample> same) =>
        same.OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.PredictionId, StringComparer.Ordinal).First();

    private static int Conflicts(IEnumerable<IGrouping<string, FeedbackExample>> groups) => groups.Count(g => g.Select(e => e.Label).Distinct().Count() > 1);

    public static string InputHash(float[] input) => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(input.AsSpan())));

    /// <summary>True when the key (an example's content hash) falls in the holdout: the first 8 bytes of SHA-256(key) as a fraction of 2^64 is below <paramref name="fraction"/>.</summary>
    public static bool IsHoldout(string key, double fraction)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        double u = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) / 18446744073709551616.0;
        return u < fraction;
    }

    /// <summary>
    /// Every labelled prediction, oldest first. Each page starts at the last time seen (inclusive); the records already read at
    /// that time come back first and are skipped, and the page grows by that many, so records sharing a timestamp are never lost.
    /// </summary>
    internal static async Task<List<LabeledPrediction>> ReadAllAsync(IRegistryStore store, string model, int pageSize, CancellationToken ct)
    {
        var all = new List<LabeledPrediction>();
        var seenAtSince = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? since = null;
        while (true)
        {
            int limit = pageSize + seenAtSince.Count;
            var page = await store.ListLabeledPredictionsAsync(model, since, limit, ct);
            bool progressed = false;
            foreach (var item in page)
            {
                var at = item.Feedback.ReceivedAt;
                if (at == since && !seenAtSince.Add(item.Prediction.Id)) continue;
                if (since is null || at > since)
                {
                    since = at;
                    seenAtSince.Clear();
                    seenAtSince.Add(item.Prediction.Id);
                }
                all.Add(item);
                progressed = true;
            }
            if (page.Count < limit || !progressed) return all;
        }
    }

    private static float[]? ParseInput(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return null;
            var values = new float[doc.RootElement.GetArrayLength()];
            int i = 0;
            foreach (var v in doc.RootElement.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.Number) return null; // a non-finite value was logged as null: unusable for training
                values[i++] = v.GetSingle();
            }
            return values;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
