using System.Collections.Concurrent;
using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Labeling;
using Lepton.Registry.Store;

namespace Lepton.Registry.Labeling;

/// <summary>
/// Labeling over the registry, shared by <c>lepton label</c> and the server's /label page: the queue of a data set version
/// (its unlabelled items and the kept low-confidence predictions, most uncertain first, labelled ones skipped), the image of
/// a queue entry, storing one label (one durable write; a prediction's label is also its feedback), and committing the
/// stored labels as a new data set version linked to its parent.
/// </summary>
public sealed class LabelingService
{
    private const int CachedVersions = 8;
    private readonly IRegistryStore _store;
    private readonly ILabelingDatasets _datasets;
    private readonly LabelingOptions _options;
    // Versions are immutable, so a loaded one (manifest, pixel reader, id index) is kept for the next page request.
    private readonly ConcurrentDictionary<(string, int), Loaded> _loaded = new();

    public LabelingService(IRegistryStore store, ILabelingDatasets datasets, LabelingOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _datasets = datasets ?? throw new ArgumentNullException(nameof(datasets));
        _options = options ?? new LabelingOptions();
        _options.Validate();
    }

    /// <summary>
    /// The queue of <paramref name="dataset"/> version <paramref name="version"/> (latest when null): readable items with no
    /// label in the manifest or the store, and kept predictions (of <paramref name="model"/>, or of every model) not yet labelled.
    /// With a <paramref name="scorer"/>, items are ranked by the model's uncertainty; without one they follow, by path.
    /// </summary>
    public async Task<LabelQueue> QueueAsync(string dataset, int? version = null, string? model = null, IItemScorer? scorer = null,
        CancellationToken ct = default)
    {
        var loaded = await LoadAsync(dataset, version, ct);
        var labels = await _store.ListLabelsAsync(loaded.Data.Name, ct);
        var labelledItems = labels.Where(l => !l.IsPrediction).Select(l => l.Item).ToHashSet(StringComparer.Ordinal);
        var labelledPredictions = labels.Where(l => l.IsPrediction).Select(l => l.Item).ToHashSet(StringComparer.Ordinal);
        var tasks = new List<LabelTask>();
        int scored = 0;
        byte[]? pixels = scorer is not null && loaded.Data.Pixels is { } source ? new byte[source.Layout.ImageBytes] : null;
        foreach (var item in loaded.Data.Manifest.Items.OrderBy(i => i.Path, StringComparer.Ordinal))
        {
            if (item.Label is not null || !item.IsReadable || labelledItems.Contains(item.Path)) continue;
            double? uncertainty = null;
            IReadOnlyList<LabelGuess> guesses = [];
            if (pixels is not null && scored < _options.MaxScored)
            {
                loaded.Data.Pixels!.Read(item, pixels);
                float[] probabilities = scorer!.Score(item, pixels);
                uncertainty = LabelUncertainty.Margin(probabilities);
                guesses = TopGuesses(probabilities, scorer.Classes);
                scored++;
            }
            tasks.Add(new LabelTask(LabelIds.ForItem(item.Path), LabelTask.ItemKind, item.Path, null, null, uncertainty, guesses));
        }
        if (_options.MaxCandidates > 0)
            foreach (var candidate in await _store.ListLabelCandidatesAsync(model, _options.MaxCandidates, ct))
                if (!labelledPredictions.Contains(candidate.PredictionId))
                    tasks.Add(new LabelTask(LabelIds.ForPrediction(candidate.PredictionId), LabelTask.PredictionKind, null, candidate.PredictionId,
                        candidate.Model, candidate.Uncertainty, ParseGuesses(candidate.GuessesJson)));
        var ordered = LabelQueueOrder.Sort(tasks, t => new LabelQueueKey(t.Path ?? t.PredictionId!, t.Uncertainty)).Take(_options.MaxQueue).ToList();
        var classes = loaded.Data.Manifest.Classes.Concat(labels.Select(l => l.Label)).Concat(scorer?.Classes ?? [])
            .Concat(ordered.SelectMany(t => t.Guesses).Select(g => g.Label)).Distinct(StringComparer.Ordinal).ToList();
        return new LabelQueue(loaded.Data.Name, loaded.Data.Version, classes, ordered, labels.Count, loaded.Data.Manifest.Items.Count);
    }

    /// <summary>The image of a queue entry as (bytes, content type): an item's stored pixels as PNG, a prediction's bytes as sent; null for an unknown id.</summary>
    public async Task<(byte[] Bytes, string ContentType)?> ImageAsync(string dataset, int version, string id, CancellationToken ct = default)
    {
        var target = await ResolveAsync(dataset, version, id, ct);
        if (target is null) return null;
        if (target.Value.Item is { } item)
        {
            var loaded = await LoadAsync(dataset, version, ct);
            if (loaded.Data.Pixels is not { } source || !item.IsReadable) return null;
            var layout = source.Layout;
            var hwc = new byte[layout.ImageBytes];
            source.Read(item, hwc);
            return (PngEncoder.Encode(new PngImage(layout.Width, layout.Height, layout.Channels, hwc)), "image/png");
        }
        var candidate = target.Value.Candidate!;
        var bytes = await _store.GetLabelCandidateImageAsync(candidate.PredictionId, ct);
        return bytes is null ? null : (bytes, candidate.ContentType);
    }

