using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton eval --report</c> and <c>--compare</c> on a text data set version: two text-bow models trained on it (one epoch and
/// fifteen), the report's numbers written beside the page, the gallery's texts highlighted, and the paired test between them.
/// </summary>
[Collection("cli")]
public sealed class EvalTextReportCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-eval-text").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private static readonly string[] Filler = ["today", "we", "talked", "about", "the", "and", "really", "yesterday", "friends", "said", "it", "was"];

    // 80 texts per class: 4 to 8 filler words with one of the class's keywords; a few carry the other class's keyword instead.
    private string Folder()
    {
        var rng = new Random(5);
        var keywords = new Dictionary<string, string[]> { ["sport"] = ["match", "goal", "team"], ["cooking"] = ["recipe", "oven", "flour"] };
        string root = Path.Combine(_root, "texts");
        foreach (var (label, own) in keywords)
        {
            Directory.CreateDirectory(Path.Combine(root, label));
            var other = keywords.First(k => k.Key != label).Value;
            for (int i = 0; i < 80; i++)
            {
                var words = Enumerable.Range(0, rng.Next(4, 9)).Select(_ => Filler[rng.Next(Filler.Length)]).ToList();
                var pool = rng.NextDouble() < 0.1 ? other : own;
                words.Insert(rng.Next(words.Count + 1), pool[rng.Next(pool.Length)]);
                File.WriteAllText(Path.Combine(root, label, $"{i:D3}.txt"), string.Join(' ', words) + (i == 0 ? " <b>&</b>" : "."), new UTF8Encoding(false));
            }
        }
        return root;
    }

    [Fact]
    public async Task EvalReport_OnATextVersion_WritesTheFullReport_AndCompareTestsTwoTextModels()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Folder(), "--name", "cli-eval-topics", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("data", "split", "cli-eval-topics@1", "--test", "0.3", "--json");
        Assert.True(code == 0, err);
        foreach (var (name, epochs) in new[] { ("weak", "1"), ("strong", "15") })
        {
            (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-eval-topics@2", "--model", "text-bow", "--epochs", epochs, "--vocab-size", "300",
                "--seed", "1", "--out", Path.Combine(_root, name), "--register", "cli-eval-" + name, "--json");
            Assert.True(code == 0, err + stdout);
        }

        string page = Path.Combine(_root, "reports", "strong.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", "cli-eval-strong@1", "--data", "cli-eval-topics@2", "--report", page, "--bootstrap", "100", "--json");
        Assert.True(code == 0, err + stdout);
        var result = Json(stdout);
        var evaluation = result.GetProperty("evaluation");
        var written = Json(await File.ReadAllTextAsync(Path.Combine(_root, "reports", "strong.evaluation.json")));
        Assert.Equal(evaluation.GetProperty("accuracy").GetDouble(), written.GetProperty("accuracy").GetDouble());
        int tests = evaluation.GetProperty("count").GetInt32();
        Assert.InRange(tests, 40, 56); // the test split's 30% of 160 texts
        string html = await File.ReadAllTextAsync(page);
        Assert.Matches($"<tr class=\"metric\" data-metric=\"accuracy\" data-value=\"{Regex.Escape(evaluation.GetProperty("accuracy").GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture))}\"", html);
        Assert.Contains("data-chart=\"training-loss\"", html);
        Assert.Contains("data-group=\"length (tokens)\"", html);
        Assert.Contains("data-slice=\"test\"", html);
        int figures = Regex.Count(html, "<figure data-index=");
        Assert.Equal(figures, Regex.Count(html, "<div class=\"text highlighted\""));
        Assert.DoesNotContain("<b>&</b>", html);

        string compare = Path.Combine(_root, "reports", "compare.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--compare", "cli-eval-weak@1", "cli-eval-strong@1", "--data", "cli-eval-topics@2", "--report", compare,
            "--bootstrap", "100", "--json");
        Assert.True(code == 0, err + stdout);
        var c = Json(stdout);
        var mcnemar = c.GetProperty("mcnemar");
        var accuracy = c.GetProperty("differences").EnumerateArray().Single(d => d.GetProperty("metric").GetString() == "accuracy");
        // B − A in accuracy is (only B right − only A right) over the test texts.
        Assert.Equal((mcnemar.GetProperty("only_b_correct").GetInt32() - mcnemar.GetProperty("only_a_correct").GetInt32()) / (double)tests,
            accuracy.GetProperty("difference").GetDouble(), 12);
        Assert.Equal(evaluation.GetProperty("accuracy").GetDouble(), accuracy.GetProperty("b").GetDouble(), 12);
        string comparison = await File.ReadAllTextAsync(compare);
        Assert.Contains("table class=\"mcnemar\"", comparison);
        Assert.Equal(Math.Min(24, mcnemar.GetProperty("only_b_correct").GetInt32()),
            Regex.Count(Regex.Match(comparison, "<h3>B right, A wrong.*?</section>", RegexOptions.Singleline).Value, "<div class=\"text highlighted\""));

        (code, _, err) = await CliRun.Invoke("eval", "--model", "cli-eval-strong@1", "--data", "fashion-mnist", "--data-dir", fx.DataDir, "--report", Path.Combine(_root, "x.html"));
        Assert.NotEqual(0, code);
        Assert.Contains("not images", err);
    }
}
