using System.Text.Json;
using Lepton.Data.Audio.Wav;
using Lepton.Registry;
using Lepton.Serving;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton train --data AUDIO@V</c>: a synthetic command set (chirps and tones by 8 "speakers", see
/// <see cref="SyntheticCommands"/>) is imported, split by speaker, trained on with <c>kws-ds-cnn</c>, and the model predicts
/// WAV files of other rates and lengths through its stored feature spec.
/// </summary>
[Collection("cli")]
public sealed class TrainAudioCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-train-audio").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private static async Task<string> Label(HttpResponseMessage reply)
    {
        string body = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.IsSuccessStatusCode, body);
        return Json(body).GetProperty("predictions")[0].GetProperty("label").GetString()!;
    }

    [Fact]
    public async Task TrainAudio_DsCnnOnHeldOutSpeakers_ScoresHighAndPredictsWavsOfOtherRatesAndLengths()
    {
        _ = fx;
        string manifest = SyntheticCommands.WriteSet(Path.Combine(_root, "commands"), speakers: 8, takes: 6);
        var (code, stdout, err) = await CliRun.Invoke("data", "import", manifest, "--name", "cli-commands", "--json");
        Assert.True(code == 0, err);
        Assert.Equal("audio", Json(stdout).GetProperty("kind").GetString());
        (code, stdout, err) = await CliRun.Invoke("data", "split", "cli-commands", "--test", "0.25", "--group-column", "speaker", "--json");
        Assert.True(code == 0, err);

        string dir = Path.Combine(_root, "kws");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-commands@2", "--model", "kws-ds-cnn", "--epochs", "12", "--batch-size", "16",
            "--seed", "1", "--out", dir, "--register", "cli-commands", "--json");
        Assert.True(code == 0, err + stdout);
        var outcome = Json(stdout);
        Assert.Equal("kws-ds-cnn", outcome.GetProperty("model").GetString());
        Assert.Equal(0.5, outcome.GetProperty("clip_seconds").GetDouble());
        int test = outcome.GetProperty("test_clips").GetInt32();
        Assert.Equal(240, test + outcome.GetProperty("train_clips").GetInt32());
        Assert.Equal(0, test % 30); // whole speakers: 5 labels x 6 takes each
        double accuracy = outcome.GetProperty("metrics").GetProperty("test_accuracy").GetDouble();
        Assert.True(accuracy >= 0.9, $"kws-ds-cnn held-out-speaker accuracy {accuracy}: {stdout}");
        var losses = outcome.GetProperty("epoch_losses").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.True(losses[^1] < losses[0] / 2, $"training loss did not fall: {string.Join(", ", losses)}");
        Assert.Equal("cli-commands@1", outcome.GetProperty("registered").GetString());
        Assert.True(File.Exists(Path.Combine(dir, "audio_features.json")));

        // New clips by a voice between the training voices, at 44.1 kHz 0.8 s long and at 8 kHz 0.42 s long (float samples): the model's
        // own path resamples, pads and crops them.
        var rng = new Random(99);
        string clips = Path.Combine(_root, "clips");
        Directory.CreateDirectory(clips);
        string[] labels = ["up", "down", "beep", "silence"];
        foreach (var label in labels)
        {
            WavWriter.Write(Path.Combine(clips, $"{label}-44k.wav"), SyntheticCommands.Clip(label, 1.0, 44100, 0.8, rng), 44100);
            WavWriter.Write(Path.Combine(clips, $"{label}-8k.wav"), SyntheticCommands.Clip(label, 1.0, 8000, 0.42, rng), 8000, WavSampleFormat.Float);
        }
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-commands@1", "--input", clips, "--json");
        Assert.True(code == 0, err + stdout);
        var answers = Json(stdout).EnumerateArray().ToList();
        Assert.Equal(8, answers.Count);
        int right = answers.Count(a => a.GetProperty("input").GetString()!.StartsWith(a.GetProperty("label").GetString()! + "-", StringComparison.Ordinal));
        Assert.True(right >= 7, $"{right} of 8 new clips classified right: {stdout}");

        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-commands@1", "--input", Path.Combine(clips, "up-44k.wav"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Single(Json(stdout).EnumerateArray());

        // The server answers uploads of the same new clips with the same commands: raw audio/wav and a multipart file.
        await using (var registry = await ModelRegistry.OpenAsync())
        await using (var models = new ModelManager(registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan)))
        {
            await models.LoadAsync(new ModelServeOptions("cli-commands@1"));
            await using var app = LeptonServer.Build(new ServerOptions { NoAuth = true }, new ServerDependencies(models, null), b => b.WebHost.UseTestServer());
            await app.StartAsync();
            using var client = app.GetTestClient();
            var served = new Dictionary<string, string>();
            foreach (var label in labels)
            {
                var raw = new ByteArrayContent(File.ReadAllBytes(Path.Combine(clips, $"{label}-44k.wav")));
                raw.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("audio/wav");
                served[$"{label}-44k.wav"] = await Label(await client.PostAsync("/models/cli-commands/predict", raw));
                using var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(Path.Combine(clips, $"{label}-8k.wav"))), "file", $"{label}-8k.wav" } };
                served[$"{label}-8k.wav"] = await Label(await client.PostAsync("/models/cli-commands/predict", form));
            }
            // The same answers as lepton predict gave for each file.
            foreach (var a in answers) Assert.Equal(a.GetProperty("label").GetString(), served[a.GetProperty("input").GetString()!]);
        }

        // A file that is not a WAV is refused naming the problem, not with a stack trace.
        string bad = Path.Combine(_root, "notes.wav");
        File.WriteAllText(bad, "these are not samples");
        (code, _, err) = await CliRun.Invoke("predict", "--model", "cli-commands@1", "--input", bad);
        Assert.NotEqual(0, code);
        Assert.Contains("not a WAV file", err);
        Assert.DoesNotContain("   at ", err);

        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-commands@2", "--model", "text-bow");
        Assert.Equal(2, code);
        Assert.Contains("not a model for audio", err);
    }
}
