using System.Diagnostics;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Encoding;
using Lepton.NN.Serialization;

namespace Lepton.Training.Classic.Auto;

/// <summary>
/// Options of <see cref="TabularAuto"/>: folds, seed, the wall-clock budget for all candidates, and where each fold's end is
/// reported (a long search shows how far it is).
/// </summary>
public sealed record TabularAutoOptions(int Folds = 5, int Seed = 0, TimeSpan? Budget = null, int NumThreads = 0,
    IProgress<TabularAutoProgress>? Progress = null)
{
    /// <summary>
    /// A binary task's threshold rule: candidates are then ranked by its objective (see <see cref="CandidateScore"/>) at the
    /// threshold chosen on their out-of-fold predictions, and the winner keeps that threshold.
    /// </summary>
    public DecisionThreshold? Threshold { get; init; }

    public TimeSpan ResolvedBudget => Budget ?? TimeSpan.FromMinutes(5);
}

/// <summary>
/// A candidate's fold done: the candidate (<paramref name="Index"/> of <paramref name="Candidates"/>, from 1), the folds done of
/// <paramref name="Folds"/>, that fold's score, and the search's time so far.
/// </summary>
public sealed record TabularAutoProgress(string Candidate, int Index, int Candidates, int FoldsDone, int Folds, double FoldScore, TimeSpan Elapsed)
{
    /// <summary>What is searching: <c>auto</c> (the candidates) or <c>threshold</c> (a learner's folds for its threshold rule).</summary>
    public string Search { get; init; } = "auto";

    /// <summary>On a candidate's last fold: its score over all folds (with a threshold rule, not the mean of the fold scores reported).</summary>
    public double? CandidateScore { get; init; }
}

/// <summary>
/// Tries tabular learners with k-fold cross-validation on the same folds (seeded and stratified, or forward in time for rows
/// in time order) and refits the best on every row (ties: the earlier candidate). Candidates run in order while the time
/// budget lasts; the first that can run always completes, so there is a result. Rows with score weights
/// (<see cref="FeatureMatrix.ScoreWeights"/>: a weight column) count their weight in every fold's score and threshold.
/// </summary>
public static class TabularAuto
{
    /// <summary>Every candidate on the same matrix <paramref name="x"/>, whatever its <see cref="TabularCandidate.Encoding"/>.</summary>
    public static TabularAutoResult Run(FeatureMatrix x, float[] labels, TabularTask task, TabularAutoOptions? options = null,
        IReadOnlyList<TabularCandidate>? candidates = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Run(_ => x, labels, task, options, candidates, ct);
    }

