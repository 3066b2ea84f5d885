using System.Diagnostics;
using System.Globalization;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Sampling;
using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Space;

namespace Lepton.Compression.Tuning.Study;

/// <summary>
/// The live study shared by its parallel trials: hands out trials (interrupted ones first, from scratch; then waiting ones
/// that may go on from their rung checkpoint; then new ones from the sampler), takes their epoch reports and decides at each
/// rung whether they go on or wait (ASHA), and writes <c>study.json</c> atomically after every change, so Ctrl+C or
/// <c>kill -9</c> loses at most the epochs of the trials then running.
/// </summary>
public sealed class TuningStudy : IStudy
{
    private readonly object _gate = new();
    private readonly StudyState _state;
    private readonly Queue<TrialRecord> _restart = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double _elapsedBefore;

    private TuningStudy(StudyOptions options, SearchSpace space, StudyState state, string path)
    {
        Options = options;
        Space = space;
        _state = state;
        FilePath = path;
        Sampler = Samplers.Create(state.Sampler, state.Seed);
        Halving = new SuccessiveHalving(state.MinEpochs, state.MaxEpochs, state.Eta);
        _elapsedBefore = state.ElapsedSeconds;
        foreach (var t in state.Trials.Where(t => t.Status == TrialStatus.Running).OrderBy(t => t.Number)) _restart.Enqueue(t);
    }

    public StudyOptions Options { get; }

    public SearchSpace Space { get; }

    public ISampler Sampler { get; }

    public SuccessiveHalving Halving { get; }

    public string FilePath { get; }

    /// <summary>Trials that were running when the study last stopped and will start again from scratch.</summary>
    public IReadOnlyList<int> Interrupted { get; private init; } = [];

    /// <summary>Called (under no lock) after every change, for live displays.</summary>
    public Action? Changed { get; set; }

    /// <summary>
    /// Opens the study in <see cref="StudyOptions.Directory"/>: a new one, or the saved one when its sampler, seed, epochs,
    /// space and objective match (the trial count may grow). Trials it left running are queued to start again.
    /// </summary>
    public static TuningStudy Open(StudyOptions options, SearchSpace space, string objective)
    {
        options.Validate();
        var halving = options.Schedule;
        string path = Path.Combine(options.Directory, StudyFile.FileName);
        var state = StudyFile.TryLoad(path);
        if (state is null)
        {
            state = new StudyState
            {
                Name = options.Name, Sampler = options.Sampler.ToLowerInvariant(), Seed = options.Seed, TrialCount = options.Trials,
                MinEpochs = halving.MinEpochs, MaxEpochs = halving.MaxEpochs, Eta = halving.Eta, Metric = options.Metric,
                SpaceFingerprint = space.Fingerprint, Objective = objective,
            };
        }
        else
        {
            CheckSame(path, "sampler", state.Sampler, options.Sampler.ToLowerInvariant());
            CheckSame(path, "seed", state.Seed.ToString(), options.Seed.ToString());
            CheckSame(path, "epochs (min, max, eta)", $"{state.MinEpochs}, {state.MaxEpochs}, {state.Eta}", $"{halving.MinEpochs}, {halving.MaxEpochs}, {halving.Eta}");
            CheckSame(path, "search space", state.SpaceFingerprint, space.Fingerprint);
            CheckSame(path, "objective", state.Objective, objective);
            CheckSame(path, "metric", state.Metric, options.Metric);
            state.TrialCount = Math.Max(state.TrialCount, options.Trials);
        }
        var interrupted = state.Trials.Where(t => t.Status == TrialStatus.Running).Select(t => t.Number).ToList();
        var study = new TuningStudy(options, space, state, path) { Interrupted = interrupted };
        study.Save();
        return study;
    }

