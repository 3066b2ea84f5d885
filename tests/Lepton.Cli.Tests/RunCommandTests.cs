using Lepton.Registry.Store;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton run</c> end to end on the synthetic data set: a real recipe trains, gates, registers and promotes; a second
/// run skips everything; a changed gate re-runs from the gate and stops the run when it fails; --check and --dry-run.
/// </summary>
[Collection("cli")]
public sealed class RunCommandTests(TrainedModelFixture fx)
{
    private string WriteRecipe(string name, string gates, string extra = "")
    {
        string dir = Path.Combine(fx.Root, "recipes-" + name);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "lepton.yaml");
        File.WriteAllText(path, $"""
            name: {name}
            data:
              dir: {fx.DataDir}
            model:
              preset: mlp
            training:
              epochs: 1
              batch_size: 32
              learning_rate: 1e-3
              seed: 3
            gates:
              {gates}
            {extra}
            """);
        return path;
    }

    [Fact]
    public async Task ARecipeRunsEveryStepThenResumesWithNothingToDo()
    {
        string path = WriteRecipe("recipe-toy", "min_accuracy: 0.5", "serve:\n  canary:\n    fraction: 20%\n");
        var (code, output, err) = await CliRun.Invoke("run", path);
        Assert.True(code == 0, err + output);
        foreach (var step in new[] { "data", "train", "gate", "register", "promote" }) Assert.Contains(step, output);
        Assert.Contains("registered recipe-toy@1", output);
        Assert.Contains("recipe-toy@production -> version 1", output);
        Assert.True(File.Exists(Path.Combine(fx.Home, "recipes", "recipe-toy", "model", "model.json")));

        await using (var store = await RegistryStoreFactory.OpenAsync(null, fx.Home))
        {
            var steps = await store.ListRecipeStepsAsync("recipe-toy");
            Assert.Equal(5, steps.Count);
            Assert.All(steps, s => Assert.Equal(RecipeStepStatus.Completed, s.Status));
            Assert.Equal(1, (await store.GetAliasAsync("recipe-toy", "production"))!.Version);
            var version = (await store.GetModelVersionAsync("recipe-toy", 1))!;
            Assert.NotNull(version.RunId);
            Assert.StartsWith("fashion-mnist@", version.DatasetRef);
        }

        var again = await CliRun.Invoke("run", path, "--json");
        Assert.Equal(0, again.Code);
        Assert.Equal(5, CountOf(again.Out, "\"outcome\": \"skipped\""));

        // A learning rate too small to learn anything: training runs again, and the gate fails and stops the run.
        File.WriteAllText(path, File.ReadAllText(path).Replace("learning_rate: 1e-3", "learning_rate: 1e-9"));
        var dry = await CliRun.Invoke("run", path, "--dry-run", "--json");
        Assert.Equal(0, dry.Code);
        Assert.Contains("the training section changed", dry.Out);
        Assert.Contains("runs after train", dry.Out);
        var strict = await CliRun.Invoke("run", path);
        Assert.Equal(1, strict.Code);
        Assert.Contains("step gate failed: gate failed: test accuracy", strict.Err);
        Assert.Contains("skipped (done at", strict.Out);
        Assert.Contains("not reached", strict.Out);
        await using (var store = await RegistryStoreFactory.OpenAsync(null, fx.Home))
        {
            Assert.Single(await store.ListModelVersionsAsync("recipe-toy"));
            Assert.Equal(RecipeStepStatus.Failed, (await store.ListRecipeStepsAsync("recipe-toy")).Single(s => s.Step == "gate").Status);
        }
    }

    [Fact]
    public async Task CheckValidatesOnlyAndReportsEveryProblemWithItsLine()
    {
        string good = WriteRecipe("recipe-check", "min_accuracy: 0.5");
        var ok = await CliRun.Invoke("run", "--check", good);
        Assert.Equal(0, ok.Code);
        Assert.Contains("is valid", ok.Out);

        string bad = WriteRecipe("recipe-bad", "min_acuracy: 0.5", "monitoring:\n  window: soon\n");
        var (code, _, err) = await CliRun.Invoke("run", "--check", bad);
        Assert.Equal(1, code);
        Assert.Contains("has 2 problems", err);
        Assert.Contains("lepton.yaml:12:3: unknown key 'gates.min_acuracy' (did you mean 'min_accuracy'?)", err);
        Assert.Contains("lepton.yaml:14:11: 'monitoring.window' is 'soon', which is not a duration", err);
    }

    [Fact]
    public async Task AMissingRecipeAndAnUnknownStepNameTheFix()
    {
        var missing = await CliRun.Invoke("run", Path.Combine(fx.Root, "nowhere", "lepton.yaml"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("No recipe at", missing.Err);
        string path = WriteRecipe("recipe-from", "min_accuracy: 0.5");
        var from = await CliRun.Invoke("run", path, "--from", "deploy", "--dry-run");
        Assert.Equal(2, from.Code);
        Assert.Contains("the steps are data, train, gate, register, promote", from.Err);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    [Fact]
    public async Task ServeKeepsTheRecipeServingWithItsMonitorAndLoopUntilCancelled()
    {
        int port = FreePort();
        string path = WriteRecipe("recipe-serve", "min_accuracy: 0.1",
            $"serve:\n  port: {port}\n  canary:\n    fraction: 20%\nmonitoring:\n  interval: 1s\n  rules:\n    - drift.psi > 0.2\nloop:\n  trigger: alert\n");
        var (code, output, err) = await CliRun.Invoke("run", path);
        Assert.True(code == 0, err + output);

        var recipe = Lepton.Factory.Recipes.RecipeLoader.Load(path);
        await using var registry = await Lepton.Registry.ModelRegistry.OpenAsync($"sqlite:{Path.Combine(fx.Home, "registry.db")}");
        using var cts = new CancellationTokenSource();
        var service = Hosting.RecipeService.RunAsync(recipe, registry, cts.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        int ready = 0;
        for (int i = 0; i < 100 && ready != 200; i++)
        {
            await Task.Delay(100);
            try { ready = (int)(await http.GetAsync("v2/health/ready")).StatusCode; }
            catch (HttpRequestException) { }
        }
        Assert.Equal(200, ready);
        Assert.Equal(401, (int)(await http.GetAsync("dashboard.json")).StatusCode); // keys are on: the dashboard needs an admin key
        Assert.Contains("lepton_prediction_log_written_total", await http.GetStringAsync("metrics"));
        await cts.CancelAsync();
        Assert.Equal(0, await service);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("v2/health/live"));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
