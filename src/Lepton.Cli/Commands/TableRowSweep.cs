using Lepton.Runtime.Tables;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>lepton explain --vary COLUMN</c> on a table row, printed: the row's own curve (<see cref="RowSweep"/>) as a table of bars,
/// and where a yes/no decision flips; or as JSON.
/// </summary>
internal static class TableRowSweep
{
    /// <summary>The curve as JSON: the column, its values (and the numbers of an ordered column), and each output's answer at each.</summary>
    public static object Json(PartialDependenceCurve curve) => new
    {
        column = curve.Column,
        values = curve.Labels,
        grid = curve.Grid,
        outputs = curve.Outputs.Select((name, k) => new { output = name, answers = curve.Average[k] }),
    };

    /// <summary>A table of the curve's <paramref name="output"/> at each value, with a bar, and a line per flip of a yes/no decision.</summary>
    public static void Write(PartialDependenceCurve curve, int output, IReadOnlyDictionary<string, object?> row, double? threshold)
    {
        var answers = curve.Average[output];
        string own = row.TryGetValue(curve.Column, out var v) && v is not null ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)! : "missing";
        AnsiConsole.MarkupLine($"How the answer ({Markup.Escape(curve.Outputs[output])}) moves with [bold]{Markup.Escape(curve.Column)}[/], the rest of the row kept (this row: {Markup.Escape(own)}):");
        var table = new Table().Border(TableBorder.Rounded).AddColumn(curve.Column).AddColumn(new TableColumn("answer").RightAligned()).AddColumn("");
        double lo = answers.Min(), hi = answers.Max();
        for (int i = 0; i < answers.Length; i++)
        {
            int width = hi > lo ? 1 + (int)Math.Round(23 * (answers[i] - lo) / (hi - lo)) : 12;
            table.AddRow(Markup.Escape(curve.Labels[i]), Data.NumberText.Readable(answers[i]), new string('█', width));
        }
        AnsiConsole.Write(table);
        if (threshold is not { } t || curve.Grid is null) return;
        var flips = RowSweep.Flips(curve, t);
        if (flips.Count == 0)
            AnsiConsole.MarkupLine(Markup.Escape($"Over these values the decision stays where it is (threshold {t:0.####})."));
        foreach (var (from, to, rises) in flips)
            AnsiConsole.MarkupLine(Markup.Escape($"The decision flips between {curve.Column} {from} and {to}: the answer {(rises ? "rises past" : "falls below")} the threshold {t:0.####}."));
    }
}
