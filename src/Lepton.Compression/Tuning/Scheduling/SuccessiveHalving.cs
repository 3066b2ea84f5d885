namespace Lepton.Compression.Tuning.Scheduling;

/// <summary>
/// Asynchronous successive halving (ASHA) on epochs: rungs at <c>MinEpochs * Eta^k</c> below <c>MaxEpochs</c>. A trial that
/// reaches a rung goes on only if its score is in the top 1/<c>Eta</c> of the scores recorded at that rung so far (itself
/// included; while fewer than <c>Eta</c> trials have reached it, the best one goes on), so no trial waits for others.
/// With <c>MinEpochs == MaxEpochs</c> there are no rungs and every trial trains fully.
/// </summary>
public sealed record SuccessiveHalving(int MinEpochs = 1, int MaxEpochs = 9, int Eta = 3)
{
    public void Validate()
    {
        if (MinEpochs < 1) throw new ArgumentException($"--min-epochs must be >= 1, got {MinEpochs}.");
        if (MaxEpochs < MinEpochs) throw new ArgumentException($"--max-epochs must be >= --min-epochs ({MinEpochs}), got {MaxEpochs}.");
        if (Eta < 2) throw new ArgumentException($"--eta must be >= 2 (keep the top 1/eta at each rung), got {Eta}.");
    }

    /// <summary>The epochs at which trials are compared, ascending; the last full epoch is not a rung.</summary>
    public IReadOnlyList<int> Rungs
    {
        get
        {
            var rungs = new List<int>();
            for (long e = MinEpochs; e < MaxEpochs; e *= Eta) rungs.Add((int)e);
            return rungs;
        }
    }

    public bool IsRung(int epoch) => Rungs.Contains(epoch);

    /// <summary>
    /// Whether a trial scoring <paramref name="value"/> at rung epoch <paramref name="epoch"/> goes on, given
    /// <paramref name="rungScores"/>: every score recorded at that rung, this one included. Higher is better.
    /// </summary>
    public bool Promote(int epoch, double value, IReadOnlyCollection<double> rungScores)
    {
        if (!IsRung(epoch)) return true;
        // Optuna's SuccessiveHalvingPruner: the k-th best of the rung, k = max(1, n / eta), is the bar.
        int k = Math.Max(1, rungScores.Count / Eta);
        double bar = rungScores.OrderByDescending(v => v).ElementAt(Math.Min(k, rungScores.Count) - 1);
        return value >= bar;
    }
}
