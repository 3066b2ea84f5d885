using System.Threading.Channels;
using Lepton.Data.Labeling;
using Lepton.Registry.Labeling;
using Lepton.Registry.Store;
using Lepton.Serving.Http;
using Lepton.Serving.Http.Labeling;
using Microsoft.Extensions.Logging;

namespace Lepton.Serving.Labeling;

/// <summary>
/// Keeps the images of low-confidence served predictions for the labeling queue. The prediction log stores statistics and a
/// sample of the preprocessed tensor, not the image a client sent, so the image itself is kept here: only when the model was
/// unsure, bounded in size and count (see <see cref="LabelCandidateOptions"/>), written by one background task so requests never wait.
/// </summary>
public sealed class LabelCandidateCollector : ILabelCandidateSink, IAsyncDisposable
{
    private readonly IRegistryStore _store;
    private readonly LabelCandidateOptions _options;
    private readonly ILogger? _logger;
    private readonly Channel<Pending> _queue;
    private readonly Task _writer;
    private long _kept, _dropped;

    public LabelCandidateCollector(IRegistryStore store, LabelCandidateOptions? options = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new LabelCandidateOptions();
        _options.Validate();
        _logger = logger;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(_options.Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Images stored as candidates so far.</summary>
    public long Kept => Interlocked.Read(ref _kept);

    /// <summary>Offers dropped because the write queue was full or the store failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Offer(string predictionId, string model, ReadOnlySpan<float> probabilities, IReadOnlyList<string> classNames, byte[] image)
    {
        if (probabilities.IsEmpty || image.Length == 0 || image.Length > _options.MaxImageBytes) return;
        double uncertainty = LabelUncertainty.Margin(probabilities);
        if (uncertainty < _options.MinUncertainty) return;
        if (ImageContentType.Sniff(image) is not { } type) return;
        var guesses = new List<LabelGuess>(3);
        foreach (int i in TopIndices(probabilities, 3))
            guesses.Add(new LabelGuess(i < classNames.Count ? classNames[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture), probabilities[i]));
        var candidate = new LabelCandidate(predictionId, model, uncertainty, LabelingService.FormatGuesses(guesses), type, DateTimeOffset.UtcNow);
        if (!_queue.Writer.TryWrite(new Pending(candidate, image))) Interlocked.Increment(ref _dropped);
    }

    private static List<int> TopIndices(ReadOnlySpan<float> values, int k)
    {
        var order = new List<int>(values.Length);
        for (int i = 0; i < values.Length; i++) order.Add(i);
        var copy = values.ToArray();
        order.Sort((a, b) => copy[b].CompareTo(copy[a]));
        return order.Take(k).ToList();
    }

    private async Task WriteAsync()
    {
        await foreach (var pending in _queue.Reader.ReadAllAsync())
        {
            try
            {
                if (await _store.AddLabelCandidateAsync(pending.Candidate, pending.Image, _options.MaxPerModel)) Interlocked.Increment(ref _kept);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _dropped);
                _logger?.LogWarning("A labeling candidate of {Model} was not stored: {Message}", pending.Candidate.Model, ex.Message);
            }
        }
    }

    private sealed record Pending(LabelCandidate Candidate, byte[] Image);

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }
}
