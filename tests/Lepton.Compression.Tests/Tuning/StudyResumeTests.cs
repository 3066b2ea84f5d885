using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Space;
using Lepton.Compression.Tuning.Study;

namespace Lepton.Compression.Tests.Tuning;

/// <summary>
/// A study killed mid-trial resumes: the state file as a <c>kill -9</c> leaves it (copied at the moment of the "kill", while
/// a trial is between epochs) is opened by a new session, the interrupted trial starts again from scratch and the study
/// ends exactly where an uninterrupted one does.
/// </summary>
public sealed class StudyResumeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tune-resume").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly SearchSpace Space = new([SearchParameter.Float("x", -2, 2), SearchParameter.Categorical("opt", "a", "b")]);

    private static double Score(IReadOnlyDictionary<string, double> p, int epoch) => -Math.Pow(p["x"] - 0.5, 2) - 0.1 * p["opt"] + 0.02 * epoch;

    private StudyOptions Options(string dir) => new("resume", Path.Combine(_root, dir), Trials: 16, Sampler: "tpe", Seed: 11, Halving: new SuccessiveHalving(1, 9, 3));

    [Fact]
    public async Task Resume_StateFileFromKilledProcess_RestartsInterruptedTrialAndFinishesLikeUninterrupted()
    {
        // The reference: one session, never interrupted.
        var reference = TuningStudy.Open(Options("reference"), Space, "function");
        await StudyRunner.RunAsync(reference, new FunctionObjective(Score));
        var expected = reference.Snapshot();

        // The crashed session: at the second epoch of a late trial (one that waited at rung 1 and went on from its checkpoint, or
        // went on at once) the study file is copied as the kill would leave it, then the session ends.
        var crashed = Options("crashed");
        string killedDir = Path.Combine(_root, "killed");
        using var kill = new CancellationTokenSource();
        var first = TuningStudy.Open(crashed, Space, "function");
        int killed = -1;
        var objective = new FunctionObjective(Score)
        {
            AfterEpoch = (trial, epoch) =>
            {
                if (trial < 10 || epoch != 2 || kill.IsCancellationRequested) return;
                killed = trial;
                Directory.CreateDirectory(killedDir);
                File.Copy(first.FilePath, Path.Combine(killedDir, StudyFile.FileName));
                kill.Cancel();
            },
        };
        await StudyRunner.RunAsync(first, objective, kill.Token);
        var atKill = StudyFile.TryLoad(Path.Combine(killedDir, StudyFile.FileName))!;
        Assert.True(killed >= 10, "no late trial reached epoch 2");
        Assert.Equal(TrialStatus.Running, atKill.Trials[killed].Status);
        Assert.Equal([1, 2], atKill.Trials[killed].Reports.Keys);

        // A new session on the killed state.
        var resumed = TuningStudy.Open(Options("killed"), Space, "function");
        Assert.Equal([killed], resumed.Interrupted);
        var second = new FunctionObjective(Score);
        Assert.Equal(StudyStop.Finished, await StudyRunner.RunAsync(resumed, second));
        var state = resumed.Snapshot();

        Assert.Equal(1, state.Trials[killed].Restarts);
        Assert.Equal(16, state.Trials.Count);
        Assert.All(state.Trials, t => Assert.True(t.IsFinished, $"trial {t.Number} is {t.Status}"));
        for (int n = 0; n < 16; n++)
        {
            Assert.Equal(expected.Trials[n].Parameters, state.Trials[n].Parameters);
            Assert.Equal(expected.Trials[n].Status, state.Trials[n].Status);
            Assert.Equal(expected.Trials[n].Value, state.Trials[n].Value);
        }
    }

    [Fact]
    public async Task Open_SavedStudyWithOtherSpace_RefusesNamingTheSetting()
    {
        var study = TuningStudy.Open(Options("changed"), Space, "function");
        await StudyRunner.RunAsync(study, new FunctionObjective(Score));
        var other = new SearchSpace([SearchParameter.Float("x", -3, 3)]);
        var ex = Assert.Throws<InvalidOperationException>(() => TuningStudy.Open(Options("changed"), other, "function"));
        Assert.Contains("search space", ex.Message);
        Assert.Contains("--study", ex.Message);
    }

    [Fact]
    public async Task Run_BudgetSpent_StopsAndLeavesTrialsToResume()
    {
        var options = Options("budget") with { Budget = TimeSpan.FromMilliseconds(300) };
        var study = TuningStudy.Open(options, Space, "function");
        // 50 ms per epoch: the 16 trials need at least 800 ms, so the 300 ms budget always ends the study first.
        var slow = new FunctionObjective((p, e) => { Thread.Sleep(50); return Score(p, e); });
        Assert.Equal(StudyStop.Budget, await StudyRunner.RunAsync(study, slow));
        var state = study.Snapshot();
        Assert.True(state.Trials.Count < 16, $"{state.Trials.Count} trials started within the budget");
        Assert.True(state.ElapsedSeconds >= 0.3);
        // The budget is counted over every session: a second session starts nothing.
        var again = TuningStudy.Open(options, Space, "function");
        Assert.Equal(StudyStop.Budget, await StudyRunner.RunAsync(again, slow));
    }

    [Fact]
    public void StudyFile_Truncated_RefusedWithTheFix()
    {
        string dir = Path.Combine(_root, "bad");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, StudyFile.FileName), "{\"format\": 1, \"trials\": [");
        var ex = Assert.Throws<InvalidDataException>(() => StudyFile.TryLoad(Path.Combine(dir, StudyFile.FileName)));
        Assert.Contains("--study", ex.Message);
    }
}
