using System.Globalization;
using System.Text.Json;
using Lepton.Factory.Loop;
using Lepton.Factory.Loop.Tables;
using Lepton.Factory.Loop.Text;
using Lepton.Registry.Store;

namespace Lepton.Factory.Tests.Loop;

/// <summary>
/// The loop's train/holdout split follows the content of the feedback, not the ids the server happened to give it: the same
/// feedback under other ids (another run of the same traffic) gives the same split, and equal inputs never straddle it.
/// </summary>
public sealed class FeedbackSplitTests
{
    private const int Count = 60;
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-1);
    private static readonly string[] Labels = ["top", "middle", "bottom"];

    // Example i under the given id prefix; the ids of the second run are in the opposite order to the first's.
    private static async Task AddAsync(IRegistryStore store, string id, string rawJson, string label, int i)
    {
        await store.AppendPredictionsAsync([new PredictionRecord(id, LoopTestBed.Model, 1, T0, 1, label, "{}", "{}", rawJson)]);
        await store.RecordFeedbackAsync(new FeedbackRecord(id, LoopTestBed.Model, label, T0.AddSeconds(i), "client"));
    }

    private static async Task<(T First, T Second)> TwoRunsAsync<T>(Func<int, string> rawJson, Func<IRegistryStore, Task<T>> collect)
    {
        async Task<T> Run(Func<int, string> id)
        {
            await using var bed = await LoopTestBed.CreateAsync(withChampion: false);
            for (int i = 0; i < Count; i++) await AddAsync(bed.Store, id(i), rawJson(i), Labels[i % 3], i);
            return await collect(bed.Store);
        }
        return (await Run(i => $"run1-{i:D3}"), await Run(i => $"{Count - i:D3}-run2"));
    }

    private static void AssertSplitUsable(int train, int holdout)
    {
        Assert.Equal(Count, train + holdout);
        Assert.InRange(holdout, 8, 30); // 30% of 60, give or take the hash
    }

    [Fact]
    public async Task Images_split_the_same_way_under_other_prediction_ids()
    {
        string Raw(int i) => JsonSerializer.Serialize(Enumerable.Range(0, 64).Select(k => i + k * 0.5f).ToArray());
        var (a, b) = await TwoRunsAsync(Raw, s => FeedbackCollector.CollectAsync(s, LoopTestBed.Model, SyntheticImages.Classes, SyntheticImages.ExampleShape, 0.3));
        AssertSplitUsable(a.Train.Count, a.Holdout.Count);
        Assert.Equal(a.Train.Select(e => e.Input), b.Train.Select(e => e.Input));
        Assert.Equal(a.Holdout.Select(e => e.Input), b.Holdout.Select(e => e.Input));
        Assert.NotEqual(a.Train.Select(e => e.PredictionId), b.Train.Select(e => e.PredictionId));
    }

    [Fact]
    public async Task Texts_split_the_same_way_under_other_prediction_ids()
    {
        string Raw(int i) => JsonSerializer.Serialize($"review number {i} of the shop");
        var (a, b) = await TwoRunsAsync(Raw, s => TextFeedbackCollector.CollectAsync(s, LoopTestBed.Model, Labels, 0.3));
        AssertSplitUsable(a.Train.Count, a.Holdout.Count);
        Assert.Equal(a.Train.Select(e => e.Text), b.Train.Select(e => e.Text));
        Assert.Equal(a.Holdout.Select(e => e.Text), b.Holdout.Select(e => e.Text));
    }

    [Fact]
    public async Task Table_rows_split_the_same_way_under_other_ids_and_equal_rows_share_a_side()
    {
        // Rows i and i+30 are equal (two customers with the same row), their columns sent in different orders.
        string Raw(int i) => i < Count / 2
            ? $"{{\"age\":{20 + i},\"plan\":\"p{i % 4}\"}}"
            : $"{{\"plan\":\"p{(i - Count / 2) % 4}\",\"age\":{20 + i - Count / 2}}}";
        var (a, b) = await TwoRunsAsync(Raw, s => TableFeedbackCollector.CollectAsync(s, LoopTestBed.Model, Labels, 0.3));
        AssertSplitUsable(a.Train.Count, a.Holdout.Count);
        string Row(TableFeedbackExample e) => string.Create(CultureInfo.InvariantCulture, $"{e.Row["age"]}/{e.Row["plan"]}/{e.Label}");
        Assert.Equal(a.Train.Select(Row), b.Train.Select(Row));
        Assert.Equal(a.Holdout.Select(Row), b.Holdout.Select(Row));
        var heldAges = a.Holdout.Select(e => e.Row["age"]).ToHashSet();
        Assert.All(a.Train, e => Assert.DoesNotContain(e.Row["age"], heldAges));
        Assert.Equal(a.Holdout.Count, 2 * heldAges.Count);
    }

    [Fact]
    public void A_row_hash_ignores_the_order_columns_arrive_in()
    {
        var one = new Dictionary<string, object?> { ["age"] = 41.0, ["plan"] = "pro", ["churn_risk"] = null };
        var other = new Dictionary<string, object?> { ["plan"] = "pro", ["churn_risk"] = null, ["age"] = 41.0 };
        Assert.Equal(TableFeedbackCollector.RowHash(one), TableFeedbackCollector.RowHash(other));
        Assert.NotEqual(TableFeedbackCollector.RowHash(one), TableFeedbackCollector.RowHash(new Dictionary<string, object?>(other) { ["age"] = 42.0 }));
    }
}
