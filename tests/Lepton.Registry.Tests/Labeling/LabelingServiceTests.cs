using Lepton.Data.Images.Datasets;
using Lepton.Registry.Labeling;
using Lepton.Registry.Store;
using Lepton.Tests.Shared;

namespace Lepton.Registry.Tests.Labeling;

/// <summary>The labeling queue over a SQLite store and in-memory image data sets: order, skipping, ids, images, commit.</summary>
public sealed class LabelingServiceTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lepton-label-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly InMemoryLabelingDatasets _datasets = new();
    private IRegistryStore _store = null!;
    private LabelingService _service = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(_folder, "r.db"));
        _service = new LabelingService(_store, _datasets);
        _datasets.Add("shapes", ("circle/1.png", "circle"), ("unlabeled/c.png", null), ("unlabeled/a.png", null), ("square/2.png", "square"),
            ("unlabeled/b.png", null));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private Task AddCandidateAsync(string id, double uncertainty) =>
        _store.AddLabelCandidateAsync(new LabelCandidate(id, "shapes-model", uncertainty,
            LabelingService.FormatGuesses([new LabelGuess("circle", 0.5), new LabelGuess("square", 0.4)]), "image/jpeg", DateTimeOffset.UnixEpoch),
            new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, 100);

    [Fact]
    public async Task Queue_WithoutModel_ListsUnlabelledItemsByPathAfterPredictionsMostUncertainFirst()
    {
        await AddCandidateAsync("pred-low", 0.3);
        await AddCandidateAsync("pred-high", 0.8);
        var queue = await _service.QueueAsync("shapes");
        Assert.Equal(["prediction pred-high (shapes-model)", "prediction pred-low (shapes-model)", "unlabeled/a.png", "unlabeled/b.png", "unlabeled/c.png"],
            queue.Tasks.Select(t => t.Display));
        Assert.Equal((1, 5, 0), (queue.Version, queue.Items, queue.Labelled));
        Assert.Equal(["circle", "square"], queue.Classes);
        Assert.Equal("circle", queue.Tasks[0].Guesses[0].Label);
        Assert.All(queue.Tasks, t => Assert.True(LabelIds.IsWellFormed(t.Id)));
    }

    [Fact]
    public async Task Queue_WithScorer_RanksItemsByMargin()
    {
        var queue = await _service.QueueAsync("shapes", scorer: new ByPixelScorer());
        // Pixel value v gives probabilities (v/255, 1 - v/255), so the value nearest 127.5 is the most uncertain:
        // b (45) before a (25) before c (15), against path order a, b, c.
        Assert.Equal(["unlabeled/b.png", "unlabeled/a.png", "unlabeled/c.png"], queue.Tasks.Select(t => t.Path));
        Assert.True(queue.Tasks[0].Uncertainty > queue.Tasks[1].Uncertainty);
        Assert.Equal(2, queue.Tasks[0].Guesses.Count);
    }

    [Fact]
    public async Task Label_StoresAtOnceAndTheQueueSkipsIt()
    {
        var queue = await _service.QueueAsync("shapes");
        var result = await _service.LabelAsync("shapes", queue.Version, queue.Tasks[0].Id, "circle", "tester");
        Assert.Equal(("unlabeled/a.png", FeedbackOutcome.Recorded), (result.Task.Path, result.Outcome));
        Assert.Single(await _store.ListLabelsAsync("shapes"));
        var next = await _service.QueueAsync("shapes");
        Assert.Equal(["unlabeled/b.png", "unlabeled/c.png"], next.Tasks.Select(t => t.Path));
        Assert.Equal(1, next.Labelled);
    }

    [Fact]
    public async Task Label_Prediction_RecordsFeedbackForItsModel()
    {
        await AddCandidateAsync("pred-7", 0.9);
        var queue = await _service.QueueAsync("shapes");
        await _service.LabelAsync("shapes", queue.Version, queue.Tasks[0].Id, "square", "tester");
        var feedback = Assert.Single(await _store.ListFeedbackAsync("shapes-model"));
        Assert.Equal(("pred-7", "square"), (feedback.PredictionId, feedback.Label));
        Assert.DoesNotContain((await _service.QueueAsync("shapes")).Tasks, t => t.PredictionId == "pred-7");
    }

    [Fact]
    public async Task Label_BadOrUnknownId_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _service.LabelAsync("shapes", 1, "../../etc/passwd", "circle", "t"));
        await Assert.ThrowsAsync<ArgumentException>(() => _service.LabelAsync("shapes", 1, "i0123456789ABCDEF", "circle", "t"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _service.LabelAsync("shapes", 1, "i0123456789abcdef", "circle", "t"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _service.LabelPathAsync("shapes", null, "unlabeled/zzz.png", "circle", "t"));
        Assert.Empty(await _store.ListLabelsAsync("shapes"));
    }

    [Fact]
    public async Task Image_Item_IsItsPixelsAsPngAndPrediction_IsItsBytes()
    {
        await AddCandidateAsync("pred-9", 0.9);
        var queue = await _service.QueueAsync("shapes");
        var prediction = await _service.ImageAsync("shapes", 1, queue.Tasks[0].Id);
        Assert.Equal("image/jpeg", prediction!.Value.ContentType);
        Assert.Equal([0xFF, 0xD8, 0xFF, 0xE0], prediction.Value.Bytes);
        var item = await _service.ImageAsync("shapes", 1, queue.Tasks[1].Id);
        Assert.Equal("image/png", item!.Value.ContentType);
        var png = Lepton.Data.Images.SkiaImageDecoder.Decode(item.Value.Bytes, "x.png", 1000);
        Assert.Equal((InMemoryLabelingDatasets.Side, InMemoryLabelingDatasets.Side), (png.Width, png.Height));
        Assert.Equal(25, png.Pixels[0]); // unlabeled/a.png is item 2: value 10*2+5
        Assert.Null(await _service.ImageAsync("shapes", 1, "pffffffffffffffff"));
    }

    [Fact]
    public async Task Commit_AppliesStoredLabelsAsANewVersionLinkedToItsParent()
    {
        Assert.Null((await _service.CommitAsync("shapes", null, "tester")).Version);
        await _service.LabelPathAsync("shapes", null, "unlabeled/a.png", "circle", "tester");
        await _service.LabelPathAsync("shapes", null, "square/2.png", "triangle", "tester");
        var commit = await _service.CommitAsync("shapes", null, "tester");
        Assert.Equal((1, 2), (commit.Parent, commit.Version));
        Assert.Equal(["unlabeled/a.png"], commit.Labelled);
        Assert.Equal(["square/2.png"], commit.Relabelled);
        var (manifest, parent) = _datasets.Versions("shapes")[1];
        Assert.Equal(1, parent);
        Assert.Equal(["circle", "square", "triangle"], manifest.Classes);
        Assert.Equal(["unlabeled/b.png", "unlabeled/c.png"], (await _service.QueueAsync("shapes")).Tasks.Select(t => t.Path));
    }

    /// <summary>Two classes: p = first pixel / 255 and 1 - p.</summary>
    private sealed class ByPixelScorer : IItemScorer
    {
        public IReadOnlyList<string> Classes { get; } = ["circle", "square"];

        public float[] Score(ImageItem item, ReadOnlySpan<byte> hwc) => [hwc[0] / 255f, 1 - hwc[0] / 255f];
    }
}
