using System.Text.Json;
using Lepton.Data;
using Lepton.Engine;
using Lepton.Registry.Store;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton loop</c> end to end on the synthetic Fashion-MNIST files, with inverted (drifted) feedback in the store.</summary>
[Collection("cli")]
public sealed class LoopCommandTests(TrainedModelFixture fx)
{
    private async Task RegisterWithDriftedFeedbackAsync(string model, int count)
    {
        var (code, _, err) = await CliRun.Invoke("models", "register", model, "--from", fx.ModelDir);
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("models", "promote", $"{model}@1");
        Assert.True(code == 0, err);
        await using var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(fx.Home, "registry.db")}");
        var rng = new Generator(99);
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var records = new List<PredictionRecord>();
        for (int i = 0; i < count; i++)
        {
            var pixels = SyntheticFashionMnist.Image(i % 10, rng).Select(b => (float)(255 - b)).ToArray();
            records.Add(new PredictionRecord($"{model}-{i:D4}", model, 1, at.AddSeconds(i), 1, "Trouser", "{}", "{}", JsonSerializer.Serialize(pixels)));
        }
        await store.AppendPredictionsAsync(records);
        for (int i = 0; i < count; i++)
            await store.RecordFeedbackAsync(new FeedbackRecord(records[i].Id, model, FashionMnist.ClassNames[i % 10], at.AddSeconds(i + 1), "client"));
    }

    [Fact]
    public async Task Loop_retrains_from_feedback_and_reports_every_decision_as_json()
    {
        await RegisterWithDriftedFeedbackAsync("loopjson", 80);
        var (code, stdout, err) = await CliRun.Invoke("loop", "loopjson", "--data-dir", fx.DataDir, "--epochs", "2", "--canary-window", "0",
            "--min-feedback", "30", "--base-sample", "300", "--json");
        Assert.True(code == 0, err);
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.Contains(result.GetProperty("result").GetString(), new[] { "promoted", "kept" });
        Assert.Equal(2, result.GetProperty("challenger").GetInt32());
        Assert.Equal("loopjson-feedback@1", result.GetProperty("dataset").GetString());
        var steps = result.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("step").GetString()).ToList();
        Assert.Equal(["trigger", "dataset", "train", "evaluate", "gate"], steps.Take(5));
        Assert.Contains("[gate]", err);
    }

    [Fact]
    public async Task Loop_prints_the_steps_and_a_before_after_table()
    {
        await RegisterWithDriftedFeedbackAsync("looptable", 80);
        var (code, stdout, err) = await CliRun.Invoke("loop", "looptable", "--data-dir", fx.DataDir, "--epochs", "2", "--canary-window", "0",
            "--min-feedback", "30", "--base-sample", "300", "--recall-check", "feedback");
        Assert.True(code == 0, err);
        foreach (var step in new[] { "[trigger] manual", "[dataset] recorded", "[train] trained", "[evaluate] measured", "champion vs challenger", "feedback holdout accuracy" })
            Assert.Contains(step, stdout);
        // --recall-check feedback: the gate checks class recall on the feedback holdout only.
        Assert.DoesNotContain("recall on base test", stdout);
    }

    [Fact]
    public async Task Loop_without_enough_feedback_skips_and_bad_arguments_fail_clearly()
    {
        await RegisterWithDriftedFeedbackAsync("loopfew", 10);
        var (code, stdout, err) = await CliRun.Invoke("loop", "loopfew", "--data-dir", fx.DataDir, "--canary-window", "0");
        Assert.True(code == 0, err);
        Assert.Contains("skipped", stdout);
        Assert.Contains("Only 10 usable labelled examples", stdout);

        (code, _, err) = await CliRun.Invoke("loop", "loopfew", "--canary-window", "soon");
        Assert.Equal(2, code);
        Assert.Contains("--canary-window: 'soon' is not a duration", err);

        (code, _, err) = await CliRun.Invoke("loop", "nosuchmodel", "--canary-window", "0");
        Assert.Equal(1, code);
        Assert.Contains("nosuchmodel", err);
        (code, _, err) = await CliRun.Invoke("loop", "loopfew", "--min-selection-ratio", "0.8");
        Assert.Equal(2, code);
        Assert.Contains("judge groups; name the columns (--groups home,age)", err);
        (code, _, err) = await CliRun.Invoke("loop", "loopfew", "--data-dir", fx.DataDir, "--canary-window", "0", "--groups", "home", "--min-selection-ratio", "0.8");
        Assert.Equal(2, code);
        Assert.Contains("The loop's groups judge a yes/no table decision", err);
    }

    [Fact]
    public async Task Loop_takes_its_policy_from_a_recipe_and_command_line_options_override_it()
    {
        await RegisterWithDriftedFeedbackAsync("looprecipe", 40);
        string path = Path.Combine(fx.Root, "looprecipe.yaml");
        File.WriteAllText(path, $"name: looprecipe\ndata:\n  dir: {fx.DataDir}\nloop:\n  min_feedback: 500\n  canary_window: 0s\n");
        // The recipe asks for 500 labels, so the loop skips...
        var (code, stdout, err) = await CliRun.Invoke("loop", "--recipe", path);
        Assert.True(code == 0, err);
        Assert.Contains("500 are needed", stdout);
        // ...unless the command line lowers it; the recipe's name is the model.
        (code, stdout, err) = await CliRun.Invoke("loop", "--recipe", path, "--min-feedback", "20", "--epochs", "1", "--base-sample", "200", "--json");
        Assert.True(code == 0, err);
        Assert.Equal("looprecipe-feedback@1", JsonDocument.Parse(stdout).RootElement.GetProperty("dataset").GetString());

        (code, _, err) = await CliRun.Invoke("loop");
        Assert.Equal(2, code);
        Assert.Contains("--recipe", err);
    }
}
