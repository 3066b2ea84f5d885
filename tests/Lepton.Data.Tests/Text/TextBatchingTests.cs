using Lepton.Data.Text.Batching;
using Lepton.Engine;

namespace Lepton.Data.Tests.Text;

/// <summary>Padding with a mask, the truncation rules, and length bucketing that is seeded, complete and sorted within buckets.</summary>
public sealed class TextBatchingTests
{
    private const int Pad = 0;

    private static TokenizedTextDataset Dataset(TextBatchOptions options, int n = 50, bool multiLabel = false)
    {
        var rng = new Generator(7);
        var sequences = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, 1 + rng.NextInt(40)).Select(k => 10 + k).ToArray()).ToList();
        var labels = Enumerable.Range(0, n).Select(i => multiLabel ? (i % 3 == 0 ? new[] { 0, 1 } : []) : new[] { i % 2 }).ToList();
        return new TokenizedTextDataset(sequences, labels, ["a", "b"], multiLabel, Pad, options, keepFirstToken: 10, keepLastToken: 99);
    }

    [Fact]
    public void GetBatch_SequencesOfDifferentLengths_PadToTheLongestWithAMask()
    {
        var ds = new TokenizedTextDataset([[5, 6, 7], [8], [9, 10]], [[0], [1], [0]], ["a", "b"], false, Pad, new TextBatchOptions(MaxLength: 8));
        var batch = ds.GetBatch([0, 1, 2]);
        Assert.Equal(new Shape(3, 3), batch.Inputs.Shape);
        Assert.Equal(DType.Int32, batch.Inputs.DType);
        Assert.Equal([5, 6, 7, 8, Pad, Pad, 9, 10, Pad], batch.Inputs.Span<int>().ToArray());
        Assert.Equal([1f, 1, 1, 1, 0, 0, 1, 1, 0], batch.MoreInputs![0].Span<float>().ToArray());
        Assert.Equal([0, 1, 0], batch.Targets.Span<int>().ToArray());
    }

    [Fact]
    public void GetBatch_MultiLabel_GivesMultiHotTargets()
    {
        var ds = Dataset(new TextBatchOptions(), n: 4, multiLabel: true);
        var batch = ds.GetBatch([0, 1, 3]);
        Assert.Equal(new Shape(3, 2), batch.Targets.Shape);
        Assert.Equal([1f, 1, 0, 0, 1, 1], batch.Targets.Span<float>().ToArray());
    }

    [Fact]
    public void Truncate_KeepStartAndKeepEnd_KeepTheStatedEndAndTheSpecialTokens()
    {
        int[] s = [10, 1, 2, 3, 4, 5, 99];
        var start = new TokenizedTextDataset([s], [[0]], ["a"], false, Pad, new TextBatchOptions(MaxLength: 4), keepFirstToken: 10, keepLastToken: 99);
        var end = new TokenizedTextDataset([s], [[0]], ["a"], false, Pad, new TextBatchOptions(MaxLength: 4, Truncation: TextTruncation.KeepEnd), keepFirstToken: 10, keepLastToken: 99);
        Assert.Equal([10, 1, 2, 99], start.Truncated(0));
        Assert.Equal([10, 4, 5, 99], end.Truncated(0));
        Assert.Equal(s, s.ToArray()); // the source is not modified
    }

    [Fact]
    public void Loader_Epoch_CoversEveryExampleOnceInBatchesSortedWithinBuckets()
    {
        var ds = Dataset(new TextBatchOptions(MaxLength: 30, BatchSize: 4, BucketBatches: 3, Seed: 5));
        var loader = new LengthBucketLoader(ds);
        var plan = loader.Plan(0);
        Assert.Equal(Enumerable.Range(0, ds.Count), plan.SelectMany(b => b).Order());
        Assert.Equal(13, plan.Count);
        // Bucketing: a batch's lengths lie within a narrow band compared with a random batch.
        double spread = plan.Where(b => b.Length == 4).Average(b => b.Max(ds.Length) - b.Min(ds.Length));
        var plain = new LengthBucketLoader(Dataset(new TextBatchOptions(MaxLength: 30, BatchSize: 4, BucketBatches: 1, Seed: 5))).Plan(0);
        double plainSpread = plain.Where(b => b.Length == 4).Average(b => b.Max(ds.Length) - b.Min(ds.Length));
        Assert.True(spread < plainSpread / 2, $"bucketed spread {spread:F1} vs plain {plainSpread:F1}");
    }

    [Fact]
    public void Loader_DropLast_LeavesOutOnlyThePartialBatch()
    {
        var ds = Dataset(new TextBatchOptions(BatchSize: 4, BucketBatches: 3, Seed: 2, DropLast: true));
        var plan = new LengthBucketLoader(ds).Plan(0);
        Assert.Equal(12, plan.Count);
        Assert.All(plan, b => Assert.Equal(4, b.Length));
        Assert.Equal(48, plan.SelectMany(b => b).Distinct().Count());
    }

    [Fact]
    public void Loader_SameSeedAndEpoch_GivesTheSameBatchesAndAnotherEpochOthers()
    {
        var options = new TextBatchOptions(BatchSize: 4, BucketBatches: 3, Seed: 11);
        var a = new LengthBucketLoader(Dataset(options)).Plan(2);
        var b = new LengthBucketLoader(Dataset(options)).Plan(2);
        var c = new LengthBucketLoader(Dataset(options)).Plan(3);
        Assert.Equal(a.Select(x => string.Join(",", x)), b.Select(x => string.Join(",", x)));
        Assert.NotEqual(a.Select(x => string.Join(",", x)), c.Select(x => string.Join(",", x)));
        var loader = new LengthBucketLoader(Dataset(options));
        loader.SetEpoch(2);
        Assert.Equal(a.Count, loader.Count());
        Assert.Equal(2, loader.Epoch);
    }

    [Fact]
    public void From_CorpusAndWordPiece_EncodesTrainTextsWithClsAndSepAndClassIds()
    {
        string[] texts = ["good movie", "bad film", "unlabelled one", "good film"];
        var blob = System.Text.Encoding.UTF8.GetBytes(string.Concat(texts));
        var items = new List<Lepton.Data.Text.TextItem>();
        long offset = 0;
        string[][] labels = [["pos"], ["neg"], [], ["pos"]];
        string?[] splits = ["train", "train", "train", "test"];
        for (int i = 0; i < texts.Length; i++)
        {
            int n = System.Text.Encoding.UTF8.GetByteCount(texts[i]);
            items.Add(new Lepton.Data.Text.TextItem($"{i}.txt", "h", n, labels[i], splits[i], Offset: offset, Bytes: n, Chars: texts[i].Length));
            offset += n;
        }
        var corpus = new Lepton.Data.Text.TextCorpus(new Lepton.Data.Text.TextManifest(items, ["neg", "pos"], false, "r", "b"), blob);
        var model = Lepton.Data.Text.Tokenizers.TokenizerTrainer.Train(texts, new Lepton.Data.Text.Tokenizers.TokenizerTrainingOptions(Lepton.Data.Text.Tokenizers.TokenizerKind.WordPiece, VocabSize: 60, MinFrequency: 1));
        var ds = TokenizedText.From(corpus, new Lepton.Data.Text.Tokenizers.ReferenceEncoder(model), model, new TextBatchOptions(MaxLength: 16), "train");
        Assert.Equal(2, ds.Count); // the unlabelled text and the test text are left out
        var batch = ds.GetBatch([0, 1]);
        var ids = batch.Inputs.Span<int>().ToArray();
        int t = batch.Inputs.Shape[1];
        Assert.Equal(model.Id("[CLS]"), ids[0]);
        Assert.Equal(model.Id("[CLS]"), ids[t]);
        Assert.Contains(model.Id("[SEP]"), ids);
        Assert.Equal([1, 0], batch.Targets.Span<int>().ToArray());
        Assert.Equal(model.PadId, ds.PadId);
    }

    [Fact]
    public void Dataset_SingleLabelItemWithTwoLabels_IsRefusedNamingTheItem()
    {
        var e = Assert.Throws<ArgumentException>(() => new TokenizedTextDataset([[1], [2]], [[0], [0, 1]], ["a", "b"], false, Pad, new TextBatchOptions()));
        Assert.Contains("example 1", e.Message);
    }
}
