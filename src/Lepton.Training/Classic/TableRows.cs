using Lepton.Data.Tables;

namespace Lepton.Training.Classic;

/// <summary>
/// Row subsets, validation splits and cross-validation folds of a <see cref="FeatureMatrix"/>: seeded and stratified by class for
/// classification, or whole groups for a matrix with <see cref="FeatureMatrix.Groups"/>, or, for a matrix in time order, the latest
/// rows held out (no model is judged on the past it learned after).
/// </summary>
public static class TableRows
{
    /// <summary>The rows <paramref name="rows"/> of <paramref name="matrix"/>, in that order, as a new matrix with the same features.</summary>
    public static FeatureMatrix Subset(FeatureMatrix matrix, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int f = matrix.Columns;
        var values = new float[rows.Length * f];
        for (int i = 0; i < rows.Length; i++) matrix.Row(rows[i]).CopyTo(values.AsSpan(i * f, f));
        int[]? groups = null;
        if (matrix.Groups is { } all)
        {
            groups = new int[rows.Length];
            for (int i = 0; i < rows.Length; i++) groups[i] = all[rows[i]];
        }
        return new FeatureMatrix(values, rows.Length, matrix.FeatureNames, matrix.CategoricalFeatures)
        {
            TimeOrdered = matrix.TimeOrdered && Ascending(rows), Groups = groups,
            Weights = matrix.Weights is { } w ? Subset(w, rows) : null, ScoreWeights = matrix.ScoreWeights is { } s ? Subset(s, rows) : null,
        };
    }

    private static bool Ascending(ReadOnlySpan<int> rows)
    {
        for (int i = 1; i < rows.Length; i++) if (rows[i] < rows[i - 1]) return false;
        return true;
    }

    /// <summary>The labels of <paramref name="rows"/>.</summary>
    public static float[] Subset(ReadOnlySpan<float> labels, ReadOnlySpan<int> rows)
    {
        var result = new float[rows.Length];
        for (int i = 0; i < rows.Length; i++) result[i] = labels[rows[i]];
        return result;
    }

