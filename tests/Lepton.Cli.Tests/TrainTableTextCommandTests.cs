using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary>
/// A table with a free-text column (support tickets whose words say whether they get escalated): the column is read as text,
/// learned from by trees and linear models through its terms, ranked first by permutation importance, and answered for
/// request rows whose text the model never saw.
/// </summary>
[Collection("cli")]
public sealed class TrainTableTextCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-text-table").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // 900 tickets: escalated when the message complains (crash, refund, outage words), whatever the plan; the plan alone says little.
    private string Csv()
    {
        var rng = new Random(31);
        string[] angry = ["the app keeps crashing", "I want a refund now", "service is down again", "charged twice and no answer", "login broken since monday"];
        string[] calm = ["thanks for the quick help", "how do I change my password", "question about the invoice layout", "please add a new user", "where is the export button"];
        string[] openers = ["hello", "hi team", "dear support", "good morning", "hey"];
        var sb = new StringBuilder("ticket,plan,tenure,message,escalated\n");
        for (int i = 0; i < 900; i++)
        {
            bool bad = rng.NextDouble() < 0.4;
            var pool = bad ^ (rng.NextDouble() < 0.05) ? angry : calm; // a few messages say the opposite
            string message = $"{openers[rng.Next(openers.Length)]} {pool[rng.Next(pool.Length)]} ticket {i % 211}";
            sb.Append(CultureInfo.InvariantCulture, $"T{i:D4},{new[] { "basic", "pro" }[rng.Next(2)]},{rng.Next(1, 50)},{message},{(bad ? "yes" : "no")}\n");
        }
        var path = Path.Combine(_root, "tickets.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task TrainTable_AFreeTextColumn_IsLearnedFrom_RankedByImportance_AndAnsweredForNewText()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-tickets", "--label-column", "escalated", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("data", "inspect", "cli-tickets@1", "--json");
        Assert.True(code == 0, err);
        var kinds = JsonDocument.Parse(stdout).RootElement.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("kind").GetString());
        Assert.Equal("text", kinds["message"]);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-tickets@1", "--test", "0.25", "--stratify", "--seed", "2", "--json");
        Assert.True(code == 0, err);

        foreach (var learner in new[] { "gbdt", "logistic" })
        {
            string dir = Path.Combine(_root, learner);
            (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-tickets@2", "--model", learner, "--out", dir, "--json");
            Assert.True(code == 0, err + stdout);
            // The plan and tenure alone cannot beat the 60% majority; the words can.
            double accuracy = JsonDocument.Parse(stdout).RootElement.GetProperty("metrics").GetProperty("test_accuracy").GetDouble();
            Assert.True(accuracy > 0.9, $"{learner}: {stdout}");
            var encoders = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "encoders.json"))).RootElement;
            var text = encoders.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("column").GetString() == "message");
            Assert.Equal("text", text.GetProperty("kind").GetString());
            Assert.Contains("refund", text.GetProperty("terms").EnumerateArray().Select(t => t.GetString()));
        }

        // Permutation importance counts the message as the one column a client sends, and it matters most.
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", Path.Combine(_root, "gbdt"), "--data", "cli-tickets@2", "--json");
        Assert.True(code == 0, err + stdout);
        var importance = JsonDocument.Parse(stdout).RootElement.GetProperty("permutation_importance").EnumerateArray().ToList();
        Assert.Equal("message", importance[0].GetProperty("column").GetString());
        Assert.True(importance[0].GetProperty("drop").GetDouble() > 0.2, stdout);

        // New texts: a complaint in words the model knows, thanks, no message at all, and a number where text goes.
        string rows = Path.Combine(_root, "rows.jsonl");
        File.WriteAllText(rows, """
            {"plan": "pro", "tenure": 10, "message": "hey the app keeps crashing, I want a refund!"}
            {"plan": "pro", "tenure": 10, "message": "thanks for the quick help with my password"}
            {"plan": "pro", "tenure": 10}
            {"plan": "pro", "tenure": 10, "message": 42}
            """);
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", Path.Combine(_root, "logistic"), "--input", rows, "--json");
        Assert.True(code == 0, err + stdout);
        var answers = JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(a => a.GetProperty("label").GetString()).ToList();
        Assert.Equal(4, answers.Count);
        Assert.Equal(["yes", "no"], answers.Take(2));

        // A label of repeating phrases (120 reasons, each on several rows) is read as classes, not refused as free text.
        string reasons = Path.Combine(_root, "reasons.csv");
        File.WriteAllText(reasons, "amount,reason\n" + string.Concat(Enumerable.Range(0, 600).Select(i => $"{i % 37},the parcel arrived late for reason {i % 120}\n")));
        (code, stdout, err) = await CliRun.Invoke("data", "import", reasons, "--name", "cli-reasons", "--label-column", "reason", "--json");
        Assert.True(code == 0, err + stdout);
        (code, stdout, err) = await CliRun.Invoke("data", "inspect", "cli-reasons@1", "--json");
        Assert.True(code == 0, err);
        Assert.Equal("categorical", JsonDocument.Parse(stdout).RootElement.GetProperty("columns").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "reason").GetProperty("kind").GetString());

        // explain breaks the message's contribution down by the words it holds (never a word it lacks).
        const string complaint = "{\"plan\": \"pro\", \"tenure\": 10, \"message\": \"hey I want a refund now\"}";
        (code, stdout, err) = await CliRun.Invoke("explain", "--model", Path.Combine(_root, "logistic"), "--input", complaint, "--json");
        Assert.True(code == 0, err + stdout);
        var terms = JsonDocument.Parse(stdout).RootElement.GetProperty("terms").GetProperty("message").EnumerateObject().ToList();
        Assert.NotEmpty(terms);
        Assert.All(terms, t => Assert.All(t.Name.Split(' '), word => Assert.Contains(word, new[] { "hey", "i", "want", "a", "refund", "now" })));
        Assert.Contains(terms, t => t.Name.Contains("refund", StringComparison.Ordinal) && t.Value.GetDouble() > 0);
    }
}
