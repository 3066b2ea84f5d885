using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Reports.Cards;
using Lepton.Training.Metrics;
using Lepton.Training.Workflows;

namespace Lepton.Reports.Tests.Cards;

/// <summary>
/// Cards of two tiny registered models: a float classifier with an evaluation.json whose confusion matrix is known (class
/// "c" is the weak one, mostly taken for "b"), and an int8 child whose model.json records the quantization of its parent.
/// </summary>
public sealed class ModelCardTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-cards-" + Guid.NewGuid().ToString("N"));
    private ModelRegistry _registry = null!;

    // Rows true, columns predicted: 300 examples, accuracy 240/300 = 0.8; class c has recall 40/100.
    private static readonly int[][] Confusion = [[100, 0, 0], [0, 100, 0], [0, 60, 40]];

    public async Task InitializeAsync()
    {
        var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(_root, "registry.db"));
        _registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(_root, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(_root, "cache")));
        var predicted = new List<int>();
        var actual = new List<int>();
        for (int a = 0; a < 3; a++)
            for (int p = 0; p < 3; p++)
                for (int k = 0; k < Confusion[a][p]; k++)
                {
                    predicted.Add(p);
                    actual.Add(a);
                }
        var report = ClassificationReport.FromPredictions(predicted.ToArray(), actual.ToArray(), ["a", "b", "c"]);

        string floatDir = Save("float", null);
        ModelReports.WriteEvaluation(floatDir, report);
        await _registry.RegisterAsync("tiny", floatDir, null, "shapes@2", "test");
        await _registry.PromoteAsync("tiny", 1, "production", "test");
        string int8Dir = Save("int8", new JsonObject
        {
            ["parent_model"] = "tiny@1",
            ["quantization"] = new JsonObject { ["source_model"] = "tiny@1", ["calibration"] = "shapes@2", ["method"] = "minmax" },
            ["description"] = "Sorts <b>shapes</b> | for the demo.",
        });
        await _registry.RegisterAsync("tiny-int8", int8Dir, null, "shapes@2", "test");
    }

    private string Save(string name, JsonObject? metadata)
    {
        string dir = Path.Combine(_root, name);
        var model = new Sequential(new Flatten(), new Linear(16, 3, rng: new Generator(1)));
        ModelFile.Save(dir, model, new ModelSpec { Input = InputSpec.ForImage("image", 1, 4, 4), ClassNames = ["a", "b", "c"], Metadata = metadata });
        return dir;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Card_HasTheEvaluationsMetrics_WithIntervalsAroundThem_AndTheWeakClass()
    {
        var card = await ModelCardBuilder.BuildAsync(_registry, "tiny@production");
        Assert.Equal("tiny@1", card.Display);
        Assert.Equal(["production"], card.Aliases);
        Assert.Equal("shapes@2", card.Lineage.TrainedOn);
        Assert.Equal(300, card.EvaluatedExamples);
        var accuracy = card.Metrics.Single(m => m.Name == "accuracy");
        Assert.Equal(0.8, accuracy.Value, 12);
        var interval = accuracy.Interval!.Value;
        Assert.True(interval.Low < 0.8 && interval.High > 0.8, $"{interval}");
        // The binomial standard error at n=300, p=0.8 is 0.023: a 95% interval spans about ±4.5 points.
        Assert.InRange(interval.High - interval.Low, 0.06, 0.12);
        Assert.Equal("c", card.WeakestClasses[0].Name);
        Assert.Equal(0.4, card.WeakestClasses[0].Recall, 12);
        Assert.Equal(("c", "b", 60L), (card.Confusions[0].Actual, card.Confusions[0].Predicted, card.Confusions[0].Count));
        Assert.Empty(card.Derivation);
        Assert.Contains(card.Limits, l => l.Contains("Weakest on 'c'", StringComparison.Ordinal));
        Assert.Contains("4×4", card.Inputs);
    }

    [Fact]
    public async Task Card_OfAQuantizedChild_TracesItToItsParent_AndEscapesItsDescription()
    {
        var card = await ModelCardBuilder.BuildAsync(_registry, "tiny-int8@1");
        var step = Assert.Single(card.Derivation);
        Assert.Equal(("tiny-int8@1", "int8 quantization", "tiny@1"), (step.Model, step.Method, step.From));
        Assert.Contains("minmax", step.Details);
        Assert.NotNull(card.EvaluationNote);
        Assert.Contains(card.Limits, l => l.Contains("int8", StringComparison.Ordinal));
        Assert.Equal("Sorts <b>shapes</b> | for the demo.", card.Purpose);

        string html = ModelCardHtml.Render(card);
        Assert.Contains("Sorts &lt;b&gt;shapes&lt;/b&gt;", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain(_root, html);
        string md = ModelCardMarkdown.Render(card);
        Assert.Contains(@"Sorts \<b\>shapes\</b\> \| for the demo.", md);
        Assert.Contains("int8 quantization of tiny@1", md);
        Assert.DoesNotContain(_root, md);
    }

    [Fact]
    public async Task Card_OfAFolder_IsRefusedWithTheFix()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ModelCardBuilder.BuildAsync(_registry, Path.Combine(_root, "float")));
        Assert.Contains("lepton models register", ex.Message);
    }
}