    /// <summary>Stores <paramref name="label"/> for the queue entry <paramref name="id"/>; an unknown id is a <see cref="KeyNotFoundException"/>.</summary>
    public async Task<LabelResult> LabelAsync(string dataset, int version, string id, string label, string actor, CancellationToken ct = default)
    {
        var target = await ResolveAsync(dataset, version, id, ct)
                     ?? throw new KeyNotFoundException($"No item or kept prediction of {dataset}@{version} has id '{id}'; take ids from the queue (GET /label/queue).");
        return await StoreAsync(dataset, target, label, actor, ct);
    }

    /// <summary>Stores <paramref name="label"/> for the item at <paramref name="path"/> (as the manifest lists it).</summary>
    public async Task<LabelResult> LabelPathAsync(string dataset, int? version, string path, string label, string actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(dataset, version, ct);
        if (!loaded.ItemsById.TryGetValue(LabelIds.ForItem(path), out var item) || item.Path != path)
            throw new KeyNotFoundException($"{loaded.Data.Name}@{loaded.Data.Version} has no item '{path}'; paths are relative to the imported folder with '/' (lepton label {loaded.Data.Name} --list shows them).");
        return await StoreAsync(loaded.Data.Name, new Target(item, null), label, actor, ct);
    }

    /// <summary>
    /// Records a new version of <paramref name="dataset"/> from <paramref name="version"/> (latest when null) with every stored
    /// item label applied; when no label changes anything, nothing is recorded and <see cref="LabelCommit.Version"/> is null.
    /// </summary>
    public async Task<LabelCommit> CommitAsync(string dataset, int? version, string actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(dataset, version, ct);
        var labels = await _store.ListLabelsAsync(loaded.Data.Name, ct);
        var byPath = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var l in labels.Where(l => !l.IsPrediction)) byPath[l.Item] = l.Label;
        var applied = ManifestLabels.Apply(loaded.Data.Manifest, byPath);
        int? recorded = applied.Labelled.Count + applied.Relabelled.Count == 0
            ? null
            : await _datasets.RecordLabelledAsync(loaded.Data.Name, loaded.Data.Version, applied.Manifest, actor, ct);
        return new LabelCommit(loaded.Data.Name, loaded.Data.Version, recorded, applied.Labelled, applied.Relabelled);
    }

    private async Task<LabelResult> StoreAsync(string dataset, Target target, string label, string actor, CancellationToken ct)
    {
        var task = target.Item is { } item
            ? new LabelTask(LabelIds.ForItem(item.Path), LabelTask.ItemKind, item.Path, null, null, null, [])
            : new LabelTask(LabelIds.ForPrediction(target.Candidate!.PredictionId), LabelTask.PredictionKind, null, target.Candidate.PredictionId,
                target.Candidate.Model, target.Candidate.Uncertainty, ParseGuesses(target.Candidate.GuessesJson));
        var record = new LabelRecord(dataset, task.Path ?? task.PredictionId!, label, actor, StoreClock.Now(), task.Model);
        return new LabelResult(task, label, await _store.RecordLabelAsync(record, ct));
    }

    private readonly record struct Target(ImageItem? Item, LabelCandidate? Candidate);

    private async Task<Target?> ResolveAsync(string dataset, int version, string id, CancellationToken ct)
    {
        if (!LabelIds.IsWellFormed(id)) throw new ArgumentException("A label id is the letter i or p and 16 hex digits, as GET /label/queue lists them.");
        if (id[0] == 'i')
        {
            var loaded = await LoadAsync(dataset, version, ct);
            return loaded.ItemsById.TryGetValue(id, out var item) ? new Target(item, null) : null;
        }
        foreach (var candidate in await _store.ListLabelCandidatesAsync(null, 100_000, ct))
            if (LabelIds.ForPrediction(candidate.PredictionId) == id) return new Target(null, candidate);
        return null;
    }

    private sealed record Loaded(LabelingDataset Data, IReadOnlyDictionary<string, ImageItem> ItemsById);

    private async Task<Loaded> LoadAsync(string dataset, int? version, CancellationToken ct)
    {
        if (version is { } v && _loaded.TryGetValue((dataset, v), out var cached)) return cached;
        var data = await _datasets.LoadAsync(dataset, version, ct);
        var byId = new Dictionary<string, ImageItem>(data.Manifest.Items.Count, StringComparer.Ordinal);
        foreach (var item in data.Manifest.Items) byId[LabelIds.ForItem(item.Path)] = item;
        var loaded = new Loaded(data, byId);
        if (_loaded.Count >= CachedVersions) _loaded.Clear();
        _loaded[(data.Name, data.Version)] = loaded;
        return loaded;
    }

    private static IReadOnlyList<LabelGuess> TopGuesses(float[] probabilities, IReadOnlyList<string> classes) =>
        probabilities.Select((p, i) => new LabelGuess(i < classes.Count ? classes[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture), p))
            .OrderByDescending(g => g.Probability).Take(3).ToList();

    /// <summary>Guesses as kept with a candidate: [{"label": "...", "probability": 0.6}, ...]; anything else reads as none.</summary>
    public static IReadOnlyList<LabelGuess> ParseGuesses(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<LabelGuess>>(json, GuessJson) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Guesses in the form candidates keep them.</summary>
    public static string FormatGuesses(IEnumerable<LabelGuess> guesses) => JsonSerializer.Serialize(guesses, GuessJson);

    private static readonly JsonSerializerOptions GuessJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
