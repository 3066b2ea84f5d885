using Lepton.Data.Profiles;
using Lepton.Data.Tables.Columns;

namespace Lepton.Runtime.Tables;

/// <summary>
/// One table row's own curve along a column (an individual conditional expectation): the column set to each value it took in the
/// model's training rows (reference.json), the rest of the row kept; and where a yes/no decision flips along it. Shared by
/// <c>lepton explain --vary</c> and the server's <c>/explain?vary=</c>.
/// </summary>
public static class RowSweep
{
    /// <summary>The row's curve along <paramref name="column"/>; the error names the columns that can be swept when it is not one.</summary>
    public static PartialDependenceCurve Curve(IPredictor predictor, TableInputEncoder encoder, IReadOnlyDictionary<string, object?> row, string column, string display)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var sweepable = encoder.Columns.Where(c => PartialDependence.Sweepable(c.Kind)).Select(c => c.Name).ToList();
        var input = encoder.Columns.FirstOrDefault(c => c.Name == column)
                    ?? throw new ArgumentException($"vary {column}: {display} reads no column '{column}'; it can sweep {string.Join(", ", sweepable)}.");
        if (!sweepable.Contains(column))
            throw new ArgumentException($"vary {column}: a {ColumnKinds.Name(input.Kind)} column has no one value to sweep; {display} can sweep {string.Join(", ", sweepable)}.");
        var profile = encoder.Reference?.Columns.FirstOrDefault(c => c.Name == column)
                      ?? throw new ArgumentException($"vary needs the training values of '{column}', which {display}'s folder does not hold (reference.json); retrain it with lepton train.");
        var sweep = input.Kind switch
        {
            // A date-time's profile holds seconds since 1970.
            ColumnKind.Numeric or ColumnKind.DateTime => PartialDependence.Sweep(profile.Numbers?.Sample.Cast<object?>() ?? [], input.Kind),
            ColumnKind.Boolean => PartialDependence.Sweep([], ColumnKind.Boolean),
            // The most frequent categories of training first (the profile's shares), the pooled rest left out.
            _ => Categories(profile),
        };
        return PartialDependence.Curve(predictor, encoder, [row], column, input.Kind, sweep)
               ?? throw new ArgumentException($"vary {column}: '{column}' took fewer than two values in training; there is nothing to sweep.");
    }

    private static ColumnSweep Categories(TableColumnProfile profile)
    {
        var top = (profile.Categories ?? new Dictionary<string, double>()).Where(c => c.Key != TableReferenceProfile.Other)
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(PartialDependence.MaxCategories).Select(c => c.Key).ToList();
        return new ColumnSweep(top, [.. top.Cast<object?>()], null);
    }

    /// <summary>The probability from which a yes/no model says its positive class (its task's threshold, else 0.5); null for other models.</summary>
    public static double? DecisionThreshold(PredictorSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.ClassNames.Count != 2) return null;
        return signature.Task is { Kind: Lepton.NN.Serialization.TaskKind.Binary } task ? task.Threshold : 0.5;
    }

    /// <summary>For a yes/no model's curve along an ordered column, the neighbouring values between which the answer crosses <paramref name="threshold"/>.</summary>
    public static IReadOnlyList<(string From, string To, bool Rises)> Flips(PartialDependenceCurve curve, double threshold)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var flips = new List<(string, string, bool)>();
        if (curve.Grid is null) return flips;
        var a = curve.Average[0];
        for (int i = 1; i < a.Length; i++)
            if (a[i - 1] >= threshold != a[i] >= threshold) flips.Add((curve.Labels[i - 1], curve.Labels[i], a[i] >= threshold));
        return flips;
    }
}
