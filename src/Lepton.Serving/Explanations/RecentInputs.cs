using Lepton.Engine;

namespace Lepton.Serving.Explanations;

/// <summary>One recent single-input prediction the dashboard may explain: an image's raw pixels (1,C,H,W) or a text.</summary>
public sealed record RecentInput(string PredictionId, string Model, string Version, DateTimeOffset At, Tensor? Image, string? Text);

/// <summary>
/// The last few explainable predictions per model, kept by reference (the predict path only stores a pointer under a lock), so
/// the dashboard can explain a sample of live traffic later, off the predict path. Older entries fall out; nothing is written.
/// </summary>
public sealed class RecentInputs(int perModel = 3)
{
    /// <summary>Texts longer than this are not kept (an explanation costs a forward pass per token).</summary>
    public const int MaxTextChars = 2000;

    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedList<RecentInput>> _byModel = new(StringComparer.Ordinal);

    public int PerModel { get; } = perModel;

    /// <summary>Keeps a one-image prediction; raw: (1,C,H,W) pixels as the client sent them.</summary>
    public void OfferImage(string model, string version, string predictionId, Tensor raw)
    {
        if (raw.Rank == 4 && raw.Shape[0] == 1) Add(new RecentInput(predictionId, model, version, DateTimeOffset.UtcNow, raw, null));
    }

    /// <summary>Keeps a one-text prediction.</summary>
    public void OfferText(string model, string version, string predictionId, string text)
    {
        if (text.Length <= MaxTextChars) Add(new RecentInput(predictionId, model, version, DateTimeOffset.UtcNow, null, text));
    }

    /// <summary>The model's kept predictions, newest first.</summary>
    public IReadOnlyList<RecentInput> Of(string model)
    {
        lock (_gate) return _byModel.TryGetValue(model, out var list) ? [.. list] : [];
    }

    private void Add(RecentInput input)
    {
        lock (_gate)
        {
            if (!_byModel.TryGetValue(input.Model, out var list)) _byModel[input.Model] = list = new LinkedList<RecentInput>();
            list.AddFirst(input);
            while (list.Count > PerModel) list.RemoveLast();
        }
    }
}
