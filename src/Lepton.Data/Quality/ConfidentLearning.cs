namespace Lepton.Data.Quality;

/// <summary>
/// The steps and result of confident learning (Northcutt, Jiang and Chuang, "Confident Learning: Estimating Uncertainty
/// in Dataset Labels", JAIR 2021) on N examples of K classes: per-class thresholds, the calibrated confident joint
/// C[given, true], and the examples found to be mislabelled, most suspicious (lowest self-confidence) first.
/// </summary>
public sealed record LabelIssues(double[] Thresholds, int[,] ConfidentJoint, int[] Indices, double[] SelfConfidence);

/// <summary>
/// Finds likely label errors from out-of-fold predicted probabilities, as cleanlab's
/// <c>find_label_issues(labels, pred_probs, filter_by="prune_by_noise_rate")</c>: threshold t_j = mean p_j over examples
/// labelled j; the confident joint counts each example under (given label, the most probable class whose p reaches its
/// threshold); it is calibrated so row i sums to the count of label i; for each given class k and true class j != k the
/// C[k,j] examples labelled k with the largest margin p_j - p_k are flagged (keeping at least one per class), and an
/// example whose most probable class is its label is never flagged. Checked against a numpy twin
/// (tools/fixtures/confident_learning.py).
/// </summary>
public static class ConfidentLearning
{
    /// <summary>probs: (N,K) row-major out-of-fold probabilities; labels: N given class ids in 0..K-1.</summary>
    public static LabelIssues FindLabelIssues(ReadOnlySpan<float> probs, ReadOnlySpan<int> labels, int classes)
    {
        int n = labels.Length, k = classes;
        if (k < 2) throw new ArgumentException($"ConfidentLearning needs at least 2 classes, got {k}.");
        if (probs.Length != n * k)
            throw new ArgumentException($"ConfidentLearning expected probabilities of shape ({n},{k}) = {n * k} values, got {probs.Length}.");
        var p = new double[n * k];
        for (int i = 0; i < p.Length; i++) p[i] = probs[i];
        var y = labels.ToArray();
        foreach (var l in y)
            if ((uint)l >= (uint)k) throw new ArgumentException($"ConfidentLearning: label {l} is outside 0..{k - 1}.");

        var counts = new int[k];
        foreach (var l in y) counts[l]++;
        var thresholds = Thresholds(p, y, k, counts);
        var joint = CalibratedJoint(ConfidentJoint(p, y, k, thresholds), counts);
        var prune = KeepAtLeastOnePerClass(Transpose(joint));
        var flagged = Prune(p, y, k, counts, prune);

        var self = new double[n];
        for (int i = 0; i < n; i++) self[i] = p[i * k + y[i]];
        var indices = Enumerable.Range(0, n).Where(i => flagged[i])
            .OrderBy(i => self[i]).ThenBy(i => i).ToArray();
        return new LabelIssues(thresholds, joint, indices, self);
    }

    /// <summary>t_j: the mean probability of class j over the examples labelled j.</summary>
    internal static double[] Thresholds(double[] p, int[] y, int k, int[] counts)
    {
        var t = new double[k];
        for (int i = 0; i < y.Length; i++) t[y[i]] += p[i * k + y[i]];
        for (int j = 0; j < k; j++) t[j] = counts[j] > 0 ? t[j] / counts[j] : 0;
        return t;
    }

    /// <summary>
    /// C[given, true]: each example with at least one class whose p reaches its threshold (less 1e-6, as cleanlab) counts
    /// under the most probable such class (the most probable class overall when only one is confident, as cleanlab);
    /// the diagonal is raised to at least 1.
    /// </summary>
    internal static double[,] ConfidentJoint(double[] p, int[] y, int k, double[] t)
    {
        var c = new double[k, k];
        for (int i = 0; i < y.Length; i++)
        {
            int best = -1, confident = 0;
            for (int j = 0; j < k; j++)
                if (p[i * k + j] >= t[j] - 1e-6)
                {
                    confident++;
                    if (best < 0 || p[i * k + j] > p[i * k + best]) best = j;
                }
            // As cleanlab: with exactly one confident class the guess is the overall most probable class.
            if (confident == 1) best = ArgMax(p, i, k);
            if (confident > 0) c[y[i], best]++;
        }
        for (int j = 0; j < k; j++) c[j, j] = Math.Max(c[j, j], 1);
        return c;
    }

