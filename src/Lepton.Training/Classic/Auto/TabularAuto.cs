using System.Diagnostics;
using Lepton.Data.Tables;
using Lepton.NN.Serialization;

namespace Lepton.Training.Classic.Auto;

/// <summary>Options of <see cref="TabularAuto"/>: folds, seed and the wall-clock budget for all candidates.</summary>
public sealed record TabularAutoOptions(int Folds = 5, int Seed = 0, TimeSpan? Budget = null, int NumThreads = 0)
{
    public TimeSpan ResolvedBudget => Budget ?? TimeSpan.FromMinutes(5);
}

/// <summary>
/// Tries tabular learners with k-fold cross-validation on the same seeded, stratified folds and refits the best on every
/// row. Candidates run in order while the time budget lasts; the first that can run always completes, so there is a result.
/// </summary>
public static class TabularAuto
{
    public static TabularAutoResult Run(FeatureMatrix x, float[] labels, TabularTask task, TabularAutoOptions? options = null,
        IReadOnlyList<TabularCandidate>? candidates = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(task);
        var o = options ?? new TabularAutoOptions();
        task.CheckLabels(labels, x.Rows);
        var list = candidates ?? TabularCandidate.Defaults(task, o.Seed, o.NumThreads);
        if (list.Count == 0) throw new ArgumentException("TabularAuto needs at least one candidate, got none.", nameof(candidates));
        var folds = TableRows.Folds(labels, task, o.Folds, o.Seed);
        string metric = task.IsClassification ? "accuracy" : "rmse";
        var clock = Stopwatch.StartNew();
        var scores = new List<CandidateScore>();
        bool anyCompleted = false;
        foreach (var candidate in list)
        {
            ct.ThrowIfCancellationRequested();
            if (candidate.Refuses(x) is { } why)
            {
                scores.Add(new CandidateScore(candidate.Name, metric, [], 0, why));
                continue;
            }
            var left = o.ResolvedBudget - clock.Elapsed;
            if (anyCompleted && left <= TimeSpan.Zero)
            {
                scores.Add(new CandidateScore(candidate.Name, metric, [], 0, "time budget spent"));
                continue;
            }
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // The first candidate that runs is never cut short, so there is always a model to return.
            if (anyCompleted && left.TotalMilliseconds < int.MaxValue) budget.CancelAfter(left);
            var started = clock.Elapsed;
            try
            {
                var foldScores = new List<double>();
                for (int fold = 0; fold < o.Folds; fold++)
                {
                    var (train, test) = Rows(folds, fold);
                    var model = candidate.Fit(TableRows.Subset(x, train), TableRows.Subset(labels, train), task, budget.Token);
                    var testX = TableRows.Subset(x, test);
                    foldScores.Add(Score(task, model.Predict(testX), TableRows.Subset(labels, test)));
                }
                scores.Add(new CandidateScore(candidate.Name, metric, foldScores, (clock.Elapsed - started).TotalSeconds));
                anyCompleted = true;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                scores.Add(new CandidateScore(candidate.Name, metric, [], (clock.Elapsed - started).TotalSeconds, "stopped by the time budget"));
            }
        }
        if (!anyCompleted)
            throw new InvalidOperationException(
                $"No candidate could train: {string.Join("; ", scores.Select(s => $"{s.Name}: {s.Skipped}"))}.");
        var best = scores.Where(s => s.Completed)
            .OrderByDescending(s => task.IsClassification ? s.Mean : -s.Mean)
            .ThenBy(s => s.Seconds)
            .First();
        var chosen = list.First(c => c.Name == best.Name);
        var final = chosen.Fit(x, labels, task, ct);
        return new TabularAutoResult(best.Name, final, scores);
    }

    /// <summary>Accuracy (classification) or RMSE (regression) of <paramref name="predictions"/> as <see cref="ITabularModel.Predict"/> returns them.</summary>
    public static double Score(TabularTask task, ReadOnlySpan<double> predictions, ReadOnlySpan<float> labels)
    {
        ArgumentNullException.ThrowIfNull(task);
        int n = labels.Length;
        if (n == 0) return double.NaN;
        if (task.Kind == TaskKind.Regression)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) { double d = predictions[i] - labels[i]; sum += d * d; }
            return Math.Sqrt(sum / n);
        }
        int correct = 0;
        if (task.Kind == TaskKind.Binary)
        {
            for (int i = 0; i < n; i++) if ((predictions[i] >= 0.5 ? 1 : 0) == (int)labels[i]) correct++;
        }
        else
        {
            int k = task.ClassCount;
            for (int i = 0; i < n; i++)
            {
                var row = predictions.Slice(i * k, k);
                int arg = 0;
                for (int c = 1; c < k; c++) if (row[c] > row[arg]) arg = c;
                if (arg == (int)labels[i]) correct++;
            }
        }
        return (double)correct / n;
    }

    private static (int[] Train, int[] Test) Rows(int[] folds, int fold)
    {
        var train = new List<int>();
        var test = new List<int>();
        for (int i = 0; i < folds.Length; i++) (folds[i] == fold ? test : train).Add(i);
        return ([.. train], [.. test]);
    }
}
