using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lepton.Registry.Store;

namespace Lepton.Factory.Loop.Text;

/// <summary>One labelled text from the prediction log: the text a client sent (sampled whole) and the label it gave later.</summary>
public sealed record TextFeedbackExample(string PredictionId, string Text, string Label, DateTimeOffset ReceivedAt);

/// <summary>Deduplicated labelled texts split into a training part and a holdout part by a stable hash of the text.</summary>
public sealed record TextFeedbackData(IReadOnlyList<TextFeedbackExample> Train, IReadOnlyList<TextFeedbackExample> Holdout, FeedbackCounts Counts)
{
    public int Count => Train.Count + Holdout.Count;
}

/// <summary>
/// Gathers a text model's labelled feedback: every feedback record joined to its logged prediction whose text was sampled
/// (the log keeps sampled texts as JSON strings) and whose label is one of the champion's classes; the same text labelled
/// twice keeps its newest label; the holdout is chosen by a hash of the text, as for images (<see cref="FeedbackCollector.IsHoldout"/>).
/// </summary>
public static class TextFeedbackCollector
{
    public static async Task<TextFeedbackData> CollectAsync(IRegistryStore store, string model, IReadOnlyList<string> classNames, double holdoutFraction,
        CancellationToken ct = default)
    {
        var labelled = await FeedbackCollector.ReadAllAsync(store, model, 1000, ct);
        var classes = classNames.ToHashSet(StringComparer.Ordinal);
        int withoutText = 0, unknownLabel = 0;
        var candidates = new List<TextFeedbackExample>();
        foreach (var item in labelled)
        {
            if (TextOf(item.Prediction.RawInputJson) is not { } text) { withoutText++; continue; }
            if (!classes.Contains(item.Feedback.Label)) { unknownLabel++; continue; }
            candidates.Add(new TextFeedbackExample(item.Prediction.Id, text, item.Feedback.Label, item.Feedback.ReceivedAt));
        }
        var groups = candidates.GroupBy(e => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.Text)))).ToList();
        int conflicts = groups.Count(g => g.Select(e => e.Label).Distinct().Count() > 1);
        var train = new List<TextFeedbackExample>();
        var holdout = new List<TextFeedbackExample>();
        foreach (var g in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var newest = g.OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.PredictionId, StringComparer.Ordinal).First();
            (FeedbackCollector.IsHoldout(g.Key, holdoutFraction) ? holdout : train).Add(newest);
        }
        return new TextFeedbackData(train, holdout,
            new FeedbackCounts(labelled.Count, withoutText, unknownLabel, 0, candidates.Count - groups.Count, conflicts));
    }

    // A sampled text is logged as a JSON string; anything else (no sample, an image's numbers) is not a text.
    private static string? TextOf(string? rawJson)
    {
        if (string.IsNullOrEmpty(rawJson) || rawJson[0] != '"') return null;
        try
        {
            return JsonSerializer.Deserialize<string>(rawJson) is { Length: > 0 } text ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
