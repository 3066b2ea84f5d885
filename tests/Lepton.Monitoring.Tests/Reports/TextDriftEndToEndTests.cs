using System.Text;
using System.Text.Json;
using Lepton.Data.Profiles;
using Lepton.Data.Text.Tokenizers;
using Lepton.Engine;
using Lepton.Monitoring.Alerts;
using Lepton.NN.Presets;
using Lepton.Runtime.Text;
using Lepton.Serving;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Monitoring.Tests.Reports;

/// <summary>
/// A text model trained on English texts is served twice: one copy gets texts like its training texts, the other Chinese
/// texts and words it never saw. The monitor's text drift (token-frequency and script-mix PSI, length and rare-token
/// statistics) stays low for the first and is high for the second, a drift rule on token frequency fires only there, and
/// the log keeps sampled texts whole so feedback on them can become a data set.
/// </summary>
public sealed class TextDriftEndToEndTests : IAsyncLifetime
{
    private static readonly string[] English =
    [
        "the", "team", "won", "match", "today", "rain", "storm", "forecast", "dinner", "pizza", "soup", "goal", "coach", "wind",
        "we", "ate", "played", "again", "really", "good", "cold", "warm", "night", "morning",
    ];

    private static readonly string[] Unseen = ["quantum", "blockchain", "zeppelin", "xylophone", "kumquat", "fjord", "yurt", "sphinx"];
    private static readonly string[] Chinese = ["今天", "天气", "比赛", "晚饭", "非常", "朋友", "下雨", "球队", "好吃", "昨天"];

