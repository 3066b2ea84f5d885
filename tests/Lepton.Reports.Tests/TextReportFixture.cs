using Lepton.Reports.Evaluation;
using Lepton.Reports.Evaluation.Text;

namespace Lepton.Reports.Tests;

/// <summary>
/// 600 test-made texts (every third in the test split) with one planted mistake, a ham text thick with "free" at
/// <see cref="Planted"/>, and two keyword models: "sharp" (spam for "free" or "win") and "blunt" (only "free"). Both models'
/// report and their comparison are built once for the tests to read.
/// </summary>
public sealed class TextReportFixture : IAsyncLifetime
{
    public const int Examples = 600, Planted = 9;

    public const string PlantedText = "free lunch free team";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "lepton-text-report-tests", Guid.NewGuid().ToString("N"));

    public ReportData Data { get; private set; } = null!;

    public List<string> Texts { get; private set; } = null!;

    public List<int> Labels { get; private set; } = null!;

    public ReportModel Sharp { get; private set; } = null!;

    public ReportModel Blunt { get; private set; } = null!;

    public EvaluationReport Report { get; private set; } = null!;

    public ComparisonReport Comparison { get; private set; } = null!;

    public static ReportOptions Options { get; } = new(BootstrapResamples: 200, Seed: 5);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var tokenizer = TextModels.Tokenizer();
        Sharp = new ReportModel("sharp", TextModels.WriteModel(Path.Combine(Root, "sharp"), tokenizer, new Dictionary<string, float> { ["free"] = 12, ["win"] = 12 }));
        Blunt = new ReportModel("blunt", TextModels.WriteModel(Path.Combine(Root, "blunt"), tokenizer, new Dictionary<string, float> { ["free"] = 12 }));
        (Texts, Labels) = TextModels.Make(Examples, seed: 4);
        Texts[Planted] = PlantedText;
        Labels[Planted] = 0;
        var splits = Enumerable.Range(0, Examples).Select(i => i % 3 == 0 ? "test" : "train").ToList();
        Data = new ReportData("mail (test-made)", new TextExamples(Texts, Labels, TextModels.Classes), splits, "test", "mail@1");
        Report = await ReportWorkflow.EvaluateAsync(Sharp, Data, null, Options);
        Comparison = await ReportWorkflow.CompareAsync(Sharp, Blunt, Data, null, Options);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        return Task.CompletedTask;
    }
}
