using System.Diagnostics;
using System.Text.Json;
using Lepton.NN.Serialization;
using Lepton.Training.Callbacks;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>mpirun -np 2 lepton train --distributed</c> with the real command on a small Fashion-MNIST: rank 0 alone records the run
/// and registers the model, which equals a one-process run's; a rank killed mid-run ends the job with a message naming
/// the intact checkpoint, and <c>--resume</c> finishes it. Needs Open MPI (test.sh installs openmpi-bin).
/// </summary>
[Collection("cli")]
public sealed class DistributedTrainCommandTests(TrainedModelFixture fx)
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private string Data => Path.Combine(fx.Root, "ddp-data");

    private string[] TrainArgs(string outDir, int epochs, int batch) =>
        ["train", "--data", "fashion-mnist", "--data-dir", Data, "--model", "mlp", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--batch-size", batch.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lr", "0.002", "--seed", "5", "--threads", "1", "--out", outDir];

    [Fact]
    public async Task MpirunTwoRanks_RankZeroRecordsAndRegisters_WeightsMatchOneProcess()
    {
        SyntheticFashionMnist.Create(Data);
        string ranksDir = Path.Combine(fx.Root, "ddp-ranks"), oneDir = Path.Combine(fx.Root, "ddp-one");

        using var job = MpiJob.Start([.. TrainArgs(ranksDir, 2, 32), "--distributed", "--register", "ddp-toy", "--json"], fx.Home);
        var (exit, stdout, stderr) = await job.WaitAsync(TimeSpan.FromSeconds(240));

        Assert.True(exit == 0, $"mpirun exited with {exit}.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        // Only rank 0 prints the outcome (one JSON document); rank 1 says on stderr that it finished.
        var outcome = Json(stdout);
        Assert.Equal("ddp-toy@1", outcome.GetProperty("registered").GetString());
        Assert.Contains("rank 1 of 2 finished 2 epoch(s)", stderr);
        string runId = outcome.GetProperty("run_id").GetString()!;
        var (code, runs, err) = await CliRun.Invoke("runs", "list", "--json");
        Assert.True(code == 0, err);
        var listed = Json(runs).EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Single(listed, id => id == runId);
        (code, var shown, err) = await CliRun.Invoke("runs", "show", runId, "--json");
        Assert.True(code == 0, err);
        Assert.Equal("completed", Json(shown).GetProperty("run").GetProperty("status").GetString());

        // Two ranks with half of every batch of 32 take the steps one process takes with batch 32.
        (code, _, err) = await CliRun.Invoke(TrainArgs(oneDir, 2, 32));
        Assert.True(code == 0, err);
        var expected = SafetensorsReader.Read(Path.Combine(oneDir, ModelFile.WeightsFileName)).ToDictionary();
        var got = SafetensorsReader.Read(Path.Combine(ranksDir, ModelFile.WeightsFileName)).ToDictionary();
        Assert.Equal(expected.Keys.Order(), got.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            var e = tensor.ToArray();
            var g = got[name].ToArray();
            for (int i = 0; i < e.Length; i++)
                Assert.True(Math.Abs(e[i] - g[i]) <= 1e-4, $"{name}[{i}]: one process {e[i]}, mpirun -np 2 {g[i]}");
        }
    }

    [Fact]
    public async Task MpirunRankKilledMidRun_EndsWithCheckpointMessage_ResumeFinishes()
    {
        SyntheticFashionMnist.Create(Data);
        string outDir = Path.Combine(fx.Root, "ddp-killed");
        const int Epochs = 40;
        using var job = MpiJob.Start([.. TrainArgs(outDir, Epochs, 8), "--distributed"], fx.Home);

        // Once two epochs are checkpointed, rank 1 dies without warning (as on a lost node).
        string state = Path.Combine(outDir, ModelCheckpoint.TrainingStateFile);
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (CheckpointEpoch(state) < 2)
        {
            Assert.False(job.HasExited, $"mpirun ended before two epochs were checkpointed:\n{job.Stderr}");
            Assert.True(DateTime.UtcNow < deadline, $"no checkpoint of epoch 2 in 180 s:\n{job.Stderr}");
            await Task.Delay(50);
        }
        job.KillRank(1);
        var (exit, _, stderr) = await job.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.NotEqual(0, exit);
        int saved = CheckpointEpoch(state);
        Assert.InRange(saved, 2, Epochs - 1);
        Assert.Contains("--resume", stderr);
        Assert.Contains(outDir, stderr);
        // The checkpoint on disk is whole: it loads as a model.
        Assert.NotNull(ModelFile.Load(outDir).Model);

        // One process picks the run up from that checkpoint and trains the remaining epochs.
        var (code, stdout, err) = await CliRun.Invoke([.. TrainArgs(outDir, Epochs, 8), "--resume", "--json"]);
        Assert.True(code == 0, err);
        var epochs = Json(stdout).GetProperty("epochs").EnumerateArray().Select(e => e.GetProperty("epoch").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(saved + 1, Epochs - saved), epochs);
        Assert.Equal(Epochs, CheckpointEpoch(state));
        Assert.True(ModelFile.Load(outDir).Spec.Metrics["test_accuracy"] > 0.8);

        // The killed job's run record is closed: by rank 0 on mpirun's SIGTERM, or else by the resume.
        string resumedRun = Json(stdout).GetProperty("run_id").GetString()!;
        var (_, runs, _) = await CliRun.Invoke("runs", "list", "--json");
        var killed = Json(runs).EnumerateArray().Where(r => r.GetProperty("name").GetString() == Path.GetFileName(outDir) && r.GetProperty("id").GetString() != resumedRun).ToList();
        Assert.NotEmpty(killed);
        Assert.All(killed, r => Assert.Equal("failed", r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Resume_FromEpochOneCheckpoint_MatchesTheUninterruptedRun()
    {
        SyntheticFashionMnist.Create(Data);
        string straight = Path.Combine(fx.Root, "resume-straight"), resumed = Path.Combine(fx.Root, "resume-resumed");
        var (code, _, err) = await CliRun.Invoke(TrainArgs(straight, 3, 32));
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke(TrainArgs(resumed, 1, 32));
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(resumed, Lepton.Training.Workflows.TrainingResume.OptimizerStateFile)));

        (code, var stdout, err) = await CliRun.Invoke([.. TrainArgs(resumed, 3, 32), "--resume", "--json"]);

        Assert.True(code == 0, err);
        Assert.Equal([2, 3], Json(stdout).GetProperty("epochs").EnumerateArray().Select(e => e.GetProperty("epoch").GetInt32()));
        // The data order depends only on (seed, epoch) and the optimizer's moments come back with the weights: the same steps.
        var expected = SafetensorsReader.Read(Path.Combine(straight, ModelFile.WeightsFileName)).ToDictionary();
        var got = SafetensorsReader.Read(Path.Combine(resumed, ModelFile.WeightsFileName)).ToDictionary();
        foreach (var (name, tensor) in expected) Assert.Equal(tensor.ToArray(), got[name].ToArray());
    }

    [Fact]
    public async Task Resume_WithoutCheckpoint_FailsNamingTheFix()
    {
        SyntheticFashionMnist.Create(Data);
        var (code, _, err) = await CliRun.Invoke([.. TrainArgs(Path.Combine(fx.Root, "resume-none"), 2, 32), "--resume"]);
        Assert.NotEqual(0, code);
        Assert.Contains("train without --resume", err);
    }

    private static int CheckpointEpoch(string state)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(state));
            return doc.RootElement.GetProperty("epoch").GetInt32();
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            // Not written yet, or being replaced right now.
            return 0;
        }
    }

    /// <summary>An mpirun of the lepton command built next to these tests, with its output collected as it runs.</summary>
    private sealed class MpiJob : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stdout;
        private readonly System.Text.StringBuilder _stderr = new();
        private readonly string _tag;

        private MpiJob(Process process, string tag)
        {
            _process = process;
            _tag = tag;
            _stdout = process.StandardOutput.ReadToEndAsync();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data);
            };
            process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        public string Stderr
        {
            get { lock (_stderr) return _stderr.ToString(); }
        }

        public static MpiJob Start(string[] leptonArgs, string home)
        {
            string mpirun = FindOnPath("mpirun")
                ?? throw new InvalidOperationException("mpirun was not found on PATH; these tests need Open MPI: apt-get install openmpi-bin (test.sh installs it).");
            string dir = AppContext.BaseDirectory;
            string cli = Path.Combine(dir, "lepton.dll");
            string config = Path.Combine(dir, "lepton.runtimeconfig.json");
            if (!File.Exists(config)) config = Path.Combine(dir, "Lepton.Cli.Tests.runtimeconfig.json");
            var start = new ProcessStartInfo(mpirun) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // --oversubscribe: a CI box may report fewer slots than ranks; the job is tiny.
            foreach (var a in new[] { "--allow-run-as-root", "--oversubscribe", "-np", "2",
                         Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "exec", "--runtimeconfig", config,
                         "--depsfile", Path.Combine(dir, "Lepton.Cli.Tests.deps.json"), cli })
                start.ArgumentList.Add(a);
            foreach (var a in leptonArgs) start.ArgumentList.Add(a);
            start.Environment["LEPTON_HOME"] = home;
            start.Environment.Remove("LEPTON_STORE");
            // mpirun hands its environment to the ranks: the tag finds this job's ranks among the machine's processes.
            string tag = Guid.NewGuid().ToString("N");
            start.Environment["LEPTON_TEST_JOB"] = tag;
            return new MpiJob(Process.Start(start)!, tag);
        }

        public async Task<(int ExitCode, string Stdout, string Stderr)> WaitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"mpirun did not finish in {timeout.TotalSeconds} s:\n{Stderr}");
            }
            // The exit event can come before the last stderr lines are read.
            _process.WaitForExit();
            return (_process.ExitCode, await _stdout, Stderr);
        }

        /// <summary>SIGKILLs the rank of this job with the given OMPI_COMM_WORLD_RANK (found through /proc/PID/environ).</summary>
        public void KillRank(int rank)
        {
            string[] wanted = [$"LEPTON_TEST_JOB={_tag}", $"OMPI_COMM_WORLD_RANK={rank}"];
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                string[] environment;
                try
                {
                    environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    continue; // ended meanwhile, or another user's
                }
                if (!wanted.All(environment.Contains)) continue;
                using var process = Process.GetProcessById(pid);
                process.Kill();
                return;
            }
            throw new InvalidOperationException($"No process of this mpirun job has OMPI_COMM_WORLD_RANK={rank}.\n{Stderr}");
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }

        private static string? FindOnPath(string name) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