    /// <summary>
    /// Each candidate on the matrix of its own <see cref="TabularCandidate.Encoding"/> (<paramref name="features"/> is asked at
    /// most once per encoding, only for encodings a candidate uses; every matrix holds the same rows as <paramref name="labels"/>).
    /// </summary>
    public static TabularAutoResult Run(Func<EncoderMode, FeatureMatrix> features, float[] labels, TabularTask task, TabularAutoOptions? options = null,
        IReadOnlyList<TabularCandidate>? candidates = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(task);
        var o = options ?? new TabularAutoOptions();
        var matrices = new Dictionary<EncoderMode, FeatureMatrix>();
        FeatureMatrix MatrixOf(EncoderMode mode)
        {
            if (matrices.TryGetValue(mode, out var m)) return m;
            m = features(mode) ?? throw new ArgumentException($"TabularAuto was given no {mode} features.", nameof(features));
            task.CheckLabels(labels, m.Rows);
            return matrices[mode] = m;
        }
        var list = candidates ?? TabularCandidate.Defaults(task, o.Seed, o.NumThreads);
        if (list.Count == 0) throw new ArgumentException("TabularAuto needs at least one candidate, got none.", nameof(candidates));
        // Every encoding holds the same rows in the same order, so the first one's folds serve all (and its check of the labels
        // against the rows comes before any fold is dealt).
        var folds = TableRows.CrossValidation(MatrixOf(list[0].Encoding), labels, task, o.Folds, o.Seed);
        var rule = o.Threshold is { IsChosen: true } r ? r : null;
        if (rule is not null && task.Kind != TaskKind.Binary)
            throw new ArgumentException($"--threshold {rule} chooses a binary classifier's decision threshold; this task is {TaskSpec.NameOf(task.Kind)}.");
        string metric = rule is not null ? rule.Objective : task.IsClassification ? "accuracy" : task.Loss.Metric;
        var clock = Stopwatch.StartNew();
        var scores = new List<CandidateScore>();
        bool anyCompleted = false;
        for (int index = 0; index < list.Count; index++)
        {
            var candidate = list[index];
            ct.ThrowIfCancellationRequested();
            var left = o.ResolvedBudget - clock.Elapsed;
            if (anyCompleted && left <= TimeSpan.Zero)
            {
                scores.Add(new CandidateScore(candidate.Name, metric, [], 0, "time budget spent"));
                continue;
            }
            var x = MatrixOf(candidate.Encoding); // built only once a candidate of that encoding gets to run
            if (candidate.Refuses(x) is { } why)
            {
                scores.Add(new CandidateScore(candidate.Name, metric, [], 0, why));
                continue;
            }
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // The first candidate that runs is never cut short, so there is always a model to return.
            if (anyCompleted && left.TotalMilliseconds < int.MaxValue) budget.CancelAfter(left);
            var started = clock.Elapsed;
            try
            {
                var foldScores = new List<double>();
                var held = new List<(double[] Predictions, float[] Labels, float[]? Weights)>();
                ThresholdChoice? pooled = null;
                for (int fold = 0; fold < folds.Count; fold++)
                {
                    var (train, test) = folds[fold];
                    var model = candidate.Fit(TableRows.Subset(x, train), TableRows.Subset(labels, train), task, budget.Token);
                    var testLabels = TableRows.Subset(labels, test);
                    var testX = TableRows.Subset(x, test);
                    held.Add((model.Predict(testX), testLabels, testX.ScoreWeights));
                    // With a rule, a fold's own score until the last fold (its threshold chosen on it alone: shown, not ranked on).
                    foldScores.Add(rule is null ? Score(task, held[^1].Predictions, testLabels, testX.ScoreWeights)
                        : rule.ObjectiveOnItsOwn(held[^1].Predictions, testLabels, testX.ScoreWeights));
                    bool last = fold == folds.Count - 1;
                    if (last && rule is not null)
                    {
                        // One threshold for the candidate, chosen on every fold's predictions together; each fold is scored at it.
                        pooled = rule.Choose([.. held.SelectMany(h => h.Predictions)], [.. held.SelectMany(h => h.Labels)],
                            Workflows.Tables.HeldOutPredictions.WeightedSource(HeldOutSource(candidate.Name, folds.Count), x.ScoreWeights is not null),
                            x.ScoreWeights is null ? default : [.. held.SelectMany(h => h.Weights!)]);
                        foldScores = [.. held.Select(h => rule.ObjectiveAt(h.Predictions, h.Labels, pooled.Threshold, h.Weights))];
                    }
                    o.Progress?.Report(new TabularAutoProgress(candidate.Name, index + 1, list.Count, fold + 1, folds.Count, foldScores[^1], clock.Elapsed)
                    {
                        CandidateScore = last ? foldScores.Average() : null,
                    });
                }
                scores.Add(new CandidateScore(candidate.Name, metric, foldScores, (clock.Elapsed - started).TotalSeconds)
                {
                    Input = (candidate.Encoding, x.Columns),
                    Threshold = pooled,
                    HeldOut = new([.. held.SelectMany(h => h.Predictions)], [.. held.SelectMany(h => h.Labels)], HeldOutSource(candidate.Name, folds.Count),
                        x.ScoreWeights is null ? null : [.. held.SelectMany(h => h.Weights!)]),
                });
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
        // Ties go to the earlier candidate (the simpler learner; a stable sort keeps list order): by time they would go to
        // whichever the machine's load favoured, and the same command could choose differently twice.
        // A candidate that could not reach the precision or recall asked ranks after every one that could.
        var best = scores.Where(s => s.Completed)
            .OrderByDescending(s => s.Threshold?.Met ?? true)
            .ThenByDescending(s => task.IsClassification ? s.Mean : -s.Mean)
            .First();
        var chosen = list.First(c => c.Name == best.Name);
        var final = chosen.Fit(MatrixOf(chosen.Encoding), labels, task, ct);
        if (best.Threshold is { } threshold) final = final.WithThreshold(threshold);
        return new TabularAutoResult(best.Name, final, scores, chosen.Encoding);
    }

    private static string HeldOutSource(string candidate, int folds) => $"{candidate}'s out-of-fold predictions ({folds} folds of the training rows)";

    /// <summary>
    /// Accuracy (classification; a binary task decides at its threshold) or the regression loss's metric (RMSE for squared
    /// error, lower is better) of <paramref name="predictions"/> as <see cref="ITabularModel.Predict"/> returns them; with row
    /// <paramref name="weights"/>, each row counts its weight.
    /// </summary>
    public static double Score(TabularTask task, ReadOnlySpan<double> predictions, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        int n = labels.Length;
        if (n == 0) return double.NaN;
        if (task.Kind == TaskKind.Regression) return task.Loss.Score(predictions[..n], labels, weights);
        if (!weights.IsEmpty && weights.Length != n) throw new ArgumentException($"{n} labels need {n} weights, got {weights.Length}.");
        double correct = 0, total = 0;
        int k = task.ClassCount;
        for (int i = 0; i < n; i++)
        {
            int answer;
            if (task.Kind == TaskKind.Binary) answer = predictions[i] >= task.Threshold ? 1 : 0;
            else
            {
                var row = predictions.Slice(i * k, k);
                answer = 0;
                for (int c = 1; c < k; c++) if (row[c] > row[answer]) answer = c;
            }
            double w = weights.IsEmpty ? 1 : weights[i];
            if (answer == (int)labels[i]) correct += w;
            total += w;
        }
        return total > 0 ? correct / total : double.NaN;
    }
}
