using System.Diagnostics;
using System.Globalization;
using Lepton.Engine;
using Lepton.Monitoring;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Runtime.Tables;

namespace Lepton.Bench;

/// <summary>
/// What <c>lepton monitor --groups</c> adds to a monitoring report: a yes/no table model's ROWS logged answers (a home category and an
/// age number per row, as the server logs a table row) in a fresh SQLite registry, the report without groups and with
/// <c>--groups home,age,home+age</c>, alternating, ROUNDS times each; medians.
/// </summary>
public static class MonitorGroupsSpeed
{
    /// <summary>`monitor-groups [rows=50000] [rounds=5]`; returns the process exit code.</summary>
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var dir = Path.Combine(Path.GetTempPath(), "lepton-bench-monitor-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(dir, "registry.db"));
            await using var registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(dir, "artifacts"))),
                new ModelPackageOptions(CacheRoot: Path.Combine(dir, "cache")));
            string folder = Path.Combine(dir, "loan");
            ModelFile.Save(folder, new Sequential(new Flatten(), new Linear(4, 1, rng: new Generator(7))),
                new ModelSpec { Input = new InputSpec("image", [-1, 1, 2, 2]), Task = new TaskSpec(TaskKind.Binary), ClassNames = ["no", "yes"] });
            await registry.RegisterAsync("loan", folder, null, null, "bench");
            var start = DateTimeOffset.UtcNow.AddMinutes(-30);
            var rng = new Random(1);
            for (int at = 0; at < rows; at += 1000)
                await store.AppendPredictionsAsync([.. Enumerable.Range(at, Math.Min(1000, rows - at)).Select(i =>
                {
                    bool rent = rng.NextDouble() < 0.4;
                    string label = rng.NextDouble() < (rent ? 0.3 : 0.5) ? "yes" : "no";
                    string row = string.Create(CultureInfo.InvariantCulture, $$"""{"home":"{{(rent ? "rent" : "own")}}","age":{{21 + rng.Next(50)}},"income":{{rng.Next(20, 100)}}}""");
                    return new PredictionRecord($"p{i}", "loan", 1, start.AddMilliseconds(i), 1, label, "{\"table_row\":true}", $$"""{"label":"{{label}}","version":"1"}""", row);
                })]);
            var monitor = new ModelMonitor(registry);
            var window = new MonitorWindow(start, DateTimeOffset.UtcNow);
            var groups = new GroupOptions(["home", "age", "home+age"]);
            var plain = new List<double>();
            var grouped = new List<double>();
            double? ratio = null;
            await monitor.ReportAsync("loan", window, null, groups); // warm-up
            for (int r = 0; r < rounds; r++)
            {
                foreach (bool withGroups in r % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var clock = Stopwatch.StartNew();
                    var report = await monitor.ReportAsync("loan", window, null, withGroups ? groups : GroupOptions.None);
                    (withGroups ? grouped : plain).Add(clock.Elapsed.TotalSeconds);
                    if (withGroups) ratio = report.Overall.Groups[0].SelectionRatio;
                }
            }
            double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
            BenchResult.Print(new
            {
                Mode = "monitor-groups",
                Rows = rows,
                Rounds = rounds,
                ReportSeconds = Median(plain),
                WithGroupsSeconds = Median(grouped),
                Ratio = Median(grouped) / Median(plain),
                HomeSelectionRatio = ratio,
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
