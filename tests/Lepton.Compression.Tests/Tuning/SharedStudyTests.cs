using System.Collections.Concurrent;
using Lepton.Compression.Tuning.Distributed;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Space;
using Lepton.Compression.Tuning.Study;
using Lepton.Registry.Tests.Store;

namespace Lepton.Compression.Tests.Tuning;

/// <summary>
/// Workers sharing a study through a throw-away PostgreSQL server: two workers split a 20-trial search and no trial is
/// trained twice; a worker that freezes mid-trial (no heartbeat, no release: what <c>kill -9</c> leaves) loses its trial when
/// the lease lapses, the other worker finishes it, and the frozen worker's late writes are refused.
/// </summary>
public sealed class SharedStudyTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tune-shared").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly SearchSpace Space = new([SearchParameter.Float("x", -2, 2), SearchParameter.Categorical("opt", "a", "b")]);

    private static double Score(IReadOnlyDictionary<string, double> p, int epoch) => -Math.Pow(p["x"] - 0.5, 2) - 0.1 * p["opt"] + 0.02 * epoch;

    private StudyOptions Options(string worker) =>
        new("shared", Path.Combine(_root, worker), Trials: 20, Sampler: "tpe", Seed: 4, Halving: new SuccessiveHalving(1, 3, 3));

    private static SharedStudyOptions Worker(string name) => new(name, Lease: TimeSpan.FromSeconds(1), Poll: TimeSpan.FromMilliseconds(50));

    /// <summary>Trains by evaluating <see cref="Score"/> each epoch, logging (worker, trial) per start; may freeze in a trial.</summary>
    private sealed class LoggingObjective(string worker, ConcurrentQueue<(string Worker, int Trial)> log) : ITrialObjective
    {
        /// <summary>Called before each epoch trains.</summary>
        public Action<TrialRun, int>? BeforeEpoch { get; init; }

        public string Describe() => "function";

        public Task<TrialResult> RunAsync(TrialRun trial, CancellationToken ct)
        {
            log.Enqueue((worker, trial.Number));
            for (int epoch = 1; epoch <= trial.MaxEpochs; epoch++)
            {
                if (ct.IsCancellationRequested) return Task.FromResult(new TrialResult(Cancelled: true));
                BeforeEpoch?.Invoke(trial, epoch);
                Thread.Sleep(15);
                if (!trial.Report(epoch, Score(trial.Parameters, epoch))) break;
            }
            return Task.FromResult(new TrialResult($"run-{worker}-{trial.Number}", trial.Directory));
        }
    }

    [Fact]
    public async Task TwoWorkers_OneKilledMidTrial_EveryTrialRunsOnceAndTheKilledOneIsFinishedByTheOther()
    {
        string db = await cluster.NewSchemaAsync();
        var log = new ConcurrentQueue<(string Worker, int Trial)>();
        using var a = PostgresStudy.Open(db, Options("a"), Space, "function", Worker("a"));
        using var b = PostgresStudy.Open(db, Options("b"), Space, "function", Worker("b"));

        // Worker a freezes in its second trial before the first epoch ends: its heartbeat stops and it never releases the trial,
        // as a killed process would; it wakes up only after the study is over, and then reports.
        using var wake = new ManualResetEventSlim();
        int frozen = -1, started = 0;
        bool? lateReport = null;
        var objectiveA = new LoggingObjective("a", log)
        {
            BeforeEpoch = (trial, epoch) =>
            {
                if (epoch != 1 || frozen >= 0 || ++started < 2) return;
                frozen = trial.Number;
                a.StopHeartbeat();
                wake.Wait(TimeSpan.FromMinutes(2));
                lateReport = trial.Report(1, 99);
            },
        };
        var runA = Task.Run(() => StudyRunner.RunAsync(a, objectiveA));
        var runB = Task.Run(() => StudyRunner.RunAsync(b, new LoggingObjective("b", log)));

        Assert.Equal(StudyStop.Finished, await runB.WaitAsync(TimeSpan.FromMinutes(2)));
        var state = b.Snapshot();
        wake.Set();
        Assert.Equal(StudyStop.Finished, await runA.WaitAsync(TimeSpan.FromMinutes(1)));

        Assert.True(frozen >= 0, "worker a never froze");
        Assert.False(lateReport, "the frozen worker's report after it lost the trial was accepted");
        Assert.Equal(20, state.Trials.Count);
        Assert.All(state.Trials, t => Assert.True(t.IsFinished, $"trial {t.Number} is {t.Status}"));
        // No trial trained twice, except the killed worker's, which the other started again once.
        var starts = log.GroupBy(e => e.Trial).ToDictionary(g => g.Key, g => g.Select(e => e.Worker).ToList());
        Assert.Equal(Enumerable.Range(0, 20), starts.Keys.Order());
        Assert.All(starts.Where(s => s.Key != frozen), s => Assert.Single(s.Value));
        Assert.Equal(["a", "b"], starts[frozen]);
        Assert.Contains(starts.Values, w => w.SequenceEqual(["b"]));
        Assert.Contains(starts.Values, w => w.SequenceEqual(["a"]));
        // The row is the other worker's work: its run, its claim, one restart; the frozen worker's late finish changed nothing.
        var taken = (await Task.Run(a.Snapshot)).Trials[frozen];
        Assert.Equal("b", taken.Worker);
        Assert.Equal(1, taken.Restarts);
        Assert.Equal($"run-b-{frozen}", taken.RunId);
        Assert.NotEqual(99, taken.Reports[1]);
        Assert.All(state.Trials.Where(t => t.Number != frozen), t => Assert.Equal(0, t.Restarts));
        // Successive halving across workers: some trials stopped at the first rung.
        Assert.Contains(state.Trials, t => t.Status == TrialStatus.Pruned);
    }

    [Fact]
    public async Task SharedStudy_SameSeedAsFileStudy_ProposesTheSameFirstTrials()
    {
        // One worker on PostgreSQL walks the same path as the single-machine study: the sampler sees the same history. Without
        // rungs (the two stores' successive halving differ: a shared study cannot resume another machine's checkpoint), so
        // the TPE proposals after the 10 start-up trials are compared too.
        string db = await cluster.NewSchemaAsync();
        var options = Options("one") with { Trials = 14, Halving = new SuccessiveHalving(3, 3, 3) };
        using var shared = PostgresStudy.Open(db, options, Space, "function", Worker("one"));
        await StudyRunner.RunAsync(shared, new FunctionObjective(Score));
        var file = TuningStudy.Open(options with { Directory = Path.Combine(_root, "file") }, Space, "function");
        await StudyRunner.RunAsync(file, new FunctionObjective(Score));
        var (s, f) = (shared.Snapshot(), file.Snapshot());
        for (int n = 0; n < 14; n++)
        {
            Assert.Equal(f.Trials[n].Parameters, s.Trials[n].Parameters);
            Assert.Equal(f.Trials[n].Status, s.Trials[n].Status);
            Assert.Equal(f.Trials[n].Value, s.Trials[n].Value);
        }
    }

    [Fact]
    public async Task SharedStudy_WorkerWithOtherSpace_RefusedNamingTheSetting()
    {
        string db = await cluster.NewSchemaAsync();
        using var first = PostgresStudy.Open(db, Options("first"), Space, "function", Worker("first"));
        var other = new SearchSpace([SearchParameter.Float("x", -3, 3)]);
        var ex = Assert.Throws<InvalidOperationException>(() => PostgresStudy.Open(db, Options("second"), other, "function", Worker("second")));
        Assert.Contains("search space", ex.Message);
        Assert.Contains("--study", ex.Message);
    }
}
