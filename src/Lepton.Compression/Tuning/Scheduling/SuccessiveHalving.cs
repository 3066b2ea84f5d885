using Lepton.Compression.Tuning.Study;

namespace Lepton.Compression.Tuning.Scheduling;

/// <summary>
/// Successive halving on epochs: rungs at <c>MinEpochs * Eta^k</c> below <c>MaxEpochs</c>, where the top 1/<c>Eta</c> of
/// the trials that reached a rung go on. Two rules: <see cref="Promote"/> decides at once (a shared study's workers cannot
/// resume each other's trials), <see cref="Continues"/> and <see cref="NextPromotion"/> are ASHA's (a trial not yet in the top
/// waits at its rung and is resumed when enough others have reached it), which promotes at most <c>n / Eta</c> of a rung.
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

    /// <summary>The epochs a trial may train before its next comparison: the next rung after <paramref name="epoch"/>, or the last epoch.</summary>
    public int NextTarget(int epoch)
    {
        foreach (int rung in Rungs)
            if (rung > epoch) return rung;
        return MaxEpochs;
    }

    /// <summary>
    /// ASHA at a rung: whether <paramref name="trial"/>, which just reported <paramref name="epoch"/> (its target), may go on
    /// now, given every trial of the study. It may when fewer than <c>n / Eta</c> of the <c>n</c> trials that reached the rung
    /// went on from it and its score is among the top <c>n / Eta</c> there; otherwise it waits (while fewer than <c>Eta</c>
    /// have reached a rung, none goes on).
    /// </summary>
    public bool Continues(TrialRecord trial, int epoch, IReadOnlyList<TrialRecord> trials) =>
        !IsRung(epoch) || epoch < trial.Target || Promotable(trial, epoch, trials);

    /// <summary>
    /// ASHA's next resumption: the best waiting trial of the highest rung that now has room for it (the deepest trials first,
    /// so the study finishes trials before it starts new ones), or null when none may go on.
    /// </summary>
    public TrialRecord? NextPromotion(IReadOnlyList<TrialRecord> trials)
    {
        foreach (int rung in Rungs.Reverse())
        {
            var waiting = trials.Where(t => t.Status == TrialStatus.Paused && t.LastEpoch == rung && t.Target == rung)
                .OrderByDescending(t => t.Reports[rung]).ThenBy(t => t.Number).FirstOrDefault();
            if (waiting is not null && Promotable(waiting, rung, trials)) return waiting;
        }
        return null;
    }

    private bool Promotable(TrialRecord trial, int rung, IReadOnlyList<TrialRecord> trials)
    {
        // Trials that went on from this rung have targets past it; a restarted one counts before it reports the rung again.
        var live = trials.Where(t => t.Status != TrialStatus.Failed).ToList();
        int reached = live.Count(t => t.Reports.ContainsKey(rung) || t.Target > rung);
        int slots = reached / Eta;
        int promoted = live.Count(t => t.Number != trial.Number && t.Target > rung);
        if (promoted >= slots || !trial.Reports.TryGetValue(rung, out double value)) return false;
        double bar = live.Where(t => t.Reports.ContainsKey(rung)).Select(t => t.Reports[rung]).OrderByDescending(v => v).ElementAt(slots - 1);
        return value >= bar;
    }
}
