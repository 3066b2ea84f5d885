using Lepton.Data.Profiles;
using Lepton.Monitoring.Drift;

namespace Lepton.Monitoring;

/// <summary>Compares live requests with a model's reference profile.</summary>
internal static class DriftCalculator
{
    /// <summary>Per input statistic: PSI of the live values over the reference bins, and KS against the reference sample.</summary>
    public static IReadOnlyList<InputDrift> Inputs(ReferenceProfile reference, IReadOnlyList<ExampleStatistics> live)
    {
        if (live.Count == 0) return [];
        var drift = new List<InputDrift>();
        foreach (string name in ExampleStatistics.Names)
        {
            if (!reference.Inputs.TryGetValue(name, out var profile) || profile.Proportions.Length == 0) continue;
            var values = live.Select(s => s[name]).ToArray();
            var counts = new double[profile.Proportions.Length];
            foreach (double v in values) counts[profile.BinOf(v)]++;
            double psi = PopulationStabilityIndex.Compute(profile.Proportions, counts);
            var ks = profile.Sample.Length > 0 ? KolmogorovSmirnov.TwoSample(profile.Sample, values) : new KsResult(0, 1);
            drift.Add(new InputDrift(name, psi, ks.Statistic, ks.PValue));
        }
        return drift;
    }

    /// <summary>PSI and chi-square of the predicted-class counts against the reference's predicted proportions; null without usable predictions.</summary>
    public static PredictionDrift? Predictions(ReferenceProfile reference, IEnumerable<string> predictedLabels)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < reference.ClassNames.Count; i++) index.TryAdd(reference.ClassNames[i], i);
        var counts = new long[reference.ClassNames.Count];
        long total = 0;
        foreach (string label in predictedLabels)
        {
            if (!index.TryGetValue(label, out int i)) continue;
            counts[i]++;
            total++;
        }
        if (total == 0 || reference.PredictedProportions.Length != counts.Length || reference.PredictedProportions.Sum() <= 0) return null;
        double psi = PopulationStabilityIndex.Compute(reference.PredictedProportions, counts.Select(c => (double)c).ToArray());
        var chi = ChiSquare.GoodnessOfFit(counts, reference.PredictedProportions);
        return new PredictionDrift(psi, chi.Statistic, chi.DegreesOfFreedom, chi.PValue);
    }
}