    /// <summary>Rows scaled to the label counts, the whole to N, then rounded keeping each row's total.</summary>
    internal static int[,] CalibratedJoint(double[,] c, int[] counts)
    {
        int k = counts.Length;
        var cal = new double[k, k];
        double total = 0;
        for (int i = 0; i < k; i++)
        {
            double row = 0;
            for (int j = 0; j < k; j++) row += c[i, j];
            for (int j = 0; j < k; j++) { cal[i, j] = c[i, j] / Math.Max(row, 1e-12) * counts[i]; total += cal[i, j]; }
        }
        double n = counts.Sum();
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) cal[i, j] = cal[i, j] / Math.Max(total, 1e-12) * n;
        return RoundRows(cal);
    }

    /// <summary>
    /// cleanlab's keep_at_least_n_per_class with n = 1 on M[true, given]: a diagonal entry below 1 becomes 1 and the
    /// increase is taken evenly from that column's non-zero off-diagonal entries (floored at 0), then rows are rounded.
    /// </summary>
    internal static int[,] KeepAtLeastOnePerClass(int[,] m)
    {
        int k = m.GetLength(0);
        var r = new double[k, k];
        for (int col = 0; col < k; col++)
        {
            double diag = m[col, col];
            double newDiag = Math.Max(diag, 1);
            int nonZero = 0;
            for (int row = 0; row < k; row++) if (m[row, col] != 0) nonZero++;
            double perEntry = (newDiag - diag) / Math.Max(nonZero - 1.0, 1.0);
            for (int row = 0; row < k; row++) r[row, col] = Math.Max(m[row, col] - perEntry, 0);
            r[col, col] = newDiag;
        }
        return RoundRows(r);
    }

    /// <summary>For given class g and true class j != g, flags the M[j,g] examples labelled g with the largest p_j - p_g.</summary>
    internal static bool[] Prune(double[] p, int[] y, int k, int[] counts, int[,] m)
    {
        var flagged = new bool[y.Length];
        for (int g = 0; g < k; g++)
        {
            if (counts[g] <= 1) continue;
            var members = Enumerable.Range(0, y.Length).Where(i => y[i] == g).ToArray();
            for (int j = 0; j < k; j++)
            {
                int take = Math.Min(m[j, g], members.Length);
                if (j == g || take <= 0) continue;
                // Largest margins first; ties by lower index, as a stable descending sort.
                foreach (var i in members.OrderByDescending(i => p[i * k + j] - p[i * k + g]).ThenBy(i => i).Take(take))
                    flagged[i] = true;
            }
        }
        for (int i = 0; i < y.Length; i++)
            if (flagged[i] && ArgMax(p, i, k) == y[i]) flagged[i] = false;
        return flagged;
    }

    /// <summary>cleanlab's round_preserving_row_totals: rounds each row, then moves units where rounding lost most.</summary>
    internal static int[,] RoundRows(double[,] a)
    {
        int rows = a.GetLength(0), cols = a.GetLength(1);
        var result = new int[rows, cols];
        for (int r = 0; r < rows; r++)
        {
            var floats = new double[cols];
            var ints = new double[cols];
            for (int c = 0; c < cols; c++) { floats[c] = a[r, c]; ints[c] = Math.Round(floats[c], MidpointRounding.ToEven); }
            double target = Math.Round(floats.Sum(), MidpointRounding.ToEven);
            double sum = Math.Round(ints.Sum(), MidpointRounding.ToEven);
            while (Math.Abs(sum - target) > 1e-6)
            {
                double diff = Math.Round(target - sum, MidpointRounding.ToEven);
                int step = diff < 0 ? -1 : 1;
                int changes = Math.Min((int)Math.Abs(diff), cols);
                // Indices by (float - int) descending; ties by higher index first, as numpy's stable argsort reversed.
                var order = Enumerable.Range(0, cols).OrderBy(c => floats[c] - ints[c]).ThenBy(c => c).Reverse().Take(changes);
                foreach (var c in order) ints[c] += step;
                sum = Math.Round(ints.Sum(), MidpointRounding.ToEven);
            }
            for (int c = 0; c < cols; c++) result[r, c] = (int)ints[c];
        }
        return result;
    }

    private static int[,] Transpose(int[,] a)
    {
        int k = a.GetLength(0);
        var t = new int[k, k];
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) t[j, i] = a[i, j];
        return t;
    }

    private static int ArgMax(double[] p, int i, int k)
    {
        int best = 0;
        for (int j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
        return best;
    }
}
