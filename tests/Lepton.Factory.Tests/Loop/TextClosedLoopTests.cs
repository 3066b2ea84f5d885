using System.Text;
using System.Text.Json;
using Lepton.Data.Text.Import;
using Lepton.Factory.Loop;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Text;
using Lepton.Registry.Store;
using Lepton.Training.Workflows.Text;

namespace Lepton.Factory.Tests.Loop;

/// <summary>
/// The loop on a text model: a text-bow champion trained on topic sentences meets sentences whose topic words it never saw;
/// labelled feedback on their logged texts becomes a text data set version with the base texts, a challenger is trained
/// with the champion's recipe, both are scored on the base test texts and the feedback holdout, and the challenger, which
/// learned the new words, is promoted. Too little feedback trains nothing.
/// </summary>
public sealed class TextClosedLoopTests : IAsyncDisposable
{
    private const string Model = "topics";
    private static readonly string[] Classes = ["food", "sport", "weather"];

    private static readonly Dictionary<string, string[]> Known = new()
    {
        ["sport"] = ["football", "match", "goal", "team", "coach"],
        ["weather"] = ["rain", "sunny", "forecast", "wind", "storm"],
        ["food"] = ["pizza", "dinner", "recipe", "noodles", "soup"],
    };

    private static readonly Dictionary<string, string[]> Unseen = new()
    {
        ["sport"] = ["cricket", "tennis", "rugby", "wicket", "racket"],
        ["weather"] = ["hail", "fog", "drizzle", "humid", "thunder"],
        ["food"] = ["sushi", "curry", "bagel", "omelette", "salad"],
    };

    private static readonly string[] Filler = ["today", "we", "talked", "about", "the", "and", "really", "yesterday", "friends", "said", "it", "was", "my", "again"];

    private readonly string _root = Directory.CreateTempSubdirectory("lepton-text-loop").FullName;
    private ModelRegistry? _registry;