    /// <summary>
    /// Assigns each row a fold 0..k-1: rows are shuffled with <paramref name="seed"/> and dealt round-robin, class by class
    /// for classification so every fold holds each class in proportion.
    /// </summary>
    public static int[] Folds(ReadOnlySpan<float> labels, TabularTask task, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), $"k-fold needs k >= 2, got {k}.");
        if (labels.Length < k) throw new ArgumentException($"{k} folds need at least {k} rows, got {labels.Length}.", nameof(labels));
        var order = Enumerable.Range(0, labels.Length).ToArray();
        new Random(seed).Shuffle(order);
        var folds = new int[labels.Length];
        if (task.IsClassification)
        {
            var y = labels.ToArray();
            // Classes in turn, the deal continuing where the previous class stopped so small classes spread over folds.
            int next = 0;
            foreach (var group in order.GroupBy(r => (int)y[r]).OrderBy(g => g.Key))
                foreach (var r in group) folds[r] = next++ % k;
        }
        else
        {
            for (int i = 0; i < order.Length; i++) folds[order[i]] = i % k;
        }
        return folds;
    }

    /// <summary>
    /// The (train, test) rows of each of <paramref name="k"/> cross-validation folds of <paramref name="x"/>: the seeded
    /// <see cref="Folds"/> (<see cref="GroupFolds"/> when the rows carry groups: fewer folds when there are fewer groups), each
    /// fold tested once against the others; or for a matrix in time order, forward chaining: the later
    /// half of the rows cut into k blocks in time, fold i tested on block i and trained on every earlier row.
    /// </summary>
    public static IReadOnlyList<(int[] Train, int[] Test)> CrossValidation(FeatureMatrix x, ReadOnlySpan<float> labels, TabularTask task, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!x.TimeOrdered)
        {
            // Fewer groups than folds: one fold per group.
            int groupCount = x.Groups?.Distinct().Count() ?? 0;
            if (groupCount >= 2) k = Math.Min(k, groupCount);
            var folds = groupCount >= 2 ? GroupFolds(x.Groups!, k, seed) : Folds(labels, task, k, seed);
            return [.. Enumerable.Range(0, k).Select(fold => Partition(folds, fold))];
        }
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), $"k-fold needs k >= 2, got {k}.");
        int n = labels.Length;
        if (n < 2 * k) throw new ArgumentException($"{k} time-ordered folds need at least {2 * k} rows, got {n}.", nameof(labels));
        // The test blocks tile the later half, so every fold trains on at least half the rows: a fold trained on a sixth of
        // them (scikit-learn's TimeSeriesSplit) judges learners by how they do on little data, not on the data they will get.
        int half = n / 2;
        int Start(int block) => half + (int)((long)block * (n - half) / k);
        return [.. Enumerable.Range(0, k).Select(i => (Enumerable.Range(0, Start(i)).ToArray(), Enumerable.Range(Start(i), Start(i + 1) - Start(i)).ToArray()))];
    }

    /// <summary>
    /// A fold 0..k-1 for each row such that a group's rows share one fold: the groups in a seeded order, largest first (ties in
    /// that order), each dealt to the fold with the fewest rows so far, so the folds come out near equal (scikit-learn's GroupKFold).
    /// </summary>
    public static int[] GroupFolds(IReadOnlyList<int> groups, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), $"k-fold needs k >= 2, got {k}.");
        var sizes = new Dictionary<int, int>();
        foreach (int g in groups) sizes[g] = sizes.GetValueOrDefault(g) + 1;
        if (sizes.Count < k) throw new ArgumentException($"{k} folds of whole groups need at least {k} groups, got {sizes.Count}; use fewer folds.", nameof(groups));
        var order = sizes.Keys.Order().ToArray();
        new Random(seed).Shuffle(order);
        var fold = new Dictionary<int, int>();
        var load = new long[k];
        foreach (int g in order.OrderByDescending(g => sizes[g]))
        {
            int least = 0;
            for (int f = 1; f < k; f++) if (load[f] < load[least]) least = f;
            fold[g] = least;
            load[least] += sizes[g];
        }
        return [.. groups.Select(g => fold[g])];
    }

    /// <summary>The rows of fold <paramref name="fold"/> (test) and of every other fold (train).</summary>
    private static (int[] Train, int[] Test) Partition(int[] folds, int fold)
    {
        var train = new List<int>();
        var test = new List<int>();
        for (int i = 0; i < folds.Length; i++) (folds[i] == fold ? test : train).Add(i);
        return ([.. train], [.. test]);
    }

    /// <summary>
    /// Rows of <paramref name="x"/> split into (train, validation) with about <paramref name="validationFraction"/> held out:
    /// the latest rows when the matrix is in time order, else whole groups (seeded) when its rows carry groups, else the seeded,
    /// stratified <see cref="Split(ReadOnlySpan{float}, TabularTask, double, int)"/>.
    /// </summary>
    public static (int[] Train, int[] Validation) Split(FeatureMatrix x, ReadOnlySpan<float> labels, TabularTask task, double validationFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!x.TimeOrdered && x.Groups is { } groups && groups.Distinct().Count() is var groupCount and >= 2)
        {
            if (!(validationFraction > 0 && validationFraction < 1))
                throw new ArgumentOutOfRangeException(nameof(validationFraction), $"The validation fraction must lie strictly between 0 and 1, got {validationFraction}.");
            // Folds of size fraction, dealt by group (one per group when there are fewer): fold 0 is the validation part.
            var byGroup = GroupFolds(groups, Math.Min(groupCount, Math.Max(2, (int)Math.Round(1 / validationFraction))), seed);
            var (rest, heldOut) = Partition(byGroup, 0);
            return (rest, heldOut);
        }
        if (!x.TimeOrdered) return Split(labels, task, validationFraction, seed);
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), $"The validation fraction must lie strictly between 0 and 1, got {validationFraction}.");
        int n = labels.Length, held = (int)Math.Round(n * validationFraction);
        return (Enumerable.Range(0, n - held).ToArray(), Enumerable.Range(n - held, held).ToArray());
    }

    /// <summary>A seeded split into (train, validation) rows with about <paramref name="validationFraction"/> held out, stratified for classification.</summary>
    public static (int[] Train, int[] Validation) Split(ReadOnlySpan<float> labels, TabularTask task, double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), $"The validation fraction must lie strictly between 0 and 1, got {validationFraction}.");
        // Folds of size fraction: fold 0 is the validation part.
        int k = Math.Max(2, (int)Math.Round(1 / validationFraction));
        var folds = Folds(labels, task, k, seed);
        var train = new List<int>();
        var valid = new List<int>();
        for (int i = 0; i < folds.Length; i++) (folds[i] == 0 ? valid : train).Add(i);
        return ([.. train], [.. valid]);
    }
}