    private static void CheckSame(string path, string what, string saved, string now)
    {
        if (!string.Equals(saved, now, StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"The study in {path} was started with {what} '{saved}', this run asks for '{now}'. Resume with the same settings, or start a new study with another --study name.");
    }

    /// <summary>The next trial to train, or null when every trial has been handed out and none waits to go on.</summary>
    public TrialRecord? Next() => Next(CancellationToken.None);

    /// <summary>
    /// The next trial to train: an interrupted one (from scratch), else a waiting one that may now go on from its rung, else a
    /// new one from the sampler. When every trial is handed out it waits while others train (their reports may let a waiting
    /// trial go on), and returns null once none trains: the trials still waiting then stop for good.
    /// </summary>
    public TrialRecord? Next(CancellationToken ct)
    {
        TrialRecord? trial;
        lock (_gate)
        {
            while ((trial = TakeLocked()) is null)
            {
                if (!_state.Trials.Any(t => t.Status == TrialStatus.Running))
                {
                    StopWaitingLocked();
                    break;
                }
                ct.ThrowIfCancellationRequested();
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(200));
            }
            SaveLocked();
        }
        Changed?.Invoke();
        return trial;
    }

    private TrialRecord? TakeLocked()
    {
        if (_restart.TryDequeue(out var again))
        {
            // From scratch: the epochs it reported before the interruption are retrained and reported again.
            again.Reports.Clear();
            again.Restarts++;
            again.Started = DateTimeOffset.UtcNow;
            again.Message = null;
            again.ResumeEpoch = 0;
            return again;
        }
        if (Halving.NextPromotion(_state.Trials) is { } waiting)
        {
            waiting.ResumeEpoch = waiting.LastEpoch;
            waiting.Target = Halving.NextTarget(waiting.LastEpoch);
            waiting.Status = TrialStatus.Running;
            waiting.Value = null;
            waiting.Message = null;
            waiting.Ended = null;
            return waiting;
        }
        if (_state.Trials.Count >= _state.TrialCount) return null;
        int number = _state.Trials.Count;
        var history = _state.Trials.Select(t => t.ToObservation()).OfType<Observation>().ToList();
        var values = Sampler.Sample(Space, history, number);
        var trial = new TrialRecord
        {
            Number = number, Status = TrialStatus.Running, Parameters = new(values, StringComparer.Ordinal),
            Readable = new(Space.Describe(values), StringComparer.Ordinal), Started = DateTimeOffset.UtcNow,
            Target = Halving.NextTarget(0),
        };
        _state.Trials.Add(trial);
        return trial;
    }

    // The study ran out of trials to start and none trains: no report can let a waiting trial go on any more.
    private void StopWaitingLocked()
    {
        foreach (var t in _state.Trials.Where(t => t.Status == TrialStatus.Paused))
        {
            int reached = _state.Trials.Count(o => o.Status != TrialStatus.Failed && o.Reports.ContainsKey(t.LastEpoch));
            t.Status = TrialStatus.Pruned;
            t.Message = string.Create(CultureInfo.InvariantCulture,
                $"stopped at rung epoch {t.LastEpoch}: {Options.Metric} {t.Value:F4} not in the top 1/{Halving.Eta} of {reached}");
        }
    }

    /// <summary>
    /// Records a trial's score after <paramref name="epoch"/>; false when the trial stops here: at a rung it is not yet in the
    /// top 1/eta of, it waits (see <see cref="SuccessiveHalving.Continues"/>).
    /// </summary>
    public bool Report(int number, int epoch, double value)
    {
        bool goOn;
        lock (_gate)
        {
            var trial = _state.Trials[number];
            if (trial.Status != TrialStatus.Running) return false;
            trial.Reports[epoch] = value;
            goOn = Halving.Continues(trial, epoch, _state.Trials);
            if (!goOn)
            {
                trial.Status = TrialStatus.Paused;
                trial.Value = value;
                trial.Message = string.Create(CultureInfo.InvariantCulture,
                    $"waiting at rung epoch {epoch} ({Options.Metric} {value:F4}) until enough trials reach it to tell whether it is in their top 1/{Halving.Eta}");
                trial.Ended = DateTimeOffset.UtcNow;
            }
            else if (Halving.IsRung(epoch) && epoch >= trial.Target)
            {
                trial.Target = Halving.NextTarget(epoch);
            }
            SaveLocked();
            Monitor.PulseAll(_gate);
        }
        Changed?.Invoke();
        return goOn;
    }

