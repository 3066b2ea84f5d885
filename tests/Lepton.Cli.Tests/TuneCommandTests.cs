using System.Diagnostics;
using System.Text.Json;
using Lepton.Compression.Tuning.Study;
using Lepton.Registry.Store;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton tune</c> on the tiny synthetic Fashion-MNIST: every trial is a registry run, the best model is registered, and
/// a study killed with SIGKILL mid-trial resumes with the same command, restarting the interrupted trial from scratch.
/// </summary>
[Collection("cli")]
public sealed class TuneCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-tune").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Space()
    {
        string path = Path.Combine(_root, "space.yaml");
        File.WriteAllText(path, "lr: {type: float, low: 1e-4, high: 3e-2, log: true}\noptimizer: [adam, sgd]\n");
        return path;
    }

    private async Task<IReadOnlyList<RunRecord>> RunsAsync(string study)
    {
        await using var store = await RegistryStoreFactory.OpenAsync(null, fx.Home);
        return [.. (await store.ListRunsAsync(10_000)).Where(r => r.Name.StartsWith($"{study}-trial-", StringComparison.Ordinal))];
    }

    [Fact]
    public async Task Tune_TinyImages_EveryTrialIsARunAndTheBestIsRegistered()
    {
        var (code, stdout, err) = await CliRun.Invoke("tune", "--data-dir", fx.DataDir, "--model", "mlp", "--space", Space(), "--trials", "4",
            "--min-epochs", "1", "--max-epochs", "3", "--eta", "3", "--batch-size", "32", "--seed", "5", "--register", "tuned-synth", "--json");
        Assert.True(code == 0, err + stdout);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("finished", json.GetProperty("stop").GetString());
        var trials = json.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Contains(t.GetProperty("status").GetString(), new[] { "completed", "pruned" }));
        // Successive halving: 4 trials at the rung (epoch 1) leave one place, so one trial trains all 3 epochs.
        Assert.Equal(4 + 2, json.GetProperty("epochs_spent").GetInt32());
        Assert.Equal("tuned-synth@1", json.GetProperty("registered").GetString());
        int best = json.GetProperty("best").GetInt32();
        Assert.Equal("completed", trials[best].GetProperty("status").GetString());
        Assert.True(json.GetProperty("best_value").GetDouble() > 0.5, stdout);

        var runs = await RunsAsync("tuned-synth");
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        // A trial that waited at the rung and then went on did so from its checkpoint, as a second run of the same trial.
        await using (var store = await RegistryStoreFactory.OpenAsync(null, fx.Home))
            foreach (var t in trials)
            {
                var mine = runs.Where(r => r.Name == $"tuned-synth-trial-{t.GetProperty("number").GetInt32()}").ToList();
                string last = t.GetProperty("run_id").GetString()!;
                Assert.Contains(last, mine.Select(r => r.Id));
                Assert.InRange(mine.Count, 1, 2);
                if (mine.Count == 2)
                    Assert.Contains("went on from its epoch 1 checkpoint", await store.GetRunLogAsync(last));
            }
        Assert.Equal(runs.Count, runs.Select(r => r.Id).Distinct().Count());
        Assert.Equal(5, runs.Count); // with this seed the best at the rung had waited there: one trial went on from its checkpoint

        // The same command again resumes a finished study: nothing trains, nothing is registered twice.
        (code, stdout, err) = await CliRun.Invoke("tune", "--data-dir", fx.DataDir, "--model", "mlp", "--space", Space(), "--trials", "4",
            "--min-epochs", "1", "--max-epochs", "3", "--eta", "3", "--batch-size", "32", "--seed", "5", "--register", "tuned-synth", "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal("tuned-synth@1", JsonDocument.Parse(stdout).RootElement.GetProperty("registered").GetString());
        Assert.Equal(runs.Count, (await RunsAsync("tuned-synth")).Count);

        // Going on from a rung checkpoint takes the steps of an unpaused trial: the same trials trained straight through
        // (same seed, so the same proposals; no rungs) score the same after every epoch.
        (code, stdout, err) = await CliRun.Invoke("tune", "--data-dir", fx.DataDir, "--model", "mlp", "--space", Space(), "--trials", "4",
            "--min-epochs", "3", "--max-epochs", "3", "--batch-size", "32", "--seed", "5", "--study", "straight", "--json");
        Assert.True(code == 0, err + stdout);
        var straight = JsonDocument.Parse(stdout).RootElement.GetProperty("trials").EnumerateArray().ToList();
        var done = trials.Single(t => t.GetProperty("status").GetString() == "completed");
        int n = done.GetProperty("number").GetInt32();
        Assert.Equal(Reports(straight[n]), Reports(done));
    }

    private static List<(string, double)> Reports(JsonElement trial) =>
        [.. trial.GetProperty("reports").EnumerateObject().Select(p => (p.Name, Math.Round(p.Value.GetDouble(), 6)))];

    [Fact]
    public async Task Tune_OtherSpaceForSameStudy_RefusedWithTheFix()
    {
        string[] args = ["tune", "--data-dir", fx.DataDir, "--model", "mlp", "--trials", "1", "--min-epochs", "1", "--max-epochs", "1"];
        var (code, _, err) = await CliRun.Invoke([.. args, "--study", "clash", "--space", Space()]);
        Assert.True(code == 0, err);
        string other = Path.Combine(_root, "other.yaml");
        File.WriteAllText(other, "lr: {type: float, low: 1e-3, high: 1e-1, log: true}\n");
        (code, _, err) = await CliRun.Invoke([.. args, "--study", "clash", "--space", other]);
        Assert.Equal(1, code);
        Assert.Contains("search space", err);
        Assert.Contains("--study", err);

        File.WriteAllText(other, "dropout: [0.1, 0.2]\n");
        (code, _, err) = await CliRun.Invoke([.. args, "--space", other, "--study", "clash2"]);
        Assert.True(code == 2, err);
        Assert.Contains("'dropout'", err);
    }

    [Fact]
    public async Task Tune_WorkerWithoutPostgres_RefusedWithTheFix()
    {
        var (code, _, err) = await CliRun.Invoke("tune", "--worker", "--data-dir", fx.DataDir, "--model", "mlp", "--space", Space(), "--trials", "2",
            "--store", "sqlite:" + Path.Combine(_root, "registry.db"));
        Assert.Equal(2, code);
        Assert.Contains("--worker shares the study through PostgreSQL", err);
        Assert.Contains("postgres://", err);
    }

    [Fact]
    public async Task Tune_KilledMidTrial_SameCommandResumesAndFinishes()
    {
        string[] args = ["tune", "--data-dir", fx.DataDir, "--model", "cnn", "--space", Space(), "--trials", "3", "--min-epochs", "3",
            "--max-epochs", "3", "--batch-size", "32", "--threads", "1", "--seed", "9", "--study", "killed"];
        string studyFile = Path.Combine(fx.Home, "studies", "killed", StudyFile.FileName);

        // The first session is a separate process, killed with SIGKILL once a trial has reported an epoch and is still training.
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lepton.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["LEPTON_HOME"] = fx.Home;
        start.Environment.Remove("LEPTON_STORE");
        using (var process = Process.Start(start)!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var deadline = Stopwatch.StartNew();
            while (RunningWithReports(studyFile) is null)
            {
                Assert.False(process.HasExited, $"the first session ended (code {(process.HasExited ? process.ExitCode : 0)}) before a trial was caught mid-training");
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), "no trial reported an epoch within 3 minutes");
                await Task.Delay(20);
            }
            process.Kill();
            await process.WaitForExitAsync();
        }
        var killed = StudyFile.TryLoad(studyFile)!;
        int interrupted = killed.Trials.Single(t => t.Status == TrialStatus.Running).Number;
        Assert.Contains(await RunsAsync("killed"), r => r.Name == $"killed-trial-{interrupted}" && r.Status == RunStatus.Running);

        var (code, stdout, err) = await CliRun.Invoke([.. args, "--json"]);
        Assert.True(code == 0, err + stdout);
        var state = StudyFile.TryLoad(studyFile)!;
        Assert.Equal(3, state.Trials.Count);
        Assert.All(state.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(1, state.Trials[interrupted].Restarts);
        Assert.Equal([1, 2, 3], state.Trials[interrupted].Reports.Keys);
        // The killed session's run is closed as failed; every trial has one completed run.
        var runs = await RunsAsync("killed");
        Assert.DoesNotContain(runs, r => r.Status == RunStatus.Running);
        Assert.Contains(runs, r => r.Name == $"killed-trial-{interrupted}" && r.Status == RunStatus.Failed);
        Assert.Equal(3, runs.Count(r => r.Status == RunStatus.Completed));
    }

    private static TrialRecord? RunningWithReports(string path)
    {
        try
        {
            return StudyFile.TryLoad(path)?.Trials.FirstOrDefault(t => t.Status == TrialStatus.Running && t.Reports.Count > 0 && t.Number > 0);
        }
        catch (InvalidDataException)
        {
            return null; // read while the rename replaced it
        }
        catch (IOException)
        {
            return null;
        }
    }
}
