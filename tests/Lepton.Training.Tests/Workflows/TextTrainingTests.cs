using System.Text;
using Lepton.Data.Text;
using Lepton.Data.Text.Tokenizers;
using Lepton.NN.Serialization;
using Lepton.Training.Workflows.Text;

namespace Lepton.Training.Tests.Workflows;

/// <summary>The text training workflow on an in-memory corpus: splits, the tokenizer's training texts, each preset learning, and the folder it writes.</summary>
public sealed class TextTrainingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-training-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static TextCorpus Corpus(IReadOnlyList<(string Text, string Label, string? Split)> rows)
    {
        var blob = new MemoryStream();
        var items = new List<TextItem>();
        for (int i = 0; i < rows.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(rows[i].Text);
            items.Add(new TextItem($"{rows[i].Label}/{i}.txt", "h", bytes.Length, [rows[i].Label], rows[i].Split, Offset: blob.Position, Bytes: bytes.Length, Chars: rows[i].Text.Length));
            blob.Write(bytes);
        }
        var classes = rows.Select(r => r.Label).Distinct().Order(StringComparer.Ordinal).ToList();
        return new TextCorpus(new TextManifest(items, classes, false, "r", "b"), blob.ToArray());
    }

    // Positive texts hold "great" or "love", negative ones "awful" or "hate", among shared filler words.
    private static List<(string, string, string?)> Reviews(int count, string? split = null)
    {
        var rng = new Random(5);
        string[] filler = ["the", "film", "was", "and", "i", "it", "story", "really", "actors", "plot", "music", "ending"];
        var rows = new List<(string, string, string?)>();
        for (int i = 0; i < count; i++)
        {
            bool pos = i % 2 == 0;
            var words = Enumerable.Range(0, rng.Next(4, 9)).Select(_ => filler[rng.Next(filler.Length)]).ToList();
            words.Insert(rng.Next(words.Count + 1), pos ? (rng.Next(2) == 0 ? "great" : "love") : (rng.Next(2) == 0 ? "awful" : "hate"));
            rows.Add((string.Join(' ', words), pos ? "pos" : "neg", split));
        }
        return rows;
    }

    [Fact]
    public void Split_NoTestSplit_HoldsOutAStableShareOfTrain()
    {
        var corpus = Corpus(Reviews(400));
        var (train, test) = TextTrainingSplits.Split(corpus, seed: 0);
        Assert.Equal(400, train.Count + test.Count);
        Assert.InRange(test.Count, 40, 80); // 15% by hash
        Assert.Empty(train.Select(x => x.Item.Path).Intersect(test.Select(x => x.Item.Path)));
        var (_, again) = TextTrainingSplits.Split(corpus, seed: 0);
        Assert.Equal(test.Select(x => x.Item.Path), again.Select(x => x.Item.Path));
    }

    [Fact]
    public void Split_VersionWithTestSplit_KeepsItAndIgnoresValidation()
    {
        var rows = Reviews(30, "train").Concat(Reviews(10, "test")).Concat(Reviews(6, "validation")).ToList();
        var (train, test) = TextTrainingSplits.Split(Corpus(rows), seed: 0);
        Assert.Equal((30, 10), (train.Count, test.Count));
        Assert.All(test, x => Assert.Equal("test", x.Item.Split));
    }

    [Theory]
    [InlineData("text-bow", 6)]
    [InlineData("text-lstm", 8)]
    [InlineData("text-transformer", 8)]
    public void Run_KeywordReviews_EachPresetScoresWellAndWritesTokenizerBesideModel(string preset, int epochs)
    {
        var rows = Reviews(240, "train").Concat(Reviews(60, "test")).ToList();
        var recipe = new TextRecipe("reviews@1", preset, Epochs: epochs, BatchSize: 16, VocabSize: 300, MaxLength: 32, Seed: 1);
        var outcome = TextTraining.Run(Corpus(rows), "reviews@1", recipe, _dir);
        Assert.Equal(preset, outcome.Model);
        Assert.Equal((240, 60), (outcome.TrainTexts, outcome.TestTexts));
        Assert.True(outcome.TestMetrics["test_accuracy"] >= 0.9, $"{preset}: test accuracy {outcome.TestMetrics["test_accuracy"]}, losses {string.Join(", ", outcome.EpochLosses)}");
        Assert.True(outcome.EpochLosses[^1] < outcome.EpochLosses[0]);
        var tokenizer = TextTokenizer.Load(Path.Combine(_dir, TextTraining.TokenizerFile));
        Assert.Equal(outcome.VocabSize, tokenizer.Model.Vocab.Count);
        var loaded = ModelFile.Load(_dir);
        Assert.Equal(["ids", "mask"], loaded.Spec.Inputs.Select(i => i.Name));
        Assert.Equal(["neg", "pos"], loaded.Spec.ClassNames);
        Assert.Equal(outcome.TestMetrics["test_accuracy"], loaded.Spec.Metrics["test_accuracy"], 6);
        Assert.InRange(outcome.TestMetrics["test_macro_f1"], 0.9, 1.0);
        Assert.True(File.Exists(Path.Combine(_dir, "evaluation.json")));

        // The folder alone replays the run: its tokenizer and model score the test texts as training did.
        var corpus = Corpus(rows);
        var testTexts = corpus.Texts("test").ToList();
        var data = TextTraining.Tokenize(testTexts, tokenizer, tokenizer.Model, loaded.Spec.ClassNames, new Lepton.Data.Text.Batching.TextBatchOptions(MaxLength: 32, Shuffle: false));
        var trainer = new Trainer(loaded.Model, new Lepton.Training.Optimizers.Sgd(loaded.Model.Parameters()), Lepton.Training.Tasks.TrainingTask.Create(TaskSpec.Multiclass));
        Assert.Equal(outcome.TestMetrics["test_accuracy"], trainer.Evaluate(data).Accuracy, 6);
    }

    [Fact]
    public void Run_AutoOnSmallData_ChoosesBow()
    {
        var outcome = TextTraining.Run(Corpus(Reviews(80)), "reviews@1", new TextRecipe("reviews@1", Epochs: 1, VocabSize: 300), _dir);
        Assert.Equal("text-bow", outcome.Model);
    }

    [Fact]
    public void Run_CancelledBeforeTheFirstBatch_WritesNoModelFolder()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var outcome = TextTraining.Run(Corpus(Reviews(40)), "reviews@1", new TextRecipe("reviews@1", "text-bow", VocabSize: 300), _dir, ct: cts.Token);
        Assert.True(outcome.Cancelled);
        Assert.Empty(outcome.EpochLosses);
        Assert.False(File.Exists(Path.Combine(_dir, ModelFile.SpecFileName)));
    }

    [Fact]
    public void Run_MultiLabelVersion_IsRefusedWithTheReason()
    {
        var single = Corpus(Reviews(10));
        var corpus = new TextCorpus(single.Manifest with { MultiLabel = true }, [.. single.Texts().SelectMany(x => Encoding.UTF8.GetBytes(x.Text))]);
        var e = Assert.Throws<ArgumentException>(() => TextTraining.Run(corpus, "tags@1", new TextRecipe("tags@1"), _dir));
        Assert.Contains("multi-label", e.Message);
    }

    [Fact]
    public void Validate_UnknownModel_NamesTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => new TextRecipe("reviews@1", "resnet").Validate());
        Assert.Contains("auto, text-bow, text-lstm, text-transformer", e.Message);
    }
}
