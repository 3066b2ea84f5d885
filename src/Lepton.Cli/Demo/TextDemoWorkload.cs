using System.Text;
using Lepton.Data.Text.Import;
using Lepton.Factory.Loop;
using Lepton.Factory.Simulation;
using Lepton.Registry;
using Lepton.Registry.Datasets.Text;
using Lepton.Training.Workflows.Text;

namespace Lepton.Cli.Demo;

/// <summary>
/// The demo on text (<c>lepton demo --text</c>): customer-service messages written as a folder of text files and imported as
/// data set <c>support</c>, a text-bow champion with its own byte-level BPE tokenizer, and traffic of fresh messages, then of
/// messages after a product launch (<see cref="SupportMessages"/>); the loop retrains on the labelled drifted texts.
/// </summary>
internal sealed record TextDemoWorkload(string Model, string Description, TextRecipe ChampionRecipe, TextTrafficSource NormalTexts, TextTrafficSource DriftedTexts)
    : IDemoWorkload
{
    private const int TrainingPerClass = 150, TrafficPerClass = 100;

    public string ChampionSummary => $"{ChampionRecipe.Model}, {ChampionRecipe.Epochs} epochs, vocabulary up to {ChampionRecipe.VocabSize}";

    public string DriftSummary => "messages after a product launch: topic words the champion never saw, a third in Chinese, mostly billing and technical";

    public static async Task<TextDemoWorkload> SupportMessagesAsync(ModelRegistry registry, DemoOptions options, string actor, CancellationToken ct)
    {
        const string name = "support";
        string folder = Path.Combine(options.Home, "support-messages");
        var utf8 = new UTF8Encoding(false);
        int n = 0;
        foreach (var (text, label) in SupportMessages.Normal(TrainingPerClass, seed: 1))
        {
            string dir = Path.Combine(folder, SupportMessages.Classes[label]);
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, $"{n++:D4}.txt"), text, utf8, ct);
        }
        var imported = await TextDatasets.ImportAsync(registry.Store, registry.Artifacts, folder, name, new TextImportOptions(), null, actor, ct);
        string reference = $"{name}@{imported.Version.Version}";
        var recipe = new TextRecipe(reference, "text-bow", Epochs: options.Epochs ?? 12, VocabSize: 2000, MaxLength: 64, Seed: 1);
        return new TextDemoWorkload(name,
            $"{reference}: {imported.Manifest.Items.Count} customer-service messages written to {folder}, {SupportMessages.Classes.Count} classes ({string.Join(", ", SupportMessages.Classes)})",
            recipe, Source(SupportMessages.Normal(TrafficPerClass, seed: 2)), Source(SupportMessages.Drifted(TrafficPerClass, seed: 3)));
    }

    private static TextTrafficSource Source(IReadOnlyList<(string Text, int Label)> messages) =>
        new([.. messages.Select(m => m.Text)], [.. messages.Select(m => m.Label)], SupportMessages.Classes);

    public async Task<DemoChampion> TrainChampionAsync(ModelRegistry registry, string folder, string actor, CancellationToken ct)
    {
        var tracked = await TrackedTextTraining.RunAsync(ChampionRecipe, folder, registry, Model, actor, line => Console.WriteLine($"  {line}"), ct);
        if (tracked.Registered is null) throw new OperationCanceledException("The champion's training was cancelled.");
        return new DemoChampion(tracked.Registered.Version, tracked.Outcome.TestMetrics["test_accuracy"], tracked.RunId);
    }

    public TrafficSimulator Client(HttpClient http, bool drifted) => new(http, Model, drifted ? DriftedTexts : NormalTexts);

    // After the launch, billing and technical questions come four times as often, so the predicted-class mix moves too.
    public TrafficOptions Traffic(int requests, double feedbackFraction, bool drifted, ulong seed) =>
        new(requests, FeedbackFraction: feedbackFraction, ClassWeights: drifted ? [1, 4, 1, 4] : null, Seed: seed);

    // The text loop retrains with the champion's recipe on its base texts plus the feedback; the gate checks every class's
    // recall on the base test texts and accuracy on the held-out feedback.
    public LoopPolicy Policy(LoopPolicy common, DemoOptions options) => common with { MinFeedback = 100, FeedbackHoldoutFraction = 0.3, Seed = 1 };
}
