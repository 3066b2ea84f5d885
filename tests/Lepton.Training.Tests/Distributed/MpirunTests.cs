using System.Diagnostics;
using Lepton.NN.Serialization;
using Lepton.Training.Worker;

namespace Lepton.Training.Tests.Distributed;

/// <summary>Real Open MPI: two processes started by mpirun train the toy job and must match one process.</summary>
public sealed class MpirunTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-mpirun-" + Guid.NewGuid().ToString("N"));

    public MpirunTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Mpirun_TwoRanks_MatchOneProcessAndOnlyRankZeroWrites()
    {
        string mpirun = FindOnPath("mpirun")
            ?? throw new InvalidOperationException("mpirun was not found on PATH; these tests need Open MPI: apt-get install openmpi-bin (test.sh installs it).");
        string outDir = Directory.CreateDirectory(Path.Combine(_root, "ranks")).FullName;

        var (exitCode, stdout, stderr) = await RunAsync(mpirun, outDir, ranks: 2);

        Assert.True(exitCode == 0, $"mpirun exited with {exitCode}.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("rank 0 of 2", stdout);
        Assert.Contains("rank 1 of 2", stdout);
        var (reference, _) = ToyJob.Run(null, Directory.CreateDirectory(Path.Combine(_root, "one")).FullName);
        var expected = reference.StateDict();
        var got = SafetensorsReader.Read(Path.Combine(outDir, ToyJob.WeightsFile)).ToDictionary();
        Assert.Equal(expected.Keys.Order(), got.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            var e = tensor.ToArray();
            var g = got[name].ToArray();
            for (int i = 0; i < e.Length; i++)
                Assert.True(Math.Abs(e[i] - g[i]) <= 1e-5, $"{name}[{i}]: one process {e[i]}, mpirun -np 2 {g[i]}");
        }
        Assert.Equal(Enumerable.Repeat("rank 0", ToyJob.Epochs), File.ReadAllLines(Path.Combine(outDir, ToyJob.SavesLog)));
        Assert.True(File.Exists(Path.Combine(outDir, "checkpoint", "weights.safetensors")));
        Assert.Equal(["checkpoint"], Directory.GetDirectories(outDir).Select(Path.GetFileName));
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string mpirun, string outDir, int ranks)
    {
        string directory = AppContext.BaseDirectory;
        string worker = Path.Combine(directory, "Lepton.Training.Worker.dll");
        if (!File.Exists(worker)) throw new FileNotFoundException($"The training worker was not built next to the tests: {worker}.");
        string runtimeConfig = Path.Combine(directory, "Lepton.Training.Worker.runtimeconfig.json");
        var start = new ProcessStartInfo(mpirun)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --oversubscribe: a CI box may report fewer slots than ranks; the job is tiny.
        foreach (var a in new[] { "--allow-run-as-root", "--oversubscribe", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "exec", "--runtimeconfig", runtimeConfig,
                     "--depsfile", Path.Combine(directory, "Lepton.Training.Tests.deps.json"), worker, outDir })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun -np {ranks} did not finish in 180 s:\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
