using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton eval --groups</c>: a loan model that learned to approve renters less fails the four-fifths rule by home and says so
/// on the console, in JSON and on the page, and one trained with <c>--exclude home</c> reads no home and passes; a linear price model
/// that cannot bend shows which size quartile it under-predicts; wrong columns, classes and data are refused by name.
/// </summary>
[Collection("cli")]
public sealed class EvalTableGroupsCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-eval-groups").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // 2,000 applicants: approval rises with income and falls for renters, with noise.
    private string Csv()
    {
        var rng = new Random(31);
        var sb = new StringBuilder("applicant,income,home,age,approved\n");
        for (int i = 0; i < 2000; i++)
        {
            double income = Math.Round(20 + rng.NextDouble() * 80, 1);
            bool rent = rng.NextDouble() < 0.5;
            int age = 21 + rng.Next(50);
            double z = -3 + 0.06 * income - (rent ? 2.5 : 0) + (rng.NextDouble() - 0.5) * 2;
            bool approved = rng.NextDouble() < 1 / (1 + Math.Exp(-z));
            sb.Append(CultureInfo.InvariantCulture, $"A{i:D4},{income},{(rent ? "rent" : "own")},{age},{(approved ? "yes" : "no")}\n");
        }
        string path = Path.Combine(_root, "loans.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task EvalGroups_ComparesDecisionsAcrossGroups_AndRefusesWhatItCannotCompare()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-loans", "--label-column", "approved", "--json");
        Assert.True(code == 0, err);
        // Inspecting with a sensitive column: nothing here stands in for home (income and age are drawn apart from it).
        (code, stdout, err) = await CliRun.Invoke("data", "inspect", "cli-loans@1", "--sensitive", "home", "--json");
        Assert.True(code == 0, err);
        Assert.DoesNotContain("proxy-column", stdout, StringComparison.Ordinal);
        (code, _, err) = await CliRun.Invoke("data", "inspect", "cli-loans@1", "--sensitive", "region");
        Assert.Equal(2, code);
        Assert.Contains("--sensitive names 'region', which the table does not have", err, StringComparison.Ordinal);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-loans@1", "--test", "0.25", "--stratify", "--seed", "1", "--json");
        Assert.True(code == 0, err);
        string model = Path.Combine(_root, "loans");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-loans@2", "--model", "logistic", "--out", model, "--json");
        Assert.True(code == 0, err + stdout);

        string page = Path.Combine(_root, "loans.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", model, "--data", "cli-loans@2", "--groups", "home,age,home+age", "--report", page, "--bootstrap", "50", "--json");
        Assert.True(code == 0, err + stdout);
        var groups = JsonDocument.Parse(stdout).RootElement.GetProperty("groups");
        var home = groups[0];
        Assert.Equal("home", home.GetProperty("column").GetString());
        Assert.Equal("yes", home.GetProperty("favorable").GetString()); // the second class by default
        var byHome = home.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("group").GetString()!);
        Assert.Equal(500, byHome.Values.Sum(g => g.GetProperty("rows").GetInt32())); // the 500 test rows
        Assert.True(byHome["rent"].GetProperty("selection_rate").GetDouble() < byHome["own"].GetProperty("selection_rate").GetDouble());
        double awareRatio = home.GetProperty("selection_ratio").GetDouble();
        Assert.InRange(awareRatio, 0, 0.8);
        Assert.True(home.GetProperty("fails_four_fifths").GetBoolean());
        Assert.InRange(home.GetProperty("selection_p_value").GetDouble(), 0, 0.01);
        // A logistic model that reads home scores each group near its own rate (calibrated in the large).
        double awareGap = home.GetProperty("calibration_gap").GetDouble();
        Assert.InRange(awareGap, 0, 0.08);
        Assert.InRange(byHome["rent"].GetProperty("mean_score").GetDouble(), 0.1, 0.4);
        var age = groups[1];
        Assert.Equal(4, age.GetProperty("groups").GetArrayLength()); // quartiles of a number with many values
        Assert.StartsWith("Q1 (", age.GetProperty("groups")[0].GetProperty("group").GetString(), StringComparison.Ordinal);
        string html = await File.ReadAllTextAsync(page);
        Assert.Contains("<a href=\"#groups\">groups</a>", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"selection\" data-column=\"home\"", html, StringComparison.Ordinal);
        Assert.Matches("<tr data-group=\"rent\" data-rows=\"\\d+\" data-selection=", html);
        var written = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(page, ".evaluation.json"))).RootElement;
        Assert.Equal(3, written.GetProperty("groups").GetArrayLength());
        // The intersection: each home by each age quartile.
        var intersection = groups[2];
        Assert.Equal("home+age", intersection.GetProperty("column").GetString());
        Assert.Equal(8, intersection.GetProperty("groups").GetArrayLength());
        // In home's order (its larger group first), then age's.
        string larger = byHome.MaxBy(g => g.Value.GetProperty("rows").GetInt32()).Key;
        Assert.StartsWith($"{larger} · Q1 (", intersection.GetProperty("groups")[0].GetProperty("group").GetString(), StringComparison.Ordinal);
        Assert.StartsWith($"{larger} · Q2 (", intersection.GetProperty("groups")[1].GetProperty("group").GetString(), StringComparison.Ordinal);

        // The favorable outcome can be the other class: the rates become their complements' view, the verdict is printed.
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", model, "--data", "cli-loans@2", "--groups", "home", "--favorable", "no");
        Assert.True(code == 0, err + stdout);
        string text = Regex.Replace(stdout, "\\s+", " ");
        Assert.Contains("'home', 'no' given to", text, StringComparison.Ordinal);
        Assert.Contains("(the favorable outcome)", text, StringComparison.Ordinal);

        foreach (var (args, message) in new (string[], string)[]
                 {
                     (["--groups", "region"], "--groups names 'region', which the data set does not have"),
                     (["--groups", "applicant"], "cannot group rows by 'applicant', a column of kind identifier"),
                     (["--groups", "home", "--favorable", "maybe"], "--favorable names 'maybe', which is not one of the model's classes ('no', 'yes')"),
                     (["--favorable", "no"], "--favorable says which class the groups are compared on"),
                     (["--groups", "home,home"], "--groups names 'home' twice"),
                     (["--groups", "home", "--min-group-rows", "0"], "--min-group-rows must be at least 1"),
                 })
        {
            (code, _, err) = await CliRun.Invoke(["eval", "--model", model, "--data", "cli-loans@2", .. args]);
            Assert.Equal(2, code);
            Assert.Contains(message, Regex.Replace(err, "\\s+", " "), StringComparison.Ordinal);
        }
        (code, _, err) = await CliRun.Invoke("eval", "--model", model, "--data", "fashion-mnist", "--groups", "home");
        Assert.Equal(2, code);
        Assert.Contains("--groups compares groups of a table's rows; fashion-mnist is not a table data set version", Regex.Replace(err, "\\s+", " "), StringComparison.Ordinal);

        // Kept from home, the model does not ask for it, and its approvals differ by home only as the test rows' incomes do.
        string blind = Path.Combine(_root, "blind");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-loans@2", "--model", "logistic", "--exclude", "home", "--out", blind, "--json");
        Assert.True(code == 0, err + stdout);
        var columns = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(blind, "encoders.json"))).RootElement.GetProperty("columns")
            .EnumerateArray().Select(c => c.GetProperty("column").GetString()).ToList();
        Assert.Equal(["income", "age"], columns);
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", blind, "--data", "cli-loans@2", "--groups", "home", "--json");
        Assert.True(code == 0, err + stdout);
        var fair = JsonDocument.Parse(stdout).RootElement.GetProperty("groups")[0];
        Assert.True(fair.GetProperty("selection_ratio").GetDouble() > awareRatio + 0.2, stdout);
        // Blind to home, it scores renters far above their rate and owners below theirs: the score means something else per group.
        Assert.True(fair.GetProperty("calibration_gap").GetDouble() > awareGap + 0.1, stdout);
        // The model card of a registered version measures the same groups and names a broken four-fifths rule among its limits.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-loans@2", "--model", "logistic", "--out", Path.Combine(_root, "registered"), "--register", "cli-loans-card", "--json");
        Assert.True(code == 0, err + stdout);
        string cards = Path.Combine(_root, "card");
        (code, stdout, err) = await CliRun.Invoke("models", "card", "cli-loans-card@1", "--groups", "home", "--data", "cli-loans@2", "--out", cards, "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal(awareRatio, JsonDocument.Parse(stdout).RootElement.GetProperty("groups")[0].GetProperty("selection_ratio").GetDouble(), 12);
        string md = await File.ReadAllTextAsync(Path.Combine(cards, "card.md"));
        Assert.Contains("## Groups", md, StringComparison.Ordinal);
        Assert.Contains("| rent | ", md, StringComparison.Ordinal);
        Assert.Contains("By 'home', 'yes' goes to the least-favored group at", md, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"selection\" data-column=\"home\"", await File.ReadAllTextAsync(Path.Combine(cards, "card.html")), StringComparison.Ordinal);
        (code, _, err) = await CliRun.Invoke("models", "card", "cli-loans-card@1", "--groups", "home", "--out", cards);
        Assert.Equal(2, code);
        Assert.Contains("name it with --data NAME@V", err, StringComparison.Ordinal);

        // Side by side: --compare A B --groups shows both models' decisions by the same groups.
        string both = Path.Combine(_root, "both.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--compare", model, blind, "--data", "cli-loans@2", "--groups", "home", "--report", both, "--bootstrap", "50", "--json");
        Assert.True(code == 0, err + stdout);
        var sides = JsonDocument.Parse(stdout).RootElement.GetProperty("groups");
        Assert.Equal(awareRatio, sides.GetProperty("a")[0].GetProperty("selection_ratio").GetDouble(), 12);
        Assert.Equal(fair.GetProperty("selection_ratio").GetDouble(), sides.GetProperty("b")[0].GetProperty("selection_ratio").GetDouble(), 12);
        string compared = await File.ReadAllTextAsync(both);
        Assert.Contains("<a href=\"#groups\">groups</a>", compared, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(compared, "data-chart=\"selection\" data-column=\"home\"").Count);
        foreach (var (args, message) in new (string[], string)[]
                 {
                     (["--exclude", "approved"], "--exclude names 'approved', the label of cli-loans@2"),
                     (["--exclude", "region"], "--exclude names 'region', which cli-loans@2 does not have"),
                     (["--exclude", "income,age,home"], "--exclude income,age,home leaves cli-loans@2 no column to learn from"),
                     (["--exclude", "home", "--monotone", "home=increasing"], "--monotone names 'home', which the model does not learn from"),
                 })
        {
            (code, stdout, err) = await CliRun.Invoke(["train", "--data", "cli-loans@2", "--model", "logistic", "--out", Path.Combine(_root, "refused"), .. args]);
            Assert.Equal(2, code);
            Assert.Contains(message, Regex.Replace(err, "\\s+", " "), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TrainExclude_NamesTheColumnsThatStillCarryTheExcludedOne()
    {
        _ = fx;
        // A postcode that tells renters from owners nine times in ten: excluding home leaves it in the model.
        var rng = new Random(41);
        var sb = new StringBuilder("zip,home,income,approved\n");
        for (int i = 0; i < 600; i++)
        {
            bool rent = rng.NextDouble() < 0.4, typical = rng.NextDouble() < 0.9;
            string zip = rent == typical ? $"C{rng.Next(2)}" : $"S{rng.Next(3)}";
            double income = Math.Round(20 + rng.NextDouble() * 80, 1);
            sb.Append(CultureInfo.InvariantCulture, $"{zip},{(rent ? "rent" : "own")},{income},{(income - (rent ? 20 : 0) > 50 ? "yes" : "no")}\n");
        }
        string csv = Path.Combine(_root, "zips.csv");
        await File.WriteAllTextAsync(csv, sb.ToString());
        var (code, stdout, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-zips", "--label-column", "approved", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-zips@1", "--model", "logistic", "--exclude", "home", "--out", Path.Combine(_root, "zips"), "--json");
        Assert.True(code == 0, err + stdout);
        var proxy = JsonDocument.Parse(stdout).RootElement.GetProperty("proxies").EnumerateArray().Single();
        Assert.Equal(("zip", "home"), (proxy.GetProperty("column").GetString(), proxy.GetProperty("carries").GetString()));
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-zips@1", "--model", "logistic", "--exclude", "home", "--out", Path.Combine(_root, "zips"));
        Assert.True(code == 0, err + stdout);
        Assert.Contains("'zip' may stand in for 'home'", Regex.Replace(stdout, "\\s+", " "), StringComparison.Ordinal);

        // Where approval followed home alone (70% of owners, 30% of renters) and the postcode tells home exactly, a model kept from
        // home learns it through zip; reweighed by home, the training rows no longer teach it, and its scores are alike by home.
        var sameRng = new Random(5);
        var rows = new StringBuilder("zip,home,income,approved\n");
        for (int i = 0; i < 800; i++)
        {
            bool rent = sameRng.NextDouble() < 0.4;
            string zip = rent ? $"C{sameRng.Next(2)}" : $"S{sameRng.Next(3)}";
            double income = Math.Round(20 + sameRng.NextDouble() * 80, 1);
            rows.Append(CultureInfo.InvariantCulture, $"{zip},{(rent ? "rent" : "own")},{income},{(sameRng.NextDouble() < (rent ? 0.3 : 0.7) ? "yes" : "no")}\n");
        }
        string history = Path.Combine(_root, "history.csv");
        await File.WriteAllTextAsync(history, rows.ToString());
        (code, stdout, err) = await CliRun.Invoke("data", "import", history, "--name", "cli-history", "--label-column", "approved", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("data", "split", "cli-history@1", "--test", "0.3", "--stratify", "--seed", "1", "--json");
        Assert.True(code == 0, err);
        async Task<double> ScoreGapAsync(string name, params string[] extra)
        {
            string folder = Path.Combine(_root, name);
            var (c, o, e) = await CliRun.Invoke(["train", "--data", "cli-history@2", "--model", "logistic", "--exclude", "home", "--out", folder, "--json", .. extra]);
            Assert.True(c == 0, e + o);
            (c, o, e) = await CliRun.Invoke("eval", "--model", folder, "--data", "cli-history@2", "--groups", "home", "--bootstrap", "10", "--json");
            Assert.True(c == 0, e + o);
            var scores = JsonDocument.Parse(o).RootElement.GetProperty("groups")[0].GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("mean_score").GetDouble()).ToList();
            return scores.Max() - scores.Min();
        }
        double plain = await ScoreGapAsync("history-plain"), reweighed = await ScoreGapAsync("history-reweighed", "--reweigh", "home");
        Assert.True(plain > 0.25 && reweighed < 0.05, $"mean score gap by home: {plain:F3} without reweighing, {reweighed:F3} with");
        // Its card says what it was kept from and reweighed by, and that other columns may still carry home.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-history@2", "--model", "logistic", "--exclude", "home", "--reweigh", "home",
            "--out", Path.Combine(_root, "history-registered"), "--register", "cli-history-card", "--json");
        Assert.True(code == 0, err + stdout);
        (code, stdout, err) = await CliRun.Invoke("models", "card", "cli-history-card@1", "--out", Path.Combine(_root, "history-card"));
        Assert.True(code == 0, err + stdout);
        string card = Regex.Replace(await File.ReadAllTextAsync(Path.Combine(_root, "history-card", "card.md")), "\\s+", " ");
        Assert.Contains("kept from home (excluded at training); training rows reweighed so the label does not depend on home", card, StringComparison.Ordinal);
        Assert.Contains("Kept from home, yet other columns may carry them (lepton data inspect --sensitive home names those)", card, StringComparison.Ordinal);
        var spec = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_root, "history-reweighed", "model.json"))).RootElement;
        Assert.Equal("home", spec.GetProperty("metadata").GetProperty("reweigh").GetString());
        foreach (var (args, message) in new (string[], string)[]
                 {
                     (["--model", "mlp", "--reweigh", "home"], "--reweigh home: the MLP takes no row weights"),
                     (["--model", "logistic", "--reweigh", "region"], "--reweigh names 'region', which the data set does not have"),
                 })
        {
            (code, _, err) = await CliRun.Invoke(["train", "--data", "cli-history@2", "--out", Path.Combine(_root, "refused"), .. args]);
            Assert.Equal(2, code);
            Assert.Contains(message, Regex.Replace(err, "\\s+", " "), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EvalGroups_ShowWhichGroupARegressorMisses()
    {
        _ = fx;
        // The largest homes cost 80 more than their size says: a straight line under-predicts them and over-predicts the rest.
        string csv = HousePrices.Csv(_root, 600, seed: 9, (_, size) => size > 130 ? 80 : 0);
        var (code, stdout, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-houses-groups", "--label-column", "price", "--json");
        Assert.True(code == 0, err);
        string model = Path.Combine(_root, "houses");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-houses-groups@1", "--model", "linear", "--out", model, "--json");
        Assert.True(code == 0, err + stdout);
        string page = Path.Combine(_root, "houses.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", model, "--data", "cli-houses-groups@1", "--groups", "size,side", "--report", page, "--bootstrap", "50", "--json");
        Assert.True(code == 0, err + stdout);
        var size = JsonDocument.Parse(stdout).RootElement.GetProperty("groups")[0];
        var quartiles = size.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(4, quartiles.Count);
        Assert.StartsWith("Q4 (", quartiles[3].GetProperty("group").GetString(), StringComparison.Ordinal);
        Assert.True(quartiles[3].GetProperty("bias_high").GetDouble() < 0, "the largest homes are under-predicted");
        Assert.True(quartiles[1].GetProperty("bias_low").GetDouble() > 0, "the middle ones over-predicted");
        Assert.True(size.GetProperty("bias_gap").GetDouble() > 20);
        Assert.Contains("data-chart=\"group-mae\" data-column=\"size\"", await File.ReadAllTextAsync(page), StringComparison.Ordinal);
        (code, _, err) = await CliRun.Invoke("eval", "--model", model, "--data", "cli-houses-groups@1", "--groups", "side", "--favorable", "yes");
        Assert.Equal(2, code);
        Assert.Contains("a regressor's groups are compared by their errors", Regex.Replace(err, "\\s+", " "), StringComparison.Ordinal);
        (code, _, err) = await CliRun.Invoke("eval", "--compare", model, model, "--data", "cli-houses-groups@1", "--groups", "side");
        Assert.Equal(2, code);
        Assert.Contains("for two regressors run lepton eval --model M --groups on each", Regex.Replace(err, "\\s+", " "), StringComparison.Ordinal);
    }
}
