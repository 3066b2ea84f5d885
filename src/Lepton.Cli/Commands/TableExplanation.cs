using Lepton.Cli.Rendering;
using Lepton.Data.Tables;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>lepton explain</c> for a table model: one row (a JSON object, or a .csv/.tsv/.parquet/.jsonl file of one row) encoded by
/// the model's encoders, its prediction, and each raw column's contribution to the raw output (TreeSHAP for LightGBM, exact
/// for linear models, integrated gradients for MLPs), largest first; the same numbers the server's /explain answers.
/// </summary>
internal static class TableExplanation
{
    public static int Run(string folder, string display, string? row, string? cls, bool json, string? vary = null)
    {
        if (row is null) throw new ArgumentException("This is a table model: give the row with --input '{\"age\": 41, \"plan\": \"pro\"}' or --input row.jsonl (or .csv) holding one row.");
        using var predictor = PredictorLoader.Default.Load(folder);
        var encoder = TablePrediction.Encoder(folder, predictor.Signature)
                      ?? throw new InvalidDataException($"{display} has no readable encoders.json; retrain it with lepton train --data TABLE@V.");
        var rows = row.TrimStart().StartsWith('{')
            ? [TableRowJson.Parse(row) ?? throw new ArgumentException("--input is not a JSON object of column values, e.g. {\"age\": 41, \"plan\": \"pro\"}.")]
            : TablePrediction.Read(row, encoder);
        if (rows.Count != 1) throw new ArgumentException($"--input holds {rows.Count} rows; lepton explain explains one row at a time (lepton predict answers many).");
        var features = encoder.Encode(rows);
        ColumnContributions contributions;
        try
        {
            contributions = encoder.Contributions(predictor, features);
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException(e.Message);
        }
        var outputs = predictor.FirstOutput([TableInputEncoder.ToTensor(features)], preprocess: true).Contiguous().To(Lepton.Engine.DType.Float32).ToArray();
        // The output explained: the only one, or the asked (else the predicted) class's raw score.
        int output = contributions.Outputs == 1 ? 0
            : cls is not null ? ExplainCommand.ClassId(cls, predictor.Signature.ClassNames)
            : Array.IndexOf(outputs, outputs.Max());
        var ranked = Enumerable.Range(0, contributions.Columns.Count)
            .Select(c => (Column: contributions.Columns[c], Value: contributions.Of(0, output, c)))
            .OrderByDescending(x => Math.Abs(x.Value)).ToList();
        double bias = contributions.Bias(0, output);
        PartialDependenceCurve? curve;
        try
        {
            curve = vary is null ? null : RowSweep.Curve(predictor, encoder, rows[0], vary, display);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("--" + e.Message, e);
        }
        if (json)
        {
            JsonOut.Write(new
            {
                model = display, output = contributions.OutputNames[output], raw_outputs = outputs, bias,
                scale = contributions.LogScale ? "log" : contributions.BeforeCalibration ? "before_calibration" : "raw",
                contributions = ranked.ToDictionary(x => x.Column, x => x.Value),
                terms = contributions.TextColumns.ToDictionary(t => contributions.Columns[t.Column],
                    t => contributions.TopTerms(0, output, t).ToDictionary(x => x.Term, x => x.Value)),
                method = ColumnContributions.MethodOf(predictor.Kind, encoder.ModelKind),
                vary = curve is null ? null : TableRowSweep.Json(curve),
            });
            return 0;
        }
        double raw = bias + ranked.Sum(x => x.Value);
        AnsiConsole.MarkupLine(contributions.LogScale
            ? $"{Markup.Escape(display)}: output [bold]{Markup.Escape(contributions.OutputNames[output])}[/] {Data.NumberText.Readable(Math.Exp(raw))} = exp(raw score {Data.NumberText.Readable(raw)}), raw score = bias {Data.NumberText.Readable(bias)} + the columns below (a log scale: +0.1 is about 10% more)"
            : $"{Markup.Escape(display)}: output [bold]{Markup.Escape(contributions.OutputNames[output])}[/], raw score {Data.NumberText.Readable(raw)} = bias {Data.NumberText.Readable(bias)} + the columns below");
        if (contributions.BeforeCalibration)
            AnsiConsole.MarkupLine("[grey]The model's probabilities are calibrated after this score (a non-linear map): the columns explain the score, and its rank among rows.[/]");
        var table = new Spectre.Console.Table().Border(TableBorder.Rounded).AddColumn("column").AddColumn(new TableColumn("contribution").RightAligned()).AddColumn("");
        double max = Math.Max(1e-12, ranked.Select(x => Math.Abs(x.Value)).DefaultIfEmpty(0).Max());
        foreach (var (column, value) in ranked)
        {
            string bar = new string('█', (int)Math.Round(12 * Math.Abs(value) / max));
            table.AddRow(Markup.Escape(column), (value > 0 ? "+" : "") + Data.NumberText.Readable(value),
                value >= 0 ? $"[green]{bar}[/]" : $"[red]{bar}[/]");
        }
        AnsiConsole.Console.Write(table);
        foreach (var text in contributions.TextColumns)
        {
            var terms = contributions.TopTerms(0, output, text);
            if (terms.Count > 0)
                AnsiConsole.MarkupLine(Markup.Escape($"'{contributions.Columns[text.Column]}', the words it holds that count most: " +
                    string.Join(", ", terms.Select(t => $"\"{t.Term}\" {(t.Value > 0 ? "+" : "")}{Data.NumberText.Readable(t.Value)}"))));
        }
        // A yes/no model decides at its threshold: the sweep says where that decision flips.
        if (curve is not null) TableRowSweep.Write(curve, curve.Outputs.Count == 1 ? 0 : output, rows[0], RowSweep.DecisionThreshold(predictor.Signature));
        return 0;
    }
}