    /// <summary>A trial's training ended on its own: completed at the last epoch, or already stopped at a rung.</summary>
    public void Finish(int number, TrialResult result)
    {
        lock (_gate)
        {
            var trial = _state.Trials[number];
            trial.RunId = result.RunId ?? trial.RunId;
            trial.ModelDirectory = result.ModelDirectory ?? trial.ModelDirectory;
            if (trial.Status == TrialStatus.Running)
            {
                if (trial.Reports.Count == 0)
                {
                    trial.Status = TrialStatus.Failed;
                    trial.Message = "the trial reported no epoch";
                }
                else
                {
                    trial.Status = TrialStatus.Completed;
                    trial.Value = trial.Reports[trial.LastEpoch];
                }
                trial.Ended = DateTimeOffset.UtcNow;
            }
            foreach (var (k, v) in result.Metrics) trial.Readable[$"@{k}"] = v.ToString("G6", CultureInfo.InvariantCulture);
            SaveLocked();
            Monitor.PulseAll(_gate);
        }
        Changed?.Invoke();
    }

    /// <summary>A trial threw: it is recorded failed with the message and the study goes on.</summary>
    public void Fail(int number, string message)
    {
        lock (_gate)
        {
            var trial = _state.Trials[number];
            trial.Status = TrialStatus.Failed;
            trial.Message = message;
            trial.Ended = DateTimeOffset.UtcNow;
            SaveLocked();
            Monitor.PulseAll(_gate);
        }
        Changed?.Invoke();
    }

    /// <summary>A trial was cut short (Ctrl+C, the budget): it stays running in the file and starts again on resume.</summary>
    public void Interrupt(int number, string? runId)
    {
        lock (_gate)
        {
            var trial = _state.Trials[number];
            trial.RunId = runId ?? trial.RunId;
            if (trial.Status == TrialStatus.Running)
            {
                trial.Message = "interrupted; starts again from scratch when the study resumes";
                // Workers that go on (only this trial was stopped) take it again; a new session queues it when it opens.
                _restart.Enqueue(trial);
            }
            SaveLocked();
            Monitor.PulseAll(_gate);
        }
        Changed?.Invoke();
    }

    /// <summary>Records the model version the best trial was registered as.</summary>
    public void SetRegistered(string version)
    {
        lock (_gate)
        {
            _state.Registered = version;
            SaveLocked();
        }
    }

    /// <summary>The best trial that trained every epoch, else the best stopped one; null before any finished.</summary>
    public TrialRecord? Best
    {
        get
        {
            lock (_gate) return BestOf(_state);
        }
    }

    /// <summary>The best trial of a saved state, by the same rule as <see cref="Best"/>.</summary>
    public static TrialRecord? BestOf(StudyState state) =>
        state.Trials.Where(t => t.IsFinished && t.Value is not null)
            .OrderByDescending(t => t.Status == TrialStatus.Completed).ThenByDescending(t => t.LastEpoch).ThenByDescending(t => t.Value).ThenBy(t => t.Number)
            .FirstOrDefault();

    /// <summary>The wall-clock time all sessions of the study have spent.</summary>
    public TimeSpan Elapsed => TimeSpan.FromSeconds(_elapsedBefore) + _clock.Elapsed;

    /// <summary>A deep copy of the state, safe to read while trials run.</summary>
    public StudyState Snapshot()
    {
        lock (_gate)
        {
            _state.ElapsedSeconds = Elapsed.TotalSeconds;
            var json = System.Text.Json.JsonSerializer.Serialize(_state);
            return System.Text.Json.JsonSerializer.Deserialize<StudyState>(json)!;
        }
    }

    public void Save()
    {
        lock (_gate) SaveLocked();
    }

    private void SaveLocked()
    {
        _state.ElapsedSeconds = Elapsed.TotalSeconds;
        StudyFile.Save(FilePath, _state);
    }
}