    private MonitoringStore _store = null!;
    private PredictionLogWriter _log = null!;
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private static List<string> EnglishTexts(int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(5, 12)).Select(_ => English[rng.Next(English.Length)])))];
    }

    private static List<string> ShiftedTexts(int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => i % 2 == 0
            ? string.Concat(Enumerable.Range(0, rng.Next(6, 14)).Select(_ => Chinese[rng.Next(Chinese.Length)]))
            : string.Join(' ', Enumerable.Range(0, rng.Next(5, 12)).Select(_ => Unseen[rng.Next(Unseen.Length)])))];
    }

    public async Task InitializeAsync()
    {
        _store = await MonitoringStore.CreateAsync(withReference: false);
        var training = EnglishTexts(400, 1);
        var tokenizer = new TextTokenizer(TokenizerTrainer.Train(training, new TokenizerTrainingOptions(TokenizerKind.ByteLevelBpe, 400, MinFrequency: 1)));
        var model = TextPresets.Build("text-bow", tokenizer.Model.Vocab.Count, 2, maxLength: 32, new Generator(3));
        string dir = Path.Combine(Path.GetTempPath(), "lepton-text-drift", Guid.NewGuid().ToString("N"));
        TextModelFolder.Save(dir, model, tokenizer, ["sport", "weather"], maxLength: 32, normalization: "nfc");
        var text = TextInputEncoder.ForTokenizer(tokenizer, 32).BuildReference(training);
        ReferenceProfile.ForText(training.Count, text, ["sport", "weather"], [200, 200], [190, 210]).Save(dir);
        foreach (string name in new[] { "usual", "shifted" }) await _store.Registry.RegisterAsync(name, dir, null, null, "test");
        _log = new PredictionLogWriter(_store.Store, new PredictionLogOptions(FlushInterval: TimeSpan.FromMilliseconds(20)));
        _models = new ModelManager(_store.Registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        foreach (string name in new[] { "usual", "shifted" })
            await _models.LoadAsync(new ModelServeOptions($"{name}@1", MaxBatchSize: 16, MaxQueueDelay: TimeSpan.FromMilliseconds(1)));
        _app = LeptonServer.Build(new ServerOptions { NoAuth = true, RawInputSampleRate = 1 }, new ServerDependencies(_models, _store.Store, _log),
            b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _models.DisposeAsync();
        await _log.DisposeAsync();
        await _store.DisposeAsync();
    }

    // Half the texts through /predict (JSON instances, 5 per request), half through OIP v2 BYTES: both paths log text statistics.
    private async Task Send(string model, IReadOnlyList<string> texts)
    {
        for (int i = 0; i < texts.Count; i += 5)
        {
            var chunk = texts.Skip(i).Take(5).ToArray();
            string body = i % 10 == 0
                ? JsonSerializer.Serialize(new { instances = chunk })
                : JsonSerializer.Serialize(new { inputs = new[] { new { name = "text", shape = new[] { chunk.Length }, datatype = "BYTES", data = chunk } } });
            var response = await _client.PostAsync(i % 10 == 0 ? $"/models/{model}/predict" : $"/v2/models/{model}/infer",
                new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private async Task<VersionReport> Report(string model, int requests)
    {
        var window = new MonitorWindow(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        for (int i = 0; i < 200; i++)
        {
            var report = await new ModelMonitor(_store.Registry).ReportAsync(model, window);
            if (report.Overall.Requests == requests) return report.Versions.Single();
            await Task.Delay(25); // the prediction log is written in the background
        }
        throw new Xunit.Sdk.XunitException($"the predictions of {model} never reached the monitor");
    }

    [Fact]
    public async Task TextDrift_IsLowForTextsLikeTrainingAndHighForNewScriptsAndWords()
    {
        await Send("usual", EnglishTexts(80, 2));
        await Send("shifted", ShiftedTexts(80, 3));
        var usual = await Report("usual", 80);
        var shifted = await Report("shifted", 80);

        Assert.NotNull(usual.TextDrift);
        Assert.True(usual.TextDrift!.TokenFrequencyPsi < 0.1, $"usual token-frequency PSI {usual.TextDrift.TokenFrequencyPsi}");
        Assert.True(usual.TextDrift.ScriptMixPsi < 0.05, $"usual script PSI {usual.TextDrift.ScriptMixPsi}");
        Assert.Equal(1.0, usual.TextDrift.ScriptShares["latin"], 6);
        Assert.Equal(TextStatistics.Names, usual.InputDrift.Select(d => d.Statistic));
        Assert.True(usual.MaxInputPsi < 0.25, $"usual max input PSI {usual.MaxInputPsi}");

        Assert.True(shifted.TextDrift!.TokenFrequencyPsi > 1, $"shifted token-frequency PSI {shifted.TextDrift.TokenFrequencyPsi}");
        Assert.True(shifted.TextDrift.TokenFrequencyPValue < 1e-6);
        Assert.True(shifted.TextDrift.ScriptMixPsi > 1, $"shifted script PSI {shifted.TextDrift.ScriptMixPsi}");
        Assert.InRange(shifted.TextDrift.ScriptShares["cjk"], 0.15, 0.8); // half the texts are Chinese, with fewer characters per text
        var rare = shifted.InputDrift.Single(d => d.Statistic == "rare_token_rate");
        Assert.True(rare.Psi > 1 && rare.KsPValue < 1e-6, $"rare-token PSI {rare.Psi}, KS p {rare.KsPValue}");
        Assert.True(shifted.InputMeans["rare_token_rate"] > usual.InputMeans["rare_token_rate"] + 0.3);

        var rule = AlertRule.Parse("drift.psi.token_frequency > 0.25");
        Assert.False(AlertEvaluator.ValueOf(usual, rule) > 0.25);
        Assert.True(AlertEvaluator.ValueOf(shifted, rule) > 0.25);

        // Sampled texts are logged whole, as JSON strings, and their statistics as text statistics.
        var logged = await _store.Store.ListPredictionsAsync("shifted");
        Assert.Equal(80, logged.Count);
        var texts = logged.Select(r => JsonSerializer.Deserialize<string>(r.RawInputJson!)).ToHashSet();
        Assert.True(texts.SetEquals(ShiftedTexts(80, 3)), "the logged texts are not the texts sent");
        Assert.All(logged, r => Assert.Contains("\"frequency_bins\"", r.InputStatsJson));
    }
}
