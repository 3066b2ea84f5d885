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
            drift.Add(Compare(name, profile, live.Select(s => s[name]).ToArray()));
        }
        return drift;
    }

    /// <summary>Per text statistic (chars, tokens, unknown and rare-token rates): PSI over the reference deciles and KS against its sample.</summary>
    public static IReadOnlyList<InputDrift> TextInputs(TextReferenceProfile reference, IReadOnlyList<TextStatistics> live)
    {
        if (live.Count == 0) return [];
        var drift = new List<InputDrift>();
        foreach (string name in TextStatistics.Names)
        {
            if (!reference.Statistics.TryGetValue(name, out var profile) || profile.Proportions.Length == 0) continue;
            drift.Add(Compare(name, profile, live.Select(s => s[name]).ToArray()));
        }
        return drift;
    }

    /// <summary>The live texts' token-frequency and script mixes against the reference's; null without live texts.</summary>
    public static TextDrift? Texts(TextReferenceProfile reference, IReadOnlyList<TextStatistics> live)
    {
        if (live.Count == 0) return null;
        var frequency = TextReferenceProfile.Proportions(live, t => t.FrequencyBins, TokenFrequencyBins.Count);
        var scripts = TextReferenceProfile.Proportions(live, t => t.Scripts, TextScripts.Names.Count);
        long[] counts = new long[TokenFrequencyBins.Count];
        foreach (var t in live)
            for (int i = 0; i < counts.Length; i++) counts[i] += t.FrequencyBins[i];
        // The bins' expected shares with a floor, so a bin empty in training (no unseen tokens there) keeps the test defined.
        var expected = reference.FrequencyProportions.Select(p => Math.Max(p, 1e-4)).ToArray();
        double sum = expected.Sum();
        var chi = ChiSquare.GoodnessOfFit(counts, [.. expected.Select(p => p / sum)]);
        double scriptPsi = scripts.Sum() > 0 && reference.ScriptProportions.Sum() > 0 ? PopulationStabilityIndex.Compute(reference.ScriptProportions, scripts) : 0;
        return new TextDrift(PopulationStabilityIndex.Compute(reference.FrequencyProportions, frequency), chi.Statistic, chi.PValue, scriptPsi,
            TextScripts.Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => scripts[x.i]));
    }

    private static InputDrift Compare(string name, StatisticProfile profile, double[] values)
    {
        var counts = new double[profile.Proportions.Length];
        foreach (double v in values) counts[profile.BinOf(v)]++;
        double psi = PopulationStabilityIndex.Compute(profile.Proportions, counts);
        var ks = profile.Sample.Length > 0 ? KolmogorovSmirnov.TwoSample(profile.Sample, values) : new KsResult(0, 1);
        return new InputDrift(name, psi, ks.Statistic, ks.PValue);
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