    public async ValueTask DisposeAsync()
    {
        if (_registry is not null) await _registry.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    private static string Sentence(Random rng, string[] keywords)
    {
        var words = Enumerable.Range(0, rng.Next(5, 9)).Select(_ => Filler[rng.Next(Filler.Length)]).ToList();
        for (int k = 0; k < 2; k++) words.Insert(rng.Next(words.Count + 1), keywords[rng.Next(keywords.Length)]);
        return string.Join(' ', words);
    }

    private async Task<ModelRegistry> ChampionAsync()
    {
        var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(_root, "registry.db")}");
        _registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(_root, "artifacts"))));
        var rng = new Random(5);
        string folder = Path.Combine(_root, "texts");
        foreach (var (label, words) in Known)
        {
            Directory.CreateDirectory(Path.Combine(folder, label));
            for (int i = 0; i < 80; i++) File.WriteAllText(Path.Combine(folder, label, $"{i:D3}.txt"), Sentence(rng, words), new UTF8Encoding(false));
        }
        await TextDatasets.ImportAsync(store, _registry.Artifacts, folder, Model, new TextImportOptions(), null, "test");
        var champion = await TrackedTextTraining.RunAsync(new TextRecipe($"{Model}@1", "text-bow", Epochs: 12, VocabSize: 400, MaxLength: 32, Seed: 1),
            Path.Combine(_root, "champion"), _registry, Model, "test");
        await _registry.PromoteAsync(Model, champion.Registered!.Version, "production", "test");
        return _registry;
    }

    // Sentences with the unseen topic words, answered by nobody in particular, logged with their texts and labelled by clients.
    private static async Task AddFeedbackAsync(IRegistryStore store, int count, int seed)
    {
        var rng = new Random(seed);
        var at = DateTimeOffset.UtcNow.AddMinutes(-20);
        var records = new List<PredictionRecord>();
        var labels = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string label = Classes[i % Classes.Length];
            string text = Sentence(rng, Unseen[label]);
            records.Add(new PredictionRecord($"t{seed}-{i:D4}", Model, 1, at.AddSeconds(i), 1.0, "food", """{"chars":1,"tokens":1}""",
                """{"label":"food","index":0,"version":"1","probabilities":[]}""", JsonSerializer.Serialize(text)));
            labels.Add(label);
        }
        await store.AppendPredictionsAsync(records);
        for (int i = 0; i < count; i++)
            await store.RecordFeedbackAsync(new FeedbackRecord(records[i].Id, Model, labels[i], at.AddSeconds(i + 1), "client"));
    }

    // About 11 base test texts per class: one text more or less right moves a class's recall by 0.09, so the gate allows 0.15.
    private static LoopPolicy Policy() => new()
    {
        Model = Model, MinFeedback = 60, FeedbackHoldoutFraction = 0.3, CanaryWindow = TimeSpan.Zero, Margin = 0.05, MaxClassRecallDrop = 0.15, Seed = 1,
        ReportFolder = Path.Combine(AppContext.BaseDirectory, "loop-reports", Guid.NewGuid().ToString("N")),
    };

    [Fact]
    public async Task FeedbackOnNewTopicWords_TrainsATextChallengerThatLearnsThemAndIsPromoted()
    {
        var registry = await ChampionAsync();
        var loop = new ClosedLoop(registry);

        await AddFeedbackAsync(registry.Store, 30, seed: 7);
        var skipped = await loop.RunOnceAsync(Policy(), "test", null, CancellationToken.None);
        Assert.Equal(LoopResult.Skipped, skipped.Result);
        Assert.Contains("usable labelled texts", skipped.Reason);

        await AddFeedbackAsync(registry.Store, 120, seed: 8);
        var outcome = await loop.RunOnceAsync(Policy(), "test", null, CancellationToken.None);
        Assert.True(outcome.Result == LoopResult.Promoted, $"{outcome.Result}: {outcome.Reason}");
        Assert.Equal($"{Model}-feedback@1", outcome.Dataset!.DatasetRef);
        var evaluation = outcome.Evaluation!;
        Assert.True(evaluation.ChallengerHoldout!.Accuracy >= 0.9, $"challenger holdout accuracy {evaluation.ChallengerHoldout.Accuracy}");
        Assert.True(evaluation.ChallengerHoldout.Accuracy > evaluation.ChampionHoldout!.Accuracy + 0.2,
            $"champion {evaluation.ChampionHoldout.Accuracy}, challenger {evaluation.ChallengerHoldout.Accuracy} on the holdout");
        Assert.True(evaluation.ChallengerBaseTest.Accuracy >= 0.9, $"challenger base test accuracy {evaluation.ChallengerBaseTest.Accuracy}");
        // The decision links to the comparison report on the holdout texts, whose disagreements show highlighted tokens.
        string html = File.ReadAllText(evaluation.Report!);
        Assert.Contains("McNemar", html);
        Assert.Contains("data-method=\"token-occlusion\"", html);

        var production = await registry.ResolveAsync($"{Model}@production");
        Assert.Equal(outcome.ChallengerVersion, production.Version!.Version);
        Assert.Equal($"{Model}-feedback@1", production.Version.DatasetRef);
        Assert.True(File.Exists(Path.Combine(production.Folder, TextTraining.TokenizerFile)));
        // The data set holds the base texts and the feedback, with the holdout kept out of training as the validation split.
        var corpus = await TextDatasets.LoadAsync(registry.Store, registry.Artifacts, Lepton.Registry.References.DatasetReference.Parse(outcome.Dataset.DatasetRef));
        Assert.Equal(240 + 150, corpus.Manifest.Items.Count);
        Assert.Equal(evaluation.ChallengerHoldout.Count, corpus.Manifest.Items.Count(i => i.Split == "validation"));
    }

    [Fact]
    public async Task A_calibrated_champions_text_challenger_is_calibrated_and_given_sets_the_same_way_with_its_lineage()
    {
        var registry = await ChampionAsync();
        using (var texts = await Reports.Evaluation.ReportDataSources.LoadAsync($"{Model}@1", null, registry))
        {
            var calibrated = await Reports.Recalibration.ModelCalibration.RunAsync(registry, await registry.ResolveAsync($"{Model}@1"), texts.Data, "train",
                "temperature", Model, "test");
            var sets = await Reports.Conformal.ModelIntervals.RunAsync(registry, await registry.ResolveAsync($"{Model}@{calibrated.Registered!.Version}"), texts.Data, "train",
                0.9, Model, "test");
            await registry.PromoteAsync(Model, sets.Registered!.Version, "production", "test");
        }
        await AddFeedbackAsync(registry.Store, 150, seed: 8);
        var outcome = await new ClosedLoop(registry).RunOnceAsync(Policy(), "test", null, CancellationToken.None);

        var challenger = await registry.ResolveAsync($"{Model}@{outcome.ChallengerVersion!.Value}");
        var calibration = Lepton.Runtime.Calibration.ProbabilityCalibration.Load(challenger.Folder)!;
        Assert.Equal("temperature", calibration.Method);
        Assert.Equal($"the test split of {Model}-feedback@1", calibration.Source);
        // Lineage as an uncalibrated challenger's: its training run and the loop's data set version, no parent folder.
        Assert.Equal($"{Model}-feedback@1", challenger.Version!.DatasetRef);
        Assert.NotNull(challenger.Version.RunId);
        Assert.Equal(4, challenger.Version.Version); // v1 champion, v2 calibrated, v3 with sets, v4 the challenger: no version between
        var challengerSets = Lepton.Runtime.Conformal.ConformalIntervals.Load(challenger.Folder)!;
        Assert.Equal(0.9, challengerSets.Level);
        Assert.Equal(calibration.Source, challengerSets.Source);
        var metadata = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(challenger.Folder, "model.json")))!["metadata"]!;
        Assert.Null(metadata["parent_model"]);
    }
}
