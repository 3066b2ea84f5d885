using System.Text.Json;
using Lepton.Data.Audio.Wav;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton data import|show|inspect|split|diff|clean</c> on a manifest of tiny WAVs with speakers that the test writes.</summary>
[Collection("cli")]
public sealed class DataAudioCommandTests(TrainedModelFixture fx)
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private static float[] Tone(double hz, int rate, int n) => [.. Enumerable.Range(0, n).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * hz * i / rate)))];

    [Fact]
    public async Task AudioManifest_ImportAutoInspectSplitBySpeakerClean_WorkEndToEnd()
    {
        var root = Path.Combine(fx.Root, "audio-keywords");
        var lines = new List<string> { "path,label,speaker" };
        for (int s = 0; s < 4; s++)
            foreach (var (word, hz) in new[] { ("yes", 300), ("no", 500) })
            {
                Directory.CreateDirectory(Path.Combine(root, word));
                int rate = s % 2 == 0 ? 16000 : 22050;
                WavWriter.Write(Path.Combine(root, word, $"spk{s}.wav"), Tone(hz + 13 * s, rate, rate / 2), rate);
                lines.Add($"{word}/spk{s}.wav,{word},spk{s}");
            }
        WavWriter.Write(Path.Combine(root, "no", "silent.wav"), new float[8000], 16000);
        lines.Add("no/silent.wav,no,spk9");
        var manifest = Path.Combine(root, "manifest.csv");
        await File.WriteAllLinesAsync(manifest, lines);

        var (code, stdout, err) = await CliRun.Invoke("data", "import", manifest, "--name", "cli-keywords", "--json");
        Assert.True(code == 0, err);
        var import = Json(stdout);
        Assert.Equal("audio", import.GetProperty("kind").GetString());
        Assert.Equal((9, 9, 5, 16000), (import.GetProperty("items").GetInt32(), import.GetProperty("readable").GetInt32(),
            import.GetProperty("speakers").GetInt32(), import.GetProperty("sample_rate").GetInt32()));

        (code, stdout, err) = await CliRun.Invoke("data", "show", "cli-keywords");
        Assert.True(code == 0, err);
        Assert.Contains("audio data set", stdout);

        (code, stdout, err) = await CliRun.Invoke("data", "split", "cli-keywords", "--test", "0.5", "--group-column", "speaker", "--json");
        Assert.True(code == 0, err);
        Assert.Equal(2, Json(stdout).GetProperty("version").GetInt32());

        (code, stdout, err) = await CliRun.Invoke("data", "inspect", "cli-keywords@2", "--json");
        Assert.True(code == 0, err);
        var kinds = Json(stdout).GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["silence"], kinds);

        (code, stdout, err) = await CliRun.Invoke("data", "diff", "cli-keywords@1", "cli-keywords@2", "--json");
        Assert.True(code == 0, err);
        Assert.Equal(9, Json(stdout).GetProperty("counts").GetProperty("moved_split").GetInt32());

        (code, stdout, err) = await CliRun.Invoke("data", "clean", "cli-keywords@2", "--drop", "all", "--json");
        Assert.True(code == 0, err);
        Assert.Equal((3, 8), (Json(stdout).GetProperty("version").GetInt32(), Json(stdout).GetProperty("items").GetInt32()));

        (code, _, err) = await CliRun.Invoke("data", "split", "cli-keywords@1", "--group-column", "accent");
        Assert.NotEqual(0, code);
        Assert.Contains("--group-column speaker", err);
    }
}
