using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Evaluation.Text;
using Lepton.Reports.Html;
using Lepton.Runtime;
using Lepton.Runtime.Text;

namespace Lepton.Reports.Tests;

/// <summary>
/// The text classifier's report: its numbers are the model's own answers (run here through the runtime as <c>lepton predict</c>
/// runs them), the page shows exactly evaluation.json's numbers, the gallery highlights the planted mistake's decisive word,
/// slices cut by script and length, and hostile or long texts are escaped and cut.
/// </summary>
public sealed partial class TextReportTests(TextReportFixture fx) : IClassFixture<TextReportFixture>
{
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [GeneratedRegex("<rect class=\"cell\"[^>]*?data-row=\"(\\d+)\" data-col=\"(\\d+)\" data-value=\"(\\d+)\"")]
    private static partial Regex Cell();

    [Fact]
    public void Metrics_AreTheModelsOwnPredictions_OnTheTestSplit()
    {
        using var predictor = PredictorLoader.Default.Load(fx.Sharp.Folder);
        var encoder = TextInputEncoder.TryLoad(fx.Sharp.Folder, predictor.Signature)!;
        var test = fx.Data.HeadlineIndices;
        var logits = predictor.Predict(encoder.Encode([.. test.Select(i => fx.Texts[i])]))[0].ToArray();
        int correct = test.Select((e, j) => (logits[2 * j + 1] > logits[2 * j] ? 1 : 0) == fx.Labels[e] ? 1 : 0).Sum();
        Assert.Equal(200, fx.Report.Metrics.Count);
        Assert.Equal((double)correct / test.Count, fx.Report.Metrics.Accuracy, 12);
        Assert.InRange(fx.Report.Metrics.Accuracy, 0.8, 0.99);
    }

