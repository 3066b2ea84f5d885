using System.Text;
using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton train --data TEXT@V</c>: a folder of English and Chinese sentences the test writes, whose class (sport,
/// weather, food) is decided by keywords among shared filler words, is imported and trained on with <c>text-bow</c> and
/// <c>text-lstm</c>; the version has no test split, so a stable-hash share is held out.
/// </summary>
[Collection("cli")]
public sealed class TrainTextCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-train-text").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private static readonly Dictionary<string, (string[] English, string[] Chinese)> Keywords = new()
    {
        ["sport"] = (["football", "match", "goal", "team", "coach"], ["足球", "比赛", "进球", "球队", "教练"]),
        ["weather"] = (["rain", "sunny", "forecast", "wind", "storm"], ["下雨", "天气", "晴天", "刮风", "暴雨"]),
        ["food"] = (["pizza", "dinner", "recipe", "noodles", "soup"], ["好吃", "米饭", "面条", "晚饭", "汤"]),
    };

    private static readonly string[] EnglishFiller = ["today", "we", "talked", "about", "the", "and", "really", "yesterday", "friends", "said", "it", "was", "my", "again"];
    private static readonly string[] ChineseFiller = ["我们", "今天", "朋友", "觉得", "非常", "昨天", "还是", "一起", "真的", "说"];

    // 150 texts per class, half English, half Chinese: 6 to 10 filler words with two of the class's keywords among them.
    private string Folder()
    {
        var rng = new Random(11);
        string root = Path.Combine(_root, "texts");
        foreach (var (label, (english, chinese)) in Keywords)
        {
            Directory.CreateDirectory(Path.Combine(root, label));
            for (int i = 0; i < 150; i++)
            {
                bool zh = i % 2 == 1;
                var words = Enumerable.Range(0, rng.Next(6, 11)).Select(_ => zh ? ChineseFiller[rng.Next(ChineseFiller.Length)] : EnglishFiller[rng.Next(EnglishFiller.Length)]).ToList();
                for (int k = 0; k < 2; k++)
                    words.Insert(rng.Next(words.Count + 1), zh ? chinese[rng.Next(chinese.Length)] : english[rng.Next(english.Length)]);
                string text = zh ? string.Concat(words) + "。" : string.Join(' ', words) + ".";
                File.WriteAllText(Path.Combine(root, label, $"{i:D3}.txt"), text, new UTF8Encoding(false));
            }
        }
        return root;
    }

    private static IReadOnlyList<string> GraphInputs(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model.json")));
        return [.. doc.RootElement.GetProperty("graph").GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()!)];
    }

    [Fact]
    public async Task TrainText_BowAndLstm_ScoreWellAndWriteTokenizerAndTwoInputModel()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Folder(), "--name", "cli-topics", "--json");
        Assert.True(code == 0, err);
        Assert.Equal("text", Json(stdout).GetProperty("kind").GetString());

        string bowDir = Path.Combine(_root, "bow");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-topics@1", "--model", "text-bow", "--epochs", "15", "--vocab-size", "2000",
            "--seed", "1", "--out", bowDir, "--register", "cli-topics", "--json");
        Assert.True(code == 0, err + stdout);
        var bow = Json(stdout);
        Assert.Equal("text-bow", bow.GetProperty("model").GetString());
        int test = bow.GetProperty("test_texts").GetInt32();
        Assert.InRange(test, 40, 100); // about 15% of 450 held out by hash
        Assert.Equal(450, test + bow.GetProperty("train_texts").GetInt32());
        double accuracy = bow.GetProperty("metrics").GetProperty("test_accuracy").GetDouble();
        Assert.True(accuracy >= 0.9, $"text-bow test accuracy {accuracy}: {stdout}");
        var losses = bow.GetProperty("epoch_losses").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.True(losses[^1] < losses[0], $"training loss did not fall: {string.Join(", ", losses)}");
        Assert.Equal("cli-topics@1", bow.GetProperty("registered").GetString());
        Assert.True(File.Exists(Path.Combine(bowDir, "tokenizer.json")));
        Assert.Equal(["ids", "mask"], GraphInputs(bowDir));
        // Training leaves the text reference serving's drift statistics are measured against.
        var reference = Lepton.Data.Profiles.ReferenceProfile.Load(bowDir);
        Assert.NotNull(reference?.Text);
        Assert.Equal(["sport", "weather", "food"], reference!.ClassNames.Order().Reverse().OrderBy(c => c == "sport" ? 0 : c == "weather" ? 1 : 2));

        // The trained model predicts raw texts through its own tokenizer, from --text and from a file of lines.
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-topics@1", "--text", "the team scored a late goal in the match", "--text", "明天下雨，还会刮风", "--json");
        Assert.True(code == 0, err + stdout);
        var answers = Json(stdout).EnumerateArray().ToList();
        Assert.Equal(2, answers.Count);
        Assert.Equal("sport", answers[0].GetProperty("label").GetString());
        Assert.Equal("weather", answers[1].GetProperty("label").GetString());
        string lines = Path.Combine(_root, "lines.txt");
        File.WriteAllText(lines, "pizza and soup for dinner\n\n今天晚饭吃面条\n", new UTF8Encoding(false));
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-topics@1", "--input", lines, "--json");
        Assert.True(code == 0, err + stdout);
        Assert.All(Json(stdout).EnumerateArray(), a => Assert.Equal("food", a.GetProperty("label").GetString()));
        Assert.Equal(2, Json(stdout).GetArrayLength());
        (code, _, err) = await CliRun.Invoke("predict", "--model", "cli-topics@1", "--text", "a", "--input", lines);
        Assert.Equal(2, code);
        Assert.Contains("not both", err);

        string lstmDir = Path.Combine(_root, "lstm");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-topics@1", "--model", "text-lstm", "--epochs", "20", "--vocab-size", "600",
            "--seed", "1", "--out", lstmDir, "--json");
        Assert.True(code == 0, err + stdout);
        var lstm = Json(stdout);
        double lstmAccuracy = lstm.GetProperty("metrics").GetProperty("test_accuracy").GetDouble();
        Assert.True(lstmAccuracy >= 0.85, $"text-lstm test accuracy {lstmAccuracy}: {stdout}");
        Assert.True(File.Exists(Path.Combine(lstmDir, "tokenizer.json")));
        Assert.Equal(["ids", "mask"], GraphInputs(lstmDir));

        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-topics@1", "--model", "resnet");
        Assert.Equal(2, code);
        Assert.Contains("not a model for text", err);
    }

    [Fact]
    public async Task TrainText_Folds_CrossValidatesWithATokenizerPerFoldAndRecordsTheRuns()
    {
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Folder(), "--name", "cv-topics", "--json");
        Assert.True(code == 0, err);

        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cv-topics@1", "--model", "text-bow", "--epochs", "15", "--vocab-size", "2000",
            "--seed", "1", "--folds", "3", "--register", "cv-topics", "--json");
        Assert.True(code == 0, err + stdout);
        var cv = Json(stdout);
        var folds = cv.GetProperty("fold_results").EnumerateArray().ToList();
        Assert.Equal(3, folds.Count);
        // The training texts (about 85% of 450; the hashed test share is left out) are dealt into three folds of near-equal size.
        int total = folds.Sum(f => f.GetProperty("held_out").GetInt32());
        Assert.InRange(total, 350, 410);
        Assert.All(folds, f => Assert.InRange(f.GetProperty("held_out").GetInt32(), total / 3 - 1, total / 3 + 1));
        Assert.All(folds, f => Assert.Equal(total - f.GetProperty("held_out").GetInt32(), f.GetProperty("trained_on").GetInt32()));
        var accuracy = cv.GetProperty("metrics").GetProperty("accuracy");
        Assert.True(accuracy.GetProperty("mean").GetDouble() >= 0.85, stdout);
        Assert.True(accuracy.GetProperty("min").GetDouble() <= accuracy.GetProperty("max").GetDouble());
        string parent = cv.GetProperty("parent_run").GetString()!;
        (code, stdout, err) = await CliRun.Invoke("runs", "show", parent, "--json");
        Assert.True(code == 0, err);
        Assert.Equal("completed", Json(stdout).GetProperty("run").GetProperty("status").GetString());
        // Each fold trained its own tokenizer on its own training texts.
        Assert.All(Enumerable.Range(1, 3), k => Assert.True(File.Exists(Path.Combine(fx.Home, "cross-validation", "cv-topics", $"fold-{k}", "tokenizer.json"))));
    }
}
