using Lepton.Data.Profiles;
using Lepton.Monitoring.Drift;

namespace Lepton.Monitoring;

/// <summary>
/// Per-feature drift of a table model's live rows against its training columns (reference.json's table section): PSI over the
/// reference deciles and a two-sample KS test for numbers and date-times; PSI and a chi-square goodness-of-fit test over the
/// reference categories for categorical and boolean columns; and the change of the missing rate. A regressor's predictions are
/// compared with its held-out predictions the same way as a number.
/// </summary>
internal static class FeatureDriftCalculator
{
    public static IReadOnlyList<FeatureDrift> Columns(TableReferenceProfile reference, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        if (rows.Count == 0) return [];
        var drift = new List<FeatureDrift>(reference.Columns.Count);
        foreach (var column in reference.Columns)
        {
            int missing = 0;
            var numbers = new List<double>();
            var categories = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                var (isMissing, number, category) = column.Read(row.TryGetValue(column.Name, out var v) ? v : null);
                if (isMissing) missing++;
                else if (category is not null) categories[category] = categories.GetValueOrDefault(category) + 1;
                else numbers.Add(number);
            }
            double liveMissing = (double)missing / rows.Count;
            if (column.Numbers is { Proportions.Length: > 0 } profile && numbers.Count > 0)
            {
                var (psi, ks) = Compare(profile, numbers);
                drift.Add(new FeatureDrift(column.Name, column.Kind, psi, ks.Statistic, ks.PValue, null, null, column.MissingRate, liveMissing, column.Time));
            }
            else if (column.Categories is { Count: > 0 } shares && categories.Count > 0)
            {
                var names = shares.Keys.ToArray();
                var observed = names.Select(n => categories.GetValueOrDefault(n)).ToArray();
                // A floor on the expected shares keeps the test defined for a bucket empty in training (no unseen categories there).
                var expected = names.Select(n => Math.Max(shares[n], 1e-4)).ToArray();
                double sum = expected.Sum();
                var chi = ChiSquare.GoodnessOfFit(observed, [.. expected.Select(p => p / sum)]);
                double psi = PopulationStabilityIndex.Compute([.. names.Select(n => shares[n])], [.. observed.Select(c => (double)c)]);
                drift.Add(new FeatureDrift(column.Name, column.Kind, psi, null, null, chi.Statistic, chi.PValue, column.MissingRate, liveMissing, column.Time));
            }
            else
            {
                // Nothing to bin on one side (every value missing): only the missing rate speaks.
                drift.Add(new FeatureDrift(column.Name, column.Kind, 0, null, null, null, null, column.MissingRate, liveMissing, column.Time));
            }
        }
        return drift;
    }

    /// <summary>A regressor's live predictions against its held-out ones: PSI over the reference deciles and KS; null without values.</summary>
    public static InputDrift? Predictions(TableReferenceProfile reference, IReadOnlyList<double> values)
    {
        if (reference.Predictions is not { Proportions.Length: > 0 } profile || values.Count == 0) return null;
        var (psi, ks) = Compare(profile, values);
        return new InputDrift("prediction", psi, ks.Statistic, ks.PValue);
    }

    private static (double Psi, KsResult Ks) Compare(StatisticProfile profile, IReadOnlyList<double> values)
    {
        var counts = new double[profile.Proportions.Length];
        foreach (double v in values) counts[profile.BinOf(v)]++;
        double psi = PopulationStabilityIndex.Compute(profile.Proportions, counts);
        var ks = profile.Sample.Length > 0 ? KolmogorovSmirnov.TwoSample(profile.Sample, values) : new KsResult(0, 1);
        return (psi, ks);
    }
}