    [Fact]
    public void Html_ShowsEvaluationJsonsNumbers()
    {
        string html = EvaluationReportHtml.Render(fx.Report);
        var json = fx.Report.EvaluationJson();
        foreach (var key in new[] { "accuracy", "macro_f1", "loss" })
        {
            var m = Regex.Match(html, $"<tr class=\"metric\" data-metric=\"{key}\" data-value=\"([^\"]+)\"");
            Assert.True(m.Success, key);
            Assert.Equal(json[key]!.GetValue<double>(), D(m.Groups[1].Value));
        }
        var classes = json["classes"]!.AsArray();
        foreach (var c in classes)
        {
            var m = Regex.Match(html, $"<tr class=\"class\" data-class=\"{c!["name"]}\" data-precision=\"([^\"]+)\" data-recall=\"([^\"]+)\" data-f1=\"([^\"]+)\" data-support=\"(\\d+)\"");
            Assert.True(m.Success, c!["name"]!.ToString());
            Assert.Equal(c["precision"]!.GetValue<double>(), D(m.Groups[1].Value));
            Assert.Equal(c["recall"]!.GetValue<double>(), D(m.Groups[2].Value));
            Assert.Equal(c["support"]!.GetValue<int>(), int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture));
        }
        var matrix = json["confusion_matrix"]!.AsArray();
        var cells = Cell().Matches(html);
        Assert.Equal(4, cells.Count);
        foreach (Match cell in cells)
            Assert.Equal(matrix[int.Parse(cell.Groups[1].Value, CultureInfo.InvariantCulture)]![int.Parse(cell.Groups[2].Value, CultureInfo.InvariantCulture)]!.GetValue<int>(),
                int.Parse(cell.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.Contains("data-chart=\"roc\"", html);
        Assert.Contains("data-chart=\"reliability\"", html);
        Assert.Equal(JsonNode.Parse(Regex.Match(html, "<script type=\"application/json\" id=\"evaluation-json\">(.*?)</script>").Groups[1].Value)!.ToJsonString(), json.ToJsonString());
    }

    [Fact]
    public void Gallery_HighlightsThePlantedMistakesDecisiveWord()
    {
        var first = fx.Report.Mistakes[0];
        Assert.Equal((TextReportFixture.Planted, 0, 1), (first.Index, first.Actual, first.Predicted));
        string html = EvaluationReportHtml.Render(fx.Report);
        var figure = Regex.Match(html, $"<figure data-index=\"{TextReportFixture.Planted}\"[^>]*>(.*?)</figure>").Groups[1].Value;
        Assert.Contains("class=\"text highlighted\"", figure);
        // Each "free" is red (it argued for spam), with a positive score; the other words argued (less) against: taking one out
        // raises the share of "free" in the model's mean over the text.
        var tokens = Regex.Matches(figure, "<span title=\"([^\"]+)\" style=\"background:rgba\\(([0-9,]+),([0-9.]+)\\);[^\"]*\">([^<]+)</span>")
            .Select(m => (Score: D(m.Groups[1].Value), Colour: m.Groups[2].Value, Word: m.Groups[4].Value.Trim())).ToList();
        Assert.Equal(["free", "lunch", "free", "team"], tokens.Select(t => t.Word));
        Assert.All(tokens.Where(t => t.Word == "free"), t => Assert.True(t.Score > 0 && t.Colour == "220,38,38", $"{t}"));
        double free = tokens.Where(t => t.Word == "free").Min(t => t.Score);
        Assert.All(tokens.Where(t => t.Word != "free"), t => Assert.True(t.Score <= 0 && -t.Score < free && t.Colour == "37,99,235", $"{t} vs free {free}"));
        Assert.Contains("token occlusion", html);
    }

    [Fact]
    public void Slices_CutByScriptAndLength()
    {
        var scripts = fx.Report.Slices.Where(s => s.Group == "script").ToList();
        Assert.Equal(["Latin", "Cyrillic"], scripts.Select(s => s.Name).Order().Reverse());
        Assert.Equal(fx.Texts.Count(t => TextScripts.Dominant(t) == "Cyrillic"), scripts.Single(s => s.Name == "Cyrillic").Count);
        Assert.True(scripts.Single(s => s.Name == "Cyrillic").Count > 10);
        foreach (var group in new[] { "length (characters)", "length (tokens)" })
            Assert.Equal(fx.Data.Count, fx.Report.Slices.Where(s => s.Group == group).Sum(s => s.Count));
        var chars = fx.Report.Inputs["length (characters)"].Values;
        Assert.Equal(TextReportFixture.PlantedText.Length, chars[TextReportFixture.Planted]);
        Assert.Equal(4, fx.Report.Inputs["length (tokens)"].Values[TextReportFixture.Planted]);
    }

    [Fact]
    public async Task HostileAndLongTexts_AreEscaped_AndCut()
    {
        string hostile = "free <script>alert(1)</script> & free";
        string longText = string.Join(' ', Enumerable.Repeat("free lunch", 2000));
        var data = new ReportData("hostile", new TextExamples([hostile, longText, "meeting notes"], [0, 0, 0], TextModels.Classes), ["test", "test", "test"], "test");
        var report = await ReportWorkflow.EvaluateAsync(fx.Sharp, data, null, TextReportFixture.Options);
        Assert.Equal(2, report.Mistakes.Count);
        string html = EvaluationReportHtml.Render(report);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("&lt;", html);
        Assert.Contains("&amp;", html);
        Assert.Contains("[the model reads the first 64 tokens", html);
        Assert.True(html.Length < 200_000, $"{html.Length} characters");
        Assert.Equal("plain <b>", Regex.Match(TextViews.Plain("plain <b>"), ">([^<]*)<").Groups[1].Value.Replace("&lt;b&gt;", "<b>", StringComparison.Ordinal));
        string cut = TextViews.Plain(new string('x', 5000));
        Assert.Contains("(+3,800 characters)", cut);
    }

    [Fact]
    public void Comparison_CountsDiscordantTexts_AndShowsEachErringModelsHighlights()
    {
        var c = fx.Comparison;
        var test = fx.Data.HeadlineIndices;
        int onlySharp = test.Count(i => c.First.Scores.IsCorrect(i) && !c.Second.Scores.IsCorrect(i));
        Assert.Equal(onlySharp, c.McNemar.OnlyFirstCorrect);
        Assert.True(onlySharp > 10, $"{onlySharp}");
        // Blunt misses the spam that says "win": those are the texts only sharp gets right.
        Assert.All(c.OnlyFirstCorrect, m => Assert.Contains("win", fx.Texts[m.Index]));
        Assert.True(c.McNemar.IsSignificant());
        string html = ComparisonReportHtml.Render(c);
        string onlyA = Regex.Match(html, "<div class=\"gallery wide only-a\">(.*?)</div><h3>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(Math.Min(onlySharp, TextReportFixture.Options.Mistakes), Regex.Count(onlyA, "<figure data-index=\"\\d+\"[^>]*><div class=\"text highlighted\""));
    }
}
