using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Factory.Loop;
using Lepton.Registry.Store;

namespace Lepton.Factory.Tests.Loop;

public sealed class FeedbackDatasetTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-1);

    private static async Task AddAsync(IRegistryStore store, string id, float[]? input, string label, int secondsAfter)
    {
        string? raw = input is null ? null : JsonSerializer.Serialize(input);
        await store.AppendPredictionsAsync([new PredictionRecord(id, LoopTestBed.Model, 1, T0, 1, "top", "{}", "{}", raw)]);
        await store.RecordFeedbackAsync(new FeedbackRecord(id, LoopTestBed.Model, label, T0.AddSeconds(secondsAfter), "client"));
    }

    private static float[] Input(float v) => Enumerable.Repeat(v, 64).ToArray();

    [Fact]
    public async Task Keeps_usable_examples_once_each_and_the_newest_label_wins_a_conflict()
    {
        await using var bed = await LoopTestBed.CreateAsync(withChampion: false);
        await AddAsync(bed.Store, "a", Input(1), "top", 1);
        await AddAsync(bed.Store, "b", Input(1), "middle", 5);       // same input, newer label: wins
        await AddAsync(bed.Store, "c", Input(1), "middle", 3);       // same input again
        await AddAsync(bed.Store, "d", Input(2), "bottom", 2);
        await AddAsync(bed.Store, "e", null, "top", 2);              // raw input not sampled
        await AddAsync(bed.Store, "f", Input(3), "sandal", 2);       // not one of the model's classes
        await AddAsync(bed.Store, "g", [1f, 2f], "top", 2);          // wrong size for (1,8,8)

        var data = await FeedbackCollector.CollectAsync(bed.Store, LoopTestBed.Model, SyntheticImages.Classes, SyntheticImages.ExampleShape, 0.3);

        Assert.Equal(new FeedbackCounts(7, 1, 1, 1, 2, 1), data.Counts);
        Assert.Equal(2, data.Counts.Usable);
        var all = data.Train.Concat(data.Holdout).OrderBy(e => e.PredictionId).ToList();
        Assert.Equal(["b", "d"], all.Select(e => e.PredictionId));
        Assert.Equal((1, "middle"), (all[0].Label, all[0].LabelName));
        Assert.Equal(Input(2), all[1].Input);
    }

    [Fact]
    public async Task Paging_reads_every_record_once_even_when_many_share_a_timestamp()
    {
        await using var bed = await LoopTestBed.CreateAsync(withChampion: false);
        // Seven feedback records at one instant and three at the next, read three at a time.
        for (int i = 0; i < 10; i++) await AddAsync(bed.Store, $"id{i}", Input(i), "top", i < 7 ? 1 : 2);
        var all = await FeedbackCollector.ReadAllAsync(bed.Store, LoopTestBed.Model, 3, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"id{i}"), all.Select(l => l.Prediction.Id));
    }

    [Fact]
    public void The_holdout_split_is_a_stable_hash_of_the_key()
    {
        // First 8 bytes of SHA-256 as a fraction of 2^64 (computed with Python's hashlib): p000001 0.6558, p000002 0.4039, p000003 0.0029.
        Assert.False(FeedbackCollector.IsHoldout("p000001", 0.3));
        Assert.True(FeedbackCollector.IsHoldout("p000001", 0.66));
        Assert.False(FeedbackCollector.IsHoldout("p000002", 0.40));
        Assert.True(FeedbackCollector.IsHoldout("p000002", 0.41));
        Assert.True(FeedbackCollector.IsHoldout("p000003", 0.003));
        int held = Enumerable.Range(0, 2000).Count(i => FeedbackCollector.IsHoldout($"id-{i}", 0.3));
        Assert.InRange(held, 540, 660);
    }

    [Fact]
    public async Task Records_a_versioned_dataset_with_lineage_and_reuses_it_for_the_same_examples()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(60, seed: 3);
        var data = await Collect(bed);
        var first = await FeedbackDataset.RecordAsync(bed.Registry, LoopTestBed.Model, data, "synthetic@1", "tester");
        Assert.True(first.Created);
        Assert.Equal(("shapes-feedback", 1, (int?)null), (first.Version.Name, first.Version.Version, first.Version.ParentVersion));
        Assert.Equal("shapes-feedback@1", first.DatasetRef);

        var again = await FeedbackDataset.RecordAsync(bed.Registry, LoopTestBed.Model, await Collect(bed), "synthetic@1", "tester");
        Assert.False(again.Created);
        Assert.Equal(1, again.Version.Version);

        var manifest = JsonDocument.Parse(first.Version.ManifestJson).RootElement;
        Assert.Equal("synthetic@1", manifest.GetProperty("base_dataset").GetString());
        Assert.Equal(data.Train.Count, manifest.GetProperty("counts").GetProperty("train").GetInt32());
        Assert.Equal(data.Holdout.Count, manifest.GetProperty("counts").GetProperty("holdout").GetInt32());
        Assert.Equal(60, data.Count);
        Assert.Equal("p000001", manifest.GetProperty("prediction_ids").GetProperty("first").GetString());
        Assert.Equal("p000060", manifest.GetProperty("prediction_ids").GetProperty("last").GetString());
        // The artifacts hold exactly the examples: raw inputs (N,1,8,8) and int32 labels.
        string inputsHash = manifest.GetProperty("artifacts").GetProperty("train_inputs").GetString()!;
        var inputs = Npy.Read(new MemoryStream(await bed.Registry.Artifacts.ReadAsync(inputsHash)));
        Assert.Equal([data.Train.Count, 1, 8, 8], inputs.Shape.ToArray());
        Assert.Equal(data.ToRawDataset(data.Train).Inputs.ToArray(), inputs.ToArray());
        var labels = Npy.Read(new MemoryStream(await bed.Registry.Artifacts.ReadAsync(first.ArtifactHashes["holdout_labels"])));
        Assert.Equal(data.Holdout.Select(e => e.Label).ToArray(), labels.ToIntArray());
        var stats = JsonDocument.Parse(first.Version.StatisticsJson).RootElement.GetProperty("class_counts");
        Assert.Equal(20, stats.GetProperty("top").GetInt32());

        await bed.AddDriftedFeedbackAsync(30, seed: 4);
        var second = await FeedbackDataset.RecordAsync(bed.Registry, LoopTestBed.Model, await Collect(bed), "synthetic@1", "tester");
        Assert.True(second.Created);
        Assert.Equal((2, (int?)1), (second.Version.Version, second.Version.ParentVersion));
    }

    private static Task<FeedbackData> Collect(LoopTestBed bed) =>
        FeedbackCollector.CollectAsync(bed.Store, LoopTestBed.Model, SyntheticImages.Classes, SyntheticImages.ExampleShape, 0.3);
}
