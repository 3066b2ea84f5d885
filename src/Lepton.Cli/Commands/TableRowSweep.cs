using Lepton.Data.Profiles;
using Lepton.Data.Tables.Columns;
using Lepton.Reports.Tables;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>lepton explain --vary COLUMN</c> on a table row: the row's own curve (an individual conditional expectation) as the column takes
/// the values it had in training (from the model's reference.json) with the rest of the row kept, and where a yes/no decision flips.
/// </summary>
internal static class TableRowSweep
{
    /// <summary>The row's curve along <paramref name="column"/>; the error names the columns that can be swept when it is not one.</summary>
    public static PartialDependenceCurve Curve(IPredictor predictor, TableInputEncoder encoder, IReadOnlyDictionary<string, object?> row, string column, string display)
    {
        var sweepable = encoder.Columns.Where(c => c.Kind is ColumnKind.Numeric or ColumnKind.Boolean or ColumnKind.Categorical).Select(c => c.Name).ToList();
        var input = encoder.Columns.FirstOrDefault(c => c.Name == column)
                    ?? throw new ArgumentException($"--vary {column}: {display} reads no column '{column}'; it can sweep {string.Join(", ", sweepable)}.");
        if (!sweepable.Contains(column))
            throw new ArgumentException($"--vary {column}: a {ColumnKinds.Name(input.Kind)} column has no one value to sweep; {display} can sweep {string.Join(", ", sweepable)}.");
        var profile = encoder.Reference?.Columns.FirstOrDefault(c => c.Name == column)
                      ?? throw new ArgumentException($"--vary needs the training values of '{column}', which {display}'s folder does not hold (reference.json); retrain it with lepton train.");
        var sweep = input.Kind switch
        {
            ColumnKind.Numeric => PartialDependence.Sweep(profile.Numbers?.Sample.Cast<object?>() ?? [], ColumnKind.Numeric),
            ColumnKind.Boolean => PartialDependence.Sweep([], ColumnKind.Boolean),
            // The most frequent categories of training first (the profile's shares), the pooled rest left out.
            _ => Categories(profile),
        };
        return PartialDependence.Curve(predictor, encoder, [row], column, input.Kind, sweep)
               ?? throw new ArgumentException($"--vary {column}: '{column}' took fewer than two values in training; there is nothing to sweep.");
    }

    private static ColumnSweep Categories(TableColumnProfile profile)
    {
        var top = (profile.Categories ?? new Dictionary<string, double>()).Where(c => c.Key != TableReferenceProfile.Other)
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(PartialDependence.MaxCategories).Select(c => c.Key).ToList();
        return new ColumnSweep(top, [.. top.Cast<object?>()], null);
    }

    /// <summary>For a yes/no model's curve, the neighbouring values between which the answer crosses <paramref name="threshold"/>.</summary>
    public static IReadOnlyList<(string From, string To, bool Rises)> Flips(PartialDependenceCurve curve, double threshold)
    {
        var a = curve.Average[0];
        var flips = new List<(string, string, bool)>();
        for (int i = 1; i < a.Length; i++)
            if (a[i - 1] >= threshold != a[i] >= threshold) flips.Add((curve.Labels[i - 1], curve.Labels[i], a[i] >= threshold));
        return flips;
    }

    /// <summary>The curve as JSON: the column, its values (and the numbers of an ordered column), and each output's answer at each.</summary>
    public static object Json(PartialDependenceCurve curve) => new
    {
        column = curve.Column,
        values = curve.Labels,
        grid = curve.Grid,
        outputs = curve.Outputs.Select((name, k) => new { output = name, answers = curve.Average[k] }),
    };

    /// <summary>A table of the answer at each value, with a bar, and a line per flip of a yes/no decision.</summary>
    public static void Write(PartialDependenceCurve curve, int output, IReadOnlyDictionary<string, object?> row, double? threshold)
    {
        var answers = curve.Average[Math.Min(output, curve.Outputs.Count - 1)];
        string own = row.TryGetValue(curve.Column, out var v) && v is not null ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)! : "missing";
        AnsiConsole.MarkupLine($"How the answer ({Markup.Escape(curve.Outputs[Math.Min(output, curve.Outputs.Count - 1)])}) moves with [bold]{Markup.Escape(curve.Column)}[/], the rest of the row kept (this row: {Markup.Escape(own)}):");
        var table = new Table().Border(TableBorder.Rounded).AddColumn(curve.Column).AddColumn(new Spectre.Console.TableColumn("answer").RightAligned()).AddColumn("");
        double lo = answers.Min(), hi = answers.Max();
        for (int i = 0; i < answers.Length; i++)
        {
            int width = hi > lo ? 1 + (int)Math.Round(23 * (answers[i] - lo) / (hi - lo)) : 12;
            table.AddRow(Markup.Escape(curve.Labels[i]), Data.NumberText.Readable(answers[i]), new string('█', width));
        }
        AnsiConsole.Write(table);
        if (threshold is not { } t || curve.Grid is null) return;
        var flips = Flips(curve, t);
        if (flips.Count == 0)
            AnsiConsole.MarkupLine(Markup.Escape($"Over these values the decision stays where it is (threshold {t:0.####})."));
        foreach (var (from, to, rises) in flips)
            AnsiConsole.MarkupLine(Markup.Escape($"The decision flips between {curve.Column} {from} and {to}: the answer {(rises ? "rises past" : "falls below")} the threshold {t:0.####}."));
    }
}
