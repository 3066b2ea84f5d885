using System.Text;
using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton data import|show|inspect|split|clean|tokenizer</c> on a folder of texts and e-mails the test writes.</summary>
[Collection("cli")]
public sealed class DataTextCommandTests(TrainedModelFixture fx)
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
    }

    [Fact]
    public async Task TextFolder_ImportInspectSplitCleanTokenizer_WorkEndToEnd()
    {
        var root = Path.Combine(fx.Root, "text-mail");
        for (int i = 0; i < 6; i++)
        {
            Write(Path.Combine(root, "ham", $"{i}.txt"), $"Meeting number {i} moved to room {i * 7}; 会议改到{i}号房间。");
            Write(Path.Combine(root, "spam", $"{i}.eml"), $"From: promo{i}@example.com\nSubject: Offer {i}\nContent-Type: text/html\n\n<p>Buy {i * 13} now &amp; save</p>");
        }
        Write(Path.Combine(root, "spam", "copy.txt"), "Meeting number 1 moved to room 7; 会议改到1号房间。");
        File.WriteAllBytes(Path.Combine(root, "ham", "latin1.txt"), [(byte)'c', (byte)'a', (byte)'f', 0xE9]);

        var (code, stdout, err) = await CliRun.Invoke("data", "import", root, "--name", "cli-mail", "--json");
        Assert.True(code == 0, err);
        var import = Json(stdout);
        Assert.Equal("text", import.GetProperty("kind").GetString());
        Assert.Equal((14, 13), (import.GetProperty("items").GetInt32(), import.GetProperty("readable").GetInt32()));
        Assert.Equal("InvalidUtf8", import.GetProperty("problems")[0].GetProperty("kind").GetString());

        (code, stdout, err) = await CliRun.Invoke("data", "show", "cli-mail");
        Assert.True(code == 0, err);
        Assert.Contains("text data set", stdout);

        (code, stdout, err) = await CliRun.Invoke("data", "inspect", "cli-mail", "--json");
        Assert.True(code == 0, err);
        var kinds = Json(stdout).GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["encoding-error", "conflicting-labels"], kinds);

        (code, stdout, err) = await CliRun.Invoke("data", "split", "cli-mail", "--test", "0.25", "--json");
        Assert.True(code == 0, err);
        Assert.Equal(2, Json(stdout).GetProperty("version").GetInt32());

        (code, stdout, err) = await CliRun.Invoke("data", "diff", "cli-mail@1", "cli-mail@2", "--json");
        Assert.True(code == 0, err);
        Assert.Equal(14, Json(stdout).GetProperty("counts").GetProperty("moved_split").GetInt32());

        (code, stdout, err) = await CliRun.Invoke("data", "clean", "cli-mail@2", "--drop", "all", "--json");
        Assert.True(code == 0, err);
        Assert.Equal((3, 11), (Json(stdout).GetProperty("version").GetInt32(), Json(stdout).GetProperty("items").GetInt32()));

        var tokenizer = Path.Combine(fx.Root, "cli-mail-tokenizer.json");
        (code, stdout, err) = await CliRun.Invoke("data", "tokenizer", "cli-mail@3", "--kind", "bpe", "--vocab-size", "300", "--min-frequency", "1", "--out", tokenizer, "--json");
        Assert.True(code == 0, err);
        var result = Json(stdout);
        Assert.Equal(300, result.GetProperty("vocab_size").GetInt32());
        Assert.Equal("11/11", result.GetProperty("reference_agreement").GetString());
        Assert.Contains("\"type\": \"BPE\"", await File.ReadAllTextAsync(tokenizer));
    }
}
