using System.Diagnostics;

namespace Lepton.Registry.Tests.Store;

/// <summary>Launches the Lepton.Registry.Worker child process (built next to this test assembly) and collects its ack lines.</summary>
internal static class StoreWorker
{
    public sealed record Result(int ExitCode, IReadOnlyList<string> Acks, string Errors);

    public static Process Start(string mode, string store, string model, int count, string? goFile = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        string directory = AppContext.BaseDirectory;
        string worker = Path.Combine(directory, "Lepton.Registry.Worker.dll");
        if (!File.Exists(worker)) throw new FileNotFoundException($"The store test worker was not built next to the tests: {worker}.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The test assembly's deps file lists the worker and every package it needs (native SQLite included).
        string runtimeConfig = Path.Combine(directory, "Lepton.Registry.Worker.runtimeconfig.json");
        if (!File.Exists(runtimeConfig)) runtimeConfig = Path.Combine(directory, "Lepton.Registry.Tests.runtimeconfig.json");
        foreach (var a in new[] { "exec", "--runtimeconfig", runtimeConfig, "--depsfile", Path.Combine(directory, "Lepton.Registry.Tests.deps.json"), worker,
                     mode, store, model, count.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        if (goFile is not null) start.ArgumentList.Add(goFile);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return Process.Start(start)!;
    }

    public static async Task<Result> WaitAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The store worker did not finish in 60 s: {await stderr}");
        }
        var acks = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).ToList();
        return new Result(process.ExitCode, acks, await stderr);
    }

    public static async Task<Result> RunAsync(string mode, string store, string model, int count, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(mode, store, model, count, null, environment);
        return await WaitAsync(process);
    }
}
