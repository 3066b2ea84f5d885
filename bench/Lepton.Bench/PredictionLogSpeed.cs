using System.Diagnostics;
using Lepton.Registry.Store;

namespace Lepton.Bench;

/// <summary>
/// CPU per row of the prediction log's store writes (what `lepton serve` adds per request on its log thread): batches of 256
/// rows shaped like a served Fashion-MNIST prediction, appended to a fresh SQLite registry after 5 warm-up batches.
/// </summary>
public static class PredictionLogSpeed
{
    /// <summary>`log-write [batches=40]`; returns the process exit code.</summary>
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        int batches = args.Length > 0 ? int.Parse(args[0]) : 40;
        var dir = Path.Combine(Path.GetTempPath(), "lepton-bench-log-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var store = await SqliteRegistryStore.OpenAsync(Path.Combine(dir, "registry.db"));
            var start = DateTimeOffset.UtcNow;
            int n = 0;
            List<PredictionRecord> Batch() => Enumerable.Range(0, 256).Select(_ => new PredictionRecord(Guid.NewGuid().ToString("N"), "fashion", 1,
                start.AddMilliseconds(++n), 0.25, "Coat", "{\"mean\":0.28647,\"std\":0.35301,\"min\":0,\"max\":1,\"nan\":0}",
                "{\"label\":\"Coat\",\"probabilities\":[0.9,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.02]}", null)).ToList();
            for (int i = 0; i < 5; i++) await store.AppendPredictionsAsync(Batch());
            var timed = Enumerable.Range(0, batches).Select(_ => Batch()).ToList();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            foreach (var b in timed) await store.AppendPredictionsAsync(b);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            int rows = batches * 256;
            BenchResult.Print(new
            {
                Mode = "log-write",
                Rows = rows,
                Seconds = clock.Elapsed.TotalSeconds,
                RowsPerS = rows / clock.Elapsed.TotalSeconds,
                CpuUsPerRow = cpu.TotalMilliseconds * 1000 / rows,
            });
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
